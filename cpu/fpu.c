// SPDX-License-Identifier: MIT
/*
 * F and D arithmetic in software.
 *
 * The host FPU is not used: its rounding modes lack RMM, its NaN rules differ
 * from RISC-V's, and its state would have to be saved around every guest
 * instruction.  Instead every operation is computed exactly on integers (a
 * 128-bit significand is wide enough for a full double product, and for
 * everything else with a sticky bit) and rounded once by fp_round_pack(),
 * which implements all five rounding modes, overflow, and underflow with
 * tininess detected after rounding as RISC-V requires.
 *
 * A finite non-zero operand is unpacked to a normalised 64-bit significand
 * (bit 63 set) and the exponent of that leading bit, whatever its format.
 */
#include "cpu/fpu.h"

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/insn.h"

typedef unsigned __int128 u128;

/* fflags bits */
enum { FL_NX = 1, FL_UF = 2, FL_OF = 4, FL_DZ = 8, FL_NV = 16 };

/* rounding modes (the rm field and frm) */
enum { RM_RNE = 0, RM_RTZ = 1, RM_RDN = 2, RM_RUP = 3, RM_RMM = 4, RM_DYN = 7 };

struct fp_fmt {
	int prec;  /* significand bits, hidden bit included */
	int emin;  /* exponent of the smallest normal */
	int emax;  /* exponent of the largest finite */
	int mbits; /* stored fraction bits */
	int width; /* total bits */
	uint64_t qnan;
};

static const struct fp_fmt fmt_s = {24, -126, 127, 23, 32, 0x7fc00000};
static const struct fp_fmt fmt_d = {53, -1022, 1023, 52, 64, 0x7ff8000000000000};

enum fp_class { FP_ZERO, FP_FINITE, FP_INF, FP_QNAN, FP_SNAN };

struct fp_num {
	enum fp_class cls;
	bool sign;
	bool subnormal;
	int exp;      /* exponent of bit 63 of sig */
	uint64_t sig; /* value = sig * 2^(exp - 63), bit 63 set when FP_FINITE */
};

static inline bool fp_isnan(const struct fp_num *a)
{
	return a->cls >= FP_QNAN;
}

static inline int clz128(u128 x)
{
	uint64_t hi = x >> 64;

	return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

static inline u128 shr_jam128(u128 x, int d)
{
	if (d <= 0)
		return x;
	if (d >= 128)
		return x != 0;
	return (x >> d) | ((x << (128 - d)) != 0);
}

static inline uint64_t fp_sign_bit(const struct fp_fmt *f)
{
	return 1ULL << (f->width - 1);
}

static inline uint64_t fp_inf(const struct fp_fmt *f, bool sign)
{
	uint64_t b = ((1ULL << (f->width - f->mbits - 1)) - 1) << f->mbits;

	return b | (sign ? fp_sign_bit(f) : 0);
}

static inline uint64_t fp_zero(const struct fp_fmt *f, bool sign)
{
	return sign ? fp_sign_bit(f) : 0;
}

static struct fp_num fp_unpack(const struct fp_fmt *f, uint64_t bits)
{
	int ebits = f->width - f->mbits - 1;
	uint64_t emask = (1ULL << ebits) - 1;
	uint64_t bexp = (bits >> f->mbits) & emask;
	uint64_t mant = bits & ((1ULL << f->mbits) - 1);
	int bias = (int)(emask >> 1);
	struct fp_num n = {.sign = (bits >> (f->width - 1)) & 1};

	if (bexp == emask) {
		if (!mant)
			n.cls = FP_INF;
		else
			n.cls = (mant >> (f->mbits - 1)) ? FP_QNAN : FP_SNAN;
	} else if (bexp == 0) {
		if (!mant) {
			n.cls = FP_ZERO;
		} else {
			int lz = __builtin_clzll(mant);

			n.cls = FP_FINITE;
			n.subnormal = true;
			n.sig = mant << lz;
			n.exp = f->emin - f->mbits - lz + 63;
		}
	} else {
		n.cls = FP_FINITE;
		n.sig = ((1ULL << f->mbits) | mant) << (63 - f->mbits);
		n.exp = (int)bexp - bias;
	}
	return n;
}

/* What lies below the kept bits, relative to half an ulp of them. */
enum { REM_EXACT, REM_BELOW, REM_HALF, REM_ABOVE };

/* Splits normalised sig (bit 127 set) into sig >> shift and a remainder class. */
static u128 fp_split(u128 sig, int shift, int *rem)
{
	u128 r, half;

	if (shift > 128) {
		*rem = REM_BELOW;
		return 0;
	}
	if (shift == 128) {
		r = sig;
		half = (u128)1 << 127;
	} else {
		r = sig & (((u128)1 << shift) - 1);
		half = (u128)1 << (shift - 1);
	}
	*rem = !r ? REM_EXACT : r < half ? REM_BELOW : r == half ? REM_HALF : REM_ABOVE;
	return shift == 128 ? 0 : sig >> shift;
}

static bool fp_round_up(int rm, bool sign, bool lsb, int rem)
{
	switch (rm) {
	case RM_RNE:
		return rem == REM_ABOVE || (rem == REM_HALF && lsb);
	case RM_RDN:
		return rem != REM_EXACT && sign;
	case RM_RUP:
		return rem != REM_EXACT && !sign;
	case RM_RMM:
		return rem >= REM_HALF;
	default: /* RTZ */
		return false;
	}
}

/*
 * Rounds (-1)^sign * sig * 2^exp0 (sig != 0; any bits lost before carry a
 * sticky bit at bit 0, far enough below the rounding point) to format f.
 */
static uint64_t fp_round_pack(const struct fp_fmt *f, bool sign, int exp0, u128 sig, int rm,
			      unsigned *flags)
{
	int lz = clz128(sig);
	int e = exp0 + 127 - lz; /* exponent of the leading bit */
	int shift = 128 - f->prec;
	bool tiny = false;
	uint64_t sbit = sign ? fp_sign_bit(f) : 0;
	u128 kept;
	int rem;

	sig <<= lz;
	if (e < f->emin) {
		/*
		 * Tininess after rounding: tiny unless rounding to full precision
		 * with an unbounded exponent would carry up to 2^emin.
		 */
		tiny = true;
		if (e == f->emin - 1) {
			kept = fp_split(sig, shift, &rem);
			if (fp_round_up(rm, sign, kept & 1, rem) && ((kept + 1) >> f->prec))
				tiny = false;
		}
		shift += f->emin - e;
	}
	kept = fp_split(sig, shift, &rem);
	if (rem != REM_EXACT) {
		*flags |= FL_NX;
		if (tiny)
			*flags |= FL_UF;
	}
	if (fp_round_up(rm, sign, kept & 1, rem))
		kept++;
	if (e < f->emin) /* subnormal; a carry into bit mbits makes the smallest normal */
		return sbit | (uint64_t)kept;
	if (kept >> f->prec) {
		kept >>= 1;
		e++;
	}
	if (e > f->emax) {
		*flags |= FL_OF | FL_NX;
		if (rm == RM_RTZ || (rm == RM_RDN && !sign) || (rm == RM_RUP && sign))
			return fp_inf(f, sign) - 1; /* largest finite */
		return fp_inf(f, sign);
	}
	/* the exponent bias of a binary format equals emax */
	return sbit | (uint64_t)(e + f->emax) << f->mbits |
	       ((uint64_t)kept & ((1ULL << f->mbits) - 1));
}

/* Packs an unpacked non-NaN number into f (rounding only when it came from a wider format). */
static uint64_t fp_pack_num(const struct fp_fmt *f, const struct fp_num *a, int rm, unsigned *flags)
{
	switch (a->cls) {
	case FP_ZERO:
		return fp_zero(f, a->sign);
	case FP_INF:
		return fp_inf(f, a->sign);
	case FP_FINITE:
		return fp_round_pack(f, a->sign, a->exp - 63, a->sig, rm, flags);
	default:
		return f->qnan;
	}
}

/* Any NaN operand gives the canonical NaN; a signalling one raises NV. */
static bool fp_nan_in(const struct fp_num *a, const struct fp_num *b, const struct fp_num *c,
		      unsigned *flags)
{
	bool nan = fp_isnan(a) || (b && fp_isnan(b)) || (c && fp_isnan(c));

	if (a->cls == FP_SNAN || (b && b->cls == FP_SNAN) || (c && c->cls == FP_SNAN))
		*flags |= FL_NV;
	return nan;
}

/*
 * Adds two finite non-zero magnitudes given as A * 2^(ea - 125) with bit 125
 * of A set (likewise B); exact apart from the sticky bit of the smaller one.
 */
static uint64_t fp_add_aligned(const struct fp_fmt *f, bool sa, int ea, u128 a, bool sb, int eb,
			       u128 b, int rm, unsigned *flags)
{
	u128 sum;
	bool sign = sa;

	if (eb > ea || (eb == ea && b > a)) {
		u128 t = a;
		int te = ea;

		a = b, b = t, ea = eb, eb = te;
		sign = sb;
		sb = sa;
	}
	b = shr_jam128(b, ea - eb);
	sum = (sign == sb) ? a + b : a - b;
	if (!sum) /* exact cancellation */
		return fp_zero(f, rm == RM_RDN);
	return fp_round_pack(f, sign, ea - 125, sum, rm, flags);
}

static uint64_t fp_add(const struct fp_fmt *f, uint64_t x, uint64_t y, bool sub, int rm,
		       unsigned *flags)
{
	struct fp_num a = fp_unpack(f, x), b = fp_unpack(f, y);

	b.sign ^= sub;
	if (fp_nan_in(&a, &b, NULL, flags))
		return f->qnan;
	if (a.cls == FP_INF || b.cls == FP_INF) {
		if (a.cls == FP_INF && b.cls == FP_INF && a.sign != b.sign) {
			*flags |= FL_NV;
			return f->qnan;
		}
		return fp_inf(f, a.cls == FP_INF ? a.sign : b.sign);
	}
	if (a.cls == FP_ZERO && b.cls == FP_ZERO)
		return fp_zero(f, a.sign == b.sign ? a.sign : rm == RM_RDN);
	if (a.cls == FP_ZERO)
		return fp_pack_num(f, &b, rm, flags);
	if (b.cls == FP_ZERO)
		return fp_pack_num(f, &a, rm, flags);
	return fp_add_aligned(f, a.sign, a.exp, (u128)a.sig << 62, b.sign, b.exp, (u128)b.sig << 62,
			      rm, flags);
}

static uint64_t fp_mul(const struct fp_fmt *f, uint64_t x, uint64_t y, int rm, unsigned *flags)
{
	struct fp_num a = fp_unpack(f, x), b = fp_unpack(f, y);
	bool sign = a.sign ^ b.sign;

	if (fp_nan_in(&a, &b, NULL, flags))
		return f->qnan;
	if (a.cls == FP_INF || b.cls == FP_INF) {
		if (a.cls == FP_ZERO || b.cls == FP_ZERO) {
			*flags |= FL_NV;
			return f->qnan;
		}
		return fp_inf(f, sign);
	}
	if (a.cls == FP_ZERO || b.cls == FP_ZERO)
		return fp_zero(f, sign);
	return fp_round_pack(f, sign, a.exp + b.exp - 126, (u128)a.sig * b.sig, rm, flags);
}

/* (-1)^negp * x * y + (-1)^negc * z with a single rounding. */
static uint64_t fp_fma(const struct fp_fmt *f, uint64_t x, uint64_t y, uint64_t z, bool negp,
		       bool negc, int rm, unsigned *flags)
{
	struct fp_num a = fp_unpack(f, x), b = fp_unpack(f, y), c = fp_unpack(f, z);
	bool sp = a.sign ^ b.sign ^ negp;
	bool pinf = a.cls == FP_INF || b.cls == FP_INF;
	bool pzero = a.cls == FP_ZERO || b.cls == FP_ZERO;
	u128 prod;
	int ep, lz;

	c.sign ^= negc;
	/* inf * 0 is invalid even when the addend is a quiet NaN */
	if (!fp_isnan(&a) && !fp_isnan(&b) && pinf && pzero) {
		*flags |= FL_NV;
		fp_nan_in(&c, NULL, NULL, flags);
		return f->qnan;
	}
	if (fp_nan_in(&a, &b, &c, flags))
		return f->qnan;
	if (pinf) {
		if (c.cls == FP_INF && c.sign != sp) {
			*flags |= FL_NV;
			return f->qnan;
		}
		return fp_inf(f, sp);
	}
	if (c.cls == FP_INF)
		return fp_inf(f, c.sign);
	if (pzero) {
		if (c.cls == FP_ZERO)
			return fp_zero(f, sp == c.sign ? sp : rm == RM_RDN);
		return fp_pack_num(f, &c, rm, flags);
	}
	prod = (u128)a.sig * b.sig; /* exact: bit 126 or 127 is the leading one */
	lz = clz128(prod);
	ep = a.exp + b.exp + 1 - lz;	 /* exponent of the leading bit */
	prod = shr_jam128(prod, 2 - lz); /* leading bit to 125; only zero bits drop */
	if (c.cls == FP_ZERO)
		return fp_round_pack(f, sp, ep - 125, prod, rm, flags);
	return fp_add_aligned(f, sp, ep, prod, c.sign, c.exp, (u128)c.sig << 62, rm, flags);
}

static uint64_t fp_div(const struct fp_fmt *f, uint64_t x, uint64_t y, int rm, unsigned *flags)
{
	struct fp_num a = fp_unpack(f, x), b = fp_unpack(f, y);
	bool sign = a.sign ^ b.sign;
	u128 num, q;

	if (fp_nan_in(&a, &b, NULL, flags))
		return f->qnan;
	if (a.cls == FP_INF) {
		if (b.cls == FP_INF) {
			*flags |= FL_NV;
			return f->qnan;
		}
		return fp_inf(f, sign);
	}
	if (b.cls == FP_INF)
		return fp_zero(f, sign);
	if (b.cls == FP_ZERO) {
		if (a.cls == FP_ZERO) {
			*flags |= FL_NV;
			return f->qnan;
		}
		*flags |= FL_DZ;
		return fp_inf(f, sign);
	}
	if (a.cls == FP_ZERO)
		return fp_zero(f, sign);
	/* a.sig * 2^64 / b.sig lies in [2^63, 2^65): 64 bits or more of quotient */
	num = (u128)a.sig << 64;
	q = num / b.sig;
	q = (q << 1) | (num % b.sig != 0);
	return fp_round_pack(f, sign, a.exp - b.exp - 65, q, rm, flags);
}

/* floor(sqrt(n)), and whether it was exact. */
static uint64_t isqrt128(u128 n, bool *exact)
{
	u128 res = 0, one = (u128)1 << 126;

	while (one > n)
		one >>= 2;
	while (one) {
		if (n >= res + one) {
			n -= res + one;
			res = (res >> 1) + one;
		} else {
			res >>= 1;
		}
		one >>= 2;
	}
	*exact = n == 0;
	return (uint64_t)res;
}

static uint64_t fp_sqrt(const struct fp_fmt *f, uint64_t x, int rm, unsigned *flags)
{
	struct fp_num a = fp_unpack(f, x);
	int k, s;
	uint64_t r;
	bool exact;

	if (fp_nan_in(&a, NULL, NULL, flags))
		return f->qnan;
	if (a.cls == FP_ZERO)
		return fp_zero(f, a.sign);
	if (a.sign) {
		*flags |= FL_NV;
		return f->qnan;
	}
	if (a.cls == FP_INF)
		return fp_inf(f, false);
	/* value = sig * 2^k; scale sig by an s that makes k - s even, giving 64 root bits */
	k = a.exp - 63;
	s = (k & 1) ? 63 : 64;
	r = isqrt128((u128)a.sig << s, &exact);
	return fp_round_pack(f, false, (k - s) / 2 - 1, ((u128)r << 1) | !exact, rm, flags);
}

static uint64_t fp_convert(const struct fp_fmt *to, const struct fp_fmt *from, uint64_t x, int rm,
			   unsigned *flags)
{
	struct fp_num a = fp_unpack(from, x);

	if (fp_nan_in(&a, NULL, NULL, flags))
		return to->qnan;
	return fp_pack_num(to, &a, rm, flags);
}

/* Integer conversion kinds: the rs2 field of FCVT.int.fmt / FCVT.fmt.int. */
enum { CVT_W, CVT_WU, CVT_L, CVT_LU };

/* Float to integer: rounded with rm, saturated, NV (and no NX) when out of range. */
static uint64_t fp_to_int(const struct fp_fmt *f, uint64_t x, int kind, int rm, unsigned *flags)
{
	static const uint64_t max_pos[] = {INT32_MAX, UINT32_MAX, INT64_MAX, UINT64_MAX};
	static const uint64_t max_neg[] = {1ULL << 31, 0, 1ULL << 63, 0};
	struct fp_num a = fp_unpack(f, x);
	uint64_t mag = 0, res;
	bool over = false;
	int rem = REM_EXACT;

	if (fp_isnan(&a)) {
		a.sign = false;
		over = true;
	} else if (a.cls == FP_INF || (a.cls == FP_FINITE && a.exp > 63)) {
		over = true;
	} else if (a.cls == FP_FINITE) {
		int shift = 63 - a.exp;

		if (shift == 0) {
			mag = a.sig;
		} else {
			/* normalised sig in the top of a u128: shift counts from bit 127 */
			mag = (uint64_t)fp_split((u128)a.sig << 64, 64 + shift, &rem);
			if (fp_round_up(rm, a.sign, mag & 1, rem))
				mag++;
		}
		over = a.sign ? mag > max_neg[kind] : mag > max_pos[kind];
	}
	if (over) {
		*flags |= FL_NV;
		res = a.sign ? -max_neg[kind] : max_pos[kind];
	} else {
		if (rem != REM_EXACT)
			*flags |= FL_NX;
		res = a.sign ? -mag : mag;
	}
	if (kind == CVT_W || kind == CVT_WU) /* 32-bit results are sign-extended */
		res = (uint64_t)(int64_t)(int32_t)res;
	return res;
}

static uint64_t fp_from_int(const struct fp_fmt *f, uint64_t v, int kind, int rm, unsigned *flags)
{
	bool sign = false;

	if (kind == CVT_W)
		v = (uint64_t)(int64_t)(int32_t)v;
	else if (kind == CVT_WU)
		v = (uint32_t)v;
	if ((kind == CVT_W || kind == CVT_L) && (int64_t)v < 0) {
		sign = true;
		v = -v;
	}
	if (!v)
		return 0;
	return fp_round_pack(f, sign, 0, v, rm, flags);
}

/* Orders two non-NaN values, -0 == +0: returns <0, 0 or >0. */
static int fp_order(const struct fp_fmt *f, uint64_t x, uint64_t y)
{
	uint64_t sb = fp_sign_bit(f);
	uint64_t mx = x & ~sb, my = y & ~sb;
	int64_t kx, ky;

	if (!mx && !my)
		return 0;
	kx = (x & sb) ? -(int64_t)mx : (int64_t)mx;
	ky = (y & sb) ? -(int64_t)my : (int64_t)my;
	return (kx > ky) - (kx < ky);
}

/* FEQ (funct3 2) is quiet; FLT (1) and FLE (0) signal on any NaN. */
static int fp_compare(const struct fp_fmt *f, uint64_t x, uint64_t y, int op, unsigned *flags)
{
	struct fp_num a = fp_unpack(f, x), b = fp_unpack(f, y);
	int ord;

	if (fp_isnan(&a) || fp_isnan(&b)) {
		if (op != 2 || a.cls == FP_SNAN || b.cls == FP_SNAN)
			*flags |= FL_NV;
		return 0;
	}
	ord = fp_order(f, x, y);
	return op == 2 ? ord == 0 : op == 1 ? ord < 0 : ord <= 0;
}

/* IEEE 754-2019 minimumNumber / maximumNumber, with -0 < +0. */
static uint64_t fp_minmax(const struct fp_fmt *f, uint64_t x, uint64_t y, bool max, unsigned *flags)
{
	struct fp_num a = fp_unpack(f, x), b = fp_unpack(f, y);
	int ord;

	if (a.cls == FP_SNAN || b.cls == FP_SNAN)
		*flags |= FL_NV;
	if (fp_isnan(&a) && fp_isnan(&b))
		return f->qnan;
	if (fp_isnan(&a))
		return y;
	if (fp_isnan(&b))
		return x;
	ord = fp_order(f, x, y);
	if (ord == 0) /* equal, or zeros of either sign: -0 is the smaller */
		ord = (x & fp_sign_bit(f)) ? -1 : 1;
	return (ord < 0) != max ? x : y;
}

static uint64_t fp_classify(const struct fp_fmt *f, uint64_t x)
{
	struct fp_num a = fp_unpack(f, x);

	switch (a.cls) {
	case FP_INF:
		return a.sign ? 1 << 0 : 1 << 7;
	case FP_ZERO:
		return a.sign ? 1 << 3 : 1 << 4;
	case FP_FINITE:
		if (a.subnormal)
			return a.sign ? 1 << 2 : 1 << 5;
		return a.sign ? 1 << 1 : 1 << 6;
	case FP_SNAN:
		return 1 << 8;
	default:
		return 1 << 9;
	}
}

/* ---- decoding ---- */

#define BOX_S 0xffffffff00000000ULL

/* A single operand not NaN-boxed reads as the canonical NaN. */
static inline uint64_t fpu_read(const struct hart_state *s, const struct fp_fmt *f, int r)
{
	uint64_t v = s->f[r];

	if (f == &fmt_d)
		return v;
	return (v & BOX_S) == BOX_S ? (uint32_t)v : fmt_s.qnan;
}

static inline void fpu_write(struct hart_state *s, const struct fp_fmt *f, int r, uint64_t v)
{
	s->f[r] = f == &fmt_d ? v : (v | BOX_S);
}

static inline void fpu_write_x(struct hart_state *s, int r, uint64_t v)
{
	if (r)
		s->x[r] = v;
}

/* The effective rounding mode, or -1 when reserved. */
static inline int fpu_rm(const struct hart_state *s, uint32_t insn)
{
	int rm = (insn >> 12) & 7;

	if (rm == RM_DYN)
		rm = (s->fcsr >> 5) & 7;
	return rm <= RM_RMM ? rm : -1;
}

static int fpu_fused(struct hart_state *s, uint32_t insn, const struct fp_fmt *f, unsigned *flags)
{
	int rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31, rs2 = (insn >> 20) & 31;
	int rs3 = insn >> 27, rm = fpu_rm(s, insn);
	int op = (insn >> 2) & 3; /* 0 MADD, 1 MSUB, 2 NMSUB, 3 NMADD */

	if (rm < 0)
		return -1;
	fpu_write(s, f, rd,
		  fp_fma(f, fpu_read(s, f, rs1), fpu_read(s, f, rs2), fpu_read(s, f, rs3), op >= 2,
			 op == 1 || op == 3, rm, flags));
	return 0;
}

static int fpu_op(struct hart_state *s, uint32_t insn, const struct fp_fmt *f, unsigned *flags)
{
	int rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31, rs2 = (insn >> 20) & 31;
	int funct3 = (insn >> 12) & 7, funct5 = insn >> 27;
	const struct fp_fmt *g = f == &fmt_d ? &fmt_s : &fmt_d;
	uint64_t a = fpu_read(s, f, rs1), b = fpu_read(s, f, rs2), sb = fp_sign_bit(f);
	int rm = fpu_rm(s, insn);

	switch (funct5) {
	case FP_ADD:
	case FP_SUB:
		if (rm < 0)
			return -1;
		fpu_write(s, f, rd, fp_add(f, a, b, funct5 == FP_SUB, rm, flags));
		return 0;
	case FP_MUL:
		if (rm < 0)
			return -1;
		fpu_write(s, f, rd, fp_mul(f, a, b, rm, flags));
		return 0;
	case FP_DIV:
		if (rm < 0)
			return -1;
		fpu_write(s, f, rd, fp_div(f, a, b, rm, flags));
		return 0;
	case FP_SQRT:
		if (rm < 0 || rs2)
			return -1;
		fpu_write(s, f, rd, fp_sqrt(f, a, rm, flags));
		return 0;
	case FP_SGNJ: /* FSGNJ, FSGNJN, FSGNJX: no flags, NaNs untouched */
		if (funct3 > 2)
			return -1;
		if (funct3 == 1)
			b ^= sb;
		else if (funct3 == 2)
			b ^= a;
		fpu_write(s, f, rd, (a & ~sb) | (b & sb));
		return 0;
	case FP_MINMAX:
		if (funct3 > 1)
			return -1;
		fpu_write(s, f, rd, fp_minmax(f, a, b, funct3, flags));
		return 0;
	case FP_CVT_FMT: /* FCVT.S.D (fmt S, rs2 1), FCVT.D.S (fmt D, rs2 0) */
		if (rm < 0 || rs2 != (f == &fmt_s))
			return -1;
		fpu_write(s, f, rd, fp_convert(f, g, fpu_read(s, g, rs1), rm, flags));
		return 0;
	case FP_CMP: /* FLE, FLT, FEQ */
		if (funct3 > 2)
			return -1;
		fpu_write_x(s, rd, fp_compare(f, a, b, funct3, flags));
		return 0;
	case FP_CVT_INT:
		if (rm < 0 || rs2 > CVT_LU)
			return -1;
		fpu_write_x(s, rd, fp_to_int(f, a, rs2, rm, flags));
		return 0;
	case FP_CVT_FROM:
		if (rm < 0 || rs2 > CVT_LU)
			return -1;
		fpu_write(s, f, rd, fp_from_int(f, s->x[rs1], rs2, rm, flags));
		return 0;
	case FP_MV_X: /* FMV.X.fmt (raw bits, sign-extended), FCLASS */
		if (rs2 || funct3 > 1)
			return -1;
		if (funct3 == 1)
			fpu_write_x(s, rd, fp_classify(f, a));
		else if (f == &fmt_s)
			fpu_write_x(s, rd, (uint64_t)(int64_t)(int32_t)s->f[rs1]);
		else
			fpu_write_x(s, rd, s->f[rs1]);
		return 0;
	case FP_MV_F:
		if (rs2 || funct3)
			return -1;
		fpu_write(s, f, rd, f == &fmt_s ? (uint32_t)s->x[rs1] : s->x[rs1]);
		return 0;
	default:
		return -1;
	}
}

int fpu_execute(struct hart_state *s, uint32_t insn)
{
	unsigned fmt = (insn >> 25) & 3, flags = 0;
	const struct fp_fmt *f;
	int ret;

	if (fmt > 1) /* half and quad precision are not implemented */
		return -1;
	f = fmt ? &fmt_d : &fmt_s;
	switch (insn & OPC_MASK) {
	case OPC_MADD:
	case OPC_MSUB:
	case OPC_NMSUB:
	case OPC_NMADD:
		ret = fpu_fused(s, insn, f, &flags);
		break;
	case OPC_OP_FP:
		ret = fpu_op(s, insn, f, &flags);
		break;
	default:
		return -1;
	}
	if (!ret)
		s->fcsr |= flags;
	return ret;
}
