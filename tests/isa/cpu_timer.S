# The CLINT and the hart's timer: mtime runs, a timer interrupt wakes WFI,
# mip.MTIP follows mtime >= mtimecmp both ways, a write of msip raises a
# machine software interrupt and clearing it drops MSIP, WFI with an
# interrupt pending but globally disabled goes on, and the time CSR
# follows mtime.
#include "test.h"

#define WAIT_TAKEN                                                        \
	la t5, trap_m;                                                    \
	ld t5, TI_XCAUSE(t5);                                             \
	li t6, -1

TEST_BEGIN
	li s0, CLINT_MTIME
	li s1, CLINT_MTIMECMP
	li s2, CLINT_MSIP
	li t0, -1
	sd t0, 0(s1)

	/* mtime runs */
	li TESTNUM, 1
	ld a1, 0(s0)
	li t0, 20000
1:	addi t0, t0, -1
	bnez t0, 1b
	ld a2, 0(s0)
	bgeu a1, a2, fail

	/* a timer interrupt ends WFI */
	li TESTNUM, 2
	EXPECT_CAUSE(IRQ_MTI)
	ld t1, 0(s0)
	addi t1, t1, 1000
	sd t1, 0(s1)
	li t0, MIP_MTIP
	csrs mie, t0
	csrs mstatus, MSTATUS_MIE
2:	wfi
	WAIT_TAKEN
	bne t5, t6, 2b
	csrc mstatus, MSTATUS_MIE
	/* MTIP is still pending (the handler only masked it) */
	TEST_CASE(3, a0, MIP_MTIP, csrr a0, mip; andi a0, a0, MIP_MTIP)
	/* a compare in the future drops it */
	TEST_CASE(4, a0, 0, li t0, -1; sd t0, 0(s1); csrr a0, mip; andi a0, a0, MIP_MTIP)
	/* ... and one in the past raises it again */
	TEST_CASE(5, a0, MIP_MTIP, sd zero, 0(s1); csrr a0, mip; andi a0, a0, MIP_MTIP)
	li t0, -1
	sd t0, 0(s1)

	/* machine software interrupt through msip */
	li TESTNUM, 6
	EXPECT_CAUSE(IRQ_MSI)
	csrs mie, MIP_MSIP
	csrs mstatus, MSTATUS_MIE
	li t0, 1
	sw t0, 0(s2)
3:	WAIT_TAKEN /* QEMU takes it a few instructions late: wait for it */
	bne t5, t6, 3b
	csrc mstatus, MSTATUS_MIE
	TEST_CASE(7, a0, 1, lw a0, 0(s2))
	TEST_CASE(8, a0, MIP_MSIP, csrr a0, mip; andi a0, a0, MIP_MSIP)
	TEST_CASE(9, a0, 0, sw zero, 0(s2); csrr a0, mip; andi a0, a0, MIP_MSIP)

	/* WFI with an enabled interrupt pending but MIE = 0: goes on, no trap */
	li TESTNUM, 10
	csrs mie, MIP_MSIP
	li t0, 1
	sw t0, 0(s2)
	wfi
	sw zero, 0(s2)
	csrc mie, MIP_MSIP

	/* the time CSR reads mtime (QEMU's spike machine has no time CSR) */
	li TESTNUM, 11
	ON_QEMU(a0)
	bnez a0, 4f
	ld a1, 0(s0)
	rdtime a2
	ld a3, 0(s0)
	bltu a2, a1, fail
	bltu a3, a2, fail
4:
TEST_END
