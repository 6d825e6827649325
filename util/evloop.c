// SPDX-License-Identifier: MIT
/* The event loop of CP (util/evloop.h). */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "util/evloop.h"

struct ev_watch {
	int fd;
	bool dead;
	ev_fd_fn fn;
	void *opaque;
	struct ev_watch *next;
};

struct ev_timer {
	uint64_t due;
	ev_timer_fn fn;
	void *opaque;
	struct ev_timer *next;
};

struct evloop {
	int epfd;
	bool quit;
	struct ev_watch *watches;   /* live ones */
	struct ev_watch *graveyard; /* removed during a batch, freed after it */
	struct ev_timer *timers;    /* sorted by due */
};

uint64_t evloop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct evloop *evloop_create(void)
{
	struct evloop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	return l;
}

static void evloop_bury(struct evloop *l)
{
	while (l->graveyard) {
		struct ev_watch *w = l->graveyard;

		l->graveyard = w->next;
		free(w);
	}
}

void evloop_destroy(struct evloop *l)
{
	if (!l)
		return;
	while (l->watches) {
		struct ev_watch *w = l->watches;

		l->watches = w->next;
		free(w);
	}
	evloop_bury(l);
	while (l->timers) {
		struct ev_timer *t = l->timers;

		l->timers = t->next;
		free(t);
	}
	close(l->epfd);
	free(l);
}

static struct ev_watch *evloop_find(struct evloop *l, int fd)
{
	for (struct ev_watch *w = l->watches; w; w = w->next)
		if (w->fd == fd)
			return w;
	return NULL;
}

int evloop_add(struct evloop *l, int fd, uint32_t events, ev_fd_fn fn, void *opaque)
{
	struct ev_watch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = {.events = events};

	if (!w)
		return -ENOMEM;
	w->fd = fd;
	w->fn = fn;
	w->opaque = opaque;
	ev.data.ptr = w;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = -errno;

		free(w);
		return err;
	}
	w->next = l->watches;
	l->watches = w;
	return 0;
}

int evloop_mod(struct evloop *l, int fd, uint32_t events)
{
	struct ev_watch *w = evloop_find(l, fd);
	struct epoll_event ev = {.events = events};

	if (!w)
		return -ENOENT;
	ev.data.ptr = w;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void evloop_del(struct evloop *l, int fd)
{
	struct ev_watch **pp;

	for (pp = &l->watches; *pp; pp = &(*pp)->next) {
		struct ev_watch *w = *pp;

		if (w->fd != fd)
			continue;
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
		*pp = w->next;
		w->dead = true;
		w->next = l->graveyard;
		l->graveyard = w;
		return;
	}
}

struct ev_timer *evloop_timer(struct evloop *l, uint64_t ms, ev_timer_fn fn, void *opaque)
{
	struct ev_timer *t = calloc(1, sizeof(*t)), **pp;

	if (!t)
		return NULL;
	t->due = evloop_now_ms() + ms;
	t->fn = fn;
	t->opaque = opaque;
	for (pp = &l->timers; *pp && (*pp)->due <= t->due; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	return t;
}

void evloop_timer_cancel(struct evloop *l, struct ev_timer *t)
{
	for (struct ev_timer **pp = &l->timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			free(t);
			return;
		}
	}
}

static int evloop_timeout(struct evloop *l)
{
	uint64_t now;

	if (!l->timers)
		return -1;
	now = evloop_now_ms();
	if (l->timers->due <= now)
		return 0;
	return l->timers->due - now > 60000 ? 60000 : (int)(l->timers->due - now);
}

static void evloop_fire_timers(struct evloop *l)
{
	uint64_t now = evloop_now_ms();

	while (l->timers && l->timers->due <= now && !l->quit) {
		struct ev_timer *t = l->timers;

		l->timers = t->next;
		t->fn(t->opaque);
		free(t);
	}
}

int evloop_run(struct evloop *l)
{
	struct epoll_event evs[32];

	while (!l->quit) {
		int n = epoll_wait(l->epfd, evs, 32, evloop_timeout(l));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n && !l->quit; i++) {
			struct ev_watch *w = evs[i].data.ptr;

			if (!w->dead)
				w->fn(w->opaque, w->fd, evs[i].events);
		}
		evloop_bury(l);
		evloop_fire_timers(l);
	}
	return 0;
}

void evloop_quit(struct evloop *l)
{
	l->quit = true;
}
