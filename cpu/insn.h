/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CPU_INSN_H
#define RVCP_CPU_INSN_H
/*
 * Instruction encodings the CPU module names (unprivileged ISA 20191213,
 * chapter 24 "RV32/64G Instruction Set Listings"; privileged 1.12 for the
 * system instructions).  Shared by the decoder, the interpreter, the
 * compressed-instruction expander and the floating-point unit.
 */

/* Major opcodes: bits 0-6 of a 32-bit instruction. */
enum {
	OPC_LOAD = 0x03,
	OPC_LOAD_FP = 0x07,
	OPC_MISC_MEM = 0x0f,
	OPC_OP_IMM = 0x13,
	OPC_AUIPC = 0x17,
	OPC_OP_IMM_32 = 0x1b,
	OPC_STORE = 0x23,
	OPC_STORE_FP = 0x27,
	OPC_AMO = 0x2f,
	OPC_OP = 0x33,
	OPC_LUI = 0x37,
	OPC_OP_32 = 0x3b,
	OPC_MADD = 0x43,
	OPC_MSUB = 0x47,
	OPC_NMSUB = 0x4b,
	OPC_NMADD = 0x4f,
	OPC_OP_FP = 0x53,
	OPC_BRANCH = 0x63,
	OPC_JALR = 0x67,
	OPC_JAL = 0x6f,
	OPC_SYSTEM = 0x73,
};
#define OPC_MASK 0x7f

/* funct7 of OP / OP-32 */
enum { F7_BASE = 0x00, F7_MULDIV = 0x01, F7_ALT = 0x20 /* SUB, SRA */ };

/* funct5 (bits 27-31) of OPC_AMO; funct3 gives the width. */
enum {
	AMO_ADD = 0x00,
	AMO_SWAP = 0x01,
	AMO_LR = 0x02,
	AMO_SC = 0x03,
	AMO_XOR = 0x04,
	AMO_OR = 0x08,
	AMO_AND = 0x0c,
	AMO_MIN = 0x10,
	AMO_MAX = 0x14,
	AMO_MINU = 0x18,
	AMO_MAXU = 0x1c,
};
enum { AMO_W = 2, AMO_D = 3 }; /* funct3 */

/* SYSTEM instructions without operands, whole. */
#define INSN_ECALL  0x00000073u
#define INSN_EBREAK 0x00100073u
#define INSN_SRET   0x10200073u
#define INSN_MRET   0x30200073u
#define INSN_WFI    0x10500073u
/* SFENCE.VMA rs1, rs2: the instruction with rs1 and rs2 masked off */
#define INSN_SFENCE_VMA	     0x12000073u
#define INSN_SFENCE_VMA_MASK 0xfe007fffu
/* funct3 of SYSTEM: 0 the instructions above, 4 reserved, the rest CSR accesses */
enum { SYS_PRIV = 0, SYS_CSRRW = 1, SYS_CSRRS = 2, SYS_CSRRC = 3, SYS_RESERVED = 4 };
/* funct3 of MISC-MEM */
enum { MEM_FENCE = 0, MEM_FENCE_I = 1 };

/* funct5 (bits 27-31) of OP-FP */
enum {
	FP_ADD = 0x00,
	FP_SUB = 0x01,
	FP_MUL = 0x02,
	FP_DIV = 0x03,
	FP_SGNJ = 0x04,
	FP_MINMAX = 0x05,
	FP_CVT_FMT = 0x08, /* FCVT.S.D, FCVT.D.S */
	FP_SQRT = 0x0b,
	FP_CMP = 0x14,
	FP_CVT_INT = 0x18,  /* FCVT.{W,WU,L,LU}.fmt */
	FP_CVT_FROM = 0x1a, /* FCVT.fmt.{W,WU,L,LU} */
	FP_MV_X = 0x1c,	    /* FMV.X.fmt, FCLASS */
	FP_MV_F = 0x1e,	    /* FMV.fmt.X */
};

#endif
