# Synchronous exceptions taken into M-mode: 1 fetch access fault (jump to
# a physical address nothing answers; tval = that address), 2 illegal
# instruction (reserved and unimplemented encodings), 3 breakpoint (epc =
# the ebreak), 5 / 7 load and store access faults (tval = the address),
# 8 / 9 / 11 ecall from U / S / M (epc = the ecall); the trap entry state
# (MPP, MPIE, MIE) and mret restoring it.  (Cause 0 cannot happen with C:
# rv64i_ctl.S checks that jalr clears bit 0; 4 and 6 are in rv64a.S.)
#include "test.h"
TEST_BEGIN
	/* 1: fetch access fault */
	li TESTNUM, 1
	EXPECT_TRAP_AT(CAUSE_FETCH_ACCESS, 0, 1f)
	li t0, 0
	jalr t0
	j fail
1:	CHECK_TRAPPED
	li TESTNUM, 2
	EXPECT_TRAP_AT(CAUSE_FETCH_ACCESS, 0x100, 1f)
	li t0, 0x100
	jr t0
	j fail
1:	CHECK_TRAPPED
	TEST_CASE(3, a0, 0x100, TRAP_FIELD(a0, trap_m, TI_EPC))

	/* 2: illegal instructions */
	TEST_TRAP_NOTVAL(4, CAUSE_ILLEGAL, .word 0x0000000b)  /* custom-0 */
	TEST_TRAP_NOTVAL(5, CAUSE_ILLEGAL, .word 0x00000057)  /* OP-V: no V */
	TEST_TRAP_NOTVAL(6, CAUSE_ILLEGAL, .word 0xfe000033)  /* OP, funct7 0x7f */
	TEST_TRAP_NOTVAL(7, CAUSE_ILLEGAL, .word 0x0000705b)  /* custom-2 */
	TEST_TRAP_NOTVAL(8, CAUSE_ILLEGAL, .word 0x00007003)  /* LOAD funct3 7 */
	TEST_TRAP_NOTVAL(9, CAUSE_ILLEGAL, .word 0x00004023)  /* STORE funct3 4 */
	TEST_TRAP_NOTVAL(10, CAUSE_ILLEGAL, .word 0x00002063) /* BRANCH funct3 2 */
	TEST_TRAP_NOTVAL(11, CAUSE_ILLEGAL, .word 0x00001067) /* JALR funct3 1 */
	TEST_TRAP_NOTVAL(12, CAUSE_ILLEGAL, .word 0x0200103b) /* OP-32 M-group funct3 1 */
	TEST_TRAP_NOTVAL(13, CAUSE_ILLEGAL, .word 0x4000103b) /* sllw with funct7 0x20 */
	TEST_TRAP_NOTVAL(14, CAUSE_ILLEGAL, .word 0x0000602f) /* AMO funct3 6 */
	TEST_TRAP_NOTVAL(15, CAUSE_ILLEGAL, .word 0x1005a02f + (1 << 20)) /* lr.w with rs2 != 0 */
	TEST_TRAP_NOTVAL(16, CAUSE_ILLEGAL, .word 0x04001013)  /* slli shamt >= 64 form (bit 26) */
	TEST_TRAP_NOTVAL(17, CAUSE_ILLEGAL, .word 0x0200101b)  /* slliw with shamt[5] set */
	TEST_TRAP_NOTVAL(18, CAUSE_ILLEGAL, .word 0x30500073 + (1 << 7)) /* wfi with rd != 0 */
	TEST_TRAP_NOTVAL(19, CAUSE_ILLEGAL, .word 0x0000000f + (5 << 12)) /* MISC-MEM funct3 5 */

	/* 3: breakpoint; epc is the ebreak */
	li TESTNUM, 20
	la s0, 1f
	EXPECT_CAUSE(CAUSE_BREAKPOINT)
	.option push
	.option norvc
1:	ebreak
	.option pop
	CHECK_TRAPPED
	TRAP_FIELD(a0, trap_m, TI_EPC)
	CHECK_EQ(a0, s0)

	/* 5 / 7: access faults on nothing at 0 (and at 0x8) */
	TEST_TRAP(21, CAUSE_LOAD_ACCESS, 0, li a1, 0; ld a0, 0(a1))
	TEST_TRAP(22, CAUSE_LOAD_ACCESS, 8, li a1, 0; lw a0, 8(a1))
	TEST_TRAP(23, CAUSE_LOAD_ACCESS, 1, li a1, 0; lbu a0, 1(a1))
	TEST_TRAP(24, CAUSE_STORE_ACCESS, 0, li a1, 0; sd a0, 0(a1))
	TEST_TRAP(25, CAUSE_STORE_ACCESS, 8, li a1, 0; sh a0, 8(a1))
	TEST_TRAP(26, CAUSE_LOAD_ACCESS, 0x40, li a1, 0x40; c.ld a0, 0(a1))
	/* a faulting load leaves rd alone */
	TEST_CASE(27, a0, 1234, li a0, 1234; li a1, 0; EXPECT_CAUSE(CAUSE_LOAD_ACCESS); ld a0, 0(a1))
	CHECK_TRAPPED

	/* 11: ecall from M; epc = the ecall; entry state MPP = M, MPIE = old MIE */
	csrs mstatus, MSTATUS_MIE      /* mie = 0, so nothing can interrupt */
	li TESTNUM, 28
	la s0, 1f
	EXPECT_CAUSE(CAUSE_ECALL_M)
1:	ecall
	CHECK_TRAPPED
	TRAP_FIELD(a0, trap_m, TI_EPC)
	CHECK_EQ(a0, s0)
	TRAP_FIELD(a0, trap_m, TI_STATUS)
	TEST_CASE(29, a1, MSTATUS_MPP | MSTATUS_MPIE, li t0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE; and a1, a0, t0)
	/* mret put MIE back */
	TEST_CASE(30, a0, MSTATUS_MIE, csrr a0, mstatus; andi a0, a0, MSTATUS_MIE)
	csrc mstatus, MSTATUS_MIE

	/* 9: ecall from S */
	TO_S
	li TESTNUM, 31
	la s0, 1f
	EXPECT_CAUSE(CAUSE_ECALL_S)
1:	ecall
	CHECK_TRAPPED
	TRAP_FIELD(a0, trap_m, TI_EPC)
	CHECK_EQ(a0, s0)
	TO_M
	/* the S ecall's trap saw MPP = S */
	li TESTNUM, 32
	TO_S
	EXPECT_CAUSE(CAUSE_ECALL_S)
	ecall
	TRAP_FIELD(a0, trap_m, TI_STATUS)
	TO_M
	srli a0, a0, 11
	andi a0, a0, 3
	CHECK(a0, 1)

	/* 8: ecall from U, with MPP = U */
	TO_U
	li TESTNUM, 33
	la s0, 1f
	EXPECT_CAUSE(CAUSE_ECALL_U)
1:	ecall
	CHECK_TRAPPED
	TRAP_FIELD(a0, trap_m, TI_EPC)
	CHECK_EQ(a0, s0)
	TRAP_FIELD(a0, trap_m, TI_STATUS)
	TO_M
	srli a0, a0, 11
	andi a0, a0, 3
	CHECK(a0, 0)
	/* after mret, MPP is U and MPIE is 1 */
	TEST_CASE(34, a0, MSTATUS_MPIE, csrr a0, mstatus; li t0, MSTATUS_MPP | MSTATUS_MPIE; and a0, a0, t0)

	/* faults in U and S are taken in M with the right cause too */
	TO_U
	TEST_TRAP(35, CAUSE_LOAD_ACCESS, 0, li a1, 0; ld a0, 0(a1))
	TEST_TRAP_NOTVAL(36, CAUSE_BREAKPOINT, ebreak)
	TO_M
	TO_S
	TEST_TRAP(37, CAUSE_STORE_ACCESS, 0, li a1, 0; sd a0, 0(a1))
	TO_M
TEST_END
