// SPDX-License-Identifier: MIT
/*
 * The learning switch (net/switch.h) with plain sockets standing in for
 * guests: flooding until addresses are learned, unicast after, a port that
 * never reads losing frames without stalling the others (counted), storm
 * control on a flooding port, runts and giants refused, a closed port
 * forgotten, and the NAT uplink's DHCP answering a guest (libslirp).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/switch.h"
#include "tests/unit/check.h"

static const uint8_t mac[3][6] = {
    {0x02, 0, 0, 0, 0, 1}, {0x02, 0, 0, 0, 0, 2}, {0x02, 0, 0, 0, 0, 3}};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static size_t frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, size_t len)
{
	memset(f, 0xab, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88; /* an experimental ethertype: nobody's protocol */
	f[13] = 0xb5;
	return len;
}

/* The next frame on fd within ms, its length, or -1. */
static ssize_t next(int fd, uint8_t *buf, size_t cap, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	if (poll(&p, 1, ms) != 1)
		return -1;
	return recv(fd, buf, cap, MSG_DONTWAIT);
}

static void drain(int fd)
{
	uint8_t b[2048];

	while (next(fd, b, sizeof(b), 50) > 0)
		;
}

static void counters(struct vswitch *sw, int i, struct vswitch_counters *c)
{
	struct vswitch_port_info p[4];

	CHECK(vswitch_ports(sw, p, 4) >= i + 1);
	*c = p[i].c;
}

static void test_learning(void)
{
	struct vswitch *sw = vswitch_create(false);
	int fd[3];
	uint8_t f[1600], r[1600];
	struct vswitch_counters c;

	CHECK(sw);
	for (int i = 0; i < 3; i++)
		CHECK(vswitch_port_open(sw, "USER", (uint16_t)(0x600 + i), mac[i], &fd[i]) == 0);
	CHECK(vswitch_port_open(sw, "USER", 0x600, mac[0], &fd[0]) == -EEXIST);
	/* unknown destination: flooded to both others */
	send(fd[0], f, frame(f, mac[1], mac[0], 60), 0);
	CHECK(next(fd[1], r, sizeof(r), 2000) == 60 && !memcmp(r, f, 60));
	CHECK(next(fd[2], r, sizeof(r), 2000) == 60);
	/* 1 answers 0: 0 is known, only 0 gets it */
	send(fd[1], f, frame(f, mac[0], mac[1], 100), 0);
	CHECK(next(fd[0], r, sizeof(r), 2000) == 100);
	CHECK(next(fd[2], r, sizeof(r), 200) == -1);
	/* now 1 is known too */
	send(fd[0], f, frame(f, mac[1], mac[0], 1518), 0);
	CHECK(next(fd[1], r, sizeof(r), 2000) == 1518);
	CHECK(next(fd[2], r, sizeof(r), 200) == -1);
	/* runts and giants are the sender's drops */
	send(fd[0], f, 10, 0);
	send(fd[0], f, frame(f, mac[1], mac[0], 1519), 0);
	CHECK(next(fd[1], r, sizeof(r), 200) == -1);
	counters(sw, 0, &c);
	CHECK(c.tx_frames == 2 && c.tx_drops == 2 && c.rx_frames == 1 && c.rx_bytes == 100);
	/* a closed port is forgotten: frames to its address are flooded again */
	CHECK(vswitch_port_close(sw, "USER", 0x601) == 0);
	CHECK(vswitch_port_close(sw, "USER", 0x601) == -ENOENT);
	close(fd[1]);
	send(fd[0], f, frame(f, mac[1], mac[0], 60), 0);
	CHECK(next(fd[2], r, sizeof(r), 2000) == 60);
	vswitch_destroy(sw);
	close(fd[0]);
	close(fd[2]);
}

/* Port 1 never reads: its queue fills, its frames drop; 0 and 2 go on. */
static void test_stalled_reader(void)
{
	struct vswitch *sw = vswitch_create(false);
	int fd[3], got = 0;
	uint8_t f[1600], r[1600];
	struct vswitch_counters c;

	for (int i = 0; i < 3; i++)
		CHECK(vswitch_port_open(sw, "U", (uint16_t)i, mac[i], &fd[i]) == 0);
	/* teach the switch every address */
	for (int i = 0; i < 3; i++)
		send(fd[i], f, frame(f, bcast, mac[i], 60), 0);
	for (int i = 0; i < 3; i++)
		drain(fd[i]);
	for (int k = 0; k < 2000; k++) {
		struct pollfd p = {.fd = fd[0], .events = POLLOUT};

		poll(&p, 1, 1000);
		send(fd[0], f, frame(f, mac[1], mac[0], 1500), MSG_DONTWAIT);
	}
	usleep(200000);
	send(fd[2], f, frame(f, mac[0], mac[2], 64), 0);
	while (next(fd[0], r, sizeof(r), 2000) > 0 && ++got < 100)
		if (r[6] == mac[2][0] && r[11] == mac[2][5])
			break;
	CHECK(r[11] == mac[2][5]);
	counters(sw, 1, &c);
	CHECK(c.rx_drops > 0);
	CHECK(c.rx_frames + c.rx_drops >= 1000);
	counters(sw, 0, &c);
	CHECK(c.tx_drops > 0); /* the sender sees its frames to 1 discarded */
	vswitch_destroy(sw);
	for (int i = 0; i < 3; i++)
		close(fd[i]);
}

/* Broadcast from one port beyond the storm limit is dropped at the switch. */
static void test_storm(void)
{
	struct vswitch *sw = vswitch_create(false);
	int fd[2], n = 0;
	uint8_t f[128], r[128];
	struct vswitch_counters c;

	for (int i = 0; i < 2; i++)
		CHECK(vswitch_port_open(sw, "U", (uint16_t)i, mac[i], &fd[i]) == 0);
	for (int k = 0; k < 3 * SWITCH_FLOOD_PPS; k++) {
		struct pollfd p = {.fd = fd[0], .events = POLLOUT};

		poll(&p, 1, 1000);
		send(fd[0], f, frame(f, bcast, mac[0], 60), MSG_DONTWAIT);
		if (k % 64 == 0)
			while (recv(fd[1], r, sizeof(r), MSG_DONTWAIT) > 0)
				n++;
	}
	usleep(300000);
	while (next(fd[1], r, sizeof(r), 100) > 0)
		n++;
	counters(sw, 0, &c);
	CHECK(c.tx_drops > 0);
	CHECK((uint64_t)n + c.tx_drops >= (uint64_t)3 * SWITCH_FLOOD_PPS - 8);
	vswitch_destroy(sw);
	close(fd[0]);
	close(fd[1]);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A DHCPDISCOVER from mac[0]: Ethernet + IPv4 + UDP 68->67 + BOOTP + options. */
static size_t dhcp_discover(uint8_t *f)
{
	uint8_t *ip = f + 14, *udp = ip + 20, *b = udp + 8;
	size_t blen = 240 + 4, len;

	memset(f, 0, 400);
	memcpy(f, bcast, 6);
	memcpy(f + 6, mac[0], 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + 8 + blen) >> 8);
	ip[3] = (uint8_t)(20 + 8 + blen);
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4);
	udp[1] = 68;
	udp[3] = 67;
	udp[4] = (uint8_t)((8 + blen) >> 8);
	udp[5] = (uint8_t)(8 + blen);
	b[0] = 1; /* BOOTREQUEST */
	b[1] = 1;
	b[2] = 6;
	b[4] = 0x12;
	memcpy(b + 28, mac[0], 6);
	b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99; /* the magic cookie */
	b[240] = 53, b[241] = 1, b[242] = 1;		     /* DHCPDISCOVER */
	b[243] = 255;
	len = 14 + 20 + 8 + blen;
	uint16_t s = csum(ip, 20);

	ip[10] = (uint8_t)(s >> 8);
	ip[11] = (uint8_t)s;
	return len < 60 ? 60 : len;
}

static void test_nat_dhcp(void)
{
	struct vswitch *sw = vswitch_create(true);
	struct vswitch_port_info p;
	struct vswitch_fwd_info fw;
	uint8_t f[1600];
	ssize_t n = -1;
	int fd;
	struct in_addr lo = {htonl(INADDR_LOOPBACK)};

	CHECK(sw);
	CHECK(vswitch_port_open(sw, "LINUX01", 0x600, mac[0], &fd) == 0);
	send(fd, f, dhcp_discover(f), 0);
	for (int k = 0; k < 10 && n < 0; k++) {
		n = next(fd, f, sizeof(f), 500);
		if (n > 0 && !(f[12] == 8 && f[13] == 0 && f[14 + 9] == 17))
			n = -1; /* not the UDP answer */
	}
	CHECK(n > 282 && (!memcmp(f, mac[0], 6) || !memcmp(f, bcast, 6)));
	CHECK(n > 0 && f[14 + 20 + 8] == 2); /* BOOTREPLY */
	CHECK(vswitch_ports(sw, &p, 1) == 1);
	CHECK(p.ip.s_addr == htonl(0x0a00020f)); /* 10.0.2.15 learned from the offer */
	/* a forward follows the user's address; a second one on the same port is refused */
	CHECK(vswitch_hostfwd_add(sw, false, lo, 0, "LINUX01", 80) == -EINVAL);
	for (uint16_t port = 47000; port < 47100; port++) {
		int rc = vswitch_hostfwd_add(sw, false, lo, port, "LINUX01", 80);

		if (rc == -EADDRINUSE)
			continue;
		CHECK(rc == 0);
		CHECK(vswitch_hostfwd_add(sw, false, lo, port, "LINUX02", 80) == -EEXIST);
		CHECK(vswitch_hostfwds(sw, &fw, 1) == 1);
		CHECK(fw.guest.s_addr == htonl(0x0a00020f) && fw.host_port == port);
		CHECK(vswitch_hostfwd_del(sw, false, lo, port) == 0);
		break;
	}
	vswitch_destroy(sw);
	close(fd);
}

int main(void)
{
	test_learning();
	test_stalled_reader();
	test_storm();
	test_nat_dhcp();
	return failures != 0;
}
