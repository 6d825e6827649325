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
 * While an EXEC runs, the user's typed lines go to it (answers to PULL);
 * HI (or the break key) halts it, HX (or a second break) kills it, and
 * LINEND+"CP cmd" still reaches CP.
 */
#include <stdint.h>

#include "cp/cp.h"

int cmd_exec(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_listfile(struct cp_ctx *ctx, int argc, char **argv, char **rest);
/* The limits of every EXEC's process (rexx/rexx.h; 0: the default). */
void cmd_exec_set_limits(uint64_t mem, uint64_t cpu_s);
/* Sets the unknown-command (implied EXEC) and logoff hooks. */
int rexx_cp_init(void);

#endif
