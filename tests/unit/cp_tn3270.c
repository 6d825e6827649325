// SPDX-License-Identifier: MIT
/*
 * 3270 sessions (cp/tn3270.h) byte by byte: a TN3270E client (model 2,
 * BIND-IMAGE) negotiates through libtelnet; the records the session sends
 * are split at IAC EOR and read back: the BIND's sizes, Erase/Write with
 * the input and status fields, output rows, MORE... and PA2, the
 * non-display password field, code page 037 and its substitutes, typed
 * lines, PF keys; model 4 uses Erase/Write Alternate.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
/* after stddef.h: libtelnet.h needs size_t */
#include <libtelnet.h>

#include "cp/ebcdic.h"
#include "cp/tn3270.h"
#include "tests/unit/check.h"

#define MAXREC 64

struct client {
	telnet_t *tn;
	struct tn3270 *s;
	uint8_t wire[1 << 16]; /* what the session sent, IAC undoubled */
	size_t wlen;
	uint8_t *rec[MAXREC]; /* its records */
	size_t reclen[MAXREC];
	int nrec;
	int mode;
	char line[256];
	int lines, keys, last_key;
	bool hold;
	enum tn3270_state state;
};

static telnet_t *c_telnet(void *o)
{
	return ((struct client *)o)->tn;
}

static bool c_room(void *o, size_t len)
{
	return true;
}

static void c_flush(void *o)
{
}

static void c_mode(void *o, enum tn3270_mode m)
{
	((struct client *)o)->mode = 1 + m;
}

static void c_line(void *o, char *line)
{
	struct client *c = o;

	snprintf(c->line, sizeof(c->line), "%s", line);
	c->lines++;
}

static void c_key(void *o, enum tn3270_key k)
{
	struct client *c = o;

	c->keys++;
	c->last_key = k;
}

static enum tn3270_state c_state(void *o)
{
	return ((struct client *)o)->state;
}

static void c_more(void *o, unsigned *n, unsigned *m, bool *hold)
{
	*hold = ((struct client *)o)->hold;
}

/* The session's bytes: IAC EOR ends a record, IAC IAC is one 0xff. */
static void wire_split(struct client *c)
{
	size_t start = 0, o = 0;

	for (int i = 0; i < c->nrec; i++)
		free(c->rec[i]);
	c->nrec = 0;
	for (size_t i = 0; i < c->wlen; i++) {
		if (c->wire[i] != 255 || i + 1 == c->wlen) {
			c->wire[o++] = c->wire[i];
			continue;
		}
		if (c->wire[i + 1] == 255) {
			c->wire[o++] = 255;
			i++;
		} else if (c->wire[i + 1] == TELNET_EOR) {
			if (c->nrec < MAXREC) {
				c->reclen[c->nrec] = o - start;
				c->rec[c->nrec] = malloc(o - start + 1);
				memcpy(c->rec[c->nrec++], c->wire + start, o - start);
			}
			i++;
			start = o;
		} else { /* a negotiation: skipped */
			i += c->wire[i + 1] >= 251 ? 2 : 1;
			start = o;
		}
	}
	c->wlen = 0;
}

static void c_event(telnet_t *tn, telnet_event_t *ev, void *o)
{
	struct client *c = o;

	switch (ev->type) {
	case TELNET_EV_SEND:
		if (c->wlen + ev->data.size <= sizeof(c->wire)) {
			memcpy(c->wire + c->wlen, ev->data.buffer, ev->data.size);
			c->wlen += ev->data.size;
		}
		break;
	case TELNET_EV_DATA:
		tn3270_data(c->s, (const uint8_t *)ev->data.buffer, ev->data.size);
		break;
	case TELNET_EV_WILL:
	case TELNET_EV_WONT:
	case TELNET_EV_DO:
	case TELNET_EV_DONT:
		tn3270_negotiated(c->s, ev->type, ev->neg.telopt);
		break;
	case TELNET_EV_SUBNEGOTIATION:
		tn3270_subnegotiation(c->s, ev->sub.telopt, (const uint8_t *)ev->sub.buffer,
				      ev->sub.size);
		break;
	case TELNET_EV_IAC:
		if (ev->iac.cmd == TELNET_EOR)
			tn3270_eor(c->s);
		break;
	default:
		break;
	}
}

static void client_recv(struct client *c, const void *buf, size_t len)
{
	telnet_recv(c->tn, buf, len);
	wire_split(c);
}

static const telnet_telopt_t opts[] = {
    {TELNET_TELOPT_BINARY, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_EOR, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_TTYPE, TELNET_WONT, TELNET_DO},
    {40, TELNET_WONT, TELNET_DO},
    {-1, 0, 0},
};

static void client_open(struct client *c, const char *type)
{
	static const struct tn3270_host host = {
	    .telnet = c_telnet,
	    .room = c_room,
	    .flush = c_flush,
	    .mode = c_mode,
	    .line = c_line,
	    .key = c_key,
	    .state = c_state,
	    .more = c_more,
	};
	struct tn3270_host h = host;
	uint8_t buf[64];
	size_t n;

	memset(c, 0, sizeof(*c));
	h.opaque = c;
	c->tn = telnet_init(opts, c_event, 0, c);
	c->s = tn3270_new(&h, NULL, "TESTSYS");
	tn3270_start(c->s);
	client_recv(c, (const uint8_t[]){255, 251, 40, 255, 251, 24}, 6);
	n = (size_t)snprintf((char *)buf, sizeof(buf), "\xff\xfa\x28\x02\x07%s\xff\xf0", type);
	client_recv(c, buf, n);
	client_recv(c, (const uint8_t[]){255, 250, 40, 3, 7, 0, 2, 255, 240}, 9);
	/* rvcp asked for BIND-IMAGE alone: the client agrees */
	client_recv(c, (const uint8_t[]){255, 250, 40, 3, 4, 0, 255, 240}, 8);
}

static void client_close(struct client *c)
{
	tn3270_free(c->s);
	telnet_free(c->tn);
	for (int i = 0; i < c->nrec; i++)
		free(c->rec[i]);
}

/* Is the EBCDIC of ascii in the record? */
static bool rec_has(const uint8_t *rec, size_t len, const char *ascii)
{
	uint8_t e[128];
	size_t n = strlen(ascii);

	for (size_t i = 0; i < n; i++)
		e[i] = ebcdic_from_latin1[(uint8_t)ascii[i]];
	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(rec + i, e, n))
			return true;
	return false;
}

static bool any_has(struct client *c, const char *ascii)
{
	for (int i = 0; i < c->nrec; i++)
		if (rec_has(c->rec[i] + 5, c->reclen[i] - 5, ascii))
			return true;
	return false;
}

/* An inbound record: TN3270E header, IACs doubled, IAC EOR. */
static void send_record(struct client *c, const uint8_t *body, size_t len)
{
	uint8_t buf[1024];
	size_t o = 5;

	memset(buf, 0, 5);
	for (size_t i = 0; i < len && o + 4 < sizeof(buf); i++) {
		buf[o++] = body[i];
		if (body[i] == 255)
			buf[o++] = 255;
	}
	buf[o++] = 255;
	buf[o++] = TELNET_EOR;
	client_recv(c, buf, o);
}

static void test_negotiation_and_screen(void)
{
	struct client c;
	const uint8_t *r;

	client_open(&c, "IBM-3278-2-E");
	CHECK(c.mode == 1 + TN3270_3270);
	CHECK(tn3270_active(c.s));
	CHECK(!strcmp(tn3270_type(c.s), "IBM-3278-2-E"));
	/* BIND-IMAGE (type 3): 24x80 default and alternate */
	CHECK(c.nrec >= 3);
	r = c.rec[0];
	CHECK(r[0] == 3 && r[5] == 0x31 && r[5 + 14] == 2);
	CHECK(r[5 + 20] == 24 && r[5 + 21] == 80 && r[5 + 22] == 24 && r[5 + 23] == 80);
	/* Erase/Write: input field at row 22 (address 1760: 5B 60), status field
	 * at 1899 (5D 6B) protected, "RUNNING" and the system name, IC */
	r = c.rec[1];
	CHECK(r[0] == 0 && r[5] == 0xf5);
	CHECK(rec_has(r, c.reclen[1], "RUNNING     TESTSYS"));
	CHECK(memmem(r, c.reclen[1], "\x11\x5b\x60\x1d\x40", 5) != NULL);
	CHECK(memmem(r, c.reclen[1], "\x11\x5d\x6b\x1d\x60", 5) != NULL);
	CHECK(memmem(r, c.reclen[1], "\x11\x5b\x61\x13", 4) != NULL);
	/* the Read Partition Query (WSF) */
	r = c.rec[2];
	CHECK(r[5] == 0xf3 && !memcmp(r + 6, "\x00\x05\x01\xff\x02", 5));

	/* a CP line: Write, SBA to row 0, the text; the status now CP READ */
	c.state = TN3270_CP_READ;
	tn3270_line(c.s, "HELLO 3270");
	wire_split(&c);
	CHECK(c.nrec == 1 && c.rec[0][5] == 0xf1);
	CHECK(memmem(c.rec[0], c.reclen[0], "\x11\x40\x40", 3) != NULL);
	CHECK(rec_has(c.rec[0], c.reclen[0], "HELLO 3270"));
	CHECK(rec_has(c.rec[0], c.reclen[0], "CP READ"));

	/* guest output: UTF-8 é is X'51' in CP 037, € has no place (SUB),
	 * an ANSI escape is dropped, a tab goes to column 8; row 1 is 80 (C1 50) */
	tn3270_guest(c.s, "\xc3\xa9\xe2\x82\xac\x1b[1mX\tY\n", 13);
	wire_split(&c);
	CHECK(c.nrec == 1);
	CHECK(memmem(c.rec[0], c.reclen[0], "\x11\xc1\x50\x51\x3f\xe7\x40\x40\x40\x40\x40\xe8\x40",
		     13) != NULL);
	client_close(&c);
}

static void test_more_and_keys(void)
{
	struct client c;
	char text[32];
	/* ENTER, cursor, SBA to 1761 (5B 61), "LOGON" */
	static const uint8_t enter[] = {0x7d, 0x5b, 0x61, 0x11, 0x5b, 0x61,
					0xd3, 0xd6, 0xc7, 0xd6, 0xd5};

	client_open(&c, "IBM-3279-2-E");
	c.state = TN3270_CP_READ;
	for (int i = 1; i <= 23; i++) {
		snprintf(text, sizeof(text), "LINE %02d", i);
		tn3270_line(c.s, text);
	}
	wire_split(&c);
	/* 22 rows of output area: the 23rd waits, MORE... */
	CHECK(!any_has(&c, "LINE 23"));
	CHECK(any_has(&c, "MORE..."));
	/* ENTER alone under MORE...: HOLDING */
	send_record(&c, (const uint8_t[]){0x7d, 0x5b, 0x61}, 3);
	CHECK(any_has(&c, "HOLDING"));
	CHECK(c.lines == 0);
	/* PA2 clears: LINE 23 on row 0 */
	send_record(&c, (const uint8_t[]){0x6e}, 1);
	CHECK(any_has(&c, "LINE 23"));
	CHECK(any_has(&c, "CP READ"));

	/* a typed line; the input area is cleared with its MDT reset (WCC C3) */
	send_record(&c, enter, sizeof(enter));
	CHECK(c.lines == 1 && !strcmp(c.line, "LOGON"));
	CHECK(c.nrec >= 1 && c.rec[0][5] == 0xf1 && c.rec[0][6] == 0xc3);
	/* PF12 and PA1 go to the host; an unknown AID is NOT ACCEPTED */
	send_record(&c, (const uint8_t[]){0x7c, 0x5b, 0x61}, 3);
	CHECK(c.keys == 1 && c.last_key == TN3270_PF1 + 11);
	send_record(&c, (const uint8_t[]){0x6c}, 1);
	CHECK(c.keys == 2 && c.last_key == TN3270_PA1);
	send_record(&c, (const uint8_t[]){0x99, 0x40, 0x40}, 3);
	CHECK(any_has(&c, "NOT ACCEPTED"));
	/* an address beyond the screen: NOT ACCEPTED, no line */
	send_record(&c, (const uint8_t[]){0x7d, 0x5b, 0x61, 0x11, 0x7f, 0x7f, 0xc1}, 7);
	CHECK(c.lines == 1);
	/* the password prompt: the input field is non-display (4C); a 3279
	 * gets SFE with the field attribute and green */
	tn3270_hidden(c.s, true);
	wire_split(&c);
	CHECK(c.nrec == 1 &&
	      memmem(c.rec[0], c.reclen[0], "\x11\x5b\x60\x29\x02\xc0\x4c\x42\xf4", 9));
	/* RETRIEVE brings back LOGON, with the MDT set (C1) */
	tn3270_hidden(c.s, false);
	tn3270_retrieve(c.s);
	wire_split(&c);
	CHECK(any_has(&c, "LOGON"));
	CHECK(memmem(c.rec[c.nrec - 1], c.reclen[c.nrec - 1], "\x11\x5b\x60\x29\x02\xc0\xc1", 7));
	/* CLEAR: the whole screen again (Erase/Write) */
	send_record(&c, (const uint8_t[]){0x6d}, 1);
	CHECK(c.nrec >= 1 && c.rec[0][5] == 0xf5);
	client_close(&c);
}

static void test_sizes(void)
{
	struct client c;
	int rows, cols;
	/* a Query Reply (Usable Area) of 160x62: the screen follows */
	static const uint8_t qr[] = {0x88, 0, 10, 0x81, 0x81, 0, 0, 0, 160, 0, 62};

	client_open(&c, "IBM-3278-4-E");
	tn3270_size(c.s, &rows, &cols);
	CHECK(rows == 43 && cols == 80);
	CHECK(c.rec[0][5 + 22] == 43 && c.rec[0][5 + 23] == 80 && c.rec[0][5 + 24] == 0x7f);
	CHECK(c.rec[1][5] == 0x7e); /* Erase/Write Alternate */
	send_record(&c, qr, sizeof(qr));
	tn3270_size(c.s, &rows, &cols);
	CHECK(rows == 62 && cols == 160);
	CHECK(c.nrec >= 1 && c.rec[0][5] == 0x7e);
	client_close(&c);

	client_open(&c, "IBM-3278-5-E");
	tn3270_size(c.s, &rows, &cols);
	CHECK(rows == 27 && cols == 132);
	client_close(&c);

	/* not a 3270 type: REJECT, the session waits for another */
	client_open(&c, "VT100");
	CHECK(!tn3270_active(c.s));
	client_close(&c);
}

int main(void)
{
	test_negotiation_and_screen();
	test_more_and_keys();
	test_sizes();
	return failures != 0;
}
