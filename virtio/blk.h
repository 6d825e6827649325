/* SPDX-License-Identifier: MIT */
#ifndef RVCP_VIRTIO_BLK_H
#define RVCP_VIRTIO_BLK_H
/*
 * virtio-blk over a raw image descriptor (pread/pwrite, synchronous: a
 * request completes during the notify that submitted it).  A read-only disk
 * offers VIRTIO_BLK_F_RO and answers writes with VIRTIO_BLK_S_IOERR.
 * Instance n of its board row serves the machine's disk n (dev_host.disk):
 * the disks take the virtio-mmio slots in vdev order.
 */
#include <stdbool.h>
#include <stdint.h>

#include "virtio/mmio.h"

struct virtio_blk {
	struct virtio_mmio mmio;
	int fd;
	uint64_t size; /* bytes; the guest sees size / 512 sectors */
	bool readonly;
	uint16_t vdev;
	uint64_t reads, writes; /* completed requests, for statistics */
};

extern const struct dev_ops virtio_blk_device;

#endif
