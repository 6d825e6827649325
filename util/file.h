/* SPDX-License-Identifier: MIT */
#ifndef RVCP_UTIL_FILE_H
#define RVCP_UTIL_FILE_H
#include <stddef.h>

/* The whole file in a malloc()ed buffer (free() it), its length in *len; NULL + errno. */
void *file_read_all(const char *path, size_t *len);

#endif
