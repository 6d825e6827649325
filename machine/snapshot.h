/* SPDX-License-Identifier: MIT */
#ifndef RVCP_SNAPSHOT_H
#define RVCP_SNAPSHOT_H
/*
 * The machine state blob of machine_save_state() (machine/machine.h):
 * everything a running machine has besides its storage, so that a saved
 * system of a booted guest resumes where it stopped.
 *
 *   struct snap_hdr                      magic, version, sizes, checksum
 *   struct snap_sect + data + padding    one per device, each 8-aligned
 *   ...
 *
 * Sections (id, instance): the machine's own two, then one per device
 * instance that has state, with the id its board row gives (machine/
 * board.c) and its instance number in that row, written and checked by the
 * device itself (dev_ops save/load, dev/device.h; its file says what the
 * section holds).  For example:
 *   MACHINE  1  0      struct snap_machine: when it was saved, storage size,
 *                      SBI, device tree and initrd places, the disks (vdev,
 *                      size, read-only, slot)
 *   HART     2  n      struct hart_state (cpu/cpu.h) of hart n, one per hart
 *                      (snap_machine.ncpus); the CLINT's registers (msip =
 *                      mip.MSIP, mtimecmp, mtime) live in it
 *   PLIC     3  0      struct plic_state (dev/plic.h)
 *   UART     4  0      struct uart_state + rx_count bytes of waiting input
 *   RTC      5  0      struct rtc_state (dev/rtc.h)
 *   VIRTIO   6  slot   struct virtio_mmio_state (virtio/mmio.h), one per disk
 *   VIRTIO-NET 9 n     struct virtio_mmio_state, one per NIC (virtio/net.h)
 * Devices without state (CLINT, syscon) have no section.  Each section
 * must appear exactly once, belong to a device this machine has, and have
 * its structure's length; an unknown section, a length mismatch or a wrong
 * checksum refuses the whole blob.  A layout change bumps SNAP_VERSION, and
 * so does a new device with state (an older blob has no section for it),
 * so that an older blob is refused by its version.  Integers are in host
 * byte order (the same binary writes and reads them, as with the spool's
 * hart state).
 */
#include <stdint.h>

#include "machine/machine.h"

#define SNAP_MAGIC   "RVCPSTAT" /* 8 bytes, no NUL */
#define SNAP_VERSION 5		/* 5: harts (HART n, HSM), PLIC contexts per hart; 4: virtio-net */
#define SNAP_ALIGN   8

struct snap_hdr {
	char magic[8];
	uint32_t version;
	uint32_t hdr_size; /* sizeof(struct snap_hdr) */
	uint64_t size;	   /* the whole blob, header included */
	uint32_t nsect;
	uint32_t pad;
	uint64_t checksum; /* XXH64, seed 0, of the bytes [hdr_size, size) */
};

/* The machine's sections, and the ids the board table gives its devices. */
enum snap_id {
	SNAP_MACHINE = 1,
	SNAP_HART = 2,
	SNAP_PLIC = 3,
	SNAP_UART = 4,
	SNAP_RTC = 5,
	SNAP_VIRTIO = 6,
};

struct snap_sect {
	uint32_t id;	   /* enum snap_id */
	uint32_t instance; /* virtio slot, else 0 */
	uint32_t len;	   /* data bytes after this header (then zeros to SNAP_ALIGN) */
	uint32_t pad;
};

struct snap_disk {
	uint16_t vdev;
	uint8_t readonly;
	uint8_t slot;
	uint32_t pad;
	uint64_t size;
};

struct snap_machine {
	int64_t realtime_ns; /* the host's CLOCK_REALTIME when saved */
	uint64_t mem_size;
	uint64_t fdt_real, initrd_start, initrd_end;
	uint8_t sbi, bios;
	uint8_t pad[2];
	uint32_t ndisks;
	struct snap_disk disk[MACHINE_MAX_DISKS];
	uint32_t ncpus;		       /* harts: as many HART sections */
	uint8_t hsm[MACHINE_MAX_CPUS]; /* each one's SBI HSM state (started, stopped) */
	uint8_t pad2[4];
};

#endif
