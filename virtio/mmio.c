// SPDX-License-Identifier: MIT
/* virtio-mmio v2 transport and split virtqueues.  See mmio.h. */
#include "virtio/mmio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dev/dt.h"

enum {
	VMMIO_MAGIC = 0x000,
	VMMIO_VERSION = 0x004,
	VMMIO_DEVICE_ID = 0x008,
	VMMIO_VENDOR_ID = 0x00c,
	VMMIO_DEV_FEATURES = 0x010,
	VMMIO_DEV_FEATURES_SEL = 0x014,
	VMMIO_DRV_FEATURES = 0x020,
	VMMIO_DRV_FEATURES_SEL = 0x024,
	VMMIO_QUEUE_SEL = 0x030,
	VMMIO_QUEUE_NUM_MAX = 0x034,
	VMMIO_QUEUE_NUM = 0x038,
	VMMIO_QUEUE_READY = 0x044,
	VMMIO_QUEUE_NOTIFY = 0x050,
	VMMIO_INT_STATUS = 0x060,
	VMMIO_INT_ACK = 0x064,
	VMMIO_STATUS = 0x070,
	VMMIO_QUEUE_DESC_LO = 0x080,
	VMMIO_QUEUE_DESC_HI = 0x084,
	VMMIO_QUEUE_DRIVER_LO = 0x090,
	VMMIO_QUEUE_DRIVER_HI = 0x094,
	VMMIO_QUEUE_DEVICE_LO = 0x0a0,
	VMMIO_QUEUE_DEVICE_HI = 0x0a4,
	VMMIO_CONFIG_GEN = 0x0fc,
	VMMIO_CONFIG = 0x100,
};

#define VIRTIO_MAGIC  0x74726976 /* "virt" */
#define VIRTIO_VENDOR 0x50435652 /* "RVCP" */

#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4

#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define VIRTIO_INT_USED	  1
#define VIRTIO_INT_CONFIG 2

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

static void virtio_update_irq(struct virtio_mmio *v)
{
	plic_set_irq(v->plic, v->irq, v->int_status != 0);
}

/* The driver broke the queue protocol: stop serving until it resets us. */
static void virtio_needs_reset(struct virtio_mmio *v)
{
	if (v->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	v->status |= VIRTIO_STATUS_NEEDS_RESET;
	v->int_status |= VIRTIO_INT_CONFIG;
	virtio_update_irq(v);
}

/* Host pointer to [gpa, gpa+len) of guest RAM, or NULL. */
static void *virtio_map(struct virtio_mmio *v, uint64_t gpa, uint64_t len, bool write)
{
	if (gpa < RAM_BASE)
		return NULL;
	return mem_dma(v->mem, gpa - RAM_BASE, len, write);
}

static uint16_t ld16(const uint8_t *p)
{
	uint16_t x;

	memcpy(&x, p, 2);
	return x;
}

static void st16(uint8_t *p, uint16_t x)
{
	memcpy(p, &x, 2);
}

static void st32(uint8_t *p, uint32_t x)
{
	memcpy(p, &x, 4);
}

struct virtq_rings {
	uint8_t *desc, *avail, *used;
};

/* Maps the three rings of an enabled queue; false if any is out of storage. */
static bool virtq_rings(struct virtio_mmio *v, struct virtq *q, struct virtq_rings *r)
{
	if (!q->ready || q->desc & 15 || q->avail & 1 || q->used & 3)
		return false;
	r->desc = virtio_map(v, q->desc, 16ULL * q->num, false);
	r->avail = virtio_map(v, q->avail, 6 + 2ULL * q->num, false);
	r->used = virtio_map(v, q->used, 6 + 8ULL * q->num, true);
	return r->desc && r->avail && r->used;
}

static void virtq_read_desc(const uint8_t *table, uint16_t i, struct virtq_desc *d)
{
	memcpy(d, table + 16ULL * i, sizeof(*d));
}

/* Walks the chain at head: at most q->num descriptors, so a loop ends it. */
static void virtq_walk(struct virtio_mmio *v, struct virtq *q, const uint8_t *table,
		       struct virtq_req *r)
{
	uint16_t i = r->head;
	bool seen_write = false;

	for (uint32_t n = 0;; n++) {
		struct virtq_desc d;
		struct virtq_seg *s;

		if (n >= q->num || r->nseg >= VIRTQ_MAX_SEGS || i >= q->num) {
			r->bad = true; /* loop, too long, or index out of the table */
			return;
		}
		virtq_read_desc(table, i, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT ||
		    (seen_write && !(d.flags & VIRTQ_DESC_F_WRITE)))
			r->bad = true; /* not negotiated; readable after writable */
		s = &r->seg[r->nseg];
		s->write = d.flags & VIRTQ_DESC_F_WRITE;
		s->len = d.len;
		s->p = virtio_map(v, d.addr, d.len, s->write);
		if (!s->p)
			r->bad = true;
		else
			r->nseg++;
		seen_write |= s->write;
		if (!(d.flags & VIRTQ_DESC_F_NEXT)) {
			if (s->p && s->write && s->len)
				r->status = s->p + s->len - 1;
			return;
		}
		i = d.next;
	}
}

int virtq_pop(struct virtio_mmio *v, int qi, struct virtq_req *r)
{
	struct virtq *q = &v->q[qi];
	struct virtq_rings rings;
	uint16_t avail_idx;

	if (v->status & VIRTIO_STATUS_NEEDS_RESET)
		return -1;
	if (!virtq_rings(v, q, &rings)) {
		virtio_needs_reset(v);
		return -1;
	}
	avail_idx = ld16(rings.avail + 2);
	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->num) {
		virtio_needs_reset(v); /* the driver claims more buffers than the ring holds */
		return -1;
	}
	r->head = ld16(rings.avail + 4 + 2 * (q->last_avail % q->num));
	if (r->head >= q->num) {
		virtio_needs_reset(v);
		return -1;
	}
	q->last_avail++;
	r->nseg = 0;
	r->bad = false;
	r->status = NULL;
	virtq_walk(v, q, rings.desc, r);
	return 1;
}

void virtq_push(struct virtio_mmio *v, int qi, uint16_t head, uint32_t len)
{
	struct virtq *q = &v->q[qi];
	struct virtq_rings rings;
	uint8_t *elem;

	if (!virtq_rings(v, q, &rings)) {
		virtio_needs_reset(v);
		return;
	}
	elem = rings.used + 4 + 8 * (q->used_idx % q->num);
	st32(elem, head);
	st32(elem + 4, len);
	q->used_idx++;
	st16(rings.used + 2, q->used_idx);
	if (!(ld16(rings.avail) & VIRTQ_AVAIL_F_NO_INTERRUPT)) {
		v->int_status |= VIRTIO_INT_USED;
		virtio_update_irq(v);
	}
}

void virtq_unpop(struct virtio_mmio *v, int qi)
{
	v->q[qi].last_avail--;
}

bool virtq_has_avail(struct virtio_mmio *v, int qi)
{
	struct virtq *q = &v->q[qi];
	const uint8_t *avail;

	if (!q->ready || v->status & VIRTIO_STATUS_NEEDS_RESET ||
	    !(v->status & VIRTIO_STATUS_DRIVER_OK))
		return false;
	avail = virtio_map(v, q->avail, 6 + 2ULL * q->num, false);
	return avail && ld16(avail + 2) != q->last_avail;
}

void virtio_mmio_config_changed(struct virtio_mmio *v)
{
	v->config_gen++;
	if (!(v->status & VIRTIO_STATUS_DRIVER_OK))
		return;
	v->int_status |= VIRTIO_INT_CONFIG;
	virtio_update_irq(v);
}

static uint32_t virtq_max(const struct virtio_mmio *v)
{
	int m = v->ops->queue_max;

	return m > 0 && m <= VIRTQ_NUM_MAX ? (uint32_t)m : VIRTQ_NUM_MAX;
}

static int virtio_nqueues(const struct virtio_mmio *v)
{
	return v->ops->nqueues > 0 ? v->ops->nqueues : 1;
}

void virtio_mmio_reset(struct virtio_mmio *v)
{
	v->driver_features = 0;
	v->dev_features_sel = v->drv_features_sel = v->queue_sel = 0;
	v->status = v->int_status = 0;
	memset(v->q, 0, sizeof(v->q));
	virtio_update_irq(v);
}

static void virtio_set_status(struct virtio_mmio *v, uint32_t s)
{
	if (s == 0) {
		virtio_mmio_reset(v);
		return;
	}
	/* FEATURES_OK only sticks for a subset of what we offer, with VERSION_1. */
	if (s & VIRTIO_STATUS_FEATURES_OK && !(v->status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((v->driver_features & ~v->features) || !(v->driver_features & VIRTIO_F_VERSION_1)))
		s &= ~VIRTIO_STATUS_FEATURES_OK;
	v->status =
	    (s & 0xff & ~VIRTIO_STATUS_NEEDS_RESET) | (v->status & VIRTIO_STATUS_NEEDS_RESET);
}

static struct virtq *virtio_cur_queue(struct virtio_mmio *v)
{
	return v->queue_sel < (uint32_t)virtio_nqueues(v) ? &v->q[v->queue_sel] : NULL;
}

static uint32_t virtio_read(struct virtio_mmio *v, uint64_t off)
{
	struct virtq *q = virtio_cur_queue(v);

	switch (off) {
	case VMMIO_MAGIC:
		return VIRTIO_MAGIC;
	case VMMIO_VERSION:
		return 2;
	case VMMIO_DEVICE_ID:
		return v->ops->device_id;
	case VMMIO_VENDOR_ID:
		return VIRTIO_VENDOR;
	case VMMIO_DEV_FEATURES:
		return v->dev_features_sel < 2
			   ? (uint32_t)(v->features >> (32 * v->dev_features_sel))
			   : 0;
	case VMMIO_QUEUE_NUM_MAX:
		return q ? virtq_max(v) : 0;
	case VMMIO_QUEUE_READY:
		return q ? q->ready : 0;
	case VMMIO_INT_STATUS:
		return v->int_status;
	case VMMIO_STATUS:
		return v->status;
	case VMMIO_CONFIG_GEN:
		return v->config_gen;
	default:
		return 0;
	}
}

static void virtio_set_half(uint64_t *reg, uint32_t val, bool high)
{
	if (high)
		*reg = (*reg & 0xffffffffULL) | (uint64_t)val << 32;
	else
		*reg = (*reg & ~0xffffffffULL) | val;
}

static void virtio_queue_write(struct virtio_mmio *v, uint64_t off, uint32_t val)
{
	struct virtq *q = virtio_cur_queue(v);

	if (!q)
		return;
	switch (off) {
	case VMMIO_QUEUE_NUM:
		/* The ring indexes wrap at 2^16, so only powers of two keep them consistent. */
		if (val && val <= virtq_max(v) && !(val & (val - 1)))
			q->num = val;
		break;
	case VMMIO_QUEUE_READY:
		q->ready = (val & 1) && q->num;
		if (!q->ready)
			q->last_avail = q->used_idx = 0;
		break;
	case VMMIO_QUEUE_DESC_LO:
	case VMMIO_QUEUE_DESC_HI:
		virtio_set_half(&q->desc, val, off == VMMIO_QUEUE_DESC_HI);
		break;
	case VMMIO_QUEUE_DRIVER_LO:
	case VMMIO_QUEUE_DRIVER_HI:
		virtio_set_half(&q->avail, val, off == VMMIO_QUEUE_DRIVER_HI);
		break;
	case VMMIO_QUEUE_DEVICE_LO:
	case VMMIO_QUEUE_DEVICE_HI:
		virtio_set_half(&q->used, val, off == VMMIO_QUEUE_DEVICE_HI);
		break;
	}
}

static void virtio_write(struct virtio_mmio *v, uint64_t off, uint32_t val)
{
	switch (off) {
	case VMMIO_DEV_FEATURES_SEL:
		v->dev_features_sel = val;
		break;
	case VMMIO_DRV_FEATURES:
		if (v->drv_features_sel < 2 && !(v->status & VIRTIO_STATUS_FEATURES_OK))
			virtio_set_half(&v->driver_features, val, v->drv_features_sel);
		break;
	case VMMIO_DRV_FEATURES_SEL:
		v->drv_features_sel = val;
		break;
	case VMMIO_QUEUE_SEL:
		v->queue_sel = val;
		break;
	case VMMIO_QUEUE_NOTIFY:
		if (val < (uint32_t)virtio_nqueues(v) && v->status & VIRTIO_STATUS_DRIVER_OK)
			v->ops->notify(v, (int)val);
		break;
	case VMMIO_INT_ACK:
		v->int_status &= ~val;
		virtio_update_irq(v);
		break;
	case VMMIO_STATUS:
		virtio_set_status(v, val);
		break;
	default:
		virtio_queue_write(v, off, val);
	}
}

static bool virtio_mmio_access(void *dev, uint64_t off, uint64_t *val, int size, bool is_write)
{
	struct virtio_mmio *v = dev;

	if (off >= VMMIO_CONFIG)
		return v->ops->config(v, off - VMMIO_CONFIG, val, size, is_write);
	if (size != 4 || off & 3)
		return false;
	if (is_write)
		virtio_write(v, off, (uint32_t)*val);
	else
		*val = virtio_read(v, off);
	return true;
}

void virtio_mmio_get_state(const struct virtio_mmio *v, struct virtio_mmio_state *s)
{
	memset(s, 0, sizeof(*s));
	s->device_id = v->ops->device_id;
	s->nqueues = VIRTIO_MAX_QUEUES;
	s->features = v->features;
	s->driver_features = v->driver_features;
	s->dev_features_sel = v->dev_features_sel;
	s->drv_features_sel = v->drv_features_sel;
	s->queue_sel = v->queue_sel;
	s->status = v->status;
	s->int_status = v->int_status;
	s->config_gen = v->config_gen;
	for (int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		const struct virtq *q = &v->q[i];

		s->q[i].desc = q->desc;
		s->q[i].avail = q->avail;
		s->q[i].used = q->used;
		s->q[i].num = q->num;
		s->q[i].last_avail = q->last_avail;
		s->q[i].used_idx = q->used_idx;
		s->q[i].ready = q->ready;
	}
}

static const char *virtq_state_check(struct virtio_mmio *v, const struct virtq_state *s)
{
	struct virtq q = {
	    .num = s->num,
	    .ready = s->ready,
	    .desc = s->desc,
	    .avail = s->avail,
	    .used = s->used,
	};
	struct virtq_rings r;

	if (s->ready > 1 || s->num > VIRTQ_NUM_MAX || (s->num & (s->num - 1)))
		return "bad queue size";
	if (!s->ready)
		return NULL;
	if (!s->num)
		return "ready queue without a size";
	if ((uint16_t)(s->last_avail - s->used_idx) > s->num)
		return "queue indices further apart than the ring";
	if (!virtq_rings(v, &q, &r))
		return "queue rings outside storage or misaligned";
	return NULL;
}

#define VIRTIO_STATUS_KNOWN                                                                        \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK |              \
	 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED)

static const char *virtio_state_check(struct virtio_mmio *v, const struct virtio_mmio_state *s)
{
	if (s->device_id != v->ops->device_id)
		return "another device type";
	if (s->nqueues != VIRTIO_MAX_QUEUES)
		return "another number of queues";
	/* The offered features may differ (a disk read-only now and not then):
	 * the driver keeps what it negotiated from the saved device. */
	if (s->driver_features & ~s->features)
		return "driver features the device did not offer";
	if (s->status & ~VIRTIO_STATUS_KNOWN ||
	    s->int_status & ~(VIRTIO_INT_USED | VIRTIO_INT_CONFIG))
		return "bad status";
	for (int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		const char *why = virtq_state_check(v, &s->q[i]);

		if (why)
			return why;
	}
	return NULL;
}

int virtio_mmio_set_state(struct virtio_mmio *v, const struct virtio_mmio_state *s, char *err,
			  size_t errlen)
{
	const char *why = virtio_state_check(v, s);

	if (why) {
		snprintf(err, errlen, "%s", why);
		return -EINVAL;
	}
	v->driver_features = s->driver_features;
	v->dev_features_sel = s->dev_features_sel;
	v->drv_features_sel = s->drv_features_sel;
	v->queue_sel = s->queue_sel;
	v->status = s->status;
	v->int_status = s->int_status;
	v->config_gen = s->config_gen;
	for (int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		struct virtq *q = &v->q[i];

		q->desc = s->q[i].desc;
		q->avail = s->q[i].avail;
		q->used = s->q[i].used;
		q->num = s->q[i].num;
		q->last_avail = s->q[i].last_avail;
		q->used_idx = s->q[i].used_idx;
		q->ready = s->q[i].ready;
	}
	virtio_update_irq(v);
	return 0;
}

int virtio_mmio_init(struct virtio_mmio *v, struct bus *b, uint64_t base, struct plic *p, int irq,
		     struct guest_mem *mem, const struct virtio_dev_ops *ops, void *dev,
		     uint64_t features)
{
	memset(v, 0, sizeof(*v));
	v->mem = mem;
	v->plic = p;
	v->irq = irq;
	v->ops = ops;
	v->dev = dev;
	v->features = features | VIRTIO_F_VERSION_1;
	return bus_register(b, base, 0x1000, virtio_mmio_access, v);
}

void virtio_mmio_fdt(struct dt *w, const struct dev_res *r)
{
	dt_begin_at(w, "virtio_mmio", r->base);
	dt_str(w, "compatible", "virtio,mmio");
	dt_reg(w, r->base, r->size);
	dt_irq(w, r->irq);
	dt_end(w);
}

void virtio_mmio_save(struct virtio_mmio *v, void *buf)
{
	struct virtio_mmio_state s;

	virtio_mmio_get_state(v, &s);
	memcpy(buf, &s, sizeof(s));
}

int virtio_mmio_load(struct virtio_mmio *v, const void *buf, size_t len, char *err, size_t errlen)
{
	struct virtio_mmio_state s;

	if (dev_check_len(len, sizeof(s), err, errlen))
		return -EINVAL;
	memcpy(&s, buf, sizeof(s));
	return virtio_mmio_set_state(v, &s, err, errlen);
}
