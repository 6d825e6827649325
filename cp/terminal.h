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
#include <stddef.h>

#include "cp/cp.h"

struct cp_term;

/* Seconds a terminal may stay without a user before it is dropped; 0: ever. */
void term_set_logon_timeout(unsigned seconds);
/* Listen on "host:port"; 0 or -errno. */
int term_listen(const char *hostport);
void term_write_line(struct cp_term *t, const char *text);
void term_write_raw(struct cp_term *t, const void *buf, size_t len);
/* Ask the password for userid (LOGON). */
void term_logon_prompt(struct cp_term *t, const char *userid);
/* Flush the output, then close: LOGOFF, DISCONNECT, FORCE, takeover. */
void term_hangup(struct cp_term *t);
/* The user leaves, the line stays: logo, ready for LOGON (LOGOFF HOLD). */
void term_release(struct cp_term *t);
/* Takes the lines typed while the user was held (cp_user_hold). */
void term_typeahead_replay(struct cp_term *t);
/* "L0001": the terminal's name in QUERY NAMES. */
const char *term_name(const struct cp_term *t);
/* Close everything (shutdown). */
void term_close_all(void);

#endif
