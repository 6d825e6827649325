// SPDX-License-Identifier: MIT
/*
 * PIPE: CMS-Pipelines-like stages over lists of records.
 *
 * The pipeline is scanned whole before anything runs, so a bad stage anywhere
 * means no command is issued.  Then each stage runs in turn on the complete
 * output of the stage before it.  That is not the record-at-a-time dispatcher
 * of CMS Pipelines, but for the stages provided (none of which has a second
 * stream or depends on interleaving) the results are the same.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rexx/pipe.h"

/* Messages: numbers as CMS Pipelines where we know them; rc is -number. */
enum pipe_msg {
	PIPE_NULL_STAGE = 17,
	PIPE_NO_ENTRY = 27,
	PIPE_NUMBER = 58,
	PIPE_DELIMITER = 60,
	PIPE_EXCESSIVE = 112,
	PIPE_MISSING = 113,
	PIPE_VARNAME = 168,
	PIPE_STEM_COUNT = 169,
	PIPE_NO_MEMORY = 1999,
};

enum stage_kind { ST_CP, ST_VAR, ST_STEM, ST_LITERAL, ST_CONSOLE, ST_LOCATE, ST_NLOCATE, ST_TAKE };

struct stage {
	enum stage_kind kind;
	int pos;      /* 1-based position in the pipeline */
	char *arg;    /* command, name, literal text or locate string (malloc'd) */
	bool has_arg; /* locate with a string; cp with a command */
	bool anycase; /* locate ANYCASE */
	bool last;    /* take LAST */
	long count;   /* take: records; -1 for all */
};

struct pipe_run_ctx {
	const struct pipe_host *host;
	void *ctx;
};

static const struct stage_name {
	const char *name;
	size_t min; /* shortest abbreviation */
	enum stage_kind kind;
} stage_names[] = {
    {"CP", 2, ST_CP},		{"VAR", 3, ST_VAR},	    {"STEM", 4, ST_STEM},
    {"LITERAL", 7, ST_LITERAL}, {"CONSOLE", 4, ST_CONSOLE}, {"TERMINAL", 4, ST_CONSOLE},
    {"LOCATE", 3, ST_LOCATE},	{"NLOCATE", 4, ST_NLOCATE}, {"TAKE", 4, ST_TAKE},
};

int pipe_lines_add(struct pipe_lines *l, const char *s, size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = strndup(s, len);
	if (!l->v[l->n])
		return -1;
	l->n++;
	return 0;
}

void pipe_lines_free(struct pipe_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Report a numbered message and the stage it concerns; return the rc. */
static int pipe_error(const struct pipe_run_ctx *r, int pos, enum pipe_msg no, const char *fmt, ...)
{
	char text[512], line[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "FPL%03dE %s", no, text);
	r->host->say(r->ctx, line);
	if (pos > 0) {
		snprintf(line, sizeof(line), "FPL003I ... Issued from stage %d of pipeline 1", pos);
		r->host->say(r->ctx, line);
	}
	return -(int)no;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Copy the next blank-delimited word of *s into w (size n); advance *s. */
static size_t next_word(const char **s, char *w, size_t n)
{
	const char *p = skip_blanks(*s);
	size_t len = 0;

	while (p[len] && p[len] != ' ' && p[len] != '\t')
		len++;
	if (n) {
		size_t c = len < n - 1 ? len : n - 1;

		memcpy(w, p, c);
		w[c] = 0;
	}
	*s = p + len;
	return len;
}

static bool word_is(const char *w, const char *name, size_t min)
{
	size_t len = strlen(w);

	return len >= min && len <= strlen(name) && !strncasecmp(w, name, len);
}

static int parse_number(const struct pipe_run_ctx *r, struct stage *st, const char *w)
{
	char *end;
	long v;

	if (!strcmp(w, "*")) {
		st->count = -1;
		return 0;
	}
	v = strtol(w, &end, 10);
	if (!*w || *end || v < 0 || !isdigit((unsigned char)*w))
		return pipe_error(r, st->pos, PIPE_NUMBER, "Number expected; \"%s\" was found", w);
	st->count = v;
	return 0;
}

static int parse_take(const struct pipe_run_ctx *r, struct stage *st, const char *args)
{
	char w[64];
	int rc;

	st->count = 1;
	if (!next_word(&args, w, sizeof(w)))
		return 0;
	if (word_is(w, "FIRST", 5) || word_is(w, "LAST", 4)) {
		st->last = toupper((unsigned char)w[0]) == 'L';
		if (!next_word(&args, w, sizeof(w)))
			return 0;
	}
	rc = parse_number(r, st, w);
	if (rc)
		return rc;
	if (*skip_blanks(args))
		return pipe_error(r, st->pos, PIPE_EXCESSIVE, "Excessive options \"%s\"",
				  skip_blanks(args));
	return 0;
}

static int parse_locate(const struct pipe_run_ctx *r, struct stage *st, const char *args)
{
	const char *p = skip_blanks(args), *save = p, *end;
	char w[16];

	next_word(&p, w, sizeof(w));
	if (word_is(w, "ANYCASE", 4))
		st->anycase = true;
	else
		p = save;
	p = skip_blanks(p);
	if (!*p)
		return 0; /* no string: select the records that are not null */
	end = strchr(p + 1, *p);
	if (!end)
		return pipe_error(r, st->pos, PIPE_DELIMITER,
				  "Delimiter missing after string \"%s\"", p + 1);
	st->arg = strndup(p + 1, end - p - 1);
	if (!st->arg)
		return -PIPE_NO_MEMORY;
	st->has_arg = true;
	if (*skip_blanks(end + 1))
		return pipe_error(r, st->pos, PIPE_EXCESSIVE, "Excessive options \"%s\"",
				  skip_blanks(end + 1));
	return 0;
}

/* A stage that takes exactly one word (var, stem). */
static int parse_name(const struct pipe_run_ctx *r, struct stage *st, const char *args)
{
	char w[256];
	size_t len = next_word(&args, w, sizeof(w));

	if (!len)
		return pipe_error(r, st->pos, PIPE_MISSING, "Operand missing");
	if (len >= sizeof(w))
		return pipe_error(r, st->pos, PIPE_VARNAME,
				  "Variable name \"%.40s...\" is not valid", w);
	if (*skip_blanks(args))
		return pipe_error(r, st->pos, PIPE_EXCESSIVE, "Excessive options \"%s\"",
				  skip_blanks(args));
	st->arg = strdup(w);
	return st->arg ? 0 : -PIPE_NO_MEMORY;
}

/* Scan one stage's text (blanks around it already removed). */
static int parse_stage(const struct pipe_run_ctx *r, struct stage *st, const char *text)
{
	const char *args = text;
	char w[32];
	size_t i;

	if (!*text)
		return pipe_error(r, st->pos, PIPE_NULL_STAGE, "Null stage found");
	next_word(&args, w, sizeof(w));
	for (i = 0; i < sizeof(stage_names) / sizeof(stage_names[0]); i++)
		if (word_is(w, stage_names[i].name, stage_names[i].min))
			break;
	if (i == sizeof(stage_names) / sizeof(stage_names[0])) {
		char name[64];

		next_word(&text, name, sizeof(name));
		return pipe_error(r, st->pos, PIPE_NO_ENTRY, "Entry point %s was not found", name);
	}
	st->kind = stage_names[i].kind;
	if (*args == ' ' || *args == '\t')
		args++; /* exactly one blank separates the name from its operands */
	switch (st->kind) {
	case ST_CP:
		st->has_arg = *skip_blanks(args) != 0;
		st->arg = strdup(skip_blanks(args));
		return st->arg ? 0 : -PIPE_NO_MEMORY;
	case ST_LITERAL:
		st->arg = strdup(args);
		return st->arg ? 0 : -PIPE_NO_MEMORY;
	case ST_VAR:
	case ST_STEM:
		return parse_name(r, st, args);
	case ST_CONSOLE:
		if (*skip_blanks(args))
			return pipe_error(r, st->pos, PIPE_EXCESSIVE, "Excessive options \"%s\"",
					  skip_blanks(args));
		return 0;
	case ST_LOCATE:
	case ST_NLOCATE:
		return parse_locate(r, st, args);
	case ST_TAKE:
		return parse_take(r, st, args);
	}
	return 0;
}

static int add(struct pipe_lines *out, const char *s)
{
	return pipe_lines_add(out, s, strlen(s)) ? -PIPE_NO_MEMORY : 0;
}

static int pass(const struct pipe_lines *in, struct pipe_lines *out)
{
	for (size_t i = 0; i < in->n; i++)
		if (add(out, in->v[i]))
			return -PIPE_NO_MEMORY;
	return 0;
}

static int run_cp(const struct pipe_run_ctx *r, const struct stage *st, const struct pipe_lines *in,
		  struct pipe_lines *out)
{
	int rc = 0, one;

	if (st->has_arg) {
		one = r->host->cp(r->ctx, st->arg, out);
		if (one)
			rc = one;
	}
	/* Each input record is a further command, as CMS's cp stage does. */
	for (size_t i = 0; i < in->n; i++) {
		one = r->host->cp(r->ctx, in->v[i], out);
		if (one)
			rc = one;
	}
	return rc;
}

static int run_var(const struct pipe_run_ctx *r, const struct stage *st, bool first,
		   const struct pipe_lines *in, struct pipe_lines *out)
{
	char *value = NULL;
	int rc;

	if (first) {
		rc = r->host->var_get(r->ctx, st->arg, &value);
		if (rc < 0)
			return pipe_error(r, st->pos, PIPE_VARNAME,
					  "Variable name \"%s\" is not valid", st->arg);
		if (rc == 0)
			rc = add(out, value);
		free(value);
		return rc > 0 ? 0 : rc;
	}
	/* Set the variable to the first record; an empty input leaves it alone. */
	if (in->n && r->host->var_set(r->ctx, st->arg, in->v[0]) < 0)
		return pipe_error(r, st->pos, PIPE_VARNAME, "Variable name \"%s\" is not valid",
				  st->arg);
	return pass(in, out);
}

static int run_stem_read(const struct pipe_run_ctx *r, const struct stage *st,
			 struct pipe_lines *out)
{
	char name[300], *value = NULL, *end;
	long count;
	int rc;

	snprintf(name, sizeof(name), "%s0", st->arg);
	rc = r->host->var_get(r->ctx, name, &value);
	if (rc < 0)
		return pipe_error(r, st->pos, PIPE_VARNAME, "Variable name \"%s\" is not valid",
				  name);
	count = rc == 0 ? strtol(value, &end, 10) : -1;
	if (rc > 0 || *end || count < 0) {
		rc = pipe_error(r, st->pos, PIPE_STEM_COUNT, "%s is not a whole number: \"%s\"",
				name, rc > 0 ? name : value);
		free(value);
		return rc;
	}
	free(value);
	for (long i = 1; i <= count; i++) {
		snprintf(name, sizeof(name), "%s%ld", st->arg, i);
		value = NULL;
		rc = r->host->var_get(r->ctx, name, &value);
		rc = add(out, rc == 0 ? value : "");
		free(value);
		if (rc)
			return rc;
	}
	return 0;
}

static int run_stem(const struct pipe_run_ctx *r, const struct stage *st, bool first,
		    const struct pipe_lines *in, struct pipe_lines *out)
{
	char name[300], num[32];

	if (first)
		return run_stem_read(r, st, out);
	for (size_t i = 0; i < in->n; i++) {
		snprintf(name, sizeof(name), "%s%zu", st->arg, i + 1);
		if (r->host->var_set(r->ctx, name, in->v[i]) < 0)
			return pipe_error(r, st->pos, PIPE_VARNAME,
					  "Variable name \"%s\" is not valid", name);
	}
	snprintf(name, sizeof(name), "%s0", st->arg);
	snprintf(num, sizeof(num), "%zu", in->n);
	if (r->host->var_set(r->ctx, name, num) < 0)
		return pipe_error(r, st->pos, PIPE_VARNAME, "Variable name \"%s\" is not valid",
				  name);
	return pass(in, out);
}

static int run_console(const struct pipe_run_ctx *r, bool first, const struct pipe_lines *in,
		       struct pipe_lines *out)
{
	char *line;
	int rc;

	if (!first) {
		for (size_t i = 0; i < in->n; i++)
			r->host->say(r->ctx, in->v[i]);
		return pass(in, out);
	}
	/* Read the terminal up to a null line (our end of file for the console). */
	while (r->host->read(r->ctx, &line) == 0) {
		if (!*line) {
			free(line);
			break;
		}
		rc = add(out, line);
		free(line);
		if (rc)
			return rc;
	}
	return 0;
}

static bool contains(const char *hay, const char *needle, bool anycase)
{
	return anycase ? strcasestr(hay, needle) != NULL : strstr(hay, needle) != NULL;
}

static int run_locate(const struct stage *st, const struct pipe_lines *in, struct pipe_lines *out)
{
	for (size_t i = 0; i < in->n; i++) {
		bool hit = st->has_arg ? contains(in->v[i], st->arg, st->anycase) : *in->v[i] != 0;

		if (hit != (st->kind == ST_NLOCATE) && add(out, in->v[i]))
			return -PIPE_NO_MEMORY;
	}
	return 0;
}

static int run_take(const struct stage *st, const struct pipe_lines *in, struct pipe_lines *out)
{
	size_t n = st->count < 0 || (size_t)st->count > in->n ? in->n : (size_t)st->count;
	size_t from = st->last ? in->n - n : 0;

	for (size_t i = from; i < from + n; i++)
		if (add(out, in->v[i]))
			return -PIPE_NO_MEMORY;
	return 0;
}

static int run_stage(const struct pipe_run_ctx *r, const struct stage *st, bool first,
		     const struct pipe_lines *in, struct pipe_lines *out)
{
	switch (st->kind) {
	case ST_CP:
		return run_cp(r, st, in, out);
	case ST_VAR:
		return run_var(r, st, first, in, out);
	case ST_STEM:
		return run_stem(r, st, first, in, out);
	case ST_LITERAL:
		if (add(out, st->arg))
			return -PIPE_NO_MEMORY;
		return pass(in, out);
	case ST_CONSOLE:
		return run_console(r, first, in, out);
	case ST_LOCATE:
	case ST_NLOCATE:
		return run_locate(st, in, out);
	case ST_TAKE:
		return run_take(st, in, out);
	}
	return 0;
}

/* Split spec at '|' into stages with their blanks trimmed; scan each. */
static int pipe_scan(const struct pipe_run_ctx *r, const char *spec, struct stage **stages,
		     int *count)
{
	const char *p = spec;
	int n = 1, rc = 0;
	struct stage *st;

	for (const char *q = spec; *q; q++)
		n += *q == '|';
	st = calloc(n, sizeof(*st));
	if (!st)
		return -PIPE_NO_MEMORY;
	*stages = st;
	*count = n;
	for (int i = 0; i < n && !rc; i++) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		char *text;

		p = skip_blanks(p);
		len = bar ? (size_t)(bar - p) : strlen(p);
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		text = strndup(p, len);
		if (!text)
			return -PIPE_NO_MEMORY;
		st[i].pos = i + 1;
		rc = parse_stage(r, &st[i], text);
		free(text);
		p = bar ? bar + 1 : p + len;
	}
	return rc;
}

int pipe_run(const char *spec, const struct pipe_host *host, void *ctx)
{
	struct pipe_run_ctx r = {host, ctx};
	struct pipe_lines a = {0}, b = {0};
	struct stage *stages = NULL;
	int n = 0, rc, worst = 0;

	rc = pipe_scan(&r, spec, &stages, &n);
	if (rc)
		goto out;
	for (int i = 0; i < n; i++) {
		rc = run_stage(&r, &stages[i], i == 0, &a, &b);
		pipe_lines_free(&a);
		a = b;
		memset(&b, 0, sizeof(b));
		if (rc < 0 && rc != -PIPE_NO_MEMORY && stages[i].kind != ST_CP)
			goto out; /* a stage's own error ends the pipeline */
		if (rc == -PIPE_NO_MEMORY) {
			rc = pipe_error(&r, stages[i].pos, PIPE_NO_MEMORY, "Out of storage");
			goto out;
		}
		if (abs(rc) > abs(worst))
			worst = rc;
	}
	rc = worst;
out:
	pipe_lines_free(&a);
	for (int i = 0; i < n; i++)
		free(stages[i].arg);
	free(stages);
	return rc;
}
