// SPDX-License-Identifier: MIT
/*
 * The message table of CP, made from the list in cp/messages.def, and the
 * functions the cp_msg macros of cp/messages.h call.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cp/messages.h"

const struct cp_message cp_messages[MSG_COUNT] = {
#define MSG(name, mod, num, sev, fmt) [MSG_##name] = {mod, num, sev, MSG_##name##_fmt},
#include "cp/messages.def"
#undef MSG
};

static int cp_msg_vprint(char *buf, size_t size, enum cp_msg_id id, const char *fmt, va_list ap)
{
	const struct cp_message *m = &cp_messages[id];
	size_t n = 0;

	if (m->severity != 'R')
		n = snprintf(buf, size, "HCP%s%03u%c ", m->module, m->number, m->severity);
	if (n < size)
		vsnprintf(buf + n, size - n, fmt, ap);
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
