/* SPDX-License-Identifier: MIT */
#ifndef RVCP_VIRTIO_MMIO_H
#define RVCP_VIRTIO_MMIO_H
/*
 * The virtio-mmio transport, version 2 (virtio 1.x "modern"), with split
 * virtqueues.  Everything in guest storage is reached through mem_dma()
 * and every field the driver controls is checked before use: a malformed
 * request fails that request, a broken queue sets DEVICE_NEEDS_RESET; the
 * host never trusts an index, address or length the guest wrote.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu/bus.h"
#include "dev/device.h"
#include "dev/plic.h"
#include "mem/mem.h"

#define VIRTIO_MAX_QUEUES 2 /* virtio-net: receive and transmit */
#define VIRTQ_NUM_MAX	  256
#define VIRTQ_MAX_SEGS	  130 /* descriptors in one chain we accept */

#define VIRTIO_F_VERSION_1 (1ULL << 32)

/* Device status bits */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER	  0x02
#define VIRTIO_STATUS_DRIVER_OK	  0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED	  0x80

struct virtq {
	uint32_t num;
	bool ready;
	uint64_t desc, avail, used; /* guest physical */
	uint16_t last_avail;	    /* next avail entry the device will take */
	uint16_t used_idx;
};

/* One buffer of a descriptor chain, already checked and mapped. */
struct virtq_seg {
	uint8_t *p;
	uint32_t len;
	bool write; /* device writes into it */
};

struct virtq_req {
	uint16_t head;
	int nseg;
	bool bad;	 /* malformed chain: fail the request */
	uint8_t *status; /* last byte of the last descriptor when it is writable, else NULL */
	struct virtq_seg seg[VIRTQ_MAX_SEGS];
};

struct virtio_mmio;

struct virtio_dev_ops {
	uint32_t device_id;
	int nqueues;   /* 1..VIRTIO_MAX_QUEUES; 0 means 1 */
	int queue_max; /* QueueNumMax offered, a power of two up to VIRTQ_NUM_MAX; 0 means that */
	/* A queue was notified. */
	void (*notify)(struct virtio_mmio *v, int queue);
	/* Device-specific configuration space, offset from 0x100. */
	bool (*config)(struct virtio_mmio *v, uint64_t off, uint64_t *val, int size, bool is_write);
};

struct virtio_mmio {
	struct guest_mem *mem;
	struct plic *plic;
	int irq;
	const struct virtio_dev_ops *ops;
	void *dev;
	uint64_t features; /* offered */
	uint64_t driver_features;
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint32_t status, int_status, config_gen;
	struct virtq q[VIRTIO_MAX_QUEUES];
};

/* Its section of the machine state blob: plain data, fixed layout. */
struct virtq_state {
	uint64_t desc, avail, used;
	uint32_t num;
	uint16_t last_avail, used_idx;
	uint8_t ready;
	uint8_t pad[7];
};

struct virtio_mmio_state {
	uint32_t device_id;
	uint32_t nqueues; /* VIRTIO_MAX_QUEUES */
	uint64_t features, driver_features;
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint32_t status, int_status, config_gen;
	struct virtq_state q[VIRTIO_MAX_QUEUES];
};

int virtio_mmio_init(struct virtio_mmio *v, struct bus *b, uint64_t base, struct plic *p, int irq,
		     struct guest_mem *mem, const struct virtio_dev_ops *ops, void *dev,
		     uint64_t features);
void virtio_mmio_reset(struct virtio_mmio *v);
void virtio_mmio_get_state(const struct virtio_mmio *v, struct virtio_mmio_state *s);
/*
 * Checks everything first (same device and features, ring sizes, indices,
 * rings of ready queues inside storage, which must already be in place) and
 * changes nothing when it refuses: -EINVAL with the reason in err.
 */
int virtio_mmio_set_state(struct virtio_mmio *v, const struct virtio_mmio_state *s, char *err,
			  size_t errlen);

/*
 * For a device's dev_ops (dev/device.h): the transport's part is the same
 * for every virtio device.  Its device-tree node ("virtio,mmio" at the
 * row's base and source); its section of the machine state blob is a
 * struct virtio_mmio_state.
 */
void virtio_mmio_fdt(struct dt *w, const struct dev_res *r);
void virtio_mmio_save(struct virtio_mmio *v, void *buf);
int virtio_mmio_load(struct virtio_mmio *v, const void *buf, size_t len, char *err, size_t errlen);

/*
 * Takes the next available chain of queue q into *r.  Returns 1 when it got
 * one (r->bad says whether it is usable), 0 when the ring is empty, -1 when
 * the queue itself is broken (the device now needs a reset).
 */
int virtq_pop(struct virtio_mmio *v, int q, struct virtq_req *r);
/* Returns a chain to the driver with len bytes written; interrupts unless suppressed. */
void virtq_push(struct virtio_mmio *v, int q, uint16_t head, uint32_t len);
/* Gives back the chain the last virtq_pop took (the device could not use it yet). */
void virtq_unpop(struct virtio_mmio *v, int q);
/* Whether queue q is ready and has chains the device has not taken (rings not checked). */
bool virtq_has_avail(struct virtio_mmio *v, int q);
/* The device changed its configuration space: new generation, config interrupt. */
void virtio_mmio_config_changed(struct virtio_mmio *v);

#endif
