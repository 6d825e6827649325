// SPDX-License-Identifier: MIT
/*
 * Virtual CPUs (DEFINE CPU, QUERY VIRTUAL CPUS), as z/VM's.
 *
 * Decisions:
 *  - A CPU is an address 00-3F (z/VM's); the user's machine has one hart
 *    per defined CPU, the BASE CPU (the directory's, else the lowest) as
 *    hart 0, where the guest boots, the others as harts 1, 2, ... in
 *    address order.  At most the directory's MACHINE ESA n (1 without).
 *  - DEFINE CPU is taken before IPL only (z/VM takes it any time and
 *    resets the machine): the machine is made again with the new harts,
 *    so a running guest never loses its state to a typing error.  After
 *    SYSTEM RESET it is taken again.
 *  - QUERY VIRTUAL CPUS shows z/VM's lines; the CPU ID is FF (a virtual
 *    machine), the address, rvcp's model 7276 ("rv") and 8000.  A CPU is
 *    STOPPED until the guest is IPLed (its hart waits for SBI hart_start).
 */
#include "cp/cmd_cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cp/directory.h"
#include "cp/messages.h"
#include "cp/user.h"
#include "cp/vmctl.h"

bool cpu_is_define(const char *word)
{
	return !strcasecmp(word, "CPU");
}

void cpu_user_logon(struct cp_user *u)
{
	u->cpus = u->dir->cpus ? u->dir->cpus : 1;
	u->base_cpu = u->dir->base_cpu >= 0 ? u->dir->base_cpu : __builtin_ctzll(u->cpus);
}

int cpu_count(const struct cp_user *u)
{
	return __builtin_popcountll(u->cpus);
}

/* "nn" or "nn-mm" (hex): the addresses into *set; false if not one. */
static bool cpu_parse(const char *s, uint64_t *set)
{
	char *end;
	unsigned long a = strtoul(s, &end, 16), b;

	if (end == s || end - s > 2 || a > DIR_CPU_ADDR_MAX)
		return false;
	b = a;
	if (*end == '-') {
		const char *t = end + 1;

		b = strtoul(t, &end, 16);
		if (end == t || end - t > 2 || b > DIR_CPU_ADDR_MAX || b < a)
			return false;
	}
	if (*end)
		return false;
	for (unsigned long i = a; i <= b; i++)
		*set |= 1ULL << i;
	return true;
}

int cmd_define_cpu(struct cp_ctx *ctx, int argc, char **argv)
{
	struct cp_user *u = ctx->user;
	uint64_t set = 0;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	for (int i = 1; i < argc; i++)
		if (!cpu_parse(argv[i], &set))
			return cp_msg(ctx, MSG_CPU_BAD_ADDRESS, argv[i]);
	if (u->ipled)
		return cp_msg(ctx, MSG_CPU_AFTER_IPL);
	if (set & u->cpus)
		return cp_msg(ctx, MSG_CPU_DEFINED_ALREADY, __builtin_ctzll(set & u->cpus));
	if (__builtin_popcountll(set | u->cpus) > u->dir->maxcpus)
		return cp_msg(ctx, MSG_CPU_EXCEEDS, __builtin_popcountll(set | u->cpus),
			      u->dir->maxcpus);
	u->cpus |= set;
	if (u->vm)
		vmctl_setup(u); /* nothing runs yet: the machine is made again with them */
	for (int a = 0; a <= DIR_CPU_ADDR_MAX; a++)
		if (set & (1ULL << a))
			cp_msg(ctx, MSG_CPU_DEFINED, a);
	return 0;
}

int cmd_q_cpus(struct cp_ctx *ctx)
{
	const struct cp_user *u = ctx->user;
	char id[24];
	int rc = 0;

	for (int a = 0; a <= DIR_CPU_ADDR_MAX; a++) {
		if (!(u->cpus & (1ULL << a)))
			continue;
		snprintf(id, sizeof(id), "FF%02X%04X72768000", a, 0);
		rc = cp_msg(ctx, MSG_Q_CPU, a, id,
			    a == u->base_cpu ? "(BASE)"
			    : u->ipled	     ? ""
					     : "STOPPED");
	}
	return rc;
}
