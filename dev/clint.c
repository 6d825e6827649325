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

static bool clint_access(void *dev, uint64_t off, uint64_t *val, int size, bool is_write)
{
	struct clint *c = dev;
	struct hart *h = c->hart;

	if (size != 4 && size != 8)
		return false;
	if (off == CLINT_MSIP && size == 4) {
		if (is_write)
			hart_set_irq(h, MIP_MSIP, *val & 1);
		else
			*val = (h->s.mip & MIP_MSIP) ? 1 : 0;
		return true;
	}
	if (off >= CLINT_MTIMECMP && off < CLINT_MTIMECMP + 8 && !(off & (size - 1))) {
		if (is_write) {
			h->s.mtimecmp = merge64(h->s.mtimecmp, off, *val, size);
			hart_set_irq(h, MIP_MTIP, hart_mtime(h) >= h->s.mtimecmp);
		} else {
			*val = extract64(h->s.mtimecmp, off, size);
		}
		return true;
	}
	if (off >= CLINT_MTIME && off < CLINT_MTIME + 8 && !(off & (size - 1))) {
		uint64_t now = hart_mtime(h);

		if (is_write) {
			/* moving the timer moves its offset from the host clock */
			hart_set_mtime(h, merge64(now, off, *val, size));
			hart_set_irq(h, MIP_MTIP, hart_mtime(h) >= h->s.mtimecmp);
		} else {
			*val = extract64(now, off, size);
		}
		return true;
	}
	/* other harts' registers do not exist: reads as zero, writes ignored */
	if (!is_write)
		*val = 0;
	return true;
}

int clint_init(struct clint *c, struct bus *bus, uint64_t base, struct hart *h)
{
	c->hart = h;
	return bus_register(bus, base, 0x10000, clint_access, c);
}

static int clint_dev_init(void *dev, const struct dev_env *env)
{
	struct clint *c = dev;

	c->hart = env->hart;
	return bus_register(env->bus, env->base, env->size, clint_access, c);
}

static void clint_fdt(struct dt *w, const struct dev_res *r)
{
	static const char compat[] = "sifive,clint0\0riscv,clint0";
	const uint32_t irqs[] = {DT_PHANDLE_CPU_INTC, 3, DT_PHANDLE_CPU_INTC, 7};

	dt_begin_at(w, "clint", r->base);
	dt_strs(w, "compatible", compat, sizeof(compat));
	dt_reg(w, r->base, r->size);
	dt_cells(w, "interrupts-extended", irqs, 4);
	dt_end(w);
}

const struct dev_ops clint_device = {
    .name = "CLINT",
    .size = sizeof(struct clint),
    .init = clint_dev_init,
    .fdt = clint_fdt,
};
