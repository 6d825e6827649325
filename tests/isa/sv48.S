# Sv48 (optional in rvcp): a satp write with mode 9 either is ignored as a
# whole (Sv48 not implemented: satp keeps its value) or, when it reads
# back, four-level translation works: 4K leaves at addresses only Sv48
# reaches (bit 39 set, the top of the lower half, the bottom of the upper
# half), a 1G leaf, and non-canonical addresses (bit 48 != bit 47) fault.
#include "test.h"

#define VA_A 0x0000008000000000
#define VA_B 0x00007ffffffff000
#define VA_C 0xffff800000000000

#define MAP4K(va, pa)                                                     \
	li a0, va;                                                        \
	la a1, pa;                                                        \
	li a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;                     \
	li a3, 0;                                                         \
	call pt_map

TEST_BEGIN
	PT_SV48
	VM_IDENTITY
	MAP4K(VA_A, page_a)
	MAP4K(VA_B, page_b)
	MAP4K(VA_C, page_a)
	csrw satp, zero
	VM_ON_SV48
	csrr s1, satp
	srli t0, s1, 60
	li t1, 9
	beq t0, t1, sv48
	/* not implemented: the write was ignored */
	TEST_CASE(1, s1, 0, mv s1, s1)
	j done

sv48:
	la s0, page_a
	la s2, page_b
	li t0, 0x4848
	sd t0, 0x10(s0)
	li t0, 0x8484
	sd t0, 0x18(s2)
	TO_S
	TEST_CASE(2, a0, 0x4848, li t0, VA_A; ld a0, 0x10(t0))
	TEST_CASE(3, a0, 0x8484, li t0, VA_B; ld a0, 0x18(t0))
	TEST_CASE(4, a0, 0x4848, li t0, VA_C; ld a0, 0x10(t0))
	TEST_CASE(5, a0, 0x77, li t0, VA_C; li t1, 0x77; sd t1, 0x20(t0); ld a0, 0x20(s0))
	/* canonical in Sv48 needs bits 63:48 = bit 47 */
	li s3, 0x0001000000000000
	TEST_TRAP(6, CAUSE_LOAD_PAGE, 0x0001000000000000, ld a0, 0(s3))
	li s3, 0xfffe800000000000
	TEST_TRAP(7, CAUSE_STORE_PAGE, 0xfffe800000000000, sd a0, 0(s3))
	/* mapped nowhere but canonical: page fault too */
	li s3, 0x0000400000000000
	TEST_TRAP(8, CAUSE_LOAD_PAGE, 0x0000400000000000, ld a0, 0(s3))
	TO_M
	VM_OFF
done:
TEST_END

	.data
	.align 12
page_a:	.skip 4096
page_b:	.skip 4096
