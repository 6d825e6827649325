/* SPDX-License-Identifier: MIT */
#ifndef RVCP_TESTS_CHECK_H
#define RVCP_TESTS_CHECK_H
/*
 * The unit tests' one assertion: CHECK(cond) reports a failed condition with
 * its file and line and counts it; main() ends with `return failures != 0;`
 * so every check of a run is reported, not just the first.
 */
#include <stdio.h>

static int failures;

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c);      \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#endif
