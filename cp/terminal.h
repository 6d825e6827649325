/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_TERMINAL_H
#define RVCP_CP_TERMINAL_H
/*
 * Terminals: telnet (through libtelnet), nc and socat in line mode, and
 * 3270s (x3270, c3270, s3270: TN3270 and TN3270E) on the same port.  At
 * connect CP asks DO TN3270E and DO TERMINAL-TYPE; a client that answers
 * with a 3270 type gets a 3270 session (cp/tn3270.h: the screen, the
 * keys, the status area), any other line mode.  The logo waits for the
 * answer: 0.5 s for a client that does not answer (nc, socat), 30 s for
 * one that answered to finish the 3270 negotiation, then line mode.  On a
 * 3270 the input area is the typed line, ENTER sends it, PA1 is the
 * break, PF keys do what SET PFnn says (PF12: RETRIEVE); the rest below
 * holds for both kinds.  The top
 * of CP's core: it calls the commands (cp/commands.h) and the users
 * (cp/user.h), and is reached from below only through the struct
 * cp_console it gives each user.
 *
 * A terminal connects, gets the logo, and is in CP READ without a user.
 * LOGON userid asks for the password with echo off (the server says WILL
 * ECHO and does not echo).  Once logged on, lines are routed by the user's
 * state:
 *   CP READ   the line is split at the LINEND character (default '#') into
 *             CP commands; a command with CP_CMD_REST in the table (TRACE)
 *             takes the rest of the line.
 *   RUNNING   the line goes to the guest's console unsplit (shells use '#'),
 *             unless it starts with LINEND + "CP": "#CP cmd#cmd" runs the
 *             commands in CP while the guest keeps running; "#CP" alone
 *             stops the guest (CP READ; for nc and socat, which have no
 *             break key).
 * Commands from EXECs (cp_execute()) are never split.  VM READ is not told
 * apart from RUNNING: a line-mode console cannot see whether the guest is
 * reading.
 *
 * The break key stops the guest into CP READ (BEGIN resumes it): telnet's
 * BREAK (IAC BRK: "send brk" at telnet's ^] prompt, or Ctrl-\ in telnet's
 * line mode).  telnet's Ctrl-C arrives as IAC IP and is passed to the guest
 * as Ctrl-C, so Linux shells keep it.
 *
 * The password prompt: IAC WILL ECHO (the client stops echoing, CP does not
 * echo) is sent only to clients that end lines with CR or speak telnet; nc
 * and socat end lines with LF alone and would print the option bytes.  A
 * password is checked off the loop (cp/pwcheck.h), so a costly hash stalls
 * no one.  A failed LOGON (an unknown user gets the same answer) is answered
 * after a delay that grows with the source address's failures, and logged;
 * too many failures lock the address, or the userid against the addresses
 * that failed on it (cp/logon_guard.h: HCPLGA1290E-1292E; rvcp cp
 * --logon-lock-user N (5), --logon-lock-address N (20), 0 = never;
 * --logon-delay MS (1500), the first failure's delay).
 *
 * LOGON of a user connected elsewhere: the new terminal takes over, the old
 * one gets HCPLGA1050I and is dropped.  LOGOFF and DISCONNECT drop the line,
 * as with z/VM's logical (telnet) terminals; LOGOFF HOLD and DISCONNECT HOLD
 * keep it, showing the logo.  QUERY NAMES shows a terminal as L0001 (its
 * name), a disconnected user as DSC.
 *
 * Limits, because every terminal user is untrusted (tests/sh/cp_limits.sh):
 *   - at most 1 MiB of output waits per terminal (TERM_OUT_MAX); beyond
 *     that, guest output is dropped (and so it is for a disconnected user);
 *   - a typed line longer than 2047 characters is discarded whole with
 *     HCPTRM1052E: half a command or half a guest line could do harm;
 *   - at most 512 terminals (TERM_MAX); a further connection gets
 *     HCPTRM1053E and is closed;
 *   - a terminal without a user for 300 s (rvcp cp --logon-timeout S, 0 =
 *     never; counted from the connection or from LOGOFF HOLD) gets
 *     HCPTRM1054E and is dropped, so idle connections cannot hold every slot;
 *   - when accept() fails for want of descriptors or memory, CP stops
 *     listening for 200 ms instead of spinning on the queued connection;
 *   - one source address holds at most 32 terminals that have not logged
 *     on (rvcp cp --logon-per-address N, 0 = no limit); beyond, a new
 *     connection from it gets HCPTRM1072E and is closed, so one host cannot
 *     take every slot from the others.  Logged-on terminals do not count.
 */

/* Seconds a terminal may stay without a user before it is dropped; 0: ever. */
void term_set_logon_timeout(unsigned seconds);
/* Terminals without a user one source address may hold; 0: no limit. */
void term_set_logon_per_address(unsigned n);
void term_set_logon_guard(unsigned lock_user, unsigned lock_address, unsigned delay_ms);
/* Listen on "host:port"; 0 or -errno. */
int term_listen(const char *hostport);
/* Close everything (shutdown). */
void term_close_all(void);

#endif
