/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_LOGON_GUARD_H
#define RVCP_CP_LOGON_GUARD_H
/*
 * Password guessing: how long a failed LOGON waits and when LOGON is refused.
 * Pure policy over a clock the caller passes (milliseconds), no I/O, so the
 * terminal server (cp/terminal.c) asks it and tests/unit/logon_guard drives it.
 *
 * Failures are counted per source address and per userid, each count
 * forgotten LOGON_GUARD_FORGET_MS after its last failure:
 *   - every failure is answered after a delay that doubles with the
 *     address's count (base 1.5 s, at most 60 s), so one host's guesses slow
 *     down whatever userids it tries;
 *   - an address with lock_address failures (20) may not LOGON at all for
 *     LOGON_GUARD_LOCK_MS (15 min), whatever the userid;
 *   - a userid with lock_user failures (5) is locked for LOGON_GUARD_LOCK_MS
 *     against the addresses that failed on it; from any other address it
 *     can still log on — so guessing cannot lock its owner out — but its
 *     passwords are then checked at most once per LOGON_GUARD_SLOW_MS
 *     (2 s), which bounds a guesser with many addresses too; the owner's
 *     own LOGON does not end the lock (it says nothing of the guessers).
 * IPv6 addresses count by their /64, what one host usually holds.  Both
 * tables have fixed sizes; when full, the record with the oldest failure
 * makes room.  To flush a userid's record an attacker must fail thousands
 * of times, which the address lock stops first.
 */
#include <stdbool.h>
#include <stdint.h>

#define LOGON_GUARD_BASE_MS   1500u
#define LOGON_GUARD_MAX_MS    60000u
#define LOGON_GUARD_LOCK_MS   (15u * 60 * 1000)
#define LOGON_GUARD_FORGET_MS (15u * 60 * 1000)
#define LOGON_GUARD_SLOW_MS   2000u
#define LOGON_GUARD_USERS     4096
#define LOGON_GUARD_ADDRS     4096
#define LOGON_GUARD_TRACK     8 /* addresses remembered per locked userid */

struct logon_guard_cfg {
	unsigned lock_user;    /* failures that lock a userid (0: never) */
	unsigned lock_address; /* failures that lock an address (0: never) */
	unsigned base_ms;      /* the first failure's delay */
};

enum logon_verdict {
	LOGON_GO,	    /* check the password */
	LOGON_ADDR_LOCKED,  /* this address may not LOGON now */
	LOGON_USER_LOCKED,  /* this userid is locked for this address */
	LOGON_USER_SLOWED,  /* this userid was checked too recently: later */
};

struct logon_guard;

struct logon_guard *logon_guard_new(const struct logon_guard_cfg *cfg);
void logon_guard_free(struct logon_guard *g);
/* May userid try a password from addr now?  *wait_ms: how long the refusal lasts. */
enum logon_verdict logon_guard_check(struct logon_guard *g, const char *userid,
				     const char *addr, uint64_t now, uint64_t *wait_ms);
/* A wrong password: returns the delay before the answer. */
uint64_t logon_guard_failed(struct logon_guard *g, const char *userid, const char *addr,
			    uint64_t now);
/* The right password: the userid's count (not the address's) is forgotten. */
void logon_guard_succeeded(struct logon_guard *g, const char *userid, uint64_t now);
/* The key addr counts under (IPv6: its /64), for messages and tests. */
void logon_guard_addr_key(const char *addr, char *key, unsigned size);

#endif
