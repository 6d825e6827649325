/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_H
#define RVCP_CP_H
/*
 * The control program's internal API: users, the response sink, the command
 * table and cp_execute(), and the hooks through which the NSS (cp/nss.h,
 * spool/) and EXEC (rexx/) modules plug in.
 *
 * Everything runs in CP's one thread, inside the event loop (cp_sys.loop,
 * util/evloop.h).  Nothing here blocks on a guest: requests to a VM process
 * are sent, and its answers arrive later as events.
 *
 * Responses.  A command handler never prints: it calls
 *     return cp_msg(ctx, MSG_..., args);
 * which formats a numbered message of cp/messages.def into ctx->sink and
 * returns the message's return code (its number for W/E/S, 0 otherwise).
 * The sink is the user's terminal, or a capture buffer (struct cp_capture)
 * when an EXEC runs a command for `PIPE CP ...` or to set RC.
 *
 * Running a command for an EXEC:
 *     struct cp_capture cap;
 *     cp_capture_init(&cap);
 *     rc = cp_execute(user, "QUERY NAMES", &cap.sink);
 *     ... cap.lines[0 .. cap.n-1] ...
 *     cp_capture_free(&cap);
 * The line is one command; LINEND is not applied (the terminal splits typed
 * lines before calling cp_execute).  A leading "CP " is accepted and ignored.
 *
 * For the EXEC engineer (rexx/):
 *   - cp_hooks.unknown_command is called for a command word that is no CP
 *     command (implied EXEC); return CP_RC_NOT_HANDLED to get HCPCMD001E.
 *   - evloop_add(cp_sys.loop, fd, EPOLLIN, fn, opaque) watches the socket of
 *     a Regina child; evloop_del() before closing it.
 *   - cp_user_write(u, text) writes an EXEC's own line (SAY) to the user's
 *     terminal; cp_user_set_input(u, &hook) diverts the lines the user types
 *     (PULL) and the break key (to stop a runaway EXEC) until reset to NULL.
 *   - per-user state: u->rexx.
 * For the NSS engineer (cp/nss.h):
 *   - cp_hooks.ipl_name, .trace_hit, .vm_message, .release; u->nss;
 *   - cp_vm_send() sends a protocol message (vm/proto.h) to the user's VM.
 * A module sets its hooks in an init function listed in cp_module_inits[]
 * (cp/main.c), called once at start after the directory is loaded.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cp/directory.h"
#include "cp/messages.h"
#include "util/evloop.h"

struct cp_term;
struct cp_vm;
struct proto_msg;

/* A sink that keeps the lines (for PIPE CP and EXECs). */
struct cp_capture {
	struct cp_sink sink;
	char **lines;
	size_t n, cap;
};
void cp_capture_init(struct cp_capture *c);
void cp_capture_free(struct cp_capture *c);

/* Terminal input diverted from CP (an EXEC's PULL, a running EXEC's break). */
struct cp_input_hook {
	void (*line)(void *opaque, const char *text);
	void (*attn)(void *opaque); /* the break key */
	void *opaque;
};

/*
 * A logged-on user.  The user stays when disconnected (term NULL) while its
 * virtual machine runs.
 */
struct cp_user {
	struct dir_user *dir;
	const char *id;	      /* dir->id */
	struct cp_term *term; /* NULL: disconnected */
	struct cp_vm *vm;     /* the VM process, NULL if none (ended) */
	uint64_t storage;     /* current storage (DEFINE STORAGE) */
	char linend;	      /* 0: LINEND OFF */
	bool running;	      /* guest running (RUNNING), else CP READ */
	bool ipled;	      /* an IPL was done: BEGIN may resume */
	bool logging_off;
	bool held; /* an IPL is in flight: typed lines wait (cp_user_hold) */
	time_t logon_time;
	char *last_ipl;	     /* the last IPL command, for guest reboot */
	struct cp_sink sink; /* writes to term, dropped while disconnected */
	const struct cp_input_hook *input;
	void *nss;  /* NSS module's per-user state */
	void *rexx; /* EXEC module's per-user state */
	struct cp_user *next;
};

/* The context of one command. */
struct cp_ctx {
	struct cp_user *user; /* NULL before LOGON */
	struct cp_term *term; /* the terminal that typed it, NULL from an EXEC */
	struct cp_sink *sink;
	const char *line; /* the whole command line */
};

/*
 * A command table row.  The handler gets the tokens (argv[0] is the
 * command word as typed) and rest[i], the original text from token i to the
 * end of the line (for MSG text, PARM text, command lists).
 */
typedef int (*cp_cmd_fn)(struct cp_ctx *ctx, int argc, char **argv, char **rest);

#define CP_CMD_PRELOGON 0x1 /* valid before LOGON */
#define CP_CMD_ONLY_PRE 0x2 /* valid only before LOGON */
#define CP_CMD_REST	0x4 /* takes the rest of a typed line: LINEND is not split */

struct cp_command {
	const char *name;    /* upper case */
	unsigned minlen;     /* shortest abbreviation */
	const char *classes; /* privilege classes allowed, "*" = every user */
	unsigned flags;	     /* CP_CMD_* */
	cp_cmd_fn fn;
	const char *help; /* operands, one line */
};

extern const struct cp_command cp_commands[];	    /* NULL-terminated */
extern const struct cp_command cp_query_commands[]; /* QUERY operands */
extern const struct cp_command cp_set_commands[];   /* SET operands */

/* Return codes besides message numbers. */
#define CP_RC_OK	  0
#define CP_RC_NOT_HANDLED (-1) /* from cp_hooks.unknown_command */

struct cp_hooks {
	/* IPL name [PARM text]: a name that is no defined virtual device. */
	int (*ipl_name)(struct cp_ctx *ctx, const char *name, const char *parm);
	/* The VM stopped on an instruction trace at real address `real`
	 * (state already CP READ; BEGIN or cp_user_begin() resumes). */
	void (*trace_hit)(struct cp_user *u, uint64_t real);
	/* A VM message type cp/vmctl.c does not handle (vm/proto.h, >= 128).
	 * The hook owns and closes any fds in the message. */
	void (*vm_message)(struct cp_user *u, struct proto_msg *m);
	/* The VM's storage is being dropped: IPL, SYSTEM RESET/CLEAR, DEFINE
	 * STORAGE, logoff, or the VM process ended. */
	void (*release)(struct cp_user *u);
	/* A command word that is no CP command (implied EXEC). */
	int (*unknown_command)(struct cp_ctx *ctx, const char *line);
	/* The user is logging off (after release): free u->nss / u->rexx. */
	void (*logoff)(struct cp_user *u);
};

/* The CP system: one per process. */
struct cp_system {
	struct evloop *loop;
	struct directory *dir;
	char *spool;	       /* spool folder */
	char *exe;	       /* this program, for spawning VM processes */
	struct cp_user *users; /* logged-on users */
	int nterms;	       /* connected terminals (for QUERY USERS) */
	bool shutting_down;
	struct cp_hooks hooks;
};
extern struct cp_system cp_sys;

/* Module init functions (cp/main.c), e.g. nss_cp_init, rexx_cp_init. */
extern int (*const cp_module_inits[])(void);

/* Run one command line (no LINEND splitting) for user u (NULL: not logged on). */
int cp_execute(struct cp_user *u, const char *line, struct cp_sink *sink);
/* Same with a full context (terminal known). */
int cp_execute_ctx(struct cp_ctx *ctx);
/* Does the command that begins `line` take the rest of a typed line? */
bool cp_command_takes_rest(struct cp_user *u, const char *line);
/* Find a command by (abbreviated) name in a table, honouring u's classes. */
const struct cp_command *cp_command_find(const struct cp_command *table, struct cp_user *u,
					 const char *word);
/* Dispatch argv[0] in a subcommand table (QUERY, SET). */
int cp_subcommand(struct cp_ctx *ctx, const struct cp_command *table, int argc, char **argv,
		  char **rest);

/* An EXEC's own text (SAY) to the user's terminal. */
void cp_user_write(struct cp_user *u, const char *text);
void cp_user_set_input(struct cp_user *u, const struct cp_input_hook *hook);

/* Users (cp/user.c). */
struct cp_user *cp_user_find(const char *id);
int cp_user_count(void);
/* Creates the user and its VM process (LOGON, AUTOLOG); messages to sink. */
int cp_user_logon(struct dir_user *d, struct cp_sink *sink, struct cp_user **out);
void cp_user_logoff(struct cp_user *u);
/* Stop the guest into CP READ / resume it (BEGIN). */
/*
 * An asynchronous command (IPL of a saved system) is in flight: lines the
 * user types meanwhile wait and are taken, in order, when it is done — so
 * a line typed right after IPL reaches the guest, not CP.
 */
void cp_user_hold(struct cp_user *u);
void cp_user_unhold(struct cp_user *u);
void cp_user_stop(struct cp_user *u);
int cp_user_begin(struct cp_user *u);
/* Drop the VM's storage and notify the NSS hook (before IPL, reset, ...). */
void cp_user_release(struct cp_user *u);
/* IPL the directory's IPL statement (AUTOLOG). */
int cp_user_ipl_directory(struct cp_user *u, struct cp_sink *sink);

/* The VM process (cp/vmctl.c). */
int cp_vm_send(struct cp_user *u, uint32_t type, const void *payload, size_t len, const int *fds,
	       int nfds);
/* The user's minidisk for vdev: index in dir->disks, or -1. */
int cp_vm_disk_index(struct cp_user *u, uint16_t vdev);

/* "11:30:00 UTC FRIDAY 11/27/26" */
void cp_format_time(time_t t, char *buf, size_t size);
/* Shutdown: log everybody off and leave the event loop. */
void cp_shutdown(void);

#endif
