// SPDX-License-Identifier: MIT
/*
 * Named Saved Systems in CP: the spool and the per-user state (cp/nss.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp/nss.h"
#include "util/log.h"

struct spool nss_spool = {.dirfd = -1};

static void nss_log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	log_warn("%s", buf);
}

/* A new user's state: the directory's SEGMENT statements. */
static struct nss_user *nss_user_new(const struct dir_user *d)
{
	struct nss_user *n = calloc(1, sizeof(struct nss_user));

	for (int i = 0; n && i < d->nsegs && i < NSS_MAX_SEGS; i++) {
		struct nss_seg *s = &n->segs[n->nsegs++];

		snprintf(s->name, sizeof(s->name), "%s", d->segs[i].name);
		s->exclusive = d->segs[i].exclusive;
		s->excl_fd = -1;
	}
	return n;
}

struct nss_user *nss_user_get(struct cp_user *u)
{
	if (!u->nss)
		u->nss = nss_user_new(u->dir);
	return u->nss;
}

/* The VM's storage is going: it no longer uses its saved system. */
void nss_release(struct cp_user *u)
{
	struct nss_user *n = u->nss;

	if (!n)
		return;
	if (n->file) {
		spool_detach(&nss_spool, n->file, u->id);
		n->file = NULL;
	}
	if (n->ipl_file) {
		spool_detach(&nss_spool, n->ipl_file, u->id);
		n->ipl_file = NULL;
	}
	nss_seg_release(u);
}

unsigned nss_user_spoolid(const struct cp_user *u)
{
	const struct nss_user *n = u->nss;

	return n && n->file ? n->file->meta.hdr.spoolid : 0;
}

void nss_adopt(struct cp_user *u, unsigned spoolid)
{
	struct spool_file *f = spool_by_id(&nss_spool, spoolid);
	struct nss_user *n = nss_user_get(u);

	if (!f || !n || n->file || spool_adopt_user(&nss_spool, f, u->id))
		return;
	n->file = f;
}

void nss_logoff(struct cp_user *u)
{
	struct nss_user *n = u->nss;

	if (!n)
		return;
	nss_release(u);
	if (n->save) {
		spool_save_abort(&nss_spool, n->save);
		free(n->save);
	}
	nss_trace_free(n);
	free(n);
	u->nss = NULL;
}

void nss_trace_split(const char *cmds, char linend, void (*fn)(void *opaque, const char *cmd),
		     void *opaque)
{
	const char *p = cmds;

	while (*p) {
		const char *end = linend ? strchr(p, linend) : NULL;
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *cmd = strndup(p, len);

		if (cmd) {
			/* `, TRACE END ALL` (SAVELX builds that) runs as `TRACE END ALL`. */
			char *c = cmd + strspn(cmd, " ,");

			if (*c)
				fn(opaque, c);
			free(cmd);
		}
		if (!end)
			break;
		p = end + 1;
	}
}

int nss_cp_init(void)
{
	int ret;

	nss_spool.log = nss_log;
	ret = spool_load(&nss_spool, cp_sys.spool);
	if (ret < 0) {
		log_err("spool %s: %s", cp_sys.spool, strerror(-ret));
		return ret;
	}
	return 0;
}
