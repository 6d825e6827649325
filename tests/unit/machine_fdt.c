// SPDX-License-Identifier: MIT
/*
 * The device tree parsed back with libfdt: the nodes and properties stock
 * Linux and OpenSBI look for, phandles that resolve, virtio slots in vdev
 * order, the IPL reservation (or none in firmware mode), and the tree a
 * machine writes into its storage.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/fdt.h"
#include "machine/layout.h"
#include "machine/machine.h"
#include "tests/unit/check.h"

static const char *str(const void *fdt, const char *path, const char *prop)
{
	int node = fdt_path_offset(fdt, path);

	return node < 0 ? NULL : fdt_getprop(fdt, node, prop, NULL);
}

static uint64_t u64(const void *fdt, const char *path, const char *prop)
{
	int node = fdt_path_offset(fdt, path), len;
	const fdt64_t *p = node < 0 ? NULL : fdt_getprop(fdt, node, prop, &len);

	return p && len == 8 ? fdt64_ld(p) : 0xdeadbeef;
}

static uint32_t u32(const void *fdt, const char *path, const char *prop)
{
	int node = fdt_path_offset(fdt, path), len;
	const fdt32_t *p = node < 0 ? NULL : fdt_getprop(fdt, node, prop, &len);

	return p && len == 4 ? fdt32_ld(p) : 0xdeadbeef;
}

/* reg = <base size> with two cells each */
static int reg_is(const void *fdt, const char *path, uint64_t base, uint64_t size)
{
	int node = fdt_path_offset(fdt, path), len;
	const fdt64_t *p = node < 0 ? NULL : fdt_getprop(fdt, node, "reg", &len);

	return p && len == 16 && fdt64_ld(&p[0]) == base && fdt64_ld(&p[1]) == size;
}

static int has_compat(const void *fdt, const char *path, const char *compat)
{
	int node = fdt_path_offset(fdt, path);

	return node >= 0 && fdt_node_check_compatible(fdt, node, compat) == 0;
}

/* interrupt-parent of path names an interrupt controller */
static int irq_parent_ok(const void *fdt, const char *path)
{
	int node = fdt_node_offset_by_phandle(fdt, u32(fdt, path, "interrupt-parent"));

	return node >= 0 && fdt_getprop(fdt, node, "interrupt-controller", NULL) != NULL;
}

static void test_tree(void)
{
	static char fdt[65536];
	struct machine_fdt_params p = {
	    .mem_size = 64ULL << 20,
	    .bootargs = "root=/dev/vda1 ro",
	    .initrd_start = 0x80600000,
	    .initrd_end = 0x80700000,
	    .reserve_ipl = true,
	    .nvirtio = 2,
	};
	int node, len, first, second;
	const fdt32_t *ie;

	CHECK(machine_fdt_build(fdt, sizeof(fdt), &p) == 0);
	CHECK(fdt_check_header(fdt) == 0);
	CHECK(u32(fdt, "/", "#address-cells") == 2 && u32(fdt, "/", "#size-cells") == 2);
	CHECK(u32(fdt, "/cpus", "timebase-frequency") == 10000000);
	CHECK(str(fdt, "/cpus/cpu@0", "riscv,isa") &&
	      !strcmp(str(fdt, "/cpus/cpu@0", "riscv,isa"), "rv64imafdc_zicsr_zifencei"));
	CHECK(!strcmp(str(fdt, "/cpus/cpu@0", "mmu-type"), "riscv,sv39"));
	CHECK(!strcmp(str(fdt, "/cpus/cpu@0", "device_type"), "cpu"));
	CHECK(has_compat(fdt, "/cpus/cpu@0/interrupt-controller", "riscv,cpu-intc"));
	CHECK(reg_is(fdt, "/memory@80000000", RAM_BASE, 64ULL << 20));
	CHECK(!strcmp(str(fdt, "/memory@80000000", "device_type"), "memory"));
	CHECK(reg_is(fdt, "/reserved-memory/ipl@80000000", RAM_BASE, IPL_RESERVED));
	CHECK(fdt_getprop(fdt, fdt_path_offset(fdt, "/reserved-memory/ipl@80000000"), "no-map",
			  NULL) != NULL);
	CHECK(!strcmp(str(fdt, "/chosen", "bootargs"), "root=/dev/vda1 ro"));
	CHECK(!strcmp(str(fdt, "/chosen", "stdout-path"), "/soc/serial@10000000"));
	node = fdt_path_offset(fdt, "/chosen");
	CHECK(fdt_getprop(fdt, node, "linux,initrd-start", &len) && len == 8);

	CHECK(has_compat(fdt, "/soc", "simple-bus"));
	CHECK(has_compat(fdt, "/soc/serial@10000000", "ns16550a"));
	CHECK(reg_is(fdt, "/soc/serial@10000000", UART_BASE, 0x100));
	CHECK(u32(fdt, "/soc/serial@10000000", "clock-frequency") == 3686400);
	CHECK(u32(fdt, "/soc/serial@10000000", "interrupts") == UART_IRQ);
	CHECK(irq_parent_ok(fdt, "/soc/serial@10000000"));
	CHECK(has_compat(fdt, "/soc/plic@c000000", "riscv,plic0"));
	CHECK(u32(fdt, "/soc/plic@c000000", "riscv,ndev") == 31);
	CHECK(has_compat(fdt, "/soc/clint@2000000", "riscv,clint0"));
	ie = fdt_getprop(fdt, fdt_path_offset(fdt, "/soc/clint@2000000"), "interrupts-extended",
			 &len);
	CHECK(ie && len == 16 && fdt32_ld(&ie[1]) == 3 && fdt32_ld(&ie[3]) == 7);
	CHECK(has_compat(fdt, "/soc/rtc@101000", "google,goldfish-rtc"));
	CHECK(u32(fdt, "/soc/rtc@101000", "interrupts") == RTC_IRQ);
	CHECK(has_compat(fdt, "/soc/test@100000", "sifive,test0") &&
	      has_compat(fdt, "/soc/test@100000", "syscon"));
	CHECK(has_compat(fdt, "/poweroff", "syscon-poweroff"));
	CHECK(u32(fdt, "/poweroff", "value") == 0x5555 && u32(fdt, "/reboot", "value") == 0x7777);
	CHECK(fdt_node_offset_by_phandle(fdt, u32(fdt, "/poweroff", "regmap")) ==
	      fdt_path_offset(fdt, "/soc/test@100000"));

	/* two virtio slots, in order, and no third */
	first = fdt_path_offset(fdt, "/soc/virtio_mmio@10001000");
	second = fdt_path_offset(fdt, "/soc/virtio_mmio@10002000");
	CHECK(first >= 0 && second > first);
	CHECK(u32(fdt, "/soc/virtio_mmio@10001000", "interrupts") == 1);
	CHECK(u32(fdt, "/soc/virtio_mmio@10002000", "interrupts") == 2);
	CHECK(fdt_path_offset(fdt, "/soc/virtio_mmio@10003000") < 0);

	/* firmware mode: no IPL reservation, no initrd; too small a buffer fails cleanly */
	p.reserve_ipl = false;
	p.initrd_start = p.initrd_end = 0;
	CHECK(machine_fdt_build(fdt, sizeof(fdt), &p) == 0);
	CHECK(fdt_path_offset(fdt, "/reserved-memory") < 0);
	CHECK(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "linux,initrd-start", NULL) ==
	      NULL);
	CHECK(machine_fdt_build(fdt, 256, &p) < 0);
}

static void test_machine_tree(void)
{
	struct machine_config cfg = {.mem_size = 32ULL << 20};
	static const uint32_t kernel[4] = {0x0000006f}; /* j . */
	struct machine *m = machine_create(&cfg);
	const void *fdt;

	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(machine_load_kernel(m, kernel, sizeof(kernel), NULL, 0, "console=ttyS0") == 0);
	fdt = machine_mem(m)->base + IPL_FDT_REAL;
	CHECK(fdt_check_header(fdt) == 0);
	CHECK(!strcmp(str(fdt, "/chosen", "bootargs"), "console=ttyS0"));
	CHECK(fdt_path_offset(fdt, "/soc/virtio_mmio@10001000") < 0);
	CHECK(machine_write_fdt(m, "console=ttyS0 quiet") == 0);
	CHECK(!strcmp(str(fdt, "/chosen", "bootargs"), "console=ttyS0 quiet"));
	CHECK(reg_is(fdt, "/memory@80000000", RAM_BASE, 32ULL << 20));
	/* the initrd a rewritten tree names (IPL of a saved system): only in storage */
	CHECK(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "linux,initrd-start", NULL) ==
	      NULL);
	CHECK(machine_set_initrd(m, RAM_BASE + 0x1000000, RAM_BASE + 0x1100000) == 0);
	CHECK(machine_write_fdt(m, "") == 0);
	CHECK(u64(fdt, "/chosen", "linux,initrd-start") == RAM_BASE + 0x1000000);
	CHECK(u64(fdt, "/chosen", "linux,initrd-end") == RAM_BASE + 0x1100000);
	CHECK(machine_set_initrd(m, RAM_BASE + (31ULL << 20), RAM_BASE + (33ULL << 20)) < 0);
	CHECK(machine_set_initrd(m, RAM_BASE - 4096, RAM_BASE + 4096) < 0);
	CHECK(machine_set_initrd(m, RAM_BASE + 8192, RAM_BASE + 4096) < 0);
	CHECK(machine_write_fdt(m, "") == 0);
	CHECK(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "linux,initrd-start", NULL) ==
	      NULL);
	machine_destroy(m);
}

int main(void)
{
	test_tree();
	test_machine_tree();
	if (failures)
		fprintf(stderr, "%d checks failed\n", failures);
	return failures ? 1 : 0;
}
