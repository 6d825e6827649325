# Conversions through the hart: float to integer with rounding and the
# saturation table of the ISA manual (NaN, infinities, out of range; 32-bit
# results sign-extended), integer to float, single <-> double, and the moves.
#include "fp_macros.h"
TEST_BEGIN
	# fcvt.w: NaN and +inf give 2^31-1, -inf and below range -2^31, with NV only
	FP_X(1, 0x7fffffff, NV, S_QNAN, 0, 0, fcvt.w.s a0, f1)
	FP_X(2, 0x7fffffff, NV, 0xfff8000000000000, 0, 0, fcvt.w.d a0, f1)
	FP_X(3, 0x7fffffff, NV, S_INF, 0, 0, fcvt.w.s a0, f1)
	FP_X(4, 0xffffffff80000000, NV, S_NINF, 0, 0, fcvt.w.s a0, f1)
	FP_X(5, 0x7fffffff, NV, 0xffffffff4f000000, 0, 0, fcvt.w.s a0, f1)
	FP_X(6, 0xffffffff80000000, 0, 0xffffffffcf000000, 0, 0, fcvt.w.s a0, f1)
	FP_X(7, 0xffffffff80000000, NX, 0xc1e0000000100000, 0, 0, fcvt.w.d a0, f1, rtz)
	FP_X(8, 0xffffffff80000000, NV, 0xc1e0000000100000, 0, 0, fcvt.w.d a0, f1, rdn)
	FP_X(9, 0x7fffffff, NV, 0x41dfffffffe00000, 0, 0, fcvt.w.d a0, f1, rne)
	FP_X(10, 0x7fffffff, NX, 0x41dfffffffe00000, 0, 0, fcvt.w.d a0, f1, rtz)
	# rounding to integer in each mode
	FP_X(11, -2, NX, 0xbff8000000000000, 0, 0, fcvt.w.d a0, f1, rne)
	FP_X(12, 2, NX, 0x4004000000000000, 0, 0, fcvt.w.d a0, f1, rne)
	FP_X(13, 3, NX, 0x4004000000000000, 0, 0, fcvt.w.d a0, f1, rmm)
	FP_X(14, -3, NX, 0xc004000000000000, 0, 0, fcvt.w.d a0, f1, rmm)
	FP_X(15, -3, NX, 0xc004000000000000, 0, 0, fcvt.w.d a0, f1, rdn)
	FP_X(16, -2, NX, 0xc004000000000000, 0, 0, fcvt.w.d a0, f1, rup)
	FP_X(17, -2, NX, 0xc004000000000000, 0, 0, fcvt.w.d a0, f1, rtz)
	FP_X(18, 1, NX, 0x3fd3333333333333, 0, 0, fcvt.w.d a0, f1, rup)
	FP_X(19, 0, 0, D_NZ, 0, 0, fcvt.w.d a0, f1)
	FP_X(20, -1, NX, 0x8000000000000001, 0, 0, fcvt.w.d a0, f1, rdn)
	fsrmi 1
	FP_X(21, 1, NX, 0xffffffff3fffffff, 0, 0, fcvt.w.s a0, f1)
	fsrmi 0

	# fcvt.wu: below zero gives 0 (NV unless it rounds to 0), results sign-extended
	FP_X(22, -1, NV, S_QNAN, 0, 0, fcvt.wu.s a0, f1)
	FP_X(23, -1, NV, D_INF, 0, 0, fcvt.wu.d a0, f1)
	FP_X(24, 0, NV, D_NINF, 0, 0, fcvt.wu.d a0, f1)
	FP_X(25, 0, NV, D_MONE, 0, 0, fcvt.wu.d a0, f1)
	FP_X(26, 0, NX, 0xbfe0000000000000, 0, 0, fcvt.wu.d a0, f1, rtz)
	FP_X(27, 0, NV, 0xbfe0000000000000, 0, 0, fcvt.wu.d a0, f1, rmm)
	FP_X(28, -1, 0, 0x41efffffffe00000, 0, 0, fcvt.wu.d a0, f1)
	FP_X(29, 0xffffffff80000000, 0, 0xffffffff4f000000, 0, 0, fcvt.wu.s a0, f1)
	FP_X(30, -1, NV, 0x41f0000000000000, 0, 0, fcvt.wu.d a0, f1)

	# fcvt.l / fcvt.lu
	FP_X(31, 0x7fffffffffffffff, NV, D_QNAN, 0, 0, fcvt.l.d a0, f1)
	FP_X(32, 0x7fffffffffffffff, NV, 0x43e0000000000000, 0, 0, fcvt.l.d a0, f1)
	FP_X(33, 0x8000000000000000, 0, 0xc3e0000000000000, 0, 0, fcvt.l.d a0, f1)
	FP_X(34, 0x8000000000000000, NV, S_NINF, 0, 0, fcvt.l.s a0, f1)
	FP_X(35, 0x8000000000000000, NV, 0xffffffffdf800000, 0, 0, fcvt.l.s a0, f1)
	FP_X(36, 0x4000000000000000, 0, 0xffffffff5e800000, 0, 0, fcvt.l.s a0, f1)
	FP_X(37, 0x7ffffffffffffc00, 0, 0x43dfffffffffffff, 0, 0, fcvt.l.d a0, f1)
	FP_X(38, -1, NV, 0xffffffff7fc00001, 0, 0, fcvt.lu.s a0, f1)
	FP_X(39, 0, NV, D_MONE, 0, 0, fcvt.lu.d a0, f1)
	FP_X(40, -1, NV, 0x43f0000000000000, 0, 0, fcvt.lu.d a0, f1)
	FP_X(41, 0xfffffffffffff800, 0, 0x43efffffffffffff, 0, 0, fcvt.lu.d a0, f1)
	FP_X(42, 2, NX, 0x3ff8000000000000, 0, 0, fcvt.lu.d a0, f1, rne)
	FP_X(43, -1, NV, D_SNAN, 0, 0, fcvt.lu.d a0, f1)
	# an operand that is not NaN-boxed converts as the canonical NaN
	FP_X(44, 0x7fffffff, NV, 0x000000003f800000, 0, 0, fcvt.w.s a0, f1)

	# integer to float
	FP_I(45, 0xffffffffcf000000, 0, 0x80000000, fcvt.s.w f0, a2)
	FP_I(46, 0xffffffff4b800000, NX, 16777217, fcvt.s.w f0, a2, rne)
	FP_I(47, 0xffffffff4b800001, NX, 16777217, fcvt.s.w f0, a2, rup)
	FP_I(48, S_ONE, 0, 0x1234567800000001, fcvt.s.w f0, a2)
	FP_I(49, 0xffffffff4f800000, NX, -1, fcvt.s.wu f0, a2, rne)
	FP_I(50, 0xffffffff4f7fffff, NX, -1, fcvt.s.wu f0, a2, rtz)
	FP_I(51, S_MONE, 0, -1, fcvt.s.l f0, a2)
	FP_I(52, S_PZ, 0, 0, fcvt.s.l f0, a2)
	FP_I(53, 0xffffffff5f800000, NX, -1, fcvt.s.lu f0, a2, rmm)
	FP_I(54, D_MONE, 0, 0xffffffff, fcvt.d.w f0, a2)
	FP_I(55, 0x41efffffffe00000, 0, -1, fcvt.d.wu f0, a2)
	FP_I(56, 0xc3e0000000000000, 0, 0x8000000000000000, fcvt.d.l f0, a2)
	FP_I(57, 0x4340000000000000, NX, 0x20000000000001, fcvt.d.l f0, a2, rne)
	FP_I(58, 0xc340000000000001, NX, -0x20000000000001, fcvt.d.l f0, a2, rdn)
	FP_I(59, 0x43f0000000000000, NX, -1, fcvt.d.lu f0, a2, rne)
	FP_I(60, 0x43efffffffffffff, NX, -1, fcvt.d.lu f0, a2, rtz)

	# single <-> double
	FP_F(61, S_ONE, NX, 0x3ff0000010000000, 0, 0, fcvt.s.d f0, f1, rne)
	FP_F(62, 0xffffffff3f800001, NX, 0x3ff0000010000000, 0, 0, fcvt.s.d f0, f1, rup)
	FP_F(63, S_INF, OF | NX, 0x47f0000000000000, 0, 0, fcvt.s.d f0, f1)
	FP_F(64, 0xffffffffff7fffff, OF | NX, 0xc7f0000000000000, 0, 0, fcvt.s.d f0, f1, rtz)
	FP_F(65, S_PZ, UF | NX, 0x3690000000000000, 0, 0, fcvt.s.d f0, f1, rne)
	FP_F(66, 0xffffffff00000001, 0, 0x36a0000000000000, 0, 0, fcvt.s.d f0, f1)
	FP_F(67, S_QNAN, 0, 0x7ff8000012345678, 0, 0, fcvt.s.d f0, f1)
	FP_F(68, S_QNAN, NV, D_SNAN, 0, 0, fcvt.s.d f0, f1)
	FP_F(69, S_NINF, 0, D_NINF, 0, 0, fcvt.s.d f0, f1)
	FP_F(70, S_NZ, 0, D_NZ, 0, 0, fcvt.s.d f0, f1)
	FP_F(71, 0x36a0000000000000, 0, 0xffffffff00000001, 0, 0, fcvt.d.s f0, f1)
	FP_F(72, D_QNAN, NV, 0xffffffffff800001, 0, 0, fcvt.d.s f0, f1)
	FP_F(73, D_QNAN, 0, 0xffffffffffc00123, 0, 0, fcvt.d.s f0, f1)
	FP_F(74, D_QNAN, 0, 0x000000003f800000, 0, 0, fcvt.d.s f0, f1)
	FP_F(75, 0xbff8000000000000, 0, 0xffffffffbfc00000, 0, 0, fcvt.d.s f0, f1)

	# moves: raw bits, fmv.x.w sign-extends, fmv.w.x boxes
	FP_X(76, 0xffffffff80000000, 0, 0x1234567880000000, 0, 0, fmv.x.w a0, f1)
	FP_X(77, 0x7fffffff, 0, 0x123456787fffffff, 0, 0, fmv.x.w a0, f1)
	FP_I(78, 0xffffffff87654321, 0, 0x1234567887654321, fmv.w.x f0, a2)
	FP_X(79, 0x8123456789abcdef, 0, 0x8123456789abcdef, 0, 0, fmv.x.d a0, f1)
	FP_I(80, D_SNAN, 0, D_SNAN, fmv.d.x f0, a2)
	# x0 is never written
	FP_X(81, 0, NV, D_QNAN, 0, 0, fcvt.w.d zero, f1; mv a0, zero)
TEST_END
