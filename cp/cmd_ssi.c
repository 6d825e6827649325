// SPDX-License-Identifier: MIT
/* CP as an SSI member: joining, user claims, QUERY SSI (cp/cmd_ssi.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cp/cmd_ssi.h"
#include "cp/nss.h"
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

/* Commands from another member (AT): run as the issuer, without a VM. */

static void cp_ssi_nowhere(struct cp_sink *s, const char *text)
{
}

/* Only commands about the system: none that needs the issuer's own VM here. */
static bool cp_ssi_at_allowed(struct cp_user *u, const char *line)
{
	static const char *const q_ok[] = {"NAMES", "USERS", "SSI", "NSS", "TIME"};
	char w1[16] = "", w2[16] = "";
	const struct cp_command *c;

	if (sscanf(line, "%15s %15s", w1, w2) < 1)
		return false;
	if (!strcasecmp(w1, "CP") && sscanf(line, "%*s %15s %15s", w1, w2) < 1)
		return false;
	c = cp_command_find(cp_commands, u, w1);
	if (!c)
		return false;
	if (c->fn == cmd_msg || c->fn == cmd_force || c->fn == cmd_autolog)
		return true;
	if (c->fn != cmd_query || !w2[0])
		return false;
	for (size_t i = 0; i < sizeof(q_ok) / sizeof(q_ok[0]); i++)
		if (cp_command_find(cp_query_commands, u, w2) ==
		    cp_command_find(cp_query_commands, u, q_ok[i]))
			return cp_command_find(cp_query_commands, u, w2) != NULL;
	return !cp_command_find(cp_query_commands, u, w2); /* QUERY userid */
}

static char *cp_ssi_join_lines(const struct cp_capture *cap)
{
	size_t len = 1;
	char *out, *p;

	for (size_t i = 0; i < cap->n; i++)
		len += strlen(cap->lines[i]) + 1;
	out = p = malloc(len);
	if (!out)
		return NULL;
	*p = 0;
	for (size_t i = 0; i < cap->n; i++)
		p += sprintf(p, "%s%s", i ? "\n" : "", cap->lines[i]);
	return out;
}

static char *cp_ssi_command(void *opaque, const char *issuer, const char *line)
{
	struct dir_user *d = dir_find(cp_sys.dir, issuer);
	struct cp_user tu = {0};
	struct cp_capture cap;
	struct cp_ctx ctx;
	char *out;

	cp_capture_init(&cap);
	ctx = (struct cp_ctx){.user = &tu, .sink = &cap.sink, .line = line};
	if (!d) {
		cp_sink_msg(&cap.sink, MSG_NOT_IN_DIRECTORY, issuer);
		goto out;
	}
	tu.dir = d;
	tu.id = d->id;
	tu.storage = d->storage;
	tu.linend = '#';
	tu.logon_time = time(NULL);
	tu.sink.line = cp_ssi_nowhere;
	if (!cp_ssi_at_allowed(&tu, line)) {
		cp_sink_msg(&cap.sink, MSG_SSI_AT_NOT_ALLOWED, line);
		goto out;
	}
	log_info("ssi: %s runs at this member: %s", d->id, line);
	cp_execute_ctx(&ctx);
out:
	out = cp_ssi_join_lines(&cap);
	cp_capture_free(&cap);
	return out;
}

static const struct ssi_events cp_ssi_events = {.lost = cp_ssi_lost, .command = cp_ssi_command};

/* AT: the other member's answer, to the issuer's terminal. */
struct cp_at {
	char userid[DIR_ID_MAX + 1];
	char member[SSI_NAME_MAX + 1];
};

static void cp_ssi_at_done(void *opaque, int rc, const char *out, const char *err)
{
	struct cp_at *c = opaque;
	struct cp_user *u = cp_user_find(c->userid);

	if (u && rc) {
		cp_user_msg(u, MSG_SSI_AT_FAILED, c->member, err);
	} else if (u) {
		while (*out) {
			size_t n = strcspn(out, "\n");
			char line[1024];

			snprintf(line, sizeof(line), "%.*s", (int)n, out);
			cp_user_msg(u, MSG_SSI_AT_LINE, line);
			out += n + (out[n] ? 1 : 0);
		}
	}
	free(c);
}

int cp_ssi_at(struct cp_ctx *ctx, const char *member, const char *line)
{
	struct cp_at *c;
	int rc;

	if (!cp_sys.ssi)
		return cp_msg(ctx, MSG_SSI_NOT_MEMBER);
	c = calloc(1, sizeof(*c));
	if (!c)
		return cp_msg(ctx, MSG_SSI_AT_FAILED, member, strerror(ENOMEM));
	snprintf(c->userid, sizeof(c->userid), "%s", ctx->user->id);
	snprintf(c->member, sizeof(c->member), "%s", member);
	rc = ssi_at(cp_sys.ssi, c->member, ctx->user->id, line, cp_ssi_at_done, c);
	if (!rc)
		return 0;
	free(c);
	if (rc == -EHOSTUNREACH)
		return cp_msg(ctx, MSG_SSI_NO_MEMBER, member);
	return cp_msg(ctx, MSG_SSI_AT_FAILED, member,
		      rc == -ENOKEY ? "this member has no --ssi-key" : strerror(-rc));
}

/* AT member CMD command */
int cmd_at(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	if (argc < 4)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (strcasecmp(argv[2], "CMD"))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[2]);
	for (char *p = argv[1]; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (cp_sys.ssi && !strcmp(argv[1], ssi_member_name(cp_sys.ssi)))
		return cp_execute_ctx(&(struct cp_ctx){
		    .user = ctx->user, .term = ctx->term, .sink = ctx->sink, .line = rest[3]});
	if (!cp_ssi_at_allowed(ctx->user, rest[3]))
		return cp_msg(ctx, MSG_SSI_AT_NOT_ALLOWED, rest[3]);
	return cp_ssi_at(ctx, argv[1], rest[3]);
}

bool cp_ssi_user_member(const char *userid, char *member, size_t size)
{
	return cp_sys.ssi && ssi_user_where(cp_sys.ssi, userid, member, size) &&
	       strcmp(member, ssi_member_name(cp_sys.ssi));
}

struct cp_remote_iter {
	void (*fn)(void *opaque, const char *userid, const char *member);
	void *opaque;
};

static void cp_ssi_remote_one(void *opaque, const char *userid, const char *member)
{
	struct cp_remote_iter *it = opaque;

	if (strcmp(member, ssi_member_name(cp_sys.ssi)))
		it->fn(it->opaque, userid, member);
}

void cp_ssi_remote_users(void (*fn)(void *opaque, const char *userid, const char *member),
			 void *opaque)
{
	struct cp_remote_iter it = {fn, opaque};

	if (cp_sys.ssi)
		ssi_users(cp_sys.ssi, cp_ssi_remote_one, &it);
}

int cp_ssi_join(const struct cp_ssi_options *o)
{
	struct ssi_config c = {.urls = o->urls,
			       .member = o->member,
			       .address = o->address,
			       .ttl = o->ttl,
			       .spool = cp_sys.spool,
			       .keyfile = o->keyfile,
			       .fetch = o->fetch,
			       .events = &cp_ssi_events};
	char err[512] = "";

	if (o->name) {
		if (ssi_check_name(o->name)) {
			log_err("--ssi-name %s: 1-8 of A-Z 0-9 @ # $", o->name);
			return -1;
		}
		snprintf(ssi_name, sizeof(ssi_name), "%s", o->name);
	}
	cp_sys.ssi = ssi_join(cp_sys.loop, &c, err, sizeof(err));
	if (!cp_sys.ssi) {
		log_err("cannot join the SSI cluster at %s: %s", o->urls, err);
		return -1;
	}
	for (const struct spool_file *f = nss_spool.files; f; f = f->next)
		cp_ssi_nss_saved(f);
	return 0;
}

void cp_ssi_nss_saved(const struct spool_file *f)
{
	if (cp_sys.ssi && (f->cls == 'A' || f->cls == 'R'))
		ssi_nss_publish(cp_sys.ssi, f->meta.hdr.name, f->meta.hdr.checksum,
				f->meta.hdr.seq);
}

void cp_ssi_nss_purged(const struct spool_file *f)
{
	if (cp_sys.ssi && (f->cls == 'A' || f->cls == 'R'))
		ssi_nss_withdraw(cp_sys.ssi, f->meta.hdr.name, f->meta.hdr.checksum);
}

/* An IPL waiting for the cluster: whose, and the command as typed. */
struct cp_fetch {
	char userid[DIR_ID_MAX + 1];
	char name[SPOOL_NAME_MAX + 1];
	uint64_t t0; /* evloop_now_ms() when asked */
	char line[];
};

static bool cp_fetch_again; /* the IPL run again after a fetch asks no more */

static void cp_ssi_located(void *opaque, int rc, uint64_t checksum, int fd, const char *err)
{
	struct cp_fetch *c = opaque;
	struct cp_user *u = cp_user_find(c->userid);
	struct spool_file *f = NULL;
	char why[160] = "";

	if (!rc && fd >= 0)
		rc = spool_import(&nss_spool, fd, checksum, &f, why, sizeof(why));
	else if (!rc)
		rc = spool_adopt(&nss_spool, checksum, &f, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "%s", err);
	if (fd >= 0)
		close(fd);
	if (f) {
		cp_ssi_nss_saved(f);
		log_info("ssi: %s for %s had in %llu ms (%s)", c->name, c->userid,
			 (unsigned long long)(evloop_now_ms() - c->t0),
			 fd >= 0 ? "fetched and checked" : "from the shared spool folder");
	}
	if (rc && !why[0])
		snprintf(why, sizeof(why), "%s", strerror(-rc));
	if (rc)
		log_warn("ssi: %s for %s: %s", c->name, c->userid, why);
	if (u) {
		cp_user_unhold(u); /* the IPL run now holds the user again */
		if (rc && rc != -ENOENT) {
			cp_user_msg(u, MSG_SSI_FETCH_FAILED, c->name, why);
		} else {
			/* Had, or unknown to the cluster: this member's answer. */
			cp_fetch_again = true;
			cp_execute(u, c->line, &u->sink);
			cp_fetch_again = false;
		}
	}
	free(c);
}

int cp_ssi_nss_fetch(struct cp_ctx *ctx, const char *name)
{
	size_t len = strlen(ctx->line);
	struct cp_fetch *c;

	if (!cp_sys.ssi || cp_fetch_again || !ctx->user)
		return CP_RC_NOT_HANDLED;
	c = calloc(1, sizeof(*c) + len + 1);
	if (!c)
		return cp_msg(ctx, MSG_SSI_FETCH_FAILED, name, strerror(ENOMEM));
	snprintf(c->userid, sizeof(c->userid), "%s", ctx->user->id);
	snprintf(c->name, sizeof(c->name), "%s", name);
	memcpy(c->line, ctx->line, len + 1);
	c->t0 = evloop_now_ms();
	if (ssi_nss_locate(cp_sys.ssi, name, cp_ssi_located, c)) {
		free(c);
		return cp_msg(ctx, MSG_SSI_FETCH_FAILED, name, strerror(EAGAIN));
	}
	cp_user_hold(ctx->user);
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

static void cp_ssi_adopt_claimed(void *opaque, int rc, const char *member, const char *err)
{
	char *id = opaque;

	if (rc == -EEXIST)
		cp_ssi_lost(NULL, id, member);
	else if (rc)
		log_warn("ssi: %s runs here unclaimed: %s", id, err);
	free(id);
}

void cp_ssi_adopted(const char *userid)
{
	char *id = cp_sys.ssi ? strdup(userid) : NULL;

	if (id && cp_ssi_claim(userid, cp_ssi_adopt_claimed, id))
		free(id);
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
