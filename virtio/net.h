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
 * the socket while the guest has no receive buffers.  The machine polls
 * the socket (dev_ops pollfd) and moves frames before each slice (poll).
 *
 * A device of the board (dev/device.h): instance n is the machine's NIC n
 * (dev_host.nic, lowest vdev first), its MAC address and its socket.  Its
 * section of the machine state blob is the transport's; the MAC is never
 * taken from it: a resumed saved system gets this user's.  After a resume
 * the link reads down until the guest has seen that, then up again, so the
 * guest notices a new link (and can take the new MAC and a new lease).
 */
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "dev/device.h"
#include "virtio/mmio.h"

#define NET_FRAME_MAX 1518 /* 1500-byte MTU + Ethernet header + one VLAN tag */
#define NET_HDR_LEN   12   /* struct virtio_net_hdr_v1 */
#define NET_QUEUE_MAX 64   /* ring entries offered per queue */

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
	bool hold_down;	 /* resumed: the link reads down until the guest looked */
	bool seen_down;
	struct virtio_net_stats st;
	uint8_t pkt[NET_HDR_LEN + NET_FRAME_MAX + 1]; /* header + frame (+1: detects oversize) */
};

extern const struct dev_ops virtio_net_device;

/*
 * Couples the NIC with fd (takes it; non-blocking) or uncouples it
 * (fd -1).  The old descriptor is closed.  The guest sees the link go up
 * or down through a configuration interrupt.
 */
void virtio_net_set_link(struct virtio_net *n, int fd);

#endif
