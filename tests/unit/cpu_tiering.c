// SPDX-License-Identifier: MIT
/*
 * Tiering of the translator: a loop whose body runs over a page boundary.
 * The loop head is a taken branch's target, counted by the interpreter and
 * translated; the block there ends at the page end, and the body goes on
 * in the next page, a pc the interpreter never jumps to.  The dispatcher
 * must count it too, or that half of every loop (a long function crossing
 * a page, the rest of a caller after a translated call returns) stays
 * interpreted for good.  Checks the result and that the second page's
 * block was translated.  Skips on hosts without a translator.
 */
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/jit.h"
#include "dev/clint.h"

#define MEM_SIZE (1ULL << 20)
#define CODE	 0x10fe0 /* 32 bytes before a page boundary */
#define LOOPS	 (4 * JIT_HOT_START)

static uint32_t addi(unsigned rd, unsigned rs1, int imm)
{
	return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
}

/* bne rs1, x0, off */
static uint32_t bnez(unsigned rs1, int off)
{
	uint32_t u = (uint32_t)off;

	return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs1 << 15 | 1 << 12 |
	       ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

int main(void)
{
	struct guest_mem m;
	struct bus bus = {0};
	struct clint clint;
	struct hart_jit_stats st;
	struct hart *h;
	uint32_t code[16];
	unsigned n = 0, loop;

	if (mem_init(&m, MEM_SIZE) || !(h = hart_new(&m, &bus)) ||
	    clint_init(&clint, &bus, 0x2000000, h))
		return 1;
	if (hart_set_engine(h, HART_ENGINE_JIT)) {
		puts("no translator on this host");
		return 77;
	}
	code[n++] = addi(5, 0, LOOPS); /* x5: the loop counter */
	code[n++] = addi(10, 0, 0);
	loop = n;
	while (n < 8) /* up to the page end: +1 each */
		code[n++] = addi(10, 10, 1);
	code[n++] = addi(10, 10, 100); /* the next page */
	code[n++] = addi(5, 5, -1);
	code[n] = bnez(5, -4 * (int)(n - loop));
	n++;
	code[n++] = 0x0000006f; /* j . */
	memcpy(m.base + CODE, code, n * 4);
	hart_reset(h, RAM_BASE + CODE);
	hart_run(h, 100000);
	hart_jit_stats(h, &st);
	printf("cpu_tiering: x10 = %llu, %llu blocks translated\n", (unsigned long long)h->s.x[10],
	       (unsigned long long)st.translated);
	if (h->s.x[10] != (uint64_t)LOOPS * (8 - loop + 100)) {
		fprintf(stderr, "cpu_tiering: wrong result\n");
		return 1;
	}
	/* the loop head, the next page's part of the body, the final j . */
	if (st.translated < 3) {
		fprintf(stderr, "cpu_tiering: the body in the next page was never translated\n");
		return 1;
	}
	hart_free(h);
	mem_exit(&m);
	return 0;
}
