// SPDX-License-Identifier: MIT
/*
 * Trap entry and return, interrupt selection (privileged architecture 1.12,
 * sections 3.1.6-3.1.9 and 4.1.1).
 */
#include "cpu/internal.h"

/* Interrupt causes, highest priority first (privileged spec 3.1.9). */
static const uint8_t irq_order[] = {11, 3, 7, 9, 1, 5};

uint64_t hart_pending_irqs(struct hart *h)
{
	return hart_mip(h) & h->s.mie;
}

static void trap_enter(struct hart *h, uint64_t cause, uint64_t tval, bool irq)
{
	struct cpu *c = cpu_of(h);
	uint64_t code = cause & ~CAUSE_INTERRUPT;
	uint64_t deleg = irq ? h->s.mideleg : h->s.medeleg;
	uint64_t st = h->s.mstatus;

	c->res_valid = false;
	if (unlikely(c->watch_on)) {
		bool ecall = !irq && (code == 8 || code == 9 || code == 11);

		if (irq ? c->watch.ext
			: (!ecall && code < 64 && ((c->watch.prog_mask >> code) & 1)))
			hart_hit(h, irq ? HART_HIT_EXT : HART_HIT_PROG, h->s.pc, code, tval);
	}
	if (h->s.priv <= PRV_S && code < 64 && ((deleg >> code) & 1)) {
		h->s.scause = cause;
		h->s.sepc = h->s.pc;
		h->s.stval = tval;
		st = (st & ~(MSTATUS_SPIE | MSTATUS_SPP)) |
		     ((st & MSTATUS_SIE) ? MSTATUS_SPIE : 0) |
		     (h->s.priv == PRV_S ? MSTATUS_SPP : 0);
		st &= ~MSTATUS_SIE;
		h->s.priv = PRV_S;
		h->s.pc = (h->s.stvec & ~3ULL) + ((irq && (h->s.stvec & 1)) ? 4 * code : 0);
	} else {
		h->s.mcause = cause;
		h->s.mepc = h->s.pc;
		h->s.mtval = tval;
		st = (st & ~(MSTATUS_MPIE | MSTATUS_MPP)) |
		     ((st & MSTATUS_MIE) ? MSTATUS_MPIE : 0) | (h->s.priv << MSTATUS_MPP_SHIFT);
		st &= ~MSTATUS_MIE;
		h->s.priv = PRV_M;
		h->s.pc = (h->s.mtvec & ~3ULL) + ((irq && (h->s.mtvec & 1)) ? 4 * code : 0);
	}
	h->s.mstatus = st;
	hart_update_ctx(h);
}

void hart_raise(struct hart *h, uint64_t cause, uint64_t tval)
{
	h->s.minstret--; /* the trapping instruction does not retire */
	trap_enter(h, cause, tval, false);
}

/* Takes the highest-priority pending and enabled interrupt, if any. */
bool hart_take_interrupt(struct hart *h)
{
	uint64_t pend = hart_mip(h) & h->s.mie, m, s;
	bool mie, sie;

	if (likely(!pend))
		return false;
	mie = h->s.priv < PRV_M || (h->s.mstatus & MSTATUS_MIE);
	sie = h->s.priv < PRV_S || (h->s.priv == PRV_S && (h->s.mstatus & MSTATUS_SIE));
	m = mie ? pend & ~h->s.mideleg : 0;
	s = sie ? pend & h->s.mideleg : 0;
	if (!m)
		m = s;
	if (!m)
		return false;
	for (unsigned i = 0; i < sizeof(irq_order); i++) {
		if (m & (1ULL << irq_order[i])) {
			trap_enter(h, CAUSE_INTERRUPT | irq_order[i], 0, true);
			return true;
		}
	}
	return false;
}

void hart_mret(struct hart *h)
{
	struct cpu *c = cpu_of(h);
	uint64_t st = h->s.mstatus;
	uint64_t mpp = (st & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;

	st = (st & ~MSTATUS_MIE) | ((st & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
	st |= MSTATUS_MPIE;
	st &= ~MSTATUS_MPP;
	if (mpp != PRV_M)
		st &= ~MSTATUS_MPRV;
	h->s.mstatus = st;
	h->s.priv = mpp;
	h->s.pc = h->s.mepc;
	c->res_valid = false;
	hart_update_ctx(h);
}

void hart_sret(struct hart *h)
{
	struct cpu *c = cpu_of(h);
	uint64_t st = h->s.mstatus;
	uint64_t spp = (st & MSTATUS_SPP) ? PRV_S : PRV_U;

	st = (st & ~MSTATUS_SIE) | ((st & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
	st |= MSTATUS_SPIE;
	st &= ~(MSTATUS_SPP | MSTATUS_MPRV);
	h->s.mstatus = st;
	h->s.priv = spp;
	h->s.pc = h->s.sepc;
	c->res_valid = false;
	hart_update_ctx(h);
}
