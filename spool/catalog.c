// SPDX-License-Identifier: MIT
/*
 * The spool catalogue: the files of the spool folder, their classes and
 * users, atomic creation and replacement, pending purge.  See spool.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem/mem.h"
#include "spool/spool.h"
#include "util/errbuf.h"
#include "util/file.h"

#define SPOOL_MAX_ID 9999

static void nolog(const char *fmt, ...)
{
}

static void file_path(char *buf, size_t len, unsigned id, const char *ext)
{
	snprintf(buf, len, "%04u.%s", id, ext);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The last user left: the shared storage goes. */
static void shared_close(struct spool_file *f)
{
	int *fds[] = {&f->memfd, &f->scfd, &f->scfd_ro, &f->datafd};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	f->memfd_size = f->scfd_size = 0;
}

static void file_free(struct spool_file *f)
{
	shared_close(f);
	spool_meta_free(&f->meta);
	free(f->users);
	free(f);
}

/* Keeps the list sorted by spool id. */
static void list_insert(struct spool *sp, struct spool_file *f)
{
	struct spool_file **pp = &sp->files;

	while (*pp && (*pp)->meta.hdr.spoolid < f->meta.hdr.spoolid)
		pp = &(*pp)->next;
	f->next = *pp;
	*pp = f;
}

static void list_remove(struct spool *sp, struct spool_file *f)
{
	for (struct spool_file **pp = &sp->files; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			return;
		}
}

/* Makes a rename durable. */
static int sync_dir(struct spool *sp)
{
	return fsync(sp->dirfd) < 0 ? -errno : 0;
}

/* Removes f's file and forgets it. */
static void file_delete(struct spool *sp, struct spool_file *f)
{
	char path[32];

	file_path(path, sizeof(path), f->meta.hdr.spoolid, f->cls == 'P' ? "pend" : "nss");
	if (unlinkat(sp->dirfd, path, 0) < 0)
		sp->log("spool: cannot delete %s: %s\n", path, strerror(errno));
	sync_dir(sp);
	list_remove(sp, f);
	file_free(f);
}

/* Class P: renamed out of the way, deleted when its last user leaves. */
static int file_pend(struct spool *sp, struct spool_file *f)
{
	char from[32], to[32];

	file_path(from, sizeof(from), f->meta.hdr.spoolid, "nss");
	file_path(to, sizeof(to), f->meta.hdr.spoolid, "pend");
	if (renameat(sp->dirfd, from, sp->dirfd, to) < 0)
		return -errno;
	f->cls = 'P';
	return sync_dir(sp);
}

static struct spool_file *file_new(void)
{
	struct spool_file *f = calloc(1, sizeof(*f));

	if (f)
		f->memfd = f->scfd = f->scfd_ro = f->datafd = -1;
	return f;
}

struct spool_file *spool_by_id(struct spool *sp, unsigned id)
{
	for (struct spool_file *f = sp->files; f; f = f->next)
		if (f->meta.hdr.spoolid == id)
			return f;
	return NULL;
}

struct spool_file *spool_by_name(struct spool *sp, const char *name, bool saved)
{
	for (struct spool_file *f = sp->files; f; f = f->next) {
		bool is_saved = f->cls == 'A' || f->cls == 'R';

		if (!strcasecmp(f->meta.hdr.name, name) && (saved ? is_saved : f->cls == 'S'))
			return f;
	}
	return NULL;
}

/*
 * A free four-digit spool id, not in the catalogue nor on disk.  Ids go up
 * (wrapping after 9999) as in z/VM, so a purged file's id is not reused at
 * once.
 */
static int id_alloc(struct spool *sp)
{
	unsigned top = sp->last_id;

	for (unsigned k = 1; k <= SPOOL_MAX_ID; k++) {
		unsigned id = (top + k - 1) % SPOOL_MAX_ID + 1;
		char path[32];

		if (spool_by_id(sp, id))
			continue;
		file_path(path, sizeof(path), id, "nss");
		if (faccessat(sp->dirfd, path, F_OK, 0) == 0)
			continue;
		file_path(path, sizeof(path), id, "tmp");
		if (faccessat(sp->dirfd, path, F_OK, 0) == 0)
			continue;
		file_path(path, sizeof(path), id, "new");
		if (faccessat(sp->dirfd, path, F_OK, 0) == 0)
			continue;
		sp->last_id = id;
		return (int)id;
	}
	return -ENOSPC;
}

/*
 * A spool file for reading, only if it is a regular file: a FIFO, a device
 * or a symbolic link put in the folder is neither followed nor waited for.
 */
int spool_open_regular(int dirfd, const char *name)
{
	struct stat st;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);

	if (fd < 0)
		return errno == ELOOP ? -EMEDIUMTYPE : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EMEDIUMTYPE;
	}
	fcntl(fd, F_SETFL, 0); /* a regular file: reads block as usual */
	return fd;
}

/* Reads one NNNN.nss at load time. */
static void load_one(struct spool *sp, const char *dname, unsigned id)
{
	struct spool_file *f = file_new();
	char why[128];
	int fd, ret;

	if (!f)
		return;
	fd = spool_open_regular(sp->dirfd, dname);
	if (fd < 0) {
		sp->log("spool: %s: %s; ignored\n", dname,
			fd == -EMEDIUMTYPE ? "not a regular file" : strerror(-fd));
		goto bad;
	}
	ret = spool_meta_read(fd, &f->meta, why, sizeof(why));
	close(fd);
	if (ret == 0 && f->meta.hdr.spoolid != id) {
		snprintf(why, sizeof(why), "spool id %u in the header", f->meta.hdr.spoolid);
		ret = -EINVAL;
	}
	if (ret < 0) {
		sp->log("spool: %s is damaged (%s); ignored\n", dname, why);
		goto bad;
	}
	f->cls = (char)f->meta.hdr.cls;
	list_insert(sp, f);
	return;
bad:
	spool_meta_free(&f->meta);
	file_free(f);
}

/*
 * After a crash between publishing a file and disposing of the one it
 * replaced, two files of a name and class can exist: the newest wins.
 */
static void drop_superseded(struct spool *sp)
{
	struct spool_file *f, *g, *next;

	for (f = sp->files; f; f = next) {
		next = f->next;
		for (g = sp->files; g; g = g->next) {
			bool same_kind = (f->cls == 'S') == (g->cls == 'S');

			if (g != f && same_kind && !strcmp(f->meta.hdr.name, g->meta.hdr.name) &&
			    (g->meta.hdr.seq > f->meta.hdr.seq ||
			     (g->meta.hdr.seq == f->meta.hdr.seq &&
			      g->meta.hdr.spoolid > f->meta.hdr.spoolid))) {
				sp->log("spool: %04u %s superseded by %04u; deleted\n",
					f->meta.hdr.spoolid, f->meta.hdr.name, g->meta.hdr.spoolid);
				file_delete(sp, f);
				break;
			}
		}
	}
}

static int scan(struct spool *sp)
{
	int fd = dup(sp->dirfd);
	DIR *d;
	struct dirent *de;

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		unsigned id;
		char ext[8];
		int n = 0;

		if (sscanf(de->d_name, "%4u.%7s%n", &id, ext, &n) != 2 || de->d_name[n] ||
		    strlen(de->d_name) != 4 + 1 + strlen(ext) || id == 0)
			continue;
		if (id > sp->last_id)
			sp->last_id = id;
		if (!strcmp(ext, "tmp") || !strcmp(ext, "new") || !strcmp(ext, "pend")) {
			/* An interrupted SAVESYS, or a purge nobody uses any more. */
			unlinkat(sp->dirfd, de->d_name, 0);
			continue;
		}
		if (!strcmp(ext, "nss"))
			load_one(sp, de->d_name, id);
	}
	closedir(d);
	sync_dir(sp);
	drop_superseded(sp);
	return 0;
}

int spool_load(struct spool *sp, const char *dir)
{
	int ret;

	if (!sp->log)
		sp->log = nolog;
	sp->files = NULL;
	sp->last_id = 0;
	sp->dir = NULL;
	sp->dirfd = -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sp->dirfd < 0)
		return -errno;
	sp->dir = strdup(dir);
	if (!sp->dir) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = scan(sp);
	if (ret == 0)
		return 0;
fail:
	spool_close(sp);
	return ret;
}

void spool_close(struct spool *sp)
{
	while (sp->files) {
		struct spool_file *f = sp->files;

		sp->files = f->next;
		file_free(f);
	}
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	sp->dirfd = -1;
	free(sp->dir);
	sp->dir = NULL;
}

/* Writes meta to a new NNNN.tmp and renames it over NNNN.nss, durably. */
static int publish_meta(struct spool *sp, struct spool_meta *m)
{
	char tmp[32], dst[32];
	int fd, ret;

	file_path(tmp, sizeof(tmp), m->hdr.spoolid, "tmp");
	file_path(dst, sizeof(dst), m->hdr.spoolid, "nss");
	fd = openat(sp->dirfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = spool_meta_write(fd, m);
	if (ret == 0 && fsync(fd) < 0)
		ret = -errno;
	close(fd);
	if (ret == 0 && renameat(sp->dirfd, tmp, sp->dirfd, dst) < 0)
		ret = -errno;
	if (ret < 0) {
		unlinkat(sp->dirfd, tmp, 0);
		return ret;
	}
	return sync_dir(sp);
}

static void copy_name(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i]; i++)
		dst[i] = src[i];
	memset(dst + i, 0, len - i);
}

int spool_defsys(struct spool *sp, const struct defsys *d, const char *owner,
		 struct spool_file **out)
{
	struct spool_file *f = file_new(), *old;
	struct spool_hdr *h;
	int id, ret;

	if (!f)
		return -ENOMEM;
	/* A new skeleton replaces an older one of the same name, unless that
	 * one is being saved right now. */
	old = spool_by_name(sp, d->name, false);
	if (old && old->saving) {
		free(f);
		return -EBUSY;
	}
	id = id_alloc(sp);
	if (id < 0) {
		free(f);
		return id;
	}
	h = &f->meta.hdr;
	memcpy(h->magic, SPOOL_MAGIC, sizeof(h->magic));
	h->version = SPOOL_VERSION;
	h->hdr_size = sizeof(*h);
	h->spoolid = (uint16_t)id;
	h->cls = 'S';
	h->rstd = d->rstd;
	copy_name(h->name, sizeof(h->name), d->name);
	copy_name(h->type, sizeof(h->type), d->segment ? "DCSS" : "NSS");
	copy_name(h->owner, sizeof(h->owner), owner);
	h->seq = now_ns();
	h->ctime = h->seq / 1000000000;
	h->minsize = d->minsize;
	h->parm_lo = d->parm_lo;
	h->parm_hi = d->parm_hi;
	h->nranges = (uint16_t)d->nranges;
	for (int i = 0; i < d->nranges; i++) {
		f->meta.r[i].first = d->r[i].first;
		f->meta.r[i].last = d->r[i].last;
		f->meta.r[i].type = d->r[i].type;
	}
	h->file_size = spool_meta_len(h);
	ret = publish_meta(sp, &f->meta);
	if (ret < 0) {
		file_free(f);
		return ret;
	}
	f->cls = 'S';
	if (old)
		file_delete(sp, old);
	list_insert(sp, f);
	if (out)
		*out = f;
	return 0;
}

void spool_file_defsys(const struct spool_file *f, struct defsys *d)
{
	const struct spool_hdr *h = &f->meta.hdr;

	memset(d, 0, sizeof(*d));
	copy_name(d->name, sizeof(d->name), h->name);
	d->nranges = h->nranges;
	for (int i = 0; i < h->nranges; i++) {
		d->r[i].first = f->meta.r[i].first;
		d->r[i].last = f->meta.r[i].last;
		d->r[i].type = f->meta.r[i].type;
	}
	d->minsize = h->minsize;
	d->rstd = h->rstd;
	d->parm_lo = h->parm_lo;
	d->parm_hi = h->parm_hi;
	d->segment = spool_file_segment(f);
}

bool spool_file_segment(const struct spool_file *f)
{
	return !strcmp(f->meta.hdr.type, "DCSS");
}

/* Copies [off, off+len) of in to out at ooff: in the kernel when it can. */
static int copy_bytes(int in, uint64_t off, int out, uint64_t ooff, uint64_t len)
{
	enum { CHUNK = 1 << 20 };
	uint8_t *buf = NULL;
	int ret = 0;

	while (len) {
		loff_t i = (loff_t)off, o = (loff_t)ooff;
		ssize_t n = buf ? -1 : copy_file_range(in, &i, out, &o, len, 0);

		if (n <= 0 && !buf) {
			/* Not between these files (or nothing copied): by hand. */
			buf = malloc(CHUNK);
			if (!buf)
				return -ENOMEM;
			continue;
		}
		if (buf) {
			n = pread(in, buf, len < CHUNK ? len : CHUNK, (off_t)off);
			if (n <= 0) {
				ret = n < 0 ? -errno : -EIO; /* the file ends early */
				break;
			}
			ret = file_pwrite_full(out, buf, (uint64_t)n, ooff);
			if (ret < 0)
				break; /* -ENOSPC for a full disk, as it is */
		}
		off += (uint64_t)n, ooff += (uint64_t)n, len -= (uint64_t)n;
	}
	free(buf);
	return ret;
}

/* [off, end) of in to out, only the extents that hold data: out stays sparse. */
static int copy_data(int in, int out, uint64_t off, uint64_t end)
{
	while (off < end) {
		off_t data = lseek(in, (off_t)off, SEEK_DATA), hole;
		int ret;

		if (data < 0)
			return errno == ENXIO ? 0 : -errno; /* only a hole is left */
		if ((uint64_t)data >= end)
			return 0;
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		if ((uint64_t)hole > end)
			hole = (off_t)end;
		ret = copy_bytes(in, (uint64_t)data, out, (uint64_t)data, (uint64_t)(hole - data));
		if (ret < 0)
			return ret;
		off = (uint64_t)hole;
	}
	return 0;
}

/* ---- SAVESYS ---- */

static uint64_t page_align(uint64_t v)
{
	return (v + SPOOL_PAGE - 1) & ~(SPOOL_PAGE - 1);
}

/* Layout of the new file: metadata, then each saved range's pages in turn. */
static int save_layout(struct spool_save *sv, uint64_t mem_size)
{
	struct spool_hdr *h = &sv->meta.hdr;
	uint64_t off;

	sv->hart_off = sizeof(*h) + (uint64_t)h->nranges * sizeof(struct spool_range) +
		       (uint64_t)h->ndisks * sizeof(struct spool_disk);
	h->data_off = page_align(spool_meta_len(h));
	off = h->data_off;
	sv->nmap = 0;
	for (int i = 0; i < h->nranges; i++) {
		struct spool_range *r = &sv->meta.r[i];
		uint64_t len = spool_range_bytes(r);

		r->off = r->hash = 0;
		if (!len)
			continue;
		if ((uint64_t)r->first * SPOOL_PAGE + len > mem_size)
			return -ERANGE;
		r->off = off;
		sv->map[sv->nmap++] = (struct spool_map){
		    .real = (uint64_t)r->first * SPOOL_PAGE,
		    .len = len,
		    .off = off,
		    .src = SPOOL_SRC_FILE,
		    .type = r->type,
		};
		off += len;
	}
	h->file_size = off;
	return 0;
}

int spool_save_begin(struct spool *sp, const char *name, uint64_t mem_size,
		     const struct spool_disk *disks, int ndisks, uint32_t hart_size,
		     uint32_t dev_size, struct spool_save *sv)
{
	struct spool_file *skel = spool_by_name(sp, name, false);
	struct spool_hdr *h;
	int ret;

	memset(sv, 0, sizeof(*sv));
	sv->fd = -1;
	if (!skel)
		return -ENOENT;
	if (skel->saving)
		return -EBUSY;
	/* A segment is pages only; a system has a hart to resume. */
	if (spool_file_segment(skel) ? ndisks || hart_size || dev_size
				     : ndisks < 0 || ndisks > SPOOL_MAX_DISKS || hart_size == 0 ||
					   hart_size > 65536 || dev_size > 65536)
		return -EINVAL;
	sv->skel = skel;
	sv->meta = skel->meta;
	sv->meta.hart = NULL;
	h = &sv->meta.hdr;
	h->cls = h->rstd ? 'R' : 'A';
	h->ndisks = (uint16_t)ndisks;
	if (ndisks)
		memcpy(sv->meta.disk, disks, (size_t)ndisks * sizeof(*disks));
	h->hart_size = hart_size;
	h->dev_size = dev_size;
	h->mem_size = mem_size;
	ret = save_layout(sv, mem_size);
	if (ret < 0)
		return ret;
	file_path(sv->tmp, sizeof(sv->tmp), h->spoolid, "tmp");
	sv->fd = openat(sp->dirfd, sv->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (sv->fd < 0)
		return errno == EEXIST ? -EBUSY : -errno;
	if (ftruncate(sv->fd, (off_t)h->file_size) < 0) {
		ret = -errno;
		spool_save_abort(sp, sv);
		return ret;
	}
	skel->saving = true; /* DEFSYS and PURGE leave it alone until the end */
	return 0;
}

static bool page_zero(const uint8_t *p)
{
	for (size_t i = 0; i < SPOOL_PAGE; i++)
		if (p[i])
			return false;
	return true;
}

/* Pages of in at ioff to out at ooff, zero pages left as holes. */
static int copy_pages(int in, uint64_t ioff, int out, uint64_t ooff, uint64_t len)
{
	enum { CHUNK = 1 << 20 };
	uint8_t *buf = malloc(CHUNK);
	int ret = buf ? 0 : -ENOMEM;

	for (uint64_t done = 0; ret == 0 && done < len; done += CHUNK) {
		uint64_t n = len - done < CHUNK ? len - done : CHUNK;

		ret = file_pread_full(in, buf, n, ioff + done);
		for (uint64_t p = 0; ret == 0 && p < n; p += SPOOL_PAGE)
			if (!page_zero(buf + p))
				ret = file_pwrite_full(out, buf + p, SPOOL_PAGE, ooff + done + p);
	}
	free(buf);
	return ret;
}

int spool_save_fill(struct spool_save *sv, int fd, uint64_t base)
{
	for (int i = 0; i < sv->nmap; i++) {
		const struct spool_map *m = &sv->map[i];
		int ret;

		if (m->real < base)
			return -ERANGE;
		ret = copy_pages(fd, m->real - base, sv->fd, m->off, m->len);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void spool_save_abort(struct spool *sp, struct spool_save *sv)
{
	if (sv->skel)
		sv->skel->saving = false;
	if (sv->fd >= 0) {
		close(sv->fd);
		unlinkat(sp->dirfd, sv->tmp, 0);
	}
	sv->fd = -1;
	spool_meta_free(&sv->meta);
}

/* The data is in the file: hash it, take the hart state, write the header. */
/*
 * The VM process wrote NNNN.tmp and may still hold its descriptor: CP
 * publishes a copy, NNNN.new, that no VM ever had open, so nothing can
 * change a saved system's pages (SR ones are mapped by every user) later.
 */
static int save_own_copy(struct spool *sp, struct spool_save *sv)
{
	const struct spool_hdr *h = &sv->meta.hdr;
	char path[32];
	int fd, ret;

	file_path(path, sizeof(path), h->spoolid, "new");
	unlinkat(sp->dirfd, path, 0); /* a leftover of a failed commit */
	fd = openat(sp->dirfd, path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = ftruncate(fd, (off_t)h->file_size) < 0 ? -errno : 0;
	if (ret == 0)
		ret = copy_data(sv->fd, fd, h->data_off, h->file_size);
	if (ret < 0) {
		close(fd);
		unlinkat(sp->dirfd, path, 0);
		return ret;
	}
	close(sv->fd);
	unlinkat(sp->dirfd, sv->tmp, 0);
	sv->fd = fd;
	snprintf(sv->tmp, sizeof(sv->tmp), "%s", path);
	return 0;
}

static int save_finish(struct spool *sp, struct spool_save *sv)
{
	struct spool_hdr *h = &sv->meta.hdr;
	ssize_t r;
	int err;

	if (h->hart_size + h->dev_size) {
		sv->meta.hart = malloc(h->hart_size + h->dev_size);
		if (!sv->meta.hart)
			return -ENOMEM;
		r = pread(sv->fd, sv->meta.hart, h->hart_size + h->dev_size, (off_t)sv->hart_off);
		if (r != (ssize_t)(h->hart_size + h->dev_size))
			return r < 0 ? -errno : -EIO;
	}
	err = save_own_copy(sp, sv);
	if (err)
		return err;
	for (int i = 0; i < h->nranges; i++) {
		struct spool_range *rg = &sv->meta.r[i];

		rg->hash = spool_data_hash(sv->fd, rg->off, spool_range_bytes(rg), &err);
		if (err)
			return err;
	}
	h->seq = now_ns();
	h->ctime = h->seq / 1000000000;
	err = spool_meta_write(sv->fd, &sv->meta);
	if (err)
		return err;
	return fsync(sv->fd) < 0 ? -errno : 0;
}

int spool_save_commit(struct spool *sp, struct spool_save *sv, struct spool_file **out)
{
	struct spool_file *skel = sv->skel, *old;
	char dst[32];
	int ret;

	ret = save_finish(sp, sv);
	file_path(dst, sizeof(dst), sv->meta.hdr.spoolid, "nss");
	if (ret == 0 && renameat(sp->dirfd, sv->tmp, sp->dirfd, dst) < 0)
		ret = -errno;
	if (ret < 0) {
		spool_save_abort(sp, sv);
		return ret;
	}
	close(sv->fd);
	sv->fd = -1;
	skel->saving = false;
	ret = sync_dir(sp);
	/* The skeleton's entry becomes the saved system; the older one goes. */
	old = spool_by_name(sp, skel->meta.hdr.name, true);
	spool_meta_free(&skel->meta);
	skel->meta = sv->meta;
	sv->meta.hart = NULL;
	skel->cls = (char)skel->meta.hdr.cls;
	skel->verified = true;
	if (old && old->nusers) {
		int err = file_pend(sp, old);

		if (err)
			sp->log("spool: cannot mark %04u pending purge: %s\n",
				old->meta.hdr.spoolid, strerror(-err));
	} else if (old) {
		file_delete(sp, old);
	}
	if (out)
		*out = skel;
	return ret;
}

int spool_purge(struct spool *sp, struct spool_file *f)
{
	if (f->saving)
		return -EBUSY;
	if (f->cls == 'P')
		return 0;
	if (f->nusers)
		return file_pend(sp, f);
	file_delete(sp, f);
	return 0;
}

/* ---- IPL of a saved system ---- */

static enum mem_map_kind map_kind(enum spool_pgtype t)
{
	switch (t) {
	case SPOOL_ER:
		return MEM_MAP_PRIVATE_RO;
	case SPOOL_SR:
		return MEM_MAP_SHARED_RO;
	case SPOOL_SW:
	case SPOOL_SN:
		return MEM_MAP_SHARED_RW;
	case SPOOL_SC:
		return MEM_MAP_SHARED_CP;
	default:
		return MEM_MAP_PRIVATE;
	}
}

/* Which shared descriptor holds a range: MEMFD (SW, SN), SCFD (SC), or none. */
static int shared_src(enum spool_pgtype t)
{
	if (t == SPOOL_SW || t == SPOOL_SN)
		return SPOOL_SRC_MEMFD;
	return t == SPOOL_SC ? SPOOL_SRC_SCFD : SPOOL_SRC_ZERO;
}

static uint64_t range_len(const struct spool_range *r)
{
	return ((uint64_t)r->last - r->first + 1) * SPOOL_PAGE;
}

/* A memfd of size bytes (none when size is 0); *fd stays -1 on failure. */
static int shared_new(const char *name, uint64_t size, int *fd)
{
	if (!size)
		return 0;
	*fd = memfd_create(name, MFD_CLOEXEC);
	if (*fd < 0)
		return -errno;
	if (ftruncate(*fd, (off_t)size) < 0) {
		int ret = -errno;

		close(*fd);
		*fd = -1;
		return ret;
	}
	return 0;
}

/* A read-only descriptor of the same memfd: what the VMs get for SC. */
static int reopen_ro(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The shared storage of f: SW pages filled from the file, SN and SC zero. */
static int shared_make(struct spool_file *f, int fd)
{
	uint64_t moff = 0;
	int ret;

	f->memfd_size = f->scfd_size = 0;
	for (int i = 0; i < f->meta.hdr.nranges; i++) {
		int src = shared_src(f->meta.r[i].type);

		if (src == SPOOL_SRC_MEMFD)
			f->memfd_size += range_len(&f->meta.r[i]);
		else if (src == SPOOL_SRC_SCFD)
			f->scfd_size += range_len(&f->meta.r[i]);
	}
	ret = shared_new(f->meta.hdr.name, f->memfd_size, &f->memfd);
	if (ret == 0)
		ret = shared_new(f->meta.hdr.name, f->scfd_size, &f->scfd);
	if (ret == 0 && f->scfd >= 0) {
		f->scfd_ro = reopen_ro(f->scfd);
		ret = f->scfd_ro < 0 ? f->scfd_ro : 0;
	}
	for (int i = 0; ret == 0 && i < f->meta.hdr.nranges; i++) {
		const struct spool_range *r = &f->meta.r[i];

		if (shared_src(r->type) != SPOOL_SRC_MEMFD)
			continue;
		if (r->type == SPOOL_SW)
			ret = copy_bytes(fd, r->off, f->memfd, moff, range_len(r));
		moff += range_len(r);
	}
	if (ret)
		shared_close(f);
	return ret;
}

static void fill_map(const struct spool_file *f, struct spool_map *map, int *nmap)
{
	uint64_t moff = 0, soff = 0;

	*nmap = 0;
	for (int i = 0; i < f->meta.hdr.nranges; i++) {
		const struct spool_range *r = &f->meta.r[i];
		struct spool_map *m = &map[(*nmap)++];

		*m = (struct spool_map){
		    .real = (uint64_t)r->first * SPOOL_PAGE,
		    .len = range_len(r),
		    .type = r->type,
		    .kind = (uint8_t)map_kind(r->type),
		    .src = (uint8_t)shared_src(r->type),
		};
		if (m->src == SPOOL_SRC_MEMFD) {
			m->off = moff;
			moff += m->len;
		} else if (m->src == SPOOL_SRC_SCFD) {
			m->off = soff;
			soff += m->len;
		} else if (r->type != SPOOL_EN) {
			m->src = SPOOL_SRC_FILE;
			m->off = r->off;
		}
	}
}

static int user_add(struct spool_file *f, const char *user)
{
	if (f->nusers == f->maxusers) {
		int n = f->maxusers ? f->maxusers * 2 : 8;
		void *p;

		if (n > SPOOL_MAX_USERS)
			return -EUSERS;
		p = realloc(f->users, (size_t)n * sizeof(*f->users));
		if (!p)
			return -ENOMEM;
		f->users = p;
		f->maxusers = n;
	}
	copy_name(f->users[f->nusers++], sizeof(f->users[0]), user);
	return 0;
}

/* The file on disk must still be the one in the catalogue, undamaged. */
static int reopen_check(struct spool *sp, struct spool_file *f, int *fdp, char *why, size_t wl)
{
	struct spool_meta m;
	char path[32];
	int fd, ret;

	file_path(path, sizeof(path), f->meta.hdr.spoolid, "nss");
	fd = spool_open_regular(sp->dirfd, path);
	if (fd < 0) {
		snprintf(why, wl, "spool file %s: %s", path,
			 fd == -EMEDIUMTYPE ? "not a regular file" : strerror(-fd));
		return fd;
	}
	ret = spool_meta_read(fd, &m, why, wl);
	if (ret == 0 && m.hdr.checksum != f->meta.hdr.checksum) {
		snprintf(why, wl, "spool file %s changed on disk", path);
		ret = -ESTALE;
	}
	spool_meta_free(&m);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	*fdp = fd;
	return 0;
}

/*
 * The activation's own copy of the spool file: a memfd (holes stay holes),
 * sealed against any change, then verified; what the users map is what was
 * checked.
 */
static int snapshot_make(struct spool_file *f, int fd, char *why, size_t wl)
{
	struct stat st;
	char name[16];
	int ret = 0;

	file_path(name, sizeof(name), f->meta.hdr.spoolid, "nss"); /* /memfd:NNNN.nss in maps */
	f->datafd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (f->datafd < 0 || fstat(fd, &st) < 0 || ftruncate(f->datafd, st.st_size) < 0)
		ret = -errno;
	if (!ret)
		ret = copy_data(fd, f->datafd, 0, (uint64_t)st.st_size);
	if (!ret && fcntl(f->datafd, F_ADD_SEALS,
			  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		ret = -errno;
	if (ret) {
		snprintf(why, wl, "copy of the spool file: %s", strerror(-ret));
		return ret;
	}
	ret = spool_data_verify(f->datafd, &f->meta, why, wl);
	f->verified = ret == 0;
	return ret;
}

/* The first user: the file's header checked, its copy made and verified. */
static int activate(struct spool *sp, struct spool_file *f, char *why, size_t wl)
{
	int fd = -1, ret = reopen_check(sp, f, &fd, why, wl);

	if (ret == 0)
		ret = snapshot_make(f, fd, why, wl);
	if (ret == 0) {
		ret = shared_make(f, f->datafd);
		if (ret < 0)
			snprintf(why, wl, "shared storage: %s", strerror(-ret));
	}
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		shared_close(f);
	return ret;
}

int spool_attach(struct spool *sp, struct spool_file *f, const char *user, int *fdp,
		 struct spool_map *map, int *nmap, char *why, size_t wl)
{
	int fd, ret;

	if (f->cls != 'A' && f->cls != 'R') {
		snprintf(why, wl, "not a saved system");
		return -ENOENT;
	}
	if (f->datafd < 0) { /* the first user of this CP's */
		ret = activate(sp, f, why, wl);
		if (ret < 0)
			return ret;
	}
	fd = reopen_ro(f->datafd);
	ret = fd < 0 ? fd : user_add(f, user);
	if (ret < 0) {
		snprintf(why, wl, "%s", strerror(-ret));
		if (fd >= 0)
			close(fd);
		if (!f->nusers)
			shared_close(f);
		return ret;
	}
	fill_map(f, map, nmap);
	*fdp = fd;
	return 0;
}

int spool_adopt_user(struct spool *sp, struct spool_file *f, const char *user)
{
	if (f->cls != 'A' && f->cls != 'R' && f->cls != 'P')
		return -ENOENT;
	return user_add(f, user);
}

void spool_detach(struct spool *sp, struct spool_file *f, const char *user)
{
	for (int i = 0; i < f->nusers; i++)
		if (!strcasecmp(f->users[i], user)) {
			memmove(&f->users[i], &f->users[i + 1],
				(size_t)(f->nusers - i - 1) * sizeof(f->users[0]));
			f->nusers--;
			break;
		}
	if (f->nusers)
		return;
	shared_close(f);
	f->verified = false;
	if (f->cls == 'P')
		file_delete(sp, f);
}

/* The saved data of f, checked, laid into out as the pages from base on. */
static int seg_fill(struct spool *sp, struct spool_file *f, int out, uint64_t base, uint64_t size,
		    char *why, size_t wl)
{
	int fd = -1, ret = 0;

	if (f->nusers && f->datafd >= 0)
		fd = reopen_ro(f->datafd); /* the activation's checked copy */
	else if ((ret = reopen_check(sp, f, &fd, why, wl)) == 0)
		ret = spool_data_verify(fd, &f->meta, why, wl);
	if (ret == 0 && fd < 0)
		ret = errbuf_set(why, wl, fd, "%s", strerror(-fd));
	for (int i = 0; ret == 0 && i < f->meta.hdr.nranges; i++) {
		const struct spool_range *r = &f->meta.r[i];
		uint64_t real = (uint64_t)r->first * SPOOL_PAGE, len = spool_range_bytes(r);

		if (!len || real < base || real + len > base + size)
			continue; /* not saved, or outside the new definition */
		ret = copy_pages(fd, r->off, out, real - base, len);
		if (ret < 0)
			errbuf_set(why, wl, ret, "copying the segment: %s", strerror(-ret));
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

int spool_seg_copy(struct spool *sp, struct spool_file *from, uint64_t base, uint64_t size,
		   int *fdp, char *why, size_t wl)
{
	int fd = -1, ret = shared_new("DCSS-EXCLUSIVE", size, &fd);

	if (ret < 0)
		return errbuf_set(why, wl, ret, "exclusive copy: %s", strerror(-ret));
	if (from)
		ret = seg_fill(sp, from, fd, base, size, why, wl);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	*fdp = fd;
	return 0;
}

struct spool_file *spool_user_file(struct spool *sp, const char *user)
{
	for (struct spool_file *f = sp->files; f; f = f->next)
		for (int i = 0; i < f->nusers; i++)
			if (!strcasecmp(f->users[i], user))
				return f;
	return NULL;
}

uint64_t spool_file_pages(const struct spool_file *f)
{
	uint64_t n = 0;

	for (int i = 0; i < f->meta.hdr.nranges; i++)
		n += (uint64_t)f->meta.r[i].last - f->meta.r[i].first + 1;
	return n;
}

void spool_file_date(const struct spool_file *f, char date[6], char tm[9])
{
	time_t t = (time_t)f->meta.hdr.ctime;
	struct tm lt;

	localtime_r(&t, &lt);
	snprintf(date, 6, "%02u/%02u", (unsigned)(lt.tm_mon + 1) % 100u,
		 (unsigned)lt.tm_mday % 100u);
	snprintf(tm, 9, "%02u:%02u:%02u", (unsigned)lt.tm_hour % 100u, (unsigned)lt.tm_min % 100u,
		 (unsigned)lt.tm_sec % 100u);
}

/* ---- Saved systems from elsewhere: another member's, a shared folder's ---- */

int spool_find_checksum(int dirfd, uint64_t checksum, unsigned *id)
{
	/* A descriptor of its own: a dup() would share (and leave) the offset. */
	int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), found = -ENOENT;
	struct dirent *de;
	DIR *d;

	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while (found < 0 && (de = readdir(d))) {
		struct spool_meta m;
		unsigned fid;
		int n = 0, fd;

		if (sscanf(de->d_name, "%4u.nss%n", &fid, &n) != 1 || de->d_name[n] || n != 8)
			continue;
		fd = spool_open_regular(dirfd, de->d_name);
		if (fd < 0)
			continue;
		memset(&m, 0, sizeof(m));
		if (spool_meta_read(fd, &m, NULL, 0) == 0 && m.hdr.checksum == checksum &&
		    m.hdr.cls != 'S' && m.hdr.spoolid == fid) {
			found = fd;
			if (id)
				*id = fid;
		} else {
			close(fd);
		}
		spool_meta_free(&m);
	}
	closedir(d);
	return found;
}

/* The saved system of f's name here, other than f. */
static struct spool_file *import_other(struct spool *sp, const struct spool_file *f)
{
	for (struct spool_file *o = sp->files; o; o = o->next)
		if (o != f && (o->cls == 'A' || o->cls == 'R') &&
		    !strcmp(o->meta.hdr.name, f->meta.hdr.name))
			return o;
	return NULL;
}

/* f (just inserted) is newer than the one of its name here: that one goes. */
static void import_replace(struct spool *sp, struct spool_file *f)
{
	struct spool_file *old = import_other(sp, f);

	if (!old)
		return;
	if (old->nusers) {
		if (file_pend(sp, old))
			sp->log("spool: cannot mark %04u pending purge\n", old->meta.hdr.spoolid);
	} else {
		file_delete(sp, old);
	}
}

/* Checks fd's metadata and data against checksum; meta filled. */
static int import_check(int fd, uint64_t checksum, struct spool_meta *m, char *why, size_t wl)
{
	int ret = spool_meta_read(fd, m, why, wl);

	if (ret)
		return ret;
	if (m->hdr.checksum != checksum || m->hdr.cls == 'S')
		return errbuf_set(why, wl, -EINVAL, "not the saved system asked for");
	return spool_data_verify(fd, m, why, wl);
}

int spool_import(struct spool *sp, int fd, uint64_t checksum, struct spool_file **out, char *why,
		 size_t wl)
{
	struct spool_file *f = file_new();
	char proc[64], dst[32];
	int ret;

	if (!f)
		return -ENOMEM;
	ret = import_check(fd, checksum, &f->meta, why, wl);
	if (ret)
		goto fail;
	if (import_other(sp, f) && import_other(sp, f)->meta.hdr.seq > f->meta.hdr.seq) {
		ret = errbuf_set(why, wl, -ESTALE, "a newer %s is here", f->meta.hdr.name);
		goto fail;
	}
	/* The same spool id where it is free here, so the file stays byte for
	 * byte what was saved (and can be served on by its checksum). */
	file_path(dst, sizeof(dst), f->meta.hdr.spoolid, "nss");
	if (spool_by_id(sp, f->meta.hdr.spoolid) || faccessat(sp->dirfd, dst, F_OK, 0) == 0) {
		ret = id_alloc(sp);
		if (ret < 0)
			goto fail;
		f->meta.hdr.spoolid = (uint16_t)ret;
		ret = spool_meta_write(fd, &f->meta);
		if (ret)
			goto fail;
		file_path(dst, sizeof(dst), f->meta.hdr.spoolid, "nss");
	}
	if (f->meta.hdr.spoolid > sp->last_id)
		sp->last_id = f->meta.hdr.spoolid;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (fsync(fd) < 0 || linkat(AT_FDCWD, proc, sp->dirfd, dst, AT_SYMLINK_FOLLOW) < 0) {
		ret = errbuf_set(why, wl, -errno, "cannot keep the file: %s", strerror(errno));
		goto fail;
	}
	sync_dir(sp);
	f->cls = (char)f->meta.hdr.cls;
	f->verified = false; /* the first IPL checks its copy again */
	list_insert(sp, f);
	import_replace(sp, f);
	if (out)
		*out = f;
	return 0;
fail:
	spool_meta_free(&f->meta);
	file_free(f);
	return ret;
}

int spool_adopt(struct spool *sp, uint64_t checksum, struct spool_file **out, char *why, size_t wl)
{
	struct spool_file *f;
	unsigned id;
	int fd = spool_find_checksum(sp->dirfd, checksum, &id), ret;

	if (fd < 0)
		return fd;
	f = spool_by_id(sp, id);
	if (f && f->meta.hdr.checksum == checksum) { /* known already */
		close(fd);
		*out = f;
		return 0;
	}
	if (f && (f->nusers || f->saving || f->cls == 'P')) {
		close(fd);
		return errbuf_set(why, wl, -EBUSY, "spool file %04u is in use here", id);
	}
	if (f) { /* what this member read before the other one saved over it */
		list_remove(sp, f);
		file_free(f);
	}
	f = file_new();
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	ret = import_check(fd, checksum, &f->meta, why, wl);
	close(fd);
	if (!ret && import_other(sp, f) && import_other(sp, f)->meta.hdr.seq > f->meta.hdr.seq)
		ret = errbuf_set(why, wl, -ESTALE, "a newer %s is here", f->meta.hdr.name);
	if (ret) {
		spool_meta_free(&f->meta);
		file_free(f);
		return ret;
	}
	if (id > sp->last_id)
		sp->last_id = id;
	f->cls = (char)f->meta.hdr.cls;
	list_insert(sp, f);
	import_replace(sp, f);
	*out = f;
	return 0;
}
