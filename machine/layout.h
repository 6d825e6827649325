/* SPDX-License-Identifier: MIT */
#ifndef RVCP_LAYOUT_H
#define RVCP_LAYOUT_H
/*
 * The guest physical address map of an rvcp virtual machine (like QEMU's
 * "virt" board, so stock Linux drivers find what they expect).  Where each
 * device sits is one row of the board's table (machine/board.c), which is
 * the device map; no device knows its own address.  The fixed places other
 * code needs too (the console's stdout-path, tests) are named here:
 *
 *   0x0010_0000  0x1000     poweroff/reset ("sifive,test" syscon)
 *   0x0010_1000  0x1000     RTC (goldfish), PLIC source 11
 *   0x0200_0000  0x1_0000   CLINT: msip, mtimecmp, mtime
 *   0x0c00_0000  0x400_0000 PLIC
 *   0x1000_0000  0x100      UART 16550 (console), PLIC source 10
 *   0x1000_1000  0x1000 x8  virtio-blk slots, PLIC sources 1..8
 *   0x1001_0000  0x1000 x4  virtio-net slots, PLIC sources 16..19
 *   0x8000_0000  storage    real address 0 (see mem/mem.h)
 *
 * Storage after IPL (DESIGN §2), in real addresses:
 *
 *   0x0000_0000  IPL information and the device tree (below 0x1_0000)
 *   0x0001_0000  entry stub: a0 = hart id, a1 = device tree, jump to kernel
 *   0x0020_0000  kernel; initrd above it.  First 2 MiB reserved in the DT.
 */
#define SYSCON_BASE	 0x00100000ULL
#define RTC_BASE	 0x00101000ULL
#define CLINT_BASE	 0x02000000ULL
#define CLINT_SIZE	 0x00010000ULL
#define PLIC_BASE	 0x0c000000ULL
#define PLIC_SIZE	 0x04000000ULL
#define UART_BASE	 0x10000000ULL
#define UART_IRQ	 10
#define RTC_IRQ		 11
#define VIRTIO_BASE	 0x10001000ULL
#define VIRTIO_STRIDE	 0x1000ULL
#define VIRTIO_SLOTS	 8 /* PLIC sources 1..8 */
#define VIRTIO_NET_BASE	 0x10010000ULL
#define VIRTIO_NET_IRQ	 16
#define VIRTIO_NET_SLOTS 4 /* PLIC sources 16..19 */

#define IPL_INFO_REAL	0x00000000ULL
#define IPL_FDT_REAL	0x00001000ULL
#define IPL_FDT_MAX	0x0000f000ULL
#define IPL_STUB_REAL	0x00010000ULL
#define IPL_KERNEL_REAL 0x00200000ULL
#define IPL_RESERVED	0x00200000ULL /* declared reserved in the DT */

#endif
