/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_CMD_DISK_H
#define RVCP_CP_CMD_DISK_H
/*
 * DEFINE T9336 / VFB-512 and DETACH of a disk (cp/cmd_disk.c has the
 * decisions: where T-disks live, the limits, before IPL only).
 */
#include <stdbool.h>
#include <stdint.h>

#include "cp/commands.h"

/* DEFINE's first operand names a disk type (T9336, VFB-512). */
bool disk_is_define(const char *word);
/* DEFINE T9336|VFB-512 [AS] vdev BLK n; argv[0] is the type. */
int cmd_define_disk(struct cp_ctx *ctx, int argc, char **argv);
/* DETACH vdev of one of the user's disks; 1 when vdev is none of them. */
int disk_detach(struct cp_ctx *ctx, uint16_t vdev);

#endif
