/* SPDX-License-Identifier: MIT */
/* NSS test guest entry, trap handler and store probe (S-mode, no paging). */
	.option norvc
	.section .text.start, "ax"
	.globl _start
_start:
	la	sp, stack_top
	la	t0, trap
	csrw	stvec, t0
	tail	fill

/*
 * The only traps expected are store faults from probe_store: note scause
 * in t6 and skip the (4-byte) store.
 */
	.text
	.balign 4
trap:
	csrw	sscratch, t5
	csrr	t6, scause
	csrr	t5, sepc
	addi	t5, t5, 4
	csrw	sepc, t5
	csrr	t5, sscratch
	sret

/* long probe_store(volatile char *p, char v): 0, or the scause of the fault. */
	.globl probe_store
probe_store:
	li	t6, 0
	sb	a1, 0(a0)
	mv	a0, t6
	ret
