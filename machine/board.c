// SPDX-License-Identifier: MIT
/*
 * The board's table: every device of an rvcp machine, one row each (the
 * columns are explained in board.h; the address map in layout.h).  A new
 * device is its own file plus one row here.  Rows are made, and so
 * registered on the bus, in this order, and the bus looks regions up in
 * registration order: after the PLIC (which the others need), the devices
 * a running Linux touches most come first (console, disks).
 */
#include "machine/board.h"

#include "machine/layout.h"
#include "machine/machine.h"

// clang-format off
/* X(device,         base,        size,          irq,      count,          snap): board.h;
 * every row ends in a backslash (a new row is one added line); the comment
 * after the last ends the table (a blank line would not survive make format). */
#define BOARD_ROWS(X) \
	X(plic_device,       PLIC_BASE,   PLIC_SIZE,     0,        1,              3) \
	X(uart_device,       UART_BASE,   0x100,         UART_IRQ, 1,              4) \
	X(virtio_blk_device, VIRTIO_BASE, VIRTIO_STRIDE, 1,        BOARD_PER_DISK, 6) \
	X(rtc_device,        RTC_BASE,    0x1000,        RTC_IRQ,  1,              5) \
	X(clint_device,      CLINT_BASE,  CLINT_SIZE,    0,        1,              0) \
	X(syscon_device,     SYSCON_BASE, 0x1000,        0,        1,              0) \
	X(virtio_rng_device, 0x10009000,  0x1000,        9,        1,              7) \
	X(vmgenid_device,    0x00102000,  0x1000,        12,       1,              8) \
	X(virtio_net_device, VIRTIO_NET_BASE, VIRTIO_STRIDE, VIRTIO_NET_IRQ, BOARD_PER_NIC, 9) \
	/* end of the table */
// clang-format on

#define BOARD_DECLARE(ops, ...)			     extern const struct dev_ops ops;
#define BOARD_ROW(ops, base, size, irq, count, snap) {&ops, base, size, irq, count, snap},

BOARD_ROWS(BOARD_DECLARE)

const struct board_row board[] = {BOARD_ROWS(BOARD_ROW)};
const int board_nrows = sizeof(board) / sizeof(board[0]);

int board_count(const struct board_row *r, int ndisks, int nnics)
{
	if (r->count == BOARD_PER_NIC)
		return nnics;
	return r->count == BOARD_PER_DISK ? ndisks : r->count;
}

struct dev_res board_res(const struct board_row *r, int n)
{
	return (struct dev_res){
	    .base = r->base + (uint64_t)n * r->size,
	    .size = r->size,
	    .irq = r->irq ? r->irq + (uint32_t)n : 0,
	    .index = n,
	};
}
