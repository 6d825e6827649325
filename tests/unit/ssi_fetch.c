// SPDX-License-Identifier: MIT
/*
 * ssi/fetch.c, both ends in one process: a file of the spool folder is
 * served by its header checksum to a client with the key, refused to one
 * with another key (and the client keeps nothing), an unknown checksum is
 * answered NO; a command goes to the server's handler and its answer comes
 * back; a key file too short is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "spool/spool.h"
#include "ssi/fetch.h"

static const unsigned char key[] = "0123456789abcdef-the-cluster-key";
static const unsigned char bad[] = "0123456789abcdef-another-key!!!!";

static char *echo_cmd(void *opaque, const char *payload)
{
	char *out = malloc(strlen(payload) + 8);

	if (out)
		sprintf(out, "ran %s\nok", payload);
	return out;
}

/* A saved system (DEFSYS, then a save of zero pages): its header checksum. */
static uint64_t make_file(const char *dir)
{
	struct spool sp = {0};
	struct defsys d = {.name = "TESTSYS", .nranges = 1, .parm_lo = -1, .parm_hi = -1};
	struct spool_file *f = NULL;
	struct spool_disk disks[1] = {{0}};
	struct spool_save sv;
	uint64_t sum = 0;

	d.r[0].first = 0;
	d.r[0].last = 0xff;
	d.r[0].type = SPOOL_EW;
	CHECK(spool_load(&sp, dir) == 0);
	CHECK(spool_defsys(&sp, &d, "MAINT", &f) == 0 && f);
	CHECK(spool_save_begin(&sp, "TESTSYS", 1 << 20, disks, 0, 64, 0, &sv) == 0);
	CHECK(spool_save_commit(&sp, &sv, &f) == 0 && f);
	if (f)
		sum = f->meta.hdr.checksum;
	spool_close(&sp);
	return sum;
}

static void test_key_file(const char *dir)
{
	char path[512], err[256];
	unsigned char k[FETCH_KEY_MAX];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/short.key", dir);
	f = fopen(path, "w");
	fputs("short\n", f);
	fclose(f);
	CHECK(fetch_key_load(path, k, &len, err, sizeof(err)) == -EINVAL);
	CHECK(fetch_key_load("/nonexistent/key", k, &len, err, sizeof(err)) == -ENOENT);
}

int main(void)
{
	char dir[] = "/tmp/ssi_fetch.XXXXXX", addr[64], err[256], cmd[600], *out = NULL;
	struct fetch_server *s;
	struct stat st;
	uint64_t sum;
	int fd;

	if (!mkdtemp(dir))
		return 1;
	sum = make_file(dir);
	s = fetch_server_start("127.0.0.1:0", dir, key, sizeof(key) - 1, echo_cmd, NULL, addr,
			       sizeof(addr), err, sizeof(err));
	CHECK(s);
	if (!s)
		return 1;
	fd = open(dir, O_TMPFILE | O_RDWR, 0600);
	CHECK(fd >= 0);
	CHECK(fetch_file(addr, key, sizeof(key) - 1, sum, fd, err, sizeof(err)) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size > 0);
	{
		struct spool_meta m = {0};

		CHECK(spool_meta_read(fd, &m, err, sizeof(err)) == 0 && m.hdr.checksum == sum);
		spool_meta_free(&m);
	}
	close(fd);
	/* the wrong key: refused, nothing kept */
	fd = open(dir, O_TMPFILE | O_RDWR, 0600);
	CHECK(fetch_file(addr, bad, sizeof(bad) - 1, sum, fd, err, sizeof(err)) < 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 0);
	/* a checksum nobody has */
	CHECK(fetch_file(addr, key, sizeof(key) - 1, sum ^ 1, fd, err, sizeof(err)) == -ENOENT);
	close(fd);
	/* commands */
	CHECK(fetch_command(addr, key, sizeof(key) - 1, "ALICE QUERY NAMES", &out, err,
			    sizeof(err)) == 0);
	CHECK(out && !strcmp(out, "ran ALICE QUERY NAMES\nok"));
	free(out);
	CHECK(fetch_command(addr, bad, sizeof(bad) - 1, "ALICE FORCE BOB", &out, err,
			    sizeof(err)) < 0 && !out);
	memset(cmd, 'x', sizeof(cmd) - 1);
	cmd[sizeof(cmd) - 1] = 0;
	CHECK(fetch_command(addr, key, sizeof(key) - 1, cmd, &out, err, sizeof(err)) == 0);
	free(out);
	fetch_server_stop(s);
	test_key_file(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	return failures != 0;
}
