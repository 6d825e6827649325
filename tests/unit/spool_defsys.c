// SPDX-License-Identifier: MIT
/* DEFSYS operands: the seed's line, every page type, and each refusal. */
#include <stdio.h>
#include <string.h>

#include "spool/spool.h"
#include "tests/unit/check.h"

/* Splits a line into words (in place) and parses it. */
static enum defsys_err parse(const char *line, struct defsys *d, const char **bad, uint32_t *seg)
{
	static char buf[4096];
	char *argv[256];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 256; t = strtok(NULL, " "))
		argv[argc++] = t;
	return defsys_parse(argc, argv, d, bad, seg);
}

static void expect_err(const char *line, enum defsys_err want, const char *want_bad)
{
	struct defsys d;
	const char *bad;
	uint32_t seg;
	enum defsys_err e = parse(line, &d, &bad, &seg);

	if (e != want || (want_bad && (!bad || strcmp(bad, want_bad)))) {
		fprintf(stderr, "'%s': got %d (bad=%s), want %d (bad=%s)\n", line, e,
			bad ? bad : "-", want, want_bad ? want_bad : "-");
		failures++;
	}
}

static void test_seed(void)
{
	struct defsys d;
	const char *bad;
	uint32_t seg;
	char out[256];

	CHECK(parse("lxshr 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M", &d, &bad, &seg) ==
	      DEFSYS_OK);
	CHECK(!strcmp(d.name, "LXSHR"));
	CHECK(d.nranges == 3);
	CHECK(d.r[1].first == 0x100 && d.r[1].last == 0x2ff && d.r[1].type == SPOOL_SR);
	CHECK(d.minsize == 64ull << 20);
	CHECK(!d.rstd && d.parm_lo == -1);
	defsys_format(&d, out, sizeof(out));
	CHECK(!strcmp(out, "0-FF EW 100-2FF SR 300-4FF EW"));
}

static void test_types(void)
{
	struct defsys d;
	const char *bad;
	uint32_t seg;

	/* Unsorted input, single pages, all seven types, each in its own segment(s). */
	CHECK(parse("ALL 600-6FF SC 0 EW 1-2 ER 3-FF EN 100-1FF SR 200-2FF SW 300-3FF SN "
		    "MINSIZE=8192K RSTD PARMREGS=0-15",
		    &d, &bad, &seg) == DEFSYS_OK);
	CHECK(d.nranges == 7);
	CHECK(d.r[0].first == 0 && d.r[0].last == 0 && d.r[0].type == SPOOL_EW);
	CHECK(d.r[6].type == SPOOL_SC && d.r[6].first == 0x600);
	CHECK(d.minsize == 8ull << 20 && d.rstd && d.parm_lo == 0 && d.parm_hi == 15);
	/* Shared types may share a segment with each other, exclusive ones too. */
	CHECK(parse("MIX 100-17F SR 180-1FF SW 0-7F EW 80-FF EN", &d, &bad, &seg) == DEFSYS_OK);
	CHECK(parse("NONE 0-FF EW PARMREGS=NONE", &d, &bad, &seg) == DEFSYS_OK);
	CHECK(d.parm_lo == -1);
	CHECK(spool_pgtype_saved(SPOOL_SR) && !spool_pgtype_saved(SPOOL_SN));
	CHECK(spool_pgtype_shared(SPOOL_SC) && !spool_pgtype_shared(SPOOL_EN));
}

static void test_errors(void)
{
	expect_err("", DEFSYS_ENONAME, NULL);
	expect_err("TOOLONGNAME 0-FF EW", DEFSYS_EBADNAME, "TOOLONGNAME");
	expect_err("BAD! 0-FF EW", DEFSYS_EBADNAME, "BAD!");
	expect_err("X", DEFSYS_ENORANGE, NULL);
	expect_err("X MINSIZE=1M", DEFSYS_ENORANGE, "MINSIZE=1M");
	expect_err("X 0-FF", DEFSYS_ENOTYPE, "0-FF");
	expect_err("X 0-FF 100-1FF SR", DEFSYS_ENOTYPE, "100-1FF");
	expect_err("X 0-FF XX", DEFSYS_EBADTYPE, "XX");
	expect_err("X 2FF-100 EW", DEFSYS_EBADRANGE, "2FF-100");
	expect_err("X 0-1FFFFF EW", DEFSYS_EBADRANGE, "0-1FFFFF");
	expect_err("X 0-FF EW 1G0 SR", DEFSYS_EBADRANGE, "1G0");
	expect_err("X 0-FF EW 80-17F EW", DEFSYS_EOVERLAP, NULL);
	expect_err("X 0-FF EW FF SR", DEFSYS_EOVERLAP, NULL);
	expect_err("X 0-FF EW 100-17F SR 180-1FF EW", DEFSYS_ESEGMENT, NULL);
	expect_err("X 0-7F SN 80-FF EW", DEFSYS_ESEGMENT, NULL);
	expect_err("X 0-FF EW MINSIZE=12Q", DEFSYS_EMINSIZE, "MINSIZE=12Q");
	expect_err("X 0-FF EW MINSIZE=1", DEFSYS_EMINSIZE, "MINSIZE=1");
	expect_err("X 0-FF EW PARMREGS=5-2", DEFSYS_EPARMREGS, "PARMREGS=5-2");
	expect_err("X 0-FF EW PARMREGS=0-16", DEFSYS_EPARMREGS, "PARMREGS=0-16");
	expect_err("X 0-FF EW RSTD RSTD", DEFSYS_EDUP, "RSTD");
	expect_err("X 0-FF EW MINSIZE=1M MINSIZE=2M", DEFSYS_EDUP, "MINSIZE=2M");
	expect_err("X 0-FF EW BOGUS", DEFSYS_EOPTION, "BOGUS");

	struct defsys d;
	const char *bad;
	uint32_t seg;

	CHECK(parse("X 0-FF EW 100-17F SR 180-1FF EW", &d, &bad, &seg) == DEFSYS_ESEGMENT);
	CHECK(seg == 1);
}

static void test_too_many(void)
{
	char line[4096] = "MANY";
	size_t n = strlen(line);

	for (int i = 0; i <= SPOOL_MAX_RANGES; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %X EW", i);
	expect_err(line, DEFSYS_ETOOMANY, NULL);
}

int main(void)
{
	test_seed();
	test_types();
	test_errors();
	test_too_many();
	if (failures)
		fprintf(stderr, "%d failures\n", failures);
	return failures != 0;
}
