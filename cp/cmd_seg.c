// SPDX-License-Identifier: MIT
/*
 * Shared segments (DCSS): DEFSEG, SAVESEG, DEFINE SEGMENT, QUERY VIRTUAL
 * SEGMENTS, and giving a user's guest its segments at IPL (cp/nss.h).
 *
 * A segment is a spool file of file type DCSS, in the format, checks and
 * catalogue of saved systems (spool/spool.h): DEFSEG writes its skeleton,
 * SAVESEG publishes a version, PURGE NSS and QUERY NSS treat it as any
 * system data file.  Its pages lie above the storage of every guest that
 * uses it; the guest sees each segment as one persistent-memory region
 * (machine/machine.h: a "pmem-region" node, /dev/pmemN in the order the
 * user's segments are listed), so Linux mounts a file system on it with
 * -o dax and runs programs straight from the host's one copy.
 *
 * Shared use: at IPL the user becomes a user of the segment's current
 * version (spool_attach: the first user's activation checks and copies
 * the file); SR pages are one shared read-only mapping of that copy in
 * every VM process, so a guest store faults and device DMA into them
 * fails.  A version replaced by SAVESEG or purged while in use is pending
 * purge: its users keep it until they IPL again or leave.
 *
 * EXCLUSIVE use (class E): at IPL the user gets a private writable copy,
 * a memfd of CP's holding the current version's pages (zero pages for a
 * segment never saved), to build the contents in; SAVESEG name (typed or
 * from the guest with cpcmd, which stops it for the copy) copies it into
 * a new version against the skeleton of the last DEFSEG, which must
 * describe the same pages.
 *
 * The guest's kernel needs ZONE_DEVICE, LIBNVDIMM, OF_PMEM and FS_DAX for
 * that (Debian's 6.12 kernel has them: OF_PMEM as a module).  The lean
 * guest's 6.1 kernel has no ZONE_DEVICE on RISC-V, so it ignores the
 * pmem-region nodes: its guests IPL with their segments mapped but see no
 * /dev/pmem0 (tests/sh/dcss_linux.sh then skips its Linux part).
 *
 * Room: the VM process reserves address space for the segments above its
 * storage (struct proto_setup mem_span, counted in its limit); an IPL that
 * needs more first starts a new VM process with enough.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "cp/nss.h"
#include "cp/vmctl.h"
#include "mem/mem.h"
#include "util/log.h"
#include "vm/nss.h"
#include "vm/proto.h"

static uint64_t host_backing(void)
{
	struct sysinfo si;

	if (sysinfo(&si) < 0)
		return UINT64_MAX;
	return ((uint64_t)si.totalram + si.totalswap) * si.mem_unit;
}

static uint64_t seg_bytes(uint32_t first, uint32_t last)
{
	return ((uint64_t)last - first + 1) * SPOOL_PAGE;
}

static uint32_t file_first(const struct spool_file *f)
{
	return f->meta.r[0].first;
}

static uint32_t file_last(const struct spool_file *f)
{
	return f->meta.r[f->meta.hdr.nranges - 1].last;
}

/* ---- DEFSEG ---- */

static int defseg_error(struct cp_ctx *ctx, const char *name, enum defseg_err e, uint32_t page,
			const struct defsys *d)
{
	switch (e) {
	case DEFSEG_EALIGN:
		return cp_msg(ctx, MSG_SEG_ALIGN, name, page);
	case DEFSEG_EGAP:
		return cp_msg(ctx, MSG_SEG_GAP, name, page);
	case DEFSEG_ETYPE:
		return cp_msg(ctx, MSG_SEG_TYPE, name, page);
	default:
		return cp_msg(ctx, MSG_SEG_OPTION, name, d->minsize ? "MINSIZE" : "PARMREGS");
	}
}

/* DEFSEG name ranges [RSTD]: DEFSYS's operands, a segment's checks. */
int cmd_defseg(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct spool_file *f;
	struct defsys d;
	const char *bad;
	char size[32], host[32];
	uint32_t seg, page;
	enum defsys_err e;
	enum defseg_err se;
	uint64_t bytes;
	int ret;

	e = defsys_parse(argc - 1, argv + 1, &d, &bad, &seg);
	if (e == DEFSYS_ESEGMENT)
		e = DEFSYS_OK; /* a segment is one kind of pages per range, not per 1M */
	if (e != DEFSYS_OK)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, bad ? bad : argv[0]);
	se = defseg_check(&d, &page);
	if (se != DEFSEG_OK)
		return defseg_error(ctx, d.name, se, page, &d);
	bytes = seg_bytes(d.r[0].first, d.r[d.nranges - 1].last);
	if (bytes > host_backing()) {
		dir_format_size(bytes, size, sizeof(size));
		dir_format_size(host_backing() & ~0xfffffull, host, sizeof(host));
		return cp_msg(ctx, MSG_SEG_HOST, d.name, size, host);
	}
	d.segment = true;
	ret = spool_defsys(&nss_spool, &d, ctx->user->id, &f);
	if (ret == -EBUSY)
		return cp_msg(ctx, MSG_NSS_SAVE_BUSY, d.name);
	if (ret < 0)
		return cp_msg(ctx, MSG_NSS_FAILED, "DEFSEG", d.name, strerror(-ret));
	return cp_msg(ctx, MSG_NSS_DEFINED, "segment", d.name, (unsigned)f->meta.hdr.spoolid);
}

/* ---- the user's list ---- */

static struct nss_seg *seg_find(struct nss_user *n, const char *name)
{
	for (int i = 0; i < n->nsegs; i++)
		if (!strcasecmp(n->segs[i].name, name))
			return &n->segs[i];
	return NULL;
}

/*
 * The file a use of name takes: for shared use the saved version, for
 * exclusive use the skeleton being built if there is one, else the saved
 * version.  0, or the message refusing it.
 */
static int seg_resolve(struct cp_ctx *ctx, const char *name, bool exclusive,
		       struct spool_file **out)
{
	struct spool_file *saved = spool_by_name(&nss_spool, name, true);
	struct spool_file *skel = spool_by_name(&nss_spool, name, false);
	struct spool_file *f = exclusive && skel ? skel : saved;
	struct cp_user *u = ctx->user;

	if ((saved && !spool_file_segment(saved)) || (skel && !spool_file_segment(skel)))
		return cp_msg(ctx, MSG_SEG_IS_SYSTEM, name);
	if (!f && skel)
		return cp_msg(ctx, MSG_SEG_NOT_SAVED, name);
	if (!f)
		return cp_msg(ctx, MSG_SEG_NOT_FOUND, name);
	if (exclusive && !dir_user_has_class(u->dir, "E"))
		return cp_msg(ctx, MSG_SEG_EXCL_CLASS, u->id, name);
	if (f->meta.hdr.rstd && !dir_namesave(u->dir, f->meta.hdr.name))
		return cp_msg(ctx, MSG_SEG_RSTD, u->id, f->meta.hdr.name);
	if ((uint64_t)file_first(f) * SPOOL_PAGE < u->storage) {
		char st[32];

		dir_format_size(u->storage, st, sizeof(st));
		return cp_msg(ctx, MSG_SEG_STORAGE, f->meta.hdr.name, file_first(f), file_last(f),
			      u->id, st);
	}
	*out = f;
	return 0;
}

/* The other segments of the list (resolved) must not share a page with f. */
static int seg_overlap(struct cp_ctx *ctx, struct nss_user *n, const struct spool_file *f,
		       const char *self)
{
	for (int i = 0; i < n->nsegs; i++) {
		struct spool_file *g = spool_by_name(&nss_spool, n->segs[i].name, true);

		if (!strcasecmp(n->segs[i].name, self))
			continue;
		if (n->segs[i].exclusive && spool_by_name(&nss_spool, n->segs[i].name, false))
			g = spool_by_name(&nss_spool, n->segs[i].name, false);
		if (g && spool_file_segment(g) && file_first(g) <= file_last(f) &&
		    file_first(f) <= file_last(g))
			return cp_msg(ctx, MSG_SEG_OVERLAP, f->meta.hdr.name, g->meta.hdr.name);
	}
	return 0;
}

/* DEFINE SEGMENT name [EXCLUSIVE] (argv[0] is SEGMENT) */
int cmd_define_segment(struct cp_ctx *ctx, int argc, char **argv)
{
	struct nss_user *n = nss_user_get(ctx->user);
	struct spool_file *f;
	struct nss_seg *s;
	bool excl;
	int ret;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (argc > 3 || (argc == 3 && strcasecmp(argv[2], "EXCLUSIVE")))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[argc == 3 ? 2 : 3]);
	if (!n)
		return cp_msg(ctx, MSG_NSS_FAILED, "DEFINE SEGMENT", argv[1], strerror(ENOMEM));
	excl = argc == 3;
	ret = seg_resolve(ctx, argv[1], excl, &f);
	if (!ret)
		ret = seg_overlap(ctx, n, f, argv[1]);
	if (ret)
		return ret;
	s = seg_find(n, argv[1]);
	if (!s && n->nsegs == NSS_MAX_SEGS)
		return cp_msg(ctx, MSG_SEG_TOO_MANY, NSS_MAX_SEGS);
	if (!s) {
		s = &n->segs[n->nsegs++];
		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "%.8s", f->meta.hdr.name);
		s->excl_fd = -1;
	}
	s->exclusive = excl; /* the guest has it so from its next IPL */
	return cp_msg(ctx, MSG_SEG_DEFINE, s->name, excl ? "EXCLUSIVE" : "SHARED");
}

/* QUERY VIRTUAL SEGMENTS */
int cmd_q_segments(struct cp_ctx *ctx)
{
	struct nss_user *n = nss_user_get(ctx->user);

	if (!n || !n->nsegs)
		return cp_msg(ctx, MSG_SEG_Q_NONE);
	for (int i = 0; i < n->nsegs; i++) {
		const struct nss_seg *s = &n->segs[i];
		bool loaded = s->file || s->excl_fd >= 0;
		struct spool_file *f = spool_by_name(&nss_spool, s->name, !s->exclusive);
		uint32_t first = loaded ? s->first : 0, last = loaded ? s->last : 0;

		if (!loaded && !f)
			f = spool_by_name(&nss_spool, s->name, true);
		if (!loaded && f && spool_file_segment(f))
			first = file_first(f), last = file_last(f);
		cp_msg(ctx, MSG_SEG_Q_ROW, s->name, first, last,
		       s->exclusive ? "EXCLUSIVE" : "SHARED", loaded ? "LOADED" : "AT NEXT IPL");
	}
	return 0;
}

/* ---- at IPL ---- */

struct seg_msg {
	int fds[PROTO_MAX_FDS];
	bool own[PROTO_MAX_FDS]; /* fds[i] is ours to close after sending */
	int nfds;
	union { /* last: p ends in a flexible array */
		struct proto_nss_segs p;
		uint8_t buf[sizeof(struct proto_nss_segs) +
			    MACHINE_MAX_SEG_MAPS * sizeof(struct proto_nss_seg)];
	} req;
};

static int msg_fd(struct seg_msg *m, int fd, bool own)
{
	for (int i = 0; i < m->nfds; i++)
		if (m->fds[i] == fd)
			return i;
	if (m->nfds == PROTO_MAX_FDS)
		return -E2BIG;
	m->fds[m->nfds] = fd;
	m->own[m->nfds] = own;
	return m->nfds++;
}

static int msg_part(struct seg_msg *m, uint64_t real, uint64_t len, uint64_t off, int fdi, int kind,
		    int region)
{
	struct proto_nss_seg *p;

	if (m->req.p.nseg == MACHINE_MAX_SEG_MAPS)
		return -E2BIG;
	p = &m->req.p.seg[m->req.p.nseg++];
	*p = (struct proto_nss_seg){
	    .real = real,
	    .len = len,
	    .off = off,
	    .fd = fdi < 0 ? PROTO_NSS_SEG_ZERO : (uint8_t)fdi,
	    .kind = (uint8_t)kind,
	    .region = (uint8_t)region,
	};
	return 0;
}

/* Exclusive: the private copy, all of it writable. */
static int seg_take_exclusive(struct cp_ctx *ctx, struct nss_seg *s, struct spool_file *f,
			      struct seg_msg *m, int region)
{
	struct spool_file *saved = spool_by_name(&nss_spool, s->name, true);
	uint64_t base = (uint64_t)file_first(f) * SPOOL_PAGE;
	uint64_t len = seg_bytes(file_first(f), file_last(f));
	char why[160];
	int ret, fdi;

	if (saved && !spool_file_segment(saved))
		saved = NULL;
	ret = spool_seg_copy(&nss_spool, saved, base, len, &s->excl_fd, why, sizeof(why));
	if (ret < 0)
		return cp_msg(ctx, MSG_SEG_DAMAGED, s->name, why);
	fdi = msg_fd(m, s->excl_fd, false);
	if (fdi < 0 || msg_part(m, base, len, 0, fdi, MEM_MAP_SHARED_RW, region))
		return cp_msg(ctx, MSG_SEG_TOO_MANY, NSS_MAX_SEGS);
	s->first = file_first(f);
	s->last = file_last(f);
	return 0;
}

/* Shared: a user of the current version, its ranges as the spool lays them. */
static int seg_take_shared(struct cp_ctx *ctx, struct nss_seg *s, struct spool_file *f,
			   struct seg_msg *m, int region)
{
	struct spool_map map[SPOOL_MAX_RANGES];
	char why[160];
	int fd, nmap, ret, filei;

	ret = spool_attach(&nss_spool, f, ctx->user->id, &fd, map, &nmap, why, sizeof(why));
	if (ret < 0)
		return cp_msg(ctx, MSG_SEG_DAMAGED, s->name, why);
	s->file = f;
	s->first = file_first(f);
	s->last = file_last(f);
	filei = msg_fd(m, fd, true); /* the message closes it once sent */
	if (filei < 0) {
		close(fd);
		return cp_msg(ctx, MSG_SEG_TOO_MANY, NSS_MAX_SEGS);
	}
	for (int i = 0; i < nmap && ret == 0; i++) {
		int fdi = -1;

		if (map[i].src == SPOOL_SRC_FILE)
			fdi = filei;
		else if (map[i].src == SPOOL_SRC_MEMFD)
			fdi = msg_fd(m, f->memfd, false);
		else if (map[i].src != SPOOL_SRC_ZERO)
			fdi = -EINVAL; /* SC: never in a segment (DEFSEG refuses it) */
		ret = fdi < -1 ? fdi
			       : msg_part(m, map[i].real, map[i].len, map[i].off, fdi, map[i].kind,
					  region);
	}
	if (ret)
		return cp_msg(ctx, MSG_SEG_TOO_MANY, NSS_MAX_SEGS);
	return 0;
}

static void msg_close(struct seg_msg *m)
{
	for (int i = 0; i < m->nfds; i++)
		if (m->own[i])
			close(m->fds[i]);
	m->nfds = 0;
}

/* Enough room in the VM process for every segment: a new one if not. */
static void seg_room(struct cp_user *u, const struct seg_msg *m)
{
	uint64_t top = 0;

	for (uint32_t i = 0; i < m->req.p.nseg; i++)
		if (m->req.p.seg[i].real + m->req.p.seg[i].len > top)
			top = m->req.p.seg[i].real + m->req.p.seg[i].len;
	if (top <= u->seg_span)
		return;
	u->seg_span = top;
	log_info("%s: room for segments up to %llu MiB: new VM process", u->id,
		 (unsigned long long)(top >> 20));
	vmctl_restart(u);
}

int nss_seg_ipl(struct cp_ctx *ctx)
{
	struct cp_user *u = ctx->user;
	struct nss_user *n = nss_user_get(u);
	static struct seg_msg m;
	int ret = 0;

	if (!n || !n->nsegs)
		return 0;
	memset(&m.req.p, 0, sizeof(m.req.p));
	m.nfds = 0;
	for (int i = 0; i < n->nsegs && ret == 0; i++) {
		struct nss_seg *s = &n->segs[i];
		struct spool_file *f;

		ret = seg_resolve(ctx, s->name, s->exclusive, &f);
		if (!ret)
			ret = seg_overlap(ctx, n, f, s->name);
		if (!ret)
			ret = s->exclusive ? seg_take_exclusive(ctx, s, f, &m, i)
					   : seg_take_shared(ctx, s, f, &m, i);
	}
	if (ret) {
		msg_close(&m);
		nss_seg_release(u);
		return ret;
	}
	seg_room(u, &m);
	ret = cp_vm_send(u, PROTO_NSS_SEGMENTS, &m.req,
			 sizeof(m.req.p) + m.req.p.nseg * sizeof(m.req.p.seg[0]), m.fds, m.nfds);
	msg_close(&m);
	if (ret < 0) {
		nss_seg_release(u);
		return cp_msg(ctx, MSG_SEG_MAP_FAILED, strerror(-ret));
	}
	n->segs_mapped = true;
	return 0;
}

void nss_seg_release(struct cp_user *u)
{
	struct nss_user *n = u->nss;
	struct proto_nss_segs none = {0};

	if (!n)
		return;
	for (int i = 0; i < n->nsegs; i++) {
		struct nss_seg *s = &n->segs[i];

		if (s->file)
			spool_detach(&nss_spool, s->file, u->id);
		s->file = NULL;
		if (s->excl_fd >= 0)
			close(s->excl_fd);
		s->excl_fd = -1;
	}
	if (n->segs_mapped && u->vm && u->vm->sock >= 0)
		cp_vm_send(u, PROTO_NSS_SEGMENTS, &none, sizeof(none), NULL, 0);
	n->segs_mapped = false;
}

void nss_seg_result(struct cp_user *u, const struct proto_nss_result *r)
{
	if (r->rc < 0)
		cp_user_msg(u, MSG_SEG_MAP_FAILED, r->text);
}

/* ---- SAVESEG ---- */

/* SAVESEG name: the issuer's exclusive copy becomes the segment's new version. */
int cmd_saveseg(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;
	struct nss_user *n = nss_user_get(u);
	struct spool_file *skel, *f;
	struct spool_save *sv;
	struct nss_seg *s;
	int ret;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (argc > 2)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[2]);
	s = n ? seg_find(n, argv[1]) : NULL;
	if (!s || !s->exclusive || s->excl_fd < 0)
		return cp_msg(ctx, MSG_SEG_NOT_EXCL, u->id, s ? s->name : argv[1]);
	skel = spool_by_name(&nss_spool, s->name, false);
	if (!skel || !spool_file_segment(skel))
		return cp_msg(ctx, MSG_SEG_NO_SKELETON, s->name);
	if (file_first(skel) != s->first || file_last(skel) != s->last)
		return cp_msg(ctx, MSG_SEG_CHANGED, s->name);
	sv = calloc(1, sizeof(*sv));
	if (!sv)
		return cp_msg(ctx, MSG_NSS_FAILED, "SAVESEG", s->name, strerror(ENOMEM));
	ret = spool_save_begin(&nss_spool, s->name, ((uint64_t)s->last + 1) * SPOOL_PAGE, NULL, 0,
			       0, 0, sv);
	if (ret == 0)
		ret = spool_save_fill(sv, s->excl_fd, (uint64_t)s->first * SPOOL_PAGE);
	if (ret == 0)
		ret = spool_save_commit(&nss_spool, sv, &f);
	else if (sv->fd >= 0)
		spool_save_abort(&nss_spool, sv);
	free(sv);
	if (ret == -EBUSY)
		return cp_msg(ctx, MSG_NSS_SAVE_BUSY, s->name);
	if (ret < 0)
		return cp_msg(ctx, MSG_NSS_FAILED, "SAVESEG", s->name, strerror(-ret));
	log_info("%s: saved segment %s in %04u", u->id, s->name, f->meta.hdr.spoolid);
	return cp_msg(ctx, MSG_NSS_SAVED, "segment", s->name, (unsigned)f->meta.hdr.spoolid);
}
