// SPDX-License-Identifier: MIT
/*
 * The interpreter.  Instructions are fetched straight from the host page of
 * the current fetch page, compressed ones expanded, and executed by one
 * switch.  Interrupts, the timer, storage changes and stop requests are
 * looked at between chunks of at most CHUNK instructions, and at once after
 * anything that may change them (CSR writes, xRET, device interrupts).
 */
#include "cpu/internal.h"

#include "cpu/fpu.h"
#include "cpu/hart.h"

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

static uint64_t amo_compute(unsigned f5, uint64_t old, uint64_t src, int size)
{
	if (size == 4) {
		old = sext32(old);
		src = sext32(src);
	}
	switch (f5) {
	case 0x01:
		return src;
	case 0x00:
		return old + src;
	case 0x04:
		return old ^ src;
	case 0x0c:
		return old & src;
	case 0x08:
		return old | src;
	case 0x10:
		return (int64_t)old < (int64_t)src ? old : src;
	case 0x14:
		return (int64_t)old > (int64_t)src ? old : src;
	case 0x18:
		return old < src ? old : src;
	default:
		return old > src ? old : src;
	}
}

static inline uint64_t host_read(const void *p, int size)
{
	uint32_t w;
	uint64_t d;

	if (size == 4) {
		memcpy(&w, p, 4);
		return w;
	}
	memcpy(&d, p, 8);
	return d;
}

/* Atomics: LR, SC, AMO*.  Aligned only; a storage page is accessed in place. */
static void exec_amo(struct hart *h, uint32_t insn, uint64_t npc)
{
	unsigned f5 = insn >> 27;
	int size = F3 == 2 ? 4 : 8;
	uint64_t addr = X(RS1), pa, old = 0, res;
	struct tlb_entry *e;
	void *host;
	bool lr = f5 == 0x02;

	if ((F3 != 2 && F3 != 3) || (lr && RS2) ||
	    !(f5 <= 0x04 || f5 == 0x08 || f5 == 0x0c || f5 == 0x10 || f5 == 0x14 || f5 == 0x18 ||
	      f5 == 0x1c)) {
		hart_raise(h, CAUSE_ILLEGAL, insn);
		return;
	}
	e = tlb_slot(lr ? h->tlb_r : h->tlb_w, addr);
	if (likely(!(addr & (size - 1)) && e->tag == ((addr & ~0xfffULL) | h->dctx))) {
		host = (void *)(uintptr_t)(addr + e->addend);
		pa = (uint64_t)((uint8_t *)host - h->mem->base) + RAM_BASE;
	} else if (!mmu_amo_ptr(h, addr, size, lr, f5 == 0x03, &host, &pa)) {
		return;
	}
	if (f5 == 0x03) { /* SC */
		if (h->res_valid && h->res_addr == pa) {
			if (host)
				memcpy(host, &X(RS2), size);
			else if (!bus_access(h->bus, pa, &X(RS2), size, true))
				goto access_fault;
			res = 0;
		} else {
			res = 1;
		}
		h->res_valid = false;
		goto done;
	}
	if (host)
		old = host_read(host, size);
	else if (!bus_access(h->bus, pa, &old, size, false))
		goto access_fault;
	if (lr) {
		h->res_valid = true;
		h->res_addr = pa;
	} else {
		uint64_t nv = amo_compute(f5, old, X(RS2), size);

		if (host)
			memcpy(host, &nv, size);
		else if (!bus_access(h->bus, pa, &nv, size, true))
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

	if (F3 == 4)
		goto illegal;
	if (F3) {
		if (!csr_access(h, insn))
			goto illegal;
		h->s.pc = npc;
		return EX_OK;
	}
	switch (insn) {
	case 0x00000073: /* ECALL */
		if (priv == PRV_S && h->ecall && h->ecall(h->ecall_opaque, h)) {
			h->s.x[0] = 0;
			h->s.pc = npc;
			hart_update_timer(h); /* the SBI may have moved sbi_timecmp */
			h->brk = true;
			return h->stop_req ? EX_STOP : EX_OK;
		}
		hart_raise(h, CAUSE_ECALL_U + priv, 0);
		return EX_OK;
	case 0x00100073: /* EBREAK: mtval 0, as QEMU (the spec allows 0 or the pc) */
		hart_raise(h, CAUSE_BREAKPOINT, 0);
		return EX_OK;
	case 0x10200073: /* SRET */
		if (priv < PRV_S || (priv == PRV_S && (h->s.mstatus & MSTATUS_TSR)))
			goto illegal;
		hart_sret(h);
		h->brk = true;
		return EX_OK;
	case 0x30200073: /* MRET */
		if (priv != PRV_M)
			goto illegal;
		hart_mret(h);
		h->brk = true;
		return EX_OK;
	case 0x10500073: /* WFI */
		if (priv == PRV_U || (priv == PRV_S && (h->s.mstatus & MSTATUS_TW)))
			goto illegal;
		h->s.pc = npc;
		hart_update_timer(h);
		h->brk = true;
		return hart_pending_irqs(h) ? EX_OK : EX_WFI;
	}
	if ((insn & 0xfe007fff) == 0x12000073) { /* SFENCE.VMA */
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

	switch (insn & 0x7f) {
	case 0x0f: /* MISC-MEM: fetch reads storage directly, so FENCE.I has nothing to do */
		if (F3 > 1)
			goto illegal;
		break;
	case 0x73:
		return exec_system(h, insn, raw, npc);
	case 0x2f:
		exec_amo(h, insn, npc);
		return EX_OK;
	case 0x07: /* LOAD-FP */
	case 0x27: /* STORE-FP */
		if ((F3 != 2 && F3 != 3) || !(h->s.mstatus & MSTATUS_FS))
			goto illegal;
		if (!fp_load_store(h, insn, (insn & 0x7f) == 0x27))
			return EX_OK;
		break;
	case 0x53:
	case 0x43:
	case 0x47:
	case 0x4b:
	case 0x4f:
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
 * The decoded fast path; returns EX_* like exec().  The pc lives in *pcp (a
 * register of run_chunk's) and is also stored in h->s.pc for the slow paths;
 * after a trap or a slow path *pcp is reloaded from there.
 */
static inline int exec_decoded(struct hart *h, const struct dinsn *d, uint64_t *pcp)
{
	uint64_t *x = h->s.x, pc = *pcp, npc = pc + d->len, v;
	int r;
	uint64_t a = x[d->rs1], b = x[d->rs2];
	int64_t imm = d->imm;
	unsigned rd = d->rd;

	switch (d->op) {
	case OP_ILLEGAL:
		hart_raise(h, CAUSE_ILLEGAL, d->raw);
		goto reload;
	case OP_SLOW:
		r = exec(h, (uint32_t)d->imm, d->raw, d->len);
		*pcp = h->s.pc;
		return r;
	case OP_LUI:
		x[rd] = (uint64_t)imm;
		break;
	case OP_AUIPC:
		x[rd] = pc + (uint64_t)imm;
		break;
	case OP_JAL:
		x[rd] = npc;
		npc = pc + (uint64_t)imm;
		break;
	case OP_JALR:
		x[rd] = npc;
		npc = (a + (uint64_t)imm) & ~1ULL;
		break;
	case OP_BEQ:
		if (a == b)
			npc = pc + (uint64_t)imm;
		break;
	case OP_BNE:
		if (a != b)
			npc = pc + (uint64_t)imm;
		break;
	case OP_BLT:
		if ((int64_t)a < (int64_t)b)
			npc = pc + (uint64_t)imm;
		break;
	case OP_BGE:
		if ((int64_t)a >= (int64_t)b)
			npc = pc + (uint64_t)imm;
		break;
	case OP_BLTU:
		if (a < b)
			npc = pc + (uint64_t)imm;
		break;
	case OP_BGEU:
		if (a >= b)
			npc = pc + (uint64_t)imm;
		break;
	case OP_LB:
		if (!hart_load(h, a + (uint64_t)imm, 1, &v))
			goto reload;
		x[rd] = sext(v, 8);
		break;
	case OP_LH:
		if (!hart_load(h, a + (uint64_t)imm, 2, &v))
			goto reload;
		x[rd] = sext(v, 16);
		break;
	case OP_LW:
		if (!hart_load(h, a + (uint64_t)imm, 4, &v))
			goto reload;
		x[rd] = sext32(v);
		break;
	case OP_LD:
		if (!hart_load(h, a + (uint64_t)imm, 8, &v))
			goto reload;
		x[rd] = v;
		break;
	case OP_LBU:
		if (!hart_load(h, a + (uint64_t)imm, 1, &v))
			goto reload;
		x[rd] = v;
		break;
	case OP_LHU:
		if (!hart_load(h, a + (uint64_t)imm, 2, &v))
			goto reload;
		x[rd] = v;
		break;
	case OP_LWU:
		if (!hart_load(h, a + (uint64_t)imm, 4, &v))
			goto reload;
		x[rd] = v;
		break;
	case OP_SB:
		if (!hart_store(h, a + (uint64_t)imm, 1, b))
			goto reload;
		break;
	case OP_SH:
		if (!hart_store(h, a + (uint64_t)imm, 2, b))
			goto reload;
		break;
	case OP_SW:
		if (!hart_store(h, a + (uint64_t)imm, 4, b))
			goto reload;
		break;
	case OP_SD:
		if (!hart_store(h, a + (uint64_t)imm, 8, b))
			goto reload;
		break;
	case OP_ADDI:
		x[rd] = a + (uint64_t)imm;
		break;
	case OP_SLTI:
		x[rd] = (int64_t)a < imm;
		break;
	case OP_SLTIU:
		x[rd] = a < (uint64_t)imm;
		break;
	case OP_XORI:
		x[rd] = a ^ (uint64_t)imm;
		break;
	case OP_ORI:
		x[rd] = a | (uint64_t)imm;
		break;
	case OP_ANDI:
		x[rd] = a & (uint64_t)imm;
		break;
	case OP_SLLI:
		x[rd] = a << imm;
		break;
	case OP_SRLI:
		x[rd] = a >> imm;
		break;
	case OP_SRAI:
		x[rd] = (uint64_t)((int64_t)a >> imm);
		break;
	case OP_ADDIW:
		x[rd] = sext32(a + (uint64_t)imm);
		break;
	case OP_SLLIW:
		x[rd] = sext32((uint32_t)a << imm);
		break;
	case OP_SRLIW:
		x[rd] = sext32((uint32_t)a >> imm);
		break;
	case OP_SRAIW:
		x[rd] = sext32((uint32_t)((int32_t)a >> imm));
		break;
	case OP_ADD:
		x[rd] = a + b;
		break;
	case OP_SUB:
		x[rd] = a - b;
		break;
	case OP_SLL:
		x[rd] = a << (b & 63);
		break;
	case OP_SLT:
		x[rd] = (int64_t)a < (int64_t)b;
		break;
	case OP_SLTU:
		x[rd] = a < b;
		break;
	case OP_XOR:
		x[rd] = a ^ b;
		break;
	case OP_SRL:
		x[rd] = a >> (b & 63);
		break;
	case OP_SRA:
		x[rd] = (uint64_t)((int64_t)a >> (b & 63));
		break;
	case OP_OR:
		x[rd] = a | b;
		break;
	case OP_AND:
		x[rd] = a & b;
		break;
	case OP_ADDW:
		x[rd] = sext32(a + b);
		break;
	case OP_SUBW:
		x[rd] = sext32(a - b);
		break;
	case OP_SLLW:
		x[rd] = sext32((uint32_t)a << (b & 31));
		break;
	case OP_SRLW:
		x[rd] = sext32((uint32_t)a >> (b & 31));
		break;
	case OP_SRAW:
		x[rd] = sext32((uint32_t)((int32_t)a >> (b & 31)));
		break;
	case OP_MULDIV:
		x[rd] = alu_mul(d->f3, a, b);
		break;
	case OP_MULDIVW:
		x[rd] = alu_mulw(d->f3, a, b);
		break;
	}
	h->s.pc = npc;
	*pcp = npc;
	return EX_OK;
reload:
	*pcp = h->s.pc;
	return EX_OK;
}

/* Runs up to n instructions; returns the hart_exit reason or -1 to go on. */
static int run_chunk(struct hart *h, uint64_t n, uint64_t *done)
{
	uint64_t i;
	int r = EX_OK, ret = -1;

	uint64_t pc = h->s.pc;

	for (i = 0; i < n; i++) {
		uint32_t insn;
		struct dinsn *d;

		if (likely((pc & ~0xfffULL) == h->fetch_page)) {
			const uint8_t *p = (const uint8_t *)(uintptr_t)(pc + h->fetch_addend);
			uint16_t lo;

			memcpy(&lo, p, 2);
			if ((lo & 3) != 3)
				insn = lo;
			else if ((pc & 0xfff) != 0xffe)
				memcpy(&insn, p, 4);
			else
				goto slow;
		} else {
		slow:;
			int f = mmu_fetch(h, pc, &insn);

			if (f == FETCH_TRACE) {
				ret = HART_EXIT_TRACE;
				break;
			}
			if (f == FETCH_TRAP) {
				h->s.minstret++; /* hart_raise took it back */
				pc = h->s.pc;
				continue;
			}
		}
		d = &h->dcache[(pc >> 1) & ((1 << DCACHE_BITS) - 1)];
		if (unlikely(d->raw != insn))
			decode_insn(d, insn);
		r = exec_decoded(h, d, &pc);
		h->s.x[0] = 0;
		h->s.minstret++;
		if (unlikely(r != EX_OK || h->brk)) {
			i++;
			if (r == EX_WFI)
				ret = HART_EXIT_WFI;
			else if (r == EX_STOP)
				ret = HART_EXIT_STOP;
			break;
		}
	}
	*done = i;
	return ret;
}

enum hart_exit hart_run(struct hart *h, uint64_t max_insns)
{
	uint64_t done = 0;

	for (;;) {
		uint64_t n;
		int ret;

		if (h->stop_req) {
			h->stop_req = false;
			return HART_EXIT_STOP;
		}
		if (h->mem_gen != h->mem->gen)
			tlb_flush(h);
		/* the clock is sampled once a chunk, not after every early break */
		if (h->timer_age >= CHUNK || done == 0) {
			hart_update_timer(h);
			h->timer_age = 0;
		}
		hart_take_interrupt(h);
		if (done >= max_insns)
			return HART_EXIT_BUDGET;
		n = max_insns - done < CHUNK ? max_insns - done : CHUNK;
		h->brk = false;
		ret = run_chunk(h, n, &n);
		done += n;
		h->insns += n;
		h->timer_age += n;
		if (ret == HART_EXIT_STOP)
			h->stop_req = false;
		if (ret >= 0)
			return (enum hart_exit)ret;
	}
}
