/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_MAIN_H
#define RVCP_CP_MAIN_H
/*
 * `rvcp cp`: the control program daemon (cp/main.c).  argv[0] is the
 * subcommand name; returns the exit status after SIGTERM/SIGINT.
 */
int cp_main(int argc, char **argv);
#endif
