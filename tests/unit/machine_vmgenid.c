// SPDX-License-Identifier: MIT
/*
 * VMGenID as Linux's vmgenid driver sees it: a "microsoft,vmgenid" node in
 * the device tree a machine writes (reg, an interrupt on the PLIC), whose
 * region holds a 16-byte id that is random per machine; SYSTEM RESET keeps
 * it; every load of a saved state gives a new one and, once the guest
 * runs, raises the line on the PLIC until the guest reads the id; and each load of the same saved
 * state gives yet another id (every resumed copy is its own generation).
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "tests/unit/check.h"

#define MEM (16ULL << 20)

/* PLIC registers (SiFive layout), S-mode context 1 */
#define PLIC	      0x0c000000ULL
#define PLIC_PRIO(s)  (PLIC + 4 * (s))
#define PLIC_PENDING  (PLIC + 0x1000)
#define PLIC_ENABLE_S (PLIC + 0x2080)
#define PLIC_CLAIM_S  (PLIC + 0x201004)

static uint64_t base; /* from the device tree */
static uint32_t irq;

static uint64_t rd(struct machine *m, uint64_t pa, int size)
{
	uint64_t v = 0;

	CHECK(bus_access(machine_hart(m)->bus, pa, &v, size, false));
	return v;
}

static void wr(struct machine *m, uint64_t pa, uint64_t v)
{
	CHECK(bus_access(machine_hart(m)->bus, pa, &v, 4, true));
}

static void read_id(struct machine *m, uint8_t id[16])
{
	uint64_t lo = rd(m, base, 8), hi = rd(m, base + 8, 8);

	memcpy(id, &lo, 8);
	memcpy(id + 8, &hi, 8);
}

static void find_node(struct machine *m)
{
	static const uint32_t kernel[4] = {0x0000006f}; /* j . */
	const void *fdt;
	const fdt64_t *reg;
	const fdt32_t *in, *parent;
	int node, len, count = 0;

	CHECK(machine_load_kernel(m, kernel, sizeof(kernel), NULL, 0, "") == 0);
	fdt = machine_fdt(m);
	CHECK(fdt != NULL);
	if (!fdt)
		return;
	node = fdt_node_offset_by_compatible(fdt, -1, "microsoft,vmgenid");
	for (int n = node; n >= 0; n = fdt_node_offset_by_compatible(fdt, n, "microsoft,vmgenid"))
		count++;
	CHECK(count == 1);
	reg = fdt_getprop(fdt, node, "reg", &len);
	CHECK(reg && len == 16 && fdt64_ld(&reg[1]) >= 16);
	in = fdt_getprop(fdt, node, "interrupts", &len);
	CHECK(in && len == 4);
	parent = fdt_getprop(fdt, node, "interrupt-parent", NULL);
	CHECK(parent && fdt_getprop(fdt, fdt_node_offset_by_phandle(fdt, fdt32_ld(parent)),
				    "interrupt-controller", NULL));
	if (reg && in) {
		base = fdt64_ld(&reg[0]);
		irq = fdt32_ld(in);
	}
}

static bool pending(struct machine *m)
{
	return rd(m, PLIC_PENDING, 4) & (1U << irq);
}

static void test_load(struct machine *m, const uint8_t *blob, size_t n, uint8_t seen[][16],
		      int nseen)
{
	char err[256] = "";
	uint8_t id[16];

	wr(m, PLIC_PRIO(irq), 1);
	wr(m, PLIC_ENABLE_S, 1U << irq);
	CHECK(!pending(m));
	CHECK(machine_load_state(m, blob, n, err, sizeof(err)) == 0);
	if (err[0])
		fprintf(stderr, "load: %s\n", err);
	CHECK(!pending(m)); /* the load leaves the PLIC as it was saved */
	machine_run(m, 1);
	/* the loaded PLIC state has the source disabled; the guest's driver would have it on */
	wr(m, PLIC_PRIO(irq), 1);
	wr(m, PLIC_ENABLE_S, 1U << irq);
	CHECK(pending(m));
	CHECK(rd(m, PLIC_CLAIM_S, 4) == irq);
	read_id(m, id); /* the driver's handler: the line goes down */
	wr(m, PLIC_CLAIM_S, irq);
	CHECK(!pending(m) && rd(m, PLIC_CLAIM_S, 4) == 0);
	for (int i = 0; i < nseen; i++)
		CHECK(memcmp(id, seen[i], 16) != 0);
	memcpy(seen[nseen], id, 16);
}

int main(void)
{
	struct machine_config cfg = {.mem_size = MEM};
	struct machine *a = machine_create(&cfg), *b = machine_create(&cfg);
	uint8_t seen[4][16], id[16], zero[16] = {0};
	size_t len = machine_state_max();
	uint8_t *blob = malloc(len);
	ssize_t n;

	if (!a || !b || !blob)
		return 1;
	find_node(a);
	CHECK(base != 0 && irq >= 1 && irq <= 31);
	if (!base)
		return 1;
	read_id(a, seen[0]);
	read_id(b, seen[1]);
	CHECK(memcmp(seen[0], zero, 16) && memcmp(seen[0], seen[1], 16));
	/* byte reads agree; past the id reads zero; writes change nothing */
	CHECK(rd(a, base + 5, 1) == seen[0][5] &&
	      rd(a, base + 14, 2) == (uint64_t)(seen[0][14] | seen[0][15] << 8));
	CHECK(rd(a, base + 16, 8) == 0 && rd(a, base + 0xff8, 8) == 0);
	wr(a, base, 0x12345678);
	read_id(a, id);
	CHECK(!memcmp(id, seen[0], 16));
	machine_reset(a, false); /* a reboot is no new generation */
	read_id(a, id);
	CHECK(!memcmp(id, seen[0], 16) && !pending(a));

	n = machine_save_state(a, blob, len);
	CHECK(n > 0);
	memcpy(machine_mem(b)->base, machine_mem(a)->base, MEM); /* the stub the hart runs */
	test_load(b, blob, (size_t)n, seen, 2);
	test_load(b, blob, (size_t)n, seen, 3); /* the same saved state again: another id */
	machine_destroy(a);
	machine_destroy(b);
	free(blob);
	if (failures)
		fprintf(stderr, "%d checks failed\n", failures);
	return failures ? 1 : 0;
}
