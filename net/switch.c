// SPDX-License-Identifier: MIT
/* The learning switch: ports, address table, storm control, the thread.  See switch.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/internal.h"

#define FRAME_MIN 14
#define FRAME_MAX 1518

static uint64_t sw_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static unsigned mac_hash(const uint8_t *m)
{
	unsigned h = 2166136261u;

	for (int i = 0; i < 6; i++)
		h = (h ^ m[i]) * 16777619u;
	return h & (SW_MAC_SLOTS - 1);
}

static bool mac_live(const struct vswitch *sw, const struct sw_mac *e)
{
	return e->port && sw->now_ns - e->seen_ns < SW_MAC_AGE_NS;
}

/* The slot holding mac, or NULL (probing stops at a free slot, as insertion does). */
static struct sw_mac *mac_find(struct vswitch *sw, const uint8_t *mac)
{
	unsigned h = mac_hash(mac);

	for (unsigned i = 0; i < 16; i++) {
		struct sw_mac *e = &sw->macs[(h + i) & (SW_MAC_SLOTS - 1)];

		if (!e->port)
			return NULL;
		if (!memcmp(e->mac, mac, 6))
			return e;
	}
	return NULL;
}

static void mac_learn(struct vswitch *sw, const uint8_t *mac, struct sw_port *p)
{
	struct sw_mac *e = mac_find(sw, mac);
	unsigned h = mac_hash(mac);

	for (unsigned i = 0; !e && i < 16; i++) {
		struct sw_mac *s = &sw->macs[(h + i) & (SW_MAC_SLOTS - 1)];

		if (!s->port || !mac_live(sw, s))
			e = s; /* a free or aged-out slot */
	}
	if (!e)
		return; /* a full neighbourhood: frames to it are flooded */
	memcpy(e->mac, mac, 6);
	e->port = p;
	e->seen_ns = sw->now_ns;
}

/* Drops every address learned on p; the table is rebuilt so probing stays right. */
static void mac_forget(struct vswitch *sw, const struct sw_port *p)
{
	struct sw_mac *old = malloc(sizeof(sw->macs));

	if (!old) {
		memset(sw->macs, 0, sizeof(sw->macs));
		return;
	}
	memcpy(old, sw->macs, sizeof(sw->macs));
	memset(sw->macs, 0, sizeof(sw->macs));
	for (int i = 0; i < SW_MAC_SLOTS; i++)
		if (old[i].port && old[i].port != p && mac_live(sw, &old[i])) {
			mac_learn(sw, old[i].mac, old[i].port);
			mac_find(sw, old[i].mac)->seen_ns = old[i].seen_ns;
		}
	free(old);
}

/* Storm control: may p flood one more frame now? */
static bool sw_storm_ok(struct vswitch *sw, struct sw_port *p)
{
	double dt = (double)(sw->now_ns - p->tokens_ns) / 1e9;

	p->tokens_ns = sw->now_ns;
	p->tokens += dt * SWITCH_FLOOD_PPS;
	if (p->tokens > SWITCH_FLOOD_PPS)
		p->tokens = SWITCH_FLOOD_PPS;
	if (p->tokens < 1)
		return false;
	p->tokens -= 1;
	return true;
}

/* One frame to port `to`; false when its queue was full (the frame is dropped). */
static bool sw_deliver(struct vswitch *sw, struct sw_port *to, const uint8_t *f, size_t len)
{
	if (to == &sw->uplink) {
		to->c.rx_frames++;
		to->c.rx_bytes += len;
		uplink_deliver(sw, f, len);
		return true;
	}
	if (send(to->fd, f, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		to->c.rx_drops++; /* full (the guest does not read) or gone */
		return false;
	}
	to->c.rx_frames++;
	to->c.rx_bytes += len;
	return true;
}

static void sw_flood(struct vswitch *sw, struct sw_port *from, const uint8_t *f, size_t len)
{
	if (!sw_storm_ok(sw, from)) {
		from->c.tx_drops++;
		return;
	}
	for (int i = 0; i < sw->nports; i++)
		if (sw->ports[i] != from)
			sw_deliver(sw, sw->ports[i], f, len);
	if (sw->nat && from != &sw->uplink)
		sw_deliver(sw, &sw->uplink, f, len);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void sw_set_ip(struct vswitch *sw, struct sw_port *p, struct in_addr ip)
{
	if (p->ip.s_addr == ip.s_addr)
		return;
	p->ip = ip;
	if (sw->nat)
		uplink_refresh(sw, p);
}

/* A guest's own IPv4 source address (or its ARP sender address) is where it is. */
static void sw_snoop_guest(struct vswitch *sw, struct sw_port *p, const uint8_t *f, size_t len)
{
	struct in_addr ip = {0};
	uint16_t type = be16(f + 12);

	if (type == 0x0800 && len >= 34 && (f[14] >> 4) == 4)
		memcpy(&ip, f + 26, 4);
	else if (type == 0x0806 && len >= 42)
		memcpy(&ip, f + 28, 4);
	if (ip.s_addr && ip.s_addr != INADDR_BROADCAST && !(f[6] & 1) && !memcmp(f + 6, p->mac, 6))
		sw_set_ip(sw, p, ip);
}

/* A DHCP answer from the uplink: yiaddr belongs to the port whose MAC is chaddr. */
static void sw_snoop_dhcp(struct vswitch *sw, const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + 14, *udp, *bootp;
	size_t ihl;
	struct in_addr yi;

	if (len < 14 + 20 || be16(f + 12) != 0x0800 || (ip[0] >> 4) != 4 || ip[9] != 17)
		return;
	ihl = (size_t)(ip[0] & 15) * 4;
	udp = ip + ihl;
	bootp = udp + 8;
	if (ihl < 20 || (size_t)(bootp + 44 - f) > len || be16(udp) != 67 || be16(udp + 2) != 68 ||
	    bootp[0] != 2)
		return;
	memcpy(&yi, bootp + 16, 4);
	for (int i = 0; i < sw->nports && yi.s_addr; i++)
		if (!memcmp(sw->ports[i]->mac, bootp + 28, 6))
			sw_set_ip(sw, sw->ports[i], yi);
}

void sw_input(struct vswitch *sw, struct sw_port *from, const uint8_t *f, size_t len)
{
	struct sw_mac *e;

	if (len < FRAME_MIN || len > FRAME_MAX) {
		from->c.tx_drops++;
		return;
	}
	from->c.tx_frames++;
	from->c.tx_bytes += len;
	if (from == &sw->uplink)
		sw_snoop_dhcp(sw, f, len);
	else
		sw_snoop_guest(sw, from, f, len);
	if (!(f[6] & 1))
		mac_learn(sw, f + 6, from);
	e = (f[0] & 1) ? NULL : mac_find(sw, f);
	if (!e || !mac_live(sw, e)) {
		sw_flood(sw, from, f, len);
		return;
	}
	if (e->port != from && !sw_deliver(sw, e->port, f, len))
		from->c.tx_drops++;
}

/* Up to SWITCH_BUDGET frames from one port; false when its guest is gone. */
static bool sw_read_port(struct vswitch *sw, struct sw_port *p)
{
	uint8_t f[FRAME_MAX + 1];

	for (int k = 0; k < SWITCH_BUDGET; k++) {
		ssize_t n = recv(p->fd, f, sizeof(f), MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR || errno == ENOBUFS;
		if (n == 0)
			return false;
		sw_input(sw, p, f, (size_t)n);
	}
	return true;
}

int sw_pfd_add(struct vswitch *sw, int fd, short events)
{
	if (sw->npfd == sw->pfd_cap) {
		int cap = sw->pfd_cap ? 2 * sw->pfd_cap : 64;
		struct pollfd *n = realloc(sw->pfd, (size_t)cap * sizeof(*n));

		if (!n)
			return -1;
		sw->pfd = n;
		sw->pfd_cap = cap;
	}
	sw->pfd[sw->npfd] = (struct pollfd){.fd = fd, .events = events};
	return sw->npfd++;
}

/* The poll set of one round (lock held); returns the timeout in ms. */
static int sw_fill(struct vswitch *sw)
{
	int timeout = -1;

	sw->npfd = 0;
	sw_pfd_add(sw, sw->wake, POLLIN);
	for (int i = 0; i < sw->nports; i++)
		sw_pfd_add(sw, sw->ports[i]->dead ? -1 : sw->ports[i]->fd, POLLIN);
	if (sw->nat)
		timeout = uplink_fill(sw);
	return timeout;
}

/* Moves one round of frames (lock held); stale when CP changed the ports meanwhile. */
static void sw_round(struct vswitch *sw, bool stale)
{
	uint64_t junk;

	sw->now_ns = sw_clock();
	stale |= sw->npfd < 1 + sw->nports; /* the poll set could not grow */
	if (sw->pfd[0].revents & POLLIN && read(sw->wake, &junk, sizeof(junk)) < 0)
		junk = 0;
	for (int i = 0; !stale && i < sw->nports; i++) {
		struct sw_port *p = sw->ports[i];

		/* A port whose guest left stays until CP closes it, quietly. */
		if (sw->pfd[1 + i].revents & (POLLIN | POLLERR | POLLHUP) && !sw_read_port(sw, p))
			p->dead = true;
	}
	if (sw->nat)
		uplink_poll(sw, stale);
}

static void *sw_thread(void *arg)
{
	struct vswitch *sw = arg;

	pthread_mutex_lock(&sw->lock);
	while (!sw->stop) {
		unsigned gen = sw->gen;
		int timeout = sw_fill(sw);

		pthread_mutex_unlock(&sw->lock);
		if (poll(sw->pfd, (nfds_t)sw->npfd, timeout) < 0 && errno != EINTR)
			usleep(1000);
		pthread_mutex_lock(&sw->lock);
		sw_round(sw, gen != sw->gen);
	}
	pthread_mutex_unlock(&sw->lock);
	return NULL;
}

void sw_kick(struct vswitch *sw)
{
	uint64_t one = 1;

	sw->gen++;
	if (write(sw->wake, &one, sizeof(one)) < 0)
		one = 0; /* the counter is saturated: the thread wakes anyway */
}

struct vswitch *vswitch_create(bool nat)
{
	struct vswitch *sw = calloc(1, sizeof(*sw));
	sigset_t all, old;
	int rc = -ENOMEM;

	if (!sw)
		goto fail;
	pthread_mutex_init(&sw->lock, NULL);
	sw->nat = nat;
	sw->uplink.fd = -1;
	sw->now_ns = sw_clock();
	sw->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (sw->wake < 0) {
		rc = -errno;
		goto fail_free;
	}
	if (sw_pfd_add(sw, sw->wake, POLLIN) < 0)
		goto fail_wake;
	if (nat && (rc = uplink_start(sw)))
		goto fail_wake;
	/* The thread takes no signals: CP receives them through its signalfd. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = -pthread_create(&sw->thread, NULL, sw_thread, sw);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		goto fail_uplink;
	return sw;
fail_uplink:
	if (nat)
		uplink_stop(sw);
fail_wake:
	close(sw->wake);
fail_free:
	pthread_mutex_destroy(&sw->lock);
	free(sw->pfd);
	free(sw);
fail:
	errno = -rc;
	return NULL;
}

void vswitch_destroy(struct vswitch *sw)
{
	if (!sw)
		return;
	pthread_mutex_lock(&sw->lock);
	sw->stop = true;
	sw_kick(sw);
	pthread_mutex_unlock(&sw->lock);
	pthread_join(sw->thread, NULL);
	for (int i = 0; i < sw->nports; i++) {
		close(sw->ports[i]->fd);
		free(sw->ports[i]);
	}
	if (sw->nat)
		uplink_stop(sw);
	close(sw->wake);
	free(sw->pfd);
	pthread_mutex_destroy(&sw->lock);
	free(sw);
}

bool vswitch_nat(const struct vswitch *sw)
{
	return sw->nat;
}

static int sw_port_index(struct vswitch *sw, const char *user, uint16_t vdev)
{
	for (int i = 0; i < sw->nports; i++)
		if (sw->ports[i]->vdev == vdev && !strcmp(sw->ports[i]->user, user))
			return i;
	return -1;
}

/* The socketpair of a new port: the switch's end gets the bounded queue. */
static int sw_pair(int sv[2])
{
	int q = SWITCH_QUEUE_BYTES;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		return -errno;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &q, sizeof(q));
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &q, sizeof(q));
	return 0;
}

int vswitch_port_open(struct vswitch *sw, const char *user, uint16_t vdev, const uint8_t mac[6],
		      int *vm_fd)
{
	struct sw_port *p;
	int sv[2], rc;

	if (strlen(user) > 8)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	rc = sw_pair(sv);
	if (rc) {
		free(p);
		return rc;
	}
	p->fd = sv[0];
	strcpy(p->user, user);
	p->vdev = vdev;
	memcpy(p->mac, mac, 6);
	p->tokens = SWITCH_FLOOD_PPS;
	pthread_mutex_lock(&sw->lock);
	rc = sw->nports == SWITCH_MAX_PORTS	  ? -ENOSPC
	     : sw_port_index(sw, user, vdev) >= 0 ? -EEXIST
						  : 0;
	if (!rc) {
		p->tokens_ns = sw->now_ns;
		sw->ports[sw->nports++] = p;
		sw_kick(sw);
	}
	pthread_mutex_unlock(&sw->lock);
	if (rc) {
		close(sv[0]);
		close(sv[1]);
		free(p);
		return rc;
	}
	*vm_fd = sv[1];
	return 0;
}

int vswitch_port_close(struct vswitch *sw, const char *user, uint16_t vdev)
{
	struct sw_port *p = NULL;
	int i;

	pthread_mutex_lock(&sw->lock);
	i = sw_port_index(sw, user, vdev);
	if (i >= 0) {
		p = sw->ports[i];
		memmove(&sw->ports[i], &sw->ports[i + 1],
			(size_t)(sw->nports - i - 1) * sizeof(sw->ports[0]));
		sw->nports--;
		mac_forget(sw, p);
		p->ip.s_addr = 0;
		if (sw->nat)
			uplink_refresh(sw, p);
		sw_kick(sw);
	}
	pthread_mutex_unlock(&sw->lock);
	if (!p)
		return -ENOENT;
	close(p->fd);
	free(p);
	return 0;
}

int vswitch_ports(struct vswitch *sw, struct vswitch_port_info *out, int max)
{
	int n;

	pthread_mutex_lock(&sw->lock);
	n = sw->nports;
	for (int i = 0; i < n && i < max; i++) {
		const struct sw_port *p = sw->ports[i];

		memset(&out[i], 0, sizeof(out[i]));
		strcpy(out[i].user, p->user);
		out[i].vdev = p->vdev;
		memcpy(out[i].mac, p->mac, 6);
		out[i].ip = p->ip;
		out[i].c = p->c;
	}
	pthread_mutex_unlock(&sw->lock);
	return n;
}

bool vswitch_uplink(struct vswitch *sw, struct vswitch_counters *c)
{
	if (!sw->nat)
		return false;
	pthread_mutex_lock(&sw->lock);
	*c = sw->uplink.c;
	pthread_mutex_unlock(&sw->lock);
	return true;
}
