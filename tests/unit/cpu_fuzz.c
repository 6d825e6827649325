// SPDX-License-Identifier: MIT
/*
 * The hart against hostile guests: random instruction streams (raw random
 * words, and random words forced into valid major opcodes) run in M, S and
 * U mode, with and without Sv39 page tables of random entries, registers
 * pointing near page boundaries, storage ends and read-only pages.  Nothing
 * may crash the host or trip ASan/UBSan, and the architectural invariants
 * (x0 = 0, a valid privilege, an even pc) must hold after every run.
 * Deterministic: a fixed seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "dev/clint.h"

#define MEM_SIZE (1ULL << 20)
#define RO_REAL	 0x40000ULL /* 64K of read-only storage */
#define RO_LEN	 0x10000ULL
#define ROUNDS	 3000

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* An address a guest might use: storage, its edges, MMIO, wild values. */
static uint64_t rnd_addr(void)
{
	switch (rnd() % 6) {
	case 0:
		return RAM_BASE + rnd() % MEM_SIZE;
	case 1:
		return RAM_BASE + MEM_SIZE - (rnd() % 16);
	case 2:
		return RAM_BASE + ((rnd() % (MEM_SIZE >> 12)) << 12) - (rnd() % 8);
	case 3:
		return 0x2000000 + rnd() % 0x10000; /* CLINT */
	case 4:
		return RAM_BASE + RO_REAL + rnd() % RO_LEN;
	default:
		return rnd();
	}
}

static uint32_t rnd_insn(void)
{
	static const uint8_t majors[] = {0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23,
					 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x47,
					 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73};
	uint32_t w = (uint32_t)rnd();

	switch (rnd() % 4) {
	case 0:
		return w; /* anything, compressed or not */
	case 1:
		return (w & ~0x7fU) | majors[rnd() % sizeof(majors)];
	case 2: /* CSR access to a random CSR near the implemented ones */
		return (w & 0x000fffffU & ~0x7fU) | 0x73 | (uint32_t)(0x100 + rnd() % 0x300) << 20;
	default: /* rs1 = a0 (an address register), a load/store/AMO */
		return (w & ~(0x7fU | (31U << 15))) | (10U << 15) |
		       (uint32_t[]){0x03, 0x23, 0x2f, 0x07, 0x27}[rnd() % 5];
	}
}

/* A random Sv39 tree in storage: every PTE random, but mostly pointing in storage. */
static uint64_t rnd_page_tables(struct guest_mem *m)
{
	uint64_t root = 0x80000; /* real address of 4 tables */
	uint64_t *t = (uint64_t *)(m->base + root);

	for (int i = 0; i < 4 * 512; i++) {
		uint64_t ppn = (RAM_BASE + (rnd() % MEM_SIZE)) >> 12;

		if (i % 7 == 0)
			ppn = (RAM_BASE + root + (rnd() % 4) * 4096) >> 12; /* next level */
		t[i] = rnd() % 8 ? (ppn << 10) | (rnd() & 0xff) : rnd();
	}
	return (8ULL << 60) | ((RAM_BASE + root) >> 12);
}

static void fuzz_round(struct hart *h, struct guest_mem *m)
{
	uint32_t *code = (uint32_t *)m->base;

	for (int i = 0; i < 2048; i++)
		code[i] = rnd_insn();
	hart_reset(h, RAM_BASE + (rnd() % 1024) * 2);
	for (int i = 1; i < 32; i++)
		h->s.x[i] = rnd_addr();
	for (int i = 0; i < 32; i++)
		h->s.f[i] = rnd();
	h->s.mtvec = RAM_BASE + (rnd() % 2048) * 4 + (rnd() & 1);
	h->s.stvec = RAM_BASE + (rnd() % 2048) * 4;
	h->s.mstatus = rnd() & 0x7e79aULL;
	h->s.medeleg = rnd() & 0xb3ff;
	h->s.mideleg = rnd() & 0x222;
	h->s.mie = rnd() & 0xaaa;
	h->s.mcounteren = rnd();
	h->s.priv = (uint64_t[]){PRV_U, PRV_S, PRV_M}[rnd() % 3];
	h->s.satp = rnd() % 2 ? rnd_page_tables(m) : 0;
	h->s.mtimecmp = rnd() % 2 ? 0 : UINT64_MAX;
	hart_set_state(h, &h->s);
	for (int slice = 0; slice < 4; slice++) {
		hart_run(h, 2000);
		if (h->s.x[0] != 0 || h->s.priv == 2 || h->s.priv > 3 || (h->s.pc & 1)) {
			fprintf(stderr, "cpu_fuzz: invariant broken: x0=%llx priv=%llu pc=%llx\n",
				(unsigned long long)h->s.x[0], (unsigned long long)h->s.priv,
				(unsigned long long)h->s.pc);
			exit(1);
		}
	}
}

int main(void)
{
	struct hart *h;
	struct guest_mem m;
	struct bus bus = {0};
	struct clint clint;
	int fd;

	if (mem_init(&m, MEM_SIZE))
		return 1;
	fd = memfd_create("cpu_fuzz", 0);
	if (fd < 0 || ftruncate(fd, RO_LEN) ||
	    mem_map(&m, RO_REAL, RO_LEN, fd, 0, MEM_MAP_SHARED_RO))
		return 1;
	h = hart_new(&m, &bus);
	if (!h)
		return 1;
	if (clint_init(&clint, &bus, 0x2000000, h))
		return 1;
	for (int r = 0; r < ROUNDS; r++)
		fuzz_round(h, &m);
	/* the read-only pages kept their zeros */
	for (uint64_t i = 0; i < RO_LEN; i++)
		if (m.base[RO_REAL + i]) {
			fprintf(stderr, "cpu_fuzz: read-only storage was written\n");
			return 1;
		}
	hart_free(h);
	mem_exit(&m);
	close(fd);
	return 0;
}
