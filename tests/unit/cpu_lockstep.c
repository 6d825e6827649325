// SPDX-License-Identifier: MIT
/*
 * The translator against the interpreter (lockstep engine): random loops
 * of integer, multiply/divide, load/store and branch instructions, in
 * M-mode and in S-mode under random Sv39 page tables (4K pages shuffled
 * over storage, data crossing page boundaries), every block translated and
 * compared with the interpreter after it ran.  Then the same with the
 * translator told to get ADD wrong: the checker must see it.
 * Deterministic: a fixed seed.  Skips on hosts without a translator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "dev/clint.h"

#define MEM_SIZE (1ULL << 20)
#define VBASE	 0x40000000ULL /* virtual base of the S-mode mapping */
#define NPAGES	 64
#define ROUNDS	 60

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint32_t r_type(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
		       unsigned op)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t i_type(int imm, unsigned rs1, unsigned f3, unsigned rd, unsigned op)
{
	return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t s_type(int imm, unsigned rs2, unsigned rs1, unsigned f3)
{
	uint32_t u = (uint32_t)imm & 0xfff;

	return (u >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 31) << 7 | 0x23;
}

static uint32_t b_type(int off, unsigned rs2, unsigned rs1, unsigned f3)
{
	uint32_t u = (uint32_t)off;

	return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

/* x10-x15 are the working registers, x6 the data pointer, x5 the loop counter */
static unsigned wreg(void)
{
	return 10 + (unsigned)(rnd() % 6);
}

static uint32_t rnd_op(unsigned skip_left)
{
	static const uint8_t f3w[] = {0, 1, 5};
	unsigned rd = wreg(), a = wreg(), b = wreg(), f3 = rnd() % 8;

	switch (rnd() % 9) {
	case 0: /* OP: base, SUB/SRA, M extension */
		if (rnd() % 3 == 0)
			return r_type(1, b, a, f3, rd, 0x33);
		if (f3 == 0 || f3 == 5)
			return r_type(rnd() % 2 ? 0x20 : 0, b, a, f3, rd, 0x33);
		return r_type(0, b, a, f3, rd, 0x33);
	case 1: /* OP-32 */
		if (rnd() % 3 == 0)
			return r_type(1, b, a, (uint32_t[]){0, 4, 5, 6, 7}[rnd() % 5], rd, 0x3b);
		f3 = f3w[rnd() % 3];
		return r_type(f3 != 1 && rnd() % 2 ? 0x20 : 0, b, a, f3, rd, 0x3b);
	case 2: /* OP-IMM */
		if (f3 == 1)
			return i_type((int)(rnd() % 64), a, 1, rd, 0x13);
		if (f3 == 5)
			return i_type((int)(rnd() % 64) | (rnd() % 2 ? 0x400 : 0), a, 5, rd, 0x13);
		return i_type((int)(rnd() % 4096) - 2048, a, f3, rd, 0x13);
	case 3: /* OP-IMM-32 */
		f3 = f3w[rnd() % 3];
		if (f3 == 0)
			return i_type((int)(rnd() % 4096) - 2048, a, 0, rd, 0x1b);
		return i_type((int)(rnd() % 32) | (f3 == 5 && rnd() % 2 ? 0x400 : 0), a, f3, rd,
			      0x1b);
	case 4:
		return (uint32_t)(rnd() & 0xfffff000) | rd << 7 | (rnd() % 2 ? 0x37 : 0x17);
	case 5:
	case 6: /* loads around the data pointer, crossing pages */
		return i_type((int)(rnd() % 512) - 256, 6,
			      (uint32_t[]){0, 1, 2, 3, 4, 5, 6}[rnd() % 7], rd, 0x03);
	case 7:
		return s_type((int)(rnd() % 512) - 256, b, 6, rnd() % 4);
	default: /* a forward branch over 1-3 instructions */
		if (!skip_left || f3 == 2 || f3 == 3)
			return i_type(1, a, 0, rd, 0x13);
		return b_type(4 * (int)(1 + rnd() % (skip_left < 3 ? skip_left : 3)), b, a, f3);
	}
}

/* Sv39: VBASE + i * 4K -> real page map[i]; code on the first 2, data after. */
static uint64_t page_tables(struct guest_mem *m, const unsigned *map)
{
	uint64_t root = 0xf0000, l1 = 0xf1000, l0 = 0xf2000;
	uint64_t *t = (uint64_t *)(void *)(m->base + root);

	memset(t, 0, 3 * 4096);
	t[(VBASE >> 30) & 511] = ((RAM_BASE + l1) >> 12) << 10 | 1;
	t[512 + ((VBASE >> 21) & 511)] = ((RAM_BASE + l0) >> 12) << 10 | 1;
	for (unsigned i = 0; i < NPAGES; i++)
		t[1024 + i] =
		    ((RAM_BASE + (uint64_t)map[i] * 4096) >> 12) << 10 | 0xcf; /* DAXWRV */
	return (8ULL << 60) | ((RAM_BASE + root) >> 12);
}

/* A loop of random instructions at code (host), run from va. */
static void gen_program(uint32_t *code, uint64_t data_va)
{
	unsigned n = 0, body = 20 + (unsigned)(rnd() % 200);

	code[n++] = i_type(40, 0, 0, 5, 0x13); /* addi x5, x0, 40 */
	/* x6 = data_va (in the middle of the data, near a page end) */
	code[n++] = (uint32_t)((data_va + 0x800) & 0xfffff000) | 6 << 7 | 0x37;
	code[n++] =
	    i_type((int)(data_va & 0xfff) - (int)((data_va & 0x800) ? 4096 : 0), 6, 0, 6, 0x13);
	code[n++] = i_type(32, 6, 1, 6, 0x13); /* lui sign-extends: clear bits 63-32 */
	code[n++] = i_type(32, 6, 5, 6, 0x13);
	unsigned loop = n;
	for (unsigned i = 0; i < body; i++)
		code[n++] = rnd_op(body - i);
	code[n++] = i_type(-1, 5, 0, 5, 0x13);		 /* addi x5, x5, -1 */
	code[n] = b_type(-4 * (int)(n - loop), 0, 5, 1); /* bne x5, x0, loop */
	n++;
	code[n++] = 0x00100073; /* ebreak: to mtvec, which spins */
	for (unsigned i = 0; i < n; i++)
		if (code[i] == 0)
			code[i] = 0x00000013;
}

static int run(bool mutate, struct hart_jit_stats *st)
{
	struct hart *h;
	struct guest_mem m;
	struct bus bus = {0};
	struct clint clint;
	unsigned map[NPAGES];

	if (mem_init(&m, MEM_SIZE) || !(h = hart_new(&m, &bus)) || clint_init(&clint, &bus, 0x2000000, h))
		return -1;
	if (hart_set_engine(h, HART_ENGINE_LOCKSTEP))
		return 77;
	hart_jit_mutate(h, mutate);
	for (int r = 0; r < ROUNDS; r++) {
		bool paged = r % 2;
		uint32_t *spin = (uint32_t *)(void *)(m.base + 0xe0000);

		for (unsigned i = 0; i < NPAGES; i++)
			map[i] = 16 + i;
		for (unsigned i = NPAGES - 1; i > 0; i--) {
			unsigned k = (unsigned)(rnd() % (i + 1)), t = map[i];

			map[i] = map[k];
			map[k] = t;
		}
		for (uint64_t i = 0x10000; i < 0x60000; i += 8)
			memcpy(m.base + i, &(uint64_t){rnd()}, 8);
		*spin = 0x0000006f; /* j . */
		hart_reset(h, 0);
		for (int i = 1; i < 32; i++)
			h->s.x[i] = rnd();
		h->s.mtvec = RAM_BASE + 0xe0000;
		if (paged) {
			gen_program((uint32_t *)(void *)(m.base + (uint64_t)map[0] * 4096),
				    VBASE + 0x8000 - 40);
			h->s.satp = page_tables(&m, map);
			h->s.priv = PRV_S;
			h->s.pc = VBASE;
		} else {
			gen_program((uint32_t *)(void *)(m.base + 0x10000),
				    RAM_BASE + 0x30000 - 40);
			h->s.priv = PRV_M;
			h->s.pc = RAM_BASE + 0x10000;
		}
		hart_set_state(h, &h->s);
		hart_run(h, 12000);
	}
	hart_jit_stats(h, st);
	hart_free(h);
	mem_exit(&m);
	return 0;
}

int main(void)
{
	struct hart_jit_stats good, bad;
	int rc = run(false, &good);

	if (rc)
		return rc == 77 ? (puts("no translator on this host"), 77) : 1;
	if (run(true, &bad))
		return 1;
	printf("cpu_lockstep: %llu blocks compared, %llu differed; mutated: %llu of %llu\n",
	       (unsigned long long)good.ls_checked, (unsigned long long)good.ls_failures,
	       (unsigned long long)bad.ls_failures, (unsigned long long)bad.ls_checked);
	if (good.ls_checked < 1000 || good.ls_failures) {
		fprintf(stderr, "cpu_lockstep: the translator differs from the interpreter\n");
		return 1;
	}
	if (!bad.ls_failures) {
		fprintf(stderr, "cpu_lockstep: a wrong translation went unseen\n");
		return 1;
	}
	return 0;
}
