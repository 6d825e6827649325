# Trap delegation to S-mode with medeleg / mideleg: delegated exceptions
# from U and S land in the S handler with scause, stval, sepc and sstatus
# (SPP, SPIE <- SIE, SIE <- 0) right and M state untouched; exceptions in
# M are never delegated; undelegated ones still go to M from S and U;
# a delegated software interrupt (SSIP) is taken in S when SIE is set,
# in U regardless of SIE, never in M; an M interrupt is taken from S
# even with mstatus.MIE = 0.
#include "test.h"
TEST_BEGIN
	li t0, (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U) | (1 << CAUSE_LOAD_ACCESS) | (1 << CAUSE_STORE_ACCESS)
	csrw medeleg, t0
	csrw mcause, zero
	csrw mtval, zero
	csrw mepc, zero

	/* from U: to S */
	TO_U
	STEST_TRAP(1, CAUSE_LOAD_ACCESS, 0x10, li a1, 0x10; ld a0, 0(a1))
	la s0, 1f
	li TESTNUM, 2
	SEXPECT_CAUSE(CAUSE_BREAKPOINT)
	.option push
	.option norvc
1:	ebreak
	.option pop
	SCHECK_TRAPPED
	TRAP_FIELD(a0, trap_s, TI_EPC)
	CHECK_EQ(a0, s0)
	STEST_TRAP(3, CAUSE_STORE_ACCESS, 0x18, li a1, 0x18; sw a0, 0(a1))
	li TESTNUM, 4
	SEXPECT_CAUSE(CAUSE_ECALL_U)
	ecall
	SCHECK_TRAPPED
	TRAP_FIELD(s1, trap_s, TI_STATUS)
	TO_S_FROM_U             /* ecall from U is delegated: back to S */
	/* in S now: the U trap entered with SPP = U */
	TEST_CASE(5, a0, 0, andi a0, s1, MSTATUS_SPP | MSTATUS_SIE)
	/* M never saw any of it */
	TO_M
	TEST_CASE(6, a0, CAUSE_ECALL_S, csrr a0, mcause)
	TEST_CASE(7, a0, 0, csrr a0, mtval)

	/* from S: to S, with SPP = S, SPIE = old SIE, SIE = 0 */
	TO_S
	csrs sstatus, MSTATUS_SIE     /* sie = 0: nothing pending can come */
	STEST_TRAP(8, CAUSE_ILLEGAL, 0, .half 0)
	TRAP_FIELD(a0, trap_s, TI_STATUS)
	li t0, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
	and a0, a0, t0
	CHECK(a0, MSTATUS_SPP | MSTATUS_SPIE)
	/* sret restored SIE */
	TEST_CASE(9, a0, MSTATUS_SIE, csrr a0, sstatus; andi a0, a0, MSTATUS_SIE)
	csrc sstatus, MSTATUS_SIE
	/* scause / stval / sepc as seen from S */
	STEST_TRAP(10, CAUSE_LOAD_ACCESS, 0x28, li a1, 0x28; lw a0, 0(a1))
	TEST_CASE(11, a0, CAUSE_LOAD_ACCESS, csrr a0, scause)
	TEST_CASE(12, a0, 0x28, csrr a0, stval)
	/* an exception not delegated goes to M even from S */
	TEST_TRAP(13, CAUSE_ECALL_S, 0, ecall)
	TO_M

	/* exceptions in M are never delegated */
	TEST_TRAP_NOTVAL(14, CAUSE_ILLEGAL, .half 0)
	TEST_TRAP(15, CAUSE_LOAD_ACCESS, 0x30, li a1, 0x30; ld a0, 0(a1))
	csrw medeleg, zero

	/* delegated supervisor software interrupt */
	li t0, MIP_SSIP
	csrw mideleg, t0
	csrs mie, MIP_SSIP            /* sie.SSIE */
	csrs mstatus, MSTATUS_MIE
	/* pending in M: an S interrupt is not taken in M */
	li TESTNUM, 16
	csrs mip, MIP_SSIP
	nop
	nop
	TRAP_FIELD(a0, trap_s, TI_COUNT)
	mv s2, a0
	/* in S with SIE = 0: not taken */
	TO_S
	li TESTNUM, 17
	nop
	nop
	TRAP_FIELD(a0, trap_s, TI_COUNT)
	CHECK_EQ(a0, s2)
	/* SIE = 1: taken at once, in S, scause = interrupt 1 */
	li TESTNUM, 18
	SEXPECT_CAUSE(IRQ_SSI)
	csrs sstatus, MSTATUS_SIE
	SWAIT_TRAPPED
	csrc sstatus, MSTATUS_SIE
	TEST_CASE(19, a0, IRQ_SSI, csrr a0, scause)
	/* the handler cleared sie.SSIE; set it again and go to U with SIE = 0 */
	csrc sip, MIP_SSIP
	csrs sie, MIP_SSIP
	TO_M
	TO_U
	li TESTNUM, 20
	SEXPECT_CAUSE(IRQ_SSI)
	la t0, trap_s           /* arm first, then raise it from M */
	TO_M
	csrs mip, MIP_SSIP
	TO_U                    /* in U, SIE = 0 does not mask S interrupts */
	SWAIT_TRAPPED
	TRAP_FIELD(a0, trap_s, TI_STATUS)
	andi a0, a0, MSTATUS_SPP
	CHECK(a0, 0)
	TO_M
	csrc mip, MIP_SSIP
	csrw mideleg, zero
	csrw mie, zero

	/* an M interrupt is taken from S even with mstatus.MIE = 0 */
	csrc mstatus, MSTATUS_MIE
	li t0, MIP_MSIP
	csrs mie, t0
	TO_S
	li TESTNUM, 21
	EXPECT_CAUSE(IRQ_MSI)
	li t0, CLINT_MSIP
	li t1, 1
	sw t1, 0(t0)            /* S can store to the CLINT: no PMP on it here */
	WAIT_TRAPPED
	li t0, CLINT_MSIP
	sw zero, 0(t0)
	TRAP_FIELD(s1, trap_m, TI_STATUS)
	TO_M
	TEST_CASE(22, a0, 1 << 11, li t0, MSTATUS_MPP; and a0, s1, t0)
TEST_END
