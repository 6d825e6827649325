/* SPDX-License-Identifier: MIT */
#ifndef RVCP_UTIL_FILE_H
#define RVCP_UTIL_FILE_H
#include <stddef.h>
#include <stdint.h>

/* The whole file in a malloc()ed buffer (free() it), its length in *len; NULL + errno. */
void *file_read_all(const char *path, size_t *len);
/*
 * pread()/pwrite() of exactly len bytes at off, retrying short transfers and
 * EINTR.  0, or a negative errno (-EIO for a file that ends early).
 */
int file_pread_full(int fd, void *buf, uint64_t len, uint64_t off);
int file_pwrite_full(int fd, const void *buf, uint64_t len, uint64_t off);

#endif
