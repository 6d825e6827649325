# RV64I integer computation: lui, auipc, the register-immediate and
# register-register operations and their 32-bit (W) forms, x0 as a
# destination.  Uncompressed encodings only (rvc.S covers the C forms).
#include "test.h"
TEST_BEGIN
	.option norvc

	/* add / sub */
	TEST_RR(1, add, 0, 0, 0)
	TEST_RR(2, add, 3, 1, 2)
	TEST_RR(3, add, 0, -1, 1)
	TEST_RR(4, add, 0x8000000000000000, 0x7fffffffffffffff, 1)
	TEST_RR(5, add, 0xfffffffffffffffe, 0xffffffffffffffff, 0xffffffffffffffff)
	TEST_RR(6, sub, 0, 5, 5)
	TEST_RR(7, sub, -1, 0, 1)
	TEST_RR(8, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
	TEST_RR_SRC1(9, add, 24, 13, 11)
	TEST_RR_SRC2(10, sub, 2, 13, 11)

	/* addi: 12-bit signed immediate */
	TEST_RI(11, addi, 0x800, 0x1, 0x7ff)
	TEST_RI(12, addi, 0xfffffffffffff801, 0x1, -0x800)
	TEST_RI(13, addi, 0x8000000000000000, 0x8000000000000800, -0x800)
	TEST_RI(14, addi, 0, -1, 1)

	/* slt / sltu / slti / sltiu */
	TEST_RR(15, slt, 1, -1, 0)
	TEST_RR(16, slt, 0, 0, -1)
	TEST_RR(17, slt, 0, 5, 5)
	TEST_RR(18, slt, 1, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_RR(19, sltu, 0, -1, 0)
	TEST_RR(20, sltu, 1, 0, -1)
	TEST_RR(21, sltu, 0, 7, 7)
	TEST_RI(22, slti, 1, -5, -4)
	TEST_RI(23, slti, 0, 0x7fffffffffffffff, -1)
	TEST_RI(24, sltiu, 1, 0, -1) /* immediate sign-extends, then unsigned */
	TEST_RI(25, sltiu, 0, 0xfffffffffffffffe, 0x7ff)
	TEST_RI(26, sltiu, 1, 0, 1)  /* seqz */

	/* logic */
	TEST_RR(27, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
	TEST_RR(28, or, 0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
	TEST_RR(29, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
	TEST_RI(30, andi, 0x700, 0xff00ff00ff00ff00, 0x70f)
	TEST_RI(31, andi, 0xff00ff00ff00ff00, 0xff00ff00ff00ff00, -1)
	TEST_RI(32, ori, 0xfffffffffffff80f, 0x0f, -0x800)
	TEST_RI(33, xori, 0xffffffffffffff0f, 0xf0, -1)
	TEST_RI(34, xori, 0x123, 0x123, 0)

	/* shifts: 6-bit amounts on RV64 */
	TEST_RR(35, sll, 0x8000000000000000, 1, 63)
	TEST_RR(36, sll, 2, 1, 65)           /* only rs2[5:0] counts */
	TEST_RR(37, srl, 1, 0x8000000000000000, 63)
	TEST_RR(38, sra, -1, 0x8000000000000000, 63)
	TEST_RR(39, sra, 0xc000000000000000, 0x8000000000000000, 0xffffffffffffffc1)
	TEST_RI(40, slli, 0x8000000000000000, 1, 63)
	TEST_RI(41, srli, 0x00ff00ff00ff00ff, 0xff00ff00ff00ff00, 8)
	TEST_RI(42, srai, 0xffff00ff00ff00ff, 0xff00ff00ff00ff00, 8)
	TEST_RI(43, srai, 0x0000000000000001, 0x4000000000000000, 62)
	TEST_RI(44, slli, 0x123, 0x123, 0)

	/* lui / auipc */
	TEST_CASE(45, a0, 0x12345000, lui a0, 0x12345)
	TEST_CASE(46, a0, 0xffffffff80000000, lui a0, 0x80000)
	TEST_CASE(47, a0, 0xfffffffffffff000, lui a0, 0xfffff)
	TEST_CASE(48, a0, 0, la a1, 1f; 1: auipc a0, 0; sub a0, a0, a1)
	TEST_CASE(49, a0, 0x1000, la a1, 1f; 1: auipc a0, 1; sub a0, a0, a1)
	TEST_CASE(50, a0, 0xffffffff80000000, la a1, 1f; 1: auipc a0, 0x80000; sub a0, a0, a1)

	/* W forms: 32-bit result, sign-extended */
	TEST_RR(51, addw, 0xffffffff80000000, 0x7fffffff, 1)
	TEST_RR(52, addw, 0, 0xffffffff00000000, 0x0000000100000000)
	TEST_RR(53, addw, 0x12, 0x1234567800000010, 2)
	TEST_RR(54, subw, 0x7fffffff, 0x80000000, 1)
	TEST_RR(55, subw, -1, 0, 1)
	TEST_RI(56, addiw, 0xffffffff80000000, 0x7fffffff, 1)
	TEST_RI(57, addiw, 0x7ff, 0xffffffff00000000, 0x7ff)
	TEST_RI(58, addiw, 0xffffffffffffffff, 0x12345678ffffffff, 0) /* sext.w */
	TEST_RR(59, sllw, 0xffffffff80000000, 1, 31)
	TEST_RR(60, sllw, 2, 1, 33)          /* only rs2[4:0] counts */
	TEST_RR(61, srlw, 0x1, 0xffffffff80000000, 31)
	TEST_RR(62, srlw, 0x7fffffff, 0xffffffffffffffff, 1)
	TEST_RR(63, sraw, 0xffffffffffffffff, 0x0000000080000000, 31)
	TEST_RR(64, sraw, 0xffffffffc0000000, 0x1234567880000000, 1)
	TEST_RR(65, sraw, 0xffffffffc0000000, 0xffffffff80000000, 0x21) /* shamt = 1 */
	TEST_RI(66, slliw, 0xffffffff80000000, 0x1, 31)
	TEST_RI(67, slliw, 0, 0xffffffff00000000, 1)
	TEST_RI(68, srliw, 0x00ffffff, 0xffffffffffffffff, 8)
	TEST_RI(69, srliw, 0xffffffff80000000, 0xffffffff80000000, 0)
	TEST_RI(70, sraiw, 0xffffffffff800000, 0x0000000080000000, 8)
	TEST_RI(71, sraiw, 0x7f, 0xabcdef007f000000, 24)

	/* x0 stays zero whatever is written to it */
	TEST_CASE(72, x0, 0, li a1, 5; add x0, a1, a1)
	TEST_CASE(73, x0, 0, lui x0, 0x12345)
	TEST_CASE(74, x0, 0, addi x0, x0, 5)
	TEST_CASE(75, a0, 0, addi a0, x0, 0; add a0, a0, x0)

	/* nop and hint encodings do nothing */
	TEST_CASE(76, a0, 7, li a0, 7; nop; addi x0, a0, 3; slli x0, a0, 3)
TEST_END
