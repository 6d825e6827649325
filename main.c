// SPDX-License-Identifier: MIT
/* rvcp: one binary, one subcommand per job (DESIGN §5). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cp/main.h"
#include "vm/vm.h"
#include "rexx/rexx.h"

static const struct tool {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *usage;
} tools[] = {
    {"cp", cp_main, "--directory FILE --spool DIR [--listen 127.0.0.1:2323]   the daemon"},
    {"vm", vm_main, "--fd N   a virtual machine process (started by cp)"},
    {"rexx", rexx_child_main, "--fd 3   an EXEC's process (started by cp)"},
    {"boot", boot_main,
     "--kernel Image [--initrd F] [--disk IMG[,ro]]... [--append TEXT] [--memory 64M] "
     "[--bios FW] [--ipl IMG]"},
    {"zipl", zipl_main, "--disk IMG --kernel Image [--initrd F] [--parm TEXT]"},
    {"run-elf", run_elf_main, "[--timeout SECONDS] FILE   bare-metal, M-mode, HTIF tohost"},
    {"nssplan", nssplan_main,
     "KERNEL    print the DEFSYS line that shares what the kernel never writes"},
};

static int usage(FILE *f)
{
	fprintf(f, "usage: rvcp COMMAND [options]\n");
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		fprintf(f, "  rvcp %-8s %s\n", tools[i].name, tools[i].usage);
	return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (!strcmp(argv[1], tools[i].name))
			return tools[i].main(argc - 1, argv + 1);
	fprintf(stderr, "rvcp: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
