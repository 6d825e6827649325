// SPDX-License-Identifier: MIT
/*
 * Decoding into the decode cache: the common integer instructions get an
 * operation of their own with their fields and immediate extracted once;
 * everything else (system, atomics, floating point, reserved encodings)
 * is OP_SLOW and goes through the general exec() path.
 */
#include "cpu/internal.h"

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
	if (f3 == 1 && f7 == F7_BASE)
		return OP_SLLIW;
	if (f3 == 5 && f7 == F7_BASE)
		return OP_SRLIW;
	if (f3 == 5 && f7 == F7_ALT)
		return OP_SRAIW;
	return OP_SLOW;
}

static uint8_t decode_op(uint32_t e)
{
	static const uint8_t ops[8] = {OP_ADD, OP_SLL, OP_SLT, OP_SLTU,
				       OP_XOR, OP_SRL, OP_OR,  OP_AND};
	unsigned f3 = (e >> 12) & 7, f7 = e >> 25;

	if (f7 == F7_BASE)
		return ops[f3];
	if (f7 == F7_MULDIV)
		return OP_MULDIV;
	if (f7 == F7_ALT && f3 == 0)
		return OP_SUB;
	if (f7 == F7_ALT && f3 == 5)
		return OP_SRA;
	return OP_SLOW;
}

static uint8_t decode_op32(uint32_t e)
{
	unsigned f3 = (e >> 12) & 7, f7 = e >> 25;

	if (f7 == F7_BASE)
		return f3 == 0 ? OP_ADDW : f3 == 1 ? OP_SLLW : f3 == 5 ? OP_SRLW : OP_SLOW;
	if (f7 == F7_ALT)
		return f3 == 0 ? OP_SUBW : f3 == 5 ? OP_SRAW : OP_SLOW;
	if (f7 == F7_MULDIV && (f3 == 0 || f3 >= 4))
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

	switch (e & OPC_MASK) {
	case OPC_LUI:
		return OP_LUI;
	case OPC_AUIPC:
		return OP_AUIPC;
	case OPC_JAL:
		*w = (e & 0xf80) | (uint32_t)(imm_j(e) >> 1) << 12;
		return OP_JAL;
	case OPC_JALR:
		return f3 == 0 ? OP_JALR : OP_SLOW;
	case OPC_BRANCH:
		if (f3 == 2 || f3 == 3)
			return OP_SLOW;
		*w = pack_s(e, (uint32_t)(imm_b(e) >> 1));
		static const uint8_t br[8] = {OP_BEQ, OP_BNE, 0,       0,
					      OP_BLT, OP_BGE, OP_BLTU, OP_BGEU};
		return br[f3];
	case OPC_LOAD:
		return f3 != 7 ? (uint8_t)(OP_LB + f3) : OP_SLOW;
	case OPC_STORE:
		return f3 <= 3 ? (uint8_t)(OP_SB + f3) : OP_SLOW;
	case OPC_OP_IMM:
		return decode_op_imm(e);
	case OPC_OP_IMM_32:
		return decode_op_imm32(e);
	case OPC_OP:
		return decode_op(e);
	case OPC_OP_32:
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
