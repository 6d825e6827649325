/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CLINT_H
#define RVCP_CLINT_H
/*
 * CLINT / ACLINT: per hart n msip (offset 4n) and mtimecmp (0x4000 + 8n), and mtime
 * (0xbff8), as on QEMU's virt board and SiFive parts.  The registers live in
 * the hart (its public state's mtimecmp and mip.MSIP, the timer through
 * hart_mtime/hart_set_mtime, cpu/cpu.h), so SAVESYS captures them with the
 * hart state and the CLINT has no state section of its own.
 */
#include <stdint.h>

#include "dev/device.h"

#define CLINT_MSIP     0x0000
#define CLINT_MTIMECMP 0x4000
#define CLINT_MTIME    0xbff8

struct clint {
	struct hart *const *harts; /* hart n has msip 4n and mtimecmp 0x4000 + 8n */
	int nharts;
	struct hart *one; /* clint_init's */
};

extern const struct dev_ops clint_device;

/* A CLINT on its own (tests): registered at base, 64 KiB. */
int clint_init(struct clint *c, struct bus *bus, uint64_t base, struct hart *h);

#endif
