# Zifencei and fences: fence (all forms), fence.tso, fence.i making a
# store to code visible to fetch -- the code runs first (so any decode or
# translation cache holds the old version), is rewritten with 32-bit and
# 16-bit stores, then runs again after fence.i.
#include "test.h"
TEST_BEGIN
	TEST_CASE(1, a0, 1, li a0, 1; fence; fence rw, rw; fence r, w; fence w, r; fence iorw, iorw; fence i, o; fence.tso)
	/* patchme returns 1; rewrite its first instruction to li a0, 2 */
	TEST_CASE(2, a0, 1, call patchme)
	TEST_CASE(3, a0, 1, call patchme)
	la s0, patchme
	li t0, 0x00200513       /* addi a0, zero, 2 */
	sw t0, 0(s0)
	fence.i
	TEST_CASE(4, a0, 2, call patchme)
	/* again, in halves: addi a0, zero, 0x7f */
	li t0, 0x0513
	sh t0, 0(s0)
	li t0, 0x07f0
	sh t0, 2(s0)
	fence.i
	TEST_CASE(5, a0, 0x7f, call patchme)
	/* a compressed instruction replaced by another: c.li a0, 5 -> c.li a0, 9 */
	TEST_CASE(6, a0, 5, call cpatch)
	la s0, cpatch
	li t0, 0x4525           /* c.li a0, 9 */
	sh t0, 0(s0)
	fence.i
	TEST_CASE(7, a0, 9, call cpatch)
	/* patch code in a loop that already ran many times */
	li s1, 0
	li s2, 0
1:	call patchme2
	add s2, s2, a0
	addi s1, s1, 1
	li t0, 50
	bne s1, t0, 2f
	la s0, patchme2
	li t0, 0x00300513       /* addi a0, zero, 3 */
	sw t0, 0(s0)
	fence.i
2:	li t0, 100
	bne s1, t0, 1b
	TEST_CASE(8, s2, 50 * 1 + 50 * 3, mv s2, s2)
TEST_END

	.option push
	.option norvc
	.align 2
patchme:
	li a0, 1
	ret
patchme2:
	li a0, 1
	ret
	.option pop
	.option push
	.option rvc
cpatch:
	c.li a0, 5
	ret
	.option pop
