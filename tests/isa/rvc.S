# RV64C: every compressed instruction, written with its c.* mnemonic so the
# 16-bit encoding is what runs: c.addi4spn c.fld c.lw c.ld c.fsd c.sw c.sd,
# c.nop c.addi c.addiw c.li c.addi16sp c.lui c.srli c.srai c.andi c.sub
# c.xor c.or c.and c.subw c.addw c.j c.beqz c.bnez, c.slli c.fldsp c.lwsp
# c.ldsp c.jr c.mv c.ebreak c.jalr c.add c.fsdsp c.swsp c.sdsp; links of
# c.jalr are pc + 2; reserved encodings (all-zero, c.addi4spn 0, c.lui 0,
# c.addi16sp 0, c.jr x0, c.lwsp/c.ldsp x0) are illegal instructions.
#include "test.h"
TEST_BEGIN
	.option rvc
	la sp, cbuf_mid
	la s0, cbuf

	/* quadrant 0 */
	TEST_CASE(1, a0, 0, la a1, cbuf_mid; c.addi4spn a0, sp, 4; addi a0, a0, -4; sub a0, a0, a1)
	TEST_CASE(2, a0, 1020, c.addi4spn a0, sp, 1020; sub a0, a0, sp)
	TEST_CASE(3, a0, 0xffffffff89abcdef, c.lw a0, 0(s0))
	TEST_CASE(4, a0, 0x01234567, c.lw a0, 4(s0))
	TEST_CASE(5, a0, 0x0123456789abcdef, c.ld a0, 0(s0))
	TEST_CASE(6, a0, 0x1111111122222222, c.ld a0, 8(s0))
	TEST_CASE(7, a0, 0xfedcba9876543210, li a1, 0xfedcba9876543210; c.sd a1, 16(s0); ld a0, 16(s0))
	TEST_CASE(8, a0, 0xfedcba98aaaabbbb, li a1, 0x5555aaaabbbb; c.sw a1, 16(s0); ld a0, 16(s0))
	TEST_CASE(9, a0, 0xfedcba98aaaabbbb, c.fld fa0, 16(s0); fmv.x.d a0, fa0)
	TEST_CASE(10, a0, 0x0123456789abcdef, c.fld fa1, 0(s0); c.fsd fa1, 24(s0); ld a0, 24(s0))

	/* quadrant 1 */
	TEST_CASE(11, a0, 5, li a0, 5; c.nop)
	TEST_CASE(12, a0, 36, li a0, 5; c.addi a0, 31)
	TEST_CASE(13, a0, -27, li a0, 5; c.addi a0, -32)
	TEST_CASE(14, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
	TEST_CASE(15, a0, 0xffffffffffffffff, li a0, 0x00000000ffffffff; c.addiw a0, 0) /* sext.w */
	TEST_CASE(16, a0, 31, c.li a0, 31)
	TEST_CASE(17, a0, -32, c.li a0, -32)
	TEST_CASE(18, t1, -1, c.li t1, -1)     /* full register range */
	TEST_CASE(19, a0, 496, mv t0, sp; c.addi16sp sp, 496; sub a0, sp, t0; mv sp, t0)
	TEST_CASE(20, a0, -512, mv t0, sp; c.addi16sp sp, -512; sub a0, sp, t0; mv sp, t0)
	TEST_CASE(21, a0, 0x1f000, c.lui a0, 0x1f)
	TEST_CASE(22, a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)
	TEST_CASE(23, t2, 0x1000, c.lui t2, 1)
	TEST_CASE(24, a0, 0x0000000000000001, li a0, 0x8000000000000000; c.srli a0, 63)
	TEST_CASE(25, a0, 0x00000000ffffffff, li a0, 0xffffffff00000000; c.srli a0, 32)
	TEST_CASE(26, a0, 0xffffffffffffffff, li a0, 0x8000000000000000; c.srai a0, 63)
	TEST_CASE(27, a0, 0xfffffffffff00000, li a0, 0xf000000000000000; c.srai a0, 40)
	TEST_CASE(28, a0, 0x1a, li a0, 0xff1a; c.andi a0, 31)
	TEST_CASE(29, a0, 0xffe0, li a0, 0xffe0; c.andi a0, -32)
	TEST_CASE(30, a0, -1, li a0, 3; li a1, 4; c.sub a0, a1)
	TEST_CASE(31, a0, 0xf0, li a0, 0xff; li a1, 0x0f; c.xor a0, a1)
	TEST_CASE(32, a0, 0xff, li a0, 0xf0; li a1, 0x0f; c.or a0, a1)
	TEST_CASE(33, a0, 0x0f, li a0, 0xff; li a1, 0x0f; c.and a0, a1)
	TEST_CASE(34, a0, 0x7fffffff, li a0, 0x80000000; li a1, 1; c.subw a0, a1)
	TEST_CASE(35, a0, 0xffffffff80000000, li a0, 0x7fffffff; li a1, 1; c.addw a0, a1)
	TEST_CASE(36, a0, 0, li a0, 0xffffffff; li a1, 0x100000001; c.addw a0, a1)
	TEST_CASE(37, a0, 1, li a0, 0; c.j 1f; c.li a0, 2; 1: c.addi a0, 1)
	TEST_CASE(38, a0, 3, li a0, 0; c.j 2f; 1: c.addi a0, 2; c.j 3f; 2: c.addi a0, 1; c.j 1b; 3:)
	TEST_CASE(39, a1, 1, li a0, 0; li a1, 1; c.beqz a0, 1f; li a1, 0; 1:)
	TEST_CASE(40, a1, 0, li a0, 5; li a1, 0; c.beqz a0, 1f; li a1, 0; j 2f; 1: li a1, 1; 2:)
	TEST_CASE(41, a1, 1, li a0, -1; li a1, 1; c.bnez a0, 1f; li a1, 0; 1:)
	TEST_CASE(42, a1, 0, li a0, 0; li a1, 0; c.bnez a0, 1f; j 2f; 1: li a1, 1; 2:)
	TEST_CASE(43, a0, 10, li a0, 10; li a1, 0; 1: c.addi a1, 1; c.bnez a1, 2f; 2: addi a0, a0, 0)

	/* quadrant 2 */
	TEST_CASE(44, a0, 0x8000000000000000, li a0, 1; c.slli a0, 63)
	TEST_CASE(45, t3, 0x100000000, li t3, 1; c.slli t3, 32)
	la sp, cbuf
	TEST_CASE(46, a0, 0xffffffff89abcdef, c.lwsp a0, 0(sp))
	TEST_CASE(47, t4, 0x0123456789abcdef, c.ldsp t4, 0(sp))
	TEST_CASE(48, a0, 0x1111111122222222, c.ldsp a0, 8(sp))
	TEST_CASE(49, a0, 0x1111111122222222, c.fldsp ft3, 8(sp); fmv.x.d a0, ft3)
	TEST_CASE(50, a0, 0x0000000500000007, li t0, 0x500000000; sd t0, 32(sp); li t1, 7; c.swsp t1, 32(sp); ld a0, 32(sp))
	TEST_CASE(51, a0, 0x0badc0ffee, li t1, 0x0badc0ffee; c.sdsp t1, 40(sp); ld a0, 40(sp))
	TEST_CASE(52, a0, 0x0123456789abcdef, c.fldsp ft4, 0(sp); c.fsdsp ft4, 48(sp); ld a0, 48(sp))
	/* the largest sp offsets */
	TEST_CASE(53, a0, 0x7e, la sp, cbuf_big; li t0, 0x7e; sd t0, 504(sp); c.ldsp a0, 504(sp))
	TEST_CASE(54, a0, 0x3c, li t0, 0x3c; sw t0, 252(sp); c.lwsp a0, 252(sp))
	TEST_CASE(55, a0, 0x99, li t0, 0x99; c.sdsp t0, 504(sp); ld a0, 504(sp))
	TEST_CASE(56, a0, 0x66, la s0, cbuf_big; li t0, 0x66; sd t0, 248(s0); c.ld a0, 248(s0))
	TEST_CASE(57, a0, 0x77, li t0, 0x77; sw t0, 124(s0); c.lw a0, 124(s0))
	la sp, cbuf_mid
	la s0, cbuf

	TEST_CASE(58, a0, 9, li a0, 0; la t0, 1f; c.jr t0; c.li a0, 1; 1: c.li a0, 9)
	TEST_CASE(59, a0, 0x7fff, li a1, 0x7fff; c.mv a0, a1)
	TEST_CASE(60, a0, 0, la a1, 2f; la t0, 1f; c.jalr t0; 2: j fail; 1: sub a0, ra, a1)
	/* c.jalr with rs1 == ra: target from the old ra */
	TEST_CASE(61, a0, 4, li a0, 0; la ra, 1f; c.jalr ra; 2: j fail; 1: c.li a0, 4)
	TEST_CASE(62, a0, 12, li a0, 5; li a1, 7; c.add a0, a1)
	TEST_CASE(63, a0, 0, la a1, 2f; jal 1f; 2: j fail; 1: sub a0, ra, a1)
	TEST_TRAP(64, CAUSE_BREAKPOINT, 0, c.ebreak)
	/* the breakpoint's epc is the c.ebreak itself */
	la a1, 1f
	li TESTNUM, 65
	EXPECT_CAUSE(CAUSE_BREAKPOINT)
1:	c.ebreak
	CHECK_TRAPPED
	TRAP_FIELD(a0, trap_m, TI_EPC)
	CHECK_EQ(a0, a1)

	/* reserved encodings */
	TEST_TRAP_NOTVAL(66, CAUSE_ILLEGAL, .half 0x0000)  /* all zero */
	TEST_TRAP_NOTVAL(67, CAUSE_ILLEGAL, .half 0x0004)  /* c.addi4spn a1, sp, 0 */
	TEST_TRAP_NOTVAL(68, CAUSE_ILLEGAL, .half 0x6501)  /* c.lui a0, 0 */
	TEST_TRAP_NOTVAL(69, CAUSE_ILLEGAL, .half 0x6101)  /* c.addi16sp sp, 0 */
	TEST_TRAP_NOTVAL(70, CAUSE_ILLEGAL, .half 0x8002)  /* c.jr x0 */
	TEST_TRAP_NOTVAL(71, CAUSE_ILLEGAL, .half 0x4002)  /* c.lwsp x0 */
	TEST_TRAP_NOTVAL(72, CAUSE_ILLEGAL, .half 0x6002)  /* c.ldsp x0 */
	TEST_TRAP_NOTVAL(73, CAUSE_ILLEGAL, .half 0x2001)  /* c.addiw x0 */
	/* and the skip after a 16-bit trap lands on the next instruction */
	TEST_CASE(74, a0, 3, li a0, 3)
TEST_END

	.data
	.align 6
cbuf:	.dword 0x0123456789abcdef, 0x1111111122222222, 0, 0, 0, 0, 0, 0
	.skip 512
cbuf_mid:
	.skip 1024
cbuf_big:
	.skip 512
