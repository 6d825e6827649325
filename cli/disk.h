/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CLI_DISK_H
#define RVCP_CLI_DISK_H
#include "machine/machine.h"

/*
 * Opens IMG or IMG,ro (read-only: writes fail in the guest) as the next
 * disk of cfg, vdev 0x200 + its index.  Returns the index, or -1 after
 * saying why on stderr (prefixed with who).
 */
int disk_add(struct machine_config *cfg, const char *spec, const char *who);
void disk_close_all(struct machine_config *cfg);
/* --cpus N into cfg: 1 .. MACHINE_MAX_CPUS; -1 after saying why (prefixed with who). */
int cpus_set(struct machine_config *cfg, const char *arg, const char *who);

#endif
