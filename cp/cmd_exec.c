// SPDX-License-Identifier: MIT
/*
 * EXEC, implied EXEC and LISTFILE: starting EXECs (rexx/) for CP users and
 * serving their requests from CP's event loop.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unistd.h>

#include "cp/childlog.h"
#include "cp/cmd_exec.h"
#include "rexx/rexx.h"

/* One user's running EXEC (u->rexx). */
struct exec_state {
	struct cp_user *user; /* NULL once the user logged off */
	struct rexx_exec *x;
	char name[16];	 /* "SAVELX" */
	int depth;	 /* > 0 while inside the EXEC's event handler */
	bool in_command; /* cp_execute() runs a command for the EXEC */
	bool unknown;	 /* ... and CP did not know it */
	bool breaks;	 /* a break came: the next one kills */
	struct cp_input_hook input;
};

static struct rexx_limits exec_limits = {.errfd = -1}; /* rvcp cp --exec-storage, --exec-cpu */

void cmd_exec_set_limits(uint64_t mem, uint64_t cpu_s)
{
	exec_limits.mem = mem;
	exec_limits.cpu_s = cpu_s;
}

static void user_dir(struct cp_user *u, char *buf, size_t len)
{
	snprintf(buf, len, "%s/users/%s", cp_sys.spool, u->id);
}

static void exec_write(struct exec_state *st, const char *line)
{
	if (st->user)
		cp_user_write(st->user, line);
}

/*
 * A command from the EXEC.  Captured responses (PIPE cp) go back to it; the
 * others go straight to the user's terminal, as for a typed command, so that
 * they keep their order and a LOGOFF's farewell still reaches the user.
 */
static void exec_command(void *ctx, struct rexx_exec *x, const char *cmd, bool capture)
{
	struct exec_state *st = ctx;
	struct cp_capture cap;
	int rc;

	if (!st->user) {
		rexx_exec_reply(x, -1, false);
		return;
	}
	cp_capture_init(&cap);
	st->in_command = true;
	st->unknown = false;
	rc = cp_execute(st->user, cmd, capture ? &cap.sink : &st->user->sink);
	st->in_command = false;
	for (size_t i = 0; i < cap.n; i++)
		rexx_exec_line(x, cap.lines[i]);
	cp_capture_free(&cap);
	rexx_exec_reply(x, rc, st->unknown);
}

static void exec_say(void *ctx, const char *line)
{
	exec_write(ctx, line);
}

static void exec_pull(void *ctx)
{
	/* Nothing to do: the input hook hands the next typed line over. */
}

static const struct rexx_host exec_host = {
    .command = exec_command,
    .say = exec_say,
    .pull = exec_pull,
};

static void exec_free(struct exec_state *st)
{
	evloop_del(cp_sys.loop, rexx_exec_fd(st->x));
	rexx_exec_free(st->x);
	if (st->user) {
		cp_user_set_input(st->user, NULL);
		st->user->rexx = NULL;
	}
	free(st);
}

static void exec_ended(struct exec_state *st, int how, int rc)
{
	if (st->user && how == 2)
		cp_user_msg(st->user, MSG_EXEC_KILLED, st->name);
	else if (st->user && rc)
		cp_user_msg(st->user, MSG_EXEC_RC, st->name, rc);
	exec_free(st);
}

static void exec_event(void *opaque, int fd, uint32_t events)
{
	struct exec_state *st = opaque;
	int how, rc = 0;

	st->depth++;
	how = rexx_exec_event(st->x, &rc);
	st->depth--;
	if (how)
		exec_ended(st, how, rc);
	else if (!st->user)
		exec_free(st); /* the user logged off from inside the EXEC */
}

/* A typed line while the EXEC runs: HI, HX, #CP cmd, or input for PULL. */
static void exec_input_line(void *opaque, const char *text)
{
	struct exec_state *st = opaque;
	struct cp_user *u = st->user;
	const char *p = text + strspn(text, " ");

	if (!strcasecmp(p, "HI")) {
		st->breaks = true;
		rexx_exec_halt(st->x);
		return;
	}
	if (!strcasecmp(p, "HX")) {
		rexx_exec_halt(st->x);
		rexx_exec_halt(st->x);
		return;
	}
	if (u->linend && p[0] == u->linend && !strncasecmp(p + 1, "CP", 2) &&
	    (p[3] == ' ' || !p[3])) {
		cp_execute(u, p + 3, &u->sink);
		return;
	}
	if (rexx_exec_input(st->x, text))
		cp_user_msg(u, MSG_TERM_TYPEAHEAD_FULL);
}

static void exec_input_attn(void *opaque)
{
	struct exec_state *st = opaque;

	/* First break: HALT; the second, while it still runs, kills it. */
	st->breaks = true;
	rexx_exec_halt(st->x);
}

/* The EXEC's process, its standard error into CP's log (cp/childlog.h). */
static int exec_spawn(struct cp_user *u, const char *path, const char *fileid, const char *args,
		      struct exec_state *st)
{
	struct rexx_limits lim = exec_limits;
	char who[32];
	int rc;

	snprintf(who, sizeof(who), "exec %s", u->id);
	lim.errfd = childlog_open(who);
	rc = rexx_exec_start(path, fileid, args, &lim, &exec_host, st, &st->x);
	if (lim.errfd >= 0)
		close(lim.errfd);
	return rc;
}

static int exec_start(struct cp_ctx *ctx, const char *name, const char *args)
{
	struct cp_user *u = ctx->user;
	struct exec_state *st;
	char dir[4096], path[4096], fileid[32];
	int rc;

	if (u->rexx)
		return cp_msg(ctx, MSG_EXEC_BUSY, ((struct exec_state *)u->rexx)->name);
	user_dir(u, dir, sizeof(dir));
	if (strlen(name) > 8 || rexx_file_find(dir, name, "EXEC", path, sizeof(path)))
		return cp_msg(ctx, MSG_EXEC_NOT_FOUND, name);
	st = calloc(1, sizeof(*st));
	if (!st)
		return cp_msg(ctx, MSG_EXEC_FAILED, name, strerror(ENOMEM));
	snprintf(st->name, sizeof(st->name), "%s", name);
	for (char *p = st->name; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	snprintf(fileid, sizeof(fileid), "%s EXEC", st->name);
	st->user = u;
	rc = exec_spawn(u, path, fileid, args, st);
	if (rc) {
		free(st);
		return cp_msg(ctx, MSG_EXEC_FAILED, name, strerror(-rc));
	}
	rc = evloop_add(cp_sys.loop, rexx_exec_fd(st->x), EPOLLIN, exec_event, st);
	if (rc) {
		rexx_exec_free(st->x);
		free(st);
		return cp_msg(ctx, MSG_EXEC_FAILED, name, strerror(-rc));
	}
	st->input = (struct cp_input_hook){exec_input_line, exec_input_attn, st};
	u->rexx = st;
	cp_user_set_input(u, &st->input);
	return 0;
}

int cmd_exec(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	return exec_start(ctx, argv[1], argc > 2 ? rest[2] : "");
}

static void listfile_line(void *opaque, const char *line)
{
	struct cp_ctx *ctx = opaque;

	cp_msg(ctx, MSG_LISTFILE_LINE, line);
}

int cmd_listfile(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	char dir[4096];

	if (argc > 3)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[3]);
	user_dir(ctx->user, dir, sizeof(dir));
	if (rexx_file_list(dir, argc > 1 ? argv[1] : "*", argc > 2 ? argv[2] : "*", listfile_line,
			   ctx))
		return cp_msg(ctx, MSG_LISTFILE_NONE);
	return 0;
}

static bool exec_exists(struct cp_user *u, const char *name)
{
	char dir[4096], path[4096];

	user_dir(u, dir, sizeof(dir));
	return rexx_file_find(dir, name, "EXEC", path, sizeof(path)) == 0;
}

/*
 * A command word CP does not know.  From a running EXEC it stays unknown (the
 * EXEC gets RC -3); typed, it may be an implied EXEC.
 */
int exec_implied(struct cp_ctx *ctx, const char *line)
{
	struct exec_state *st = ctx->user->rexx;
	char name[16];
	size_t n;

	if (st) {
		if (st->in_command)
			st->unknown = true;
		return CP_RC_NOT_HANDLED;
	}
	line += strspn(line, " \t");
	n = strcspn(line, " \t");
	if (n == 0 || n > 8)
		return CP_RC_NOT_HANDLED;
	memcpy(name, line, n);
	name[n] = 0;
	if (!exec_exists(ctx->user, name))
		return CP_RC_NOT_HANDLED;
	line += n;
	return exec_start(ctx, name, line + strspn(line, " \t"));
}

void exec_logoff(struct cp_user *u)
{
	struct exec_state *st = u->rexx;

	if (st) {
		cp_user_set_input(u, NULL);
		u->rexx = NULL;
		st->user = NULL;
		if (!st->depth)
			exec_free(st);
	}
}
