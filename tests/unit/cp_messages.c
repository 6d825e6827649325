// SPDX-License-Identifier: MIT
/*
 * The message list (cp/messages.def): every message well formed; a number
 * shown to users means one message whatever the module, as in z/VM; and
 * each message z/VM also has carries z/VM's number, severity and wording.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cp/messages.h"
#include "tests/unit/check.h"

/*
 * The messages z/VM also has, as IBM's z/VM CP Messages and Codes gives
 * them: number, severity and text, a variable of the text in braces.  Only
 * messages whose z/VM text could be checked are here.
 */
static const struct zvm_message {
	enum cp_msg_id id;
	unsigned number;
	char severity;
	const char *text;
} zvm_messages[] = {
    {MSG_CMD_UNKNOWN, 1, 'E', "Unknown CP command: {command}"},
    {MSG_CMD_INVALID_OPERAND, 2, 'E', "Invalid operand - {operand}"},
    {MSG_CMD_INVALID_OPTION, 3, 'E', "Invalid option - {option}"},
    {MSG_NSS_CONFLICT, 13, 'E', "Conflicting option - {option}"},
    {MSG_DASD_NO_DEVICE, 40, 'E', "Device {vdev} does not exist"},
    {MSG_CMD_MISSING_OPERAND, 26, 'E', "Operand missing or invalid"},
    {MSG_CMD_NOT_LOGGED_ON, 45, 'E', "{userid} not logged on"},
    {MSG_Q_NOT_LOGGED_ON, 45, 'E', "{userid} not logged on"},
    {MSG_LOGON_FAILED, 50, 'E', "LOGON unsuccessful--incorrect userid and/or password"},
    {MSG_NOT_IN_DIRECTORY, 53, 'E', "{userid} not in CP directory"},
    {MSG_MSG_DISCONNECTED, 57, 'I', "{userid} not receiving; disconnected"},
};

/* Text with each variable ("%-8s", "{userid}") made one '*'. */
static void shape(const char *in, char *out, size_t size)
{
	size_t n = 0;

	while (*in && n + 1 < size) {
		if (in[0] == '%' && in[1] == '%') {
			out[n++] = '%';
			in += 2;
		} else if (*in == '%') {
			in += 1 + strspn(in + 1, "-+ #0123456789.lhz");
			in += *in != 0;
			out[n++] = '*';
		} else if (*in == '{' && strchr(in, '}')) {
			in = strchr(in, '}') + 1;
			out[n++] = '*';
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = 0;
}

static const struct zvm_message *zvm_find(enum cp_msg_id id)
{
	for (size_t i = 0; i < sizeof(zvm_messages) / sizeof(zvm_messages[0]); i++)
		if (zvm_messages[i].id == id)
			return &zvm_messages[i];
	return NULL;
}

static void test_well_formed(void)
{
	for (int i = 0; i < MSG_COUNT; i++) {
		const struct cp_message *m = &cp_messages[i];

		CHECK(m->text && m->module && strlen(m->module) == 3 && m->number > 0 &&
		      m->number <= 9999);
		CHECK(m->severity && strchr("RIWES", m->severity));
	}
}

/* No module and number twice, responses included. */
static void test_unique_ids(void)
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

/*
 * A shown number (not a response) means one message in every module: two
 * rows may share it only as the same message issued by two modules
 * (HCPCMD045E, HCPCQU045E), or where z/VM itself uses it for both (440I:
 * DEFSYS and SAVESYS).
 */
static void test_unique_numbers(void)
{
	for (int i = 0; i < MSG_COUNT; i++) {
		const struct cp_message *a = &cp_messages[i];

		for (int j = i + 1; j < MSG_COUNT && a->severity != 'R'; j++) {
			const struct cp_message *b = &cp_messages[j];
			bool zvm = (a->number == 440 && b->number == 440 && a->severity == 'I' &&
				    b->severity == 'I');

			bool same = a->severity == b->severity && !strcmp(a->text, b->text);

			if (b->severity == 'R' || a->number != b->number || zvm || same)
				continue;
			fprintf(stderr,
				"number %03u means two things: HCP%s%03u%c \"%s\", HCP%s%03u%c "
				"\"%s\"\n",
				a->number, a->module, a->number, a->severity, a->text, b->module,
				b->number, b->severity, b->text);
			CHECK(!"a message number means two things");
		}
	}
}

static void test_zvm(void)
{
	for (size_t i = 0; i < sizeof(zvm_messages) / sizeof(zvm_messages[0]); i++) {
		const struct zvm_message *z = &zvm_messages[i];
		const struct cp_message *m = &cp_messages[z->id];
		char ours[256], theirs[256];

		shape(m->text, ours, sizeof(ours));
		shape(z->text, theirs, sizeof(theirs));
		if (m->number == z->number && m->severity == z->severity && !strcmp(ours, theirs))
			continue;
		fprintf(stderr, "HCP%s%03u%c \"%s\" is z/VM's HCP%03u%c \"%s\"\n", m->module,
			m->number, m->severity, m->text, z->number, z->severity, z->text);
		CHECK(!"a message differs from z/VM's");
	}
	CHECK(zvm_find(MSG_CMD_UNKNOWN) && !zvm_find(MSG_STORAGE));
}

/* Operands are echoed in upper case, as z/VM does. */
static void test_operand_echo(void)
{
	char buf[128];

	for (int i = 0; i < MSG_COUNT; i++) {
		const char *t = cp_messages[i].text, *conv = strchr(t, '%');

		if (!cp_msg_echoes_operand(i))
			continue;
		CHECK(conv && !strcmp(conv, "%s")); /* one conversion, at the end */
	}
	CHECK(cp_msg_format(buf, sizeof(buf), MSG_CMD_INVALID_OPTION, "frob") == 3);
	CHECK(!strcmp(buf, "HCPCMD003E Invalid option - FROB"));
	CHECK(cp_msg_format(buf, sizeof(buf), MSG_LINEND_INVALID, "xy") == 1062);
	CHECK(!strcmp(buf, "HCPTRM1062E Invalid LINEND character - XY"));
	/* other text keeps its case */
	CHECK(cp_msg_format(buf, sizeof(buf), MSG_MSG_FROM, "MAINT", "hello") == 0);
	CHECK(!strcmp(buf, "MSG FROM MAINT   : hello"));
}

/* The identifier, the severity and the return code of a formatted message. */
static void test_format(void)
{
	char buf[128];

	CHECK(cp_msg_format(buf, sizeof(buf), MSG_TERM_TYPEAHEAD_FULL) == 1051);
	CHECK(!strcmp(buf, "HCPTRM1051W Input line lost: too much typed ahead"));
	CHECK(cp_msg_format(buf, sizeof(buf), MSG_EXEC_RC, "A", 3) == 0);
	CHECK(!strcmp(buf, "HCPEXC1066I EXEC A ended, RC=3"));
	/* a message longer than the buffer is cut, never overrun */
	CHECK(cp_msg_format(buf, 12, MSG_CMD_UNKNOWN, "FROB") == 1);
	CHECK(!strcmp(buf, "HCPCMD001E "));
}

int main(void)
{
	test_well_formed();
	test_unique_ids();
	test_unique_numbers();
	test_zvm();
	test_operand_echo();
	test_format();
	return failures ? 1 : 0;
}
