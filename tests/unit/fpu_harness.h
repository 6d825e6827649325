/* SPDX-License-Identifier: MIT */
#ifndef RVCP_TESTS_FPU_HARNESS_H
#define RVCP_TESTS_FPU_HARNESS_H
/*
 * Runs one F/D instruction on given operands, either through fpu_execute()
 * (the host build: a unit test) or on a real RISC-V FPU (a bare-metal build
 * for qemu-system-riscv64 -M spike, with __riscv defined), so that the unit
 * tests fpu_*.c can check their vectors against a reference model:
 *
 *	riscv64-unknown-elf-gcc -O2 -march=rv64gc -mabi=lp64d -mcmodel=medany \
 *		-ffreestanding -nostdlib -T tests/isa/link.ld -o /tmp/t.elf \
 *		tests/unit/fpu_cases.c
 *	qemu-system-riscv64 -M spike -bios none -nographic -kernel /tmp/t.elf
 *
 * Fixed registers: rd is f3 or x5, rs1 is f0 or x6 (both hold in[0]),
 * rs2 is f1, rs3 is f2.  f3 and x5 start at zero.  On the hardware the
 * instruction word is stored into a code slot (followed by fence.i) and an
 * illegal-instruction trap is caught and reported like fpu_execute's -1.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fpu_io {
	uint64_t in[3];
	uint64_t f, x, flags; /* f3, x5 and fflags afterwards */
	uint64_t frm;
	uint64_t trap; /* mcause: 2 for an illegal instruction, else 0 */
};

#define FPU_RD_F  3
#define FPU_RD_X  5
#define FPU_RS1_F 0
#define FPU_RS1_X 6
#define FPU_RS2	  1
#define FPU_RS3	  2

#ifdef __riscv

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(8)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(8)));
extern uint32_t fpx_slot[];
void fpx_run(struct fpu_io *io);
char fpx_stack[8192] __attribute__((aligned(16)));

__asm__(".section .text.init\n"
	".globl _start\n"
	"_start:\n"
	"	la sp, fpx_stack + 8192\n"
	"	la t0, fpx_trap\n"
	"	csrw mtvec, t0\n"
	"	li t0, 0x6000\n" /* mstatus.FS = dirty */
	"	csrs mstatus, t0\n"
	"	call main\n"
	"	slli a0, a0, 1\n"
	"	ori a0, a0, 1\n"
	"	la t0, tohost\n"
	"	sd a0, 0(t0)\n"
	"1:	j 1b\n"
	".text\n"
	".option push\n"
	".option norvc\n"
	".balign 4\n"
	"fpx_trap:\n" /* only the slot traps: note the cause, skip it */
	"	csrr t2, mcause\n"
	"	csrr t3, mepc\n"
	"	addi t3, t3, 4\n"
	"	csrw mepc, t3\n"
	"	mret\n"
	".globl fpx_run\n"
	"fpx_run:\n"
	"	ld t1, 0(a0)\n"
	"	fld f0, 0(a0)\n"
	"	fld f1, 8(a0)\n"
	"	fld f2, 16(a0)\n"
	"	fmv.d.x f3, zero\n"
	"	li t0, 0\n"
	"	li t2, 0\n"
	"	ld a1, 48(a0)\n"
	"	fsrm a1\n"
	"	fsflags zero\n"
	".globl fpx_slot\n"
	"fpx_slot:\n"
	"	nop\n"
	"	fsd f3, 24(a0)\n"
	"	sd t0, 32(a0)\n"
	"	frflags a1\n"
	"	sd a1, 40(a0)\n"
	"	sd t2, 56(a0)\n"
	"	ret\n"
	".option pop\n");

static void fpu_putc(char c)
{
	tohost = (1ULL << 56) | (1ULL << 48) | (unsigned char)c;
	while (!fromhost)
		;
	fromhost = 0;
}

static void fpu_puts(const char *s)
{
	while (*s)
		fpu_putc(*s++);
}

static void fpu_puthex(uint64_t v, int digits)
{
	for (int i = 4 * (digits - 1); i >= 0; i -= 4)
		fpu_putc("0123456789abcdef"[(v >> i) & 15]);
}

static void fpu_run(uint32_t insn, struct fpu_io *io)
{
	static uint32_t cur;

	if (insn != cur) {
		fpx_slot[0] = insn;
		__asm__ volatile("fence.i" ::: "memory");
		cur = insn;
	}
	fpx_run(io);
}

#else /* host */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/fpu.h"

static void fpu_putc(char c)
{
	putchar(c);
}

static void fpu_puts(const char *s)
{
	fputs(s, stdout);
}

static void fpu_puthex(uint64_t v, int digits)
{
	printf("%0*llx", digits, (unsigned long long)v);
}

static void fpu_run(uint32_t insn, struct fpu_io *io)
{
	struct hart_state s;

	memset(&s, 0, sizeof(s));
	s.f[FPU_RS1_F] = io->in[0];
	s.f[FPU_RS2] = io->in[1];
	s.f[FPU_RS3] = io->in[2];
	s.x[FPU_RS1_X] = io->in[0];
	s.fcsr = io->frm << 5;
	io->trap = fpu_execute(&s, insn) ? 2 : 0;
	io->f = s.f[FPU_RD_F];
	io->x = s.x[FPU_RD_X];
	io->flags = s.fcsr & 31;
	if ((s.fcsr >> 5) != io->frm) /* frm is never touched */
		io->trap = 99;
}

#endif

/* One line per vector, identical in both builds so they can be diffed. */
static void fpu_show(const char *name, uint32_t insn, const struct fpu_io *io)
{
	fpu_puts(name);
	fpu_putc(' ');
	fpu_puthex(insn, 8);
	fpu_putc(' ');
	fpu_puthex(io->frm, 1);
	for (int i = 0; i < 3; i++) {
		fpu_putc(' ');
		fpu_puthex(io->in[i], 16);
	}
	fpu_puts(" -> ");
	fpu_puthex(io->f, 16);
	fpu_putc(' ');
	fpu_puthex(io->x, 16);
	fpu_putc(' ');
	fpu_puthex(io->flags, 2);
	fpu_putc(' ');
	fpu_puthex(io->trap, 2);
	fpu_putc('\n');
}

#endif
