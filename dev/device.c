// SPDX-License-Identifier: MIT
/* Helpers of the device model (dev/device.h). */
#include "dev/device.h"

#include <errno.h>
#include <stdio.h>

int dev_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int dev_check_len(size_t len, size_t want, char *err, size_t errlen)
{
	if (len == want)
		return 0;
	return dev_fail(err, errlen, "section is %zu bytes, expected %zu", len, want);
}
