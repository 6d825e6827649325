// SPDX-License-Identifier: MIT
/* QUERY, SET, TERMINAL and HELP. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cp/net.h"
#include "cp/cmd_cpu.h"
#include "cp/cmd_ssi.h"
#include "cp/commands.h"
#include "cp/nss.h"
#include "cp/vmctl.h"

static bool cmd_word(const char *typed, const char *name, size_t minlen)
{
	size_t n = strlen(typed);

	return n >= minlen && n <= strlen(name) && !strncasecmp(typed, name, n);
}

/* "PF12" or "PF3": the key's number (1 .. CP_PF_KEYS), else 0. */
static int cmd_pf_number(const char *word)
{
	char *end;
	long n;

	if (strncasecmp(word, "PF", 2) || !isdigit((unsigned char)word[2]))
		return 0;
	n = strtol(word + 2, &end, 10);
	return *end || n < 1 || n > CP_PF_KEYS ? 0 : (int)n;
}

int cmd_set(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	if (argc >= 2 && !strncasecmp(argv[1], "PF", 2) && argv[1][2])
		return cmd_set_pf(ctx, argc - 1, argv + 1, rest + 1);
	return cp_subcommand(ctx, cp_set_commands, argc - 1, argv + 1, rest + 1);
}

/* TERMINAL LINEND x (z/VM's own spelling of SET LINEND), MORE, HOLD. */
int cmd_terminal(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	return cp_subcommand(ctx, cp_terminal_commands, argc - 1, argv + 1, rest + 1);
}

/* "0" .. "255": seconds of TERMINAL MORE. */
static bool cmd_seconds(const char *word, unsigned *out)
{
	char *end;
	long n = strtol(word, &end, 10);

	if (!isdigit((unsigned char)word[0]) || *end || n > 255)
		return false;
	*out = (unsigned)n;
	return true;
}

/* TERMINAL MORE n m: MORE... waits n seconds, m after an ENTER in between. */
int cmd_term_more(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	unsigned n, m;

	if (argc < 3)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (!cmd_seconds(argv[1], &n))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
	if (!cmd_seconds(argv[2], &m))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[2]);
	if (argc > 3)
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[3]);
	ctx->user->more_s = n;
	ctx->user->more2_s = m;
	return 0;
}

/* TERMINAL HOLD ON|OFF */
int cmd_term_hold(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (!strcasecmp(argv[1], "ON"))
		ctx->user->hold = true;
	else if (!strcasecmp(argv[1], "OFF"))
		ctx->user->hold = false;
	else
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
	return 0;
}

/*
 * SET PFnn [IMMED|DELAYED] command | RETRIEVE, or SET PFnn alone (the key
 * does nothing).  IMMED (the default) runs the command as if typed;
 * DELAYED puts it into the input area to be edited and sent with ENTER.
 */
int cmd_set_pf(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;
	int n = cmd_pf_number(argv[0]) - 1, i = 1;
	enum cp_pf how = CP_PF_IMMED;
	char *text;

	if (n < 0)
		return cp_msg(ctx, MSG_PF_INVALID, argv[0], CP_PF_KEYS);
	if (argc > 1 && cmd_word(argv[1], "IMMED", 3))
		i++;
	else if (argc > 1 && cmd_word(argv[1], "DELAYED", 5))
		how = CP_PF_DELAYED, i++;
	if (argc == 2 && cmd_word(argv[1], "RETRIEVE", 3))
		how = CP_PF_RETRIEVE;
	else if (i >= argc)
		how = CP_PF_NONE;
	text = how == CP_PF_IMMED || how == CP_PF_DELAYED ? strdup(rest[i]) : NULL;
	if ((how == CP_PF_IMMED || how == CP_PF_DELAYED) && !text)
		return -1;
	free(u->pf[n]);
	u->pf[n] = text;
	u->pf_how[n] = how;
	return 0;
}

static void cmd_q_pf_one(struct cp_ctx *ctx, int n)
{
	static const char *const hows[] = {
	    [CP_PF_NONE] = "UNDEFINED",
	    [CP_PF_RETRIEVE] = "RETRIEVE",
	    [CP_PF_IMMED] = "IMMED",
	    [CP_PF_DELAYED] = "DELAYED",
	};
	const char *text = ctx->user->pf[n];

	cp_msg(ctx, MSG_Q_PF, n + 1, hows[ctx->user->pf_how[n]], text ? " " : "", text ? text : "");
}

/* QUERY PF [nn]: what the keys do. */
int cmd_q_pf(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	int n;

	if (argc < 2) {
		for (n = 0; n < CP_PF_KEYS; n++)
			cmd_q_pf_one(ctx, n);
		return 0;
	}
	n = atoi(argv[1]);
	if (!isdigit((unsigned char)argv[1][0]) || n < 1 || n > CP_PF_KEYS)
		return cp_msg(ctx, MSG_PF_INVALID, argv[1], CP_PF_KEYS);
	cmd_q_pf_one(ctx, n - 1);
	return 0;
}

static int cmd_q_storage(struct cp_ctx *ctx)
{
	char size[16];

	dir_format_size(ctx->user->storage, size, sizeof(size));
	return cp_msg(ctx, MSG_STORAGE, size);
}

static int cmd_q_dasd(struct cp_ctx *ctx)
{
	struct cp_vm *vm = ctx->user->vm;

	if (!vm || vm->nlinks == 0)
		return cp_msg(ctx, MSG_Q_DASD_NONE);
	for (int i = 0; i < vm->nlinks; i++) {
		const struct cp_link *l = &vm->links[i];
		const char *base;

		if (l->kind != CP_LINK_MDISK) {
			const char *k = l->kind == CP_LINK_VDSK ? "VDSK" : "TEMP";

			cp_msg(ctx, MSG_Q_DASD_OWN, l->vdev, k, (unsigned long long)(l->size / 512),
			       k);
			continue;
		}
		base = strrchr(l->disk->path, '/');
		cp_msg(ctx, MSG_Q_DASD, l->vdev, l->disk->owner, l->write ? "R/W" : "R/O",
		       (unsigned long long)(l->size / 512), base ? base + 1 : l->disk->path);
	}
	return 0;
}

/* QUERY VIRTUAL [STORAGE | DASD | ALL] */
int cmd_q_virtual(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	if (argc >= 2 && cmd_word(argv[1], "NIC", 3))
		return cmd_q_nic(ctx, argc - 1, argv + 1);
	if (argc > 2)
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[2]);
	if (argc == 1 || cmd_word(argv[1], "ALL", 3)) {
		cmd_q_storage(ctx);
		cmd_q_cpus(ctx);
		return cmd_q_dasd(ctx);
	}
	if (cmd_word(argv[1], "CPUS", 3))
		return cmd_q_cpus(ctx);
	if (cmd_word(argv[1], "STORAGE", 4))
		return cmd_q_storage(ctx);
	if (cmd_word(argv[1], "DASD", 4))
		return cmd_q_dasd(ctx);
	if (cmd_word(argv[1], "NIC", 3))
		return cmd_q_nic(ctx, argc - 1, argv + 1);
	if (cmd_word(argv[1], "SEGMENTS", 3))
		return cmd_q_segments(ctx);
	return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[1]);
}

int cmd_q_terminal(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	char linend[4] = "OFF";

	if (ctx->user->linend)
		snprintf(linend, sizeof(linend), "%c", ctx->user->linend);
	cp_msg(ctx, MSG_Q_TERMINAL_1, linend);
	cp_msg(ctx, MSG_Q_TERMINAL_2);
	cp_msg(ctx, MSG_Q_TERMINAL_3, ctx->term && ctx->term->is3270 ? "PA1" : "BREAK");
	return cp_msg(ctx, MSG_Q_TERMINAL_4, ctx->user->more_s, ctx->user->more2_s,
		      ctx->user->hold ? "ON" : "OFF");
}

static const char *cmd_user_where(const struct cp_user *u)
{
	return u->term ? u->term->name : "DSC";
}

static void cmd_names_line(struct cp_ctx *ctx, char *line, size_t len)
{
	while (len && line[len - 1] == ' ')
		line[--len] = 0;
	cp_msg(ctx, MSG_Q_NAMES, line);
}

/* QUERY NAMES, being composed: four entries to a line. */
struct cmd_names {
	struct cp_ctx *ctx;
	char line[160];
	size_t len;
	int n;
};

static void cmd_names_add(struct cmd_names *q, const char *id, const char *where)
{
	q->len += snprintf(q->line + q->len, sizeof(q->line) - q->len, "%s%-8s - %-5s",
			   q->n ? " , " : "", id, where);
	if (++q->n == 4) {
		cmd_names_line(q->ctx, q->line, q->len);
		q->len = 0;
		q->n = 0;
	}
}

/* A user at another SSI member: "ALICE    - AT M2". */
static void cmd_names_remote(void *opaque, const char *userid, const char *member)
{
	char where[24];

	snprintf(where, sizeof(where), "AT %s", member);
	cmd_names_add(opaque, userid, where);
}

/* QUERY NAMES: "MAINT    - L0001 , LINUX01  - DSC", four to a line. */
int cmd_q_names(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cmd_names q = {.ctx = ctx};

	for (struct cp_user *u = cp_sys.users; u; u = u->next)
		cmd_names_add(&q, u->id, cmd_user_where(u));
	cp_ssi_remote_users(cmd_names_remote, &q);
	if (q.n)
		cmd_names_line(ctx, q.line, q.len);
	return 0;
}

int cmd_q_users(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u;

	if (argc < 2)
		return cp_msg(ctx, MSG_Q_USERS, cp_user_count(), 0, 0);
	u = cp_user_find(argv[1]);
	if (!u) {
		for (char *p = argv[1]; *p; p++)
			*p = toupper((unsigned char)*p);
		return cp_msg(ctx, MSG_CMD_NOT_LOGGED_ON, argv[1]);
	}
	return cp_msg(ctx, MSG_Q_USER, u->id, cmd_user_where(u));
}

int cmd_q_time(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	char when[64], conn[48], cpu[64];
	time_t secs = time(NULL) - ctx->user->logon_time;

	cp_format_time(time(NULL), when, sizeof(when));
	cp_msg(ctx, MSG_Q_TIME, when);
	snprintf(conn, sizeof(conn), "%02ld:%02ld:%02ld", (long)(secs / 3600),
		 (long)(secs / 60 % 60), (long)(secs % 60));
	vmctl_cpu_time(ctx->user, cpu, sizeof(cpu));
	return cp_msg(ctx, MSG_Q_CONNECT, conn, cpu, cpu);
}

/* SET LINEND char | ON | OFF */
int cmd_set_linend(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	const char *v;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	v = argv[1];
	if (!strcasecmp(v, "ON"))
		ctx->user->linend = '#';
	else if (!strcasecmp(v, "OFF"))
		ctx->user->linend = 0;
	else if (strlen(v) == 1 && ispunct((unsigned char)v[0]))
		ctx->user->linend = v[0];
	else
		return cp_msg(ctx, MSG_LINEND_INVALID, v);
	return 0;
}

int cmd_help(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	for (const struct cp_command *c = cp_commands; c->name; c++) {
		if (argc > 1 && cp_command_find(cp_commands, ctx->user, argv[1]) != c)
			continue;
		if (cp_command_find(cp_commands, ctx->user, c->name) == c)
			cp_msg(ctx, MSG_CMD_HELP, c->name, c->classes, c->help);
	}
	return 0;
}

/* QUERY userid: "LINUX01  - L0002", "LINUX01  - DSC", or HCPCQU045E. */
static int cmd_q_userid(struct cp_ctx *ctx, char *id)
{
	struct cp_user *u = cp_user_find(id);
	char member[16], where[24];

	if (!u) {
		for (char *p = id; *p; p++)
			*p = toupper((unsigned char)*p);
		if (cp_ssi_user_member(id, member, sizeof(member))) {
			snprintf(where, sizeof(where), "AT %s", member);
			return cp_msg(ctx, MSG_Q_USER, id, where);
		}
		return cp_msg(ctx, MSG_Q_NOT_LOGGED_ON, id);
	}
	return cp_msg(ctx, MSG_Q_USER, u->id, cmd_user_where(u));
}

/* A word that is no QUERY operand (for this user's classes) is a userid, as in z/VM. */
int cmd_query(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	if (argc == 2 && !cp_command_find(cp_query_commands, ctx->user, argv[1]))
		return cmd_q_userid(ctx, argv[1]);
	return cp_subcommand(ctx, cp_query_commands, argc - 1, argv + 1, rest + 1);
}
