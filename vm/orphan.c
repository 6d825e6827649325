// SPDX-License-Identifier: MIT
/*
 * A VM that outlives its CP (vm/vm.h).  When CP's socket ends without a
 * QUIT, the guest keeps running; its console output is held (the last
 * VM_HELD_OUT bytes); the process waits on the listening socket CP gave it
 * at start for a new CP, which must run as CP's uid (SO_PEERCRED).  To it,
 * the VM sends REATTACH with its state, its disks' descriptors and CP's
 * memo, then the held output.  Without a new CP for the orphan wait, the
 * guest is stopped, its writable disks are synced, and the process ends.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/evloop.h"
#include "util/log.h"
#include "vm/vm.h"

#define VM_HELD_OUT (64u << 10)

void vm_orphan_init(struct vm *vm, int listen_fd, uint32_t cp_uid, unsigned wait_s)
{
	struct stat st;

	vm->listen_fd = -1;
	vm->cp_uid = cp_uid;
	vm->orphan_wait_ms = (uint64_t)wait_s * 1000;
	/* Only a socket counts: a CP that could not make one passes /dev/null. */
	if (listen_fd >= 0 && fstat(listen_fd, &st) == 0 && S_ISSOCK(st.st_mode))
		vm->listen_fd = listen_fd;
	else if (listen_fd >= 0)
		close(listen_fd);
}

bool vm_cp_lost(struct vm *vm)
{
	if (vm->quit || vm->listen_fd < 0)
		return false;
	if (vm->sock >= 0)
		close(vm->sock);
	vm->sock = -1;
	vm->orphaned_at = evloop_now_ms();
	log_warn("CP is gone: the guest goes on; waiting %llu s for a new CP",
		 (unsigned long long)(vm->orphan_wait_ms / 1000));
	return true;
}

void vm_orphan_hold(struct vm *vm, const uint8_t *buf, size_t len)
{
	if (len >= VM_HELD_OUT) {
		buf += len - VM_HELD_OUT;
		len = VM_HELD_OUT;
	}
	if (!vm->held) {
		vm->held = malloc(VM_HELD_OUT);
		if (!vm->held)
			return;
	}
	if (vm->heldlen + len > VM_HELD_OUT) { /* the oldest goes */
		size_t drop = vm->heldlen + len - VM_HELD_OUT;

		memmove(vm->held, vm->held + drop, vm->heldlen - drop);
		vm->heldlen -= drop;
	}
	memcpy(vm->held + vm->heldlen, buf, len);
	vm->heldlen += len;
}

void vm_set_memo(struct vm *vm, const struct proto_msg *msg)
{
	size_t n = strnlen((const char *)msg->payload, msg->len);

	if (n >= sizeof(vm->memo))
		return; /* longer than the protocol allows: keep the last good one */
	memcpy(vm->memo, msg->payload, n);
	vm->memo[n] = 0;
}

void vm_set_log(struct vm *vm, struct proto_msg *msg)
{
	if (msg->nfds != 1)
		return;
	dup2(msg->fds[0], 2);
}

static int reattach_fill(const struct vm *vm, struct proto_reattach *r, int *fds)
{
	memset(r, 0, sizeof(*r));
	r->version = PROTO_REATTACH_VERSION;
	r->pid = (int32_t)getpid();
	snprintf(r->user, sizeof(r->user), "%s", vm->user);
	r->runs = vm->runs;
	r->running = vm->running;
	memcpy(r->memo, vm->memo, sizeof(r->memo));
	if (!vm->m)
		return 0;
	r->mem_size = vm->cfg.mem_size;
	for (int i = 0; i < vm->cfg.ndisks && i < PROTO_REATTACH_DISKS; i++, r->ndisks++) {
		r->disks[i].vdev = vm->cfg.disks[i].vdev;
		r->disks[i].readonly = vm->cfg.disks[i].readonly;
		r->disks[i].size = vm->cfg.disks[i].size;
		fds[i] = vm->cfg.disks[i].fd;
	}
	for (int i = 0; i < vm->cfg.nnics && i < PROTO_REATTACH_NICS; i++, r->nnics++) {
		r->nics[i].vdev = vm->cfg.nics[i].vdev;
		memcpy(r->nics[i].mac, vm->cfg.nics[i].mac, 6);
	}
	return (int)r->ndisks;
}

/* A new CP knocks: only CP's own uid may take this VM over. */
static void vm_orphan_accept(struct vm *vm)
{
	struct proto_reattach r;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(vm->listen_fd, NULL, NULL, SOCK_CLOEXEC), fds[PROTO_REATTACH_DISKS];
	int n;

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != vm->cp_uid) {
		log_warn("a connection from uid %u refused: CP runs as %u", (unsigned)cred.uid,
			 vm->cp_uid);
		close(fd);
		return;
	}
	n = reattach_fill(vm, &r, fds);
	if (proto_send(fd, PROTO_REATTACH, &r, sizeof(r), fds, n)) {
		close(fd);
		return;
	}
	vm->sock = fd;
	vm->orphaned_at = 0;
	log_info("reattached to a new CP (pid %d)", (int)cred.pid);
	for (size_t off = 0; off < vm->heldlen;) {
		size_t k =
		    vm->heldlen - off > PROTO_MAX_PAYLOAD ? PROTO_MAX_PAYLOAD : vm->heldlen - off;

		if (proto_send(vm->sock, PROTO_CONSOLE_OUT, vm->held + off, k, NULL, 0))
			break;
		off += k;
	}
	vm->heldlen = 0;
}

void vm_orphan_poll(struct vm *vm)
{
	struct pollfd pfd = {.fd = vm->listen_fd, .events = POLLIN};

	if (poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN))
		vm_orphan_accept(vm);
}

/* Waiting for a new CP: the listening socket instead of CP's. */
bool vm_orphan_wait(struct vm *vm, bool idle)
{
	struct pollfd pfd = {.fd = vm->listen_fd, .events = POLLIN};
	uint64_t waited = evloop_now_ms() - vm->orphaned_at, left;

	if (waited >= vm->orphan_wait_ms)
		return false;
	left = vm->orphan_wait_ms - waited;
	if (idle)
		machine_wait(vm->m, &pfd, 1);
	else
		poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
	if (pfd.revents & POLLIN)
		vm_orphan_accept(vm);
	return true;
}

bool vm_orphan_expired(struct vm *vm)
{
	return vm->sock < 0 && vm->orphaned_at &&
	       evloop_now_ms() - vm->orphaned_at >= vm->orphan_wait_ms;
}

void vm_orphan_shutdown(struct vm *vm)
{
	vm->running = false;
	for (int i = 0; vm->m && i < vm->cfg.ndisks; i++)
		if (!vm->cfg.disks[i].readonly)
			fdatasync(vm->cfg.disks[i].fd);
	log_warn("no CP came back within %llu s: the guest is stopped, its disks synced",
		 (unsigned long long)(vm->orphan_wait_ms / 1000));
}
