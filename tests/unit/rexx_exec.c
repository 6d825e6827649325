// SPDX-License-Identifier: MIT
/*
 * EXECs through Regina in their own process, against a fake CP that answers
 * QUERY TERMINAL and QUERY VIRTUAL STORAGE as z/VM does and records the rest:
 * the seed's SAVELX EXEC, RC of CP commands (unknown: -3), SAY and PULL, PIPE
 * with REXX variables, a syntax error, a runaway EXEC halted, one killed.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "rexx/pipe.h"
#include "rexx/rexx.h"
#include "tests/unit/check.h"

/* The fake CP and its terminal. */
struct fake {
	struct rexx_exec *x;
	struct pipe_lines said;	    /* what reached the terminal */
	struct pipe_lines commands; /* "C text" captured, "D text" displayed */
	const char **input;	    /* answers to PULL, in order */
	int pulls;
	const char *halt_when; /* halt once the EXEC said this */
	int halts_wanted;
	int halts;
};

static const char *const term_lines[] = {
    "LINEND #, LINESIZE 080, ATTN OFF, APL OFF",
    "MODE VM, TEXT OFF, HILIGHT OFF, CONMODE 3215",
    "BREAKIN IMMED, BREAKKEY PA1",
};

static void respond(struct fake *f, bool capture, const char *line)
{
	if (capture)
		rexx_exec_line(f->x, line);
	else
		pipe_lines_add(&f->said, line, strlen(line));
}

static void fake_command(void *ctx, struct rexx_exec *x, const char *cmd, bool capture)
{
	struct fake *f = ctx;
	char rec[600];

	snprintf(rec, sizeof(rec), "%c %s", capture ? 'C' : 'D', cmd);
	pipe_lines_add(&f->commands, rec, strlen(rec));
	if (!strcasecmp(cmd, "q term") || !strcasecmp(cmd, "query terminal")) {
		for (size_t i = 0; i < 3; i++)
			respond(f, capture, term_lines[i]);
		rexx_exec_reply(x, 0, false);
	} else if (!strcasecmp(cmd, "q v stor")) {
		respond(f, capture, "STORAGE = 64M");
		rexx_exec_reply(x, 0, false);
	} else if (!strncasecmp(cmd, "DEFSYS ", 7) || !strncasecmp(cmd, "TRACE ", 6) ||
		   !strncasecmp(cmd, "I ", 2)) {
		rexx_exec_reply(x, 0, false);
	} else if (!strncasecmp(cmd, "IPL ", 4)) {
		respond(f, capture, "HCPIPL003E Device 0999 does not exist");
		rexx_exec_reply(x, 40, false);
	} else {
		/* Unknown, or above the user's classes: z/VM answers alike. */
		snprintf(rec, sizeof(rec), "HCPCMD001E Unknown CP command: %.40s", cmd);
		respond(f, capture, rec);
		rexx_exec_reply(x, 1, true);
	}
}

static void fake_say(void *ctx, const char *line)
{
	struct fake *f = ctx;

	pipe_lines_add(&f->said, line, strlen(line));
	if (f->halt_when && strstr(line, f->halt_when) && f->halts < f->halts_wanted) {
		f->halts++;
		rexx_exec_halt(f->x);
	}
}

static void fake_pull(void *ctx)
{
	struct fake *f = ctx;

	f->pulls++;
	if (f->halt_when && !strcmp(f->halt_when, "PULL") && f->halts < f->halts_wanted) {
		f->halts++;
		rexx_exec_halt(f->x);
		return;
	}
	if (f->input && *f->input)
		rexx_exec_input(f->x, *f->input++);
}

static const struct rexx_host fake_host = {fake_command, fake_say, fake_pull};

static char tmpdir[256];

/* Run source as NAME EXEC with args; returns what rexx_exec_event said (1 or 2). */
static int run(struct fake *f, const char *source, const char *args, int *rc)
{
	char path[512];
	FILE *fp;
	int ended = 0, second = 0;

	snprintf(path, sizeof(path), "%s/test.exec", tmpdir);
	fp = fopen(path, "w");
	fputs(source, fp);
	fclose(fp);
	if (rexx_exec_start(path, "TEST EXEC", args, NULL, &fake_host, f, &f->x)) {
		CHECK(!"rexx_exec_start");
		return -1;
	}
	while (!ended) {
		struct pollfd p = {.fd = rexx_exec_fd(f->x), .events = POLLIN};
		int n = poll(&p, 1, 60000);

		if (n == 0) {
			/* Only a hang gets here; stop it so the test ends. */
			fprintf(stderr, "  EXEC did not end; killing it\n");
			rexx_exec_halt(f->x);
			rexx_exec_halt(f->x);
			second++;
			if (second > 2)
				break;
			continue;
		}
		ended = rexx_exec_event(f->x, rc);
	}
	rexx_exec_free(f->x);
	f->x = NULL;
	return ended;
}

static void fake_free(struct fake *f)
{
	pipe_lines_free(&f->said);
	pipe_lines_free(&f->commands);
}

static bool has(const struct pipe_lines *l, const char *text)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], text))
			return true;
	return false;
}

static void dump(const char *what, const struct pipe_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		fprintf(stderr, "  %s[%zu] %s\n", what, i, l->v[i]);
}

static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	static char buf[65536];
	size_t n;

	if (!fp)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = 0;
	fclose(fp);
	return buf;
}

/* The page's EXEC, unchanged, against z/VM's answers. */
static void test_savelx(void)
{
	const char *src = getenv("SRC");
	struct fake f = {0};
	char path[512];
	char *text;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/tests/data/SAVELX.EXEC", src ? src : ".");
	text = read_file(path);
	CHECK(text != NULL);
	if (!text)
		return;
	CHECK(run(&f, text, "LXSHR 200", &rc) == 1);
	CHECK(rc == 0);
	CHECK(f.commands.n == 5);
	if (f.commands.n == 5) {
		CHECK(!strcmp(f.commands.v[0], "C q term"));
		CHECK(!strcmp(f.commands.v[1], "C q v stor"));
		CHECK(!strcmp(f.commands.v[2],
			      "D DEFSYS LXSHR 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M"));
		/* myend is "#," from "LINEND #, LINESIZE 080": the page's quirk, kept. */
		CHECK(!strcmp(f.commands.v[3],
			      "D TRACE I R 010000 CMD SAVESYS LXSHR#, TRACE END ALL"));
		CHECK(!strcmp(f.commands.v[4], "D i 200"));
	}
	CHECK(f.said.n == 3);
	if (f.said.n == 3) {
		CHECK(
		    !strcmp(f.said.v[0], "DEFSYS LXSHR 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M"));
		CHECK(!strcmp(f.said.v[1], "TRACE I R 010000 CMD SAVESYS LXSHR#, TRACE END ALL"));
		CHECK(!strcmp(f.said.v[2], "i 200"));
	}
	if (failures) {
		dump("said", &f.said);
		dump("cmd", &f.commands);
	}
	fake_free(&f);
}

static void test_rc(void)
{
	struct fake f = {0};
	int rc = -1;

	CHECK(run(&f,
		  "'XYZZY 1'\n"
		  "say 'cms' rc\n"
		  "address cp 'XYZZY 2'\n"
		  "say 'cp' rc\n"
		  "'CP XYZZY 3'\n"
		  "say 'cpword' rc\n"
		  "'pipe cp xyzzy 4 | var m'\n"
		  "say 'pipe' rc m\n"
		  "'IPL 999'\n"
		  "say 'ipl' rc\n"
		  "'q v stor'\n"
		  "say 'q' rc\n"
		  "exit 7\n",
		  "", &rc) == 1);
	CHECK(rc == 7);
	CHECK(has(&f.said, "cms -3"));
	CHECK(has(&f.said, "cp 1"));
	CHECK(has(&f.said, "cpword 1"));
	CHECK(has(&f.said, "pipe 1 HCPCMD001E Unknown CP command: xyzzy 4"));
	CHECK(has(&f.said, "ipl 40"));
	CHECK(has(&f.said, "q 0"));
	/* Displayed responses reach the terminal; REXX traces the failure (TRACE N). */
	CHECK(has(&f.said, "HCPCMD001E Unknown CP command: XYZZY 1"));
	CHECK(has(&f.said, "STORAGE = 64M"));
	CHECK(has(&f.said, "1 *-* 'XYZZY 1'"));
	/* The trace shows the RC the program sees (Regina would show its flag). */
	CHECK(has(&f.said, "       +++ RC=-3 +++"));
	CHECK(has(&f.said, "       +++ RC=40 +++"));
	CHECK(has(&f.commands, "D XYZZY 3"));
	if (failures)
		dump("said", &f.said);
	fake_free(&f);
}

static void test_say_pull(void)
{
	const char *answers[] = {"hello there", "second", NULL};
	struct fake f = {.input = answers};
	int rc = -1;

	CHECK(run(&f,
		  "say 'What is your name?'\n"
		  "pull a b\n"
		  "parse pull c\n"
		  "say 'got' a '/' b '/' c\n"
		  "parse arg x\n"
		  "say 'arg' x\n",
		  "some args", &rc) == 1);
	CHECK(rc == 0);
	CHECK(f.pulls == 2);
	CHECK(has(&f.said, "What is your name?"));
	CHECK(has(&f.said, "got HELLO / THERE / second"));
	CHECK(has(&f.said, "arg some args"));
	fake_free(&f);
}

static void test_pipe_vars(void)
{
	const char *answers[] = {"typed one", "typed two", "", NULL};
	struct fake f = {.input = answers};
	int rc = -1;

	CHECK(run(&f,
		  "'pipe cp q term | stem t.'\n"
		  "say 'rc' rc 't.0' t.0 't.1' t.1\n"
		  "'pipe stem t. | locate /CONMODE/ | var cm'\n"
		  "say 'cm' cm\n"
		  "'pipe stem t. | take last 1 | console'\n"
		  "x = 'from rexx'\n"
		  "'pipe var x | console'\n"
		  "'pipe literal lit | var lit'\n"
		  "say 'lit' lit\n"
		  "'pipe console | stem typed.'\n"
		  "say 'typed' typed.0 typed.1 '/' typed.2\n"
		  "'pipe cp q term | take 2 | nlocate /MODE/ | stem few.'\n"
		  "say 'few' few.0 few.1\n"
		  "'pipe cp q term | frob'\n"
		  "say 'bad' rc\n"
		  "'pipe take x'\n"
		  "say 'take' rc\n",
		  "", &rc) == 1);
	CHECK(rc == 0);
	CHECK(has(&f.said, "rc 0 t.0 3 t.1 LINEND #, LINESIZE 080, ATTN OFF, APL OFF"));
	CHECK(has(&f.said, "cm MODE VM, TEXT OFF, HILIGHT OFF, CONMODE 3215"));
	CHECK(has(&f.said, "BREAKIN IMMED, BREAKKEY PA1"));
	CHECK(has(&f.said, "from rexx"));
	CHECK(has(&f.said, "lit lit"));
	CHECK(has(&f.said, "typed 2 typed one / typed two"));
	CHECK(has(&f.said, "few 1 LINEND #, LINESIZE 080, ATTN OFF, APL OFF"));
	CHECK(has(&f.said, "FPL027E Entry point frob was not found"));
	CHECK(has(&f.said, "bad -27"));
	CHECK(has(&f.said, "FPL058E"));
	CHECK(has(&f.said, "take -58"));
	if (failures)
		dump("said", &f.said);
	fake_free(&f);
}

static void test_syntax_error(void)
{
	struct fake f = {0};
	int rc = 0;

	CHECK(run(&f,
		  "say 'before'\n"
		  "x = (1 +\n"
		  "say 'after'\n",
		  "", &rc) == 1);
	CHECK(rc < 0);
	/* Found while parsing: nothing runs, and the message names the line. */
	CHECK(!has(&f.said, "before"));
	CHECK(has(&f.said, "Error 64 running \"TEST EXEC\""));
	CHECK(has(&f.said, "line 2"));
	fake_free(&f);
	memset(&f, 0, sizeof(f));
	/* Found while running. */
	CHECK(run(&f, "say 'before'\nx = 1 + 'a'\nsay 'after'\n", "", &rc) == 1);
	CHECK(rc == -41);
	CHECK(has(&f.said, "before"));
	CHECK(!has(&f.said, "after"));
	CHECK(has(&f.said, "Error 41 running \"TEST EXEC\", line 2: Bad arithmetic conversion"));
	if (failures)
		dump("said", &f.said);
	fake_free(&f);
}

static void test_halt(void)
{
	struct fake f = {.halt_when = "looping", .halts_wanted = 1};
	const char *answers[] = {"yes", NULL};
	struct fake g = {.halt_when = "PULL", .halts_wanted = 1};
	struct fake k = {.halt_when = "PULL", .halts_wanted = 1, .input = answers};
	struct fake h = {.halt_when = "stubborn", .halts_wanted = 2};
	int rc = 0, n;

	/* A runaway loop: HALT ends it with Regina's message. */
	n = run(&f, "say 'looping'\ndo forever\nend\n", "", &rc);
	if (n != 1)
		fprintf(stderr, "  halted: run %d rc %d\n", n, rc);
	CHECK(n == 1);
	CHECK(f.halts == 1);
	CHECK(rc < 0);
	CHECK(has(&f.said, "Error 4 running \"TEST EXEC\", line "));
	CHECK(has(&f.said, "Program interrupted"));
	if (failures)
		dump("said", &f.said);
	/* Halted while waiting in PULL. */
	CHECK(run(&g, "pull x\nsay 'never' x\n", "", &rc) == 1);
	CHECK(g.halts == 1);
	CHECK(!has(&g.said, "never"));
	/* Halted in PULL, trapped, and asking again: the second PULL waits for a line. */
	CHECK(run(&k, "signal on halt\npull x\nexit 1\nhalt:\npull y\nsay 'after' y\nexit 5\n", "",
		  &rc) == 1);
	CHECK(rc == 5);
	CHECK(k.pulls == 2);
	CHECK(has(&k.said, "after YES"));
	/* A program that traps HALT and loops on: the second halt kills it. */
	CHECK(run(&h,
		  "signal on halt\nsay 'stubborn'\ndo forever\nend\n"
		  "halt:\nsay 'stubborn still'\ndo forever\nend\n",
		  "", &rc) == 2);
	CHECK(h.halts == 2);
	CHECK(rc == -128 - 9);
	fake_free(&f);
	fake_free(&g);
	fake_free(&h);
	fake_free(&k);
}

/* Restricted Regina: an EXEC cannot reach the host's commands or files. */
static void test_restricted(void)
{
	struct fake f = {0};
	int rc = 0;

	CHECK(run(&f, "address system 'echo hacked >/tmp/rvcp-rexx-hacked'\nsay 'rc' rc\n", "",
		  &rc) == 1);
	CHECK(!has(&f.said, "rc 0"));
	CHECK(access("/tmp/rvcp-rexx-hacked", F_OK) != 0);
	fake_free(&f);
}

int main(int argc, char **argv)
{
	const char *t = getenv("TMPDIR");

	if (argc > 1 && !strcmp(argv[1], "rexx")) /* the EXECs' processes (rexx/rexx.h) */
		return rexx_child_main(argc - 1, argv + 1);
	snprintf(tmpdir, sizeof(tmpdir), "%s/rexx_exec.XXXXXX", t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_savelx();
	test_rc();
	test_say_pull();
	test_pipe_vars();
	test_syntax_error();
	test_halt();
	test_restricted();
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/test.exec", tmpdir);
		unlink(path);
		rmdir(tmpdir);
	}
	if (failures)
		fprintf(stderr, "rexx_exec: %d failures\n", failures);
	return failures != 0;
}
