// SPDX-License-Identifier: MIT
/*
 * DEFSYS operands, checked as z/VM checks them:
 *
 *   DEFSYS name  page[-page] type ...  [MINSIZE=nnnK|nnM|nG] [RSTD] [PARMREGS=m-n|NONE]
 *
 * Pages are hexadecimal; ranges may not overlap; a 1 MiB segment (256 pages)
 * may not hold both shared (SR SW SN SC) and exclusive (EW ER EN) pages,
 * because z/VM shares storage a whole segment table entry at a time.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spool/spool.h"

static const char *const type_names[SPOOL_NTYPES] = {"EW", "ER", "EN", "SR", "SW", "SN", "SC"};

const char *spool_pgtype_name(enum spool_pgtype t)
{
	return (unsigned)t < SPOOL_NTYPES ? type_names[t] : "??";
}

int spool_pgtype_parse(const char *s)
{
	for (int t = 0; t < SPOOL_NTYPES; t++)
		if (!strcasecmp(s, type_names[t]))
			return t;
	return -1;
}

bool spool_pgtype_shared(enum spool_pgtype t)
{
	return t == SPOOL_SR || t == SPOOL_SW || t == SPOOL_SN || t == SPOOL_SC;
}

bool spool_pgtype_saved(enum spool_pgtype t)
{
	return t == SPOOL_EW || t == SPOOL_ER || t == SPOOL_SR || t == SPOOL_SW;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SPOOL_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("@#$_", *s))
			return false;
	return true;
}

/* Strict hexadecimal page number: 1-8 digits, nothing else. */
static bool parse_page(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 8)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		v = v * 16 + (uint64_t)(isdigit((unsigned char)s[i]) ? s[i] - '0'
								     : (toupper(s[i]) - 'A' + 10));
	}
	if (v > SPOOL_MAX_PAGE)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "100-2FF" or "10": true if it looks like a range at all (starts with hex). */
static bool parse_range(const char *s, uint32_t *first, uint32_t *last)
{
	const char *dash = strchr(s, '-');

	if (!dash)
		return parse_page(s, strlen(s), first) && (*last = *first, true);
	return parse_page(s, (size_t)(dash - s), first) &&
	       parse_page(dash + 1, strlen(dash + 1), last) && *first <= *last;
}

/* Hex digits and dashes only: a range (maybe a bad one), not a type or option. */
static bool looks_like_range(const char *s)
{
	if (!isxdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

/* nnnK, nnM or nG; a plain number is K as in z/VM.  Whole pages. */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1024;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return false;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		end++;
		break;
	case 'M':
		mul = 1024 * 1024, end++;
		break;
	case 'G':
		mul = 1024ull * 1024 * 1024, end++;
		break;
	case 0:
		break;
	default:
		return false;
	}
	if (*end || v == 0 || v > (16ull << 30) / mul)
		return false;
	*out = v * mul;
	return *out % SPOOL_PAGE == 0;
}

static bool parse_parmregs(const char *s, int *lo, int *hi)
{
	char *end;
	long a, b;

	if (!strcasecmp(s, "NONE")) {
		*lo = *hi = -1;
		return true;
	}
	if (!isdigit((unsigned char)*s))
		return false;
	a = strtol(s, &end, 10);
	if (*end != '-' || !isdigit((unsigned char)end[1]))
		return false;
	b = strtol(end + 1, &end, 10);
	if (*end || a < 0 || b > 15 || a > b)
		return false;
	*lo = (int)a, *hi = (int)b;
	return true;
}

static int cmp_range(const void *a, const void *b)
{
	const struct defsys_range *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Overlaps, then the segment rule; ranges sorted. */
static enum defsys_err check_ranges(struct defsys *d, uint32_t *seg)
{
	qsort(d->r, (size_t)d->nranges, sizeof(d->r[0]), cmp_range);
	for (int i = 1; i < d->nranges; i++)
		if (d->r[i].first <= d->r[i - 1].last) {
			*seg = d->r[i].first;
			return DEFSYS_EOVERLAP;
		}
	/* Sorted and disjoint: only neighbours can share a segment. */
	for (int i = 1; i < d->nranges; i++) {
		const struct defsys_range *a = &d->r[i - 1], *b = &d->r[i];

		if (a->last / SPOOL_SEG_PAGES == b->first / SPOOL_SEG_PAGES &&
		    spool_pgtype_shared(a->type) != spool_pgtype_shared(b->type)) {
			*seg = b->first / SPOOL_SEG_PAGES;
			return DEFSYS_ESEGMENT;
		}
	}
	return DEFSYS_OK;
}

static enum defsys_err parse_option(struct defsys *d, const char *s, bool *seen_min,
				    bool *seen_parm)
{
	if (!strncasecmp(s, "MINSIZE=", 8)) {
		if (*seen_min)
			return DEFSYS_EDUP;
		*seen_min = true;
		return parse_size(s + 8, &d->minsize) ? DEFSYS_OK : DEFSYS_EMINSIZE;
	}
	if (!strncasecmp(s, "PARMREGS=", 9)) {
		if (*seen_parm)
			return DEFSYS_EDUP;
		*seen_parm = true;
		return parse_parmregs(s + 9, &d->parm_lo, &d->parm_hi) ? DEFSYS_OK
								       : DEFSYS_EPARMREGS;
	}
	if (!strcasecmp(s, "RSTD")) {
		if (d->rstd)
			return DEFSYS_EDUP;
		d->rstd = true;
		return DEFSYS_OK;
	}
	return DEFSYS_EOPTION;
}

enum defsys_err defsys_parse(int argc, char *const argv[], struct defsys *d, const char **bad,
			     uint32_t *seg)
{
	bool seen_min = false, seen_parm = false;
	enum defsys_err e;
	int i = 1;

	memset(d, 0, sizeof(*d));
	d->parm_lo = d->parm_hi = -1;
	*bad = NULL;
	*seg = 0;
	if (argc < 1)
		return DEFSYS_ENONAME;
	*bad = argv[0];
	if (!name_ok(argv[0]))
		return DEFSYS_EBADNAME;
	for (int k = 0; argv[0][k]; k++)
		d->name[k] = (char)toupper((unsigned char)argv[0][k]);

	/* Ranges: "range type" pairs until the first option. */
	for (; i < argc && looks_like_range(argv[i]); i += 2) {
		struct defsys_range *r = &d->r[d->nranges];
		int t;

		*bad = argv[i];
		if (d->nranges == SPOOL_MAX_RANGES)
			return DEFSYS_ETOOMANY;
		if (!parse_range(argv[i], &r->first, &r->last))
			return DEFSYS_EBADRANGE;
		if (i + 1 >= argc)
			return DEFSYS_ENOTYPE;
		*bad = argv[i + 1];
		t = spool_pgtype_parse(argv[i + 1]);
		if (t < 0)
			return looks_like_range(argv[i + 1]) || strchr(argv[i + 1], '=')
				   ? DEFSYS_ENOTYPE
				   : DEFSYS_EBADTYPE;
		r->type = (uint8_t)t;
		d->nranges++;
	}
	*bad = i < argc ? argv[i] : NULL;
	if (d->nranges == 0)
		return DEFSYS_ENORANGE;
	for (; i < argc; i++) {
		*bad = argv[i];
		if (isdigit((unsigned char)argv[i][0]) && !strchr(argv[i], '='))
			return DEFSYS_EBADRANGE;
		e = parse_option(d, argv[i], &seen_min, &seen_parm);
		if (e != DEFSYS_OK)
			return e;
	}
	*bad = NULL;
	return check_ranges(d, seg);
}

void defsys_format(const struct defsys *d, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < d->nranges && n < len; i++) {
		const struct defsys_range *r = &d->r[i];
		int w;

		if (r->first == r->last)
			w = snprintf(buf + n, len - n, "%s%X %s", i ? " " : "", r->first,
				     spool_pgtype_name(r->type));
		else
			w = snprintf(buf + n, len - n, "%s%X-%X %s", i ? " " : "", r->first,
				     r->last, spool_pgtype_name(r->type));
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

enum defseg_err defseg_check(const struct defsys *d, uint32_t *page)
{
	*page = 0;
	if (d->minsize || d->parm_lo >= 0)
		return DEFSEG_EOPTION;
	for (int i = 0; i < d->nranges; i++) {
		const struct defsys_range *r = &d->r[i];

		if (r->type == SPOOL_SC) {
			*page = r->first;
			return DEFSEG_ETYPE;
		}
		if (i && r->first != d->r[i - 1].last + 1) {
			*page = r->first;
			return DEFSEG_EGAP;
		}
	}
	if (d->nranges && d->r[0].first % SPOOL_DCSS_ALIGN) {
		*page = d->r[0].first;
		return DEFSEG_EALIGN;
	}
	if (d->nranges && (d->r[d->nranges - 1].last + 1) % SPOOL_DCSS_ALIGN) {
		*page = d->r[d->nranges - 1].last + 1;
		return DEFSEG_EALIGN;
	}
	return DEFSEG_OK;
}
