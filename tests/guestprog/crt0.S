# Start-up and trap handler for the C guest programs (M-mode, bare metal).
# main() returns 0 for success or the number of the failed check; that
# goes to tohost as 1 or (n << 1) | 1 (the HTIF convention of run-elf).
#
# The trap handler counts traps by cause and carries on: at resume_pc when
# the program set it (a jump into garbage), else after the trapping
# instruction (a load or store of the program's own code).
	.option norvc
	.section .text.init, "ax", @progbits
	.globl _start
_start:
	la sp, stack_top
	la t0, trap_entry
	csrw mtvec, t0
	call main
	li t0, 1
	beqz a0, 1f
	slli a0, a0, 1
	or t0, a0, t0
1:	la t1, tohost
	sd t0, 0(t1)
2:	j 2b

	.align 2
trap_entry:
	csrw mscratch, t0
	la t0, trap_save
	sd t1, 0(t0)
	sd t2, 8(t0)
	csrr t1, mcause
	la t2, last_cause
	sd t1, 0(t2)
	csrr t2, mtval
	la t0, last_tval
	sd t2, 0(t0)
	li t2, 16
	bgeu t1, t2, 3f
	la t2, trap_count
	slli t1, t1, 3
	add t2, t2, t1
	ld t1, 0(t2)
	addi t1, t1, 1
	sd t1, 0(t2)
3:	la t0, resume_pc
	ld t1, 0(t0)
	beqz t1, 4f
	sd zero, 0(t0)
	csrw mepc, t1
	j 5f
4:	csrr t1, mepc		# the faulting instruction is ours: 2 or 4 bytes
	lhu t2, 0(t1)
	andi t2, t2, 3
	addi t1, t1, 2
	li t0, 3
	bne t2, t0, 6f
	addi t1, t1, 2
6:	csrw mepc, t1
5:	la t0, trap_save
	ld t1, 0(t0)
	ld t2, 8(t0)
	csrr t0, mscratch
	mret

	.data
	.align 3
	.globl trap_count, last_cause, last_tval, resume_pc
trap_count:	.zero 16 * 8
last_cause:	.dword 0
last_tval:	.dword 0
resume_pc:	.dword 0
trap_save:	.zero 16

	.bss
	.align 12
	.zero 65536
stack_top:

	.pushsection .tohost, "aw", @progbits
	.align 6
	.globl tohost
tohost:	.dword 0
	.size tohost, 8
	.align 6
	.globl fromhost
fromhost:	.dword 0
	.size fromhost, 8
	.popsection
