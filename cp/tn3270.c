// SPDX-License-Identifier: MIT
/*
 * 3270 sessions (cp/tn3270.h): the TN3270/TN3270E negotiation, inbound
 * records (AIDs, read-modified fields, query replies), outbound data
 * streams (Write, Erase/Write [Alternate], Write Structured Field with the
 * SBA, SF, IC and RA orders), and z/VM's screen: output area, input area,
 * status area, MORE... and HOLDING.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
/* after stddef.h: libtelnet.h needs size_t */
#include <libtelnet.h>

#include "cp/ebcdic.h"
#include "cp/tn3270.h"
#include "util/evloop.h"
#include "util/log.h"

#define TELOPT_TN3270E 40

/* TN3270E subnegotiation words (RFC 2355) */
enum {
	TE_ASSOCIATE = 0,
	TE_CONNECT = 1,
	TE_DEVICE_TYPE = 2,
	TE_FUNCTIONS = 3,
	TE_IS = 4,
	TE_REASON = 5,
	TE_REJECT = 6,
	TE_REQUEST = 7,
	TE_SEND = 8,
};
#define TE_REASON_INV_DEVICE_TYPE 4
#define TE_FN_BIND_IMAGE	  0
#define TE_DT_3270_DATA		  0x00
#define TE_DT_BIND_IMAGE	  0x03
#define TE_HEADER		  5

/* 3270 commands (the non-SNA codes TN3270 uses), orders, AIDs */
#define CMD_W	      0xf1
#define CMD_EW	      0xf5
#define CMD_EWA	      0x7e
#define CMD_WSF	      0xf3
#define ORD_SF	      0x1d
#define ORD_SFE	      0x29
#define XA_3270	      0xc0 /* SFE: the field attribute */
#define XA_FOREGROUND 0x42 /* SFE: the colour */
#define COLOUR_GREEN  0xf4 /* the input area */
#define COLOUR_TURQ   0xf5 /* the output area and the status */
#define ORD_SBA	      0x11
#define ORD_IC	      0x13
#define ORD_RA	      0x3c
#define AID_NONE      0x60
#define AID_SF	      0x88
#define AID_ENTER     0x7d
#define AID_CLEAR     0x6d
#define AID_PA1	      0x6c
#define AID_PA2	      0x6e
#define AID_PA3	      0x6b
#define AID_SYSREQ    0xf0
/* field attribute bits, before the 6-bit coding */
#define FA_PROTECT    0x20
#define FA_NONDISPLAY 0x0c
#define FA_MDT	      0x01
/* WCC bits, before the 6-bit coding */
#define WCC_RESTORE    0x02
#define WCC_RESET_MDT  0x01
#define SF_QUERY_REPLY 0x81
#define QR_USABLE_AREA 0x81

#define GLINE_MAX  256 /* a screen row at most */
#define RETRIEVE_N 16
#define STATUS_LEN 20

enum neg {
	NEG_TN3270E, /* DO TN3270E sent */
	NEG_TTYPE,   /* DO TERMINAL-TYPE sent */
	NEG_BINEOR,  /* a 3270 type: BINARY and EOR asked */
	NEG_ACTIVE,
};
enum scr { SCR_NORMAL, SCR_MORE, SCR_HOLD };
enum esc { ESC_NONE, ESC_START, ESC_CSI, ESC_OSC, ESC_OSC_ESC };

struct tn3270 {
	struct tn3270_host host;
	struct evloop *loop;
	char sysname[9];
	char type[48];
	enum neg neg;
	bool tn3270e, bind_image;
	bool te_willing; /* the client said WILL TN3270E */
	bool ttype_on;	 /* ... WILL TERMINAL-TYPE */
	unsigned opts;	 /* BINARY and EOR both ways: OPT_* bits */
	unsigned negotiations;
	unsigned reject_rounds;
	int rows, cols; /* the screen in use */
	bool query;	/* the client takes Read Partition Query */
	bool colour;	/* an IBM-3279 with extended attributes: SFE */
	bool dynamic;	/* IBM-DYNAMIC: the size comes from the Query Reply */
	uint16_t seq;
	/* inbound */
	uint8_t *rec;
	size_t reclen, reccap;
	/* the output area */
	uint8_t *area;
	int next_row;
	enum scr scr;
	struct ev_timer *more_timer;
	uint8_t *pend; /* waiting rows: [length][bytes] ... */
	size_t phead, plen, pcap;
	bool dropping;
	/* the guest's unfinished line */
	uint8_t gline[GLINE_MAX];
	int glen, gcol;
	bool guest_waiting; /* its prompt waits for an answer: VM READ */
	enum esc esc;
	uint32_t ucp;
	int uneed;
	/* the input area, the status area */
	bool hidden, not_accepted;
	char shown[STATUS_LEN + 1];
	bool stale; /* a record was not sent: paint all when the client reads */
	char *retrieve[RETRIEVE_N];
	int nretrieve, retrieve_at;
	/* the outbound record being built */
	uint8_t *out;
	size_t outlen, outcap;
	uint8_t outcmd;
};

#define OPT_BIN_US  1
#define OPT_BIN_HIM 2
#define OPT_EOR_US  4
#define OPT_EOR_HIM 8
#define OPT_ALL	    15

/* The 6-bit code of addresses, attributes and WCCs. */
static const uint8_t code6[64] = {
    0x40, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
    0x50, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
    0x60, 0x61, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
};

static const struct {
	int rows, cols;
} models[6] = {{24, 80}, {24, 80}, {24, 80}, {32, 80}, {43, 80}, {27, 132}};

/* ---- the layout ---- */

static int out_rows(const struct tn3270 *s)
{
	return s->rows - 2;
}

static int input_attr(const struct tn3270 *s)
{
	return (s->rows - 2) * s->cols;
}

static int status_attr(const struct tn3270 *s)
{
	return (s->rows - 1) * s->cols + s->cols - STATUS_LEN - 1;
}

static int input_len(const struct tn3270 *s)
{
	return status_attr(s) - input_attr(s) - 1;
}

/* ---- building outbound records ---- */

static void ds_put(struct tn3270 *s, const void *buf, size_t len)
{
	if (s->outlen + len > s->outcap) {
		size_t ncap = s->outcap ? s->outcap : 4096;
		uint8_t *n;

		while (ncap < s->outlen + len)
			ncap *= 2;
		n = realloc(s->out, ncap);
		if (!n)
			return;
		s->out = n;
		s->outcap = ncap;
	}
	memcpy(s->out + s->outlen, buf, len);
	s->outlen += len;
}

static void ds_byte(struct tn3270 *s, uint8_t b)
{
	ds_put(s, &b, 1);
}

static void ds_addr(struct tn3270 *s, int a)
{
	if (a < 4096) {
		ds_byte(s, code6[(a >> 6) & 63]);
		ds_byte(s, code6[a & 63]);
	} else { /* 14-bit */
		ds_byte(s, (a >> 8) & 0x3f);
		ds_byte(s, a & 0xff);
	}
}

static void ds_sba(struct tn3270 *s, int a)
{
	ds_byte(s, ORD_SBA);
	ds_addr(s, a);
}

/* A field: SF, or on a colour display (IBM-3279) SFE with the colour. */
static void ds_sf(struct tn3270 *s, uint8_t fa, uint8_t colour)
{
	if (!s->colour) {
		ds_byte(s, ORD_SF);
		ds_byte(s, code6[fa & 63]);
		return;
	}
	ds_byte(s, ORD_SFE);
	ds_byte(s, 2);
	ds_byte(s, XA_3270);
	ds_byte(s, code6[fa & 63]);
	ds_byte(s, XA_FOREGROUND);
	ds_byte(s, colour);
}

static void ds_ra(struct tn3270 *s, int stop, uint8_t c)
{
	ds_byte(s, ORD_RA);
	ds_addr(s, stop);
	ds_byte(s, c);
}

static void ds_header(struct tn3270 *s, uint8_t type)
{
	if (s->tn3270e) {
		uint8_t h[TE_HEADER] = {type, 0, 0, s->seq >> 8, s->seq & 0xff};

		s->seq++;
		ds_put(s, h, sizeof(h));
	}
}

/* Sends the record built; when the client does not read, it is not
 * queued and the next output paints the whole screen instead. */
static void ds_send(struct tn3270 *s)
{
	telnet_t *tn = s->host.telnet(s->host.opaque);

	if (!s->outlen)
		return;
	if (!s->host.room(s->host.opaque, s->outlen * 2 + 2)) {
		s->stale = true;
	} else if (tn) {
		telnet_send(tn, (const char *)s->out, s->outlen);
		telnet_iac(tn, TELNET_EOR);
		s->host.flush(s->host.opaque);
	}
	s->outlen = 0;
	s->outcmd = 0;
}

/* Starts a record of command cmd, unless one of Write is open and cmd is Write. */
static void ds_open(struct tn3270 *s, uint8_t cmd, uint8_t wcc)
{
	if (s->outlen && s->outcmd == CMD_W && cmd == CMD_W)
		return;
	ds_send(s);
	ds_header(s, TE_DT_3270_DATA);
	ds_byte(s, cmd);
	if (cmd != CMD_WSF)
		ds_byte(s, code6[wcc & 63]);
	s->outcmd = cmd;
}

/* ---- the status area ---- */

static const char *status_word(struct tn3270 *s)
{
	if (s->scr == SCR_HOLD)
		return "HOLDING";
	if (s->scr == SCR_MORE)
		return "MORE...";
	if (s->not_accepted)
		return "NOT ACCEPTED";
	switch (s->host.state(s->host.opaque)) {
	case TN3270_CP_READ:
		return "CP READ";
	case TN3270_RUNNING:
		return s->guest_waiting ? "VM READ" : "RUNNING";
	default:
		return "RUNNING";
	}
}

static void status_text(struct tn3270 *s, char out[STATUS_LEN + 1])
{
	snprintf(out, STATUS_LEN + 1, "%-12s%-8s", status_word(s), s->sysname);
}

static void ds_text(struct tn3270 *s, const char *ascii)
{
	for (; *ascii; ascii++)
		ds_byte(s, ebcdic_display((uint8_t)*ascii));
}

/* Writes the status area if it changed; ends the record. */
static void flush(struct tn3270 *s)
{
	char st[STATUS_LEN + 1];

	if (s->neg != NEG_ACTIVE)
		return;
	status_text(s, st);
	if (strcmp(st, s->shown)) {
		ds_open(s, CMD_W, WCC_RESTORE);
		ds_sba(s, status_attr(s) + 1);
		ds_text(s, st);
		memcpy(s->shown, st, sizeof(st));
	}
	ds_send(s);
}

/* ---- the screen ---- */

static void area_clear(struct tn3270 *s)
{
	memset(s->area, EBCDIC_SPACE, (size_t)out_rows(s) * s->cols);
	s->next_row = 0;
}

static bool row_blank(const struct tn3270 *s, int r)
{
	const uint8_t *p = s->area + (size_t)r * s->cols;

	for (int i = 0; i < s->cols; i++)
		if (p[i] != EBCDIC_SPACE)
			return false;
	return true;
}

/* The whole screen with Erase/Write (Alternate). */
static void paint(struct tn3270 *s)
{
	bool alt = s->rows != 24 || s->cols != 80;
	char st[STATUS_LEN + 1];

	s->stale = false;
	ds_send(s);
	ds_open(s, alt ? CMD_EWA : CMD_EW, 0x40 | WCC_RESTORE | WCC_RESET_MDT);
	for (int r = 0; r < out_rows(s); r++) {
		if (row_blank(s, r))
			continue;
		ds_sba(s, r * s->cols);
		ds_put(s, s->area + (size_t)r * s->cols, s->cols);
	}
	ds_sba(s, input_attr(s));
	ds_sf(s, s->hidden ? FA_NONDISPLAY : 0, COLOUR_GREEN);
	ds_sba(s, status_attr(s));
	ds_sf(s, FA_PROTECT, COLOUR_TURQ);
	status_text(s, st);
	ds_text(s, st);
	memcpy(s->shown, st, sizeof(st));
	ds_sba(s, input_attr(s) + 1);
	ds_byte(s, ORD_IC);
	ds_send(s);
}

static void row_write(struct tn3270 *s, int r)
{
	if (s->stale) {
		paint(s);
		return;
	}
	ds_open(s, CMD_W, WCC_RESTORE);
	ds_sba(s, r * s->cols);
	ds_put(s, s->area + (size_t)r * s->cols, s->cols);
}

static void row_set(struct tn3270 *s, int r, const uint8_t *text, int len)
{
	uint8_t *p = s->area + (size_t)r * s->cols;

	if (len > s->cols)
		len = s->cols;
	memcpy(p, text, len);
	memset(p + len, EBCDIC_SPACE, s->cols - len);
}

static void pend_push(struct tn3270 *s, const uint8_t *text, int len)
{
	if (s->plen + len + 1 > TN3270_PENDING_MAX) {
		if (!s->dropping)
			log_warn("3270 session: output waits beyond %d bytes, dropping",
				 TN3270_PENDING_MAX);
		s->dropping = true;
		return;
	}
	s->dropping = false;
	if (s->phead && s->phead + s->plen + len + 1 > s->pcap) {
		memmove(s->pend, s->pend + s->phead, s->plen);
		s->phead = 0;
	}
	if (s->plen + len + 1 > s->pcap) {
		size_t ncap = s->pcap ? s->pcap : 4096;
		uint8_t *n;

		while (ncap < s->plen + len + 1)
			ncap *= 2;
		n = realloc(s->pend, ncap);
		if (!n)
			return;
		s->pend = n;
		s->pcap = ncap;
	}
	s->pend[s->phead + s->plen] = (uint8_t)len;
	memcpy(s->pend + s->phead + s->plen + 1, text, len);
	s->plen += len + 1;
}

static void more_expired(void *opaque);

static void more_arm(struct tn3270 *s, unsigned secs)
{
	if (s->more_timer)
		evloop_timer_cancel(s->loop, s->more_timer);
	s->more_timer = NULL;
	if (s->loop)
		s->more_timer = evloop_timer(s->loop, (uint64_t)secs * 1000, more_expired, s);
}

static void more_cancel(struct tn3270 *s)
{
	if (s->more_timer)
		evloop_timer_cancel(s->loop, s->more_timer);
	s->more_timer = NULL;
}

/* The output area is full and a row waits: MORE..., or HOLDING. */
static void more_enter(struct tn3270 *s)
{
	unsigned n = 50, m = 10;
	bool hold = false;

	if (s->scr != SCR_NORMAL)
		return;
	s->host.more(s->host.opaque, &n, &m, &hold);
	if (hold) {
		s->scr = SCR_HOLD;
		return;
	}
	s->scr = SCR_MORE;
	more_arm(s, n);
}

/* One finished row of output (EBCDIC). */
static void put_row(struct tn3270 *s, const uint8_t *text, int len)
{
	if (s->scr == SCR_NORMAL && s->next_row < out_rows(s) && !s->plen) {
		row_set(s, s->next_row, text, len);
		row_write(s, s->next_row++);
		return;
	}
	pend_push(s, text, len);
	more_enter(s);
}

/* The guest's unfinished line, where the next row goes (if there is room). */
static void show_partial(struct tn3270 *s)
{
	if (!s->glen || s->scr != SCR_NORMAL || s->next_row >= out_rows(s) || s->plen)
		return;
	row_set(s, s->next_row, s->gline, s->glen);
	row_write(s, s->next_row);
}

/* Clears the output area and shows what waits; full: the client erased
 * its screen (CLEAR), so everything is painted. */
static void clear_output(struct tn3270 *s, bool full)
{
	more_cancel(s);
	s->scr = SCR_NORMAL;
	area_clear(s);
	while (s->plen && s->next_row < out_rows(s)) {
		uint8_t len = s->pend[s->phead];

		row_set(s, s->next_row++, s->pend + s->phead + 1, len);
		s->phead += len + 1;
		s->plen -= len + 1;
	}
	if (!s->plen)
		s->phead = 0;
	if (s->plen)
		more_enter(s);
	else if (s->glen)
		row_set(s, s->next_row, s->gline, s->glen);
	if (full || s->stale) {
		paint(s);
		return;
	}
	ds_open(s, CMD_W, WCC_RESTORE);
	for (int r = 0; r < out_rows(s); r++) {
		ds_sba(s, r * s->cols);
		ds_put(s, s->area + (size_t)r * s->cols, s->cols);
	}
}

static void more_expired(void *opaque)
{
	struct tn3270 *s = opaque;

	s->more_timer = NULL;
	if (s->scr != SCR_MORE)
		return;
	clear_output(s, false);
	flush(s);
}

/* ---- output ---- */

/* The guest's line ends: it becomes a row. */
static void guest_commit(struct tn3270 *s)
{
	put_row(s, s->gline, s->glen);
	s->glen = s->gcol = 0;
}

static void guest_char(struct tn3270 *s, uint8_t e)
{
	if (s->gcol >= s->cols) {
		/* A long line wraps: the row is done. */
		s->gcol = s->glen;
		guest_commit(s);
	}
	s->gline[s->gcol++] = e;
	if (s->gcol > s->glen)
		s->glen = s->gcol;
}

/* A control character of the guest's output. */
static void guest_control(struct tn3270 *s, uint8_t c)
{
	switch (c) {
	case '\n':
		guest_commit(s);
		break;
	case '\r':
		s->gcol = 0;
		break;
	case '\b':
		if (s->gcol)
			s->gcol--;
		break;
	case '\t':
		do
			guest_char(s, EBCDIC_SPACE);
		while (s->gcol % 8 && s->gcol < s->cols);
		break;
	case 0x1b:
		s->esc = ESC_START;
		break;
	default:
		break; /* BEL and the other controls show nothing */
	}
}

/* Inside an escape sequence: true while the byte belongs to it. */
static bool guest_escape(struct tn3270 *s, uint8_t c)
{
	switch (s->esc) {
	case ESC_START:
		s->esc = c == '[' ? ESC_CSI : c == ']' ? ESC_OSC : ESC_NONE;
		return true;
	case ESC_CSI:
		if (c >= 0x40 && c <= 0x7e)
			s->esc = ESC_NONE;
		return true;
	case ESC_OSC:
		if (c == 7)
			s->esc = ESC_NONE;
		else if (c == 0x1b)
			s->esc = ESC_OSC_ESC;
		return true;
	case ESC_OSC_ESC:
		s->esc = ESC_NONE;
		return true;
	default:
		return false;
	}
}

/* UTF-8 into code points; a broken sequence shows one substitute. */
static void guest_byte(struct tn3270 *s, uint8_t c)
{
	if (s->uneed) {
		if ((c & 0xc0) == 0x80) {
			s->ucp = s->ucp << 6 | (c & 0x3f);
			if (--s->uneed == 0)
				guest_char(s, ebcdic_display(s->ucp));
			return;
		}
		s->uneed = 0;
		guest_char(s, EBCDIC_SUB);
	}
	if (guest_escape(s, c))
		return;
	if (c < 0x20 || c == 0x7f) {
		guest_control(s, c);
		return;
	}
	if (c < 0x80) {
		guest_char(s, ebcdic_display(c));
		return;
	}
	if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
		s->ucp = c & 0x1f;
		s->uneed = 1;
	} else if ((c & 0xf0) == 0xe0) {
		s->ucp = c & 0x0f;
		s->uneed = 2;
	} else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
		s->ucp = c & 0x07;
		s->uneed = 3;
	} else {
		guest_char(s, EBCDIC_SUB);
	}
}

void tn3270_guest(struct tn3270 *s, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (s->neg != NEG_ACTIVE)
		return;
	for (size_t i = 0; i < len; i++)
		guest_byte(s, p[i]);
	show_partial(s);
	s->guest_waiting = s->glen > 0;
	flush(s);
}

void tn3270_line(struct tn3270 *s, const char *text)
{
	uint8_t row[GLINE_MAX];
	int n = 0;

	if (s->neg != NEG_ACTIVE)
		return;
	if (s->glen) /* a prompt on the screen stays as it is */
		guest_commit(s);
	for (const uint8_t *p = (const uint8_t *)text;; p++) {
		if (!*p || *p == '\n' || n == s->cols) {
			put_row(s, row, n);
			n = 0;
			if (!*p)
				break;
			if (*p == '\n')
				continue;
		}
		row[n++] = ebcdic_display(*p);
	}
	flush(s);
}

/* ---- the input area ---- */

static void input_clear(struct tn3270 *s)
{
	ds_send(s); /* a record of its own: its WCC resets the MDT */
	ds_open(s, CMD_W, WCC_RESTORE | WCC_RESET_MDT);
	ds_sba(s, input_attr(s));
	ds_sf(s, s->hidden ? FA_NONDISPLAY : 0, COLOUR_GREEN);
	ds_ra(s, status_attr(s), 0);
	ds_sba(s, input_attr(s) + 1);
	ds_byte(s, ORD_IC);
}

void tn3270_hidden(struct tn3270 *s, bool hidden)
{
	s->hidden = hidden;
	if (s->neg != NEG_ACTIVE)
		return;
	input_clear(s);
	flush(s);
}

void tn3270_set_input(struct tn3270 *s, const char *text)
{
	size_t n = 0;

	if (s->neg != NEG_ACTIVE)
		return;
	ds_open(s, CMD_W, WCC_RESTORE);
	ds_sba(s, input_attr(s));
	ds_sf(s, (s->hidden ? FA_NONDISPLAY : 0) | FA_MDT, COLOUR_GREEN);
	for (; text[n] && (int)n < input_len(s); n++)
		ds_byte(s, ebcdic_display((uint8_t)text[n]));
	if ((int)n < input_len(s))
		ds_ra(s, status_attr(s), 0);
	ds_sba(s, input_attr(s) + 1 + (int)(n < (size_t)input_len(s) ? n : 0));
	ds_byte(s, ORD_IC);
	flush(s);
}

static void retrieve_keep(struct tn3270 *s, const char *line)
{
	char *copy;

	if (!*line || s->hidden)
		return;
	copy = strdup(line);
	if (!copy)
		return;
	if (s->nretrieve == RETRIEVE_N) {
		free(s->retrieve[0]);
		memmove(s->retrieve, s->retrieve + 1, sizeof(s->retrieve[0]) * (RETRIEVE_N - 1));
		s->nretrieve--;
	}
	s->retrieve[s->nretrieve++] = copy;
	s->retrieve_at = s->nretrieve;
}

void tn3270_retrieve(struct tn3270 *s)
{
	if (!s->nretrieve) {
		tn3270_set_input(s, "");
		return;
	}
	if (--s->retrieve_at < 0)
		s->retrieve_at = s->nretrieve - 1;
	tn3270_set_input(s, s->retrieve[s->retrieve_at]);
}

void tn3270_guest_input(struct tn3270 *s)
{
	s->guest_waiting = false;
}

void tn3270_not_accepted(struct tn3270 *s)
{
	s->not_accepted = true;
	flush(s);
}

void tn3270_refresh(struct tn3270 *s)
{
	flush(s);
}

void tn3270_repaint(struct tn3270 *s)
{
	if (s->neg != NEG_ACTIVE)
		return;
	paint(s);
}

/* ---- inbound records ---- */

static int addr_decode(const uint8_t *p)
{
	if ((p[0] & 0xc0) == 0) /* 14-bit */
		return (p[0] & 0x3f) << 8 | p[1];
	return (p[0] & 0x3f) << 6 | (p[1] & 0x3f);
}

/* The input area's text of a read-modified record into line (UTF-8);
 * false if the record breaks the rules. */
static bool read_fields(struct tn3270 *s, const uint8_t *p, size_t len, char *line, size_t size)
{
	size_t i = 0, n = 0;
	bool mine = false;
	int field_chars = 0;

	line[0] = 0;
	while (i < len) {
		char u[2];
		size_t k;

		if (p[i] == ORD_SBA) {
			int a;

			if (i + 3 > len)
				return false;
			a = addr_decode(p + i + 1);
			if (a >= s->rows * s->cols)
				return false;
			mine = a == input_attr(s) + 1;
			field_chars = 0;
			i += 3;
			continue;
		}
		if (!mine || !p[i]) {
			i++;
			continue;
		}
		if (++field_chars > input_len(s))
			return false; /* more than the field holds */
		k = ebcdic_to_utf8(p[i++], u);
		if (n + k >= size)
			return false;
		memcpy(line + n, u, k);
		n += k;
	}
	while (n && line[n - 1] == ' ')
		n--;
	line[n] = 0;
	return true;
}

static void resize(struct tn3270 *s, int rows, int cols)
{
	uint8_t *area;

	if (rows == s->rows && cols == s->cols)
		return;
	area = malloc((size_t)(rows - 2) * cols);
	if (!area)
		return;
	free(s->area);
	s->area = area;
	s->rows = rows;
	s->cols = cols;
	area_clear(s);
	if (s->glen > cols)
		s->glen = s->gcol = 0;
	if (s->gcol > s->glen)
		s->gcol = s->glen;
	paint(s);
}

/* Query Replies (AID X'88'): the Usable Area gives the screen size. */
static bool query_reply(struct tn3270 *s, const uint8_t *p, size_t len)
{
	while (len) {
		size_t sflen;

		if (len < 3)
			return false;
		sflen = (size_t)p[0] << 8 | p[1];
		if (sflen == 0)
			sflen = len; /* to the end */
		if (sflen < 3 || sflen > len)
			return false; /* a length that lies */
		if (p[2] == SF_QUERY_REPLY && sflen >= 10 && p[3] == QR_USABLE_AREA) {
			int cols = p[6] << 8 | p[7], rows = p[8] << 8 | p[9];

			if (rows >= 24 && rows <= 255 && cols >= 80 && cols <= GLINE_MAX - 1 &&
			    rows * cols <= 16383)
				resize(s, rows, cols);
		}
		p += sflen;
		len -= sflen;
	}
	return true;
}

/* ENTER or a PF key: the line typed, to the host. */
static void aid_input(struct tn3270 *s, uint8_t aid, const uint8_t *p, size_t len)
{
	char line[TN3270_INPUT_MAX];
	int pf = -1;

	if (len < 2 || addr_decode(p) >= s->rows * s->cols ||
	    !read_fields(s, p + 2, len - 2, line, sizeof(line))) {
		s->not_accepted = true;
		return;
	}
	if (aid >= 0xf1 && aid <= 0xf9)
		pf = aid - 0xf1;
	else if (aid >= 0x7a && aid <= 0x7c)
		pf = 9 + aid - 0x7a;
	else if (aid >= 0xc1 && aid <= 0xc9)
		pf = 12 + aid - 0xc1;
	else if (aid >= 0x4a && aid <= 0x4c)
		pf = 21 + aid - 0x4a;
	input_clear(s);
	if (pf >= 0) {
		s->host.key(s->host.opaque, TN3270_PF1 + pf);
		return;
	}
	if (s->scr == SCR_MORE && !line[0]) {
		/* ENTER alone under MORE...: keep the screen. */
		more_cancel(s);
		s->scr = SCR_HOLD;
		return;
	}
	if (s->scr == SCR_MORE) {
		unsigned n = 50, m = 10;
		bool hold = false;

		s->host.more(s->host.opaque, &n, &m, &hold);
		more_arm(s, m);
	}
	retrieve_keep(s, line);
	s->host.line(s->host.opaque, line);
}

static void record_3270(struct tn3270 *s, const uint8_t *rec, size_t len)
{
	uint8_t aid;

	if (!len)
		return;
	aid = rec[0];
	s->not_accepted = false;
	switch (aid) {
	case AID_SF:
		if (!query_reply(s, rec + 1, len - 1))
			s->not_accepted = true;
		break;
	case AID_CLEAR:
		clear_output(s, true);
		break;
	case AID_PA2:
		clear_output(s, false);
		break;
	case AID_PA1:
		s->host.key(s->host.opaque, TN3270_PA1);
		break;
	case AID_PA3:
		s->host.key(s->host.opaque, TN3270_PA3);
		break;
	case AID_NONE:
	case AID_SYSREQ:
		break;
	default:
		if (aid == AID_ENTER || (aid >= 0xf1 && aid <= 0xf9) ||
		    (aid >= 0x7a && aid <= 0x7c) || (aid >= 0xc1 && aid <= 0xc9) ||
		    (aid >= 0x4a && aid <= 0x4c))
			aid_input(s, aid, rec + 1, len - 1);
		else
			s->not_accepted = true;
		break;
	}
}

void tn3270_record(struct tn3270 *s, const uint8_t *rec, size_t len)
{
	if (s->neg != NEG_ACTIVE)
		return;
	record_3270(s, rec, len);
	flush(s);
}

void tn3270_data(struct tn3270 *s, const uint8_t *buf, size_t len)
{
	if (s->neg != NEG_ACTIVE)
		return;
	if (s->reclen + len > TN3270_RECORD_MAX) {
		log_warn("3270 session: a record longer than %d bytes; dropped", TN3270_RECORD_MAX);
		s->neg = NEG_TN3270E; /* nothing more from it */
		s->host.mode(s->host.opaque, TN3270_DROP);
		return;
	}
	if (s->reclen + len > s->reccap) {
		/* grows with what the client sends: most records are a few bytes */
		size_t ncap = s->reccap ? s->reccap : 256;
		uint8_t *n;

		while (ncap < s->reclen + len)
			ncap *= 2;
		n = realloc(s->rec, ncap);
		if (!n)
			return;
		s->rec = n;
		s->reccap = ncap;
	}
	memcpy(s->rec + s->reclen, buf, len);
	s->reclen += len;
}

void tn3270_eor(struct tn3270 *s)
{
	size_t len = s->reclen;

	if (s->neg != NEG_ACTIVE)
		return;
	s->reclen = 0;
	if (!s->tn3270e) {
		tn3270_record(s, s->rec, len);
		return;
	}
	/* TN3270E: only 3270-DATA is for the screen (responses are ignored) */
	if (len >= TE_HEADER && s->rec[0] == TE_DT_3270_DATA)
		tn3270_record(s, s->rec + TE_HEADER, len - TE_HEADER);
	else if (len < TE_HEADER)
		tn3270_not_accepted(s);
}

/* ---- negotiation ---- */

/* "IBM-3278-2", "IBM-3279-4-E", "IBM-DYNAMIC": rows and columns, query? */
static bool type_parse(struct tn3270 *s, const char *type, size_t len, bool need_e)
{
	char t[48];
	int model = 0;

	if (len >= sizeof(t))
		return false;
	memcpy(t, type, len);
	t[len] = 0;
	if (!strcasecmp(t, "IBM-DYNAMIC")) {
		model = 2;
		s->query = true;
		s->dynamic = true;
	} else if ((!strncasecmp(t, "IBM-3278-", 9) || !strncasecmp(t, "IBM-3279-", 9)) &&
		   t[9] >= '2' && t[9] <= '5' &&
		   (t[10] == 0 ? !need_e : !strcasecmp(t + 10, "-E"))) {
		model = t[9] - '0';
		s->query = t[10] != 0;
		s->colour = s->query && t[7] == '9';
	} else {
		return false;
	}
	memcpy(s->type, t, len + 1);
	for (char *p = s->type; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p -= 'a' - 'A';
	s->rows = models[model].rows;
	s->cols = models[model].cols;
	return true;
}

static void send_bind(struct tn3270 *s)
{
	uint8_t bind[32] = {0x31, 0x01, 0x03, 0x03, 0xb1, 0x90, 0x30, 0x80, 0x00, 0x00,
			    0x87, 0x87, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00};
	size_t n = strlen(s->sysname);

	bind[20] = 24;
	bind[21] = 80;
	bind[22] = (uint8_t)s->rows;
	bind[23] = (uint8_t)s->cols;
	/* default and alternate as given; IBM-DYNAMIC: the alternate is the
	 * client's own (its Query Reply tells us) */
	bind[24] = s->dynamic ? 0x03 : 0x7f;
	bind[27] = (uint8_t)n;
	for (size_t i = 0; i < n && i < 4; i++)
		bind[28 + i] = ebcdic_from_latin1[(uint8_t)s->sysname[i]];
	ds_send(s);
	ds_header(s, TE_DT_BIND_IMAGE);
	ds_put(s, bind, 28 + (n < 4 ? n : 4));
	ds_send(s);
}

/* The 3270 screen goes up. */
static void activate(struct tn3270 *s)
{
	s->area = malloc((size_t)out_rows(s) * s->cols);
	if (!s->area) {
		s->host.mode(s->host.opaque, TN3270_DROP);
		return;
	}
	s->neg = NEG_ACTIVE;
	area_clear(s);
	if (s->bind_image)
		send_bind(s);
	paint(s);
	if (s->query) {
		static const uint8_t rpq[] = {0x00, 0x05, 0x01, 0xff, 0x02};

		ds_open(s, CMD_WSF, 0);
		ds_put(s, rpq, sizeof(rpq));
		ds_send(s);
	}
	s->host.mode(s->host.opaque, TN3270_3270);
}

static void te_sub(struct tn3270 *s, const uint8_t *buf, size_t len)
{
	telnet_t *tn = s->host.telnet(s->host.opaque);

	if (tn)
		telnet_subnegotiation(tn, TELOPT_TN3270E, (const char *)buf, len);
}

/* DEVICE-TYPE REQUEST type [CONNECT name | ASSOCIATE name] */
static void te_device_type(struct tn3270 *s, const uint8_t *p, size_t len)
{
	size_t tlen = 0;
	uint8_t reply[64];
	size_t n;

	while (tlen < len && p[tlen] != TE_CONNECT && p[tlen] != TE_ASSOCIATE)
		tlen++;
	if (!type_parse(s, (const char *)p, tlen, true)) {
		uint8_t rej[] = {TE_DEVICE_TYPE, TE_REJECT, TE_REASON, TE_REASON_INV_DEVICE_TYPE};

		te_sub(s, rej, sizeof(rej));
		return;
	}
	n = (size_t)snprintf((char *)reply, sizeof(reply), "%c%c%s%c%s", TE_DEVICE_TYPE, TE_IS,
			     s->type, TE_CONNECT, s->sysname);
	te_sub(s, reply, n);
}

/* FUNCTIONS REQUEST|IS list: rvcp grants BIND-IMAGE only. */
static void te_functions(struct tn3270 *s, uint8_t verb, const uint8_t *p, size_t len)
{
	bool bind = false, other = false;
	uint8_t reply[3] = {TE_FUNCTIONS, 0, TE_FN_BIND_IMAGE};

	if (!s->type[0])
		return; /* no device type yet */
	for (size_t i = 0; i < len; i++) {
		if (p[i] == TE_FN_BIND_IMAGE)
			bind = true;
		else
			other = true;
	}
	if (verb == TE_IS || !other) {
		if (verb == TE_REQUEST) {
			reply[1] = TE_IS;
			te_sub(s, reply, bind ? 3 : 2);
		}
		s->bind_image = bind;
		s->tn3270e = true;
		activate(s);
		return;
	}
	reply[1] = TE_REQUEST;
	te_sub(s, reply, bind ? 3 : 2);
}

static void tn3270e_sub(struct tn3270 *s, const uint8_t *p, size_t len)
{
	if (len < 2 || s->neg != NEG_TN3270E)
		return;
	if (p[0] == TE_DEVICE_TYPE && p[1] == TE_REQUEST)
		te_device_type(s, p + 2, len - 2);
	else if (p[0] == TE_FUNCTIONS && (p[1] == TE_REQUEST || p[1] == TE_IS))
		te_functions(s, p[1], p + 2, len - 2);
}

void tn3270_subnegotiation(struct tn3270 *s, unsigned char telopt, const uint8_t *buf, size_t len)
{
	telnet_t *tn = s->host.telnet(s->host.opaque);

	if (++s->negotiations > TN3270_NEGOTIATIONS) {
		s->host.mode(s->host.opaque, TN3270_DROP);
		return;
	}
	if (telopt == TELOPT_TN3270E) {
		tn3270e_sub(s, buf, len);
		return;
	}
	if (telopt != TELNET_TELOPT_TTYPE || s->neg != NEG_TTYPE || len < 1 ||
	    buf[0] != TELNET_TTYPE_IS)
		return;
	if (!type_parse(s, (const char *)buf + 1, len - 1, false)) {
		s->host.mode(s->host.opaque, TN3270_LINE);
		return;
	}
	s->neg = NEG_BINEOR;
	if (tn) {
		telnet_negotiate(tn, TELNET_DO, TELNET_TELOPT_BINARY);
		telnet_negotiate(tn, TELNET_WILL, TELNET_TELOPT_BINARY);
		telnet_negotiate(tn, TELNET_DO, TELNET_TELOPT_EOR);
		telnet_negotiate(tn, TELNET_WILL, TELNET_TELOPT_EOR);
	}
}

static unsigned opt_bit(int type, unsigned char telopt)
{
	bool us = type == TELNET_EV_DO || type == TELNET_EV_DONT;

	if (telopt == TELNET_TELOPT_BINARY)
		return us ? OPT_BIN_US : OPT_BIN_HIM;
	if (telopt == TELNET_TELOPT_EOR)
		return us ? OPT_EOR_US : OPT_EOR_HIM;
	return 0;
}

/* The client said WILL, WONT, DO or DONT (libtelnet's event type). */
void tn3270_negotiated(struct tn3270 *s, int type, unsigned char telopt)
{
	telnet_t *tn = s->host.telnet(s->host.opaque);
	bool on = type == TELNET_EV_WILL || type == TELNET_EV_DO;
	unsigned bit = opt_bit(type, telopt);

	if (++s->negotiations > TN3270_NEGOTIATIONS) {
		s->host.mode(s->host.opaque, TN3270_DROP);
		return;
	}
	if (s->neg == NEG_ACTIVE) {
		/* Taking back what the 3270 mode stands on: the session is over. */
		if (!on && ((bit && !s->tn3270e) || (telopt == TELOPT_TN3270E && s->tn3270e)))
			s->host.mode(s->host.opaque, TN3270_DROP);
		return;
	}
	if (telopt == TELOPT_TN3270E && s->neg == NEG_TN3270E) {
		if (on && !s->te_willing) {
			uint8_t send[] = {TE_SEND, TE_DEVICE_TYPE};

			s->te_willing = true;
			te_sub(s, send, sizeof(send));
		} else if (!on) {
			s->te_willing = false; /* taken back: TERMINAL-TYPE decides */
			s->neg = NEG_TTYPE;
			s->type[0] = 0;
			if (tn && s->ttype_on)
				telnet_ttype_send(tn);
		}
		return;
	}
	if (telopt == TELNET_TELOPT_TTYPE) {
		s->ttype_on = on;
		if (!on && s->neg == NEG_TTYPE) {
			s->host.mode(s->host.opaque, TN3270_LINE);
			return;
		}
		/* Clients answer in order: WILL TERMINAL-TYPE with no WILL TN3270E
		 * before it means the client refused TN3270E (which libtelnet
		 * does not report). */
		if (on && (s->neg == NEG_TTYPE || (s->neg == NEG_TN3270E && !s->te_willing))) {
			s->neg = NEG_TTYPE;
			if (tn)
				telnet_ttype_send(tn);
		}
		return;
	}
	if (!bit || s->neg != NEG_BINEOR)
		return;
	if (!on) {
		s->host.mode(s->host.opaque, TN3270_LINE);
		return;
	}
	s->opts |= bit;
	if (s->opts == OPT_ALL)
		activate(s);
}

void tn3270_start(struct tn3270 *s)
{
	telnet_t *tn = s->host.telnet(s->host.opaque);

	if (!tn)
		return;
	telnet_negotiate(tn, TELNET_DO, TELOPT_TN3270E);
	telnet_negotiate(tn, TELNET_DO, TELNET_TELOPT_TTYPE);
}

/* ---- the session ---- */

struct tn3270 *tn3270_new(const struct tn3270_host *host, struct evloop *loop, const char *sysname)
{
	struct tn3270 *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->host = *host;
	s->loop = loop;
	snprintf(s->sysname, sizeof(s->sysname), "%s", sysname);
	s->rows = 24;
	s->cols = 80;
	return s;
}

void tn3270_free(struct tn3270 *s)
{
	if (!s)
		return;
	more_cancel(s);
	for (int i = 0; i < s->nretrieve; i++)
		free(s->retrieve[i]);
	free(s->rec);
	free(s->area);
	free(s->pend);
	free(s->out);
	free(s);
}

bool tn3270_active(const struct tn3270 *s)
{
	return s && s->neg == NEG_ACTIVE;
}

bool tn3270_answered(const struct tn3270 *s)
{
	return s->negotiations > 0;
}

const char *tn3270_type(const struct tn3270 *s)
{
	return s->type;
}

void tn3270_size(const struct tn3270 *s, int *rows, int *cols)
{
	*rows = s->rows;
	*cols = s->cols;
}
