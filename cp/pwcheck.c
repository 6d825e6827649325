// SPDX-License-Identifier: MIT
/*
 * crypt(3) in worker threads (cp/pwcheck.h).  One mutex guards the queue of
 * requests and the list of answers; the loop learns of answers by an
 * eventfd and calls the done function outside the lock.
 */
#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "cp/directory.h"
#include "cp/pwcheck.h"
#include "util/evloop.h"
#include "util/log.h"

struct pw_req {
	uint64_t tag;
	char *stored; /* NULL: an unknown userid, checked against the dummy */
	bool hashed;
	char *password;
	bool ok;
	struct pw_req *next;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pw_req *queue, **queue_tail; /* waiting, oldest first */
	struct pw_req *answers;		    /* done, not yet delivered */
	unsigned outstanding;		    /* queued + running + answered */
	bool stop;
	int efd;
	pthread_t threads[PWCHECK_THREADS];
	int nthreads;
	struct evloop *loop;
	pwcheck_done_fn done;
	char dummy[CRYPT_OUTPUT_SIZE];
} pw = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER, .efd = -1};

static void req_free(struct pw_req *r)
{
	if (r->stored)
		explicit_bzero(r->stored, strlen(r->stored));
	explicit_bzero(r->password, strlen(r->password));
	free(r->stored);
	free(r->password);
	free(r);
}

static bool req_check(const struct pw_req *r, struct crypt_data *cd)
{
	if (!r->stored) {
		if (pw.dummy[0])
			crypt_r(r->password, pw.dummy, cd);
		return false;
	}
	return dir_password_matches(r->stored, r->hashed, r->password, cd);
}

static struct pw_req *next_request(void)
{
	struct pw_req *r;

	pthread_mutex_lock(&pw.lock);
	while (!pw.queue && !pw.stop)
		pthread_cond_wait(&pw.cond, &pw.lock);
	r = pw.queue;
	if (r) {
		pw.queue = r->next;
		if (!pw.queue)
			pw.queue_tail = &pw.queue;
	}
	pthread_mutex_unlock(&pw.lock);
	return r;
}

static void answer(struct pw_req *r)
{
	uint64_t one = 1;

	pthread_mutex_lock(&pw.lock);
	r->next = pw.answers;
	pw.answers = r;
	pthread_mutex_unlock(&pw.lock);
	if (write(pw.efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("password check: eventfd: %s", strerror(errno));
}

static void *worker(void *arg)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	struct pw_req *r;

	if (!cd)
		return NULL;
	while ((r = next_request())) {
		r->ok = req_check(r, cd);
		answer(r);
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return arg;
}

static void deliver(void *opaque, int fd, uint32_t events)
{
	struct pw_req *list, *r;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&pw.lock);
	list = pw.answers;
	pw.answers = NULL;
	pthread_mutex_unlock(&pw.lock);
	while ((r = list)) {
		list = r->next;
		pw.done(r->tag, r->ok);
		pthread_mutex_lock(&pw.lock);
		pw.outstanding--;
		pthread_mutex_unlock(&pw.lock);
		req_free(r);
	}
}

/* The dummy: a hash of the preferred method, made once. */
static void make_dummy(void)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *h;

	if (!cd)
		return;
	if (crypt_gensalt_rn(NULL, 0, NULL, 0, salt, sizeof(salt))) {
		h = crypt_r("rvcp", salt, cd);
		if (h && h[0] != '*')
			strncpy(pw.dummy, h, sizeof(pw.dummy) - 1);
	}
	free(cd);
}

int pwcheck_init(struct evloop *loop, pwcheck_done_fn done)
{
	int rc;

	pw.loop = loop;
	pw.done = done;
	pw.queue_tail = &pw.queue;
	pw.stop = false;
	make_dummy();
	pw.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (pw.efd < 0)
		return -errno;
	rc = evloop_add(loop, pw.efd, EPOLLIN, deliver, NULL);
	if (rc)
		return rc;
	for (; pw.nthreads < PWCHECK_THREADS; pw.nthreads++) {
		rc = pthread_create(&pw.threads[pw.nthreads], NULL, worker, NULL);
		if (rc)
			return -rc;
	}
	return 0;
}

int pwcheck_submit(uint64_t tag, const char *stored, bool hashed, const char *password)
{
	struct pw_req *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->tag = tag;
	r->hashed = hashed;
	r->stored = stored ? strdup(stored) : NULL;
	r->password = strdup(password);
	if ((stored && !r->stored) || !r->password) {
		free(r->stored);
		free(r->password);
		free(r);
		return -ENOMEM;
	}
	pthread_mutex_lock(&pw.lock);
	if (pw.outstanding >= PWCHECK_QUEUE || !pw.nthreads) {
		pthread_mutex_unlock(&pw.lock);
		req_free(r);
		return -EAGAIN;
	}
	pw.outstanding++;
	*pw.queue_tail = r;
	pw.queue_tail = &r->next;
	pthread_cond_signal(&pw.cond);
	pthread_mutex_unlock(&pw.lock);
	return 0;
}

unsigned pwcheck_pending(void)
{
	unsigned n;

	pthread_mutex_lock(&pw.lock);
	n = pw.outstanding;
	pthread_mutex_unlock(&pw.lock);
	return n;
}

static void free_list(struct pw_req *r)
{
	while (r) {
		struct pw_req *next = r->next;

		req_free(r);
		r = next;
	}
}

void pwcheck_shutdown(void)
{
	pthread_mutex_lock(&pw.lock);
	pw.stop = true;
	pthread_cond_broadcast(&pw.cond);
	pthread_mutex_unlock(&pw.lock);
	while (pw.nthreads > 0)
		pthread_join(pw.threads[--pw.nthreads], NULL);
	free_list(pw.queue);
	free_list(pw.answers);
	pw.queue = pw.answers = NULL;
	pw.queue_tail = &pw.queue;
	pw.outstanding = 0;
	if (pw.efd >= 0) {
		evloop_del(pw.loop, pw.efd);
		close(pw.efd);
	}
	pw.efd = -1;
}
