// SPDX-License-Identifier: MIT
/* PLIC: priorities, pending bits, per-context enables, threshold and claim. */
#include "dev/plic.h"

#include <errno.h>
#include <string.h>

#include "cpu/cpu.h"
#include "dev/dt.h"
#include "util/errbuf.h"

#define PLIC_PENDING   0x1000
#define PLIC_ENABLE    0x2000
#define PLIC_ENABLE_SZ 0x80
#define PLIC_CONTEXT   0x200000
#define PLIC_CTX_SZ    0x1000
#define PLIC_VALID     (((1ULL << (PLIC_NDEV + 1)) - 1) & ~1ULL) /* sources 1..NDEV */

/* The best source a context could claim now, 0 if none beats its threshold. */
static int plic_best(const struct plic *p, int ctx)
{
	uint32_t cand = p->pending & p->enable[ctx];
	uint32_t best_prio = p->threshold[ctx];
	int best = 0;

	for (int s = 1; s <= PLIC_NDEV; s++)
		if (cand & (1U << s) && p->priority[s] > best_prio) {
			best_prio = p->priority[s];
			best = s;
		}
	return best;
}

/* A level-triggered gateway forwards a high line unless its source is in service. */
static void plic_update(struct plic *p)
{
	p->pending = p->level & ~p->claimed;
	for (int c = 0; c < 2 * p->nharts; c++)
		hart_set_irq(p->harts[c / 2], c & 1 ? MIP_SEIP : MIP_MEIP, plic_best(p, c) != 0);
}

void plic_set_irq(struct plic *p, int src, bool level)
{
	uint32_t bit;

	if (src < 1 || src > PLIC_NDEV)
		return;
	bit = 1U << src;
	if (!!(p->level & bit) == level)
		return;
	if (level)
		p->level |= bit;
	else
		p->level &= ~bit;
	plic_update(p);
}

static uint32_t plic_claim(struct plic *p, int ctx)
{
	int s = plic_best(p, ctx);

	if (s) {
		p->pending &= ~(1U << s);
		p->claimed |= 1U << s;
		plic_update(p);
	}
	return s;
}

static void plic_complete(struct plic *p, int ctx, uint32_t s)
{
	/* A completion for a source the context does not enable is ignored (spec). */
	if (s < 1 || s > PLIC_NDEV || !(p->enable[ctx] & (1U << s)))
		return;
	p->claimed &= ~(1U << s);
	plic_update(p);
}

static bool plic_context_access(struct plic *p, uint64_t off, uint64_t *val, bool is_write)
{
	uint64_t ctx = (off - PLIC_CONTEXT) / PLIC_CTX_SZ, reg = (off - PLIC_CONTEXT) % PLIC_CTX_SZ;

	if (ctx >= 2 * (uint64_t)p->nharts)
		return true; /* contexts of harts that do not exist: reads zero */
	if (reg == 0) {
		if (is_write) {
			p->threshold[ctx] = *val & 7;
			plic_update(p);
		} else {
			*val = p->threshold[ctx];
		}
	} else if (reg == 4) {
		if (is_write)
			plic_complete(p, ctx, *val);
		else
			*val = plic_claim(p, ctx);
	}
	return true;
}

static bool plic_mmio(void *dev, uint64_t off, uint64_t *val, int size, bool is_write)
{
	struct plic *p = dev;

	if (size != 4 || off & 3)
		return false;
	if (is_write)
		*val &= 0xffffffff;
	if (off < PLIC_PENDING) {
		uint64_t s = off / 4;

		if (s < 1 || s > PLIC_NDEV)
			return true;
		if (is_write) {
			p->priority[s] = *val & 7;
			plic_update(p);
		} else {
			*val = p->priority[s];
		}
	} else if (off < PLIC_ENABLE) {
		if (!is_write && off == PLIC_PENDING)
			*val = p->pending;
	} else if (off < PLIC_CONTEXT) {
		uint64_t ctx = (off - PLIC_ENABLE) / PLIC_ENABLE_SZ;
		uint64_t word = (off - PLIC_ENABLE) % PLIC_ENABLE_SZ / 4;

		if (ctx >= 2 * (uint64_t)p->nharts || word != 0)
			return true;
		if (is_write) {
			p->enable[ctx] = *val & PLIC_VALID;
			plic_update(p);
		} else {
			*val = p->enable[ctx];
		}
	} else {
		return plic_context_access(p, off, val, is_write);
	}
	return true;
}

static void plic_reset(void *dev)
{
	struct plic *p = dev;
	uint32_t level = p->level;

	memset(p->priority, 0, sizeof(p->priority));
	p->pending = p->claimed = 0;
	memset(p->enable, 0, sizeof(p->enable));
	memset(p->threshold, 0, sizeof(p->threshold));
	p->level = level; /* device lines keep their level; devices reset separately */
	plic_update(p);
}

void plic_get_state(const struct plic *p, struct plic_state *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->priority, p->priority, sizeof(s->priority));
	s->level = p->level;
	s->pending = p->pending;
	s->claimed = p->claimed;
	memcpy(s->enable, p->enable, sizeof(s->enable));
	memcpy(s->threshold, p->threshold, sizeof(s->threshold));
}

int plic_set_state(struct plic *p, const struct plic_state *s)
{
	if ((s->level | s->pending | s->claimed) & ~PLIC_VALID || s->priority[0])
		return -EINVAL;
	for (int i = 1; i <= PLIC_NDEV; i++)
		if (s->priority[i] > 7)
			return -EINVAL;
	for (int c = 0; c < PLIC_CONTEXTS; c++)
		if (s->enable[c] & ~PLIC_VALID || s->threshold[c] > 7)
			return -EINVAL;
	memcpy(p->priority, s->priority, sizeof(p->priority));
	p->level = s->level;
	p->claimed = s->claimed;
	memcpy(p->enable, s->enable, sizeof(p->enable));
	memcpy(p->threshold, s->threshold, sizeof(p->threshold));
	plic_update(p); /* pending and the hart's MEIP/SEIP follow from the rest */
	return 0;
}

static int plic_init(void *dev, const struct dev_env *env)
{
	struct plic *p = dev;

	p->harts = env->harts;
	p->nharts = env->nharts;
	return bus_register(env->bus, env->base, env->size, plic_mmio, p);
}

static void plic_fdt(struct dt *w, const struct dev_res *r)
{
	static const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	uint32_t irqs[4 * DT_MAX_HARTS];
	int n = 0;

	for (int i = 0; i < r->nharts && i < DT_MAX_HARTS; i++) {
		irqs[n++] = DT_PHANDLE_CPU_INTC(i);
		irqs[n++] = 11;
		irqs[n++] = DT_PHANDLE_CPU_INTC(i);
		irqs[n++] = 9;
	}

	dt_begin_at(w, "plic", r->base);
	dt_strs(w, "compatible", compat, sizeof(compat));
	dt_reg(w, r->base, r->size);
	dt_u32(w, "#address-cells", 0);
	dt_u32(w, "#interrupt-cells", 1);
	dt_empty(w, "interrupt-controller");
	dt_cells(w, "interrupts-extended", irqs, n);
	dt_u32(w, "riscv,ndev", PLIC_NDEV);
	dt_u32(w, "phandle", DT_PHANDLE_PLIC);
	dt_end(w);
}

static void plic_save(void *dev, void *buf)
{
	struct plic_state s;

	plic_get_state(dev, &s);
	memcpy(buf, &s, sizeof(s));
}

static int plic_load(void *dev, const void *buf, size_t len, char *err, size_t errlen)
{
	struct plic_state s;

	if (dev_check_len(len, sizeof(s), err, errlen))
		return -EINVAL;
	memcpy(&s, buf, sizeof(s));
	if (plic_set_state(dev, &s))
		return errbuf_set(err, errlen, -EINVAL, "register values no guest could set");
	return 0;
}

const struct dev_ops plic_device = {
    .name = "PLIC",
    .size = sizeof(struct plic),
    .init = plic_init,
    .reset = plic_reset,
    .fdt = plic_fdt,
    .snap_max = sizeof(struct plic_state),
    .save = plic_save,
    .load = plic_load,
};
