/* SPDX-License-Identifier: MIT */
#ifndef RVCP_DEV_DT_H
#define RVCP_DEV_DT_H
/*
 * Writing device-tree nodes with libfdt's sequential writer, for the
 * machine's tree (machine/fdt.c) and each device's own node (dev_ops.fdt).
 * libfdt keeps the first error and every later call fails too, so the
 * writer records the first one and a caller checks dt.err once at the end.
 * Addresses and sizes are two cells each (the root and /soc say so).
 */
#include <stdint.h>

/* Phandles: one list, so that no two devices take the same. */
#define DT_MAX_HARTS	       8		       /* MACHINE_MAX_CPUS */
#define DT_PHANDLE_CPU_INTC(i) (0x100 + (uint32_t)(i)) /* hart i's interrupt controller */
#define DT_PHANDLE_CPU(i)      (0x200 + (uint32_t)(i)) /* hart i (cpu-map) */
#define DT_PHANDLE_PLIC	       2
#define DT_PHANDLE_SYSCON      3 /* the poweroff/reset syscon (regmap of /poweroff, /reboot) */

struct dt {
	void *fdt;
	int err; /* the first libfdt error, 0 if none */
};

void dt_check(struct dt *w, int rc);
void dt_begin(struct dt *w, const char *name);
void dt_begin_at(struct dt *w, const char *name, uint64_t addr); /* name@addr */
void dt_end(struct dt *w);
void dt_u32(struct dt *w, const char *name, uint32_t v);
void dt_u64(struct dt *w, const char *name, uint64_t v);
void dt_str(struct dt *w, const char *name, const char *s);
void dt_empty(struct dt *w, const char *name);
void dt_bytes(struct dt *w, const char *name, const void *p, int len);
/* A string list: the strings of s, each NUL-terminated, len bytes in all. */
void dt_strs(struct dt *w, const char *name, const char *s, int len);
void dt_cells(struct dt *w, const char *name, const uint32_t *cells, int n); /* n <= 8 */
void dt_reg(struct dt *w, uint64_t base, uint64_t size);
/* interrupt-parent = the PLIC, interrupts = irq */
void dt_irq(struct dt *w, uint32_t irq);

#endif
