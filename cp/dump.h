/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_DUMP_H
#define RVCP_CP_DUMP_H
/* VMDUMP (cp/cmd_dump.c): the virtual machine as a core file in the user's reader. */
#include "cp/commands.h"

struct proto_msg;

int cmd_vmdump(struct cp_ctx *ctx, int argc, char **argv, char **rest);
/* VMDUMP_RESULT from the user's VM: publish the file and tell the user. */
void dump_vm_result(struct cp_user *u, struct proto_msg *m);
/* The VM process ended (or the user left): a dump in flight is dropped. */
void dump_vm_gone(struct cp_user *u);

#endif
