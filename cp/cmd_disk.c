// SPDX-License-Identifier: MIT
/*
 * Disks of a user's own, defined from the terminal (z/VM's temporary and
 * virtual disks), and DETACH of any of the user's disks:
 *
 *   DEFINE T9336 [AS] vdev BLK n      a temporary disk of n 512-byte blocks
 *   DEFINE VFB-512 [AS] vdev BLK n    a virtual disk in host memory
 *   DETACH vdev                       any disk of the user (MDISK, LINK too)
 *
 * Decisions:
 *  - A T-disk is a sparse file in CP's scratch folder (SPOOL/tdisk, 0700),
 *    unlinked the moment it is made: only CP's and the VM process's
 *    descriptors keep it, so it is gone at DETACH or LOGOFF, and also
 *    when CP and the VM die, and nothing is left to clean up.  Its blocks
 *    are taken as the guest writes: a T-disk larger than the host's free
 *    space is allowed, and when the host fills the guest's writes fail
 *    with I/O errors (virtio/blk.h) while everything else goes on.
 *  - A VFB-512 disk is a memfd: host memory (and swap) as the guest
 *    writes, gone with the last descriptor, as z/VM's VDISK lives in CP's
 *    storage.  Its size is at most z/VM's 4194296 blocks (2 GiB - 4 KiB),
 *    and a user's V-disks together at most its directory maximum storage
 *    (HCPDEF1187E; z/VM's SET VDISK USERLIM): host memory is bounded by
 *    what the directory grants, whatever a user types.
 *    A T-disk is at most 2^31 - 1 blocks (1 TiB).  0 blocks, or a count
 *    that is no decimal number, is an invalid operand.
 *  - Both start zeroed, read/write, and count as any disk: at most
 *    MACHINE_MAX_DISKS per user, a vdev used by a disk or a NIC is refused
 *    (HCPDEF1113E), SAVESYS records them and IPL of a saved system wants
 *    the same vdevs and sizes, whatever kind of disk the user brings.
 *  - The machine's device set is fixed while it runs (the VM process makes
 *    it from SETUP): DEFINE and DETACH of a disk are refused once the
 *    virtual machine is IPLed (HCPDEF1184E; SYSTEM RESET first), and before
 *    IPL they reach the machine at once.  z/VM adds the device live.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cp/cmd_disk.h"
#include "cp/net.h"
#include "cp/vmctl.h"
#include "util/log.h"

#define SECTOR	  512
#define VDSK_MAX  4194296ULL
#define TDISK_MAX 2147483647ULL

bool disk_is_define(const char *word)
{
	return !strcasecmp(word, "T9336") || !strcasecmp(word, "VFB-512");
}

static bool disk_word(const char *typed, const char *name, size_t minlen)
{
	size_t n = strlen(typed);

	return n >= minlen && n <= strlen(name) && !strncasecmp(typed, name, n);
}

static int disk_parse_vdev(const char *s, uint16_t *vdev)
{
	size_t n = strlen(s);

	if (n == 0 || n > 4 || strspn(s, "0123456789abcdefABCDEF") != n)
		return -EINVAL;
	*vdev = (uint16_t)strtoul(s, NULL, 16);
	return 0;
}

/* A block count 1..max in decimal; 0 or -EINVAL. */
static int disk_parse_blocks(const char *s, uint64_t max, uint64_t *n)
{
	size_t len = strlen(s);

	if (len == 0 || len > 19 || strspn(s, "0123456789") != len)
		return -EINVAL;
	*n = strtoull(s, NULL, 10);
	return *n == 0 || *n > max ? -EINVAL : 0;
}

/* A new sparse file in the scratch folder, already unlinked; fd or -errno. */
static int disk_tmpfile(const char *userid, uint16_t vdev, uint64_t bytes)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int fd;

	snprintf(dir, sizeof(dir), "%s/tdisk", cp_sys.spool);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (snprintf(path, sizeof(path), "%s/%s.%04X.XXXXXX", dir, userid, vdev) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (ftruncate(fd, (off_t)bytes) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int disk_memfd(uint16_t vdev, uint64_t bytes)
{
	char name[16];
	int fd;

	snprintf(name, sizeof(name), "VDSK %04X", vdev);
	fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)bytes) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The kind's limit and a new descriptor for it; fd or -errno. */
static int disk_make(struct cp_user *u, enum cp_link_kind kind, uint16_t vdev, uint64_t bytes)
{
	if (kind == CP_LINK_VDSK)
		return disk_memfd(vdev, bytes);
	return disk_tmpfile(u->id, vdev, bytes);
}

/* Bytes of the user's V-disks. */
static uint64_t disk_vdsk_bytes(struct cp_user *u)
{
	uint64_t n = 0;

	for (int i = 0; i < u->vm->nlinks; i++)
		if (u->vm->links[i].kind == CP_LINK_VDSK)
			n += u->vm->links[i].size;
	return n;
}

static bool disk_vdev_used(struct cp_user *u, uint16_t vdev)
{
	return cp_vm_disk_index(u, vdev) >= 0 || net_has_nic(u, vdev);
}

/* The machine gets the new set now: nothing runs yet. */
static void disk_changed(struct cp_user *u)
{
	vmctl_setup(u);
}

/* DEFINE T9336|VFB-512 [AS] vdev BLK n */
int cmd_define_disk(struct cp_ctx *ctx, int argc, char **argv)
{
	struct cp_user *u = ctx->user;
	enum cp_link_kind kind = strcasecmp(argv[0], "T9336") ? CP_LINK_VDSK : CP_LINK_TEMP;
	uint64_t blocks, max = kind == CP_LINK_VDSK ? VDSK_MAX : TDISK_MAX;
	struct cp_link *l;
	uint16_t vdev;
	int i = 1, fd;

	if (i < argc && !strcasecmp(argv[i], "AS"))
		i++;
	if (argc != i + 3 || disk_parse_vdev(argv[i], &vdev) ||
	    !(disk_word(argv[i + 1], "BLKS", 3)))
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (disk_parse_blocks(argv[i + 2], max, &blocks))
		return cp_msg(ctx, MSG_DASD_BAD_SIZE, argv[i + 2], argv[0],
			      (unsigned long long)max);
	if (!u->vm)
		return cp_msg(ctx, MSG_DASD_FAILED, vdev, "no virtual machine");
	if (u->ipled)
		return cp_msg(ctx, MSG_DASD_AFTER_IPL, vdev);
	if (disk_vdev_used(u, vdev))
		return cp_msg(ctx, MSG_DASD_IN_USE, vdev);
	if (u->vm->nlinks == MACHINE_MAX_DISKS)
		return cp_msg(ctx, MSG_DASD_TOO_MANY, vdev, MACHINE_MAX_DISKS);
	if (kind == CP_LINK_VDSK && disk_vdsk_bytes(u) + blocks * SECTOR > u->dir->maxstorage) {
		char lim[16];

		dir_format_size(u->dir->maxstorage, lim, sizeof(lim));
		return cp_msg(ctx, MSG_DASD_VDSK_LIMIT, vdev, lim);
	}
	fd = disk_make(u, kind, vdev, blocks * SECTOR);
	if (fd < 0)
		return cp_msg(ctx, MSG_DASD_FAILED, vdev, strerror(-fd));
	l = &u->vm->links[u->vm->nlinks++];
	memset(l, 0, sizeof(*l));
	l->vdev = vdev;
	l->write = true;
	l->fd = fd;
	l->size = blocks * SECTOR;
	l->kind = kind;
	log_info("%s: %04X defined, %s of %llu blocks", u->id, vdev,
		 kind == CP_LINK_VDSK ? "VFB-512" : "T9336", (unsigned long long)blocks);
	disk_changed(u);
	return cp_msg(ctx, MSG_DASD_DEFINED, vdev);
}

/* DETACH vdev of a disk: 1 when vdev is no disk of the user (the caller goes on). */
int disk_detach(struct cp_ctx *ctx, uint16_t vdev)
{
	struct cp_user *u = ctx->user;
	int i = cp_vm_disk_index(u, vdev);

	if (i < 0)
		return 1;
	if (u->ipled)
		return cp_msg(ctx, MSG_DASD_AFTER_IPL, vdev);
	close(u->vm->links[i].fd);
	memmove(&u->vm->links[i], &u->vm->links[i + 1],
		(size_t)(u->vm->nlinks - i - 1) * sizeof(u->vm->links[0]));
	u->vm->nlinks--;
	log_info("%s: %04X detached", u->id, vdev);
	disk_changed(u);
	return cp_msg(ctx, MSG_DASD_DETACHED, vdev);
}
