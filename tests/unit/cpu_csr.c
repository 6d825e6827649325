// SPDX-License-Identifier: MIT
/*
 * The CSR table: names and numbers both ways (as a DISPLAY command looks
 * CSRs up), and the table's behaviour through the CSR instructions -
 * plain words with their write masks, read-only numbers, privilege, the
 * floating-point and TVM access checks, counters.
 */
#include <errno.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/csr.h"
#include "tests/unit/check.h"

#define MEM_SIZE (1 << 20)

static struct hart *h;
static struct guest_mem mem;

/* Runs one instruction at RAM_BASE in privilege priv; returns the trap cause or -1. */
static long run1(uint32_t insn, unsigned priv)
{
	memcpy(mem.base, &insn, 4);
	h->s.pc = RAM_BASE;
	h->s.priv = priv;
	h->s.mtvec = RAM_BASE + 0x100;
	h->s.mcause = ~0ULL;
	hart_set_state(h, &h->s);
	hart_run(h, 1);
	return h->s.pc == RAM_BASE + 0x100 ? (long)h->s.mcause : -1;
}

/* csrrw rd, csr, rs1 / csrrs rd, csr, rs1 */
static uint32_t csrrw(unsigned rd, unsigned csr, unsigned rs1)
{
	return csr << 20 | rs1 << 15 | 1 << 12 | rd << 7 | 0x73;
}

static uint32_t csrrs(unsigned rd, unsigned csr, unsigned rs1)
{
	return csr << 20 | rs1 << 15 | 2 << 12 | rd << 7 | 0x73;
}

static void names(void)
{
	static const struct {
		const char *name;
		unsigned num;
	} known[] = {
	    {"fflags", CSR_FFLAGS},	  {"sstatus", CSR_SSTATUS}, {"satp", CSR_SATP},
	    {"mstatus", CSR_MSTATUS},	  {"mhartid", CSR_MHARTID}, {"pmpaddr0", CSR_PMPADDR0},
	    {"pmpaddr15", CSR_PMPADDR15}, {"pmpcfg2", CSR_PMPCFG2}, {"hpmcounter3", 0xc03},
	    {"hpmcounter31", 0xc1f},	  {"mhpmcounter4", 0xb04},  {"mhpmevent31", 0x33f},
	    {"mcountinhibit", 0x320},	  {"time", CSR_TIME},	    {"mip", CSR_MIP},
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		CHECK(csr_lookup_name(known[i].name) == (int)known[i].num);
		CHECK(csr_name(known[i].num, buf, sizeof(buf)) == 0 && !strcmp(buf, known[i].name));
	}
	CHECK(csr_lookup_name("SSTATUS") == CSR_SSTATUS);
	CHECK(csr_lookup_name("pmpaddr16") == -ENOENT);
	CHECK(csr_lookup_name("hpmcounter2") == -ENOENT);
	CHECK(csr_lookup_name("") == -ENOENT);
	CHECK(csr_name(0x7c0, buf, sizeof(buf)) == -ENOENT); /* custom space: none */
	CHECK(csr_name(0x3a1, buf, sizeof(buf)) == -ENOENT); /* pmpcfg1 is RV32 only */
	CHECK(csr_name(4096, buf, sizeof(buf)) == -ENOENT);
	/* every implemented number has a name that leads back to it */
	for (unsigned n = 0; n < CSR_COUNT; n++)
		if (!csr_name(n, buf, sizeof(buf)))
			CHECK(csr_lookup_name(buf) == (int)n);
}

static void behaviour(void)
{
	uint64_t v;

	/* a plain word and its write mask: mepc drops bit 0 */
	h->s.x[5] = 0x1235;
	CHECK(run1(csrrw(0, CSR_MEPC, 5), PRV_M) == -1 && h->s.mepc == 0x1234);
	CHECK(run1(csrrs(6, CSR_MEPC, 0), PRV_M) == -1 && h->s.x[6] == 0x1234);
	CHECK(hart_read_csr(h, CSR_MEPC, &v) == 0 && v == 0x1234);
	CHECK(hart_read_csr(h, 0x7c0, &v) == -ENOENT);
	/* misa ignores writes */
	h->s.x[5] = 0;
	CHECK(run1(csrrw(6, CSR_MISA, 5), PRV_M) == -1 && h->s.misa == h->s.x[6] && h->s.misa);
	/* read-only number, unknown number, privilege */
	CHECK(run1(csrrw(0, CSR_MHARTID, 5), PRV_M) == 2);
	CHECK(run1(csrrs(6, 0x7c0, 0), PRV_M) == 2);
	CHECK(run1(csrrs(6, CSR_MSTATUS, 0), PRV_S) == 2);
	/* sstatus is a view of mstatus */
	h->s.x[5] = 2; /* SIE */
	CHECK(run1(csrrw(0, CSR_SSTATUS, 5), PRV_S) == -1 && (h->s.mstatus & 2));
	/* FS off: fcsr traps; on: reads fflags */
	h->s.mstatus &= ~(3ULL << 13);
	CHECK(run1(csrrs(6, CSR_FCSR, 0), PRV_M) == 2);
	h->s.mstatus |= 1ULL << 13;
	h->s.fcsr = 0xe3;
	CHECK(run1(csrrs(6, CSR_FFLAGS, 0), PRV_M) == -1 && h->s.x[6] == 3);
	CHECK(run1(csrrs(6, CSR_FRM, 0), PRV_M) == -1 && h->s.x[6] == 7);
	/* TVM: satp from S traps */
	h->s.mstatus |= 1ULL << 20;
	CHECK(run1(csrrs(6, CSR_SATP, 0), PRV_S) == 2);
	h->s.mstatus &= ~(1ULL << 20);
	CHECK(run1(csrrs(6, CSR_SATP, 0), PRV_S) == -1);
	/* counters below M need mcounteren */
	h->s.mcounteren = 0;
	CHECK(run1(csrrs(6, CSR_INSTRET, 0), PRV_S) == 2);
	h->s.mcounteren = 4;
	CHECK(run1(csrrs(6, CSR_INSTRET, 0), PRV_S) == -1);
	/* pmpaddr: a range of plain words, 54 bits */
	h->s.x[5] = ~0ULL;
	CHECK(run1(csrrw(0, CSR_PMPADDR0 + 7, 5), PRV_M) == -1);
	CHECK(hart_read_csr(h, CSR_PMPADDR0 + 7, &v) == 0 && v == (1ULL << 54) - 1);
	CHECK(hart_read_csr(h, CSR_PMPADDR0 + 6, &v) == 0 && v == 0);
}

int main(void)
{
	struct bus bus = {0};

	if (mem_init(&mem, MEM_SIZE))
		return 1;
	h = hart_new(&mem, &bus);
	if (!h)
		return 1;
	names();
	behaviour();
	hart_free(h);
	mem_exit(&mem);
	return failures != 0;
}
