// SPDX-License-Identifier: MIT
/* Unit tests of CP's event loop (util/evloop.c): fd callbacks, removal of a
 * watch by an earlier callback of the same batch, timers in order, cancel. */
#include <stdio.h>
#include <unistd.h>

#include "util/evloop.h"
#include "tests/unit/check.h"

static struct evloop *loop;
static int pa[2], pb[2];
static int calls_a, calls_b;
static char order[8];
static int norder;

/* Whichever of the two runs first removes the other: the other must not run. */
static void on_a(void *opaque, int fd, uint32_t events)
{
	char c;

	calls_a++;
	if (read(fd, &c, 1) != 1)
		failures++;
	evloop_del(loop, pb[0]);
	evloop_del(loop, pa[0]);
}

static void on_b(void *opaque, int fd, uint32_t events)
{
	char c;

	calls_b++;
	if (read(fd, &c, 1) != 1)
		failures++;
	evloop_del(loop, pa[0]);
	evloop_del(loop, pb[0]);
}

static void on_timer(void *opaque)
{
	order[norder++] = *(const char *)opaque;
	if (*(const char *)opaque == 'z')
		evloop_quit(loop);
}

int main(void)
{
	struct ev_timer *t;
	uint64_t t0;

	loop = evloop_create();
	CHECK(loop);
	if (!loop || pipe(pa) || pipe(pb))
		return 1;
	CHECK(evloop_add(loop, pa[0], EPOLLIN, on_a, NULL) == 0);
	CHECK(evloop_add(loop, pb[0], EPOLLIN, on_b, NULL) == 0);
	CHECK(evloop_mod(loop, 12345, EPOLLIN) < 0);
	if (write(pa[1], "x", 1) != 1 || write(pb[1], "y", 1) != 1)
		return 1;
	/* Timers fire in due order, not in creation order; a cancelled one never. */
	evloop_timer(loop, 30, on_timer, "c");
	evloop_timer(loop, 10, on_timer, "a");
	t = evloop_timer(loop, 20, on_timer, "X");
	evloop_timer(loop, 20, on_timer, "b");
	evloop_timer(loop, 40, on_timer, "z");
	evloop_timer_cancel(loop, t);
	t0 = evloop_now_ms();
	CHECK(evloop_run(loop) == 0);
	CHECK(evloop_now_ms() - t0 >= 40);
	CHECK(calls_a + calls_b == 1);
	order[norder] = 0;
	CHECK(norder == 4 && order[0] == 'a' && order[1] == 'b' && order[2] == 'c' &&
	      order[3] == 'z');
	evloop_destroy(loop);
	close(pa[0]);
	close(pa[1]);
	close(pb[0]);
	close(pb[1]);
	return failures ? 1 : 0;
}
