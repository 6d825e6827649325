/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_CMD_SSI_H
#define RVCP_CP_CMD_SSI_H
/*
 * CP as a member of a single system image (cp/cmd_ssi.c): `rvcp cp --ssi
 * URL[,URL...] --member NAME [--ssi-ttl S] [--ssi-name NAME]` joins, and
 * everything below is CP's one way into ssi/ssi.h.  Without --ssi
 * (cp_sys.ssi NULL) every function here does nothing and LOGON is decided
 * by this CP alone, as before.
 *
 * LOGON and AUTOLOG at a member first claim the user in the cluster
 * (ssi_user_claim, asynchronous: CP's loop never waits on etcd).  A user
 * logged on at another member is refused with z/VM's HCPLGA054E and, after
 * it, HCPLGA1701I naming the member.  When the cluster cannot be reached
 * the LOGON is refused (HCPLGA1702E): a member that cannot ask may not let
 * a user on that may be running elsewhere.  A user already logged on here
 * (a reconnection) needs no claim.  LOGOFF and FORCE release it.
 *
 * A claim in flight for a user holds its key: a LOGOFF of the same user
 * meanwhile does not release it, the claim's end does if nobody logged on.
 */
#include "cp/commands.h"

/* Join at start (blocks, before CP serves anyone); 0 or -1 (logged). */
int cp_ssi_join(const char *urls, const char *member, const char *address, unsigned ttl,
		const char *name);
void cp_ssi_leave(void);

/* rc 0: claimed (or SSI off); -EEXIST: at member; else err says why. */
typedef void (*cp_ssi_claim_fn)(void *opaque, int rc, const char *member, const char *err);
/* Calls fn now (rc 0) without SSI; -ENOMEM: fn is not called. */
int cp_ssi_claim(const char *userid, cp_ssi_claim_fn fn, void *opaque);
/* The user logged off here. */
void cp_ssi_release(const char *userid);
/* The answer to a refused claim, into sink. */
void cp_ssi_refused(struct cp_sink *sink, const char *userid, int rc, const char *member,
		    const char *err);

int cmd_q_ssi(struct cp_ctx *ctx, int argc, char **argv, char **rest);

#endif
