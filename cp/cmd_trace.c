// SPDX-License-Identifier: MIT
/*
 * TRACE and QUERY TRACE: the user's trace set (z/VM's INITIAL), up to
 * CP_TRAPS_MAX traps, each added by one TRACE command:
 *
 *   TRACE I[NSTRUCTION] R[ANGE] addr[-addr]   before fetching in the range
 *   TRACE STORE [R|INTO] addr[-addr]          after a store into the range
 *   TRACE PROG[RAM] [cause ...]               after an exception (RISC-V
 *                                             cause codes in hex, as z/VM's
 *                                             interruption codes: 0D, 0F);
 *                                             every one but ECALL when none
 *   TRACE EXT[ERNAL]                          after an interrupt is taken
 *   TRACE SVC                                 after an ECALL (a system call,
 *                                             or an SBI call the machine
 *                                             answers)
 * each with [RUN|NORUN] [CMD cmd1#cmd2...]; TRACE END [ALL] ends them all.
 * Real addresses.  A hit shows the instruction, disassembled (cpu/disasm.h),
 * runs the trap's command list split at the user's LINEND character, and
 * with RUN resumes the guest.  The VM process watches the union of the
 * traps (eight instruction ranges, one store range: the hull of the STORE
 * traps, every cause of the PROG traps); a hit that no trap wants (a store
 * between two STORE ranges) resumes the guest without a word.  The traps
 * are kept in CP and sent again after every IPL, so they stay across IPL.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cp/nss.h"
#include "cp/vmctl.h"
#include "cpu/cpu.h"
#include "cpu/disasm.h"
#include "vm/proto.h"

#define TRACE_MAX_REAL (16ull << 30)

static const char *const kind_name[] = {"INSTR", "STORE", "PROG", "EXT", "SVC"};

/* What the traps ask of the VM process, together. */
static void trace_union(const struct nss_user *n, struct proto_trace_sets *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; n && i < n->ntraps; i++) {
		const struct cp_trap *p = &n->traps[i];

		switch (p->kind) {
		case CP_TRAP_INSTR:
			t->instr[t->ninstr].lo = p->lo;
			t->instr[t->ninstr].hi = p->hi;
			t->ninstr++;
			break;
		case CP_TRAP_STORE:
			if (!t->store || p->lo < t->store_lo)
				t->store_lo = p->lo;
			if (!t->store || p->hi > t->store_hi)
				t->store_hi = p->hi;
			t->store = 1;
			break;
		case CP_TRAP_PROG:
			t->prog_mask |= p->causes ? p->causes : ~0ull;
			break;
		case CP_TRAP_EXT:
			t->ext = 1;
			break;
		case CP_TRAP_SVC:
			t->svc = 1;
			break;
		}
	}
}

int nss_trace_send(struct cp_user *u)
{
	struct proto_trace_sets t;

	trace_union(u->nss, &t);
	return cp_vm_send(u, PROTO_TRACE_SETS, &t, sizeof(t), NULL, 0);
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

static void trap_free(struct cp_trap *p)
{
	free(p->cmds);
	p->cmds = NULL;
}

void nss_trace_free(struct nss_user *n)
{
	for (int i = 0; i < n->ntraps; i++)
		trap_free(&n->traps[i]);
	n->ntraps = 0;
}

static int trace_end(struct cp_ctx *ctx, int argc, char **argv)
{
	struct nss_user *n = nss_user_get(ctx->user);

	if (argc > 3 || (argc == 3 && !abbrev(argv[2], "ALL", 3)))
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[argc - 1]);
	if (!n)
		return 0;
	nss_trace_free(n);
	nss_trace_send(ctx->user);
	return 0;
}

/* RUN, NORUN, CMD ...: from argv[i] to the end. */
static int trap_options(struct cp_ctx *ctx, int i, int argc, char **argv, char **rest,
			struct cp_trap *p)
{
	for (; i < argc; i++) {
		if (!strcasecmp(argv[i], "RUN")) {
			p->run = true;
		} else if (!strcasecmp(argv[i], "NORUN")) {
			p->run = false;
		} else if (!strcasecmp(argv[i], "CMD") || !strcasecmp(argv[i], "CMDS")) {
			/* The rest of the line, LINEND characters and all. */
			const char *cmds = i + 1 < argc ? rest[i + 1] : "";

			if (*cmds && !(p->cmds = strdup(cmds)))
				return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, cmds);
			return 0;
		} else {
			return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[i]);
		}
	}
	return 0;
}

/* INSTR and STORE: the range operand (after an optional R/RANGE/INTO); next word's index. */
static int trap_range(struct cp_ctx *ctx, int argc, char **argv, struct cp_trap *p, int *next)
{
	int i = 2;

	if (i < argc && (abbrev(argv[i], "RANGE", 1) || abbrev(argv[i], "INTO", 4)))
		i++;
	else if (p->kind == CP_TRAP_INSTR)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (i >= argc)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (!parse_range(argv[i], &p->lo, &p->hi))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[i]);
	*next = i + 1;
	return 0;
}

/* PROG: hex cause codes until the first option word. */
static int trap_causes(struct cp_ctx *ctx, int argc, char **argv, struct cp_trap *p, int *next)
{
	int i = 2;

	for (; i < argc; i++) {
		uint64_t c;

		if (!strcasecmp(argv[i], "RUN") || !strcasecmp(argv[i], "NORUN") ||
		    !strncasecmp(argv[i], "CMD", 3))
			break;
		if (!parse_hex(argv[i], strlen(argv[i]), &c) || c >= 64 || c == 8 || c == 9 ||
		    c == 11)
			return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[i]);
		p->causes |= 1ull << c;
	}
	*next = i;
	return 0;
}

static bool trap_kind(const char *w, enum cp_trap_kind *k)
{
	if (abbrev(w, "INSTRUCTION", 1))
		*k = CP_TRAP_INSTR;
	else if (abbrev(w, "STORE", 2))
		*k = CP_TRAP_STORE;
	else if (abbrev(w, "PROGRAM", 4))
		*k = CP_TRAP_PROG;
	else if (abbrev(w, "EXTERNAL", 3))
		*k = CP_TRAP_EXT;
	else if (abbrev(w, "SVC", 3))
		*k = CP_TRAP_SVC;
	else
		return false;
	return true;
}

int cmd_trace(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct nss_user *n = nss_user_get(ctx->user);
	struct cp_trap p = {0};
	int next = 2, rc = 0;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (abbrev(argv[1], "END", 3))
		return trace_end(ctx, argc, argv);
	if (!trap_kind(argv[1], &p.kind))
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[1]);
	if (p.kind == CP_TRAP_INSTR || p.kind == CP_TRAP_STORE)
		rc = trap_range(ctx, argc, argv, &p, &next);
	else if (p.kind == CP_TRAP_PROG)
		rc = trap_causes(ctx, argc, argv, &p, &next);
	if (!rc)
		rc = trap_options(ctx, next, argc, argv, rest, &p);
	if (!rc && !n)
		rc = cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
	if (!rc && n->ntraps >= CP_TRAPS_MAX)
		rc = cp_msg(ctx, MSG_TRACE_FULL, CP_TRAPS_MAX);
	if (rc) {
		trap_free(&p);
		return rc;
	}
	n->traps[n->ntraps++] = p;
	nss_trace_send(ctx->user);
	return 0;
}

/* "0D 0F" or "ALL" */
static void causes_text(uint64_t causes, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	if (!causes) {
		snprintf(buf, size, "ALL");
		return;
	}
	for (int c = 0; c < 64; c++)
		if ((causes >> c) & 1 && n + 4 < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%02X", n ? " " : "", c);
}

int cmd_q_trace(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct nss_user *n = ctx->user->nss;

	if (argc > 1)
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[1]);
	if (!n || !n->ntraps)
		return cp_msg(ctx, MSG_TRACE_Q_NONE);
	cp_msg(ctx, MSG_TRACE_Q_NAME);
	for (int i = 0; i < n->ntraps; i++) {
		const struct cp_trap *p = &n->traps[i];
		const char *run = p->run ? "RUN" : "NORUN";
		char causes[200];

		if (p->kind == CP_TRAP_INSTR || p->kind == CP_TRAP_STORE) {
			cp_msg(ctx, MSG_TRACE_Q_RANGE, i + 1, kind_name[p->kind],
			       (unsigned long long)p->lo, (unsigned long long)p->hi, run);
		} else {
			causes_text(p->causes, causes, sizeof(causes));
			cp_msg(ctx, MSG_TRACE_Q_EVENT, i + 1, kind_name[p->kind],
			       p->kind == CP_TRAP_PROG ? causes : "", run);
		}
		if (p->cmds)
			cp_msg(ctx, MSG_TRACE_Q_CMD, p->cmds);
	}
	return 0;
}

static void run_one(void *opaque, const char *cmd)
{
	struct cp_user *u = opaque;

	if (u->logging_off)
		return;
	cp_execute(u, cmd, &u->sink);
}

/* The first trap that wants this hit, or -1. */
static int trap_match(const struct nss_user *n, const struct proto_state *s)
{
	for (int i = 0; n && i < n->ntraps; i++) {
		const struct cp_trap *p = &n->traps[i];

		switch (s->hit_kind) {
		case HART_HIT_INSTR:
			if (p->kind == CP_TRAP_INSTR && s->pc >= p->lo && s->pc <= p->hi)
				return i;
			break;
		case HART_HIT_STORE:
			if (p->kind == CP_TRAP_STORE && s->hit_tval >= p->lo &&
			    s->hit_tval <= p->hi)
				return i;
			break;
		case HART_HIT_PROG:
			if (p->kind == CP_TRAP_PROG &&
			    (!p->causes ||
			     (s->hit_cause < 64 && ((p->causes >> s->hit_cause) & 1))))
				return i;
			break;
		case HART_HIT_EXT:
			if (p->kind == CP_TRAP_EXT)
				return i;
			break;
		case HART_HIT_SVC:
			if (p->kind == CP_TRAP_SVC)
				return i;
			break;
		}
	}
	return -1;
}

/* "00449537  lui a0,0x449", or "" when the bits could not be read. */
static void insn_text(const struct proto_state *s, char *buf, size_t size)
{
	char dis[64];

	buf[0] = 0;
	if (!s->insn_ok)
		return;
	rv_disasm(s->insn, s->hit_pc, dis, sizeof(dis));
	if ((s->insn & 3) == 3)
		snprintf(buf, size, "%08X  %s", s->insn, dis);
	else
		snprintf(buf, size, "%04X      %s", s->insn & 0xffff, dis);
}

static void show_hit(struct cp_user *u, const struct proto_state *s)
{
	char insn[96], where[24], what[64];

	insn_text(s, insn, sizeof(insn));
	if (s->hit_kind == HART_HIT_INSTR || s->hit_kind == 0) {
		cp_user_msg(u, MSG_VM_TRACE_STOP, (unsigned long long)s->pc, insn[0] ? "  " : "",
			    insn);
		return;
	}
	snprintf(where, sizeof(where), s->hit_pc >> 32 ? "%016llX" : "%08llX",
		 (unsigned long long)s->hit_pc);
	switch (s->hit_kind) {
	case HART_HIT_STORE:
		snprintf(what, sizeof(what), "STORE R%08llX", (unsigned long long)s->hit_tval);
		break;
	case HART_HIT_PROG:
		snprintf(what, sizeof(what), "PROGRAM %02llX  TVAL %llX",
			 (unsigned long long)s->hit_cause, (unsigned long long)s->hit_tval);
		break;
	case HART_HIT_EXT:
		snprintf(what, sizeof(what), "EXTERNAL %02llX", (unsigned long long)s->hit_cause);
		break;
	default:
		snprintf(what, sizeof(what), "SVC A7=%llX", (unsigned long long)s->hit_cause);
		break;
	}
	cp_user_msg(u, MSG_TRACE_HIT, where, what, insn);
}

void nss_trace_hit(struct cp_user *u, const struct proto_state *s)
{
	struct nss_user *n = u->nss;
	int i = trap_match(n, s);
	char *cmds;
	bool run;

	if (i < 0 && s->hit_kind != HART_HIT_INSTR && s->hit_kind != 0) {
		/* Caught by the union, wanted by no trap: on it goes. */
		if (!u->logging_off && !u->running)
			cp_user_begin(u);
		return;
	}
	show_hit(u, s);
	if (i < 0)
		return;
	/* The list may end the traps (TRACE END ALL): work on a copy. */
	run = n->traps[i].run;
	cmds = n->traps[i].cmds ? strdup(n->traps[i].cmds) : NULL;
	if (cmds)
		nss_trace_split(cmds, u->linend, run_one, u);
	free(cmds);
	if (run && !u->logging_off && !u->running)
		cp_user_begin(u);
}
