// SPDX-License-Identifier: MIT
/*
 * The LOGON guard's policy (cp/logon_guard.h) on a clock of our own: delays
 * that grow per address, an address lock, a userid locked only against the
 * addresses that guessed it, its owner still let in from elsewhere but
 * checked at most once per LOGON_GUARD_SLOW_MS, and everything forgotten
 * after a quiet period.
 */
#include <string.h>

#include "cp/logon_guard.h"
#include "tests/unit/check.h"

static const struct logon_guard_cfg cfg = {.lock_user = 3, .lock_address = 6, .base_ms = 100};

static void delays_grow(void)
{
	struct logon_guard *g = logon_guard_new(&cfg);
	uint64_t wait;

	CHECK(logon_guard_failed(g, "A", "10.0.0.1", 0) == 100);
	CHECK(logon_guard_failed(g, "B", "10.0.0.1", 10) == 200);
	/* The count is the address's: a third userid does not start afresh. */
	CHECK(logon_guard_failed(g, "C", "10.0.0.1", 20) == 400);
	CHECK(logon_guard_check(g, "D", "10.0.0.1", 30, &wait) == LOGON_GO);
	/* Another address is untouched. */
	CHECK(logon_guard_failed(g, "A", "10.0.0.2", 40) == 100);
	logon_guard_free(g);
}

static void delay_capped(void)
{
	struct logon_guard_cfg big = {.lock_user = 0, .lock_address = 0, .base_ms = 1500};
	struct logon_guard *g = logon_guard_new(&big);
	uint64_t d = 0;

	for (int i = 0; i < 100; i++)
		d = logon_guard_failed(g, "X", "10.0.0.1", (uint64_t)i);
	CHECK(d == LOGON_GUARD_MAX_MS);
	logon_guard_free(g);
}

static void user_locked_for_guessers_only(void)
{
	struct logon_guard *g = logon_guard_new(&cfg);
	uint64_t wait, t = 1000;

	for (int i = 0; i < 3; i++)
		logon_guard_failed(g, "MAINT", "10.0.0.1", t + (uint64_t)i);
	t += 10;
	CHECK(logon_guard_check(g, "MAINT", "10.0.0.1", t, &wait) == LOGON_USER_LOCKED);
	CHECK(wait > 0 && wait <= LOGON_GUARD_LOCK_MS);
	/* Userids are compared as CP does, without case. */
	CHECK(logon_guard_check(g, "maint", "10.0.0.1", t, &wait) == LOGON_USER_LOCKED);
	/* The guesser may still log on as someone else (until its own lock). */
	CHECK(logon_guard_check(g, "OTHER", "10.0.0.1", t, &wait) == LOGON_GO);
	/* The owner, elsewhere, gets in, at most once per LOGON_GUARD_SLOW_MS. */
	CHECK(logon_guard_check(g, "MAINT", "10.9.9.9", t, &wait) == LOGON_GO);
	CHECK(logon_guard_check(g, "MAINT", "10.8.8.8", t + 1, &wait) == LOGON_USER_SLOWED);
	CHECK(wait == LOGON_GUARD_SLOW_MS - 1);
	CHECK(logon_guard_check(g, "MAINT", "10.8.8.8", t + LOGON_GUARD_SLOW_MS, &wait) ==
	      LOGON_GO);
	/* The owner's success does not lift the guessers' lock. */
	logon_guard_succeeded(g, "MAINT", t + LOGON_GUARD_SLOW_MS);
	CHECK(logon_guard_check(g, "MAINT", "10.0.0.1", t + LOGON_GUARD_SLOW_MS, &wait) ==
	      LOGON_USER_LOCKED);
	/* The lock ends. */
	t += LOGON_GUARD_LOCK_MS + 1;
	CHECK(logon_guard_check(g, "MAINT", "10.0.0.1", t, &wait) == LOGON_GO);
	logon_guard_free(g);
}

static void address_locked(void)
{
	struct logon_guard *g = logon_guard_new(&cfg);
	uint64_t wait;
	char id[16];

	for (int i = 0; i < 6; i++) {
		snprintf(id, sizeof(id), "U%d", i); /* a different userid each time */
		logon_guard_failed(g, id, "192.0.2.7", (uint64_t)i);
	}
	CHECK(logon_guard_check(g, "NEW", "192.0.2.7", 10, &wait) == LOGON_ADDR_LOCKED);
	CHECK(wait == LOGON_GUARD_LOCK_MS - 5); /* locked at the sixth failure, t = 5 */
	CHECK(logon_guard_check(g, "NEW", "192.0.2.8", 10, &wait) == LOGON_GO);
	CHECK(logon_guard_check(g, "NEW", "192.0.2.7", 5 + LOGON_GUARD_LOCK_MS, &wait) == LOGON_GO);
	logon_guard_free(g);
}

static void ipv6_by_prefix(void)
{
	struct logon_guard *g = logon_guard_new(&cfg);
	char key[64];
	uint64_t wait;

	logon_guard_addr_key("2001:db8:1:2:aaaa::1", key, sizeof(key));
	CHECK(!strcmp(key, "2001:db8:1:2::/64"));
	logon_guard_addr_key("::ffff:127.0.0.1", key, sizeof(key));
	CHECK(!strcmp(key, "::ffff:127.0.0.1"));
	for (int i = 0; i < 6; i++) {
		char a[64];

		snprintf(a, sizeof(a), "2001:db8:1:2::%x", i + 1); /* one /64, new hosts */
		logon_guard_failed(g, "X", a, (uint64_t)i);
	}
	CHECK(logon_guard_check(g, "Y", "2001:db8:1:2::ffff", 10, &wait) == LOGON_ADDR_LOCKED);
	CHECK(logon_guard_check(g, "Y", "2001:db8:1:3::1", 10, &wait) == LOGON_GO);
	logon_guard_free(g);
}

static void forgotten_and_bounded(void)
{
	struct logon_guard *g = logon_guard_new(&cfg);
	uint64_t wait;
	char id[16], addr[32];

	logon_guard_failed(g, "A", "10.0.0.1", 0);
	logon_guard_failed(g, "A", "10.0.0.1", 1);
	/* Quiet long enough: the address starts again at the base delay. */
	CHECK(logon_guard_failed(g, "A", "10.0.0.1", 1 + LOGON_GUARD_FORGET_MS) == 100);
	/* Far more records than the tables hold: still bounded and working. */
	for (int i = 0; i < 3 * LOGON_GUARD_USERS; i++) {
		snprintf(id, sizeof(id), "U%d", i);
		snprintf(addr, sizeof(addr), "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255,
			 i & 255);
		logon_guard_failed(g, id, addr, 2 * LOGON_GUARD_FORGET_MS + (uint64_t)i);
	}
	CHECK(logon_guard_check(g, "ZZ", "10.200.0.1", 3 * LOGON_GUARD_FORGET_MS, &wait) ==
	      LOGON_GO);
	logon_guard_free(g);
}

int main(void)
{
	delays_grow();
	delay_capped();
	user_locked_for_guessers_only();
	address_locked();
	ipv6_by_prefix();
	forgotten_and_bounded();
	return failures != 0;
}
