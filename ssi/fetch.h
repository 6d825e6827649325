/* SPDX-License-Identifier: MIT */
#ifndef RVCP_SSI_FETCH_H
#define RVCP_SSI_FETCH_H
/*
 * Saved-system files between SSI members (ssi/fetch.c), by checksum (the
 * spool header's, spool/spool.h), over TCP, authenticated with the
 * cluster's shared key (rvcp cp --ssi-key FILE: the same file at every
 * member; HMAC-SHA256, OpenSSL):
 *
 *   client: "RVCPFETCH1 <checksum:16 hex> <nonce:32 hex> <mac:64 hex>\n"
 *           mac = HMAC(key, "req" checksum nonce)
 *   server: "OK <size>\n" <size bytes of the file> <32 bytes HMAC(key,
 *           "data" nonce size bytes)>, or "NO\n" (no such file here)
 *
 * The server answers only a request whose mac is right, and the client
 * keeps only a stream whose trailer is right for its own fresh nonce: no
 * one without the key gets a file or can pass one off as a member's.  The
 * client writes into a descriptor the caller gives (an O_TMPFILE in the
 * spool folder); spool_import() then checks it against the checksum.
 *
 * The server is a thread of its own (accepting; a thread per connection,
 * at most FETCH_MAX_CONN at once) that reads only the spool folder, never
 * CP's state.  Sockets time out after FETCH_TIMEOUT_S without progress.
 */
#include <stddef.h>
#include <stdint.h>

#define FETCH_MAX_CONN	8
#define FETCH_TIMEOUT_S 30
#define FETCH_KEY_MIN	16 /* bytes of key at least */
#define FETCH_KEY_MAX	1024

struct fetch_server;

/* Reads the key file; 0 or -errno (err says why). */
int fetch_key_load(const char *path, unsigned char *key, size_t *keylen, char *err,
		   size_t errlen);
/*
 * Listens on hostport ("127.0.0.1:0": any free port) and serves the files
 * of spooldir; *bound is the address it got ("127.0.0.1:40123").
 */
struct fetch_server *fetch_server_start(const char *hostport, const char *spooldir,
					const unsigned char *key, size_t keylen, char *bound,
					size_t boundlen, char *err, size_t errlen);
void fetch_server_stop(struct fetch_server *s);
/* Fetches the file of checksum from hostport into outfd (at offset 0). */
int fetch_file(const char *hostport, const unsigned char *key, size_t keylen, uint64_t checksum,
	       int outfd, char *err, size_t errlen);

#endif
