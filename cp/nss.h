/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_NSS_H
#define RVCP_CP_NSS_H
/*
 * Named Saved Systems in CP (DESIGN §3).
 *
 * CP's core calls the NSS module directly:
 *   nss_ipl_name    IPL name [PARM text]: checks, attach, NSS_IPL to the VM
 *                   (cp/cmd_vm.c, for a name that is no virtual device)
 *   nss_trace_hit   a TRACE trap was hit: show it, run its command list
 *   nss_vm_message  NSS_RESULT from the VM (vm/nss.h): finish SAVESYS / IPL
 *   nss_release     the VM's storage is dropped: leave the saved system
 *   nss_logoff      free the per-user state (u->nss)
 * (the last four from cp/user.c).  nss_cp_init() loads the spool
 * (spool/spool.h) from cp_sys.spool at start: the catalogue survives a
 * restart of CP.
 *
 * Commands (rows in cp/commands.c, handlers in cp/cmd_nss.c,
 * cp/cmd_seg.c and cp/cmd_trace.c): DEFSYS, SAVESYS, DEFSEG, SAVESEG, PURGE
 * NSS (class E), QUERY NSS (class
 * E in all its forms), TRACE and QUERY TRACE (class G; TRACE takes the rest
 * of the line, so LINEND characters in its CMD list reach it unsplit).
 * Message numbers from 1005 up are rvcp's own (cp/messages.def).
 *
 * A user's TRACE traps form one trace set (z/VM's INITIAL), kept by CP and
 * by the VM process across IPL; each TRACE command adds a trap.
 *
 * SAVESYS stops the guest, creates NNNN.tmp and passes its descriptor to
 * the VM process, which writes its storage and hart; CP then copies the
 * data into NNNN.new (holes stay holes; no VM ever had that inode open, so
 * a VM that kept its descriptor cannot change the published pages),
 * hashes, writes the header, fsyncs, renames over the skeleton and fsyncs
 * the folder.  The commit runs in CP's loop (~0.1 s for 64 MiB).
 *
 * IPL name: CP checks RSTD/NAMESAVE, MINSIZE, that every range fits in
 * storage, and the minidisks (same vdevs and sizes, no more, no fewer: the
 * message names the first difference); the VM process (vm/nss.h) then maps
 * the ranges and waits for CP's BEGIN.  While a saved system has users, CP
 * holds one memfd for its SW and SN ranges (SW filled from the file) and
 * one for its SC ranges, of which the VMs get a read-only descriptor, so
 * even a subverted VM process cannot store into SC pages; the spool file
 * itself reaches the VMs read-only.
 *
 * SAVELX's "#,": z/VM's QUERY TERMINAL first line is "LINEND #, LINESIZE
 * 080, ...", so the seed page's EXEC builds
 *     TRACE I R 010000 CMD SAVESYS LXSHR#, TRACE END ALL
 * Commands from an EXEC are not split at LINEND (only typed lines are), so
 * TRACE receives that line whole; when the trap fires, TRACE splits its
 * command list at LINEND and strips leading blanks and commas from each
 * command (nss_trace_split), giving "SAVESYS LXSHR" and "TRACE END ALL",
 * which is what the page means.  The EXEC runs byte for byte unchanged
 * (tests/data/SAVELX.EXEC, checked against the seed by
 * tests/sh/rexx_seed_identical.sh).
 */
#include <stdbool.h>
#include <stdint.h>

#include "cp/commands.h"
#include "cp/directory.h"
#include "cp/user.h"
#include "spool/spool.h"

struct proto_msg;
struct proto_nss_result;
struct proto_state;

/* One TRACE trap. */
enum cp_trap_kind { CP_TRAP_INSTR, CP_TRAP_STORE, CP_TRAP_PROG, CP_TRAP_EXT, CP_TRAP_SVC };

struct cp_trap {
	enum cp_trap_kind kind;
	uint64_t lo, hi; /* INSTR, STORE: real addresses, inclusive */
	uint64_t causes; /* PROG: exception causes (bit n: cause n); every one when 0 */
	bool run;
	char *cmds; /* CMD list as typed, NULL when none */
};

#define CP_TRAPS_MAX 8 /* the hart's instruction ranges (PROTO_TRACE_RANGES) */

/*
 * A shared segment the user's guest gets at IPL (directory SEGMENT, DEFINE
 * SEGMENT), and what it has of it from IPL until nss_release.
 */
#define NSS_MAX_SEGS DIR_MAX_SEGS
struct nss_seg {
	char name[SPOOL_NAME_MAX + 1];
	bool exclusive;
	struct spool_file *file; /* shared: the version the guest maps (a user of it) */
	int excl_fd;		 /* exclusive: the private copy (CP's memfd), else -1 */
	uint32_t first, last;	 /* pages the guest has */
};

/* Per-user NSS state (u->nss). */
struct nss_user {
	struct nss_seg segs[NSS_MAX_SEGS];
	int nsegs;
	bool segs_mapped;	 /* the VM was sent a non-empty NSS_SEGMENTS */
	struct spool_file *file; /* the saved system this VM runs, or NULL */
	/* SAVESYS in flight (the VM writes its storage). */
	struct spool_save *save;
	/* IPL name in flight (the latest of ipl_inflight requests sent). */
	struct spool_file *ipl_file;
	int ipl_inflight;
	uint64_t ipl_t0; /* CLOCK_MONOTONIC ns when IPL name was issued */
	/* The trace set (cp/cmd_trace.c): traps in the order defined. */
	struct cp_trap traps[CP_TRAPS_MAX];
	int ntraps;
};

extern struct spool nss_spool;

/* Loads the spool at start; 0 or -errno. */
int nss_cp_init(void);
struct nss_user *nss_user_get(struct cp_user *u);
/* The VM's storage is going (IPL, reset, logoff, the VM ended). */
void nss_release(struct cp_user *u);
/* The spool id of the saved system the user's VM runs, 0 if none. */
unsigned nss_user_spoolid(const struct cp_user *u);
/* An adopted VM (cp/vmctl.h) runs saved system spoolid: counted as its user
 * (PURGE waits for it); a stale or unknown id is ignored. */
void nss_adopt(struct cp_user *u, unsigned spoolid);
/* The user logs off: frees u->nss. */
void nss_logoff(struct cp_user *u);
/* Sends the user's trap to its VM (after IPL, or when set). */
int nss_trace_send(struct cp_user *u);
/* Splits a TRACE command list at LINEND; each command has its leading blanks
 * and commas removed.  Calls fn for each non-empty command. */
void nss_trace_split(const char *cmds, char linend, void (*fn)(void *opaque, const char *cmd),
		     void *opaque);

/* cp/cmd_nss.c */
int cmd_defsys(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_savesys(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_purge(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_nss(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int nss_ipl_name(struct cp_ctx *ctx, const char *name, const char *parm);
void nss_vm_message(struct cp_user *u, struct proto_msg *m);

/* cp/cmd_seg.c: shared segments */
int cmd_defseg(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_saveseg(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_define_segment(struct cp_ctx *ctx, int argc, char **argv);
int cmd_q_segments(struct cp_ctx *ctx);
/* At IPL, after nss_release: attach the user's segments and send them to
 * the VM; 0, or the message that refuses the IPL. */
int nss_seg_ipl(struct cp_ctx *ctx);
/* nss_release's part: leave the segments, the VM unmaps them. */
void nss_seg_release(struct cp_user *u);
void nss_seg_result(struct cp_user *u, const struct proto_nss_result *r);

/* cp/cmd_trace.c */
int cmd_trace(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_trace(struct cp_ctx *ctx, int argc, char **argv, char **rest);
void nss_trace_hit(struct cp_user *u, const struct proto_state *s);
void nss_trace_free(struct nss_user *n);

#endif
