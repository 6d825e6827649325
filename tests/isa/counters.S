# Counters: cycle and instret (and mcycle/minstret) advance, instret
# counts retired instructions exactly (not checked on QEMU, whose TCG
# counters follow host time), minstret/mcycle are writable, time follows
# mtime; mcounteren gates S and U access and scounteren gates U access
# (illegal instruction otherwise) for CY, TM and IR separately; the
# hpmcounters exist (read-only zero is allowed).
#include "test.h"

#define MAYBE_SKIP_TIME(label) ON_QEMU(t6); bnez t6, label

TEST_BEGIN
	ON_QEMU(s11)
	/* advance */
	rdcycle s0
	rdinstret s1
	li t0, 1000
1:	addi t0, t0, -1
	bnez t0, 1b
	rdcycle s2
	rdinstret s3
	TEST_CASE(1, a0, 1, sltu a0, s0, s2)
	TEST_CASE(2, a0, 1, sltu a0, s1, s3)
	/* the loop retired 2 * 1000 + 1 (li) + 1 (rdcycle) + 1 (rdinstret) more */
	bnez s11, 2f
	TEST_CASE(3, a0, 2003, sub a0, s3, s1)
	/* back to back: 1 */
	TEST_CASE(4, a0, 1, rdinstret t0; rdinstret t1; sub a0, t1, t0)
	/* the M names give the same counters */
	TEST_CASE(5, a0, 1, csrr t0, minstret; rdinstret t1; sub a0, t1, t0)
2:	TEST_CASE(6, a0, 1, csrr t0, mcycle; rdcycle t1; sltu a0, t0, t1)
	/* writable in M */
	bnez s11, 2f
	TEST_CASE(7, a0, 1000, li t0, 1000; csrw minstret, t0; csrr a0, minstret)
	TEST_CASE(8, a0, 1, li t0, 1 << 40; csrw mcycle, t0; csrr a0, mcycle; srli a0, a0, 40)
2:
	/* hpm counters and events exist */
	TEST_CASE(9, a0, 0, csrw mhpmevent3, zero; csrr a0, mhpmevent3)
	TEST_CASE(10, a0, 0, csrr a0, mhpmcounter3; li a0, 0)
	bnez s11, 2f            /* QEMU has only pmu-num of them */
	TEST_CASE(32, a0, 0, csrr a0, mhpmcounter31; li a0, 0)
2:

	/* gating: nothing enabled -> S and U trap */
	csrw mcounteren, zero
	csrw scounteren, zero
	TO_S
	TEST_TRAP_NOTVAL(11, CAUSE_ILLEGAL, rdcycle a0)
	TEST_TRAP_NOTVAL(12, CAUSE_ILLEGAL, rdinstret a0)
	TEST_TRAP_NOTVAL(13, CAUSE_ILLEGAL, rdtime a0)
	TEST_TRAP_NOTVAL(14, CAUSE_ILLEGAL, csrr a0, hpmcounter3)
	TO_M
	TO_U
	TEST_TRAP_NOTVAL(15, CAUSE_ILLEGAL, rdcycle a0)
	TEST_TRAP_NOTVAL(16, CAUSE_ILLEGAL, rdtime a0)
	TO_M
	/* mcounteren.CY only: S reads cycle, not instret/time; U nothing */
	csrwi mcounteren, 1
	TO_S
	TEST_CASE(17, a0, 1, rdcycle a0; snez a0, a0)
	TEST_TRAP_NOTVAL(18, CAUSE_ILLEGAL, rdinstret a0)
	TEST_TRAP_NOTVAL(19, CAUSE_ILLEGAL, rdtime a0)
	TO_M
	TO_U
	TEST_TRAP_NOTVAL(20, CAUSE_ILLEGAL, rdcycle a0)
	TO_M
	/* mcounteren all three, scounteren.IR: U reads instret only */
	csrwi mcounteren, 7
	csrwi scounteren, 4
	TO_S
	TEST_CASE(21, a0, 1, rdinstret a0; snez a0, a0)
	MAYBE_SKIP_TIME(1f)     /* QEMU's spike machine has no time CSR */
	TEST_CASE(22, a0, 1, rdtime a0; rdtime a1; sltu a0, a1, a0; xori a0, a0, 1)
1:	TO_M
	TO_U
	TEST_CASE(23, a0, 1, rdinstret a0; snez a0, a0)
	TEST_TRAP_NOTVAL(24, CAUSE_ILLEGAL, rdcycle a0)
	TEST_TRAP_NOTVAL(25, CAUSE_ILLEGAL, rdtime a0)
	TO_M
	/* scounteren.TM and CY: U reads time and cycle */
	csrwi scounteren, 3
	TO_U
	TEST_CASE(26, a0, 1, rdcycle a0; snez a0, a0)
	MAYBE_SKIP_TIME(1f)
	TEST_CASE(27, a0, 1, rdtime a0; snez a0, a0)
1:	TEST_TRAP_NOTVAL(28, CAUSE_ILLEGAL, rdinstret a0)
	/* U can never write them */
	TEST_TRAP_NOTVAL(29, CAUSE_ILLEGAL, csrw cycle, zero)
	TO_M
	/* M is never gated */
	csrw mcounteren, zero
	TEST_CASE(30, a0, 1, rdcycle a0; snez a0, a0)
	MAYBE_SKIP_TIME(1f)
	/* time follows mtime */
	TEST_CASE(31, a0, 1, li t0, CLINT_MTIME; ld t1, 0(t0); rdtime t2; ld t3, 0(t0);
		  sltu a0, t2, t1; sltu a1, t3, t2; or a0, a0, a1; xori a0, a0, 1)
1:
TEST_END
