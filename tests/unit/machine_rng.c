// SPDX-License-Identifier: MIT
/*
 * virtio-rng, found as Linux finds it: the device tree a machine writes
 * has a "virtio,mmio" node whose device answers DeviceID 4.  The driver
 * side is played from here through the bus and guest storage: buffers come
 * back filled with host entropy (not zeros, not twice the same), a huge
 * buffer gets at most 64 KiB, a chain with a readable buffer comes back
 * empty, the used ring interrupts; and the queue goes on in a machine that
 * loaded the saved state.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "tests/unit/check.h"

#define MEM   (32ULL << 20)
#define DESC  0x10000
#define AVAIL 0x11000
#define USED  0x12000
#define BUF   0x100000
#define QSIZE 8

static struct hart *h;
static struct guest_mem *mem;
static uint64_t base; /* the rng's MMIO base, from the device tree */
static uint16_t avail_idx;

static void vset(uint64_t off, uint32_t v)
{
	uint64_t x = v;

	CHECK(bus_access(h->bus, base + off, &x, 4, true));
}

static uint32_t vget(uint64_t off)
{
	uint64_t x = 0;

	CHECK(bus_access(h->bus, base + off, &x, 4, false));
	return (uint32_t)x;
}

static void put(uint64_t real, const void *p, size_t n)
{
	memcpy(mem->base + real, p, n);
}

static void set_desc(int i, uint64_t real, uint32_t len, uint16_t flags, uint16_t next)
{
	uint64_t gpa = RAM_BASE + real;

	put(DESC + 16 * i, &gpa, 8);
	put(DESC + 16 * i + 8, &len, 4);
	put(DESC + 16 * i + 12, &flags, 2);
	put(DESC + 16 * i + 14, &next, 2);
}

/* The virtio,mmio node whose device is an rng: its base, irq; 0 if none or two. */
static uint64_t find_rng(const void *fdt, struct machine *m, uint32_t *irq)
{
	uint64_t found = 0;
	int n = 0;

	for (int node = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) {
		const fdt64_t *reg = fdt_getprop(fdt, node, "reg", NULL);
		const fdt32_t *in = fdt_getprop(fdt, node, "interrupts", NULL);
		uint64_t id = 0;

		if (!reg || !in)
			continue;
		CHECK(fdt64_ld(&reg[1]) == 0x1000);
		CHECK(bus_access(machine_hart(m)->bus, fdt64_ld(&reg[0]) + 8, &id, 4, false));
		if (id == 4) {
			found = fdt64_ld(&reg[0]);
			*irq = fdt32_ld(in);
			n++;
		}
	}
	return n == 1 ? found : 0;
}

static void driver_init(void)
{
	CHECK(vget(0) == 0x74726976 && vget(4) == 2 && vget(8) == 4);
	vset(0x70, 0);
	vset(0x70, 3);
	vset(0x14, 0);
	CHECK(vget(0x10) == 0); /* no device features */
	vset(0x14, 1);
	CHECK(vget(0x10) == 1); /* VERSION_1 */
	vset(0x24, 1);
	vset(0x20, 1);
	vset(0x70, 0xb);
	CHECK(vget(0x70) & 8);
	vset(0x30, 0);
	vset(0x38, QSIZE);
	vset(0x80, (uint32_t)(RAM_BASE + DESC));
	vset(0x90, (uint32_t)(RAM_BASE + AVAIL));
	vset(0xa0, (uint32_t)(RAM_BASE + USED));
	vset(0x44, 1);
	vset(0x70, 0xf);
}

/* Posts the chain at descriptor head; returns the length the device wrote. */
static uint32_t post(uint16_t head)
{
	uint32_t len;

	put(AVAIL + 4 + 2 * (avail_idx % QSIZE), &head, 2);
	avail_idx++;
	put(AVAIL + 2, &avail_idx, 2);
	vset(0x50, 0);
	CHECK(*(uint16_t *)(mem->base + USED + 2) == avail_idx);
	memcpy(&len, mem->base + USED + 4 + 8 * ((avail_idx - 1) % QSIZE) + 4, 4);
	return len;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_requests(void)
{
	uint8_t *b = mem->base + BUF;

	memset(b, 0, 256);
	set_desc(0, BUF, 64, 2, 0);
	CHECK(post(0) == 64);
	CHECK(!all_zero(b, 64) && all_zero(b + 64, 64));
	CHECK(vget(0x60) & 1); /* used buffer interrupt */
	vset(0x64, 1);
	CHECK(vget(0x60) == 0);
	set_desc(1, BUF + 128, 64, 2, 0);
	CHECK(post(1) == 64 && memcmp(b, b + 128, 64) != 0);
	/* two buffers in one chain are both filled */
	memset(b, 0, 256);
	set_desc(2, BUF, 16, 3, 3);
	set_desc(3, BUF + 16, 16, 2, 0);
	CHECK(post(2) == 32 && !all_zero(b, 16) && !all_zero(b + 16, 16));
	/* at most 64 KiB a request */
	set_desc(4, BUF, 1 << 20, 2, 0);
	CHECK(post(4) == 65536);
	/* a readable buffer in the chain: returned empty, nothing written */
	memset(b, 0, 256);
	set_desc(5, BUF, 16, 1, 6);
	set_desc(6, BUF + 16, 16, 2, 0);
	CHECK(post(5) == 0 && all_zero(b, 32));
	/* a buffer outside storage */
	set_desc(7, MEM - 8, 64, 2, 0);
	CHECK(post(7) == 0);
}

/* The queue's state goes into the blob and on in another machine. */
static struct machine *test_snapshot(struct machine *m, const struct machine_config *cfg)
{
	size_t len = machine_state_max();
	uint8_t *blob = malloc(len);
	struct machine *m2 = machine_create(cfg);
	char err[256] = "";
	ssize_t n = machine_save_state(m, blob, len);

	CHECK(n > 0 && m2);
	memcpy(machine_mem(m2)->base, mem->base, MEM); /* the rings live in storage */
	CHECK(machine_load_state(m2, blob, (size_t)n, err, sizeof(err)) == 0);
	if (err[0])
		fprintf(stderr, "load: %s\n", err);
	machine_destroy(m);
	free(blob);
	h = machine_hart(m2);
	mem = machine_mem(m2);
	memset(mem->base + BUF, 0, 64);
	set_desc(0, BUF, 64, 2, 0);
	CHECK(post(0) == 64 && !all_zero(mem->base + BUF, 64));
	return m2;
}

int main(void)
{
	static const uint32_t kernel[4] = {0x0000006f}; /* j . */
	struct machine_config cfg = {.mem_size = MEM};
	struct machine *m = machine_create(&cfg);
	uint32_t irq = 0;

	if (!m)
		return 1;
	CHECK(machine_load_kernel(m, kernel, sizeof(kernel), NULL, 0, "") == 0);
	h = machine_hart(m);
	mem = machine_mem(m);
	base = find_rng(machine_fdt(m), m, &irq);
	CHECK(base != 0 && irq >= 1 && irq <= 31);
	if (!base)
		return 1;
	driver_init();
	test_requests();
	m = test_snapshot(m, &cfg);
	machine_destroy(m);
	if (failures)
		fprintf(stderr, "%d checks failed\n", failures);
	return failures ? 1 : 0;
}
