# The hart's side of F and D: mstatus.FS (Off traps every FP instruction,
# FP loads and stores and the fcsr CSRs; a write makes it Dirty and sets
# SD), the fflags/frm/fcsr CSRs, reserved rounding modes (static and
# dynamic) and encodings, NaN boxing by FLW, raw FSW/FLD/FSD and their
# compressed forms.
#include "fp_macros.h"

#define STATUS_SD (1 << 63)
#define FS_OFF   (0 << 13)
#define FS_INIT  (1 << 13)
#define FS_CLEAN (2 << 13)

/* mstatus.FS = v */
#define SET_FS(v)                                                         \
	li t0, MSTATUS_FS;                                                \
	csrc mstatus, t0;                                                 \
	li t0, v;                                                         \
	csrs mstatus, t0

/* a0 = mstatus.FS */
#define GET_FS                                                            \
	csrr a0, mstatus;                                                 \
	li t0, MSTATUS_FS;                                                \
	and a0, a0, t0

/* fadd.s f0, f1, f2 with rm field r (5 and 6 are reserved) */
#define FADD_S_RM(r) .word 0x00208053 | ((r) << 12)

TEST_BEGIN
	# FS: Initial at reset, Dirty (with SD) after an FP write
	TEST_CASE(1, a0, FS_INIT, GET_FS)
	TEST_CASE(2, a0, MSTATUS_FS, fadd.d f0, f1, f2; GET_FS)
	TEST_CASE(3, a0, 1, csrr a0, mstatus; srli a0, a0, 63)
	SET_FS(FS_CLEAN)
	TEST_CASE(4, a0, MSTATUS_FS, la a1, buf; flw f4, 0(a1); GET_FS)
	SET_FS(FS_INIT)
	TEST_CASE(5, a0, MSTATUS_FS, csrwi fflags, 0; GET_FS)
	SET_FS(FS_CLEAN)
	TEST_CASE(6, a0, MSTATUS_FS, fmv.w.x f5, zero; GET_FS)

	# FS = Off: everything FP is illegal and changes nothing
	li t0, D_ONE
	fmv.d.x f6, t0
	li t0, 0x45
	csrw fcsr, t0
	SET_FS(FS_OFF)
	TEST_TRAP_NOTVAL(7, CAUSE_ILLEGAL, fadd.d f6, f6, f6)
	TEST_TRAP_NOTVAL(8, CAUSE_ILLEGAL, fmadd.s f6, f6, f6, f6)
	TEST_TRAP_NOTVAL(9, CAUSE_ILLEGAL, la a1, buf; flw f6, 0(a1))
	TEST_TRAP_NOTVAL(10, CAUSE_ILLEGAL, la a1, buf; fsd f6, 0(a1))
	TEST_TRAP_NOTVAL(11, CAUSE_ILLEGAL, csrr a0, fcsr)
	TEST_TRAP_NOTVAL(12, CAUSE_ILLEGAL, csrwi fflags, 1)
	TEST_TRAP_NOTVAL(13, CAUSE_ILLEGAL, csrwi frm, 1)
	TEST_TRAP_NOTVAL(14, CAUSE_ILLEGAL, fmv.x.d a0, f6)
	TEST_TRAP_NOTVAL(15, CAUSE_ILLEGAL, fcvt.d.l f6, zero)
	TEST_TRAP_NOTVAL(16, CAUSE_ILLEGAL, la a0, buf; .option push; .option rvc; c.fld f8, 0(a0); .option pop)
	TEST_TRAP_NOTVAL(17, CAUSE_ILLEGAL, .option push; .option rvc; c.fsdsp f6, 0(sp); .option pop)
	TEST_CASE(18, a0, FS_OFF, GET_FS)
	SET_FS(FS_INIT)
	TEST_CASE(19, a0, D_ONE, fmv.x.d a0, f6)
	TEST_CASE(20, a0, 0x45, csrr a0, fcsr)

	# the CSRs: fflags is 5 bits, frm 3 (any value), fcsr 8
	TEST_CASE(21, a0, 0xff, csrwi fcsr, 0x1f; li a1, -1; csrw fcsr, a1; csrr a0, fcsr)
	TEST_CASE(22, a0, 0x1f, csrw fflags, zero; li a1, -1; csrrw a0, fflags, a1; csrr a0, fflags)
	TEST_CASE(23, a0, 7, csrr a0, frm)
	TEST_CASE(24, a0, 0x2 << 5 | 0x1f, fsrmi 2; csrr a0, fcsr)
	TEST_CASE(25, a0, 0x2 << 5 | 0x3, csrci fflags, 0x1c; csrr a0, fcsr)
	TEST_CASE(26, a0, 0x6 << 5 | 0x3, csrsi frm, 4; csrr a0, fcsr)

	# reserved rounding modes: static 5 and 6, dynamic with frm 5, 6, 7
	fsrmi 0
	TEST_TRAP(27, CAUSE_ILLEGAL, 0x0020d053, FADD_S_RM(5))
	TEST_TRAP(28, CAUSE_ILLEGAL, 0x0020e053, FADD_S_RM(6))
	TEST_CASE(29, a0, S_TWO, FP_IN(S_ONE, S_ONE, 0); FADD_S_RM(7); fmv.x.d a0, f0)
	fsrmi 5
	TEST_TRAP(30, CAUSE_ILLEGAL, 0x0020f053, FADD_S_RM(7))
	fsrmi 6
	TEST_TRAP_NOTVAL(31, CAUSE_ILLEGAL, fsqrt.d f0, f1)
	fsrmi 7
	TEST_TRAP_NOTVAL(32, CAUSE_ILLEGAL, fmadd.d f0, f1, f2, f3)
	TEST_TRAP(33, CAUSE_ILLEGAL, 0x4200f053, .word 0x4200f053) /* fcvt.d.s f0, f1, dyn */
	TEST_TRAP_NOTVAL(34, CAUSE_ILLEGAL, fcvt.w.d a0, f1)
	TEST_TRAP_NOTVAL(35, CAUSE_ILLEGAL, fcvt.s.l f0, a0)
	# instructions without a rounding mode do not care
	FP_F(36, S_ONE, 0, S_ONE, S_TWO, 0, fmin.s f0, f1, f2)
	FP_X(37, 1, 0, D_ONE, D_ONE, 0, feq.d a0, f1, f2)
	FP_F(38, D_MONE, 0, D_ONE, D_MONE, 0, fsgnj.d f0, f1, f2)
	fsrmi 0

	# reserved encodings
	TEST_TRAP(39, CAUSE_ILLEGAL, 0x04208053, .word 0x04208053) /* fadd.h */
	TEST_TRAP(40, CAUSE_ILLEGAL, 0x06208053, .word 0x06208053) /* fadd.q */
	TEST_TRAP(41, CAUSE_ILLEGAL, 0x1c208043, .word 0x1c208043) /* fmadd.h */
	TEST_TRAP(42, CAUSE_ILLEGAL, 0x5a108053, .word 0x5a108053) /* fsqrt.d rs2=1 */
	TEST_TRAP(43, CAUSE_ILLEGAL, 0x2020b053, .word 0x2020b053) /* fsgnj funct3 3 */
	TEST_TRAP(44, CAUSE_ILLEGAL, 0x2a20a053, .word 0x2a20a053) /* fmin funct3 2 */
	TEST_TRAP(45, CAUSE_ILLEGAL, 0xa220b553, .word 0xa220b553) /* feq funct3 3 */
	TEST_TRAP(46, CAUSE_ILLEGAL, 0xc2408553, .word 0xc2408553) /* fcvt.?.d rs2=4 */
	TEST_TRAP(47, CAUSE_ILLEGAL, 0x40008053, .word 0x40008053) /* fcvt.s.d rs2=0 */
	TEST_TRAP(48, CAUSE_ILLEGAL, 0x42208053, .word 0x42208053) /* fcvt.d.h */
	TEST_TRAP(49, CAUSE_ILLEGAL, 0xe0108553, .word 0xe0108553) /* fmv.x.w rs2=1 */
	TEST_TRAP(50, CAUSE_ILLEGAL, 0xe000a553, .word 0xe000a553) /* fmv.x.w funct3 2 */
	TEST_TRAP(51, CAUSE_ILLEGAL, 0xf0059053, .word 0xf0059053) /* fmv.w.x funct3 1 */
	TEST_TRAP(52, CAUSE_ILLEGAL, 0x30208053, .word 0x30208053) /* funct5 6 */
	TEST_TRAP(53, CAUSE_ILLEGAL, 0x00a0c007, .word 0x00a0c007) /* LOAD-FP funct3 4 */

	# FLW boxes, FSW stores the low word raw, FLD/FSD are raw
	la a1, buf
	TEST_CASE(54, a0, 0xffffffff7f800001, flw f7, 0(a1); fmv.x.d a0, f7)
	TEST_CASE(55, a0, 0x89abcdef, li t0, 0x0123456789abcdef; fmv.d.x f7, t0; fsw f7, 8(a1); lwu a0, 8(a1))
	TEST_CASE(56, a0, 0x0123456700000000, lw a0, 12(a1); slli a0, a0, 32) /* untouched */
	TEST_CASE(57, a0, 0x7ff4000000000001, li t0, 0x7ff4000000000001; fmv.d.x f7, t0; fsd f7, 16(a1); ld a0, 16(a1))
	TEST_CASE(58, a0, 0xfff0000000000003, fld f9, 24(a1); fmv.x.d a0, f9)
	# and the compressed forms
	.option push
	.option rvc
	TEST_CASE(59, a0, 0xfff0000000000003, fmv.d.x f8, zero; c.fld f8, 24(a1); fmv.x.d a0, f8)
	TEST_CASE(60, a0, 0xfff0000000000003, sd zero, 32(a1); c.fsd f8, 32(a1); ld a0, 32(a1))
	TEST_CASE(61, a0, 0x7ff4000000000001, addi sp, sp, -16; li t0, 0x7ff4000000000001; sd t0, 8(sp); c.fldsp f10, 8(sp); fmv.x.d a0, f10; addi sp, sp, 16)
	TEST_CASE(62, a0, D_HALF, addi sp, sp, -16; li t0, D_HALF; fmv.d.x f10, t0; c.fsdsp f10, 0(sp); ld a0, 0(sp); addi sp, sp, 16)
	.option pop
	# FP results land in the register file the loads and stores see
	TEST_CASE(63, a0, 0x3ff8000000000000, li t0, D_ONE; fmv.d.x f1, t0; li t0, D_HALF; fmv.d.x f2, t0; fadd.d f3, f1, f2; fsd f3, 40(a1); ld a0, 40(a1))
	TEST_CASE(64, a0, 0x3fc00000, fcvt.s.d f4, f3; fsw f4, 48(a1); lwu a0, 48(a1))
TEST_END

	.data
	.align 3
buf:
	.word 0x7f800001, 0
	.dword 0x0123456700000000
	.dword 0
	.dword 0xfff0000000000003
	.dword 0, 0, 0, 0
