// SPDX-License-Identifier: MIT
/*
 * The device tree, named as QEMU's "virt" board names its nodes so that
 * stock Linux and OpenSBI find everything.  The sequential writer keeps
 * nodes in the order written: virtio slots appear lowest vdev first, so
 * the lowest vdev becomes /dev/vda.
 */
#include "machine/fdt.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <sys/random.h>

#include "dev/plic.h"
#include "machine/layout.h"
#include "mem/mem.h"

#define PH_CPU0_INTC 1
#define PH_PLIC	     2
#define PH_TEST	     3

#define UART_CLOCK_HZ 3686400

/* libfdt's writer keeps the first error; every later call returns one too. */
struct fdt_w {
	void *fdt;
	int err;
};

static void w_check(struct fdt_w *w, int rc)
{
	if (rc < 0 && !w->err)
		w->err = rc;
}

static void w_begin(struct fdt_w *w, const char *name)
{
	w_check(w, fdt_begin_node(w->fdt, name));
}

static void w_begin_at(struct fdt_w *w, const char *name, uint64_t addr)
{
	char node[64];

	snprintf(node, sizeof(node), "%s@%llx", name, (unsigned long long)addr);
	w_begin(w, node);
}

static void w_end(struct fdt_w *w)
{
	w_check(w, fdt_end_node(w->fdt));
}

static void w_u32(struct fdt_w *w, const char *name, uint32_t v)
{
	w_check(w, fdt_property_u32(w->fdt, name, v));
}

static void w_u64(struct fdt_w *w, const char *name, uint64_t v)
{
	w_check(w, fdt_property_u64(w->fdt, name, v));
}

static void w_str(struct fdt_w *w, const char *name, const char *s)
{
	w_check(w, fdt_property_string(w->fdt, name, s));
}

static void w_empty(struct fdt_w *w, const char *name)
{
	w_check(w, fdt_property(w->fdt, name, NULL, 0));
}

/* A string list: the strings of s, each NUL-terminated, total len bytes. */
static void w_strs(struct fdt_w *w, const char *name, const char *s, int len)
{
	w_check(w, fdt_property(w->fdt, name, s, len));
}

static void w_cells(struct fdt_w *w, const char *name, const uint32_t *cells, int n)
{
	fdt32_t be[8];

	for (int i = 0; i < n && i < 8; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	w_check(w, fdt_property(w->fdt, name, be, n * (int)sizeof(fdt32_t)));
}

/* reg with #address-cells = #size-cells = 2 */
static void w_reg(struct fdt_w *w, uint64_t base, uint64_t size)
{
	fdt64_t be[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

	w_check(w, fdt_property(w->fdt, "reg", be, sizeof(be)));
}

static void w_cpus(struct fdt_w *w)
{
	w_begin(w, "cpus");
	w_u32(w, "#address-cells", 1);
	w_u32(w, "#size-cells", 0);
	w_u32(w, "timebase-frequency", TIMEBASE_HZ);
	w_begin(w, "cpu@0");
	w_str(w, "device_type", "cpu");
	w_u32(w, "reg", 0);
	w_str(w, "status", "okay");
	w_str(w, "compatible", "riscv");
	w_str(w, "riscv,isa", "rv64imafdc_zicsr_zifencei");
	w_str(w, "mmu-type", "riscv,sv39");
	w_begin(w, "interrupt-controller");
	w_u32(w, "#address-cells", 0);
	w_u32(w, "#interrupt-cells", 1);
	w_empty(w, "interrupt-controller");
	w_str(w, "compatible", "riscv,cpu-intc");
	w_u32(w, "phandle", PH_CPU0_INTC);
	w_end(w);
	w_end(w);
	w_end(w);
}

static void w_memory(struct fdt_w *w, const struct machine_fdt_params *p)
{
	w_begin_at(w, "memory", RAM_BASE);
	w_str(w, "device_type", "memory");
	w_reg(w, RAM_BASE, p->mem_size);
	w_end(w);
	if (!p->reserve_ipl)
		return;
	/* IPL information, device tree and entry stub: Linux must not reuse them. */
	w_begin(w, "reserved-memory");
	w_u32(w, "#address-cells", 2);
	w_u32(w, "#size-cells", 2);
	w_empty(w, "ranges");
	w_begin_at(w, "ipl", RAM_BASE);
	w_reg(w, RAM_BASE, IPL_RESERVED);
	w_empty(w, "no-map");
	w_end(w);
	w_end(w);
}

static void w_chosen(struct fdt_w *w, const struct machine_fdt_params *p)
{
	char stdout_path[64];
	uint8_t seed[32];

	snprintf(stdout_path, sizeof(stdout_path), "/soc/serial@%llx",
		 (unsigned long long)UART_BASE);
	w_begin(w, "chosen");
	w_str(w, "bootargs", p->bootargs ? p->bootargs : "");
	w_str(w, "stdout-path", stdout_path);
	if (p->initrd_end > p->initrd_start) {
		w_u64(w, "linux,initrd-start", p->initrd_start);
		w_u64(w, "linux,initrd-end", p->initrd_end);
	}
	/*
	 * Fresh host randomness, as QEMU gives: Linux seeds its RNG from it at
	 * once instead of spending a third of an emulated boot on jitter entropy.
	 */
	if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		w_check(w, fdt_property(w->fdt, "rng-seed", seed, sizeof(seed)));
	w_end(w);
}

/* A device interrupting through the PLIC. */
static void w_plic_irq(struct fdt_w *w, uint32_t irq)
{
	w_u32(w, "interrupt-parent", PH_PLIC);
	w_u32(w, "interrupts", irq);
}

static void w_soc_core(struct fdt_w *w)
{
	static const char clint_compat[] = "sifive,clint0\0riscv,clint0";
	static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	static const char test_compat[] = "sifive,test1\0sifive,test0\0syscon";
	const uint32_t clint_irqs[] = {PH_CPU0_INTC, 3, PH_CPU0_INTC, 7};
	const uint32_t plic_irqs[] = {PH_CPU0_INTC, 11, PH_CPU0_INTC, 9};

	w_begin_at(w, "test", SYSCON_BASE);
	w_strs(w, "compatible", test_compat, sizeof(test_compat));
	w_reg(w, SYSCON_BASE, 0x1000);
	w_u32(w, "phandle", PH_TEST);
	w_end(w);

	w_begin_at(w, "rtc", RTC_BASE);
	w_str(w, "compatible", "google,goldfish-rtc");
	w_reg(w, RTC_BASE, 0x1000);
	w_plic_irq(w, RTC_IRQ);
	w_end(w);

	w_begin_at(w, "clint", CLINT_BASE);
	w_strs(w, "compatible", clint_compat, sizeof(clint_compat));
	w_reg(w, CLINT_BASE, CLINT_SIZE);
	w_cells(w, "interrupts-extended", clint_irqs, 4);
	w_end(w);

	w_begin_at(w, "plic", PLIC_BASE);
	w_strs(w, "compatible", plic_compat, sizeof(plic_compat));
	w_reg(w, PLIC_BASE, PLIC_SIZE);
	w_u32(w, "#address-cells", 0);
	w_u32(w, "#interrupt-cells", 1);
	w_empty(w, "interrupt-controller");
	w_cells(w, "interrupts-extended", plic_irqs, 4);
	w_u32(w, "riscv,ndev", PLIC_NDEV);
	w_u32(w, "phandle", PH_PLIC);
	w_end(w);
}

static void w_soc(struct fdt_w *w, const struct machine_fdt_params *p)
{
	w_begin(w, "soc");
	w_u32(w, "#address-cells", 2);
	w_u32(w, "#size-cells", 2);
	w_str(w, "compatible", "simple-bus");
	w_empty(w, "ranges");
	w_soc_core(w);

	w_begin_at(w, "serial", UART_BASE);
	w_str(w, "compatible", "ns16550a");
	w_reg(w, UART_BASE, 0x100);
	w_u32(w, "clock-frequency", UART_CLOCK_HZ);
	w_plic_irq(w, UART_IRQ);
	w_end(w);

	for (int i = 0; i < p->nvirtio && i < VIRTIO_SLOTS; i++) {
		uint64_t base = VIRTIO_BASE + VIRTIO_STRIDE * (uint64_t)i;

		w_begin_at(w, "virtio_mmio", base);
		w_str(w, "compatible", "virtio,mmio");
		w_reg(w, base, VIRTIO_STRIDE);
		w_plic_irq(w, 1 + (uint32_t)i);
		w_end(w);
	}
	w_end(w);
}

static void w_power(struct fdt_w *w)
{
	w_begin(w, "poweroff");
	w_str(w, "compatible", "syscon-poweroff");
	w_u32(w, "regmap", PH_TEST);
	w_u32(w, "offset", 0);
	w_u32(w, "value", 0x5555);
	w_end(w);
	w_begin(w, "reboot");
	w_str(w, "compatible", "syscon-reboot");
	w_u32(w, "regmap", PH_TEST);
	w_u32(w, "offset", 0);
	w_u32(w, "value", 0x7777);
	w_end(w);
}

int machine_fdt_build(void *buf, size_t len, const struct machine_fdt_params *p)
{
	static const char compat[] = "rvcp,virt\0riscv-virtio";
	struct fdt_w w = {buf, 0};

	if (len > INT32_MAX)
		len = INT32_MAX;
	w_check(&w, fdt_create(buf, (int)len));
	w_check(&w, fdt_finish_reservemap(buf));
	w_begin(&w, "");
	w_u32(&w, "#address-cells", 2);
	w_u32(&w, "#size-cells", 2);
	w_strs(&w, "compatible", compat, sizeof(compat));
	w_str(&w, "model", "rvcp virtual machine");
	w_chosen(&w, p);
	w_memory(&w, p);
	w_cpus(&w);
	w_soc(&w, p);
	w_power(&w);
	w_end(&w);
	w_check(&w, fdt_finish(buf));
	if (w.err)
		return w.err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
	return 0;
}
