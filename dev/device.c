// SPDX-License-Identifier: MIT
/* Helpers of the device model (dev/device.h). */
#include "dev/device.h"

#include <errno.h>

#include "util/errbuf.h"

int dev_check_len(size_t len, size_t want, char *err, size_t errlen)
{
	if (len == want)
		return 0;
	return errbuf_set(err, errlen, -EINVAL, "section is %zu bytes, expected %zu", len, want);
}
