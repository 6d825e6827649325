/* SPDX-License-Identifier: MIT */
#ifndef RVCP_LOG_H
#define RVCP_LOG_H
/*
 * Log lines on stderr: "2026-11-27 11:30:00 rvcp cp: text".  The daemons
 * (cp, vm) are foreground processes whose stderr is the operator's log.
 */
void log_set_name(const char *name);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
