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
 * The same channel carries commands for another member's CP (AT member
 * CMD, and MSG, FORCE, QUERY of a user logged on there):
 *
 *   client: "RVCPCMD1 <nonce> <len> <mac>\n" <len bytes: the command>
 *           mac = HMAC(key, "cmd" nonce len command)
 *   server: "OK <len>\n" <len bytes: its answer lines> <32 bytes HMAC(key,
 *           "data" nonce len answer)>
 *
 * The server hands the command to its fetch_cmd_fn (in the server's
 * connection thread; it may wait for CP's loop) and sends what it returns.
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

#define FETCH_CMD_MAX 4096	/* bytes of a command */
#define FETCH_OUT_MAX (1 << 20) /* bytes of its answer */

struct fetch_server;

/* A command for CP (payload as sent); its answer lines, malloc'ed, or NULL. */
typedef char *(*fetch_cmd_fn)(void *opaque, const char *payload);

/* Reads the key file; 0 or -errno (err says why). */
int fetch_key_load(const char *path, unsigned char *key, size_t *keylen, char *err, size_t errlen);
/*
 * Listens on hostport ("127.0.0.1:0": any free port) and serves the files
 * of spooldir; *bound is the address it got ("127.0.0.1:40123").
 */
struct fetch_server *fetch_server_start(const char *hostport, const char *spooldir,
					const unsigned char *key, size_t keylen, fetch_cmd_fn cmd,
					void *cmd_opaque, char *bound, size_t boundlen, char *err,
					size_t errlen);
void fetch_server_stop(struct fetch_server *s);
/* Fetches the file of checksum from hostport into outfd (at offset 0). */
int fetch_file(const char *hostport, const unsigned char *key, size_t keylen, uint64_t checksum,
	       int outfd, char *err, size_t errlen);

/* Runs payload at hostport's CP; *out its answer (malloc'ed). */
int fetch_command(const char *hostport, const unsigned char *key, size_t keylen,
		  const char *payload, char **out, char *err, size_t errlen);

#endif
