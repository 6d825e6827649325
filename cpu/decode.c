// SPDX-License-Identifier: MIT
/*
 * Decoding into the decode cache: the common integer instructions get an
 * operation of their own with their fields and immediate extracted once;
 * everything else (system, atomics, floating point, reserved encodings)
 * is OP_SLOW and goes through the general exec() path.
 */
#include "cpu/internal.h"

#include "cpu/hart.h"

static uint8_t decode_op_imm(uint32_t e)
{
	unsigned f3 = (e >> 12) & 7;

	switch (f3) {
	case 1:
		return (e >> 26) == 0 ? OP_SLLI : OP_SLOW;
	case 5:
		if ((e >> 26) == 0)
			return OP_SRLI;
		return (e >> 26) == 0x10 ? OP_SRAI : OP_SLOW;
	}
	static const uint8_t ops[8] = {OP_ADDI, 0, OP_SLTI, OP_SLTIU, OP_XORI, 0, OP_ORI, OP_ANDI};
	return ops[f3];
}

static uint8_t decode_op_imm32(uint32_t e)
{
	unsigned f3 = (e >> 12) & 7, f7 = e >> 25;

	if (f3 == 0)
		return OP_ADDIW;
	if (f3 == 1 && f7 == 0)
		return OP_SLLIW;
	if (f3 == 5 && f7 == 0)
		return OP_SRLIW;
	if (f3 == 5 && f7 == 0x20)
		return OP_SRAIW;
	return OP_SLOW;
}

static uint8_t decode_op(uint32_t e)
{
	static const uint8_t ops[8] = {OP_ADD, OP_SLL, OP_SLT, OP_SLTU,
				       OP_XOR, OP_SRL, OP_OR,  OP_AND};
	unsigned f3 = (e >> 12) & 7, f7 = e >> 25;

	if (f7 == 0)
		return ops[f3];
	if (f7 == 1)
		return OP_MULDIV;
	if (f7 == 0x20 && f3 == 0)
		return OP_SUB;
	if (f7 == 0x20 && f3 == 5)
		return OP_SRA;
	return OP_SLOW;
}

static uint8_t decode_op32(uint32_t e)
{
	unsigned f3 = (e >> 12) & 7, f7 = e >> 25;

	if (f7 == 0)
		return f3 == 0 ? OP_ADDW : f3 == 1 ? OP_SLLW : f3 == 5 ? OP_SRLW : OP_SLOW;
	if (f7 == 0x20)
		return f3 == 0 ? OP_SUBW : f3 == 5 ? OP_SRAW : OP_SLOW;
	if (f7 == 1 && (f3 == 0 || f3 >= 4))
		return OP_MULDIVW;
	return OP_SLOW;
}

/* The S-type layout of a 12-bit immediate, around the fields of e it keeps. */
static uint32_t pack_s(uint32_t e, uint32_t imm)
{
	return (e & 0x01fff000) | (imm & 31) << 7 | ((imm >> 5) & 0x7f) << 25;
}

/* The operation of a valid 32-bit instruction e, rearranging its immediate in *w. */
static uint8_t decode_op_of(uint32_t e, uint32_t *w)
{
	unsigned f3 = (e >> 12) & 7;

	switch (e & 0x7f) {
	case 0x37:
		return OP_LUI;
	case 0x17:
		return OP_AUIPC;
	case 0x6f:
		*w = (e & 0xf80) | (uint32_t)(imm_j(e) >> 1) << 12;
		return OP_JAL;
	case 0x67:
		return f3 == 0 ? OP_JALR : OP_SLOW;
	case 0x63:
		if (f3 == 2 || f3 == 3)
			return OP_SLOW;
		*w = pack_s(e, (uint32_t)(imm_b(e) >> 1));
		static const uint8_t br[8] = {OP_BEQ, OP_BNE, 0,       0,
					      OP_BLT, OP_BGE, OP_BLTU, OP_BGEU};
		return br[f3];
	case 0x03:
		return f3 != 7 ? (uint8_t)(OP_LB + f3) : OP_SLOW;
	case 0x23:
		return f3 <= 3 ? (uint8_t)(OP_SB + f3) : OP_SLOW;
	case 0x13:
		return decode_op_imm(e);
	case 0x1b:
		return decode_op_imm32(e);
	case 0x33:
		return decode_op(e);
	case 0x3b:
		return decode_op32(e);
	}
	return OP_SLOW;
}

uint32_t decode_insn(uint32_t raw)
{
	bool rvc = (raw & 3) != 3;
	uint32_t e = rvc ? rvc_expand((uint16_t)raw) : raw;
	uint32_t w = e;
	uint8_t op;

	if (!e)
		return DOP(OP_ILLEGAL, rvc ? 2 : 4);
	op = decode_op_of(e, &w);
	if (W_RD(w) == 0 && op != OP_SLOW) { /* the interpreter never writes x0 */
		if (op == OP_JAL)
			op = OP_J;
		else if (op == OP_JALR)
			op = OP_JR;
		else if (op == OP_LUI || op == OP_AUIPC || (op >= OP_ADDI && op <= OP_MULDIVW))
			op = OP_NOP;
	}
	return (w & ~(uint32_t)DOP_MASK) | DOP(op, rvc ? 2 : 4);
}
