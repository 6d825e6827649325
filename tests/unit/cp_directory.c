// SPDX-License-Identifier: MIT
/* Unit tests of the directory parser, sizes and passwords (cp/directory.c). */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp/directory.h"
#include "tests/unit/check.h"

static void test_sizes(void)
{
	uint64_t v;
	char buf[16];

	CHECK(dir_parse_size("64M", &v) == 0 && v == 64ULL << 20);
	CHECK(dir_parse_size("1G", &v) == 0 && v == 1ULL << 30);
	CHECK(dir_parse_size("512k", &v) == 0 && v == 512ULL << 10);
	CHECK(dir_parse_size("64", &v) < 0);
	CHECK(dir_parse_size("M", &v) < 0);
	CHECK(dir_parse_size("0M", &v) < 0);
	CHECK(dir_parse_size("64MB", &v) < 0);
	CHECK(dir_parse_size("99999999999G", &v) < 0);
	dir_format_size(64ULL << 20, buf, sizeof(buf));
	CHECK(!strcmp(buf, "64M"));
	dir_format_size(2ULL << 30, buf, sizeof(buf));
	CHECK(!strcmp(buf, "2G"));
	dir_format_size(1536ULL << 10, buf, sizeof(buf));
	CHECK(!strcmp(buf, "1536K"));
}

static char *write_dir(const char *text)
{
	static char path[] = "/tmp/cp_directory_XXXXXX";
	int fd;

	strcpy(path, "/tmp/cp_directory_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	return path;
}

static void test_parse(void)
{
	struct crypt_data cd = {0};
	char text[1024], err[256] = "", *path;
	struct directory *d = NULL;
	struct dir_user *u;
	const char *hash = crypt_r("Secret1", "$6$saltsalt$", &cd);

	CHECK(hash && hash[0] == '$');
	snprintf(text, sizeof(text),
		 "* a comment\n"
		 "USER maint %s 64M 1G abcdeg\n"
		 "  MDISK 200 IMAGE linux.img MR\n"
		 "  NAMESAVE lxshr\n"
		 "  IPL 200 PARM root=/dev/vda ro\n"
		 "  OPTION CPU Interp\n"
		 "\n"
		 "USER LINUX01 plain 32M 64M G\n"
		 "  LINK MAINT 200 0100 RR\n"
		 "  IPL LXSHR\n",
		 hash);
	path = write_dir(text);
	CHECK(dir_load(path, &d, err, sizeof(err)) == 0);
	unlink(path);
	if (!d) {
		fprintf(stderr, "dir_load: %s\n", err);
		failures++;
		return;
	}
	CHECK(d->nusers == 2);
	CHECK(d->plaintext == 1);
	u = dir_find(d, "Maint");
	CHECK(u && !strcmp(u->id, "MAINT"));
	CHECK(u && u->hashed && u->storage == 64ULL << 20 && u->maxstorage == 1ULL << 30);
	CHECK(u && !strcmp(u->classes, "ABCDEG"));
	CHECK(u && u->ndisks == 1 && u->disks[0].vdev == 0x200 && u->disks[0].mode == DIR_MODE_MR &&
	      u->disks[0].path[0] == '/');
	CHECK(u && dir_namesave(u, "LXSHR") && !dir_namesave(u, "OTHER"));
	CHECK(u && u->ipl && !strcmp(u->ipl, "200") && !strcmp(u->ipl_parm, "root=/dev/vda ro"));
	CHECK(u && dir_check_password(u, "Secret1"));
	CHECK(u && !dir_check_password(u, "secret1"));
	CHECK(u && dir_user_has_class(u, "E") && !dir_user_has_class(u, "Z"));
	CHECK(u && !strcmp(u->cpu, "interp"));
	u = dir_find(d, "linux01");
	CHECK(u && !u->hashed && dir_check_password(u, "PLAIN") && !dir_check_password(u, "x"));
	CHECK(u && u->ndisks == 1 && u->disks[0].vdev == 0x100 &&
	      !strcmp(u->disks[0].owner, "MAINT") && u->disks[0].owner_vdev == 0x200 &&
	      u->disks[0].mode == DIR_MODE_RR);
	CHECK(u && !strcmp(u->ipl, "LXSHR") && !u->ipl_parm);
	CHECK(u && dir_user_has_class(u, "G") && !dir_user_has_class(u, "A"));
	CHECK(u && u->cpu[0] == 0);
	CHECK(dir_find(d, "NOBODY") == NULL);
	dir_free(d);
}

static void test_errors(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
	    {"USER A pw 64M 64M G\nIPL 200\nIPL 300\n", ":3: second IPL statement for A"},
	    {"USER A pw 64M 64M G\nNAMESAVE\n", ":2: NAMESAVE needs"},
	    {"USER A pw 64M 64M G!\n", ":1: bad privilege class '!'"},
	    {"USER A pw 64M\n", ":1: USER needs"},
	    {"USER A pw 64M 64M G\nMDISK 12345 IMAGE x R\n", ":2: bad virtual device number"},
	    {"USER A pw 64M 64M G\nOPTION CPU FAST\n", ":2: OPTION CPU needs"},
	    {"USER A pw 64M 64M G\nOPTION CPU\n", ":2: OPTION CPU needs"},
	    {"USER A pw 64M 64M G\nOPTION MAINTCCW\n", ":2: unknown OPTION 'MAINTCCW'"},
	    {"OPTION CPU JIT\n", ":1: OPTION before any USER"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct directory *d = NULL;
		char err[256] = "", *path = write_dir(cases[i].text);

		CHECK(dir_load(path, &d, err, sizeof(err)) < 0 && d == NULL);
		unlink(path);
		if (!strstr(err, cases[i].want)) {
			fprintf(stderr, "case %zu: want '%s', got '%s'\n", i, cases[i].want, err);
			failures++;
		}
	}
}

/* The README's sample directory, trailing "* comments" and all. */
static void test_readme_sample(void)
{
	static const char text[] =
	    "USER MAINT   $6$...crypt-hash...  64M 256M EG    * class E saves systems\n"
	    " MDISK 200 IMAGE build/guest/linux.img RR\n"
	    "USER LINUX01 secret 64M 64M G                    * plaintext works, with a warning\n"
	    " LINK MAINT 200 200 RR\n"
	    " IPL LXSHR                                       * what AUTOLOG starts\n";
	struct directory *d = NULL;
	char err[256] = "", *path = write_dir(text);
	struct dir_user *u;

	CHECK(dir_load(path, &d, err, sizeof(err)) == 0);
	unlink(path);
	if (!d) {
		fprintf(stderr, "README sample: %s\n", err);
		return;
	}
	u = dir_find(d, "LINUX01");
	CHECK(d->nusers == 2 && u && !strcmp(u->classes, "G") && !strcmp(u->password, "secret"));
	CHECK(u && u->ipl && !strcmp(u->ipl, "LXSHR") && !u->ipl_parm && u->ndisks == 1);
	CHECK(!strcmp(dir_find(d, "maint")->classes, "EG"));
	dir_free(d);
}

/* A NUL character is an error at its line, not a line silently skipped. */
static void test_nul(void)
{
	static const char text[] =
	    "USER A pw 64M 64M G\n\0USER B pw 64M 64M G\nUSER C pw 64M 64M G\n";
	struct directory *d = NULL;
	char err[256] = "", path[] = "/tmp/cp_directory_XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0 && write(fd, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1);
	close(fd);
	CHECK(dir_load(path, &d, err, sizeof(err)) < 0 && !d);
	CHECK(strstr(err, ":2: a NUL character in the line") != NULL);
	unlink(path);
}

/* 80,000 users load, each found (a linear load: see the commit's figure). */
static void test_many(void)
{
	enum { N = 80000 };
	size_t cap = (size_t)N * 64, len = 0;
	char *text = malloc(cap), err[256] = "", path[] = "/tmp/cp_directory_XXXXXX", id[16];
	struct directory *d = NULL;
	int fd;

	if (!text)
		return;
	for (int i = 0; i < N; i++)
		len += snprintf(text + len, cap - len, "USER U%05d NOLOG 1M 1M G\n", i);
	fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len);
	close(fd);
	free(text);
	CHECK(dir_load(path, &d, err, sizeof(err)) == 0 && d && d->nusers == N);
	unlink(path);
	for (int i = 0; d && i < N; i += 997) {
		snprintf(id, sizeof(id), "u%05d", i);
		CHECK(dir_find(d, id) == &d->users[i]);
	}
	CHECK(!d || !dir_find(d, "U80000"));
	dir_free(d);
}

int main(void)
{
	test_sizes();
	test_parse();
	test_errors();
	test_readme_sample();
	test_nul();
	test_many();
	return failures ? 1 : 0;
}
