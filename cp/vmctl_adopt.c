// SPDX-License-Identifier: MIT
/*
 * Finding the VM processes a previous CP left running (cp/vmctl.h): every
 * SPOOL/vm/USERID.sock is connected to; a VM that is waiting for a CP
 * accepts and sends REATTACH, which is checked here before the user layer
 * sees it.  This runs at start, before the loop, awaiting every answer for
 * at most ORPHAN_ANSWER_MS.  A socket nobody listens on any more is a VM that has ended: it
 * is removed.  Everything a VM says is checked as hostile input.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "cp/user.h"
#include "cp/vmctl.h"
#include "util/log.h"

#define ORPHAN_ANSWER_MS 5000 /* a VM that does not answer by then is not waiting */
#define ORPHAN_MAX	 16384

struct orphan_knock {
	int sock;
	char user[16];
};

/* The REATTACH itself: its sizes, its user, and that its sender is its pid. */
static const char *reattach_check(const struct orphan_knock *k, const struct proto_msg *m)
{
	const struct proto_reattach *r = (const void *)m->payload;

	if (m->type != PROTO_REATTACH || m->len != sizeof(*r))
		return "not a REATTACH";
	if (r->version != PROTO_REATTACH_VERSION)
		return "a REATTACH of another version";
	if (!memchr(r->user, 0, sizeof(r->user)) || strcasecmp(r->user, k->user))
		return "a REATTACH for another user";
	if (r->ndisks > PROTO_REATTACH_DISKS || r->nnics > PROTO_REATTACH_NICS ||
	    r->ndisks != (uint32_t)m->nfds)
		return "a REATTACH with bad counts";
	if (!memchr(r->memo, 0, sizeof(r->memo)))
		return "a REATTACH with a bad memo";
	/* The kernel's word (SO_PASSCRED), not the VM's, for whom we would signal. */
	if (!m->pid || m->pid != r->pid)
		return "a REATTACH from another process than it says";
	return NULL;
}

/* The answer of one VM: an orphan for fn, or nothing (logged). */
static struct vmctl_orphan *knock_answer(struct orphan_knock *k)
{
	static struct proto_msg m; /* large; CP is single-threaded */
	struct vmctl_orphan *o;
	const char *bad;
	int rc = proto_recv(k->sock, &m, MSG_DONTWAIT);

	if (rc <= 0) {
		log_warn("VM of %s in the spool: %s", k->user,
			 rc ? strerror(-rc) : "the connection ended");
		return NULL;
	}
	bad = reattach_check(k, &m);
	o = bad ? NULL : calloc(1, sizeof(*o));
	if (!o) {
		proto_close_fds(&m);
		log_warn("VM of %s in the spool: %s", k->user, bad ? bad : strerror(ENOMEM));
		return NULL;
	}
	memcpy(&o->r, m.payload, sizeof(o->r));
	memcpy(o->fds, m.fds, (size_t)m.nfds * sizeof(int));
	o->nfds = m.nfds;
	o->sock = k->sock;
	o->pidfd = (int)syscall(SYS_pidfd_open, o->r.pid, 0);
	k->sock = -1;
	return o;
}

/* USERID.sock with a name CP could have made. */
static bool orphan_name(const char *name, char *user, size_t size)
{
	size_t n = strlen(name);

	if (n < 6 || n - 5 >= size || strcmp(name + n - 5, ".sock"))
		return false;
	for (size_t i = 0; i < n - 5; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("@#$_-", name[i]))
			return false;
	memcpy(user, name, n - 5);
	user[n - 5] = 0;
	return true;
}

/* Connects to DIR/USER.sock: the socket, or -1 (a stale one is removed). */
static int knock(const char *dir, const char *user)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, one = 1;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s.sock", dir, user) >=
	    (int)sizeof(sa.sun_path))
		return -1;
	/* Only a socket of CP's own uid: anything else was not put there by CP. */
	if (lstat(sa.sun_path, &st) < 0 || !S_ISSOCK(st.st_mode) || st.st_uid != geteuid())
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == ECONNREFUSED)
			unlink(sa.sun_path); /* its VM has ended */
		close(fd);
		return -1;
	}
	log_info("%s: a VM process may have outlived the previous CP: asking it", user);
	return fd;
}

/* Every socket in dir knocked at; the count of those that may answer. */
static int knock_all(const char *dir, struct orphan_knock *k, int max)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		if (!orphan_name(e->d_name, k[n].user, sizeof(k[n].user)))
			continue;
		k[n].sock = knock(dir, k[n].user);
		if (k[n].sock >= 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Before CP serves anyone: the answers are awaited here, not in the loop,
 * so a LOGON cannot come between a VM and its user. */
static void await_answers(struct orphan_knock *k, int n, void (*fn)(struct vmctl_orphan *o))
{
	struct pollfd *p = calloc((size_t)n, sizeof(*p));
	uint64_t deadline = evloop_now_ms() + ORPHAN_ANSWER_MS;
	int left = n;

	for (int i = 0; p && i < n; i++)
		p[i] = (struct pollfd){.fd = k[i].sock, .events = POLLIN};
	while (p && left > 0 && evloop_now_ms() < deadline) {
		if (poll(p, (nfds_t)n, (int)(deadline - evloop_now_ms())) <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			struct vmctl_orphan *o;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			o = knock_answer(&k[i]);
			p[i].fd = -1;
			left--;
			if (o)
				fn(o);
		}
	}
	for (int i = 0; i < n; i++) {
		if (k[i].sock < 0)
			continue;
		if (p && p[i].fd >= 0)
			log_warn("VM of %s in the spool: no answer (another CP on this spool?)",
				 k[i].user);
		close(k[i].sock);
	}
	free(p);
}

void vmctl_find_orphans(void (*fn)(struct vmctl_orphan *o))
{
	char dir[4096];
	struct orphan_knock *k;
	int n;

	snprintf(dir, sizeof(dir), "%s/" VMCTL_SOCK_DIR, cp_sys.spool);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		log_warn("%s: %s: VMs will end with CP", dir, strerror(errno));
		return;
	}
	k = calloc(ORPHAN_MAX, sizeof(*k));
	if (!k)
		return;
	n = knock_all(dir, k, ORPHAN_MAX);
	if (n)
		await_answers(k, n, fn);
	free(k);
}

void vmctl_orphan_reject(struct vmctl_orphan *o, const char *why)
{
	log_warn("VM process %d of %s not taken over: %s; it is told to end", (int)o->r.pid,
		 o->r.user, why);
	proto_send(o->sock, PROTO_QUIT, NULL, 0, NULL, 0);
	close(o->sock);
	for (int i = 0; i < o->nfds; i++)
		if (o->fds[i] >= 0)
			close(o->fds[i]);
	if (o->pidfd >= 0)
		close(o->pidfd);
	free(o);
}
