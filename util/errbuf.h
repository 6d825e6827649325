/* SPDX-License-Identifier: MIT */
#ifndef RVCP_UTIL_ERRBUF_H
#define RVCP_UTIL_ERRBUF_H
/*
 * Reasons for the caller: functions that can refuse their input take
 * (char *err, size_t errlen) and say why there, so that the layer that
 * talks to the user (CP's numbered messages, a subcommand's stderr) words
 * the answer.  err may be NULL or errlen 0: no reason is kept.
 */
#include <stddef.h>

/* Formats the reason into err (truncated to errlen) and returns rc. */
int errbuf_set(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
