// SPDX-License-Identifier: MIT
/* sifive,test finisher: poweroff and reset requests. */
#include "dev/syscon.h"

#include "cpu/bus.h"
#include "dev/dt.h"

#define FINISHER_FAIL  0x3333
#define FINISHER_PASS  0x5555
#define FINISHER_RESET 0x7777

struct syscon {
	const struct dev_host *host;
};

static bool syscon_mmio(void *dev, uint64_t off, uint64_t *val, int size, bool is_write)
{
	struct syscon *s = dev;
	const struct dev_host *h = s->host;
	uint32_t v = (uint32_t)*val;

	if (!is_write)
		return true; /* reads as zero */
	/* OpenSBI stores 16 bits, Linux's syscon-poweroff 32. */
	if (off != 0 || size < 2)
		return true;
	switch (v & 0xffff) {
	case FINISHER_PASS:
		h->power(h->opaque, DEV_POWEROFF, 0);
		break;
	case FINISHER_FAIL:
		h->power(h->opaque, DEV_POWEROFF, v >> 16);
		break;
	case FINISHER_RESET:
		h->power(h->opaque, DEV_RESET, 0);
		break;
	}
	return true;
}

static int syscon_init(void *dev, const struct dev_env *env)
{
	struct syscon *s = dev;

	s->host = env->host;
	return bus_register(env->bus, env->base, env->size, syscon_mmio, s);
}

static void syscon_fdt(struct dt *w, const struct dev_res *r)
{
	static const char compat[] = "sifive,test1\0sifive,test0\0syscon";

	dt_begin_at(w, "test", r->base);
	dt_strs(w, "compatible", compat, sizeof(compat));
	dt_reg(w, r->base, r->size);
	dt_u32(w, "phandle", DT_PHANDLE_SYSCON);
	dt_end(w);
}

/* Linux's syscon-poweroff and syscon-reboot drivers, pointed at the finisher. */
static void syscon_fdt_root(struct dt *w, const struct dev_res *r)
{
	dt_begin(w, "poweroff");
	dt_str(w, "compatible", "syscon-poweroff");
	dt_u32(w, "regmap", DT_PHANDLE_SYSCON);
	dt_u32(w, "offset", 0);
	dt_u32(w, "value", FINISHER_PASS);
	dt_end(w);
	dt_begin(w, "reboot");
	dt_str(w, "compatible", "syscon-reboot");
	dt_u32(w, "regmap", DT_PHANDLE_SYSCON);
	dt_u32(w, "offset", 0);
	dt_u32(w, "value", FINISHER_RESET);
	dt_end(w);
}

const struct dev_ops syscon_device = {
    .name = "SYSCON",
    .size = sizeof(struct syscon),
    .init = syscon_init,
    .fdt = syscon_fdt,
    .fdt_root = syscon_fdt_root,
};
