// SPDX-License-Identifier: MIT
/*
 * The hart's life cycle, the timer and the state interface (SAVESYS / IPL).
 * The interpreter is in exec.c, CSRs and traps in csr.c, translation in mmu.c.
 */
#include "cpu/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "cpu/hart.h"
#include "cpu/jit.h"
#include "machine/layout.h"

#define MISA_RV64IMAFDCSU                                                                          \
	((2ULL << 62) | (1 << ('I' - 'A')) | (1 << ('M' - 'A')) | (1 << ('A' - 'A')) |             \
	 (1 << ('F' - 'A')) | (1 << ('D' - 'A')) | (1 << ('C' - 'A')) | (1 << ('S' - 'A')) |       \
	 (1 << ('U' - 'A')))

uint64_t hart_host_ticks(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * TIMEBASE_HZ +
	       (uint64_t)ts.tv_nsec / (1000000000 / TIMEBASE_HZ);
}

uint64_t hart_mtime(struct hart *h)
{
	return hart_host_ticks() + (uint64_t)h->time_offset;
}

/* Timer interrupt lines from the compare registers; called at block boundaries. */
void hart_update_timer(struct hart *h)
{
	uint64_t now = hart_mtime(h);

	if (now >= h->s.mtimecmp)
		h->s.mip |= MIP_MTIP;
	else
		h->s.mip &= ~MIP_MTIP;
	/* The SBI timer owns STIP while it is armed; moving it clears STIP. */
	if (h->s.sbi_timecmp != UINT64_MAX) {
		if (now >= h->s.sbi_timecmp)
			h->s.mip |= MIP_STIP;
		else
			h->s.mip &= ~MIP_STIP;
	}
}

uint64_t hart_deadline_ns(struct hart *h)
{
	uint64_t cmp = UINT64_MAX;
	__int128 ticks;

	if (h->s.mie & MIP_MTIP)
		cmp = h->s.mtimecmp;
	if (h->s.sbi_timecmp < cmp)
		cmp = h->s.sbi_timecmp;
	if (cmp == UINT64_MAX)
		return UINT64_MAX;
	/* host ticks at which mtime reaches cmp */
	ticks = (__int128)cmp - h->time_offset;
	if (ticks < 0)
		return 0;
	if (ticks > (__int128)(UINT64_MAX / (1000000000 / TIMEBASE_HZ)))
		return UINT64_MAX;
	return (uint64_t)ticks * (1000000000 / TIMEBASE_HZ);
}

void tlb_flush(struct hart *h)
{
	memset(h->tlb_r, 0, sizeof(h->tlb_r));
	memset(h->tlb_w, 0, sizeof(h->tlb_w));
	memset(h->tlb_x, 0, sizeof(h->tlb_x));
	h->fetch_page = 1;
	h->mem_gen = h->mem->gen;
}

void hart_flush_tlb(struct hart *h)
{
	tlb_flush(h);
	jit_flush(h);
}

/* The TLB contexts follow the privilege and mstatus.MPRV/MPP. */
void hart_update_ctx(struct hart *h)
{
	uint64_t dpriv = h->s.priv;

	if (h->s.priv == PRV_M && (h->s.mstatus & MSTATUS_MPRV))
		dpriv = (h->s.mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
	h->dctx = dpriv + 1;
	h->xctx = h->s.priv + 1;
	h->fetch_page = 1;
}

int hart_init(struct hart *h, struct guest_mem *mem, struct bus *bus)
{
	memset(h, 0, sizeof(*h));
	h->mem = mem;
	h->bus = bus;
	h->trace_lo = 1;
	h->trace_hi = 0;
	hart_reset(h, RAM_BASE);
	hart_set_engine(h, hart_engine_default());
	return 0;
}

void hart_exit(struct hart *h)
{
	jit_destroy(h);
	h->mem = NULL;
}

static const char *const engine_names[] = {"interp", "jit", "lockstep"};

int hart_engine_parse(const char *name)
{
	for (unsigned i = 0; i < sizeof(engine_names) / sizeof(engine_names[0]); i++)
		if (!strcmp(name, engine_names[i]))
			return (int)i;
	return -EINVAL;
}

const char *hart_engine_name(enum hart_engine e)
{
	return (unsigned)e < 3 ? engine_names[e] : "?";
}

enum hart_engine hart_engine_default(void)
{
	const char *env = getenv("RVCP_CPU");
	int e = env ? hart_engine_parse(env) : -EINVAL;

	if (e >= 0)
		return (enum hart_engine)e;
	return HART_ENGINE_INTERP;
}

enum hart_engine hart_engine(const struct hart *h)
{
	return h->engine;
}

int hart_set_engine(struct hart *h, enum hart_engine e)
{
	int rc = 0;

	if (e == h->engine && (e == HART_ENGINE_INTERP || h->jit))
		return 0;
	if (e != HART_ENGINE_INTERP && !jitb_available())
		return -ENOTSUP;
	jit_destroy(h);
	if (e != HART_ENGINE_INTERP)
		rc = jit_create(h, e == HART_ENGINE_LOCKSTEP);
	h->engine = rc ? HART_ENGINE_INTERP : e;
	return rc;
}

uint64_t hart_lockstep_failures(struct hart *h)
{
	struct hart_jit_stats st;

	hart_jit_stats(h, &st);
	return st.ls_failures;
}

void hart_release_caches(struct hart *h)
{
	jit_release(h);
}

void hart_reset(struct hart *h, uint64_t entry)
{
	memset(&h->s, 0, sizeof(h->s));
	h->s.pc = entry;
	h->s.priv = PRV_M;
	h->s.misa = MISA_RV64IMAFDCSU;
	h->s.mtimecmp = UINT64_MAX;
	h->s.sbi_timecmp = UINT64_MAX;
	h->time_offset = -(int64_t)hart_host_ticks(); /* mtime starts at 0 */
	h->res_valid = false;
	h->cycle_delta = 0;
	h->mcountinhibit = 0;
	memset(h->pmpcfg, 0, sizeof(h->pmpcfg));
	memset(h->pmpaddr, 0, sizeof(h->pmpaddr));
	hart_update_ctx(h);
	tlb_flush(h);
	jit_flush(h);
}

void hart_set_irq(struct hart *h, uint64_t mask, bool level)
{
	if (level)
		h->s.mip |= mask;
	else
		h->s.mip &= ~mask;
	h->brk = true;
}

void hart_set_trace(struct hart *h, uint64_t lo, uint64_t hi)
{
	h->trace_lo = lo;
	h->trace_hi = hi;
	h->trace_on = lo <= hi;
	h->trace_skip = false;
	tlb_flush(h);
}

void hart_get_state(struct hart *h, struct hart_state *s)
{
	*s = h->s;
	s->mcycle = h->s.minstret + h->cycle_delta;
	s->mtime = hart_mtime(h);
}

void hart_set_state(struct hart *h, const struct hart_state *s)
{
	h->s = *s;
	h->s.x[0] = 0;
	h->s.priv &= 3;
	if (h->s.priv == 2)
		h->s.priv = PRV_M;
	h->s.misa = MISA_RV64IMAFDCSU;
	h->cycle_delta = s->mcycle - s->minstret;
	/* the timer continues from the saved value */
	h->time_offset = (int64_t)(s->mtime - hart_host_ticks());
	h->res_valid = false;
	hart_update_ctx(h);
	tlb_flush(h);
	jit_flush(h);
}
