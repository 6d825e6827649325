# Instruction fetch under Sv39 for a 32-bit instruction that straddles two
# pages: it runs when both halves are mapped (the pages not physically
# adjacent, so each half is translated on its own); when the second page
# is invalid or not executable the fetch page fault has epc = the start of
# the instruction and tval = the start of the second page (the part that
# faulted); 16-bit instructions before the page end still run; remapping
# a code page and sfence.vma makes the new page's code run.
#include "test.h"

#define VA_P1 0x40000000
#define VA_P2 0x40001000

#define MAP(va, pa, flags)                                                \
	li a0, va;                                                        \
	la a1, pa;                                                        \
	li a2, flags;                                                     \
	li a3, 0;                                                         \
	call pt_map

TEST_BEGIN
	VM_IDENTITY
	MAP(VA_P1, code_p1, PTE_V | PTE_R | PTE_X | PTE_A)
	la t0, pte_p1
	sd a0, 0(t0)
	MAP(VA_P2, code_p2, PTE_V | PTE_R | PTE_X | PTE_A)
	la t0, pte_p2
	sd a0, 0(t0)
	VM_ON
	TO_S
	li s0, VA_P1 + 0xffe
	li s1, VA_P1 + 0xffc
	TEST_CASE(1, a0, 5, li a0, 0; jalr s0)
	/* a 16-bit c.li at 0xffc, then the straddling one */
	TEST_CASE(2, a0, 5, li a0, 0; jalr s1)

	/* second page invalid */
	la s2, pte_p2
	ld s2, 0(s2)
	ld s3, 0(s2)
	sd zero, 0(s2)
	sfence.vma
	li TESTNUM, 3
	EXPECT_TRAP_AT(CAUSE_FETCH_PAGE, VA_P2, 1f)
	jalr s0
	j fail
1:	CHECK_TRAPPED
	TEST_CASE(4, a0, VA_P1 + 0xffe, TRAP_FIELD(a0, trap_m, TI_EPC))
	/* second page readable but not executable */
	andi t0, s3, ~PTE_X
	sd t0, 0(s2)
	sfence.vma
	li TESTNUM, 5
	EXPECT_TRAP_AT(CAUSE_FETCH_PAGE, VA_P2, 1f)
	jalr s0
	j fail
1:	CHECK_TRAPPED
	TEST_CASE(6, a0, VA_P1 + 0xffe, TRAP_FIELD(a0, trap_m, TI_EPC))
	/* executable again: runs */
	sd s3, 0(s2)
	sfence.vma
	TEST_CASE(7, a0, 5, li a0, 0; jalr s0)
	/* 16-bit instructions just before the page end run; the fault
	 * comes with the straddling one */
	sd zero, 0(s2)
	sfence.vma
	li s4, VA_P1 + 0xffa
	li TESTNUM, 8
	EXPECT_TRAP_AT(CAUSE_FETCH_PAGE, VA_P2, 1f)
	li a0, 0
	jalr s4                 /* c.li a0, 9 at 0xffa, c.li a0, 7 at 0xffc */
	j fail
1:	CHECK_TRAPPED
	CHECK(a0, 7)

	/* the code page remapped to other code: after sfence.vma the new
	 * instructions run (no fence.i needed: memory did not change) */
	sd s3, 0(s2)
	la s5, pte_p1
	ld s5, 0(s5)
	li s6, VA_P1 + 0x100
	TEST_CASE(9, a0, 0x11, jalr s6)
	TEST_CASE(10, a0, 0x11, jalr s6)
	la t0, code_p3
	srli t0, t0, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_R | PTE_X | PTE_A
	sd t0, 0(s5)
	sfence.vma
	TEST_CASE(11, a0, 0x33, jalr s6)
	TO_M
TEST_END

	.data
pte_p1:	.dword 0
pte_p2:	.dword 0

	/* code_p1: ... c.li a0, 9 @ffa; c.li a0, 7 @ffc; addi a0, zero, 5 low half @ffe
	 * code_p2: addi's high half @0; ret @2 (an unrelated page lies between) */
	.text
	.option push
	.option norvc
	.align 12
code_p1:
	.skip 0x100
	li a0, 0x11
	ret
	.skip 0xffa - 0x100 - 8
	.half 0x4525            /* c.li a0, 9 */
	.half 0x451d            /* c.li a0, 7 */
	.half 0x0513            /* addi a0, zero, 5 = 0x00500513: low half */
	.align 12
	.skip 4096              /* keep code_p2 away from code_p1 */
code_p2:
	.half 0x0050            /* high half */
	ret
	.align 12
code_p3:                        /* what VA_P1 + 0x100 maps to later */
	.skip 0x100
	li a0, 0x33
	ret
	.align 12
	.option pop
