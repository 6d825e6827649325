# The harness itself (test.h): checks, expected traps with 2- and 4-byte
# skips, dropping to S and U and returning to M with an ecall.
#include "test.h"
TEST_BEGIN
	TEST_CASE(1, a0, 42, li a1, 40; addi a0, a1, 2)
	TEST_TRAP(2, CAUSE_ILLEGAL, 0, .half 0)
	TEST_TRAP_NOTVAL(7, CAUSE_ILLEGAL, unimp)
	TEST_TRAP(3, CAUSE_BREAKPOINT, 0, ebreak)
	TO_S
	TEST_TRAP_NOTVAL(4, CAUSE_ILLEGAL, csrr a0, mstatus)
	TO_M
	TO_U
	TEST_TRAP_NOTVAL(5, CAUSE_ILLEGAL, csrr a0, sstatus)
	TO_M
	TEST_CASE(6, a0, 7, li a0, 7)
TEST_END
