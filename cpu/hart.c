// SPDX-License-Identifier: MIT
/*
 * The hart's life cycle, the timer and the state interface (SAVESYS / IPL).
 * The interpreter is in exec.c, CSRs and traps in csr.c, translation in mmu.c.
 */
#include "cpu/internal.h"

#include <errno.h>

#include <stddef.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "cpu/jit.h"

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
	struct cpu *c = cpu_of(h);

	return hart_host_ticks() + (uint64_t)c->time_offset;
}

/* One line of mip to level, atomically (other threads raise lines too); no write if it is so. */
static void mip_line(struct hart *h, uint64_t bit, bool level)
{
	uint64_t mip = hart_mip(h);

	if (level && !(mip & bit))
		__atomic_fetch_or(&h->s.mip, bit, __ATOMIC_SEQ_CST);
	else if (!level && (mip & bit))
		__atomic_fetch_and(&h->s.mip, ~bit, __ATOMIC_SEQ_CST);
}

/* Timer interrupt lines from the compare registers; called at block boundaries. */
void hart_update_timer(struct hart *h)
{
	uint64_t now = hart_mtime(h);

	mip_line(h, MIP_MTIP, now >= hart_get_mtimecmp(h));
	/* The SBI timer owns STIP while it is armed; moving it clears STIP. */
	if (h->s.sbi_timecmp != UINT64_MAX)
		mip_line(h, MIP_STIP, now >= h->s.sbi_timecmp);
}

void hart_set_mtimecmp(struct hart *h, uint64_t v)
{
	__atomic_store_n(&h->s.mtimecmp, v, __ATOMIC_RELAXED);
	hart_set_irq(h, MIP_MTIP, hart_mtime(h) >= v);
}

uint64_t hart_get_mtimecmp(struct hart *h)
{
	return __atomic_load_n(&h->s.mtimecmp, __ATOMIC_RELAXED);
}

bool hart_irq_pending(struct hart *h)
{
	return hart_pending_irqs(h) != 0;
}

void hart_stop(struct hart *h)
{
	__atomic_store_n(&h->stop_req, true, __ATOMIC_RELAXED);
	hart_break(h);
	if (h->kick)
		h->kick(h->kick_opaque, h);
}

void hart_request(struct hart *h, unsigned req)
{
	__atomic_fetch_or(&cpu_of(h)->req, req, __ATOMIC_SEQ_CST);
	hart_break(h);
}

void hart_request_wait(struct hart *self, struct hart *h)
{
	struct cpu *c = cpu_of(h);

	while (__atomic_load_n(&c->req, __ATOMIC_SEQ_CST) &&
	       __atomic_load_n(&c->active, __ATOMIC_SEQ_CST)) {
		if (self)
			hart_sync(self);
		sched_yield();
	}
}

/* Requests of other harts, code they marked or wrote. */
void hart_sync(struct hart *h)
{
	struct cpu *c = cpu_of(h);
	unsigned req = __atomic_load_n(&c->req, __ATOMIC_RELAXED);

	if (req) {
		req = __atomic_exchange_n(&c->req, 0, __ATOMIC_SEQ_CST);
		if (req & HART_REQ_TLB)
			tlb_flush(h);
	}
	if (__atomic_load_n(&c->mem->code_mark_gen, __ATOMIC_RELAXED) != c->seen_mark)
		mmu_take_marks(h);
	if (__atomic_load_n(&c->mem->code_wgen, __ATOMIC_RELAXED) != c->seen_wgen)
		jit_revalidate(h);
}

void hart_set_mtime(struct hart *h, uint64_t v)
{
	struct cpu *c = cpu_of(h);

	c->time_offset = (int64_t)(v - hart_host_ticks());
}

void hart_copy_time(struct hart *to, const struct hart *from)
{
	cpu_of(to)->time_offset = ((const struct cpu *)from)->time_offset;
}

uint64_t hart_deadline_ns(struct hart *h)
{
	struct cpu *c = cpu_of(h);
	uint64_t cmp = UINT64_MAX;
	__int128 ticks;

	if (h->s.mie & MIP_MTIP)
		cmp = hart_get_mtimecmp(h);
	if (h->s.sbi_timecmp < cmp)
		cmp = h->s.sbi_timecmp;
	if (cmp == UINT64_MAX)
		return UINT64_MAX;
	/* host ticks at which mtime reaches cmp */
	ticks = (__int128)cmp - c->time_offset;
	if (ticks < 0)
		return 0;
	if (ticks > (__int128)(UINT64_MAX / (1000000000 / TIMEBASE_HZ)))
		return UINT64_MAX;
	return (uint64_t)ticks * (1000000000 / TIMEBASE_HZ);
}

void tlb_flush(struct hart *h)
{
	struct cpu *c = cpu_of(h);

	memset(c->tlb_r, 0, sizeof(c->tlb_r));
	memset(c->tlb_w, 0, sizeof(c->tlb_w));
	memset(c->tlb_x, 0, sizeof(c->tlb_x));
	c->fetch_page = 1;
	c->mem_gen = c->mem->gen;
}

void hart_flush_tlb(struct hart *h)
{
	tlb_flush(h);
	jit_flush(h);
}

/* The TLB contexts follow the privilege and mstatus.MPRV/MPP. */
void hart_update_ctx(struct hart *h)
{
	struct cpu *c = cpu_of(h);
	uint64_t dpriv = h->s.priv;

	if (h->s.priv == PRV_M && (h->s.mstatus & MSTATUS_MPRV))
		dpriv = (h->s.mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
	c->dctx = dpriv + 1;
	c->xctx = h->s.priv + 1;
	c->fetch_page = 1;
}

struct hart *hart_new(struct guest_mem *mem, struct bus *bus)
{
	struct cpu *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->mem = mem;
	c->h.bus = bus;
	c->trace_lo = 1;
	c->trace_hi = 0;
	c->watch.store_lo = 1;
	hart_reset(&c->h, RAM_BASE);
	hart_set_engine(&c->h, hart_engine_default());
	return &c->h;
}

void hart_free(struct hart *h)
{
	if (h)
		jit_destroy(h);
	free(h ? cpu_of(h) : NULL);
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
	return jitb_available() ? HART_ENGINE_JIT : HART_ENGINE_INTERP;
}

enum hart_engine hart_engine(struct hart *h)
{
	return cpu_of(h)->engine;
}

int hart_set_engine(struct hart *h, enum hart_engine e)
{
	struct cpu *c = cpu_of(h);
	int rc = 0;

	if (e == c->engine && (e == HART_ENGINE_INTERP || c->jit))
		return 0;
	if (e != HART_ENGINE_INTERP && !jitb_available())
		return -ENOTSUP;
	jit_destroy(h);
	if (e != HART_ENGINE_INTERP)
		rc = jit_create(h, e == HART_ENGINE_LOCKSTEP);
	c->engine = rc ? HART_ENGINE_INTERP : e;
	return rc;
}

uint64_t hart_lockstep_failures(struct hart *h)
{
	struct hart_jit_stats st;

	hart_jit_stats(h, &st);
	return st.ls_failures;
}

_Static_assert(offsetof(struct cpu, tlb_x) ==
		   offsetof(struct cpu, tlb_r) + 2 * sizeof(((struct cpu *)0)->tlb_r),
	       "the TLB tables are released as one range");

/*
 * Zeroes [p, p + len): the whole pages in it go back to the host (they read
 * as zero when touched again), the partial pages at its ends are cleared.
 */
static void zero_release(void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, e = a + len;
	uintptr_t pa = (a + 4095) & ~(uintptr_t)4095, pe = e & ~(uintptr_t)4095;

	if (pa >= pe) {
		memset(p, 0, len);
		return;
	}
	memset(p, 0, pa - a);
	memset((void *)pe, 0, e - pe);
	if (madvise((void *)pa, pe - pa, MADV_DONTNEED))
		memset((void *)pa, 0, pe - pa);
}

/*
 * An idle guest: the translations, the decode cache (an all-zero entry is
 * the state of a new hart's) and the TLB (a zero tag never matches) give
 * their pages back; they refill on demand when the guest wakes.
 */
void hart_release_caches(struct hart *h)
{
	struct cpu *c = cpu_of(h);

	jit_release(h);
	zero_release(c->dcache, sizeof(c->dcache));
	zero_release(c->tlb_r, 3 * sizeof(c->tlb_r)); /* the three tables, one after the other */
	c->fetch_page = 1; /* what else tlb_flush() does, without writing the pages again */
	c->mem_gen = c->mem->gen;
}

void hart_reset(struct hart *h, uint64_t entry)
{
	struct cpu *c = cpu_of(h);

	memset(&h->s, 0, sizeof(h->s));
	h->s.pc = entry;
	h->s.priv = PRV_M;
	h->s.misa = MISA_RV64IMAFDCSU;
	h->s.mtimecmp = UINT64_MAX;
	h->s.sbi_timecmp = UINT64_MAX;
	c->time_offset = -(int64_t)hart_host_ticks(); /* mtime starts at 0 */
	c->res_valid = false;
	c->trace_skip = false;
	c->hit_pending = false;
	c->seen_wgen = __atomic_load_n(&c->mem->code_wgen, __ATOMIC_SEQ_CST);
	c->seen_mark = __atomic_load_n(&c->mem->code_mark_gen, __ATOMIC_SEQ_CST);
	c->cycle_delta = 0;
	c->mcountinhibit = 0;
	memset(c->pmpcfg, 0, sizeof(c->pmpcfg));
	memset(c->pmpaddr, 0, sizeof(c->pmpaddr));
	hart_update_ctx(h);
	tlb_flush(h);
	jit_flush(h);
}

void hart_set_irq(struct hart *h, uint64_t mask, bool level)
{
	if (level)
		__atomic_fetch_or(&h->s.mip, mask, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&h->s.mip, ~mask, __ATOMIC_SEQ_CST);
	hart_break(h);
	if (level && h->kick)
		h->kick(h->kick_opaque, h);
}

void hart_set_trace_ranges(struct hart *h, const uint64_t (*r)[2], int n)
{
	struct cpu *c = cpu_of(h);

	c->trace_n = 0;
	c->trace_lo = 1;
	c->trace_hi = 0;
	for (int i = 0; i < n && i < HART_TRACE_RANGES; i++) {
		if (r[i][0] > r[i][1])
			continue;
		c->trace_r[c->trace_n][0] = r[i][0];
		c->trace_r[c->trace_n][1] = r[i][1];
		if (!c->trace_n || r[i][0] < c->trace_lo)
			c->trace_lo = r[i][0];
		if (!c->trace_n || r[i][1] > c->trace_hi)
			c->trace_hi = r[i][1];
		c->trace_n++;
	}
	c->trace_on = c->trace_n > 0;
	/* trace_skip stays: a hart stopped at a hit goes on past it when
	 * resumed, even if the traps were set again meanwhile */
	tlb_flush(h);
}

void hart_set_trace(struct hart *h, uint64_t lo, uint64_t hi)
{
	const uint64_t r[1][2] = {{lo, hi}};

	hart_set_trace_ranges(h, r, lo <= hi);
}

void hart_set_watch(struct hart *h, const struct hart_watch *w)
{
	struct cpu *c = cpu_of(h);

	c->watch = *w;
	c->watch_on = w->prog_mask || w->ext || w->svc || w->store_lo <= w->store_hi;
	c->hit_pending = false;
	tlb_flush(h); /* no store TLB entry for a watched page from now on */
}

void hart_hit(struct hart *h, uint32_t kind, uint64_t pc, uint64_t cause, uint64_t tval)
{
	struct cpu *c = cpu_of(h);

	if (c->hit_pending)
		return; /* the first of an instruction's events is the one shown */
	h->hit = (struct hart_hit){.kind = kind, .pc = pc, .cause = cause, .tval = tval};
	h->trace_pc = pc;
	c->hit_pending = true;
	hart_break(h);
}

void hart_watch_store(struct hart *h, uint64_t pa, int size)
{
	struct cpu *c = cpu_of(h);

	if (c->watch.store_lo <= c->watch.store_hi && pa <= c->watch.store_hi &&
	    pa + (uint64_t)size - 1 >= c->watch.store_lo)
		hart_hit(h, HART_HIT_STORE, h->s.pc, 0, pa);
}

void hart_get_state(struct hart *h, struct hart_state *s)
{
	struct cpu *c = cpu_of(h);

	*s = h->s;
	s->mcycle = h->s.minstret + c->cycle_delta;
	s->mtime = hart_mtime(h);
}

void hart_set_state(struct hart *h, const struct hart_state *s)
{
	struct cpu *c = cpu_of(h);

	h->s = *s;
	h->s.x[0] = 0;
	h->s.priv &= 3;
	if (h->s.priv == 2)
		h->s.priv = PRV_M;
	h->s.misa = MISA_RV64IMAFDCSU;
	c->cycle_delta = s->mcycle - s->minstret;
	/* the timer continues from the saved value */
	c->time_offset = (int64_t)(s->mtime - hart_host_ticks());
	c->res_valid = false;
	hart_update_ctx(h);
	tlb_flush(h);
	jit_flush(h);
}
