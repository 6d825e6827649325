/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CLI_CLI_H
#define RVCP_CLI_CLI_H
/*
 * The subcommands that are tools rather than subsystems; main.c's table
 * names them next to cp_main (cp/main.h) and vm_main (vm/vm.h).
 * argv[0] is the subcommand name; the return value is the exit status.
 */
int boot_main(int argc, char **argv);	 /* cli/boot.c */
int zipl_main(int argc, char **argv);	 /* cli/zipl.c */
int run_elf_main(int argc, char **argv); /* cli/run_elf.c */
int nssplan_main(int argc, char **argv); /* cli/nssplan.c */
#endif
