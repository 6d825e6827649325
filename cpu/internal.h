/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CPU_INTERNAL_H
#define RVCP_CPU_INTERNAL_H
/*
 * Shared by the files of the CPU module only: the whole hart (struct cpu:
 * the public struct hart, then the TLB, the decode cache, the reservation
 * and the timer offset), status bits, trap causes, the memory access paths
 * (inline fast path, out-of-line slow path) and the trap / CSR entry points
 * the interpreter calls.  Files: hart.c life cycle and timer, exec.c the
 * interpreter, decode.c the decode cache's decoder, rvc.c compressed
 * instructions, mmu.c translation and slow paths, csr.c the CSR table,
 * trap.c traps and interrupts, fpu.c F and D arithmetic.
 */
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/csr.h"
#include "cpu/insn.h"

/*
 * Software TLB: direct mapped, one table per access kind.  tag is the
 * virtual page address ORed with a context number (effective privilege + 1),
 * so 0 never matches; addend turns a virtual address of the page into a host
 * pointer.  Only storage pages are cached (MMIO always takes the slow path),
 * and a write entry is never filled for a read-only page.
 */
#define TLB_BITS 8
#define TLB_SIZE (1 << TLB_BITS)

struct tlb_entry {
	uint64_t tag;
	uintptr_t addend;
};

/*
 * The decode cache: 8192 sets of 2 instructions (128 KiB), see cpu/internal.h.
 * An entry is 8 bytes: the instruction bits as fetched and their decoded form.
 */
#define DCACHE_SET_BITS 13
#define DCACHE_WAYS	2
struct dinsn {
	uint32_t raw; /* instruction bits (16 for a compressed one) */
	uint32_t w;   /* operation in bits 0-6, operands in place (internal.h) */
};

/*
 * The whole hart as the CPU module sees it: the public part first, so that
 * a struct hart * from outside is a struct cpu * here (cpu_of).
 */
struct cpu {
	struct hart h;
	struct guest_mem *mem;
	uint64_t trace_lo, trace_hi; /* the hull of the ranges below */
	uint64_t trace_r[HART_TRACE_RANGES][2];
	int trace_n;
	struct hart_watch watch;
	bool watch_on;
	bool hit_pending;    /* a hit was recorded: hart_run returns HART_EXIT_TRACE */
	int64_t time_offset; /* mtime = host_ticks + time_offset */

	/* Interpreter state below: not architectural, rebuilt after restore. */
	struct tlb_entry tlb_r[TLB_SIZE], tlb_w[TLB_SIZE], tlb_x[TLB_SIZE];
	uint64_t mem_gen;    /* mem->gen the TLB was filled under */
	uint64_t fetch_page; /* virtual page of the current fetch host page, or 1 */
	uintptr_t fetch_addend;
	uint64_t res_addr; /* LR/SC reservation: physical address, valid if res_valid */
	uint64_t res_val;  /* the value LR read: SC stores only if it is still there */
	bool res_valid;
	uint8_t res_size;
	bool trace_on;
	bool trace_skip;      /* the next instruction at trace_pc runs without stopping */
	bool brk;	      /* end the current chunk: re-check interrupts */
	uint64_t timer_age;   /* instructions since the host clock was last sampled */
	uint64_t dctx;	      /* TLB context of data accesses: effective privilege + 1 */
	uint64_t xctx;	      /* TLB context of fetches: privilege + 1 */
	uint64_t cycle_delta; /* mcycle = minstret + cycle_delta */
	uint64_t pmpcfg[2];   /* PMP: stored for firmware, not enforced */
	uint64_t pmpaddr[16];
	uint64_t mcountinhibit;
	/* Several harts (see cpu.h): set by other threads, with atomics. */
	uint32_t req;	    /* HART_REQ_* not yet taken */
	uint32_t active;    /* inside hart_run: requests wait for it */
	uint64_t seen_wgen; /* mem->code_wgen when this hart last looked at code pages */
	uint64_t seen_mark; /* mem->code_mark_gen when its write TLB was last checked */
	struct dinsn dcache[DCACHE_WAYS << DCACHE_SET_BITS];

	/* The translator (cpu/jit.h); jit NULL: the interpreter only. */
	struct jit *jit;
	enum hart_engine engine;
	uint16_t *jit_hot;  /* hot-target counters the interpreter counts down */
	uint64_t jit_limit; /* translated code stops at this minstret */
	uint32_t jit_site;  /* a jump to chain (JIT_EXIT_CHAIN) */
	bool jit_log;	    /* lockstep: mmu.c logs stores */
	bool jit_dirty;	    /* a store dropped translations: leave translated code */
	bool jit_mmio;	    /* a device access happened (lockstep cannot repeat it) */
};

static inline struct cpu *cpu_of(struct hart *h)
{
	return (struct cpu *)h;
}

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* mstatus */
#define MSTATUS_SIE	  (1ULL << 1)
#define MSTATUS_MIE	  (1ULL << 3)
#define MSTATUS_SPIE	  (1ULL << 5)
#define MSTATUS_MPIE	  (1ULL << 7)
#define MSTATUS_SPP	  (1ULL << 8)
#define MSTATUS_MPP	  (3ULL << 11)
#define MSTATUS_FS	  (3ULL << 13)
#define MSTATUS_MPRV	  (1ULL << 17)
#define MSTATUS_SUM	  (1ULL << 18)
#define MSTATUS_MXR	  (1ULL << 19)
#define MSTATUS_TVM	  (1ULL << 20)
#define MSTATUS_TW	  (1ULL << 21)
#define MSTATUS_TSR	  (1ULL << 22)
#define MSTATUS_UXL	  (3ULL << 32)
#define MSTATUS_SXL	  (3ULL << 34)
#define MSTATUS_SD	  (1ULL << 63)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_FS_DIRTY  (3ULL << 13)

/* exception causes */
enum {
	CAUSE_FETCH_MISALIGNED = 0,
	CAUSE_FETCH_ACCESS = 1,
	CAUSE_ILLEGAL = 2,
	CAUSE_BREAKPOINT = 3,
	CAUSE_LOAD_MISALIGNED = 4,
	CAUSE_LOAD_ACCESS = 5,
	CAUSE_STORE_MISALIGNED = 6,
	CAUSE_STORE_ACCESS = 7,
	CAUSE_ECALL_U = 8,
	CAUSE_ECALL_S = 9,
	CAUSE_ECALL_M = 11,
	CAUSE_FETCH_PAGE = 12,
	CAUSE_LOAD_PAGE = 13,
	CAUSE_STORE_PAGE = 15,
};
#define CAUSE_INTERRUPT (1ULL << 63)

/* access kinds for translation */
enum { ACC_R = 0, ACC_W = 1, ACC_X = 2 };

/* Ends the current chunk (the hart looks at interrupts and requests); any thread. */
static inline void hart_break(struct hart *h)
{
	__atomic_store_n(&cpu_of(h)->brk, true, __ATOMIC_RELAXED);
}

static inline bool hart_brk(struct cpu *c)
{
	return __atomic_load_n(&c->brk, __ATOMIC_RELAXED);
}

static inline uint64_t hart_mip(struct hart *h)
{
	return __atomic_load_n(&h->s.mip, __ATOMIC_RELAXED);
}

/* hart.c */
uint64_t hart_host_ticks(void);
/* At a fence, an atomic, an ecall and each chunk: other harts' requests and code marks. */
void hart_sync(struct hart *h);
void hart_update_timer(struct hart *h);
void hart_update_ctx(struct hart *h);
void tlb_flush(struct hart *h);

/* trap.c */
void hart_raise(struct hart *h, uint64_t cause, uint64_t tval);
bool hart_take_interrupt(struct hart *h);
/* An event trap fired (h->hit): the chunk ends, hart_run reports it. */
void hart_hit(struct hart *h, uint32_t kind, uint64_t pc, uint64_t cause, uint64_t tval);
void hart_watch_store(struct hart *h, uint64_t pa, int size);
uint64_t hart_pending_irqs(struct hart *h);
void hart_mret(struct hart *h);
void hart_sret(struct hart *h);
/* csr.c: a CSR instruction: false when illegal (caller raises). */
bool csr_access(struct hart *h, uint32_t insn);

/* rvc.c: the 32-bit form of a compressed instruction, 0 if reserved */
uint32_t rvc_expand(uint16_t c);

/* mmu.c */
int mmu_translate(struct hart *h, uint64_t va, int acc, uint64_t *pa);
bool mmu_load(struct hart *h, uint64_t va, int size, uint64_t *val);
bool mmu_store(struct hart *h, uint64_t va, int size, uint64_t val);
/* A store into storage at real is done: translations of its page (any hart's) are stale. */
void mmu_stored(struct hart *h, uint64_t real);
/* Other harts gave pages translations: drop write entries for them (mem->code_mark_gen). */
void mmu_take_marks(struct hart *h);
/* Host pointer for an aligned atomic access, or NULL with *pa set for MMIO; false = trapped. */
bool mmu_amo_ptr(struct hart *h, uint64_t va, int size, bool lr, bool sc, void **host,
		 uint64_t *pa);
enum { FETCH_OK, FETCH_TRAP, FETCH_TRACE };
int mmu_fetch(struct hart *h, uint64_t pc, uint32_t *insn);

static inline struct tlb_entry *tlb_slot(struct tlb_entry *t, uint64_t va)
{
	return &t[(va >> 12) & (TLB_SIZE - 1)];
}

/* Fast path: a TLB hit on a storage page, the access not crossing the page. */
static inline bool hart_load(struct hart *h, uint64_t va, int size, uint64_t *val)
{
	struct cpu *c = cpu_of(h);
	struct tlb_entry *e = tlb_slot(c->tlb_r, va);

	if (likely(e->tag == ((va & ~0xfffULL) | c->dctx) && (va & 0xfff) <= 4096U - size)) {
		const void *p = (const void *)(uintptr_t)(va + e->addend);

		switch (size) {
		case 1:
			*val = *(const uint8_t *)p;
			return true;
		case 2: {
			uint16_t v;
			memcpy(&v, p, 2);
			*val = v;
			return true;
		}
		case 4: {
			uint32_t v;
			memcpy(&v, p, 4);
			*val = v;
			return true;
		}
		default:
			memcpy(val, p, 8);
			return true;
		}
	}
	return mmu_load(h, va, size, val);
}

static inline bool hart_store(struct hart *h, uint64_t va, int size, uint64_t val)
{
	struct cpu *c = cpu_of(h);
	struct tlb_entry *e = tlb_slot(c->tlb_w, va);

	if (likely(e->tag == ((va & ~0xfffULL) | c->dctx) && (va & 0xfff) <= 4096U - size)) {
		memcpy((void *)(uintptr_t)(va + e->addend), &val, size);
		return true;
	}
	return mmu_store(h, va, size, val);
}

static inline uint64_t sext(uint64_t v, int bits)
{
	return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
}

/* Immediates of the 32-bit instruction formats, sign-extended. */
static inline uint64_t imm_i(uint32_t insn)
{
	return (uint64_t)((int64_t)(int32_t)insn >> 20);
}

static inline uint64_t imm_s(uint32_t insn)
{
	return ((uint64_t)((int64_t)(int32_t)insn >> 25) << 5) | ((insn >> 7) & 31);
}

static inline uint64_t imm_b(uint32_t insn)
{
	return ((uint64_t)((int64_t)(int32_t)insn >> 31) << 12) | ((insn >> 7) & 1) << 11 |
	       ((insn >> 25) & 0x3f) << 5 | ((insn >> 8) & 0xf) << 1;
}

static inline uint64_t imm_j(uint32_t insn)
{
	return ((uint64_t)((int64_t)(int32_t)insn >> 31) << 20) | (insn & 0xff000) |
	       ((insn >> 20) & 1) << 11 | ((insn >> 21) & 0x3ff) << 1;
}

static inline uint64_t sext32(uint64_t v)
{
	return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}

/*
 * The decode cache: a fixed-size table of sets of DCACHE_WAYS entries, the
 * set chosen by pc, most recently decoded first.  An entry is valid for any pc
 * whose instruction bits equal raw (decoding depends on nothing else), so it
 * needs no flushing: fetch reads the bits from storage, and a mismatch
 * decodes again.
 *
 * The decoded word w is the 32-bit form of the instruction (compressed ones
 * expanded) with the major opcode replaced by DOP(operation, length): rd in
 * bits 7-11, funct3 12-14, rs1 15-19, rs2 20-24, I and S immediates where
 * RISC-V has them, U immediates in 12-31.  Only the scattered immediates
 * are rearranged: a branch keeps offset/2 where an S immediate is, a JAL
 * keeps offset/2 in bits 12-31.  The length is part of the operation so
 * that the interpreter's handlers know it without a load.
 */
#define DOP(op, len) ((op) << 1 | ((len) == 4))
#define DOP_MASK     0x7f
#define W_RD(w)	     (((w) >> 7) & 31)
#define W_F3(w)	     (((w) >> 12) & 7)
#define W_RS1(w)     (((w) >> 15) & 31)
#define W_RS2(w)     (((w) >> 20) & 31)
#define W_SHAMT(w)   (((w) >> 20) & 63)
#define W_IMM_I(w)   ((uint64_t)((int64_t)(int32_t)(w) >> 20))
#define W_IMM_S(w)   ((uint64_t)(((int64_t)(int32_t)(w) >> 25) * 32) | (((w) >> 7) & 31))
#define W_IMM_B(w)   (W_IMM_S(w) * 2)
#define W_IMM_U(w)   ((uint64_t)(int64_t)(int32_t)((w)&0xfffff000))
#define W_IMM_J(w)   ((uint64_t)((int64_t)(int32_t)(w) >> 12) * 2)

enum {
	OP_ILLEGAL, /* 0: also what an all-zero entry decodes raw == 0 to */
	OP_SLOW,    /* everything else: exec() on the 32-bit form of raw */
	OP_LUI,
	OP_AUIPC,
	OP_JAL,
	OP_JALR,
	OP_BEQ,
	OP_BNE,
	OP_BLT,
	OP_BGE,
	OP_BLTU,
	OP_BGEU,
	OP_LB,
	OP_LH,
	OP_LW,
	OP_LD,
	OP_LBU,
	OP_LHU,
	OP_LWU,
	OP_SB,
	OP_SH,
	OP_SW,
	OP_SD,
	OP_ADDI,
	OP_SLTI,
	OP_SLTIU,
	OP_XORI,
	OP_ORI,
	OP_ANDI,
	OP_SLLI,
	OP_SRLI,
	OP_SRAI,
	OP_ADDIW,
	OP_SLLIW,
	OP_SRLIW,
	OP_SRAIW,
	OP_ADD,
	OP_SUB,
	OP_SLL,
	OP_SLT,
	OP_SLTU,
	OP_XOR,
	OP_SRL,
	OP_SRA,
	OP_OR,
	OP_AND,
	OP_ADDW,
	OP_SUBW,
	OP_SLLW,
	OP_SRLW,
	OP_SRAW,
	OP_MULDIV,  /* f3 selects */
	OP_MULDIVW, /* f3 selects */
	OP_NOP,	    /* an integer operation whose only effect is writing x0 */
	OP_J,	    /* JAL x0 */
	OP_JR,	    /* JALR x0 */
	OP_COUNT
};

/* The decoded word of the instruction bits raw (16-bit ones are compressed). */
uint32_t decode_insn(uint32_t raw);

#endif
