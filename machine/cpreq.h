/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CPREQ_H
#define RVCP_CPREQ_H
/*
 * The guest -> CP request channel, rvcp's counterpart of z/VM's DIAGNOSE
 * X'08' (what Linux's vmcp uses): a guest issues a CP command as its own
 * user by writing an escape sequence to its console,
 *
 *     ESC ] 5 0 5 0 ; command BEL        (or ESC \ instead of BEL)
 *
 * an OSC ("operating system command") sequence with a number no terminal
 * uses.  The machine takes it out of the console output and stops the hart
 * right after the store that completed it (MACHINE_CP_REQUEST); the VM
 * process hands the text to CP.  The command is 1..CPREQ_MAX printable
 * ASCII characters; anything else (another control character, a longer
 * text, an empty command) ends the match and every held byte goes out as
 * ordinary output, so a terminal sees what it would have seen without rvcp.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPREQ_INTRO	"\033]5050;"
#define CPREQ_INTRO_LEN (sizeof(CPREQ_INTRO) - 1)
#define CPREQ_MAX	240 /* command characters: one CP command line */

typedef void (*cpreq_emit_fn)(void *opaque, const uint8_t *buf, size_t len);

struct cpreq {
	uint8_t held[CPREQ_INTRO_LEN + CPREQ_MAX + 1]; /* bytes matched so far */
	size_t n;
	bool esc;		 /* held ends with the ESC of a possible ESC \ */
	char cmd[CPREQ_MAX + 1]; /* the last complete request */
};

void cpreq_reset(struct cpreq *r);
/*
 * One byte of console output.  Bytes that are no part of a request go to
 * emit (at once, or later when a match fails).  Returns true when c
 * completed a request: its text is in r->cmd until the next request.
 */
bool cpreq_feed(struct cpreq *r, uint8_t c, cpreq_emit_fn emit, void *opaque);
/*
 * The guest went idle: a request is written in one go, so bytes still held
 * (a lone ESC at the end of some output) are ordinary output after all.
 */
void cpreq_release(struct cpreq *r, cpreq_emit_fn emit, void *opaque);

/*
 * The cursor position query ESC [ 6 n (device status report 6), for a
 * console that is a line-mode terminal without a cursor: the query is taken
 * out of the output and answered.  busybox's line editing asks it before
 * every prompt and, unanswered, waits 20 ms for the answer after every line.
 */
#define DSR_QUERY  "\033[6n"
#define DSR_ANSWER "\033[1;1R" /* row 1, column 1: no correction of the prompt */

struct dsr {
	uint8_t n; /* bytes of DSR_QUERY matched and held */
};

/* Like cpreq_feed: true when c completed a query (answer it). */
bool dsr_feed(struct dsr *d, uint8_t c, cpreq_emit_fn emit, void *opaque);
void dsr_release(struct dsr *d, cpreq_emit_fn emit, void *opaque);

#endif
