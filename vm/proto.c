// SPDX-License-Identifier: MIT
/* The CP ⇄ VM protocol: packets with SCM_RIGHTS descriptors (vm/proto.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vm/proto.h"

int proto_send(int sock, uint32_t type, const void *payload, size_t len, const int *fds, int nfds)
{
	struct proto_hdr h = {.type = type, .len = len};
	struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)payload, len}};
	union {
		char buf[CMSG_SPACE(sizeof(int) * PROTO_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};

	if (len > PROTO_MAX_PAYLOAD || nfds < 0 || nfds > PROTO_MAX_FDS)
		return -EINVAL;
	if (nfds) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	for (;;) {
		if (sendmsg(sock, &mh, MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

static void proto_take_fds(struct msghdr *mh, struct proto_msg *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n;

		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			m->pid = cred.pid;
			continue;
		}
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (m->nfds < PROTO_MAX_FDS)
				m->fds[m->nfds++] = fd;
			else
				close(fd);
		}
	}
}

int proto_recv(int sock, struct proto_msg *m, int flags)
{
	struct proto_hdr h;
	struct iovec iov[2] = {{&h, sizeof(h)}, {m->payload, PROTO_MAX_PAYLOAD}};
	union {
		char
		    buf[CMSG_SPACE(sizeof(int) * PROTO_MAX_FDS) + CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {
	    .msg_iov = iov, .msg_iovlen = 2, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	ssize_t n;

	m->nfds = 0;
	m->pid = 0;
	do
		n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* Even an empty packet (taken as the end) may carry descriptors. */
	proto_take_fds(&mh, m);
	if (n == 0) {
		proto_close_fds(m);
		return 0;
	}
	/* A short or truncated packet is a broken peer: end the connection. */
	if ((size_t)n < sizeof(h) || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    h.len != (size_t)n - sizeof(h)) {
		proto_close_fds(m);
		return -EPROTO;
	}
	m->type = h.type;
	m->len = h.len;
	/* Text payloads are NUL-terminated by convention; make sure of it. */
	m->payload[m->len] = 0;
	return 1;
}

void proto_close_fds(struct proto_msg *m)
{
	for (int i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
}

const char *proto_type_name(uint32_t type)
{
	switch (type) {
	case PROTO_SETUP:
		return "SETUP";
	case PROTO_IPL:
		return "IPL";
	case PROTO_BEGIN:
		return "BEGIN";
	case PROTO_STOP:
		return "STOP";
	case PROTO_CONSOLE_IN:
		return "CONSOLE_IN";
	case PROTO_RESET:
		return "RESET";
	case PROTO_TRACE_SET:
		return "TRACE_SET";
	case PROTO_TRACE_SETS:
		return "TRACE_SETS";
	case PROTO_TRACE_CLEAR:
		return "TRACE_CLEAR";
	case PROTO_NIC_LINK:
		return "NIC_LINK";
	case PROTO_QUIT:
		return "QUIT";
	case PROTO_VMDUMP:
		return "VMDUMP";
	case PROTO_VMDUMP_RESULT:
		return "VMDUMP_RESULT";
	case PROTO_INSPECT:
		return "INSPECT";
	case PROTO_INSPECT_REPLY:
		return "INSPECT_REPLY";
	case PROTO_MEMO:
		return "MEMO";
	case PROTO_LOG_FD:
		return "LOG_FD";
	case PROTO_REATTACH:
		return "REATTACH";
	case PROTO_HELLO:
		return "HELLO";
	case PROTO_RESULT:
		return "RESULT";
	case PROTO_CONSOLE_OUT:
		return "CONSOLE_OUT";
	case PROTO_STATE:
		return "STATE";
	case PROTO_CP_REQUEST:
		return "CP_REQUEST";
	default:
		return "?";
	}
}
