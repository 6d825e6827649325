/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_TERMINAL_H
#define RVCP_CP_TERMINAL_H
/*
 * Line-mode terminals: telnet (through libtelnet), nc and socat.
 *
 * A terminal connects, gets the logo, and is in CP READ without a user.
 * LOGON userid asks for the password with echo off (the server says WILL
 * ECHO and does not echo).  Once logged on, lines are routed by the user's
 * state:
 *   CP READ   the line is split at the LINEND character into CP commands;
 *             a command with CP_CMD_REST takes the rest of the line.
 *   RUNNING   the line goes to the guest's console, unless it starts with
 *             LINEND + "CP": "#CP cmd#cmd" runs the commands in CP while the
 *             guest keeps running; "#CP" alone stops the guest (CP READ).
 * The break key stops the guest into CP READ: telnet's BREAK (IAC BRK: "send
 * brk", or Ctrl-\ in telnet's line mode).  telnet's Ctrl-C (IAC IP) is passed
 * to the guest as Ctrl-C, so Linux shells keep it.
 */

/* Seconds a terminal may stay without a user before it is dropped; 0: ever. */
void term_set_logon_timeout(unsigned seconds);
/* Listen on "host:port"; 0 or -errno. */
int term_listen(const char *hostport);
/* Close everything (shutdown). */
void term_close_all(void);

#endif
