// SPDX-License-Identifier: MIT
/*
 * NSS page-type test guest.  IPLed from a disk it fills one marker byte in
 * each range of
 *
 *   DEFSYS PGTEST 0-FF EW 100-1FF ER 200-2FF EW 300-3FF SR 400-4FF SW
 *                 500-5FF SN 600-6FF SC 700-7FF EN
 *
 * and calls resume() at real 0x201000, where the test's TRACE trap saves it.
 * IPLed by name, resume() reports what it sees: the markers saved (EW, ER,
 * SR, SW) or zero (SN, SC, EN), and whether a store faults (ER, SR, SC must
 * give a store access fault, scause 7).  PARM "role=writer" stores a token
 * into the SW range and into its own EW page; "role=reader" waits for the
 * token (shared) and checks that the writer's EW store is not visible.
 * It also prints the command line and the storage size of the device tree.
 */
#include <stdint.h>

#define REAL(a)	 ((volatile uint8_t *)(0x80000000ul + (a)))
#define FDT_REAL 0x1000

long probe_store(volatile uint8_t *p, uint8_t v);

static void putc_sbi(char c)
{
	register long a0 asm("a0") = c;
	register long a7 asm("a7") = 1; /* legacy console putchar */

	asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
}

static void puts_(const char *s)
{
	while (*s)
		putc_sbi(*s++);
}

static void puthex(uint64_t v)
{
	char buf[17];
	int i = 16;

	buf[i] = 0;
	do {
		buf[--i] = "0123456789ABCDEF"[v & 15];
		v >>= 4;
	} while (v && i);
	puts_(buf + i);
}

static uint32_t be32(const volatile uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int streq(const volatile char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int startswith(const volatile char *a, const char *b)
{
	while (*b && *a == *b)
		a++, b++;
	return !*b;
}

/* The flattened device tree: /chosen bootargs and /memory reg size. */
static void fdt_scan(const volatile char **args, uint64_t *mem)
{
	const volatile uint8_t *f = REAL(FDT_REAL);
	const volatile uint8_t *st, *p;
	const volatile char *strs, *node = "";
	int depth = 0;

	*args = "";
	*mem = 0;
	if (be32(f) != 0xd00dfeed)
		return;
	st = f + be32(f + 8);
	strs = (const volatile char *)f + be32(f + 12);
	for (p = st;;) {
		uint32_t tok = be32(p);

		p += 4;
		if (tok == 1) { /* BEGIN_NODE */
			node = (const volatile char *)p;
			depth++;
			while (*p)
				p++;
			p = (const volatile uint8_t *)(((uintptr_t)p + 4) & ~3ul);
		} else if (tok == 3) { /* PROP */
			uint32_t len = be32(p), off = be32(p + 4);
			const volatile uint8_t *val = p + 8;

			if (depth == 2 && streq(node, "chosen") && streq(strs + off, "bootargs"))
				*args = (const volatile char *)val;
			if (depth == 2 && startswith(node, "memory") && streq(strs + off, "reg") &&
			    len == 16)
				*mem = (uint64_t)be32(val + 8) << 32 | be32(val + 12);
			p = (const volatile uint8_t *)(((uintptr_t)val + len + 3) & ~3ul);
		} else if (tok == 2) { /* END_NODE */
			depth--;
		} else if (tok != 4) { /* END, or garbage */
			return;
		}
	}
}

static const char *find(const volatile char *s, const char *word)
{
	for (; *s; s++)
		if (startswith(s, word))
			return (const char *)s + 0;
	return 0;
}

static int failures;

/* One range: the byte at addr, and whether a store into addr+8 faults. */
static void check(const char *name, uint64_t addr, uint8_t want, int ro)
{
	uint8_t got = *REAL(addr);
	long cause = probe_store(REAL(addr + 8), 0x5a);
	int ok = got == want && (ro ? cause == 7 : cause == 0);

	if (!ro && cause == 0 && *REAL(addr + 8) != 0x5a)
		ok = 0;
	puts_("PGTEST ");
	puts_(name);
	puts_(ok ? " ok" : " BAD");
	puts_(" byte=");
	puthex(got);
	puts_(" fault=");
	puthex((uint64_t)cause);
	puts_("\n");
	failures += !ok;
}

static uint64_t rdtime(void)
{
	uint64_t t;

	asm volatile("rdtime %0" : "=r"(t));
	return t;
}

static void roles(const volatile char *args)
{
	volatile char *tok = (volatile char *)REAL(0x400100);

	if (find(args, "role=writer")) {
		*REAL(0x80001) = 'A';
		tok[0] = 'T', tok[1] = 'O', tok[2] = 'K';
		puts_("PGTEST WROTE\n");
	} else if (find(args, "role=reader")) {
		uint64_t t0 = rdtime();

		while (tok[2] != 'K' && rdtime() - t0 < 60 * 10000000ull)
			;
		puts_(tok[2] == 'K' ? "PGTEST SAW TOKEN\n" : "PGTEST NO TOKEN\n");
		puts_(*REAL(0x80001) == 'A' ? "PGTEST EW SHARED\n" : "PGTEST EW PRIVATE\n");
	}
}

__attribute__((section(".text.resume"), noreturn)) void resume(void)
{
	const volatile char *args;
	uint64_t mem;

	fdt_scan(&args, &mem);
	puts_("PGTEST ARGS=");
	for (const volatile char *s = args; *s; s++)
		putc_sbi(*s);
	puts_("\nPGTEST MEM=");
	puthex(mem);
	puts_("\n");
	check("EW", 0x80000, 'X', 0);
	check("ER", 0x100000, 'E', 1);
	check("SR", 0x300000, 'S', 1);
	check("SW", 0x400000, 'W', 0);
	check("SN", 0x500000, 0, 0);
	check("SC", 0x600000, 0, 1);
	check("EN", 0x700000, 0, 0);
	roles(args);
	puts_(failures ? "PGTEST FAILED\n" : "PGTEST PASSED\n");
	for (;;)
		asm volatile("wfi");
}

__attribute__((noreturn)) void fill(void)
{
	*REAL(0x80000) = 'X';
	*REAL(0x100000) = 'E';
	*REAL(0x300000) = 'S';
	*REAL(0x400000) = 'W';
	*REAL(0x500000) = 'N';
	*REAL(0x600000) = 'C';
	*REAL(0x700000) = 'Z';
	puts_("PGTEST FILLED\n");
	resume();
}
