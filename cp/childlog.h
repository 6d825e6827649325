/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_CHILDLOG_H
#define RVCP_CP_CHILDLOG_H
/*
 * The standard error of the processes CP starts (VM processes, EXECs).
 * They never hold CP's log: each gets the write end of a pipe of its own,
 * which CP reads in its loop and copies into its log line by line, each line
 * tagged with whose it is ("vm MAINT: ..."), control characters shown as
 * '?', cut at CHILDLOG_LINE_MAX.  A child that writes faster than CP reads
 * waits on its own pipe; CP never blocks on it.
 */
#define CHILDLOG_LINE_MAX 400

/* A pipe for the child tagged who: its write end (close it in CP once the
 * child is forked), or -errno. */
int childlog_open(const char *who);
/* At CP's end: what the pipes still hold goes to the log; all closed. */
void childlog_close_all(void);
#endif
