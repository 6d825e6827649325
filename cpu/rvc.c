// SPDX-License-Identifier: MIT
/*
 * The C extension: each 16-bit instruction is expanded to the 32-bit
 * instruction it stands for, which the interpreter then executes (with a
 * length of 2).  Reserved encodings expand to 0, which is illegal.
 */
#include "cpu/internal.h"

#define BIT(c, n)	(((c) >> (n)) & 1U)
#define BITS(c, hi, lo) (((c) >> (lo)) & ((1U << ((hi) - (lo) + 1)) - 1))
#define RP(c, lo)	(8 + BITS(c, (lo) + 2, lo)) /* x8..x15 */

static uint32_t enc_i(uint32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned op)
{
	return (imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_s(uint32_t imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned op)
{
	return ((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 0x1f) << 7 |
	       op;
}

static uint32_t enc_r(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
		      unsigned op)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_b(uint32_t imm, unsigned rs2, unsigned rs1, unsigned f3)
{
	return BIT(imm, 12) << 31 | BITS(imm, 10, 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       BITS(imm, 4, 1) << 8 | BIT(imm, 11) << 7 | OPC_BRANCH;
}

static uint32_t enc_j(uint32_t imm, unsigned rd)
{
	return BIT(imm, 20) << 31 | BITS(imm, 10, 1) << 21 | BIT(imm, 11) << 20 |
	       BITS(imm, 19, 12) << 12 | rd << 7 | OPC_JAL;
}

/* sign-extends the low bits of a 32-bit immediate */
static uint32_t sx(uint32_t v, int bits)
{
	return (uint32_t)sext(v, bits);
}

static uint32_t rvc_q0(uint32_t c)
{
	unsigned rd = RP(c, 2), rs1 = RP(c, 7);
	uint32_t ld = BITS(c, 12, 10) << 3 | BITS(c, 6, 5) << 6; /* C.LD/C.FLD offset */
	uint32_t lw = BITS(c, 12, 10) << 3 | BIT(c, 6) << 2 | BIT(c, 5) << 6;

	switch (BITS(c, 15, 13)) {
	case 0: { /* C.ADDI4SPN */
		uint32_t imm =
		    BIT(c, 6) << 2 | BIT(c, 5) << 3 | BITS(c, 12, 11) << 4 | BITS(c, 10, 7) << 6;
		return imm ? enc_i(imm, 2, 0, rd, OPC_OP_IMM) : 0;
	}
	case 1:
		return enc_i(ld, rs1, 3, rd, OPC_LOAD_FP); /* C.FLD */
	case 2:
		return enc_i(lw, rs1, 2, rd, OPC_LOAD); /* C.LW */
	case 3:
		return enc_i(ld, rs1, 3, rd, OPC_LOAD); /* C.LD */
	case 5:
		return enc_s(ld, rd, rs1, 3, OPC_STORE_FP); /* C.FSD */
	case 6:
		return enc_s(lw, rd, rs1, 2, OPC_STORE); /* C.SW */
	case 7:
		return enc_s(ld, rd, rs1, 3, OPC_STORE); /* C.SD */
	}
	return 0;
}

static uint32_t rvc_q1(uint32_t c)
{
	unsigned rd = BITS(c, 11, 7), rdp = RP(c, 7), rs2p = RP(c, 2);
	uint32_t imm6 = sx(BIT(c, 12) << 5 | BITS(c, 6, 2), 6);

	switch (BITS(c, 15, 13)) {
	case 0:
		return enc_i(imm6, rd, 0, rd, OPC_OP_IMM); /* C.ADDI (C.NOP) */
	case 1:
		return rd ? enc_i(imm6, rd, 0, rd, OPC_OP_IMM_32) : 0; /* C.ADDIW */
	case 2:
		return enc_i(imm6, 0, 0, rd, OPC_OP_IMM); /* C.LI */
	case 3:
		if (rd == 2) { /* C.ADDI16SP */
			uint32_t imm = BIT(c, 12) << 9 | BIT(c, 6) << 4 | BIT(c, 5) << 6 |
				       BITS(c, 4, 3) << 7 | BIT(c, 2) << 5;
			return imm ? enc_i(sx(imm, 10), 2, 0, 2, OPC_OP_IMM) : 0;
		}
		if (!imm6)
			return 0;
		return (imm6 << 12) | rd << 7 | OPC_LUI; /* C.LUI */
	case 4:
		switch (BITS(c, 11, 10)) {
		case 0: /* C.SRLI */
			return enc_i(BIT(c, 12) << 5 | BITS(c, 6, 2), rdp, 5, rdp, OPC_OP_IMM);
		case 1: /* C.SRAI */
			return enc_i(0x400 | BIT(c, 12) << 5 | BITS(c, 6, 2), rdp, 5, rdp,
				     OPC_OP_IMM);
		case 2: /* C.ANDI */
			return enc_i(imm6, rdp, 7, rdp, OPC_OP_IMM);
		}
		if (!BIT(c, 12)) {
			static const uint8_t f3[4] = {0, 4, 6, 7};
			unsigned op = BITS(c, 6, 5);
			return enc_r(op == 0 ? F7_ALT : F7_BASE, rs2p, rdp, f3[op], rdp, OPC_OP);
		}
		if (BITS(c, 6, 5) == 0) /* C.SUBW */
			return enc_r(F7_ALT, rs2p, rdp, 0, rdp, OPC_OP_32);
		if (BITS(c, 6, 5) == 1) /* C.ADDW */
			return enc_r(0, rs2p, rdp, 0, rdp, OPC_OP_32);
		return 0;
	case 5: { /* C.J */
		uint32_t off = BIT(c, 12) << 11 | BIT(c, 11) << 4 | BITS(c, 10, 9) << 8 |
			       BIT(c, 8) << 10 | BIT(c, 7) << 6 | BIT(c, 6) << 7 |
			       BITS(c, 5, 3) << 1 | BIT(c, 2) << 5;
		return enc_j(sx(off, 12), 0);
	}
	default: { /* C.BEQZ, C.BNEZ */
		uint32_t off = BIT(c, 12) << 8 | BITS(c, 11, 10) << 3 | BITS(c, 6, 5) << 6 |
			       BITS(c, 4, 3) << 1 | BIT(c, 2) << 5;
		return enc_b(sx(off, 9), 0, rdp, BITS(c, 15, 13) == 6 ? 0 : 1);
	}
	}
}

static uint32_t rvc_q2(uint32_t c)
{
	unsigned rd = BITS(c, 11, 7), rs2 = BITS(c, 6, 2);
	uint32_t ldsp = BIT(c, 12) << 5 | BITS(c, 6, 5) << 3 | BITS(c, 4, 2) << 6;
	uint32_t lwsp = BIT(c, 12) << 5 | BITS(c, 6, 4) << 2 | BITS(c, 3, 2) << 6;
	uint32_t sdsp = BITS(c, 12, 10) << 3 | BITS(c, 9, 7) << 6;
	uint32_t swsp = BITS(c, 12, 9) << 2 | BITS(c, 8, 7) << 6;

	switch (BITS(c, 15, 13)) {
	case 0: /* C.SLLI */
		return enc_i(BIT(c, 12) << 5 | rs2, rd, 1, rd, OPC_OP_IMM);
	case 1:
		return enc_i(ldsp, 2, 3, rd, OPC_LOAD_FP); /* C.FLDSP */
	case 2:
		return rd ? enc_i(lwsp, 2, 2, rd, OPC_LOAD) : 0; /* C.LWSP */
	case 3:
		return rd ? enc_i(ldsp, 2, 3, rd, OPC_LOAD) : 0; /* C.LDSP */
	case 4:
		if (!BIT(c, 12)) {
			if (rs2)
				return enc_r(0, rs2, 0, 0, rd, OPC_OP); /* C.MV */
			return rd ? enc_i(0, rd, 0, 0, OPC_JALR) : 0;	/* C.JR */
		}
		if (rs2)
			return enc_r(0, rs2, rd, 0, rd, OPC_OP); /* C.ADD */
		if (rd)
			return enc_i(0, rd, 0, 1, OPC_JALR); /* C.JALR */
		return INSN_EBREAK;
	case 5:
		return enc_s(sdsp, rs2, 2, 3, OPC_STORE_FP); /* C.FSDSP */
	case 6:
		return enc_s(swsp, rs2, 2, 2, OPC_STORE); /* C.SWSP */
	default:
		return enc_s(sdsp, rs2, 2, 3, OPC_STORE); /* C.SDSP */
	}
}

uint32_t rvc_expand(uint16_t c)
{
	switch (c & 3) {
	case 0:
		return rvc_q0(c);
	case 1:
		return rvc_q1(c);
	default:
		return rvc_q2(c);
	}
}
