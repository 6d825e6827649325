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

static void user_vm_stopped(struct cp_user *u, uint32_t reason, uint64_t pc)
{
	u->running = false;
	switch (reason) {
	case PROTO_STOP_TRACE:
		nss_trace_hit(u, pc);
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
    .nss_message = nss_vm_message,
};

int cp_user_logon(struct dir_user *d, struct cp_sink *sink, struct cp_user **out)
{
	struct cp_user *u = calloc(1, sizeof(*u));
	int rc;

	if (!u)
		return -ENOMEM;
	u->dir = d;
	u->id = d->id;
	u->storage = d->storage;
	cpu_user_logon(u);
	u->linend = '#';
	u->logon_time = time(NULL);
	u->sink.line = cp_user_sink_line;
	u->next = cp_sys.users;
	cp_sys.users = u;
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
	free(u);
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
