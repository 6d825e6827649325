# F and D arithmetic through the hart: every rounding mode (static and from
# frm), overflow, underflow with tininess detected after rounding, NaN
# canonicalisation and the invalid / divide-by-zero cases, fused
# multiply-add with a single rounding, square root.
#include "fp_macros.h"
TEST_BEGIN
	# 1 + half an ulp (a tie) and 1 + 3/4 ulp, single, each static mode
	FP_F(1, S_ONE, NX, S_ONE, 0xffffffff33800000, 0, fadd.s f0, f1, f2, rne)
	FP_F(2, S_ONE, NX, S_ONE, 0xffffffff33800000, 0, fadd.s f0, f1, f2, rtz)
	FP_F(3, S_ONE, NX, S_ONE, 0xffffffff33800000, 0, fadd.s f0, f1, f2, rdn)
	FP_F(4, 0xffffffff3f800001, NX, S_ONE, 0xffffffff33800000, 0, fadd.s f0, f1, f2, rup)
	FP_F(5, 0xffffffff3f800001, NX, S_ONE, 0xffffffff33800000, 0, fadd.s f0, f1, f2, rmm)
	FP_F(6, 0xffffffff3f800002, NX, 0xffffffff3f800001, 0xffffffff33800000, 0, fadd.s f0, f1, f2, rne)
	FP_F(7, 0xffffffff3f800001, NX, S_ONE, 0xffffffff33c00000, 0, fadd.s f0, f1, f2, rne)
	FP_F(8, S_ONE, NX, S_ONE, 0xffffffff33c00000, 0, fadd.s f0, f1, f2, rtz)
	# negative ties: rdn goes away from zero, rup towards it
	FP_F(9, 0xffffffffbf800001, NX, S_MONE, 0xffffffffb3800000, 0, fadd.s f0, f1, f2, rdn)
	FP_F(10, S_MONE, NX, S_MONE, 0xffffffffb3800000, 0, fadd.s f0, f1, f2, rup)
	FP_F(11, 0xffffffffbf800001, NX, S_MONE, 0xffffffffb3800000, 0, fadd.s f0, f1, f2, rmm)
	FP_F(12, 0xffffffff3f800001, NX, S_ONE, 0xffffffffb3800000, 0, fsub.s f0, f1, f2, rup)

	# the same through frm (dynamic), double
	TEST_CASE(13, a0, 4, fsrmi 4; fsrmi a0, 0)
	fsrmi 0
	FP_F(14, D_ONE, NX, D_ONE, 0x3ca0000000000000, 0, fadd.d f0, f1, f2)
	fsrmi 1
	FP_F(15, D_ONE, NX, D_ONE, 0x3ca8000000000000, 0, fadd.d f0, f1, f2)
	fsrmi 2
	FP_F(16, 0xbff0000000000001, NX, D_MONE, 0xbca0000000000000, 0, fadd.d f0, f1, f2)
	fsrmi 3
	FP_F(17, 0x3ff0000000000001, NX, D_ONE, 0x3ca0000000000000, 0, fadd.d f0, f1, f2)
	fsrmi 4
	FP_F(18, 0x3ff0000000000001, NX, D_ONE, 0x3ca0000000000000, 0, fadd.d f0, f1, f2)
	# a static mode wins over frm (still RMM here)
	FP_F(19, D_ONE, NX, D_ONE, 0x3ca0000000000000, 0, fadd.d f0, f1, f2, rtz)
	fsrmi 0

	# exact zeros: x - x is +0, but -0 when rounding down
	FP_F(20, D_PZ, 0, D_ONE, D_ONE, 0, fsub.d f0, f1, f2, rne)
	FP_F(21, D_NZ, 0, D_ONE, D_ONE, 0, fsub.d f0, f1, f2, rdn)
	FP_F(22, S_NZ, 0, S_NZ, S_NZ, 0, fadd.s f0, f1, f2)
	FP_F(23, S_PZ, 0, S_NZ, S_PZ, 0, fadd.s f0, f1, f2)

	# overflow by mode and sign
	FP_F(24, D_INF, OF | NX, D_MAX, D_TWO, 0, fmul.d f0, f1, f2, rne)
	FP_F(25, D_MAX, OF | NX, D_MAX, D_TWO, 0, fmul.d f0, f1, f2, rtz)
	FP_F(26, D_MAX, OF | NX, D_MAX, D_TWO, 0, fmul.d f0, f1, f2, rdn)
	FP_F(27, D_INF, OF | NX, D_MAX, D_TWO, 0, fmul.d f0, f1, f2, rup)
	FP_F(28, D_INF, OF | NX, D_MAX, D_TWO, 0, fmul.d f0, f1, f2, rmm)
	FP_F(29, D_NINF, OF | NX, D_MAX, 0xc000000000000000, 0, fmul.d f0, f1, f2, rdn)
	FP_F(30, 0xffefffffffffffff, OF | NX, D_MAX, 0xc000000000000000, 0, fmul.d f0, f1, f2, rup)
	FP_F(31, S_MAX, OF | NX, S_MAX, S_MAX, 0, fadd.s f0, f1, f2, rtz)
	FP_F(32, S_INF, OF | NX, S_MAX, 0xffffffff73000000, 0, fadd.s f0, f1, f2, rne)
	FP_F(33, S_MAX, NX, S_MAX, 0xffffffff72800000, 0, fadd.s f0, f1, f2, rne)

	# underflow: tiny after rounding and inexact raises UF
	FP_F(34, D_MIN, UF | NX, 0x3fefffffffffffff, D_MIN, 0, fmul.d f0, f1, f2, rne)
	FP_F(35, S_MIN, UF | NX, 0xffffffff3f7fffff, S_MIN, 0, fmul.s f0, f1, f2, rne)
	# 2^-1022 - 2^-1076 rounds up to 2^-1022 at full precision: not tiny
	FP_F(36, D_MIN, NX, 0x1a70000000000000, 0xa230000000000000, D_MIN, fmadd.d f0, f1, f2, f3, rne)
	FP_F(37, 0x000fffffffffffff, UF | NX, 0x1a70000000000000, 0xa230000000000000, D_MIN, fmadd.d f0, f1, f2, f3, rtz)
	FP_F(38, S_MIN, NX, 0xffffffff21800000, 0xffffffff92000000, S_MIN, fmadd.s f0, f1, f2, f3, rne)
	FP_F(39, 0xffffffff007fffff, UF | NX, 0xffffffff21800000, 0xffffffff92000000, S_MIN, fmadd.s f0, f1, f2, f3, rdn)
	FP_F(40, 0xffffffff00400000, 0, S_MIN, 0xffffffff3f000000, 0, fmul.s f0, f1, f2)
	FP_F(41, D_PZ, UF | NX, D_DEN, D_HALF, 0, fmul.d f0, f1, f2, rne)
	FP_F(42, D_DEN, UF | NX, D_DEN, D_HALF, 0, fmul.d f0, f1, f2, rup)
	FP_F(43, D_DEN, UF | NX, D_DEN, D_HALF, 0, fmul.d f0, f1, f2, rmm)
	FP_F(44, 0x8000000000000001, UF | NX, D_DEN, 0xbfe0000000000000, 0, fmul.d f0, f1, f2, rdn)
	FP_F(45, D_PZ, UF | NX, D_DEN, D_DEN, 0, fmul.d f0, f1, f2, rtz)
	FP_F(46, 0xffffffff00000002, UF | NX, 0xffffffff00000003, S_TWO, 0, fdiv.s f0, f1, f2)

	# NaNs: always the canonical NaN; NV only for sNaN and invalid operations
	FP_F(47, S_QNAN, 0, 0xffffffff7fc12345, S_ONE, 0, fadd.s f0, f1, f2)
	FP_F(48, D_QNAN, 0, 0xfff8000000000123, D_ONE, 0, fmul.d f0, f1, f2)
	FP_F(49, S_QNAN, NV, S_SNAN, S_ONE, 0, fadd.s f0, f1, f2)
	FP_F(50, D_QNAN, NV, D_ONE, 0xfff0000000000001, 0, fsub.d f0, f1, f2)
	FP_F(51, D_QNAN, NV, D_INF, D_NINF, 0, fadd.d f0, f1, f2)
	FP_F(52, S_QNAN, NV, S_PZ, S_NINF, 0, fmul.s f0, f1, f2)
	FP_F(53, S_QNAN, NV, S_NZ, S_PZ, 0, fdiv.s f0, f1, f2)
	FP_F(54, D_QNAN, NV, D_NINF, D_INF, 0, fdiv.d f0, f1, f2)
	FP_F(55, D_INF, DZ, D_ONE, D_PZ, 0, fdiv.d f0, f1, f2)
	FP_F(56, D_NINF, DZ, D_ONE, D_NZ, 0, fdiv.d f0, f1, f2)
	FP_F(57, S_INF, 0, S_INF, S_PZ, 0, fdiv.s f0, f1, f2)
	FP_F(58, 0xffffffff3eaaaaab, NX, S_ONE, 0xffffffff40400000, 0, fdiv.s f0, f1, f2, rne)
	FP_F(59, 0xffffffff3eaaaaaa, NX, S_ONE, 0xffffffff40400000, 0, fdiv.s f0, f1, f2, rtz)
	# an operand that is not NaN-boxed is the canonical NaN (quiet: no NV)
	FP_F(60, S_QNAN, 0, 0x000000003f800000, S_ONE, 0, fadd.s f0, f1, f2)

	# square root
	FP_F(61, D_QNAN, NV, D_MONE, 0, 0, fsqrt.d f0, f1)
	FP_F(62, D_NZ, 0, D_NZ, 0, 0, fsqrt.d f0, f1)
	FP_F(63, S_QNAN, NV, S_NINF, 0, 0, fsqrt.s f0, f1)
	FP_F(64, S_INF, 0, S_INF, 0, 0, fsqrt.s f0, f1)
	FP_F(65, D_QNAN, NV, D_SNAN, 0, 0, fsqrt.d f0, f1)
	FP_F(66, D_TWO, 0, 0x4010000000000000, 0, 0, fsqrt.d f0, f1)
	FP_F(67, 0x3ff6a09e667f3bcd, NX, D_TWO, 0, 0, fsqrt.d f0, f1, rne)
	FP_F(68, 0x3ff6a09e667f3bcc, NX, D_TWO, 0, 0, fsqrt.d f0, f1, rdn)
	FP_F(69, 0x1e60000000000000, 0, D_DEN, 0, 0, fsqrt.d f0, f1)
	FP_F(70, 0xffffffff3fb504f3, NX, S_TWO, 0, 0, fsqrt.s f0, f1, rne)

	# fused multiply-add: one rounding (the exact error of a product)
	FP_F(71, 0x3c9ffffffffffffe, 0, 0x3ff0000000000001, 0x3fefffffffffffff, D_ONE, fmsub.d f0, f1, f2, f3)
	FP_F(72, 0xffffffff40e00000, 0, S_TWO, 0xffffffff40400000, S_ONE, fmadd.s f0, f1, f2, f3)
	FP_F(73, 0xffffffff40a00000, 0, S_TWO, 0xffffffff40400000, S_ONE, fmsub.s f0, f1, f2, f3)
	FP_F(74, 0xffffffffc0a00000, 0, S_TWO, 0xffffffff40400000, S_ONE, fnmsub.s f0, f1, f2, f3)
	FP_F(75, 0xffffffffc0e00000, 0, S_TWO, 0xffffffff40400000, S_ONE, fnmadd.s f0, f1, f2, f3)
	FP_F(76, D_NZ, 0, D_PZ, D_ONE, D_PZ, fnmadd.d f0, f1, f2, f3)
	FP_F(77, D_PZ, 0, D_ONE, D_ONE, D_MONE, fmadd.d f0, f1, f2, f3, rne)
	FP_F(78, D_NZ, 0, D_ONE, D_ONE, D_MONE, fmadd.d f0, f1, f2, f3, rdn)
	FP_F(79, D_QNAN, NV, D_INF, D_PZ, D_QNAN, fmadd.d f0, f1, f2, f3)
	FP_F(80, S_QNAN, NV, S_INF, S_ONE, S_NINF, fmadd.s f0, f1, f2, f3)
	FP_F(81, D_QNAN, 0, D_ONE, D_ONE, D_QNAN, fmadd.d f0, f1, f2, f3)
	FP_F(82, D_QNAN, NV, D_ONE, D_ONE, D_SNAN, fmadd.d f0, f1, f2, f3)
	FP_F(83, 0x3ff0000000000001, NX, D_DEN, D_DEN, D_ONE, fmadd.d f0, f1, f2, f3, rup)
	FP_F(84, 0xbfefffffffffffff, NX, D_DEN, D_DEN, D_ONE, fmsub.d f0, f1, f2, f3, rtz)
	FP_F(85, D_NINF, 0, D_MAX, D_MAX, D_NINF, fmadd.d f0, f1, f2, f3)
	FP_F(86, D_INF, OF | NX, D_MAX, D_MAX, D_MONE, fmadd.d f0, f1, f2, f3, rmm)

	# fflags accrue until cleared; fcsr holds frm and fflags
	li TESTNUM, 87
	fsflags zero
	fsrmi 3
	FP_IN(D_ONE, D_PZ, 0)
	fdiv.d f0, f1, f2
	fmv.d.x f2, zero
	fsub.d f0, f0, f0
	csrr a0, fcsr
	CHECK(a0, (3 << 5) | DZ | NV)
	csrr a0, fflags
	CHECK(a0, DZ | NV)
	fsrmi 0
TEST_END
