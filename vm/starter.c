// SPDX-License-Identifier: MIT
/* The VM starter (vm/starter.h): clones itself into VM processes. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/log.h"
#include "util/sandbox.h"
#include "vm/proto.h"
#include "vm/starter.h"
#include "vm/vm.h"

/*
 * The VM's own command line over the starter's, in place (a process's
 * /proc/PID/cmdline is the memory its arguments were given in): CP and
 * the tools that look at processes see `rvcp vm --fd 3 --user ID`.
 */
static void starter_cmdline(char *area, size_t size, char *const argv[])
{
	size_t off = 0;

	memset(area, 0, size);
	for (int i = 0; argv[i]; i++) {
		size_t n = strlen(argv[i]) + 1;

		if (off + n > size)
			break;
		memcpy(area + off, argv[i], n);
		off += n;
	}
}

/*
 * In the clone: its command line, descriptors in place (closing the rest
 * tells the starter it is done with both), limits, then the VM program.
 */
static void starter_child(const struct vm_start_req *r, char **argv, int argc, const int *fds,
			  int nfds, char *area, size_t size)
{
	const struct sandbox_limits lim = {.mem = r->mem, .nofile = r->nofile};

	starter_cmdline(area, size, argv);
	/* The received descriptors lie above 3 (0-3 are the starter's own). */
	for (int i = 0; i < nfds; i++)
		if (dup2(fds[i], 2 + i) < 0)
			_exit(127);
	if (close_range((unsigned)(2 + nfds), ~0U, 0) < 0 || sandbox_limits_apply(&lim))
		_exit(127);
	optind = 0; /* getopt starts afresh */
	_exit(vm_main(argc - 1, argv + 1));
}

/* The request's arguments: "rvcp" and the NUL-separated ones, at most VM_START_MAX. */
static int starter_args(const struct vm_start_req *r, size_t len, char **argv)
{
	size_t off = 0;
	int argc = 0;

	argv[argc++] = "rvcp";
	while (off < len && argc < VM_START_MAX) {
		const char *end = memchr(r->args + off, 0, len - off);

		if (!end)
			return -EINVAL;
		argv[argc++] = (char *)r->args + off;
		off = (size_t)(end - r->args) + 1;
	}
	argv[argc] = NULL;
	return off == len && argc >= 2 && !strcmp(argv[1], "vm") ? argc : -EINVAL;
}

static int32_t starter_start(const struct proto_msg *m, char *area, size_t size)
{
	static struct vm_start_req r;
	char *argv[VM_START_MAX + 1];
	size_t hdr = offsetof(struct vm_start_req, args);
	int done[2], argc;
	int32_t rc;
	long pid;
	char c;

	if (m->type != VM_START_REQ || m->len < hdr || m->len > sizeof(r) || m->nfds < 2)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	memcpy(&r, m->payload, m->len);
	argc = starter_args(&r, m->len - hdr, argv);
	if (argc < 0)
		return argc;
	if (pipe2(done, O_CLOEXEC) < 0)
		return -errno;
	/* fork() with CP as the parent: CP reaps it and gets its SIGCHLD */
	pid = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		starter_child(&r, argv, argc, m->fds, m->nfds, area, size);
	rc = pid < 0 ? -errno : (int32_t)pid;
	close(done[1]);
	/* CP looks at /proc/PID once it has the pid: the clone shows itself first */
	while (pid > 0 && read(done[0], &c, 1) < 0 && errno == EINTR)
		;
	close(done[0]);
	return rc;
}

int vm_starter_main(int argc, char **argv)
{
	static struct proto_msg msg;
	char *area = argv[-1];
	size_t size;
	int sock;

	if (argc < 3 || strcmp(argv[1], "--fd") || (sock = atoi(argv[2])) < 3) {
		fprintf(stderr, "usage: rvcp vm-starter --fd N [PAD] (started by cp)\n");
		return 2;
	}
	size = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) + 1 - area);
	log_set_name("rvcp vm-starter");
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() == 1)
		return 1;
	if (proto_send(sock, VM_START_HELLO, NULL, 0, NULL, 0))
		return 1;
	for (;;) {
		int rc = proto_recv(sock, &msg, 0);
		int32_t ans;

		if (rc == -EINTR)
			continue;
		if (rc <= 0)
			return 0; /* CP closed the socket or is gone */
		ans = starter_start(&msg, area, size);
		proto_close_fds(&msg);
		if (proto_send(sock, VM_START_ANS, &ans, sizeof(ans), NULL, 0))
			return 1;
	}
}
