/* SPDX-License-Identifier: MIT */
#ifndef RVCP_VM_VM_H
#define RVCP_VM_VM_H
/*
 * The VM process (`rvcp vm --fd N`): one virtual machine driven by CP over
 * the socket of vm/proto.h.  It opens no files: disks (and NSS spool files)
 * arrive as descriptors.  When the guest is idle it sleeps in ppoll() on the
 * socket with the guest's next timer deadline as timeout, so an idle guest
 * costs no host CPU.
 *
 * What an idle VM holds (measured with `make bench` / bench-10000: 1000 idle
 * guests resumed from a saved booted Linux, smaps of the VM processes; PSS
 * 387 KiB per guest): the guest's own written pages (about 176 KiB of
 * copy-on-write pages of the saved system), the heap (about 80 KiB: device
 * state, the memory flags, trimmed when idle), the hart (a few pages: its
 * decode cache, TLB and translations are released when idle, cpu/README.md),
 * the stack (16 KiB) and libc's data.  Program and library pages are the
 * starter's (vm/starter.h), shared by all.  The kernel adds page tables
 * (VmPTE, about 84 KiB, outside PSS); CP holds per user its state and three
 * descriptors (socket, log pipe, a disk link), and raises its descriptor
 * limit for them (cp/main.c).
 *
 * Message handlers are rows of vm_handlers[] (vm/main.c); the NSS module
 * adds its rows (types PROTO_NSS_FIRST..LAST) with handlers in vm/nss.c.
 *
 * A VM outlives its CP (vm/orphan.c): CP passes, besides its socket, a
 * listening socket (--listen-fd) bound in its spool folder.  When CP's
 * socket ends without a QUIT (CP crashed, was killed, or is being
 * upgraded), the guest goes on running, its console output held, and the
 * VM waits --orphan-wait seconds for a new CP to connect there (as CP's
 * uid, --cp-uid); the new CP is sent REATTACH (vm/proto.h) and carries on.
 * Without one, the guest is stopped, its writable disks synced, and the
 * process ends.  A CP request the guest made meanwhile is lost: the guest
 * stays held until the user's BEGIN.
 */
#include <stdbool.h>
#include <stdint.h>

#include "machine/machine.h"
#include "vm/proto.h"

struct vm {
	int sock;
	const char *user;
	struct machine *m;	   /* NULL until SETUP */
	struct machine_config cfg; /* disks: the fds of the last SETUP */
	bool running;
	int cpu;		       /* machine_config.cpu: from --cpu */
	uint32_t runs;		       /* IPL and BEGIN requests taken (struct proto_state) */
	struct proto_trace_sets trace; /* CP's traps, real addresses; kept across IPL and reset */
	uint8_t *in;		       /* console input not yet taken by the guest */
	size_t inlen, incap;
	bool quit;
	void *nss; /* the NSS module's state */
	/* Outliving CP (vm/orphan.c). */
	int listen_fd;		 /* -1: the VM ends with its CP */
	uint32_t cp_uid;	 /* who may connect to listen_fd */
	uint64_t orphan_wait_ms; /* how long to wait for a new CP */
	uint64_t orphaned_at;	 /* CLOCK_MONOTONIC ms; 0 while CP is there */
	uint8_t *held;		 /* console output while no CP was there */
	size_t heldlen;
	char memo[PROTO_MEMO_MAX]; /* CP's notes (PROTO_MEMO) */
};

struct vm_handler {
	uint32_t type;
	void (*fn)(struct vm *vm, struct proto_msg *m);
};

/* Answer a request: RESULT(req, rc, text). */
void vm_result(struct vm *vm, uint32_t req, int rc, const char *text);
/* Report that the guest stopped (STATE). */
void vm_stopped(struct vm *vm, enum proto_stop_reason why);
/* Apply CP's traps to the hart (after IPL, reset, SETUP). */
void vm_apply_trace(struct vm *vm);

/* INSPECT: DISPLAY and STORE (vm/inspect.c). */
void vm_inspect(struct vm *vm, struct proto_msg *m);
void vm_vmdump(struct vm *vm, struct proto_msg *m);

/* vm/orphan.c */
void vm_orphan_init(struct vm *vm, int listen_fd, uint32_t cp_uid, unsigned wait_s);
/* CP's socket ended: true if the VM goes on as an orphan, false if it ends. */
bool vm_cp_lost(struct vm *vm);
/* Console output while no CP is there (the newest VM_HELD_OUT bytes kept). */
void vm_orphan_hold(struct vm *vm, const uint8_t *buf, size_t len);
/* Between slices of a busy guest: has a new CP come? */
void vm_orphan_poll(struct vm *vm);
/* Waits for a new CP or the guest's timer; false when the wait is over. */
bool vm_orphan_wait(struct vm *vm, bool idle);
bool vm_orphan_expired(struct vm *vm);
/* The orphan wait is over: stop the guest, sync its writable disks. */
void vm_orphan_shutdown(struct vm *vm);
void vm_set_memo(struct vm *vm, const struct proto_msg *msg);
void vm_set_log(struct vm *vm, struct proto_msg *msg);

/* `rvcp vm --fd N [--user ID]` (vm/main.c): argv[0] is the subcommand name. */
int vm_main(int argc, char **argv);

#endif
