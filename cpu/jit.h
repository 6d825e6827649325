/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CPU_JIT_H
#define RVCP_CPU_JIT_H
/*
 * The translator, shared by the files of the CPU module (cpu/jit.c is the
 * host-independent part, the backend cpu/jit_x86.c the host code).
 *
 * Tiering: the interpreter counts taken control transfers per target in a
 * small hashed table (h->jit_hot); when a count reaches JIT_HOT_START it returns
 * INTERP_HOT and the dispatcher (jit_chunk) translates the block there.  The
 * dispatcher counts the pcs it is sent to without a block as well (the exits
 * of translated code to the next page or to untranslated code).  A
 * block is straight-line guest code within one guest page, ended by a
 * control transfer, a SYSTEM or MISC-MEM instruction, JIT_MAX_INSNS, or the
 * page end.  Blocks are keyed by (pc, real page of the code): the code
 * does not depend on privilege or satp (memory accesses go through the TLB
 * at run time), so address-space changes need no flush; a block is only
 * entered after a fetch-TLB lookup of its page.
 *
 * Translated code keeps the guest registers in struct hart (no caching
 * across helper calls), minstret in a host register, and the TLB context
 * of data accesses in another; helpers are plain C with the hart's state
 * in memory.  Direct jumps within the page of the block are chained (patched
 * once the target exists: the mapping of the page cannot change without a
 * helper, which leaves translated code); other jumps go through a small
 * jump cache checked against the fetch TLB.
 *
 * Self-modifying code: a real page with translations carries MEM_PG_CODE;
 * the TLB never holds a write entry for it, so every store to it takes the
 * slow path, which (after storing) takes the mark away, moves the page's
 * epoch (mem->code_epoch) and code_wgen, and drops this hart's own
 * translations at once.  FENCE.I therefore has nothing to flush for the
 * hart's own stores.
 *
 * Several harts (one struct jit per hart, each on its own thread): a hart
 * keeps with each page the epoch it read before the mark and the code;
 * whenever code_wgen moved (at each dispatch, FENCE, FENCE.I, atomic,
 * ecall and chunk) it drops the pages whose epoch is no longer theirs.  A
 * store that takes a mark away moves the epoch after it, so a page marked
 * again by another hart meanwhile is dropped, never kept stale.  A write
 * entry another hart filled before the mark may let its stores past: a new
 * mark moves code_mark_gen, and every hart, at the same points, drops its
 * write entries for marked pages and counts each as a write.  So a store
 * of one hart is seen by another's translations once the storing hart has
 * passed a FENCE, an atomic or an ecall (which is how RISC-V code hands
 * code over: store, fence, signal; the other hart's FENCE.I) and the other
 * hart has reached one of those points itself.  Device DMA into a marked
 * page moves the epoch too (mem_dma).  Translated code sees its budget in
 * a host register: another thread's interrupt or request ends a chain at
 * the chunk's end (at most 4096 instructions).  A sandbox must allow
 * memfd_create and a PROT_EXEC shared mapping.
 *
 * Lockstep (hart engine "lockstep") translates every block it meets and
 * runs each once translated, then again interpreted from the same state,
 * comparing the hart state and the stores; the TLB gets no write entries in
 * that mode, so stores are logged (and undone) by mmu.c.
 */
#include "cpu/internal.h"

#define JIT_MAX_INSNS 64
#define JIT_HOT_BITS  12
#define JIT_HOT_START 32 /* taken transfers to a target before it is translated */
#define JIT_JC_BITS   10

/* Exit reasons of translated code (and of the helpers: 0 = go on). */
enum {
	JIT_GO_ON = 0,
	JIT_EXIT_NORMAL, /* h->s.pc, h->s.minstret are the state */
	JIT_EXIT_CHAIN,	 /* also: h->jit_site is a jump to patch to the block at pc */
	JIT_EXIT_WFI,
	JIT_EXIT_STOP,
};

/* The interpreter's answer when it reached a hot target (run_chunk). */
#define INTERP_HOT (-2)

/* One jump-cache entry: a block's pc, the fetch-TLB addend of its page, its code. */
struct jit_jc {
	uint64_t pc;
	uint64_t addend;
	const void *code;
	uint64_t block;
};

/* One guest instruction of a block as the backend sees it. */
struct jit_insn {
	uint64_t pc;
	uint32_t w;   /* decode_insn() of raw */
	uint32_t raw; /* the instruction as fetched */
	uint32_t e;   /* its 32-bit form (compressed ones expanded) */
	uint8_t len;
	uint8_t op; /* operation (w & DOP_MASK) >> 1 */
};

struct jit_src {
	uint64_t pc;
	unsigned n;
	bool ends_page; /* the next pc lies in the block's page (else a lookup) */
	struct jit_insn in[JIT_MAX_INSNS];
};

/* The code cache: one memfd mapped twice, written through w, run from x. */
struct jit_code {
	uint8_t *w;
	const uint8_t *x;
	size_t size, used;
	size_t stubs_end; /* the shared stubs occupy [0, stubs_end) */
	uint32_t enter, exit, exit_ns, lookup;
	struct jit_jc *jc;
};

/* Backend (host code) */
bool jitb_available(void);
/* Writes the shared stubs (entry, exits, lookup) at the start of the cache. */
int jitb_init(struct jit_code *c);
/* Translates a block; *entry is the offset of its code.  -ENOSPC: cache full. */
int jitb_translate(struct jit_code *c, const struct jit_src *b, uint32_t *entry);
/* Points the jump at site to the code at target. */
void jitb_patch(struct jit_code *c, uint32_t site, uint32_t target);
/* Runs translated code at entry until it exits; returns the exit reason. */
int jitb_run(struct jit_code *c, struct hart *h, uint32_t entry);

/* Helpers called from translated code (pc and minstret of the instruction in memory). */
int jit_h_load(struct hart *h, uint64_t va, uint64_t info);
int jit_h_store(struct hart *h, uint64_t va, uint64_t val, uint64_t info);
int jit_h_slow(struct hart *h, uint64_t raw);
uint64_t jit_h_muldiv(uint64_t f3w, uint64_t a, uint64_t b);
/* info of jit_h_load / jit_h_store */
#define JIT_INFO(size, sign, rd, len) ((size) | (sign) << 4 | (rd) << 8 | (len) << 16)

/* Portable part (jit.c) */
struct jit;
int jit_create(struct hart *h, bool lockstep);
void jit_release(struct hart *h);
void jit_destroy(struct hart *h);
void jit_flush(struct hart *h);
/* Runs up to n instructions like run_chunk (returns a hart_exit or -1 to go on). */
int jit_chunk(struct hart *h, uint64_t n, uint64_t *done);
/* This hart stored into a real page that was marked MEM_PG_CODE: its translations go. */
void jit_code_written(struct hart *h, uint64_t real);
/* mem->code_wgen moved: drops the pages whose epoch moved (also without a translator). */
void jit_revalidate(struct hart *h);
/* Lockstep mode: log of stores, kept by mmu.c while h->jit_log is set. */
void jit_log_store(struct hart *h, void *host, int size, const void *val);

/* exec.c: the interpreter, and one OP_SLOW instruction (what op_slow does). */
int interp_chunk(struct hart *h, uint64_t n, uint64_t *done);
int interp_slow(struct hart *h, uint32_t raw);

#endif
