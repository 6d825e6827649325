// SPDX-License-Identifier: MIT
/*
 * The interpreter.  Instructions are fetched straight from the host page of
 * the current fetch page and looked up in the decode cache; the common
 * integer ones run in threaded handlers (run_chunk), each ending with the
 * dispatch of the next, and the rest (system, atomics, floating point)
 * through exec().  Interrupts, the timer, storage changes and stop requests
 * are looked at between chunks of at most CHUNK instructions, and at once
 * after anything that may change them (CSR writes, xRET, device interrupts).
 */
#include "cpu/internal.h"

#include "cpu/fpu.h"
#include "cpu/jit.h"

#define CHUNK 4096

enum { EX_OK, EX_WFI, EX_STOP };

#define RD   ((insn >> 7) & 31)
#define RS1  ((insn >> 15) & 31)
#define RS2  ((insn >> 20) & 31)
#define F3   ((insn >> 12) & 7)
#define F7   (insn >> 25)
#define X(r) h->s.x[r]

static uint64_t alu_mul(unsigned f3, uint64_t a, uint64_t b)
{
	int64_t sa = (int64_t)a, sb = (int64_t)b;

	switch (f3) {
	case 0:
		return a * b;
	case 1:
		return (uint64_t)(((__int128)sa * sb) >> 64);
	case 2:
		return (uint64_t)(((__int128)sa * (__int128)b) >> 64);
	case 3:
		return (uint64_t)(((unsigned __int128)a * b) >> 64);
	case 4:
		if (b == 0)
			return ~0ULL;
		if (sa == INT64_MIN && sb == -1)
			return a;
		return (uint64_t)(sa / sb);
	case 5:
		return b ? a / b : ~0ULL;
	case 6:
		if (b == 0)
			return a;
		if (sa == INT64_MIN && sb == -1)
			return 0;
		return (uint64_t)(sa % sb);
	default:
		return b ? a % b : a;
	}
}

static uint64_t alu_mulw(unsigned f3, uint64_t a, uint64_t b)
{
	int32_t sa = (int32_t)a, sb = (int32_t)b;
	uint32_t ua = (uint32_t)a, ub = (uint32_t)b;

	switch (f3) {
	case 0:
		return sext32(ua * ub);
	case 4:
		if (sb == 0)
			return ~0ULL;
		if (sa == INT32_MIN && sb == -1)
			return sext32(ua);
		return sext32((uint32_t)(sa / sb));
	case 5:
		return sext32(ub ? ua / ub : ~0U);
	case 6:
		if (sb == 0)
			return sext32(ua);
		if (sa == INT32_MIN && sb == -1)
			return 0;
		return sext32((uint32_t)(sa % sb));
	default:
		return sext32(ub ? ua % ub : ua);
	}
}

/* For translated code: MUL/DIV/REM[W] (f3, +8 for the W forms). */
uint64_t jit_h_muldiv(uint64_t f3w, uint64_t a, uint64_t b)
{
	return (f3w & 8) ? alu_mulw(f3w & 7, a, b) : alu_mul(f3w & 7, a, b);
}

static uint64_t amo_compute(unsigned f5, uint64_t old, uint64_t src, int size)
{
	if (size == 4) {
		old = sext32(old);
		src = sext32(src);
	}
	switch (f5) {
	case AMO_SWAP:
		return src;
	case AMO_ADD:
		return old + src;
	case AMO_XOR:
		return old ^ src;
	case AMO_AND:
		return old & src;
	case AMO_OR:
		return old | src;
	case AMO_MIN:
		return (int64_t)old < (int64_t)src ? old : src;
	case AMO_MAX:
		return (int64_t)old > (int64_t)src ? old : src;
	case AMO_MINU:
		return old < src ? old : src;
	default: /* AMO_MAXU */
		return old > src ? old : src;
	}
}

/*
 * An AMO on storage, atomic with the other harts' (host atomics on the
 * guest's word); returns the old value, zero-extended.
 */
static uint64_t amo_host(unsigned f5, void *p, uint64_t src, int size)
{
	if (size == 4) {
		uint32_t *w = p, v = (uint32_t)src, old;

		switch (f5) {
		case AMO_SWAP:
			return __atomic_exchange_n(w, v, __ATOMIC_SEQ_CST);
		case AMO_ADD:
			return __atomic_fetch_add(w, v, __ATOMIC_SEQ_CST);
		case AMO_XOR:
			return __atomic_fetch_xor(w, v, __ATOMIC_SEQ_CST);
		case AMO_AND:
			return __atomic_fetch_and(w, v, __ATOMIC_SEQ_CST);
		case AMO_OR:
			return __atomic_fetch_or(w, v, __ATOMIC_SEQ_CST);
		}
		old = __atomic_load_n(w, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(w, &old, (uint32_t)amo_compute(f5, old, src, 4),
						    false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			;
		return old;
	}
	uint64_t *d = p, old;

	switch (f5) {
	case AMO_SWAP:
		return __atomic_exchange_n(d, src, __ATOMIC_SEQ_CST);
	case AMO_ADD:
		return __atomic_fetch_add(d, src, __ATOMIC_SEQ_CST);
	case AMO_XOR:
		return __atomic_fetch_xor(d, src, __ATOMIC_SEQ_CST);
	case AMO_AND:
		return __atomic_fetch_and(d, src, __ATOMIC_SEQ_CST);
	case AMO_OR:
		return __atomic_fetch_or(d, src, __ATOMIC_SEQ_CST);
	}
	old = __atomic_load_n(d, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(d, &old, amo_compute(f5, old, src, 8), false,
					    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		;
	return old;
}

static uint64_t host_load_atomic(void *p, int size)
{
	if (size == 4)
		return __atomic_load_n((uint32_t *)p, __ATOMIC_SEQ_CST);
	return __atomic_load_n((uint64_t *)p, __ATOMIC_SEQ_CST);
}

/*
 * SC on storage: stores only if the word still holds what LR read (a
 * compare-and-swap; a store by another hart of the same value goes
 * unnoticed, which no LR/SC sequence can tell from a store before the LR).
 */
static bool sc_host(void *p, uint64_t expect, uint64_t v, int size)
{
	if (size == 4) {
		uint32_t e = (uint32_t)expect;

		return __atomic_compare_exchange_n((uint32_t *)p, &e, (uint32_t)v, false,
						   __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
	}
	return __atomic_compare_exchange_n((uint64_t *)p, &expect, v, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_RELAXED);
}

/* The funct5 values of OPC_AMO that exist. */
static bool amo_valid(unsigned f5)
{
	switch (f5) {
	case AMO_ADD:
	case AMO_SWAP:
	case AMO_LR:
	case AMO_SC:
	case AMO_XOR:
	case AMO_OR:
	case AMO_AND:
	case AMO_MIN:
	case AMO_MAX:
	case AMO_MINU:
	case AMO_MAXU:
		return true;
	}
	return false;
}

/* Atomics: LR, SC, AMO*.  Aligned only; a storage page is accessed in place. */
static void exec_amo(struct hart *h, uint32_t insn, uint64_t npc)
{
	struct cpu *c = cpu_of(h);
	unsigned f5 = insn >> 27;
	int size = F3 == AMO_W ? 4 : 8;
	uint64_t addr = X(RS1), pa, old = 0, res;
	struct tlb_entry *e;
	void *host;
	bool lr = f5 == AMO_LR, sc = f5 == AMO_SC;

	if ((F3 != AMO_W && F3 != AMO_D) || (lr && RS2) || !amo_valid(f5)) {
		hart_raise(h, CAUSE_ILLEGAL, insn);
		return;
	}
	e = tlb_slot(lr ? c->tlb_r : c->tlb_w, addr);
	if (likely(!(addr & (size - 1)) && e->tag == ((addr & ~0xfffULL) | c->dctx))) {
		host = (void *)(uintptr_t)(addr + e->addend);
		pa = (uint64_t)((uint8_t *)host - c->mem->base) + RAM_BASE;
	} else if (!mmu_amo_ptr(h, addr, size, lr, sc, &host, &pa)) {
		return;
	}
	hart_sync(h); /* an atomic may publish stores to another hart */
	if (sc) {
		/* a reservation is of storage only (LR on a device faults) */
		res = 1;
		if (c->res_valid && c->res_addr == pa && c->res_size == size && host &&
		    sc_host(host, c->res_val, X(RS2), size)) {
			mmu_stored(h, pa - RAM_BASE);
			res = 0;
		}
		c->res_valid = false;
		goto done;
	}
	if (host && lr) {
		old = host_load_atomic(host, size);
		c->res_valid = true;
		c->res_addr = pa;
		c->res_val = old;
		c->res_size = (uint8_t)size;
	} else if (host) {
		old = amo_host(f5, host, X(RS2), size);
		mmu_stored(h, pa - RAM_BASE);
	} else {
		/* a device: a read and a write under the device lock, not one access */
		uint64_t nv;

		if (!bus_access(h->bus, pa, &old, size, false))
			goto access_fault;
		nv = amo_compute(f5, old, X(RS2), size);
		if (!bus_access(h->bus, pa, &nv, size, true))
			goto access_fault;
	}
	res = size == 4 ? sext32(old) : old;
done:
	X(RD) = res;
	h->s.pc = npc;
	return;
access_fault:
	hart_raise(h, lr ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS, addr);
}

static void fs_dirty(struct hart *h)
{
	h->s.mstatus |= MSTATUS_FS_DIRTY;
}

static int exec_system(struct hart *h, uint32_t insn, uint32_t raw, uint64_t npc)
{
	uint64_t priv = h->s.priv;

	if (F3 == SYS_RESERVED)
		goto illegal;
	if (F3 != SYS_PRIV) {
		if (!csr_access(h, insn))
			goto illegal;
		h->s.pc = npc;
		return EX_OK;
	}
	switch (insn) {
	case INSN_ECALL:
		if (unlikely(cpu_of(h)->watch_on && cpu_of(h)->watch.svc))
			hart_hit(h, HART_HIT_SVC, h->s.pc, h->s.x[17], 0);
		/* an SBI call may signal another hart: stores before it must be seen */
		if (priv == PRV_S && h->ecall)
			hart_sync(h);
		if (priv == PRV_S && h->ecall && h->ecall(h->ecall_opaque, h)) {
			h->s.x[0] = 0;
			h->s.pc = h->ecall_resume ? h->ecall_resume : npc;
			h->ecall_resume = 0;
			hart_update_timer(h); /* the SBI may have moved sbi_timecmp */
			hart_break(h);
			if (__atomic_load_n(&h->stop_req, __ATOMIC_RELAXED))
				return EX_STOP;
			if (h->ecall_wfi) {
				h->ecall_wfi = false;
				return hart_pending_irqs(h) ? EX_OK : EX_WFI;
			}
			return EX_OK;
		}
		hart_raise(h, CAUSE_ECALL_U + priv, 0);
		return EX_OK;
	case INSN_EBREAK: /* mtval 0, as QEMU (the spec allows 0 or the pc) */
		hart_raise(h, CAUSE_BREAKPOINT, 0);
		return EX_OK;
	case INSN_SRET:
		if (priv < PRV_S || (priv == PRV_S && (h->s.mstatus & MSTATUS_TSR)))
			goto illegal;
		hart_sret(h);
		hart_break(h);
		return EX_OK;
	case INSN_MRET:
		if (priv != PRV_M)
			goto illegal;
		hart_mret(h);
		hart_break(h);
		return EX_OK;
	case INSN_WFI:
		if (priv == PRV_U || (priv == PRV_S && (h->s.mstatus & MSTATUS_TW)))
			goto illegal;
		h->s.pc = npc;
		hart_update_timer(h);
		hart_break(h);
		return hart_pending_irqs(h) ? EX_OK : EX_WFI;
	}
	if ((insn & INSN_SFENCE_VMA_MASK) == INSN_SFENCE_VMA) {
		if (priv == PRV_U || (priv == PRV_S && (h->s.mstatus & MSTATUS_TVM)))
			goto illegal;
		tlb_flush(h);
		h->s.pc = npc;
		return EX_OK;
	}
illegal:
	hart_raise(h, CAUSE_ILLEGAL, raw);
	return EX_OK;
}

static inline bool fp_load_store(struct hart *h, uint32_t insn, bool store)
{
	uint64_t v;

	if (store) {
		uint64_t addr = X(RS1) + imm_s(insn);
		if (F3 == 2)
			return hart_store(h, addr, 4, h->s.f[RS2]);
		return hart_store(h, addr, 8, h->s.f[RS2]);
	}
	uint64_t addr = X(RS1) + imm_i(insn);
	if (F3 == 2) {
		if (!hart_load(h, addr, 4, &v))
			return false;
		v |= 0xffffffff00000000ULL; /* NaN-boxed */
	} else if (!hart_load(h, addr, 8, &v)) {
		return false;
	}
	h->s.f[RD] = v;
	fs_dirty(h);
	return true;
}

/*
 * The instructions the decode cache leaves to OP_SLOW: system, atomics,
 * floating point, fences, and every reserved integer encoding (decode.c
 * gives each valid integer instruction an operation of its own).  insn is
 * the 32-bit form, raw what was fetched (for mtval), len its size.  Sets the
 * next pc or enters a trap.
 */
static int exec(struct hart *h, uint32_t insn, uint32_t raw, unsigned len)
{
	uint64_t npc = h->s.pc + len;

	switch (insn & OPC_MASK) {
	case OPC_MISC_MEM:
		/* fetch reads storage directly; FENCE.I looks for code other harts wrote */
		if (F3 != MEM_FENCE && F3 != MEM_FENCE_I)
			goto illegal;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		hart_sync(h);
		break;
	case OPC_SYSTEM:
		return exec_system(h, insn, raw, npc);
	case OPC_AMO:
		exec_amo(h, insn, npc);
		return EX_OK;
	case OPC_LOAD_FP:
	case OPC_STORE_FP:
		if ((F3 != 2 && F3 != 3) || !(h->s.mstatus & MSTATUS_FS))
			goto illegal;
		if (!fp_load_store(h, insn, (insn & OPC_MASK) == OPC_STORE_FP))
			return EX_OK;
		break;
	case OPC_OP_FP:
	case OPC_MADD:
	case OPC_MSUB:
	case OPC_NMSUB:
	case OPC_NMADD:
		if (!(h->s.mstatus & MSTATUS_FS) || fpu_execute(&h->s, insn) < 0)
			goto illegal;
		fs_dirty(h);
		break;
	default:
		goto illegal;
	}
	h->s.pc = npc;
	return EX_OK;
illegal:
	hart_raise(h, CAUSE_ILLEGAL, raw);
	return EX_OK;
}

/*
 * The interpreter loop, as threaded code: every handler ends by fetching the
 * next instruction, looking it up in the decode cache and jumping to its
 * handler (DISPATCH), so the host predicts each handler's successor on its
 * own instead of through one shared jump.  Each operation has a handler per
 * instruction length (L), so the next pc needs no load.  pc, minstret and
 * the TLB context live in locals; SYNC writes them back before anything that
 * may read or change them (slow paths, traps, devices) and RELOAD takes them
 * up again.  x0 is never written by a fast handler: decode turns an integer
 * operation with rd = x0 into OP_NOP / OP_J / OP_JR, and loads clear it.
 */
#define DC_SET_MASK ((1U << DCACHE_SET_BITS) - 1)
_Static_assert(DCACHE_WAYS >= 2, "DISPATCH looks at two ways");
#define SYNC() (h->s.pc = pc, h->s.minstret = instret)
#define RELOAD()                                                                                   \
	(pc = h->s.pc, instret = h->s.minstret, fpage = c->fetch_page, fadd = c->fetch_addend,     \
	 dctx = c->dctx)
#define DISPATCH()                                                                                 \
	do {                                                                                       \
		if (unlikely(!left))                                                               \
			goto out;                                                                  \
		if (unlikely((pc & ~0xfffULL) != fpage))                                           \
			goto fetch_slow;                                                           \
		const uint8_t *p_ = (const uint8_t *)(uintptr_t)(pc + fadd);                       \
		uint16_t lo_;                                                                      \
		memcpy(&lo_, p_, 2);                                                               \
		if ((lo_ & 3) != 3)                                                                \
			insn = lo_;                                                                \
		else if (likely((pc & 0xfff) != 0xffe))                                            \
			memcpy(&insn, p_, 4);                                                      \
		else                                                                               \
			goto fetch_slow;                                                           \
		set = &dc[((pc >> 1) & DC_SET_MASK) * DCACHE_WAYS];                                \
		if (likely(set[0].raw == insn))                                                    \
			w = set[0].w;                                                              \
		else if (likely(set[1].raw == insn))                                               \
			w = set[1].w;                                                              \
		else                                                                               \
			goto dc_miss;                                                              \
		left--;                                                                            \
		a = x[W_RS1(w)];                                                                   \
		b = x[W_RS2(w)];                                                                   \
		goto *ops[w & DOP_MASK];                                                           \
	} while (0)
#define NEXT(target)                                                                               \
	do {                                                                                       \
		pc = (target);                                                                     \
		instret++;                                                                         \
		DISPATCH();                                                                        \
	} while (0)
/*
 * A taken transfer: with the translator on, count the target up in the
 * hot table and hand over to the dispatcher when it gets hot (cpu/jit.h).
 */
#define JUMP(target)                                                                               \
	do {                                                                                       \
		pc = (target);                                                                     \
		instret++;                                                                         \
		if (hot) {                                                                         \
			uint16_t *c_ = &hot[(pc >> 1) & ((1u << JIT_HOT_BITS) - 1)];               \
			if (*c_ >= JIT_HOT_START - 1) {                                            \
				*c_ = JIT_HOT_START;                                               \
				ret = INTERP_HOT;                                                  \
				goto out;                                                          \
			}                                                                          \
			++*c_;                                                                     \
		}                                                                                  \
		DISPATCH();                                                                        \
	} while (0)
#define BRANCH(cond)                                                                               \
	do {                                                                                       \
		if (cond)                                                                          \
			JUMP(pc + W_IMM_B(w));                                                     \
		NEXT(pc + L);                                                                      \
	} while (0)
#define ALU(expr)                                                                                  \
	do {                                                                                       \
		x[W_RD(w)] = (expr);                                                               \
		NEXT(pc + L);                                                                      \
	} while (0)
/* A TLB hit within the page is done here; anything else goes through mmu.c. */
#define LOAD(type, conv)                                                                           \
	do {                                                                                       \
		uint64_t va_ = a + W_IMM_I(w);                                                     \
		struct tlb_entry *e_ = tlb_slot(c->tlb_r, va_);                                    \
		type t_;                                                                           \
		if (likely(e_->tag == ((va_ & ~0xfffULL) | dctx) &&                                \
			   (va_ & 0xfff) <= 4096U - sizeof(type))) {                               \
			memcpy(&t_, (const void *)(uintptr_t)(va_ + e_->addend), sizeof(type));    \
			x[W_RD(w)] = conv(t_);                                                     \
			x[0] = 0;                                                                  \
			NEXT(pc + L);                                                              \
		}                                                                                  \
		SYNC();                                                                            \
		if (!mmu_load(h, va_, sizeof(type), &v))                                           \
			goto trapped;                                                              \
		t_ = (type)v;                                                                      \
		x[W_RD(w)] = conv(t_);                                                             \
		x[0] = 0;                                                                          \
		goto slow_next;                                                                    \
	} while (0)
#define STORE(size)                                                                                \
	do {                                                                                       \
		uint64_t va_ = a + W_IMM_S(w);                                                     \
		struct tlb_entry *e_ = tlb_slot(c->tlb_w, va_);                                    \
		if (likely(e_->tag == ((va_ & ~0xfffULL) | dctx) &&                                \
			   (va_ & 0xfff) <= 4096U - (size))) {                                     \
			memcpy((void *)(uintptr_t)(va_ + e_->addend), &b, (size));                 \
			NEXT(pc + L);                                                              \
		}                                                                                  \
		SYNC();                                                                            \
		if (!mmu_store(h, va_, (size), b))                                                 \
			goto trapped;                                                              \
		goto slow_next;                                                                    \
	} while (0)
#define S8(t)  ((uint64_t)(int64_t)(int8_t)(t))
#define S16(t) ((uint64_t)(int64_t)(int16_t)(t))
#define S32(t) ((uint64_t)(int64_t)(int32_t)(t))
#define U(t)   ((uint64_t)(t))
/* A handler for each length: op_NAME_2 and op_NAME_4. */
#define HANDLER(name, ...)                                                                         \
	op_##name##_2:                                                                             \
	{                                                                                          \
		enum { L = 2 };                                                                    \
		__VA_ARGS__;                                                                       \
	}                                                                                          \
	op_##name##_4:                                                                             \
	{                                                                                          \
		enum { L = 4 };                                                                    \
		__VA_ARGS__;                                                                       \
	}
_Static_assert(DOP(OP_COUNT, 2) <= DOP_MASK + 1, "operations fit DOP_MASK");
#define OPS(o, name) [DOP(o, 2)] = &&op_##name##_2, [DOP(o, 4)] = &&op_##name##_4

/* Runs up to n instructions; returns the hart_exit reason or -1 to go on. */
static int run_chunk(struct hart *h, uint64_t n, uint64_t *done)
{
	struct cpu *c = cpu_of(h);

	/* decode_insn() gives only the operations listed */
	static const void *const ops[DOP_MASK + 1] = {
	    [DOP(OP_ILLEGAL, 2)] = &&op_illegal,
	    [DOP(OP_ILLEGAL, 4)] = &&op_illegal,
	    [DOP(OP_SLOW, 2)] = &&op_slow,
	    [DOP(OP_SLOW, 4)] = &&op_slow,
	    OPS(OP_LUI, lui),
	    OPS(OP_AUIPC, auipc),
	    OPS(OP_JAL, jal),
	    OPS(OP_JALR, jalr),
	    OPS(OP_BEQ, beq),
	    OPS(OP_BNE, bne),
	    OPS(OP_BLT, blt),
	    OPS(OP_BGE, bge),
	    OPS(OP_BLTU, bltu),
	    OPS(OP_BGEU, bgeu),
	    OPS(OP_LB, lb),
	    OPS(OP_LH, lh),
	    OPS(OP_LW, lw),
	    OPS(OP_LD, ld),
	    OPS(OP_LBU, lbu),
	    OPS(OP_LHU, lhu),
	    OPS(OP_LWU, lwu),
	    OPS(OP_SB, sb),
	    OPS(OP_SH, sh),
	    OPS(OP_SW, sw),
	    OPS(OP_SD, sd),
	    OPS(OP_ADDI, addi),
	    OPS(OP_SLTI, slti),
	    OPS(OP_SLTIU, sltiu),
	    OPS(OP_XORI, xori),
	    OPS(OP_ORI, ori),
	    OPS(OP_ANDI, andi),
	    OPS(OP_SLLI, slli),
	    OPS(OP_SRLI, srli),
	    OPS(OP_SRAI, srai),
	    OPS(OP_ADDIW, addiw),
	    OPS(OP_SLLIW, slliw),
	    OPS(OP_SRLIW, srliw),
	    OPS(OP_SRAIW, sraiw),
	    OPS(OP_ADD, add),
	    OPS(OP_SUB, sub),
	    OPS(OP_SLL, sll),
	    OPS(OP_SLT, slt),
	    OPS(OP_SLTU, sltu),
	    OPS(OP_XOR, xor),
	    OPS(OP_SRL, srl),
	    OPS(OP_SRA, sra),
	    OPS(OP_OR, or),
	    OPS(OP_AND, and),
	    OPS(OP_ADDW, addw),
	    OPS(OP_SUBW, subw),
	    OPS(OP_SLLW, sllw),
	    OPS(OP_SRLW, srlw),
	    OPS(OP_SRAW, sraw),
	    OPS(OP_MULDIV, muldiv),
	    OPS(OP_MULDIVW, muldivw),
	    OPS(OP_NOP, nop),
	    OPS(OP_J, j),
	    OPS(OP_JR, jr),
	};
	uint64_t *const x = h->s.x;
	uint16_t *const hot = c->jit_hot;
	struct dinsn *const dc = c->dcache, *set;
	uint64_t pc, instret, fpage, dctx, left = n, a, b, v;
	uintptr_t fadd;
	uint32_t insn, w;
	int r, ret = -1;

	RELOAD();
	DISPATCH();

fetch_slow:
	/* another page: its TLB entry gives the host page at once (no trace, no page crossing) */
	if (!c->trace_on && (pc & 0xfff) != 0xffe) {
		struct tlb_entry *e = tlb_slot(c->tlb_x, pc);

		if (e->tag == ((pc & ~0xfffULL) | c->xctx)) {
			c->fetch_page = fpage = pc & ~0xfffULL;
			c->fetch_addend = fadd = e->addend;
			DISPATCH();
		}
	}
	SYNC();
	r = mmu_fetch(h, pc, &insn);
	if (r == FETCH_TRACE) {
		ret = HART_EXIT_TRACE;
		goto out;
	}
	RELOAD();
	if (r == FETCH_TRAP) {
		left--;
		instret++; /* hart_raise took it back: nothing retired */
		DISPATCH();
	}
	set = &dc[((pc >> 1) & DC_SET_MASK) * DCACHE_WAYS];
	if (set[0].raw == insn) {
		w = set[0].w;
	} else if (set[1].raw == insn) {
		w = set[1].w;
	} else {
	dc_miss:;
		/*
		 * The first two ways are looked at inline (measured: more sets of
		 * two ways beat fewer sets of four or eight at the same size).  A
		 * hit in any others swaps with the second; a miss decodes into the
		 * first and pushes the others down, the last one out.
		 */
		struct dinsn t;
		unsigned k;

		for (k = 2; k < DCACHE_WAYS && set[k].raw != insn; k++)
			;
		if (k < DCACHE_WAYS) {
			t = set[k];
			set[k] = set[1];
			set[1] = t;
		} else {
			t.raw = insn;
			t.w = decode_insn(insn);
			for (k = DCACHE_WAYS - 1; k > 0; k--)
				set[k] = set[k - 1];
			set[0] = t;
		}
		w = t.w;
	}
	left--;
	a = x[W_RS1(w)];
	b = x[W_RS2(w)];
	goto *ops[w & DOP_MASK];

op_illegal:
	SYNC();
	hart_raise(h, CAUSE_ILLEGAL, insn);
	goto trapped;
op_slow:
	SYNC();
	r = exec(h, (insn & 3) == 3 ? insn : rvc_expand((uint16_t)insn), insn,
		 (insn & 3) == 3 ? 4 : 2);
	x[0] = 0;
	RELOAD();
	instret++;
	if (unlikely(r != EX_OK || hart_brk(c))) {
		if (r == EX_WFI)
			ret = HART_EXIT_WFI;
		else if (r == EX_STOP)
			ret = HART_EXIT_STOP;
		goto out;
	}
	DISPATCH();
slow_next: /* a load or store done by mmu.c: a device may have raised an interrupt */
	RELOAD();
	pc += (insn & 3) == 3 ? 4 : 2;
	instret++;
	if (unlikely(hart_brk(c)))
		goto out;
	DISPATCH();
trapped: /* hart_raise set the pc and took the instruction back from minstret */
	RELOAD();
	instret++;
	if (unlikely(hart_brk(c)))
		goto out;
	DISPATCH();

	HANDLER(nop, NEXT(pc + L))
	HANDLER(lui, ALU(W_IMM_U(w)))
	HANDLER(auipc, ALU(pc + W_IMM_U(w)))
	HANDLER(jal, x[W_RD(w)] = pc + L; JUMP(pc + W_IMM_J(w)))
	HANDLER(j, JUMP(pc + W_IMM_J(w)))
	HANDLER(jalr, x[W_RD(w)] = pc + L; JUMP((a + W_IMM_I(w)) & ~1ULL))
	HANDLER(jr, JUMP((a + W_IMM_I(w)) & ~1ULL))
	HANDLER(beq, BRANCH(a == b))
	HANDLER(bne, BRANCH(a != b))
	HANDLER(blt, BRANCH((int64_t)a < (int64_t)b))
	HANDLER(bge, BRANCH((int64_t)a >= (int64_t)b))
	HANDLER(bltu, BRANCH(a < b))
	HANDLER(bgeu, BRANCH(a >= b))
	HANDLER(lb, LOAD(uint8_t, S8))
	HANDLER(lh, LOAD(uint16_t, S16))
	HANDLER(lw, LOAD(uint32_t, S32))
	HANDLER(ld, LOAD(uint64_t, U))
	HANDLER(lbu, LOAD(uint8_t, U))
	HANDLER(lhu, LOAD(uint16_t, U))
	HANDLER(lwu, LOAD(uint32_t, U))
	HANDLER(sb, STORE(1))
	HANDLER(sh, STORE(2))
	HANDLER(sw, STORE(4))
	HANDLER(sd, STORE(8))
	HANDLER(addi, ALU(a + W_IMM_I(w)))
	HANDLER(slti, ALU((int64_t)a < (int64_t)W_IMM_I(w)))
	HANDLER(sltiu, ALU(a < W_IMM_I(w)))
	HANDLER(xori, ALU(a ^ W_IMM_I(w)))
	HANDLER(ori, ALU(a | W_IMM_I(w)))
	HANDLER(andi, ALU(a & W_IMM_I(w)))
	HANDLER(slli, ALU(a << W_SHAMT(w)))
	HANDLER(srli, ALU(a >> W_SHAMT(w)))
	HANDLER(srai, ALU((uint64_t)((int64_t)a >> W_SHAMT(w))))
	HANDLER(addiw, ALU(sext32(a + W_IMM_I(w))))
	HANDLER(slliw, ALU(sext32((uint32_t)a << (W_SHAMT(w) & 31))))
	HANDLER(srliw, ALU(sext32((uint32_t)a >> (W_SHAMT(w) & 31))))
	HANDLER(sraiw, ALU(sext32((uint32_t)((int32_t)a >> (W_SHAMT(w) & 31)))))
	HANDLER(add, ALU(a + b))
	HANDLER(sub, ALU(a - b))
	HANDLER(sll, ALU(a << (b & 63)))
	HANDLER(slt, ALU((int64_t)a < (int64_t)b))
	HANDLER(sltu, ALU(a < b))
	HANDLER(xor, ALU(a ^ b))
	HANDLER(srl, ALU(a >> (b & 63)))
	HANDLER(sra, ALU((uint64_t)((int64_t)a >> (b & 63))))
	HANDLER(or, ALU(a | b))
	HANDLER(and, ALU(a & b))
	HANDLER(addw, ALU(sext32(a + b)))
	HANDLER(subw, ALU(sext32(a - b)))
	HANDLER(sllw, ALU(sext32((uint32_t)a << (b & 31))))
	HANDLER(srlw, ALU(sext32((uint32_t)a >> (b & 31))))
	HANDLER(sraw, ALU(sext32((uint32_t)((int32_t)a >> (b & 31)))))
	HANDLER(muldiv, ALU(alu_mul(W_F3(w), a, b)))
	HANDLER(muldivw, ALU(alu_mulw(W_F3(w), a, b)))

out:
	SYNC();
	*done = n - left;
	return ret;
}

int interp_chunk(struct hart *h, uint64_t n, uint64_t *done)
{
	return run_chunk(h, n, done);
}

/* One instruction of OP_SLOW with pc and minstret in the hart, as op_slow runs it. */
int interp_slow(struct hart *h, uint32_t raw)
{
	int r =
	    exec(h, (raw & 3) == 3 ? raw : rvc_expand((uint16_t)raw), raw, (raw & 3) == 3 ? 4 : 2);

	h->s.x[0] = 0;
	h->s.minstret++;
	return r == EX_WFI ? JIT_EXIT_WFI : r == EX_STOP ? JIT_EXIT_STOP : JIT_GO_ON;
}

static enum hart_exit run_chunks(struct hart *h, uint64_t max_insns)
{
	struct cpu *c = cpu_of(h);
	uint64_t done = 0;

	for (;;) {
		uint64_t n;
		int ret;

		if (c->hit_pending) {
			c->hit_pending = false;
			return HART_EXIT_TRACE;
		}
		if (__atomic_load_n(&h->stop_req, __ATOMIC_RELAXED)) {
			__atomic_store_n(&h->stop_req, false, __ATOMIC_RELAXED);
			return HART_EXIT_STOP;
		}
		if (c->mem_gen != c->mem->gen) {
			tlb_flush(h);
			jit_flush(h);
		}
		hart_sync(h);
		/* the clock is sampled once a chunk, not after every early break */
		if (c->timer_age >= CHUNK || done == 0) {
			hart_update_timer(h);
			c->timer_age = 0;
		}
		hart_take_interrupt(h);
		if (done >= max_insns)
			return HART_EXIT_BUDGET;
		n = max_insns - done < CHUNK ? max_insns - done : CHUNK;
		__atomic_store_n(&c->brk, false, __ATOMIC_RELAXED);
		ret = c->jit ? jit_chunk(h, n, &n) : run_chunk(h, n, &n);
		done += n;
		h->insns += n;
		c->timer_age += n;
		if (ret == HART_EXIT_STOP)
			__atomic_store_n(&h->stop_req, false, __ATOMIC_RELAXED);
		if (ret >= 0)
			return (enum hart_exit)ret;
	}
}

/*
 * active tells other harts' remote fences that this one runs guest code:
 * set before the first look at requests (hart_request_wait's other half).
 */
enum hart_exit hart_run(struct hart *h, uint64_t max_insns)
{
	struct cpu *c = cpu_of(h);
	enum hart_exit ex;

	__atomic_store_n(&c->active, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->req, __ATOMIC_SEQ_CST))
		hart_sync(h);
	ex = run_chunks(h, max_insns);
	__atomic_store_n(&c->active, 0, __ATOMIC_SEQ_CST);
	return ex;
}
