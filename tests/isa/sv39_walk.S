# The Sv39 page-table walk itself: a fetch sets A in the leaf (and leaves
# D alone); A and D are set on 2 MiB and 1 GiB leaves too; a walk that
# reads a PTE from a physical address nothing answers raises an access
# fault of the original access type (5 for a load, 7 for a store), not a
# page fault, whether the bad pointer is satp's root or a non-leaf PTE.
#include "test.h"

#define VA_CODE 0x40000000
#define VA_2M   0x40200000
#define VA_1G   0x100000000
#define VA_BAD  0x40400000   /* its level-0 table pointer is PA 0 */

TEST_BEGIN
	VM_IDENTITY
	li a0, VA_CODE
	la a1, code_page
	li a2, PTE_V | PTE_R | PTE_X           /* no A */
	li a3, 0
	call pt_map
	la t0, pte_code
	sd a0, 0(t0)
	li a0, VA_2M
	li a1, 0x80200000
	li a2, PTE_V | PTE_R | PTE_W           /* no A, no D */
	li a3, 1
	call pt_map
	la t0, pte_2m
	sd a0, 0(t0)
	li a0, VA_1G
	li a1, RAM_BASE
	li a2, PTE_V | PTE_R | PTE_W           /* no A, no D */
	li a3, 2
	call pt_map
	la t0, pte_1g
	sd a0, 0(t0)
	/* a level-1 entry for VA_BAD that points at physical page 0 */
	li a0, VA_BAD
	li a1, 0
	li a2, PTE_V
	li a3, 1
	call pt_map
	VM_ON
	TO_S

	/* fetch sets A, not D */
	la s0, pte_code
	ld s0, 0(s0)
	TEST_CASE(1, a0, 0, ld a0, 0(s0); andi a0, a0, PTE_A | PTE_D)
	TEST_CASE(2, a0, 42, li t0, VA_CODE; jalr t0)
	TEST_CASE(3, a0, PTE_A, ld a0, 0(s0); andi a0, a0, PTE_A | PTE_D)
	/* 2 MiB leaf: load sets A, store sets D */
	la s1, pte_2m
	ld s1, 0(s1)
	li s2, VA_2M
	TEST_CASE(4, a0, PTE_A, ld zero, 0x100(s2); ld a0, 0(s1); andi a0, a0, PTE_A | PTE_D)
	TEST_CASE(5, a0, PTE_A | PTE_D, sd zero, 0x100(s2); ld a0, 0(s1); andi a0, a0, PTE_A | PTE_D)
	/* 1 GiB leaf: a store sets both */
	la s3, pte_1g
	ld s3, 0(s3)
	li s4, VA_1G
	la t0, scratch
	li t1, RAM_BASE
	sub t0, t0, t1
	add s4, s4, t0
	TEST_CASE(6, a0, PTE_A | PTE_D, sd zero, 0(s4); ld a0, 0(s3); andi a0, a0, PTE_A | PTE_D)

	/* a non-leaf PTE pointing at nothing: access fault of the access
	 * type (QEMU 7.2 raises a page fault: accepted only there) */
	ON_QEMU(s7)
	slli s7, s7, 3             /* 8 on QEMU: 5 -> 13, 7 -> 15 */
	li s5, VA_BAD
	li TESTNUM, 7
	addi s8, s7, CAUSE_LOAD_ACCESS
	addi s9, s5, 8
	EXPECT_ARM_RR(trap_m, s8, s9, 1)
	ld a0, 8(s5)
	CHECK_TRAPPED
	li TESTNUM, 8
	addi s8, s7, CAUSE_STORE_ACCESS
	EXPECT_ARM_RR(trap_m, s8, s5, 1)
	sd a0, 0(s5)
	CHECK_TRAPPED
	TO_M

	/* satp's root at physical 0: from M with MPRV and MPP = S */
	li t0, SATP_SV39           /* root PPN 0 */
	csrw satp, t0
	sfence.vma
	li s6, 0x40000000
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li TESTNUM, 9
	addi s8, s7, CAUSE_LOAD_ACCESS
	EXPECT_ARM_RR(trap_m, s8, s6, 1)          /* armed before MPRV */
	li t0, MSTATUS_MPRV | (1 << 11)
	csrs mstatus, t0
	ld a0, 0(s6)
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	CHECK_TRAPPED
	li TESTNUM, 10
	addi s8, s7, CAUSE_STORE_ACCESS
	EXPECT_ARM_RR(trap_m, s8, s6, 1)
	li t0, MSTATUS_MPRV | (1 << 11)
	csrs mstatus, t0
	sd a0, 0(s6)
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	CHECK_TRAPPED
	VM_OFF
TEST_END

	.data
pte_code: .dword 0
pte_2m:	.dword 0
pte_1g:	.dword 0
scratch: .dword 0
	.text
	.align 12
code_page:
	li a0, 42
	ret
	.align 12
