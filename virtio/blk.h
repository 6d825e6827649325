/* SPDX-License-Identifier: MIT */
#ifndef RVCP_VIRTIO_BLK_H
#define RVCP_VIRTIO_BLK_H
/*
 * virtio-blk over a raw image descriptor (pread/pwrite, synchronous: a
 * request completes during the notify that submitted it).  A read-only disk
 * offers VIRTIO_BLK_F_RO and answers writes with VIRTIO_BLK_S_IOERR.
 *
 * What a guest may rely on (the write ordering Linux's block layer assumes):
 *  - a write completes only after every pwrite() of it returned all its
 *    bytes: the data is in the host's page cache, so it survives the death
 *    of the VM process and of CP, but not yet a host crash;
 *  - VIRTIO_BLK_F_FLUSH is offered, so the guest treats the disk as having a
 *    volatile write cache (writeback; there is no CONFIG_WCE to turn it
 *    off) and sends FLUSH for fsync, sync and journal commits; a FLUSH
 *    completes only after fdatasync() of the image returned, so what the
 *    guest saw flushed is on stable storage;
 *  - a host error (EIO, ENOSPC, EFBIG, a short write making no progress, a
 *    failed fdatasync) completes that request with VIRTIO_BLK_S_IOERR and
 *    nothing else: the machine runs on, and the guest's file system decides
 *    (ext4 remounts read-only).  A sparse image (a T-disk) whose host file
 *    system fills gives the guest exactly these errors.  The VM process
 *    ignores SIGXFSZ so that a file-size limit is an EFBIG, not a death;
 *  - GET_ID answers the vdev as CP writes it, four upper-case hex digits
 *    ("0201"), NUL-padded to 20 bytes: Linux shows it in
 *    /sys/block/vdX/serial and udev makes /dev/disk/by-id/virtio-0201.
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
	uint64_t reads, writes, flushes; /* completed requests, for statistics */
	uint64_t errors;		 /* requests answered VIRTIO_BLK_S_IOERR */
};

extern const struct dev_ops virtio_blk_device;

#endif
