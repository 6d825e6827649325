// SPDX-License-Identifier: MIT
/*
 * The message list (cp/messages.def): every message well formed, and no
 * identifier (module and number) used for two messages, so that a number
 * a user or a script looks up means one thing.
 */
#include <stdio.h>
#include <string.h>

#include "cp/messages.h"
#include "tests/unit/check.h"

static void test_well_formed(void)
{
	for (int i = 0; i < MSG_COUNT; i++) {
		const struct cp_message *m = &cp_messages[i];

		CHECK(m->text && m->module && strlen(m->module) == 3 && m->number > 0 &&
		      m->number <= 9999);
		CHECK(m->severity && strchr("RIWES", m->severity));
	}
}

static void test_unique(void)
{
	for (int i = 0; i < MSG_COUNT; i++) {
		const struct cp_message *a = &cp_messages[i];

		for (int j = i + 1; j < MSG_COUNT; j++) {
			const struct cp_message *b = &cp_messages[j];

			if (strcmp(a->module, b->module) || a->number != b->number)
				continue;
			fprintf(stderr, "HCP%s%03u used twice: %c \"%s\" and %c \"%s\"\n",
				a->module, a->number, a->severity, a->text, b->severity, b->text);
			CHECK(!"a message identifier is used twice");
		}
	}
}

/* The identifier, the severity and the return code of a formatted message. */
static void test_format(void)
{
	char buf[128];

	CHECK(cp_msg_format(buf, sizeof(buf), MSG_TERM_TYPEAHEAD_FULL) == 1);
	CHECK(!strcmp(buf, "HCPTRM001W Input line lost: too much typed ahead"));
	CHECK(cp_msg_format(buf, sizeof(buf), MSG_LINEND_INVALID, "XY") == 5);
	CHECK(!strcmp(buf, "HCPTRM005E Invalid LINEND character - XY"));
	CHECK(cp_msg_format(buf, sizeof(buf), MSG_EXEC_RC, "A", 3) == 0);
	CHECK(!strcmp(buf, "HCPEXC004I EXEC A ended, RC=3"));
	/* a message longer than the buffer is cut, never overrun */
	CHECK(cp_msg_format(buf, 12, MSG_CMD_UNKNOWN, "FROB") == 1);
	CHECK(!strcmp(buf, "HCPCMD001E "));
}

int main(void)
{
	test_well_formed();
	test_unique();
	test_format();
	return failures ? 1 : 0;
}
