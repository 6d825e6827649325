// SPDX-License-Identifier: MIT
/*
 * hart_get_state / hart_set_state, as SAVESYS and IPL of a saved system use
 * them: a program stopped in the middle, its storage copied and its state
 * loaded into a fresh hart, finishes with the same registers as an
 * uninterrupted run; the timer continues from the saved mtime; and a
 * trace range stops the hart before the instruction, which then runs on the
 * next hart_run without stopping again.
 */
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"

#define MEM_SIZE (1ULL << 20)

static uint32_t i_type(int imm, unsigned rs1, unsigned f3, unsigned rd, unsigned op)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t r_type(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | 0x33;
}

static uint32_t b_type(int off, unsigned rs2, unsigned rs1, unsigned f3)
{
	uint32_t o = (uint32_t)off;

	return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       ((o >> 1) & 0xf) << 8 | ((o >> 11) & 1) << 7 | 0x63;
}

/* a0 = sum, a1 = count, a2 = product; loops 50000 times, then spins at "done" */
static void load_program(struct guest_mem *m)
{
	uint32_t p[] = {
	    i_type(0, 0, 0, 10, 0x13),	  /* 0:  li a0, 0 */
	    0x0000c5b7,			  /* 4:  lui a1, 12 (49152) */
	    i_type(848, 11, 0, 11, 0x13), /* 8:  addi a1, a1, 848 -> 50000 */
	    i_type(1, 0, 0, 12, 0x13),	  /* 12: li a2, 1 */
	    i_type(7, 10, 0, 10, 0x13),	  /* 16: loop: addi a0, a0, 7 */
	    r_type(1, 10, 12, 0, 12),	  /* 20: mul a2, a2, a0 */
	    r_type(0, 10, 12, 4, 12),	  /* 24: xor a2, a2, a0 */
	    i_type(-1, 11, 0, 11, 0x13),  /* 28: addi a1, a1, -1 */
	    b_type(-16, 0, 11, 1),	  /* 32: bnez a1, loop */
	    0x0000006f,			  /* 36: done: j done */
	};

	memcpy(m->base, p, sizeof(p));
}

static int check(bool ok, const char *what)
{
	if (!ok)
		fprintf(stderr, "cpu_state: %s\n", what);
	return ok ? 0 : 1;
}

int main(void)
{
	struct hart *a, *b, *c;
	struct guest_mem ma, mb, mc;
	struct bus bus = {0};
	struct hart_state s;
	int fails = 0;

	if (mem_init(&ma, MEM_SIZE) || mem_init(&mb, MEM_SIZE) || mem_init(&mc, MEM_SIZE))
		return 1;
	load_program(&ma);
	load_program(&mb);
	a = hart_new(&ma, &bus);
	b = hart_new(&mb, &bus);
	c = hart_new(&mc, &bus);
	if (!a || !b || !c)
		return 1;
	hart_reset(a, RAM_BASE);
	hart_reset(b, RAM_BASE);
	hart_run(a, 123457);
	hart_run(a, 300000);
	fails +=
	    check(a->s.pc == RAM_BASE + 36 && a->s.x[11] == 0, "uninterrupted run did not finish");

	/* stop b in the middle, move it to c */
	hart_run(b, 123457);
	hart_get_state(b, &s);
	memcpy(mc.base, mb.base, MEM_SIZE);
	hart_set_state(c, &s);
	fails += check(hart_mtime(c) >= s.mtime && hart_mtime(c) - s.mtime < 10000000,
		       "timer did not continue from the saved mtime");
	hart_run(c, 300000);
	fails += check(!memcmp(a->s.x, c->s.x, sizeof(a->s.x)) && a->s.pc == c->s.pc,
		       "restored run ended with other registers");
	fails += check(c->s.minstret == a->s.minstret, "instret not carried over");

	/* trace: stop before the mul, then run it without stopping again */
	hart_reset(b, RAM_BASE);
	hart_set_trace(b, RAM_BASE + 20, RAM_BASE + 20);
	fails += check(hart_run(b, 1000) == HART_EXIT_TRACE && b->trace_pc == RAM_BASE + 20 &&
			   b->s.pc == RAM_BASE + 20 && b->s.x[12] == 1,
		       "trace did not stop before the instruction");
	fails += check(hart_run(b, 1) == HART_EXIT_BUDGET && b->s.pc == RAM_BASE + 24,
		       "traced instruction did not run on the next hart_run");
	fails += check(hart_run(b, 1000) == HART_EXIT_TRACE && b->s.x[11] == 49999,
		       "trace did not stop on the next loop iteration");
	hart_set_trace(b, 1, 0);
	fails += check(hart_run(b, 1000) == HART_EXIT_BUDGET, "trace not switched off");

	hart_free(a);
	hart_free(b);
	hart_free(c);
	mem_exit(&ma);
	mem_exit(&mb);
	mem_exit(&mc);
	return fails ? 1 : 0;
}
