// SPDX-License-Identifier: MIT
/* Commands on the user's virtual machine: IPL, BEGIN, SYSTEM, DEFINE STORAGE. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sysinfo.h>

#include "cp/cmd_cpu.h"
#include "cp/cmd_disk.h"
#include "cp/net.h"
#include "cp/commands.h"
#include "cp/nss.h"
#include "cp/vmctl.h"
#include "vm/proto.h"

static bool cmd_is_vdev(const char *s, uint16_t *vdev)
{
	size_t n = strlen(s);

	if (n == 0 || n > 4 || strspn(s, "0123456789abcdefABCDEF") != n)
		return false;
	*vdev = strtoul(s, NULL, 16);
	return true;
}

static int cmd_ipl_disk(struct cp_ctx *ctx, int disk, const char *parm)
{
	struct cp_user *u = ctx->user;
	char buf[sizeof(struct proto_ipl) + PROTO_MAX_PAYLOAD / 2];
	struct proto_ipl *ipl = (struct proto_ipl *)buf;
	size_t plen = strlen(parm);

	if (plen >= sizeof(buf) - sizeof(*ipl))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, "PARM");
	memset(ipl, 0, sizeof(*ipl));
	ipl->disk = disk;
	memcpy(ipl->parm, parm, plen + 1);
	if (cp_vm_send(u, PROTO_IPL, buf, sizeof(*ipl) + plen + 1, NULL, 0))
		return cp_msg(ctx, MSG_IPL_FAILED, "the virtual machine does not answer");
	u->ipled = true;
	u->running = true;
	return 0;
}

/* IPL vdev|name [PARM text] */
int cmd_ipl(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;
	const char *parm = "";
	uint16_t vdev;
	int disk = -1;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (argc > 2) {
		if (strcasecmp(argv[2], "PARM"))
			return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[2]);
		parm = rest[3];
	}
	for (char *p = argv[1]; *p; p++)
		*p = toupper((unsigned char)*p);
	if (cmd_is_vdev(argv[1], &vdev)) {
		disk = cp_vm_disk_index(u, vdev);
		/* A device number that is neither a disk nor a system's name. */
		if (disk < 0 && !spool_by_name(&nss_spool, argv[1], true) &&
		    !spool_by_name(&nss_spool, argv[1], false))
			return cp_msg(ctx, MSG_IPL_NO_DEVICE, vdev);
	}
	cp_user_stop(u);
	cp_user_release(u);
	u->ipled = false;
	free(u->last_ipl);
	u->last_ipl = strdup(ctx->line);
	cp_user_memo(u);
	if (disk >= 0) {
		int ret = nss_seg_ipl(ctx);

		return ret ? ret : cmd_ipl_disk(ctx, disk, parm);
	}
	return nss_ipl_name(ctx, argv[1], parm);
}

int cmd_begin(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;

	if (argc > 1)
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[1]);
	if (!u->ipled)
		return cp_msg(ctx, MSG_VM_NOT_IPLED);
	if (u->running)
		return 0;
	if (cp_user_begin(u))
		return cp_msg(ctx, MSG_VM_NOT_IPLED);
	return 0;
}

/* SYSTEM RESET | CLEAR */
int cmd_system(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;
	uint32_t clear;
	size_t n;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	n = strlen(argv[1]);
	if (n >= 3 && !strncasecmp(argv[1], "RESET", n))
		clear = 0;
	else if (n >= 3 && !strncasecmp(argv[1], "CLEAR", n))
		clear = 1;
	else
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[1]);
	u->running = false;
	u->ipled = false;
	cp_user_release(u);
	cp_vm_send(u, PROTO_RESET, &clear, sizeof(clear), NULL, 0);
	if (clear)
		return cp_msg(ctx, MSG_STORAGE_CLEARED);
	return cp_msg(ctx, MSG_SYSTEM_RESET);
}

/*
 * What the host can back: its memory and swap.  A guest larger than that
 * would grow until the host runs out (its process's address space is
 * bounded by its storage, cp/vmctl.h, but only that).
 */
static uint64_t host_backing(void)
{
	struct sysinfo si;

	if (sysinfo(&si) < 0)
		return UINT64_MAX;
	return ((uint64_t)si.totalram + si.totalswap) * si.mem_unit;
}

/* DEFINE STORAGE nnnM: a new machine of that size, storage cleared. */
int cmd_define(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;
	char want[16], max[16];
	uint64_t size;
	size_t n;

	if (argc >= 2 && net_is_define(argv[1]))
		return cmd_define_net(ctx, argc - 1, argv + 1);
	if (argc >= 2 && disk_is_define(argv[1]))
		return cmd_define_disk(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strlen(argv[1]) >= 3 && strlen(argv[1]) <= 7 &&
	    !strncasecmp(argv[1], "SEGMENT", strlen(argv[1])))
		return cmd_define_segment(ctx, argc - 1, argv + 1);
	if (argc >= 2 && cpu_is_define(argv[1]))
		return cmd_define_cpu(ctx, argc - 1, argv + 1);
	if (argc < 3)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	n = strlen(argv[1]);
	if (n < 4 || strncasecmp(argv[1], "STORAGE", n))
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[1]);
	if (dir_parse_size(argv[2], &size) || (size & 0xfff) || size < (1 << 20))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[2]);
	dir_format_size(size, want, sizeof(want));
	dir_format_size(u->dir->maxstorage, max, sizeof(max));
	if (size > u->dir->maxstorage)
		return cp_msg(ctx, MSG_STORAGE_EXCEEDS, want, max);
	if (size > host_backing()) {
		dir_format_size(host_backing() & ~0xfffffull, max, sizeof(max));
		return cp_msg(ctx, MSG_STORAGE_HOST, want, max);
	}
	u->running = false;
	u->ipled = false;
	cp_user_release(u);
	u->storage = size;
	vmctl_restart(u); /* a process whose memory limit fits the new size */
	cp_msg(ctx, MSG_STORAGE, want);
	return cp_msg(ctx, MSG_STORAGE_CLEARED);
}
