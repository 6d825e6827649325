// SPDX-License-Identifier: MIT
/* The IPL record: writing it (zipl) and reading it back (the loader).  See ipl.h. */
#include "machine/ipl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "util/errbuf.h"
#include "util/file.h"

#define MBR_SIG_OFF  510
#define MBR_PART_OFF 446
#define MBR_GPT_TYPE 0xee

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Well-known signatures of file systems that start at byte 0 of a device. */
static const char *fs_signature(int fd, uint64_t size)
{
	static const struct {
		uint64_t off;
		const char *magic;
		size_t len;
		const char *name;
	} sigs[] = {
	    {1080, "\x53\xef", 2, "ext2/3/4"}, {0, "XFSB", 4, "XFS"},
	    {0x10040, "_BHRfS_M", 8, "btrfs"}, {0, "hsqs", 4, "squashfs"},
	    {0, "LUKS\xba\xbe", 6, "LUKS"},    {32769, "CD001", 5, "ISO 9660"},
	    {4086, "SWAPSPACE2", 10, "swap"},  {3, "NTFS    ", 8, "NTFS"},
	};
	char buf[16];

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigs[i].off + sigs[i].len > size)
			continue;
		if (file_pread_full(fd, buf, sigs[i].len, sigs[i].off) == 0 &&
		    !memcmp(buf, sigs[i].magic, sigs[i].len))
			return sigs[i].name;
	}
	return NULL;
}

/*
 * The byte offset where the components must end: the first partition's
 * start, or the disk's end when the disk holds neither partitions nor a
 * file system.  Negative errno (err set) when zipl must not touch the disk.
 */
static int64_t ipl_gap_end(int fd, uint64_t size, char *err, size_t errlen)
{
	uint8_t mbr[IPL_SECTOR], lba1[IPL_SECTOR];
	uint64_t first = UINT64_MAX;
	const char *fs;

	if (size < 3 * IPL_SECTOR)
		return errbuf_set(err, errlen, -ENOSPC,
				  "the disk (%llu bytes) is too small for an IPL record",
				  (unsigned long long)size);
	if (file_pread_full(fd, mbr, IPL_SECTOR, 0) ||
	    file_pread_full(fd, lba1, IPL_SECTOR, IPL_SECTOR))
		return errbuf_set(err, errlen, -EIO, "cannot read the first sectors: %s",
				  strerror(errno));
	if (!memcmp(lba1, "EFI PART", 8))
		return errbuf_set(
		    err, errlen, -EBUSY,
		    "the disk has a GPT partition table; its header is where the IPL record "
		    "goes");
	/* A FAT boot sector carries the MBR signature too: it is a file system, not a table. */
	if (!memcmp(mbr + 54, "FAT", 3) || !memcmp(mbr + 82, "FAT32", 5))
		return errbuf_set(
		    err, errlen, -EBUSY,
		    "a FAT file system starts at offset 0; the IPL record would overwrite "
		    "it");
	if (mbr[MBR_SIG_OFF] != 0x55 || mbr[MBR_SIG_OFF + 1] != 0xaa) {
		fs = fs_signature(fd, size);
		if (fs)
			return errbuf_set(
			    err, errlen, -EBUSY,
			    "a %s file system starts at offset 0; the IPL record would "
			    "overwrite it (partition the disk and leave a gap before the "
			    "first partition)",
			    fs);
		return (int64_t)size; /* no partition table, no file system: the whole disk */
	}
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = mbr + MBR_PART_OFF + 16 * i;
		uint32_t start = le32(e + 8), count = le32(e + 12);

		if (e[4] == MBR_GPT_TYPE)
			return errbuf_set(err, errlen, -EBUSY,
					  "the disk has a GPT partition table");
		if (e[4] && count && start < first)
			first = start;
	}
	if (first == UINT64_MAX)
		return (int64_t)size;
	if (first < IPL_DATA_LBA)
		return errbuf_set(err, errlen, -ENOSPC,
				  "the first partition starts at sector %llu; the IPL record needs "
				  "sectors 1 and up free",
				  (unsigned long long)first);
	return (int64_t)(first * IPL_SECTOR < size ? first * IPL_SECTOR : size);
}

static uint64_t align_sector(uint64_t x)
{
	return (x + IPL_SECTOR - 1) & ~(uint64_t)(IPL_SECTOR - 1);
}

static void ipl_add(struct ipl_record *rec, uint32_t type, const void *data, size_t len,
		    uint64_t *pos)
{
	struct ipl_comp *c = &rec->comp[rec->ncomp++];

	c->type = type;
	c->offset = *pos;
	c->length = len;
	c->hash = XXH64(data, len, 0);
	*pos = align_sector(*pos + len);
}

static uint64_t ipl_checksum(const struct ipl_record *rec)
{
	struct ipl_record tmp = *rec;

	tmp.checksum = 0;
	return XXH64(&tmp, sizeof(tmp), 0);
}

int ipl_write(int fd, uint64_t size, const struct ipl_image *img, char *err, size_t errlen)
{
	struct ipl_record rec;
	uint64_t pos = IPL_DATA_LBA * IPL_SECTOR, start = pos;
	int64_t end = ipl_gap_end(fd, size, err, errlen);
	size_t plen = img->parm ? strlen(img->parm) : 0;
	int rc;

	if (end < 0)
		return (int)end;
	if (!img->klen)
		return errbuf_set(err, errlen, -EINVAL, "the kernel is empty");
	if (plen >= IPL_PARM_MAX)
		return errbuf_set(err, errlen, -EINVAL,
				  "the parameter line is %zu bytes; at most %d fit", plen,
				  IPL_PARM_MAX - 1);
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.magic, IPL_MAGIC, 8);
	rec.version = IPL_VERSION;
	ipl_add(&rec, IPL_COMP_KERNEL, img->kernel, img->klen, &pos);
	if (img->initrd && img->ilen)
		ipl_add(&rec, IPL_COMP_INITRD, img->initrd, img->ilen, &pos);
	if (plen)
		ipl_add(&rec, IPL_COMP_PARM, img->parm, plen, &pos);
	if (pos > (uint64_t)end)
		return errbuf_set(
		    err, errlen, -ENOSPC,
		    "the IPL components (kernel %zu, initrd %zu, parameter line %zu bytes) "
		    "need %llu bytes but only %llu bytes are free between sector %d and %s "
		    "(byte %llu)",
		    img->klen, img->initrd ? img->ilen : 0, plen, (unsigned long long)(pos - start),
		    (unsigned long long)((uint64_t)end - start), IPL_DATA_LBA,
		    (uint64_t)end == size ? "the end of the disk" : "the first partition",
		    (unsigned long long)end);
	for (uint32_t i = 0; i < rec.ncomp; i++) {
		const struct ipl_comp *c = &rec.comp[i];
		const void *data = c->type == IPL_COMP_KERNEL	? img->kernel
				   : c->type == IPL_COMP_INITRD ? img->initrd
								: (const void *)img->parm;

		rc = file_pwrite_full(fd, data, c->length, c->offset);
		if (rc)
			return errbuf_set(err, errlen, rc, "writing the components: %s",
					  strerror(-rc));
	}
	/* Components reach the disk before the record that points at them. */
	if (fdatasync(fd) < 0 && errno != EINVAL)
		return errbuf_set(err, errlen, -errno, "fdatasync: %s", strerror(errno));
	rec.checksum = ipl_checksum(&rec);
	rc = file_pwrite_full(fd, &rec, sizeof(rec), IPL_RECORD_LBA * IPL_SECTOR);
	if (rc)
		return errbuf_set(err, errlen, rc, "writing the IPL record: %s", strerror(-rc));
	if (fdatasync(fd) < 0 && errno != EINVAL)
		return errbuf_set(err, errlen, -errno, "fdatasync: %s", strerror(errno));
	return 0;
}

static int ipl_check_comp(const struct ipl_record *rec, uint32_t i, uint64_t size, char *err,
			  size_t errlen)
{
	const struct ipl_comp *c = &rec->comp[i];

	if (c->type < IPL_COMP_KERNEL || c->type > IPL_COMP_PARM || c->flags)
		return errbuf_set(err, errlen, -EINVAL,
				  "IPL record: component %u has unknown type %u", i, c->type);
	for (uint32_t j = 0; j < i; j++)
		if (rec->comp[j].type == c->type)
			return errbuf_set(err, errlen, -EINVAL,
					  "IPL record: component type %u twice", c->type);
	if (c->offset < IPL_DATA_LBA * IPL_SECTOR || c->offset > size ||
	    c->length > size - c->offset)
		return errbuf_set(
		    err, errlen, -EINVAL,
		    "IPL record: component %u (%llu bytes at %llu) lies outside the disk", i,
		    (unsigned long long)c->length, (unsigned long long)c->offset);
	if (c->type == IPL_COMP_KERNEL && c->length == 0)
		return errbuf_set(err, errlen, -EINVAL, "IPL record: the kernel is empty");
	if (c->type == IPL_COMP_PARM && c->length >= IPL_PARM_MAX)
		return errbuf_set(err, errlen, -EINVAL, "IPL record: parameter line too long");
	return 0;
}

int ipl_read_record(int fd, uint64_t size, struct ipl_record *rec, char *err, size_t errlen)
{
	int rc;

	if (size < 3 * IPL_SECTOR)
		return errbuf_set(err, errlen, -EINVAL,
				  "the disk is too small to hold an IPL record");
	rc = file_pread_full(fd, rec, sizeof(*rec), IPL_RECORD_LBA * IPL_SECTOR);
	if (rc)
		return errbuf_set(err, errlen, -EIO, "cannot read the IPL record: %s",
				  strerror(-rc));
	if (memcmp(rec->magic, IPL_MAGIC, 8))
		return errbuf_set(err, errlen, -EINVAL,
				  "no IPL record on the disk (run rvcp zipl)");
	if (rec->version != IPL_VERSION)
		return errbuf_set(err, errlen, -EINVAL, "IPL record version %u, expected %u",
				  rec->version, IPL_VERSION);
	if (rec->checksum != ipl_checksum(rec))
		return errbuf_set(err, errlen, -EINVAL, "the IPL record is damaged (bad checksum)");
	if (rec->ncomp > IPL_MAX_COMP)
		return errbuf_set(err, errlen, -EINVAL, "IPL record: %u components", rec->ncomp);
	for (uint32_t i = 0; i < rec->ncomp; i++) {
		rc = ipl_check_comp(rec, i, size, err, errlen);
		if (rc)
			return rc;
	}
	if (!ipl_find(rec, IPL_COMP_KERNEL))
		return errbuf_set(err, errlen, -EINVAL, "IPL record: no kernel");
	return 0;
}

const struct ipl_comp *ipl_find(const struct ipl_record *rec, enum ipl_comp_type type)
{
	for (uint32_t i = 0; i < rec->ncomp && i < IPL_MAX_COMP; i++)
		if (rec->comp[i].type == (uint32_t)type)
			return &rec->comp[i];
	return NULL;
}

int ipl_read_comp(int fd, const struct ipl_comp *c, void *buf, char *err, size_t errlen)
{
	int rc = file_pread_full(fd, buf, c->length, c->offset);

	if (rc)
		return errbuf_set(err, errlen, -EIO, "reading IPL component %u: %s", c->type,
				  strerror(-rc));
	if (XXH64(buf, c->length, 0) != c->hash)
		return errbuf_set(
		    err, errlen, -EINVAL,
		    "IPL component %u is damaged (checksum mismatch); run rvcp zipl again",
		    c->type);
	return 0;
}
