# Misaligned loads and stores are carried out (never trapped; rvcp has no
# firmware to emulate them): every width and offset in M with translation
# off, compressed and FP forms, and under Sv39 across a page boundary whose
# two pages are not physically adjacent; a misaligned access running into
# an unmapped page takes a page fault (tval is the access's address or the
# start of the faulting part: the spec allows both).
#include "test.h"

#define VA_X 0x40000000   /* page_x */
#define VA_Y 0x40001000   /* page_y: physically *before* page_x */
#define VA_Z 0x40002000   /* unmapped */

TEST_BEGIN
	la s0, buf          /* 0x00 01 02 ... 0x1f */
	TEST_CASE(1, a0, 0x0201, lhu a0, 1(s0))
	TEST_CASE(2, a0, 0x0807, lh a0, 7(s0))
	TEST_CASE(3, a0, 0x04030201, lw a0, 1(s0))
	TEST_CASE(4, a0, 0x05040302, lwu a0, 2(s0))
	TEST_CASE(5, a0, 0x06050403, lw a0, 3(s0))
	TEST_CASE(6, a0, 0x0807060504030201, ld a0, 1(s0))
	TEST_CASE(7, a0, 0x0a09080706050403, ld a0, 3(s0))
	TEST_CASE(8, a0, 0x0c0b0a0908070605, ld a0, 5(s0))
	TEST_CASE(9, a0, 0x0e0d0c0b0a090807, ld a0, 7(s0))
	/* sign extension of misaligned loads */
	la s1, sbuf
	li t0, 0x80ff80ff80ff80ff
	sd t0, 0(s1)
	sd t0, 8(s1)
	TEST_CASE(10, a0, 0xffffffffffffff80, lh a0, 1(s1))
	TEST_CASE(11, a0, 0xffffffffff80ff80, lw a0, 3(s1))
	TEST_CASE(12, a0, 0xff80ff80, lwu a0, 5(s1))
	/* stores */
	sd zero, 0(s1)
	sd zero, 8(s1)
	TEST_CASE(13, a0, 0x0000000000bbaa00, li t0, 0xbbaa; sh t0, 1(s1); ld a0, 0(s1))
	TEST_CASE(14, a0, 0x44332211bbaa00, li t0, 0x44332211; sw t0, 3(s1); ld a0, 0(s1))
	TEST_CASE(15, a0, 0x8877665544332211, li t0, 0x8877665544332211; sd t0, 5(s1); ld a0, 5(s1))
	TEST_CASE(16, a0, 0x3322112211bbaa00, ld a0, 0(s1))
	TEST_CASE(17, a0, 0x0000008877665544, ld a0, 8(s1))
	/* compressed forms */
	TEST_CASE(18, a0, 0x0807060504030201, addi a1, s0, 1; c.ld a0, 0(a1))
	TEST_CASE(19, a0, 0x08070605, addi a1, s0, 1; c.lw a0, 4(a1))
	TEST_CASE(20, a0, 0x1234, addi a1, s1, 3; li a2, 0x1234; c.sw a2, 0(a1); lw a0, 3(s1))
	/* FP loads and stores */
	TEST_CASE(21, a0, 0x0807060504030201, fld fa0, 1(s0); fmv.x.d a0, fa0)
	TEST_CASE(22, a0, 0xffffffff04030201, flw fa0, 1(s0); fmv.x.d a0, fa0) /* NaN-boxed */
	TEST_CASE(23, a0, 0x0807060504030201, fsd fa1, 9(s1); fld fa1, 1(s0); fsd fa1, 9(s1); ld a0, 9(s1))
	TEST_CASE(24, a0, 0x04030201, fsw fa1, 3(s1); lw a0, 3(s1))

	/* across a page boundary under Sv39 */
	VM_IDENTITY
	li a0, VA_X
	la a1, page_x
	li a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	li a3, 0
	call pt_map
	li a0, VA_Y
	la a1, page_y
	li a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	li a3, 0
	call pt_map
	VM_ON
	/* page_x ends with 0xa1..0xa8, page_y starts with 0xb1..0xb8 */
	la t0, page_x
	li t1, 0xa8a7a6a5a4a3a2a1
	li t2, 4088
	add t0, t0, t2
	sd t1, 0(t0)
	la t0, page_y
	li t1, 0xb8b7b6b5b4b3b2b1
	sd t1, 0(t0)
	TO_S
	li s2, VA_Y
	TEST_CASE(25, a0, 0xb4b3b2b1a8a7a6a5, ld a0, -4(s2))
	TEST_CASE(26, a0, 0xb1a8, lhu a0, -1(s2))
	TEST_CASE(27, a0, 0xffffffffb3b2b1a8, lw a0, -1(s2))
	TEST_CASE(28, a0, 0xb7b6b5b4b3b2b1a8, ld a0, -1(s2))
	TEST_CASE(29, a0, 0x1122334455667788, li t0, 0x1122334455667788; sd t0, -3(s2); ld a0, -3(s2))
	TEST_CASE(30, a0, 0xb8b7b61122334455, la t0, page_y; ld a0, 0(t0))
	TEST_CASE(31, a0, 0x6677, la t0, page_x; li t1, 4094; add t0, t0, t1; lhu a0, 0(t0))
	/* into the unmapped page: a page fault, whichever tval */
	li s3, VA_Z
	li TESTNUM, 32
	EXPECT_CAUSE(CAUSE_LOAD_PAGE)
	ld a0, -4(s3)
	CHECK_TRAPPED
	TRAP_FIELD(a0, trap_m, TI_TVAL)
	addi t0, s3, -4
	beq a0, t0, 1f
	CHECK_EQ(a0, s3)
1:	li TESTNUM, 33
	EXPECT_CAUSE(CAUSE_STORE_PAGE)
	sw a0, -2(s3)
	CHECK_TRAPPED
	TRAP_FIELD(a0, trap_m, TI_TVAL)
	addi t0, s3, -2
	beq a0, t0, 1f
	CHECK_EQ(a0, s3)
1:	TO_M
TEST_END

	.data
	.align 4
buf:	.byte 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07
	.byte 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
	.byte 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17
sbuf:	.skip 32
	.align 12
page_y:	.skip 4096
page_x:	.skip 4096
