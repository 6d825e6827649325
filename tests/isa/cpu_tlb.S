# Sv39 as the software TLB sees it: hardware A/D updates (a read sets A
# only, the first store sets D), a PTE made read-only and flushed with
# sfence.vma faults the next store, a misaligned load across into an
# unmapped page faults on the second page, a misaligned superpage faults,
# SUM, MXR and MPRV change what loads may see, a non-executable page
# cannot be fetched from, and satp ignores an unsupported mode.
#include "test.h"

#define VA_DATA  0x40000000 /* 4K: tpage, V R W (A, D clear) */
#define VA_SUPER 0x40200000 /* 2M leaf on a 4K-aligned PA: misaligned */
#define VA_USER  0x40400000 /* 4K: tpage, U */
#define VA_XONLY 0x40600000 /* 4K: tpage, X only */

TEST_BEGIN
	VM_IDENTITY
	li a0, VA_DATA
	la a1, tpage
	li a2, PTE_V | PTE_R | PTE_W
	li a3, 0
	call pt_map
	mv s0, a0                     /* s0 = the data PTE */
	li a0, VA_SUPER
	la a1, tpage
	li a2, PTE_ALL
	li a3, 1
	call pt_map
	li a0, VA_USER
	la a1, tpage
	li a2, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
	li a3, 0
	call pt_map
	li a0, VA_XONLY
	la a1, tpage
	li a2, PTE_V | PTE_X | PTE_A
	li a3, 0
	call pt_map
	VM_ON
	TO_S

	/* a load sets A, not D */
	TEST_CASE(1, a0, 0x1122334455667788, li a1, VA_DATA; ld a0, 0(a1))
	TEST_CASE(2, a0, PTE_A, ld a0, 0(s0); andi a0, a0, PTE_A | PTE_D)
	/* a store after a load (read entry already cached) sets D */
	TEST_CASE(3, a0, PTE_A | PTE_D, li a1, VA_DATA; li a2, 5; sd a2, 8(a1); ld a0, 0(s0); andi a0, a0, PTE_A | PTE_D)
	TEST_CASE(4, a0, 5, la a1, tpage; ld a0, 8(a1))
	/* read-only now; after sfence.vma the store faults, loads still work */
	ld t0, 0(s0)
	andi t0, t0, ~PTE_W
	sd t0, 0(s0)
	sfence.vma
	TEST_TRAP(5, CAUSE_STORE_PAGE, VA_DATA + 16, li a1, VA_DATA + 16; sd a0, 0(a1))
	TEST_CASE(6, a0, 5, li a1, VA_DATA; ld a0, 8(a1))
	/* misaligned across into the unmapped next page */
	TEST_TRAP(7, CAUSE_LOAD_PAGE, VA_DATA + 0x1000, li a1, VA_DATA + 0xffc; ld a0, 0(a1))
	/* misaligned within the page works */
	TEST_CASE(8, a0, 0x0000000005112233, li a1, VA_DATA + 5; ld a0, 0(a1))
	/* misaligned superpage */
	TEST_TRAP(9, CAUSE_LOAD_PAGE, VA_SUPER + 8, li a1, VA_SUPER + 8; ld a0, 0(a1))
	/* U page from S: only with SUM */
	TEST_TRAP(10, CAUSE_LOAD_PAGE, VA_USER, li a1, VA_USER; ld a0, 0(a1))
	li t0, MSTATUS_SUM
	csrs sstatus, t0
	TEST_CASE(11, a0, 0x1122334455667788, li a1, VA_USER; ld a0, 0(a1))
	li t0, MSTATUS_SUM
	csrc sstatus, t0
	TEST_TRAP(12, CAUSE_LOAD_PAGE, VA_USER, li a1, VA_USER; ld a0, 0(a1))
	/* execute-only page: loads only with MXR */
	TEST_TRAP(13, CAUSE_LOAD_PAGE, VA_XONLY, li a1, VA_XONLY; ld a0, 0(a1))
	li t0, MSTATUS_MXR
	csrs sstatus, t0
	TEST_CASE(14, a0, 0x1122334455667788, li a1, VA_XONLY; ld a0, 0(a1))
	li t0, MSTATUS_MXR
	csrc sstatus, t0
	/* fetch from a page without X */
	li TESTNUM, 15
	EXPECT_TRAP_AT(CAUSE_FETCH_PAGE, VA_DATA, 1f)
	li t0, VA_DATA
	jr t0
1:	CHECK_TRAPPED
	/* satp: an unsupported mode leaves it as it was */
	TEST_CASE(16, a0, 0, csrr s1, satp; li t0, (5 << 60) | 1; csrw satp, t0; csrr a0, satp; sub a0, a0, s1)
	TO_M

	/* MPRV: M loads through S's translation */
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, (1 << 11) | MSTATUS_MPRV
	csrs mstatus, t0
	TEST_CASE(17, a0, 0x1122334455667788, li a1, VA_DATA; ld a0, 0(a1))
	/* MPP = U: the U page (no trap here: a trap would leave MPRV set with MPP = U) */
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	TEST_CASE(18, a0, 5, li a1, VA_USER; ld a0, 8(a1))
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	VM_OFF
TEST_END

	.data
	.align 12
tpage:	.dword 0x1122334455667788
	.dword 0
	.skip 4096 - 16
