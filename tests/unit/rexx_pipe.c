// SPDX-License-Identifier: MIT
/* PIPE, every stage and every scan error, against a fake CP and variable pool. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rexx/pipe.h"
#include "tests/unit/check.h"

/* The fake world: variables, a terminal, CP. */
static struct pipe_lines vars; /* "NAME=value" */
static struct pipe_lines terminal_out, terminal_in, cp_log;
static size_t terminal_next;

static void reset(void)
{
	pipe_lines_free(&vars);
	pipe_lines_free(&terminal_out);
	pipe_lines_free(&terminal_in);
	pipe_lines_free(&cp_log);
	terminal_next = 0;
}

static int fake_cp(void *ctx, const char *cmd, struct pipe_lines *out)
{
	static const char *term[] = {"LINEND #, LINESIZE 080, ATTN OFF, APL OFF",
				     "MODE VM, TEXT OFF, HILIGHT OFF", "", "CONMODE 3215"};

	pipe_lines_add(&cp_log, cmd, strlen(cmd));
	if (!strcasecmp(cmd, "q term")) {
		for (size_t i = 0; i < 4; i++)
			pipe_lines_add(out, term[i], strlen(term[i]));
		return 0;
	}
	if (!strcasecmp(cmd, "q v stor")) {
		pipe_lines_add(out, "STORAGE = 64M", 13);
		return 0;
	}
	pipe_lines_add(out, "HCPCMD001E Unknown CP command: X", 32);
	return 1;
}

static void fake_say(void *ctx, const char *line)
{
	pipe_lines_add(&terminal_out, line, strlen(line));
}

static int fake_read(void *ctx, char **line)
{
	if (terminal_next == terminal_in.n)
		return -1;
	*line = strdup(terminal_in.v[terminal_next++]);
	return 0;
}

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s -= 32;
}

static int fake_var_set(void *ctx, const char *name, const char *value)
{
	char key[300];

	if (strchr(name, '!'))
		return -1; /* stands for a name REXX would refuse */
	snprintf(key, sizeof(key), "%s=", name);
	upper(key);
	for (size_t i = 0; i < vars.n; i++)
		if (!strncmp(vars.v[i], key, strlen(key))) {
			free(vars.v[i]);
			vars.v[i] = malloc(strlen(key) + strlen(value) + 1);
			sprintf(vars.v[i], "%s%s", key, value);
			return 0;
		}
	snprintf(key + strlen(key), sizeof(key) - strlen(key), "%s", value);
	pipe_lines_add(&vars, key, strlen(key));
	return 0;
}

static int fake_var_get(void *ctx, const char *name, char **value)
{
	char key[300];

	if (strchr(name, '!'))
		return -1;
	snprintf(key, sizeof(key), "%s=", name);
	upper(key);
	for (size_t i = 0; i < vars.n; i++)
		if (!strncmp(vars.v[i], key, strlen(key))) {
			*value = strdup(vars.v[i] + strlen(key));
			return 0;
		}
	return 1;
}

static const struct pipe_host host = {fake_cp, fake_say, fake_read, fake_var_set, fake_var_get};

static const char *var(const char *name)
{
	static char buf[300];
	char *v = NULL;

	if (fake_var_get(NULL, name, &v))
		return NULL;
	snprintf(buf, sizeof(buf), "%s", v);
	free(v);
	return buf;
}

static bool said(const char *prefix)
{
	for (size_t i = 0; i < terminal_out.n; i++)
		if (!strncmp(terminal_out.v[i], prefix, strlen(prefix)))
			return true;
	return false;
}

static bool var_is(const char *name, const char *want)
{
	const char *v = var(name);

	if (v && !strcmp(v, want))
		return true;
	fprintf(stderr, "  %s is \"%s\", want \"%s\"\n", name, v ? v : "(unset)", want);
	return false;
}

static void test_cp_var(void)
{
	reset();
	CHECK(pipe_run("cp q term | var termout", &host, NULL) == 0);
	CHECK(var_is("termout", "LINEND #, LINESIZE 080, ATTN OFF, APL OFF"));
	CHECK(pipe_run("cp q v stor|var storout", &host, NULL) == 0);
	CHECK(var_is("STOROUT", "STORAGE = 64M"));
	/* Unknown CP command: CP's rc, its message captured, not displayed. */
	CHECK(pipe_run("cp xyz | var msg", &host, NULL) == 1);
	CHECK(var_is("msg", "HCPCMD001E Unknown CP command: X"));
	CHECK(terminal_out.n == 0);
	/* cp with input: each record is a command. */
	reset();
	CHECK(pipe_run("literal q v stor | cp | var s", &host, NULL) == 0);
	CHECK(cp_log.n == 1 && !strcmp(cp_log.v[0], "q v stor"));
	CHECK(var_is("s", "STORAGE = 64M"));
	/* var as first stage writes the value; an unset variable writes nothing. */
	CHECK(pipe_run("var s | stem x.", &host, NULL) == 0);
	CHECK(var_is("x.0", "1") && var_is("x.1", "STORAGE = 64M"));
	CHECK(pipe_run("var nosuch | stem y.", &host, NULL) == 0);
	CHECK(var_is("y.0", "0"));
	/* var in the middle sets the variable and passes the records on. */
	CHECK(pipe_run("cp q term | var first | stem all.", &host, NULL) == 0);
	CHECK(var_is("first", "LINEND #, LINESIZE 080, ATTN OFF, APL OFF"));
	CHECK(var_is("all.0", "4"));
}

static void test_stem(void)
{
	reset();
	CHECK(pipe_run("cp q term | stem t.", &host, NULL) == 0);
	CHECK(var_is("t.0", "4") && var_is("t.2", "MODE VM, TEXT OFF, HILIGHT OFF") &&
	      var_is("t.3", ""));
	/* stem as first stage reads NAME.0 records back. */
	CHECK(pipe_run("stem t. | take last 1 | var last", &host, NULL) == 0);
	CHECK(var_is("last", "CONMODE 3215"));
	fake_var_set(NULL, "bad.0", "two");
	CHECK(pipe_run("stem bad. | console", &host, NULL) == -169);
	CHECK(said("FPL169E"));
	CHECK(pipe_run("stem unset. | console", &host, NULL) == -169);
	CHECK(pipe_run("literal x | stem a!b.", &host, NULL) == -168);
	CHECK(pipe_run("literal x | var a!b", &host, NULL) == -168);
}

static void test_literal_console(void)
{
	reset();
	CHECK(pipe_run("literal hello world | console", &host, NULL) == 0);
	CHECK(terminal_out.n == 1 && !strcmp(terminal_out.v[0], "hello world"));
	/* literal puts its record before its input; console passes records on. */
	CHECK(pipe_run("literal b | literal a | console | stem l.", &host, NULL) == 0);
	CHECK(var_is("l.0", "2") && var_is("l.1", "a") && var_is("l.2", "b"));
	CHECK(pipe_run("literal | var e", &host, NULL) == 0);
	CHECK(var_is("e", ""));
	/* console first reads the terminal up to a null line. */
	pipe_lines_add(&terminal_in, "one", 3);
	pipe_lines_add(&terminal_in, "two", 3);
	pipe_lines_add(&terminal_in, "", 0);
	pipe_lines_add(&terminal_in, "later", 5);
	CHECK(pipe_run("console | stem in.", &host, NULL) == 0);
	CHECK(var_is("in.0", "2") && var_is("in.2", "two"));
	CHECK(terminal_next == 3);
	/* ... or to the end of input. */
	CHECK(pipe_run("terminal | stem in.", &host, NULL) == 0);
	CHECK(var_is("in.0", "1") && var_is("in.1", "later"));
}

static void test_locate(void)
{
	reset();
	CHECK(pipe_run("cp q term | locate /LINESIZE/ | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "1") && var_is("r.1", "LINEND #, LINESIZE 080, ATTN OFF, APL OFF"));
	CHECK(pipe_run("cp q term | locate /linesize/ | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "0"));
	CHECK(pipe_run("cp q term | locate anycase ,linesize, | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "1"));
	/* Without a string: the records that are not null. */
	CHECK(pipe_run("cp q term | locate | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "3"));
	CHECK(pipe_run("cp q term | nlocate /OFF/ | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "2") && var_is("r.1", "") && var_is("r.2", "CONMODE 3215"));
	CHECK(pipe_run("cp q term | nlocate | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "1") && var_is("r.1", ""));
}

static void test_take(void)
{
	reset();
	CHECK(pipe_run("cp q term | take | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "1"));
	CHECK(pipe_run("cp q term | take 2 | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "2") && var_is("r.2", "MODE VM, TEXT OFF, HILIGHT OFF"));
	CHECK(pipe_run("cp q term | take first 3 | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "3"));
	CHECK(pipe_run("cp q term | take last 2 | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "2") && var_is("r.1", "") && var_is("r.2", "CONMODE 3215"));
	CHECK(pipe_run("cp q term | take 99 | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "4"));
	CHECK(pipe_run("cp q term | take * | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "4"));
	CHECK(pipe_run("cp q term | take 0 | stem r.", &host, NULL) == 0);
	CHECK(var_is("r.0", "0"));
}

static void test_errors(void)
{
	static const struct {
		const char *spec;
		int rc;
		const char *msg;
	} cases[] = {
	    {"cp q term | frobnicate | var x", -27, "FPL027E Entry point frobnicate"},
	    {"take x", -58, "FPL058E Number expected"},
	    {"take -1", -58, "FPL058E"},
	    {"take last", 0, NULL},
	    {"take 1 2", -112, "FPL112E Excessive options \"2\""},
	    {"locate /abc", -60, "FPL060E Delimiter missing"},
	    {"locate /a/ b", -112, "FPL112E"},
	    {"var", -113, "FPL113E Operand missing"},
	    {"stem", -113, "FPL113E"},
	    {"var a b", -112, "FPL112E"},
	    {"console now", -112, "FPL112E"},
	    {"literal a || var x", -17, "FPL017E Null stage"},
	    {"", -17, "FPL017E"},
	    {"literal a |", -17, "FPL017E"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		reset();
		rc = pipe_run(cases[i].spec, &host, NULL);
		if (rc != cases[i].rc)
			fprintf(stderr, "  \"%s\": rc %d, want %d\n", cases[i].spec, rc,
				cases[i].rc);
		CHECK(rc == cases[i].rc);
		if (cases[i].msg) {
			CHECK(said(cases[i].msg));
			CHECK(said("FPL003I ... Issued from stage"));
		}
		/* A pipeline with a scan error runs nothing. */
		CHECK(cp_log.n == 0);
	}
	reset();
	CHECK(pipe_run("cp q term | bad", &host, NULL) == -27);
	CHECK(said("FPL003I ... Issued from stage 2 of pipeline 1"));
	CHECK(cp_log.n == 0);
}

int main(void)
{
	test_cp_var();
	test_stem();
	test_literal_console();
	test_locate();
	test_take();
	test_errors();
	reset();
	if (failures)
		fprintf(stderr, "rexx_pipe: %d failures\n", failures);
	return failures != 0;
}
