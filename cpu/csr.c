// SPDX-License-Identifier: MIT
/*
 * Control and status registers (privileged architecture 1.12): one table
 * row per CSR or numbered range of CSRs - its name, an access check beyond
 * the privilege and read-only bits in the number, and how it is read and
 * written.  Most are plain words of the hart (a field and the bits a write
 * may change); the others have functions of their own, grouped below.
 * The CSR instructions are not on the interpreter's fast path (decode
 * leaves SYSTEM to OP_SLOW), so one table lookup per access costs nothing
 * that matters.
 */
#include "cpu/internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <strings.h>

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
#define PMPADDR_WMASK ((1ULL << 54) - 1)

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

/* ---- access checks ---- */

static bool fs_on(struct hart *h, unsigned csr)
{
	return (h->s.mstatus & MSTATUS_FS) != 0;
}

/* cycle, time, instret, hpmcounterN below M-mode: mcounteren, then scounteren for U */
static bool counter_allowed(struct hart *h, unsigned csr)
{
	unsigned idx = csr - CSR_CYCLE;

	if (h->s.priv == PRV_M)
		return true;
	if (!((h->s.mcounteren >> idx) & 1))
		return false;
	return h->s.priv == PRV_S || ((h->s.scounteren >> idx) & 1);
}

/* satp from S-mode traps when mstatus.TVM is set */
static bool satp_allowed(struct hart *h, unsigned csr)
{
	return !(h->s.priv == PRV_S && (h->s.mstatus & MSTATUS_TVM));
}

/* ---- floating-point control: views of fcsr ---- */

static uint64_t fcsr_read(struct hart *h, unsigned csr)
{
	if (csr == CSR_FFLAGS)
		return h->s.fcsr & 0x1f;
	if (csr == CSR_FRM)
		return (h->s.fcsr >> 5) & 7;
	return h->s.fcsr & 0xff;
}

static void fcsr_write(struct hart *h, unsigned csr, uint64_t v)
{
	if (csr == CSR_FFLAGS)
		h->s.fcsr = (h->s.fcsr & ~0x1fULL) | (v & 0x1f);
	else if (csr == CSR_FRM)
		h->s.fcsr = (h->s.fcsr & 0x1f) | ((v & 7) << 5);
	else
		h->s.fcsr = v & 0xff;
	h->s.mstatus |= MSTATUS_FS_DIRTY;
}

/* ---- status and the supervisor views of the interrupt registers ---- */

static uint64_t mstatus_read(struct hart *h, unsigned csr)
{
	return status_read(h);
}

static void mstatus_write(struct hart *h, unsigned csr, uint64_t v)
{
	status_write(h, v, MSTATUS_WMASK);
}

static uint64_t sstatus_read(struct hart *h, unsigned csr)
{
	return status_read(h) & SSTATUS_MASK;
}

static void sstatus_write(struct hart *h, unsigned csr, uint64_t v)
{
	status_write(h, v, SSTATUS_WMASK);
}

static uint64_t sie_read(struct hart *h, unsigned csr)
{
	return h->s.mie & h->s.mideleg;
}

static void sie_write(struct hart *h, unsigned csr, uint64_t v)
{
	h->s.mie = (h->s.mie & ~h->s.mideleg) | (v & h->s.mideleg);
}

static uint64_t sip_read(struct hart *h, unsigned csr)
{
	return __atomic_load_n(&h->s.mip, __ATOMIC_RELAXED) & h->s.mideleg;
}

/* mip's bits under m become v's: atomically, as other harts' devices raise lines in it. */
static void mip_update(struct hart *h, uint64_t m, uint64_t v)
{
	uint64_t old = __atomic_load_n(&h->s.mip, __ATOMIC_RELAXED);

	while (!__atomic_compare_exchange_n(&h->s.mip, &old, (old & ~m) | (v & m), false,
					    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		;
}

static void sip_write(struct hart *h, unsigned csr, uint64_t v)
{
	mip_update(h, h->s.mideleg & MIP_SSIP, v);
}

static void mip_write(struct hart *h, unsigned csr, uint64_t v)
{
	mip_update(h, MIP_WMASK, v);
}

static uint64_t mip_read(struct hart *h, unsigned csr)
{
	return __atomic_load_n(&h->s.mip, __ATOMIC_RELAXED);
}

static void satp_write(struct hart *h, unsigned csr, uint64_t v)
{
	uint64_t mode = v >> 60;

	if (mode != 0 && mode != 8 && mode != 9)
		return; /* not Bare, Sv39 or Sv48: the write has no effect */
	if (mode == 0)
		v = 0;
	h->s.satp = v; /* 16 ASID bits, 44 PPN bits: all writable */
	tlb_flush(h);
}

/* ---- counters ---- */

static uint64_t zero_read(struct hart *h, unsigned csr)
{
	return 0;
}

static uint64_t mhartid_read(struct hart *h, unsigned csr)
{
	return h->hartid;
}

static uint64_t cycle_read(struct hart *h, unsigned csr)
{
	return h->s.minstret + cpu_of(h)->cycle_delta;
}

static uint64_t time_read(struct hart *h, unsigned csr)
{
	return hart_mtime(h);
}

static uint64_t instret_read(struct hart *h, unsigned csr)
{
	return h->s.minstret;
}

/* the writing instruction's own count follows a counter write */
static void mcycle_write(struct hart *h, unsigned csr, uint64_t v)
{
	cpu_of(h)->cycle_delta = v - 1 - h->s.minstret;
}

static void minstret_write(struct hart *h, unsigned csr, uint64_t v)
{
	cpu_of(h)->cycle_delta += h->s.minstret - (v - 1);
	h->s.minstret = v - 1;
}

static void ignore_write(struct hart *h, unsigned csr, uint64_t v)
{
}

/* ---- the table ---- */

enum { CSR_IRQ = 1 }; /* a write may enable an interrupt: end the chunk */

struct csr_op {
	const char *name; /* of a range: the name its index follows */
	uint16_t first, last;
	uint8_t index0; /* index in the name of the range's first CSR */
	uint8_t flags;
	/* plain CSRs (read and write NULL): a word of struct cpu, a range's consecutive */
	uint16_t field;
	uint64_t wmask;				       /* plain CSRs: the bits a write changes */
	bool (*allowed)(struct hart *h, unsigned csr); /* NULL: the number's checks only */
	uint64_t (*read)(struct hart *h, unsigned csr);
	void (*write)(struct hart *h, unsigned csr, uint64_t v);
};

#define ONE(num, nm)	   .name = nm, .first = num, .last = num
#define RANGE(a, b, nm, i) .name = nm, .first = a, .last = b, .index0 = i
#define FIELD(f, mask)	   .field = offsetof(struct cpu, f), .wmask = mask
#define STATE(f, mask)	   FIELD(h.s.f, mask)
#define FUNCS(r, w)	   .read = r, .write = w

static const struct csr_op csr_ops[] = {
    {ONE(CSR_FFLAGS, "fflags"), .allowed = fs_on, FUNCS(fcsr_read, fcsr_write)},
    {ONE(CSR_FRM, "frm"), .allowed = fs_on, FUNCS(fcsr_read, fcsr_write)},
    {ONE(CSR_FCSR, "fcsr"), .allowed = fs_on, FUNCS(fcsr_read, fcsr_write)},
    {ONE(CSR_SSTATUS, "sstatus"), .flags = CSR_IRQ, FUNCS(sstatus_read, sstatus_write)},
    {ONE(CSR_SIE, "sie"), .flags = CSR_IRQ, FUNCS(sie_read, sie_write)},
    {ONE(CSR_STVEC, "stvec"), STATE(stvec, ~2ULL)},
    {ONE(CSR_SCOUNTEREN, "scounteren"), STATE(scounteren, 0xffffffffULL)},
    {ONE(CSR_SENVCFG, "senvcfg"), STATE(senvcfg, 1)}, /* FIOM */
    {ONE(CSR_SSCRATCH, "sscratch"), STATE(sscratch, ~0ULL)},
    {ONE(CSR_SEPC, "sepc"), STATE(sepc, ~1ULL)},
    {ONE(CSR_SCAUSE, "scause"), STATE(scause, ~0ULL)},
    {ONE(CSR_STVAL, "stval"), STATE(stval, ~0ULL)},
    {ONE(CSR_SIP, "sip"), .flags = CSR_IRQ, FUNCS(sip_read, sip_write)},
    {ONE(CSR_SATP, "satp"), .allowed = satp_allowed, STATE(satp, 0), .write = satp_write},
    {ONE(CSR_MSTATUS, "mstatus"), .flags = CSR_IRQ, FUNCS(mstatus_read, mstatus_write)},
    {ONE(CSR_MISA, "misa"), STATE(misa, 0)}, /* fixed */
    {ONE(CSR_MEDELEG, "medeleg"), STATE(medeleg, MEDELEG_WMASK)},
    {ONE(CSR_MIDELEG, "mideleg"), .flags = CSR_IRQ, STATE(mideleg, S_INTS)},
    {ONE(CSR_MIE, "mie"), .flags = CSR_IRQ, STATE(mie, ALL_INTS)},
    {ONE(CSR_MTVEC, "mtvec"), STATE(mtvec, ~2ULL)},
    {ONE(CSR_MCOUNTEREN, "mcounteren"), STATE(mcounteren, 0xffffffffULL)},
    {ONE(CSR_MENVCFG, "menvcfg"), STATE(menvcfg, 1)}, /* FIOM; no Sstc, no CBO */
    {ONE(CSR_MCOUNTINHIBIT, "mcountinhibit"), FIELD(mcountinhibit, 0xfffffffdULL)},
    {RANGE(CSR_MHPMEVENT3, CSR_MHPMEVENT31, "mhpmevent", 3), FUNCS(zero_read, ignore_write)},
    {ONE(CSR_MSCRATCH, "mscratch"), STATE(mscratch, ~0ULL)},
    {ONE(CSR_MEPC, "mepc"), STATE(mepc, ~1ULL)},
    {ONE(CSR_MCAUSE, "mcause"), STATE(mcause, ~0ULL)},
    {ONE(CSR_MTVAL, "mtval"), STATE(mtval, ~0ULL)},
    {ONE(CSR_MIP, "mip"), .flags = CSR_IRQ, FUNCS(mip_read, mip_write)},
    {ONE(CSR_PMPCFG0, "pmpcfg0"), FIELD(pmpcfg[0], ~0ULL)}, /* PMP: kept, not enforced */
    {ONE(CSR_PMPCFG2, "pmpcfg2"), FIELD(pmpcfg[1], ~0ULL)},
    {RANGE(CSR_PMPADDR0, CSR_PMPADDR15, "pmpaddr", 0), FIELD(pmpaddr, PMPADDR_WMASK)},
    {ONE(CSR_MCYCLE, "mcycle"), FUNCS(cycle_read, mcycle_write)},
    {ONE(CSR_MINSTRET, "minstret"), FUNCS(instret_read, minstret_write)},
    {RANGE(CSR_MHPMCOUNTER3, CSR_MHPMCOUNTER31, "mhpmcounter", 3), FUNCS(zero_read, ignore_write)},
    {ONE(CSR_CYCLE, "cycle"), .allowed = counter_allowed, .read = cycle_read},
    {ONE(CSR_TIME, "time"), .allowed = counter_allowed, .read = time_read},
    {ONE(CSR_INSTRET, "instret"), .allowed = counter_allowed, .read = instret_read},
    {RANGE(CSR_HPMCOUNTER3, CSR_HPMCOUNTER31, "hpmcounter", 3), .allowed = counter_allowed,
     .read = zero_read},
    {ONE(CSR_MVENDORID, "mvendorid"), .read = zero_read},
    {ONE(CSR_MARCHID, "marchid"), .read = zero_read},
    {ONE(CSR_MIMPID, "mimpid"), .read = zero_read},
    {ONE(CSR_MHARTID, "mhartid"), .read = mhartid_read},
    {ONE(CSR_MCONFIGPTR, "mconfigptr"), .read = zero_read},
};
#define CSR_OPS (sizeof(csr_ops) / sizeof(csr_ops[0]))
_Static_assert(CSR_OPS < 255, "row numbers fit csr_row[]");

/* csr_ops row + 1 of each CSR number, 0 for none: made once, read-only after. */
static uint8_t csr_row[CSR_COUNT];

__attribute__((constructor)) static void csr_index(void)
{
	for (unsigned i = 0; i < CSR_OPS; i++)
		for (unsigned n = csr_ops[i].first; n <= csr_ops[i].last; n++)
			csr_row[n] = (uint8_t)(i + 1);
}

static const struct csr_op *csr_find(unsigned csr)
{
	unsigned r = csr_row[csr & (CSR_COUNT - 1)];

	return r ? &csr_ops[r - 1] : NULL;
}

static uint64_t *csr_field(struct hart *h, const struct csr_op *op, unsigned csr)
{
	return (uint64_t *)((char *)cpu_of(h) + op->field) + (csr - op->first);
}

static uint64_t csr_get(struct hart *h, const struct csr_op *op, unsigned csr)
{
	return op->read ? op->read(h, csr) : *csr_field(h, op, csr);
}

static void csr_put(struct hart *h, const struct csr_op *op, unsigned csr, uint64_t v)
{
	uint64_t *f;

	if (op->write) {
		op->write(h, csr, v);
		return;
	}
	f = csr_field(h, op, csr);
	*f = (*f & ~op->wmask) | (v & op->wmask);
}

/* CSRRW/S/C and their immediate forms.  false: illegal instruction. */
bool csr_access(struct hart *h, uint32_t insn)
{
	unsigned csr = insn >> 20, f3 = (insn >> 12) & 7;
	unsigned rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31;
	const struct csr_op *op = csr_find(csr);
	uint64_t src = (f3 & 4) ? rs1 : h->s.x[rs1];
	bool write = (f3 & 3) == SYS_CSRRW || rs1 != 0;
	uint64_t old, v;

	if (!op || ((csr >> 8) & 3) > h->s.priv)
		return false;
	if (write && (csr >> 10) == 3)
		return false; /* read-only CSR */
	if (op->allowed && !op->allowed(h, csr))
		return false;
	old = csr_get(h, op, csr);
	switch (f3 & 3) {
	case SYS_CSRRW:
		v = src;
		break;
	case SYS_CSRRS:
		v = old | src;
		break;
	default:
		v = old & ~src;
		break;
	}
	if (write) {
		csr_put(h, op, csr, v);
		if (op->flags & CSR_IRQ)
			hart_break(h);
	}
	h->s.x[rd] = old;
	h->s.x[0] = 0;
	return true;
}

int hart_read_csr(struct hart *h, unsigned num, uint64_t *v)
{
	const struct csr_op *op = num < CSR_COUNT ? csr_find(num) : NULL;

	if (!op)
		return -ENOENT;
	*v = csr_get(h, op, num);
	return 0;
}

int csr_name(unsigned num, char *buf, size_t size)
{
	const struct csr_op *op = num < CSR_COUNT ? csr_find(num) : NULL;

	if (!op)
		return -ENOENT;
	if (op->first == op->last)
		snprintf(buf, size, "%s", op->name);
	else
		snprintf(buf, size, "%s%u", op->name, op->index0 + (num - op->first));
	return 0;
}

int csr_lookup_name(const char *name)
{
	char buf[24];

	for (unsigned n = 0; n < CSR_COUNT; n++)
		if (csr_row[n] && !csr_name(n, buf, sizeof(buf)) && !strcasecmp(buf, name))
			return (int)n;
	return -ENOENT;
}
