// SPDX-License-Identifier: MIT
/*
 * The translator's x86-64 backend: the only host-specific code of rvcp.
 * See cpu/jit.h for the contract.  Host registers in translated code:
 *   rbp  struct hart + 128 (so every guest register x[i] is a disp8)
 *   r14  minstret of the block's first instruction (+ block length at its end)
 *   r13  the minstret at which to stop (h->jit_limit): checked at block entry
 *   r12  the TLB context of data accesses (h->dctx)
 *   rax, rcx, rdx, rsi, rdi, r8-r11  scratch (helpers are normal C calls)
 * The guest registers live in h->s.x; x[0] is never written and reads 0.
 */
#include "cpu/jit.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#if defined(__x86_64__)

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
enum { CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_L = 0xc, CC_GE = 0xd };

#define BIAS	  128
#define XOFF(r)	  ((int32_t)(offsetof(struct cpu, h.s.x) + 8 * (r)) - BIAS)
#define HOFF(f)	  ((int32_t)offsetof(struct cpu, f) - BIAS)
#define OFF_PC	  HOFF(h.s.pc)
#define OFF_MI	  HOFF(h.s.minstret)
#define OFF_LIMIT HOFF(jit_limit)
#define OFF_SITE  HOFF(jit_site)
#define OFF_DCTX  HOFF(dctx)
#define OFF_XCTX  HOFF(xctx)
#define OFF_TLB_R HOFF(tlb_r)
#define OFF_TLB_W HOFF(tlb_w)
#define OFF_TLB_X HOFF(tlb_x)
_Static_assert(sizeof(struct tlb_entry) == 16, "TLB slot = (va >> 8) & mask");
_Static_assert(sizeof(struct jit_jc) == 32, "jump-cache slot = index << 5");
#define TLB_SLOT_MASK ((TLB_SIZE - 1) << 4)

struct as {
	uint8_t *p; /* write view */
	size_t pos, cap;
	bool full;
};

static void put8(struct as *a, unsigned v)
{
	if (a->pos < a->cap)
		a->p[a->pos] = (uint8_t)v;
	else
		a->full = true;
	a->pos++;
}

static void put32(struct as *a, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		put8(a, (v >> (8 * i)) & 0xff);
}

static void put64(struct as *a, uint64_t v)
{
	put32(a, (uint32_t)v);
	put32(a, (uint32_t)(v >> 32));
}

static void patch32(struct as *a, size_t at, uint32_t v)
{
	if (at + 4 <= a->cap)
		memcpy(a->p + at, &v, 4);
}

/* Prefix, REX (if needed or forced), opcode (1 or 2 bytes, 2 when > 0xff: 0F xx). */
static void opcode(struct as *a, bool p66, int w, unsigned opc, int reg, int idx, int base,
		   bool force)
{
	unsigned rex = 0x40 | (unsigned)w << 3 | ((reg >> 3) & 1) << 2 | ((idx >> 3) & 1) << 1 |
		       ((base >> 3) & 1);

	if (p66)
		put8(a, 0x66);
	if (rex != 0x40 || force)
		put8(a, rex);
	if (opc > 0xff)
		put8(a, opc >> 8);
	put8(a, opc & 0xff);
}

/* ModRM (+SIB, disp) for [base + idx + disp]; idx < 0: none. */
static void modrm_mem(struct as *a, int reg, int base, int idx, int32_t disp)
{
	int mod = (disp == 0 && (base & 7) != RBP) ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;

	if (idx >= 0 || (base & 7) == RSP) {
		put8(a, (unsigned)(mod << 6 | (reg & 7) << 3 | 4));
		put8(a, (unsigned)(((idx >= 0 ? idx : RSP) & 7) << 3 | (base & 7)));
	} else {
		put8(a, (unsigned)(mod << 6 | (reg & 7) << 3 | (base & 7)));
	}
	if (mod == 1)
		put8(a, (uint8_t)disp);
	else if (mod == 2)
		put32(a, (uint32_t)disp);
}

/* op reg, [base + idx + disp] */
static void rm(struct as *a, int w, unsigned opc, int reg, int base, int idx, int32_t disp)
{
	opcode(a, false, w, opc, reg, idx < 0 ? 0 : idx, base, false);
	modrm_mem(a, reg, base, idx, disp);
}

/* op reg, rm (registers) */
static void rr(struct as *a, int w, unsigned opc, int reg, int r_m)
{
	opcode(a, false, w, opc, reg, 0, r_m, false);
	put8(a, (unsigned)(0xc0 | (reg & 7) << 3 | (r_m & 7)));
}

static void mov_imm64(struct as *a, int reg, uint64_t v)
{
	if (v <= 0xffffffffULL) { /* mov r32, imm32 zero-extends */
		opcode(a, false, 0, 0xb8 + (reg & 7), 0, 0, reg, false);
		put32(a, (uint32_t)v);
	} else if ((int64_t)v == (int32_t)v) { /* mov r/m64, imm32 sign-extends */
		rr(a, 1, 0xc7, 0, reg);
		put32(a, (uint32_t)v);
	} else {
		opcode(a, false, 1, 0xb8 + (reg & 7), 0, 0, reg, false);
		put64(a, v);
	}
}

/* Group-1 ALU with an immediate: digit 0 add, 1 or, 4 and, 5 sub, 6 xor, 7 cmp. */
static void alu_ri(struct as *a, int w, int digit, int reg, int32_t imm)
{
	if (imm >= -128 && imm <= 127) {
		rr(a, w, 0x83, digit, reg);
		put8(a, (uint8_t)imm);
	} else {
		rr(a, w, 0x81, digit, reg);
		put32(a, (uint32_t)imm);
	}
}

static void shift_ri(struct as *a, int w, int digit, int reg, unsigned sh)
{
	rr(a, w, 0xc1, digit, reg);
	put8(a, sh);
}

static void movsxd(struct as *a, int dst, int src)
{
	rr(a, 1, 0x63, dst, src);
}

/* A rel32 jump or jcc whose target comes later: returns the field's position. */
static size_t jmp_fwd(struct as *a, int cc)
{
	if (cc < 0) {
		put8(a, 0xe9);
	} else {
		put8(a, 0x0f);
		put8(a, 0x80 + (unsigned)cc);
	}
	put32(a, 0);
	return a->pos - 4;
}

static void bind(struct as *a, size_t field, size_t target)
{
	patch32(a, field, (uint32_t)(target - (field + 4)));
}

static void jmp_to(struct as *a, int cc, size_t target)
{
	bind(a, jmp_fwd(a, cc), target);
}

static void call_abs(struct as *a, const void *fn)
{
	mov_imm64(a, RAX, (uint64_t)(uintptr_t)fn);
	rr(a, 0, 0xff, 2, RAX); /* call rax */
}

/* ---- translation of one block ---- */

enum cold_kind { COLD_LOAD, COLD_STORE };

struct cold {
	enum cold_kind kind;
	size_t field, resume;
	unsigned idx; /* instruction index in the block */
	uint64_t info;
	uint32_t dirty; /* cached registers not yet written back at that point */
	unsigned rs2;	/* a store's value */
};

struct tx {
	struct as a;
	struct jit_code *c;
	const struct jit_src *b;
	size_t base; /* offset of a.p within the cache */
	struct cold cold[JIT_MAX_INSNS];
	unsigned ncold;
	size_t exits[2 * JIT_MAX_INSNS]; /* chain stubs still to write: field */
	uint64_t exit_pc[2 * JIT_MAX_INSNS];
	unsigned nexits;
	size_t budget_field;
	/* guest registers held in host registers for the block */
	int8_t hreg[32];
	uint32_t cached, dirty, load_first;
	bool loops;	  /* the block jumps to its own start: a loop in registers */
	size_t body;	  /* where the loop goes back to (after the entry loads) */
	uint32_t written; /* cached registers the block writes */
};

/*
 * The register cache: the guest registers a block uses most live in host
 * registers from its entry (loaded there when read before written) to its
 * exits (written back before every jump out, chained or not).  Helpers see
 * the hart in memory: the registers written so far go back before a call,
 * and all cached ones are loaded again after it.
 */
static const int cache_regs[] = {RBX, R15, R8, R9, R10, R11};
#define NCACHE ((int)(sizeof(cache_regs) / sizeof(cache_regs[0])))

static int hreg(const struct tx *t, unsigned x)
{
	return x ? t->hreg[x] : -1;
}

static void ldx(struct tx *t, int reg, unsigned x)
{
	int h = hreg(t, x);

	if (h >= 0)
		rr(&t->a, 1, 0x8b, reg, h);
	else
		rm(&t->a, 1, 0x8b, reg, RBP, -1, XOFF(x));
}

static void stx(struct tx *t, unsigned x, int reg)
{
	int h = hreg(t, x);

	if (h >= 0) {
		rr(&t->a, 1, 0x8b, h, reg);
		t->dirty |= 1u << x;
	} else {
		rm(&t->a, 1, 0x89, reg, RBP, -1, XOFF(x));
	}
}

/* op reg, x: the guest register operand from its host register or its slot */
static void xop(struct tx *t, int w, unsigned opc, int reg, unsigned x)
{
	int h = hreg(t, x);

	if (h >= 0)
		rr(&t->a, w, opc, reg, h);
	else
		rm(&t->a, w, opc, reg, RBP, -1, XOFF(x));
}

static void cache_store(struct tx *t, uint32_t mask)
{
	for (unsigned x = 1; x < 32; x++)
		if ((mask >> x) & 1)
			rm(&t->a, 1, 0x89, t->hreg[x], RBP, -1, XOFF(x));
}

static void cache_load(struct tx *t, uint32_t mask)
{
	for (unsigned x = 1; x < 32; x++)
		if ((mask >> x) & 1)
			rm(&t->a, 1, 0x8b, t->hreg[x], RBP, -1, XOFF(x));
}

/* Registers an instruction reads (over-approximated) and writes. */
static uint32_t insn_reads(const struct jit_insn *in)
{
	uint32_t r1 = 1u << W_RS1(in->w), r2 = 1u << W_RS2(in->w);

	switch (in->op) {
	case OP_LUI:
	case OP_AUIPC:
	case OP_JAL:
	case OP_J:
	case OP_NOP:
	case OP_SLOW:
		return 0;
	case OP_JALR:
	case OP_JR:
	case OP_LB ... OP_LWU:
	case OP_ADDI ... OP_SRAIW:
		return r1;
	}
	return r1 | r2;
}

static uint32_t insn_writes(const struct jit_insn *in)
{
	switch (in->op) {
	case OP_LUI:
	case OP_AUIPC:
	case OP_JAL:
	case OP_JALR:
	case OP_LB ... OP_LWU:
	case OP_ADDI ... OP_MULDIVW:
		return (1u << W_RD(in->w)) & ~1u;
	}
	return 0;
}

static void cache_plan(struct tx *t)
{
	unsigned uses[32] = {0};
	uint32_t seen = 0;

	memset(t->hreg, -1, sizeof(t->hreg));
	for (unsigned i = 0; i < t->b->n; i++) {
		const struct jit_insn *in = &t->b->in[i];
		uint32_t r = insn_reads(in) & ~1u, w = insn_writes(in);

		for (unsigned x = 1; x < 32; x++)
			uses[x] += ((r >> x) & 1) + ((w >> x) & 1);
		t->load_first |= r & ~seen;
		seen |= r | w;
		t->written |= w;
	}
	for (int k = 0; k < NCACHE; k++) {
		unsigned best = 0;

		for (unsigned x = 1; x < 32; x++)
			if (!((t->cached >> x) & 1) && uses[x] >= 2 && uses[x] > uses[best])
				best = x;
		if (!best)
			break;
		t->hreg[best] = (int8_t)cache_regs[k];
		t->cached |= 1u << best;
	}
	t->load_first &= t->cached;
	t->written &= t->cached;
	if (t->loops) { /* every cached register valid all along: all loaded, all dirty */
		t->load_first = t->cached;
		t->dirty = t->written;
	}
}

/* pc and minstret of instruction idx into the hart, for a helper */
static void sync_state(struct tx *t, unsigned idx)
{
	mov_imm64(&t->a, RAX, t->b->in[idx].pc);
	rm(&t->a, 1, 0x89, RAX, RBP, -1, OFF_PC);
	rm(&t->a, 1, 0x8d, RAX, R14, -1, (int32_t)idx); /* lea rax, [r14 + idx] */
	rm(&t->a, 1, 0x89, RAX, RBP, -1, OFF_MI);
}

static bool same_page(const struct jit_src *b, uint64_t target)
{
	return (target & ~0xfffULL) == (b->pc & ~0xfffULL);
}

/* Leaves the block for target: a chainable jump within the page, else the lookup. */
static void exit_to(struct tx *t, uint64_t target)
{
	if (target == t->b->pc && t->loops) { /* again, registers kept, while budget lasts */
		rr(&t->a, 1, 0x3b, R14, R13);
		jmp_to(&t->a, CC_B, t->body);
	}
	cache_store(t, t->dirty);
	if (same_page(t->b, target) && t->nexits < 2 * JIT_MAX_INSNS) {
		t->exit_pc[t->nexits] = target;
		t->exits[t->nexits++] = jmp_fwd(&t->a, -1);
		return;
	}
	mov_imm64(&t->a, RAX, target);
	jmp_to(&t->a, -1, t->c->lookup - t->base);
}

/* rax = rs1 + imm, then the TLB check; returns with rax = host address. */
static void tlb_check(struct tx *t, unsigned rs1, int32_t imm, int size, int32_t tlb_off,
		      unsigned idx, enum cold_kind kind, uint64_t info, bool store_val,
		      unsigned rs2)
{
	struct as *a = &t->a;
	struct cold *k = &t->cold[t->ncold++];

	if (hreg(t, rs1) >= 0) {
		rm(a, 1, 0x8d, RAX, hreg(t, rs1), -1, imm); /* lea rax, [rs1 + imm] */
	} else {
		ldx(t, RAX, rs1);
		if (imm)
			alu_ri(a, 1, 0, RAX, imm);
	}
	rr(a, 1, 0x8b, RCX, RAX); /* mov rcx, rax */
	shift_ri(a, 1, 5, RCX, 8);
	alu_ri(a, 0, 4, RCX, TLB_SLOT_MASK);
	if (size > 1)
		rm(a, 1, 0x8d, RDX, RAX, -1, size - 1); /* lea rdx, [rax + size - 1] */
	else
		rr(a, 1, 0x8b, RDX, RAX);
	alu_ri(a, 1, 4, RDX, -4096);
	rr(a, 1, 0x0b, RDX, R12); /* or rdx, r12 */
	if (store_val && hreg(t, rs2) < 0)
		ldx(t, RSI, rs2);
	k->rs2 = rs2;
	rm(a, 1, 0x3b, RDX, RBP, RCX, tlb_off); /* cmp rdx, [rbp + rcx + tlb] */
	k->kind = kind;
	k->idx = idx;
	k->info = info;
	k->dirty = t->dirty;
	k->field = jmp_fwd(a, CC_NE);
	rm(a, 1, 0x03, RAX, RBP, RCX, tlb_off + 8); /* add rax, addend */
}

static void emit_load(struct tx *t, unsigned idx, int size, bool sign)
{
	const struct jit_insn *in = &t->b->in[idx];
	unsigned rd = W_RD(in->w);
	struct as *a = &t->a;

	int d = rd && hreg(t, rd) >= 0 ? hreg(t, rd) : RAX; /* straight into rd's register */

	tlb_check(t, W_RS1(in->w), (int32_t)W_IMM_I(in->w), size, OFF_TLB_R, idx, COLD_LOAD,
		  JIT_INFO((uint64_t)size, (uint64_t)sign, rd, in->len), false, 0);
	switch (size) {
	case 1:
		rm(a, 1, sign ? 0x0fbe : 0x0fb6, d, RAX, -1, 0);
		break;
	case 2:
		rm(a, 1, sign ? 0x0fbf : 0x0fb7, d, RAX, -1, 0);
		break;
	case 4:
		if (sign)
			rm(a, 1, 0x63, d, RAX, -1, 0);
		else
			rm(a, 0, 0x8b, d, RAX, -1, 0);
		break;
	default:
		rm(a, 1, 0x8b, d, RAX, -1, 0);
	}
	if (d != RAX)
		t->dirty |= 1u << rd;
	else if (rd)
		stx(t, rd, RAX);
	t->cold[t->ncold - 1].resume = a->pos;
}

static void emit_store(struct tx *t, unsigned idx, int size)
{
	const struct jit_insn *in = &t->b->in[idx];
	struct as *a = &t->a;

	int v = hreg(t, W_RS2(in->w)) >= 0 ? hreg(t, W_RS2(in->w)) : RSI; /* the value */

	tlb_check(t, W_RS1(in->w), (int32_t)W_IMM_S(in->w), size, OFF_TLB_W, idx, COLD_STORE,
		  JIT_INFO((uint64_t)size, 0, 0, in->len), true, W_RS2(in->w));
	switch (size) {
	case 1:
		opcode(a, false, 0, 0x88, v, 0, RAX, true); /* mov [rax], v8 (REX: sil, r8b) */
		modrm_mem(a, v, RAX, -1, 0);
		break;
	case 2:
		opcode(a, true, 0, 0x89, v, 0, RAX, false);
		modrm_mem(a, v, RAX, -1, 0);
		break;
	case 4:
		rm(a, 0, 0x89, v, RAX, -1, 0);
		break;
	default:
		rm(a, 1, 0x89, v, RAX, -1, 0);
	}
	t->cold[t->ncold - 1].resume = a->pos;
}

/* The slow paths of loads and stores, after the block's body. */
static void emit_cold(struct tx *t, struct cold *k)
{
	struct as *a = &t->a;

	bind(a, k->field, a->pos);
	if (k->kind == COLD_STORE) {
		ldx(t, RDX, k->rs2);	  /* value */
		rr(a, 1, 0x8b, RSI, RAX); /* va */
		mov_imm64(a, RCX, k->info);
	} else {
		rr(a, 1, 0x8b, RSI, RAX);
		mov_imm64(a, RDX, k->info);
	}
	rm(a, 1, 0x8d, RDI, RBP, -1, -BIAS);
	sync_state(t, k->idx);
	cache_store(t, k->dirty);
	call_abs(a, k->kind == COLD_STORE ? (const void *)jit_h_store : (const void *)jit_h_load);
	rr(a, 0, 0x85, RAX, RAX); /* test eax, eax */
	jmp_to(a, CC_NE, t->c->exit_ns - t->base);
	cache_load(t, t->cached);
	jmp_to(a, -1, k->resume);
}

/* A call to a C helper for the instruction (OP_SLOW); last: the block ends after it. */
static void emit_slow(struct tx *t, unsigned idx, bool last)
{
	struct as *a = &t->a;

	rm(a, 1, 0x8d, RDI, RBP, -1, -BIAS);
	mov_imm64(a, RSI, t->b->in[idx].raw | (last ? 1ULL << 32 : 0));
	sync_state(t, idx);
	cache_store(t, t->dirty);
	t->dirty = 0;
	call_abs(a, (const void *)jit_h_slow);
	if (last) {
		jmp_to(a, -1, t->c->exit_ns - t->base); /* exit_nostore, eax = reason */
		return;
	}
	rr(a, 0, 0x85, RAX, RAX);
	jmp_to(a, CC_NE, t->c->exit_ns - t->base);
	cache_load(t, t->cached);
}

/* rd = op(rs1, rs2) as a 64- or 32-bit (w32) x86 ALU operation. */
/* The host register to compute rd in: its own when cached (and not needed after), else rax. */
static int dst_reg(struct tx *t, unsigned rd, unsigned keep)
{
	int d = hreg(t, rd);

	return d >= 0 && rd != keep ? d : RAX;
}

/* rd's value is in host register r now */
static void dst_done(struct tx *t, unsigned rd, int r)
{
	if (r == RAX)
		stx(t, rd, RAX);
	else
		t->dirty |= 1u << rd;
}

/* r = rs1 (nothing when r already caches it) */
static void ld_into(struct tx *t, int r, unsigned x)
{
	if (hreg(t, x) != r)
		ldx(t, r, x);
}

static void alu_rr(struct tx *t, unsigned opc, const struct jit_insn *in, bool w32)
{
	int d = dst_reg(t, W_RD(in->w), W_RS2(in->w));

	if (d != RAX) {
		ld_into(t, d, W_RS1(in->w));
		xop(t, w32 ? 0 : 1, opc, d, W_RS2(in->w));
		if (w32)
			movsxd(&t->a, d, d);
		dst_done(t, W_RD(in->w), d);
		return;
	}
	ldx(t, RAX, W_RS1(in->w));
	xop(t, w32 ? 0 : 1, opc, RAX, W_RS2(in->w));
	if (w32)
		movsxd(&t->a, RAX, RAX);
	stx(t, W_RD(in->w), RAX);
}

static void alu_imm(struct tx *t, int digit, const struct jit_insn *in, bool w32)
{
	int d = dst_reg(t, W_RD(in->w), 0);
	int32_t imm = (int32_t)W_IMM_I(in->w);

	ld_into(t, d, W_RS1(in->w));
	if (imm || digit == 4)
		alu_ri(&t->a, w32 ? 0 : 1, digit, d, imm);
	if (w32)
		movsxd(&t->a, d, d);
	dst_done(t, W_RD(in->w), d);
}

static void shift_imm(struct tx *t, int digit, const struct jit_insn *in, bool w32)
{
	int d = dst_reg(t, W_RD(in->w), 0);

	ld_into(t, d, W_RS1(in->w));
	shift_ri(&t->a, w32 ? 0 : 1, digit, d, W_SHAMT(in->w) & (w32 ? 31 : 63));
	if (w32)
		movsxd(&t->a, d, d);
	dst_done(t, W_RD(in->w), d);
}

static void shift_reg(struct tx *t, int digit, const struct jit_insn *in, bool w32)
{
	ldx(t, RAX, W_RS1(in->w));
	ldx(t, RCX, W_RS2(in->w));
	rr(&t->a, w32 ? 0 : 1, 0xd3, digit, RAX);
	if (w32)
		movsxd(&t->a, RAX, RAX);
	stx(t, W_RD(in->w), RAX);
}

/* rd = (rs1 cc rs2-or-imm) */
static void set_cc(struct tx *t, int cc, const struct jit_insn *in, bool imm)
{
	struct as *a = &t->a;

	rr(a, 0, 0x33, RCX, RCX); /* xor ecx, ecx */
	ldx(t, RAX, W_RS1(in->w));
	if (imm)
		alu_ri(a, 1, 7, RAX, (int32_t)W_IMM_I(in->w));
	else
		xop(t, 1, 0x3b, RAX, W_RS2(in->w));
	opcode(a, false, 0, 0x0f90 + (unsigned)cc, 0, 0, RCX, false); /* setcc cl */
	put8(a, 0xc0 | RCX);
	stx(t, W_RD(in->w), RCX);
}

/* DIV/REM: a call to a C function (the cached registers r8-r11 do not survive it) */
static void muldiv_call(struct tx *t, const struct jit_insn *in, unsigned f3w)
{
	struct as *a = &t->a;

	mov_imm64(a, RDI, f3w);
	ldx(t, RSI, W_RS1(in->w));
	ldx(t, RDX, W_RS2(in->w));
	cache_store(t, t->dirty);
	t->dirty = 0;
	call_abs(a, (const void *)jit_h_muldiv);
	cache_load(t, t->cached);
}

static void emit_muldiv(struct tx *t, const struct jit_insn *in, bool w32)
{
	struct as *a = &t->a;
	unsigned f3 = W_F3(in->w), rs1 = W_RS1(in->w), rs2 = W_RS2(in->w);

	if (f3 == 0) {
		ldx(t, RAX, rs1);
		xop(t, w32 ? 0 : 1, 0x0faf, RAX, rs2); /* imul rax, rs2 */
		if (w32)
			movsxd(a, RAX, RAX);
	} else if (!w32 && (f3 == 1 || f3 == 3)) {
		ldx(t, RAX, rs1);
		xop(t, 1, 0xf7, f3 == 1 ? 5 : 4, rs2); /* imul/mul rs2: rdx:rax */
		rr(a, 1, 0x8b, RAX, RDX);
	} else if (!w32 && f3 == 2) { /* mulhsu = mulhu - (rs1 < 0 ? rs2 : 0) */
		ldx(t, RAX, rs1);
		xop(t, 1, 0xf7, 4, rs2);
		ldx(t, RAX, rs1);
		shift_ri(a, 1, 7, RAX, 63);
		xop(t, 1, 0x23, RAX, rs2);
		rr(a, 1, 0x2b, RDX, RAX);
		rr(a, 1, 0x8b, RAX, RDX);
	} else {
		muldiv_call(t, in, f3 | (w32 ? 8 : 0));
	}
	stx(t, W_RD(in->w), RAX);
}

static void emit_branch(struct tx *t, const struct jit_insn *in, int cc)
{
	struct as *a = &t->a;
	size_t taken;

	int r1 = hreg(t, W_RS1(in->w));

	if (r1 < 0) {
		ldx(t, RAX, W_RS1(in->w));
		r1 = RAX;
	}
	if (W_RS2(in->w) == 0)
		rr(a, 1, 0x85, r1, r1); /* test r1, r1: the flags of cmp r1, 0 for every cc used */
	else
		xop(t, 1, 0x3b, r1, W_RS2(in->w));
	taken = jmp_fwd(a, cc);
	uint32_t dirty = t->dirty;
	exit_to(t, in->pc + in->len);
	bind(a, taken, a->pos);
	t->dirty = dirty;
	exit_to(t, in->pc + W_IMM_B(in->w));
}

/* The block's last instruction when it transfers control; false if not one. */
static bool emit_transfer(struct tx *t, const struct jit_insn *in)
{
	struct as *a = &t->a;
	static const int bcc[] = {[OP_BEQ] = CC_E,  [OP_BNE] = CC_NE, [OP_BLT] = CC_L,
				  [OP_BGE] = CC_GE, [OP_BLTU] = CC_B, [OP_BGEU] = CC_AE};
	unsigned rd = W_RD(in->w);

	switch (in->op) {
	case OP_JAL:
	case OP_J:
		if (in->op == OP_JAL) {
			mov_imm64(a, RAX, in->pc + in->len);
			stx(t, rd, RAX);
		}
		exit_to(t, in->pc + W_IMM_J(in->w));
		return true;
	case OP_JALR:
	case OP_JR:
		ldx(t, RAX, W_RS1(in->w));
		alu_ri(a, 1, 0, RAX, (int32_t)W_IMM_I(in->w));
		alu_ri(a, 1, 4, RAX, -2);
		if (in->op == OP_JALR) {
			mov_imm64(a, RCX, in->pc + in->len);
			stx(t, rd, RCX);
		}
		cache_store(t, t->dirty);
		jmp_to(a, -1, t->c->lookup - t->base);
		return true;
	case OP_BEQ:
	case OP_BNE:
	case OP_BLT:
	case OP_BGE:
	case OP_BLTU:
	case OP_BGEU:
		emit_branch(t, in, bcc[in->op]);
		return true;
	}
	return false;
}

/* One instruction that does not end the block. */
static void emit_insn(struct tx *t, unsigned idx)
{
	const struct jit_insn *in = &t->b->in[idx];
	struct as *a = &t->a;
	unsigned rd = W_RD(in->w);

	switch (in->op) {
	case OP_NOP:
		break;
	case OP_LUI:
		mov_imm64(a, RAX, W_IMM_U(in->w));
		stx(t, rd, RAX);
		break;
	case OP_AUIPC:
		mov_imm64(a, RAX, in->pc + W_IMM_U(in->w));
		stx(t, rd, RAX);
		break;
	case OP_LB:
	case OP_LH:
	case OP_LW:
	case OP_LD:
		emit_load(t, idx, 1 << (in->op - OP_LB), true);
		break;
	case OP_LBU:
	case OP_LHU:
	case OP_LWU:
		emit_load(t, idx, 1 << (in->op - OP_LBU), false);
		break;
	case OP_SB:
	case OP_SH:
	case OP_SW:
	case OP_SD:
		emit_store(t, idx, 1 << (in->op - OP_SB));
		break;
	case OP_ADDI:
		alu_imm(t, 0, in, false);
		break;
	case OP_SLTI:
		set_cc(t, 0xc, in, true);
		break;
	case OP_SLTIU:
		set_cc(t, CC_B, in, true);
		break;
	case OP_XORI:
		alu_imm(t, 6, in, false);
		break;
	case OP_ORI:
		alu_imm(t, 1, in, false);
		break;
	case OP_ANDI:
		alu_imm(t, 4, in, false);
		break;
	case OP_SLLI:
		shift_imm(t, 4, in, false);
		break;
	case OP_SRLI:
		shift_imm(t, 5, in, false);
		break;
	case OP_SRAI:
		shift_imm(t, 7, in, false);
		break;
	case OP_ADDIW:
		alu_imm(t, 0, in, true);
		break;
	case OP_SLLIW:
		shift_imm(t, 4, in, true);
		break;
	case OP_SRLIW:
		shift_imm(t, 5, in, true);
		break;
	case OP_SRAIW:
		shift_imm(t, 7, in, true);
		break;
	case OP_ADD:
		alu_rr(t, 0x03, in, false);
		break;
	case OP_SUB:
		alu_rr(t, 0x2b, in, false);
		break;
	case OP_SLL:
		shift_reg(t, 4, in, false);
		break;
	case OP_SLT:
		set_cc(t, CC_L, in, false);
		break;
	case OP_SLTU:
		set_cc(t, CC_B, in, false);
		break;
	case OP_XOR:
		alu_rr(t, 0x33, in, false);
		break;
	case OP_SRL:
		shift_reg(t, 5, in, false);
		break;
	case OP_SRA:
		shift_reg(t, 7, in, false);
		break;
	case OP_OR:
		alu_rr(t, 0x0b, in, false);
		break;
	case OP_AND:
		alu_rr(t, 0x23, in, false);
		break;
	case OP_ADDW:
		alu_rr(t, 0x03, in, true);
		break;
	case OP_SUBW:
		alu_rr(t, 0x2b, in, true);
		break;
	case OP_SLLW:
		shift_reg(t, 4, in, true);
		break;
	case OP_SRLW:
		shift_reg(t, 5, in, true);
		break;
	case OP_SRAW:
		shift_reg(t, 7, in, true);
		break;
	case OP_MULDIV:
		emit_muldiv(t, in, false);
		break;
	case OP_MULDIVW:
		emit_muldiv(t, in, true);
		break;
	default: /* OP_SLOW */
		emit_slow(t, idx, false);
	}
}

/* The chain stubs: set pc, name the jump to patch, leave through exit. */
static void emit_chain_stubs(struct tx *t)
{
	struct as *a = &t->a;

	for (unsigned i = 0; i < t->nexits; i++) {
		bind(a, t->exits[i], a->pos);
		mov_imm64(a, RAX, t->exit_pc[i]);
		rm(a, 1, 0x89, RAX, RBP, -1, OFF_PC);
		rm(a, 0, 0xc7, 0, RBP, -1, OFF_SITE); /* mov dword [site], field */
		put32(a, (uint32_t)(t->base + t->exits[i]));
		mov_imm64(a, RAX, JIT_EXIT_CHAIN);
		jmp_to(a, -1, t->c->exit - t->base);
	}
}

int jitb_translate(struct jit_code *c, const struct jit_src *b, uint32_t *entry)
{
	struct tx *t = calloc(1, sizeof(*t));
	struct as *a;
	const struct jit_insn *last = &b->in[b->n - 1];
	unsigned body = b->n;
	int rc = 0;

	if (!t)
		return -ENOMEM;
	a = &t->a;
	t->c = c;
	t->b = b;
	t->base = c->used;
	a->p = c->w + c->used;
	a->cap = c->size - c->used;
	/* budget: cmp r14, r13; jae out */
	rr(a, 1, 0x3b, R14, R13);
	t->budget_field = jmp_fwd(a, CC_AE);
	t->loops = (last->op == OP_JAL || last->op == OP_J) ? last->pc + W_IMM_J(last->w) == b->pc
		   : (last->op >= OP_BEQ && last->op <= OP_BGEU)
		       ? last->pc + W_IMM_B(last->w) == b->pc
		       : false;
	cache_plan(t);
	cache_load(t, t->load_first);
	t->body = a->pos;
	bool transfer = last->op == OP_JAL || last->op == OP_J || last->op == OP_JALR ||
			last->op == OP_JR || (last->op >= OP_BEQ && last->op <= OP_BGEU);
	bool ends_slow =
	    last->op == OP_SLOW && ((last->e & 0x7f) == 0x73 || (last->e & 0x7f) == 0x0f);
	if (transfer || ends_slow)
		body--;
	for (unsigned i = 0; i < body; i++)
		emit_insn(t, i);
	if (ends_slow) {
		emit_slow(t, b->n - 1, true);
	} else {
		rm(a, 1, 0x8d, R14, R14, -1, (int32_t)b->n); /* lea r14, [r14 + n]: keeps flags */
		if (!transfer || !emit_transfer(t, last))
			exit_to(t, last->pc + last->len);
	}
	/* cold: budget exhausted at entry */
	bind(a, t->budget_field, a->pos);
	mov_imm64(a, RAX, b->pc);
	rm(a, 1, 0x89, RAX, RBP, -1, OFF_PC);
	mov_imm64(a, RAX, JIT_EXIT_NORMAL);
	jmp_to(a, -1, c->exit - t->base);
	for (unsigned i = 0; i < t->ncold; i++)
		emit_cold(t, &t->cold[i]);
	emit_chain_stubs(t);
	if (a->full) {
		rc = -ENOSPC;
	} else {
		*entry = (uint32_t)t->base;
		c->used += (a->pos + 15) & ~(size_t)15;
		if (c->used > c->size)
			c->used = c->size;
	}
	free(t);
	return rc;
}

void jitb_patch(struct jit_code *c, uint32_t site, uint32_t target)
{
	uint32_t rel = target - (site + 4);

	memcpy(c->w + site, &rel, 4);
}

/* enter(h, code), exit (stores minstret), exit_ns (does not), lookup (rax = pc). */
int jitb_init(struct jit_code *c)
{
	struct as a = {.p = c->w, .cap = c->size};
	static const int saved[] = {RBX, RBP, R12, R13, R14, R15};

	c->enter = 0;
	for (unsigned i = 0; i < 6; i++)
		opcode(&a, false, 0, 0x50 + (saved[i] & 7), 0, 0, saved[i], false);
	alu_ri(&a, 1, 5, RSP, 8);
	rm(&a, 1, 0x8d, RBP, RDI, -1, BIAS);
	rm(&a, 1, 0x8b, R14, RBP, -1, OFF_MI);
	rm(&a, 1, 0x8b, R13, RBP, -1, OFF_LIMIT);
	rm(&a, 1, 0x8b, R12, RBP, -1, OFF_DCTX);
	rr(&a, 0, 0xff, 4, RSI); /* jmp rsi */
	while (a.pos & 15)
		put8(&a, 0xcc);
	c->exit = (uint32_t)a.pos;
	rm(&a, 1, 0x89, R14, RBP, -1, OFF_MI);
	c->exit_ns = (uint32_t)a.pos;
	alu_ri(&a, 1, 0, RSP, 8);
	for (int i = 5; i >= 0; i--)
		opcode(&a, false, 0, 0x58 + (saved[i] & 7), 0, 0, saved[i], false);
	put8(&a, 0xc3);
	while (a.pos & 15)
		put8(&a, 0xcc);
	/* lookup: rax = target pc */
	c->lookup = (uint32_t)a.pos;
	size_t miss[3];
	rm(&a, 1, 0x89, RAX, RBP, -1, OFF_PC);
	rr(&a, 1, 0x8b, RCX, RAX);
	shift_ri(&a, 1, 5, RCX, 8);
	alu_ri(&a, 0, 4, RCX, TLB_SLOT_MASK);
	rr(&a, 1, 0x8b, RDX, RAX);
	alu_ri(&a, 1, 4, RDX, -4096);
	rm(&a, 1, 0x0b, RDX, RBP, -1, OFF_XCTX);
	rm(&a, 1, 0x3b, RDX, RBP, RCX, OFF_TLB_X);
	miss[0] = jmp_fwd(&a, CC_NE);
	rm(&a, 1, 0x8b, RDX, RBP, RCX, OFF_TLB_X + 8);
	rr(&a, 1, 0x8b, RCX, RAX);
	shift_ri(&a, 1, 5, RCX, 1);
	alu_ri(&a, 0, 4, RCX, (1 << JIT_JC_BITS) - 1);
	shift_ri(&a, 0, 4, RCX, 5);
	mov_imm64(&a, RSI, (uint64_t)(uintptr_t)c->jc);
	rr(&a, 1, 0x03, RCX, RSI);
	rm(&a, 1, 0x3b, RAX, RCX, -1, 0);
	miss[1] = jmp_fwd(&a, CC_NE);
	rm(&a, 1, 0x3b, RDX, RCX, -1, 8);
	miss[2] = jmp_fwd(&a, CC_NE);
	rm(&a, 0, 0xff, 4, RCX, -1, 16); /* jmp [rcx + 16] */
	for (int i = 0; i < 3; i++)
		bind(&a, miss[i], a.pos);
	mov_imm64(&a, RAX, JIT_EXIT_NORMAL);
	jmp_to(&a, -1, c->exit);
	while (a.pos & 15)
		put8(&a, 0xcc);
	if (a.full)
		return -ENOSPC;
	c->used = c->stubs_end = a.pos;
	return 0;
}

int jitb_run(struct jit_code *c, struct hart *h, uint32_t entry)
{
	int (*fn)(struct hart *, const void *);
	const void *p = c->x + c->enter;

	memcpy(&fn, &p, sizeof(fn));
	return fn(h, c->x + entry);
}

bool jitb_available(void)
{
	return true;
}

#else /* not an x86-64 host: the interpreter only */

bool jitb_available(void)
{
	return false;
}

int jitb_init(struct jit_code *c)
{
	(void)c;
	return -ENOTSUP;
}

int jitb_translate(struct jit_code *c, const struct jit_src *b, uint32_t *entry)
{
	(void)c;
	(void)b;
	(void)entry;
	return -ENOTSUP;
}

void jitb_patch(struct jit_code *c, uint32_t site, uint32_t target)
{
	(void)c;
	(void)site;
	(void)target;
}

int jitb_run(struct jit_code *c, struct hart *h, uint32_t entry)
{
	(void)c;
	(void)h;
	(void)entry;
	return JIT_EXIT_NORMAL;
}

#endif
