// SPDX-License-Identifier: MIT
/*
 * Control and status registers, trap entry and return, interrupt
 * selection.  Everything here follows the privileged architecture 1.12.
 */
#include "cpu/internal.h"

#include "cpu/hart.h"

/* mstatus bits M-mode may write; sstatus is a view of some of them. */
#define MSTATUS_WMASK                                                                              \
	(MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP |     \
	 MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW |        \
	 MSTATUS_TSR)
#define SSTATUS_MASK                                                                               \
	(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR |       \
	 MSTATUS_UXL | MSTATUS_SD)
#define SSTATUS_WMASK                                                                              \
	(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR)

#define S_INTS	      (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define ALL_INTS      (S_INTS | MIP_MSIP | MIP_MTIP | MIP_MEIP)
#define MEDELEG_WMASK 0xb3ffULL /* every cause but ecall from M and the reserved ones */
#define MIP_WMASK     (MIP_SSIP | MIP_STIP | MIP_SEIP) /* the rest are set by devices */

/* Interrupt causes, highest priority first (privileged spec 3.1.9). */
static const uint8_t irq_order[] = {11, 3, 7, 9, 1, 5};

uint64_t hart_pending_irqs(struct hart *h)
{
	return h->s.mip & h->s.mie;
}

static void trap_enter(struct hart *h, uint64_t cause, uint64_t tval, bool irq)
{
	uint64_t code = cause & ~CAUSE_INTERRUPT;
	uint64_t deleg = irq ? h->s.mideleg : h->s.medeleg;
	uint64_t st = h->s.mstatus;

	h->res_valid = false;
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
	uint64_t pend = h->s.mip & h->s.mie, m, s;
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
	h->res_valid = false;
	hart_update_ctx(h);
}

void hart_sret(struct hart *h)
{
	uint64_t st = h->s.mstatus;
	uint64_t spp = (st & MSTATUS_SPP) ? PRV_S : PRV_U;

	st = (st & ~MSTATUS_SIE) | ((st & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
	st |= MSTATUS_SPIE;
	st &= ~(MSTATUS_SPP | MSTATUS_MPRV);
	h->s.mstatus = st;
	h->s.priv = spp;
	h->s.pc = h->s.sepc;
	h->res_valid = false;
	hart_update_ctx(h);
}

static uint64_t status_read(struct hart *h)
{
	uint64_t st = h->s.mstatus & ~MSTATUS_SD;

	if ((st & MSTATUS_FS) == MSTATUS_FS_DIRTY)
		st |= MSTATUS_SD;
	return st | (2ULL << 32) | (2ULL << 34); /* UXL = SXL = 64 */
}

static void status_write(struct hart *h, uint64_t v, uint64_t mask)
{
	uint64_t old = h->s.mstatus;

	if ((mask & MSTATUS_MPP) && ((v & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
		v = (v & ~MSTATUS_MPP) | (old & MSTATUS_MPP); /* reserved mode: keep */
	h->s.mstatus = (old & ~mask) | (v & mask);
	if ((old ^ h->s.mstatus) & (MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR))
		tlb_flush(h);
	hart_update_ctx(h);
}

static bool counter_allowed(struct hart *h, unsigned idx)
{
	if (h->s.priv == PRV_M)
		return true;
	if (!((h->s.mcounteren >> idx) & 1))
		return false;
	return h->s.priv == PRV_S || ((h->s.scounteren >> idx) & 1);
}

static bool fs_on(struct hart *h)
{
	return (h->s.mstatus & MSTATUS_FS) != 0;
}

/* false: no such CSR or not accessible (illegal instruction). */
static bool csr_read(struct hart *h, unsigned csr, uint64_t *v)
{
	if (csr >= 0xc00 && csr <= 0xc1f) {
		if (!counter_allowed(h, csr - 0xc00))
			return false;
		if (csr == 0xc00)
			*v = h->s.minstret + h->cycle_delta;
		else if (csr == 0xc01)
			*v = hart_mtime(h);
		else if (csr == 0xc02)
			*v = h->s.minstret;
		else
			*v = 0;
		return true;
	}
	if (csr >= 0xb03 && csr <= 0xb1f) { /* mhpmcounterN */
		*v = 0;
		return true;
	}
	if (csr >= 0x323 && csr <= 0x33f) { /* mhpmeventN */
		*v = 0;
		return true;
	}
	if (csr >= 0x3b0 && csr <= 0x3bf) {
		*v = h->pmpaddr[csr - 0x3b0];
		return true;
	}
	switch (csr) {
	case 0x001:
		if (!fs_on(h))
			return false;
		*v = h->s.fcsr & 0x1f;
		return true;
	case 0x002:
		if (!fs_on(h))
			return false;
		*v = (h->s.fcsr >> 5) & 7;
		return true;
	case 0x003:
		if (!fs_on(h))
			return false;
		*v = h->s.fcsr & 0xff;
		return true;
	case 0x100:
		*v = status_read(h) & SSTATUS_MASK;
		return true;
	case 0x104:
		*v = h->s.mie & h->s.mideleg;
		return true;
	case 0x105:
		*v = h->s.stvec;
		return true;
	case 0x106:
		*v = h->s.scounteren;
		return true;
	case 0x10a:
		*v = h->s.senvcfg;
		return true;
	case 0x140:
		*v = h->s.sscratch;
		return true;
	case 0x141:
		*v = h->s.sepc;
		return true;
	case 0x142:
		*v = h->s.scause;
		return true;
	case 0x143:
		*v = h->s.stval;
		return true;
	case 0x144:
		*v = h->s.mip & h->s.mideleg;
		return true;
	case 0x180:
		if (h->s.priv == PRV_S && (h->s.mstatus & MSTATUS_TVM))
			return false;
		*v = h->s.satp;
		return true;
	case 0xf11: /* mvendorid, marchid, mimpid, mhartid, mconfigptr */
	case 0xf12:
	case 0xf13:
	case 0xf14:
	case 0xf15:
		*v = 0;
		return true;
	case 0x300:
		*v = status_read(h);
		return true;
	case 0x301:
		*v = h->s.misa;
		return true;
	case 0x302:
		*v = h->s.medeleg;
		return true;
	case 0x303:
		*v = h->s.mideleg;
		return true;
	case 0x304:
		*v = h->s.mie;
		return true;
	case 0x305:
		*v = h->s.mtvec;
		return true;
	case 0x306:
		*v = h->s.mcounteren;
		return true;
	case 0x30a:
		*v = h->s.menvcfg;
		return true;
	case 0x320:
		*v = h->mcountinhibit;
		return true;
	case 0x340:
		*v = h->s.mscratch;
		return true;
	case 0x341:
		*v = h->s.mepc;
		return true;
	case 0x342:
		*v = h->s.mcause;
		return true;
	case 0x343:
		*v = h->s.mtval;
		return true;
	case 0x344:
		*v = h->s.mip;
		return true;
	case 0x3a0:
		*v = h->pmpcfg[0];
		return true;
	case 0x3a2:
		*v = h->pmpcfg[1];
		return true;
	case 0xb00:
		*v = h->s.minstret + h->cycle_delta;
		return true;
	case 0xb02:
		*v = h->s.minstret;
		return true;
	}
	return false;
}

static void satp_write(struct hart *h, uint64_t v)
{
	uint64_t mode = v >> 60;

	if (mode != 0 && mode != 8 && mode != 9)
		return; /* unsupported mode: the write has no effect */
	if (mode == 0)
		v = 0;
	h->s.satp = v; /* 16 ASID bits, 44 PPN bits: all writable */
	tlb_flush(h);
}

static bool csr_write(struct hart *h, unsigned csr, uint64_t v)
{
	if (csr >= 0xb03 && csr <= 0xb1f)
		return true;
	if (csr >= 0x323 && csr <= 0x33f)
		return true;
	if (csr >= 0x3b0 && csr <= 0x3bf) {
		h->pmpaddr[csr - 0x3b0] = v & ((1ULL << 54) - 1);
		return true;
	}
	switch (csr) {
	case 0x001:
	case 0x002:
	case 0x003:
		if (!fs_on(h))
			return false;
		if (csr == 0x001)
			h->s.fcsr = (h->s.fcsr & ~0x1fULL) | (v & 0x1f);
		else if (csr == 0x002)
			h->s.fcsr = (h->s.fcsr & 0x1f) | ((v & 7) << 5);
		else
			h->s.fcsr = v & 0xff;
		h->s.mstatus |= MSTATUS_FS_DIRTY;
		return true;
	case 0x100:
		status_write(h, v, SSTATUS_WMASK);
		return true;
	case 0x104:
		h->s.mie = (h->s.mie & ~h->s.mideleg) | (v & h->s.mideleg);
		return true;
	case 0x105:
		h->s.stvec = v & ~2ULL;
		return true;
	case 0x106:
		h->s.scounteren = v & 0xffffffff;
		return true;
	case 0x10a:
		h->s.senvcfg = v & 1; /* FIOM */
		return true;
	case 0x140:
		h->s.sscratch = v;
		return true;
	case 0x141:
		h->s.sepc = v & ~1ULL;
		return true;
	case 0x142:
		h->s.scause = v;
		return true;
	case 0x143:
		h->s.stval = v;
		return true;
	case 0x144: {
		uint64_t m = h->s.mideleg & MIP_SSIP;
		h->s.mip = (h->s.mip & ~m) | (v & m);
		return true;
	}
	case 0x180:
		if (h->s.priv == PRV_S && (h->s.mstatus & MSTATUS_TVM))
			return false;
		satp_write(h, v);
		return true;
	case 0x300:
		status_write(h, v, MSTATUS_WMASK);
		return true;
	case 0x301:
		return true; /* misa is fixed */
	case 0x302:
		h->s.medeleg = v & MEDELEG_WMASK;
		return true;
	case 0x303:
		h->s.mideleg = v & S_INTS;
		return true;
	case 0x304:
		h->s.mie = v & ALL_INTS;
		return true;
	case 0x305:
		h->s.mtvec = v & ~2ULL;
		return true;
	case 0x306:
		h->s.mcounteren = v & 0xffffffff;
		return true;
	case 0x30a:
		h->s.menvcfg = v & 1; /* FIOM; no Sstc, no CBO */
		return true;
	case 0x320:
		h->mcountinhibit = v & 0xfffffffdULL;
		return true;
	case 0x340:
		h->s.mscratch = v;
		return true;
	case 0x341:
		h->s.mepc = v & ~1ULL;
		return true;
	case 0x342:
		h->s.mcause = v;
		return true;
	case 0x343:
		h->s.mtval = v;
		return true;
	case 0x344:
		h->s.mip = (h->s.mip & ~MIP_WMASK) | (v & MIP_WMASK);
		return true;
	case 0x3a0:
	case 0x3a2:
		h->pmpcfg[(csr - 0x3a0) / 2] = v;
		return true;
	case 0xb00:
		/* the writing instruction's own count follows the write */
		h->cycle_delta = v - 1 - h->s.minstret;
		return true;
	case 0xb02:
		h->cycle_delta += h->s.minstret - (v - 1);
		h->s.minstret = v - 1;
		return true;
	}
	return false;
}

/* CSRRW/S/C and their immediate forms.  false: illegal instruction. */
bool csr_access(struct hart *h, uint32_t insn)
{
	unsigned csr = insn >> 20, f3 = (insn >> 12) & 7;
	unsigned rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31;
	uint64_t src = (f3 & 4) ? rs1 : h->s.x[rs1];
	bool write = (f3 & 3) == 1 || rs1 != 0;
	uint64_t old = 0, v;

	if (((csr >> 8) & 3) > h->s.priv)
		return false;
	if (write && (csr >> 10) == 3)
		return false; /* read-only CSR */
	if (!csr_read(h, csr, &old))
		return false;
	switch (f3 & 3) {
	case 1:
		v = src;
		break;
	case 2:
		v = old | src;
		break;
	default:
		v = old & ~src;
		break;
	}
	if (write && !csr_write(h, csr, v))
		return false;
	h->s.x[rd] = old;
	h->s.x[0] = 0;
	/* a write that may have enabled an interrupt ends the chunk */
	if (write && (csr == 0x100 || csr == 0x104 || csr == 0x144 || csr == 0x300 ||
		      csr == 0x303 || csr == 0x304 || csr == 0x344))
		h->brk = true;
	return true;
}
