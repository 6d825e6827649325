// SPDX-License-Identifier: MIT
/*
 * rvcp-vm: the VM programs alone (`rvcp-vm vm-starter`, `rvcp-vm vm`),
 * linked with only what a VM uses.  CP starts its VM starter from this
 * program when it lies beside CP's own (vm/starter.h): without CP's
 * libraries (libcurl and the TLS stack under it, whose constructors fill
 * the heap at load) every VM process holds fewer pages of its own.
 */
#include <stdio.h>
#include <string.h>

#include "vm/starter.h"
#include "vm/vm.h"

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "vm-starter"))
		return vm_starter_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "vm"))
		return vm_main(argc - 1, argv + 1);
	fprintf(stderr, "usage: rvcp-vm vm-starter|vm ... (started by rvcp cp)\n");
	return 2;
}
