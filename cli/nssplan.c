// SPDX-License-Identifier: MIT
/*
 * rvcp nssplan [--map System.map] [--initrd F] KERNEL: the DEFSYS line that
 * shares every page of the kernel that nothing writes after the save point.
 *
 * The save point is the seed's: `TRACE I R 010000`, the first instruction
 * after IPL, with the kernel loaded at real 0x200000 (kernel virtual v is
 * real v - base + 0x200000, cli/kimage.h) and not yet started.  From there
 * on, a page may be SR only if the kernel never stores into it, at boot or
 * later.  Which pages it stores into is read from the kernel's own layout
 * symbols and patch tables, never guessed:
 *
 *   - data and bss, [_data, _end) (without the layout symbols: everything
 *     from _etext on, as a kernel of unknown layout may keep data anywhere);
 *   - the init sections [__init_begin, __init_end): freed after boot and
 *     reused as ordinary memory;
 *   - [__start_ro_after_init, __end_ro_after_init): written during boot
 *     (the static keys' __jump_table is sorted there) before it is made
 *     read-only;
 *   - every code site of the patch tables, whether or not this machine's
 *     CPU makes the kernel patch it (another CPU model or a later runtime
 *     change would): ftrace's call sites (__mcount_loc: every traceable
 *     function's entry, rewritten at boot and by each tracer), the static
 *     keys' jumps (__jump_table), the alternatives (.alternative, patched at
 *     boot for the CPU's errata and extensions);
 *   - with kprobes (register_kprobe in the kernel), all of [_stext, _etext)
 *     but the sections kprobes refuses (.kprobes.text, .noinstr.text, the
 *     entry texts): a probe may be armed at any other instruction; with
 *     kgdb, all the text.
 *
 * What is left is the text of a kernel that patches nothing (the guest's
 * lean kernel), the read-only data [__start_rodata, _data) outside
 * ro_after_init (the kernel maps it read-only itself after boot, and
 * nothing patches data), and the alignment gaps between the sections,
 * which stay reserved and untouched.  The pages from 1 MiB to 2 MiB are
 * reserved in the device tree and nothing is loaded there; segment 0 holds
 * the device tree, which IPL rewrites per guest.  An initrd (--initrd) is
 * placed as the loader places it, on the next 2 MiB boundary above _end,
 * and is exclusive: the kernel frees it after unpacking.
 *
 * Shared and exclusive pages may not share a 1 MiB segment, so a segment
 * is SR when all of its pages are; everything else up to the end of the
 * image (or the initrd) is EW.  For a kernel of the seed's shape this is
 * the seed's 0-FF EW 100-2FF SR 300-4FF EW.  A relocatable kernel rewrites
 * its relocations at boot and its tables hold unrelocated addresses: it is
 * refused.  On stderr: the pages each writer touches and the totals.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/kimage.h"
#include "machine/layout.h"
#include "spool/spool.h"

#define SEG_BYTES   (SPOOL_SEG_PAGES * SPOOL_PAGE)
#define ALIGN_2M    0x200000ULL
#define MCOUNT_INSN 8  /* riscv: the two instructions of an ftrace call site */
#define JUMP_INSN   4  /* riscv: a static key's jump or nop */
#define JUMP_ENTRY  16 /* struct jump_entry: s32 code, s32 target, long key */
#define ALT_ENTRY   16 /* struct alt_entry: s32 old, s32 alt, u16 vendor, u16 len, u32 id */
#define ALT_MAX_LEN 4096
/* The harts' mvendorid (cpu/csr.c reads it as zero, as SBI reports it). */
#define HART_MVENDORID 0

#define WRITERS(X)                                                                                 \
	X(BOOT, "IPL information and device tree")                                                 \
	X(FTRACE, "ftrace call sites (__mcount_loc)")                                              \
	X(JUMP, "static key sites (__jump_table)")                                                 \
	X(ALT, "alternatives (.alternative)")                                                      \
	X(KPROBES, "kprobes may arm a probe (.text)")                                              \
	X(KGDB, "kgdb may set a breakpoint (text)")                                                \
	X(INIT, "init sections, freed after boot")                                                 \
	X(ROAI, "ro_after_init, written at boot")                                                  \
	X(DATA, "data and bss")                                                                    \
	X(FREE, "free storage above the image")                                                    \
	X(INITRD, "the initrd, freed after boot")

enum writer {
#define W_ENUM(id, text) W_##id,
	WRITERS(W_ENUM)
#undef W_ENUM
	    W_N
};

static const char *const writer_text[W_N] = {
#define W_TEXT(id, text) [W_##id] = text,
    WRITERS(W_TEXT)
#undef W_TEXT
};

struct plan {
	struct kimage k;
	const char *path;
	uint64_t etext, end;   /* virtual: end of the text, of the image (_end) */
	uint64_t last;	       /* last real page in the plan */
	uint16_t *why;	       /* per real page [0, last]: bit n = writer n */
	unsigned sites[W_N];   /* table entries read */
	unsigned other_vendor; /* alternatives for another vendor's errata */
	uint64_t ilen;	       /* initrd bytes */
};

static int bad(const struct plan *p, const char *why)
{
	fprintf(stderr, "rvcp nssplan: %s: %s\n", p->path, why);
	return -1;
}

static uint64_t real_of(const struct plan *p, uint64_t v)
{
	return v - p->k.base + IPL_KERNEL_REAL;
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) / a * a;
}

/* The real pages of [start, end) get writer w. */
static void mark_real(struct plan *p, uint64_t start, uint64_t end, enum writer w)
{
	if (start >= end)
		return;
	for (uint64_t pg = start / SPOOL_PAGE; pg <= p->last && pg * SPOOL_PAGE < end; pg++)
		p->why[pg] |= 1u << w;
}

/* The pages of kernel virtual [start, end) get writer w (clipped to the image). */
static void mark(struct plan *p, uint64_t start, uint64_t end, enum writer w)
{
	if (start < p->k.base)
		start = p->k.base;
	if (end > p->end)
		end = p->end;
	if (start < end)
		mark_real(p, real_of(p, start), real_of(p, end), w);
}

/* Both symbols present and lo <= hi: *a, *b set. */
static bool span(const struct plan *p, enum ksym lo, enum ksym hi, uint64_t *a, uint64_t *b)
{
	return kimage_sym(&p->k, lo, a) && kimage_sym(&p->k, hi, b) && *a <= *b;
}

static int find_text(struct plan *p)
{
	uint64_t etext, end;

	if (kimage_sym(&p->k, KSYM_ETEXT, &etext)) {
		p->etext = etext;
	} else {
		/* No symbols: the executable segment, if it is not everything. */
		if (p->k.nx != 1 || p->k.xend >= p->k.top)
			return bad(p, "no _etext symbol and no separate text segment");
		p->etext = p->k.xend;
	}
	p->end = kimage_sym(&p->k, KSYM_END, &end) ? end : p->k.top;
	if (p->etext <= p->k.base || p->etext > p->end || p->end > p->k.top + SEG_BYTES)
		return bad(p, "_etext/_end lie outside the loaded image");
	if (p->end - p->k.base > (uint64_t)SPOOL_MAX_PAGE * SPOOL_PAGE - IPL_KERNEL_REAL)
		return bad(p, "image too large");
	return 0;
}

/* Data, init and ro_after_init from the layout symbols. */
static void mark_layout(struct plan *p)
{
	uint64_t ib, ie, data, a, b;

	if (span(p, KSYM_INIT_BEGIN, KSYM_INIT_END, &ib, &ie) &&
	    kimage_sym(&p->k, KSYM_DATA, &data) && p->etext <= ib && ie <= data && data <= p->end) {
		mark(p, ib, ie, W_INIT);
		mark(p, data, p->end, W_DATA);
	} else {
		mark(p, p->etext, p->end, W_DATA);
	}
	if (span(p, KSYM_ROAI_START, KSYM_ROAI_END, &a, &b))
		mark(p, a, b, W_ROAI);
}

/* A patch site must lie in the image: otherwise the table is not what we read it as. */
static int site(struct plan *p, uint64_t at, uint64_t len, enum writer w)
{
	if (at < p->k.base || at >= p->end || len > p->end - at)
		return -1;
	mark(p, at, at + len, w);
	p->sites[w]++;
	return 0;
}

static int table_bounds(struct plan *p, enum ksym lo, enum ksym hi, uint64_t esize, uint64_t *a,
			uint64_t *b)
{
	if (!kimage_sym(&p->k, lo, a) && !kimage_sym(&p->k, hi, b))
		return 1; /* the kernel has no such table */
	if (!span(p, lo, hi, a, b) || (*b - *a) % esize) {
		fprintf(stderr, "rvcp nssplan: %s: bad %s/%s\n", p->path, kimage_sym_name(lo),
			kimage_sym_name(hi));
		return -1;
	}
	return 0;
}

static int table_error(const struct plan *p, enum ksym table, uint64_t entry)
{
	fprintf(stderr, "rvcp nssplan: %s: entry at %#llx of %s does not point into the kernel\n",
		p->path, (unsigned long long)entry, kimage_sym_name(table));
	return -1;
}

/* __mcount_loc: the address of every ftrace call site. */
static int scan_mcount(struct plan *p)
{
	uint64_t a, b, ip;
	int rc = table_bounds(p, KSYM_MCOUNT_START, KSYM_MCOUNT_STOP, 8, &a, &b);

	for (; rc == 0 && a < b; a += 8)
		if (kimage_read(&p->k, a, &ip, 8) || site(p, ip, MCOUNT_INSN, W_FTRACE))
			return table_error(p, KSYM_MCOUNT_START, a);
	return rc < 0 ? rc : 0;
}

/* __jump_table: relative entries, the code site first. */
static int scan_jump(struct plan *p)
{
	uint64_t a, b;
	int32_t code;
	int rc = table_bounds(p, KSYM_JUMP_START, KSYM_JUMP_STOP, JUMP_ENTRY, &a, &b);

	for (; rc == 0 && a < b; a += JUMP_ENTRY)
		if (kimage_read(&p->k, a, &code, 4) ||
		    site(p, a + (int64_t)code, JUMP_INSN, W_JUMP))
			return table_error(p, KSYM_JUMP_START, a);
	return rc < 0 ? rc : 0;
}

/*
 * .alternative: relative entries, the patched code (or data: an erratum may
 * patch a vector table) first, its vendor at +8, its length at +10.  The
 * kernel applies a vendor's errata only on a hart of that vendor (it
 * chooses the patch function by mvendorid), so those of other vendors
 * are never applied here; those of vendor 0 depend on the ISA extensions
 * and count, whatever this machine's extensions are today.
 */
static int scan_alt(struct plan *p)
{
	uint64_t a, b;
	uint8_t e[ALT_ENTRY];
	int rc = table_bounds(p, KSYM_ALT_START, KSYM_ALT_END, ALT_ENTRY, &a, &b);

	for (; rc == 0 && a < b; a += ALT_ENTRY) {
		int32_t old;
		uint16_t vendor, len;

		if (kimage_read(&p->k, a, e, sizeof(e)))
			return table_error(p, KSYM_ALT_START, a);
		memcpy(&old, e, 4);
		memcpy(&vendor, e + 8, 2);
		memcpy(&len, e + 10, 2);
		if (vendor && vendor != HART_MVENDORID) {
			p->other_vendor++;
			continue;
		}
		if (!len || len > ALT_MAX_LEN || site(p, a + (int64_t)old, len, W_ALT))
			return table_error(p, KSYM_ALT_START, a);
	}
	return rc < 0 ? rc : 0;
}

/* Text where kprobes may arm a probe: [_stext, _etext) but its blacklisted sections. */
static void mark_kprobes(struct plan *p)
{
	static const enum ksym refused[][2] = {
	    {KSYM_KPT_START, KSYM_KPT_END},	    {KSYM_NOINSTR_START, KSYM_NOINSTR_END},
	    {KSYM_ENTRY_START, KSYM_ENTRY_END},	    {KSYM_IRQENTRY_START, KSYM_IRQENTRY_END},
	    {KSYM_SOFTIRQ_START, KSYM_SOFTIRQ_END},
	};
	uint64_t v, stext = p->k.base, pg, a, b;
	uint64_t first, lastpg;

	if (kimage_sym(&p->k, KSYM_KGDB, &v))
		mark(p, p->k.base, p->etext, W_KGDB);
	if (!kimage_sym(&p->k, KSYM_KPROBES, &v))
		return;
	kimage_sym(&p->k, KSYM_STEXT, &stext);
	first = real_of(p, stext) / SPOOL_PAGE;
	lastpg = (real_of(p, p->etext) - 1) / SPOOL_PAGE;
	for (pg = first; pg <= lastpg && pg <= p->last; pg++) {
		uint64_t lo = (pg * SPOOL_PAGE) - IPL_KERNEL_REAL + p->k.base, hi = lo + SPOOL_PAGE;
		bool whole = false;

		if (lo < stext)
			lo = stext;
		if (hi > p->etext)
			hi = p->etext;
		for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]) && !whole; i++)
			whole = span(p, refused[i][0], refused[i][1], &a, &b) && a <= lo && hi <= b;
		if (!whole)
			p->why[pg] |= 1u << W_KPROBES;
	}
}

static int refuse_relocatable(struct plan *p)
{
	uint64_t a, b;

	if (span(p, KSYM_RELA_START, KSYM_RELA_END, &a, &b) && a < b)
		return bad(p, "a relocatable kernel (CONFIG_RELOCATABLE) rewrites itself at boot "
			      "and its tables hold unrelocated addresses: not supported");
	return 0;
}

static int analyse(struct plan *p)
{
	uint64_t kspan = p->end - p->k.base, iat = 0;
	uint64_t top = IPL_KERNEL_REAL + kspan;

	if (p->ilen) {
		iat = align_up(top, ALIGN_2M);
		top = iat + p->ilen;
	}
	p->last = (top + SPOOL_PAGE - 1) / SPOOL_PAGE - 1;
	p->why = calloc(p->last + 1, sizeof(*p->why));
	if (!p->why)
		return bad(p, "out of memory");
	mark_real(p, 0, IPL_RESERVED / 2, W_BOOT);
	mark_real(p, IPL_KERNEL_REAL + kspan, top, W_FREE);
	if (p->ilen)
		mark_real(p, iat, iat + p->ilen, W_INITRD);
	if (refuse_relocatable(p))
		return -1;
	mark_layout(p);
	if (scan_mcount(p) || scan_jump(p) || scan_alt(p))
		return -1;
	mark_kprobes(p);
	return 0;
}

/* A segment is SR when every page of it (up to the plan's end) is written by nobody. */
static bool seg_shared(const struct plan *p, uint64_t seg)
{
	for (uint64_t pg = seg * SPOOL_SEG_PAGES; pg < (seg + 1) * SPOOL_SEG_PAGES; pg++) {
		if (pg > p->last)
			return pg > seg * SPOOL_SEG_PAGES;
		if (p->why[pg])
			return false;
	}
	return true;
}

static void report(const struct plan *p, uint64_t shared)
{
	fprintf(stderr, "kernel text real %#llx-%#llx, image end %#llx\n",
		(unsigned long long)IPL_KERNEL_REAL, (unsigned long long)real_of(p, p->etext),
		(unsigned long long)real_of(p, p->end));
	fprintf(stderr, "pages written after the save point (a page may have several writers):\n");
	for (int w = 0; w < W_N; w++) {
		uint64_t n = 0;

		for (uint64_t pg = 0; pg <= p->last; pg++)
			n += (p->why[pg] >> w) & 1;
		if (!n)
			continue;
		fprintf(stderr, "  %-40s %6llu pages", writer_text[w], (unsigned long long)n);
		if (p->sites[w])
			fprintf(stderr, " (%u sites)", p->sites[w]);
		fputc('\n', stderr);
	}
	if (p->other_vendor)
		fprintf(stderr,
			"  (%u alternatives for other vendors' errata: never applied here)\n",
			p->other_vendor);
	fprintf(stderr, "shared (SR): %llu of %llu pages (%llu KiB)\n", (unsigned long long)shared,
		(unsigned long long)p->last + 1, (unsigned long long)shared * SPOOL_PAGE / 1024);
}

static void print_minsize(uint64_t minsize)
{
	if (minsize % (1 << 20) == 0)
		printf(" MINSIZE=%lluM\n", (unsigned long long)(minsize >> 20));
	else
		printf(" MINSIZE=%lluK\n", (unsigned long long)(minsize >> 10));
}

static int print_plan(const struct plan *p, const char *name, uint64_t minsize)
{
	uint64_t need = (p->last + 1) * SPOOL_PAGE, shared = 0,
		 nseg = p->last / SPOOL_SEG_PAGES + 1;
	uint64_t from = 0;

	if (minsize < need)
		minsize = align_up(need, SEG_BYTES);
	printf("DEFSYS %s", name);
	for (uint64_t seg = 0; seg < nseg; seg++) {
		bool sr = seg_shared(p, seg);
		uint64_t to = (seg + 1) * SPOOL_SEG_PAGES - 1;

		if (to > p->last)
			to = p->last;
		if (sr)
			shared += to - seg * SPOOL_SEG_PAGES + 1;
		if (seg + 1 < nseg && seg_shared(p, seg + 1) == sr)
			continue;
		printf(" %llX-%llX %s", (unsigned long long)from, (unsigned long long)to,
		       sr ? "SR" : "EW");
		from = to + 1;
	}
	print_minsize(minsize);
	report(p, shared);
	return 0;
}

static int parse_minsize(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s)
		return -1;
	if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'G' || *end == 'g')
		v <<= 30, end++;
	if (*end || !v || v % SPOOL_PAGE)
		return -1;
	*out = v;
	return 0;
}

static int initrd_size(const char *path, uint64_t *len)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "rvcp nssplan: %s: %s\n", path,
			errno ? strerror(errno) : "not a regular file");
		return -1;
	}
	*len = (uint64_t)st.st_size;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: rvcp nssplan [--name LXSHR] [--minsize 64M] [--map System.map] "
			"[--initrd FILE] KERNEL\n"
			"KERNEL is an ELF vmlinux, or a RISC-V Image with --map.\n");
	return 2;
}

int nssplan_main(int argc, char **argv)
{
	struct plan p = {0};
	uint64_t minsize = 64ull << 20;
	const char *name = "LXSHR", *map = NULL, *initrd = NULL;
	char err[256];
	int ret = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--minsize") && v) {
			if (parse_minsize(argv[++i], &minsize) < 0) {
				fprintf(stderr, "rvcp nssplan: bad --minsize %s\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--name") && v) {
			name = argv[++i];
		} else if (!strcmp(a, "--map") && v) {
			map = argv[++i];
		} else if (!strcmp(a, "--initrd") && v) {
			initrd = argv[++i];
		} else if (!p.path && a[0] != '-') {
			p.path = a;
		} else {
			return usage();
		}
	}
	if (!p.path)
		return usage();
	if (initrd && initrd_size(initrd, &p.ilen))
		return 1;
	if (kimage_open(&p.k, p.path, map, err, sizeof(err))) {
		fprintf(stderr, "rvcp nssplan: %s: %s\n", p.path, err);
		goto out;
	}
	if (find_text(&p) == 0 && analyse(&p) == 0)
		ret = print_plan(&p, name, minsize);
out:
	free(p.why);
	kimage_close(&p.k);
	return ret;
}
