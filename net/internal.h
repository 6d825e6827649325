/* SPDX-License-Identifier: MIT */
#ifndef RVCP_NET_INTERNAL_H
#define RVCP_NET_INTERNAL_H
/* struct vswitch, shared by switch.c (forwarding) and uplink.c (libslirp). */
#include <poll.h>
#include <pthread.h>

#include "net/switch.h"

#define SW_MAC_SLOTS	1024 /* learned addresses (power of two) */
#define SW_MAC_AGE_NS	(300ULL * 1000000000ULL)
#define SW_UPLINK_POLLS 256 /* host sockets libslirp may poll at once */
#define SW_TIMERS	8

struct sw_port {
	int fd;	   /* the switch's end; -1 for the uplink */
	bool dead; /* its guest's end was closed: not polled any more */
	char user[9];
	uint16_t vdev;
	uint8_t mac[6];
	struct in_addr ip;
	struct vswitch_counters c;
	double tokens; /* storm control */
	uint64_t tokens_ns;
};

struct sw_mac {
	uint8_t mac[6];
	struct sw_port *port; /* NULL: free */
	uint64_t seen_ns;
};

struct sw_fwd {
	bool udp, installed;
	struct in_addr host, guest;
	uint16_t host_port, guest_port;
	char user[9];
};

struct sw_timer {
	bool used;
	int id;
	void *cb_opaque;
	int64_t expire_ms; /* -1: not armed */
};

struct vswitch {
	pthread_t thread;
	pthread_mutex_t lock;
	int wake; /* eventfd: CP changed something, poll again */
	bool stop;
	unsigned gen; /* bumped by every change CP makes */
	uint64_t now_ns;
	struct sw_port *ports[SWITCH_MAX_PORTS];
	int nports;
	struct sw_mac macs[SW_MAC_SLOTS];
	/* NAT uplink (uplink.c) */
	bool nat;
	struct sw_port uplink;
	void *slirp;
	struct sw_fwd fwds[SWITCH_MAX_FWDS];
	int nfwds;
	struct sw_timer timers[SW_TIMERS];
	struct pollfd *pfd; /* this round's poll set: wake, ports, the uplink's sockets */
	int npfd, pfd_cap;
};

/* switch.c: a frame entering the switch from port `from` (the uplink too). */
void sw_input(struct vswitch *sw, struct sw_port *from, const uint8_t *f, size_t len);
/* uplink.c */
int uplink_start(struct vswitch *sw);
void uplink_stop(struct vswitch *sw);
void uplink_deliver(struct vswitch *sw, const uint8_t *f, size_t len);
/* Adds the uplink's sockets to sw->pfd; returns its timeout in ms (-1: none). */
int uplink_fill(struct vswitch *sw);
/* After poll: err when the poll set is stale (only timers run). */
void uplink_poll(struct vswitch *sw, bool err);
/* (Re)points user's forwards at the port's current address. */
void uplink_refresh(struct vswitch *sw, const struct sw_port *p);
int sw_pfd_add(struct vswitch *sw, int fd, short events);
/* CP changed something (lock held): bump gen and wake the thread. */
void sw_kick(struct vswitch *sw);

#endif
