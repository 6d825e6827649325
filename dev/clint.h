/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CLINT_H
#define RVCP_CLINT_H
/*
 * CLINT / ACLINT for one hart: msip (offset 0), mtimecmp (0x4000) and mtime
 * (0xbff8), as on QEMU's virt board and SiFive parts.  The registers live in
 * the hart (s.mtimecmp, mip.MSIP, the timer offset), so SAVESYS captures
 * them with the hart state.
 */
#include "cpu/cpu.h"
#include "dev/bus.h"

#define CLINT_MSIP     0x0000
#define CLINT_MTIMECMP 0x4000
#define CLINT_MTIME    0xbff8

struct clint {
	struct hart *hart;
};

/* Registers the CLINT at CLINT_BASE (machine/layout.h) on the bus. */
int clint_init(struct clint *c, struct bus *bus, struct hart *h);

#endif
