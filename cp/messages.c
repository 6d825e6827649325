// SPDX-License-Identifier: MIT
/*
 * The message table of CP, made from the list in cp/messages.def, and the
 * functions the cp_msg macros of cp/messages.h call.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cp/messages.h"

const struct cp_message cp_messages[MSG_COUNT] = {
#define MSG(name, mod, num, sev, fmt) [MSG_##name] = {mod, num, sev, MSG_##name##_fmt},
#include "cp/messages.def"
#undef MSG
};

bool cp_msg_echoes_operand(enum cp_msg_id id)
{
	switch (id) {
	case MSG_CMD_INVALID_OPTION:
	case MSG_CMD_INVALID_OPERAND:
	case MSG_CMD_BEFORE_LOGON:
	case MSG_LINEND_INVALID:
	case MSG_NSS_BAD_RANGE:
	case MSG_NSS_NO_TYPE:
	case MSG_NSS_BAD_TYPE:
	case MSG_NSS_CONFLICT:
		return true;
	default:
		return false;
	}
}

/* The operand is what the format's one "%s", at its end, produced. */
static void cp_msg_upper_operand(char *text, const char *fmt)
{
	const char *conv = strstr(fmt, "%s");
	size_t at = conv ? (size_t)(conv - fmt) : strlen(fmt);

	for (char *p = text + strnlen(text, at); *p; p++)
		*p = toupper((unsigned char)*p);
}

static int cp_msg_vprint(char *buf, size_t size, enum cp_msg_id id, const char *fmt, va_list ap)
{
	const struct cp_message *m = &cp_messages[id];
	size_t n = 0;

	if (m->severity != 'R')
		n = snprintf(buf, size, "HCP%s%03u%c ", m->module, m->number, m->severity);
	if (n < size) {
		vsnprintf(buf + n, size - n, fmt, ap);
		if (cp_msg_echoes_operand(id))
			cp_msg_upper_operand(buf + n, fmt);
	}
	switch (m->severity) {
	case 'W':
	case 'E':
	case 'S':
		return (int)m->number;
	default:
		return 0;
	}
}

int cp_msg_print(char *buf, size_t size, enum cp_msg_id id, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cp_msg_vprint(buf, size, id, fmt, ap);
	va_end(ap);
	return rc;
}

/* A message may hold several lines separated by '\n'. */
int cp_msg_put(struct cp_sink *s, enum cp_msg_id id, const char *fmt, ...)
{
	char buf[2048], *line, *save = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cp_msg_vprint(buf, sizeof(buf), id, fmt, ap);
	va_end(ap);
	if (!s)
		return rc;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		s->line(s, line);
	return rc;
}
