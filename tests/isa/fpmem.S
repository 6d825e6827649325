# FP moves and memory (the arithmetic is in fp_*.S): flw fld fsw fsd,
# fmv.w.x fmv.x.w fmv.d.x fmv.x.d, NaN boxing of single values in the
# 64-bit registers (flw / fmv.w.x box, fmv.x.w sign-extends the low half,
# fsw stores the low half), mstatus.FS: Off makes every FP instruction and
# fcsr/frm/fflags illegal; writing an FP register makes FS Dirty and sets SD.
#include "test.h"
TEST_BEGIN
	la s0, fbuf
	TEST_CASE(1, a0, 0x400921fb54442d18, fld fa0, 0(s0); fmv.x.d a0, fa0)
	TEST_CASE(2, a0, 0xffffffff40490fdb, flw fa1, 8(s0); fmv.x.d a0, fa1)     /* boxed */
	TEST_CASE(3, a0, 0x40490fdb, flw fa1, 8(s0); fmv.x.w a0, fa1)
	TEST_CASE(4, a0, 0xffffffffbf800000, flw fa2, 12(s0); fmv.x.w a0, fa2)    /* sign-extended */
	TEST_CASE(5, a0, 0x400921fb54442d18, fld fa3, 0(s0); fsd fa3, 16(s0); ld a0, 16(s0))
	TEST_CASE(6, a0, 0x400921fbbf800000, fsw fa2, 16(s0); ld a0, 16(s0))      /* 4 bytes only */
	TEST_CASE(7, a0, 0x1234567887654321, li t0, 0x1234567887654321; fmv.d.x ft0, t0; fmv.x.d a0, ft0)
	TEST_CASE(8, a0, 0xffffffff87654321, fmv.w.x ft1, t0; fmv.x.d a0, ft1)   /* low 32, boxed */
	TEST_CASE(9, a0, 0xffffffff87654321, fmv.x.w a0, ft1)
	/* fsw of an unboxed value stores its low half unchanged */
	TEST_CASE(10, a0, 0x87654321, fmv.d.x ft2, t0; fsw ft2, 24(s0); lwu a0, 24(s0))
	TEST_CASE(11, a0, 0x1234567887654321, fsd ft2, 24(s0); ld a0, 24(s0))
	/* all 32 registers hold their own values */
	li t0, 0
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fmv.d.x f\r, t0
	addi t0, t0, 1
	.endr
	li t1, 0
	li TESTNUM, 12
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fmv.x.d t2, f\r
	bne t1, t2, fail
	addi t1, t1, 1
	.endr

	/* FS: writing an FP register makes it Dirty, SD follows */
	li t0, MSTATUS_FS
	csrc mstatus, t0
	li t0, 1 << 13                /* Initial */
	csrs mstatus, t0
	TEST_CASE(13, a0, 1, csrr a0, mstatus; srli a0, a0, 13; andi a0, a0, 3)
	TEST_CASE(14, a0, 3, fmv.d.x fa0, zero; csrr a0, mstatus; srli a0, a0, 13; andi a0, a0, 3)
	TEST_CASE(15, a0, 1, csrr a0, mstatus; srli a0, a0, 63)
	TEST_CASE(16, a0, 1, csrr a0, sstatus; srli a0, a0, 63)
	/* a load into an FP register dirties it too */
	li t0, MSTATUS_FS
	csrc mstatus, t0
	li t0, 2 << 13                /* Clean */
	csrs mstatus, t0
	TEST_CASE(17, a0, 3, fld fa0, 0(s0); csrr a0, mstatus; srli a0, a0, 13; andi a0, a0, 3)
	/* FS = Off: all illegal */
	li t0, MSTATUS_FS
	csrc mstatus, t0
	TEST_CASE(18, a0, 0, csrr a0, mstatus; srli a0, a0, 63)
	TEST_TRAP_NOTVAL(19, CAUSE_ILLEGAL, fld fa0, 0(s0))
	TEST_TRAP_NOTVAL(20, CAUSE_ILLEGAL, flw fa0, 0(s0))
	TEST_TRAP_NOTVAL(21, CAUSE_ILLEGAL, fsd fa0, 16(s0))
	TEST_TRAP_NOTVAL(22, CAUSE_ILLEGAL, fsw fa0, 16(s0))
	TEST_TRAP_NOTVAL(23, CAUSE_ILLEGAL, fmv.x.d a0, fa0)
	TEST_TRAP_NOTVAL(24, CAUSE_ILLEGAL, fmv.w.x fa0, a0)
	TEST_TRAP_NOTVAL(25, CAUSE_ILLEGAL, fadd.d fa0, fa1, fa2)
	TEST_TRAP_NOTVAL(26, CAUSE_ILLEGAL, csrr a0, fcsr)
	TEST_TRAP_NOTVAL(27, CAUSE_ILLEGAL, csrw frm, zero)
	TEST_TRAP_NOTVAL(28, CAUSE_ILLEGAL, csrr a0, fflags)
	TEST_TRAP_NOTVAL(29, CAUSE_ILLEGAL, c.fld fa0, 0(s0))
	TEST_TRAP_NOTVAL(30, CAUSE_ILLEGAL, c.fsdsp fa0, 0(sp))
	/* nothing was stored while Off */
	TEST_CASE(31, a0, 0x1234567887654321, ld a0, 24(s0))
	/* and the same from S and U */
	TO_S
	TEST_TRAP_NOTVAL(32, CAUSE_ILLEGAL, fmv.d.x fa0, zero)
	TO_M
	TO_U
	TEST_TRAP_NOTVAL(33, CAUSE_ILLEGAL, fmv.d.x fa0, zero)
	TO_M
	/* back on: the registers kept their values */
	li t0, 1 << 13
	csrs mstatus, t0
	TEST_CASE(34, a0, 0x400921fb54442d18, fmv.x.d a0, fa0)
TEST_END

	.data
	.align 4
fbuf:	.dword 0x400921fb54442d18  /* pi, double */
	.word 0x40490fdb           /* pi, single */
	.word 0xbf800000           /* -1.0f */
	.dword 0, 0
