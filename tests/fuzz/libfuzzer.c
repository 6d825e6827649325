// SPDX-License-Identifier: MIT
/*
 * libFuzzer entry for one target of tests/fuzz/targets.c, chosen at build
 * time with -DFUZZ_TARGET=fuzz_NAME (make fuzz builds build/fuzz/fuzz_NAME
 * for every target).  Run e.g.
 *   build/fuzz/fuzz_spool -max_total_time=60 build/fuzz/corpus/spool
 */
#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return FUZZ_TARGET(data, size);
}
