// SPDX-License-Identifier: MIT
/*
 * NSS commands: DEFSYS, SAVESYS, IPL name, QUERY NSS, PURGE NSS (cp/nss.h).
 *
 * SAVESYS and IPL name are two steps: CP checks, opens the spool file and
 * sends the request to the VM process; the VM's NSS_RESULT finishes them
 * (nss_vm_message).  CP never waits for a guest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cp/cmd_cpu.h"
#include "cp/cmd_ssi.h"
#include "cp/nss.h"
#include "cp/vmctl.h"
#include "cpu/cpu.h"
#include "machine/machine.h"
#include "util/log.h"
#include "vm/nss.h"
#include "vm/proto.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fmt_size(uint64_t bytes, char *buf, size_t len)
{
	dir_format_size(bytes, buf, len);
}

/* ---- DEFSYS ---- */

static int defsys_error(struct cp_ctx *ctx, enum defsys_err e, const char *bad, uint32_t seg)
{
	const char *b = bad ? bad : "";

	switch (e) {
	case DEFSYS_ENONAME:
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	case DEFSYS_ENORANGE:
		return cp_msg(ctx, MSG_NSS_NO_RANGE);
	case DEFSYS_EBADRANGE:
		return cp_msg(ctx, MSG_NSS_BAD_RANGE, b);
	case DEFSYS_ENOTYPE:
		return cp_msg(ctx, MSG_NSS_NO_TYPE, b);
	case DEFSYS_EBADTYPE:
		return cp_msg(ctx, MSG_NSS_BAD_TYPE, b);
	case DEFSYS_EOVERLAP:
		return cp_msg(ctx, MSG_NSS_OVERLAP, seg);
	case DEFSYS_ESEGMENT:
		return cp_msg(ctx, MSG_NSS_SEGMENT, seg);
	case DEFSYS_ETOOMANY:
		return cp_msg(ctx, MSG_NSS_TOO_MANY, SPOOL_MAX_RANGES);
	case DEFSYS_EDUP:
		return cp_msg(ctx, MSG_NSS_CONFLICT, b);
	case DEFSYS_EOPTION:
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, b);
	default: /* bad name, MINSIZE, PARMREGS */
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, b);
	}
}

int cmd_defsys(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct spool_file *f;
	struct defsys d;
	const char *bad;
	uint32_t seg;
	enum defsys_err e;
	int ret;

	e = defsys_parse(argc - 1, argv + 1, &d, &bad, &seg);
	if (e != DEFSYS_OK)
		return defsys_error(ctx, e, bad, seg);
	ret = spool_defsys(&nss_spool, &d, ctx->user->id, &f);
	if (ret == -EBUSY)
		return cp_msg(ctx, MSG_NSS_SAVE_BUSY, d.name);
	if (ret < 0)
		return cp_msg(ctx, MSG_NSS_FAILED, "DEFSYS", d.name, strerror(-ret));
	return cp_msg(ctx, MSG_NSS_DEFINED, "system", d.name, (unsigned)f->meta.hdr.spoolid);
}

/* ---- SAVESYS ---- */

/* The VM's minidisks as the spool records them. */
static int user_disks(struct cp_user *u, struct spool_disk *d)
{
	int n = 0;

	for (int i = 0; u->vm && i < u->vm->nlinks && n < SPOOL_MAX_DISKS; i++, n++) {
		memset(&d[n], 0, sizeof(d[n]));
		d[n].vdev = u->vm->links[i].vdev;
		d[n].size = u->vm->links[i].size;
	}
	return n;
}

int cmd_savesys(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;
	struct nss_user *n = nss_user_get(u);
	struct spool_disk disks[SPOOL_MAX_DISKS];
	union {
		struct proto_nss_save s;
		uint8_t buf[sizeof(struct proto_nss_save) +
			    SPOOL_MAX_RANGES * sizeof(struct spool_map)];
	} req;
	struct spool_save *sv;
	char size[32];
	int ret;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (argc > 2)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[2]);
	if (!n)
		return cp_msg(ctx, MSG_NSS_FAILED, "SAVESYS", argv[1], strerror(ENOMEM));
	if (n->save)
		return cp_msg(ctx, MSG_NSS_SAVE_BUSY, n->save->meta.hdr.name);
	if (spool_by_name(&nss_spool, argv[1], false) &&
	    spool_file_segment(spool_by_name(&nss_spool, argv[1], false)))
		return cp_msg(ctx, MSG_SEG_NOT_SYSTEM, argv[1]);
	sv = calloc(1, sizeof(*sv));
	if (!sv)
		return cp_msg(ctx, MSG_NSS_FAILED, "SAVESYS", argv[1], strerror(ENOMEM));
	ret = spool_save_begin(&nss_spool, argv[1], u->storage, disks, user_disks(u, disks),
			       sizeof(struct hart_state), (uint32_t)machine_state_max(), sv);
	if (ret < 0) {
		free(sv);
		fmt_size(u->storage, size, sizeof(size));
		if (ret == -ENOENT && spool_by_name(&nss_spool, argv[1], true))
			return cp_msg(ctx, MSG_NSS_NO_SKELETON, argv[1]);
		if (ret == -ENOENT)
			return cp_msg(ctx, MSG_NSS_NOT_FOUND, argv[1]);
		if (ret == -ERANGE)
			return cp_msg(ctx, MSG_NSS_SAVE_STORAGE, size, argv[1]);
		if (ret == -EBUSY)
			return cp_msg(ctx, MSG_NSS_SAVE_BUSY, argv[1]);
		return cp_msg(ctx, MSG_NSS_FAILED, "SAVESYS", argv[1], strerror(-ret));
	}
	/* Stop the guest first: the VM handles STOP, then writes a still image. */
	cp_user_stop(u);
	memset(&req, 0, sizeof(req));
	req.s.hart_off = sv->hart_off;
	req.s.hart_size = sizeof(struct hart_state);
	req.s.dev_size = (uint32_t)machine_state_max();
	req.s.nmap = (uint32_t)sv->nmap;
	memcpy(req.s.map, sv->map, (size_t)sv->nmap * sizeof(sv->map[0]));
	ret = cp_vm_send(u, PROTO_NSS_SAVE, &req,
			 sizeof(req.s) + (size_t)sv->nmap * sizeof(sv->map[0]), &sv->fd, 1);
	if (ret < 0) {
		spool_save_abort(&nss_spool, sv);
		free(sv);
		return cp_msg(ctx, MSG_NSS_FAILED, "SAVESYS", argv[1], strerror(-ret));
	}
	n->save = sv;
	/* Lines typed meanwhile ("SAVESYS X#LOGOFF") wait for the save's end. */
	cp_user_hold(u);
	return 0;
}

static void save_done(struct cp_user *u, struct nss_user *n, const struct proto_nss_result *r)
{
	struct spool_save *sv = n->save;
	struct spool_file *f;
	char name[sizeof(sv->meta.hdr.name)];
	int ret;

	if (!sv)
		return;
	n->save = NULL;
	snprintf(name, sizeof(name), "%s", sv->meta.hdr.name);
	if (r->rc < 0) {
		spool_save_abort(&nss_spool, sv);
		cp_user_msg(u, MSG_NSS_FAILED, "SAVESYS", name, r->text);
		goto out;
	}
	ret = spool_save_commit(&nss_spool, sv, &f);
	if (ret < 0) {
		cp_user_msg(u, MSG_NSS_FAILED, "SAVESYS", name, strerror(-ret));
		goto out;
	}
	log_info("%s: saved system %s in %04u (%.1f ms in the VM)", u->id, name,
		 f->meta.hdr.spoolid, (double)r->ns / 1e6);
	cp_ssi_nss_saved(f);
	cp_user_msg(u, MSG_NSS_SAVED, "system", name, (unsigned)f->meta.hdr.spoolid);
out:
	free(sv);
	cp_user_unhold(u);
}

/* ---- IPL name ---- */

/* The saved minidisk configuration against the VM's: what differs, or "". */
static void device_diff(struct cp_user *u, const struct spool_file *f, char *why, size_t wl)
{
	struct spool_disk d[SPOOL_MAX_DISKS];
	int nd = user_disks(u, d);
	char a[32], b[32];

	why[0] = 0;
	for (int i = 0; i < f->meta.hdr.ndisks; i++) {
		const struct spool_disk *s = &f->meta.disk[i];
		int j;

		for (j = 0; j < nd && d[j].vdev != s->vdev; j++)
			;
		fmt_size(s->size, a, sizeof(a));
		if (j == nd) {
			snprintf(why, wl, "device %04X (%s) is missing", s->vdev, a);
			return;
		}
		if (d[j].size != s->size) {
			fmt_size(d[j].size, b, sizeof(b));
			snprintf(why, wl, "device %04X is %s, saved with %s", s->vdev, b, a);
			return;
		}
	}
	for (int j = 0; j < nd; j++) {
		int i;

		for (i = 0; i < f->meta.hdr.ndisks && f->meta.disk[i].vdev != d[j].vdev; i++)
			;
		if (i == f->meta.hdr.ndisks) {
			snprintf(why, wl, "device %04X was not in the saved configuration",
				 d[j].vdev);
			return;
		}
	}
}

/* MINSIZE, the pages against storage, RSTD/NAMESAVE, the devices. */
static int ipl_check(struct cp_ctx *ctx, const struct spool_file *f)
{
	struct cp_user *u = ctx->user;
	const struct spool_hdr *h = &f->meta.hdr;
	uint64_t top = ((uint64_t)f->meta.r[h->nranges - 1].last + 1) * SPOOL_PAGE;
	char a[32], b[32], why[160];
	int cpus;

	fmt_size(u->storage, a, sizeof(a));
	if (f->cls == 'R' && !dir_namesave(u->dir, h->name))
		return cp_msg(ctx, MSG_NSS_RSTD, u->id, h->name);
	if (u->storage < h->minsize) {
		fmt_size(h->minsize, b, sizeof(b));
		return cp_msg(ctx, MSG_NSS_MINSIZE, a, b, h->name);
	}
	if (u->storage < top)
		return cp_msg(ctx, MSG_NSS_STORAGE, a, h->name);
	/* a system saved running carries its harts; one of another count cannot resume */
	cpus = f->meta.hart && h->dev_size
		   ? machine_state_cpus(f->meta.hart + h->hart_size, h->dev_size)
		   : -1;
	if (cpus > 0 && cpus != cpu_count(u))
		return cp_msg(ctx, MSG_NSS_CPUS, h->name, cpus, cpu_count(u));
	device_diff(u, f, why, sizeof(why));
	if (why[0])
		return cp_msg(ctx, MSG_NSS_DEVICE, h->name, why);
	return 0;
}

static int ipl_send(struct cp_user *u, struct spool_file *f, int fd, const struct spool_map *map,
		    int nmap, const char *parm)
{
	static union {
		struct proto_nss_ipl p;
		uint8_t buf[PROTO_MAX_PAYLOAD];
	} req;
	size_t off = sizeof(req.p) + (size_t)nmap * sizeof(*map), plen = strlen(parm) + 1;
	int fds[3] = {fd}, nfds = 1, at[4] = {0, 0, 0, 0}; /* at[src]: index in fds */

	if (off + plen > sizeof(req))
		return -E2BIG;
	if (f->memfd >= 0)
		at[SPOOL_SRC_MEMFD] = nfds, fds[nfds++] = f->memfd;
	if (f->scfd_ro >= 0)
		at[SPOOL_SRC_SCFD] = nfds, fds[nfds++] = f->scfd_ro;
	memset(&req.p, 0, sizeof(req.p));
	req.p.hart_off = f->meta.hdr.meta_len - f->meta.hdr.hart_size - f->meta.hdr.dev_size;
	req.p.hart_size = f->meta.hdr.hart_size;
	req.p.dev_size = f->meta.hdr.dev_size;
	req.p.nmap = (uint32_t)nmap;
	req.p.parm_off = (uint32_t)off;
	memcpy(req.p.map, map, (size_t)nmap * sizeof(*map));
	for (int i = 0; i < nmap; i++)
		req.p.map[i].fd = (uint8_t)(map[i].src < 4 ? at[map[i].src] : 0);
	memcpy(req.buf + off, parm, plen);
	return cp_vm_send(u, PROTO_NSS_IPL, &req, off + plen, fds, nfds);
}

int nss_ipl_name(struct cp_ctx *ctx, const char *name, const char *parm)
{
	struct cp_user *u = ctx->user;
	struct nss_user *n = nss_user_get(u);
	struct spool_map map[SPOOL_MAX_RANGES];
	struct spool_file *f = spool_by_name(&nss_spool, name, true);
	struct spool_file *skel = spool_by_name(&nss_spool, name, false);
	uint64_t t0 = mono_ns();
	char why[160];
	int ret, fd, nmap;

	if ((f && spool_file_segment(f)) || (!f && skel && spool_file_segment(skel)))
		return cp_msg(ctx, MSG_SEG_NOT_SYSTEM, name);
	if (!f && n) {
		/* Another SSI member may have saved it (over a skeleton seen here). */
		ret = cp_ssi_nss_fetch(ctx, name);
		if (ret != CP_RC_NOT_HANDLED)
			return ret;
	}
	if (!f && spool_by_name(&nss_spool, name, false))
		return cp_msg(ctx, MSG_NSS_NOT_SAVED, name);
	if (!f || !n)
		return cp_msg(ctx, MSG_NSS_NOT_FOUND, name);
	ret = ipl_check(ctx, f);
	if (ret)
		return ret;
	cp_user_stop(u);
	cp_user_release(u); /* leaves the system it ran before */
	u->ipled = false;
	ret = nss_seg_ipl(ctx);
	if (ret)
		return ret;
	ret = spool_attach(&nss_spool, f, u->id, &fd, map, &nmap, why, sizeof(why));
	if (ret < 0)
		return cp_msg(ctx, MSG_NSS_DAMAGED, f->meta.hdr.name, why);
	ret = ipl_send(u, f, fd, map, nmap, parm ? parm : "");
	close(fd);
	if (ret < 0) {
		spool_detach(&nss_spool, f, u->id);
		return cp_msg(ctx, MSG_NSS_IPL_FAILED, f->meta.hdr.name, strerror(-ret));
	}
	n->ipl_file = f;
	n->ipl_t0 = t0;
	n->ipl_inflight++;
	cp_user_hold(u);
	return 0;
}

static void ipl_done(struct cp_user *u, struct nss_user *n, const struct proto_nss_result *r)
{
	struct spool_file *f = n->ipl_file;

	/* An IPL typed again before the first was done: only the last counts
	 * (the VM answers in order; the earlier system was left at re-IPL). */
	if (n->ipl_inflight > 0 && --n->ipl_inflight > 0)
		return;
	if (!f)
		goto out;
	n->ipl_file = NULL;
	if (r->rc < 0) {
		spool_detach(&nss_spool, f, u->id);
		cp_user_msg(u, MSG_NSS_IPL_FAILED, f->meta.hdr.name, r->text);
		goto out;
	}
	n->file = f;
	u->ipled = true;
	cp_user_memo(u);
	cp_user_begin(u); /* the VM process has set the trap again (traps stay across IPL) */
	log_info("%s: IPL %s: %.3f ms to the first instruction (%.3f ms in the VM)", u->id,
		 f->meta.hdr.name, (double)(mono_ns() - n->ipl_t0) / 1e6, (double)r->ns / 1e6);
out:
	cp_user_unhold(u); /* lines typed meanwhile now go to the guest */
}

void nss_vm_message(struct cp_user *u, struct proto_msg *m)
{
	const struct proto_nss_result *r = (const void *)m->payload;
	struct nss_user *n = u->nss;

	if (m->type == PROTO_NSS_RESULT && m->len >= sizeof(*r) && n) {
		if (r->req == PROTO_NSS_SAVE)
			save_done(u, n, r);
		else if (r->req == PROTO_NSS_IPL)
			ipl_done(u, n, r);
		else if (r->req == PROTO_NSS_SEGMENTS)
			nss_seg_result(u, r);
	}
	proto_close_fds(m);
}

/* ---- QUERY NSS ---- */

static void fmt_recs(uint64_t pages, char *buf, size_t len)
{
	if (pages < 10000)
		snprintf(buf, len, "%04llu", (unsigned long long)pages);
	else
		snprintf(buf, len, "%03lluK", (unsigned long long)(pages / 1000 % 1000));
}

static void q_row(struct cp_ctx *ctx, const struct spool_file *f)
{
	char recs[16], date[6], tm[9];

	fmt_recs(spool_file_pages(f), recs, sizeof(recs));
	spool_file_date(f, date, tm);
	cp_msg(ctx, MSG_NSS_Q_ROW, "*NSS", (unsigned)f->meta.hdr.spoolid, f->meta.hdr.type, f->cls,
	       recs, date, tm, f->meta.hdr.name, f->meta.hdr.type, f->meta.hdr.owner);
}

static void q_map(struct cp_ctx *ctx, const struct spool_file *f)
{
	const struct spool_hdr *h = &f->meta.hdr;
	char minsize[32] = "0K", parm[16] = "NONE";

	if (h->minsize)
		fmt_size(h->minsize, minsize, sizeof(minsize));
	if (h->parm_lo >= 0)
		snprintf(parm, sizeof(parm), "%02d-%02d", h->parm_lo % 100, h->parm_hi % 100);
	for (int i = 0; i < h->nranges; i++) {
		const struct spool_range *r = &f->meta.r[i];

		if (i == 0)
			cp_msg(ctx, MSG_NSS_MAP_ROW, (unsigned)h->spoolid, h->name, h->type,
			       minsize, r->first, r->last, spool_pgtype_name(r->type), f->cls,
			       f->nusers, parm);
		else
			cp_msg(ctx, MSG_NSS_MAP_RANGE, r->first, r->last,
			       spool_pgtype_name(r->type));
	}
}

static int q_users(struct cp_ctx *ctx, const char *name)
{
	const struct spool_file *f = spool_by_name(&nss_spool, name, true);
	char line[128];
	size_t len = 0;
	int shown = 0;

	if (!f)
		return cp_msg(ctx, MSG_NSS_NOT_FOUND, name);
	/* The current system and any pending-purge ones of the same name. */
	for (const struct spool_file *g = nss_spool.files; g; g = g->next) {
		if (strcasecmp(g->meta.hdr.name, name) || (g->cls != 'P' && g != f))
			continue;
		for (int i = 0; i < g->nusers; i++) {
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%-8s",
						len ? " , " : "", g->users[i]);
			if (++shown % 4 == 0) {
				cp_msg(ctx, MSG_NSS_USERS, line);
				len = 0;
			}
		}
	}
	if (len)
		cp_msg(ctx, MSG_NSS_USERS, line);
	if (!shown)
		return cp_msg(ctx, MSG_NSS_NO_USERS, f->meta.hdr.name);
	return 0;
}

int cmd_q_nss(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	bool map = false, any = false;
	const char *name = NULL;
	int i = 1;

	if (i < argc && !strcasecmp(argv[i], "USERS")) {
		if (argc < 3)
			return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
		if (argc > 3)
			return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[3]);
		return q_users(ctx, argv[2]);
	}
	if (i < argc && !strcasecmp(argv[i], "MAP"))
		map = true, i++;
	if (i < argc && !strcasecmp(argv[i], "ALL"))
		i++;
	else if (i < argc && !strcasecmp(argv[i], "NAME")) {
		if (i + 1 >= argc)
			return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
		name = argv[i + 1];
		i += 2;
	}
	if (i < argc)
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[i]);
	for (const struct spool_file *f = nss_spool.files; f; f = f->next) {
		if (name && strcasecmp(f->meta.hdr.name, name))
			continue;
		if (!any && map)
			cp_msg(ctx, MSG_NSS_MAP_HEADER);
		else if (!any)
			cp_msg(ctx, MSG_NSS_Q_HEADER);
		any = true;
		if (map)
			q_map(ctx, f);
		else
			q_row(ctx, f);
	}
	if (!any)
		return name ? cp_msg(ctx, MSG_NSS_NOT_FOUND, name) : cp_msg(ctx, MSG_NSS_Q_NONE);
	return 0;
}

/* ---- PURGE NSS ---- */

static int purge_count(struct cp_ctx *ctx, int n)
{
	return cp_msg(ctx, MSG_NSS_PURGED, n, n == 1 ? "" : "S");
}

/* PURGE NSS SPOOLID id, or PURGE NSS id. */
static int purge_id(struct cp_ctx *ctx, const char *what)
{
	struct spool_file *f = NULL;
	unsigned long id;
	char *end;
	int ret;

	id = strtoul(what, &end, 10);
	if (!*end && end != what && id <= 9999)
		f = spool_by_id(&nss_spool, (unsigned)id);
	if (!f || f->cls == 'P')
		return cp_msg(ctx, MSG_NSS_NO_FILE, what);
	if (!f->saving)
		cp_ssi_nss_purged(f);
	ret = spool_purge(&nss_spool, f);
	if (ret == -EBUSY)
		return cp_msg(ctx, MSG_NSS_SAVE_BUSY, f->meta.hdr.name);
	if (ret < 0)
		return cp_msg(ctx, MSG_NSS_FAILED, "PURGE", what, strerror(-ret));
	return purge_count(ctx, 1);
}

/* PURGE NSS NAME name: every file of the name (in use ones become class P). */
static int purge_name(struct cp_ctx *ctx, const char *name)
{
	struct spool_file *f, *next;
	int n = 0, busy = 0;

	for (f = nss_spool.files; f; f = next) {
		next = f->next;
		if (strcasecmp(f->meta.hdr.name, name) || f->cls == 'P')
			continue;
		if (!f->saving)
			cp_ssi_nss_purged(f);
		if (spool_purge(&nss_spool, f) == 0)
			n++;
		else
			busy++;
	}
	if (!n && busy)
		return cp_msg(ctx, MSG_NSS_SAVE_BUSY, name);
	if (!n)
		return cp_msg(ctx, MSG_NSS_NOT_FOUND, name);
	return purge_count(ctx, n);
}

/* PURGE NSS NAME name | SPOOLID id | id */
int cmd_purge(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	bool by_name, by_id;
	int max;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (strcasecmp(argv[1], "NSS"))
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[1]);
	if (argc < 3)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	by_name = !strcasecmp(argv[2], "NAME");
	by_id = !strcasecmp(argv[2], "SPOOLID");
	if ((by_name || by_id) && argc < 4)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	max = by_name || by_id ? 4 : 3;
	if (argc > max)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[max]);
	if (by_name)
		return purge_name(ctx, argv[3]);
	return purge_id(ctx, by_id ? argv[3] : argv[2]);
}
