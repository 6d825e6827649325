// SPDX-License-Identifier: MIT
/* Saved-system files between members, authenticated (ssi/fetch.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool/spool.h"
#include "ssi/fetch.h"
#include "util/errbuf.h"
#include "util/log.h"

#define FETCH_MAGIC	"RVCPFETCH1"
#define FETCH_CMD_MAGIC "RVCPCMD1"
#define FETCH_CHUNK	(256u << 10)

struct fetch_server {
	fetch_cmd_fn cmd;
	void *cmd_opaque;
	int lfd;
	int dirfd;
	int stop_pipe[2];
	unsigned char key[FETCH_KEY_MAX];
	size_t keylen;
	pthread_t thread;
	atomic_int nconn;
};

int fetch_key_load(const char *path, unsigned char *key, size_t *keylen, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errbuf_set(err, errlen, -errno, "%s: %s", path, strerror(errno));
	n = read(fd, key, FETCH_KEY_MAX);
	close(fd);
	if (n < 0)
		return errbuf_set(err, errlen, -errno, "%s: %s", path, strerror(errno));
	while (n > 0 && (key[n - 1] == '\n' || key[n - 1] == '\r'))
		n--;
	if (n < FETCH_KEY_MIN)
		return errbuf_set(err, errlen, -EINVAL, "%s: a key of %d bytes at least", path,
				  FETCH_KEY_MIN);
	*keylen = (size_t)n;
	return 0;
}

static void fetch_hex(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

/* HMAC-SHA256 (OpenSSL's EVP_MAC): begun with the key, NULL if OpenSSL fails. */
static EVP_MAC_CTX *fetch_mac_new(const unsigned char *key, size_t keylen)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
	    OSSL_PARAM_construct_end(),
	};

	EVP_MAC_free(mac); /* the context keeps its own reference */
	if (c && !EVP_MAC_init(c, key, keylen, params)) {
		EVP_MAC_CTX_free(c);
		c = NULL;
	}
	return c;
}

/* The 32 bytes of the MAC; false if OpenSSL fails.  Frees c. */
static bool fetch_mac_end(EVP_MAC_CTX *c, unsigned char out[32])
{
	size_t len = 0;
	bool ok = c && EVP_MAC_final(c, out, &len, 32) && len == 32;

	EVP_MAC_CTX_free(c);
	return ok;
}

/* HMAC-SHA256 of the request: "req" checksum nonce, as hex ("" on failure). */
static void fetch_req_mac(const unsigned char *key, size_t keylen, const char *sum,
			  const char *nonce, char out[65])
{
	EVP_MAC_CTX *c = fetch_mac_new(key, keylen);
	unsigned char mac[32];
	char msg[128];

	snprintf(msg, sizeof(msg), "req %s %s", sum, nonce);
	out[0] = 0;
	if (!c)
		return;
	if (!EVP_MAC_update(c, (unsigned char *)msg, strlen(msg))) {
		EVP_MAC_CTX_free(c);
		return;
	}
	if (fetch_mac_end(c, mac))
		fetch_hex(mac, sizeof(mac), out);
}

/* The data trailer's MAC, begun: "data" nonce size. */
static EVP_MAC_CTX *fetch_data_mac(const unsigned char *key, size_t keylen, const char *nonce,
				   uint64_t size)
{
	EVP_MAC_CTX *c = fetch_mac_new(key, keylen);
	char msg[128];

	snprintf(msg, sizeof(msg), "data %s %" PRIu64 " ", nonce, size);
	if (c && !EVP_MAC_update(c, (unsigned char *)msg, strlen(msg))) {
		EVP_MAC_CTX_free(c);
		c = NULL;
	}
	return c;
}

static int fetch_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fetch_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One line (up to size-1 bytes, without '\n'), byte by byte: it is short. */
static int fetch_read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;

	while (n + 1 < size) {
		char c;
		int rc = fetch_read_all(fd, &c, 1);

		if (rc)
			return rc;
		if (c == '\n') {
			buf[n] = 0;
			return 0;
		}
		buf[n++] = c;
	}
	return -E2BIG;
}

static void fetch_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = FETCH_TIMEOUT_S};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Server side: the file after "OK size\n", then the trailer. */
static int fetch_send_file(struct fetch_server *s, int cfd, int fd, const char *nonce)
{
	unsigned char *buf = malloc(FETCH_CHUNK), mac[32];
	struct stat st;
	EVP_MAC_CTX *h = NULL;
	char line[64];
	uint64_t off = 0;
	int rc = -ENOMEM;

	if (!buf || fstat(fd, &st) < 0)
		goto out;
	h = fetch_data_mac(s->key, s->keylen, nonce, (uint64_t)st.st_size);
	if (!h)
		goto out;
	snprintf(line, sizeof(line), "OK %" PRIu64 "\n", (uint64_t)st.st_size);
	rc = fetch_write_all(cfd, line, strlen(line));
	while (!rc && off < (uint64_t)st.st_size) {
		ssize_t n = pread(fd, buf, FETCH_CHUNK, (off_t)off);

		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			break;
		}
		if (!EVP_MAC_update(h, buf, (size_t)n))
			rc = -EIO;
		else
			rc = fetch_write_all(cfd, buf, (size_t)n);
		off += (uint64_t)n;
	}
	if (!rc) {
		rc = fetch_mac_end(h, mac) ? fetch_write_all(cfd, mac, sizeof(mac)) : -EIO;
		h = NULL;
	}
out:
	EVP_MAC_CTX_free(h);
	free(buf);
	return rc;
}

/* "RVCPFETCH1 sum nonce mac": checked; the checksum and nonce. */
static bool fetch_parse_req(struct fetch_server *s, const char *line, uint64_t *sum, char nonce[33])
{
	char magic[16], hsum[17], hnonce[33], hmac[65], want[65];
	char *end;

	if (sscanf(line, "%15s %16s %32s %64s", magic, hsum, hnonce, hmac) != 4 ||
	    strcmp(magic, FETCH_MAGIC) || strlen(hsum) != 16 || strlen(hnonce) != 32 ||
	    strlen(hmac) != 64)
		return false;
	fetch_req_mac(s->key, s->keylen, hsum, hnonce, want);
	if (strlen(want) != 64 || CRYPTO_memcmp(want, hmac, 64))
		return false;
	*sum = strtoull(hsum, &end, 16);
	if (*end)
		return false;
	memcpy(nonce, hnonce, 33);
	return true;
}

/* HMAC-SHA256 of head then data, into out; false if OpenSSL fails. */
static bool fetch_mac2(const unsigned char *key, size_t keylen, const char *head, const void *data,
		       size_t len, unsigned char out[32])
{
	EVP_MAC_CTX *c = fetch_mac_new(key, keylen);

	if (!c)
		return false;
	if (!EVP_MAC_update(c, (const unsigned char *)head, strlen(head)) ||
	    !EVP_MAC_update(c, data, len)) {
		EVP_MAC_CTX_free(c);
		return false;
	}
	return fetch_mac_end(c, out);
}

/*
 * "RVCPCMD1 nonce len mac\n" payload: a command for CP here.  The answer:
 * "OK len\n" lines, then HMAC(key, "data" nonce len lines).
 */
static void fetch_serve_cmd(struct fetch_server *s, int fd, const char *line)
{
	char magic[16], nonce[33], hmac[65], head[96], *payload = NULL, *out = NULL;
	unsigned char want[32], got[32];
	unsigned len;
	size_t olen;

	if (sscanf(line, "%15s %32s %u %64s", magic, nonce, &len, hmac) != 4 ||
	    strlen(nonce) != 32 || strlen(hmac) != 64 || len > FETCH_CMD_MAX || !s->cmd)
		goto refused;
	payload = calloc(1, len + 1);
	if (!payload || fetch_read_all(fd, payload, len))
		goto out;
	for (int i = 0; i < 32; i++)
		if (sscanf(hmac + 2 * i, "%2hhx", &got[i]) != 1)
			goto refused;
	snprintf(head, sizeof(head), "cmd %s %u ", nonce, len);
	if (!fetch_mac2(s->key, s->keylen, head, payload, len, want) ||
	    CRYPTO_memcmp(want, got, 32))
		goto refused;
	out = s->cmd(s->cmd_opaque, payload);
	olen = out ? strlen(out) : 0;
	snprintf(head, sizeof(head), "data %s %zu ", nonce, olen);
	if (fetch_mac2(s->key, s->keylen, head, out ? out : "", olen, want)) {
		char ok[32];

		snprintf(ok, sizeof(ok), "OK %zu\n", olen);
		if (!fetch_write_all(fd, ok, strlen(ok)) && !fetch_write_all(fd, out, olen))
			fetch_write_all(fd, want, 32);
	}
	goto out;
refused:
	log_warn("ssi fetch: a request without the cluster's key refused");
out:
	free(payload);
	free(out);
}

struct fetch_conn {
	struct fetch_server *s;
	int fd;
};

static void *fetch_serve(void *opaque)
{
	struct fetch_conn *c = opaque;
	char line[256], nonce[33];
	uint64_t sum;
	int fd;

	fetch_timeouts(c->fd);
	if (fetch_read_line(c->fd, line, sizeof(line)))
		goto out;
	if (!strncmp(line, FETCH_CMD_MAGIC " ", strlen(FETCH_CMD_MAGIC) + 1)) {
		fetch_serve_cmd(c->s, c->fd, line);
		goto out;
	}
	if (!fetch_parse_req(c->s, line, &sum, nonce)) {
		log_warn("ssi fetch: a request without the cluster's key refused");
		goto out;
	}
	fd = spool_find_checksum(c->s->dirfd, sum, NULL);
	if (fd < 0) {
		fetch_write_all(c->fd, "NO\n", 3);
		goto out;
	}
	if (fetch_send_file(c->s, c->fd, fd, nonce))
		log_warn("ssi fetch: sending %016" PRIx64 " failed", sum);
	else
		log_info("ssi fetch: sent saved system %016" PRIx64, sum);
	close(fd);
out:
	close(c->fd);
	atomic_fetch_sub(&c->s->nconn, 1);
	free(c);
	return NULL;
}

static void *fetch_accept_loop(void *opaque)
{
	struct fetch_server *s = opaque;
	struct pollfd p[2] = {{.fd = s->lfd, .events = POLLIN},
			      {.fd = s->stop_pipe[0], .events = POLLIN}};

	for (;;) {
		struct fetch_conn *c;
		pthread_t t;
		int cfd;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		cfd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;
		c = malloc(sizeof(*c));
		if (!c || atomic_fetch_add(&s->nconn, 1) >= FETCH_MAX_CONN) {
			if (c)
				atomic_fetch_sub(&s->nconn, 1);
			free(c);
			close(cfd);
			continue;
		}
		c->s = s;
		c->fd = cfd;
		if (pthread_create(&t, NULL, fetch_serve, c)) {
			atomic_fetch_sub(&s->nconn, 1);
			close(cfd);
			free(c);
			continue;
		}
		pthread_detach(t);
	}
	return NULL;
}

/* "host:port" into an address. */
static int fetch_addr(const char *hostport, struct addrinfo **ai, bool passive)
{
	char host[128];
	const char *colon = strrchr(hostport, ':');
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = passive ? AI_PASSIVE : 0};

	if (!colon || (size_t)(colon - hostport) >= sizeof(host))
		return -EINVAL;
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = 0;
	return getaddrinfo(host, colon + 1, &hints, ai) ? -EINVAL : 0;
}

struct fetch_server *fetch_server_start(const char *hostport, const char *spooldir,
					const unsigned char *key, size_t keylen, fetch_cmd_fn cmd,
					void *cmd_opaque, char *bound, size_t boundlen, char *err,
					size_t errlen)
{
	struct fetch_server *s = calloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct addrinfo *ai = NULL;
	char host[64] = "?";
	int one = 1;

	if (!s || keylen > FETCH_KEY_MAX)
		goto fail;
	s->lfd = s->dirfd = s->stop_pipe[0] = s->stop_pipe[1] = -1;
	memcpy(s->key, key, keylen);
	s->keylen = keylen;
	s->cmd = cmd;
	s->cmd_opaque = cmd_opaque;
	if (fetch_addr(hostport, &ai, true)) {
		errbuf_set(err, errlen, -EINVAL, "%s: not host:port", hostport);
		goto fail;
	}
	s->lfd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s->lfd < 0 || bind(s->lfd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(s->lfd, 16) < 0 ||
	    getsockname(s->lfd, (struct sockaddr *)&ss, &sl) < 0) {
		errbuf_set(err, errlen, -errno, "%s: %s", hostport, strerror(errno));
		goto fail;
	}
	getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), NULL, 0, NI_NUMERICHOST);
	snprintf(bound, boundlen, "%s:%u", host,
		 ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						: ((struct sockaddr_in *)&ss)->sin_port));
	s->dirfd = open(spooldir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0 || pipe2(s->stop_pipe, O_CLOEXEC) < 0) {
		errbuf_set(err, errlen, -errno, "%s: %s", spooldir, strerror(errno));
		goto fail;
	}
	if (pthread_create(&s->thread, NULL, fetch_accept_loop, s)) {
		errbuf_set(err, errlen, -EAGAIN, "cannot start the fetch thread");
		goto fail;
	}
	freeaddrinfo(ai);
	return s;
fail:
	if (err && !err[0])
		errbuf_set(err, errlen, -ENOMEM, "out of memory");
	if (ai)
		freeaddrinfo(ai);
	if (s) {
		s->thread = 0;
		fetch_server_stop(s);
	}
	return NULL;
}

void fetch_server_stop(struct fetch_server *s)
{
	if (!s)
		return;
	if (s->thread) {
		if (write(s->stop_pipe[1], "x", 1) < 0)
			log_warn("ssi fetch: stop: %s", strerror(errno));
		pthread_join(s->thread, NULL);
	}
	/* Connections still served hold s: wait for them (each times out). */
	while (atomic_load(&s->nconn) > 0)
		usleep(10000);
	int fds[] = {s->lfd, s->dirfd, s->stop_pipe[0], s->stop_pipe[1]};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(s);
}

static int fetch_connect(const char *hostport, char *err, size_t errlen)
{
	struct addrinfo *ai;
	int fd;

	if (fetch_addr(hostport, &ai, false))
		return errbuf_set(err, errlen, -EINVAL, "%s: not host:port", hostport);
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		fetch_timeouts(fd);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			errbuf_set(err, errlen, -errno, "%s: %s", hostport, strerror(errno));
			close(fd);
			fd = -ECONNREFUSED;
		}
	}
	freeaddrinfo(ai);
	return fd;
}

/* Client side: size bytes into outfd, then the trailer checked. */
static int fetch_recv_file(int fd, int outfd, const unsigned char *key, size_t keylen,
			   const char *nonce, uint64_t size, char *err, size_t errlen)
{
	unsigned char *buf = malloc(FETCH_CHUNK), mac[32], got[32];
	EVP_MAC_CTX *h = fetch_data_mac(key, keylen, nonce, size);
	uint64_t off = 0;
	int rc = buf && h ? 0 : -ENOMEM;

	while (!rc && off < size) {
		size_t want = size - off < FETCH_CHUNK ? (size_t)(size - off) : FETCH_CHUNK;

		rc = fetch_read_all(fd, buf, want);
		if (!rc) {
			rc = EVP_MAC_update(h, buf, want) ? 0 : -EIO;
			if (!rc)
				rc = pwrite(outfd, buf, want, (off_t)off) == (ssize_t)want ? 0
											   : -EIO;
			off += want;
		}
	}
	if (!rc)
		rc = fetch_read_all(fd, got, sizeof(got));
	if (!rc) {
		bool ok = fetch_mac_end(h, mac);

		h = NULL;
		if (!ok || CRYPTO_memcmp(mac, got, sizeof(mac)))
			rc = errbuf_set(err, errlen, -EBADMSG,
					"the answer is not signed with the key");
	} else if (err && !err[0]) {
		errbuf_set(err, errlen, rc, "transfer: %s", strerror(-rc));
	}
	EVP_MAC_CTX_free(h);
	free(buf);
	return rc;
}

int fetch_file(const char *hostport, const unsigned char *key, size_t keylen, uint64_t checksum,
	       int outfd, char *err, size_t errlen)
{
	unsigned char rnd[16];
	char nonce[33], sum[17], mac[65], line[256];
	unsigned long long size;
	int fd, rc;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return errbuf_set(err, errlen, -EIO, "no random bytes for a nonce");
	fetch_hex(rnd, sizeof(rnd), nonce);
	snprintf(sum, sizeof(sum), "%016" PRIx64, checksum);
	fetch_req_mac(key, keylen, sum, nonce, mac);
	fd = fetch_connect(hostport, err, errlen);
	if (fd < 0)
		return fd;
	snprintf(line, sizeof(line), FETCH_MAGIC " %s %s %s\n", sum, nonce, mac);
	rc = fetch_write_all(fd, line, strlen(line));
	if (!rc)
		rc = fetch_read_line(fd, line, sizeof(line));
	if (rc) {
		errbuf_set(err, errlen, rc, "%s: no answer (%s)", hostport, strerror(-rc));
	} else if (!strcmp(line, "NO")) {
		rc = errbuf_set(err, errlen, -ENOENT, "%s does not have it", hostport);
	} else if (sscanf(line, "OK %llu", &size) != 1 || size > (1ull << 40)) {
		rc = errbuf_set(err, errlen, -EBADMSG, "%s: a strange answer", hostport);
	} else {
		rc = fetch_recv_file(fd, outfd, key, keylen, nonce, size, err, errlen);
		if (!rc && ftruncate(outfd, (off_t)size) < 0)
			rc = -errno;
	}
	close(fd);
	return rc;
}

int fetch_command(const char *hostport, const unsigned char *key, size_t keylen,
		  const char *payload, char **out, char *err, size_t errlen)
{
	size_t len = strlen(payload);
	unsigned char rnd[16], mac[32], got[32];
	char nonce[33], hmac[65], head[96], line[256];
	unsigned long long olen;
	int fd, rc;

	*out = NULL;
	if (len > FETCH_CMD_MAX)
		return errbuf_set(err, errlen, -E2BIG, "command too long");
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return errbuf_set(err, errlen, -EIO, "no random bytes for a nonce");
	fetch_hex(rnd, sizeof(rnd), nonce);
	snprintf(head, sizeof(head), "cmd %s %zu ", nonce, len);
	if (!fetch_mac2(key, keylen, head, payload, len, mac))
		return errbuf_set(err, errlen, -EIO, "HMAC failed");
	fetch_hex(mac, sizeof(mac), hmac);
	fd = fetch_connect(hostport, err, errlen);
	if (fd < 0)
		return fd;
	snprintf(line, sizeof(line), FETCH_CMD_MAGIC " %s %zu %s\n", nonce, len, hmac);
	rc = fetch_write_all(fd, line, strlen(line));
	if (!rc)
		rc = fetch_write_all(fd, payload, len);
	if (!rc)
		rc = fetch_read_line(fd, line, sizeof(line));
	if (rc) {
		errbuf_set(err, errlen, rc, "%s: no answer", hostport);
	} else if (sscanf(line, "OK %llu", &olen) != 1 || olen > FETCH_OUT_MAX) {
		rc = errbuf_set(err, errlen, -EBADMSG, "%s: a strange answer", hostport);
	} else {
		*out = calloc(1, olen + 1);
		rc = *out ? fetch_read_all(fd, *out, olen) : -ENOMEM;
		if (!rc)
			rc = fetch_read_all(fd, got, sizeof(got));
		snprintf(head, sizeof(head), "data %s %llu ", nonce, olen);
		if (!rc && (!fetch_mac2(key, keylen, head, *out, olen, mac) ||
			    CRYPTO_memcmp(mac, got, sizeof(mac))))
			rc = errbuf_set(err, errlen, -EBADMSG,
					"the answer is not signed with the key");
		else if (rc)
			errbuf_set(err, errlen, rc, "%s: answer cut short", hostport);
		if (rc) {
			free(*out);
			*out = NULL;
		}
	}
	close(fd);
	return rc;
}
