# RV64I control transfer: beq bne blt bge bltu bgeu (taken, not taken,
# forward, backward, signed vs unsigned), jal and jalr (link value, offset,
# rd == rs1, rd = x0), and jalr clearing bit 0 of the target: with C
# present no reachable target is misaligned, so cause 0 cannot happen and
# this is what stands in for it.  Uncompressed encodings only.
#include "test.h"

/* Branch test: a0 = 1 when taken, 0 when not. */
#define TEST_BR(n, op, taken, v1, v2)                                     \
	TEST_CASE(n, a0, taken, li a1, v1; li a2, v2; li a0, 1;           \
		  op a1, a2, 1f; li a0, 0; 1:)

TEST_BEGIN
	.option norvc
	TEST_BR(1, beq, 1, 5, 5)
	TEST_BR(2, beq, 0, 5, 6)
	TEST_BR(3, beq, 0, 0, 0x8000000000000000)
	TEST_BR(4, bne, 1, 5, 6)
	TEST_BR(5, bne, 0, -1, -1)
	TEST_BR(6, blt, 1, -1, 0)
	TEST_BR(7, blt, 0, 0, -1)
	TEST_BR(8, blt, 0, 3, 3)
	TEST_BR(9, blt, 1, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_BR(10, bge, 1, 3, 3)
	TEST_BR(11, bge, 1, 0, -1)
	TEST_BR(12, bge, 0, -1, 0)
	TEST_BR(13, bltu, 0, -1, 0)
	TEST_BR(14, bltu, 1, 0, -1)
	TEST_BR(15, bltu, 0, 4, 4)
	TEST_BR(16, bgeu, 1, -1, 0)
	TEST_BR(17, bgeu, 0, 0, -1)
	TEST_BR(18, bgeu, 1, 4, 4)

	/* backward branch loop: count down */
	TEST_CASE(19, a1, 10, li a0, 10; li a1, 0; 1: addi a1, a1, 1; addi a0, a0, -1; bnez a0, 1b)

	/* jal: link = address of the next instruction */
	TEST_CASE(20, a0, 0, la a1, 2f; jal ra, 1f; 2: j fail; 1: sub a0, ra, a1)
	TEST_CASE(21, a0, 0, li a0, 0; jal x0, 1f; li a0, 1; 1:)
	/* jal backward */
	TEST_CASE(22, a0, 3, li a0, 0; j 2f; 1: addi a0, a0, 2; j 3f; 2: addi a0, a0, 1; jal x0, 1b; 3:)

	/* jalr with offset, link value */
	TEST_CASE(23, a0, 0, la a1, 1f; addi a1, a1, -16; la a2, 2f; jalr t0, 16(a1); 2: j fail; 1: sub a0, t0, a2)
	TEST_CASE(24, a0, 0, la a1, 1f; addi a1, a1, 16; jalr x0, -16(a1); j fail; 1: li a0, 0)
	/* rd == rs1: the target uses the old value */
	TEST_CASE(25, a0, 0, la a1, 1f; la a2, 2f; jalr a1, 0(a1); 2: j fail; 1: sub a0, a1, a2)
	/* jalr clears bit 0 of the target (no trap) */
	TEST_CASE(26, a0, 7, li a0, 0; la a1, 1f; addi a1, a1, 1; jalr t0, 0(a1); j fail; 1: li a0, 7)
	TEST_CASE(27, a0, 7, li a0, 0; la a1, 1f; jalr t0, 1(a1); j fail; 1: li a0, 7)
	TEST_CASE(28, a0, 7, li a0, 0; la a1, 1f; addi a1, a1, 2; jalr t0, -1(a1); j fail; 1: li a0, 7)

	/* call/ret through a subroutine */
	TEST_CASE(29, a0, 12, li a0, 5; call add7)
TEST_END

add7:	addi a0, a0, 7
	ret
