/* SPDX-License-Identifier: MIT */
#ifndef RVCP_VIRTIO_NET_H
#define RVCP_VIRTIO_NET_H
/*
 * virtio-net (device id 1) over one descriptor: the NIC's end of the
 * socket CP coupled it with (a SOCK_SEQPACKET socketpair whose other end
 * is a port of a guest LAN or VSWITCH, net/switch.h).  One packet on the
 * socket is one Ethernet frame without FCS.  The descriptor comes already
 * non-blocking (O_NONBLOCK is set by whoever made the pair) and the device
 * only read()s and write()s it, so a sandboxed VM process needs nothing
 * more; SIGPIPE must be ignored.
 *
 * Features: VERSION_1, MAC (assigned by CP), STATUS (link up while
 * coupled; coupling and uncoupling raise a configuration interrupt).  No
 * offloads, no mergeable buffers: every receive chain holds the 12-byte
 * header and one whole frame, every transmit chain one frame of at most
 * NET_FRAME_MAX bytes.  A malformed chain (wrong direction, too short, too
 * long) fails that request: it is returned with length 0 and counted in
 * errors; the guest's rings themselves are checked by virtio/mmio.c.
 *
 * Nothing blocks: a full switch queue leaves the transmit chain in the
 * ring (tx_blocked) until the socket is writable again; frames wait in
 * the socket while the guest has no receive buffers.  The VM process
 * polls virtio_net_pollfd() and calls virtio_net_poll() between slices.
 */
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "virtio/mmio.h"

#define NET_FRAME_MAX 1518 /* 1500-byte MTU + Ethernet header + one VLAN tag */
#define NET_HDR_LEN   12   /* struct virtio_net_hdr_v1 */

struct virtio_net_stats {
	uint64_t rx_frames, rx_bytes; /* delivered to the guest */
	uint64_t tx_frames, tx_bytes; /* sent by the guest into the switch */
	uint64_t rx_drops;	      /* frames that found no usable receive buffer */
	uint64_t tx_drops;	      /* frames sent while uncoupled, or the switch gone */
	uint64_t errors;	      /* malformed chains failed */
};

struct virtio_net {
	struct virtio_mmio mmio;
	int fd; /* -1: uncoupled, link down */
	uint8_t mac[6];
	uint16_t vdev;
	bool tx_blocked; /* the switch's queue for us was full */
	struct virtio_net_stats st;
	uint8_t pkt[NET_HDR_LEN + NET_FRAME_MAX + 1]; /* header + frame (+1: detects oversize) */
};

int virtio_net_init(struct virtio_net *n, struct bus *bus, uint64_t base, struct plic *p, int irq,
		    struct guest_mem *mem, uint16_t vdev, const uint8_t mac[6]);
void virtio_net_reset(struct virtio_net *n);
/*
 * Couples the NIC with fd (takes it; non-blocking) or uncouples it
 * (fd -1).  The old descriptor is closed.  The guest sees the link go up
 * or down through a configuration interrupt.
 */
void virtio_net_set_link(struct virtio_net *n, int fd);
/* Sets the MAC address the guest reads (a resumed saved system: this user's). */
void virtio_net_set_mac(struct virtio_net *n, const uint8_t mac[6]);
/* Fills *p with what the device waits for; false when it waits for nothing. */
bool virtio_net_pollfd(struct virtio_net *n, struct pollfd *p);
/* Moves what can move now: waiting transmit chains, received frames. */
void virtio_net_poll(struct virtio_net *n);

#endif
