/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_NSS_H
#define RVCP_CP_NSS_H
/*
 * Named Saved Systems in CP (DESIGN §3, issue 5).
 *
 * CP's core reaches NSS only through cp_hooks (cp/cp.h), which
 * nss_cp_init() sets (listed in cp_module_inits[], cp/main.c):
 *   ipl_name    IPL name [PARM text]: checks, attach, NSS_IPL to the VM
 *   trace_hit   a TRACE I R range was hit: run its command list
 *   vm_message  NSS_RESULT from the VM (vm/nss.h): finish SAVESYS / IPL
 *   release     the VM's storage is dropped: leave the saved system
 *   logoff      free the per-user state (u->nss)
 * The spool (spool/spool.h) is loaded from cp_sys.spool at init: the
 * catalogue survives a restart of CP.
 *
 * Commands (rows in cp/commands.c, handlers in cp/cmd_nss.c and
 * cp/cmd_trace.c): DEFSYS, SAVESYS, PURGE NSS (class E), QUERY NSS (class
 * E), TRACE and QUERY TRACE (class G; TRACE takes the rest of the line, so
 * LINEND characters in its CMD list reach it unsplit).
 */
#include <stdbool.h>
#include <stdint.h>

#include "cp/cp.h"
#include "spool/spool.h"

/* Per-user NSS state (u->nss). */
struct nss_user {
	struct spool_file *file; /* the saved system this VM runs, or NULL */
	/* SAVESYS in flight (the VM writes its storage). */
	struct spool_save *save;
	/* IPL name in flight (the latest of ipl_inflight requests sent). */
	struct spool_file *ipl_file;
	int ipl_inflight;
	uint64_t ipl_t0; /* CLOCK_MONOTONIC ns when IPL name was issued */
	/* The instruction trace trap (one per user): real addresses. */
	bool trace_on;
	uint64_t trace_lo, trace_hi;
	bool trace_run;
	char *trace_cmds; /* CMD list as typed, NULL when none */
};

extern struct spool nss_spool;

int nss_cp_init(void);
struct nss_user *nss_user_get(struct cp_user *u);
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

/* cp/cmd_trace.c */
int cmd_trace(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_trace(struct cp_ctx *ctx, int argc, char **argv, char **rest);
void nss_trace_hit(struct cp_user *u, uint64_t real);

#endif
