// SPDX-License-Identifier: MIT
/*
 * The SSI member (ssi/ssi.h): a worker thread that talks to etcd, a queue
 * of requests from CP's loop, a queue of results back to it (an eventfd).
 */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "spool/spool.h"
#include "ssi/etcd.h"
#include "ssi/fetch.h"
#include "ssi/ssi.h"
#include "util/errbuf.h"
#include "util/log.h"

#define SSI_PREFIX "/rvcp/"
#define SSI_ID_MAX 64

enum ssi_job_kind {
	SSI_JOB_CLAIM,
	SSI_JOB_RELEASE,
	SSI_JOB_LOST, /* a result only: a user lost while the lease was gone */
	SSI_JOB_NSS_PUBLISH,
	SSI_JOB_NSS_WITHDRAW,
	SSI_JOB_NSS_LOCATE, /* its own thread; the result comes back */
	SSI_JOB_COMMAND,    /* from another member, for CP's loop */
	SSI_JOB_AT,	    /* to another member, its own thread */
};

struct ssi_job {
	enum ssi_job_kind kind;
	char userid[SSI_ID_MAX + 1];
	ssi_claim_fn fn;
	void *opaque;
	int rc;
	char member[SSI_NAME_MAX + 1];
	char err[256];
	/* saved systems */
	struct ssi *s;
	char name[SPOOL_NAME_MAX + 1];
	uint64_t checksum;
	int64_t seq;
	int fd;
	ssi_nss_fn nfn;
	/* commands */
	char *text; /* "issuer command" in, the answer out */
	bool done, abandoned;
	ssi_at_fn afn;
	char fetch[64];
	struct ssi_job *next;
};

struct ssi_nss_row {
	char name[SPOOL_NAME_MAX + 1];
	uint64_t checksum;
	int64_t seq;
};

struct ssi_user_row {
	char userid[SSI_ID_MAX + 1];
	char member[SSI_NAME_MAX + 1];
};

struct ssi {
	struct evloop *loop;
	struct etcd *etcd;
	char *urls;
	char name[SSI_NAME_MAX + 1];
	char address[64];
	char member_key[64];
	char user_value[64]; /* {"member":"NAME"}: what this member's user keys hold */
	int slot;
	unsigned ttl;
	int64_t lease;
	struct ssi_events events;
	int efd;
	pthread_t thread;
	bool started;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_cond_t cmd_cond; /* a command from another member was answered */
	bool quit;
	struct ssi_job *jobs, **jobs_tail; /* to the worker */
	struct ssi_job *done, **done_tail; /* back to the loop */
	/* The copy CP reads (under lock). */
	struct ssi_member_info members[SSI_MAX_MEMBERS];
	size_t nmembers;
	struct ssi_user_row *users;
	size_t nusers;

	/* The worker's own: the users this member holds, the files it has. */
	char (*held)[SSI_ID_MAX + 1];
	size_t nheld, capheld;
	struct ssi_nss_row *have;
	size_t nhave;

	/* Saved-system files (ssi/fetch.h). */
	char *spool;
	unsigned char key[FETCH_KEY_MAX];
	size_t keylen; /* 0: no key, no fetching */
	struct fetch_server *server;
	char fetch_addr[64];
	atomic_int locating; /* ssi_nss_locate threads running */
};

int ssi_check_name(const char *name)
{
	size_t n = strlen(name);

	if (n < 1 || n > SSI_NAME_MAX)
		return -EINVAL;
	for (; *name; name++)
		if (!isupper((unsigned char)*name) && !isdigit((unsigned char)*name) &&
		    !strchr("@#$", *name))
			return -EINVAL;
	return 0;
}

const char *ssi_member_name(const struct ssi *s)
{
	return s->name;
}

const char *ssi_urls(const struct ssi *s)
{
	return s->urls;
}

/* The worker's list of users it holds. */

static ssize_t ssi_held_find(struct ssi *s, const char *userid)
{
	for (size_t i = 0; i < s->nheld; i++)
		if (!strcmp(s->held[i], userid))
			return (ssize_t)i;
	return -1;
}

static void ssi_held_add(struct ssi *s, const char *userid)
{
	if (ssi_held_find(s, userid) >= 0)
		return;
	if (s->nheld == s->capheld) {
		size_t ncap = s->capheld ? s->capheld * 2 : 16;
		void *np = realloc(s->held, ncap * sizeof(*s->held));

		if (!np)
			return; /* the key stays under the lease; only a re-claim misses it */
		s->held = np;
		s->capheld = ncap;
	}
	snprintf(s->held[s->nheld++], SSI_ID_MAX + 1, "%s", userid);
}

static void ssi_held_del(struct ssi *s, const char *userid)
{
	ssize_t i = ssi_held_find(s, userid);

	if (i >= 0)
		memcpy(s->held[i], s->held[--s->nheld], SSI_ID_MAX + 1);
}

static void ssi_key(char *buf, size_t size, const char *kind, const char *name)
{
	snprintf(buf, size, SSI_PREFIX "%s/%s", kind, name);
}

/* The member of a user key's value, or "" if it is not ours to read. */
static void ssi_value_member(const char *value, char *member, size_t size)
{
	json_object *o = json_tokener_parse(value), *m;

	member[0] = 0;
	if (o && json_object_object_get_ex(o, "member", &m))
		snprintf(member, size, "%s", json_object_get_string(m));
	json_object_put(o);
}

static void ssi_republish(struct ssi *s);

/* Requests, in the worker. */

static void ssi_do_claim(struct ssi *s, struct ssi_job *j)
{
	char key[128], *existing = NULL;

	ssi_key(key, sizeof(key), "user", j->userid);
	j->rc =
	    etcd_create(s->etcd, key, s->user_value, s->lease, &existing, j->err, sizeof(j->err));
	if (j->rc == -EEXIST) {
		ssi_value_member(existing ? existing : "", j->member, sizeof(j->member));
		if (!strcmp(j->member, s->name))
			j->rc = 0; /* ours already (a claim repeated after a lost lease) */
	}
	if (!j->rc)
		ssi_held_add(s, j->userid);
	free(existing);
}

static void ssi_do_release(struct ssi *s, struct ssi_job *j)
{
	char key[128];

	ssi_held_del(s, j->userid);
	ssi_key(key, sizeof(key), "user", j->userid);
	j->rc = etcd_delete_if(s->etcd, key, s->user_value, j->err, sizeof(j->err));
	if (j->rc && j->rc != -ENOENT)
		log_warn("ssi: release of %s: %s", j->userid, j->err);
}

/* Hand a finished job to the loop. */
static void ssi_post(struct ssi *s, struct ssi_job *j)
{
	uint64_t one = 1;

	pthread_mutex_lock(&s->lock);
	j->next = NULL;
	*s->done_tail = j;
	s->done_tail = &j->next;
	pthread_mutex_unlock(&s->lock);
	if (write(s->efd, &one, sizeof(one)) < 0)
		log_warn("ssi: eventfd: %s", strerror(errno));
}

static void ssi_member_value(struct ssi *s, char *buf, size_t size)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "slot", json_object_new_int(s->slot));
	json_object_object_add(o, "address", json_object_new_string(s->address));
	json_object_object_add(o, "state", json_object_new_string("Joined"));
	json_object_object_add(o, "fetch", json_object_new_string(s->fetch_addr));
	json_object_object_add(o, "heartbeat", json_object_new_int64((int64_t)time(NULL)));
	snprintf(buf, size, "%s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/* A new lease and the member key under it; -EEXIST: the name is in use. */
static int ssi_take_lease(struct ssi *s, char *err, size_t errlen)
{
	char value[256], *existing = NULL;
	int rc = etcd_lease_grant(s->etcd, (int)s->ttl, &s->lease, err, errlen);

	if (rc)
		return rc;
	ssi_member_value(s, value, sizeof(value));
	rc = etcd_create(s->etcd, s->member_key, value, s->lease, &existing, err, errlen);
	if (rc == -EEXIST)
		snprintf(err, errlen, "member %s is already joined (%s)", s->name,
			 existing ? existing : "?");
	free(existing);
	if (rc)
		etcd_lease_revoke(s->etcd, s->lease, NULL, 0);
	return rc;
}

/* After a lost lease: a new one, and every held user claimed again. */
static void ssi_rejoin(struct ssi *s)
{
	char err[256];
	size_t i = 0;

	if (ssi_take_lease(s, err, sizeof(err))) {
		log_warn("ssi: rejoin: %s", err);
		return;
	}
	log_warn("ssi: lease lost and taken again; claiming %zu users", s->nheld);
	ssi_republish(s);
	while (i < s->nheld) {
		struct ssi_job j = {.kind = SSI_JOB_CLAIM};

		snprintf(j.userid, sizeof(j.userid), "%s", s->held[i]);
		ssi_do_claim(s, &j);
		if (j.rc == -EEXIST) {
			struct ssi_job *lost = calloc(1, sizeof(*lost));

			ssi_held_del(s, j.userid); /* another one now sits at i */
			if (lost) {
				*lost = j;
				lost->kind = SSI_JOB_LOST;
				ssi_post(s, lost);
			}
			continue;
		}
		i++;
	}
}

/* Read the members and the users into the copy CP reads. */
static void ssi_refresh(struct ssi *s)
{
	struct etcd_kv *slots = NULL, *mems = NULL, *users = NULL;
	size_t nslots = 0, nmems = 0, nusers = 0, n = 0;
	struct ssi_member_info info[SSI_MAX_MEMBERS];
	struct ssi_user_row *rows;
	char err[256];
	time_t now = time(NULL);

	if (etcd_list(s->etcd, SSI_PREFIX "slot/", &slots, &nslots, err, sizeof(err)) ||
	    etcd_list(s->etcd, SSI_PREFIX "member/", &mems, &nmems, err, sizeof(err)) ||
	    etcd_list(s->etcd, SSI_PREFIX "user/", &users, &nusers, err, sizeof(err))) {
		log_warn("ssi: refresh: %s", err);
		goto out;
	}
	for (size_t i = 0; i < nslots && n < SSI_MAX_MEMBERS; i++) {
		struct ssi_member_info *m = &info[n];
		const char *num = slots[i].key + strlen(SSI_PREFIX "slot/");

		memset(m, 0, sizeof(*m));
		m->slot = atoi(num);
		snprintf(m->name, sizeof(m->name), "%s", slots[i].value);
		snprintf(m->state, sizeof(m->state), "Down (lease expired)");
		for (size_t k = 0; k < nmems; k++) {
			json_object *o, *v;

			if (strcmp(mems[k].key + strlen(SSI_PREFIX "member/"), m->name))
				continue;
			o = json_tokener_parse(mems[k].value);
			if (o && json_object_object_get_ex(o, "state", &v))
				snprintf(m->state, sizeof(m->state), "%s",
					 json_object_get_string(v));
			if (o && json_object_object_get_ex(o, "address", &v))
				snprintf(m->address, sizeof(m->address), "%s",
					 json_object_get_string(v));
			if (o && json_object_object_get_ex(o, "fetch", &v))
				snprintf(m->fetch, sizeof(m->fetch), "%s",
					 json_object_get_string(v));
			if (o && json_object_object_get_ex(o, "heartbeat", &v))
				m->heartbeat = (time_t)json_object_get_int64(v);
			m->received = now;
			json_object_put(o);
		}
		if (!m->received) {
			char key[128], *down = NULL;

			ssi_key(key, sizeof(key), "down", m->name);
			if (!etcd_get(s->etcd, key, &down, NULL, 0))
				snprintf(m->state, sizeof(m->state),
					 "Down (shut down successfully)");
			free(down);
		}
		n++;
	}
	/* slots sort as text ("10" before "2"): by number */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && info[k - 1].slot > info[k].slot; k--) {
			struct ssi_member_info t = info[k];

			info[k] = info[k - 1];
			info[k - 1] = t;
		}
	rows = calloc(nusers ? nusers : 1, sizeof(*rows));
	if (!rows)
		goto out;
	for (size_t i = 0; i < nusers; i++) {
		snprintf(rows[i].userid, sizeof(rows[i].userid), "%s",
			 users[i].key + strlen(SSI_PREFIX "user/"));
		ssi_value_member(users[i].value, rows[i].member, sizeof(rows[i].member));
	}
	pthread_mutex_lock(&s->lock);
	memcpy(s->members, info, n * sizeof(info[0]));
	s->nmembers = n;
	free(s->users);
	s->users = rows;
	s->nusers = nusers;
	pthread_mutex_unlock(&s->lock);
out:
	etcd_kvs_free(slots, nslots);
	etcd_kvs_free(mems, nmems);
	etcd_kvs_free(users, nusers);
}

/* Every ttl/3: renew the lease (or take a new one), heartbeat, re-read. */
static void ssi_tick(struct ssi *s)
{
	char err[256], value[256];
	int rc = etcd_lease_keepalive(s->etcd, s->lease, err, sizeof(err));

	if (rc == -ESTALE)
		ssi_rejoin(s);
	else if (rc)
		log_warn("ssi: keepalive: %s", err);
	ssi_member_value(s, value, sizeof(value));
	if (etcd_put(s->etcd, s->member_key, value, s->lease, err, sizeof(err)))
		log_warn("ssi: heartbeat: %s", err);
	ssi_refresh(s);
}

/* Saved systems, in the worker. */

static void ssi_have_key(struct ssi *s, uint64_t checksum, char *key, size_t size)
{
	snprintf(key, size, SSI_PREFIX "have/%016" PRIx64 "/%s", checksum, s->name);
}

/* The catalogue's entry of name: its checksum and seq; -ENOENT if none. */
static int ssi_nss_entry(struct etcd *e, const char *name, uint64_t *checksum, int64_t *seq,
			 char *err, size_t errlen)
{
	char key[128], *value = NULL;
	json_object *o, *v;
	int rc;

	ssi_key(key, sizeof(key), "nss", name);
	rc = etcd_get(e, key, &value, err, errlen);
	if (rc)
		return rc;
	o = json_tokener_parse(value);
	free(value);
	if (!o || !json_object_object_get_ex(o, "checksum", &v)) {
		json_object_put(o);
		snprintf(err, errlen, "the cluster's entry of %s makes no sense", name);
		return -EINVAL;
	}
	*checksum = strtoull(json_object_get_string(v), NULL, 16);
	*seq = json_object_object_get_ex(o, "seq", &v) ? json_object_get_int64(v) : 0;
	json_object_put(o);
	return 0;
}

static void ssi_have_add(struct ssi *s, const struct ssi_job *j)
{
	void *np;

	for (size_t i = 0; i < s->nhave; i++)
		if (s->have[i].checksum == j->checksum)
			return;
	np = realloc(s->have, (s->nhave + 1) * sizeof(*s->have));
	if (!np)
		return;
	s->have = np;
	snprintf(s->have[s->nhave].name, sizeof(s->have[0].name), "%s", j->name);
	s->have[s->nhave].checksum = j->checksum;
	s->have[s->nhave++].seq = j->seq;
}

static void ssi_have_del(struct ssi *s, uint64_t checksum)
{
	for (size_t i = 0; i < s->nhave; i++)
		if (s->have[i].checksum == checksum) {
			s->have[i] = s->have[--s->nhave];
			return;
		}
}

/* This member has the file; the catalogue names it unless a newer save does. */
static void ssi_do_publish(struct ssi *s, struct ssi_job *j)
{
	char key[128], value[256];
	uint64_t cur = 0;
	int64_t seq = 0;
	int rc;

	ssi_have_add(s, j);
	ssi_have_key(s, j->checksum, key, sizeof(key));
	rc = etcd_put(s->etcd, key, "", s->lease, j->err, sizeof(j->err));
	if (!rc) {
		rc = ssi_nss_entry(s->etcd, j->name, &cur, &seq, j->err, sizeof(j->err));
		if (rc == -ENOENT || (!rc && seq < j->seq)) {
			snprintf(value, sizeof(value),
				 "{\"checksum\":\"%016" PRIx64 "\",\"seq\":%lld,\"member\":\"%s\"}",
				 j->checksum, (long long)j->seq, s->name);
			ssi_key(key, sizeof(key), "nss", j->name);
			rc = etcd_put(s->etcd, key, value, 0, j->err, sizeof(j->err));
		}
	}
	if (rc && rc != -ENOENT)
		log_warn("ssi: publishing %s: %s", j->name, j->err);
}

/* PURGE: this member's file is gone, and the catalogue forgets that save. */
static void ssi_do_withdraw(struct ssi *s, struct ssi_job *j)
{
	char key[128];
	uint64_t cur = 0;
	int64_t seq = 0;

	ssi_have_del(s, j->checksum);
	ssi_have_key(s, j->checksum, key, sizeof(key));
	etcd_delete(s->etcd, key, j->err, sizeof(j->err));
	if (!ssi_nss_entry(s->etcd, j->name, &cur, &seq, j->err, sizeof(j->err)) &&
	    cur == j->checksum) {
		ssi_key(key, sizeof(key), "nss", j->name);
		etcd_delete(s->etcd, key, j->err, sizeof(j->err));
	}
}

/* After a new lease: the files this member has, said again. */
static void ssi_republish(struct ssi *s)
{
	for (size_t i = 0; i < s->nhave; i++) {
		char key[128], err[256];

		ssi_have_key(s, s->have[i].checksum, key, sizeof(key));
		if (etcd_put(s->etcd, key, "", s->lease, err, sizeof(err)))
			log_warn("ssi: %s", err);
	}
}

/* Fetch from the members that have it, into an unnamed file of the spool. */
static int ssi_fetch_from(struct ssi *s, struct etcd *e, struct ssi_job *j)
{
	char prefix[128];
	struct etcd_kv *kvs;
	size_t n;
	int rc;

	if (!s->keylen)
		return errbuf_set(j->err, sizeof(j->err), -ENODATA,
				  "not in this member's spool, and no --ssi-key to fetch it");
	snprintf(prefix, sizeof(prefix), SSI_PREFIX "have/%016" PRIx64 "/", j->checksum);
	rc = etcd_list(e, prefix, &kvs, &n, j->err, sizeof(j->err));
	if (rc)
		return rc;
	rc = errbuf_set(j->err, sizeof(j->err), -ENODATA, "no member that has it answers");
	for (size_t i = 0; i < n && rc; i++) {
		const char *m = kvs[i].key + strlen(prefix);
		char key[128], *value = NULL, addr[64] = "";
		json_object *o, *v;
		int fd;

		ssi_key(key, sizeof(key), "member", m);
		if (!strcmp(m, s->name) || etcd_get(e, key, &value, NULL, 0))
			continue;
		o = json_tokener_parse(value);
		free(value);
		if (o && json_object_object_get_ex(o, "fetch", &v))
			snprintf(addr, sizeof(addr), "%s", json_object_get_string(v));
		json_object_put(o);
		if (!addr[0])
			continue;
		fd = open(s->spool, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd < 0) {
			rc = errbuf_set(j->err, sizeof(j->err), -errno, "%s: %s", s->spool,
					strerror(errno));
			break;
		}
		rc = fetch_file(addr, s->key, s->keylen, j->checksum, fd, j->err, sizeof(j->err));
		if (rc) {
			log_warn("ssi: fetching %s from %s: %s", j->name, m, j->err);
			close(fd);
			continue;
		}
		log_info("ssi: fetched %s (%016" PRIx64 ") from %s", j->name, j->checksum, m);
		j->fd = fd;
	}
	etcd_kvs_free(kvs, n);
	return rc;
}

static void *ssi_locate_thread(void *opaque)
{
	struct ssi_job *j = opaque;
	struct ssi *s = j->s;
	struct etcd *e = etcd_open(s->urls, j->err, sizeof(j->err));
	int dirfd, fd;

	j->fd = -1;
	j->rc = e ? ssi_nss_entry(e, j->name, &j->checksum, &j->seq, j->err, sizeof(j->err)) : -EIO;
	if (!j->rc) {
		/* a folder shared with the member that saved it: nothing to fetch */
		dirfd = open(s->spool, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		fd = dirfd >= 0 ? spool_find_checksum(dirfd, j->checksum, NULL) : -ENOENT;
		if (dirfd >= 0)
			close(dirfd);
		if (fd >= 0)
			close(fd);
		else
			j->rc = ssi_fetch_from(s, e, j);
	}
	etcd_close(e);
	ssi_post(s, j);
	atomic_fetch_sub(&s->locating, 1);
	return NULL;
}

static void ssi_run_job(struct ssi *s, struct ssi_job *j)
{
	switch (j->kind) {
	case SSI_JOB_CLAIM:
		ssi_do_claim(s, j);
		ssi_post(s, j);
		break;
	case SSI_JOB_RELEASE:
		ssi_do_release(s, j);
		free(j);
		break;
	case SSI_JOB_NSS_PUBLISH:
		ssi_do_publish(s, j);
		free(j);
		break;
	case SSI_JOB_NSS_WITHDRAW:
		ssi_do_withdraw(s, j);
		free(j);
		break;
	default:
		free(j);
		break;
	}
}

static uint64_t ssi_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void *ssi_worker(void *opaque)
{
	struct ssi *s = opaque;
	uint64_t period = s->ttl * 1000 / 3, next = ssi_now_ms() + period;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		struct ssi_job *j = s->jobs;

		if (j) {
			s->jobs = j->next;
			if (!s->jobs)
				s->jobs_tail = &s->jobs;
			pthread_mutex_unlock(&s->lock);
			ssi_run_job(s, j);
			pthread_mutex_lock(&s->lock);
			continue;
		}
		if (s->quit)
			break;
		if (ssi_now_ms() >= next) {
			pthread_mutex_unlock(&s->lock);
			ssi_tick(s);
			next = ssi_now_ms() + period;
			pthread_mutex_lock(&s->lock);
			continue;
		}
		{
			struct timespec ts;
			uint64_t wait = next - ssi_now_ms();

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += (time_t)(wait / 1000);
			ts.tv_nsec += (long)(wait % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&s->cond, &s->lock, &ts);
		}
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Commands from other members: the server thread waits for CP's loop. */

static void ssi_run_command(struct ssi *s, struct ssi_job *j)
{
	const char *sp = strchr(j->text, ' ');
	char issuer[SSI_ID_MAX + 1] = "", *out = NULL;
	bool abandoned;

	pthread_mutex_lock(&s->lock);
	abandoned = j->abandoned;
	pthread_mutex_unlock(&s->lock);
	if (!abandoned && sp && (size_t)(sp - j->text) <= SSI_ID_MAX && s->events.command) {
		memcpy(issuer, j->text, (size_t)(sp - j->text));
		out = s->events.command(s->events.opaque, issuer, sp + 1);
	}
	pthread_mutex_lock(&s->lock);
	if (j->abandoned) {
		free(j->text);
		free(j);
		free(out);
	} else {
		free(j->text);
		j->text = out;
		j->done = true;
		pthread_cond_broadcast(&s->cmd_cond);
	}
	pthread_mutex_unlock(&s->lock);
}

static char *ssi_serve_cmd(void *opaque, const char *payload)
{
	struct ssi *s = opaque;
	struct ssi_job *j = calloc(1, sizeof(*j));
	struct timespec ts;
	char *out = NULL;

	if (!j || !(j->text = strdup(payload))) {
		free(j);
		return NULL;
	}
	j->kind = SSI_JOB_COMMAND;
	ssi_post(s, j);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += SSI_AT_TIMEOUT_S;
	pthread_mutex_lock(&s->lock);
	while (!j->done && !s->quit)
		if (pthread_cond_timedwait(&s->cmd_cond, &s->lock, &ts))
			break;
	if (j->done) {
		out = j->text;
		free(j);
	} else {
		j->abandoned = true; /* the loop (or ssi_free) frees it */
	}
	pthread_mutex_unlock(&s->lock);
	return out;
}

static void *ssi_at_thread(void *opaque)
{
	struct ssi_job *j = opaque;
	struct ssi *s = j->s;
	char *out = NULL;

	j->rc = fetch_command(j->fetch, s->key, s->keylen, j->text, &out, j->err, sizeof(j->err));
	free(j->text);
	j->text = out;
	ssi_post(s, j);
	atomic_fetch_sub(&s->locating, 1);
	return NULL;
}

/* Results, in CP's loop. */

static void ssi_results(void *opaque, int fd, uint32_t events)
{
	struct ssi *s = opaque;
	struct ssi_job *list;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("ssi: eventfd: %s", strerror(errno));
	pthread_mutex_lock(&s->lock);
	list = s->done;
	s->done = NULL;
	s->done_tail = &s->done;
	pthread_mutex_unlock(&s->lock);
	while (list) {
		struct ssi_job *j = list;

		list = j->next;
		if (j->kind == SSI_JOB_CLAIM && j->fn)
			j->fn(j->opaque, j->rc, j->member, j->err);
		else if (j->kind == SSI_JOB_LOST && s->events.lost)
			s->events.lost(s->events.opaque, j->userid, j->member);
		else if (j->kind == SSI_JOB_NSS_LOCATE)
			j->nfn(j->opaque, j->rc, j->checksum, j->fd, j->err);
		else if (j->kind == SSI_JOB_AT)
			j->afn(j->opaque, j->rc, j->text ? j->text : "", j->err);
		if (j->kind == SSI_JOB_COMMAND) {
			ssi_run_command(s, j); /* the server thread frees it */
			continue;
		}
		free(j->text);
		free(j);
	}
}

static void ssi_queue(struct ssi *s, struct ssi_job *j)
{
	pthread_mutex_lock(&s->lock);
	j->next = NULL;
	*s->jobs_tail = j;
	s->jobs_tail = &j->next;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

int ssi_user_claim(struct ssi *s, const char *userid, ssi_claim_fn fn, void *opaque)
{
	struct ssi_job *j = calloc(1, sizeof(*j));

	if (!j)
		return -ENOMEM;
	j->kind = SSI_JOB_CLAIM;
	snprintf(j->userid, sizeof(j->userid), "%s", userid);
	j->fn = fn;
	j->opaque = opaque;
	ssi_queue(s, j);
	return 0;
}

void ssi_user_release(struct ssi *s, const char *userid)
{
	struct ssi_job *j = calloc(1, sizeof(*j));

	if (!j) {
		log_warn("ssi: release of %s lost: out of memory (freed at the lease's end)",
			 userid);
		return;
	}
	j->kind = SSI_JOB_RELEASE;
	snprintf(j->userid, sizeof(j->userid), "%s", userid);
	ssi_queue(s, j);
}

size_t ssi_members(struct ssi *s, struct ssi_member_info *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->nmembers < max ? s->nmembers : max;
	memcpy(out, s->members, n * sizeof(*out));
	pthread_mutex_unlock(&s->lock);
	return n;
}

void ssi_users(struct ssi *s, void (*fn)(void *opaque, const char *userid, const char *member),
	       void *opaque)
{
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->nusers; i++)
		fn(opaque, s->users[i].userid, s->users[i].member);
	pthread_mutex_unlock(&s->lock);
}

bool ssi_user_where(struct ssi *s, const char *userid, char *member, size_t size)
{
	bool found = false;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->nusers && !found; i++) {
		if (strcasecmp(s->users[i].userid, userid))
			continue;
		snprintf(member, size, "%s", s->users[i].member);
		found = true;
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

static void ssi_nss_queue(struct ssi *s, enum ssi_job_kind kind, const char *name,
			  uint64_t checksum, int64_t seq)
{
	struct ssi_job *j = calloc(1, sizeof(*j));

	if (!j) {
		log_warn("ssi: %s not told to the cluster: out of memory", name);
		return;
	}
	j->kind = kind;
	snprintf(j->name, sizeof(j->name), "%s", name);
	j->checksum = checksum;
	j->seq = seq;
	ssi_queue(s, j);
}

void ssi_nss_publish(struct ssi *s, const char *name, uint64_t checksum, int64_t seq)
{
	ssi_nss_queue(s, SSI_JOB_NSS_PUBLISH, name, checksum, seq);
}

void ssi_nss_withdraw(struct ssi *s, const char *name, uint64_t checksum)
{
	ssi_nss_queue(s, SSI_JOB_NSS_WITHDRAW, name, checksum, 0);
}

int ssi_nss_locate(struct ssi *s, const char *name, ssi_nss_fn fn, void *opaque)
{
	struct ssi_job *j = calloc(1, sizeof(*j));
	pthread_t t;

	if (!j)
		return -ENOMEM;
	j->kind = SSI_JOB_NSS_LOCATE;
	j->s = s;
	j->fd = -1;
	snprintf(j->name, sizeof(j->name), "%s", name);
	j->nfn = fn;
	j->opaque = opaque;
	atomic_fetch_add(&s->locating, 1);
	if (pthread_create(&t, NULL, ssi_locate_thread, j)) {
		atomic_fetch_sub(&s->locating, 1);
		free(j);
		return -EAGAIN;
	}
	pthread_detach(t);
	return 0;
}

int ssi_at(struct ssi *s, const char *member, const char *issuer, const char *cmd, ssi_at_fn fn,
	   void *opaque)
{
	struct ssi_job *j;
	pthread_t t;

	if (!s->keylen)
		return -ENOKEY;
	j = calloc(1, sizeof(*j));
	if (!j || asprintf(&j->text, "%s %s", issuer, cmd) < 0) {
		free(j);
		return -ENOMEM;
	}
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->nmembers; i++)
		if (!strcmp(s->members[i].name, member) && s->members[i].received)
			snprintf(j->fetch, sizeof(j->fetch), "%s", s->members[i].fetch);
	pthread_mutex_unlock(&s->lock);
	if (!j->fetch[0]) {
		free(j->text);
		free(j);
		return -EHOSTUNREACH;
	}
	j->kind = SSI_JOB_AT;
	j->s = s;
	j->afn = fn;
	j->opaque = opaque;
	atomic_fetch_add(&s->locating, 1);
	if (pthread_create(&t, NULL, ssi_at_thread, j)) {
		atomic_fetch_sub(&s->locating, 1);
		free(j->text);
		free(j);
		return -EAGAIN;
	}
	pthread_detach(t);
	return 0;
}

/* Joining. */

/* This member's slot: the one it had, or the first free one. */
static int ssi_take_slot(struct ssi *s, char *err, size_t errlen)
{
	struct etcd_kv *kvs;
	size_t n;
	int rc = etcd_list(s->etcd, SSI_PREFIX "slot/", &kvs, &n, err, errlen);

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kvs[i].value, s->name))
			s->slot = atoi(kvs[i].key + strlen(SSI_PREFIX "slot/"));
	etcd_kvs_free(kvs, n);
	for (int k = 1; !s->slot && k <= SSI_MAX_MEMBERS; k++) {
		char key[64];

		snprintf(key, sizeof(key), SSI_PREFIX "slot/%d", k);
		rc = etcd_create(s->etcd, key, s->name, 0, NULL, err, errlen);
		if (!rc)
			s->slot = k;
		else if (rc != -EEXIST)
			return rc;
	}
	if (!s->slot) {
		snprintf(err, errlen, "the cluster has %d members already", SSI_MAX_MEMBERS);
		return -ENOSPC;
	}
	return 0;
}

static void ssi_free(struct ssi *s)
{
	fetch_server_stop(s->server);
	while (atomic_load(&s->locating) > 0)
		usleep(10000); /* each ends within its fetch's timeouts */
	if (s->efd >= 0) {
		evloop_del(s->loop, s->efd);
		close(s->efd);
	}
	etcd_close(s->etcd);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	pthread_cond_destroy(&s->cmd_cond);
	while (s->done) {
		struct ssi_job *j = s->done;

		s->done = j->next;
		if (j->kind == SSI_JOB_NSS_LOCATE && j->fd >= 0)
			close(j->fd);
		free(j->text);
		free(j);
	}
	free(s->users);
	free(s->held);
	free(s->have);
	free(s->spool);
	free(s->urls);
	free(s);
}

static int ssi_init(struct ssi *s, struct evloop *loop, const struct ssi_config *c, char *err,
		    size_t errlen)
{
	s->efd = -1;
	s->loop = loop;
	s->ttl = c->ttl;
	if (c->events)
		s->events = *c->events;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	pthread_cond_init(&s->cmd_cond, NULL);
	s->jobs_tail = &s->jobs;
	s->done_tail = &s->done;
	if (ssi_check_name(c->member)) {
		snprintf(err, errlen, "%s: a member name is 1-8 of A-Z 0-9 @ # $", c->member);
		return -EINVAL;
	}
	if (c->ttl < 2 || c->ttl > 3600) {
		snprintf(err, errlen, "lease TTL %u: 2 to 3600 seconds", c->ttl);
		return -EINVAL;
	}
	snprintf(s->name, sizeof(s->name), "%s", c->member);
	snprintf(s->address, sizeof(s->address), "%s", c->address ? c->address : "");
	ssi_key(s->member_key, sizeof(s->member_key), "member", s->name);
	snprintf(s->user_value, sizeof(s->user_value), "{\"member\":\"%s\"}", s->name);
	if (c->keyfile && fetch_key_load(c->keyfile, s->key, &s->keylen, err, errlen))
		return -EINVAL;
	s->urls = strdup(c->urls);
	s->spool = strdup(c->spool ? c->spool : ".");
	s->etcd = etcd_open(c->urls, err, errlen);
	if (!s->etcd || !s->urls || !s->spool)
		return -EINVAL;
	if (s->keylen) {
		s->server = fetch_server_start(c->fetch ? c->fetch : "127.0.0.1:0", s->spool,
					       s->key, s->keylen, ssi_serve_cmd, s, s->fetch_addr,
					       sizeof(s->fetch_addr), err, errlen);
		if (!s->server)
			return -EINVAL;
	}
	return 0;
}

struct ssi *ssi_join(struct evloop *loop, const struct ssi_config *c, char *err, size_t errlen)
{
	struct ssi *s = calloc(1, sizeof(*s));
	char key[128];

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (ssi_init(s, loop, c, err, errlen) || ssi_take_slot(s, err, errlen) ||
	    ssi_take_lease(s, err, errlen))
		goto fail;
	ssi_key(key, sizeof(key), "down", s->name);
	etcd_delete(s->etcd, key, NULL, 0);
	ssi_refresh(s);
	s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->efd < 0 || evloop_add(loop, s->efd, EPOLLIN, ssi_results, s)) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail_lease;
	}
	if (pthread_create(&s->thread, NULL, ssi_worker, s)) {
		snprintf(err, errlen, "cannot start the SSI thread");
		goto fail_lease;
	}
	s->started = true;
	log_info("ssi: joined as %s, slot %d, lease %llx (%us)", s->name, s->slot,
		 (long long)s->lease, s->ttl);
	return s;
fail_lease:
	etcd_lease_revoke(s->etcd, s->lease, NULL, 0);
fail:
	ssi_free(s);
	return NULL;
}

void ssi_leave(struct ssi *s)
{
	char key[128], err[256];

	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->quit = true;
	pthread_cond_signal(&s->cond);
	pthread_cond_broadcast(&s->cmd_cond);
	pthread_mutex_unlock(&s->lock);
	if (s->started)
		pthread_join(s->thread, NULL);
	ssi_key(key, sizeof(key), "down", s->name);
	if (etcd_put(s->etcd, key, "shut down", 0, err, sizeof(err)) ||
	    etcd_lease_revoke(s->etcd, s->lease, err, sizeof(err)))
		log_warn("ssi: leave: %s", err);
	else
		log_info("ssi: %s left the cluster", s->name);
	ssi_free(s);
}
