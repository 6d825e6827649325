/* SPDX-License-Identifier: MIT */
#ifndef RVCP_VM_PROTO_H
#define RVCP_VM_PROTO_H
/*
 * The CP ⇄ VM protocol.  CP starts `rvcp vm --fd N` for each logged-on user
 * with one end of a SOCK_SEQPACKET socketpair as descriptor N.  Every
 * message is one packet: a header (type, payload length) and the payload;
 * descriptors travel with it as SCM_RIGHTS (at most PROTO_MAX_FDS).
 * Integers are host order (both ends are the same binary).  An unknown type
 * is ignored (its fds closed) by either side, so new types can be added
 * without breaking old ones.  Types 128..191 are the NSS module's.
 *
 *  CP -> VM
 *   SETUP        struct proto_setup, disk fds in disks[] order.  (Re)creates
 *                the machine: storage size, minidisks, NICs (after the
 *                disks: nnics struct proto_setup_nic, uncoupled until a
 *                NIC_LINK).  Old storage is gone.
 *                Answer: RESULT(SETUP).
 *   IPL          struct proto_ipl + parm text (NUL-terminated): IPL disk index
 *                with PARM.  The guest starts running.  Answer: RESULT(IPL).
 *   BEGIN        resume the guest (no payload).
 *   STOP         stop the guest (no payload); answer STATE(STOPPED, REQUEST).
 *   CONSOLE_IN   bytes for the guest's console.
 *   RESET        uint32 clear: SYSTEM RESET (0) / CLEAR (1); the guest stops.
 *   TRACE_SET    struct proto_trace: stop before fetching in [lo, hi] (real).
 *   TRACE_SETS   struct proto_trace_sets: every trap at once (CP's TRACE):
 *                instruction ranges, a store range, exceptions, interrupts,
 *                ECALL.  Replaces what TRACE_SET or TRACE_SETS set before.
 *   VMDUMP       no payload, one fd (an empty file, read/write): the guest's
 *                storage and harts as an ELF core file (machine_write_core),
 *                fsync()ed; the guest then goes on as it was.
 *                Answer: VMDUMP_RESULT.
 *   TRACE_CLEAR  no payload.
 *   QUIT         end the VM process (no payload).
 *   NIC_LINK     struct proto_nic_link, with one fd (the switch port's
 *                socket, non-blocking) when up: couple NIC vdev to it, or
 *                uncouple it.  The guest sees its link go up or down.
 *   MEMO         CP's notes on this VM (text, at most PROTO_MEMO_MAX bytes
 *                with its NUL), kept by the VM and given back in REATTACH,
 *                so a new CP learns what only the old one knew.  Opaque to
 *                the VM; CP trusts it no more than anything else a VM says.
 *   LOG_FD       one fd: the VM's stderr from now on (after a REATTACH).
 *   INSPECT      struct proto_inspect (+ bytes to store): read or change a
 *                hart's registers or guest storage (DISPLAY, STORE).  The
 *                VM takes it between two slices of guest instructions, so
 *                at an instruction boundary, running or not.
 *                Answer: INSPECT_REPLY with the same tag.
 *
 *  VM -> CP
 *   HELLO        no payload: the VM process is up and waits for SETUP.
 *   RESULT       struct proto_result + text: the outcome of a request;
 *                rc 0 or -errno, text says what failed.
 *   CONSOLE_OUT  bytes the guest wrote to its console.
 *   STATE        struct proto_state: the guest stopped (why, at which pc).
 *   CP_REQUEST   the text of a CP command the guest issued through its
 *                console (machine/cpreq.h), NUL-terminated.  The guest is
 *                held right after the request: CP runs the command as the
 *                user's and sends BEGIN unless the command stopped the VM.
 *   REATTACH     struct proto_reattach, its disks' fds in disks[] order:
 *                the first message on a connection from a new CP after the
 *                old one ended (vm/vm.h: a VM outlives its CP).
 */
#include <stddef.h>
#include <stdint.h>

#define PROTO_MAX_PAYLOAD 8192
#define PROTO_MAX_FDS	  16

enum proto_type {
	/* CP -> VM */
	PROTO_SETUP = 1,
	PROTO_IPL = 2,
	PROTO_BEGIN = 3,
	PROTO_STOP = 4,
	PROTO_CONSOLE_IN = 5,
	PROTO_RESET = 6,
	PROTO_TRACE_SET = 7,
	PROTO_TRACE_CLEAR = 8,
	PROTO_QUIT = 9,
	PROTO_NIC_LINK = 10,
	PROTO_MEMO = 11,
	PROTO_LOG_FD = 12,
	PROTO_INSPECT = 13,
	PROTO_TRACE_SETS = 14,
	PROTO_VMDUMP = 15,
	/* VM -> CP */
	PROTO_HELLO = 64,
	PROTO_RESULT = 65,
	PROTO_CONSOLE_OUT = 66,
	PROTO_STATE = 67,
	PROTO_CP_REQUEST = 68,
	PROTO_REATTACH = 69,
	PROTO_INSPECT_REPLY = 70,
	PROTO_VMDUMP_RESULT = 71,
	/* Named Saved Systems (vm/nss.c, cp/cmd_nss.c) */
	PROTO_NSS_FIRST = 128,
	PROTO_NSS_LAST = 191,
};

struct proto_hdr {
	uint32_t type;
	uint32_t len; /* payload bytes after the header */
};

struct proto_setup_disk {
	uint16_t vdev;
	uint8_t readonly;
	uint8_t pad[5];
	uint64_t size;
};

struct proto_setup_nic {
	uint16_t vdev;
	uint8_t mac[6];
};

struct proto_setup {
	uint64_t mem_size;
	uint64_t mem_span; /* room for shared segments up to this real address */
	uint32_t ndisks;   /* one fd each, same order */
	uint32_t nnics;	   /* struct proto_setup_nic after the disks */
	uint32_t ncpus;	   /* harts (0: one) */
	uint32_t pad;
	struct proto_setup_disk disks[]; /* ndisks */
};

struct proto_nic_link {
	uint16_t vdev;
	uint8_t up; /* 1: coupled, with the port's fd */
	uint8_t pad[5];
};

struct proto_ipl {
	uint32_t disk; /* index into SETUP's disks */
	uint32_t pad;
	char parm[]; /* NUL-terminated, may be empty */
};

struct proto_trace {
	uint64_t lo, hi; /* real addresses, inclusive */
};

#define PROTO_TRACE_RANGES 8

struct proto_trace_sets {
	uint32_t ninstr; /* ranges used in instr[] (at most PROTO_TRACE_RANGES) */
	uint8_t ext;	 /* stop after an interrupt is taken */
	uint8_t svc;	 /* stop after an ECALL */
	uint8_t store;	 /* store_lo..store_hi (real) is watched */
	uint8_t pad;
	uint64_t prog_mask; /* exception causes 0..63 to stop after */
	uint64_t store_lo, store_hi;
	struct proto_trace instr[PROTO_TRACE_RANGES]; /* real addresses */
};

struct proto_result {
	uint32_t req; /* the request type answered */
	int32_t rc;   /* 0 or -errno */
	char text[];  /* NUL-terminated */
};

/* INSPECT operations. */
enum proto_inspect_op {
	PROTO_INSP_STATE = 1,	  /* reply: struct hart_state (cpu/cpu.h) of the hart */
	PROTO_INSP_CSR = 2,	  /* addr: CSR number; reply val */
	PROTO_INSP_READ = 3,	  /* real [addr, addr+len), len <= PROTO_INSPECT_MAX */
	PROTO_INSP_WRITE = 4,	  /* real addr, the len bytes after the header */
	PROTO_INSP_TRANSLATE = 5, /* addr virtual through satp; reply val: real address */
	PROTO_INSP_SET_REG = 6,	  /* addr: PROTO_REG_*; val: the new value */
	PROTO_INSP_IO = 7,	  /* reply val: machine_io_count() */
};

/* Registers for SET_REG: x0..x31 are 0..31, f0..f31 32..63. */
#define PROTO_REG_F0 32
#define PROTO_REG_PC 64

#define PROTO_INSPECT_MAX 4096 /* bytes read or written by one INSPECT */

struct proto_inspect {
	uint32_t op;   /* enum proto_inspect_op */
	uint32_t hart; /* which hart (0: the first) */
	uint64_t tag;  /* echoed in the reply */
	uint64_t addr;
	uint64_t len;
	uint64_t val;
	uint8_t data[]; /* WRITE: len bytes */
};

/*
 * rc: 0; -ERANGE outside storage (val: the first real address outside);
 * -EACCES a read-only page (a shared saved system); -EFAULT translation
 * failed (val: the exception cause); -ENOENT no such hart, CSR or register;
 * -ENODEV no machine yet; -EINVAL a bad request.
 */
struct proto_inspect_reply {
	uint64_t tag;
	int32_t rc;
	uint32_t len; /* data bytes */
	uint64_t val;
	uint8_t data[];
};

struct proto_vmdump_result {
	int32_t rc;	   /* 0 or -errno */
	uint32_t segments; /* kernel-half PT_LOADs */
	uint64_t file_size, data_bytes;
	uint64_t ns; /* how long the VM took, fsync included */
	char text[]; /* NUL-terminated: what failed */
};

enum proto_stop_reason {
	PROTO_STOP_REQUEST = 1,	 /* STOP or RESET */
	PROTO_STOP_TRACE = 2,	 /* instruction trace hit at pc */
	PROTO_STOP_POWEROFF = 3, /* guest powered off */
	PROTO_STOP_REBOOT = 4,	 /* guest asked for a reset: CP IPLs again */
	PROTO_STOP_ERROR = 5,	 /* the machine failed (text in a RESULT) */
};

struct proto_state {
	uint32_t reason; /* enum proto_stop_reason */
	/* How many times the VM had been set running (IPL, BEGIN) when it
	 * stopped.  CP counts what it sent; a report with an older count is
	 * stale (CP has set the VM running again since) and is ignored. */
	uint32_t runs;
	uint64_t pc; /* real address of the next instruction */
	/* TRACE: what was hit (enum hart_hit_kind, cpu/cpu.h), at which
	 * virtual pc; the instruction's bits when they could be read. */
	uint32_t hit_kind;
	uint32_t insn;
	uint64_t hit_pc;
	uint64_t hit_cause;
	uint64_t hit_tval; /* STORE: the real address stored into */
	uint8_t insn_ok;
	uint8_t pad[3];
	uint32_t hit_hart; /* which hart (its mhartid) */
};

#define PROTO_MEMO_MAX	       1024
#define PROTO_REATTACH_DISKS   16
#define PROTO_REATTACH_NICS    8
#define PROTO_REATTACH_VERSION 1

/* What a VM that outlived its CP tells the next one. */
struct proto_reattach {
	uint32_t version; /* PROTO_REATTACH_VERSION */
	int32_t pid;
	char user[16];	   /* NUL-terminated, as given by --user */
	uint64_t mem_size; /* 0: no machine (no SETUP yet) */
	uint32_t runs;	   /* see struct proto_state */
	uint8_t running;   /* the guest runs (not stopped, not held) */
	uint8_t pad[3];
	uint32_t ndisks; /* one fd each */
	uint32_t nnics;
	struct proto_setup_disk disks[PROTO_REATTACH_DISKS];
	struct proto_setup_nic nics[PROTO_REATTACH_NICS];
	char memo[PROTO_MEMO_MAX]; /* the last MEMO, NUL-terminated */
};

/* A received message: payload copied out, fds owned by the receiver. */
struct proto_msg {
	uint32_t type;
	uint32_t len;
	uint8_t payload[PROTO_MAX_PAYLOAD + 1]; /* always NUL-terminated */
	int fds[PROTO_MAX_FDS];
	int nfds;
	int32_t pid; /* the sender's, when the socket has SO_PASSCRED; else 0 */
};

/* 0, or -errno (-EAGAIN on a non-blocking socket that is full). */
int proto_send(int sock, uint32_t type, const void *payload, size_t len, const int *fds, int nfds);
/* 1 a message, 0 end of connection, -errno (-EAGAIN: nothing there). */
int proto_recv(int sock, struct proto_msg *m, int flags);
void proto_close_fds(struct proto_msg *m);
const char *proto_type_name(uint32_t type);

#endif
