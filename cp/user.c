// SPDX-License-Identifier: MIT
/*
 * Logged-on users: logon, logoff, the guest's run state, and what the VM
 * process reports (cp/user.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cp/net.h"
#include "cp/cmd_exec.h"
#include "cp/cmd_ssi.h"
#include "cp/commands.h"
#include "cp/dump.h"
#include "cp/nss.h"
#include "cp/user.h"

#include "cp/cmd_cpu.h"
#include "cp/vmctl.h"
#include "util/log.h"
#include "vm/proto.h"

struct cp_system cp_sys;

struct cp_user *cp_user_find(const char *id)
{
	for (struct cp_user *u = cp_sys.users; u; u = u->next)
		if (!strcasecmp(u->id, id))
			return u;
	return NULL;
}

int cp_user_count(void)
{
	int n = 0;

	for (struct cp_user *u = cp_sys.users; u; u = u->next)
		n++;
	return n;
}

static void cp_user_sink_line(struct cp_sink *s, const char *text)
{
	struct cp_user *u = (struct cp_user *)((char *)s - offsetof(struct cp_user, sink));

	if (u->term)
		u->term->line(u->term, text);
}

void cp_user_write(struct cp_user *u, const char *text)
{
	if (u->term)
		u->term->line(u->term, text);
}

void cp_user_set_input(struct cp_user *u, const struct cp_input_hook *hook)
{
	u->input = hook;
}

/* What the VM process reports (struct vmctl_events). */

static void user_vm_ended(struct cp_user *u, const char *why)
{
	dump_vm_gone(u);
	cp_user_release(u);
	u->running = false;
	u->ipled = false;
	cp_user_msg(u, MSG_VM_ENDED, u->id, why);
	cp_user_unhold(u);
}

static void user_vm_failed(struct cp_user *u, uint32_t req, const char *text)
{
	if (req == PROTO_IPL) {
		u->running = false;
		u->ipled = false;
		cp_user_msg(u, MSG_IPL_FAILED, text);
	} else {
		cp_user_msg(u, MSG_LOGON_VM_FAILED, u->id, text);
	}
}

static void user_vm_stopped(struct cp_user *u, const struct proto_state *s)
{
	u->running = false;
	switch (s->reason) {
	case PROTO_STOP_TRACE:
		nss_trace_hit(u, s);
		break;
	case PROTO_STOP_POWEROFF:
		u->ipled = false;
		cp_user_msg(u, MSG_VM_POWEROFF);
		break;
	case PROTO_STOP_REBOOT:
		/* The guest rebooted: IPL again what was IPLed last. */
		if (u->last_ipl) {
			char *line = strdup(u->last_ipl);

			if (line)
				cp_execute(u, line, &u->sink);
			free(line);
		}
		break;
	default:
		break;
	}
}

/* A CP command the guest issued, run once the VM's events are handled. */
struct user_request {
	char *id;
	char line[];
};

static void user_request_run(void *opaque)
{
	struct user_request *r = opaque;
	struct cp_user *u = cp_user_find(r->id);

	if (u) {
		log_info("%s: guest request: %s", u->id, r->line);
		cp_execute(u, r->line, &u->sink);
		/* The command may have logged the user off, or stopped the VM (SAVESYS). */
		u = cp_user_find(r->id);
		if (u && u->running && u->vm)
			cp_vm_send(u, PROTO_BEGIN, NULL, 0, NULL, 0);
	}
	free(r->id);
	free(r);
}

/*
 * As if the user typed it, with the user's own classes.  Not run here: a
 * command like LOGOFF frees the user whose VM events are being read.
 */
static void user_vm_request(struct cp_user *u, const char *line)
{
	size_t len = strlen(line);
	struct user_request *r = malloc(sizeof(*r) + len + 1);

	if (r) {
		memcpy(r->line, line, len + 1);
		r->id = strdup(u->id);
	}
	if (!r || !r->id || !evloop_timer(cp_sys.loop, 0, user_request_run, r)) {
		log_warn("%s: guest request dropped: out of memory", u->id);
		if (r)
			free(r->id);
		free(r);
		if (u->running)
			cp_vm_send(u, PROTO_BEGIN, NULL, 0, NULL, 0);
	}
}

static const struct vmctl_events cp_user_vm_events = {
    .ended = user_vm_ended,
    .failed = user_vm_failed,
    .stopped = user_vm_stopped,
    .request = user_vm_request,
    .dump_result = dump_vm_result,
    .nss_message = nss_vm_message,
};

static struct cp_user *user_new(struct dir_user *d)
{
	struct cp_user *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->dir = d; /* d is an entry of the directory on line */
	u->dirs = dir_ref(cp_sys.dir);
	u->id = d->id;
	u->storage = d->storage;
	cpu_user_logon(u);
	u->linend = '#';
	u->more_s = CP_MORE_S;
	u->more2_s = CP_MORE2_S;
	u->pf_how[11] = CP_PF_RETRIEVE; /* PF12, as z/VM's default */
	u->logon_time = time(NULL);
	u->sink.line = cp_user_sink_line;
	u->next = cp_sys.users;
	cp_sys.users = u;
	return u;
}

int cp_user_logon(struct dir_user *d, struct cp_sink *sink, struct cp_user **out)
{
	struct cp_user *u = user_new(d);
	int rc;

	if (!u)
		return -ENOMEM;
	rc = vmctl_create(u, &cp_user_vm_events, sink);
	if (rc) {
		cp_sink_msg(sink, MSG_LOGON_VM_FAILED, u->id, strerror(-rc));
		cp_user_logoff(u);
		return rc;
	}
	log_info("%s: logged on", u->id);
	*out = u;
	return 0;
}

void cp_user_logoff(struct cp_user *u)
{
	struct cp_user **pp;

	u->logging_off = true;
	cp_user_release(u);
	exec_logoff(u);
	nss_logoff(u);
	dump_vm_gone(u);
	net_user_logoff(u);
	vmctl_destroy(u);
	if (!u->ssi_lost)
		cp_ssi_release(u->id);
	if (u->term)
		u->term->leave(u->term, false); /* detaches itself from u */
	for (pp = &cp_sys.users; *pp; pp = &(*pp)->next) {
		if (*pp == u) {
			*pp = u->next;
			break;
		}
	}
	log_info("%s: logged off", u->id);
	free(u->last_ipl);
	for (int i = 0; i < CP_PF_KEYS; i++)
		free(u->pf[i]);
	dir_unref(u->dirs);
	free(u);
}

/*
 * CP's memo to the VM (PROTO_MEMO): what a CP that takes the VM over after
 * a restart needs and the VM does not know — the last IPL command (a
 * guest's reboot IPLs it again) and the saved system in use.  One line
 * each, "ipl TEXT" and "nss SPOOLID".
 */
void cp_user_memo(struct cp_user *u)
{
	char memo[PROTO_MEMO_MAX];
	unsigned nss = nss_user_spoolid(u);
	int n = 0;

	memo[0] = 0;
	if (u->last_ipl && strlen(u->last_ipl) < sizeof(memo) - 32)
		n = snprintf(memo, sizeof(memo), "ipl %s\n", u->last_ipl);
	if (nss)
		snprintf(memo + n, sizeof(memo) - (size_t)n, "nss %u\n", nss);
	if (u->vm && u->vm->sock >= 0)
		cp_vm_send(u, PROTO_MEMO, memo, strlen(memo) + 1, NULL, 0);
}

/* The memo back from an adopted VM: as hostile as anything it says. */
static void user_read_memo(struct cp_user *u, const char *memo)
{
	const char *line = memo;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		unsigned id;

		if (n > 4 && !strncmp(line, "ipl ", 4)) {
			free(u->last_ipl);
			u->last_ipl = strndup(line + 4, n - 4);
		} else if (n > 4 && sscanf(line, "nss %u", &id) == 1) {
			nss_adopt(u, id);
		}
		line += n + (end ? 1 : 0);
	}
}

static void user_adopt(struct vmctl_orphan *o)
{
	struct dir_user *d = dir_find(cp_sys.dir, o->r.user);
	struct proto_reattach r;
	struct cp_user *u;

	if (!d || cp_user_find(d->id) || o->r.mem_size > d->maxstorage) {
		vmctl_orphan_reject(o, !d ? "not in the directory"
				       : cp_user_find(d->id)
					   ? "the user is logged on"
					   : "more storage than the directory allows");
		return;
	}
	r = o->r; /* vmctl_adopt() frees o */
	u = user_new(d);
	if (!u || net_user_logon(u)) {
		vmctl_orphan_reject(o, strerror(ENOMEM));
		if (u)
			cp_user_logoff(u);
		return;
	}
	if (vmctl_adopt(u, &cp_user_vm_events, o)) {
		cp_user_logoff(u);
		return;
	}
	if (r.mem_size)
		u->storage = r.mem_size;
	u->running = r.running;
	u->ipled = r.mem_size && (r.running || r.memo[0]);
	user_read_memo(u, r.memo);
	net_adopt(u, r.nics, (int)r.nnics);
	cp_user_memo(u);
	log_info("%s: logged on again (disconnected), its guest %s", u->id,
		 u->running ? "running" : "stopped");
	cp_ssi_adopted(u->id);
}

void cp_user_adopt_all(void)
{
	vmctl_find_orphans(user_adopt);
}

void cp_user_hold(struct cp_user *u)
{
	u->held = true;
	u->unhold_pending = false;
}

static void user_resume(void *opaque)
{
	char *id = opaque;
	struct cp_user *u = cp_user_find(id);

	free(id);
	if (!u || !u->unhold_pending)
		return; /* logged off, or held again since */
	u->unhold_pending = false;
	u->held = false;
	if (u->term)
		u->term->resume(u->term);
}

/*
 * The lines typed meanwhile are taken on the loop's next round, not here:
 * one of them (LOGOFF) would free the user under the caller, which is
 * handling that user's VM.  Until then the user stays held, so a line that
 * comes in between waits behind them.
 */
void cp_user_unhold(struct cp_user *u)
{
	char *id;

	if (!u->held || u->unhold_pending)
		return;
	u->unhold_pending = true;
	id = strdup(u->id);
	if (!id || !evloop_timer(cp_sys.loop, 0, user_resume, id)) {
		free(id);
		u->unhold_pending = false;
		u->held = false; /* out of memory: at once, as before */
		if (u->term)
			u->term->resume(u->term);
	}
}

int cp_user_console_in(struct cp_user *u, const void *buf, size_t len)
{
	return cp_vm_send(u, PROTO_CONSOLE_IN, buf, len, NULL, 0);
}

void cp_user_stop(struct cp_user *u)
{
	if (!u->running)
		return;
	u->running = false;
	cp_vm_send(u, PROTO_STOP, NULL, 0, NULL, 0);
}

int cp_user_begin(struct cp_user *u)
{
	int rc;

	if (!u->ipled)
		return -ENOEXEC;
	rc = cp_vm_send(u, PROTO_BEGIN, NULL, 0, NULL, 0);
	if (!rc)
		u->running = true;
	return rc;
}

void cp_user_release(struct cp_user *u)
{
	nss_release(u);
	net_release(u);
}

void cp_format_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%H:%M:%S %Z %A %m/%d/%y", &tm);
	for (char *p = buf; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p -= 'a' - 'A';
}
