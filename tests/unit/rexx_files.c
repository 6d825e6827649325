// SPDX-License-Identifier: MIT
/* The user's file area: finding an EXEC without regard to case, LISTFILE. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rexx/pipe.h"
#include "rexx/rexx.h"
#include "tests/unit/check.h"

static char dir[256];

static void put(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void collect(void *ctx, const char *line)
{
	pipe_lines_add(ctx, line, strlen(line));
}

int main(void)
{
	const char *t = getenv("TMPDIR");
	struct pipe_lines out = {0};
	char path[512], want[512];

	snprintf(dir, sizeof(dir), "%s/rexx_files.XXXXXX", t ? t : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	put("SAVELX.EXEC", "/* SAVELX EXEC */\nsay 'hi'\n");
	put("hello.exec", "say 'hello'\n");
	put("notes.text", "one line, no newline");
	put(".SAVELX.EXEC.tmp", "half written");
	snprintf(path, sizeof(path), "%s/sub.exec", dir);
	mkdir(path, 0700);

	/* Names match without regard to case; the path is the file's real name. */
	CHECK(rexx_file_find(dir, "savelx", "exec", path, sizeof(path)) == 0);
	snprintf(want, sizeof(want), "%s/SAVELX.EXEC", dir);
	CHECK(!strcmp(path, want));
	CHECK(rexx_file_find(dir, "HELLO", "EXEC", path, sizeof(path)) == 0);
	snprintf(want, sizeof(want), "%s/hello.exec", dir);
	CHECK(!strcmp(path, want));
	CHECK(rexx_file_find(dir, "nosuch", "exec", path, sizeof(path)) == -ENOENT);
	CHECK(rexx_file_find(dir, "sub", "exec", path, sizeof(path)) == -ENOENT); /* a folder */
	CHECK(rexx_file_find(dir, "../x", "exec", path, sizeof(path)) == -ENOENT);
	CHECK(rexx_file_find("/nonexistent/dir", "a", "exec", path, sizeof(path)) == -ENOENT);

	/* LISTFILE: a header, then the files sorted, names in upper case. */
	CHECK(rexx_file_list(dir, "*", "*", collect, &out) == 0);
	CHECK(out.n == 4);
	if (out.n == 4) {
		CHECK(!strncmp(out.v[0], "FILENAME FILETYPE FM FORMAT      LRECL", 38));
		CHECK(!strncmp(out.v[1], "HELLO    EXEC     A1 V ", 23));
		CHECK(!strncmp(out.v[2], "NOTES    TEXT     A1 V ", 23));
		CHECK(!strncmp(out.v[3], "SAVELX   EXEC     A1 V ", 23));
		/* LRECL 17, 2 records, 1 block */
		CHECK(strstr(out.v[3], "         17          2          1 ") != NULL);
		CHECK(strstr(out.v[2], "         20          1          1 ") != NULL);
	}
	for (size_t i = 0; failures && i < out.n; i++)
		fprintf(stderr, "%s\n", out.v[i]);
	pipe_lines_free(&out);
	CHECK(rexx_file_list(dir, "*", "exec", collect, &out) == 0);
	CHECK(out.n == 3);
	pipe_lines_free(&out);
	CHECK(rexx_file_list(dir, "savelx", "*", collect, &out) == 0);
	CHECK(out.n == 2);
	pipe_lines_free(&out);
	CHECK(rexx_file_list(dir, "nosuch", "*", collect, &out) == -ENOENT);
	CHECK(out.n == 0);

	/*
	 * A huge sparse file: LISTFILE shows it from its stat data, without
	 * reading it (CP's loop would stall for the 8 GiB of zeros); a FIFO and
	 * a symbolic link to a host file are no CMS files.
	 */
	snprintf(path, sizeof(path), "%s/huge.data", dir);
	int big = open(path, O_CREAT | O_WRONLY, 0600);

	CHECK(big >= 0 && ftruncate(big, 8ll << 30) == 0);
	close(big);
	snprintf(path, sizeof(path), "%s/pipe.data", dir);
	CHECK(mkfifo(path, 0600) == 0);
	snprintf(path, sizeof(path), "%s/link.data", dir);
	CHECK(symlink("/etc/passwd", path) == 0);
	CHECK(rexx_file_list(dir, "*", "data", collect, &out) == 0);
	CHECK(out.n == 2);
	const char *huge = "HUGE     DATA     A1 V               -          -    2097152 ";

	if (out.n == 2)
		CHECK(!strncmp(out.v[1], huge, strlen(huge)));
	for (size_t i = 0; failures && i < out.n; i++)
		fprintf(stderr, "%s\n", out.v[i]);
	pipe_lines_free(&out);

	if (failures)
		fprintf(stderr, "rexx_files: %d failures\n", failures);
	/* best-effort cleanup */
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path))
		return 1;
	return failures != 0;
}
