/* SPDX-License-Identifier: MIT */
#ifndef RVCP_VM_NSS_H
#define RVCP_VM_NSS_H
/*
 * Named Saved Systems in the VM process: the NSS messages of the CP ⇄ VM
 * protocol (types PROTO_NSS_FIRST..PROTO_NSS_LAST of vm/proto.h).  CP opens
 * every file; the VM process only writes its storage into, or lays it over
 * from, descriptors it is given.
 *
 *  CP -> VM
 *   NSS_SAVE   struct proto_nss_save; fds[0] the new spool file (read/write).
 *              SAVESYS: writes each map[i] (storage real..real+len at file
 *              offset off) and struct hart_state at hart_off.  The guest
 *              must be stopped.  Answer: NSS_RESULT(NSS_SAVE).
 *   NSS_IPL    struct proto_nss_ipl, then the PARM text (NUL-terminated)
 *              at parm_off; fds[0] the spool file (read-only), then the
 *              saved system's SW/SN memfd and the read-only descriptor of
 *              its SC memfd when it has such ranges; map[i].fd says which.
 *              IPL name: clears storage, mem_map()s every range with its
 *              kind, rewrites the device tree (storage size, PARM text on
 *              the kernel command line) when its pages are exclusive, and
 *              loads the saved hart state.  The guest stays stopped: CP
 *              sends BEGIN.  Answer: NSS_RESULT(NSS_IPL).
 *
 *   NSS_SEGMENTS struct proto_nss_segs; fds: what its parts map (read-only
 *              descriptors of the segments' activation copies, CP's SW/SN
 *              memfds, an exclusive copy's memfd read/write).  Replaces
 *              the machine's shared segments (machine_set_segments): they
 *              stay over every IPL and reset until the next NSS_SEGMENTS;
 *              nseg 0 unmaps them.  Sent before IPL.  Answer:
 *              NSS_RESULT(NSS_SEGMENTS).
 *
 *  VM -> CP
 *   NSS_RESULT struct proto_nss_result + text: rc 0 or -errno, the time the
 *              request took in the VM process, what failed.
 *
 * A saved system of a booted guest: SAVESYS name while it runs (typed with
 * #CP, or from the guest with cpcmd; CP stops it at an instruction boundary
 * first), with DEFSYS ranges that cover all the storage the kernel uses
 * (e.g. 0-FF EW 100-2FF SR 300-3FFF EW for 64M).  NSS_SAVE always writes
 * the machine state blob after the hart state, and only the non-zero pages,
 * so the file stays sparse (7 MiB on disk for 64M of a booted Linux).  How
 * the guest's clock goes on when such a system is IPLed: load_devices() in
 * vm/nss.c.
 */
#include <stdint.h>

#include "spool/spool.h"

struct proto_msg;
struct vm;

enum proto_nss_type {
	PROTO_NSS_SAVE = 128,
	PROTO_NSS_IPL = 129,
	PROTO_NSS_SEGMENTS = 130,
	PROTO_NSS_RESULT = 160,
};

struct proto_nss_save {
	uint64_t hart_off;  /* struct hart_state, then the device state */
	uint32_t hart_size; /* must be sizeof(struct hart_state) */
	uint32_t dev_size;  /* must be machine_state_size() */
	uint32_t nmap;
	uint32_t pad;
	struct spool_map map[]; /* nmap, the saved ranges */
};

struct proto_nss_ipl {
	uint64_t hart_off; /* struct hart_state, then the device state */
	uint32_t hart_size;
	uint32_t dev_size; /* 0: a system saved without device state */
	uint32_t nmap;
	uint32_t parm_off; /* payload offset of the PARM text */
	uint32_t pad;
	struct spool_map map[]; /* nmap: every DEFSYS range */
};

struct proto_nss_seg {
	uint64_t real, len; /* bytes, above the VM's storage */
	uint64_t off;	    /* in the descriptor */
	uint8_t fd;	    /* index into the message's fds; PROTO_NSS_SEG_ZERO: zero pages */
	uint8_t kind;	    /* enum mem_map_kind */
	uint8_t region;	    /* which segment: regions 0, 1, ... in the guest's order */
	uint8_t pad[5];
};
#define PROTO_NSS_SEG_ZERO 0xff

struct proto_nss_segs {
	uint32_t nseg; /* parts, at most MACHINE_MAX_SEG_MAPS */
	uint32_t pad;
	struct proto_nss_seg seg[];
};

struct proto_nss_result {
	uint32_t req; /* PROTO_NSS_SAVE, PROTO_NSS_IPL or PROTO_NSS_SEGMENTS */
	int32_t rc;   /* 0 or -errno */
	uint64_t ns;  /* time spent in the VM process */
	char text[];  /* NUL-terminated */
};

/* Handlers of vm_handlers[] (vm/main.c); they answer with NSS_RESULT. */
void vm_nss_save(struct vm *vm, struct proto_msg *msg);
void vm_nss_ipl(struct vm *vm, struct proto_msg *msg);
void vm_nss_segments(struct vm *vm, struct proto_msg *msg);

#endif
