// SPDX-License-Identifier: MIT
/*
 * virtio-rng (virtio 1.x, device id 4; Linux's virtio_rng, /dev/hwrng):
 * one queue of device-writable buffers, each filled with bytes from the
 * host's getrandom(2) during the notify that posted it.  No features, no
 * configuration space.  A request gets at most RNG_REQ_MAX bytes (the spec
 * lets the device fill less than the buffer), so a guest posting huge
 * buffers cannot keep the VM process from its socket; a chain with a
 * readable buffer in it is returned empty.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "virtio/mmio.h"

#define VIRTIO_ID_RNG 4
#define RNG_REQ_MAX   65536

struct virtio_rng {
	struct virtio_mmio mmio;
};

/* Fills [p, p+len) from the host's entropy pool; false if it failed. */
static bool rng_fill(uint8_t *p, size_t len)
{
	while (len) {
		ssize_t got = getrandom(p, len, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		p += got;
		len -= (size_t)got;
	}
	return true;
}

/* The bytes written into the chain's buffers, in order, up to RNG_REQ_MAX. */
static uint32_t rng_serve(const struct virtq_req *r)
{
	uint32_t done = 0;

	if (r->bad)
		return 0;
	for (int i = 0; i < r->nseg; i++)
		if (!r->seg[i].write)
			return 0;
	for (int i = 0; i < r->nseg && done < RNG_REQ_MAX; i++) {
		uint32_t n = r->seg[i].len;

		if (n > RNG_REQ_MAX - done)
			n = RNG_REQ_MAX - done;
		if (!rng_fill(r->seg[i].p, n))
			break;
		done += n;
	}
	return done;
}

static void rng_notify(struct virtio_mmio *v, int queue)
{
	struct virtq_req r;

	/* Each pop consumes one avail entry, and at most num are outstanding. */
	for (int n = 0; n < VIRTQ_NUM_MAX && virtq_pop(v, queue, &r) == 1; n++)
		virtq_push(v, queue, r.head, rng_serve(&r));
}

static bool rng_config(struct virtio_mmio *v, uint64_t off, uint64_t *val, int size, bool is_write)
{
	return true; /* no configuration space: reads as zero */
}

static const struct virtio_dev_ops rng_ops = {
    .device_id = VIRTIO_ID_RNG,
    .notify = rng_notify,
    .config = rng_config,
};

static int rng_init(void *dev, const struct dev_env *env)
{
	struct virtio_rng *g = dev;

	return virtio_mmio_init(&g->mmio, env->bus, env->base, env->plic, (int)env->irq, env->mem,
				&rng_ops, g, 0);
}

static void rng_reset(void *dev)
{
	struct virtio_rng *g = dev;

	virtio_mmio_reset(&g->mmio);
}

static void rng_save(void *dev, void *buf)
{
	struct virtio_rng *g = dev;

	virtio_mmio_save(&g->mmio, buf);
}

static int rng_load(void *dev, const void *buf, size_t len, char *err, size_t errlen)
{
	struct virtio_rng *g = dev;

	return virtio_mmio_load(&g->mmio, buf, len, err, errlen);
}

const struct dev_ops virtio_rng_device = {
    .name = "VIRTIO-RNG",
    .size = sizeof(struct virtio_rng),
    .init = rng_init,
    .reset = rng_reset,
    .fdt = virtio_mmio_fdt,
    .snap_max = sizeof(struct virtio_mmio_state),
    .save = rng_save,
    .load = rng_load,
};
