// SPDX-License-Identifier: MIT
/* Placeholder until its module lands: says so and fails. */
#include <stdio.h>

#include "tools/tools.h"

int run_elf_main(int argc, char **argv)
{
	fprintf(stderr, "rvcp %s: not built yet\n", argv[0]);
	return 1;
}
