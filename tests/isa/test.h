/* SPDX-License-Identifier: MIT */
/*
 * rvcp's bare-metal ISA test framework (assembly, included by tests/isa/*.S).
 *
 * Conventions (the HTIF ones bare-metal conformance programs use, so those
 * run unmodified on `rvcp run-elf` and on `qemu-system-riscv64 -M spike`):
 *  - entry `_start` in .text.init, everything linked at 0x8000_0000;
 *  - 64-byte aligned `tohost`/`fromhost` in section .tohost; the program
 *    stores 1 to tohost on success and (n << 1) | 1 on failure of test n.
 *
 * A test file looks like
 *
 *	#include "test.h"
 *	TEST_BEGIN
 *		TEST_CASE(1, a0, 42, li a1, 40; addi a0, a1, 2)
 *		TEST_TRAP(2, CAUSE_ILLEGAL, 0, .word 0)
 *	TEST_END
 *
 * Registers: gp holds the current test number (TESTNUM); t5 and t6 are the
 * macros' scratch registers; sp points to a small stack.  Everything else
 * is the test's own.
 *
 * Traps.  The M-mode handler (and the S-mode one, for delegated traps)
 * records cause/tval/epc/status in trap_m / trap_s (offsets TI_*).  A trap
 * nobody expected fails the current test.  EXPECT_* arms one expectation:
 * the next trap must have that cause (and tval, unless told not to check);
 * the handler then disarms it and resumes in the mode that trapped, at the
 * armed resume address or, by default, after the trapping instruction (its
 * length is read from memory; see VA_GUESS below).  Interrupts resume at
 * epc and have their enable bit cleared in mie/sie so they do not recur.
 *
 * Modes.  TO_S / TO_U continue at the next instruction in S or U mode (from
 * M only).  TO_M issues an ecall the handler answers by returning to M after
 * it.  With paging, S code runs on an identity map of RAM (no U bit) and U
 * code on an alias of RAM at USER_ALIAS (VA 0xC000_0000 = PA 0x8000_0000)
 * with the U bit set: see VM_IDENTITY, VM_USER_ALIAS, GOTO_U_ALIAS.
 *
 * Page tables: `call pt_map` with a0 = va, a1 = pa, a2 = PTE flags, a3 =
 * level (0 4K, 1 2M, 2 1G) writes a leaf in the Sv39 tree rooted at pt_root
 * (a four-level Sv48 tree after PT_SV48, where level 3 is 512G),
 * allocating tables from a pool; returns a0 = address of the leaf PTE.
 * Clobbers a0-a5, t0-t2, ra.
 */
#ifndef RVCP_ISA_TEST_H
#define RVCP_ISA_TEST_H

#define TESTNUM gp

/* exception causes */
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL          2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PAGE       12
#define CAUSE_LOAD_PAGE        13
#define CAUSE_STORE_PAGE       15
#define IRQ(n)                 ((1 << 63) | (n))
#define IRQ_SSI                IRQ(1)
#define IRQ_MSI                IRQ(3)
#define IRQ_STI                IRQ(5)
#define IRQ_MTI                IRQ(7)
#define IRQ_SEI                IRQ(9)
#define IRQ_MEI                IRQ(11)

/* mstatus */
#define MSTATUS_SIE  (1 << 1)
#define MSTATUS_MIE  (1 << 3)
#define MSTATUS_SPIE (1 << 5)
#define MSTATUS_MPIE (1 << 7)
#define MSTATUS_SPP  (1 << 8)
#define MSTATUS_MPP  (3 << 11)
#define MSTATUS_FS   (3 << 13)
#define MSTATUS_MPRV (1 << 17)
#define MSTATUS_SUM  (1 << 18)
#define MSTATUS_MXR  (1 << 19)
#define MSTATUS_TVM  (1 << 20)
#define MSTATUS_TW   (1 << 21)
#define MSTATUS_TSR  (1 << 22)

/* mip / mie */
#define MIP_SSIP (1 << 1)
#define MIP_MSIP (1 << 3)
#define MIP_STIP (1 << 5)
#define MIP_MTIP (1 << 7)
#define MIP_SEIP (1 << 9)
#define MIP_MEIP (1 << 11)

/* Sv39 PTE bits */
#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define PTE_RWX  (PTE_V | PTE_R | PTE_W | PTE_X)
#define PTE_ALL  (PTE_RWX | PTE_A | PTE_D)
#define SATP_SV39 (8 << 60)

/* CLINT (same place on rvcp, QEMU virt and QEMU spike) */
#define CLINT_MSIP     0x02000000
#define CLINT_MTIMECMP 0x02004000
#define CLINT_MTIME    0x0200bff8

#define RAM_BASE   0x80000000
#define USER_ALIAS 0xc0000000 /* VA of the U-mode alias of RAM */
#define ALIAS_OFF  (USER_ALIAS - RAM_BASE)

/* trap record layout (trap_m, trap_s) */
#define TI_XCAUSE  0  /* armed expected cause; -1 none, -2 "ecall back" */
#define TI_XTVAL   8  /* expected tval */
#define TI_XCHECK  16 /* nonzero: compare tval */
#define TI_RESUME  24 /* nonzero: resume here */
#define TI_CAUSE   32 /* last trap taken ... */
#define TI_TVAL    40
#define TI_EPC     48
#define TI_STATUS  56 /* mstatus / sstatus at trap entry */
#define TI_COUNT   64 /* number of traps taken */
#define TI_BADCAUSE 72 /* cause of an unexpected trap (for debugging) */
#define TI_NOIE    80 /* nonzero: return with xPIE = 0 (interrupts stay off) */
#define TI_SIZE    88

/* ------------------------------------------------------------------ */
/* Program structure                                                  */

#define TEST_BEGIN                                                        \
	.section .text.init, "ax", @progbits;                             \
	.globl _start;                                                    \
_start:                                                                   \
	j test_reset;                                                     \
	.text;                                                            \
	test_body:

#define TEST_END                                                          \
	j pass;                                                           \
	TEST_RUNTIME

/* Fail the current test / pass the whole program. */
#define FAIL j fail
#define PASS j pass

/* ------------------------------------------------------------------ */
/* Checks                                                             */

/* Run code, then compare reg with expected (a 64-bit constant). */
#define TEST_CASE(n, reg, expected, ...)                                  \
	li TESTNUM, n;                                                    \
	__VA_ARGS__;                                                      \
	li t6, expected;                                                  \
	beq reg, t6, 77701f;                                              \
	j fail;                                                           \
77701:

/* Register-register and register-immediate operations: a0 = a1 op a2. */
#define TEST_RR(n, op, result, v1, v2)                                    \
	TEST_CASE(n, a0, result, li a1, v1; li a2, v2; op a0, a1, a2)
#define TEST_RI(n, op, result, v1, imm)                                   \
	TEST_CASE(n, a0, result, li a1, v1; op a0, a1, imm)
/* The same with the destination equal to a source. */
#define TEST_RR_SRC1(n, op, result, v1, v2)                               \
	TEST_CASE(n, a1, result, li a1, v1; li a2, v2; op a1, a1, a2)
#define TEST_RR_SRC2(n, op, result, v1, v2)                               \
	TEST_CASE(n, a2, result, li a1, v1; li a2, v2; op a2, a1, a2)

/* Compare reg with expected now (no code, no new test number). */
#define CHECK(reg, expected)                                              \
	li t6, expected;                                                  \
	beq reg, t6, 77702f;                                              \
	j fail;                                                           \
77702:

/* Compare two registers. */
#define CHECK_EQ(r1, r2)                                                  \
	beq r1, r2, 77703f;                                               \
	j fail;                                                           \
77703:

/* Compare a doubleword in memory (at label) with expected. */
#define CHECK_MEM(label, expected)                                        \
	la t5, label;                                                     \
	ld t5, 0(t5);                                                     \
	CHECK(t5, expected)

/* Arm the M-mode trap expectation (check tval unless check == 0). */
#define EXPECT_ARM(rec, cause, tval, check)                               \
	la t5, rec;                                                       \
	li t6, tval;                                                      \
	sd t6, TI_XTVAL(t5);                                              \
	EXPECT_ARM_TAIL(cause, check)
/* The same with the expected tval in a register (not t5/t6). */
#define EXPECT_ARM_R(rec, cause, treg, check)                             \
	la t5, rec;                                                       \
	sd treg, TI_XTVAL(t5);                                            \
	EXPECT_ARM_TAIL(cause, check)
#define EXPECT_ARM_TAIL(cause, check)                                     \
	sd zero, TI_RESUME(t5);                                           \
	sd zero, TI_NOIE(t5);                                             \
	li t6, check;                                                     \
	sd t6, TI_XCHECK(t5);                                             \
	li t6, cause;                                                     \
	sd t6, TI_XCAUSE(t5)
/* The same with cause and tval in registers (not t5/t6). */
#define EXPECT_ARM_RR(rec, creg, treg, check)                             \
	la t5, rec;                                                       \
	sd treg, TI_XTVAL(t5);                                            \
	sd zero, TI_RESUME(t5);                                           \
	sd zero, TI_NOIE(t5);                                             \
	li t6, check;                                                     \
	sd t6, TI_XCHECK(t5);                                             \
	sd creg, TI_XCAUSE(t5)
#define EXPECT_ARM_AT(rec, cause, tval, check, resume)                    \
	EXPECT_ARM(rec, cause, tval, check);                              \
	la t6, resume;                                                    \
	sd t6, TI_RESUME(t5)

/* Resume after the trapping instruction. */
#define EXPECT_TRAP(cause, tval) EXPECT_ARM(trap_m, cause, tval, 1)
#define EXPECT_CAUSE(cause)      EXPECT_ARM(trap_m, cause, 0, 0)
#define EXPECT_TRAP_R(cause, treg) EXPECT_ARM_R(trap_m, cause, treg, 1)
#define SEXPECT_TRAP_R(cause, treg) EXPECT_ARM_R(trap_s, cause, treg, 1)
/* An interrupt, after which the handler returns with interrupts still off
 * (xPIE cleared), so that a second pending one waits. */
#define EXPECT_IRQ_NOIE(rec, cause)                                       \
	EXPECT_ARM(rec, cause, 0, 0);                                     \
	li t6, 1;                                                         \
	sd t6, TI_NOIE(t5)
/* Resume at label. */
#define EXPECT_TRAP_AT(cause, tval, label) EXPECT_ARM_AT(trap_m, cause, tval, 1, label)
#define EXPECT_CAUSE_AT(cause, label)      EXPECT_ARM_AT(trap_m, cause, 0, 0, label)
/* The same for the S-mode handler (delegated traps). */
#define SEXPECT_TRAP(cause, tval) EXPECT_ARM(trap_s, cause, tval, 1)
#define SEXPECT_CAUSE(cause)      EXPECT_ARM(trap_s, cause, 0, 0)
#define SEXPECT_TRAP_AT(cause, tval, label) EXPECT_ARM_AT(trap_s, cause, tval, 1, label)
#define SEXPECT_CAUSE_AT(cause, label)      EXPECT_ARM_AT(trap_s, cause, 0, 0, label)

/* Fail unless the armed expectation of rec was met (a trap happened). */
#define CHECK_TRAPPED_REC(rec)                                            \
	la t5, rec;                                                       \
	ld t5, TI_XCAUSE(t5);                                             \
	li t6, -1;                                                        \
	beq t5, t6, 77704f;                                               \
	j fail;                                                           \
77704:
#define CHECK_TRAPPED  CHECK_TRAPPED_REC(trap_m)
/*
 * Wait (a bounded number of iterations, far more than any timer in these
 * tests needs even on a loaded host) for an armed interrupt to be taken,
 * then fail if it was not.  Interrupts raised by a device store or the
 * timer may be recognised some instructions late.
 */
#define WAIT_TRAPPED_REC(rec)                                             \
	la t5, rec;                                                       \
	li t6, 50000000; /* generous: only a failing run waits it out */ \
77708:	addi t6, t6, -1;                                                  \
	beqz t6, 77709f;                                                  \
	ld t5, TI_XCAUSE(t5);                                             \
	addi t5, t5, 1;                                                   \
	beqz t5, 77709f;                                                  \
	la t5, rec;                                                       \
	j 77708b;                                                         \
77709:	CHECK_TRAPPED_REC(rec)
#define WAIT_TRAPPED  WAIT_TRAPPED_REC(trap_m)
#define SWAIT_TRAPPED WAIT_TRAPPED_REC(trap_s)
#define SCHECK_TRAPPED CHECK_TRAPPED_REC(trap_s)

/* Disarm without checking. */
#define EXPECT_NONE(rec)                                                  \
	la t5, rec;                                                       \
	li t6, -1;                                                        \
	sd t6, TI_XCAUSE(t5)

/* Test n: code must trap with cause (and tval) into M-mode. */
#define TEST_TRAP(n, cause, tval, ...)                                    \
	li TESTNUM, n;                                                    \
	EXPECT_TRAP(cause, tval);                                         \
	__VA_ARGS__;                                                      \
	CHECK_TRAPPED
/* The same with the expected tval in register treg (set beforehand). */
#define TEST_TRAP_R(n, cause, treg, ...)                                  \
	li TESTNUM, n;                                                    \
	EXPECT_TRAP_R(cause, treg);                                       \
	__VA_ARGS__;                                                      \
	CHECK_TRAPPED
#define STEST_TRAP_R(n, cause, treg, ...)                                 \
	li TESTNUM, n;                                                    \
	SEXPECT_TRAP_R(cause, treg);                                      \
	__VA_ARGS__;                                                      \
	SCHECK_TRAPPED
#define TEST_TRAP_NOTVAL(n, cause, ...)                                   \
	li TESTNUM, n;                                                    \
	EXPECT_CAUSE(cause);                                              \
	__VA_ARGS__;                                                      \
	CHECK_TRAPPED
/* Test n: code must trap with cause (and tval) into S-mode (delegated). */
#define STEST_TRAP(n, cause, tval, ...)                                   \
	li TESTNUM, n;                                                    \
	SEXPECT_TRAP(cause, tval);                                        \
	__VA_ARGS__;                                                      \
	SCHECK_TRAPPED

/* Load a field of the last trap record into reg. */
#define TRAP_FIELD(reg, rec, off)                                         \
	la reg, rec;                                                      \
	ld reg, off(reg)

/*
 * reg = 1 when running on QEMU, else 0 (any mode).  Used only where QEMU
 * departs from the privileged spec and a test must accept QEMU's answer
 * to be validated there; rvcp is always held to the spec.
 */
#define ON_QEMU(reg)                                                      \
	la reg, test_on_qemu;                                             \
	ld reg, 0(reg)
/* The probe, run once at reset in M: QEMU's marchid and mimpid both hold
 * its version (e.g. 0x070216). */
#define PROBE_QEMU(reg)                                                   \
	csrr reg, marchid;                                                \
	csrr t6, mimpid;                                                  \
	bne reg, t6, 77706f;                                              \
	srli t6, reg, 16;                                                 \
	addi t6, t6, -5;                                                  \
	sltiu reg, t6, 16;                                                \
	j 77707f;                                                         \
77706:	li reg, 0;                                                        \
77707:

/* ------------------------------------------------------------------ */
/* Privilege changes                                                  */

/* From M: continue at the next instruction in mode (0 U, 1 S). */
#define TO_MODE(mode)                                                     \
	li t5, MSTATUS_MPP;                                               \
	csrc mstatus, t5;                                                 \
	li t5, (mode) << 11;                                              \
	csrs mstatus, t5;                                                 \
	la t5, 77705f;                                                    \
	csrw mepc, t5;                                                    \
	mret;                                                             \
77705:
#define TO_S TO_MODE(1)
#define TO_U TO_MODE(0)

/* From M: continue at label in U mode, at its USER_ALIAS address. */
#define GOTO_U_ALIAS(label)                                               \
	li t5, MSTATUS_MPP;                                               \
	csrc mstatus, t5;                                                 \
	la t5, label;                                                     \
	li t6, ALIAS_OFF;                                                 \
	add t5, t5, t6;                                                   \
	csrw mepc, t5;                                                    \
	mret

/* From S or U: ecall, answered by returning to M right after it. */
#define TO_M                                                              \
	la t5, trap_m;                                                    \
	li t6, -2;                                                        \
	sd t6, TI_XCAUSE(t5);                                             \
	ecall

/* From U with ecall delegated to S: return to S right after it. */
#define TO_S_FROM_U                                                       \
	la t5, trap_s;                                                    \
	li t6, -2;                                                        \
	sd t6, TI_XCAUSE(t5);                                             \
	ecall

/* ------------------------------------------------------------------ */
/* Sv39                                                               */

/* Identity map RAM's gigapage for S (RWX, A, D, no U). */
#define VM_IDENTITY                                                       \
	li a0, RAM_BASE;                                                  \
	li a1, RAM_BASE;                                                  \
	li a2, PTE_ALL;                                                   \
	li a3, 2;                                                         \
	call pt_map

/* Map RAM's gigapage again at USER_ALIAS for U (RWX, A, D, U). */
#define VM_USER_ALIAS                                                     \
	li a0, USER_ALIAS;                                                \
	li a1, RAM_BASE;                                                  \
	li a2, PTE_ALL | PTE_U;                                           \
	li a3, 2;                                                         \
	call pt_map

/* satp = Sv39, root pt_root; flush. */
#define VM_ON                                                             \
	la t5, pt_root;                                                   \
	srli t5, t5, 12;                                                  \
	li t6, SATP_SV39;                                                 \
	or t5, t5, t6;                                                    \
	csrw satp, t5;                                                    \
	sfence.vma

/* For Sv48: set before the first pt_map, then VM_ON_SV48. */
#define PT_SV48                                                           \
	la t5, pt_levels;                                                 \
	li t6, 4;                                                         \
	sd t6, 0(t5)
#define SATP_SV48 (9 << 60)
#define VM_ON_SV48                                                        \
	la t5, pt_root;                                                   \
	srli t5, t5, 12;                                                  \
	li t6, SATP_SV48;                                                 \
	or t5, t5, t6;                                                    \
	csrw satp, t5;                                                    \
	sfence.vma

#define VM_OFF                                                            \
	csrw satp, zero;                                                  \
	sfence.vma

/* ------------------------------------------------------------------ */
/* The runtime: reset code, trap handlers, page-table helper, data.   */

#define TEST_RUNTIME                                                      \
	.section .text.init, "ax", @progbits;                             \
	.align 2;                                                         \
test_reset:                                                               \
	la t0, 1f;                                                        \
	csrw mtvec, t0;                                                   \
	/* open PMP for S/U if it exists (a trap here just skips it) */   \
	li t0, -1;                                                        \
	csrw pmpaddr0, t0;                                                \
	li t0, 0x1f;                                                      \
	csrw pmpcfg0, t0;                                                 \
	.align 2;                                                         \
1:	la t0, trap_m_entry;                                              \
	csrw mtvec, t0;                                                   \
	la t0, trap_s_entry;                                              \
	csrw stvec, t0;                                                   \
	la t0, trap_m_save;                                               \
	csrw mscratch, t0;                                                \
	la t0, trap_s_save;                                               \
	csrw sscratch, t0;                                                \
	csrw satp, zero;                                                  \
	csrw medeleg, zero;                                               \
	csrw mideleg, zero;                                               \
	csrw mie, zero;                                                   \
	li t0, (1 << 13); /* FS = Initial, everything else 0 */           \
	csrw mstatus, t0;                                                 \
	la sp, test_stack_top;                                            \
	li TESTNUM, 0;                                                    \
	PROBE_QEMU(t0);                                                   \
	la t1, test_on_qemu;                                              \
	sd t0, 0(t1);                                                     \
	li t0, -1;                                                        \
	la t1, trap_m;                                                    \
	sd t0, TI_XCAUSE(t1);                                             \
	la t1, trap_s;                                                    \
	sd t0, TI_XCAUSE(t1);                                             \
	la t0, test_body;                                                 \
	jr t0;                                                            \
                                                                          \
	.text;                                                            \
	.align 2;                                                         \
	.globl pass;                                                      \
pass:                                                                     \
	fence;                                                            \
	li t0, 1;                                                         \
	la t1, tohost;                                                    \
	sd t0, 0(t1);                                                     \
1:	j 1b;                                                             \
	.globl fail;                                                      \
fail:                                                                     \
	fence;                                                            \
	bnez TESTNUM, 2f;                                                 \
	li TESTNUM, 999;                                                  \
2:	slli t0, TESTNUM, 1;                                              \
	ori t0, t0, 1;                                                    \
	la t1, tohost;                                                    \
	sd t0, 0(t1);                                                     \
1:	j 1b;                                                             \
                                                                          \
	TRAP_HANDLER(m, mscratch, mcause, mtval, mepc, mstatus, mie, mret, MSTATUS_MPP, \
		     MSTATUS_MPIE);                                       \
	TRAP_HANDLER(s, sscratch, scause, stval, sepc, sstatus, sie, sret, MSTATUS_SPP, \
		     MSTATUS_SPIE);                                       \
	PT_MAP_FN;                                                        \
	TEST_DATA

/*
 * Guess the physical address behind a code VA: the U alias maps back to
 * RAM, everything else is identity.  Used only to read the length of the
 * trapping instruction.
 */
#define VA_GUESS(r, tmp)                                                  \
	li tmp, USER_ALIAS;                                               \
	bltu r, tmp, 1f;                                                  \
	li tmp, USER_ALIAS + 0x40000000;                                  \
	bgeu r, tmp, 1f;                                                  \
	li tmp, ALIAS_OFF;                                                \
	sub r, r, tmp;                                                    \
1:

/*
 * One trap handler, instantiated for M and S.  ppmask is the previous-
 * privilege field (MPP or SPP) of the status register, pie its xPIE bit.
 */
#define TRAP_HANDLER(x, scratch, cause, tval, epc, status, ie, ret, ppmask, pie) \
	.align 4;                                                         \
trap_##x##_entry:                                                         \
	csrrw sp, scratch, sp;                                            \
	sd t0, 0(sp);                                                     \
	sd t1, 8(sp);                                                     \
	sd t2, 16(sp);                                                    \
	sd t3, 24(sp);                                                    \
	la t1, trap_##x;                                                  \
	csrr t0, cause;                                                   \
	sd t0, TI_CAUSE(t1);                                              \
	csrr t2, tval;                                                    \
	sd t2, TI_TVAL(t1);                                               \
	csrr t2, epc;                                                     \
	sd t2, TI_EPC(t1);                                                \
	csrr t2, status;                                                  \
	sd t2, TI_STATUS(t1);                                             \
	ld t2, TI_COUNT(t1);                                              \
	addi t2, t2, 1;                                                   \
	sd t2, TI_COUNT(t1);                                              \
	ld t2, TI_XCAUSE(t1);                                             \
	li t3, -2;                                                        \
	beq t2, t3, 5f;                                                   \
	bne t0, t2, 9f;                                                   \
	ld t3, TI_XCHECK(t1);                                             \
	beqz t3, 2f;                                                      \
	ld t3, TI_XTVAL(t1);                                              \
	csrr t2, tval;                                                    \
	bne t2, t3, 9f;                                                   \
2:	/* expectation met: disarm, find where to resume */               \
	li t3, -1;                                                        \
	sd t3, TI_XCAUSE(t1);                                             \
	ld t3, TI_NOIE(t1);                                               \
	beqz t3, 6f;                                                      \
	li t3, pie;                                                       \
	csrc status, t3;                                                  \
6:	bgez t0, 3f;                                                      \
	/* interrupt: mask it so it does not recur, resume at epc */      \
	li t3, 1;                                                         \
	sll t3, t3, t0;                                                   \
	csrc ie, t3;                                                      \
3:	ld t2, TI_RESUME(t1);                                             \
	bnez t2, 4f;                                                      \
	csrr t2, epc;                                                     \
	bltz t0, 4f;                                                      \
	/* skip the trapping instruction: 2 or 4 bytes */                 \
	mv t3, t2;                                                        \
	VA_GUESS(t3, t0);                                                 \
	lhu t3, 0(t3);                                                    \
	andi t3, t3, 3;                                                   \
	addi t2, t2, 2;                                                   \
	li t0, 3;                                                         \
	bne t3, t0, 4f;                                                   \
	addi t2, t2, 2;                                                   \
4:	csrw epc, t2;                                                     \
	sd zero, TI_RESUME(t1);                                           \
	j 8f;                                                             \
5:	/* "ecall back": an ecall from below returns to this mode */      \
	li t3, -1;                                                        \
	sd t3, TI_XCAUSE(t1);                                             \
	addi t3, t0, -8;                                                  \
	bltz t3, 9f;                                                      \
	li t2, 3;                                                         \
	bge t3, t2, 9f;                                                   \
	csrr t2, epc;                                                     \
	addi t2, t2, 4;                                                   \
	VA_GUESS(t2, t0);                                                 \
	csrw epc, t2;                                                     \
	li t0, ppmask;                                                    \
	csrs status, t0;                                                  \
8:	ld t0, 0(sp);                                                     \
	ld t1, 8(sp);                                                     \
	ld t2, 16(sp);                                                    \
	ld t3, 24(sp);                                                    \
	csrrw sp, scratch, sp;                                            \
	ret;                                                              \
9:	/* unexpected trap: record it and fail the current test */        \
	sd t0, TI_BADCAUSE(t1);                                           \
	csrrw sp, scratch, sp;                                            \
	j fail

/* The Sv39 leaf writer; see the header comment. */
#define PT_MAP_FN                                                         \
	.globl pt_map;                                                    \
pt_map:                                                                   \
	la t0, pt_levels;                                                 \
	ld t1, 0(t0);                                                     \
	addi t1, t1, -1; /* the root's level */                           \
	la t0, pt_root;                                                   \
1:	/* t0 = table, t1 = level */                                      \
	slli t2, t1, 3; /* 12 + 9 * level */                              \
	add t2, t2, t1;                                                   \
	addi t2, t2, 12;                                                  \
	srl a4, a0, t2;                                                   \
	andi a4, a4, 511;                                                 \
	slli a4, a4, 3;                                                   \
	add a4, a4, t0;                                                   \
	beq t1, a3, 3f;                                                   \
	ld a5, 0(a4);                                                     \
	andi t2, a5, PTE_V;                                               \
	bnez t2, 2f;                                                      \
	/* allocate a zeroed table from the pool */                       \
	la t2, pt_next;                                                   \
	ld a5, 0(t2);                                                     \
	bnez a5, 4f;                                                      \
	la a5, pt_pool;                                                   \
4:	li t0, 4096;                                                      \
	add t0, t0, a5;                                                   \
	sd t0, 0(t2);                                                     \
	mv t0, a5;                                                        \
5:	sd zero, 0(t0);                                                   \
	addi t0, t0, 8;                                                   \
	slli t2, t0, 52; /* until page aligned */                         \
	bnez t2, 5b;                                                      \
	srli a5, a5, 12;                                                  \
	slli a5, a5, 10;                                                  \
	ori a5, a5, PTE_V;                                                \
	sd a5, 0(a4);                                                     \
2:	srli t0, a5, 10;                                                  \
	slli t0, t0, 12;                                                  \
	addi t1, t1, -1;                                                  \
	j 1b;                                                             \
3:	srli a5, a1, 12;                                                  \
	slli a5, a5, 10;                                                  \
	or a5, a5, a2;                                                    \
	sd a5, 0(a4);                                                     \
	sfence.vma;                                                       \
	mv a0, a4;                                                        \
	ret

#define TEST_DATA                                                         \
	.pushsection .tohost, "aw", @progbits;                            \
	.align 6;                                                         \
	.globl tohost;                                                    \
tohost:	.dword 0;                                                         \
	.size tohost, 8; /* QEMU's HTIF insists on the symbol size */     \
	.align 6;                                                         \
	.globl fromhost;                                                  \
fromhost: .dword 0;                                                       \
	.size fromhost, 8;                                                \
	.popsection;                                                      \
	.data;                                                            \
	.align 3;                                                         \
	.globl trap_m;                                                    \
trap_m:	.skip TI_SIZE;                                                    \
	.globl trap_s;                                                    \
trap_s:	.skip TI_SIZE;                                                    \
trap_m_save: .skip 64;                                                    \
trap_s_save: .skip 64;                                                    \
pt_next: .dword 0;                                                        \
test_on_qemu: .dword 0;                                                   \
	.globl pt_levels;                                                 \
pt_levels: .dword 3; /* 4 for Sv48 trees: see VM_ON_SV48 */               \
	.bss;                                                             \
	.align 12;                                                        \
	.globl pt_root;                                                   \
pt_root: .skip 4096;                                                      \
pt_pool: .skip 4096 * 16;                                                 \
test_stack: .skip 4096;                                                   \
test_stack_top:;                                                          \
	.text /* code after TEST_END goes on in .text */

#endif
