// SPDX-License-Identifier: MIT
/*
 * A user's file area: a host folder whose files are named FN.FT, shown and
 * matched as CMS shows file names (upper case, without regard to case).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rexx/pipe.h"
#include "rexx/rexx.h"

#define LIST_HEADER "FILENAME FILETYPE FM FORMAT      LRECL       RECS     BLOCKS DATE       TIME"

static bool plain_name(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

int rexx_file_find(const char *dir, const char *fn, const char *ft, char *path, size_t len)
{
	char want[512];
	struct dirent *d;
	struct stat st;
	DIR *dp;
	int rc = -ENOENT;

	if (!plain_name(fn) || !plain_name(ft))
		return -ENOENT;
	snprintf(want, sizeof(want), "%s.%s", fn, ft);
	dp = opendir(dir);
	if (!dp)
		return -ENOENT;
	while ((d = readdir(dp))) {
		if (strcasecmp(d->d_name, want))
			continue;
		snprintf(path, len, "%s/%s", dir, d->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			rc = 0;
			break;
		}
	}
	closedir(dp);
	return rc;
}

static bool matches(const char *pattern, const char *s, size_t len)
{
	return !strcmp(pattern, "*") || (strlen(pattern) == len && !strncasecmp(pattern, s, len));
}

static int cmp_names(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Records and longest record of a file, as LISTFILE shows them.  A host
 * file has no CMS file status table to keep them, so they are counted, but
 * only for a file of at most LIST_COUNT_MAX bytes (EXECs, notes) and within
 * a budget per LISTFILE: CP never reads a user's large file in its loop (an
 * 8 GiB sparse file costs a stat).  Other files show "-".  false: not
 * counted.
 */
#define LIST_COUNT_MAX	  (64u << 10)
#define LIST_COUNT_BUDGET (1u << 20)

static bool count_records(int dirfd, const char *name, const struct stat *st, size_t *budget,
			  unsigned long *recs, unsigned long *lrecl)
{
	char buf[4096];
	unsigned long cur = 0;
	struct stat now;
	ssize_t n;
	int fd;

	*recs = *lrecl = 0;
	if (st->st_size > LIST_COUNT_MAX || (size_t)st->st_size > *budget)
		return false;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return false;
	if (fstat(fd, &now) < 0 || !S_ISREG(now.st_mode) || now.st_size > LIST_COUNT_MAX) {
		close(fd);
		return false;
	}
	while (*budget && (n = read(fd, buf, sizeof(buf) < *budget ? sizeof(buf) : *budget)) > 0) {
		*budget -= (size_t)n;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				cur++;
				continue;
			}
			(*recs)++;
			if (cur > *lrecl)
				*lrecl = cur;
			cur = 0;
		}
	}
	close(fd);
	if (cur) {
		(*recs)++;
		if (cur > *lrecl)
			*lrecl = cur;
	}
	return true;
}

static void emit_file(int dirfd, const char *name, size_t *budget,
		      void (*emit)(void *, const char *), void *ctx)
{
	char fn[64], line[256], when[32], lr[16] = "-", rc[16] = "-";
	const char *dot = strchr(name, '.');
	unsigned long recs, lrecl;
	struct stat st;
	struct tm tm;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
		return;
	if (count_records(dirfd, name, &st, budget, &recs, &lrecl)) {
		snprintf(lr, sizeof(lr), "%lu", lrecl);
		snprintf(rc, sizeof(rc), "%lu", recs);
	}
	snprintf(fn, sizeof(fn), "%.*s", (int)(dot ? dot - name : (long)strlen(name)), name);
	for (char *p = fn; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	localtime_r(&st.st_mtime, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(line, sizeof(line), "%-8s %-8.8s A1 V      %10s %10s %10lu %s", fn,
		 dot ? dot + 1 : "", lr, rc, (unsigned long)((st.st_size + 4095) / 4096), when);
	for (char *p = line + 9; *p && p < line + 17; p++)
		*p = (char)toupper((unsigned char)*p);
	emit(ctx, line);
}

int rexx_file_list(const char *dir, const char *fn, const char *ft,
		   void (*emit)(void *ctx, const char *line), void *ctx)
{
	struct pipe_lines names = {0};
	size_t budget = LIST_COUNT_BUDGET;
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return -ENOENT;
	while ((d = readdir(dp))) {
		const char *dot = strchr(d->d_name, '.');
		size_t fnlen = dot ? (size_t)(dot - d->d_name) : strlen(d->d_name);
		const char *type = dot ? dot + 1 : "";

		if (d->d_name[0] == '.')
			continue; /* temporaries and hidden files are no CMS files */
		if (matches(fn, d->d_name, fnlen) && matches(ft, type, strlen(type)))
			pipe_lines_add(&names, d->d_name, strlen(d->d_name));
	}
	if (!names.n) {
		closedir(dp);
		return -ENOENT;
	}
	qsort(names.v, names.n, sizeof(*names.v), cmp_names);
	emit(ctx, LIST_HEADER);
	for (size_t i = 0; i < names.n; i++)
		emit_file(dirfd(dp), names.v[i], &budget, emit, ctx);
	closedir(dp);
	pipe_lines_free(&names);
	return 0;
}
