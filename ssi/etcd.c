// SPDX-License-Identifier: MIT
/* etcd's v3 gRPC gateway over HTTP/JSON (ssi/etcd.h). */
#include <curl/curl.h>
#include <errno.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssi/etcd.h"
#include "util/errbuf.h"

#define ETCD_MAX_URLS 8
#define ETCD_BODY_MAX (64u << 20) /* an answer larger than this is refused */

struct etcd {
	CURL *curl;
	char *urls[ETCD_MAX_URLS];
	int nurls;
	int cur; /* the endpoint that answered last */
};

struct etcd_buf {
	char *p;
	size_t len;
	bool too_big;
};

static size_t etcd_write(char *data, size_t size, size_t n, void *opaque)
{
	struct etcd_buf *b = opaque;
	size_t add = size * n;
	char *np;

	if (b->len + add > ETCD_BODY_MAX) {
		b->too_big = true;
		return 0;
	}
	np = realloc(b->p, b->len + add + 1);
	if (!np)
		return 0;
	memcpy(np + b->len, data, add);
	b->p = np;
	b->len += add;
	b->p[b->len] = 0;
	return add;
}

struct etcd *etcd_open(const char *urls, char *err, size_t errlen)
{
	struct etcd *e = calloc(1, sizeof(*e));
	char *copy = strdup(urls), *save = NULL;

	if (!e || !copy)
		goto fail;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (e->nurls == ETCD_MAX_URLS) {
			errbuf_set(err, errlen, -EINVAL, "more than %d etcd endpoints",
				   ETCD_MAX_URLS);
			goto fail;
		}
		if (strncmp(tok, "http://", 7) && strncmp(tok, "https://", 8)) {
			errbuf_set(err, errlen, -EINVAL, "%s: not an http:// URL", tok);
			goto fail;
		}
		e->urls[e->nurls] = strdup(tok);
		if (!e->urls[e->nurls++])
			goto fail;
	}
	if (!e->nurls) {
		errbuf_set(err, errlen, -EINVAL, "no etcd endpoint");
		goto fail;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	e->curl = curl_easy_init();
	if (!e->curl)
		goto fail;
	free(copy);
	return e;
fail:
	if (err && !err[0])
		errbuf_set(err, errlen, -ENOMEM, "out of memory");
	free(copy);
	etcd_close(e);
	return NULL;
}

void etcd_close(struct etcd *e)
{
	if (!e)
		return;
	if (e->curl)
		curl_easy_cleanup(e->curl);
	for (int i = 0; i < e->nurls; i++)
		free(e->urls[i]);
	free(e);
}

/* One POST to one endpoint: 0 and the HTTP status, or -EIO (not reached). */
static int etcd_post1(struct etcd *e, const char *url, const char *path, const char *body,
		      struct etcd_buf *out, long *status, char *err, size_t errlen)
{
	char full[512];
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	CURLcode cc;

	snprintf(full, sizeof(full), "%s%s", url, path);
	curl_easy_reset(e->curl);
	curl_easy_setopt(e->curl, CURLOPT_URL, full);
	curl_easy_setopt(e->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e->curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(e->curl, CURLOPT_WRITEFUNCTION, etcd_write);
	curl_easy_setopt(e->curl, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS, (long)ETCD_TIMEOUT_MS);
	curl_easy_setopt(e->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)ETCD_TIMEOUT_MS / 3);
	curl_easy_setopt(e->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	cc = curl_easy_perform(e->curl);
	curl_slist_free_all(hdr);
	if (cc != CURLE_OK)
		return errbuf_set(err, errlen, -EIO, "etcd %s: %s", url, curl_easy_strerror(cc));
	curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

/*
 * POST body to path on the endpoints, the last good one first; the parsed
 * answer, or NULL (err says why).  An answer with "error" is given back
 * as it is: the caller tells its kinds apart.
 */
static json_object *etcd_call(struct etcd *e, const char *path, json_object *req, char *err,
			      size_t errlen)
{
	const char *body = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	json_object *ans = NULL;

	for (int i = 0; i < e->nurls && !ans; i++) {
		int k = (e->cur + i) % e->nurls;
		struct etcd_buf out = {0};
		long status = 0;

		if (etcd_post1(e, e->urls[k], path, body, &out, &status, err, errlen)) {
			free(out.p);
			continue;
		}
		if (status >= 500 && status != 503 && !out.p) {
			errbuf_set(err, errlen, -EIO, "etcd %s: HTTP %ld", e->urls[k], status);
			continue;
		}
		ans = out.p ? json_tokener_parse(out.p) : NULL;
		if (!ans || !json_object_is_type(ans, json_type_object)) {
			errbuf_set(err, errlen, -EIO, "etcd %s: HTTP %ld, no JSON answer",
				   e->urls[k], status);
			json_object_put(ans);
			ans = NULL;
		} else if (status == 503) {
			/* a node without a leader (lost its quorum): try another */
			errbuf_set(err, errlen, -EIO, "etcd %s: unavailable", e->urls[k]);
			json_object_put(ans);
			ans = NULL;
		} else {
			e->cur = k;
		}
		free(out.p);
	}
	json_object_put(req);
	return ans;
}

/* The answer's "error", if any: -ESTALE for a lost lease, -EIO otherwise. */
static int etcd_error(json_object *ans, char *err, size_t errlen)
{
	json_object *v;
	const char *msg;

	if (!json_object_object_get_ex(ans, "error", &v) &&
	    !json_object_object_get_ex(ans, "message", &v))
		return 0;
	msg = json_object_get_string(v);
	if (msg && strstr(msg, "lease not found"))
		return errbuf_set(err, errlen, -ESTALE, "etcd: %s", msg);
	return errbuf_set(err, errlen, -EIO, "etcd: %s", msg ? msg : "error");
}

static json_object *etcd_b64(const void *data, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);
	json_object *o;

	if (!out)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	o = json_object_new_string(out);
	free(out);
	return o;
}

/* base64 text to a malloc'ed NUL-terminated string; NULL if malformed. */
static char *etcd_unb64(const char *in, size_t *outlen)
{
	size_t n = strlen(in);
	char *out;
	int len;

	if (n % 4)
		return NULL;
	out = malloc(n / 4 * 3 + 1);
	if (!out)
		return NULL;
	len = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)in, (int)n);
	if (len < 0) {
		free(out);
		return NULL;
	}
	if (n && in[n - 1] == '=')
		len--;
	if (n > 1 && in[n - 2] == '=')
		len--;
	out[len] = 0;
	if (outlen)
		*outlen = (size_t)len;
	return out;
}

static void etcd_add_str(json_object *o, const char *name, const char *s)
{
	json_object_object_add(o, name, etcd_b64(s, strlen(s)));
}

static void etcd_add_i64(json_object *o, const char *name, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	json_object_object_add(o, name, json_object_new_string(buf));
}

static int64_t etcd_get_i64(json_object *o, const char *name)
{
	json_object *v;

	if (!json_object_object_get_ex(o, name, &v))
		return 0;
	return json_object_get_int64(v); /* json-c parses numeric strings too */
}

int etcd_lease_grant(struct etcd *e, int ttl, int64_t *id, char *err, size_t errlen)
{
	json_object *req = json_object_new_object(), *ans;
	int rc;

	json_object_object_add(req, "TTL", json_object_new_int(ttl));
	ans = etcd_call(e, "/v3/lease/grant", req, err, errlen);
	if (!ans)
		return -EIO;
	rc = etcd_error(ans, err, errlen);
	if (!rc) {
		*id = etcd_get_i64(ans, "ID");
		if (!*id)
			rc = errbuf_set(err, errlen, -EIO, "etcd: lease grant without an ID");
	}
	json_object_put(ans);
	return rc;
}

int etcd_lease_keepalive(struct etcd *e, int64_t id, char *err, size_t errlen)
{
	json_object *req = json_object_new_object(), *ans, *res;
	int rc;

	etcd_add_i64(req, "ID", id);
	ans = etcd_call(e, "/v3/lease/keepalive", req, err, errlen);
	if (!ans)
		return -EIO;
	rc = etcd_error(ans, err, errlen);
	if (!rc && !json_object_object_get_ex(ans, "result", &res))
		rc = errbuf_set(err, errlen, -EIO, "etcd: keepalive without a result");
	/* An expired lease is answered without a TTL. */
	if (!rc && etcd_get_i64(res, "TTL") <= 0)
		rc = errbuf_set(err, errlen, -ESTALE, "etcd: lease %llx expired", (long long)id);
	json_object_put(ans);
	return rc;
}

int etcd_lease_revoke(struct etcd *e, int64_t id, char *err, size_t errlen)
{
	json_object *req = json_object_new_object(), *ans;
	int rc;

	etcd_add_i64(req, "ID", id);
	ans = etcd_call(e, "/v3/lease/revoke", req, err, errlen);
	if (!ans)
		return -EIO;
	rc = etcd_error(ans, err, errlen);
	json_object_put(ans);
	return rc;
}

static json_object *etcd_put_req(const char *key, const char *value, int64_t lease)
{
	json_object *req = json_object_new_object();

	etcd_add_str(req, "key", key);
	etcd_add_str(req, "value", value);
	if (lease)
		etcd_add_i64(req, "lease", lease);
	return req;
}

int etcd_put(struct etcd *e, const char *key, const char *value, int64_t lease, char *err,
	     size_t errlen)
{
	json_object *ans = etcd_call(e, "/v3/kv/put", etcd_put_req(key, value, lease), err, errlen);
	int rc;

	if (!ans)
		return -EIO;
	rc = etcd_error(ans, err, errlen);
	json_object_put(ans);
	return rc;
}

/* kvs[] of a range answer. */
static int etcd_kvs_of(json_object *ans, struct etcd_kv **kvs, size_t *n)
{
	json_object *arr;
	size_t len;

	*kvs = NULL;
	*n = 0;
	if (!json_object_object_get_ex(ans, "kvs", &arr))
		return 0;
	len = json_object_array_length(arr);
	*kvs = calloc(len ? len : 1, sizeof(**kvs));
	if (!*kvs)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		json_object *kv = json_object_array_get_idx(arr, i), *k, *v;
		struct etcd_kv *out = &(*kvs)[*n];

		if (!json_object_object_get_ex(kv, "key", &k))
			continue;
		out->key = etcd_unb64(json_object_get_string(k), NULL);
		out->value = json_object_object_get_ex(kv, "value", &v)
				 ? etcd_unb64(json_object_get_string(v), &out->len)
				 : strdup("");
		out->lease = etcd_get_i64(kv, "lease");
		if (!out->key || !out->value) {
			free(out->key);
			free(out->value);
			continue;
		}
		(*n)++;
	}
	return 0;
}

void etcd_kvs_free(struct etcd_kv *kvs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kvs[i].key);
		free(kvs[i].value);
	}
	free(kvs);
}

static json_object *etcd_range_req(const char *key, bool prefix)
{
	json_object *req = json_object_new_object();

	etcd_add_str(req, "key", key);
	if (prefix) {
		size_t n = strlen(key);
		char *end = strdup(key);

		if (end && n) {
			end[n - 1]++; /* keys are text: the last byte is never 0xff */
			etcd_add_str(req, "range_end", end);
		}
		free(end);
	}
	return req;
}

int etcd_list(struct etcd *e, const char *prefix, struct etcd_kv **kvs, size_t *n, char *err,
	      size_t errlen)
{
	json_object *ans = etcd_call(e, "/v3/kv/range", etcd_range_req(prefix, true), err, errlen);
	int rc;

	*kvs = NULL;
	*n = 0;
	if (!ans)
		return -EIO;
	rc = etcd_error(ans, err, errlen);
	if (!rc)
		rc = etcd_kvs_of(ans, kvs, n);
	json_object_put(ans);
	return rc;
}

int etcd_get(struct etcd *e, const char *key, char **value, char *err, size_t errlen)
{
	json_object *ans = etcd_call(e, "/v3/kv/range", etcd_range_req(key, false), err, errlen);
	struct etcd_kv *kvs;
	size_t n;
	int rc;

	*value = NULL;
	if (!ans)
		return -EIO;
	rc = etcd_error(ans, err, errlen);
	if (!rc)
		rc = etcd_kvs_of(ans, &kvs, &n);
	json_object_put(ans);
	if (rc)
		return rc;
	if (n) {
		*value = kvs[0].value;
		kvs[0].value = NULL;
	}
	etcd_kvs_free(kvs, n);
	return *value ? 0 : -ENOENT;
}

int etcd_delete(struct etcd *e, const char *key, char *err, size_t errlen)
{
	json_object *ans =
	    etcd_call(e, "/v3/kv/deleterange", etcd_range_req(key, false), err, errlen);
	int rc;

	if (!ans)
		return -EIO;
	rc = etcd_error(ans, err, errlen);
	json_object_put(ans);
	return rc;
}

/* A txn's "succeeded" (absent when false). */
static bool etcd_succeeded(json_object *ans)
{
	json_object *v;

	return json_object_object_get_ex(ans, "succeeded", &v) && json_object_get_boolean(v);
}

int etcd_create(struct etcd *e, const char *key, const char *value, int64_t lease, char **existing,
		char *err, size_t errlen)
{
	json_object *req = json_object_new_object(), *cmp = json_object_new_object();
	json_object *cmps = json_object_new_array(), *ok = json_object_new_array();
	json_object *fail = json_object_new_array(), *op, *ans, *resps;
	int rc;

	if (existing)
		*existing = NULL;
	etcd_add_str(cmp, "key", key);
	json_object_object_add(cmp, "result", json_object_new_string("EQUAL"));
	json_object_object_add(cmp, "target", json_object_new_string("CREATE"));
	json_object_object_add(cmp, "create_revision", json_object_new_string("0"));
	json_object_array_add(cmps, cmp);
	op = json_object_new_object();
	json_object_object_add(op, "request_put", etcd_put_req(key, value, lease));
	json_object_array_add(ok, op);
	op = json_object_new_object();
	json_object_object_add(op, "request_range", etcd_range_req(key, false));
	json_object_array_add(fail, op);
	json_object_object_add(req, "compare", cmps);
	json_object_object_add(req, "success", ok);
	json_object_object_add(req, "failure", fail);
	ans = etcd_call(e, "/v3/kv/txn", req, err, errlen);
	if (!ans)
		return -EIO;
	rc = etcd_error(ans, err, errlen);
	if (!rc && !etcd_succeeded(ans)) {
		rc = -EEXIST;
		if (existing && json_object_object_get_ex(ans, "responses", &resps) &&
		    json_object_array_length(resps) == 1) {
			json_object *r = json_object_array_get_idx(resps, 0), *rr;
			struct etcd_kv *kvs;
			size_t n;

			if (json_object_object_get_ex(r, "response_range", &rr) &&
			    !etcd_kvs_of(rr, &kvs, &n)) {
				if (n) {
					*existing = kvs[0].value;
					kvs[0].value = NULL;
				}
				etcd_kvs_free(kvs, n);
			}
		}
	}
	json_object_put(ans);
	return rc;
}

int etcd_delete_if(struct etcd *e, const char *key, const char *value, char *err, size_t errlen)
{
	json_object *req = json_object_new_object(), *cmp = json_object_new_object();
	json_object *cmps = json_object_new_array(), *ok = json_object_new_array(), *op, *ans;
	int rc;

	etcd_add_str(cmp, "key", key);
	json_object_object_add(cmp, "result", json_object_new_string("EQUAL"));
	json_object_object_add(cmp, "target", json_object_new_string("VALUE"));
	etcd_add_str(cmp, "value", value);
	json_object_array_add(cmps, cmp);
	op = json_object_new_object();
	json_object_object_add(op, "request_delete_range", etcd_range_req(key, false));
	json_object_array_add(ok, op);
	json_object_object_add(req, "compare", cmps);
	json_object_object_add(req, "success", ok);
	ans = etcd_call(e, "/v3/kv/txn", req, err, errlen);
	if (!ans)
		return -EIO;
	rc = etcd_error(ans, err, errlen);
	if (!rc && !etcd_succeeded(ans))
		rc = -ENOENT;
	json_object_put(ans);
	return rc;
}
