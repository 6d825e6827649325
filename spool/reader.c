// SPDX-License-Identifier: MIT
/* A user's virtual reader (spool/reader.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool/reader.h"

static void reader_dir(const char *spool, const char *userid, char *buf, size_t size)
{
	snprintf(buf, size, "%s/reader/%s", spool, userid);
}

void reader_path(const char *spool, const char *userid, int id, const char *type, char *buf,
		 size_t size)
{
	snprintf(buf, size, "%s/reader/%s/%04d.%s", spool, userid, id, type);
}

static int mkdir_p2(const char *spool, const char *userid)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/reader", spool);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	reader_dir(spool, userid, path, sizeof(path));
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* The highest id in the folder (0: none); leftover .tmp files removed. */
static int reader_scan(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int max = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *end;
		long id = strtol(e->d_name, &end, 10);

		if (end != e->d_name + 4 || *end != '.' || id < 1 || id > 9999)
			continue;
		if (!strcmp(end, ".tmp")) {
			unlinkat(dirfd(d), e->d_name, 0);
			continue;
		}
		if (id > max)
			max = (int)id;
	}
	closedir(d);
	return max;
}

int reader_open_tmp(const char *spool, const char *userid, int *id, int *fd)
{
	char dir[4096], path[4200];
	int ret = mkdir_p2(spool, userid);

	if (ret)
		return ret;
	reader_dir(spool, userid, dir, sizeof(dir));
	*id = reader_scan(dir) % 9999 + 1;
	reader_path(spool, userid, *id, "tmp", path, sizeof(path));
	*fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	return *fd < 0 ? -errno : 0;
}

int reader_publish(const char *spool, const char *userid, int id, const char *type)
{
	char from[4200], to[4200], dir[4096];
	int dfd, ret = 0;

	reader_path(spool, userid, id, "tmp", from, sizeof(from));
	reader_path(spool, userid, id, type, to, sizeof(to));
	/* Never over an older file of the same id (ids wrap after 9999). */
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) < 0)
		return -errno;
	reader_dir(spool, userid, dir, sizeof(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		ret = -errno;
	if (dfd >= 0)
		close(dfd);
	return ret;
}

void reader_discard(const char *spool, const char *userid, int id)
{
	char path[4200];

	reader_path(spool, userid, id, "tmp", path, sizeof(path));
	unlink(path);
}
