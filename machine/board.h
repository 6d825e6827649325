/* SPDX-License-Identifier: MIT */
#ifndef RVCP_MACHINE_BOARD_H
#define RVCP_MACHINE_BOARD_H
/*
 * The board: which devices a machine has and where (machine/board.c).
 * One row per device (dev/device.h says what a device provides):
 *
 *   ops      the device's dev_ops
 *   base     its MMIO region; instance n of a row sits at base + n * size
 *   size
 *   irq      its PLIC source (instance n: irq + n), 0 = none
 *   count    instances: 1, BOARD_PER_DISK (one per configured disk) or
 *            BOARD_PER_NIC (one per NIC)
 *   snap     its section id in the machine state blob (machine/snapshot.h)
 *
 * Rows are made in table order (the PLIC first: the others raise their
 * lines on it), and their nodes appear in the device tree in that order.
 */
#include <stdint.h>

#include "dev/device.h"

#define BOARD_PER_DISK	  (-1)
#define BOARD_PER_NIC	  (-2)
#define BOARD_MAX_DEVICES 32 /* instances in all (the bus's limit) */

struct board_row {
	const struct dev_ops *ops;
	uint64_t base, size;
	uint32_t irq;
	int count;
	uint32_t snap;
};

extern const struct board_row board[];
extern const int board_nrows;

/* Instances of row r in a machine with ndisks disks and nnics NICs. */
int board_count(const struct board_row *r, int ndisks, int nnics);
/* The resources of instance n of row r. */
struct dev_res board_res(const struct board_row *r, int n);

#endif
