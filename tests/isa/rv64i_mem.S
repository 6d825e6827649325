# RV64I loads and stores: lb lh lw ld lbu lhu lwu sb sh sw sd, sign and
# zero extension, positive and negative offsets, store widths that leave
# neighbouring bytes alone.  Uncompressed encodings only.
#include "test.h"
TEST_BEGIN
	.option norvc
	la s0, buf

	/* loads from a known pattern */
	TEST_CASE(1, a0, 0xffffffffffffff88, lb a0, 0(s0))
	TEST_CASE(2, a0, 0x77, lb a0, 1(s0))
	TEST_CASE(3, a0, 0x88, lbu a0, 0(s0))
	TEST_CASE(4, a0, 0x7788, lh a0, 0(s0))
	TEST_CASE(5, a0, 0x1122, lh a0, 6(s0))
	TEST_CASE(6, a0, 0xffffffffffff99aa, lh a0, 8(s0))
	TEST_CASE(7, a0, 0x99aa, lhu a0, 8(s0))
	TEST_CASE(8, a0, 0x55667788, lw a0, 0(s0))
	TEST_CASE(9, a0, 0xffffffffddeeff00, lw a0, 12(s0))
	TEST_CASE(10, a0, 0xddeeff00, lwu a0, 12(s0))
	TEST_CASE(11, a0, 0x1122334455667788, ld a0, 0(s0))
	TEST_CASE(12, a0, 0xddeeff00bbcc99aa, ld a0, 8(s0))

	/* negative offsets */
	addi s1, s0, 16
	TEST_CASE(13, a0, 0xddeeff00bbcc99aa, ld a0, -8(s1))
	TEST_CASE(14, a0, 0xffffffffffffffdd, lb a0, -1(s1))
	TEST_CASE(15, a0, 0xdd, lbu a0, -1(s1))
	addi s1, s0, 2047
	TEST_CASE(16, a0, 0x1122334455667788, ld a0, -2047(s1))
	addi s1, s0, -2040
	TEST_CASE(17, a0, 0x1122334455667788, ld a0, 2040(s1))

	/* stores of each width into a clean doubleword */
	la s1, scratch
	TEST_CASE(18, a0, 0x00000000000000ab, sd zero, 0(s1); li a1, 0x12ab; sb a1, 0(s1); ld a0, 0(s1))
	TEST_CASE(19, a0, 0x0000000000cd00ab, li a1, 0xcd; sb a1, 2(s1); ld a0, 0(s1))
	TEST_CASE(20, a0, 0x00000000beefcdab, li a1, 0xffffbeefcdab; sw a1, 0(s1); ld a0, 0(s1))
	TEST_CASE(21, a0, 0x0000cafebeefcdab, li a1, 0x1cafe; sh a1, 4(s1); ld a0, 0(s1))
	TEST_CASE(22, a0, 0x8000cafebeefcdab, li a1, 0x80; sb a1, 7(s1); ld a0, 0(s1))
	TEST_CASE(23, a0, 0x0123456789abcdef, li a1, 0x0123456789abcdef; sd a1, 0(s1); ld a0, 0(s1))
	TEST_CASE(24, a0, 0, ld a0, 8(s1))   /* the next doubleword untouched */
	TEST_CASE(25, a0, 0xffffffff89abcdef, lw a0, 0(s1))
	TEST_CASE(26, a0, 0x01234567, lw a0, 4(s1))
	TEST_CASE(27, a0, 0xffffffffffffcdef, lh a0, 0(s1))
	TEST_CASE(28, a0, 0xffffffffffffff89, lb a0, 3(s1))
	/* negative store offset */
	addi s2, s1, 16
	TEST_CASE(29, a0, 0x5a, li a1, 0x5a; sb a1, -8(s2); lbu a0, 8(s1))

	/* a load into x0 is performed but the register stays 0 */
	TEST_CASE(30, x0, 0, lw x0, 0(s1))
	/* base register equal to destination */
	TEST_CASE(31, a0, 0x1122334455667788, la a0, buf; ld a0, 0(a0))
TEST_END

	.data
	.align 4
buf:	.dword 0x1122334455667788
	.dword 0xddeeff00bbcc99aa
	.align 4
scratch: .dword 0, 0
