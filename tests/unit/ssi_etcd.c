// SPDX-License-Identifier: MIT
/*
 * ssi/etcd.c against a real etcd (Debian's etcd-server, one node on
 * loopback ports of this run; skipped without it): create is atomic and
 * says who holds the key, delete_if deletes only its own value, a key under
 * a lease goes with it, an expired lease is told apart (-ESTALE), a dead
 * first endpoint is passed over, prefix lists are whole and sorted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "ssi/etcd.h"
#include "ssi/ssi.h"

static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &len);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static pid_t start_etcd(const char *dir, int cport, int pport)
{
	char c[64], p[64], cluster[96], data[512];
	pid_t pid;

	snprintf(c, sizeof(c), "http://127.0.0.1:%d", cport);
	snprintf(p, sizeof(p), "http://127.0.0.1:%d", pport);
	snprintf(cluster, sizeof(cluster), "u=%s", p);
	snprintf(data, sizeof(data), "%s/data", dir);
	pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execlp("etcd", "etcd", "--name", "u", "--data-dir", data, "--listen-client-urls", c,
		       "--advertise-client-urls", c, "--listen-peer-urls", p,
		       "--initial-advertise-peer-urls", p, "--initial-cluster", cluster,
		       (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void test_names(void)
{
	CHECK(ssi_check_name("M1") == 0);
	CHECK(ssi_check_name("SYS$01#@") == 0);
	CHECK(ssi_check_name("") == -EINVAL);
	CHECK(ssi_check_name("TOOLONGNM") == -EINVAL);
	CHECK(ssi_check_name("m1") == -EINVAL);
	CHECK(ssi_check_name("A/B") == -EINVAL);
}

static void test_open(void)
{
	char err[256] = "";

	CHECK(!etcd_open("", err, sizeof(err)));
	CHECK(!etcd_open("ftp://x", err, sizeof(err)) && strstr(err, "not an http"));
	CHECK(!etcd_open("http://a,http://b,http://c,http://d,http://e,http://f,http://g,"
			 "http://h,http://i",
			 err, sizeof(err)));
}

static void test_kv(struct etcd *e)
{
	char err[256], *v = NULL;
	struct etcd_kv *kvs;
	size_t n;

	CHECK(etcd_put(e, "/t/b", "2", 0, err, sizeof(err)) == 0);
	CHECK(etcd_put(e, "/t/a", "1", 0, err, sizeof(err)) == 0);
	CHECK(etcd_put(e, "/u/x", "9", 0, err, sizeof(err)) == 0);
	CHECK(etcd_get(e, "/t/a", &v, err, sizeof(err)) == 0 && v && !strcmp(v, "1"));
	free(v);
	CHECK(etcd_get(e, "/t/none", &v, err, sizeof(err)) == -ENOENT && !v);
	CHECK(etcd_list(e, "/t/", &kvs, &n, err, sizeof(err)) == 0);
	CHECK(n == 2 && !strcmp(kvs[0].key, "/t/a") && !strcmp(kvs[1].value, "2"));
	etcd_kvs_free(kvs, n);
	/* create: once; the second is told the holder */
	CHECK(etcd_create(e, "/t/c", "{\"member\":\"M1\"}", 0, &v, err, sizeof(err)) == 0 && !v);
	CHECK(etcd_create(e, "/t/c", "{\"member\":\"M2\"}", 0, &v, err, sizeof(err)) == -EEXIST);
	CHECK(v && !strcmp(v, "{\"member\":\"M1\"}"));
	free(v);
	/* delete_if: not somebody else's */
	CHECK(etcd_delete_if(e, "/t/c", "{\"member\":\"M2\"}", err, sizeof(err)) == -ENOENT);
	CHECK(etcd_delete_if(e, "/t/c", "{\"member\":\"M1\"}", err, sizeof(err)) == 0);
	CHECK(etcd_get(e, "/t/c", &v, err, sizeof(err)) == -ENOENT);
	CHECK(etcd_delete(e, "/t/a", err, sizeof(err)) == 0);
	CHECK(etcd_get(e, "/t/a", &v, err, sizeof(err)) == -ENOENT);
}

static void test_lease(struct etcd *e)
{
	char err[256], *v = NULL;
	int64_t id = 0;

	CHECK(etcd_lease_grant(e, 2, &id, err, sizeof(err)) == 0 && id);
	CHECK(etcd_create(e, "/l/k", "x", id, NULL, err, sizeof(err)) == 0);
	CHECK(etcd_lease_keepalive(e, id, err, sizeof(err)) == 0);
	CHECK(etcd_lease_revoke(e, id, err, sizeof(err)) == 0);
	CHECK(etcd_get(e, "/l/k", &v, err, sizeof(err)) == -ENOENT);
	CHECK(etcd_lease_keepalive(e, id, err, sizeof(err)) == -ESTALE);
	CHECK(etcd_put(e, "/l/k", "x", id, err, sizeof(err)) == -ESTALE);
}

int main(void)
{
	char dir[] = "/tmp/ssi_etcd.XXXXXX", urls[128], err[256];
	int cport = free_port(), pport = free_port();
	struct etcd *e;
	pid_t pid;

	test_names();
	test_open();
	if (system("command -v etcd >/dev/null 2>&1")) {
		printf("etcd is not installed (Debian's etcd-server)\n");
		return failures ? 1 : 77;
	}
	if (!mkdtemp(dir))
		return 1;
	pid = start_etcd(dir, cport, pport);
	/* The first endpoint is dead (nothing listens): passed over every time. */
	snprintf(urls, sizeof(urls), "http://127.0.0.1:%d,http://127.0.0.1:%d", free_port(), cport);
	e = etcd_open(urls, err, sizeof(err));
	CHECK(e);
	for (int i = 0; e && i < 600 && etcd_put(e, "/probe", "", 0, err, sizeof(err)); i++)
		usleep(100000);
	if (e) {
		test_kv(e);
		test_lease(e);
		etcd_close(e);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	snprintf(urls, sizeof(urls), "rm -rf %s", dir);
	CHECK(system(urls) == 0);
	return failures != 0;
}
