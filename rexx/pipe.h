/* SPDX-License-Identifier: MIT */
#ifndef RVCP_REXX_PIPE_H
#define RVCP_REXX_PIPE_H
/*
 * PIPE: a small CMS Pipelines.  A pipeline is stages separated by '|'; each
 * stage reads the records (lines) of the stage before it and writes records
 * for the next.  It runs inside the EXEC's process, where the REXX variables
 * live; only the cp stage needs CP, through pipe_host.cp.
 *
 * Stages: cp [command], var NAME, stem NAME., literal [text], console,
 * locate [ANYCASE] [/string/], nlocate [ANYCASE] [/string/],
 * take [FIRST|LAST] [n|*].
 *
 * An error in the pipeline specification is reported as a numbered FPL
 * message (with the stage that has it) and PIPE's return code is the negative
 * message number, as CMS Pipelines does.
 */
#include <stddef.h>

/* A list of records. */
struct pipe_lines {
	char **v;
	size_t n, cap;
};

int pipe_lines_add(struct pipe_lines *l, const char *s, size_t len);
void pipe_lines_free(struct pipe_lines *l);

struct pipe_host {
	/* Run one CP command; append its response lines to *out; return CP's rc. */
	int (*cp)(void *ctx, const char *cmd, struct pipe_lines *out);
	/* Write one line to the user's terminal. */
	void (*say)(void *ctx, const char *line);
	/* Read one line from the terminal into a malloc'd *line: 0, or -1 on end of input. */
	int (*read)(void *ctx, char **line);
	/* Set a variable: 0, or a negative number when the name is not valid. */
	int (*var_set)(void *ctx, const char *name, const char *value);
	/* Fetch a variable into a malloc'd *value: 0; 1 when it is not set; negative on error. */
	int (*var_get)(void *ctx, const char *name, char **value);
};

/* Run the pipeline spec (the text after the word PIPE); returns its rc. */
int pipe_run(const char *spec, const struct pipe_host *host, void *ctx);

#endif
