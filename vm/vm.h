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
 * Message handlers are rows of vm_handlers[] (vm/main.c); the NSS module
 * adds its rows (types PROTO_NSS_FIRST..LAST) with handlers in vm/nss.c.
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

/* `rvcp vm --fd N [--user ID]` (vm/main.c): argv[0] is the subcommand name. */
int vm_main(int argc, char **argv);

#endif
