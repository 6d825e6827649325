// SPDX-License-Identifier: MIT
/* Unit tests of the CP-VM protocol (vm/proto.c): messages with descriptors,
 * an empty message, a packet that is not a message, the end of the peer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vm/proto.h"
#include "tests/unit/check.h"

static struct proto_msg m;

int main(void)
{
	struct proto_trace tr = {.lo = 0x10000, .hi = 0x10fff};
	int sv[2], p[2], fds[2];
	char big[PROTO_MAX_PAYLOAD + 1] = {0};
	struct proto_hdr bad = {.type = PROTO_BEGIN, .len = 100};

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) || pipe(p))
		return 1;
	/* a message with a payload and two descriptors */
	fds[0] = p[0];
	fds[1] = p[1];
	CHECK(proto_send(sv[0], PROTO_TRACE_SET, &tr, sizeof(tr), fds, 2) == 0);
	CHECK(proto_recv(sv[1], &m, 0) == 1);
	CHECK(m.type == PROTO_TRACE_SET && m.len == sizeof(tr) && m.nfds == 2);
	CHECK(!memcmp(m.payload, &tr, sizeof(tr)));
	/* the received descriptors work: write on the new write end, read the old */
	CHECK(m.nfds == 2 && write(m.fds[1], "k", 1) == 1);
	CHECK(read(p[0], big, 1) == 1 && big[0] == 'k');
	CHECK(fcntl(m.fds[0], F_GETFD) & FD_CLOEXEC);
	proto_close_fds(&m);
	CHECK(m.nfds == 0);
	/* no payload; text payloads arrive NUL-terminated */
	CHECK(proto_send(sv[0], PROTO_BEGIN, NULL, 0, NULL, 0) == 0);
	CHECK(proto_recv(sv[1], &m, 0) == 1 && m.type == PROTO_BEGIN && m.len == 0);
	CHECK(proto_send(sv[0], PROTO_CONSOLE_OUT, "abc", 3, NULL, 0) == 0);
	CHECK(proto_recv(sv[1], &m, 0) == 1 && m.len == 3 && !strcmp((char *)m.payload, "abc"));
	/* too large, too many fds: refused at the sender */
	CHECK(proto_send(sv[0], PROTO_CONSOLE_OUT, big, sizeof(big), NULL, 0) < 0);
	CHECK(proto_send(sv[0], PROTO_BEGIN, NULL, 0, fds, PROTO_MAX_FDS + 1) < 0);
	/* a header whose length does not match the packet: refused */
	CHECK(send(sv[0], &bad, sizeof(bad), 0) == sizeof(bad));
	CHECK(proto_recv(sv[1], &m, 0) < 0);
	/* a packet shorter than a header: refused */
	CHECK(send(sv[0], "x", 1, 0) == 1);
	CHECK(proto_recv(sv[1], &m, 0) < 0);
	/* an empty packet (taken as the end) that carries a descriptor: the
	 * descriptor is closed, not leaked (found by tests/unit/fuzz_parsers) */
	{
		struct iovec iov = {big, 0};
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = u.buf,
				    .msg_controllen = sizeof(u.buf)};
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &p[1], sizeof(int));
		CHECK(sendmsg(sv[0], &mh, 0) == 0);
		close(p[1]);
		CHECK(proto_recv(sv[1], &m, 0) == 0 && m.nfds == 0);
		/* every write end is closed: the read end sees the end of file */
		CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0 && read(p[0], big, 1) == 0);
		p[1] = open("/dev/null", O_RDONLY);
	}
	/* nothing there, without waiting */
	CHECK(proto_recv(sv[1], &m, MSG_DONTWAIT) == -EAGAIN);
	/* the peer is gone */
	close(sv[0]);
	CHECK(proto_recv(sv[1], &m, 0) == 0);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	return failures ? 1 : 0;
}
