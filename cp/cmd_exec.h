/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_CMD_EXEC_H
#define RVCP_CP_CMD_EXEC_H
/*
 * EXEC and LISTFILE: CP's side of rexx/.  A user's file area is the folder
 * users/USERID under the spool folder; NAME.EXEC there is the EXEC NAME.
 *
 *   EXEC name [args]     run it (also: the bare name, when it is no CP command)
 *   LISTFILE [fn [ft]]   list the user's files ('*' matches any name or type)
 *
 * While an EXEC runs, the user's typed lines go to it (answers to PULL; at
 * most 256 wait when it is not in PULL, then HCPTRM1051W); HI (or the break
 * key) halts it, HX (or a second break) kills it, and LINEND+"CP cmd" still
 * reaches CP.  The decisions about EXECs and PIPE: rexx/README.md.
 */
#include <stdint.h>

#include "cp/commands.h"
#include "cp/user.h"

int cmd_exec(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_listfile(struct cp_ctx *ctx, int argc, char **argv, char **rest);
/* A command word that is no CP command (cp_execute): the EXEC of that name
 * runs if the user has one; CP_RC_NOT_HANDLED if not. */
int exec_implied(struct cp_ctx *ctx, const char *line);
/* The user logs off: its EXEC is stopped, u->rexx freed. */
void exec_logoff(struct cp_user *u);
/* The limits of every EXEC's process (rexx/rexx.h; 0: the default). */
void cmd_exec_set_limits(uint64_t mem, uint64_t cpu_s);

#endif
