// SPDX-License-Identifier: MIT
/* Log lines with a timestamp and the process role, one write() each;
 * control and non-ASCII bytes are shown as '?'. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

static char log_name[32] = "rvcp";

void log_set_name(const char *name)
{
	snprintf(log_name, sizeof(log_name), "%s", name);
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
	char buf[1024];
	time_t now = time(NULL);
	struct tm tm;
	size_t n;

	gmtime_r(&now, &tm);
	n = strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S ", &tm);
	n += snprintf(buf + n, sizeof(buf) - n, "%s: %s", log_name, level);
	if (n < sizeof(buf))
		n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	/*
	 * One event, one line: text from guests, VM processes or terminals
	 * must not forge log lines or send escape sequences to the operator.
	 */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
			buf[i] = '?';
	buf[n++] = '\n';
	/* One write per line so lines of several processes do not interleave. */
	if (write(STDERR_FILENO, buf, n) < 0)
		return;
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warning: ", fmt, ap);
	va_end(ap);
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("error: ", fmt, ap);
	va_end(ap);
}
