/* SPDX-License-Identifier: MIT */
#ifndef RVCP_MACHINE_FDT_H
#define RVCP_MACHINE_FDT_H
/* The device tree of a virtual machine, built with libfdt's sequential writer. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine_seg;

struct machine_fdt_params {
	uint64_t mem_size;
	const char *bootargs;
	uint64_t initrd_start, initrd_end; /* guest physical; start == end: none */
	bool reserve_ipl;		   /* declare real 0 .. IPL_RESERVED reserved (no-map) */
	int nvirtio;			   /* disks: virtio-blk slots 0 .. nvirtio-1 in use */
	int nnics;			   /* virtio-net slots 0 .. nnics-1 in use */
	const struct machine_seg *segs;	   /* shared segments: pmem-region nodes */
	int nsegs;
	int nharts; /* harts (0: one) */
};

/* Writes the blob into buf; 0 or a negative errno (-ENOSPC: buf too small). */
int machine_fdt_build(void *buf, size_t len, const struct machine_fdt_params *p);

#endif
