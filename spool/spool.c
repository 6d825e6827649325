// SPDX-License-Identifier: MIT
/* The spool file format: metadata, checksums, layout checks.  See spool.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "spool/spool.h"
#include "util/errbuf.h"
#include "util/file.h"

_Static_assert(sizeof(struct spool_hdr) == 256, "spool header is 256 bytes on disk");
_Static_assert(sizeof(struct spool_range) == 32, "spool range is 32 bytes on disk");
_Static_assert(sizeof(struct spool_disk) == 16, "spool disk is 16 bytes on disk");

uint64_t spool_range_bytes(const struct spool_range *r)
{
	if (!spool_pgtype_saved(r->type))
		return 0;
	return ((uint64_t)r->last - r->first + 1) * SPOOL_PAGE;
}

uint64_t spool_meta_len(const struct spool_hdr *h)
{
	return sizeof(struct spool_hdr) + (uint64_t)h->nranges * sizeof(struct spool_range) +
	       (uint64_t)h->ndisks * sizeof(struct spool_disk) + h->hart_size + h->dev_size;
}

/* The metadata as one buffer, as it lies at the start of the file. */
static uint8_t *meta_pack(const struct spool_meta *m, size_t *len)
{
	const struct spool_hdr *h = &m->hdr;
	size_t n = spool_meta_len(h), o = 0;
	uint8_t *buf = calloc(1, n);

	if (!buf)
		return NULL;
	memcpy(buf, h, sizeof(*h));
	o += sizeof(*h);
	memcpy(buf + o, m->r, h->nranges * sizeof(m->r[0]));
	o += h->nranges * sizeof(m->r[0]);
	memcpy(buf + o, m->disk, h->ndisks * sizeof(m->disk[0]));
	o += h->ndisks * sizeof(m->disk[0]);
	if (h->hart_size + h->dev_size)
		memcpy(buf + o, m->hart, h->hart_size + h->dev_size);
	*len = n;
	return buf;
}

static uint64_t meta_hash(uint8_t *buf, size_t len)
{
	struct spool_hdr *h = (struct spool_hdr *)buf;
	uint64_t saved = h->checksum, sum;

	h->checksum = 0;
	sum = XXH3_64bits(buf, len);
	h->checksum = saved;
	return sum;
}

int spool_meta_write(int fd, struct spool_meta *m)
{
	size_t len;
	uint8_t *buf;
	ssize_t w;

	m->hdr.meta_len = (uint32_t)spool_meta_len(&m->hdr);
	buf = meta_pack(m, &len);
	if (!buf)
		return -ENOMEM;
	m->hdr.checksum = meta_hash(buf, len);
	memcpy(buf, &m->hdr, sizeof(m->hdr));
	w = pwrite(fd, buf, len, 0);
	free(buf);
	if (w < 0)
		return -errno;
	return (size_t)w == len ? 0 : -EIO;
}

/* Everything a header must satisfy before anything else of the file is read. */
static int hdr_check(const struct spool_hdr *h, uint64_t fsize, char *why, size_t wl)
{
	if (memcmp(h->magic, SPOOL_MAGIC, sizeof(h->magic)))
		return errbuf_set(why, wl, -EINVAL, "not a spool file (bad magic)");
	if (h->version != SPOOL_VERSION || h->hdr_size != sizeof(*h))
		return errbuf_set(why, wl, -EINVAL, "unsupported spool file version %u",
				  h->version);
	if (h->nranges == 0 || h->nranges > SPOOL_MAX_RANGES || h->ndisks > SPOOL_MAX_DISKS ||
	    h->hart_size > 65536 || h->dev_size > 65536)
		return errbuf_set(why, wl, -EINVAL, "bad counts in the header");
	if (h->meta_len != spool_meta_len(h) || h->meta_len > fsize)
		return errbuf_set(why, wl, -EINVAL, "file truncated (header area)");
	if (h->file_size != fsize)
		return errbuf_set(why, wl, -EINVAL, "file size %llu, header says %llu",
				  (unsigned long long)fsize, (unsigned long long)h->file_size);
	if (h->cls != 'S' && h->cls != 'A' && h->cls != 'R')
		return errbuf_set(why, wl, -EINVAL, "bad class");
	if (memchr(h->name, 0, sizeof(h->name)) == NULL || !h->name[0] ||
	    memchr(h->owner, 0, sizeof(h->owner)) == NULL ||
	    memchr(h->type, 0, sizeof(h->type)) == NULL)
		return errbuf_set(why, wl, -EINVAL, "bad name field");
	return 0;
}

/* Ranges sorted, disjoint, typed, and their data page aligned inside the file. */
static int ranges_check(const struct spool_meta *m, char *why, size_t wl)
{
	const struct spool_hdr *h = &m->hdr;

	for (int i = 0; i < h->nranges; i++) {
		const struct spool_range *r = &m->r[i];
		uint64_t len = spool_range_bytes(r);

		if (r->type >= SPOOL_NTYPES || r->first > r->last || r->last > SPOOL_MAX_PAGE ||
		    (i && r->first <= m->r[i - 1].last))
			return errbuf_set(why, wl, -EINVAL, "bad range %d", i);
		if (h->cls == 'S' || !len)
			continue;
		if (r->off % SPOOL_PAGE || r->off < h->data_off || r->off > h->file_size ||
		    len > h->file_size - r->off)
			return errbuf_set(why, wl, -EINVAL, "range %X-%X lies outside the file",
					  r->first, r->last);
	}
	if (h->cls != 'S' && (h->data_off % SPOOL_PAGE || h->data_off < h->meta_len))
		return errbuf_set(why, wl, -EINVAL, "bad data offset");
	return 0;
}

int spool_meta_read(int fd, struct spool_meta *m, char *why, size_t wl)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t o;
	int ret;

	memset(m, 0, sizeof(*m));
	if (fstat(fd, &st) < 0)
		return errbuf_set(why, wl, -errno, "%s", strerror(errno));
	if (file_pread_full(fd, &m->hdr, sizeof(m->hdr), 0) < 0)
		return errbuf_set(why, wl, -EINVAL, "file truncated (no header)");
	ret = hdr_check(&m->hdr, (uint64_t)st.st_size, why, wl);
	if (ret < 0)
		return ret;
	buf = malloc(m->hdr.meta_len);
	if (!buf)
		return errbuf_set(why, wl, -ENOMEM, "out of memory");
	if (file_pread_full(fd, buf, m->hdr.meta_len, 0) < 0) {
		ret = errbuf_set(why, wl, -EINVAL, "file truncated");
		goto out;
	}
	if (meta_hash(buf, m->hdr.meta_len) != m->hdr.checksum) {
		ret = errbuf_set(why, wl, -EINVAL, "header checksum mismatch");
		goto out;
	}
	o = sizeof(m->hdr);
	memcpy(m->r, buf + o, m->hdr.nranges * sizeof(m->r[0]));
	o += m->hdr.nranges * sizeof(m->r[0]);
	memcpy(m->disk, buf + o, m->hdr.ndisks * sizeof(m->disk[0]));
	o += m->hdr.ndisks * sizeof(m->disk[0]);
	if (m->hdr.hart_size + m->hdr.dev_size) {
		m->hart = malloc(m->hdr.hart_size + m->hdr.dev_size);
		if (!m->hart) {
			ret = errbuf_set(why, wl, -ENOMEM, "out of memory");
			goto out;
		}
		memcpy(m->hart, buf + o, m->hdr.hart_size + m->hdr.dev_size);
	}
	ret = ranges_check(m, why, wl);
out:
	free(buf);
	if (ret < 0)
		spool_meta_free(m);
	return ret;
}

/* pread() rather than mmap(): a file cut short meanwhile is an error, not SIGBUS. */
uint64_t spool_data_hash(int fd, uint64_t off, uint64_t len, int *err)
{
	enum { CHUNK = 1 << 20 };
	XXH3_state_t *st = XXH3_createState();
	uint8_t *buf = malloc(CHUNK);
	uint64_t h = 0;

	*err = 0;
	if (!st || !buf) {
		*err = -ENOMEM;
		goto out;
	}
	XXH3_64bits_reset(st);
	while (len) {
		size_t n = len < CHUNK ? (size_t)len : CHUNK;

		*err = file_pread_full(fd, buf, n, off);
		if (*err)
			goto out;
		XXH3_64bits_update(st, buf, n);
		off += n, len -= n;
	}
	h = XXH3_64bits_digest(st);
out:
	XXH3_freeState(st);
	free(buf);
	return h;
}

int spool_data_verify(int fd, const struct spool_meta *m, char *why, size_t wl)
{
	for (int i = 0; i < m->hdr.nranges; i++) {
		const struct spool_range *r = &m->r[i];
		uint64_t len = spool_range_bytes(r);
		int err;

		if (m->hdr.cls == 'S' || !len)
			continue;
		if (spool_data_hash(fd, r->off, len, &err) != r->hash || err)
			return errbuf_set(why, wl, -EINVAL, "data checksum mismatch in pages %X-%X",
					  r->first, r->last);
	}
	return 0;
}

void spool_meta_free(struct spool_meta *m)
{
	free(m->hart);
	m->hart = NULL;
}
