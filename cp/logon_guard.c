// SPDX-License-Identifier: MIT
/*
 * Failed LOGONs counted per address and per userid (cp/logon_guard.h).
 * The tables are small fixed arrays searched linearly: a LOGON is rare next
 * to the cost of crypt(3), and a fixed size is what keeps a flood bounded.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cp/directory.h"
#include "cp/logon_guard.h"

#define ADDR_KEY_MAX 48

struct guard_addr {
	char key[ADDR_KEY_MAX];
	unsigned failures;
	uint64_t last_fail;
	uint64_t locked_until;
};

struct guard_user {
	char id[DIR_ID_MAX + 1];
	unsigned failures;
	uint64_t last_fail;
	uint64_t locked_until;
	uint64_t last_check; /* while locked: the last password checked */
	char failed_from[LOGON_GUARD_TRACK][ADDR_KEY_MAX];
	unsigned nfailed_from;
};

struct logon_guard {
	struct logon_guard_cfg cfg;
	struct guard_addr addrs[LOGON_GUARD_ADDRS];
	struct guard_user users[LOGON_GUARD_USERS];
};

struct logon_guard *logon_guard_new(const struct logon_guard_cfg *cfg)
{
	struct logon_guard *g = calloc(1, sizeof(*g));

	if (g)
		g->cfg = *cfg;
	return g;
}

void logon_guard_free(struct logon_guard *g)
{
	free(g);
}

void logon_guard_addr_key(const char *addr, char *key, unsigned size)
{
	struct in6_addr a6;

	if (inet_pton(AF_INET6, addr, &a6) == 1 && !IN6_IS_ADDR_V4MAPPED(&a6)) {
		memset(a6.s6_addr + 8, 0, 8);
		inet_ntop(AF_INET6, &a6, key, size);
		snprintf(key + strlen(key), size - strlen(key), "/64");
		return;
	}
	snprintf(key, size, "%s", addr);
}

/* A record forgotten after its quiet period is as good as none. */
static bool stale(uint64_t last_fail, uint64_t locked_until, uint64_t now)
{
	return now >= locked_until && now - last_fail >= LOGON_GUARD_FORGET_MS;
}

static struct guard_addr *addr_find(struct logon_guard *g, const char *key, uint64_t now)
{
	for (int i = 0; i < LOGON_GUARD_ADDRS; i++) {
		struct guard_addr *a = &g->addrs[i];

		if (a->key[0] && !strcmp(a->key, key)) {
			if (stale(a->last_fail, a->locked_until, now))
				memset(a, 0, sizeof(*a));
			else
				return a;
		}
	}
	return NULL;
}

static struct guard_addr *addr_slot(struct logon_guard *g, const char *key, uint64_t now)
{
	struct guard_addr *a = addr_find(g, key, now), *oldest = &g->addrs[0];

	if (a)
		return a;
	for (int i = 0; i < LOGON_GUARD_ADDRS; i++) {
		if (!g->addrs[i].key[0])
			return strcpy(g->addrs[i].key, key), &g->addrs[i];
		if (g->addrs[i].last_fail < oldest->last_fail)
			oldest = &g->addrs[i];
	}
	memset(oldest, 0, sizeof(*oldest));
	strcpy(oldest->key, key);
	return oldest;
}

static struct guard_user *user_find(struct logon_guard *g, const char *id, uint64_t now)
{
	for (int i = 0; i < LOGON_GUARD_USERS; i++) {
		struct guard_user *u = &g->users[i];

		if (u->id[0] && !strcasecmp(u->id, id)) {
			if (stale(u->last_fail, u->locked_until, now))
				memset(u, 0, sizeof(*u));
			else
				return u;
		}
	}
	return NULL;
}

static struct guard_user *user_slot(struct logon_guard *g, const char *id, uint64_t now)
{
	struct guard_user *u = user_find(g, id, now), *oldest = &g->users[0];

	if (u)
		return u;
	for (int i = 0; i < LOGON_GUARD_USERS; i++) {
		if (!g->users[i].id[0]) {
			oldest = &g->users[i];
			break;
		}
		if (g->users[i].last_fail < oldest->last_fail)
			oldest = &g->users[i];
	}
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->id, sizeof(oldest->id), "%s", id);
	return oldest;
}

static bool user_failed_from(const struct guard_user *u, const char *key)
{
	for (unsigned i = 0; i < u->nfailed_from; i++)
		if (!strcmp(u->failed_from[i], key))
			return true;
	return false;
}

static enum logon_verdict user_verdict(struct guard_user *u, const char *key, uint64_t now,
				       uint64_t *wait_ms)
{
	if (!u || now >= u->locked_until)
		return LOGON_GO;
	if (user_failed_from(u, key)) {
		*wait_ms = u->locked_until - now;
		return LOGON_USER_LOCKED;
	}
	if (u->last_check && now - u->last_check < LOGON_GUARD_SLOW_MS) {
		*wait_ms = LOGON_GUARD_SLOW_MS - (now - u->last_check);
		return LOGON_USER_SLOWED;
	}
	u->last_check = now;
	return LOGON_GO;
}

enum logon_verdict logon_guard_check(struct logon_guard *g, const char *userid,
				     const char *addr, uint64_t now, uint64_t *wait_ms)
{
	char key[ADDR_KEY_MAX];
	struct guard_addr *a;

	logon_guard_addr_key(addr, key, sizeof(key));
	a = addr_find(g, key, now);
	*wait_ms = 0;
	if (a && now < a->locked_until) {
		*wait_ms = a->locked_until - now;
		return LOGON_ADDR_LOCKED;
	}
	return user_verdict(user_find(g, userid, now), key, now, wait_ms);
}

static uint64_t fail_delay(const struct logon_guard *g, unsigned failures)
{
	uint64_t d = g->cfg.base_ms;

	for (unsigned i = 1; i < failures && d < LOGON_GUARD_MAX_MS; i++)
		d *= 2;
	return d < LOGON_GUARD_MAX_MS ? d : LOGON_GUARD_MAX_MS;
}

static void user_note_failure(struct guard_user *u, const char *key)
{
	if (user_failed_from(u, key))
		return;
	if (u->nfailed_from < LOGON_GUARD_TRACK)
		snprintf(u->failed_from[u->nfailed_from++], ADDR_KEY_MAX, "%s", key);
}

uint64_t logon_guard_failed(struct logon_guard *g, const char *userid, const char *addr,
			    uint64_t now)
{
	char key[ADDR_KEY_MAX];
	struct guard_addr *a;
	struct guard_user *u;

	logon_guard_addr_key(addr, key, sizeof(key));
	a = addr_slot(g, key, now);
	a->failures++;
	a->last_fail = now;
	if (g->cfg.lock_address && a->failures >= g->cfg.lock_address)
		a->locked_until = now + LOGON_GUARD_LOCK_MS;
	u = user_slot(g, userid, now);
	u->failures++;
	u->last_fail = now;
	user_note_failure(u, key);
	if (g->cfg.lock_user && u->failures >= g->cfg.lock_user)
		u->locked_until = now + LOGON_GUARD_LOCK_MS;
	return fail_delay(g, a->failures);
}

void logon_guard_succeeded(struct logon_guard *g, const char *userid, uint64_t now)
{
	struct guard_user *u = user_find(g, userid, now);

	/* The owner's success says nothing of the guessers: a lock stays. */
	if (u && now >= u->locked_until)
		memset(u, 0, sizeof(*u));
}
