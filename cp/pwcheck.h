/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_PWCHECK_H
#define RVCP_CP_PWCHECK_H
/*
 * Password checks off CP's event loop.  crypt(3) of a costly hash
 * ($6$rounds=2000000, yescrypt with a high cost) takes a second or more;
 * run in the loop, every guess would stall every user.  Checks go to
 * PWCHECK_THREADS worker threads; each answer comes back through an
 * eventfd as a call of the done function, in the loop, with the caller's
 * tag.  The caller keeps no pointer in the request: a terminal that closes
 * while its check runs simply finds no terminal for the tag.
 *
 * A userid that is not in the directory is checked against a dummy hash of
 * the system's preferred method, so its answer takes as long as a real one
 * and timing does not tell which userids exist.  Requests hold copies of
 * the password and the hash, wiped when done; at most PWCHECK_QUEUE wait.
 */
#include <stdbool.h>
#include <stdint.h>

struct evloop;

#define PWCHECK_THREADS 2
#define PWCHECK_QUEUE	1024

typedef void (*pwcheck_done_fn)(uint64_t tag, bool ok);

/* 0, or -errno. */
int pwcheck_init(struct evloop *loop, pwcheck_done_fn done);
/* stored: the directory's password field, or NULL for an unknown userid.
 * 0, or -EAGAIN when the queue is full (the caller answers "try later"). */
int pwcheck_submit(uint64_t tag, const char *stored, bool hashed, const char *password);
/* Checks in the queue or running. */
unsigned pwcheck_pending(void);
/* Stops the workers (waiting for running checks); answers not yet delivered are dropped. */
void pwcheck_shutdown(void);

#endif
