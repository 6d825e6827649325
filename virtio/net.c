// SPDX-License-Identifier: MIT
/* virtio-net: frames between the guest's rings and a switch port.  See net.h. */
#include "virtio/net.h"

#include "util/errbuf.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define VIRTIO_ID_NET 1

#define VIRTIO_NET_F_MAC    (1ULL << 5)
#define VIRTIO_NET_F_STATUS (1ULL << 16)

#define VIRTIO_NET_S_LINK_UP 1

#define NET_RXQ 0
#define NET_TXQ 1

#define NET_BUDGET 64 /* frames per direction per poll: the hart gets its turn */

/* Bytes of a chain whose segments all go one way (write: device writes), else UINT64_MAX. */
static uint64_t net_chain_bytes(const struct virtq_req *r, bool write)
{
	uint64_t n = 0;

	if (r->bad || !r->nseg)
		return UINT64_MAX;
	for (int i = 0; i < r->nseg; i++) {
		if (r->seg[i].write != write)
			return UINT64_MAX;
		n += r->seg[i].len;
	}
	return n;
}

/* Copies len bytes of src into the chain's segments; the chain holds them all. */
static void net_scatter(const struct virtq_req *r, const uint8_t *src, uint32_t len)
{
	for (int i = 0; i < r->nseg && len; i++) {
		uint32_t k = r->seg[i].len < len ? r->seg[i].len : len;

		memcpy(r->seg[i].p, src, k);
		src += k;
		len -= k;
	}
}

/* Copies the whole chain into dst; the caller checked its size. */
static void net_gather(const struct virtq_req *r, uint8_t *dst)
{
	for (int i = 0; i < r->nseg; i++) {
		memcpy(dst, r->seg[i].p, r->seg[i].len);
		dst += r->seg[i].len;
	}
}

static bool net_link_up(const struct virtio_net *n)
{
	return n->fd >= 0;
}

/* What the guest reads: after a resume, down until it has looked. */
static bool net_link_shown(const struct virtio_net *n)
{
	return net_link_up(n) && !n->hold_down;
}

/* The frame of len bytes at n->pkt + NET_HDR_LEN into receive chain r. */
static void net_rx_one(struct virtio_net *n, struct virtq_req *r, uint32_t len)
{
	uint64_t room = net_chain_bytes(r, true);
	uint16_t nbuf = 1;

	if (room == UINT64_MAX || room < NET_HDR_LEN + (uint64_t)len) {
		n->st.errors++; /* a malformed or too small buffer fails */
		n->st.rx_drops++;
		virtq_push(&n->mmio, NET_RXQ, r->head, 0);
		return;
	}
	memset(n->pkt, 0, NET_HDR_LEN);
	memcpy(n->pkt + 10, &nbuf, 2); /* num_buffers: one without MRG_RXBUF */
	net_scatter(r, n->pkt, NET_HDR_LEN + len);
	n->st.rx_frames++;
	n->st.rx_bytes += len;
	virtq_push(&n->mmio, NET_RXQ, r->head, NET_HDR_LEN + len);
}

/* Frames from the switch while the guest has receive buffers. */
static void net_rx(struct virtio_net *n)
{
	struct virtq_req r;

	for (int k = 0; k < NET_BUDGET && net_link_up(n); k++) {
		ssize_t got;

		if (virtq_pop(&n->mmio, NET_RXQ, &r) != 1)
			return;
		/* A SEQPACKET record longer than the buffer comes truncated to it. */
		got = read(n->fd, n->pkt + NET_HDR_LEN, NET_FRAME_MAX + 1);
		if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
			virtq_unpop(&n->mmio, NET_RXQ);
			return;
		}
		if (got <= 0 || got > NET_FRAME_MAX || got < 14) {
			virtq_unpop(&n->mmio, NET_RXQ);
			if (got == 0 || (got < 0 && errno != EMSGSIZE && errno != ENOBUFS))
				virtio_net_set_link(n, -1); /* the switch went away */
			else
				n->st.rx_drops++; /* a runt or giant from the switch: never the
						     guest's */
			continue;
		}
		net_rx_one(n, &r, (uint32_t)got);
	}
}

/* One transmit chain: a frame to the switch; false when the switch's queue is full. */
static bool net_tx_one(struct virtio_net *n, struct virtq_req *r)
{
	uint64_t len = net_chain_bytes(r, false);
	ssize_t sent;

	if (len == UINT64_MAX || len < NET_HDR_LEN + 14 || len > NET_HDR_LEN + NET_FRAME_MAX) {
		n->st.errors++; /* malformed, runt or over the MTU: the request fails */
		virtq_push(&n->mmio, NET_TXQ, r->head, 0);
		return true;
	}
	if (!net_link_up(n)) {
		n->st.tx_drops++; /* no cable: the frame goes nowhere, as on a real NIC */
		virtq_push(&n->mmio, NET_TXQ, r->head, 0);
		return true;
	}
	net_gather(r, n->pkt);
	sent = write(n->fd, n->pkt + NET_HDR_LEN, len - NET_HDR_LEN); /* SIGPIPE is ignored */
	if (sent < 0 && (errno == EAGAIN || errno == ENOBUFS || errno == EINTR))
		return false;
	if (sent < 0)
		n->st.tx_drops++;
	else {
		n->st.tx_frames++;
		n->st.tx_bytes += len - NET_HDR_LEN;
	}
	virtq_push(&n->mmio, NET_TXQ, r->head, 0);
	return true;
}

static void net_tx(struct virtio_net *n)
{
	struct virtq_req r;

	n->tx_blocked = false;
	for (int k = 0; k < VIRTQ_NUM_MAX; k++) {
		if (virtq_pop(&n->mmio, NET_TXQ, &r) != 1)
			return;
		if (!net_tx_one(n, &r)) {
			virtq_unpop(&n->mmio, NET_TXQ);
			n->tx_blocked = true; /* retried when the socket is writable */
			return;
		}
	}
}

static void net_notify(struct virtio_mmio *v, int queue)
{
	struct virtio_net *n = v->dev;

	if (queue == NET_TXQ)
		net_tx(n);
	else
		net_rx(n);
}

static bool net_config(struct virtio_mmio *v, uint64_t off, uint64_t *val, int size, bool is_write)
{
	struct virtio_net *n = v->dev;
	uint8_t cfg[8] = {0};
	uint16_t status = net_link_shown(n) ? VIRTIO_NET_S_LINK_UP : 0;

	if (is_write)
		return true; /* the MAC is CP's: writes are ignored */
	if (n->hold_down && off < 8 && off + (uint64_t)size > 6)
		n->seen_down = true;
	memcpy(cfg, n->mac, 6);
	memcpy(cfg + 6, &status, 2);
	*val = 0;
	if (off + (uint64_t)size > sizeof(cfg))
		return true; /* reads as zero */
	memcpy(val, cfg + off, (size_t)size);
	return true;
}

void virtio_net_set_link(struct virtio_net *n, int fd)
{
	bool was = net_link_up(n);

	if (n->fd >= 0)
		close(n->fd);
	n->fd = fd;
	n->tx_blocked = false;
	if (was != net_link_up(n))
		virtio_mmio_config_changed(&n->mmio);
}

static const struct virtio_dev_ops net_ops = {
    .device_id = VIRTIO_ID_NET,
    .nqueues = 2,
    /* Linux fills the whole receive ring with 1.5 KiB buffers: 64 of them
     * keep a guest's cost low and still cover a TCP window in flight. */
    .queue_max = NET_QUEUE_MAX,
    .notify = net_notify,
    .config = net_config,
};

static bool net_pollfd(void *dev, int *fd, short *events)
{
	struct virtio_net *n = dev;

	if (!net_link_up(n) || !(n->mmio.status & VIRTIO_STATUS_DRIVER_OK))
		return false;
	*fd = n->fd;
	*events = 0;
	if (n->tx_blocked)
		*events |= POLLOUT;
	if (virtq_has_avail(&n->mmio, NET_RXQ))
		*events |= POLLIN;
	return *events != 0;
}

static void net_poll(void *dev)
{
	struct virtio_net *n = dev;

	if (n->hold_down && n->seen_down) {
		n->hold_down = n->seen_down = false;
		virtio_mmio_config_changed(&n->mmio); /* the link is back */
	}
	if (!(n->mmio.status & VIRTIO_STATUS_DRIVER_OK))
		return;
	if (n->tx_blocked)
		net_tx(n);
	net_rx(n);
}

static void net_reset(void *dev)
{
	struct virtio_net *n = dev;

	virtio_mmio_reset(&n->mmio);
	n->tx_blocked = n->hold_down = n->seen_down = false;
}

static int net_init(void *dev, const struct dev_env *env)
{
	struct virtio_net *n = dev;
	struct dev_nic d;

	if (!env->host->nic || !env->host->nic(env->host->opaque, env->index, &d))
		return -ENODEV;
	n->fd = d.fd;
	n->vdev = d.vdev;
	memcpy(n->mac, d.mac, 6);
	return virtio_mmio_init(&n->mmio, env->bus, env->base, env->plic, (int)env->irq, env->mem,
				&net_ops, n, VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS);
}

static void net_exit(void *dev)
{
	struct virtio_net *n = dev;

	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

static void net_save(void *dev, void *buf)
{
	struct virtio_net *n = dev;

	virtio_mmio_save(&n->mmio, buf);
}

static int net_load(void *dev, const void *buf, size_t len, char *err, size_t errlen)
{
	struct virtio_net *n = dev;
	char why[128];

	if (virtio_mmio_load(&n->mmio, buf, len, why, sizeof(why)))
		return errbuf_set(err, errlen, -EINVAL, "NIC %04X: %s", n->vdev, why);
	n->tx_blocked = false;
	if (net_link_up(n)) {
		n->hold_down = true; /* a resumed guest: show it a new link */
		n->seen_down = false;
		virtio_mmio_config_changed(&n->mmio);
	}
	return 0;
}

const struct dev_ops virtio_net_device = {
    .name = "VIRTIO-NET",
    .size = sizeof(struct virtio_net),
    .init = net_init,
    .exit = net_exit,
    .reset = net_reset,
    .fdt = virtio_mmio_fdt,
    .snap_max = sizeof(struct virtio_mmio_state),
    .save = net_save,
    .load = net_load,
    .poll = net_poll,
    .pollfd = net_pollfd,
};
