# RV64M: mul mulh mulhsu mulhu div divu rem remu and the W forms mulw divw
# divuw remw remuw, including division by zero and signed overflow (which
# do not trap and give the results the ISA manual's table lists).
#include "test.h"
TEST_BEGIN
	.option norvc
	TEST_RR(1, mul, 0, 0, 12345)
	TEST_RR(2, mul, 56, 7, 8)
	TEST_RR(3, mul, -56, -7, 8)
	TEST_RR(4, mul, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff)
	TEST_RR(5, mul, 0x8000000000000000, 0x4000000000000000, 2)
	TEST_RR(6, mul, 0x2236d88fe5618cf0, 0x0123456789abcdef, 0xfedcba9876543210) /* low half */

	TEST_RR(7, mulh, 0, 7, 8)
	TEST_RR(8, mulh, -1, -7, 8)
	TEST_RR(9, mulh, 0, -1, -1)
	TEST_RR(10, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
	TEST_RR(11, mulh, 0xc000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_RR(12, mulhu, 0xfffffffffffffffe, 0xffffffffffffffff, 0xffffffffffffffff)
	TEST_RR(13, mulhu, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
	TEST_RR(14, mulhu, 0, 0xffffffff, 0xffffffff)
	TEST_RR(15, mulhsu, 0xffffffffffffffff, -1, 0xffffffffffffffff) /* -1 * (2^64-1) */
	TEST_RR(16, mulhsu, 0, 1, 0xffffffffffffffff)
	TEST_RR(17, mulhsu, 0xc000000000000000, 0x8000000000000000, 0x8000000000000000)
	TEST_RR(18, mulhsu, 0x0000000000000000, 0x7fffffffffffffff, 1)

	TEST_RR(19, div, 3, 20, 6)
	TEST_RR(20, div, -3, -20, 6)    /* rounds towards zero */
	TEST_RR(21, div, -3, 20, -6)
	TEST_RR(22, div, 3, -20, -6)
	TEST_RR(23, div, -1, 20, 0)     /* by zero: all ones */
	TEST_RR(24, div, 0x8000000000000000, 0x8000000000000000, -1) /* overflow */
	TEST_RR(25, divu, 3, 20, 6)
	TEST_RR(26, divu, 0x2aaaaaaaaaaaaaa7, -20, 6)
	TEST_RR(27, divu, -1, 20, 0)
	TEST_RR(28, divu, 0, 0x8000000000000000, -1)
	TEST_RR(29, rem, 2, 20, 6)
	TEST_RR(30, rem, -2, -20, 6)    /* sign of the dividend */
	TEST_RR(31, rem, 2, 20, -6)
	TEST_RR(32, rem, -2, -20, -6)
	TEST_RR(33, rem, 20, 20, 0)     /* by zero: the dividend */
	TEST_RR(34, rem, 0, 0x8000000000000000, -1) /* overflow: 0 */
	TEST_RR(35, remu, 2, 20, 6)
	TEST_RR(36, remu, 2, -20, 6)
	TEST_RR(37, remu, -20, -20, 0)
	TEST_RR(38, remu, 0x8000000000000000, 0x8000000000000000, -1)

	TEST_RR(39, mulw, 0xffffffff80000000, 0x40000000, 2)
	TEST_RR(40, mulw, 0x0000000000000001, 0x12345678ffffffff, 0xffffffffffffffff)
	TEST_RR(41, mulw, 0, 0x100000000, 0x100000000)
	TEST_RR(42, divw, -3, -20, 6)
	TEST_RR(43, divw, 3, 0xffffffff00000014, 6) /* upper bits ignored */
	TEST_RR(44, divw, -1, 20, 0)
	TEST_RR(45, divw, 0xffffffff80000000, 0x80000000, -1) /* overflow */
	TEST_RR(46, divuw, 0x2aaaaaa7, -20, 6)
	TEST_RR(47, divuw, -1, 20, 0)   /* all ones, sign-extended */
	TEST_RR(48, divuw, 0xffffffff80000000, 0x80000000, 1)
	TEST_RR(49, remw, -2, -20, 6)
	TEST_RR(50, remw, 0, 0x80000000, -1)
	TEST_RR(51, remw, 0xffffffff80000000, 0x80000000, 0) /* dividend, sign-extended */
	TEST_RR(52, remuw, 2, -20, 6)
	TEST_RR(53, remuw, 0xffffffffffffffec, -20, 0)
	TEST_RR(54, remuw, 0xffffffff80000001, 0xfffffff80000001, 0x100000000) /* divisor 0 in 32 bits */
	TEST_RR_SRC1(55, mul, 42, 6, 7)
	TEST_RR_SRC2(56, div, 6, 42, 7)
TEST_END
