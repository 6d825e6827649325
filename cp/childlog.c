// SPDX-License-Identifier: MIT
/* Children's standard error into CP's log (cp/childlog.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp/childlog.h"
#include "cp/user.h"
#include "util/log.h"

struct childlog {
	struct childlog *next;
	int fd;
	size_t len;
	char who[24];
	char line[CHILDLOG_LINE_MAX + 1];
};

static struct childlog *childlogs;

static void childlog_emit(struct childlog *c)
{
	for (size_t i = 0; i < c->len; i++)
		if ((unsigned char)c->line[i] < 0x20 || c->line[i] == 0x7f)
			c->line[i] = '?';
	c->line[c->len] = 0;
	if (c->len)
		log_info("%s: %s", c->who, c->line);
	c->len = 0;
}

static void childlog_take(struct childlog *c, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			childlog_emit(c);
			continue;
		}
		if (c->len < CHILDLOG_LINE_MAX)
			c->line[c->len++] = buf[i];
	}
}

static void childlog_free(struct childlog *c)
{
	struct childlog **p = &childlogs;

	childlog_emit(c);
	while (*p != c)
		p = &(*p)->next;
	*p = c->next;
	evloop_del(cp_sys.loop, c->fd);
	close(c->fd);
	free(c);
}

static void childlog_event(void *opaque, int fd, uint32_t events)
{
	struct childlog *c = opaque;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf)); /* one read a round: fair to the others */

	if (n > 0)
		childlog_take(c, buf, n);
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		childlog_free(c);
}

int childlog_open(const char *who)
{
	struct childlog *c = calloc(1, sizeof(*c));
	int p[2];

	if (!c)
		return -ENOMEM;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(c);
		return -errno;
	}
	fcntl(p[1], F_SETFL, 0); /* the child's end blocks: it waits for CP */
	c->fd = p[0];
	strncpy(c->who, who, sizeof(c->who) - 1);
	if (evloop_add(cp_sys.loop, c->fd, EPOLLIN, childlog_event, c)) {
		close(p[0]);
		close(p[1]);
		free(c);
		return -ENOMEM;
	}
	c->next = childlogs;
	childlogs = c;
	return p[1];
}

void childlog_close_all(void)
{
	while (childlogs) {
		char buf[4096];
		ssize_t n;

		while ((n = read(childlogs->fd, buf, sizeof(buf))) > 0)
			childlog_take(childlogs, buf, n);
		childlog_free(childlogs);
	}
}
