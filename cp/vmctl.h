/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_VMCTL_H
#define RVCP_CP_VMCTL_H
/*
 * CP's side of the VM processes: the minidisk links of a user (with their
 * open images), the process (spawned with a socketpair, restarted on the
 * next IPL after it died) and the events it sends.
 *
 * The bottom of CP's core: it calls nothing above it.  Guest console output
 * goes to the user's console (u->term, struct cp_console); everything else
 * the VM process reports goes to the struct vmctl_events the user layer
 * gave vmctl_create().
 *
 * One VM process per logged-on user, created at LOGON or AUTOLOG:
 * /proc/self/exe vm --fd 3 --user ID, with PR_SET_NO_NEW_PRIVS and cwd /
 * (and PR_SET_PDEATHSIG when it cannot outlive CP, below).  CP opens the minidisk images itself and
 * passes the descriptors (SCM_RIGHTS), so the VM process needs no file
 * system access.  If the process dies the user gets HCPVMP1058E and CP READ;
 * the next request (IPL) starts a new one.  An idle guest sleeps in ppoll()
 * on the socket until its next timer: 20 idle booted guests use no
 * measurable CPU.
 *
 * Link modes (MDISK and LINK): R is refused while another user has write
 * access, RR is always read-only, W is refused while another user has write
 * access, MR is write access, or read-only while another user writes.
 *
 * Limits, because a VM process may be hung or subverted
 * (tests/sh/cp_limits.sh, tests/unit/cp_hostile_vm.c): the VM process sends
 * its console output blocking, and CP reads at most 64 packets per VM per
 * loop round, so one chatty guest cannot starve the others.  Requests to a
 * VM process never block CP: see VMCTL_QUEUE_MAX below.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cp/messages.h"
#include "machine/machine.h"
#include "vm/proto.h"

struct cp_user;

/* What a VM process reports, for the user layer (cp/user.c). */
struct vmctl_events {
	/* The process ended unasked (not by vmctl_destroy): why, e.g. "exit status 1". */
	void (*ended)(struct cp_user *u, const char *why);
	/* A request (PROTO_IPL, PROTO_SETUP, ...) failed: the VM's reason. */
	void (*failed)(struct cp_user *u, uint32_t req, const char *text);
	/* The guest stopped, and no BEGIN or IPL sent since has overtaken the
	 * report: reason PROTO_STOP_*, s->pc the real address it stopped at,
	 * s->hit_* what a trace trap caught. */
	void (*stopped)(struct cp_user *u, const struct proto_state *s);
	/* The guest asked for a CP command (machine/cpreq.h); the guest waits
	 * stopped until it is sent PROTO_BEGIN. */
	void (*request)(struct cp_user *u, const char *line);
	/* VMDUMP_RESULT (vm/proto.h). */
	void (*dump_result)(struct cp_user *u, struct proto_msg *m);
	/* A message of the NSS range (vm/nss.h); it owns m's descriptors. */
	void (*nss_message)(struct cp_user *u, struct proto_msg *m);
};

/* Where a disk comes from (QUERY VIRTUAL DASD shows it; cp/cmd_disk.c). */
enum cp_link_kind {
	CP_LINK_MDISK, /* the directory's MDISK or LINK: disk says which */
	CP_LINK_TEMP,  /* DEFINE T9336: an unlinked sparse file of CP's */
	CP_LINK_VDSK,  /* DEFINE VFB-512: a memfd */
};

struct cp_link {
	enum cp_link_kind kind;
	uint16_t vdev;
	bool write;
	int fd;
	uint64_t size;
	dev_t dev;
	ino_t ino;
	const struct dir_disk *disk; /* CP_LINK_MDISK only; NULL otherwise */
};

/* A request waiting for room in the VM's socket (cp_vm_send). */
struct vmctl_out {
	struct vmctl_out *next;
	uint32_t type;
	uint32_t len;
	int fds[PROTO_MAX_FDS]; /* our own duplicates */
	int nfds;
	uint8_t payload[PROTO_MAX_PAYLOAD];
};

/*
 * Bounds of that queue (in order, descriptors duplicated).  The VM process
 * reads its socket between slices of guest instructions, so a queue that
 * grows means it is hung: beyond VMCTL_QUEUE_MAX requests CP SIGKILLs it,
 * the user gets HCPVMP1058E and the next IPL starts a new one.  Typed
 * console input is merged into as few packets as fit and, beyond
 * VMCTL_INPUT_MAX bytes waiting, lost with HCPTRM1051W (the guest reads no
 * more than that either).
 */
#define VMCTL_QUEUE_MAX 64
#define VMCTL_INPUT_MAX (64 << 10)

/*
 * The VM process's sandbox (util/sandbox.h) and limits: its address space
 * is its storage plus VMCTL_MEM_OVERHEAD (the program, its libraries, the
 * decode cache, stacks, the queues), so a guest can never use more host
 * memory than its storage; a new process on DEFINE STORAGE (vmctl_restart).
 * Descriptors: the socket, the disks, NSS files, and room to spare.
 */
#define VMCTL_MEM_OVERHEAD (1ull << 30)
#define VMCTL_NOFILE	   256

/*
 * DISPLAY and STORE need the VM's answer before the command ends (an EXEC
 * captures their lines), so vmctl_inspect() is the one request CP waits
 * for: the VM answers between two slices of guest instructions, within
 * milliseconds.  While CP waits, the VM's console output is shown as usual
 * and its other reports are kept (at most VMCTL_STASH_MAX) and handled, in
 * order, right after the command.  A VM process that does not answer
 * within VMCTL_INSPECT_MS (it is hung or subverted) is not asked again
 * until it is replaced (next IPL after it ends): CP waits for a given
 * process at most once.
 */
#define VMCTL_INSPECT_MS 10000
#define VMCTL_STASH_MAX	 64

struct vmctl_stash {
	struct vmctl_stash *next;
	struct proto_msg m;
};

struct cp_vm {
	struct cp_user *user;
	const struct vmctl_events *ev;
	pid_t pid;     /* 0: no process */
	int sock;      /* -1: no connection */
	bool reaped;   /* the process was waited for (pid kept for the report) */
	int status;    /* its wait status */
	bool quitting; /* we asked it to end */
	bool hung;     /* it stopped reading its requests and is being ended */
	uint32_t runs; /* IPL and BEGIN requests sent (see struct proto_state) */
	struct cp_link links[MACHINE_MAX_DISKS];
	int nlinks;
	int pidfd;			    /* an adopted process (not CP's child), or -1 */
	struct vmctl_out *outq, *outq_tail; /* sent in order on EPOLLOUT */
	int noutq;
	size_t outq_input;			/* CONSOLE_IN bytes in outq */
	uint64_t inspect_tag;			/* of the last INSPECT sent */
	bool inspect_dead;			/* it did not answer one: not asked again */
	struct vmctl_stash *stash, *stash_tail; /* reports kept while CP waited */
	int nstash;
	struct ev_timer *replay; /* handles the stash on the next loop round */
};

/*
 * VM processes outlive CP (vm/vm.h, cp/vmctl_adopt.c).  Each VM gets a
 * listening socket SPOOL/VMCTL_SOCK_DIR/USERID.sock; a CP that starts on
 * the spool connects to every one there and adopts the VMs that answer
 * with REATTACH.  --orphan-wait S (300; 0: VMs end with CP) is how long a
 * VM left without CP waits before it stops its guest and ends.
 */
#define VMCTL_SOCK_DIR "vm"
void vmctl_set_orphan_wait(unsigned seconds);

/* A VM process that outlived the previous CP, as it reported itself. */
struct vmctl_orphan {
	int sock;
	int pidfd;
	struct proto_reattach r;
	int fds[PROTO_REATTACH_DISKS]; /* the disks, r.disks[] order */
	int nfds;
};
/* Connects to the VMs waiting in the spool; fn for each that reports
 * itself (later, from the loop); fn owns the orphan. */
void vmctl_find_orphans(void (*fn)(struct vmctl_orphan *o));
/* Ends a VM that cannot be adopted (it gets QUIT) and frees o. */
void vmctl_orphan_reject(struct vmctl_orphan *o, const char *why);
/* Takes o over as u's VM: its disks become u's links (each must be one of
 * u's directory minidisks, a T-disk or a V-disk); frees o.  0 or -errno
 * (o is then rejected). */
int vmctl_adopt(struct cp_user *u, const struct vmctl_events *ev, struct vmctl_orphan *o);

/* Link the user's minidisks (messages for refused ones) and start the process. */
int vmctl_create(struct cp_user *u, const struct vmctl_events *ev, struct cp_sink *sink);
/* End the process and close the images. */
void vmctl_destroy(struct cp_user *u);
/* (Re)send SETUP: storage size and disks. */
int vmctl_setup(struct cp_user *u);
/* A new process (its limits follow the storage size), SETUP sent to it. */
int vmctl_restart(struct cp_user *u);
/* A child ended (SIGCHLD). */
void vmctl_reaped(pid_t pid, int status);
/* CPU time of the user's VM process, "mmm:ss.hh" (QUERY TIME, LOGOFF). */
void vmctl_cpu_time(const struct cp_user *u, char *buf, size_t size);
/* Wait (bounded) for every VM process to end (shutdown). */
void vmctl_wait_all(void);
/* The VM starter (vm/starter.h): started once, before the first VM; closed at shutdown. */
int vmctl_starter_open(void);
void vmctl_starter_close(void);
/* Send a protocol message (vm/proto.h) to the user's VM; never blocks. */
int cp_vm_send(struct cp_user *u, uint32_t type, const void *payload, size_t len, const int *fds,
	       int nfds);
/*
 * INSPECT (vm/proto.h) and wait for its answer (see VMCTL_INSPECT_MS):
 * q (its tag is set here) with dlen bytes of data after it; the reply's
 * header into *r and at most outmax data bytes into out.  Returns the
 * VM's rc, or -ENOTCONN (no VM process), -ETIMEDOUT (it did not answer).
 */
int vmctl_inspect(struct cp_user *u, struct proto_inspect *q, const void *data, size_t dlen,
		  struct proto_inspect_reply *r, void *out, size_t outmax);
/* The user's link of vdev: index in u->vm->links, or -1. */
int cp_vm_disk_index(struct cp_user *u, uint16_t vdev);

#endif
