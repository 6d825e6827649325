// SPDX-License-Identifier: MIT
/* Device-tree writing helpers over libfdt's sequential writer.  See dt.h. */
#include "dev/dt.h"

#include <libfdt.h>
#include <stdio.h>

void dt_check(struct dt *w, int rc)
{
	if (rc < 0 && !w->err)
		w->err = rc;
}

void dt_begin(struct dt *w, const char *name)
{
	dt_check(w, fdt_begin_node(w->fdt, name));
}

void dt_begin_at(struct dt *w, const char *name, uint64_t addr)
{
	char node[64];

	snprintf(node, sizeof(node), "%s@%llx", name, (unsigned long long)addr);
	dt_begin(w, node);
}

void dt_end(struct dt *w)
{
	dt_check(w, fdt_end_node(w->fdt));
}

void dt_u32(struct dt *w, const char *name, uint32_t v)
{
	dt_check(w, fdt_property_u32(w->fdt, name, v));
}

void dt_u64(struct dt *w, const char *name, uint64_t v)
{
	dt_check(w, fdt_property_u64(w->fdt, name, v));
}

void dt_str(struct dt *w, const char *name, const char *s)
{
	dt_check(w, fdt_property_string(w->fdt, name, s));
}

void dt_empty(struct dt *w, const char *name)
{
	dt_check(w, fdt_property(w->fdt, name, NULL, 0));
}

void dt_bytes(struct dt *w, const char *name, const void *p, int len)
{
	dt_check(w, fdt_property(w->fdt, name, p, len));
}

void dt_strs(struct dt *w, const char *name, const char *s, int len)
{
	dt_check(w, fdt_property(w->fdt, name, s, len));
}

void dt_cells(struct dt *w, const char *name, const uint32_t *cells, int n)
{
	fdt32_t be[8];

	if (n > 8)
		n = 8;
	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	dt_check(w, fdt_property(w->fdt, name, be, n * (int)sizeof(fdt32_t)));
}

void dt_reg(struct dt *w, uint64_t base, uint64_t size)
{
	fdt64_t be[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

	dt_check(w, fdt_property(w->fdt, "reg", be, sizeof(be)));
}

void dt_irq(struct dt *w, uint32_t irq)
{
	dt_u32(w, "interrupt-parent", DT_PHANDLE_PLIC);
	dt_u32(w, "interrupts", irq);
}
