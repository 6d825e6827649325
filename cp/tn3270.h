/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_TN3270_H
#define RVCP_CP_TN3270_H
/*
 * 3270 sessions (cp/tn3270.c): the terminal port's second kind of client.
 * The terminal server (cp/terminal.c) creates one per connection and hands
 * it the telnet events; the session negotiates, and from then on owns the
 * screen.  It knows nothing of users: what is typed goes up through struct
 * tn3270_host, what CP and the guest write comes down as lines and bytes.
 *
 * Negotiation (RFC 1576, RFC 2355), started by the server at connect with
 * DO TN3270E and DO TERMINAL-TYPE (a client answers in order, so WILL
 * TERMINAL-TYPE without WILL TN3270E before it is a refusal of TN3270E):
 *   TN3270E     -> WILL: SEND DEVICE-TYPE; the client's DEVICE-TYPE REQUEST
 *                  must name IBM-3278-n-E, IBM-3279-n-E (n 2..5) or
 *                  IBM-DYNAMIC (else REJECT INV-DEVICE-TYPE); FUNCTIONS:
 *                  BIND-IMAGE is the one rvcp grants (the BIND then carries
 *                  the default and alternate screen sizes); every record
 *                  has the 5-byte TN3270E header.
 *               -> WONT (or taken back after a reject): TERMINAL-TYPE.
 *   TERMINAL-TYPE IBM-3278-n[-E], IBM-3279-n[-E], IBM-DYNAMIC: BINARY and
 *                  END-OF-RECORD both ways, then plain TN3270.
 *   anything else (another type, WONT TERMINAL-TYPE): line mode, as
 *                  before; the session reports TN3270_LINE and is freed.
 * Until the answer, the server writes nothing else: a TN3270E client
 * would take line-mode text for the start of a record.  The terminal
 * server takes a client that sends data first, or does not answer at all
 * (nc, socat), for a line-mode one.
 * Once in 3270 mode, a client that takes BINARY, EOR or TN3270E back, sends
 * a record longer than TN3270_RECORD_MAX or goes on negotiating past
 * TN3270_NEGOTIATIONS is dropped (TN3270_DROP): a session that flips
 * between modes cannot be trusted to show what CP writes.
 *
 * The screen, as z/VM paints it (rows R, columns C of the model; models 2
 * to 5 are 24x80, 32x80, 43x80, 27x132, IBM-DYNAMIC what the client's
 * Query Reply (Usable Area) says; sizes other than 24x80 are the alternate
 * size, written with Erase/Write Alternate):
 *   rows 0 .. R-3    the output area, protected; lines fill it downward,
 *                    longer ones wrap;
 *   row R-2 .. R-1   the input area: unprotected, from column 1 of row R-2
 *                    to the status area, the cursor at its start;
 *                    non-display while a password is asked;
 *   row R-1, C-20    the status area: CP READ, VM READ, RUNNING, MORE...,
 *                    HOLDING or NOT ACCEPTED, and the system's name.
 * When the output area is full, further lines wait: MORE... is shown, and
 * after the user's MORE delay (TERMINAL MORE n m: n seconds, m after an
 * ENTER in between) the output area is cleared and the waiting lines shown.
 * With TERMINAL HOLD ON, or ENTER with an empty input area under MORE...,
 * the screen is HOLDING until CLEAR or PA2.  CLEAR and PA2 clear the
 * output area at once.  At most TN3270_PENDING_MAX bytes of lines wait;
 * beyond, guest output is dropped, as for a line-mode terminal.
 *
 * VM READ: the guest is running and its last output is an unfinished line
 * (a prompt) that nothing has answered yet; a line-mode console on z/VM
 * shows the same.  RUNNING otherwise.
 *
 * Guest output is the guest's UTF-8: characters of code page 037 are
 * shown, others (and controls) as the substitute; ANSI escape sequences
 * (a full-screen program's) are dropped; tabs go to the next multiple of
 * 8, CR returns to the line's start, backspace moves back.  Typed EBCDIC
 * comes back as UTF-8.
 *
 * Nothing a client sends reaches assert(): a data stream that breaks the
 * rules (an unknown AID, an address off the screen, a structured field
 * whose length lies) is ignored and shown as NOT ACCEPTED.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evloop;
struct tn3270;
typedef struct telnet_t telnet_t;

#define TN3270_RECORD_MAX   32768     /* one inbound record */
#define TN3270_NEGOTIATIONS 64	      /* option changes and subnegotiations */
#define TN3270_PENDING_MAX  (1 << 20) /* waiting output lines, bytes */
#define TN3270_INPUT_MAX    512	      /* a typed line, UTF-8 bytes */

enum tn3270_mode {
	TN3270_LINE, /* not a 3270: line mode; free the session */
	TN3270_3270, /* the 3270 screen is up */
	TN3270_DROP, /* misbehaved: drop the connection */
};

/* The user's state, as the status area shows it. */
enum tn3270_state {
	TN3270_NO_USER, /* not logged on: RUNNING, as z/VM's logo screen */
	TN3270_CP_READ,
	TN3270_RUNNING, /* VM READ when a prompt waits */
};

enum tn3270_key {
	TN3270_PA1 = 1, /* the break */
	TN3270_PA3,
	TN3270_PF1 = 32, /* PF1 .. PF24 = TN3270_PF1 + 0 .. 23 */
};

struct tn3270_host {
	/* Bytes for the wire (the host escapes IAC through libtelnet). */
	telnet_t *(*telnet)(void *opaque);
	/* May a record of len bytes be queued now (the client reads)? */
	bool (*room)(void *opaque, size_t len);
	/* A record was queued: write it out (the session also writes from timers). */
	void (*flush)(void *opaque);
	void (*mode)(void *opaque, enum tn3270_mode mode);
	/* ENTER with this line in the input area (UTF-8, no line end). */
	void (*line)(void *opaque, char *line);
	void (*key)(void *opaque, enum tn3270_key key);
	enum tn3270_state (*state)(void *opaque);
	/* The user's TERMINAL MORE n m and HOLD (defaults when none). */
	void (*more)(void *opaque, unsigned *n, unsigned *m, bool *hold);
	void *opaque;
};

/* loop may be NULL (no MORE timer: the screen waits for CLEAR). */
struct tn3270 *tn3270_new(const struct tn3270_host *host, struct evloop *loop, const char *sysname);
void tn3270_free(struct tn3270 *s);
/* Sends DO TN3270E, DO TERMINAL-TYPE: the start of the negotiation. */
void tn3270_start(struct tn3270 *s);
bool tn3270_active(const struct tn3270 *s); /* the 3270 screen is up */
/* The client has answered the negotiation (it speaks telnet). */
bool tn3270_answered(const struct tn3270 *s);
/* The device type the client gave ("IBM-3278-2-E"), "" before. */
const char *tn3270_type(const struct tn3270 *s);
void tn3270_size(const struct tn3270 *s, int *rows, int *cols);

/* Telnet events of the connection (libtelnet's), while negotiating or active. */
void tn3270_negotiated(struct tn3270 *s, int type, unsigned char telopt);
void tn3270_subnegotiation(struct tn3270 *s, unsigned char telopt, const uint8_t *buf, size_t len);
void tn3270_data(struct tn3270 *s, const uint8_t *buf, size_t len);
void tn3270_eor(struct tn3270 *s);
/* One inbound record without its TN3270E header (for tests and fuzzing). */
void tn3270_record(struct tn3270 *s, const uint8_t *rec, size_t len);

/* Output: a CP line (no line end), the guest's console bytes. */
void tn3270_line(struct tn3270 *s, const char *text);
void tn3270_guest(struct tn3270 *s, const void *buf, size_t len);
/* The input area hides what is typed (a password) or shows it again. */
void tn3270_hidden(struct tn3270 *s, bool hidden);
/* The last lines typed (not passwords) into the input area, one older each call. */
void tn3270_retrieve(struct tn3270 *s);
/* Put text into the input area (a DELAYED PF key). */
void tn3270_set_input(struct tn3270 *s, const char *text);
/* A typed line went to the guest: its prompt is answered (VM READ ends). */
void tn3270_guest_input(struct tn3270 *s);
/* Show NOT ACCEPTED until the next input. */
void tn3270_not_accepted(struct tn3270 *s);
/* The user's state may have changed: refresh the status area. */
void tn3270_refresh(struct tn3270 *s);
/* Paint the whole screen anew (after LOGON, reconnection). */
void tn3270_repaint(struct tn3270 *s);

#endif
