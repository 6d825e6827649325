// SPDX-License-Identifier: MIT
/* CLINT: software interrupt, timer compare and the timer itself.  See clint.h. */
#include "dev/clint.h"

#include "cpu/cpu.h"
#include "dev/dt.h"

/* Replaces the bytes [off, off+size) of an 8-byte register (4- or 8-byte accesses). */
static uint64_t merge64(uint64_t reg, uint64_t off, uint64_t val, int size)
{
	if (size == 8)
		return val;
	if (off & 4)
		return (reg & 0xffffffffULL) | (val << 32);
	return (reg & ~0xffffffffULL) | (val & 0xffffffffULL);
}

static uint64_t extract64(uint64_t reg, uint64_t off, int size)
{
	if (size == 8)
		return reg;
	return (off & 4) ? reg >> 32 : reg & 0xffffffffULL;
}

/* mtime is one for the machine: a write moves every hart's timer. */
static void clint_set_mtime(struct clint *c, uint64_t v)
{
	hart_set_mtime(c->harts[0], v);
	for (int i = 0; i < c->nharts; i++) {
		hart_copy_time(c->harts[i], c->harts[0]);
		hart_set_irq(c->harts[i], MIP_MTIP,
			     hart_mtime(c->harts[i]) >= hart_get_mtimecmp(c->harts[i]));
	}
}

static bool clint_access(void *dev, uint64_t off, uint64_t *val, int size, bool is_write)
{
	struct clint *c = dev;

	if (size != 4 && size != 8)
		return false;
	/* msip of hart n at 4n, its mtimecmp at 0x4000 + 8n (the ACLINT layout) */
	if (off < CLINT_MSIP + 4 * (uint64_t)c->nharts && size == 4 && !(off & 3)) {
		struct hart *h = c->harts[off / 4];

		if (is_write)
			hart_set_irq(h, MIP_MSIP, *val & 1);
		else
			*val = (__atomic_load_n(&h->s.mip, __ATOMIC_RELAXED) & MIP_MSIP) ? 1 : 0;
		return true;
	}
	if (off >= CLINT_MTIMECMP && off < CLINT_MTIMECMP + 8 * (uint64_t)c->nharts &&
	    !(off & (size - 1))) {
		struct hart *h = c->harts[(off - CLINT_MTIMECMP) / 8];

		if (is_write)
			hart_set_mtimecmp(h, merge64(hart_get_mtimecmp(h), off, *val, size));
		else
			*val = extract64(hart_get_mtimecmp(h), off, size);
		return true;
	}
	if (off >= CLINT_MTIME && off < CLINT_MTIME + 8 && !(off & (size - 1))) {
		uint64_t now = hart_mtime(c->harts[0]);

		/* moving the timer moves its offset from the host clock */
		if (is_write)
			clint_set_mtime(c, merge64(now, off, *val, size));
		else
			*val = extract64(now, off, size);
		return true;
	}
	/* registers of harts that do not exist: read as zero, writes ignored */
	if (!is_write)
		*val = 0;
	return true;
}

int clint_init(struct clint *c, struct bus *bus, uint64_t base, struct hart *h)
{
	c->one = h;
	c->harts = &c->one;
	c->nharts = 1;
	return bus_register(bus, base, 0x10000, clint_access, c);
}

static int clint_dev_init(void *dev, const struct dev_env *env)
{
	struct clint *c = dev;

	c->harts = env->harts;
	c->nharts = env->nharts;
	return bus_register(env->bus, env->base, env->size, clint_access, c);
}

static void clint_fdt(struct dt *w, const struct dev_res *r)
{
	static const char compat[] = "sifive,clint0\0riscv,clint0";
	uint32_t irqs[4 * DT_MAX_HARTS];
	int n = 0;

	for (int i = 0; i < r->nharts && i < DT_MAX_HARTS; i++) {
		irqs[n++] = DT_PHANDLE_CPU_INTC(i);
		irqs[n++] = 3;
		irqs[n++] = DT_PHANDLE_CPU_INTC(i);
		irqs[n++] = 7;
	}
	dt_begin_at(w, "clint", r->base);
	dt_strs(w, "compatible", compat, sizeof(compat));
	dt_reg(w, r->base, r->size);
	dt_cells(w, "interrupts-extended", irqs, n);
	dt_end(w);
}

const struct dev_ops clint_device = {
    .name = "CLINT",
    .size = sizeof(struct clint),
    .init = clint_dev_init,
    .fdt = clint_fdt,
};
