/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CPU_H
#define RVCP_CPU_H
/*
 * The hart: one RV64IMAFDC + Zicsr + Zifencei hart with M/S/U modes and
 * Sv39/Sv48 translation.
 *
 * Interface contract with the rest of rvcp (the interpreter's inside - its
 * TLB, decode cache and reservation - is the CPU module's own business,
 * declared in cpu/internal.h):
 *  - storage comes from struct guest_mem (mem/mem.h); everything else goes to
 *    the MMIO bus (cpu/bus.h); an access nobody claims is an access fault;
 *  - hart_run() interprets until the budget is spent, WFI finds nothing to do,
 *    an instruction trace range is hit, or an ecall hook asks to stop;
 *  - devices raise interrupts with hart_set_irq(); the timer is compared at
 *    block boundaries against mtimecmp (CLINT) and sbi_timecmp (SBI timer);
 *  - everything SAVESYS saves lives in struct hart_state;
 *  - several harts share one guest_mem, each run by its own host thread
 *    (machine/smp.c).  What another thread may do to a hart: raise or
 *    lower its interrupt lines (hart_set_irq), set its mtimecmp
 *    (hart_set_mtimecmp), ask it to flush (hart_request), stop it
 *    (hart_stop): all atomic, all noticed at the hart's next chunk
 *    boundary at the latest.  Everything else belongs to the hart's own
 *    thread, or to anyone while the hart does not run.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu/bus.h"
#include "mem/mem.h"

enum { PRV_U = 0, PRV_S = 1, PRV_M = 3 };

#define TIMEBASE_HZ 10000000ULL /* mtime ticks per second, from CLOCK_MONOTONIC */

/* mip / mie bits */
#define MIP_SSIP (1ULL << 1)
#define MIP_MSIP (1ULL << 3)
#define MIP_STIP (1ULL << 5)
#define MIP_MTIP (1ULL << 7)
#define MIP_SEIP (1ULL << 9)
#define MIP_MEIP (1ULL << 11)

/*
 * Architectural state: plain data, fixed layout, what SAVESYS writes and
 * IPL of a saved system restores.  Add fields only at the end (spool
 * files record sizeof(struct hart_state) and refuse a mismatch).
 */
struct hart_state {
	uint64_t x[32];
	uint64_t f[32];
	uint64_t pc;
	uint64_t priv;
	uint64_t fcsr;
	uint64_t mstatus, misa, medeleg, mideleg, mie, mip, mtvec, mscratch, mepc, mcause, mtval;
	uint64_t mcounteren, menvcfg, stvec, sscratch, sepc, scause, stval, satp, scounteren,
	    senvcfg;
	uint64_t mcycle, minstret;
	uint64_t mtime;	      /* the timer value when the state was taken */
	uint64_t mtimecmp;    /* CLINT compare (raises MTIP) */
	uint64_t sbi_timecmp; /* SBI set_timer compare (raises STIP); ~0 = off */
	uint64_t reserved[16];
};

enum hart_exit {
	HART_EXIT_BUDGET, /* max_insns done */
	HART_EXIT_WFI,	  /* waiting for an interrupt: sleep until hart_deadline_ns() */
	HART_EXIT_TRACE,  /* about to fetch in the trace range; h->trace_pc says where */
	HART_EXIT_STOP,	  /* a hook or device asked the hart to stop (h->stop_req) */
};

struct hart;
/*
 * Called for ECALL from S-mode when set (the machine's SBI).  Return true
 * when handled: the hook has written a0/a1 and the hart continues at pc+4.
 * Return false to raise the environment-call exception as usual.
 */
typedef bool (*hart_ecall_fn)(void *opaque, struct hart *h);

/* What stopped the hart with HART_EXIT_TRACE (CP's TRACE traps). */
enum hart_hit_kind {
	HART_HIT_INSTR = 1, /* about to fetch in an instruction trace range */
	HART_HIT_STORE,	    /* a store into the store range was just done */
	HART_HIT_PROG,	    /* an exception (not ECALL) was just taken */
	HART_HIT_EXT,	    /* an interrupt was just taken */
	HART_HIT_SVC,	    /* an ECALL was just done (trap taken or SBI answered) */
};

struct hart_hit {
	uint32_t kind;	/* enum hart_hit_kind */
	uint64_t pc;	/* the instruction's (virtual) pc; EXT: the interrupted pc */
	uint64_t cause; /* PROG, EXT: the cause (interrupt bit clear); SVC: a7 */
	uint64_t tval;	/* PROG: the trap value; STORE: the guest physical address */
};

/*
 * Event traps beyond the instruction ranges.  Armed, they make the hart run
 * in the interpreter (the translator has no hooks for them).
 */
struct hart_watch {
	uint64_t prog_mask;	     /* exception causes 0..63 to stop after (ECALL's ignored) */
	bool ext;		     /* stop after taking any interrupt */
	bool svc;		     /* stop after any ECALL */
	uint64_t store_lo, store_hi; /* guest physical, inclusive; lo > hi: off */
};

#define HART_TRACE_RANGES 8

/*
 * The part of a hart other modules may use.  A hart is made by hart_new():
 * the CPU module keeps the rest of it (cpu/internal.h) behind this part.
 */
struct hart {
	struct hart_state s; /* registers for the SBI, state for SAVESYS */
	struct bus *bus;     /* where accesses outside storage go */
	hart_ecall_fn ecall; /* set by the machine */
	void *ecall_opaque;
	bool stop_req;	     /* set to make hart_run return HART_EXIT_STOP */
	uint64_t trace_pc;   /* pc of the trace hit (HART_EXIT_TRACE) */
	struct hart_hit hit; /* what the last HART_EXIT_TRACE was */
	uint64_t insns;	     /* instructions retired since hart_new (for --stats) */
	uint32_t hartid;     /* mhartid, set by the machine */
	/* Set by an ecall hook: the hart waits as after WFI once the call is done, */
	bool ecall_wfi;
	/* and goes on there instead of after the ecall (0: after it). */
	uint64_t ecall_resume;
	/* Wakes the hart's thread if it sleeps (called from any thread; NULL: none). */
	void (*kick)(void *opaque, struct hart *h);
	void *kick_opaque;
};

/* A hart on storage mem and the bus, reset to RAM_BASE; NULL if out of memory. */
struct hart *hart_new(struct guest_mem *mem, struct bus *bus);
void hart_free(struct hart *h);
/* Power-on reset: M-mode, pc = entry, all CSRs at reset values. */
void hart_reset(struct hart *h, uint64_t entry);
enum hart_exit hart_run(struct hart *h, uint64_t max_insns);
/* Level-triggered interrupt lines from devices (MIP_* bits); any thread. */
void hart_set_irq(struct hart *h, uint64_t mask, bool level);
/* An interrupt is pending and enabled in mie (what ends WFI). */
bool hart_irq_pending(struct hart *h);
/* The CLINT's compare register (raises MTIP when mtime reaches it); any thread. */
void hart_set_mtimecmp(struct hart *h, uint64_t v);
uint64_t hart_get_mtimecmp(struct hart *h);
/* Makes hart_run return HART_EXIT_STOP at its next look; any thread. */
void hart_stop(struct hart *h);
/*
 * Remote fences (SBI RFENCE, IPIs of an M-mode kernel): from any thread,
 * asks h to flush its TLB (HART_REQ_TLB) or to look for code other harts
 * wrote (HART_REQ_FENCE_I) before it runs on.  hart_request_wait(self, h)
 * returns once h has done so or is not running guest code (a hart that
 * does not run takes its requests before it runs again); self, the
 * caller's own hart or NULL, takes requests to it meanwhile, so two harts
 * fencing each other do not wait for ever.
 */
enum { HART_REQ_TLB = 1, HART_REQ_FENCE_I = 2 };
void hart_request(struct hart *h, unsigned req);
void hart_request_wait(struct hart *self, struct hart *h);
/* The timer, in TIMEBASE_HZ ticks, from the host clock. */
uint64_t hart_mtime(struct hart *h);
/* Sets the timer (a CLINT mtime write): it goes on counting from v. */
void hart_set_mtime(struct hart *h, uint64_t v);
/* to's timer reads what from's does (the harts of a machine share one mtime). */
void hart_copy_time(struct hart *to, const struct hart *from);
/* Host CLOCK_MONOTONIC ns at which the next timer interrupt is due, or UINT64_MAX. */
uint64_t hart_deadline_ns(struct hart *h);
/* Storage mappings or page flags changed (mem->gen), or satp rewritten from outside. */
void hart_flush_tlb(struct hart *h);
/* Instruction trace: stop before fetching from guest physical [lo, hi]. lo > hi disables. */
void hart_set_trace(struct hart *h, uint64_t lo, uint64_t hi);
/* Up to HART_TRACE_RANGES instruction trace ranges at once (n 0: none). */
void hart_set_trace_ranges(struct hart *h, const uint64_t (*r)[2], int n);
/* Arms the event traps (all off: a zeroed struct with store_lo > store_hi). */
void hart_set_watch(struct hart *h, const struct hart_watch *w);
/*
 * A look through the hart's current satp (Bare: va is physical) for a
 * debugger: no permission checks, no A/D updates, no TLB fill.  0 with the
 * guest physical address, or the page/access fault cause a load would take.
 */
int hart_translate(struct hart *h, uint64_t va, uint64_t *pa);
/* CSR num (cpu/csr.h) as the hart holds it, no access checks: 0, or -ENOENT. */
int hart_read_csr(struct hart *h, unsigned num, uint64_t *v);
/*
 * The engine that runs the hart: the interpreter, the translator (x86-64
 * hosts), or lockstep (translated and interpreted, compared after every
 * block: a checking mode, slow).  hart_new takes hart_engine_default():
 * $RVCP_CPU if it names an engine, else the fastest the host has.
 */
enum hart_engine { HART_ENGINE_INTERP, HART_ENGINE_JIT, HART_ENGINE_LOCKSTEP };
/* 0, or -ENOTSUP (no translator on this host: the engine stays as it was). */
int hart_set_engine(struct hart *h, enum hart_engine e);
enum hart_engine hart_engine(struct hart *h);
/* "interp", "jit", "lockstep": the engine, or -EINVAL. */
int hart_engine_parse(const char *name);
const char *hart_engine_name(enum hart_engine e);
enum hart_engine hart_engine_default(void);
/* Lockstep mode: blocks whose two runs differed (each reported on stderr). */
uint64_t hart_lockstep_failures(struct hart *h);
struct hart_jit_stats {
	uint64_t translated, flushes;		     /* blocks translated, whole-cache flushes */
	uint64_t ls_blocks, ls_checked, ls_failures; /* lockstep: blocks run, compared, differed */
};
void hart_jit_stats(struct hart *h, struct hart_jit_stats *st);
/* For the lockstep checker's own test: translate ADD as SUB from now on. */
void hart_jit_mutate(struct hart *h, bool on);
/* The hart is idle for long: give translation caches back to the host. */
void hart_release_caches(struct hart *h);
/* State for SAVESYS, and back at IPL of a saved system (timer continues). */
void hart_get_state(struct hart *h, struct hart_state *s);
void hart_set_state(struct hart *h, const struct hart_state *s);

#endif
