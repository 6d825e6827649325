/* SPDX-License-Identifier: MIT */
#ifndef RVCP_SSI_SSI_H
#define RVCP_SSI_SSI_H
/*
 * A CP member of a single system image: CP members that share their state
 * in etcd (ssi/etcd.h), as z/VM's SSI members share theirs.  CP calls in
 * (the functions below); what comes back comes through the callbacks CP
 * gives, always run in CP's loop thread.  Nothing here knows CP.
 *
 * The contract:
 *   - ssi_join() blocks (CP calls it before it serves anyone): it takes a
 *     slot (1..SSI_MAX_MEMBERS, kept for the member's name), a lease of
 *     ttl seconds, and the member's key under that lease.  A second member
 *     of the same name is refused while the first one's lease lives.
 *   - After that nothing blocks CP's loop.  One worker thread does every
 *     etcd request, in the order CP asked; it renews the lease every ttl/3
 *     seconds, writes the member's heartbeat and reads the cluster's
 *     members and users into a copy CP reads at once (ssi_members(),
 *     ssi_user_where()): that copy is at most ttl/3 seconds old.  Results
 *     come back through an eventfd on CP's loop.
 *   - A user is logged on at one member at a time: ssi_user_claim() creates
 *     /rvcp/user/USERID, atomically (a transaction on create_revision == 0),
 *     under the member's lease.  A member that dies (killed, cut off) loses
 *     its lease ttl seconds later, and with it every user it held: they can
 *     log on at another member.  ssi_user_release() deletes the key if it is
 *     still this member's.
 *   - A member whose lease expired while it lives (etcd unreachable longer
 *     than ttl) takes a new lease and claims its users again; a user that
 *     meanwhile logged on elsewhere is reported through events->lost, and
 *     CP logs it off here: a user never runs at two members.
 *   - ssi_leave() finishes the requests already asked, records the member
 *     as shut down, and revokes the lease (its users are freed at once).
 *
 *   - Saved systems: ssi_nss_publish() enters a saved system in the
 *     cluster's catalogue (its header checksum, spool/spool.h) and says
 *     that this member has its file; ssi_nss_withdraw() takes that back
 *     (PURGE).  ssi_nss_locate() finds the file of a name that this member
 *     lacks, in a thread of its own (a transfer must not delay the lease):
 *     in the spool folder itself when the members share it (the result
 *     then has no descriptor: spool_adopt), otherwise fetched from a member
 *     that has it (ssi/fetch.h, with the cluster's key) into an unnamed
 *     file of the spool folder (spool_import checks it before it is kept).
 *
 *   - Commands at another member: ssi_at() sends "issuer command" over the
 *     members' channel (ssi/fetch.h, needs the key) in a thread of its own;
 *     the member there runs it through events->command in its loop and
 *     sends the answer lines back (a member whose loop does not answer
 *     within SSI_AT_TIMEOUT_S seconds is answered for).
 *
 * Keys, all under /rvcp/:
 *   slot/N          member name (kept: a member keeps its slot)
 *   member/NAME     {"slot":n,"address":"host:port","state":"Joined",
 *                    "heartbeat":unix-time} under NAME's lease
 *   down/NAME       "shut down" after a clean leave (for QUERY SSI)
 *   user/USERID     {"member":"NAME"} under NAME's lease
 *   nss/NAME        {"checksum":"16 hex","seq":n,"member":"NAME"}: the
 *                   newest save of NAME in the cluster (kept)
 *   have/SUM/NAME   "": member NAME has the file of checksum SUM, under
 *                   NAME's lease
 * and member/NAME has "fetch":"host:port" where it serves its files.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/evloop.h"

#define SSI_MAX_MEMBERS 8 /* as z/VM's SSI */
#define SSI_NAME_MAX	8 /* member names are system ids: 1-8 characters */

struct ssi;

struct ssi_events {
	/* userid was logged on at member while this member had lost its lease. */
	void (*lost)(void *opaque, const char *userid, const char *member);
	/* A command another member sent (AT): its answer lines, malloc'ed. */
	char *(*command)(void *opaque, const char *issuer, const char *cmd);
	void *opaque;
};

struct ssi_config {
	const char *urls;    /* etcd endpoints, comma-separated */
	const char *member;  /* this member's name */
	const char *address; /* where its terminals connect (host:port) */
	unsigned ttl;	     /* the lease, seconds (2..3600) */
	const char *spool;   /* the spool folder */
	const char *keyfile; /* the cluster's key (--ssi-key), NULL: no fetching */
	const char *fetch;   /* where to serve files ("127.0.0.1:0" if NULL) */
	const struct ssi_events *events;
};

/* Name check: 1-8 of A-Z 0-9 @ # $; 0 or -EINVAL. */
int ssi_check_name(const char *name);

struct ssi *ssi_join(struct evloop *loop, const struct ssi_config *c, char *err, size_t errlen);
void ssi_leave(struct ssi *s);
const char *ssi_member_name(const struct ssi *s);
const char *ssi_urls(const struct ssi *s);

/*
 * The result of a claim: rc 0 claimed; -EEXIST logged on at `member`;
 * otherwise etcd could not be asked (err says why).
 */
typedef void (*ssi_claim_fn)(void *opaque, int rc, const char *member, const char *err);
/* 0, or -ENOMEM (fn is then not called). */
int ssi_user_claim(struct ssi *s, const char *userid, ssi_claim_fn fn, void *opaque);
void ssi_user_release(struct ssi *s, const char *userid);

struct ssi_member_info {
	int slot;
	char name[SSI_NAME_MAX + 1];
	char state[40];	  /* "Joined", "Down (shut down successfully)", ... */
	char address[64]; /* its terminals */
	char fetch[64];	  /* its file server, "" if none */
	time_t heartbeat; /* the member's last heartbeat (0: none) */
	time_t received;  /* when this member read it */
};
/* The members by slot, as last read; returns how many (<= max). */
size_t ssi_members(struct ssi *s, struct ssi_member_info *out, size_t max);
/* Every user logged on in the cluster, as last read (fn must not call in). */
void ssi_users(struct ssi *s, void (*fn)(void *opaque, const char *userid, const char *member),
	       void *opaque);
/* Where userid is logged on, as last read: the member's name, or false. */
bool ssi_user_where(struct ssi *s, const char *userid, char *member, size_t size);

/* Saved systems in the cluster (fire and forget: failures are logged). */
void ssi_nss_publish(struct ssi *s, const char *name, uint64_t checksum, int64_t seq);
void ssi_nss_withdraw(struct ssi *s, const char *name, uint64_t checksum);
/*
 * The result of a locate: rc 0 and fd >= 0 (fetched: an unnamed file in the
 * spool folder, the callee owns it) or fd -1 (in the shared spool folder
 * already); -ENOENT: the cluster has no such system; -ENODATA: nobody could
 * give it; otherwise err says why.
 */
typedef void (*ssi_nss_fn)(void *opaque, int rc, uint64_t checksum, int fd, const char *err);
int ssi_nss_locate(struct ssi *s, const char *name, ssi_nss_fn fn, void *opaque);

#define SSI_AT_TIMEOUT_S 20
/* rc 0 and the member's answer lines ('\n' between), or err says why. */
typedef void (*ssi_at_fn)(void *opaque, int rc, const char *out, const char *err);
int ssi_at(struct ssi *s, const char *member, const char *issuer, const char *cmd, ssi_at_fn fn,
	   void *opaque);

#endif
