// SPDX-License-Identifier: MIT
/* The MMIO bus: a short table of regions, searched on each device access. */
#include "cpu/bus.h"

#include <errno.h>

int bus_register(struct bus *b, uint64_t base, uint64_t size, mmio_fn fn, void *dev)
{
	if (b->n >= BUS_MAX_DEVICES || size == 0 || base + size < base)
		return -ENOSPC;
	for (int i = 0; i < b->n; i++)
		if (base < b->r[i].base + b->r[i].size && b->r[i].base < base + size)
			return -EEXIST;
	b->r[b->n++] = (struct mmio_region){base, size, fn, dev};
	return 0;
}

static bool bus_find(struct bus *b, uint64_t pa, uint64_t *val, int size, bool is_write)
{
	for (int i = 0; i < b->n; i++) {
		struct mmio_region *r = &b->r[i];

		if (pa - r->base < r->size) {
			if (size > 1 && pa - r->base + (uint64_t)size > r->size)
				return false;
			if (!is_write)
				*val = 0;
			return r->fn(r->dev, pa - r->base, val, size, is_write);
		}
	}
	return false;
}

bool bus_access(struct bus *b, uint64_t pa, uint64_t *val, int size, bool is_write)
{
	bool ok;

	if (!b->lock)
		return bus_find(b, pa, val, size, is_write);
	pthread_mutex_lock(b->lock);
	ok = bus_find(b, pa, val, size, is_write);
	pthread_mutex_unlock(b->lock);
	return ok;
}
