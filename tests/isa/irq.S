# Interrupts through the CLINT (msip 0x0200_0000, mtimecmp 0x0200_4000,
# mtime 0x0200_BFF8): mtime and the time CSR advance together; msip and
# mtimecmp drive mip.MSIP / mip.MTIP; taken only when enabled in mie and
# (in M) mstatus.MIE; priority MSI over MTI and, delegated, SEI > SSI >
# STI; mip.STIP/SEIP written by M reach S, but not writable from S, and
# MTIP/MSIP are not writable at all; WFI wakes on a pending enabled
# interrupt even with MIE = 0, and with MIE = 1 the trap's epc is the
# instruction after the wfi; the timer interrupts U mode, and a loop that
# only jumps to itself.
#include "test.h"

#define TIMER_IN(delta)                                                   \
	li t0, CLINT_MTIME;                                               \
	ld t1, 0(t0);                                                     \
	li t2, delta;                                                     \
	add t1, t1, t2;                                                   \
	li t0, CLINT_MTIMECMP;                                            \
	sd t1, 0(t0)
#define TIMER_OFF                                                         \
	li t0, CLINT_MTIMECMP;                                            \
	li t1, -1;                                                        \
	sd t1, 0(t0)
#define MSIP(v)                                                           \
	li t0, CLINT_MSIP;                                                \
	li t1, v;                                                         \
	sw t1, 0(t0)

TEST_BEGIN
	TIMER_OFF
	MSIP(0)

	/* mtime advances; time CSR follows it */
	li TESTNUM, 1
	li s0, CLINT_MTIME
	ld s1, 0(s0)
	li t0, 100000
1:	addi t0, t0, -1
	bnez t0, 1b
	ON_QEMU(s5)
	bnez s5, 2f              /* QEMU's spike machine has no time CSR */
	rdtime s2
2:	ld s3, 0(s0)
	bgeu s1, s3, fail        /* mtime did not advance */
	bnez s5, 3f
	TEST_CASE(2, a0, 1, sltu a0, s2, s1; xori a0, a0, 1)   /* s1 <= time */
	TEST_CASE(3, a0, 1, sltu a0, s3, s2; xori a0, a0, 1)   /* time <= s3 */
3:
	/* mtimecmp is 64-bit read/write */
	TEST_CASE(4, a0, 0x123456789abc, li t0, CLINT_MTIMECMP; li t1, 0x123456789abc; sd t1, 0(t0); ld a0, 0(t0))
	TIMER_OFF

	/* msip -> mip.MSIP, not taken with mie.MSIE = 0 */
	TEST_CASE(5, a0, MIP_MSIP, MSIP(1); csrs mstatus, MSTATUS_MIE; nop; nop; csrr a0, mip; andi a0, a0, MIP_MSIP)
	TEST_CASE(6, a0, 1, li t0, CLINT_MSIP; lw a0, 0(t0))
	TEST_CASE(7, a0, 0, MSIP(0); csrr a0, mip; andi a0, a0, MIP_MSIP)
	csrc mstatus, MSTATUS_MIE

	/* mie.MSIE = 1 but mstatus.MIE = 0 in M: not taken */
	li TESTNUM, 8
	li t0, MIP_MSIP
	csrs mie, t0
	MSIP(1)
	li t0, 1000
1:	addi t0, t0, -1
	bnez t0, 1b
	/* now enable: taken at once */
	li TESTNUM, 9
	EXPECT_CAUSE(IRQ_MSI)
	csrs mstatus, MSTATUS_MIE
	WAIT_TRAPPED
	csrc mstatus, MSTATUS_MIE
	MSIP(0)
	TEST_CASE(10, a0, IRQ_MSI, csrr a0, mcause)
	/* the handler masked mie.MSIE */
	TEST_CASE(11, a0, 0, csrr a0, mie)

	/* timer: MTIP pending when mtime >= mtimecmp, cleared by a new compare */
	li TESTNUM, 12
	TIMER_IN(1000)          /* 100 us */
	li t3, 10000000
1:	csrr a0, mip
	andi a0, a0, MIP_MTIP
	bnez a0, 2f
	addi t3, t3, -1
	bnez t3, 1b
	j fail
2:	TIMER_OFF
	TEST_CASE(13, a0, 0, csrr a0, mip; andi a0, a0, MIP_MTIP)
	/* taken when enabled */
	li TESTNUM, 14
	li t0, MIP_MTIP
	csrs mie, t0
	EXPECT_CAUSE(IRQ_MTI)
	csrs mstatus, MSTATUS_MIE
	TIMER_IN(1000)
	WAIT_TRAPPED
	csrc mstatus, MSTATUS_MIE
	TIMER_OFF

	/* priority: MSI before MTI when both are pending */
	li TESTNUM, 15
	TIMER_IN(0)
	MSIP(1)
	li t0, MIP_MSIP | MIP_MTIP
	csrs mie, t0
	li t3, 1000000            /* wait until both show in mip */
1:	csrr a0, mip
	andi a0, a0, MIP_MSIP | MIP_MTIP
	addi a0, a0, -(MIP_MSIP | MIP_MTIP)
	beqz a0, 2f
	addi t3, t3, -1
	bnez t3, 1b
	j fail
2:	EXPECT_IRQ_NOIE(trap_m, IRQ_MSI)
	csrs mstatus, MSTATUS_MIE
	nop
	CHECK_TRAPPED
	li TESTNUM, 16
	EXPECT_CAUSE(IRQ_MTI)
	csrs mstatus, MSTATUS_MIE
	nop
	CHECK_TRAPPED
	csrc mstatus, MSTATUS_MIE
	MSIP(0)
	TIMER_OFF
	csrw mie, zero

	/* WFI with MIE = 0 wakes on a pending enabled interrupt, no trap */
	li TESTNUM, 17
	TRAP_FIELD(s1, trap_m, TI_COUNT)
	li t0, MIP_MTIP
	csrs mie, t0
	TIMER_IN(20000)          /* 2 ms */
1:	wfi
	csrr a0, mip
	andi a0, a0, MIP_MTIP
	beqz a0, 1b             /* a spurious wake-up is allowed: wait again */
	TRAP_FIELD(s2, trap_m, TI_COUNT)
	CHECK_EQ(s1, s2)
	/* WFI with MIE = 1: the trap's epc is after the wfi */
	li TESTNUM, 18
	TIMER_IN(20000)
	la s0, 1f
	EXPECT_CAUSE(IRQ_MTI)
	csrs mstatus, MSTATUS_MIE
	.option push
	.option norvc
	wfi
1:	.option pop
	WAIT_TRAPPED
	csrc mstatus, MSTATUS_MIE
	TRAP_FIELD(a0, trap_m, TI_EPC)
	CHECK_EQ(a0, s0)
	TIMER_OFF
	csrw mie, zero

	/* the M timer interrupts U mode (MIE is irrelevant below M) */
	li t0, MIP_MTIP
	csrs mie, t0
	li TESTNUM, 19
	TIMER_IN(1000)          /* MIE = 0: not taken here in M */
	EXPECT_CAUSE(IRQ_MTI)
	TO_U
	WAIT_TRAPPED
	TO_M
	TIMER_OFF
	csrw mie, zero

	/* mip.MTIP and MSIP follow the CLINT only: csr writes do nothing */
	TIMER_OFF
	MSIP(0)
	TEST_CASE(27, a0, 0, li t0, MIP_MTIP | MIP_MSIP; csrs mip, t0; csrr a0, mip; and a0, a0, t0)
	/* from S, sip.STIP and SEIP are read-only (SSIP is writable) */
	li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
	csrw mideleg, t0
	TO_S
	TEST_CASE(28, a0, MIP_SSIP, li t0, MIP_SSIP | MIP_STIP | MIP_SEIP; csrs sip, t0; csrr a0, sip; and a0, a0, t0)
	csrc sip, MIP_SSIP
	TO_M
	csrw mideleg, zero

	/* a timer interrupt ends a loop that only jumps to itself (32-bit and
	 * compressed), in M and in U */
	li t0, MIP_MTIP
	csrw mie, t0
	li TESTNUM, 25
	EXPECT_CAUSE_AT(IRQ_MTI, 2f)
	TIMER_IN(2000)
	csrs mstatus, MSTATUS_MIE
	.option push
	.option norvc
1:	j 1b
	.option pop
2:	csrc mstatus, MSTATUS_MIE
	CHECK_TRAPPED
	li t0, MIP_MTIP
	csrw mie, t0
	li TESTNUM, 26
	EXPECT_CAUSE_AT(IRQ_MTI, 2f)
	TIMER_IN(2000)
	TO_U
1:	c.j 1b
2:	TO_M
	CHECK_TRAPPED
	TIMER_OFF
	csrw mie, zero

	/* M writes mip.STIP / SEIP / SSIP; delegated, S takes them, SEI > SSI > STI */
	li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
	csrw mideleg, t0
	csrs mip, t0
	TEST_CASE(20, a0, MIP_SSIP | MIP_STIP | MIP_SEIP, csrr a0, mip; andi a0, a0, MIP_SSIP | MIP_STIP | MIP_SEIP)
	csrs mie, t0
	/* QEMU 7.2 takes SSI before SEI (the spec orders SEI first) */
	bnez s5, 1f
	TO_S
	li TESTNUM, 21
	EXPECT_IRQ_NOIE(trap_s, IRQ_SEI)
	csrs sstatus, MSTATUS_SIE
	nop
	SCHECK_TRAPPED
	TO_M
1:	li t0, MIP_SEIP
	csrc mip, t0
	TO_S
	li TESTNUM, 22
	EXPECT_IRQ_NOIE(trap_s, IRQ_SSI)
	csrs sstatus, MSTATUS_SIE
	nop
	SCHECK_TRAPPED
	csrc sip, MIP_SSIP
	li TESTNUM, 23
	SEXPECT_CAUSE(IRQ_STI)
	csrs sstatus, MSTATUS_SIE
	nop
	SCHECK_TRAPPED
	csrc sstatus, MSTATUS_SIE
	TO_M
	li t0, MIP_STIP
	csrc mip, t0
	TEST_CASE(24, a0, 0, csrr a0, mip; andi a0, a0, MIP_SSIP | MIP_STIP | MIP_SEIP)
	csrw mie, zero
	csrw mideleg, zero
TEST_END
