// SPDX-License-Identifier: MIT
/*
 * Differential test of the F/D unit against a reference RISC-V FPU.
 *
 * Every F and D instruction (OP-FP and the fused multiply-adds) runs on
 * NVEC generated operand sets per block of (instruction, rounding mode,
 * static or dynamic rm), with operands biased towards the corners: zeros,
 * subnormals, the underflow and overflow thresholds, NaNs of both kinds,
 * ties, cancellation in additions and fused multiply-adds, integer limits,
 * single operands that are not NaN-boxed.  A hash of the results, fflags and
 * traps per block is compared with tests/unit/fpu_random.h, which this same
 * file printed when built bare-metal (see fpu_harness.h) and run on QEMU,
 * whose softfloat follows the ISA manual bit for bit:
 *
 *	riscv64-unknown-elf-gcc -O2 -march=rv64gc -mabi=lp64d -mcmodel=medany \
 *		-ffreestanding -nostdlib -T tests/isa/link.ld -o /tmp/fpu_random.elf \
 *		tests/unit/fpu_random.c
 *	qemu-system-riscv64 -M spike -bios none -nographic \
 *		-kernel /tmp/fpu_random.elf > tests/unit/fpu_random.h
 *
 * Add -DFPU_DUMP=N to print every vector of block N instead; the host build
 * prints the same lines for the blocks that differ when run with -v.
 */
#include "fpu_harness.h"

enum {
	K_RM = 1,    /* funct3 is the rounding mode */
	K_RD_X = 2,  /* result in x5 rather than f3 */
	K_RS1_X = 4, /* first operand from x6 */
	K_RS2 = 8,   /* rs2 is f1 (else a fixed field) */
	K_RS3 = 16,  /* rs3 is f2 */
	K_SRC_S = 32,
	K_SRC_D = 64, /* format of the f operands */
	K_TO_INT = 128,
};

struct op {
	const char *name;
	uint32_t enc; /* register fields zero; rm field zero for K_RM */
	unsigned kind;
};

#define R(f7, rs2, f3) (((uint32_t)(f7) << 25) | ((rs2) << 20) | ((f3) << 12) | 0x53)
#define R4(opc, fmt)   (((uint32_t)(fmt) << 25) | (opc))

#define FP_OPS(S, f, SRC)                                                                          \
	{"fadd." S, R(0x00 | f, 0, 0), K_RM | K_RS2 | SRC},                                        \
	    {"fsub." S, R(0x04 | f, 0, 0), K_RM | K_RS2 | SRC},                                    \
	    {"fmul." S, R(0x08 | f, 0, 0), K_RM | K_RS2 | SRC},                                    \
	    {"fdiv." S, R(0x0c | f, 0, 0), K_RM | K_RS2 | SRC},                                    \
	    {"fsqrt." S, R(0x2c | f, 0, 0), K_RM | SRC},                                           \
	    {"fsgnj." S, R(0x10 | f, 0, 0), K_RS2 | SRC},                                          \
	    {"fsgnjn." S, R(0x10 | f, 0, 1), K_RS2 | SRC},                                         \
	    {"fsgnjx." S, R(0x10 | f, 0, 2), K_RS2 | SRC},                                         \
	    {"fmin." S, R(0x14 | f, 0, 0), K_RS2 | SRC},                                           \
	    {"fmax." S, R(0x14 | f, 0, 1), K_RS2 | SRC},                                           \
	    {"feq." S, R(0x50 | f, 0, 2), K_RD_X | K_RS2 | SRC},                                   \
	    {"flt." S, R(0x50 | f, 0, 1), K_RD_X | K_RS2 | SRC},                                   \
	    {"fle." S, R(0x50 | f, 0, 0), K_RD_X | K_RS2 | SRC},                                   \
	    {"fcvt.w." S, R(0x60 | f, 0, 0), K_RM | K_RD_X | K_TO_INT | SRC},                      \
	    {"fcvt.wu." S, R(0x60 | f, 1, 0), K_RM | K_RD_X | K_TO_INT | SRC},                     \
	    {"fcvt.l." S, R(0x60 | f, 2, 0), K_RM | K_RD_X | K_TO_INT | SRC},                      \
	    {"fcvt.lu." S, R(0x60 | f, 3, 0), K_RM | K_RD_X | K_TO_INT | SRC},                     \
	    {"fcvt." S ".w", R(0x68 | f, 0, 0), K_RM | K_RS1_X},                                   \
	    {"fcvt." S ".wu", R(0x68 | f, 1, 0), K_RM | K_RS1_X},                                  \
	    {"fcvt." S ".l", R(0x68 | f, 2, 0), K_RM | K_RS1_X},                                   \
	    {"fcvt." S ".lu", R(0x68 | f, 3, 0), K_RM | K_RS1_X},                                  \
	    {"fmv.x." S, R(0x70 | f, 0, 0), K_RD_X | SRC},                                         \
	    {"fclass." S, R(0x70 | f, 0, 1), K_RD_X | SRC},                                        \
	    {"fmv." S ".x", R(0x78 | f, 0, 0), K_RS1_X},                                           \
	    {"fmadd." S, R4(0x43, f), K_RM | K_RS2 | K_RS3 | SRC},                                 \
	    {"fmsub." S, R4(0x47, f), K_RM | K_RS2 | K_RS3 | SRC},                                 \
	    {"fnmsub." S, R4(0x4b, f), K_RM | K_RS2 | K_RS3 | SRC},                                \
	{                                                                                          \
		"fnmadd." S, R4(0x4f, f), K_RM | K_RS2 | K_RS3 | SRC                               \
	}

static const struct op ops[] = {
    FP_OPS("s", 0, K_SRC_S),
    FP_OPS("d", 1, K_SRC_D),
    {"fcvt.s.d", R(0x20, 1, 0), K_RM | K_SRC_D},
    {"fcvt.d.s", R(0x21, 0, 0), K_RM | K_SRC_S},
};

#define NOPS (sizeof(ops) / sizeof(ops[0]))
#ifndef NVEC	  /* (-DNVEC=n -DSEED=s for a longer one-off campaign) */
#define NVEC 8000 /* per block: (op, rm, static/dynamic) */
#endif
#ifndef SEED
#define SEED 0x9e3779b97f4a7c15ULL
#endif
#define NOPBLOCKS (NOPS * 5 * 2)
/* then the decoder: one block per OP-FP funct7, one for the fused forms */
#define NBLOCKS (NOPBLOCKS + 128 + 1)

static uint32_t op_encode(const struct op *o, unsigned rm)
{
	uint32_t e = o->enc;

	e |= (o->kind & K_RD_X ? 5u : 3u) << 7;
	e |= (o->kind & K_RS1_X ? 6u : 0u) << 15;
	if (o->kind & K_RS2)
		e |= 1u << 20;
	if (o->kind & K_RS3)
		e |= 2u << 27;
	if (o->kind & K_RM)
		e |= rm << 12;
	return e;
}

/* ---- operand generator (xorshift64*, shared by both builds) ---- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned rng_below(unsigned n)
{
	return (unsigned)((rng() >> 32) % n);
}

/* A float of the given format, biased towards the interesting corners. */
static uint64_t gen_float(bool dbl, int near_exp)
{
	int mbits = dbl ? 52 : 23, bias = dbl ? 1023 : 127, emax = 2 * bias + 1;
	uint64_t mmask = (1ULL << mbits) - 1, sign = rng() & 1, mant, bexp;
	unsigned c = rng_below(16);

	if (c == 0) /* raw bits */
		return rng() & (dbl ? ~0ULL : 0xffffffffULL);
	switch (rng_below(8)) {
	case 0:
		mant = 0;
		break;
	case 1:
		mant = mmask;
		break;
	case 2:
		mant = 1ULL << rng_below(mbits);
		break;
	case 3:
		mant = mmask >> rng_below(mbits);
		break;
	case 4:
		mant = (rng() & mmask) | 1;
		break;
	case 5:
		mant = mmask ^ (1ULL << rng_below(mbits));
		break;
	default:
		mant = rng() & mmask;
		break;
	}
	switch (c) {
	case 1: /* zero or subnormal */
		bexp = 0;
		break;
	case 2: /* infinity or NaN */
		bexp = emax;
		if (rng() & 1)
			mant = rng_below(2) ? 0 : (1ULL << (mbits - 1)); /* inf, canonical NaN */
		break;
	case 3:
	case 4: /* around the smallest normal */
		bexp = rng_below(4);
		break;
	case 5:
	case 6: /* around overflow */
		bexp = emax - 1 - rng_below(3);
		break;
	case 7:
	case 8:
	case 9:
	case 10: /* around a given exponent (other operand, integer limits) */
		bexp = (uint64_t)(near_exp + bias + (int)rng_below(7) - 3);
		if ((int64_t)bexp < 1 || (int64_t)bexp >= emax)
			bexp = 1 + rng_below(emax - 1);
		break;
	case 11:
	case 12: /* near 1 */
		bexp = bias - 2 + rng_below(5);
		break;
	default:
		bexp = 1 + rng_below(emax - 1);
		break;
	}
	return (sign << (mbits + (dbl ? 11 : 8))) | (bexp << mbits) | (mant & mmask);
}

static int float_exp(bool dbl, uint64_t v)
{
	return dbl ? (int)((v >> 52) & 0x7ff) - 1023 : (int)((v >> 23) & 0xff) - 127;
}

static uint64_t gen_int(void)
{
	int sh = rng_below(64);
	uint64_t v;

	switch (rng_below(6)) {
	case 0:
		return rng();
	case 1:
		return rng() >> sh;
	case 2:
		return (1ULL << sh) + rng_below(5) - 2;
	case 3:
		return -(rng() >> sh);
	case 4:
		return (uint64_t)(int64_t)(int32_t)rng();
	default:
		v = rng() >> sh;
		return v | ((rng() & 1) << 63);
	}
}

/* A single-precision value is NaN-boxed, except now and then. */
static uint64_t box(bool single, uint64_t v)
{
	if (!single)
		return v;
	if (rng_below(40) == 0)
		return (rng() << 32) | (uint32_t)v;
	return v | 0xffffffff00000000ULL;
}

static void gen_operands(const struct op *o, uint64_t in[3])
{
	bool dbl = o->kind & K_SRC_D, single = o->kind & K_SRC_S;
	int e;

	if (o->kind & K_RS1_X) {
		in[0] = gen_int();
		in[1] = in[2] = 0;
		return;
	}
	if (o->kind & K_TO_INT) {
		static const int lim[] = {0, 1, 30, 31, 32, 52, 62, 63, 64, -1};

		in[0] = box(single, gen_float(dbl, lim[rng_below(10)]));
		in[1] = in[2] = 0;
		return;
	}
	in[0] = gen_float(dbl, 0);
	e = float_exp(dbl, in[0]);
	in[1] = gen_float(dbl, e + (int)rng_below(dbl ? 60 : 30) - (dbl ? 30 : 15));
	/* an addend near the product makes cancellation likely */
	in[2] = gen_float(dbl, e + float_exp(dbl, in[1]));
	if ((o->kind & K_RS3) && rng_below(4) == 0) {
		/* the addend cancels the product's high part */
		in[2] ^= (rng() & 1) << (dbl ? 63 : 31);
	}
	if (!(o->kind & K_RS3) && rng_below(6) == 0) { /* b close to +-a */
		in[1] = in[0] ^ (rng() & 3);
		in[1] ^= (rng() & 1) << (dbl ? 63 : 31);
	}
	in[0] = box(single, in[0]);
	in[1] = box(single, in[1]);
	in[2] = box(single, in[2]);
}

static uint64_t hash_mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x100000001b3ULL;
	return h ^ (h >> 29);
}

static const char *block_name(unsigned b)
{
	return b < NOPBLOCKS ? ops[b / 10].name : b < NBLOCKS - 1 ? "op-fp" : "fused";
}

/*
 * Decoder blocks: every rs2 and funct3 of one OP-FP funct7 (or every fmt and
 * rm of the four fused opcodes), with frm valid, reserved and DYN (7), so
 * that reserved encodings and rounding modes trap exactly where they should.
 */
static uint64_t run_decode_block(unsigned d, bool verbose)
{
	static const uint64_t frms[] = {1, 5, 7};
	uint64_t h = 0xcbf29ce484222325ULL;
	struct fpu_io io;

	rng_state = 0x51afd7ed558ccd1dULL * (d + 1);
	for (unsigned i = 0; i < (d < 128 ? 32 * 8 : 4 * 4 * 8); i++) {
		for (unsigned k = 0; k < 3; k++) {
			uint32_t insn;

			if (d < 128)
				insn = (d << 25) | ((i >> 3) << 20) | (FPU_RS1_F << 15) |
				       ((i & 7) << 12) | (FPU_RD_F << 7) | 0x53;
			else
				insn = (FPU_RS3 << 27) | ((i >> 5) << 25) | (FPU_RS2 << 20) |
				       (FPU_RS1_F << 15) | ((i & 7) << 12) | (FPU_RD_F << 7) |
				       (0x43 + 4 * ((i >> 3) & 3));
			for (int j = 0; j < 3; j++) { /* (one call per statement: a fixed order) */
				bool dbl = rng() & 1;

				io.in[j] = gen_float(dbl, 0);
				io.in[j] = box(!dbl, io.in[j]);
			}
			io.frm = frms[k];
			fpu_run(insn, &io);
			h = hash_mix(hash_mix(hash_mix(hash_mix(h, io.f), io.x), io.flags),
				     io.trap);
			if (verbose)
				fpu_show(block_name(NOPBLOCKS + d), insn, &io);
		}
	}
	return h;
}

/* Runs block b: op b / 10, rounding mode (b / 2) % 5, static rm if b odd. */
static uint64_t run_block(unsigned b, bool verbose)
{
	const struct op *o = &ops[b < NOPBLOCKS ? b / 10 : 0];
	unsigned rm = (b / 2) % 5;
	bool stat = (b & 1) && (o->kind & K_RM);
	uint32_t insn = op_encode(o, stat ? rm : 7);
	uint64_t h = 0xcbf29ce484222325ULL;
	struct fpu_io io;

	if (b >= NOPBLOCKS)
		return run_decode_block(b - NOPBLOCKS, verbose);
	rng_state = SEED * (b + 1);
	for (unsigned i = 0; i < NVEC; i++) {
		gen_operands(o, io.in);
		/* with a static rm, frm holds another valid mode that must not matter */
		io.frm = stat ? (rm + 1 + rng_below(4)) % 5 : rm;
		fpu_run(insn, &io);
		h = hash_mix(hash_mix(hash_mix(hash_mix(h, io.f), io.x), io.flags), io.trap);
		if (verbose)
			fpu_show(o->name, insn, &io);
	}
	return h;
}

#ifdef __riscv

int main(void)
{
#ifdef FPU_DUMP /* -DFPU_DUMP=block: every vector of one block */
	run_block(FPU_DUMP, true);
	return 0;
#endif
	fpu_puts("/* generated by tests/unit/fpu_random.c on a reference FPU: do not edit */\n");
	fpu_puts("/* clang-format off */\n");
	for (unsigned b = 0; b < NBLOCKS; b++) {
		fpu_puts("0x");
		fpu_puthex(run_block(b, false), 16);
		fpu_puts(", /* ");
		fpu_puts(block_name(b));
		fpu_puts(" */\n");
	}
	return 0;
}

#else /* the host unit test */

static const uint64_t expected[] = {
#include "fpu_random.h"
};

int main(int argc, char **argv)
{
	bool verbose = argc > 1 && !strcmp(argv[1], "-v");
	unsigned bad = 0;

	if (verbose && argc > 2) { /* -v N: every vector of block N, like FPU_DUMP */
		run_block((unsigned)strtoul(argv[2], NULL, 0), true);
		return 0;
	}

	if (sizeof(expected) / sizeof(expected[0]) != NBLOCKS) {
		fprintf(stderr, "fpu_random.h has %zu blocks, want %zu\n",
			sizeof(expected) / sizeof(expected[0]), (size_t)NBLOCKS);
		return 1;
	}
	for (unsigned b = 0; b < NBLOCKS; b++) {
		if (run_block(b, false) == expected[b])
			continue;
		bad++;
		fprintf(stderr, "block %u differs: %s rm %u %s\n", b, block_name(b), (b / 2) % 5,
			(b & 1) ? "static" : "dynamic");
		if (verbose)
			run_block(b, true);
	}
	if (bad)
		fprintf(stderr, "%u of %zu blocks differ from the reference\n", bad,
			(size_t)NBLOCKS);
	return bad != 0;
}

#endif
