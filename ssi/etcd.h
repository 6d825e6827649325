/* SPDX-License-Identifier: MIT */
#ifndef RVCP_SSI_ETCD_H
#define RVCP_SSI_ETCD_H
/*
 * A small client of etcd's v3 API through its gRPC gateway (HTTP/JSON:
 * POST /v3/kv/range, /v3/kv/put, /v3/kv/txn, /v3/kv/deleterange,
 * /v3/lease/grant, /v3/lease/keepalive, /v3/lease/revoke), keys and values
 * base64 in the JSON, as etcd 3.4 (Debian bookworm's) serves it.  libcurl
 * carries the requests, json-c reads and writes the bodies.
 *
 * Every call blocks (bounded: ETCD_TIMEOUT_MS a request), so only the SSI
 * worker thread (ssi/ssi.c) calls it, never CP's loop.  One struct etcd is
 * used by one thread at a time.  It knows every endpoint given; a request
 * that cannot reach one (refused, timed out, a 5xx) is tried on the next,
 * so a cluster that lost one node of three keeps serving.
 *
 * Returns: 0, -ENOENT (no such key), -EEXIST (a create found the key),
 * -ESTALE (the lease is gone), -EIO (no endpoint answered or the answer
 * made no sense); err says which.
 */
#include <stddef.h>
#include <stdint.h>

#define ETCD_TIMEOUT_MS 3000

struct etcd;

struct etcd_kv {
	char *key;
	char *value; /* NUL-terminated (values are text: JSON) */
	size_t len;
	int64_t lease;
};

/* urls: "http://host:port[,http://host:port...]". */
struct etcd *etcd_open(const char *urls, char *err, size_t errlen);
void etcd_close(struct etcd *e);

int etcd_lease_grant(struct etcd *e, int ttl, int64_t *id, char *err, size_t errlen);
/* -ESTALE when the lease has expired. */
int etcd_lease_keepalive(struct etcd *e, int64_t id, char *err, size_t errlen);
int etcd_lease_revoke(struct etcd *e, int64_t id, char *err, size_t errlen);

/* lease 0: none. */
int etcd_put(struct etcd *e, const char *key, const char *value, int64_t lease, char *err,
	     size_t errlen);
/* *value malloc'ed; -ENOENT when absent. */
int etcd_get(struct etcd *e, const char *key, char **value, char *err, size_t errlen);
/* Every key beginning with prefix, sorted by key; free with etcd_kvs_free. */
int etcd_list(struct etcd *e, const char *prefix, struct etcd_kv **kvs, size_t *n, char *err,
	      size_t errlen);
void etcd_kvs_free(struct etcd_kv *kvs, size_t n);
int etcd_delete(struct etcd *e, const char *key, char *err, size_t errlen);
/*
 * Atomically: put key=value (under lease) if the key does not exist
 * (create_revision == 0); otherwise -EEXIST and *existing (malloc'ed, if
 * existing is not NULL) is its value.
 */
int etcd_create(struct etcd *e, const char *key, const char *value, int64_t lease, char **existing,
		char *err, size_t errlen);
/* Atomically: delete key if its value is still `value`; -ENOENT otherwise. */
int etcd_delete_if(struct etcd *e, const char *key, const char *value, char *err, size_t errlen);

#endif
