/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_MESSAGES_H
#define RVCP_CP_MESSAGES_H
/*
 * CP's messages: one table (cp/messages.c) of numbered messages in z/VM's
 * form HCPmmmnnns — mmm the issuing module, nnn(n) the number, s the
 * severity.  Nothing CP writes to a terminal is free text: a handler calls
 * cp_msg(ctx, MSG_..., args) and the table supplies the text.
 *
 * Severity R marks a command *response* (QUERY output, "STORAGE = 64M"):
 * like z/VM, CP shows its text only.  I, W, E and S messages are shown with
 * their identifier, e.g. "HCPCMD001E Unknown CP command: FOO".
 *
 * To add a message: add an enum value below (in your module's section) and
 * a row with the same index in cp/messages.c.
 */
#include <stdarg.h>
#include <stddef.h>

enum cp_msg_id {
	MSG_NONE = 0,
	/* command dispatch */
	MSG_CMD_UNKNOWN,
	MSG_CMD_INVALID_OPTION,
	MSG_CMD_INVALID_OPERAND,
	MSG_CMD_MISSING_OPERAND,
	MSG_CMD_NOT_LOGGED_ON,
	MSG_CMD_BEFORE_LOGON,
	MSG_CMD_HELP,
	/* logon, logoff, terminals */
	MSG_LOGO,
	MSG_LOGON_PASSWORD,
	MSG_LOGON_FAILED,
	MSG_LOGON_AT,
	MSG_RECONNECTED_AT,
	MSG_LOGOFF_AT,
	MSG_DISCONNECT_AT,
	MSG_CONNECT_TIMES,
	MSG_LOGON_TAKEN_OVER,
	MSG_TERM_TYPEAHEAD_FULL,
	MSG_TERM_LINE_TOO_LONG,
	MSG_TERM_TOO_MANY,
	MSG_TERM_LOGON_TIMEOUT,
	MSG_LOGON_VM_FAILED,
	MSG_ALREADY_LOGGED_ON,
	MSG_NOT_IN_DIRECTORY,
	MSG_LOGON_NOT_ALLOWED,
	MSG_FORCED_BY,
	MSG_FORCED,
	MSG_AUTOLOG_ACCEPTED,
	MSG_AUTO_LOGON,
	MSG_SHUTDOWN_STARTED,
	MSG_SHUTDOWN_BY,
	/* minidisks */
	MSG_LINK_RW_BY,
	MSG_LINK_RO_BY,
	MSG_LINK_FAILED,
	/* the virtual machine */
	MSG_VM_ENDED,
	MSG_VM_NOT_IPLED,
	MSG_VM_POWEROFF,
	MSG_VM_TRACE_STOP,
	MSG_IPL_NO_DEVICE,
	MSG_IPL_FAILED,
	MSG_STORAGE,
	MSG_STORAGE_EXCEEDS,
	MSG_STORAGE_HOST,
	MSG_STORAGE_CLEARED,
	MSG_SYSTEM_RESET,
	/* QUERY and SET */
	MSG_Q_TERMINAL_1,
	MSG_Q_TERMINAL_2,
	MSG_Q_TERMINAL_3,
	MSG_Q_NAMES,
	MSG_Q_USERS,
	MSG_Q_USER,
	MSG_Q_TIME,
	MSG_Q_CONNECT,
	MSG_Q_DASD,
	MSG_Q_DASD_NONE,
	MSG_MSG_FROM,
	MSG_MSG_DISCONNECTED,
	MSG_LINEND_INVALID,
	/* Named Saved Systems (cp/cmd_nss.c, cp/cmd_trace.c) */
	MSG_NSS_NOT_FOUND,
	MSG_NSS_DEFINED,
	MSG_NSS_SAVED,
	MSG_NSS_NO_RANGE,
	MSG_NSS_BAD_RANGE,
	MSG_NSS_NO_TYPE,
	MSG_NSS_BAD_TYPE,
	MSG_NSS_OVERLAP,
	MSG_NSS_SEGMENT,
	MSG_NSS_TOO_MANY,
	MSG_NSS_CONFLICT,
	MSG_NSS_SAVE_BUSY,
	MSG_NSS_SAVE_STORAGE,
	MSG_NSS_FAILED,
	MSG_NSS_MINSIZE,
	MSG_NSS_STORAGE,
	MSG_NSS_RSTD,
	MSG_NSS_DEVICE,
	MSG_NSS_DAMAGED,
	MSG_NSS_IPL_FAILED,
	MSG_NSS_PURGED,
	MSG_NSS_NO_FILE,
	MSG_NSS_Q_HEADER,
	MSG_NSS_Q_ROW,
	MSG_NSS_Q_NONE,
	MSG_NSS_MAP_HEADER,
	MSG_NSS_MAP_ROW,
	MSG_NSS_MAP_RANGE,
	MSG_NSS_USERS,
	MSG_NSS_NO_USERS,
	MSG_TRACE_Q_RANGE,
	MSG_TRACE_Q_CMD,
	MSG_TRACE_Q_NONE,
	/* EXEC and PIPE (rexx/, cp/cmd_exec.c) */
	MSG_EXEC_NOT_FOUND,
	MSG_EXEC_FAILED,
	MSG_EXEC_BUSY,
	MSG_EXEC_RC,
	MSG_EXEC_KILLED,
	MSG_LISTFILE_LINE,
	MSG_LISTFILE_NONE,
	MSG_COUNT
};

struct cp_message {
	const char *module; /* three letters: CMD, LGA, IPL, ... */
	unsigned number;    /* 001..9999 */
	char severity;	    /* R response, I, W, E, S */
	const char *text;   /* printf format; '\n' separates lines */
};

extern const struct cp_message cp_messages[MSG_COUNT];

/*
 * Formats message id into buf (lines separated by '\n', identifier in
 * front unless a response).  Returns the message's return code: its
 * number for W, E and S messages, 0 for R and I.
 */
int cp_msg_vformat(char *buf, size_t size, enum cp_msg_id id, va_list ap);
int cp_msg_format(char *buf, size_t size, enum cp_msg_id id, ...);

#endif
