// SPDX-License-Identifier: MIT
/*
 * An idle hart gives its caches back (hart_release_caches): after it the
 * whole pages of the decode cache and the TLB are no longer resident, and
 * the hart goes on computing the same thing as a hart that kept them, in
 * each engine.  The program sums a table through Sv39 paging, so the TLB
 * and the decode cache are both in use when they are released.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "cpu/internal.h"

#define MEM_SIZE (1ULL << 20)
#define CODE	 0x10000 /* real addresses of the program, its table, the page tables */
#define TABLE	 0x20000
#define PT	 0x40000
#define VBASE	 0x40000000ULL

/* Pages of [p, p + len) that are resident. */
static unsigned resident(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095, e = (uintptr_t)p + len;
	unsigned char v[64];
	size_t n = (e - a + 4095) / 4096;
	unsigned k = 0;

	if (n > sizeof(v) || mincore((void *)a, n * 4096, v))
		return ~0u;
	for (size_t i = 0; i < n; i++)
		k += v[i] & 1;
	return k;
}

/* Sv39: VBASE.. maps real 0.. one to one with 4K pages (gigapage-free, so the TLB fills). */
static uint64_t page_tables(struct guest_mem *m)
{
	uint64_t *l2 = (uint64_t *)(void *)(m->base + PT), *l1 = l2 + 512, *l0 = l2 + 1024;

	memset(l2, 0, 3 * 4096);
	l2[VBASE >> 30] = ((RAM_BASE + PT + 4096) >> 12) << 10 | 1;
	l1[0] = ((RAM_BASE + PT + 8192) >> 12) << 10 | 1;
	for (unsigned i = 0; i < 256; i++)
		l0[i] = ((RAM_BASE + i * 4096ULL) >> 12) << 10 | 0xcf; /* VRWX, A, D */
	return 8ULL << 60 | (RAM_BASE + PT) >> 12;
}

static uint32_t b_type(int32_t off, unsigned rs2, unsigned rs1, unsigned f3)
{
	uint32_t u = (uint32_t)off;

	return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

static uint32_t j_type(int32_t off)
{
	uint32_t u = (uint32_t)off;

	return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
	       ((u >> 12) & 0xff) << 12 | 0x6f;
}

/*
 * a0 = the sum of 256 words of the table, PASSES times over, then `j .`:
 * an unrolled body of some 1300 instruction addresses, so the decode cache
 * holds many, and enough passes for the translator to take over.
 */
#define PASSES 40
static void program(struct guest_mem *m)
{
	uint32_t *c = (uint32_t *)(void *)(m->base + CODE);
	unsigned n = 0, loop;

	c[n++] = 0x00000513;		    /* li a0, 0 */
	c[n++] = 0x00000593 | PASSES << 20; /* li a1, PASSES */
	loop = n;
	c[n++] = 0x400002b7; /* lui t0, 0x40000 (VBASE) */
	c[n++] = 0x00020337; /* lui t1, 0x20 (TABLE) */
	c[n++] = 0x005302b3; /* add t0, t1, t0 */
	c[n++] = 0x00008337; /* lui t1, 0x8 (32 KiB: the table's end) */
	c[n++] = 0x00530333; /* add t1, t1, t0 */
	for (unsigned i = 0; i < 256; i++) {
		c[n++] = 0x0002b383; /* ld t2, 0(t0) */
		c[n++] = 0x00750533; /* add a0, a0, t2 */
		c[n++] = 0x00828293; /* addi t0, t0, 8 */
		c[n++] = 0x0062c463; /* blt t0, t1, +8 */
		c[n++] = 0x00000013; /* nop */
	}
	c[n++] = 0xfff58593;	      /* addi a1, a1, -1 */
	c[n++] = b_type(8, 0, 11, 0); /* beqz a1, +8 (the loop is too long for a branch) */
	c[n] = j_type(-(int32_t)((n - loop) * 4)); /* j loop */
	n++;
	c[n] = 0x0000006f; /* j . */
	for (unsigned i = 0; i < 4096; i++)
		((uint64_t *)(void *)(m->base + TABLE))[i] = i * 0x9e3779b97f4a7c15ULL;
}

static uint64_t run(enum hart_engine e, bool release)
{
	struct guest_mem m;
	struct bus bus = {0};
	struct hart *h;
	struct cpu *c;
	uint64_t a0;

	if (mem_init(&m, MEM_SIZE) || !(h = hart_new(&m, &bus)))
		return 0;
	c = cpu_of(h);
	if (hart_set_engine(h, e)) {
		hart_free(h);
		mem_exit(&m);
		return 1; /* no translator on this host: nothing to compare */
	}
	program(&m);
	h->s.satp = page_tables(&m);
	h->s.priv = PRV_S;
	h->s.pc = VBASE + CODE;
	hart_set_state(h, &h->s);
	for (int i = 0; i < 40; i++) {
		hart_run(h, 3001);
		if (release && i % 3 == 1 && i < 10) { /* while it runs (51000 instructions) */
			CHECK(resident(c->dcache, sizeof(c->dcache)) > 2);
			hart_release_caches(h);
			/* the two partial pages at its ends may stay */
			CHECK(resident(c->dcache, sizeof(c->dcache)) <= 2);
			CHECK(resident(c->tlb_r, 3 * sizeof(c->tlb_r)) <= 2);
			CHECK(h->s.x[11] > 0); /* released while the program runs */
		}
	}
	CHECK(h->s.x[11] == 0); /* at the end */
	a0 = h->s.x[10] ^ h->s.pc;
	hart_free(h);
	mem_exit(&m);
	return a0;
}

int main(void)
{
	uint64_t kept = run(HART_ENGINE_INTERP, false);

	CHECK(kept > 1);
	CHECK(run(HART_ENGINE_INTERP, true) == kept);
	if (run(HART_ENGINE_JIT, false) != 1) {
		CHECK(run(HART_ENGINE_JIT, false) == kept);
		CHECK(run(HART_ENGINE_JIT, true) == kept);
	}
	return failures != 0;
}
