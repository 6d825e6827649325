# Sv39 translation: 4 KiB, 2 MiB and 1 GiB leaves map the right physical
# bytes for loads and stores; hardware sets A on access and D on a store
# (DESIGN: A/D by hardware, no fault); sfence.vma (all, by address) makes
# a changed PTE visible; a satp write with an unsupported mode is ignored;
# bare mode turns translation off; M-mode with MPRV uses MPP's translation;
# the LR/SC reservation is on the physical address.
#include "test.h"

#define VA_4K   0x40000000
#define VA_AD   0x40001000
#define VA_2M   0x40200000
#define PA_2M   0x80200000
#define VA_1G   0x100000000

TEST_BEGIN
	VM_IDENTITY
	li a0, VA_4K
	la a1, page_a
	li a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	li a3, 0
	call pt_map
	la t0, pte_4k
	sd a0, 0(t0)
	li a0, VA_AD
	la a1, page_b
	li a2, PTE_V | PTE_R | PTE_W     /* no A, no D */
	li a3, 0
	call pt_map
	la t0, pte_ad
	sd a0, 0(t0)
	li a0, VA_2M
	li a1, PA_2M
	li a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	li a3, 1
	call pt_map
	li a0, VA_1G
	li a1, RAM_BASE
	li a2, PTE_ALL
	li a3, 2
	call pt_map
	VM_ON
	TO_S

	/* 4K: identity store, read through the mapping, and back */
	la s0, page_a
	li s1, VA_4K
	TEST_CASE(1, a0, 0x1122334455667788, li t0, 0x1122334455667788; sd t0, 0x40(s0); ld a0, 0x40(s1))
	TEST_CASE(2, a0, 0xabcd, li t0, 0xabcd; addi t1, s1, 0x7ff; sh t0, 0x7ff(t1); addi t1, s0, 0x7ff; lhu a0, 0x7ff(t1))
	TEST_CASE(3, a0, 0x5a, li t0, 0x5a; sb t0, 0(s1); lbu a0, 0(s0))
	/* 2M */
	li s2, PA_2M
	li s3, VA_2M
	li t1, 0x1ff000
	TEST_CASE(4, a0, 0x600d, li t0, 0x600d; add t2, s2, t1; sd t0, 0x18(t2); add t2, s3, t1; ld a0, 0x18(t2))
	TEST_CASE(5, a0, 0xfeed, li t0, 0xfeed; sd t0, 0(s3); ld a0, 0(s2))
	/* 1G: VA_1G + x maps RAM_BASE + x */
	li s4, VA_1G - RAM_BASE
	TEST_CASE(6, a0, 0x1122334455667788, add t0, s0, s4; ld a0, 0x40(t0))
	/* code runs through a 1G mapping too */
	TEST_CASE(7, a0, 99, la t0, 1f; add t0, t0, s4; li a0, 0; jr t0; j fail; 1: li a0, 99)
	la t0, 2f               /* back to the identity addresses */
	sub t0, t0, s4
	jr t0
2:

	/* A and D set by hardware */
	la s5, pte_ad
	ld s5, 0(s5)            /* address of the PTE (identity-mapped) */
	li s6, VA_AD
	TEST_CASE(8, a0, 0, ld a0, 0(s5); andi a0, a0, PTE_A | PTE_D)
	TEST_CASE(9, a0, PTE_A, ld a0, 0(s6); ld a0, 0(s5); andi a0, a0, PTE_A | PTE_D)
	TEST_CASE(10, a0, PTE_A | PTE_D, li t0, 7; sd t0, 8(s6); ld a0, 0(s5); andi a0, a0, PTE_A | PTE_D)
	TEST_CASE(11, a0, 7, la t0, page_b; ld a0, 8(t0))
	/* a store first sets both */
	TEST_CASE(12, a0, PTE_A | PTE_D, ld t0, 0(s5); andi t0, t0, ~(PTE_A | PTE_D); sd t0, 0(s5); sfence.vma;
		  sd zero, 16(s6); ld a0, 0(s5); andi a0, a0, PTE_A | PTE_D)
	/* a PTE with A set but D clear: the first store sets D (after a load cached it) */
	TEST_CASE(13, a0, PTE_A | PTE_D, ld t0, 0(s5); andi t0, t0, ~PTE_D; sd t0, 0(s5); sfence.vma;
		  ld zero, 0(s6); sd zero, 0(s6); ld a0, 0(s5); andi a0, a0, PTE_A | PTE_D)

	/* sfence.vma makes a changed PTE visible: VA_4K -> page_b */
	la s7, pte_4k
	ld s7, 0(s7)
	la t0, page_b
	li t1, 0x2b2b2b2b
	sd t1, 0x40(t0)
	TEST_CASE(14, a0, 0x1122334455667788, ld a0, 0x40(s1))
	la t0, page_b
	srli t0, t0, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	sd t0, 0(s7)
	TEST_CASE(15, a0, 0x2b2b2b2b, sfence.vma s1, zero; ld a0, 0x40(s1))
	/* and back, with a full flush */
	la t0, page_a
	srli t0, t0, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	sd t0, 0(s7)
	TEST_CASE(16, a0, 0x1122334455667788, sfence.vma; ld a0, 0x40(s1))
	/* invalidate it: V = 0 now faults */
	li t0, 0
	sd t0, 0(s7)
	sfence.vma
	TEST_TRAP(17, CAUSE_LOAD_PAGE, VA_4K + 0x40, ld a0, 0x40(s1))
	la t0, page_a
	srli t0, t0, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	sd t0, 0(s7)
	sfence.vma s1, zero

	/* satp with an unsupported mode (5, reserved) is ignored entirely */
	csrr s8, satp
	TEST_CASE(18, a0, 0, li t0, (5 << 60) | 0x1234; csrw satp, t0; csrr a0, satp; sub a0, a0, s8)
	TEST_CASE(19, a0, 0x1122334455667788, ld a0, 0x40(s1))    /* still translating */
	/* bare: VA_4K is no longer mapped (nothing there physically) */
	csrw satp, zero
	sfence.vma
	TEST_TRAP(20, CAUSE_LOAD_ACCESS, VA_4K, ld a0, 0(s1))
	csrw satp, s8
	sfence.vma
	TEST_CASE(21, a0, 0x1122334455667788, ld a0, 0x40(s1))
	/* LR/SC reserve the physical address: LR through VA_4K, SC through
	 * the identity address of the same page succeeds (QEMU reserves the
	 * virtual address, so it is not checked there) */
	ON_QEMU(t0)
	bnez t0, 1f
	TEST_CASE(27, a2, 0, addi t1, s1, 0x40; lr.d a0, (t1); addi a0, a0, 1; addi t0, s0, 0x40; sc.d a2, a0, (t0))
	TEST_CASE(28, a0, 0x1122334455667789, ld a0, 0x40(s1))
	/* and an SC to a different physical address fails */
	TEST_CASE(29, a2, 1, addi t1, s1, 0x40; lr.d a0, (t1); addi t0, s0, 0x80; sc.d a2, a0, (t0); snez a2, a2)
	li t0, 0x1122334455667788
	sd t0, 0x40(s0)
1:	TO_M

	/* M ignores satp ... */
	TEST_TRAP(22, CAUSE_LOAD_ACCESS, VA_4K, li s1, VA_4K; ld a0, 0(s1))
	/* ... unless MPRV = 1: loads and stores then use MPP's mode */
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, MSTATUS_MPRV | (1 << 11)          /* MPP = S */
	csrs mstatus, t0
	TEST_CASE(23, a0, 0x1122334455667788, li s1, VA_4K; ld a0, 0x40(s1))
	TEST_CASE(24, a0, 0x77, li t0, 0x77; sd t0, 0x48(s1); la t1, page_a; ld a0, 0x48(t1))
	/* MPP = U: the page has no U bit, so it faults.  (Arm first: with
	 * MPP = U the harness's own stores would fault too; after the trap
	 * mret leaves MPP = U, so MPRV goes off before any other access.) */
	li TESTNUM, 25
	EXPECT_TRAP(CAUSE_LOAD_PAGE, VA_4K + 0x40)
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	ld a0, 0x40(s1)
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	CHECK_TRAPPED
	/* fetches in M ignore MPRV: we are still running */
	TEST_CASE(26, a0, 1, li a0, 1)
TEST_END

	.data
pte_4k:	.dword 0
pte_ad:	.dword 0
	.align 12
page_a:	.skip 4096
page_b:	.skip 4096
