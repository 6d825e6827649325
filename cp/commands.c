// SPDX-License-Identifier: MIT
/*
 * The CP command table and the dispatcher.  One row per command: name,
 * shortest abbreviation, privilege classes, flags, handler, help — as in
 * z/VM (and Hercules' command table).  QUERY and SET have their own tables
 * of operands with the same row format.
 *
 * A command the user's classes do not allow is not found: the user gets
 * HCPCMD001E, exactly as for a command that does not exist.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cp/cmd_exec.h"
#include "cp/cmd_ssi.h"
#include "cp/commands.h"
#include "cp/display.h"
#include "cp/dump.h"
#include "cp/net.h"
#include "cp/nss.h"

/* clang-format off */
const struct cp_command cp_commands[] = {
	{"LOGON",      1, "*",  CP_CMD_PRELOGON | CP_CMD_ONLY_PRE, cmd_logon, "userid"},
	{"LOGIN",      5, "*",  CP_CMD_PRELOGON | CP_CMD_ONLY_PRE, cmd_logon, "userid"},
	{"LOGOFF",     3, "*",  0, cmd_logoff,     "[HOLD]"},
	{"DISCONNECT", 4, "*",  0, cmd_disconnect, "[HOLD]"},
	{"BEGIN",      1, "G",  0, cmd_begin,      ""},
	{"IPL",        1, "G",  0, cmd_ipl,        "vdev|name [PARM text]"},
	{"QUERY",      1, "*",  0, cmd_query,      "VIRTUAL|TERMINAL|NAMES|USERS|TIME|userid ..."},
	{"DEFINE",     3, "G",  0, cmd_define,     "STORAGE nnnM | CPU nn | T9336|VFB-512 vdev BLK n | NIC vdev QDIO | VSWITCH name [NAT] | LAN name | SEGMENT name [EXCLUSIVE]"},
	{"SYSTEM",     3, "G",  0, cmd_system,     "RESET|CLEAR"},
	{"SET",        3, "G",  0, cmd_set,        "LINEND char|ON|OFF | MSG ON|OFF | PFnn [IMMED|DELAYED] cmd|RETRIEVE"},
	{"TERMINAL",   4, "G",  0, cmd_terminal,   "LINEND char|ON|OFF | MORE n m | HOLD ON|OFF"},
	{"MESSAGE",    1, "ABCDEFG", 0, cmd_msg,   "userid|* text"},
	{"MSG",        3, "ABCDEFG", 0, cmd_msg,   "userid|* text"},
	{"AUTOLOG",    4, "AB", 0, cmd_autolog,    "userid [password]"},
	{"XAUTOLOG",   5, "AB", 0, cmd_autolog,    "userid"},
	{"FORCE",      5, "A",  0, cmd_force,      "userid"},
	{"AT",         2, "ABCDEFG", CP_CMD_REST, cmd_at, "member CMD command   (SSI: run it at that member)"},
	{"SHUTDOWN",   8, "A",  0, cmd_shutdown,   ""},
	{"INDICATE",   3, "EG", 0, cmd_indicate,   "[LOAD] | USER [userid]   what the host and a virtual machine use"},
	{"DIRECTXA",   8, "AB", 0, cmd_directxa,   "   bring the changed directory file on line"},
	{"HELP",       1, "*",  0, cmd_help,       "[command]"},
	{"EXEC",       2, "*",  0, cmd_exec,       "name [args]   run NAME EXEC (or type the name)"},
	{"LISTFILE",   5, "*",  0, cmd_listfile,   "[fn [ft]]   list your files"},
	/* Named Saved Systems (cp/cmd_nss.c, cp/cmd_trace.c) */
	{"DEFSYS",     6, "E",  0, cmd_defsys,     "name page[-page] type ... [MINSIZE=nnnM] [RSTD] [PARMREGS=m-n]"},
	{"SAVESYS",    7, "E",  0, cmd_savesys,    "name"},
	{"DEFSEG",     6, "E",  0, cmd_defseg,     "name page-page type ... [RSTD]   a shared segment (DCSS)"},
	{"SAVESEG",    7, "E",  0, cmd_saveseg,    "name   publish your EXCLUSIVE copy as the segment"},
	{"PURGE",      3, "E",  0, cmd_purge,      "NSS NAME name|SPOOLID id"},
	{"TRACE",      2, "G",  CP_CMD_REST, cmd_trace, "I R range | STORE range | PROG [causes] | EXT | SVC [RUN|NORUN] [CMD cmd1#cmd2...] | END [ALL]"},
	{"DISPLAY",    1, "G",  0, cmd_display,    "G [reg[-reg]] | F [reg[-reg]] | PSW | CSR name | [R|V]hexloc[-hexloc|.len] ..."},
	{"CPU",        3, "G",  CP_CMD_REST, cmd_cpu_prefix, "cpuaddr|ALL command   the command for that virtual CPU"},
	{"VMDUMP",     3, "G",  0, cmd_vmdump,     "   storage and registers as an ELF core file into your reader"},
	{"STORE",      2, "G",  0, cmd_store,      "G reg value... | F reg value... | PSW addr | [R|V]hexloc value..."},
	/* Guest LANs, virtual switches, NICs (cp/net.c) */
	{"COUPLE",     3, "G",  0, cmd_couple,     "vdev [TO] SYSTEM|owner name"},
	{"UNCOUPLE",   5, "G",  0, cmd_uncouple,   "vdev"},
	{"DETACH",     3, "G",  0, cmd_detach,     "vdev (disk or NIC) | VSWITCH name | LAN name [OWNERID id]"},
	/* EXEC (rexx/) */
	{NULL},
};

const struct cp_command cp_query_commands[] = {
	{"VIRTUAL",    1, "G",  0, cmd_q_virtual,  "STORAGE|CPUS|DASD|SEGMENTS|ALL"},
	{"TERMINAL",   1, "G",  0, cmd_q_terminal, ""},
	{"NAMES",      1, "*",  0, cmd_q_names,    ""},
	{"USERS",      1, "*",  0, cmd_q_users,    "[userid]"},
	{"TIME",       3, "*",  0, cmd_q_time,     ""},
	{"SSI",        3, "ABCDEG", 0, cmd_q_ssi,  ""},
	{"PF",         2, "G",  0, cmd_q_pf,       "[nn]"},
	{"STORAGE",    4, "B",  0, cmd_q_host_storage, "   the host's memory"},
	{"PROCESSORS", 4, "B",  0, cmd_q_processors, "   the host's CPUs"},
	/* Named Saved Systems: NSS, TRACE */
	{"NSS",        3, "E",  0, cmd_q_nss,      "[ALL|NAME name|USERS name|MAP]"},
	{"TRACE",      2, "G",  0, cmd_q_trace,    ""},
	/* cp/net.c */
	{"VSWITCH",    3, "BG", 0, cmd_q_vswitch,  "[name] [DETAILS|HOSTFWD]"},
	{"LAN",        3, "BG", 0, cmd_q_lan,      "[name] [DETAILS]"},
	{NULL},
};

const struct cp_command cp_set_commands[] = {
	{"LINEND",     5, "G",  0, cmd_set_linend, "char|ON|OFF"},
	{"MSG",        3, "ABCDEFG", 0, cmd_set_msg, "ON|OFF"},
	{"VSWITCH",    3, "B",  0, cmd_set_vswitch, "name HOSTFWD TCP|UDP [addr:]port userid port | ... OFF"},
	/* "PFnn" is matched by cmd_set: the key's number is part of the word */
	{"PF",         2, "G",  0, cmd_set_pf,     "nn [IMMED|DELAYED] command | RETRIEVE | (empty: undefined)"},
	{NULL},
};

/* TERMINAL operands: the console's own settings (the 3270's MORE and HOLD). */
const struct cp_command cp_terminal_commands[] = {
	{"LINEND",     5, "G",  0, cmd_set_linend, "char|ON|OFF"},
	{"MORE",       4, "G",  0, cmd_term_more,  "n m   seconds to MORE... clearing, and after an ENTER"},
	{"HOLD",       4, "G",  0, cmd_term_hold,  "ON|OFF   a full screen waits for CLEAR or PA2"},
	{NULL},
};
/* clang-format on */

static bool cp_command_allowed(const struct cp_command *c, struct cp_user *u)
{
	if (!u)
		return c->flags & CP_CMD_PRELOGON;
	if (c->flags & CP_CMD_ONLY_PRE)
		return false;
	return dir_user_has_class(u->dir, c->classes);
}

const struct cp_command *cp_command_find(const struct cp_command *table, struct cp_user *u,
					 const char *word)
{
	size_t n = strlen(word);

	for (const struct cp_command *c = table; c->name; c++) {
		if (n < c->minlen || n > strlen(c->name) || strncasecmp(c->name, word, n))
			continue;
		if (cp_command_allowed(c, u))
			return c;
	}
	return NULL;
}

#define CP_MAX_ARGS 64

struct cp_words {
	int argc;
	char *argv[CP_MAX_ARGS + 1];
	char *rest[CP_MAX_ARGS + 1];
	char *toks; /* tokens, NUL-separated */
	char *orig; /* the line, for rest[] */
};

static int cp_split(const char *line, struct cp_words *w)
{
	size_t len = strlen(line);
	size_t i = 0;

	memset(w, 0, sizeof(*w));
	w->toks = malloc(len + 1);
	w->orig = strdup(line);
	if (!w->toks || !w->orig)
		return -1;
	memcpy(w->toks, line, len + 1);
	while (i < len && w->argc < CP_MAX_ARGS) {
		while (i < len && isspace((unsigned char)line[i]))
			i++;
		if (i == len)
			break;
		w->argv[w->argc] = w->toks + i;
		w->rest[w->argc] = w->orig + i;
		w->argc++;
		while (i < len && !isspace((unsigned char)line[i]))
			i++;
		w->toks[i++] = 0;
	}
	w->rest[w->argc] = w->orig + len;
	w->argv[w->argc] = NULL;
	return 0;
}

static void cp_words_free(struct cp_words *w)
{
	free(w->toks);
	free(w->orig);
}

static const char *cp_skip_cp_prefix(const char *line)
{
	line += strspn(line, " \t");
	if (!strncasecmp(line, "CP", 2) && (line[2] == ' ' || line[2] == '\t'))
		return line + 3 + strspn(line + 3, " \t");
	return line;
}

int cp_execute_ctx(struct cp_ctx *ctx)
{
	const struct cp_command *c;
	struct cp_words w;
	int rc;

	if (cp_split(cp_skip_cp_prefix(ctx->line), &w))
		return -1;
	if (w.argc == 0) {
		rc = 0; /* an empty line does nothing */
		goto out;
	}
	c = cp_command_find(cp_commands, ctx->user, w.argv[0]);
	if (c) {
		rc = c->fn(ctx, w.argc, w.argv, w.rest);
		goto out;
	}
	if (!ctx->user) {
		rc = cp_msg(ctx, MSG_CMD_BEFORE_LOGON, w.argv[0]);
		goto out;
	}
	rc = exec_implied(ctx, w.orig);
	if (rc != CP_RC_NOT_HANDLED)
		goto out;
	for (char *p = w.argv[0]; *p; p++)
		*p = toupper((unsigned char)*p);
	rc = cp_msg(ctx, MSG_CMD_UNKNOWN, w.argv[0]);
out:
	cp_words_free(&w);
	return rc;
}

int cp_execute(struct cp_user *u, const char *line, struct cp_sink *sink)
{
	struct cp_ctx ctx = {.user = u, .sink = sink, .line = line};

	return cp_execute_ctx(&ctx);
}

bool cp_command_takes_rest(struct cp_user *u, const char *line)
{
	char word[16];
	size_t n;
	const struct cp_command *c;

	line = cp_skip_cp_prefix(line);
	n = strcspn(line, " \t");
	if (n == 0 || n >= sizeof(word))
		return false;
	memcpy(word, line, n);
	word[n] = 0;
	c = cp_command_find(cp_commands, u, word);
	return c && (c->flags & CP_CMD_REST);
}

int cp_subcommand(struct cp_ctx *ctx, const struct cp_command *table, int argc, char **argv,
		  char **rest)
{
	const struct cp_command *c;

	if (argc < 1)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	c = cp_command_find(table, ctx->user, argv[0]);
	if (!c)
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[0]);
	return c->fn(ctx, argc, argv, rest);
}

/* Sinks. */

static void cp_capture_line(struct cp_sink *s, const char *text)
{
	struct cp_capture *c = (struct cp_capture *)s;
	char *copy;

	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		char **nl = realloc(c->lines, ncap * sizeof(*nl));

		if (!nl)
			return;
		c->lines = nl;
		c->cap = ncap;
	}
	copy = strdup(text);
	if (copy)
		c->lines[c->n++] = copy;
}

void cp_capture_init(struct cp_capture *c)
{
	memset(c, 0, sizeof(*c));
	c->sink.line = cp_capture_line;
}

void cp_capture_free(struct cp_capture *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->lines[i]);
	free(c->lines);
	memset(c, 0, sizeof(*c));
	c->sink.line = cp_capture_line;
}
