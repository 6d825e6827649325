/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CPU_BUS_H
#define RVCP_CPU_BUS_H
/*
 * The MMIO bus: the physical address space beyond storage as the hart sees
 * it.  It lives with the CPU because the hart calls it; devices (dev/,
 * virtio/) sit above and register on it with one call (base, size, handler,
 * device pointer).  An access no device claims, or one a device refuses,
 * is an access fault in the guest — never a host error.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * One handler serves reads and writes.  off is relative to the device base;
 * size is 1, 2, 4 or 8.  On a read the handler stores the value in *val.
 * Return false to refuse the access (the hart raises an access fault).
 */
typedef bool (*mmio_fn)(void *dev, uint64_t off, uint64_t *val, int size, bool is_write);

#define BUS_MAX_DEVICES 32

struct mmio_region {
	uint64_t base, size;
	mmio_fn fn;
	void *dev;
};

struct bus {
	struct mmio_region r[BUS_MAX_DEVICES];
	int n;
	pthread_mutex_t *lock; /* held around every access when set (several harts) */
};

int bus_register(struct bus *b, uint64_t base, uint64_t size, mmio_fn fn, void *dev);
/* false: no device there, or the device refused — fault the guest. */
bool bus_access(struct bus *b, uint64_t pa, uint64_t *val, int size, bool is_write);

#endif
