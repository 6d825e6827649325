// SPDX-License-Identifier: MIT
/*
 * A user's file area: a host folder whose files are named FN.FT, shown and
 * matched as CMS shows file names (upper case, without regard to case).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

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

/* Records and longest record of a file, as LISTFILE shows them. */
static void count_records(const char *path, unsigned long *recs, unsigned long *lrecl)
{
	FILE *f = fopen(path, "r");
	unsigned long cur = 0;
	int c;

	*recs = *lrecl = 0;
	if (!f)
		return;
	while ((c = getc(f)) != EOF) {
		if (c != '\n') {
			cur++;
			continue;
		}
		(*recs)++;
		if (cur > *lrecl)
			*lrecl = cur;
		cur = 0;
	}
	if (cur) {
		(*recs)++;
		if (cur > *lrecl)
			*lrecl = cur;
	}
	fclose(f);
}

static void emit_file(const char *dir, const char *name, void (*emit)(void *, const char *),
		      void *ctx)
{
	char path[4096], fn[64], line[256], when[32];
	const char *dot = strchr(name, '.');
	unsigned long recs, lrecl;
	struct stat st;
	struct tm tm;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return;
	count_records(path, &recs, &lrecl);
	snprintf(fn, sizeof(fn), "%.*s", (int)(dot ? dot - name : (long)strlen(name)), name);
	for (char *p = fn; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	localtime_r(&st.st_mtime, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(line, sizeof(line), "%-8s %-8.8s A1 V      %10lu %10lu %10lu %s", fn,
		 dot ? dot + 1 : "", lrecl, recs, (unsigned long)(st.st_size + 4095) / 4096, when);
	for (char *p = line + 9; *p && p < line + 17; p++)
		*p = (char)toupper((unsigned char)*p);
	emit(ctx, line);
}

int rexx_file_list(const char *dir, const char *fn, const char *ft,
		   void (*emit)(void *ctx, const char *line), void *ctx)
{
	struct pipe_lines names = {0};
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
	closedir(dp);
	if (!names.n)
		return -ENOENT;
	qsort(names.v, names.n, sizeof(*names.v), cmp_names);
	emit(ctx, LIST_HEADER);
	for (size_t i = 0; i < names.n; i++)
		emit_file(dir, names.v[i], emit, ctx);
	pipe_lines_free(&names);
	return 0;
}
