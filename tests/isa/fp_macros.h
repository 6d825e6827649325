/* SPDX-License-Identifier: MIT */
/*
 * Check macros for the floating-point ISA tests (fp_*.S), on top of test.h.
 * Operands and results are raw register bits: single-precision values are
 * written NaN-boxed (0xffffffff_xxxxxxxx) unless a test means otherwise.
 * Each check also compares the exact fflags the instruction raised.
 */
#ifndef RVCP_ISA_FP_MACROS_H
#define RVCP_ISA_FP_MACROS_H

#include "test.h"

/* f1, f2, f3 = a, b, c (raw bits); fflags cleared. */
#define FP_IN(a, b, c)                                                                             \
	li t0, a;                                                                                  \
	fmv.d.x f1, t0;                                                                            \
	li t0, b;                                                                                  \
	fmv.d.x f2, t0;                                                                            \
	li t0, c;                                                                                  \
	fmv.d.x f3, t0;                                                                            \
	fsflags zero

/* Test n: the instruction (f0 <- f1, f2, f3) gives result and exactly flags. */
#define FP_F(n, result, flags, a, b, c, ...)                                                       \
	TEST_CASE(n, a0, result, FP_IN(a, b, c); __VA_ARGS__; fmv.x.d a0, f0; frflags a1);         \
	CHECK(a1, flags)

/* The same for an instruction writing a0 (compare, class, fcvt to int, fmv.x). */
#define FP_X(n, result, flags, a, b, c, ...)                                                       \
	TEST_CASE(n, a0, result, FP_IN(a, b, c); __VA_ARGS__; frflags a1);                         \
	CHECK(a1, flags)

/* The same for an instruction reading a2 = v (fcvt from int, fmv to f). */
#define FP_I(n, result, flags, v, ...)                                                             \
	TEST_CASE(n, a0, result, li a2, v; fsflags zero; __VA_ARGS__; fmv.x.d a0, f0; frflags a1); \
	CHECK(a1, flags)

/* fflags */
#define NX 1
#define UF 2
#define OF 4
#define DZ 8
#define NV 16

/* frequently used values */
#define S_ONE  0xffffffff3f800000
#define S_TWO  0xffffffff40000000
#define S_MONE 0xffffffffbf800000
#define S_QNAN 0xffffffff7fc00000
#define S_SNAN 0xffffffff7f800001
#define S_INF  0xffffffff7f800000
#define S_NINF 0xffffffffff800000
#define S_MAX  0xffffffff7f7fffff
#define S_MIN  0xffffffff00800000
#define S_PZ   0xffffffff00000000
#define S_NZ   0xffffffff80000000
#define D_ONE  0x3ff0000000000000
#define D_TWO  0x4000000000000000
#define D_MONE 0xbff0000000000000
#define D_HALF 0x3fe0000000000000
#define D_QNAN 0x7ff8000000000000
#define D_SNAN 0x7ff0000000000001
#define D_INF  0x7ff0000000000000
#define D_NINF 0xfff0000000000000
#define D_MAX  0x7fefffffffffffff
#define D_MIN  0x0010000000000000
#define D_DEN  0x0000000000000001
#define D_PZ   0x0000000000000000
#define D_NZ   0x8000000000000000

#endif
