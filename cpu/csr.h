/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CPU_CSR_H
#define RVCP_CPU_CSR_H
/*
 * The control and status registers the hart implements, by number
 * (privileged architecture 1.12, tables 2.2-2.5) and by name.  Bits 8-9 of
 * a number are the lowest privilege that may access it, bits 10-11 = 3
 * marks it read-only.  The behaviour of each is in the table of cpu/csr.c.
 */
#include <stddef.h>

enum {
	/* unprivileged floating point */
	CSR_FFLAGS = 0x001,
	CSR_FRM = 0x002,
	CSR_FCSR = 0x003,
	/* unprivileged counters (read-only views) */
	CSR_CYCLE = 0xc00,
	CSR_TIME = 0xc01,
	CSR_INSTRET = 0xc02,
	CSR_HPMCOUNTER3 = 0xc03,
	CSR_HPMCOUNTER31 = 0xc1f,
	/* supervisor */
	CSR_SSTATUS = 0x100,
	CSR_SIE = 0x104,
	CSR_STVEC = 0x105,
	CSR_SCOUNTEREN = 0x106,
	CSR_SENVCFG = 0x10a,
	CSR_SSCRATCH = 0x140,
	CSR_SEPC = 0x141,
	CSR_SCAUSE = 0x142,
	CSR_STVAL = 0x143,
	CSR_SIP = 0x144,
	CSR_SATP = 0x180,
	/* machine information */
	CSR_MVENDORID = 0xf11,
	CSR_MARCHID = 0xf12,
	CSR_MIMPID = 0xf13,
	CSR_MHARTID = 0xf14,
	CSR_MCONFIGPTR = 0xf15,
	/* machine trap setup and handling */
	CSR_MSTATUS = 0x300,
	CSR_MISA = 0x301,
	CSR_MEDELEG = 0x302,
	CSR_MIDELEG = 0x303,
	CSR_MIE = 0x304,
	CSR_MTVEC = 0x305,
	CSR_MCOUNTEREN = 0x306,
	CSR_MENVCFG = 0x30a,
	CSR_MCOUNTINHIBIT = 0x320,
	CSR_MHPMEVENT3 = 0x323,
	CSR_MHPMEVENT31 = 0x33f,
	CSR_MSCRATCH = 0x340,
	CSR_MEPC = 0x341,
	CSR_MCAUSE = 0x342,
	CSR_MTVAL = 0x343,
	CSR_MIP = 0x344,
	/* physical memory protection (RV64: even pmpcfg only) */
	CSR_PMPCFG0 = 0x3a0,
	CSR_PMPCFG2 = 0x3a2,
	CSR_PMPADDR0 = 0x3b0,
	CSR_PMPADDR15 = 0x3bf,
	/* machine counters */
	CSR_MCYCLE = 0xb00,
	CSR_MINSTRET = 0xb02,
	CSR_MHPMCOUNTER3 = 0xb03,
	CSR_MHPMCOUNTER31 = 0xb1f,
};
#define CSR_COUNT 4096 /* numbers are 12 bits */

/*
 * The name of CSR num as the privileged spec writes it ("sstatus",
 * "pmpaddr3"), into buf.  Returns 0, or -ENOENT if the hart has no such CSR.
 */
int csr_name(unsigned num, char *buf, size_t size);
/* The number of the CSR called name (case ignored), or -ENOENT. */
int csr_lookup_name(const char *name);

#endif
