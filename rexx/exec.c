// SPDX-License-Identifier: MIT
/*
 * The CP side of an EXEC: fork the child that runs Regina, and serve its
 * requests from CP's event loop without ever blocking on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rexx/pipe.h"
#include "rexx/proto.h"
#include "rexx/rexx.h"
#include "util/file.h"
#include "util/sandbox.h"

#define REXX_MAX_SOURCE	 (1 << 20) /* an EXEC bigger than this is refused */
#define REXX_EVENT_BURST 64	   /* messages handled per call, so one EXEC cannot hog CP */

struct rexx_exec {
	int fd;
	pid_t pid; /* 0 once reaped */
	int pidfd; /* signals go here: CP may reap the child (waitpid(-1)) first */
	const struct rexx_host *host;
	void *ctx;
	bool in_command;	 /* a CMD awaits rexx_exec_reply() */
	bool pulling;		 /* a PULL awaits a line */
	int halts;		 /* rexx_exec_halt() calls */
	struct pipe_lines typed; /* lines typed before the EXEC asked for them */
	size_t typed_next;
	char buf[REXX_PKT_MAX + 1];
};

int rexx_proto_send(int fd, int type, const char *text, size_t len, int flags)
{
	char pkt[REXX_PKT_MAX];
	ssize_t n;

	if (len > REXX_PKT_MAX - 1)
		len = REXX_PKT_MAX - 1; /* a longer line is cut, as a terminal would */
	pkt[0] = (char)type;
	memcpy(pkt + 1, text, len);
	do
		n = send(fd, pkt, len + 1, flags | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

ssize_t rexx_proto_recv(int fd, char *buf, int *type, int flags)
{
	ssize_t n = recv(fd, buf, REXX_PKT_MAX, flags);

	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	*type = (unsigned char)buf[0];
	memmove(buf, buf + 1, n - 1);
	buf[n - 1] = 0;
	return n - 1;
}

/*
 * Send to the child; when its socket buffer is full, wait for it to drain.
 * The child is then reading (it waits for this answer), so the wait is short;
 * a child that stops reading for a whole second loses the line.
 */
static void send_child(struct rexx_exec *x, int type, const char *text)
{
	struct pollfd p = {.fd = x->fd, .events = POLLOUT};

	while (rexx_proto_send(x->fd, type, text, strlen(text), MSG_DONTWAIT) == -EAGAIN)
		if (poll(&p, 1, 1000) <= 0)
			return;
}

static int read_source(const char *path, char **text, size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > REXX_MAX_SOURCE) {
		rc = -EINVAL;
		goto out;
	}
	*text = malloc(st.st_size + 1);
	if (!*text) {
		rc = -ENOMEM;
		goto out;
	}
	n = read(fd, *text, st.st_size);
	if (n < 0) {
		rc = -errno;
		free(*text);
		goto out;
	}
	(*text)[n] = 0;
	*len = n;
out:
	close(fd);
	return rc;
}

/*
 * What the child runs, in a sealed memory file: "name\0args\0text".  Not on
 * its command line, which every local user can read.
 */
static int source_memfd(const char *name, const char *args, const char *text, size_t len)
{
	int fd = memfd_create("rexx-source", MFD_CLOEXEC | MFD_ALLOW_SEALING), rc;

	if (fd < 0)
		return -errno;
	rc = file_pwrite_full(fd, name, strlen(name) + 1, 0);
	if (!rc)
		rc = file_pwrite_full(fd, args, strlen(args) + 1, strlen(name) + 1);
	if (!rc)
		rc = file_pwrite_full(fd, text, len, strlen(name) + strlen(args) + 2);
	if (!rc && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL))
		rc = -errno;
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

/* The EXEC program (rexx/child.c), sandboxed: the socket at 3, the source at 4. */
static pid_t child_start(int sock, int src, const struct rexx_limits *lim)
{
	char *argv[] = {"rvcp", "rexx", "--fd", "3", NULL};
	const int fds[] = {-1, -1, lim ? lim->errfd : -1, sock, src};
	struct sandbox_limits sl = {
	    .mem = lim && lim->mem ? lim->mem : REXX_MEM_DEFAULT,
	    .cpu_s = lim && lim->cpu_s ? lim->cpu_s : REXX_CPU_DEFAULT,
	    .nofile = 16,
	};

	return sandbox_spawn(fds, 5, &sl, argv, sandbox_env());
}

int rexx_exec_start(const char *path, const char *name, const char *args,
		    const struct rexx_limits *lim, const struct rexx_host *host, void *ctx,
		    struct rexx_exec **out)
{
	struct rexx_exec *x;
	char *text = NULL;
	size_t len = 0;
	int sv[2] = {-1, -1}, src = -1, rc;

	rc = read_source(path, &text, &len);
	if (rc)
		return rc;
	x = calloc(1, sizeof(*x));
	if (!x) {
		rc = -ENOMEM;
		goto out;
	}
	src = source_memfd(name, args ? args : "", text, len);
	if (src < 0) {
		rc = src;
		goto out;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		rc = -errno;
		goto out;
	}
	x->pid = child_start(sv[1], src, lim);
	if (x->pid < 0) {
		rc = x->pid;
		goto out;
	}
	x->fd = sv[0];
	sv[0] = -1;
	x->pidfd = pidfd_open(x->pid, 0);
	fcntl(x->fd, F_SETFL, fcntl(x->fd, F_GETFL) | O_NONBLOCK);
	x->host = host;
	x->ctx = ctx;
	*out = x;
	x = NULL;
out:
	for (int i = 0; i < 2; i++)
		if (sv[i] >= 0)
			close(sv[i]);
	if (src >= 0)
		close(src);
	free(x);
	free(text);
	return rc;
}

int rexx_exec_fd(const struct rexx_exec *x)
{
	return x->fd;
}

static void send_input(struct rexx_exec *x, const char *line)
{
	x->pulling = false;
	send_child(x, REXX_MSG_INPUT, line);
}

static void handle_pull(struct rexx_exec *x)
{
	if (x->typed_next < x->typed.n) {
		send_input(x, x->typed.v[x->typed_next++]);
		return;
	}
	x->pulling = true;
	x->host->pull(x->ctx);
}

static void signal_child(struct rexx_exec *x, int sig)
{
	if (x->pidfd >= 0)
		pidfd_send_signal(x->pidfd, sig, NULL, 0);
	else
		kill(x->pid, sig);
}

/* Collect the child's status, unless CP's own SIGCHLD handling took it. */
static void reap(struct rexx_exec *x, int *status)
{
	siginfo_t si = {0};
	int r;

	do
		r = x->pidfd >= 0 ? waitid(P_PIDFD, x->pidfd, &si, WEXITED)
				  : waitid(P_PID, x->pid, &si, WEXITED);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		*status = si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0) : si.si_status;
	x->pid = 0;
}

int rexx_exec_event(struct rexx_exec *x, int *rc)
{
	int type, status = 0;
	ssize_t n;

	for (int i = 0; i < REXX_EVENT_BURST; i++) {
		n = rexx_proto_recv(x->fd, x->buf, &type, MSG_DONTWAIT);
		if (n == -EAGAIN || n == -EINTR)
			return 0;
		/*
		 * A child that exits with our HALT unread makes the kernel report
		 * ECONNRESET once, ahead of what it sent last (its END).
		 */
		if (n == -ECONNRESET)
			continue;
		if (n < 0)
			break; /* the child is gone without saying how it ended */
		switch (type) {
		case REXX_MSG_SAY:
			x->host->say(x->ctx, x->buf);
			break;
		case REXX_MSG_CMD:
			if (x->in_command || n < 1)
				break; /* protocol error: at most one command at a time */
			x->in_command = true;
			x->host->command(x->ctx, x, x->buf + 1, x->buf[0] == '1');
			break;
		case REXX_MSG_PULL:
			handle_pull(x);
			break;
		case REXX_MSG_END:
			*rc = atoi(x->buf);
			reap(x, &status);
			return 1;
		}
	}
	if (n >= 0)
		return 0; /* more to read: CP's loop calls again */
	reap(x, &status);
	*rc = WIFSIGNALED(status) ? -128 - WTERMSIG(status) : -WEXITSTATUS(status) - 256;
	return 2;
}

void rexx_exec_line(struct rexx_exec *x, const char *line)
{
	if (x->in_command)
		send_child(x, REXX_MSG_LINE, line);
}

void rexx_exec_reply(struct rexx_exec *x, int rc, bool unknown)
{
	char text[32];

	if (!x->in_command)
		return;
	x->in_command = false;
	snprintf(text, sizeof(text), "%d %d", rc, unknown);
	send_child(x, REXX_MSG_RC, text);
}

int rexx_exec_input(struct rexx_exec *x, const char *line)
{
	if (x->pulling) {
		send_input(x, line);
		return 0;
	}
	if (x->typed_next == x->typed.n) {
		/* All taken: start again, so a long session does not grow. */
		pipe_lines_free(&x->typed);
		x->typed_next = 0;
	}
	if (x->typed.n - x->typed_next >= REXX_TYPEAHEAD_MAX ||
	    pipe_lines_add(&x->typed, line, strlen(line)))
		return -ENOBUFS;
	return 0;
}

void rexx_exec_halt(struct rexx_exec *x)
{
	if (!x->pid)
		return;
	if (x->halts++) {
		signal_child(x, SIGKILL); /* it ignored the first request (SIGNAL ON HALT) */
		return;
	}
	/* The signal reaches a busy program (Regina raises HALT on SIGINT);
	 * the message ends a wait in PULL, which the signal does not. */
	signal_child(x, SIGINT);
	if (x->pulling) {
		x->pulling = false;
		send_child(x, REXX_MSG_HALT, "");
	}
}

void rexx_exec_free(struct rexx_exec *x)
{
	int status;

	if (!x)
		return;
	if (x->pid) {
		signal_child(x, SIGKILL);
		reap(x, &status);
	}
	if (x->pidfd >= 0)
		close(x->pidfd);
	close(x->fd);
	pipe_lines_free(&x->typed);
	free(x);
}
