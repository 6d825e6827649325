// SPDX-License-Identifier: MIT
/* CP as an SSI member: joining, user claims, QUERY SSI (cp/cmd_ssi.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cp/cmd_ssi.h"
#include "ssi/ssi.h"
#include "util/log.h"

static char ssi_name[SSI_NAME_MAX + 1] = "RVCPSSI";

/* Claims in flight, by user: while one is, LOGOFF leaves the key alone. */
struct cp_claim {
	char userid[DIR_ID_MAX + 1];
	cp_ssi_claim_fn fn;
	void *opaque;
	struct cp_claim *next;
};
static struct cp_claim *claims;

static bool cp_ssi_claim_pending(const char *userid)
{
	for (struct cp_claim *c = claims; c; c = c->next)
		if (!strcasecmp(c->userid, userid))
			return true;
	return false;
}

/* Another member logged our user on while we had lost the lease. */
static void cp_ssi_lost(void *opaque, const char *userid, const char *member)
{
	struct cp_user *u = cp_user_find(userid);

	log_warn("ssi: %s is logged on at %s: logged off here", userid, member);
	if (!u)
		return;
	cp_user_msg(u, MSG_SSI_LOST, member);
	u->ssi_lost = true; /* its key is the other member's now */
	cp_user_logoff(u);
}

static const struct ssi_events cp_ssi_events = {.lost = cp_ssi_lost};

int cp_ssi_join(const char *urls, const char *member, const char *address, unsigned ttl,
		const char *name)
{
	struct ssi_config c = {
	    .urls = urls, .member = member, .address = address, .ttl = ttl, .events = &cp_ssi_events};
	char err[512] = "";

	if (name) {
		if (ssi_check_name(name)) {
			log_err("--ssi-name %s: 1-8 of A-Z 0-9 @ # $", name);
			return -1;
		}
		snprintf(ssi_name, sizeof(ssi_name), "%s", name);
	}
	cp_sys.ssi = ssi_join(cp_sys.loop, &c, err, sizeof(err));
	if (!cp_sys.ssi) {
		log_err("cannot join the SSI cluster at %s: %s", urls, err);
		return -1;
	}
	return 0;
}

void cp_ssi_leave(void)
{
	ssi_leave(cp_sys.ssi);
	cp_sys.ssi = NULL;
	while (claims) {
		struct cp_claim *c = claims;

		claims = c->next;
		free(c);
	}
}

static void cp_ssi_claimed(void *opaque, int rc, const char *member, const char *err)
{
	struct cp_claim *c = opaque, **pp;

	for (pp = &claims; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	c->fn(c->opaque, rc, member, err);
	/* Claimed, but nobody logged on (the terminal went): free it again. */
	if (!rc && !cp_user_find(c->userid) && !cp_ssi_claim_pending(c->userid))
		ssi_user_release(cp_sys.ssi, c->userid);
	free(c);
}

int cp_ssi_claim(const char *userid, cp_ssi_claim_fn fn, void *opaque)
{
	struct cp_claim *c;

	if (!cp_sys.ssi) {
		fn(opaque, 0, "", "");
		return 0;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	snprintf(c->userid, sizeof(c->userid), "%s", userid);
	c->fn = fn;
	c->opaque = opaque;
	if (ssi_user_claim(cp_sys.ssi, userid, cp_ssi_claimed, c)) {
		free(c);
		return -ENOMEM;
	}
	c->next = claims;
	claims = c;
	return 0;
}

void cp_ssi_release(const char *userid)
{
	if (cp_sys.ssi && !cp_ssi_claim_pending(userid))
		ssi_user_release(cp_sys.ssi, userid);
}

void cp_ssi_refused(struct cp_sink *sink, const char *userid, int rc, const char *member,
		    const char *err)
{
	if (rc == -EEXIST) {
		cp_sink_msg(sink, MSG_ALREADY_LOGGED_ON, userid);
		cp_sink_msg(sink, MSG_SSI_LOGGED_ON_AT, userid, member[0] ? member : "?");
		return;
	}
	log_warn("ssi: LOGON of %s refused: %s", userid, err);
	cp_sink_msg(sink, MSG_SSI_UNAVAILABLE, userid);
}

static void cp_ssi_when(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!t) {
		snprintf(buf, size, "%-17s", "");
		return;
	}
	localtime_r(&t, &tm);
	strftime(buf, size, "%m/%d/%y %H:%M:%S", &tm);
}

/* QUERY SSI: z/VM's layout; the PDR is etcd. */
int cmd_q_ssi(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct ssi_member_info m[SSI_MAX_MEMBERS];
	size_t n;

	if (argc > 1)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
	if (!cp_sys.ssi)
		return cp_msg(ctx, MSG_SSI_NOT_MEMBER);
	n = ssi_members(cp_sys.ssi, m, SSI_MAX_MEMBERS);
	cp_msg(ctx, MSG_SSI_Q_NAME, ssi_name);
	cp_msg(ctx, MSG_SSI_Q_MODE);
	cp_msg(ctx, MSG_SSI_Q_PDR, ssi_urls(cp_sys.ssi));
	cp_msg(ctx, MSG_SSI_Q_HEADER);
	for (size_t i = 0; i < n; i++) {
		char hb[32], rx[32];
		bool up = m[i].received != 0;

		cp_ssi_when(m[i].heartbeat, hb, sizeof(hb));
		cp_ssi_when(m[i].received, rx, sizeof(rx));
		if (up)
			cp_msg(ctx, MSG_SSI_Q_ROW, m[i].slot, m[i].name, m[i].state, hb, rx);
		else
			cp_msg(ctx, MSG_SSI_Q_DOWN, m[i].slot, m[i].name, m[i].state);
	}
	return 0;
}
