/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_CMD_CPU_H
#define RVCP_CP_CMD_CPU_H
/*
 * Virtual CPUs: DEFINE CPU and QUERY VIRTUAL CPUS (cp/cmd_cpu.c has the
 * decisions: addresses, which hart is which, before IPL only).
 */
#include <stdbool.h>
#include <stdint.h>

#include "cp/commands.h"

struct cp_user;

/* DEFINE's first operand is CPU. */
bool cpu_is_define(const char *word);
/* DEFINE CPU nn [nn ...] | nn-mm; argv[0] is "CPU". */
int cmd_define_cpu(struct cp_ctx *ctx, int argc, char **argv);
/* The QUERY VIRTUAL CPUS lines. */
int cmd_q_cpus(struct cp_ctx *ctx);
/* The user's virtual CPUs at LOGON (its CPU statements, else CPU 00 alone). */
void cpu_user_logon(struct cp_user *u);
/* How many harts the user's machine has. */
int cpu_count(const struct cp_user *u);

#endif
