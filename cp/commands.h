/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_COMMANDS_H
#define RVCP_CP_COMMANDS_H
/*
 * CP commands (cp/commands.c): the command table, the dispatcher
 * cp_execute(), and the handlers of cp/cmd_user.c, cp/cmd_vm.c and
 * cp/cmd_query.c.  A module that adds commands (cp/nss.h, cp/cmd_exec.h)
 * declares its handlers in its own header and adds rows to the table.
 *
 * A handler never prints: it answers with numbered messages,
 *     return cp_msg(ctx, MSG_..., args);
 * (cp/messages.h) into ctx->sink: the user's terminal, or a capture buffer
 * (struct cp_capture) when an EXEC runs a command for `PIPE CP ...` or to
 * set RC.
 *
 * Running a command for an EXEC:
 *     struct cp_capture cap;
 *     cp_capture_init(&cap);
 *     rc = cp_execute(user, "QUERY NAMES", &cap.sink);
 *     ... cap.lines[0 .. cap.n-1] ...
 *     cp_capture_free(&cap);
 * The line is one command; LINEND is not applied (the terminal splits typed
 * lines before calling cp_execute).  A leading "CP " is accepted and ignored.
 * A command word that is no CP command may name an EXEC (implied EXEC,
 * cp/cmd_exec.h); otherwise it is HCPCMD001E.
 */
#include <stdbool.h>

#include "cp/messages.h"
#include "cp/user.h"

/* A sink that keeps the lines (for PIPE CP and EXECs). */
struct cp_capture {
	struct cp_sink sink;
	char **lines;
	size_t n, cap;
};
void cp_capture_init(struct cp_capture *c);
void cp_capture_free(struct cp_capture *c);

/* The context of one command. */
struct cp_ctx {
	struct cp_user *user;	 /* NULL before LOGON */
	struct cp_console *term; /* the terminal that typed it, NULL from an EXEC */
	struct cp_sink *sink;
	const char *line; /* the whole command line */
	int hart;	  /* the hart DISPLAY and STORE mean (CPU nn command); 0: the base CPU */
};

/*
 * A command table row.  The handler gets the tokens (argv[0] is the
 * command word as typed) and rest[i], the original text from token i to the
 * end of the line (for MSG text, PARM text, command lists).
 */
typedef int (*cp_cmd_fn)(struct cp_ctx *ctx, int argc, char **argv, char **rest);

#define CP_CMD_PRELOGON 0x1 /* valid before LOGON */
#define CP_CMD_ONLY_PRE 0x2 /* valid only before LOGON */
#define CP_CMD_REST	0x4 /* takes the rest of a typed line: LINEND is not split */

struct cp_command {
	const char *name;    /* upper case */
	unsigned minlen;     /* shortest abbreviation */
	const char *classes; /* privilege classes allowed, "*" = every user */
	unsigned flags;	     /* CP_CMD_* */
	cp_cmd_fn fn;
	const char *help; /* operands, one line */
};

extern const struct cp_command cp_commands[];	       /* NULL-terminated */
extern const struct cp_command cp_query_commands[];    /* QUERY operands */
extern const struct cp_command cp_set_commands[];      /* SET operands */
extern const struct cp_command cp_terminal_commands[]; /* TERMINAL operands */

/* exec_implied(): no such EXEC (a return code besides message numbers). */
#define CP_RC_NOT_HANDLED (-1)

/* Run one command line (no LINEND splitting) for user u (NULL: not logged on). */
int cp_execute(struct cp_user *u, const char *line, struct cp_sink *sink);
/* Same with a full context (terminal known). */
int cp_execute_ctx(struct cp_ctx *ctx);
/* Does the command that begins `line` take the rest of a typed line? */
bool cp_command_takes_rest(struct cp_user *u, const char *line);
/* Find a command by (abbreviated) name in a table, honouring u's classes. */
const struct cp_command *cp_command_find(const struct cp_command *table, struct cp_user *u,
					 const char *word);
/* Dispatch argv[0] in a subcommand table (QUERY, SET). */
int cp_subcommand(struct cp_ctx *ctx, const struct cp_command *table, int argc, char **argv,
		  char **rest);

/* cp/cmd_user.c: logon, logoff, users */
int cmd_logon(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_logoff(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_disconnect(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_msg(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_autolog(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_force(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_shutdown(struct cp_ctx *ctx, int argc, char **argv, char **rest);

/* cp/cmd_indicate.c: INDICATE, QUERY STORAGE and PROCESSORS (the host's) */
int cmd_indicate(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_host_storage(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_processors(struct cp_ctx *ctx, int argc, char **argv, char **rest);

/* cp/cmd_directxa.c: the directory file read again */
int cmd_directxa(struct cp_ctx *ctx, int argc, char **argv, char **rest);

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
int cmd_set_msg(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_set_pf(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_pf(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_term_more(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_term_hold(struct cp_ctx *ctx, int argc, char **argv, char **rest);

#endif
