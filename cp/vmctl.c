// SPDX-License-Identifier: MIT
/*
 * CP's side of the VM processes (cp/vmctl.h).  CP opens every minidisk
 * image itself, honouring the link modes against the links of the other
 * logged-on users, and hands the descriptors to the VM process, which needs
 * no file system access of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp/childlog.h"
#include "cp/net.h"
#include "cp/user.h"
#include "cp/vmctl.h"

#include "cp/cmd_cpu.h"
#include "util/log.h"
#include "util/sandbox.h"
#include "vm/proto.h"
#include "vm/starter.h"

/* Another user's write link to the same image, if any. */
static struct cp_user *vmctl_writer(const struct stat *st, struct cp_user *self)
{
	for (struct cp_user *o = cp_sys.users; o; o = o->next) {
		if (o == self || !o->vm)
			continue;
		for (int i = 0; i < o->vm->nlinks; i++) {
			struct cp_link *l = &o->vm->links[i];

			if (l->write && l->dev == st->st_dev && l->ino == st->st_ino)
				return o;
		}
	}
	return NULL;
}

static int vmctl_link(struct cp_user *u, const struct dir_disk *d, struct cp_sink *sink)
{
	struct cp_vm *vm = u->vm;
	struct cp_link *l = &vm->links[vm->nlinks];
	struct cp_user *writer;
	struct stat st;
	int fd;

	if (vm->nlinks == MACHINE_MAX_DISKS)
		return cp_sink_msg(sink, MSG_LINK_FAILED, d->owner, d->owner_vdev,
				   "too many minidisks");
	if (stat(d->path, &st) < 0)
		return cp_sink_msg(sink, MSG_LINK_FAILED, d->owner, d->owner_vdev, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return cp_sink_msg(sink, MSG_LINK_FAILED, d->owner, d->owner_vdev,
				   "the image is not a file");
	writer = vmctl_writer(&st, u);
	l->write = d->mode == DIR_MODE_W || d->mode == DIR_MODE_MR;
	if (writer && (d->mode == DIR_MODE_W || d->mode == DIR_MODE_R))
		return cp_sink_msg(sink, MSG_LINK_RW_BY, d->owner, d->owner_vdev, writer->id);
	if (writer)
		l->write = false; /* MR: read-only while somebody else writes */
	fd = open(d->path, (l->write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return cp_sink_msg(sink, MSG_LINK_FAILED, d->owner, d->owner_vdev, strerror(errno));
	l->fd = fd;
	l->vdev = d->vdev;
	l->size = st.st_size;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	l->disk = d;
	vm->nlinks++;
	log_info("%s: %04X linked %s to %s", u->id, d->vdev, l->write ? "R/W" : "R/O", d->path);
	return 0;
}

static void vmctl_event(void *opaque, int fd, uint32_t events);
static void vmctl_message(struct cp_user *u, struct proto_msg *m);

/* The VM whose stash is being handled (vmctl_replay), NULL once it is freed. */
static struct cp_vm *vmctl_replaying;

static void vmctl_stash_free(struct cp_vm *vm)
{
	while (vm->stash) {
		struct vmctl_stash *st = vm->stash;

		vm->stash = st->next;
		proto_close_fds(&st->m);
		free(st);
	}
	vm->stash_tail = NULL;
	vm->nstash = 0;
	if (vm->replay)
		evloop_timer_cancel(cp_sys.loop, vm->replay);
	vm->replay = NULL;
}

static void vmctl_outq_free(struct cp_vm *vm)
{
	while (vm->outq) {
		struct vmctl_out *o = vm->outq;

		vm->outq = o->next;
		for (int i = 0; i < o->nfds; i++)
			close(o->fds[i]);
		free(o);
	}
	vm->outq_tail = NULL;
	vm->noutq = 0;
	vm->outq_input = 0;
}

/* The VM process does not take its requests: end it (the user is told
 * when it has been reaped, as for any VM that ends). */
static void vmctl_hung(struct cp_user *u)
{
	struct cp_vm *vm = u->vm;

	log_warn("%s: VM process %d does not read its requests: ending it", u->id, (int)vm->pid);
	vm->hung = true;
	vmctl_outq_free(vm);
	if (vm->pid && !vm->reaped)
		kill(vm->pid, SIGKILL);
}

/* Keeps a request that did not fit in the socket, within the bounds of vmctl.h. */
static int vmctl_queue(struct cp_user *u, uint32_t type, const void *payload, size_t len,
		       const int *fds, int nfds)
{
	struct cp_vm *vm = u->vm;
	struct vmctl_out *o = vm->outq_tail;

	if (type == PROTO_CONSOLE_IN) {
		if (vm->outq_input + len > VMCTL_INPUT_MAX)
			return -ENOBUFS;
		if (o && o->type == PROTO_CONSOLE_IN && o->len + len <= PROTO_MAX_PAYLOAD) {
			memcpy(o->payload + o->len, payload, len);
			o->len += len;
			vm->outq_input += len;
			return 0;
		}
	}
	if (vm->noutq >= VMCTL_QUEUE_MAX) {
		vmctl_hung(u);
		return -ETIMEDOUT;
	}
	o = malloc(sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->next = NULL;
	o->type = type;
	o->len = len;
	o->nfds = 0;
	if (len)
		memcpy(o->payload, payload, len);
	for (int i = 0; i < nfds; i++) {
		int fd = fcntl(fds[i], F_DUPFD_CLOEXEC, 0);

		if (fd < 0) {
			int err = -errno;

			while (o->nfds)
				close(o->fds[--o->nfds]);
			free(o);
			return err;
		}
		o->fds[o->nfds++] = fd;
	}
	if (vm->outq_tail)
		vm->outq_tail->next = o;
	else
		vm->outq = o;
	vm->outq_tail = o;
	vm->noutq++;
	if (type == PROTO_CONSOLE_IN)
		vm->outq_input += len;
	evloop_mod(cp_sys.loop, vm->sock, EPOLLIN | EPOLLOUT);
	return 0;
}

/* The socket has room again: send what waits, in order. */
static void vmctl_flush(struct cp_user *u)
{
	struct cp_vm *vm = u->vm;

	while (vm->outq) {
		struct vmctl_out *o = vm->outq;
		int rc = proto_send(vm->sock, o->type, o->payload, o->len, o->fds, o->nfds);

		if (rc == -EAGAIN)
			return;
		if (rc)
			log_warn("%s: sending %s to the VM: %s", u->id, proto_type_name(o->type),
				 strerror(-rc));
		vm->outq = o->next;
		if (!vm->outq)
			vm->outq_tail = NULL;
		vm->noutq--;
		if (o->type == PROTO_CONSOLE_IN)
			vm->outq_input -= o->len;
		for (int i = 0; i < o->nfds; i++)
			close(o->fds[i]);
		free(o);
	}
	evloop_mod(cp_sys.loop, vm->sock, EPOLLIN);
}

/* The VM starter (vm/starter.h); -1 when there is none (VMs are then spawned directly). */
static int starter_sock = -1;

/*
 * The starter's program: rvcp-vm beside CP's own (the VM programs without
 * CP's libraries), or NULL.  Only that one: a program that embeds CP (a
 * test) starts VMs as itself, and started as something it does not know
 * it would run as itself again.
 */
static const char *vmctl_vm_program(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - sizeof("rvcp-vm"));
	char *slash;

	if (n <= 0 || (size_t)n >= size - sizeof("rvcp-vm"))
		return NULL;
	buf[n] = 0;
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	strcpy(slash + 1, "rvcp-vm");
	return access(buf, X_OK) ? NULL : buf;
}

/* The starter says hello first: anything else is no starter. */
static int vmctl_starter_hello(int sock)
{
	static struct proto_msg m;
	int rc = proto_recv(sock, &m, 0);

	if (rc <= 0)
		return rc ? rc : -EPIPE;
	proto_close_fds(&m);
	return m.type == VM_START_HELLO ? 0 : -EPROTO;
}

int vmctl_starter_open(void)
{
	char pad[VM_STARTER_PAD + 1], path[4096];
	const char *prog = vmctl_vm_program(path, sizeof(path));
	char *argv[] = {"rvcp", "vm-starter", "--fd", "3", pad, NULL};
	const struct sandbox_limits lim = {.nofile = VMCTL_NOFILE};
	const struct timeval wait = {.tv_sec = 10};
	int sv[2], errfd;
	pid_t pid;

	if (!prog)
		return -ENOENT;
	memset(pad, '-', VM_STARTER_PAD);
	pad[VM_STARTER_PAD] = 0;
	errfd = childlog_open("vm-starter");
	if (errfd < 0)
		return errfd;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		close(errfd);
		return -errno;
	}
	pid = sandbox_spawn_prog(prog, (const int[]){-1, -1, errfd, sv[1]}, 4, &lim, argv,
				 sandbox_env());
	close(errfd);
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return pid;
	}
	/* A starter that does not answer is given up (VMs are then spawned directly). */
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
	if (vmctl_starter_hello(sv[0])) {
		close(sv[0]); /* it ends at the end of its socket, or CP reaps it */
		kill(pid, SIGKILL);
		return -EPROTO;
	}
	starter_sock = sv[0];
	return 0;
}

void vmctl_starter_close(void)
{
	if (starter_sock >= 0)
		close(starter_sock); /* the starter ends at the end of its socket */
	starter_sock = -1;
}

/* A VM process from the starter (fds[2..nfds) become its 2..): its pid, or -errno. */
static pid_t vmctl_start_cloned(char *const argv[], const int *fds, int nfds,
				const struct sandbox_limits *lim)
{
	static struct proto_msg ans;
	static struct vm_start_req r;
	size_t off = 0;
	int32_t pid;
	int rc;

	memset(&r, 0, sizeof(r));
	r.mem = lim->mem;
	r.nofile = lim->nofile;
	for (int i = 1; argv[i]; i++) { /* argv[0] is the starter's */
		size_t n = strlen(argv[i]) + 1;

		if (off + n > sizeof(r.args))
			return -E2BIG;
		memcpy(r.args + off, argv[i], n);
		off += n;
	}
	rc = proto_send(starter_sock, VM_START_REQ, &r, offsetof(struct vm_start_req, args) + off,
			fds + 2, nfds - 2);
	if (rc)
		return rc;
	rc = proto_recv(starter_sock, &ans, 0);
	if (rc <= 0)
		return rc ? rc : -EPIPE;
	proto_close_fds(&ans);
	if (ans.type != VM_START_ANS || ans.len != sizeof(pid))
		return -EPROTO;
	memcpy(&pid, ans.payload, sizeof(pid));
	return pid;
}

static unsigned orphan_wait_s = 300; /* --orphan-wait */

void vmctl_set_orphan_wait(unsigned seconds)
{
	orphan_wait_s = seconds;
}

/* SPOOL/vm/USERID.sock: where a VM that outlived CP waits for the next one. */
static int vmctl_sock_path(const char *user, struct sockaddr_un *sa)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/" VMCTL_SOCK_DIR "/%s.sock",
		     cp_sys.spool, user);
	return n > 0 && (size_t)n < sizeof(sa->sun_path) ? 0 : -ENAMETOOLONG;
}

/* The VM's listening socket, or -1 (the VM then ends with CP). */
static int vmctl_listener(struct cp_user *u)
{
	struct sockaddr_un sa;
	int fd;

	if (!orphan_wait_s || vmctl_sock_path(u->id, &sa))
		return -1;
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		log_warn("%s: %s: %s; the VM ends with CP", u->id, sa.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void vmctl_unlink_sock(const char *user)
{
	struct sockaddr_un sa;

	if (!vmctl_sock_path(user, &sa))
		unlink(sa.sun_path);
}

/* The VM program, sandboxed (util/sandbox.h): stderr into CP's log, the
 * socket at 3, its listening socket at 4. */
static pid_t vmctl_start(struct cp_user *u, int sock, int errfd)
{
	char uid[16], wait[16];
	char *argv[16] = {"rvcp", "vm", "--fd", "3", "--user", (char *)u->id};
	int lfd = vmctl_listener(u), argc = 6;
	const int fds[] = {-1, -1, errfd, sock, lfd};
	const struct sandbox_limits lim = {
	    /* the room for segments is address space too (their pages are CP's files) */
	    .mem = (u->seg_span > u->storage ? u->seg_span : u->storage) + VMCTL_MEM_OVERHEAD,
	    .nofile = VMCTL_NOFILE,
	};
	pid_t pid;

	if (u->dir->cpu[0]) {
		argv[argc++] = "--cpu";
		argv[argc++] = u->dir->cpu;
	}
	if (lfd >= 0) {
		snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
		snprintf(wait, sizeof(wait), "%u", orphan_wait_s);
		argv[argc++] = "--listen-fd";
		argv[argc++] = "4";
		argv[argc++] = "--cp-uid";
		argv[argc++] = uid;
		argv[argc++] = "--orphan-wait";
		argv[argc++] = wait;
	}
	argv[argc] = NULL;
	pid = -ENOENT;
	if (starter_sock >= 0) {
		pid = vmctl_start_cloned(argv, fds, lfd >= 0 ? 5 : 4, &lim);
		if (pid == -EAGAIN || pid == -EPIPE || pid == -ECONNRESET || pid == -EPROTO) {
			log_warn("the VM starter does not answer (%s): VMs are started directly",
				 strerror(-pid));
			vmctl_starter_close();
			pid = -ENOENT;
		}
	}
	if (pid == -ENOENT)
		pid = sandbox_spawn(fds, lfd >= 0 ? 5 : 4, &lim, argv, sandbox_env());
	if (lfd >= 0)
		close(lfd);
	return pid;
}

static int vmctl_spawn(struct cp_user *u)
{
	struct cp_vm *vm = u->vm;
	char who[32];
	int sv[2], errfd;
	pid_t pid;

	snprintf(who, sizeof(who), "vm %s", u->id);
	errfd = childlog_open(who);
	if (errfd < 0)
		return errfd;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		close(errfd);
		return -errno;
	}
	pid = vmctl_start(u, sv[1], errfd);
	close(errfd);
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return pid;
	}
	vm->pid = pid;
	vm->runs = 0; /* a new process has taken none */
	vm->sock = sv[0];
	vm->reaped = false;
	vm->quitting = false;
	vm->hung = false;
	fcntl(vm->sock, F_SETFL, O_NONBLOCK);
	evloop_add(cp_sys.loop, vm->sock, EPOLLIN, vmctl_event, u);
	log_info("%s: VM process %d started", u->id, (int)pid);
	/* A VM that fails from here on is reported when it ends (vmctl_gone). */
	vmctl_setup(u);
	return 0;
}

int vmctl_setup(struct cp_user *u)
{
	struct cp_vm *vm = u->vm;
	union {
		struct proto_setup s;
		uint8_t buf[sizeof(struct proto_setup) +
			    MACHINE_MAX_DISKS * sizeof(struct proto_setup_disk) +
			    MACHINE_MAX_NICS * sizeof(struct proto_setup_nic)];
	} m;
	int fds[MACHINE_MAX_DISKS], rc;
	struct proto_setup_nic nics[MACHINE_MAX_NICS];

	memset(&m, 0, sizeof(m));
	m.s.mem_size = u->storage;
	m.s.mem_span = u->seg_span;
	m.s.ncpus = (uint32_t)cpu_count(u);
	m.s.ndisks = vm->nlinks;
	for (int i = 0; i < vm->nlinks; i++) {
		m.s.disks[i].vdev = vm->links[i].vdev;
		m.s.disks[i].readonly = !vm->links[i].write;
		m.s.disks[i].size = vm->links[i].size;
		fds[i] = vm->links[i].fd;
	}
	m.s.nnics = (uint32_t)net_setup_nics(u, nics, MACHINE_MAX_NICS);
	memcpy(&m.s.disks[vm->nlinks], nics, m.s.nnics * sizeof(nics[0]));
	rc = cp_vm_send(u, PROTO_SETUP, &m,
			sizeof(struct proto_setup) + vm->nlinks * sizeof(struct proto_setup_disk) +
			    m.s.nnics * sizeof(nics[0]),
			fds, vm->nlinks);
	if (!rc)
		net_after_setup(u);
	return rc;
}

int vmctl_create(struct cp_user *u, const struct vmctl_events *ev, struct cp_sink *sink)
{
	u->vm = calloc(1, sizeof(*u->vm));
	if (!u->vm)
		return -ENOMEM;
	u->vm->user = u;
	u->vm->ev = ev;
	u->vm->sock = -1;
	u->vm->pidfd = -1;
	if (!u->net && net_user_logon(u))
		return -ENOMEM;
	for (int i = 0; i < u->dir->ndisks; i++)
		vmctl_link(u, &u->dir->disks[i], sink);
	return vmctl_spawn(u);
}

/* SIGKILL the process: CP's child by its pid, an adopted one by its pidfd. */
static void vmctl_kill(struct cp_vm *vm)
{
	if (vm->pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, vm->pidfd, SIGKILL, NULL, 0);
		close(vm->pidfd);
		vm->pidfd = -1;
		vm->reaped = true; /* not our child: init reaps it */
		return;
	}
	if (vm->pid && !vm->reaped)
		kill(vm->pid, SIGKILL);
}

/* Close the connection; the process ends on QUIT or on the closed socket. */
static void vmctl_disconnect(struct cp_vm *vm)
{
	vmctl_outq_free(vm);
	vmctl_stash_free(vm);
	vm->inspect_dead = false; /* a new process will be asked afresh */
	if (vm->sock < 0)
		return;
	evloop_del(cp_sys.loop, vm->sock);
	close(vm->sock);
	vm->sock = -1;
}

/* Both the connection closed and the process reaped: the VM is gone. */
static void vmctl_gone(struct cp_user *u)
{
	struct cp_vm *vm = u->vm;
	char why[64];

	if (vm->sock >= 0 || !vm->reaped)
		return;
	if (WIFSIGNALED(vm->status))
		snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(vm->status));
	else
		snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(vm->status));
	log_info("%s: VM process %d ended, %s", u->id, (int)vm->pid, why);
	vm->pid = 0;
	if (!vm->quitting)
		vm->ev->ended(u, why);
}

int vmctl_restart(struct cp_user *u)
{
	struct cp_vm *vm = u->vm;

	if (!vm)
		return -ENODEV;
	if (vm->sock >= 0)
		proto_send(vm->sock, PROTO_QUIT, NULL, 0, NULL, 0);
	vmctl_disconnect(vm);
	vmctl_kill(vm); /* reaped later; no user's VM has its pid then */
	vm->pid = 0;
	return vmctl_spawn(u);
}

void vmctl_destroy(struct cp_user *u)
{
	struct cp_vm *vm = u->vm;

	if (!vm)
		return;
	vm->quitting = true;
	if (vm->sock >= 0)
		proto_send(vm->sock, PROTO_QUIT, NULL, 0, NULL, 0);
	vmctl_disconnect(vm);
	vmctl_kill(vm); /* nothing in it to save: CP holds all state */
	vmctl_unlink_sock(u->id);
	for (int i = 0; i < vm->nlinks; i++)
		close(vm->links[i].fd);
	/* The pid is reaped by the SIGCHLD handler; nothing refers to vm then. */
	if (vmctl_replaying == vm)
		vmctl_replaying = NULL;
	free(vm);
	u->vm = NULL;
}

void vmctl_reaped(pid_t pid, int status)
{
	for (struct cp_user *u = cp_sys.users; u; u = u->next) {
		if (u->vm && u->vm->pid == pid) {
			u->vm->reaped = true;
			u->vm->status = status;
			vmctl_disconnect(u->vm);
			vmctl_gone(u);
			return;
		}
	}
}

void vmctl_wait_all(void)
{
	for (int i = 0; i < 200; i++) {
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			return;
		usleep(10000);
	}
}

int cp_vm_send(struct cp_user *u, uint32_t type, const void *payload, size_t len, const int *fds,
	       int nfds)
{
	struct cp_vm *vm = u->vm;
	int rc;

	if (!vm)
		return -ENODEV;
	if (!vm->pid && type != PROTO_SETUP) {
		/* The process ended: a new one for the next request. */
		rc = vmctl_spawn(u);
		if (rc)
			return rc;
	}
	if (vm->sock < 0)
		return -ENOTCONN;
	if (vm->hung)
		return -EPIPE;
	/* Never blocks: what does not fit waits in a bounded queue, in order. */
	if (vm->outq)
		rc = vmctl_queue(u, type, payload, len, fds, nfds);
	else
		rc = proto_send(vm->sock, type, payload, len, fds, nfds);
	if (rc == -EAGAIN)
		rc = vmctl_queue(u, type, payload, len, fds, nfds);
	if (rc && rc != -ENOBUFS)
		log_warn("%s: sending %s to the VM: %s", u->id, proto_type_name(type),
			 strerror(-rc));
	else if (type == PROTO_IPL || type == PROTO_BEGIN)
		vm->runs++;
	return rc;
}

int cp_vm_disk_index(struct cp_user *u, uint16_t vdev)
{
	if (!u->vm)
		return -1;
	for (int i = 0; i < u->vm->nlinks; i++)
		if (u->vm->links[i].vdev == vdev)
			return i;
	return -1;
}

/* CPU time of the user's VM process from /proc, as "mmm:ss.hh". */
void vmctl_cpu_time(const struct cp_user *u, char *buf, size_t size)
{
	unsigned long long ut = 0, st = 0, ticks;
	char path[64], stat[1024];
	FILE *f;

	snprintf(buf, size, "000:00.00");
	if (!u->vm || !u->vm->pid)
		return;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)u->vm->pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(stat, sizeof(stat), f)) {
		const char *p = strrchr(stat, ')');

		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
				&st) == 2) {
			ticks = (ut + st) * 100 / sysconf(_SC_CLK_TCK);
			snprintf(buf, size, "%03llu:%02llu.%02llu", ticks / 6000, ticks / 100 % 60,
				 ticks % 100);
		}
	}
	fclose(f);
}

static void vmctl_result(struct cp_user *u, struct proto_msg *m)
{
	struct proto_result *r = (struct proto_result *)m->payload;

	if (m->len < sizeof(*r) || r->rc == 0)
		return;
	log_info("%s: VM %s failed: %s", u->id, proto_type_name(r->req), r->text);
	u->vm->ev->failed(u, r->req, r->text);
}

static void vmctl_state(struct cp_user *u, struct proto_msg *m)
{
	struct proto_state *s = (struct proto_state *)m->payload;

	if (m->len < sizeof(*s))
		return;
	if (s->runs != u->vm->runs) {
		/* It stopped before taking a BEGIN or IPL CP sent since: it runs again. */
		log_info("%s: stale stop report ignored (%u of %u)", u->id, s->runs, u->vm->runs);
		return;
	}
	u->vm->ev->stopped(u, s);
}

/* A CP command the guest issued: the payload, up to its NUL. */
static void vmctl_request(struct cp_user *u, struct proto_msg *m)
{
	size_t len = strnlen((const char *)m->payload, m->len);
	char *line = strndup((const char *)m->payload, len);

	if (!line) {
		log_warn("%s: guest request dropped: out of memory", u->id);
		if (u->running)
			cp_vm_send(u, PROTO_BEGIN, NULL, 0, NULL, 0);
		return;
	}
	u->vm->ev->request(u, line);
	free(line);
}

static void vmctl_message(struct cp_user *u, struct proto_msg *m)
{
	switch (m->type) {
	case PROTO_HELLO:
		break;
	case PROTO_RESULT:
		vmctl_result(u, m);
		break;
	case PROTO_CONSOLE_OUT:
		if (u->term)
			u->term->raw(u->term, m->payload, m->len);
		break;
	case PROTO_STATE:
		vmctl_state(u, m);
		break;
	case PROTO_CP_REQUEST:
		vmctl_request(u, m);
		break;
	case PROTO_VMDUMP_RESULT:
		u->vm->ev->dump_result(u, m);
		break;
	default:
		if (m->type >= PROTO_NSS_FIRST && m->type <= PROTO_NSS_LAST) {
			u->vm->ev->nss_message(u, m);
			return;
		}
		log_warn("%s: unknown VM message type %u ignored", u->id, m->type);
		break;
	}
	proto_close_fds(m);
}

static void vmctl_event(void *opaque, int fd, uint32_t events)
{
	struct cp_user *u = opaque;
	static struct proto_msg m; /* large; CP is single-threaded */

	if (events & EPOLLOUT) {
		vmctl_flush(u);
		if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
			return;
	}
	/* Drain a bounded number of packets so one chatty VM cannot starve
	 * the others; epoll reports the rest on the next round. */
	for (int i = 0; i < 64 && u->vm && u->vm->sock == fd; i++) {
		int rc = proto_recv(fd, &m, MSG_DONTWAIT);

		if (rc == -EAGAIN)
			return;
		if (rc <= 0) {
			if (rc < 0)
				log_warn("%s: VM connection: %s", u->id, strerror(-rc));
			vmctl_disconnect(u->vm);
			if (u->vm->pidfd >= 0) { /* adopted: no SIGCHLD will come */
				close(u->vm->pidfd);
				u->vm->pidfd = -1;
				u->vm->reaped = true;
				u->vm->status = 0;
			}
			vmctl_gone(u);
			return;
		}
		vmctl_message(u, &m);
	}
}

/* The reports kept while CP waited for an INSPECT answer, in order. */
static void vmctl_replay(void *opaque)
{
	struct cp_vm *vm = opaque;

	vm->replay = NULL;
	vmctl_replaying = vm;
	while (vmctl_replaying == vm && vm->stash) {
		struct vmctl_stash *st = vm->stash;

		vm->stash = st->next;
		if (!vm->stash)
			vm->stash_tail = NULL;
		vm->nstash--;
		vmctl_message(vm->user, &st->m); /* may free vm (LOGOFF in a trace list) */
		free(st);
	}
	vmctl_replaying = NULL;
}

/* Keep a report for after the command; false when too many wait. */
static bool vmctl_stash(struct cp_vm *vm, struct proto_msg *m)
{
	struct vmctl_stash *st;

	if (vm->nstash >= VMCTL_STASH_MAX)
		return false;
	st = malloc(sizeof(*st));
	if (!st)
		return false;
	memcpy(&st->m, m, offsetof(struct proto_msg, payload) + m->len + 1);
	memcpy(st->m.fds, m->fds, sizeof(m->fds));
	st->m.nfds = m->nfds;
	m->nfds = 0;
	st->next = NULL;
	if (vm->stash_tail)
		vm->stash_tail->next = st;
	else
		vm->stash = st;
	vm->stash_tail = st;
	vm->nstash++;
	if (!vm->replay)
		vm->replay = evloop_timer(cp_sys.loop, 0, vmctl_replay, vm);
	return true;
}

/* Send the request behind what already waits in the queue; 1 sent, 0 not yet. */
static int vmctl_inspect_send(struct cp_user *u, const void *req, size_t len)
{
	struct cp_vm *vm = u->vm;
	int rc;

	if (vm->outq)
		vmctl_flush(u);
	if (vm->outq)
		return 0;
	rc = proto_send(vm->sock, PROTO_INSPECT, req, len, NULL, 0);
	if (rc == -EAGAIN)
		return 0;
	return rc ? rc : 1;
}

/* One packet while waiting: 1 the answer, 0 something else, -errno. */
static int vmctl_inspect_take(struct cp_user *u, uint64_t tag, struct proto_inspect_reply *r,
			      void *out, size_t outmax)
{
	static struct proto_msg m;
	struct cp_vm *vm = u->vm;
	int rc = proto_recv(vm->sock, &m, MSG_DONTWAIT);

	if (rc == -EAGAIN)
		return 0;
	if (rc <= 0)
		return rc ? rc : -ENOTCONN; /* the loop sees the end and reports it */
	if (m.type == PROTO_INSPECT_REPLY) {
		struct proto_inspect_reply h;

		proto_close_fds(&m); /* an answer carries none */
		if (m.len < sizeof(h))
			return -EPROTO;
		memcpy(&h, m.payload, sizeof(h));
		if (h.tag != tag || h.len > m.len - sizeof(h))
			return 0; /* the answer to a request given up on */
		*r = h;
		if (r->len > outmax)
			r->len = (uint32_t)outmax;
		if (r->len)
			memcpy(out, m.payload + sizeof(h), r->len);
		return 1;
	}
	if (m.type == PROTO_CONSOLE_OUT) {
		vmctl_message(u, &m);
		return 0;
	}
	if (!vmctl_stash(vm, &m)) {
		proto_close_fds(&m);
		return -ETIMEDOUT;
	}
	return 0;
}

int vmctl_inspect(struct cp_user *u, struct proto_inspect *q, const void *data, size_t dlen,
		  struct proto_inspect_reply *r, void *out, size_t outmax)
{
	static uint8_t req[sizeof(struct proto_inspect) + PROTO_INSPECT_MAX];
	struct cp_vm *vm = u->vm;
	uint64_t deadline = evloop_now_ms() + VMCTL_INSPECT_MS;
	int sent = 0, rc = 0;

	if (!vm || !vm->pid || vm->sock < 0 || vm->hung || vm->inspect_dead)
		return -ENOTCONN;
	if (dlen > PROTO_INSPECT_MAX)
		return -EINVAL;
	q->tag = ++vm->inspect_tag;
	memcpy(req, q, sizeof(*q));
	if (dlen)
		memcpy(req + sizeof(*q), data, dlen);
	while (rc == 0) {
		struct pollfd pfd = {.fd = vm->sock, .events = POLLIN};
		uint64_t now = evloop_now_ms();

		if (!sent) {
			sent = vmctl_inspect_send(u, req, sizeof(*q) + dlen);
			if (sent < 0)
				return sent;
		}
		if (now >= deadline)
			break;
		if (!sent)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, (int)(deadline - now)) < 0 && errno != EINTR)
			return -errno;
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			rc = vmctl_inspect_take(u, q->tag, r, out, outmax);
	}
	if (rc == 1)
		return r->rc;
	if (rc == 0 || rc == -ETIMEDOUT) {
		log_warn("%s: VM process %d did not answer INSPECT: not asked again", u->id,
			 (int)vm->pid);
		vm->inspect_dead = true;
		return -ETIMEDOUT;
	}
	return rc;
}

/* One of the adopted VM's disks: which of u's links it is. */
static int vmctl_adopt_link(struct cp_user *u, struct cp_link *l, int fd,
			    const struct proto_setup_disk *sd)
{
	int acc = fcntl(fd, F_GETFL) & O_ACCMODE;
	struct stat st, ds;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -EBADF;
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	l->vdev = sd->vdev;
	l->size = sd->size;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	l->write = !sd->readonly && acc == O_RDWR;
	if (fcntl(fd, F_GET_SEALS) >= 0) {
		l->kind = CP_LINK_VDSK; /* a memfd */
		return 0;
	}
	if (st.st_nlink == 0) {
		l->kind = CP_LINK_TEMP; /* an unlinked file */
		return 0;
	}
	for (int i = 0; i < u->dir->ndisks; i++) {
		const struct dir_disk *d = &u->dir->disks[i];

		if (d->vdev == sd->vdev && stat(d->path, &ds) == 0 && ds.st_dev == st.st_dev &&
		    ds.st_ino == st.st_ino) {
			l->kind = CP_LINK_MDISK;
			l->disk = d;
			l->write = l->write && (d->mode == DIR_MODE_W || d->mode == DIR_MODE_MR);
			return 0;
		}
	}
	return -EPERM; /* not a disk of this user's directory entry */
}

/* Its stderr into CP's log again. */
static void vmctl_adopt_log(struct cp_user *u)
{
	char who[32];
	int errfd;

	snprintf(who, sizeof(who), "vm %s", u->id);
	errfd = childlog_open(who);
	if (errfd < 0)
		return;
	cp_vm_send(u, PROTO_LOG_FD, NULL, 0, &errfd, 1);
	close(errfd);
}

int vmctl_adopt(struct cp_user *u, const struct vmctl_events *ev, struct vmctl_orphan *o)
{
	struct cp_vm *vm = calloc(1, sizeof(*vm));

	if (!vm) {
		vmctl_orphan_reject(o, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (int i = 0; i < o->nfds; i++) {
		if (vmctl_adopt_link(u, &vm->links[i], o->fds[i], &o->r.disks[i])) {
			vmctl_orphan_reject(o, "a disk that is not the user's");
			free(vm);
			return -EPERM;
		}
		vm->nlinks++;
	}
	vm->user = u;
	vm->ev = ev;
	vm->sock = o->sock;
	vm->pid = o->r.pid;
	vm->pidfd = o->pidfd;
	vm->runs = o->r.runs;
	u->vm = vm;
	fcntl(vm->sock, F_SETFL, O_NONBLOCK);
	evloop_add(cp_sys.loop, vm->sock, EPOLLIN, vmctl_event, u);
	free(o);
	vmctl_adopt_log(u);
	/* CP's traps went with the old CP: the VM's go too. */
	cp_vm_send(u, PROTO_TRACE_CLEAR, NULL, 0, NULL, 0);
	log_info("%s: VM process %d taken over, %d disks", u->id, (int)vm->pid, vm->nlinks);
	return 0;
}
