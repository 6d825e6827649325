// SPDX-License-Identifier: MIT
/* Unit tests of the command table, abbreviations, classes and messages. */
#include <stdio.h>
#include <string.h>

#include "cp/commands.h"
#include "tests/unit/check.h"

static const char *found(struct cp_user *u, const char *word)
{
	const struct cp_command *c = cp_command_find(cp_commands, u, word);

	return c ? c->name : "";
}

static void test_lookup(void)
{
	struct dir_user gd = {.id = "LINUX01", .classes = "G"};
	struct dir_user ad = {.id = "MAINT", .classes = "ABCDEG"};
	struct cp_user g = {.dir = &gd, .id = gd.id}, a = {.dir = &ad, .id = ad.id};

	/* abbreviations */
	CHECK(!strcmp(found(&g, "Q"), "QUERY"));
	CHECK(!strcmp(found(&g, "query"), "QUERY"));
	CHECK(!strcmp(found(&g, "I"), "IPL"));
	CHECK(!strcmp(found(&g, "B"), "BEGIN"));
	CHECK(!strcmp(found(&g, "LOG"), "LOGOFF"));
	CHECK(!strcmp(found(&g, "DISC"), "DISCONNECT"));
	CHECK(!strcmp(found(&g, "DEF"), "DEFINE"));
	CHECK(!strcmp(found(&g, "DE"), "")); /* shorter than the minimum */
	CHECK(!strcmp(found(&g, "D"), "DISPLAY"));
	CHECK(!strcmp(found(&g, "DIS"), "DISPLAY"));
	CHECK(!strcmp(found(&g, "ST"), "STORE"));
	CHECK(!strcmp(found(&g, "QUERYX"), "")); /* longer than the name */
	/* LOGON only before logon, LOGOFF only after */
	CHECK(!strcmp(found(NULL, "LOGON"), "LOGON"));
	CHECK(!strcmp(found(NULL, "L"), "LOGON"));
	CHECK(!strcmp(found(NULL, "QUERY"), ""));
	CHECK(!strcmp(found(&g, "LOGON"), ""));
	/* classes: class A commands do not exist for a class G user */
	CHECK(!strcmp(found(&g, "FORCE"), ""));
	CHECK(!strcmp(found(&g, "SHUTDOWN"), ""));
	CHECK(!strcmp(found(&g, "AUTOLOG"), ""));
	CHECK(!strcmp(found(&a, "FORCE"), "FORCE"));
	CHECK(!strcmp(found(&a, "XAUTO"), "XAUTOLOG"));
	/* QUERY operands */
	CHECK(cp_command_find(cp_query_commands, &g, "V") &&
	      !strcmp(cp_command_find(cp_query_commands, &g, "V")->name, "VIRTUAL"));
	CHECK(!strcmp(cp_command_find(cp_query_commands, &g, "N")->name, "NAMES"));
	CHECK(!strcmp(cp_command_find(cp_query_commands, &g, "T")->name, "TERMINAL"));
	CHECK(!strcmp(cp_command_find(cp_query_commands, &g, "TIME")->name, "TIME"));
	/* every row is well formed */
	for (const struct cp_command *c = cp_commands; c->name; c++)
		CHECK(c->minlen >= 1 && c->minlen <= strlen(c->name) && c->fn && c->help &&
		      c->classes[0]);
}

static void test_capture(void)
{
	struct dir_user gd = {.id = "LINUX01", .classes = "G"};
	struct cp_user g = {.dir = &gd, .id = gd.id, .linend = '#', .storage = 64 << 20};
	struct cp_capture cap;
	int rc;

	cp_capture_init(&cap);
	rc = cp_execute(&g, "QUERY VIRTUAL STORAGE", &cap.sink);
	CHECK(rc == 0 && cap.n == 1 && !strcmp(cap.lines[0], "STORAGE = 64M"));
	cp_capture_free(&cap);
	rc = cp_execute(&g, "CP Q TERM", &cap.sink);
	CHECK(rc == 0 && cap.n == 4 &&
	      !strcmp(cap.lines[0], "LINEND #, LINESIZE 080, ATTN OFF, APL OFF"));
	cp_capture_free(&cap);
	/* an unknown command and a class A command: RC 1, HCPCMD001E */
	rc = cp_execute(&g, "frob x", &cap.sink);
	CHECK(rc == 1 && cap.n == 1 &&
	      !strcmp(cap.lines[0], "HCPCMD001E Unknown CP command: FROB"));
	cp_capture_free(&cap);
	rc = cp_execute(&g, "FORCE MAINT", &cap.sink);
	CHECK(rc == 1 && cap.n == 1 &&
	      !strcmp(cap.lines[0], "HCPCMD001E Unknown CP command: FORCE"));
	cp_capture_free(&cap);
	rc = cp_execute(&g, "QUERY", &cap.sink);
	CHECK(rc == 26 && cap.n == 1 &&
	      !strcmp(cap.lines[0], "HCPCMD026E Operand missing or invalid"));
	cp_capture_free(&cap);
	rc = cp_execute(&g, "SET LINEND ;", &cap.sink);
	CHECK(rc == 0 && cap.n == 0 && g.linend == ';');
	cp_capture_free(&cap);
}

static void test_messages(void)
{
	char buf[256];

	/* every message has a module, a number and a known severity */
	for (int i = 0; i < MSG_COUNT; i++) {
		const struct cp_message *m = &cp_messages[i];

		CHECK(m->text && m->module && strlen(m->module) == 3 && m->number > 0);
		CHECK(m->severity && strchr("RIWES", m->severity));
	}
	CHECK(cp_msg_format(buf, sizeof(buf), MSG_CMD_UNKNOWN, "X") == 1);
	CHECK(!strcmp(buf, "HCPCMD001E Unknown CP command: X"));
	CHECK(cp_msg_format(buf, sizeof(buf), MSG_STORAGE, "64M") == 0);
	CHECK(!strcmp(buf, "STORAGE = 64M"));
}

int main(void)
{
	test_lookup();
	test_capture();
	test_messages();
	return failures ? 1 : 0;
}
