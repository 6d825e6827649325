/* SPDX-License-Identifier: MIT */
#ifndef RVCP_VIRTIO_BLK_H
#define RVCP_VIRTIO_BLK_H
/*
 * virtio-blk over a raw image descriptor (pread/pwrite, synchronous: a
 * request completes during the notify that submitted it).  A read-only disk
 * offers VIRTIO_BLK_F_RO and answers writes with VIRTIO_BLK_S_IOERR.
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

int virtio_blk_init(struct virtio_blk *b, struct bus *bus, uint64_t base, struct plic *p, int irq,
		    struct guest_mem *mem, int fd, uint64_t size, bool readonly, uint16_t vdev);
void virtio_blk_reset(struct virtio_blk *b);

#endif
