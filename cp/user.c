// SPDX-License-Identifier: MIT
/* Logged-on users: logon, logoff, the guest's run state (cp/cp.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cp/net.h"
#include "cp/cp.h"
#include "cp/terminal.h"
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
		term_write_line(u->term, text);
}

void cp_user_write(struct cp_user *u, const char *text)
{
	if (u->term)
		term_write_line(u->term, text);
}

void cp_user_set_input(struct cp_user *u, const struct cp_input_hook *hook)
{
	u->input = hook;
}

int cp_user_logon(struct dir_user *d, struct cp_sink *sink, struct cp_user **out)
{
	struct cp_user *u = calloc(1, sizeof(*u));
	int rc;

	if (!u)
		return -ENOMEM;
	u->dir = d;
	u->id = d->id;
	u->storage = d->storage;
	u->linend = '#';
	u->logon_time = time(NULL);
	u->sink.line = cp_user_sink_line;
	u->next = cp_sys.users;
	cp_sys.users = u;
	rc = vmctl_create(u, sink);
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
	if (cp_sys.hooks.logoff)
		cp_sys.hooks.logoff(u);
	net_user_logoff(u);
	vmctl_destroy(u);
	if (u->term)
		term_hangup(u->term); /* detaches itself from u */
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
}

void cp_user_unhold(struct cp_user *u)
{
	if (!u->held)
		return;
	u->held = false;
	if (u->term)
		term_typeahead_replay(u->term);
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
	if (cp_sys.hooks.release)
		cp_sys.hooks.release(u);
	net_release(u);
}

int cp_user_ipl_directory(struct cp_user *u, struct cp_sink *sink)
{
	char line[512];

	if (!u->dir->ipl)
		return 0;
	snprintf(line, sizeof(line), "IPL %s%s%s", u->dir->ipl, u->dir->ipl_parm ? " PARM " : "",
		 u->dir->ipl_parm ? u->dir->ipl_parm : "");
	return cp_execute(u, line, sink);
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

void cp_shutdown(void)
{
	if (cp_sys.shutting_down)
		return;
	cp_sys.shutting_down = true;
	log_info("shutdown: logging off %d users", cp_user_count());
	while (cp_sys.users)
		cp_user_logoff(cp_sys.users);
	term_close_all();
	evloop_quit(cp_sys.loop);
}
