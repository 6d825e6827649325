// SPDX-License-Identifier: MIT
/*
 * Directed F/D corner cases, each with the result the ISA manual requires.
 *
 * The same table is checked on the host through fpu_execute() (the unit
 * test) and, built bare-metal (see fpu_harness.h), on QEMU's FPU, so the
 * expected values themselves are confirmed by a reference model.
 */
#include "fpu_harness.h"

/* Encodings with the harness registers: rd f3 or x5, rs1 f0 or x6, rs2 f1, rs3 f2. */
#define ENC(f7, rs2, rs1, f3, rd)                                                                  \
	(((uint32_t)(f7) << 25) | ((rs2) << 20) | ((rs1) << 15) | ((f3) << 12) | ((rd) << 7) | 0x53)
#define OPF(f7, rs2, f3) ENC(f7, rs2, FPU_RS1_F, f3, FPU_RD_F) /* f result */
#define OPX(f7, rs2, f3) ENC(f7, rs2, FPU_RS1_F, f3, FPU_RD_X) /* x result */
#define OPI(f7, rs2, f3) ENC(f7, rs2, FPU_RS1_X, f3, FPU_RD_F) /* x operand */

enum { S = 0, D = 1 };
enum { RNE, RTZ, RDN, RUP, RMM, DYN = 7 };
enum { NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16 };

#define FADD(f, rm)	    OPF(0x00 | (f), FPU_RS2, rm)
#define FSUB(f, rm)	    OPF(0x04 | (f), FPU_RS2, rm)
#define FMUL(f, rm)	    OPF(0x08 | (f), FPU_RS2, rm)
#define FDIV(f, rm)	    OPF(0x0c | (f), FPU_RS2, rm)
#define FSQRT(f, rm)	    OPF(0x2c | (f), 0, rm)
#define FSGNJ(f, k)	    OPF(0x10 | (f), FPU_RS2, k) /* k: 0 j, 1 jn, 2 jx */
#define FMIN(f)		    OPF(0x14 | (f), FPU_RS2, 0)
#define FMAX(f)		    OPF(0x14 | (f), FPU_RS2, 1)
#define FEQ(f)		    OPX(0x50 | (f), FPU_RS2, 2)
#define FLT(f)		    OPX(0x50 | (f), FPU_RS2, 1)
#define FLE(f)		    OPX(0x50 | (f), FPU_RS2, 0)
#define FCVT_TO(f, k, rm)   OPX(0x60 | (f), k, rm) /* k: 0 w, 1 wu, 2 l, 3 lu */
#define FCVT_FROM(f, k, rm) OPI(0x68 | (f), k, rm)
#define FMV_X(f)	    OPX(0x70 | (f), 0, 0)
#define FCLASS(f)	    OPX(0x70 | (f), 0, 1)
#define FMV_FROM_X(f)	    OPI(0x78 | (f), 0, 0)
#define FCVT_S_D(rm)	    OPF(0x20, 1, rm)
#define FCVT_D_S(rm)	    OPF(0x21, 0, rm)
/* op: 0x43 fmadd, 0x47 fmsub, 0x4b fnmsub, 0x4f fnmadd */
#define FMA(op, f, rm)                                                                             \
	(((uint32_t)FPU_RS3 << 27) | ((f) << 25) | (FPU_RS2 << 20) | (FPU_RS1_F << 15) |           \
	 ((rm) << 12) | (FPU_RD_F << 7) | (op))
#define W  0
#define WU 1
#define L  2
#define LU 3

/* single-precision values, NaN-boxed */
#define B(v) (0xffffffff00000000ULL | (v))

#define S_ONE	B(0x3f800000)
#define S_TWO	B(0x40000000)
#define S_MONE	B(0xbf800000)
#define S_HALF	B(0x3f000000)
#define S_MAX	B(0x7f7fffff)
#define S_MIN	B(0x00800000) /* smallest normal */
#define S_DEN	B(0x00000001) /* smallest subnormal */
#define S_INF	B(0x7f800000)
#define S_NINF	B(0xff800000)
#define S_QNAN	B(0x7fc00000)
#define S_SNAN	B(0x7f800001)
#define S_PZERO B(0x00000000)
#define S_NZERO B(0x80000000)

#define D_ONE	0x3ff0000000000000ULL
#define D_TWO	0x4000000000000000ULL
#define D_MONE	0xbff0000000000000ULL
#define D_HALF	0x3fe0000000000000ULL
#define D_MAX	0x7fefffffffffffffULL
#define D_NMAX	0xffefffffffffffffULL
#define D_MIN	0x0010000000000000ULL
#define D_DEN	0x0000000000000001ULL
#define D_INF	0x7ff0000000000000ULL
#define D_NINF	0xfff0000000000000ULL
#define D_QNAN	0x7ff8000000000000ULL
#define D_SNAN	0x7ff0000000000001ULL
#define D_PZERO 0x0000000000000000ULL
#define D_NZERO 0x8000000000000000ULL

struct fcase {
	const char *what;
	uint32_t insn;
	uint8_t frm;
	uint64_t a, b, c;
	uint64_t want; /* f3, or x5 for an integer result */
	uint8_t flags;
	uint8_t trap;
};

/* a legal case, and an encoding that must raise illegal instruction */
#define T(what, insn, frm, a, b, c, want, flags)                                                   \
	{                                                                                          \
		what, insn, frm, a, b, c, want, flags, 0                                           \
	}
#define ILL(what, insn, frm)                                                                       \
	{                                                                                          \
		what, insn, frm, S_ONE, S_ONE, S_ONE, 0, 0, 2                                      \
	}

static const struct fcase cases[] = {
    /* every rounding mode on a tie (1 + half an ulp) and past it, both signs */
    T("rne tie to even", FADD(S, RNE), 0, S_ONE, B(0x33800000), 0, S_ONE, NX),
    T("rtz tie", FADD(S, RTZ), 0, S_ONE, B(0x33800000), 0, S_ONE, NX),
    T("rdn tie", FADD(S, RDN), 0, S_ONE, B(0x33800000), 0, S_ONE, NX),
    T("rup tie", FADD(S, RUP), 0, S_ONE, B(0x33800000), 0, B(0x3f800001), NX),
    T("rmm tie away", FADD(S, RMM), 0, S_ONE, B(0x33800000), 0, B(0x3f800001), NX),
    T("rne odd tie up", FADD(S, RNE), 0, B(0x3f800001), B(0x33800000), 0, B(0x3f800002), NX),
    T("rne -tie", FADD(S, RNE), 0, S_MONE, B(0xb3800000), 0, S_MONE, NX),
    T("rtz -tie", FADD(S, RTZ), 0, S_MONE, B(0xb3800000), 0, S_MONE, NX),
    T("rdn -tie", FADD(S, RDN), 0, S_MONE, B(0xb3800000), 0, B(0xbf800001), NX),
    T("rup -tie", FADD(S, RUP), 0, S_MONE, B(0xb3800000), 0, S_MONE, NX),
    T("rmm -tie", FADD(S, RMM), 0, S_MONE, B(0xb3800000), 0, B(0xbf800001), NX),
    T("rne above half", FADD(S, RNE), 0, S_ONE, B(0x33c00000), 0, B(0x3f800001), NX),
    T("rtz above half", FADD(S, RTZ), 0, S_ONE, B(0x33c00000), 0, S_ONE, NX),
    T("rmm below half", FADD(S, RMM), 0, S_ONE, B(0x33000000), 0, S_ONE, NX),
    T("rup below half", FADD(S, RUP), 0, S_ONE, B(0x33000000), 0, B(0x3f800001), NX),
    T("exact: no flags", FADD(S, RNE), 0, S_ONE, S_ONE, 0, S_TWO, 0),
    /* dynamic rounding mode from frm, for every mode */
    T("dyn rne", FADD(D, DYN), RNE, D_ONE, 0x3ca0000000000000ULL, 0, D_ONE, NX),
    T("dyn rtz", FADD(D, DYN), RTZ, D_ONE, 0x3ca8000000000000ULL, 0, D_ONE, NX),
    T("dyn rdn", FADD(D, DYN), RDN, D_MONE, 0xbca0000000000000ULL, 0, 0xbff0000000000001ULL, NX),
    T("dyn rup", FADD(D, DYN), RUP, D_ONE, 0x3ca0000000000000ULL, 0, 0x3ff0000000000001ULL, NX),
    T("dyn rmm", FADD(D, DYN), RMM, D_ONE, 0x3ca0000000000000ULL, 0, 0x3ff0000000000001ULL, NX),
    T("static rm ignores frm", FADD(D, RTZ), RUP, D_ONE, 0x3ca0000000000000ULL, 0, D_ONE, NX),
    /* exact zero sums: +0, except -0 when rounding down */
    T("x - x = +0", FSUB(D, RNE), 0, D_ONE, D_ONE, 0, D_PZERO, 0),
    T("x - x = -0 in rdn", FSUB(D, RDN), 0, D_ONE, D_ONE, 0, D_NZERO, 0),
    T("-0 + -0 = -0", FADD(S, RNE), 0, S_NZERO, S_NZERO, 0, S_NZERO, 0),
    T("-0 + +0 = +0", FADD(S, RNE), 0, S_NZERO, S_PZERO, 0, S_PZERO, 0),
    T("-0 + +0 = -0 in rdn", FADD(S, RDN), 0, S_NZERO, S_PZERO, 0, S_NZERO, 0),

    /* overflow: infinity or the largest finite number, by mode and sign */
    T("ovf rne", FMUL(D, RNE), 0, D_MAX, D_TWO, 0, D_INF, OF | NX),
    T("ovf rtz", FMUL(D, RTZ), 0, D_MAX, D_TWO, 0, D_MAX, OF | NX),
    T("ovf rdn", FMUL(D, RDN), 0, D_MAX, D_TWO, 0, D_MAX, OF | NX),
    T("ovf rup", FMUL(D, RUP), 0, D_MAX, D_TWO, 0, D_INF, OF | NX),
    T("ovf rmm", FMUL(D, RMM), 0, D_MAX, D_TWO, 0, D_INF, OF | NX),
    T("-ovf rtz", FMUL(D, RTZ), 0, D_NMAX, D_TWO, 0, D_NMAX, OF | NX),
    T("-ovf rdn", FMUL(D, RDN), 0, D_NMAX, D_TWO, 0, D_NINF, OF | NX),
    T("-ovf rup", FMUL(D, RUP), 0, D_NMAX, D_TWO, 0, D_NMAX, OF | NX),
    T("ovf single rtz", FADD(S, RTZ), 0, S_MAX, S_MAX, 0, S_MAX, OF | NX),
    T("ovf single rne", FADD(S, RNE), 0, S_MAX, S_MAX, 0, S_INF, OF | NX),
    T("max + half ulp rne: ovf", FADD(S, RNE), 0, S_MAX, B(0x73000000), 0, S_INF, OF | NX),
    T("max + below half: no ovf", FADD(S, RNE), 0, S_MAX, B(0x72800000), 0, S_MAX, NX),
    T("inf arithmetic is exact", FMUL(D, RNE), 0, D_INF, D_TWO, 0, D_INF, 0),

    /*
     * Underflow, with tininess detected after rounding.  (1 - 2^-53) * 2^-1022
     * stays below 2^-1022 even at unbounded exponent: tiny, and rounded to
     * 53 - 1 bits it ties up to 2^-1022: UF and NX.
     */
    T("tiny, rounds to min normal", FMUL(D, RNE), 0, 0x3fefffffffffffffULL, D_MIN, 0, D_MIN,
      UF | NX),
    T("tiny single, rounds to min normal", FMUL(S, RNE), 0, B(0x3f7fffff), S_MIN, 0, S_MIN,
      UF | NX),
    /*
     * 2^-1022 - 2^-1076 rounds to 2^-1022 at full precision: not tiny after
     * rounding, so no UF (a before-rounding FPU would raise it) ...
     */
    T("not tiny after rounding", FMA(0x43, D, RNE), 0, 0x1a70000000000000ULL, 0xa230000000000000ULL,
      D_MIN, D_MIN, NX),
    T("not tiny after rounding, rup", FMA(0x43, D, RUP), 0, 0x1a70000000000000ULL,
      0xa230000000000000ULL, D_MIN, D_MIN, NX),
    /* ... but it is tiny when the rounding direction keeps it below */
    T("tiny in rtz", FMA(0x43, D, RTZ), 0, 0x1a70000000000000ULL, 0xa230000000000000ULL, D_MIN,
      0x000fffffffffffffULL, UF | NX),
    T("tiny in rdn", FMA(0x43, D, RDN), 0, 0x1a70000000000000ULL, 0xa230000000000000ULL, D_MIN,
      0x000fffffffffffffULL, UF | NX),
    T("not tiny after rounding single", FMA(0x43, S, RNE), 0, B(0x21800000), B(0x92000000), S_MIN,
      S_MIN, NX),
    T("tiny single rtz", FMA(0x43, S, RTZ), 0, B(0x21800000), B(0x92000000), S_MIN, B(0x007fffff),
      UF | NX),
    T("exact subnormal: no UF", FMUL(S, RNE), 0, S_MIN, S_HALF, 0, B(0x00400000), 0),
    T("exact subnormal d", FSUB(D, RNE), 0, 0x0010000000000001ULL, D_MIN, 0, D_DEN, 0),
    T("underflow to 0 rne", FMUL(D, RNE), 0, D_DEN, D_HALF, 0, D_PZERO, UF | NX),
    T("underflow rup", FMUL(D, RUP), 0, D_DEN, D_HALF, 0, D_DEN, UF | NX),
    T("underflow rmm", FMUL(D, RMM), 0, D_DEN, D_HALF, 0, D_DEN, UF | NX),
    T("-underflow rdn", FMUL(D, RDN), 0, D_DEN, 0xbfe0000000000000ULL, 0, 0x8000000000000001ULL,
      UF | NX),
    T("-underflow rne", FMUL(S, RNE), 0, S_DEN, B(0xbf000000), 0, S_NZERO, UF | NX),
    T("deep underflow rup", FMUL(D, RUP), 0, D_DEN, D_DEN, 0, D_DEN, UF | NX),
    T("deep underflow rtz", FMUL(D, RTZ), 0, D_DEN, D_DEN, 0, D_PZERO, UF | NX),
    T("subnormal / 2 rne", FDIV(S, RNE), 0, B(0x00000003), S_TWO, 0, B(0x00000002), UF | NX),

    /* NaNs: canonical results, NV only for signalling NaNs and invalid operations */
    T("qnan in: canonical, quiet", FADD(S, RNE), 0, B(0x7fc12345), S_ONE, 0, S_QNAN, 0),
    T("-qnan in: canonical", FMUL(D, RNE), 0, 0xfff8000000000123ULL, D_ONE, 0, D_QNAN, 0),
    T("snan in: NV", FADD(S, RNE), 0, S_SNAN, S_ONE, 0, S_QNAN, NV),
    T("snan second: NV", FSUB(D, RNE), 0, D_ONE, 0xfff0000000000001ULL, 0, D_QNAN, NV),
    T("snan and qnan: NV", FDIV(D, RNE), 0, D_QNAN, D_SNAN, 0, D_QNAN, NV),
    T("inf - inf", FADD(D, RNE), 0, D_INF, D_NINF, 0, D_QNAN, NV),
    T("inf + inf", FADD(D, RNE), 0, D_INF, D_INF, 0, D_INF, 0),
    T("0 * inf", FMUL(S, RNE), 0, S_PZERO, S_NINF, 0, S_QNAN, NV),
    T("0 / 0", FDIV(S, RNE), 0, S_NZERO, S_PZERO, 0, S_QNAN, NV),
    T("inf / inf", FDIV(D, RNE), 0, D_NINF, D_INF, 0, D_QNAN, NV),
    T("1 / 0", FDIV(D, RNE), 0, D_ONE, D_PZERO, 0, D_INF, DZ),
    T("1 / -0", FDIV(D, RNE), 0, D_ONE, D_NZERO, 0, D_NINF, DZ),
    T("inf / 0: no DZ", FDIV(S, RNE), 0, S_INF, S_PZERO, 0, S_INF, 0),
    T("1 / inf", FDIV(S, RNE), 0, S_MONE, S_INF, 0, S_NZERO, 0),
    T("1 / 3 rne", FDIV(S, RNE), 0, S_ONE, B(0x40400000), 0, B(0x3eaaaaab), NX),
    T("1 / 3 rtz", FDIV(S, RTZ), 0, S_ONE, B(0x40400000), 0, B(0x3eaaaaaa), NX),
    T("sqrt -1", FSQRT(D, RNE), 0, D_MONE, 0, 0, D_QNAN, NV),
    T("sqrt -0", FSQRT(D, RNE), 0, D_NZERO, 0, 0, D_NZERO, 0),
    T("sqrt -inf", FSQRT(S, RNE), 0, S_NINF, 0, 0, S_QNAN, NV),
    T("sqrt inf", FSQRT(S, RNE), 0, S_INF, 0, 0, S_INF, 0),
    T("sqrt qnan", FSQRT(S, RNE), 0, B(0xffc00001), 0, 0, S_QNAN, 0),
    T("sqrt snan", FSQRT(D, RNE), 0, D_SNAN, 0, 0, D_QNAN, NV),
    T("sqrt 4", FSQRT(D, RNE), 0, 0x4010000000000000ULL, 0, 0, D_TWO, 0),
    T("sqrt 2 rne", FSQRT(D, RNE), 0, D_TWO, 0, 0, 0x3ff6a09e667f3bcdULL, NX),
    T("sqrt 2 rup", FSQRT(D, RUP), 0, D_TWO, 0, 0, 0x3ff6a09e667f3bcdULL, NX),
    T("sqrt 2 rtz", FSQRT(D, RTZ), 0, D_TWO, 0, 0, 0x3ff6a09e667f3bccULL, NX),
    T("sqrt min subnormal", FSQRT(D, RNE), 0, D_DEN, 0, 0, 0x1e60000000000000ULL, 0),

    /* fused multiply-add: one rounding, all four signs, invalid cases */
    T("fma exact error term", FMA(0x47, D, RNE), 0, 0x3ff0000000000001ULL, 0x3fefffffffffffffULL,
      D_ONE, 0x3c9ffffffffffffeULL, 0),
    T("fmadd", FMA(0x43, S, RNE), 0, S_TWO, B(0x40400000), S_ONE, B(0x40e00000), 0),
    T("fmsub", FMA(0x47, S, RNE), 0, S_TWO, B(0x40400000), S_ONE, B(0x40a00000), 0),
    T("fnmsub", FMA(0x4b, S, RNE), 0, S_TWO, B(0x40400000), S_ONE, B(0xc0a00000), 0),
    T("fnmadd", FMA(0x4f, S, RNE), 0, S_TWO, B(0x40400000), S_ONE, B(0xc0e00000), 0),
    T("fnmadd of zeros is -0", FMA(0x4f, D, RNE), 0, D_PZERO, D_ONE, D_PZERO, D_NZERO, 0),
    T("fmadd 0*x + -0", FMA(0x43, D, RNE), 0, D_PZERO, D_ONE, D_NZERO, D_PZERO, 0),
    T("fmadd cancel = +0", FMA(0x43, D, RNE), 0, D_ONE, D_ONE, D_MONE, D_PZERO, 0),
    T("fmadd cancel rdn = -0", FMA(0x43, D, RDN), 0, D_ONE, D_ONE, D_MONE, D_NZERO, 0),
    T("fma inf*0 + qnan: NV", FMA(0x43, D, RNE), 0, D_INF, D_PZERO, D_QNAN, D_QNAN, NV),
    T("fma 0*inf + 1: NV", FMA(0x43, S, RNE), 0, S_PZERO, S_INF, S_ONE, S_QNAN, NV),
    T("fma inf - inf: NV", FMA(0x43, S, RNE), 0, S_INF, S_ONE, S_NINF, S_QNAN, NV),
    T("fma qnan addend quiet", FMA(0x43, D, RNE), 0, D_ONE, D_ONE, D_QNAN, D_QNAN, 0),
    T("fma snan addend: NV", FMA(0x43, D, RNE), 0, D_ONE, D_ONE, D_SNAN, D_QNAN, NV),
    T("fma tiny product + 1 rup", FMA(0x43, D, RUP), 0, D_DEN, D_DEN, D_ONE, 0x3ff0000000000001ULL,
      NX),
    T("fma tiny product - 1 rtz", FMA(0x47, D, RTZ), 0, D_DEN, D_DEN, D_ONE, 0xbfefffffffffffffULL,
      NX),
    T("fma overflow product, -inf addend", FMA(0x43, D, RNE), 0, D_MAX, D_MAX, D_NINF, D_NINF, 0),

    /* NaN boxing: an unboxed single operand is the canonical NaN */
    T("unboxed operand", FADD(S, RNE), 0, 0x000000003f800000ULL, S_ONE, 0, S_QNAN, 0),
    T("almost boxed operand", FMUL(S, RNE), 0, S_ONE, 0xfffffffe3f800000ULL, 0, S_QNAN, 0),
    T("unboxed fsgnjn", FSGNJ(S, 1), 0, 0x3f80000000000000ULL, 0x3f80000000000000ULL, 0,
      B(0xffc00000), 0),
    T("unboxed fclass", FCLASS(S), 0, 0x00000000ff800000ULL, 0, 0, 1 << 9, 0),
    T("unboxed fmin", FMIN(S), 0, D_ONE, S_TWO, 0, S_TWO, 0),
    T("unboxed feq", FEQ(S), 0, 0x7fc00000ULL, B(0x7fc00000), 0, 0, 0),
    T("unboxed fcvt.d.s", FCVT_D_S(RNE), 0, 0x3f800000ULL, 0, 0, D_QNAN, 0),
    T("unboxed fcvt.w.s", FCVT_TO(S, W, RNE), 0, 0x3f800000ULL, 0, 0, 0x7fffffff, NV),
    T("fmv.x.w takes raw bits", FMV_X(S), 0, 0x1234567880000000ULL, 0, 0, 0xffffffff80000000ULL, 0),
    T("fmv.x.w positive", FMV_X(S), 0, 0x123456787fffffffULL, 0, 0, 0x7fffffff, 0),
    T("fmv.w.x boxes", FMV_FROM_X(S), 0, 0x1234567887654321ULL, 0, 0, B(0x87654321), 0),
    T("fmv.x.d", FMV_X(D), 0, 0x8123456789abcdefULL, 0, 0, 0x8123456789abcdefULL, 0),
    T("fmv.d.x", FMV_FROM_X(D), 0, 0x7ff0000000000001ULL, 0, 0, D_SNAN, 0),

    /* sign injection: no flags, NaN payloads kept */
    T("fsgnj", FSGNJ(D, 0), 0, D_ONE, 0xc000000000000000ULL, 0, D_MONE, 0),
    T("fsgnjn", FSGNJ(D, 1), 0, D_ONE, 0xc000000000000000ULL, 0, D_ONE, 0),
    T("fsgnjx", FSGNJ(D, 2), 0, D_MONE, 0xc000000000000000ULL, 0, D_ONE, 0),
    T("fsgnjx +", FSGNJ(S, 2), 0, S_MONE, S_TWO, 0, S_MONE, 0),
    T("fsgnjn keeps snan payload", FSGNJ(S, 1), 0, B(0x7f812345), S_ONE, 0, B(0xff812345), 0),
    T("fsgnj.d snan quiet", FSGNJ(D, 0), 0, D_SNAN, D_MONE, 0, 0xfff0000000000001ULL, 0),

    /* fmin/fmax: minimumNumber/maximumNumber, -0 < +0, sNaN signals */
    T("fmin -0 +0", FMIN(S), 0, S_NZERO, S_PZERO, 0, S_NZERO, 0),
    T("fmin +0 -0", FMIN(S), 0, S_PZERO, S_NZERO, 0, S_NZERO, 0),
    T("fmax -0 +0", FMAX(D), 0, D_NZERO, D_PZERO, 0, D_PZERO, 0),
    T("fmax +0 -0", FMAX(D), 0, D_PZERO, D_NZERO, 0, D_PZERO, 0),
    T("fmin qnan x", FMIN(D), 0, D_QNAN, D_MONE, 0, D_MONE, 0),
    T("fmax x qnan", FMAX(S), 0, S_ONE, B(0xffc00001), 0, S_ONE, 0),
    T("fmin snan x: NV", FMIN(S), 0, S_SNAN, S_TWO, 0, S_TWO, NV),
    T("fmax x snan: NV", FMAX(D), 0, D_MONE, D_SNAN, 0, D_MONE, NV),
    T("fmin qnan qnan", FMIN(D), 0, 0x7ff8000000000005ULL, 0xfff8000000000000ULL, 0, D_QNAN, 0),
    T("fmax snan qnan", FMAX(S), 0, S_SNAN, S_QNAN, 0, S_QNAN, NV),
    T("fmin -inf", FMIN(D), 0, D_ONE, D_NINF, 0, D_NINF, 0),
    T("fmax", FMAX(S), 0, S_ONE, S_TWO, 0, S_TWO, 0),
    T("fmin negatives", FMIN(S), 0, B(0xc0000000), S_MONE, 0, B(0xc0000000), 0),

    /* comparisons: FEQ quiet, FLT/FLE signalling */
    T("feq qnan", FEQ(D), 0, D_QNAN, D_ONE, 0, 0, 0),
    T("feq snan: NV", FEQ(D), 0, D_ONE, D_SNAN, 0, 0, NV),
    T("flt qnan: NV", FLT(S), 0, S_QNAN, S_ONE, 0, 0, NV),
    T("fle qnan: NV", FLE(S), 0, S_ONE, S_QNAN, 0, 0, NV),
    T("feq -0 +0", FEQ(S), 0, S_NZERO, S_PZERO, 0, 1, 0),
    T("flt -0 +0", FLT(S), 0, S_NZERO, S_PZERO, 0, 0, 0),
    T("fle -0 +0", FLE(D), 0, D_NZERO, D_PZERO, 0, 1, 0),
    T("flt", FLT(D), 0, D_ONE, D_TWO, 0, 1, 0),
    T("flt negatives", FLT(D), 0, 0xc000000000000000ULL, D_MONE, 0, 1, 0),
    T("flt reversed", FLT(D), 0, D_TWO, D_ONE, 0, 0, 0),
    T("fle inf inf", FLE(S), 0, S_INF, S_INF, 0, 1, 0),
    T("flt -inf", FLT(S), 0, S_NINF, B(0xff7fffff), 0, 1, 0),
    T("feq equal", FEQ(D), 0, D_TWO, D_TWO, 0, 1, 0),

    /* fclass: each of the ten classes */
    T("fclass -inf", FCLASS(D), 0, D_NINF, 0, 0, 1 << 0, 0),
    T("fclass -normal", FCLASS(D), 0, D_MONE, 0, 0, 1 << 1, 0),
    T("fclass -subnormal", FCLASS(D), 0, 0x800fffffffffffffULL, 0, 0, 1 << 2, 0),
    T("fclass -0", FCLASS(D), 0, D_NZERO, 0, 0, 1 << 3, 0),
    T("fclass +0", FCLASS(D), 0, D_PZERO, 0, 0, 1 << 4, 0),
    T("fclass +subnormal", FCLASS(D), 0, D_DEN, 0, 0, 1 << 5, 0),
    T("fclass +normal", FCLASS(D), 0, D_MIN, 0, 0, 1 << 6, 0),
    T("fclass +inf", FCLASS(D), 0, D_INF, 0, 0, 1 << 7, 0),
    T("fclass snan", FCLASS(D), 0, 0xfff4000000000000ULL, 0, 0, 1 << 8, 0),
    T("fclass qnan", FCLASS(D), 0, 0xfff8000000000000ULL, 0, 0, 1 << 9, 0),
    T("fclass.s -inf", FCLASS(S), 0, S_NINF, 0, 0, 1 << 0, 0),
    T("fclass.s -normal", FCLASS(S), 0, B(0xff7fffff), 0, 0, 1 << 1, 0),
    T("fclass.s -subnormal", FCLASS(S), 0, B(0x80000001), 0, 0, 1 << 2, 0),
    T("fclass.s -0", FCLASS(S), 0, S_NZERO, 0, 0, 1 << 3, 0),
    T("fclass.s +0", FCLASS(S), 0, S_PZERO, 0, 0, 1 << 4, 0),
    T("fclass.s +subnormal", FCLASS(S), 0, B(0x007fffff), 0, 0, 1 << 5, 0),
    T("fclass.s +normal", FCLASS(S), 0, S_MIN, 0, 0, 1 << 6, 0),
    T("fclass.s +inf", FCLASS(S), 0, S_INF, 0, 0, 1 << 7, 0),
    T("fclass.s snan", FCLASS(S), 0, B(0x7fbfffff), 0, 0, 1 << 8, 0),
    T("fclass.s qnan", FCLASS(S), 0, B(0xffc00000), 0, 0, 1 << 9, 0),

    /* float -> integer: rounding, and the saturation table of the manual */
    T("w nan", FCVT_TO(S, W, RNE), 0, S_QNAN, 0, 0, 0x7fffffff, NV),
    T("w -nan", FCVT_TO(D, W, RNE), 0, 0xfff8000000000000ULL, 0, 0, 0x7fffffff, NV),
    T("w +inf", FCVT_TO(S, W, RNE), 0, S_INF, 0, 0, 0x7fffffff, NV),
    T("w -inf", FCVT_TO(S, W, RNE), 0, S_NINF, 0, 0, 0xffffffff80000000ULL, NV),
    T("w 2^31", FCVT_TO(S, W, RNE), 0, B(0x4f000000), 0, 0, 0x7fffffff, NV),
    T("w -2^31 exact", FCVT_TO(S, W, RNE), 0, B(0xcf000000), 0, 0, 0xffffffff80000000ULL, 0),
    T("w -2^31-0.5 rtz", FCVT_TO(D, W, RTZ), 0, 0xc1e0000000100000ULL, 0, 0, 0xffffffff80000000ULL,
      NX),
    T("w -2^31-0.5 rdn", FCVT_TO(D, W, RDN), 0, 0xc1e0000000100000ULL, 0, 0, 0xffffffff80000000ULL,
      NV),
    T("w 2^31-0.5 rne", FCVT_TO(D, W, RNE), 0, 0x41dfffffffe00000ULL, 0, 0, 0x7fffffff, NV),
    T("w 2^31-0.5 rtz", FCVT_TO(D, W, RTZ), 0, 0x41dfffffffe00000ULL, 0, 0, 0x7fffffff, NX),
    T("w -1.5 rne", FCVT_TO(D, W, RNE), 0, 0xbff8000000000000ULL, 0, 0, -2ULL, NX),
    T("w 2.5 rne", FCVT_TO(D, W, RNE), 0, 0x4004000000000000ULL, 0, 0, 2, NX),
    T("w 2.5 rmm", FCVT_TO(D, W, RMM), 0, 0x4004000000000000ULL, 0, 0, 3, NX),
    T("w -2.5 rmm", FCVT_TO(D, W, RMM), 0, 0xc004000000000000ULL, 0, 0, -3ULL, NX),
    T("w -2.5 rdn", FCVT_TO(D, W, RDN), 0, 0xc004000000000000ULL, 0, 0, -3ULL, NX),
    T("w -2.5 rup", FCVT_TO(D, W, RUP), 0, 0xc004000000000000ULL, 0, 0, -2ULL, NX),
    T("w 0.3 rup", FCVT_TO(D, W, RUP), 0, 0x3fd3333333333333ULL, 0, 0, 1, NX),
    T("w -0", FCVT_TO(D, W, RNE), 0, D_NZERO, 0, 0, 0, 0),
    T("w tiny rdn", FCVT_TO(D, W, RDN), 0, 0x8000000000000001ULL, 0, 0, -1ULL, NX),
    T("w dyn rtz", FCVT_TO(S, W, DYN), RTZ, B(0x3fffffff), 0, 0, 1, NX),
    T("wu nan", FCVT_TO(S, WU, RNE), 0, S_QNAN, 0, 0, ~0ULL, NV),
    T("wu +inf", FCVT_TO(D, WU, RNE), 0, D_INF, 0, 0, ~0ULL, NV),
    T("wu -inf", FCVT_TO(D, WU, RNE), 0, D_NINF, 0, 0, 0, NV),
    T("wu -1", FCVT_TO(D, WU, RNE), 0, D_MONE, 0, 0, 0, NV),
    T("wu -0.5 rtz", FCVT_TO(D, WU, RTZ), 0, 0xbfe0000000000000ULL, 0, 0, 0, NX),
    T("wu -0.5 rmm", FCVT_TO(D, WU, RMM), 0, 0xbfe0000000000000ULL, 0, 0, 0, NV),
    T("wu 2^32-1 sign-extended", FCVT_TO(D, WU, RNE), 0, 0x41efffffffe00000ULL, 0, 0, ~0ULL, 0),
    T("wu 2^31 sign-extended", FCVT_TO(S, WU, RNE), 0, B(0x4f000000), 0, 0, 0xffffffff80000000ULL,
      0),
    T("wu 2^32", FCVT_TO(D, WU, RNE), 0, 0x41f0000000000000ULL, 0, 0, ~0ULL, NV),
    T("l nan", FCVT_TO(D, L, RNE), 0, D_QNAN, 0, 0, 0x7fffffffffffffffULL, NV),
    T("l 2^63", FCVT_TO(D, L, RNE), 0, 0x43e0000000000000ULL, 0, 0, 0x7fffffffffffffffULL, NV),
    T("l -2^63", FCVT_TO(D, L, RNE), 0, 0xc3e0000000000000ULL, 0, 0, 0x8000000000000000ULL, 0),
    T("l -inf", FCVT_TO(S, L, RNE), 0, S_NINF, 0, 0, 0x8000000000000000ULL, NV),
    T("l -2^64", FCVT_TO(S, L, RNE), 0, B(0xdf800000), 0, 0, 0x8000000000000000ULL, NV),
    T("l 2^62 single", FCVT_TO(S, L, RNE), 0, B(0x5e800000), 0, 0, 1ULL << 62, 0),
    T("l max double below 2^63", FCVT_TO(D, L, RNE), 0, 0x43dfffffffffffffULL, 0, 0,
      0x7ffffffffffffc00ULL, 0),
    T("lu nan", FCVT_TO(S, LU, RNE), 0, B(0x7fc00001), 0, 0, ~0ULL, NV),
    T("lu -1", FCVT_TO(D, LU, RNE), 0, D_MONE, 0, 0, 0, NV),
    T("lu 2^64", FCVT_TO(D, LU, RNE), 0, 0x43f0000000000000ULL, 0, 0, ~0ULL, NV),
    T("lu 2^64-2048", FCVT_TO(D, LU, RNE), 0, 0x43efffffffffffffULL, 0, 0, 0xfffffffffffff800ULL,
      0),
    T("lu 1.5 rne", FCVT_TO(D, LU, RNE), 0, 0x3ff8000000000000ULL, 0, 0, 2, NX),
    T("lu snan", FCVT_TO(D, LU, RNE), 0, D_SNAN, 0, 0, ~0ULL, NV),

    /* integer -> float */
    T("s.w int32 min", FCVT_FROM(S, W, RNE), 0, 0x80000000, 0, 0, B(0xcf000000), 0),
    T("s.w 2^24+1 rne", FCVT_FROM(S, W, RNE), 0, 16777217, 0, 0, B(0x4b800000), NX),
    T("s.w 2^24+1 rup", FCVT_FROM(S, W, RUP), 0, 16777217, 0, 0, B(0x4b800001), NX),
    T("s.w ignores high bits", FCVT_FROM(S, W, RNE), 0, 0x1234567800000001ULL, 0, 0, S_ONE, 0),
    T("s.wu 2^32-1 rne", FCVT_FROM(S, WU, RNE), 0, ~0ULL, 0, 0, B(0x4f800000), NX),
    T("s.wu 2^32-1 rtz", FCVT_FROM(S, WU, RTZ), 0, ~0ULL, 0, 0, B(0x4f7fffff), NX),
    T("s.l -1", FCVT_FROM(S, L, RNE), 0, ~0ULL, 0, 0, S_MONE, 0),
    T("s.l 0", FCVT_FROM(S, L, RNE), 0, 0, 0, 0, S_PZERO, 0),
    T("s.lu max rmm", FCVT_FROM(S, LU, RMM), 0, ~0ULL, 0, 0, B(0x5f800000), NX),
    T("d.w -1", FCVT_FROM(D, W, RNE), 0, 0xffffffffULL, 0, 0, D_MONE, 0),
    T("d.wu 2^32-1 exact", FCVT_FROM(D, WU, RNE), 0, ~0ULL, 0, 0, 0x41efffffffe00000ULL, 0),
    T("d.l int64 min", FCVT_FROM(D, L, RNE), 0, 1ULL << 63, 0, 0, 0xc3e0000000000000ULL, 0),
    T("d.l 2^53+1 rne", FCVT_FROM(D, L, RNE), 0, (1ULL << 53) + 1, 0, 0, 0x4340000000000000ULL, NX),
    T("d.l -(2^53+1) rdn", FCVT_FROM(D, L, RDN), 0, -((1ULL << 53) + 1), 0, 0,
      0xc340000000000001ULL, NX),
    T("d.lu max rne", FCVT_FROM(D, LU, RNE), 0, ~0ULL, 0, 0, 0x43f0000000000000ULL, NX),
    T("d.lu max rtz", FCVT_FROM(D, LU, RTZ), 0, ~0ULL, 0, 0, 0x43efffffffffffffULL, NX),

    /* between formats */
    T("s.d round", FCVT_S_D(RNE), 0, 0x3ff0000010000000ULL, 0, 0, S_ONE, NX),
    T("s.d round rup", FCVT_S_D(RUP), 0, 0x3ff0000010000000ULL, 0, 0, B(0x3f800001), NX),
    T("s.d overflow", FCVT_S_D(RNE), 0, 0x47f0000000000000ULL, 0, 0, S_INF, OF | NX),
    T("s.d overflow rtz", FCVT_S_D(RTZ), 0, 0xc7f0000000000000ULL, 0, 0, B(0xff7fffff), OF | NX),
    T("s.d underflow", FCVT_S_D(RNE), 0, 0x3690000000000000ULL, 0, 0, S_PZERO, UF | NX),
    T("s.d to subnormal exact", FCVT_S_D(RNE), 0, 0x36a0000000000000ULL, 0, 0, S_DEN, 0),
    T("s.d qnan payload dropped", FCVT_S_D(RNE), 0, 0x7ff8000012345678ULL, 0, 0, S_QNAN, 0),
    T("s.d snan", FCVT_S_D(RNE), 0, D_SNAN, 0, 0, S_QNAN, NV),
    T("s.d -inf", FCVT_S_D(RNE), 0, D_NINF, 0, 0, S_NINF, 0),
    T("s.d -0", FCVT_S_D(RNE), 0, D_NZERO, 0, 0, S_NZERO, 0),
    T("d.s subnormal exact", FCVT_D_S(RNE), 0, S_DEN, 0, 0, 0x36a0000000000000ULL, 0),
    T("d.s snan", FCVT_D_S(RNE), 0, B(0xff800001), 0, 0, D_QNAN, NV),
    T("d.s qnan", FCVT_D_S(RNE), 0, B(0xffc00123), 0, 0, D_QNAN, 0),

    /* illegal encodings */
    ILL("rm 5", FADD(S, 5), 0),
    ILL("rm 6", FMUL(D, 6), 0),
    ILL("dyn, frm 5", FADD(S, DYN), 5),
    ILL("dyn, frm 6", FSQRT(D, DYN), 6),
    ILL("dyn, frm 7", FMA(0x43, D, DYN), 7),
    ILL("fcvt.d.s rm 5", FCVT_D_S(5), 0),
    ILL("fcvt.d.w dyn, frm 7", FCVT_FROM(D, W, DYN), 7),
    ILL("fcvt.w.s rm 6", FCVT_TO(S, W, 6), 0),
    ILL("fmt H", FADD(2, RNE), 0),
    ILL("fmt Q", FADD(3, RNE), 0),
    ILL("fma fmt H", FMA(0x43, 2, RNE), 0),
    ILL("fsqrt rs2", FSQRT(D, RNE) | (1 << 20), 0),
    ILL("fsgnj funct3 3", FSGNJ(S, 3), 0),
    ILL("fmin funct3 2", FMIN(D) | (2 << 12), 0),
    ILL("feq funct3 3", FEQ(D) | (1 << 12), 0),
    ILL("fcvt.w rs2 4", FCVT_TO(D, 4, RNE), 0),
    ILL("fcvt.s.d rs2 0", FCVT_S_D(RNE) & ~(1u << 20), 0),
    ILL("fcvt.d.s rs2 1", FCVT_D_S(RNE) | (1 << 20), 0),
    ILL("fcvt.s.h", OPF(0x20, 2, RNE), 0),
    ILL("fmv.x.w rs2", FMV_X(S) | (1 << 20), 0),
    ILL("fmv.x.w funct3 2", FMV_X(S) | (2 << 12), 0),
    ILL("fmv.w.x funct3 1", FMV_FROM_X(S) | (1 << 12), 0),
    ILL("funct5 0x06", OPF(0x18, 1, 0), 0),
    ILL("funct5 0x1f", OPF(0x7c, 0, 0), 0),
    T("fmin ignores a bad frm", FMIN(S), 7, S_ONE, S_TWO, 0, S_ONE, 0),
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static bool fcase_x_result(uint32_t insn)
{
	return ((insn >> 7) & 31) == FPU_RD_X && (insn & 0x7f) == 0x53;
}

static int fcase_run(const struct fcase *c)
{
	struct fpu_io io = {.in = {c->a, c->b, c->c}, .frm = c->frm};
	uint64_t got;

	fpu_run(c->insn, &io);
	got = fcase_x_result(c->insn) ? io.x : io.f;
	if (got == c->want && io.flags == c->flags && io.trap == c->trap)
		return 0;
	fpu_puts("FAIL ");
	fpu_puts(c->what);
	fpu_puts(": want ");
	fpu_puthex(c->want, 16);
	fpu_puts(" flags ");
	fpu_puthex(c->flags, 2);
	fpu_puts(" trap ");
	fpu_puthex(c->trap, 2);
	fpu_puts("\n     ");
	fpu_show(c->what, c->insn, &io);
	return 1;
}

#ifndef __riscv
/* What only the host can see: x0, the other fcsr bits, accrual, state on a trap. */
static int fcase_host_only(void)
{
	struct hart_state s;
	int bad = 0;

	memset(&s, 0, sizeof(s));
	s.f[0] = D_ONE;
	s.f[1] = D_QNAN;
	s.x[0] = 0;
	/* flt x0, f0, f1: NV raised, x0 untouched */
	bad |= fpu_execute(&s, ENC(0x51, 1, 0, 1, 0)) != 0 || s.x[0] != 0 || s.fcsr != NV;
	/* flags accrue and frm stays */
	s.fcsr = (RUP << 5) | NV;
	s.f[1] = D_PZERO;
	bad |= fpu_execute(&s, ENC(0x0d, 1, 0, 7, 2)) != 0 || s.fcsr != ((RUP << 5) | NV | DZ) ||
	       s.f[2] != D_INF;
	/* an illegal encoding changes nothing */
	s.fcsr = 7 << 5;
	s.f[2] = 0x1234;
	bad |= fpu_execute(&s, ENC(0x0d, 1, 0, 7, 2)) != -1 || s.fcsr != 7 << 5 || s.f[2] != 0x1234;
	/* not an F/D opcode at all */
	bad |= fpu_execute(&s, 0x00000013) != -1;
	if (bad)
		fpu_puts("FAIL host-only checks\n");
	return bad;
}
#endif

int main(void)
{
	int bad = 0;

	for (unsigned i = 0; i < NCASES; i++)
		bad += fcase_run(&cases[i]);
#ifndef __riscv
	bad += fcase_host_only();
#endif
	return bad;
}
