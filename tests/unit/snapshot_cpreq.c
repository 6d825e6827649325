// SPDX-License-Identifier: MIT
/*
 * The guest -> CP request parser (machine/cpreq.h): requests are taken out
 * of the console output, everything else, malformed and partial sequences
 * included, comes out byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/cpreq.h"
#include "tests/unit/check.h"

static char out[4096];
static size_t nout;

static void emit(void *opaque, const uint8_t *buf, size_t len)
{
	if (nout + len < sizeof(out)) {
		memcpy(out + nout, buf, len);
		nout += len;
	}
	out[nout] = 0;
}

/* Feeds s; returns the number of requests, the last one's text in last. */
static int feed(struct cpreq *r, const char *s, size_t len, char *last)
{
	int n = 0;

	for (size_t i = 0; i < len; i++) {
		if (cpreq_feed(r, (uint8_t)s[i], emit, NULL)) {
			n++;
			strcpy(last, r->cmd);
		}
	}
	return n;
}

/* s has no request: it must come out unchanged. */
static void passes(const char *s)
{
	struct cpreq r;
	char last[CPREQ_MAX + 1];

	cpreq_reset(&r);
	nout = 0;
	CHECK(feed(&r, s, strlen(s), last) == 0);
	CHECK(nout == strlen(s) && !memcmp(out, s, nout));
	if (nout != strlen(s) || memcmp(out, s, nout))
		fprintf(stderr, "  for input of %zu bytes, %zu came out\n", strlen(s), nout);
}

/* s has one request with text want; the rest comes out as rest. */
static void request(const char *s, const char *want, const char *rest)
{
	struct cpreq r;
	char last[CPREQ_MAX + 1] = "";

	cpreq_reset(&r);
	nout = 0;
	CHECK(feed(&r, s, strlen(s), last) == 1);
	CHECK(!strcmp(last, want));
	CHECK(nout == strlen(rest) && !memcmp(out, rest, nout));
}

static void test_long(void)
{
	char s[CPREQ_INTRO_LEN + CPREQ_MAX + 8], want[CPREQ_MAX + 2];

	memset(want, 'x', CPREQ_MAX);
	want[CPREQ_MAX] = 0;
	snprintf(s, sizeof(s), "%s%s\a", CPREQ_INTRO, want);
	request(s, want, "");
	/* one character more: no request, all of it is output */
	want[CPREQ_MAX] = 'x';
	want[CPREQ_MAX + 1] = 0;
	snprintf(s, sizeof(s), "%s%s\a", CPREQ_INTRO, want);
	passes(s);
}

static void test_partial(void)
{
	struct cpreq r;
	char last[8];

	/* An unfinished intro is held, then released by the byte that breaks it. */
	cpreq_reset(&r);
	nout = 0;
	CHECK(feed(&r, "\033]505", 5, last) == 0);
	CHECK(nout == 0);
	CHECK(feed(&r, "z", 1, last) == 0);
	CHECK(nout == 6 && !memcmp(out, "\033]505z", 6));
	/* ... or by the guest going idle. */
	nout = 0;
	CHECK(feed(&r, "\033]5050;QUE", 10, last) == 0);
	CHECK(nout == 0);
	cpreq_release(&r, emit, NULL);
	CHECK(nout == 10 && !memcmp(out, "\033]5050;QUE", 10));
	cpreq_release(&r, emit, NULL);
	CHECK(nout == 10);
	CHECK(feed(&r, "\033]5050;Q\a", 9, last) == 1 && !strcmp(last, "Q"));
}

static void test_random(void)
{
	struct cpreq r;
	char buf[2048], last[CPREQ_MAX + 1];

	srand(7);
	for (int round = 0; round < 200; round++) {
		size_t len = (size_t)(rand() % 64);

		/* Bytes from a small alphabet that includes the intro's. */
		for (size_t i = 0; i < len; i++)
			buf[i] = "\033]5050;ab\a\\\n"[rand() % 12];
		cpreq_reset(&r);
		nout = 0;
		int n = feed(&r, buf, len, last);

		cpreq_feed(&r, 'q', emit, NULL); /* release anything held */
		/* Nothing is lost or invented: output + requests' bytes = input + 'q'. */
		CHECK(nout <= len + 1);
		if (n == 0)
			CHECK(nout == len + 1 && !memcmp(out, buf, len));
	}
}

/* The cursor position query: taken out and reported; other sequences pass. */
static void test_dsr(void)
{
	const char *s = "ab\033[6ncd\033[6\033[6n\033[1me\033";
	struct dsr d = {0};
	int n = 0;

	nout = 0;
	for (size_t i = 0; i < strlen(s); i++)
		n += dsr_feed(&d, (uint8_t)s[i], emit, NULL);
	CHECK(n == 2);
	CHECK(nout == 12 && !memcmp(out, "abcd\033[6\033[1me", 12));
	dsr_release(&d, emit, NULL);
	CHECK(nout == 13 && out[12] == '\033');
}

int main(void)
{
	request("ab\033]5050;QUERY TIME\acd", "QUERY TIME", "abcd");
	request("\033]5050;SAVESYS LXBOOT\033\\", "SAVESYS LXBOOT", "");
	request("\033\033]5050;X\a", "X", "\033");
	request("]5050;\033]5050;IPL 200\a", "IPL 200", "]5050;");
	passes("plain text\r\n\033[1;32mcolour\033[0m\n");
	passes("\033]5051;x\a");
	passes("\033]5050;\a");
	passes("\033]5050;a\nb\a");
	passes("\033]5050;A\033x");
	passes("\033]0;window title\a");
	test_long();
	test_partial();
	test_random();
	test_dsr();
	return failures ? 1 : 0;
}
