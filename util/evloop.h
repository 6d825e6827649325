/* SPDX-License-Identifier: MIT */
#ifndef RVCP_EVLOOP_H
#define RVCP_EVLOOP_H
/*
 * A small epoll event loop: descriptors with a callback, one-shot timers.
 * Callbacks may add and remove descriptors and timers (also their own);
 * a removed registration is freed only after the current batch of events,
 * so a later event of the same batch never reaches freed memory.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

struct evloop;
struct ev_timer;

/* events: EPOLLIN/EPOLLOUT/EPOLLHUP/EPOLLERR as epoll reported them. */
typedef void (*ev_fd_fn)(void *opaque, int fd, uint32_t events);
typedef void (*ev_timer_fn)(void *opaque);

struct evloop *evloop_create(void);
void evloop_destroy(struct evloop *l);
/* Watch fd for events (EPOLLIN, EPOLLOUT); 0 or -errno. */
int evloop_add(struct evloop *l, int fd, uint32_t events, ev_fd_fn fn, void *opaque);
int evloop_mod(struct evloop *l, int fd, uint32_t events);
/* Stop watching fd (the caller closes it). */
void evloop_del(struct evloop *l, int fd);
/* Call fn once after ms milliseconds; the handle is valid until it fires or is cancelled. */
struct ev_timer *evloop_timer(struct evloop *l, uint64_t ms, ev_timer_fn fn, void *opaque);
void evloop_timer_cancel(struct evloop *l, struct ev_timer *t);
/* Runs until evloop_quit(); 0, or -errno if epoll fails. */
int evloop_run(struct evloop *l);
void evloop_quit(struct evloop *l);
/* CLOCK_MONOTONIC in milliseconds. */
uint64_t evloop_now_ms(void);

#endif
