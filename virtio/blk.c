// SPDX-License-Identifier: MIT
/* virtio-blk requests: header, data buffers, status byte.  See blk.h. */
#include "virtio/blk.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/errbuf.h"

#define VIRTIO_ID_BLOCK 2

#define VIRTIO_BLK_F_SEG_MAX (1ULL << 2)
#define VIRTIO_BLK_F_RO	     (1ULL << 5)
#define VIRTIO_BLK_F_FLUSH   (1ULL << 9)

#define VIRTIO_BLK_T_IN	    0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8

#define VIRTIO_BLK_S_OK	    0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define SECTOR	 512
#define HDR_SIZE 16
#define ID_BYTES 20
#define SEG_MAX	 (VIRTQ_MAX_SEGS - 2) /* data buffers besides header and status */

/*
 * The data of a request: the bytes [start, start+len) of the chain's
 * readable (OUT) or writable (IN, GET_ID) part, skipping the header and
 * the status byte.  Each piece is a host pointer checked by mem_dma().
 */
struct blk_span {
	bool write;
	uint64_t start, len;
};

/* Total bytes in the readable or writable part of the chain. */
static uint64_t req_bytes(const struct virtq_req *r, bool write)
{
	uint64_t n = 0;

	for (int i = 0; i < r->nseg; i++)
		if (r->seg[i].write == write)
			n += r->seg[i].len;
	return n;
}

/* Copies len bytes at offset off of the readable part into dst. */
static void req_copy_out(const struct virtq_req *r, uint64_t off, void *dst, uint64_t len)
{
	uint8_t *d = dst;

	for (int i = 0; i < r->nseg && len; i++) {
		const struct virtq_seg *s = &r->seg[i];
		uint64_t n;

		if (s->write)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off < len ? s->len - off : len;
		memcpy(d, s->p + off, n);
		d += n;
		len -= n;
		off = 0;
	}
}

/* Moves the span between the disk at pos and the chain; 0 or -EIO. */
static int blk_transfer(struct virtio_blk *b, const struct virtq_req *r, struct blk_span sp,
			uint64_t pos)
{
	uint64_t off = sp.start, left = sp.len;

	for (int i = 0; i < r->nseg && left; i++) {
		const struct virtq_seg *s = &r->seg[i];
		uint64_t n;
		ssize_t got;

		if (s->write != sp.write)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off < left ? s->len - off : left;
		for (uint64_t done = 0; done < n; done += (uint64_t)got) {
			if (sp.write)
				got =
				    pread(b->fd, s->p + off + done, n - done, (off_t)(pos + done));
			else
				got =
				    pwrite(b->fd, s->p + off + done, n - done, (off_t)(pos + done));
			if (got < 0 && errno == EINTR) {
				got = 0;
				continue;
			}
			if (got <= 0)
				return -EIO;
		}
		pos += n;
		left -= n;
		off = 0;
	}
	return 0;
}

/* Checks the sector range of a read or write; the span's length is in bytes. */
static bool blk_range_ok(const struct virtio_blk *b, uint64_t sector, uint64_t len)
{
	if (len % SECTOR || sector > b->size / SECTOR)
		return false;
	return len <= b->size - sector * SECTOR;
}

/* Serves one well-formed request; returns the status and the bytes written to the guest. */
static uint8_t blk_serve(struct virtio_blk *b, const struct virtq_req *r, uint32_t *written)
{
	uint8_t hdr[HDR_SIZE];
	uint32_t type;
	uint64_t sector, rd = req_bytes(r, false), wr = req_bytes(r, true);
	char id[ID_BYTES + 1];

	req_copy_out(r, 0, hdr, HDR_SIZE);
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	switch (type) {
	case VIRTIO_BLK_T_IN: {
		struct blk_span sp = {true, 0, wr - 1};

		if (!blk_range_ok(b, sector, sp.len) || blk_transfer(b, r, sp, sector * SECTOR))
			return VIRTIO_BLK_S_IOERR;
		*written += (uint32_t)sp.len;
		b->reads++;
		return VIRTIO_BLK_S_OK;
	}
	case VIRTIO_BLK_T_OUT: {
		struct blk_span sp = {false, HDR_SIZE, rd - HDR_SIZE};

		if (b->readonly || !blk_range_ok(b, sector, sp.len) ||
		    blk_transfer(b, r, sp, sector * SECTOR))
			return VIRTIO_BLK_S_IOERR;
		b->writes++;
		return VIRTIO_BLK_S_OK;
	}
	case VIRTIO_BLK_T_FLUSH:
		/* EINVAL: a descriptor with nothing to sync (a pipe, a device). */
		if (!b->readonly && fdatasync(b->fd) < 0 && errno != EINVAL)
			return VIRTIO_BLK_S_IOERR;
		b->flushes++;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID: {
		uint64_t n = wr - 1 < ID_BYTES ? wr - 1 : ID_BYTES;
		uint64_t done = 0;

		/* The vdev as CP writes it ("0201"), NUL-padded to 20 bytes. */
		memset(id, 0, sizeof(id));
		snprintf(id, sizeof(id), "%04X", b->vdev);
		for (int i = 0; i < r->nseg && done < n; i++) {
			const struct virtq_seg *s = &r->seg[i];
			uint64_t k;

			if (!s->write)
				continue;
			k = s->len < n - done ? s->len : n - done;
			memcpy(s->p, id + done, k); /* id is zero-padded up to ID_BYTES */
			done += k;
		}
		*written += (uint32_t)n;
		return VIRTIO_BLK_S_OK;
	}
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

static void blk_request(struct virtio_blk *b, struct virtq_req *r)
{
	uint32_t written = 0;
	uint8_t status = VIRTIO_BLK_S_IOERR;

	/* A usable chain has a 16-byte header to read and a status byte to write. */
	if (!r->bad && r->status && req_bytes(r, false) >= HDR_SIZE && req_bytes(r, true) >= 1)
		status = blk_serve(b, r, &written);
	if (status == VIRTIO_BLK_S_IOERR)
		b->errors++;
	if (r->status) {
		*r->status = status;
		written++;
	}
	virtq_push(&b->mmio, 0, r->head, written);
}

static void blk_notify(struct virtio_mmio *v, int queue)
{
	struct virtio_blk *b = v->dev;
	struct virtq_req r;

	/* Each pop consumes one avail entry, and at most num are outstanding. */
	for (int n = 0; n < VIRTQ_NUM_MAX && virtq_pop(v, queue, &r) == 1; n++)
		blk_request(b, &r);
}

static bool blk_config(struct virtio_mmio *v, uint64_t off, uint64_t *val, int size, bool is_write)
{
	struct virtio_blk *b = v->dev;
	uint8_t cfg[24] = {0};
	uint64_t capacity = b->size / SECTOR;
	uint32_t seg_max = SEG_MAX;

	if (is_write)
		return true; /* nothing writable without the WCE feature */
	memcpy(cfg, &capacity, 8);
	memcpy(cfg + 12, &seg_max, 4);
	if (off + (uint64_t)size > sizeof(cfg))
		return true; /* reads as zero */
	memcpy(val, cfg + off, (size_t)size);
	return true;
}

static const struct virtio_dev_ops blk_ops = {
    .device_id = VIRTIO_ID_BLOCK,
    .notify = blk_notify,
    .config = blk_config,
};

static void blk_reset(void *dev)
{
	struct virtio_blk *b = dev;

	virtio_mmio_reset(&b->mmio);
}

static int blk_init(void *dev, const struct dev_env *env)
{
	uint64_t features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_FLUSH;
	struct virtio_blk *b = dev;
	struct dev_disk d;

	if (!env->host->disk(env->host->opaque, env->index, &d))
		return -ENODEV;
	b->fd = d.fd;
	b->size = d.size;
	b->readonly = d.readonly;
	b->vdev = d.vdev;
	if (d.readonly)
		features |= VIRTIO_BLK_F_RO;
	return virtio_mmio_init(&b->mmio, env->bus, env->base, env->plic, (int)env->irq, env->mem,
				&blk_ops, b, features);
}

static void blk_save(void *dev, void *buf)
{
	struct virtio_blk *b = dev;

	virtio_mmio_save(&b->mmio, buf);
}

static int blk_load(void *dev, const void *buf, size_t len, char *err, size_t errlen)
{
	struct virtio_blk *b = dev;
	char why[128];

	if (virtio_mmio_load(&b->mmio, buf, len, why, sizeof(why)))
		return errbuf_set(err, errlen, -EINVAL, "disk %04X: %s", b->vdev, why);
	return 0;
}

const struct dev_ops virtio_blk_device = {
    .name = "VIRTIO",
    .size = sizeof(struct virtio_blk),
    .init = blk_init,
    .reset = blk_reset,
    .fdt = virtio_mmio_fdt,
    .snap_max = sizeof(struct virtio_mmio_state),
    .save = blk_save,
    .load = blk_load,
};
