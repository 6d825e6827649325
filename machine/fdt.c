// SPDX-License-Identifier: MIT
/*
 * The device tree, named as QEMU's "virt" board names its nodes so that
 * stock Linux and OpenSBI find everything.  This file writes the machine's
 * own nodes (chosen, memory, cpus); each device of the board writes its
 * own (dev_ops.fdt), in table order.  The sequential writer keeps nodes in
 * the order written: virtio slots appear lowest vdev first, so the lowest
 * vdev becomes /dev/vda.
 */
#include "machine/fdt.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <sys/random.h>

#include "cpu/cpu.h"
#include "dev/dt.h"
#include "machine/board.h"
#include "machine/layout.h"
#include "machine/machine.h"
#include "mem/mem.h"

static const char isa_ext[] = "i\0m\0a\0f\0d\0c\0zicsr\0zifencei";

static void w_cpu(struct dt *w, int i)
{
	char name[16];

	snprintf(name, sizeof(name), "cpu@%x", i);
	dt_begin(w, name);
	dt_str(w, "device_type", "cpu");
	dt_u32(w, "reg", (uint32_t)i);
	dt_str(w, "status", "okay");
	dt_str(w, "compatible", "riscv");
	dt_str(w, "riscv,isa", "rv64imafdc_zicsr_zifencei");
	/* The same as a list: newer kernels read only this unless told to fall back. */
	dt_str(w, "riscv,isa-base", "rv64i");
	dt_strs(w, "riscv,isa-extensions", isa_ext, sizeof(isa_ext));
	dt_str(w, "mmu-type", "riscv,sv39");
	dt_u32(w, "phandle", DT_PHANDLE_CPU(i));
	dt_begin(w, "interrupt-controller");
	dt_u32(w, "#address-cells", 0);
	dt_u32(w, "#interrupt-cells", 1);
	dt_empty(w, "interrupt-controller");
	dt_str(w, "compatible", "riscv,cpu-intc");
	dt_u32(w, "phandle", DT_PHANDLE_CPU_INTC(i));
	dt_end(w);
	dt_end(w);
}

/* One cluster of one core per hart, as QEMU's virt board describes its harts. */
static void w_cpu_map(struct dt *w, int n)
{
	char name[16];

	dt_begin(w, "cpu-map");
	dt_begin(w, "cluster0");
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "core%d", i);
		dt_begin(w, name);
		dt_u32(w, "cpu", DT_PHANDLE_CPU(i));
		dt_end(w);
	}
	dt_end(w);
	dt_end(w);
}

static void w_cpus(struct dt *w, int n)
{
	dt_begin(w, "cpus");
	dt_u32(w, "#address-cells", 1);
	dt_u32(w, "#size-cells", 0);
	dt_u32(w, "timebase-frequency", TIMEBASE_HZ);
	for (int i = 0; i < n; i++)
		w_cpu(w, i);
	w_cpu_map(w, n);
	dt_end(w);
}

static void w_memory(struct dt *w, const struct machine_fdt_params *p)
{
	dt_begin_at(w, "memory", RAM_BASE);
	dt_str(w, "device_type", "memory");
	dt_reg(w, RAM_BASE, p->mem_size);
	dt_end(w);
	if (!p->reserve_ipl)
		return;
	/* IPL information, device tree and entry stub: Linux must not reuse them. */
	dt_begin(w, "reserved-memory");
	dt_u32(w, "#address-cells", 2);
	dt_u32(w, "#size-cells", 2);
	dt_empty(w, "ranges");
	dt_begin_at(w, "ipl", RAM_BASE);
	dt_reg(w, RAM_BASE, IPL_RESERVED);
	dt_empty(w, "no-map");
	dt_end(w);
	dt_end(w);
}

/*
 * Each shared segment as a persistent-memory region (Linux's of_pmem):
 * storage Linux does not own, with struct pages from ZONE_DEVICE, so that
 * a file system on it mounted with -o dax maps its pages straight into
 * programs.  In the order given: /dev/pmem0, 1, ...
 */
static void w_segments(struct dt *w, const struct machine_fdt_params *p)
{
	for (int i = 0; i < p->nsegs; i++) {
		uint64_t pa = RAM_BASE + p->segs[i].real;

		dt_begin_at(w, "pmem", pa);
		dt_str(w, "compatible", "pmem-region");
		dt_reg(w, pa, p->segs[i].len);
		dt_end(w);
	}
}

static void w_chosen(struct dt *w, const struct machine_fdt_params *p)
{
	char stdout_path[64];
	uint8_t seed[32];

	snprintf(stdout_path, sizeof(stdout_path), "/soc/serial@%llx",
		 (unsigned long long)UART_BASE);
	dt_begin(w, "chosen");
	dt_str(w, "bootargs", p->bootargs ? p->bootargs : "");
	dt_str(w, "stdout-path", stdout_path);
	if (p->initrd_end > p->initrd_start) {
		dt_u64(w, "linux,initrd-start", p->initrd_start);
		dt_u64(w, "linux,initrd-end", p->initrd_end);
	}
	/*
	 * Fresh host randomness, as QEMU gives: Linux seeds its RNG from it at
	 * once instead of spending a third of an emulated boot on jitter entropy.
	 */
	if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		dt_bytes(w, "rng-seed", seed, sizeof(seed));
	dt_end(w);
}

/* Every device of the board, under /soc or at the root. */
static void w_devices(struct dt *w, const struct machine_fdt_params *p, bool root)
{
	for (int i = 0; i < board_nrows; i++) {
		const struct board_row *r = &board[i];
		void (*node)(struct dt *, const struct dev_res *) =
		    root ? r->ops->fdt_root : r->ops->fdt;

		for (int n = 0; node && n < board_count(r, p->nvirtio, p->nnics); n++) {
			struct dev_res res = board_res(r, n);

			res.nharts = p->nharts ? p->nharts : 1;
			node(w, &res);
		}
	}
}

static void w_soc(struct dt *w, const struct machine_fdt_params *p)
{
	dt_begin(w, "soc");
	dt_u32(w, "#address-cells", 2);
	dt_u32(w, "#size-cells", 2);
	dt_str(w, "compatible", "simple-bus");
	dt_empty(w, "ranges");
	w_devices(w, p, false);
	dt_end(w);
}

int machine_fdt_build(void *buf, size_t len, const struct machine_fdt_params *p)
{
	static const char compat[] = "rvcp,virt\0riscv-virtio";
	struct dt w = {buf, 0};

	if (len > INT32_MAX)
		len = INT32_MAX;
	dt_check(&w, fdt_create(buf, (int)len));
	dt_check(&w, fdt_finish_reservemap(buf));
	dt_begin(&w, "");
	dt_u32(&w, "#address-cells", 2);
	dt_u32(&w, "#size-cells", 2);
	dt_strs(&w, "compatible", compat, sizeof(compat));
	dt_str(&w, "model", "rvcp virtual machine");
	w_chosen(&w, p);
	w_memory(&w, p);
	w_segments(&w, p);
	w_cpus(&w, p->nharts ? p->nharts : 1);
	w_soc(&w, p);
	w_devices(&w, p, true);
	dt_end(&w);
	dt_check(&w, fdt_finish(buf));
	if (w.err)
		return w.err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
	return 0;
}
