// SPDX-License-Identifier: MIT
/*
 * The message table of CP.  Numbers and wording follow z/VM where z/VM has
 * the message (HCPCMD001E, HCPLGA050E, ...); the others are numbered in
 * the same style.  Severity R is a command response, shown without id.
 */
#include <stdio.h>

#include "cp/messages.h"

#define M(mod, num, sev, txt)                                                                      \
	{                                                                                          \
		mod, num, sev, txt                                                                 \
	}

const struct cp_message cp_messages[MSG_COUNT] = {
    [MSG_NONE] = M("CMD", 0, 'R', ""),
    [MSG_CMD_UNKNOWN] = M("CMD", 1, 'E', "Unknown CP command: %s"),
    [MSG_CMD_INVALID_OPTION] = M("CMD", 3, 'E', "Invalid option - %s"),
    [MSG_CMD_INVALID_OPERAND] = M("CMD", 2, 'E', "Invalid operand - %s"),
    [MSG_CMD_MISSING_OPERAND] = M("CMD", 26, 'E', "Operand missing or invalid"),
    [MSG_CMD_NOT_LOGGED_ON] = M("CMD", 45, 'E', "%s not logged on"),
    [MSG_CMD_BEFORE_LOGON] = M("CFC", 15, 'E', "Command not valid before LOGON: %s"),
    [MSG_CMD_HELP] = M("HLP", 1, 'R', "%-10s %-4s %s"),

    [MSG_LOGO] = M("LGA", 1, 'R',
		   "rvcp - a z/VM-style control program for RISC-V virtual machines\n"
		   " \n"
		   "Enter LOGON userid to log on.  On a running guest, #CP cmd reaches CP\n"
		   "and #CP alone (or telnet BREAK / IP) stops it into CP READ."),
    [MSG_LOGON_PASSWORD] = M("LGA", 2, 'R', "ENTER PASSWORD (IT WILL NOT APPEAR WHEN TYPED):"),
    [MSG_LOGON_FAILED] = M("LGA", 50, 'E', "LOGON unsuccessful--incorrect userid and/or password"),
    [MSG_LOGON_AT] = M("LGA", 3, 'R', "LOGON AT %s"),
    [MSG_RECONNECTED_AT] = M("LGA", 4, 'R', "RECONNECTED AT %s"),
    [MSG_LOGOFF_AT] = M("LGA", 5, 'R', "LOGOFF AT %s"),
    [MSG_DISCONNECT_AT] = M("LGA", 6, 'R', "DISCONNECT AT %s"),
    [MSG_CONNECT_TIMES] = M("LGA", 7, 'R', "CONNECT= %s VIRTCPU= %s TOTCPU= %s"),
    [MSG_LOGON_TAKEN_OVER] = M("LGA", 57, 'I', "User %s has been reconnected at another terminal"),
    [MSG_TERM_TYPEAHEAD_FULL] = M("TRM", 1, 'W', "Input line lost: too much typed ahead"),
    [MSG_TERM_LOGON_TIMEOUT] = M("TRM", 4, 'E', "No LOGON within %u seconds; terminal dropped"),
    [MSG_TERM_LINE_TOO_LONG] = M("TRM", 2, 'E', "Input line discarded: longer than %d characters"),
    [MSG_TERM_TOO_MANY] =
	M("TRM", 3, 'E', "All %d terminals are in use; connection refused, try again later"),
    [MSG_LOGON_VM_FAILED] = M("LGA", 70, 'E', "Virtual machine for %s not created: %s"),
    [MSG_ALREADY_LOGGED_ON] = M("LGA", 361, 'E', "%s already logged on"),
    [MSG_NOT_IN_DIRECTORY] = M("LGA", 53, 'E', "%s not in CP directory"),
    [MSG_LOGON_NOT_ALLOWED] = M("LGA", 58, 'E', "LOGON of %s not allowed (NOLOG or AUTOONLY)"),
    [MSG_FORCED_BY] = M("CFX", 1, 'R', "USER %-8s FORCED BY %s"),
    [MSG_FORCED] = M("CFX", 2, 'R', "FORCED BY %s"),
    [MSG_AUTOLOG_ACCEPTED] = M("XAU", 1, 'R', "Command accepted"),
    [MSG_AUTO_LOGON] = M("XAU", 2, 'R', "AUTO LOGON  ***       %-8s USERS = %d"),
    [MSG_SHUTDOWN_STARTED] = M("WRP", 1, 'R', "SYSTEM SHUTDOWN STARTED"),
    [MSG_SHUTDOWN_BY] = M("WRP", 963, 'I', "SHUTDOWN STARTED BY %s"),

    [MSG_LINK_RW_BY] = M("LNM", 104, 'E', "%s %04X not linked; R/W by %s"),
    [MSG_LINK_RO_BY] = M("LNM", 101, 'E', "%s %04X not linked; R/O by %s"),
    [MSG_LINK_FAILED] = M("LNM", 105, 'E', "%s %04X not linked; %s"),

    [MSG_VM_ENDED] = M("VMP", 1, 'E', "Virtual machine %s ended abnormally (%s); CP READ"),
    [MSG_VM_NOT_IPLED] = M("BGN", 1, 'E', "Virtual machine not IPLed"),
    [MSG_VM_POWEROFF] =
	M("GSP", 2630, 'I', "The virtual machine is placed in stopped state (guest power off)"),
    [MSG_VM_TRACE_STOP] = M("TRC", 1, 'R', " -> %08llX  INSTRUCTION TRACE"),
    [MSG_IPL_NO_DEVICE] = M("IPL", 40, 'E', "Device %04X does not exist"),
    [MSG_IPL_FAILED] = M("IPL", 41, 'E', "IPL failed: %s"),
    [MSG_STORAGE] = M("DST", 1, 'R', "STORAGE = %s"),
    [MSG_STORAGE_EXCEEDS] = M("DST", 94, 'E', "Storage size (%s) exceeds directory maximum (%s)"),
    [MSG_STORAGE_HOST] =
	M("DST", 1095, 'E', "Storage size (%s) exceeds the host's memory and swap (%s)"),
    [MSG_STORAGE_CLEARED] = M("DST", 2, 'R', "Storage cleared - system reset."),
    [MSG_SYSTEM_RESET] = M("SRS", 1, 'R', "System reset."),

    [MSG_Q_TERMINAL_1] = M("QTM", 1, 'R', "LINEND %s, LINESIZE 080, ATTN OFF, APL OFF"),
    [MSG_Q_TERMINAL_2] = M("QTM", 2, 'R', "TEXT OFF, MODE VM, HILIGHT OFF, CONMODE 3215"),
    [MSG_Q_TERMINAL_3] = M("QTM", 3, 'R', "BREAKIN IMMED, BRKKEY %s, SCROLL CONT, CNTL CHAR"),
    /* One line of up to four "USERID   - TERM" entries, composed by QUERY NAMES. */
    [MSG_Q_NAMES] = M("QNA", 1, 'R', "%s"),
    [MSG_Q_USERS] = M("QUS", 1, 'R', "%5d USERS, %5d DIALED, %5d NET"),
    [MSG_Q_USER] = M("QUS", 2, 'R', "%-8s - %s"),
    [MSG_Q_TIME] = M("QTI", 1, 'R', "TIME IS %s"),
    [MSG_Q_CONNECT] = M("QTI", 2, 'R', "CONNECT= %s VIRTCPU= %s TOTCPU= %s"),
    [MSG_Q_DASD] = M("QVD", 1, 'R', "DASD %04X 9336 %-6s %s %10llu BLK ON IMAGE %s"),
    [MSG_Q_DASD_NONE] = M("QVD", 2, 'I', "No virtual DASD"),
    [MSG_MSG_FROM] = M("MSG", 1, 'R', "MSG FROM %-8s: %s"),
    [MSG_MSG_DISCONNECTED] = M("MSG", 57, 'I', "%s not receiving; disconnected"),
    [MSG_LINEND_INVALID] = M("TRM", 1, 'E', "Invalid LINEND character - %s"),

    [MSG_NSS_NOT_FOUND] = M("NSS", 422, 'E', "System %s does not exist"),
    [MSG_NSS_DEFINED] =
	M("NSD", 440, 'I', "Saved system %s was successfully defined in fileid %04u."),
    [MSG_NSS_SAVED] = M("NSS", 440, 'I', "Saved system %s was successfully saved in fileid %04u."),
    [MSG_NSS_NO_RANGE] = M("NSD", 1005, 'E', "No page ranges were specified"),
    [MSG_NSS_BAD_RANGE] = M("NSD", 1006, 'E', "Invalid page range - %s"),
    [MSG_NSS_NO_TYPE] = M("NSD", 1007, 'E', "No page type was specified for page range %s"),
    [MSG_NSS_BAD_TYPE] = M("NSD", 1008, 'E', "Invalid page type - %s"),
    [MSG_NSS_OVERLAP] = M("NSD", 1009, 'E', "Page range overlaps another range at page %X"),
    [MSG_NSS_SEGMENT] = M("NSD", 1010, 'E', "Segment %X contains both shared and exclusive pages"),
    [MSG_NSS_TOO_MANY] = M("NSD", 1011, 'E', "More than %d page ranges were specified"),
    [MSG_NSS_CONFLICT] = M("NSD", 13, 'E', "Conflicting option - %s"),
    [MSG_NSS_SAVE_BUSY] = M("NSS", 1012, 'E', "System %s is already being saved"),
    [MSG_NSS_SAVE_STORAGE] = M("NSS", 1013, 'E', "Storage size %s is too small to save system %s"),
    [MSG_NSS_FAILED] = M("NSS", 1014, 'E', "%s %s failed: %s"),
    [MSG_NSS_MINSIZE] =
	M("NSS", 1015, 'E', "Storage size %s is less than the MINSIZE %s of system %s"),
    [MSG_NSS_STORAGE] =
	M("NSS", 1016, 'E', "Storage size %s is too small for the pages of system %s"),
    [MSG_NSS_RSTD] = M("NSS", 1017, 'E', "Userid %s is not authorized to IPL restricted system %s"),
    [MSG_NSS_DEVICE] = M("NSS", 1018, 'E', "Device configuration does not match system %s: %s"),
    [MSG_NSS_DAMAGED] = M("NSS", 1019, 'E', "System %s cannot be used: %s"),
    [MSG_NSS_IPL_FAILED] = M("NSS", 1020, 'E', "IPL of system %s failed: %s"),
    [MSG_NSS_PURGED] = M("NSS", 1021, 'R', "%04d FILE%s PURGED"),
    [MSG_NSS_NO_FILE] = M("NSS", 1022, 'E', "No NSS file %s"),
    [MSG_NSS_Q_HEADER] = M("NSS", 1030, 'R',
			   "OWNERID  FILE TYPE CL RECS  DATE  TIME     FILENAME FILETYPE ORIGINID"),
    [MSG_NSS_Q_ROW] = M("NSS", 1031, 'R', "%-8s %04u %-4s %c  %-5s %s %s %-8s %-8s %s"),
    [MSG_NSS_Q_NONE] = M("NSS", 1032, 'R', "No NSS files"),
    [MSG_NSS_MAP_HEADER] =
	M("NSS", 1033, 'R',
	  "FILE FILENAME FILETYPE MINSIZE  BEGPAG ENDPAG TYPE CL #USERS PARMREGS VMGROUP"),
    [MSG_NSS_MAP_ROW] =
	M("NSS", 1034, 'R', "%04u %-8s %-8s %7s  %05X  %05X  %-4s %c  %05d  %-8s NO"),
    [MSG_NSS_MAP_RANGE] = M("NSS", 1035, 'R', "                                %05X  %05X  %s"),
    [MSG_NSS_USERS] = M("NSS", 1036, 'R', "%s"),
    [MSG_NSS_NO_USERS] = M("NSS", 1037, 'R', "No users of system %s"),
    [MSG_TRACE_Q_RANGE] = M("TRC", 1040, 'R', "INSTR  R  %08llX-%08llX  %s"),
    [MSG_TRACE_Q_CMD] = M("TRC", 1041, 'R', "       CMD  %s"),
    [MSG_TRACE_Q_NONE] = M("TRC", 1042, 'R', "No trace traps are in effect"),

    [MSG_EXEC_NOT_FOUND] = M("EXC", 1, 'E', "EXEC %s not found"),
    [MSG_EXEC_FAILED] = M("EXC", 2, 'E', "EXEC %s not started: %s"),
    [MSG_EXEC_BUSY] = M("EXC", 3, 'E', "EXEC %s is running; HI halts it"),
    [MSG_EXEC_RC] = M("EXC", 4, 'I', "EXEC %s ended, RC=%d"),
    [MSG_EXEC_KILLED] = M("EXC", 5, 'I', "EXEC %s stopped"),
    [MSG_LISTFILE_LINE] = M("LST", 1, 'R', "%s"),
    [MSG_LISTFILE_NONE] = M("LST", 2, 'E', "File not found"),
};

int cp_msg_vformat(char *buf, size_t size, enum cp_msg_id id, va_list ap)
{
	const struct cp_message *m;
	size_t n = 0;

	if ((unsigned)id >= MSG_COUNT || !cp_messages[id].text)
		id = MSG_NONE;
	m = &cp_messages[id];
	if (m->severity != 'R')
		n = snprintf(buf, size, "HCP%s%03u%c ", m->module, m->number, m->severity);
	if (n < size)
		vsnprintf(buf + n, size - n, m->text, ap);
	switch (m->severity) {
	case 'W':
	case 'E':
	case 'S':
		return (int)m->number;
	default:
		return 0;
	}
}

int cp_msg_format(char *buf, size_t size, enum cp_msg_id id, ...)
{
	va_list ap;
	int rc;

	va_start(ap, id);
	rc = cp_msg_vformat(buf, size, id, ap);
	va_end(ap);
	return rc;
}
