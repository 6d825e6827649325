// SPDX-License-Identifier: MIT
/*
 * Code written by one hart, translated by another (cpu/jit.h, several
 * harts): hart A translates a hot loop; hart B, which filled a write TLB
 * entry for that page before A marked it, stores a new instruction into
 * the loop through that entry and passes a FENCE; A's next run must run
 * the new instruction.  Then B stores again (now through the slow path)
 * and A must see that too.  The two harts run one after the other on this
 * thread, so every step happens in a known order.  Skips without a
 * translator.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cpu/cpu.h"

#define MEM_SIZE	  (1ULL << 20)
#define LOOP		  (RAM_BASE + 0x1000) /* page 1: A's loop, data at +0x800 */
#define WRITER		  (RAM_BASE + 0x2000) /* page 2: B's stores */
#define T0		  5
#define T1		  6
#define T2		  7
#define T3		  28
#define A0		  10
#define ADDI(rd, rs, imm) ((uint32_t)((imm)&0xfff) << 20 | (rs) << 15 | (rd) << 7 | 0x13)
#define SW(rs2, rs1, imm)                                                                          \
	((uint32_t)(((imm) >> 5) & 0x7f) << 25 | (rs2) << 20 | (rs1) << 15 | 2 << 12 |             \
	 ((imm)&31) << 7 | 0x23)
#define BNE_BACK(rs1, back)                                                                        \
	(1u << 31 | 0x3fu << 25 | (rs1) << 15 | 1 << 12 | ((uint32_t)(-(back) >> 1) & 0xf) << 8 |  \
	 1u << 7 | 0x63) /* bne rs1, x0, -back (back < 32) */
#define J_SELF 0x0000006f
#define FENCE  0x0ff0000f

static void put(struct guest_mem *m, uint64_t pa, const uint32_t *w, int n)
{
	memcpy(m->base + (pa - RAM_BASE), w, 4 * (size_t)n);
}

/* A runs its loop 1000 times; returns a0. */
static uint64_t run_loop(struct hart *a)
{
	a->s.pc = LOOP;
	a->s.x[T0] = 1000;
	a->s.x[A0] = 0;
	hart_run(a, 20000);
	return a->s.x[A0];
}

/* B runs from pc until it spins at its J_SELF. */
static void run_writer(struct hart *b, uint64_t pc)
{
	b->s.pc = pc;
	hart_run(b, 200);
}

int main(void)
{
	struct guest_mem m;
	struct bus bus;
	struct hart *a, *b;
	struct hart_jit_stats st;
	const uint32_t loop[] = {ADDI(A0, 0, 1), ADDI(T0, T0, -1), BNE_BACK(T0, 8), J_SELF};
	/* 0: a data store into A's page (B gets a write TLB entry for it); 8: the new code */
	const uint32_t writer[] = {SW(T1, T2, 0x7f0), J_SELF, SW(T3, T2, 0), FENCE, J_SELF};

	memset(&bus, 0, sizeof(bus));
	CHECK(mem_init(&m, MEM_SIZE) == 0);
	a = hart_new(&m, &bus);
	b = hart_new(&m, &bus);
	CHECK(a && b);
	if (hart_set_engine(a, HART_ENGINE_JIT) || hart_set_engine(b, HART_ENGINE_JIT)) {
		printf("no translator on this host\n");
		return 77;
	}
	b->hartid = 1;
	put(&m, LOOP, loop, 4);
	put(&m, WRITER, writer, 5);
	b->s.x[T2] = LOOP;
	b->s.x[T1] = 0x1234;

	run_writer(b, WRITER); /* B's write entry for page 1, before any mark */
	CHECK(run_loop(a) == 1);
	hart_jit_stats(a, &st);
	CHECK(st.translated > 0); /* the loop is hot: A runs it translated */
	CHECK(run_loop(a) == 1);

	/* B stores addi a0, zero, 2 through its old entry, then fences */
	b->s.x[T3] = ADDI(A0, 0, 2);
	run_writer(b, WRITER + 8);
	CHECK(m.base[0x1000] == (uint8_t)ADDI(A0, 0, 2));
	CHECK(run_loop(a) == 2);

	/* and again, now that B's entry is gone: the slow path takes the mark */
	CHECK(run_loop(a) == 2);
	b->s.x[T3] = ADDI(A0, 0, 3);
	run_writer(b, WRITER + 8);
	CHECK(run_loop(a) == 3);

	hart_free(a);
	hart_free(b);
	mem_exit(&m);
	return failures != 0;
}
