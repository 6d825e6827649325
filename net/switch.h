/* SPDX-License-Identifier: MIT */
#ifndef RVCP_NET_SWITCH_H
#define RVCP_NET_SWITCH_H
/*
 * A guest LAN or virtual switch: an L2 learning switch on a thread of its
 * own, so frames never pass through CP's event loop.  CP creates one per
 * DEFINE VSWITCH / DEFINE LAN and gives each coupled NIC a port: a
 * SOCK_SEQPACKET socketpair, one end kept by the switch, the other (made
 * non-blocking) passed to the VM process, which only reads and writes it
 * (virtio/net.h).  One packet is one Ethernet frame (14..1518 bytes).
 *
 * Isolation between guests:
 *  - each round the switch reads at most SWITCH_BUDGET frames from each
 *    port that has any, so a flooding guest gets the same share as the
 *    others;
 *  - a port's queue towards its guest is its socket's send buffer
 *    (SWITCH_QUEUE_BYTES); when it is full the frame is dropped and
 *    counted (the guest stopped reading or cannot keep up), never waited
 *    for;
 *  - frames a port floods (broadcast, multicast, unknown unicast) pass a
 *    token bucket per port (storm control, SWITCH_FLOOD_PPS); the excess
 *    is dropped and counted on that port.
 * Counters are kept from the NIC's side, as z/VM's QUERY VSWITCH DETAILS
 * shows them: RX is what the guest received, TX what it sent; RX discarded
 * are frames for it that its queue could not take, TX discarded are its
 * frames the switch dropped (storm control, destination queue full).
 *
 * A VSWITCH defined with NAT has an uplink through libslirp (net/uplink.c):
 * 10.0.2.0/24, gateway 10.0.2.2 (the host's loopback), DNS 10.0.2.3, DHCP
 * from 10.0.2.15, as QEMU's user networking.  Host port forwards name a
 * user: the switch learns each port's IPv4 address from the DHCP answers
 * it carries and from the guest's own frames, and (re)points the user's
 * forwards at it, so a forward follows the lease.
 *
 * Every function here is called from CP's thread; they take the switch's
 * lock, which its thread holds only while it moves one round of frames.
 */
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SWITCH_BUDGET	   32
#define SWITCH_QUEUE_BYTES (256 * 1024)
#define SWITCH_FLOOD_PPS   500 /* flooded frames a second a port may send (burst as many) */
#define SWITCH_MAX_PORTS   256
#define SWITCH_MAX_FWDS	   64

struct vswitch;

struct vswitch_counters {
	uint64_t rx_frames, rx_bytes, rx_drops; /* to the guest */
	uint64_t tx_frames, tx_bytes, tx_drops; /* from the guest */
};

struct vswitch_port_info {
	char user[9];
	uint16_t vdev;
	uint8_t mac[6];
	struct in_addr ip; /* 0 while unknown */
	struct vswitch_counters c;
};

struct vswitch_fwd_info {
	bool udp;
	struct in_addr host;
	uint16_t host_port, guest_port;
	char user[9];
	struct in_addr guest; /* where it points now; 0 while the user has no address */
};

/* nat: with a libslirp uplink.  NULL with errno set on failure. */
struct vswitch *vswitch_create(bool nat);
/* Stops the thread, closes every port (the guests see their links go down). */
void vswitch_destroy(struct vswitch *sw);
bool vswitch_nat(const struct vswitch *sw);

/* A new port for user's NIC vdev with its MAC; *vm_fd is the VM's end.  0 or -errno. */
int vswitch_port_open(struct vswitch *sw, const char *user, uint16_t vdev, const uint8_t mac[6],
		      int *vm_fd);
/* Removes the port (its learned addresses too); 0 or -ENOENT. */
int vswitch_port_close(struct vswitch *sw, const char *user, uint16_t vdev);
/* Fills up to max ports in the order they were coupled; returns how many there are. */
int vswitch_ports(struct vswitch *sw, struct vswitch_port_info *out, int max);
/* The uplink's counters (frames between the guests and the NAT); false when none. */
bool vswitch_uplink(struct vswitch *sw, struct vswitch_counters *c);

/*
 * Host port forward: TCP (or UDP) connections to host:host_port go to
 * user's NIC on this switch, port guest_port.  -ENODEV without NAT,
 * -EEXIST for a host port already forwarded here, -EADDRINUSE when the
 * host port cannot be bound, -ENOSPC past SWITCH_MAX_FWDS.
 */
int vswitch_hostfwd_add(struct vswitch *sw, bool udp, struct in_addr host, uint16_t host_port,
			const char *user, uint16_t guest_port);
int vswitch_hostfwd_del(struct vswitch *sw, bool udp, struct in_addr host, uint16_t host_port);
int vswitch_hostfwds(struct vswitch *sw, struct vswitch_fwd_info *out, int max);

#endif
