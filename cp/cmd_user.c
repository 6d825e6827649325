// SPDX-License-Identifier: MIT
/* Commands about users: LOGON, LOGOFF, DISCONNECT, MSG, AUTOLOG, FORCE, SHUTDOWN. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cp/cmd_ssi.h"
#include "cp/commands.h"
#include "cp/vmctl.h"
#include "util/log.h"

/*
 * MSG: a user (or a guest through its CP channel, looping) sends at most
 * MSG_BURST messages at once and MSG_PER_S a second after that; beyond,
 * HCPMSG1071E and nothing is sent.
 */
#define MSG_BURST 20
#define MSG_PER_S 5

static void cmd_upper(char *s)
{
	for (; *s; s++)
		*s = toupper((unsigned char)*s);
}

int cmd_logon(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	if (argc < 2 || strlen(argv[1]) > DIR_ID_MAX)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (argc > 2)
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[2]);
	if (!ctx->term)
		return cp_msg(ctx, MSG_CMD_UNKNOWN, argv[0]);
	cmd_upper(argv[1]);
	/* No user id has other characters; this keeps typed bytes out of the log
	 * and still asks for a password (nothing says which ids exist). */
	for (char *p = argv[1]; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("@#$_-", *p))
			*p = '?';
	ctx->term->logon(ctx->term, argv[1]);
	return 0;
}

/* "00:01:23" */
static void cmd_duration(time_t secs, char *buf, size_t size)
{
	snprintf(buf, size, "%02ld:%02ld:%02ld", (long)(secs / 3600), (long)(secs / 60 % 60),
		 (long)(secs % 60));
}

/* LOGOFF/DISCONNECT [HOLD]: with HOLD the terminal stays, showing the logo. */
static int cmd_hold(struct cp_ctx *ctx, int argc, char **argv, bool *hold)
{
	size_t n = argc > 1 ? strlen(argv[1]) : 0;

	*hold = false;
	if (argc > 2)
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[2]);
	if (argc == 2) {
		if (n < 4 || strncasecmp(argv[1], "HOLD", n))
			return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[1]);
		*hold = true;
	}
	return 0;
}

/* The user leaves the terminal: dropped, or kept for a new LOGON (HOLD). */
static void cmd_leave_terminal(struct cp_user *u, bool hold)
{
	if (u->term)
		u->term->leave(u->term, hold);
}

int cmd_logoff(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;
	char conn[48], when[64], cpu[64];
	bool hold;
	int rc = cmd_hold(ctx, argc, argv, &hold);

	if (rc)
		return rc;
	cmd_duration(time(NULL) - u->logon_time, conn, sizeof(conn));
	cp_format_time(time(NULL), when, sizeof(when));
	vmctl_cpu_time(u, cpu, sizeof(cpu));
	cp_msg(ctx, MSG_CONNECT_TIMES, conn, cpu, cpu);
	cp_msg(ctx, MSG_LOGOFF_AT, when);
	cmd_leave_terminal(u, hold);
	cp_user_logoff(u);
	return 0;
}

int cmd_disconnect(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;
	char when[64];
	bool hold;
	int rc = cmd_hold(ctx, argc, argv, &hold);

	if (rc)
		return rc;
	cp_format_time(time(NULL), when, sizeof(when));
	cp_msg(ctx, MSG_DISCONNECT_AT, when);
	log_info("%s: disconnected", u->id);
	cmd_leave_terminal(u, hold);
	return 0;
}

static uint64_t cmd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A sender's allowance: MSG_BURST at once, then MSG_PER_S a second. */
static bool cmd_msg_allowed(struct cp_user *u)
{
	uint64_t now = cmd_now_ms(), earned;

	if (!u->msg_ms) {
		u->msg_tokens = MSG_BURST;
		u->msg_ms = now;
	}
	earned = (now - u->msg_ms) * MSG_PER_S / 1000;
	if (earned) {
		u->msg_tokens =
		    u->msg_tokens + earned > MSG_BURST ? MSG_BURST : u->msg_tokens + earned;
		u->msg_ms = now;
	}
	if (!u->msg_tokens)
		return false;
	u->msg_tokens--;
	return true;
}

/*
 * The text as the receiver sees it: no control characters, so no escape
 * sequence (clear screen, window title, colours) reaches its terminal.
 */
static void cmd_msg_text(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (; *in && n + 1 < size; in++)
		if ((unsigned char)*in >= 0x20 && *in != 0x7f)
			out[n++] = *in;
	out[n] = 0;
}

int cmd_msg(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	char member[16];
	struct cp_user *to;
	char text[2048];

	if (argc < 3)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	to = strcmp(argv[1], "*") ? cp_user_find(argv[1]) : ctx->user;
	cmd_upper(argv[1]);
	if (!to && cp_ssi_user_member(argv[1], member, sizeof(member))) {
		/* logged on at another SSI member: the message goes there */
		if (!cmd_msg_allowed(ctx->user))
			return cp_msg(ctx, MSG_MSG_TOO_MANY, MSG_PER_S);
		return cp_ssi_at(ctx, member, ctx->line);
	}
	if (!to)
		return cp_msg(ctx, MSG_CMD_NOT_LOGGED_ON, argv[1]);
	if (!to->term)
		return cp_msg(ctx, MSG_MSG_DISCONNECTED, to->id);
	if (to->msg_off && to != ctx->user)
		return cp_msg(ctx, MSG_MSG_OFF, to->id);
	if (!cmd_msg_allowed(ctx->user))
		return cp_msg(ctx, MSG_MSG_TOO_MANY, MSG_PER_S);
	cmd_msg_text(rest[2], text, sizeof(text));
	cp_user_msg(to, MSG_MSG_FROM, ctx->user->id, text);
	return 0;
}

/* SET MSG ON | OFF: whether messages from other users are shown. */
int cmd_set_msg(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (argc > 2)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[2]);
	if (!strcasecmp(argv[1], "ON"))
		ctx->user->msg_off = false;
	else if (!strcasecmp(argv[1], "OFF"))
		ctx->user->msg_off = true;
	else
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
	return 0;
}

/* The directory's IPL statement, as if the user typed it. */
static int autolog_ipl(struct cp_user *u, struct cp_sink *sink)
{
	char line[512];

	if (!u->dir->ipl)
		return 0;
	snprintf(line, sizeof(line), "IPL %s%s%s", u->dir->ipl, u->dir->ipl_parm ? " PARM " : "",
		 u->dir->ipl_parm ? u->dir->ipl_parm : "");
	return cp_execute(u, line, sink);
}

/* The user is free (here and in the SSI cluster): log it on, IPL. */
static int autolog_start(struct dir_user *d, struct cp_sink *sink, const char *by)
{
	struct cp_user *u;

	if (cp_user_find(d->id))
		return cp_sink_msg(sink, MSG_ALREADY_LOGGED_ON, d->id);
	if (cp_user_logon(d, sink, &u))
		return cp_sink_msg(sink, MSG_LOGON_VM_FAILED, d->id, "see the CP log");
	log_info("%s: AUTOLOG by %s", u->id, by);
	cp_sink_msg(sink, MSG_AUTOLOG_ACCEPTED);
	cp_sink_msg(sink, MSG_AUTO_LOGON, u->id, cp_user_count());
	autolog_ipl(u, sink);
	return 0;
}

/* An AUTOLOG waiting for the SSI cluster's answer: who asked, for whom. */
struct autolog_claim {
	char by[DIR_ID_MAX + 1];
	char id[DIR_ID_MAX + 1];
};

static void autolog_claimed(void *opaque, int rc, const char *member, const char *err)
{
	struct autolog_claim *c = opaque;
	struct cp_user *by = cp_user_find(c->by);
	struct cp_sink *sink = by ? &by->sink : NULL;
	struct dir_user *d = dir_find(cp_sys.dir, c->id);

	if (rc || !d)
		cp_ssi_refused(sink, c->id, rc ? rc : -ENOENT, member, err);
	else
		autolog_start(d, sink, c->by);
	free(c);
}

/*
 * AUTOLOG userid [password] / XAUTOLOG userid: logged on, disconnected,
 * IPL of what the directory's IPL statement names.  In an SSI cluster the
 * user is claimed first; the answer then comes to the issuer's terminal
 * when the cluster has decided.
 */
int cmd_autolog(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	bool x = toupper((unsigned char)argv[0][0]) == 'X';
	struct autolog_claim *c;
	struct dir_user *d;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (argc > (x ? 2 : 3))
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[x ? 2 : 3]);
	cmd_upper(argv[1]);
	d = dir_find(cp_sys.dir, argv[1]);
	if (!d)
		return cp_msg(ctx, MSG_NOT_IN_DIRECTORY, argv[1]);
	if (cp_user_find(d->id))
		return cp_msg(ctx, MSG_ALREADY_LOGGED_ON, d->id);
	if (!strcasecmp(d->password, "NOLOG"))
		return cp_msg(ctx, MSG_LOGON_NOT_ALLOWED, d->id);
	if (argc == 3 && !dir_check_password(d, argv[2]))
		return cp_msg(ctx, MSG_LOGON_FAILED);
	if (!cp_sys.ssi)
		return autolog_start(d, ctx->sink, ctx->user->id);
	c = calloc(1, sizeof(*c));
	if (!c)
		return cp_msg(ctx, MSG_SSI_UNAVAILABLE, d->id);
	snprintf(c->by, sizeof(c->by), "%s", ctx->user->id);
	snprintf(c->id, sizeof(c->id), "%s", d->id);
	if (cp_ssi_claim(d->id, autolog_claimed, c)) {
		free(c);
		return cp_msg(ctx, MSG_SSI_UNAVAILABLE, d->id);
	}
	return 0;
}

int cmd_force(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	char member[16];
	struct cp_user *u;
	const char *by = ctx->user->id;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	cmd_upper(argv[1]);
	u = cp_user_find(argv[1]);
	if (!u && cp_ssi_user_member(argv[1], member, sizeof(member)))
		return cp_ssi_at(ctx, member, ctx->line); /* at another SSI member */
	if (!u)
		return cp_msg(ctx, MSG_CMD_NOT_LOGGED_ON, argv[1]);
	log_info("%s: forced by %s", u->id, by);
	if (u != ctx->user)
		cp_msg(ctx, MSG_FORCED_BY, u->id, by);
	cp_user_msg(u, MSG_FORCED, by);
	cp_user_logoff(u);
	return 0;
}

int cmd_shutdown(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	for (struct cp_user *u = cp_sys.users; u; u = u->next)
		if (u != ctx->user)
			cp_user_msg(u, MSG_SHUTDOWN_BY, ctx->user->id);
	cp_msg(ctx, MSG_SHUTDOWN_STARTED);
	log_info("SHUTDOWN by %s", ctx->user->id);
	/* CP's main logs everybody off once the loop has left this command. */
	evloop_quit(cp_sys.loop);
	return 0;
}
