/* SPDX-License-Identifier: MIT */
#ifndef RVCP_TOOLS_H
#define RVCP_TOOLS_H
/* Entry points of the subcommands; argv[0] is the subcommand name. */
int cp_main(int argc, char **argv);	 /* cp/main.c */
int vm_main(int argc, char **argv);	 /* vm/main.c */
int boot_main(int argc, char **argv);	 /* tools/boot.c */
int zipl_main(int argc, char **argv);	 /* tools/zipl.c */
int run_elf_main(int argc, char **argv); /* tools/run_elf.c */
int nssplan_main(int argc, char **argv); /* tools/nssplan.c */
#endif
