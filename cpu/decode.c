// SPDX-License-Identifier: MIT
/*
 * Decoding into the decode cache: the common integer instructions get an
 * operation of their own with their fields and immediate extracted once;
 * everything else (system, atomics, floating point, reserved encodings)
 * is OP_SLOW and goes through the general exec() path.
 */
#include "cpu/internal.h"

#include "cpu/hart.h"

static uint8_t decode_op_imm(uint32_t e, int32_t *imm)
{
	unsigned f3 = (e >> 12) & 7, sh = (e >> 20) & 63;

	switch (f3) {
	case 1:
		*imm = (int32_t)sh;
		return (e >> 26) == 0 ? OP_SLLI : OP_SLOW;
	case 5:
		*imm = (int32_t)sh;
		if ((e >> 26) == 0)
			return OP_SRLI;
		return (e >> 26) == 0x10 ? OP_SRAI : OP_SLOW;
	}
	static const uint8_t ops[8] = {OP_ADDI, 0, OP_SLTI, OP_SLTIU, OP_XORI, 0, OP_ORI, OP_ANDI};
	return ops[f3];
}

static uint8_t decode_op_imm32(uint32_t e, int32_t *imm)
{
	unsigned f3 = (e >> 12) & 7, f7 = e >> 25;

	if (f3 == 0)
		return OP_ADDIW;
	*imm = (int32_t)((e >> 20) & 31);
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

/* Fills d for the instruction bits raw (16-bit ones are compressed). */
void decode_insn(struct dinsn *d, uint32_t raw)
{
	bool rvc = (raw & 3) != 3;
	uint32_t e = rvc ? rvc_expand((uint16_t)raw) : raw;
	unsigned f3 = (e >> 12) & 7;
	int32_t imm = (int32_t)imm_i(e);
	uint8_t op = OP_SLOW;

	d->raw = raw;
	d->len = rvc ? 2 : 4;
	d->rd = (e >> 7) & 31;
	d->rs1 = (e >> 15) & 31;
	d->rs2 = (e >> 20) & 31;
	d->f3 = (uint8_t)f3;
	if (!e) {
		d->op = OP_ILLEGAL;
		return;
	}
	switch (e & 0x7f) {
	case 0x37:
		op = OP_LUI;
		imm = (int32_t)(e & 0xfffff000);
		break;
	case 0x17:
		op = OP_AUIPC;
		imm = (int32_t)(e & 0xfffff000);
		break;
	case 0x6f:
		op = OP_JAL;
		imm = (int32_t)imm_j(e);
		break;
	case 0x67:
		if (f3 == 0)
			op = OP_JALR;
		break;
	case 0x63:
		if (f3 != 2 && f3 != 3) {
			static const uint8_t br[8] = {OP_BEQ, OP_BNE, 0,       0,
						      OP_BLT, OP_BGE, OP_BLTU, OP_BGEU};
			op = br[f3];
			imm = (int32_t)imm_b(e);
		}
		break;
	case 0x03:
		if (f3 != 7)
			op = (uint8_t)(OP_LB + f3);
		break;
	case 0x23:
		if (f3 <= 3) {
			op = (uint8_t)(OP_SB + f3);
			imm = (int32_t)imm_s(e);
		}
		break;
	case 0x13:
		op = decode_op_imm(e, &imm);
		break;
	case 0x1b:
		op = decode_op_imm32(e, &imm);
		break;
	case 0x33:
		op = decode_op(e);
		break;
	case 0x3b:
		op = decode_op32(e);
		break;
	}
	if (op == OP_SLOW)
		imm = (int32_t)e;
	d->op = op;
	d->imm = imm;
}
