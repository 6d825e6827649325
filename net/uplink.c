// SPDX-License-Identifier: MIT
/*
 * The NAT uplink of a VSWITCH: libslirp, run on the switch's thread (every
 * call into it is made with the switch's lock held), and the host port
 * forwards that follow each user's address.  See switch.h.
 */
#include <errno.h>
#include <libslirp.h>
#include <string.h>
#include <time.h>

#include "net/internal.h"

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static ssize_t up_send(const void *buf, size_t len, void *opaque)
{
	struct vswitch *sw = opaque;

	sw_input(sw, &sw->uplink, buf, len);
	return (ssize_t)len;
}

static void up_guest_error(const char *msg, void *opaque)
{
	(void)msg; /* a guest's malformed packet: libslirp drops it */
	(void)opaque;
}

static int64_t up_clock(void *opaque)
{
	struct timespec ts;

	(void)opaque;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *up_timer_new(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct vswitch *sw = opaque;

	for (int i = 0; i < SW_TIMERS; i++) {
		struct sw_timer *t = &sw->timers[i];

		if (!t->used) {
			*t = (struct sw_timer){
			    .used = true, .id = id, .cb_opaque = cb_opaque, .expire_ms = -1};
			return t;
		}
	}
	return NULL; /* libslirp 4.7 asks for one timer (IPv6 router adverts, off here) */
}

static void up_timer_free(void *timer, void *opaque)
{
	struct sw_timer *t = timer;

	(void)opaque;
	if (t)
		t->used = false;
}

static void up_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct sw_timer *t = timer;

	(void)opaque;
	if (t)
		t->expire_ms = expire_ms;
}

static void up_noop_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque; /* the poll set is rebuilt every round */
}

static void up_notify(void *opaque)
{
	(void)opaque; /* called on the switch's own thread: it polls again anyway */
}

static const SlirpCb up_cb = {
    .send_packet = up_send,
    .guest_error = up_guest_error,
    .clock_get_ns = up_clock,
    .timer_free = up_timer_free,
    .timer_mod = up_timer_mod,
    .register_poll_fd = up_noop_fd,
    .unregister_poll_fd = up_noop_fd,
    .notify = up_notify,
    .timer_new_opaque = up_timer_new,
};

int uplink_start(struct vswitch *sw)
{
	SlirpConfig cfg = {
	    .version = 4,
	    .in_enabled = true,
	    .vnetwork = ip4("10.0.2.0"),
	    .vnetmask = ip4("255.255.255.0"),
	    .vhost = ip4("10.0.2.2"),
	    .vdhcp_start = ip4("10.0.2.15"),
	    .vnameserver = ip4("10.0.2.3"),
	};

	sw->slirp = slirp_new(&cfg, &up_cb, sw);
	return sw->slirp ? 0 : -ENOMEM;
}

void uplink_stop(struct vswitch *sw)
{
	slirp_cleanup(sw->slirp);
	sw->slirp = NULL;
}

void uplink_deliver(struct vswitch *sw, const uint8_t *f, size_t len)
{
	slirp_input(sw->slirp, f, (int)len);
}

static int up_add_poll(int fd, int events, void *opaque)
{
	short ev = 0;

	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	return sw_pfd_add(opaque, fd, ev);
}

static int up_revents(int idx, void *opaque)
{
	struct vswitch *sw = opaque;
	short r;
	int ev = 0;

	if (idx < 0 || idx >= sw->npfd)
		return 0;
	r = sw->pfd[idx].revents;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

int uplink_fill(struct vswitch *sw)
{
	uint32_t timeout = UINT32_MAX;
	int64_t now = up_clock(NULL) / 1000000;

	for (int i = 0; i < SW_TIMERS; i++) {
		const struct sw_timer *t = &sw->timers[i];

		if (t->used && t->expire_ms >= 0) {
			int64_t d = t->expire_ms > now ? t->expire_ms - now : 0;

			if ((uint64_t)d < timeout)
				timeout = (uint32_t)d;
		}
	}
	slirp_pollfds_fill(sw->slirp, &timeout, up_add_poll, sw);
	return timeout > INT32_MAX ? -1 : (int)timeout;
}

void uplink_poll(struct vswitch *sw, bool err)
{
	int64_t now = up_clock(NULL) / 1000000;

	slirp_pollfds_poll(sw->slirp, err, up_revents, sw);
	for (int i = 0; i < SW_TIMERS; i++) {
		struct sw_timer *t = &sw->timers[i];

		if (t->used && t->expire_ms >= 0 && t->expire_ms <= now) {
			t->expire_ms = -1;
			slirp_handle_timer(sw->slirp, (SlirpTimerId)t->id, t->cb_opaque);
		}
	}
}

/* --- host port forwards ---------------------------------------------------- */

/* The address of user's first port on this switch, or 0. */
static struct in_addr up_user_ip(struct vswitch *sw, const char *user)
{
	for (int i = 0; i < sw->nports; i++)
		if (!strcmp(sw->ports[i]->user, user))
			return sw->ports[i]->ip;
	return (struct in_addr){0};
}

/*
 * Binds the host port towards the guest's current address; while the user
 * has none, towards 10.0.2.1, which no guest gets (connections are refused
 * by the NAT) so that the host port stays the user's.
 */
static int up_install(struct vswitch *sw, struct sw_fwd *f)
{
	struct in_addr to = f->guest.s_addr ? f->guest : ip4("10.0.2.1");

	if (slirp_add_hostfwd(sw->slirp, f->udp, f->host, f->host_port, to, f->guest_port) < 0)
		return -EADDRINUSE;
	f->installed = true;
	return 0;
}

static void up_uninstall(struct vswitch *sw, struct sw_fwd *f)
{
	if (f->installed)
		slirp_remove_hostfwd(sw->slirp, f->udp, f->host, f->host_port);
	f->installed = false;
}

void uplink_refresh(struct vswitch *sw, const struct sw_port *p)
{
	struct in_addr ip = up_user_ip(sw, p->user);

	for (int i = 0; i < sw->nfwds; i++) {
		struct sw_fwd *f = &sw->fwds[i];

		if (strcmp(f->user, p->user) || (f->installed && f->guest.s_addr == ip.s_addr))
			continue;
		up_uninstall(sw, f);
		f->guest = ip;
		up_install(sw, f); /* lost only if another program took the port meanwhile */
	}
}

static int up_find(struct vswitch *sw, bool udp, struct in_addr host, uint16_t port)
{
	for (int i = 0; i < sw->nfwds; i++)
		if (sw->fwds[i].udp == udp && sw->fwds[i].host_port == port &&
		    sw->fwds[i].host.s_addr == host.s_addr)
			return i;
	return -1;
}

int vswitch_hostfwd_add(struct vswitch *sw, bool udp, struct in_addr host, uint16_t host_port,
			const char *user, uint16_t guest_port)
{
	struct sw_fwd *f;
	int rc = 0;

	if (!sw->nat)
		return -ENODEV;
	if (strlen(user) > 8 || !host_port || !guest_port)
		return -EINVAL;
	pthread_mutex_lock(&sw->lock);
	if (up_find(sw, udp, host, host_port) >= 0)
		rc = -EEXIST;
	else if (sw->nfwds == SWITCH_MAX_FWDS)
		rc = -ENOSPC;
	if (rc)
		goto out;
	f = &sw->fwds[sw->nfwds];
	*f = (struct sw_fwd){.udp = udp,
			     .host = host,
			     .host_port = host_port,
			     .guest_port = guest_port,
			     .guest = up_user_ip(sw, user)};
	strcpy(f->user, user);
	rc = up_install(sw, f);
	if (!rc) {
		sw->nfwds++;
		sw_kick(sw); /* the poll set has a new socket */
	}
out:
	pthread_mutex_unlock(&sw->lock);
	return rc;
}

int vswitch_hostfwd_del(struct vswitch *sw, bool udp, struct in_addr host, uint16_t host_port)
{
	int i, rc = -ENOENT;

	if (!sw->nat)
		return -ENODEV;
	pthread_mutex_lock(&sw->lock);
	i = up_find(sw, udp, host, host_port);
	if (i >= 0) {
		up_uninstall(sw, &sw->fwds[i]);
		memmove(&sw->fwds[i], &sw->fwds[i + 1],
			(size_t)(sw->nfwds - i - 1) * sizeof(sw->fwds[0]));
		sw->nfwds--;
		sw_kick(sw);
		rc = 0;
	}
	pthread_mutex_unlock(&sw->lock);
	return rc;
}

int vswitch_hostfwds(struct vswitch *sw, struct vswitch_fwd_info *out, int max)
{
	int n;

	pthread_mutex_lock(&sw->lock);
	n = sw->nfwds;
	for (int i = 0; i < n && i < max; i++) {
		const struct sw_fwd *f = &sw->fwds[i];

		out[i] = (struct vswitch_fwd_info){.udp = f->udp,
						   .host = f->host,
						   .host_port = f->host_port,
						   .guest_port = f->guest_port,
						   .guest = f->installed ? f->guest
									 : (struct in_addr){0}};
		strcpy(out[i].user, f->user);
	}
	pthread_mutex_unlock(&sw->lock);
	return n;
}
