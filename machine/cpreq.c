// SPDX-License-Identifier: MIT
/* The guest -> CP request escape sequence in the console output.  See cpreq.h. */
#include "machine/cpreq.h"

#include <string.h>

#define BEL 0x07
#define ESC 0x1b

void cpreq_reset(struct cpreq *r)
{
	r->n = 0;
	r->esc = false;
}

/* Not a request after all: what was held is ordinary output. */
static void cpreq_flush(struct cpreq *r, cpreq_emit_fn emit, void *opaque)
{
	if (r->n)
		emit(opaque, r->held, r->n);
	cpreq_reset(r);
}

void cpreq_release(struct cpreq *r, cpreq_emit_fn emit, void *opaque)
{
	cpreq_flush(r, emit, opaque);
}

static bool cpreq_complete(struct cpreq *r)
{
	size_t len = r->n - CPREQ_INTRO_LEN - (r->esc ? 1 : 0);

	memcpy(r->cmd, r->held + CPREQ_INTRO_LEN, len);
	r->cmd[len] = 0;
	cpreq_reset(r);
	return true;
}

/* In the intro: keep matching it; a mismatch lets the held bytes go. */
static bool cpreq_intro(struct cpreq *r, uint8_t c, cpreq_emit_fn emit, void *opaque)
{
	if (c == (uint8_t)CPREQ_INTRO[r->n]) {
		r->held[r->n++] = c;
		return false;
	}
	cpreq_flush(r, emit, opaque);
	if (c == ESC)
		r->held[r->n++] = c; /* may start the next sequence */
	else
		emit(opaque, &c, 1);
	return false;
}

void dsr_release(struct dsr *d, cpreq_emit_fn emit, void *opaque)
{
	if (d->n)
		emit(opaque, (const uint8_t *)DSR_QUERY, d->n);
	d->n = 0;
}

bool dsr_feed(struct dsr *d, uint8_t c, cpreq_emit_fn emit, void *opaque)
{
	if (c == (uint8_t)DSR_QUERY[d->n]) {
		if (++d->n < sizeof(DSR_QUERY) - 1)
			return false;
		d->n = 0;
		return true;
	}
	dsr_release(d, emit, opaque);
	if (c == (uint8_t)DSR_QUERY[0])
		d->n = 1;
	else
		emit(opaque, &c, 1);
	return false;
}

bool cpreq_feed(struct cpreq *r, uint8_t c, cpreq_emit_fn emit, void *opaque)
{
	size_t len;

	if (r->n < CPREQ_INTRO_LEN)
		return cpreq_intro(r, c, emit, opaque);
	len = r->n - CPREQ_INTRO_LEN;
	if (r->esc) {
		if (c == '\\' && len > 1)
			return cpreq_complete(r);
		cpreq_flush(r, emit, opaque);
		return cpreq_intro(r, c, emit, opaque);
	}
	if ((c == BEL || c == ESC) && len == 0) {
		cpreq_flush(r, emit, opaque); /* an empty command is none */
		return cpreq_intro(r, c, emit, opaque);
	}
	if (c == BEL)
		return cpreq_complete(r);
	if (c == ESC) {
		r->held[r->n++] = c;
		r->esc = true;
		return false;
	}
	if (c < 0x20 || c > 0x7e || len == CPREQ_MAX) {
		cpreq_flush(r, emit, opaque);
		return cpreq_intro(r, c, emit, opaque);
	}
	r->held[r->n++] = c;
	return false;
}
