// SPDX-License-Identifier: MIT
/*
 * TRACE I R addr[-addr] [RUN] [CMD cmd1#cmd2...], TRACE END [ALL], QUERY
 * TRACE.  One instruction trap per user, in real addresses; the VM process
 * stops before fetching in the range (hart_set_trace) and CP runs the
 * command list split at the user's LINEND character.  The trap is kept in
 * CP and sent again after every IPL, so it stays across IPL.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cp/nss.h"
#include "cp/vmctl.h"
#include "vm/proto.h"

#define TRACE_MAX_REAL (16ull << 30)

int nss_trace_send(struct cp_user *u)
{
	struct nss_user *n = u->nss;
	struct proto_trace t;

	if (!n || !n->trace_on)
		return cp_vm_send(u, PROTO_TRACE_CLEAR, NULL, 0, NULL, 0);
	t.lo = n->trace_lo;
	t.hi = n->trace_hi;
	return cp_vm_send(u, PROTO_TRACE_SET, &t, sizeof(t), NULL, 0);
}

static bool parse_hex(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		int c = tolower((unsigned char)s[i]);

		if (!isxdigit(c))
			return false;
		v = v * 16 + (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
	}
	*out = v;
	return true;
}

/* "10000" or "10000-10FFF": real addresses, inclusive. */
static bool parse_range(const char *s, uint64_t *lo, uint64_t *hi)
{
	const char *dash = strchr(s, '-');

	if (!dash) {
		if (!parse_hex(s, strlen(s), lo))
			return false;
		*hi = *lo;
	} else if (!parse_hex(s, (size_t)(dash - s), lo) ||
		   !parse_hex(dash + 1, strlen(dash + 1), hi)) {
		return false;
	}
	return *lo <= *hi && *hi < TRACE_MAX_REAL;
}

static bool abbrev(const char *word, const char *full, size_t min)
{
	size_t n = strlen(word);

	return n >= min && n <= strlen(full) && !strncasecmp(word, full, n);
}

static void trace_clear(struct nss_user *n)
{
	n->trace_on = false;
	free(n->trace_cmds);
	n->trace_cmds = NULL;
}

static int trace_end(struct cp_ctx *ctx, int argc, char **argv)
{
	struct nss_user *n = nss_user_get(ctx->user);

	if (argc > 3 || (argc == 3 && !abbrev(argv[2], "ALL", 3)))
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[argc - 1]);
	if (!n)
		return 0;
	trace_clear(n);
	nss_trace_send(ctx->user);
	return 0;
}

int cmd_trace(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct nss_user *n = nss_user_get(ctx->user);
	uint64_t lo, hi;
	bool run = false;
	const char *cmds = NULL;
	int i;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (abbrev(argv[1], "END", 3))
		return trace_end(ctx, argc, argv);
	if (!abbrev(argv[1], "INSTRUCTION", 1))
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[1]);
	if (argc < 4 || !abbrev(argv[2], "RANGE", 1))
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (!parse_range(argv[3], &lo, &hi))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[3]);
	for (i = 4; i < argc; i++) {
		if (!strcasecmp(argv[i], "RUN")) {
			run = true;
		} else if (!strcasecmp(argv[i], "NORUN")) {
			run = false;
		} else if (!strcasecmp(argv[i], "CMD") || !strcasecmp(argv[i], "CMDS")) {
			/* The rest of the line, LINEND characters and all. */
			cmds = i + 1 < argc ? rest[i + 1] : "";
			break;
		} else {
			return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[i]);
		}
	}
	if (!n)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[3]);
	trace_clear(n);
	if (cmds && *cmds) {
		n->trace_cmds = strdup(cmds);
		if (!n->trace_cmds)
			return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, cmds);
	}
	n->trace_on = true;
	n->trace_lo = lo;
	n->trace_hi = hi;
	n->trace_run = run;
	nss_trace_send(ctx->user);
	return 0;
}

int cmd_q_trace(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct nss_user *n = ctx->user->nss;

	if (argc > 1)
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[1]);
	if (!n || !n->trace_on)
		return cp_msg(ctx, MSG_TRACE_Q_NONE);
	cp_msg(ctx, MSG_TRACE_Q_RANGE, (unsigned long long)n->trace_lo,
	       (unsigned long long)n->trace_hi, n->trace_run ? "RUN" : "NORUN");
	if (n->trace_cmds)
		cp_msg(ctx, MSG_TRACE_Q_CMD, n->trace_cmds);
	return 0;
}

static void run_one(void *opaque, const char *cmd)
{
	struct cp_user *u = opaque;

	if (u->logging_off)
		return;
	cp_execute(u, cmd, &u->sink);
}

void nss_trace_hit(struct cp_user *u, uint64_t real)
{
	struct nss_user *n = u->nss;
	char *cmds;
	bool run;

	cp_user_msg(u, MSG_VM_TRACE_STOP, (unsigned long long)real);
	if (!n || !n->trace_on)
		return;
	/* The list may end the trap (TRACE END ALL): work on a copy. */
	run = n->trace_run;
	cmds = n->trace_cmds ? strdup(n->trace_cmds) : NULL;
	if (cmds)
		nss_trace_split(cmds, u->linend, run_one, u);
	free(cmds);
	if (run && !u->logging_off && !u->running)
		cp_user_begin(u);
}
