/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_NSS_H
#define RVCP_CP_NSS_H
/*
 * Named Saved Systems in CP (issue 5; owned by the NSS module).
 *
 * CP's core reaches NSS only through cp_hooks (cp/cp.h), which the NSS
 * module sets in nss_cp_init() — add it to cp_module_inits[] in cp/main.c:
 *   cp_sys.hooks.ipl_name   IPL name [PARM text]
 *   cp_sys.hooks.trace_hit  a TRACE I R range was hit
 *   cp_sys.hooks.vm_message VM messages of type >= PROTO_NSS_FIRST
 *   cp_sys.hooks.release    the VM's storage is dropped (NSS user counts)
 * Its commands (DEFSYS, SAVESYS, QUERY NSS, PURGE NSS, TRACE, QUERY TRACE)
 * are rows of cp_commands[] / cp_query_commands[] in cp/commands.c whose
 * handlers live in cp/cmd_nss.c and cp/cmd_trace.c.
 */
#include "cp/cp.h"

int nss_cp_init(void);

#endif
