// SPDX-License-Identifier: MIT
/*
 * Shared segments in a machine: pages above storage mapped from a file,
 * read-only ones refusing device DMA writes and guest stores (a store
 * access fault), writable ones shared with the file, the room between
 * storage and a segment unreachable, segments kept over a storage reset
 * and gone with machine_set_segments(n = 0), bad lists refused, and a
 * "pmem-region" node per segment in the device tree.
 */
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "machine/layout.h"
#include "machine/machine.h"
#include "tests/unit/check.h"

#define MB	  (1ull << 20)
#define SEG_REAL  (256 * MB)
#define SEG_LEN	  (4 * MB)
#define SEG2_REAL (SEG_REAL + SEG_LEN)
#define STORAGE	  (64 * MB)

static int seg_file(uint8_t fill)
{
	int fd = memfd_create("seg", 0);
	uint8_t *p;

	CHECK(fd >= 0 && ftruncate(fd, SEG_LEN) == 0);
	p = mmap(NULL, SEG_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	memset(p, fill, SEG_LEN);
	munmap(p, SEG_LEN);
	return fd;
}

static void test_mem(void)
{
	struct guest_mem m;
	int ro = seg_file(0xa5), rw = seg_file(0);
	uint8_t *p, b;

	CHECK(mem_init_span(&m, STORAGE, SEG2_REAL + SEG_LEN) == 0);
	CHECK(!mem_guest_contains(&m, SEG_REAL, 4096)); /* nothing there yet */
	CHECK(mem_seg_map(&m, SEG_REAL, SEG_LEN, ro, 0, MEM_MAP_SHARED_RO) == 0);
	CHECK(mem_seg_map(&m, SEG2_REAL, SEG_LEN, rw, 0, MEM_MAP_SHARED_RW) == 0);
	/* in storage, beyond the span, or not page aligned: refused */
	CHECK(mem_seg_map(&m, 0, SEG_LEN, ro, 0, MEM_MAP_SHARED_RO) < 0);
	CHECK(mem_seg_map(&m, SEG2_REAL + SEG_LEN, 4096, ro, 0, MEM_MAP_SHARED_RO) < 0);
	CHECK(mem_seg_map(&m, SEG_REAL + 1, 4096, ro, 0, MEM_MAP_SHARED_RO) < 0);
	CHECK(mem_guest_contains(&m, SEG_REAL, SEG_LEN));
	CHECK(mem_guest_contains(&m, SEG_REAL, 2 * SEG_LEN)); /* two adjacent segments */
	CHECK(!mem_guest_contains(&m, STORAGE, 4096));	      /* the room in between */
	CHECK(!mem_guest_contains(&m, SEG_REAL - 4096, 8192));
	/* device DMA: reads of both, writes only into the writable one */
	p = mem_dma(&m, SEG_REAL + 100, 16, false);
	CHECK(p && p[0] == 0xa5);
	CHECK(!mem_dma(&m, SEG_REAL + 100, 16, true));
	CHECK(!mem_dma(&m, SEG2_REAL - 8, 16, true)); /* crosses into read-only */
	p = mem_dma(&m, SEG2_REAL + 4096, 1, true);
	CHECK(p != NULL);
	if (p)
		*p = 0x5a;
	CHECK(pread(rw, &b, 1, 4096) == 1 && b == 0x5a); /* shared with the file */
	/* a storage reset keeps them; clearing drops them */
	CHECK(mem_reset(&m) == 0);
	CHECK(mem_guest_contains(&m, SEG_REAL, SEG_LEN) && mem_page_ro(&m, SEG_REAL));
	CHECK(mem_seg_clear(&m) == 0);
	CHECK(!mem_guest_contains(&m, SEG_REAL, 4096) && !mem_guest_contains(&m, SEG2_REAL, 1));
	mem_exit(&m);
	close(ro);
	close(rw);
}

/* Runs one instruction at RAM_BASE in M-mode; the trap cause or -1. */
static long run1(struct machine *m, uint32_t insn)
{
	struct hart *h = machine_hart(m);

	memcpy(machine_mem(m)->base, &insn, 4);
	h->s.pc = RAM_BASE;
	h->s.priv = PRV_M;
	h->s.mtvec = RAM_BASE + 0x100;
	h->s.mcause = ~0ULL;
	hart_set_state(h, &h->s);
	hart_run(h, 1);
	return h->s.pc == RAM_BASE + 0x100 ? (long)h->s.mcause : -1;
}

/* A hart's store into a read-only segment page traps; a load sees the file. */
static void test_hart(void)
{
	struct machine_config cfg = {.mem_size = STORAGE, .mem_span = SEG_REAL + SEG_LEN};
	int fd = seg_file(0x11);
	struct machine_seg s = {
	    .real = SEG_REAL, .len = SEG_LEN, .fd = fd, .kind = MEM_MAP_SHARED_RO};
	const uint32_t ld = 8u << 20 | 5u << 15 | 3u << 12 | 6u << 7 | 0x03; /* ld x6, 8(x5) */
	const uint32_t sd = 5u << 15 | 3u << 12 | 8u << 7 | 0x23;	     /* sd x0, 8(x5) */
	struct machine *m = machine_create(&cfg);
	struct hart *h;
	char why[128];

	CHECK(m != NULL);
	if (!m)
		return;
	h = machine_hart(m);
	CHECK(machine_set_segments(m, &s, 1, why, sizeof(why)) == 0);
	h->s.x[5] = RAM_BASE + SEG_REAL;
	CHECK(run1(m, ld) == -1 && h->s.x[6] == 0x1111111111111111ull);
	CHECK(run1(m, sd) == 7);	/* store access fault */
	h->s.x[5] = RAM_BASE + STORAGE; /* the room between storage and the segment */
	CHECK(run1(m, ld) == 5);	/* load access fault */
	machine_destroy(m);
	close(fd);
}

static void test_list(void)
{
	struct machine_config cfg = {.mem_size = STORAGE, .mem_span = SEG2_REAL + SEG_LEN};
	int fd = seg_file(0);
	struct machine_seg s[3] = {
	    {.real = SEG_REAL, .len = SEG_LEN / 2, .fd = fd, .kind = MEM_MAP_SHARED_RO},
	    {.real = SEG_REAL + SEG_LEN / 2,
	     .len = SEG_LEN / 2,
	     .off = SEG_LEN / 2,
	     .fd = -1,
	     .kind = MEM_MAP_PRIVATE},
	    {.real = SEG2_REAL, .len = SEG_LEN, .fd = fd, .kind = MEM_MAP_SHARED_RW, .region = 1},
	};
	struct machine_seg gap = s[1];
	struct machine *m = machine_create(&cfg);
	static char fdt[65536];
	const fdt64_t *reg;
	const void *t;
	char why[128];
	int node, len;

	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(machine_set_segments(m, s, 3, why, sizeof(why)) == 0);
	CHECK(machine_write_fdt(m, "") == 0);
	t = machine_fdt(m);
	CHECK(t && fdt_check_header(t) == 0);
	if (t)
		memcpy(fdt, t, fdt_totalsize(t) < sizeof(fdt) ? fdt_totalsize(t) : sizeof(fdt));
	node = fdt_path_offset(fdt, "/pmem@90000000");
	CHECK(node >= 0 && fdt_node_check_compatible(fdt, node, "pmem-region") == 0);
	reg = node < 0 ? NULL : fdt_getprop(fdt, node, "reg", &len);
	CHECK(reg && len == 16 && fdt64_ld(&reg[0]) == RAM_BASE + SEG_REAL &&
	      fdt64_ld(&reg[1]) == SEG_LEN);
	CHECK(fdt_path_offset(fdt, "/pmem@90400000") >= 0);
	/* a part not adjacent to its region's previous one, a region number skipped */
	gap.real += 4096;
	CHECK(machine_set_segments(m, (struct machine_seg[]){s[0], gap}, 2, why, sizeof(why)) < 0);
	s[2].region = 2;
	CHECK(machine_set_segments(m, s, 3, why, sizeof(why)) < 0);
	CHECK(!mem_guest_contains(machine_mem(m), SEG_REAL, 4096)); /* none after a failure */
	CHECK(machine_write_fdt(m, "") == 0);
	CHECK(fdt_path_offset(machine_fdt(m), "/pmem@90000000") < 0);
	machine_destroy(m);
	close(fd);
}

int main(void)
{
	test_mem();
	test_hart();
	test_list();
	return failures != 0;
}
