/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_COMMANDS_H
#define RVCP_CP_COMMANDS_H
/*
 * Handlers of the command table (cp/commands.c), by file.  A module that
 * adds commands declares its handlers in its own header and adds rows.
 */
#include "cp/cp.h"

/* cp/cmd_user.c: logon, logoff, users */
int cmd_logon(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_logoff(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_disconnect(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_msg(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_autolog(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_force(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_shutdown(struct cp_ctx *ctx, int argc, char **argv, char **rest);

/* cp/cmd_vm.c: the virtual machine */
int cmd_ipl(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_begin(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_system(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_define(struct cp_ctx *ctx, int argc, char **argv, char **rest);

/* cp/cmd_query.c: QUERY, SET, TERMINAL, HELP */
int cmd_query(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_set(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_terminal(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_help(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_virtual(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_terminal(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_names(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_users(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_time(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_set_linend(struct cp_ctx *ctx, int argc, char **argv, char **rest);

#endif
