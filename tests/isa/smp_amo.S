# SPDX-License-Identifier: MIT
# Every hart (all enter _start, a0 = mhartid, as run-elf starts them) hammers
# shared words with AMOs, LR/SC loops and a spinlock around a plain
# increment; hart 0 then checks every total against the number of harts.
# It finds that number by probing the CLINT: a hart's msip reads back what
# was written, one that does not exist reads zero.  Lost updates (an AMO or
# SC that is not atomic across harts, a lock that lets two in) show up as a
# wrong total.  Runs on any number of harts: tests/sh/smp_amo.sh runs it on
# 1, 2 and 4 under each engine (and run.sh once, on one hart).
#
# Results (tohost): 1 pass, (n << 1) | 1 for check n failed.
#   1 amoadd.w   2 amoadd.d   3 LR/SC .w   4 LR/SC .d   5 spinlock
#   6 amomaxu.d  7 amominu.d  8 amoor.d    9 amoxor.w   10 amoand.d
#   11 amoswap counted back   12 harts probed (none found)

#define ITER	 300000
#define CLINT	 0x2000000
#define MAXHARTS 8

	.option norvc
	.section .text.init, "ax", @progbits
	.globl _start
_start:
	csrw mie, zero
	csrr s0, mhartid		# s0 = this hart
	li s1, ITER			# s1 = iterations left
	la s2, shared
	addi s3, s0, 1			# s3 = hart + 1
	slli s4, s0, 32			# s4 = hart << 32
	li s5, 1
	sll s5, s5, s0			# s5 = 1 << hart
	li s6, 0			# s6 = swapped in minus out
loop:
	# 1, 2: amoadd of 1 (word) and of hart + 1 (doubleword)
	li t0, 1
	addi t5, s2, 0
	amoadd.w zero, t0, (t5)
	addi t5, s2, 8
	amoadd.d zero, s3, (t5)
	# 3: LR/SC increment of a word
1:
	addi t5, s2, 16
	lr.w t1, (t5)
	addi t1, t1, 1
	addi t5, s2, 16
	sc.w t2, t1, (t5)
	bnez t2, 1b
	# 4: LR/SC increment of a doubleword, with aq/rl
2:
	addi t5, s2, 24
	lr.d.aq t1, (t5)
	addi t1, t1, 1
	addi t5, s2, 24
	sc.d.rl t2, t1, (t5)
	bnez t2, 2b
	# 5: a spinlock (amoswap.aq / amoswap.rl) around a load, add, store
	li t0, 1
3:
	addi t5, s2, 32
	amoswap.w.aq t1, t0, (t5)
	bnez t1, 3b
	ld t1, 40(s2)
	addi t1, t1, 1
	sd t1, 40(s2)
	addi t5, s2, 32
	amoswap.w.rl zero, zero, (t5)
	# 6, 7: the largest (hart, i) seen, and the smallest
	li t0, ITER
	sub t0, t0, s1			# t0 = i
	or t1, s4, t0
	addi t5, s2, 48
	amomaxu.d zero, t1, (t5)
	addi t5, s2, 56
	amominu.d zero, t1, (t5)
	# 8: each hart's bit
	addi t5, s2, 64
	amoor.d zero, s5, (t5)
	# 9: the same value xored in twice: zero at the end whatever the order
	mul t1, s3, t0
	addi t1, t1, 1
	addi t5, s2, 72
	amoxor.w zero, t1, (t5)
	addi t5, s2, 72
	amoxor.w zero, t1, (t5)
	# 10: clear bit 8 + hart of an all-ones word
	slli t1, s5, 8
	not t1, t1
	addi t5, s2, 80
	amoand.d zero, t1, (t5)
	# 11: swap (hart + 1) << 20 + i in; what comes out, summed with the end, is what went in
	slli t1, s3, 20
	add t1, t1, t0
	addi t5, s2, 88
	amoswap.d t2, t1, (t5)
	add s6, s6, t1
	sub s6, s6, t2
	addi s1, s1, -1
	bnez s1, loop

	addi t5, s2, 96
	amoadd.d zero, s6, (t5)
	fence rw, rw
	li t0, 1
	addi t5, s2, 104
	amoadd.w zero, t0, (t5)	# done
	beqz s0, check
park:	wfi
	j park

# Hart 0: how many harts (CLINT msip probe), wait for them, check.
check:
	li s7, 0			# s7 = harts
	li t3, CLINT
	li t4, MAXHARTS
probe:	slli t5, s7, 2
	add t5, t5, t3
	li t0, 1
	sw t0, 0(t5)
	lw t1, 0(t5)
	sw zero, 0(t5)
	beqz t1, probed
	addi s7, s7, 1
	bltu s7, t4, probe
probed:
	li gp, 12
	beqz s7, fail
wait:	lw t0, 104(s2)
	bne t0, s7, wait
	fence rw, rw

	li t6, ITER
	li gp, 1			# amoadd.w: harts * ITER
	mul t0, s7, t6
	lwu t1, 0(s2)
	bne t0, t1, fail
	li gp, 2			# amoadd.d: ITER * harts (harts + 1) / 2
	addi t0, s7, 1
	mul t0, t0, s7
	srli t0, t0, 1
	mul t0, t0, t6
	ld t1, 8(s2)
	bne t0, t1, fail
	mul t2, s7, t6			# t2 = harts * ITER
	li gp, 3
	lwu t1, 16(s2)
	bne t1, t2, fail
	li gp, 4
	ld t1, 24(s2)
	bne t1, t2, fail
	li gp, 5
	ld t1, 40(s2)
	bne t1, t2, fail
	li gp, 6			# max: (harts - 1) << 32 | ITER - 1
	addi t0, s7, -1
	slli t0, t0, 32
	addi t1, t6, -1
	or t0, t0, t1
	ld t1, 48(s2)
	bne t0, t1, fail
	li gp, 7			# min: hart 0, i = 0
	ld t1, 56(s2)
	bnez t1, fail
	li gp, 8			# bits 0 .. harts - 1
	li t0, 1
	sll t0, t0, s7
	addi t0, t0, -1
	ld t1, 64(s2)
	bne t0, t1, fail
	li gp, 9
	lw t1, 72(s2)
	bnez t1, fail
	li gp, 10			# all ones but bits 8 .. 8 + harts - 1
	li t0, 1
	sll t0, t0, s7
	addi t0, t0, -1
	slli t0, t0, 8
	not t0, t0
	ld t1, 80(s2)
	bne t0, t1, fail
	li gp, 11
	ld t0, 88(s2)
	ld t1, 96(s2)
	bne t0, t1, fail
	li t0, 1
	j report
fail:	slli t0, gp, 1
	ori t0, t0, 1
report:	la t1, tohost
	sd t0, 0(t1)
1:	j 1b

	.section .tohost, "aw", @progbits
	.align 6
	.globl tohost
tohost:	.dword 0
	.align 6
	.globl fromhost
fromhost: .dword 0

	.data
	.align 6
shared:
	.dword 0		# 0 amoadd.w
	.dword 0		# 8 amoadd.d
	.dword 0		# 16 LR/SC .w
	.dword 0		# 24 LR/SC .d
	.dword 0		# 32 lock
	.dword 0		# 40 under the lock
	.dword 0		# 48 max
	.dword -1		# 56 min
	.dword 0		# 64 bits
	.dword 0		# 72 xor
	.dword -1		# 80 and
	.dword 0		# 88 swap
	.dword 0		# 96 swapped in minus out
	.dword 0		# 104 harts done
