# Sv39 permission faults, each with cause 12 / 13 / 15 and tval = the
# faulting virtual address: store to a read-only page, W without R
# (reserved), execute-only pages (load faults unless mstatus.MXR), fetch
# from a non-X page, V = 0, reserved PTE bits, a pointer PTE at the last
# level, a misaligned 2 MiB superpage, a non-canonical address; U pages
# from S (faults unless SUM, and never executable by S); S pages from U
# (load, store and fetch); MXR for U on a U execute-only page; page
# faults delegated to S (scause, stval).
#include "test.h"

#define VA_RO    0x40000000
#define VA_WO    0x40001000
#define VA_XO    0x40002000
#define VA_UP    0x40003000
#define VA_INV   0x40004000
#define VA_NX    0x40005000
#define VA_RSV   0x40006000
#define VA_PTR   0x40007000
#define VA_UXO   0x40008000
#define VA_2MBAD 0x40200000

#define MAP4K(va, flags)                                                  \
	li a0, va;                                                        \
	la a1, page_data;                                                 \
	li a2, flags;                                                     \
	li a3, 0;                                                         \
	call pt_map

TEST_BEGIN
	VM_IDENTITY
	VM_USER_ALIAS
	MAP4K(VA_RO, PTE_V | PTE_R | PTE_A | PTE_D)
	MAP4K(VA_WO, PTE_V | PTE_W | PTE_A | PTE_D)
	MAP4K(VA_XO, PTE_V | PTE_X | PTE_A)
	MAP4K(VA_UP, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
	MAP4K(VA_INV, PTE_R | PTE_W | PTE_A | PTE_D)
	MAP4K(VA_NX, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
	/* reserved bit 60 set (bits 60:54 must be zero) */
	li a0, VA_RSV
	la a1, page_data
	li a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	li a3, 0
	call pt_map
	ld t0, 0(a0)
	li t1, 1 << 60
	or t0, t0, t1
	sd t0, 0(a0)
	MAP4K(VA_UXO, PTE_V | PTE_X | PTE_U | PTE_A)
	/* a pointer (V, no R/W/X) at level 0 */
	MAP4K(VA_PTR, PTE_V)
	/* a 2 MiB leaf whose physical address is not 2 MiB aligned */
	li a0, VA_2MBAD
	li a1, 0x80201000
	li a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	li a3, 1
	call pt_map
	sfence.vma
	VM_ON

	la s0, page_data
	li t0, 0x0dd0
	sd t0, 0(s0)
	TO_S
	/* read-only page */
	TEST_CASE(1, a0, 0x0dd0, li s1, VA_RO; ld a0, 0(s1))
	TEST_TRAP(2, CAUSE_STORE_PAGE, VA_RO + 8, sd a0, 8(s1))
	TEST_TRAP(3, CAUSE_STORE_PAGE, VA_RO, amoadd.d a0, a0, (s1))
	/* W without R is reserved: every access faults */
	li s1, VA_WO
	TEST_TRAP(4, CAUSE_LOAD_PAGE, VA_WO, ld a0, 0(s1))
	TEST_TRAP(5, CAUSE_STORE_PAGE, VA_WO + 16, sd a0, 16(s1))
	/* execute-only: loads fault unless MXR; stores always fault */
	li s1, VA_XO
	TEST_TRAP(6, CAUSE_LOAD_PAGE, VA_XO, ld a0, 0(s1))
	li t0, MSTATUS_MXR
	csrs sstatus, t0
	TEST_CASE(7, a0, 0x0dd0, ld a0, 0(s1))
	TEST_TRAP(8, CAUSE_STORE_PAGE, VA_XO, sd a0, 0(s1))
	li t0, MSTATUS_MXR
	csrc sstatus, t0
	/* V = 0 */
	li s1, VA_INV
	TEST_TRAP(9, CAUSE_LOAD_PAGE, VA_INV + 4, lw a0, 4(s1))
	TEST_TRAP(10, CAUSE_STORE_PAGE, VA_INV, sb a0, 0(s1))
	li TESTNUM, 11
	EXPECT_TRAP_AT(CAUSE_FETCH_PAGE, VA_INV, 1f)
	jr s1
	j fail
1:	CHECK_TRAPPED
	TEST_CASE(12, a0, VA_INV, TRAP_FIELD(a0, trap_m, TI_EPC))
	/* fetch from a page without X */
	li s1, VA_NX
	li TESTNUM, 13
	EXPECT_TRAP_AT(CAUSE_FETCH_PAGE, VA_NX + 0x10, 1f)
	jalr 0x10(s1)
	j fail
1:	CHECK_TRAPPED
	/* reserved PTE bits */
	li s1, VA_RSV
	TEST_TRAP(14, CAUSE_LOAD_PAGE, VA_RSV, ld a0, 0(s1))
	/* a non-leaf PTE at level 0 */
	li s1, VA_PTR
	TEST_TRAP(15, CAUSE_LOAD_PAGE, VA_PTR + 8, ld a0, 8(s1))
	/* misaligned superpage */
	li s1, VA_2MBAD
	TEST_TRAP(16, CAUSE_LOAD_PAGE, VA_2MBAD + 0x3000, li t0, 0x3000; add t0, t0, s1; ld a0, 0(t0))
	TEST_TRAP(17, CAUSE_STORE_PAGE, VA_2MBAD, sd a0, 0(s1))
	/* non-canonical: bits 63:39 must equal bit 38 */
	li s1, 0x0000008000000000
	TEST_TRAP(18, CAUSE_LOAD_PAGE, 0x0000008000000000, ld a0, 0(s1))
	li s1, 0xfffffe0000001000
	TEST_TRAP(19, CAUSE_STORE_PAGE, 0xfffffe0000001000, sd a0, 0(s1))

	/* U page from S: faults without SUM, works with SUM, never executes */
	li s1, VA_UP
	TEST_TRAP(20, CAUSE_LOAD_PAGE, VA_UP, ld a0, 0(s1))
	TEST_TRAP(21, CAUSE_STORE_PAGE, VA_UP, sd a0, 0(s1))
	li t0, MSTATUS_SUM
	csrs sstatus, t0
	TEST_CASE(22, a0, 0x0dd0, ld a0, 0(s1))
	TEST_CASE(23, a0, 0x0dd1, li t0, 0x0dd1; sd t0, 8(s1); ld a0, 8(s1))
	/* S never executes a U page, SUM or not (QEMU 7.2 does with SUM) */
	ON_QEMU(s5)
	bnez s5, 1f
	li TESTNUM, 24
	EXPECT_TRAP_AT(CAUSE_FETCH_PAGE, VA_UP, 1f)
	jr s1
	j fail
1:	CHECK_TRAPPED
	li t0, MSTATUS_SUM
	csrc sstatus, t0
	/* SUM off again faults (translation caches must follow SUM) */
	TEST_TRAP(25, CAUSE_LOAD_PAGE, VA_UP + 8, ld a0, 8(s1))
	TO_M

	/* U mode, running on the USER_ALIAS mapping */
	GOTO_U_ALIAS(umode)
umode:
	TEST_CASE(26, a0, 0x0dd0, li s1, VA_UP; ld a0, 0(s1))
	/* the S identity mapping has no U bit */
	la s2, page_data          /* alias address here */
	li t0, ALIAS_OFF
	sub s2, s2, t0            /* the identity address */
	TEST_TRAP_R(27, CAUSE_LOAD_PAGE, s2, ld a0, 0(s2))
	TEST_TRAP_R(28, CAUSE_STORE_PAGE, s2, sd a0, 0(s2))
	la s3, 2f
	sub s3, s3, t0
	li TESTNUM, 29
	la t0, 1f
	la t5, trap_m
	sd s3, TI_XTVAL(t5)
	sd t0, TI_RESUME(t5)
	li t6, 1
	sd t6, TI_XCHECK(t5)
	li t6, CAUSE_FETCH_PAGE
	sd t6, TI_XCAUSE(t5)
	jr s3
2:	j fail
1:	CHECK_TRAPPED
	TEST_CASE(30, a0, 0x0dd1, li s1, VA_UP; ld a0, 8(s1))
	/* a U execute-only page: U loads fault unless MXR */
	li s1, VA_UXO
	TEST_TRAP(37, CAUSE_LOAD_PAGE, VA_UXO, ld a0, 0(s1))
	TO_M
	li t0, MSTATUS_MXR
	csrs mstatus, t0
	GOTO_U_ALIAS(umode2)
umode2:
	TEST_CASE(38, a0, 0x0dd0, li s1, VA_UXO; ld a0, 0(s1))
	TEST_TRAP(39, CAUSE_STORE_PAGE, VA_UXO, sd a0, 0(s1))
	TO_M
	li t0, MSTATUS_MXR
	csrc mstatus, t0

	/* delegated page faults: S sees scause / stval */
	li t0, (1 << CAUSE_FETCH_PAGE) | (1 << CAUSE_LOAD_PAGE) | (1 << CAUSE_STORE_PAGE)
	csrw medeleg, t0
	TO_S
	li s1, VA_RO
	STEST_TRAP(31, CAUSE_STORE_PAGE, VA_RO + 0x20, sd a0, 0x20(s1))
	TEST_CASE(32, a0, VA_RO + 0x20, csrr a0, stval)
	TEST_CASE(33, a0, CAUSE_STORE_PAGE, csrr a0, scause)
	li s1, VA_INV
	STEST_TRAP(34, CAUSE_LOAD_PAGE, VA_INV + 0x7f0, ld a0, 0x7f0(s1))
	li TESTNUM, 35
	SEXPECT_TRAP_AT(CAUSE_FETCH_PAGE, VA_NX, 1f)
	li s1, VA_NX
	jr s1
	j fail
1:	SCHECK_TRAPPED
	TEST_CASE(36, a0, VA_NX, TRAP_FIELD(a0, trap_s, TI_EPC))
	TO_M
	csrw medeleg, zero
TEST_END

	.data
	.align 12
page_data: .skip 4096
