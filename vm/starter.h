/* SPDX-License-Identifier: MIT */
#ifndef RVCP_VM_STARTER_H
#define RVCP_VM_STARTER_H
/*
 * The VM starter (`rvcp-vm vm-starter --fd 3`, vmmain.c): one process CP starts once,
 * sandbox_spawn()ed like a VM, which starts every VM process as a copy of
 * itself (clone with CLONE_PARENT, so the VM is CP's child exactly as if
 * CP had started it) and runs vm_main() in it.
 *
 * Why: the program's libraries are then loaded and relocated once, and
 * their relocated and data pages are shared by all the VM processes (copy
 * on write) instead of each holding its own copy; and a start is the clone
 * of a small process instead of a fork of CP (whose page tables and
 * descriptor table grow with its users), an exec and dynamic linking.
 * The price: the VM processes share the starter's address-space layout
 * (address randomisation per starter, not per VM).  Each VM still takes its
 * own uid, drops every capability and loads its seccomp filter itself
 * (sandbox_enter in vm_main) before it reads a guest instruction.
 *
 * The starter first sends VM_START_HELLO (no payload).
 * Request (CP -> starter, VM_START_REQ): struct vm_start_req (its limits
 * and the VM's arguments after the program name, NUL-separated) and the
 * VM's descriptors from 2 up: its stderr, its CP socket, maybe more.
 * Answer (VM_START_ANS): an int32_t, the VM's pid or -errno.  The starter
 * ends when CP closes the socket (or dies: PR_SET_PDEATHSIG).
 */
#include <stdint.h>

#define VM_START_HELLO 0x53540000u /* the starter's first message: it is one */
#define VM_START_REQ   0x53540001u
#define VM_START_ANS   0x53540002u
#define VM_START_ARGS  256 /* bytes of arguments */
#define VM_START_MAX   16  /* arguments */

struct vm_start_req {
	uint64_t mem;	 /* RLIMIT_AS of the VM */
	uint64_t nofile; /* RLIMIT_NOFILE of the VM */
	char args[VM_START_ARGS];
};

/* Room the starter's command line keeps for the VM's (/proc/PID/cmdline). */
#define VM_STARTER_PAD 200

/* `rvcp-vm vm-starter --fd N PAD`: argv[-1] is the program name (vmmain.c). */
int vm_starter_main(int argc, char **argv);

#endif
