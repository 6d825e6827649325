// SPDX-License-Identifier: MIT
/*
 * RV64GC disassembler (cpu/disasm.h): one instruction to text, the
 * assembler's mnemonics and ABI register names.  A compressed instruction
 * is shown as the instruction it expands to (rvc_expand), marked "c.".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cpu/disasm.h"
#include "cpu/internal.h"

static const char *const xr[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};
static const char *const fr[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",	"ft5",	"ft6", "ft7", "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",	"fa6",	"fa7", "fs2", "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

struct dis {
	char *buf;
	size_t size;
	uint32_t i;
	uint64_t pc;
	unsigned rd, rs1, rs2, rs3, f3, f7;
};

__attribute__((format(printf, 2, 3))) static void out(struct dis *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->buf, d->size, fmt, ap);
	va_end(ap);
}

static void unknown(struct dis *d)
{
	out(d, ".word 0x%08x", d->i);
}

static int64_t simm_i(struct dis *d)
{
	return (int64_t)imm_i(d->i);
}

static void dis_load(struct dis *d)
{
	static const char *const n[8] = {"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", NULL};

	if (!n[d->f3])
		return unknown(d);
	out(d, "%s %s,%lld(%s)", n[d->f3], xr[d->rd], (long long)simm_i(d), xr[d->rs1]);
}

static void dis_store(struct dis *d)
{
	static const char *const n[8] = {"sb", "sh", "sw", "sd"};

	if (d->f3 > 3)
		return unknown(d);
	out(d, "%s %s,%lld(%s)", n[d->f3], xr[d->rs2], (long long)(int64_t)imm_s(d->i), xr[d->rs1]);
}

static void dis_fload_store(struct dis *d, bool store)
{
	const char *w = d->f3 == 2 ? "w" : d->f3 == 3 ? "d" : NULL;

	if (!w)
		return unknown(d);
	if (store)
		out(d, "fs%s %s,%lld(%s)", w, fr[d->rs2], (long long)(int64_t)imm_s(d->i),
		    xr[d->rs1]);
	else
		out(d, "fl%s %s,%lld(%s)", w, fr[d->rd], (long long)simm_i(d), xr[d->rs1]);
}

static void dis_opimm(struct dis *d, bool w)
{
	static const char *const n[8] = {"addi", "slli", "slti", "sltiu",
					 "xori", "sr?i", "ori",	 "andi"};
	unsigned sh = (d->i >> 20) & (w ? 31 : 63);
	const char *sfx = w ? "w" : "";

	if (d->f3 == 1 || d->f3 == 5) {
		bool arith = (d->i >> 30) & 1;

		out(d, "%s%s %s,%s,%u",
		    d->f3 == 1 ? "slli"
		    : arith    ? "srai"
			       : "srli",
		    sfx, xr[d->rd], xr[d->rs1], sh);
		return;
	}
	if (w && d->f3 != 0)
		return unknown(d);
	if (d->f3 == 0 && d->rd == 0 && d->rs1 == 0 && simm_i(d) == 0 && !w)
		return out(d, "nop");
	if (d->f3 == 0 && !w && d->rs1 == 0)
		return out(d, "li %s,%lld", xr[d->rd], (long long)simm_i(d));
	if (d->f3 == 0 && !w && simm_i(d) == 0)
		return out(d, "mv %s,%s", xr[d->rd], xr[d->rs1]);
	out(d, "%s%s %s,%s,%lld", n[d->f3], sfx, xr[d->rd], xr[d->rs1], (long long)simm_i(d));
}

static void dis_op(struct dis *d, bool w)
{
	static const char *const base[8] = {"add", "sll", "slt", "sltu", "xor", "srl", "or", "and"};
	static const char *const mul[8] = {"mul", "mulh", "mulhsu", "mulhu",
					   "div", "divu", "rem",    "remu"};
	const char *n;

	if (d->f7 == 1)
		n = mul[d->f3];
	else if (d->f7 == 0x20 && d->f3 == 0)
		n = "sub";
	else if (d->f7 == 0x20 && d->f3 == 5)
		n = "sra";
	else if (d->f7 == 0)
		n = base[d->f3];
	else
		return unknown(d);
	if (w && !(d->f3 == 0 || d->f3 == 1 || d->f3 == 5 || (d->f7 == 1 && d->f3 >= 4)))
		return unknown(d);
	out(d, "%s%s %s,%s,%s", n, w ? "w" : "", xr[d->rd], xr[d->rs1], xr[d->rs2]);
}

static void dis_branch(struct dis *d)
{
	static const char *const n[8] = {"beq", "bne", NULL, NULL, "blt", "bge", "bltu", "bgeu"};

	if (!n[d->f3])
		return unknown(d);
	out(d, "%s %s,%s,0x%llx", n[d->f3], xr[d->rs1], xr[d->rs2],
	    (unsigned long long)(d->pc + imm_b(d->i)));
}

static void dis_jal(struct dis *d)
{
	uint32_t i = d->i;
	uint64_t imm = ((uint64_t)((i >> 31) & 1) << 20) | (((i >> 12) & 0xff) << 12) |
		       (((i >> 20) & 1) << 11) | (((i >> 21) & 0x3ff) << 1);
	uint64_t target = d->pc + sext(imm, 21);

	if (d->rd == 0)
		out(d, "j 0x%llx", (unsigned long long)target);
	else
		out(d, "jal %s,0x%llx", xr[d->rd], (unsigned long long)target);
}

static void dis_jalr(struct dis *d)
{
	if (d->rd == 0 && d->rs1 == 1 && simm_i(d) == 0)
		return out(d, "ret");
	out(d, "jalr %s,%lld(%s)", xr[d->rd], (long long)simm_i(d), xr[d->rs1]);
}

static void dis_csr(struct dis *d)
{
	static const char *const n[8] = {NULL, "csrrw",	 "csrrs",  "csrrc",
					 NULL, "csrrwi", "csrrsi", "csrrci"};
	char name[24];
	unsigned csr = d->i >> 20;

	if (!n[d->f3])
		return unknown(d);
	if (csr_name(csr, name, sizeof(name)))
		snprintf(name, sizeof(name), "0x%03x", csr);
	if (d->f3 >= 5)
		out(d, "%s %s,%s,%u", n[d->f3], xr[d->rd], name, d->rs1);
	else
		out(d, "%s %s,%s,%s", n[d->f3], xr[d->rd], name, xr[d->rs1]);
}

static void dis_system(struct dis *d)
{
	if (d->f3)
		return dis_csr(d);
	if (d->f7 == 0x09)
		return out(d, "sfence.vma %s,%s", xr[d->rs1], xr[d->rs2]);
	switch (d->i) {
	case 0x00000073:
		return out(d, "ecall");
	case 0x00100073:
		return out(d, "ebreak");
	case 0x10200073:
		return out(d, "sret");
	case 0x30200073:
		return out(d, "mret");
	case 0x10500073:
		return out(d, "wfi");
	default:
		return unknown(d);
	}
}

static void dis_amo(struct dis *d)
{
	static const char *const n[32] = {
	    [0x00] = "amoadd", [0x01] = "amoswap", [0x02] = "lr",      [0x03] = "sc",
	    [0x04] = "amoxor", [0x08] = "amoor",   [0x0c] = "amoand",  [0x10] = "amomin",
	    [0x14] = "amomax", [0x18] = "amominu", [0x1c] = "amomaxu",
	};
	const char *op = n[d->f7 >> 2];
	const char *w = d->f3 == 2 ? "w" : d->f3 == 3 ? "d" : NULL;
	const char *ord = (d->f7 & 3) == 3 ? ".aqrl"
			  : (d->f7 & 2)	   ? ".aq"
			  : (d->f7 & 1)	   ? ".rl"
					   : "";

	if (!op || !w)
		return unknown(d);
	if ((d->f7 >> 2) == 0x02)
		out(d, "%s.%s%s %s,(%s)", op, w, ord, xr[d->rd], xr[d->rs1]);
	else
		out(d, "%s.%s%s %s,%s,(%s)", op, w, ord, xr[d->rd], xr[d->rs2], xr[d->rs1]);
}

static void dis_fma(struct dis *d, const char *op)
{
	unsigned fmt = (d->i >> 25) & 3;

	if (fmt > 1)
		return unknown(d);
	out(d, "%s.%s %s,%s,%s,%s", op, fmt ? "d" : "s", fr[d->rd], fr[d->rs1], fr[d->rs2],
	    fr[d->rs3]);
}

static void dis_fcvt(struct dis *d, const char *p)
{
	static const char *const ints[4] = {"w", "wu", "l", "lu"};
	unsigned f5 = d->f7 >> 2;

	if (d->rs2 > 3)
		return unknown(d);
	if (f5 == 0x18) /* fcvt.int.fp */
		out(d, "fcvt.%s.%s %s,%s", ints[d->rs2], p, xr[d->rd], fr[d->rs1]);
	else
		out(d, "fcvt.%s.%s %s,%s", p, ints[d->rs2], fr[d->rd], xr[d->rs1]);
}

static void dis_fp(struct dis *d)
{
	static const char *const arith[4] = {"fadd", "fsub", "fmul", "fdiv"};
	unsigned f5 = d->f7 >> 2, dbl = d->f7 & 1;
	const char *p = dbl ? "d" : "s";

	if ((d->f7 & 2))
		return unknown(d);
	if (f5 < 4)
		return out(d, "%s.%s %s,%s,%s", arith[f5], p, fr[d->rd], fr[d->rs1], fr[d->rs2]);
	switch (f5) {
	case 0x0b:
		return out(d, "fsqrt.%s %s,%s", p, fr[d->rd], fr[d->rs1]);
	case 0x04: {
		static const char *const n[3] = {"fsgnj", "fsgnjn", "fsgnjx"};

		if (d->f3 > 2)
			return unknown(d);
		return out(d, "%s.%s %s,%s,%s", n[d->f3], p, fr[d->rd], fr[d->rs1], fr[d->rs2]);
	}
	case 0x05:
		if (d->f3 > 1)
			return unknown(d);
		return out(d, "%s.%s %s,%s,%s", d->f3 ? "fmax" : "fmin", p, fr[d->rd], fr[d->rs1],
			   fr[d->rs2]);
	case 0x08:
		return out(d, "fcvt.%s.%s %s,%s", p, dbl ? "s" : "d", fr[d->rd], fr[d->rs1]);
	case 0x14: {
		static const char *const n[3] = {"fle", "flt", "feq"};

		if (d->f3 > 2)
			return unknown(d);
		return out(d, "%s.%s %s,%s,%s", n[d->f3], p, xr[d->rd], fr[d->rs1], fr[d->rs2]);
	}
	case 0x18:
	case 0x1a:
		return dis_fcvt(d, p);
	case 0x1c:
		if (d->f3 == 0)
			return out(d, "fmv.x.%s %s,%s", dbl ? "d" : "w", xr[d->rd], fr[d->rs1]);
		if (d->f3 == 1)
			return out(d, "fclass.%s %s,%s", p, xr[d->rd], fr[d->rs1]);
		return unknown(d);
	case 0x1e:
		return out(d, "fmv.%s.x %s,%s", dbl ? "d" : "w", fr[d->rd], xr[d->rs1]);
	default:
		return unknown(d);
	}
}

static void dis_misc_mem(struct dis *d)
{
	if (d->f3 == 1)
		return out(d, "fence.i");
	if (d->f3 == 0)
		return out(d, "fence");
	unknown(d);
}

static void dis32(struct dis *d)
{
	uint32_t i = d->i;

	d->rd = (i >> 7) & 31;
	d->rs1 = (i >> 15) & 31;
	d->rs2 = (i >> 20) & 31;
	d->rs3 = i >> 27;
	d->f3 = (i >> 12) & 7;
	d->f7 = i >> 25;
	switch ((i >> 2) & 31) {
	case 0x00:
		return dis_load(d);
	case 0x01:
		return dis_fload_store(d, false);
	case 0x03:
		return dis_misc_mem(d);
	case 0x04:
		return dis_opimm(d, false);
	case 0x05:
		return out(d, "auipc %s,0x%x", xr[d->rd], i >> 12);
	case 0x06:
		return dis_opimm(d, true);
	case 0x08:
		return dis_store(d);
	case 0x09:
		return dis_fload_store(d, true);
	case 0x0b:
		return dis_amo(d);
	case 0x0c:
		return dis_op(d, false);
	case 0x0d:
		return out(d, "lui %s,0x%x", xr[d->rd], i >> 12);
	case 0x0e:
		return dis_op(d, true);
	case 0x10:
		return dis_fma(d, "fmadd");
	case 0x11:
		return dis_fma(d, "fmsub");
	case 0x12:
		return dis_fma(d, "fnmsub");
	case 0x13:
		return dis_fma(d, "fnmadd");
	case 0x14:
		return dis_fp(d);
	case 0x18:
		return dis_branch(d);
	case 0x19:
		return dis_jalr(d);
	case 0x1b:
		return dis_jal(d);
	case 0x1c:
		return dis_system(d);
	default:
		return unknown(d);
	}
}

int rv_disasm(uint32_t insn, uint64_t pc, char *buf, size_t size)
{
	struct dis d = {.pc = pc, .i = insn};
	int len = (insn & 3) == 3 ? 4 : 2;

	if (size == 0)
		return len;
	if (len == 2) {
		uint32_t x = rvc_expand((uint16_t)insn);

		if (!x) {
			snprintf(buf, size, ".half 0x%04x", insn & 0xffff);
			return 2;
		}
		snprintf(buf, size, "c.");
		d.buf = buf + strlen(buf);
		d.size = size - strlen(buf);
		d.i = x;
	} else {
		d.buf = buf;
		d.size = size;
	}
	dis32(&d);
	return len;
}
