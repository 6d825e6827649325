/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_USER_H
#define RVCP_CP_USER_H
/*
 * Logged-on users (cp/user.c) and the CP system they belong to.
 *
 * A user is created at LOGON or AUTOLOG together with its VM process
 * (cp/vmctl.h) and stays, disconnected (term NULL), while its virtual
 * machine runs.  The user layer calls the VM control below it; what it
 * shows goes up to the terminal through the user's console (struct
 * cp_console), which the terminal registers: neither this module nor
 * cp/vmctl.c calls the terminal server.  The VM process's reports arrive
 * through the events the user layer gives cp/vmctl.c:
 *   - a guest reboot repeats the user's last IPL command;
 *   - a guest power-off stops it (HCPGSP2630I): BEGIN needs a new IPL;
 *   - a trace trap runs its command list (cp/nss.h);
 *   - a CP command the guest asked for (rvcp's DIAGNOSE X'08',
 *     machine/cpreq.h) runs with the user's own classes as if typed, its
 *     answers on the user's terminal, after the VM's events have been
 *     handled; then the guest is BEGun unless the command stopped it.
 *     SAVESYS stops it, so a saved system taken this way resumes exactly
 *     after the request.  Any process that can write the guest's
 *     /dev/console (root) can so issue CP commands as the VM's user, as vmcp
 *     can on z/VM.
 *
 * Everything runs in CP's one thread, inside the event loop (cp_sys.loop,
 * util/evloop.h).  Nothing here blocks on a guest: requests to a VM process
 * are sent, and its answers arrive later as events.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cp/directory.h"
#include "cp/messages.h"
#include "util/evloop.h"

struct cp_vm;
struct ssi;

/*
 * A user's console: the terminal it is connected to, as CP's core sees it.
 * The terminal server (cp/terminal.c) embeds one in each terminal and
 * hands it to the user at LOGON and reconnection (u->term).
 */
struct cp_console {
	/* A CP line (response, message), without line end. */
	void (*line)(struct cp_console *c, const char *text);
	/* Console output of the user's guest, bytes as they come. */
	void (*raw)(struct cp_console *c, const void *buf, size_t len);
	/* The user leaves it (LOGOFF, DISCONNECT, FORCE): the line is dropped,
	 * or with hold kept, showing the logo, for a new LOGON. */
	void (*leave)(struct cp_console *c, bool hold);
	/* The user is no longer held (cp_user_unhold): take what was typed. */
	void (*resume)(struct cp_console *c);
	/* LOGON userid was typed on it: ask the password. */
	void (*logon)(struct cp_console *c, const char *userid);
	const char *name; /* "L0001": the terminal's name in QUERY NAMES */
	bool is3270;	  /* a 3270 (cp/tn3270.h): its break key is PA1 */
};

/* Terminal input diverted from CP (an EXEC's PULL, a running EXEC's break). */
struct cp_input_hook {
	void (*line)(void *opaque, const char *text);
	void (*attn)(void *opaque); /* the break key */
	void *opaque;
};

/* What a PF key of the user's 3270 does (SET PFnn). */
enum cp_pf { CP_PF_NONE, CP_PF_RETRIEVE, CP_PF_IMMED, CP_PF_DELAYED };
#define CP_PF_KEYS 24
#define CP_MORE_S  50 /* TERMINAL MORE's defaults, as z/VM's */
#define CP_MORE2_S 10

/* A logged-on user. */
struct cp_user {
	struct dir_user *dir;
	struct directory *dirs; /* the directory dir is in, held while logged on */
	const char *id;		 /* dir->id */
	struct cp_console *term; /* NULL: disconnected */
	struct cp_vm *vm;	 /* the VM process, NULL if none (ended) */
	uint64_t storage;	 /* current storage (DEFINE STORAGE) */
	uint64_t seg_span;	 /* the VM's room for shared segments: up to this real address */
	uint64_t cpus;		 /* virtual CPUs: bit n = address n (cp/cmd_cpu.h) */
	int base_cpu;		 /* the address of hart 0 */
	char linend;		 /* 0: LINEND OFF */
	bool running;		 /* guest running (RUNNING), else CP READ */
	bool ipled;		 /* an IPL was done: BEGIN may resume */
	bool logging_off;
	bool held;	     /* an IPL is in flight: typed lines wait (cp_user_hold) */
	bool unhold_pending; /* held until the loop's next round (cp_user_unhold) */
	time_t logon_time;
	char *last_ipl;	     /* the last IPL command, for guest reboot */
	struct cp_sink sink; /* writes to term, dropped while disconnected */
	const struct cp_input_hook *input;
	void *nss;	     /* NSS module's per-user state (cp/nss.h) */
	void *rexx;	     /* EXEC module's per-user state (cp/cmd_exec.h) */
	void *net;	     /* virtual NICs (cp/net.h) */
	bool msg_off;	     /* SET MSG OFF: other users' MSGs are refused */
	unsigned msg_tokens; /* MSGs this user may send now (cp/cmd_user.c) */
	uint64_t msg_ms;     /* when msg_tokens was last topped up */
	bool ssi_lost;	     /* its SSI key is another member's: LOGOFF leaves it */
	/* The 3270 screen (cp/tn3270.h): TERMINAL MORE n m, TERMINAL HOLD, SET PFnn. */
	unsigned more_s, more2_s;
	bool hold;
	enum cp_pf pf_how[CP_PF_KEYS];
	char *pf[CP_PF_KEYS]; /* the command of an IMMED or DELAYED key */
	struct cp_user *next;
};

/* The CP system: one per process. */
struct cp_system {
	struct evloop *loop;
	struct directory *dir;
	char *spool;	       /* spool folder */
	struct cp_user *users; /* logged-on users */
	struct ssi *ssi;       /* the SSI member (cp/cmd_ssi.h), NULL without --ssi */
};
extern struct cp_system cp_sys;

struct cp_user *cp_user_find(const char *id);
int cp_user_count(void);
/* Creates the user and its VM process (LOGON, AUTOLOG); messages to sink. */
int cp_user_logon(struct dir_user *d, struct cp_sink *sink, struct cp_user **out);
/* The VMs a previous CP left running, taken over as disconnected users
 * (cp/vmctl.h); at start, before anyone logs on. */
void cp_user_adopt_all(void);
/* Tells the VM what a later CP needs to take it over (its last IPL, its NSS). */
void cp_user_memo(struct cp_user *u);
/* Ends the VM process, leaves the terminal (dropped), frees u. */
void cp_user_logoff(struct cp_user *u);
/* An EXEC's own text (SAY) to the user's terminal. */
void cp_user_write(struct cp_user *u, const char *text);
void cp_user_set_input(struct cp_user *u, const struct cp_input_hook *hook);
/*
 * An asynchronous command (IPL of a saved system) is in flight: lines the
 * user types meanwhile wait and are taken, in order, when it is done — so
 * a line typed right after IPL reaches the guest, not CP.
 */
void cp_user_hold(struct cp_user *u);
void cp_user_unhold(struct cp_user *u);
/* Typed input for the guest's console; -ENOBUFS when too much waits. */
int cp_user_console_in(struct cp_user *u, const void *buf, size_t len);
/* Stop the guest into CP READ / resume it (BEGIN). */
void cp_user_stop(struct cp_user *u);
int cp_user_begin(struct cp_user *u);
/* Drop the VM's storage and leave its saved system (before IPL, reset, ...). */
void cp_user_release(struct cp_user *u);

/* "11:30:00 UTC FRIDAY 11/27/26" */
void cp_format_time(time_t t, char *buf, size_t size);

#endif
