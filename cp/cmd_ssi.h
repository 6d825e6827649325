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
 * Saved systems: every saved system of this member's spool is entered in
 * the cluster's catalogue when the member joins, after SAVESYS and after a
 * fetch (cp_ssi_nss_saved); PURGE takes it out (cp_ssi_nss_purged).  IPL
 * of a name this member does not have asks the cluster (cp_ssi_nss_fetch):
 * the user is held, the file is found in a spool folder shared with the
 * member that saved it (spool_adopt) or fetched from a member that has it
 * (needs --ssi-key; spool_import checks it), and the IPL is then run again
 * as typed, its answers on the user's terminal.  A name the cluster does
 * not know either is HCPNSS422E as before; a failed fetch HCPNSS1711E.
 *
 * A claim in flight for a user holds its key: a LOGOFF of the same user
 * meanwhile does not release it, the claim's end does if nobody logged on.
 */
#include "cp/commands.h"
#include "spool/spool.h"

struct cp_ssi_options {
	const char *urls, *member, *address; /* --ssi, --member, the terminals' --listen */
	unsigned ttl;			     /* --ssi-ttl */
	const char *name;		     /* --ssi-name, NULL: RVCPSSI */
	const char *keyfile;		     /* --ssi-key, NULL: no fetching */
	const char *fetch;		     /* --ssi-fetch HOST:PORT, NULL: 127.0.0.1:0 */
};
/* Join at start (blocks, before CP serves anyone); 0 or -1 (logged). */
int cp_ssi_join(const struct cp_ssi_options *o);
void cp_ssi_leave(void);

/* rc 0: claimed (or SSI off); -EEXIST: at member; else err says why. */
typedef void (*cp_ssi_claim_fn)(void *opaque, int rc, const char *member, const char *err);
/* Calls fn now (rc 0) without SSI; -ENOMEM: fn is not called. */
int cp_ssi_claim(const char *userid, cp_ssi_claim_fn fn, void *opaque);
/*
 * A guest the previous CP left running was taken over: claimed again; if
 * it is logged on at another member now, it is logged off here.
 */
void cp_ssi_adopted(const char *userid);
/* The user logged off here. */
void cp_ssi_release(const char *userid);
/* The answer to a refused claim, into sink. */
void cp_ssi_refused(struct cp_sink *sink, const char *userid, int rc, const char *member,
		    const char *err);

void cp_ssi_nss_saved(const struct spool_file *f);
void cp_ssi_nss_purged(const struct spool_file *f);
/* IPL of a name not here: 0 (asked), a message's rc, or CP_RC_NOT_HANDLED. */
int cp_ssi_nss_fetch(struct cp_ctx *ctx, const char *name);

/*
 * Other members' users: AT member CMD command runs a command there, as the
 * issuer with the issuer's classes (the directory is the same at every
 * member), its answers coming back to the issuer's terminal when they
 * come; only commands about the system run so: QUERY (not of the issuer's
 * own virtual machine), MSG, FORCE, XAUTOLOG.  MSG and FORCE of a user
 * logged on at another member go there the same way; QUERY userid and
 * QUERY NAMES show such a user as "AT member" from the registry (at most
 * ttl/3 seconds old).  The commands travel on the members' authenticated
 * channel (ssi/fetch.h): they need --ssi-key.
 */
int cmd_at(struct cp_ctx *ctx, int argc, char **argv, char **rest);
/* Sends line to member for the issuer: 0 (sent) or a message's rc. */
int cp_ssi_at(struct cp_ctx *ctx, const char *member, const char *line);
/* Is userid logged on at another member?  Its name into member. */
bool cp_ssi_user_member(const char *userid, char *member, size_t size);
/* Calls fn for each user logged on at another member. */
void cp_ssi_remote_users(void (*fn)(void *opaque, const char *userid, const char *member),
			 void *opaque);

int cmd_q_ssi(struct cp_ctx *ctx, int argc, char **argv, char **rest);

#endif
