# Privilege checks (illegal instruction, cause 2): M CSRs from S and U,
# S CSRs from U, mret from S and U, sret from U, sret from S with
# mstatus.TSR, satp and sfence.vma from S with mstatus.TVM, wfi from S with
# mstatus.TW and from U; sfence.vma from U.  What xRET does: sret to U with
# SIE <- SPIE, SPIE <- 1, SPP <- U; mret to a lower mode clears MPRV;
# MPP = 2 (reserved) is never held.
#include "test.h"
TEST_BEGIN
	/* S mode: M CSRs and mret are illegal, S CSRs fine */
	TO_S
	TEST_TRAP_NOTVAL(1, CAUSE_ILLEGAL, csrr a0, mstatus)
	TEST_TRAP_NOTVAL(2, CAUSE_ILLEGAL, csrw mscratch, zero)
	TEST_TRAP_NOTVAL(3, CAUSE_ILLEGAL, csrr a0, mideleg)
	TEST_TRAP_NOTVAL(4, CAUSE_ILLEGAL, csrr a0, mhartid)
	TEST_TRAP_NOTVAL(5, CAUSE_ILLEGAL, csrr a0, mcycle)
	TEST_TRAP_NOTVAL(6, CAUSE_ILLEGAL, mret)
	TEST_CASE(7, a0, 0x77, csrr s1, sscratch; li a0, 0x77; csrw sscratch, a0; csrr a0, sscratch; csrw sscratch, s1)
	TEST_CASE(8, a0, 0, csrr a0, satp)
	TO_M

	/* U mode: S and M CSRs, mret, sret, sfence.vma, wfi are illegal */
	TO_U
	TEST_TRAP_NOTVAL(9, CAUSE_ILLEGAL, csrr a0, sstatus)
	TEST_TRAP_NOTVAL(10, CAUSE_ILLEGAL, csrr a0, satp)
	TEST_TRAP_NOTVAL(11, CAUSE_ILLEGAL, csrw sscratch, zero)
	TEST_TRAP_NOTVAL(12, CAUSE_ILLEGAL, csrr a0, mstatus)
	TEST_TRAP_NOTVAL(13, CAUSE_ILLEGAL, mret)
	TEST_TRAP_NOTVAL(14, CAUSE_ILLEGAL, sret)
	TEST_TRAP_NOTVAL(15, CAUSE_ILLEGAL, sfence.vma)
	TEST_TRAP_NOTVAL(16, CAUSE_ILLEGAL, wfi)
	TO_M

	/* TSR: sret from S traps */
	li t0, MSTATUS_TSR
	csrs mstatus, t0
	TO_S
	TEST_TRAP_NOTVAL(17, CAUSE_ILLEGAL, sret)
	TO_M
	li t0, MSTATUS_TSR
	csrc mstatus, t0

	/* TVM: satp and sfence.vma from S trap (M is not affected) */
	li t0, MSTATUS_TVM
	csrs mstatus, t0
	TEST_CASE(18, a0, 0, csrr a0, satp; sfence.vma)
	TO_S
	TEST_TRAP_NOTVAL(19, CAUSE_ILLEGAL, csrr a0, satp)
	TEST_TRAP_NOTVAL(20, CAUSE_ILLEGAL, csrw satp, zero)
	TEST_TRAP_NOTVAL(21, CAUSE_ILLEGAL, sfence.vma)
	TEST_TRAP_NOTVAL(22, CAUSE_ILLEGAL, li a1, 0; sfence.vma a1, zero)
	TO_M
	li t0, MSTATUS_TVM
	csrc mstatus, t0
	/* without TVM, S may use them */
	TO_S
	TEST_CASE(23, a0, 0, csrw satp, zero; csrr a0, satp; sfence.vma)
	TO_M

	/* TW: wfi from S traps (an M-mode wfi with a pending interrupt is
	 * fine and tested in irq.S) */
	li t0, MSTATUS_TW
	csrs mstatus, t0
	TO_S
	TEST_TRAP_NOTVAL(24, CAUSE_ILLEGAL, wfi)
	TO_M
	li t0, MSTATUS_TW
	csrc mstatus, t0

	/* sret from S to U: SIE <- SPIE, SPIE <- 1, SPP <- U */
	TO_S
	li TESTNUM, 25
	csrc sstatus, MSTATUS_SIE
	li t0, MSTATUS_SPIE
	csrs sstatus, t0
	li t0, MSTATUS_SPP
	csrc sstatus, t0
	la t0, 1f
	csrw sepc, t0
	sret
1:	/* now in U: S CSRs trap */
	TEST_TRAP_NOTVAL(26, CAUSE_ILLEGAL, csrr a0, sstatus)
	TO_M
	TEST_CASE(27, a0, MSTATUS_SIE | MSTATUS_SPIE, csrr a0, mstatus; li t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP; and a0, a0, t0)
	csrc mstatus, MSTATUS_SIE

	/* sret from S to S: SPP <- U after it */
	TO_S
	li TESTNUM, 28
	li t0, MSTATUS_SPP
	csrs sstatus, t0
	li t0, MSTATUS_SPIE
	csrc sstatus, t0
	la t0, 1f
	csrw sepc, t0
	sret
1:	csrr a0, sstatus        /* still S: this must not trap */
	andi a0, a0, MSTATUS_SPP | MSTATUS_SIE | MSTATUS_SPIE
	CHECK(a0, MSTATUS_SPIE)
	TO_M

	/* mret to S clears MPRV (privileged spec 1.12; QEMU 7.2 does not,
	 * so only checked elsewhere); mret to M keeps it */
	ON_QEMU(s5)
	bnez s5, 1f
	li t0, MSTATUS_MPRV
	csrs mstatus, t0
	TO_S
	TO_M
	TEST_CASE(29, a0, 0, csrr a0, mstatus; li t0, MSTATUS_MPRV; and a0, a0, t0)
1:
	li TESTNUM, 30
	li t0, MSTATUS_MPRV | MSTATUS_MPP
	csrs mstatus, t0
	la t0, 1f
	csrw mepc, t0
	mret
1:	csrr a0, mstatus
	li t0, MSTATUS_MPRV
	and a0, a0, t0
	CHECK(a0, MSTATUS_MPRV)
	li t0, MSTATUS_MPRV
	csrc mstatus, t0

	/* MPP is WARL: 2 (reserved) never reads back (QEMU 7.2 keeps it) */
	bnez s5, 1f
	TEST_CASE(31, a0, 1, li t0, MSTATUS_MPP; csrc mstatus, t0; li t0, 2 << 11; csrs mstatus, t0;
		  csrr a0, mstatus; srli a0, a0, 11; andi a0, a0, 3; addi a0, a0, -2; snez a0, a0)
1:
TEST_END
