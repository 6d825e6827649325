/* SPDX-License-Identifier: MIT */
#ifndef RVCP_IPL_H
#define RVCP_IPL_H
/*
 * The IPL record that `rvcp zipl` writes and the IPL loader reads.
 *
 * Disk layout (512-byte sectors, all integers little-endian):
 *
 *   LBA 0        the MBR (left alone: partition tables survive zipl)
 *   LBA 1        struct ipl_record: magic, version, components, checksum
 *   LBA 2 ..     the components, each sector aligned, in the gap before the
 *                first partition (or anywhere on a disk with no partitions
 *                and no file system)
 *
 * The record's checksum is XXH64 of the 512-byte sector with the checksum
 * field zero; each component carries the XXH64 of its bytes, so a damaged
 * record or a component overwritten since is refused, never loaded.
 */
#include <stddef.h>
#include <stdint.h>

#define IPL_SECTOR     512
#define IPL_RECORD_LBA 1
#define IPL_DATA_LBA   2
#define IPL_MAGIC      "RVCPIPL\0"
#define IPL_VERSION    1
#define IPL_MAX_COMP   8
#define IPL_PARM_MAX   2048 /* bytes of parameter line, as Linux's COMMAND_LINE_SIZE */

enum ipl_comp_type {
	IPL_COMP_KERNEL = 1,
	IPL_COMP_INITRD = 2,
	IPL_COMP_PARM = 3,
};

struct ipl_comp {
	uint32_t type;
	uint32_t flags;	 /* zero */
	uint64_t offset; /* bytes from the start of the disk */
	uint64_t length;
	uint64_t hash; /* XXH64 of the component, seed 0 */
};

struct ipl_record {
	char magic[8];
	uint32_t version;
	uint32_t ncomp;
	struct ipl_comp comp[IPL_MAX_COMP];
	uint8_t pad[IPL_SECTOR - 16 - IPL_MAX_COMP * sizeof(struct ipl_comp) - 8];
	uint64_t checksum;
};

_Static_assert(sizeof(struct ipl_record) == IPL_SECTOR, "the IPL record is one sector");

/* The components of an IPL, in memory. */
struct ipl_image {
	const void *kernel;
	size_t klen;
	const void *initrd; /* may be NULL */
	size_t ilen;
	const char *parm; /* may be NULL */
};

/*
 * Writes the components and the record onto the disk at fd (size bytes),
 * refusing when they do not fit in front of the first partition, when the
 * disk is GPT, or when a file system starts at offset 0.  0 or -errno;
 * err says why in words.
 */
int ipl_write(int fd, uint64_t size, const struct ipl_image *img, char *err, size_t errlen);

/* Reads and checks the record: 0, or -EINVAL/-EIO with err set. */
int ipl_read_record(int fd, uint64_t size, struct ipl_record *rec, char *err, size_t errlen);
/* The component of a type in a checked record, or NULL. */
const struct ipl_comp *ipl_find(const struct ipl_record *rec, enum ipl_comp_type type);
/* Reads a component into buf (c->length bytes) and checks its hash. */
int ipl_read_comp(int fd, const struct ipl_comp *c, void *buf, char *err, size_t errlen);

#endif

/*
 * What the loader leaves at real address 0 (IPL_INFO_REAL): where it put
 * everything, for CP and for anyone reading a storage dump.
 */
#define IPL_INFO_MAGIC "RVCPINFO"

struct ipl_info {
	char magic[8];
	uint32_t version;
	uint32_t flags;
	uint64_t kernel, kernel_len; /* guest physical */
	uint64_t initrd, initrd_len;
	uint64_t fdt, fdt_len;
	uint64_t entry; /* the stub */
};
