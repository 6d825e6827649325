/* SPDX-License-Identifier: MIT */
#ifndef RVCP_HART_H
#define RVCP_HART_H
/* struct hart: owned by the CPU module; other modules use only the fields marked public. */
#include "cpu/cpu.h"

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

struct hart {
	struct hart_state s; /* public: registers for the SBI, state for SAVESYS */
	struct guest_mem *mem;
	struct bus *bus;
	hart_ecall_fn ecall; /* public: set by the machine */
	void *ecall_opaque;
	bool stop_req;	   /* public: set to make hart_run return HART_EXIT_STOP */
	uint64_t trace_pc; /* public: pc of the trace hit */
	uint64_t trace_lo, trace_hi;
	int64_t time_offset; /* mtime = host_ticks + time_offset */

	/* Interpreter state below: not architectural, rebuilt after restore. */
	struct tlb_entry tlb_r[TLB_SIZE], tlb_w[TLB_SIZE], tlb_x[TLB_SIZE];
	uint64_t mem_gen;    /* mem->gen the TLB was filled under */
	uint64_t fetch_page; /* virtual page of the current fetch host page, or 1 */
	uintptr_t fetch_addend;
	uint64_t res_addr; /* LR/SC reservation: physical address, valid if res_valid */
	bool res_valid;
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
	struct dinsn dcache[DCACHE_WAYS << DCACHE_SET_BITS];
	uint64_t insns; /* instructions retired since hart_init (for --stats) */

	/* The translator (cpu/jit.h); jit NULL: the interpreter only. */
	struct jit *jit;
	enum hart_engine engine;
	uint16_t *jit_hot;  /* hot-target counters the interpreter counts down */
	uint64_t jit_limit; /* translated code stops at this minstret */
	uint32_t jit_site;  /* a jump to chain (JIT_EXIT_CHAIN) */
	bool jit_log;	    /* lockstep: mmu.c logs stores, the TLB holds no write entry */
	bool jit_dirty;	    /* a store dropped translations: leave translated code */
	bool jit_mmio;	    /* a device access happened (lockstep cannot repeat it) */
};

#endif
