# Vectored trap entry (mtvec / stvec MODE = 1): exceptions enter at BASE,
# interrupt n at BASE + 4n (machine software 3, machine timer 7,
# supervisor software 1 through stvec).  Vectored mode is optional: if
# MODE does not read back as 1 the rest is skipped.
#include "test.h"

/* A vector slot stub: note which slot ran, then the common handler. */
#define VEC_STUB(x, n, scratch)                                           \
vec_##x##_##n:                                                            \
	csrrw sp, scratch, sp;                                            \
	sd t0, 32(sp);                                                    \
	sd t1, 40(sp);                                                    \
	la t0, vec_hit;                                                   \
	li t1, n + 100;                                                   \
	sd t1, 0(t0);                                                     \
	ld t0, 32(sp);                                                    \
	ld t1, 40(sp);                                                    \
	csrrw sp, scratch, sp;                                            \
	j trap_##x##_entry

TEST_BEGIN
	la t0, mvec
	ori t0, t0, 1
	csrw mtvec, t0
	csrr t1, mtvec
	andi t1, t1, 3
	li t2, 1
	bne t1, t2, skip
	TEST_CASE(1, a0, 0, csrr a0, mtvec; la t0, mvec; ori t0, t0, 1; sub a0, a0, t0)

	/* an exception enters at BASE */
	TEST_TRAP(2, CAUSE_ECALL_M, 0, ecall)
	TEST_CASE(3, a0, 100, la t0, vec_hit; ld a0, 0(t0))

	/* machine software interrupt: slot 3 */
	li t0, MIP_MSIP
	csrw mie, t0
	li TESTNUM, 4
	EXPECT_CAUSE(IRQ_MSI)
	li t0, CLINT_MSIP
	li t1, 1
	sw t1, 0(t0)
	csrs mstatus, MSTATUS_MIE
	WAIT_TRAPPED
	csrc mstatus, MSTATUS_MIE
	li t0, CLINT_MSIP
	sw zero, 0(t0)
	TEST_CASE(5, a0, 103, la t0, vec_hit; ld a0, 0(t0))

	/* machine timer interrupt: slot 7 */
	li t0, MIP_MTIP
	csrw mie, t0
	li TESTNUM, 6
	EXPECT_CAUSE(IRQ_MTI)
	li t0, CLINT_MTIMECMP
	sd zero, 0(t0)
	csrs mstatus, MSTATUS_MIE
	WAIT_TRAPPED
	csrc mstatus, MSTATUS_MIE
	li t0, CLINT_MTIMECMP
	li t1, -1
	sd t1, 0(t0)
	TEST_CASE(7, a0, 107, la t0, vec_hit; ld a0, 0(t0))
	csrw mie, zero

	/* supervisor software interrupt, delegated, through stvec slot 1 */
	la t0, svec
	ori t0, t0, 1
	csrw stvec, t0
	csrr t1, stvec
	andi t1, t1, 3
	li t2, 1
	bne t1, t2, skip
	li t0, MIP_SSIP
	csrw mideleg, t0
	csrw mie, t0
	TO_S
	li TESTNUM, 8
	SEXPECT_CAUSE(IRQ_SSI)
	csrs sip, MIP_SSIP
	csrs sstatus, MSTATUS_SIE
	SWAIT_TRAPPED
	csrc sstatus, MSTATUS_SIE
	csrc sip, MIP_SSIP
	TEST_CASE(9, a0, 101, la t0, vec_hit; ld a0, 0(t0))
	/* an S exception still enters at stvec's BASE */
	TO_M
	li t0, 1 << CAUSE_BREAKPOINT
	csrw medeleg, t0
	TO_S
	li TESTNUM, 10
	SEXPECT_CAUSE(CAUSE_BREAKPOINT)
	ebreak
	SCHECK_TRAPPED
	TEST_CASE(11, a0, 100, la t0, vec_hit; ld a0, 0(t0))
	TO_M
skip:
	la t0, trap_m_entry
	csrw mtvec, t0
	la t0, trap_s_entry
	csrw stvec, t0
TEST_END

	.option push
	.option norvc
	.align 8
mvec:	j vec_m_0
	.rept 2
	j vec_m_0
	.endr
	j vec_m_3
	.rept 3
	j vec_m_0
	.endr
	j vec_m_7
	.rept 8
	j vec_m_0
	.endr
	.align 8
svec:	j vec_s_0
	j vec_s_1
	.rept 14
	j vec_s_0
	.endr
	.option pop

	VEC_STUB(m, 0, mscratch)
	VEC_STUB(m, 3, mscratch)
	VEC_STUB(m, 7, mscratch)
	VEC_STUB(s, 0, sscratch)
	VEC_STUB(s, 1, sscratch)

	.data
vec_hit: .dword 0
