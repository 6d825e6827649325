/* SPDX-License-Identifier: MIT */
#ifndef RVCP_REXX_H
#define RVCP_REXX_H
/*
 * EXECs: REXX programs from a user's file area, run by Regina through its SAA
 * API.  Each EXEC runs in a child process forked from CP (Regina is not
 * re-entrant, and a program that loops must never stall CP's event loop).
 * The child talks to CP over a socketpair: it asks CP to run commands, says
 * lines, and pulls lines from the terminal.  CP registers rexx_exec_fd() in
 * its event loop and calls rexx_exec_event() when it is readable.
 *
 *   child                          CP (this API)
 *   command ------------------->   host->command(ctx, x, text, capture)
 *                                  ... rexx_exec_line() per captured line,
 *           <-------------------   rexx_exec_reply(x, rc, unknown)
 *   SAY / trace / error line -->   host->say(ctx, line)
 *   PULL ---------------------->   host->pull(ctx) ... rexx_exec_input(x, line)
 *   end ----------------------->   rexx_exec_event() returns 1 with the rc
 *
 * Commands from the default environment (ADDRESS CMS, as in CMS) that CP does
 * not know give RC -3; ADDRESS CP and the PIPE cp stage give CP's own rc.
 * PIPE runs inside the child, where the REXX variables are; only its cp
 * stages reach CP.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The rc an EXEC sees for a command that is neither PIPE nor known to CP. */
#define REXX_RC_UNKNOWN (-3)

struct rexx_exec;

struct rexx_host {
	/*
	 * Run one CP command for the EXEC.  When capture is true the response
	 * lines go to rexx_exec_line() (a PIPE cp stage reads them); when false
	 * they go to the terminal as for a typed command.  Finish with
	 * rexx_exec_reply(), now or later; unknown is true when CP does not
	 * know the command or the user's classes do not allow it.
	 */
	void (*command)(void *ctx, struct rexx_exec *x, const char *cmd, bool capture);
	/* A line for the user's terminal (SAY, trace, REXX error messages). */
	void (*say)(void *ctx, const char *line);
	/* The EXEC waits for a terminal line (PULL): answer with rexx_exec_input(). */
	void (*pull)(void *ctx);
};

/*
 * The EXEC's process (`rvcp rexx`, rexx_child_main()) is a new program CP
 * execs, sandboxed (util/sandbox.h): it has CP's socket, its own text and
 * the standard error it is given; no file system, no environment, no
 * capabilities, a uid of its own when CP holds root, and these limits.  Its
 * working folder is "/".  A program that calls rexx_exec_start() must run
 * rexx_child_main() when started as `ITSELF rexx ...` (main.c does).
 */
#define REXX_MEM_DEFAULT (256ull << 20) /* bytes of address space */
#define REXX_CPU_DEFAULT 60		/* seconds of CPU */

struct rexx_limits {
	int errfd;	/* the child's standard error; -1: /dev/null */
	uint64_t mem;	/* 0: REXX_MEM_DEFAULT (none in sanitizer builds) */
	uint64_t cpu_s; /* 0: REXX_CPU_DEFAULT */
};

/*
 * Start the EXEC at path (its text is read now) with the argument string
 * args; name is how messages call it ("SAVELX EXEC"); lim may be NULL for
 * the defaults.  0 or -errno.
 */
int rexx_exec_start(const char *path, const char *name, const char *args,
		    const struct rexx_limits *lim, const struct rexx_host *host, void *ctx,
		    struct rexx_exec **out);
/* The EXEC's process: `rvcp rexx --fd 3`, its source at descriptor 4. */
int rexx_child_main(int argc, char **argv);
/* The descriptor to watch for input. */
int rexx_exec_fd(const struct rexx_exec *x);
/* Handle what the child sent: 0 while it runs; 1 when it ended (*rc set). */
int rexx_exec_event(struct rexx_exec *x, int *rc);
/* One response line of a captured command. */
void rexx_exec_line(struct rexx_exec *x, const char *line);
/* The end of a command: its rc, and whether CP did not know it. */
void rexx_exec_reply(struct rexx_exec *x, int rc, bool unknown);
/*
 * A line typed by the user: answers a pending PULL or waits for the next;
 * -ENOBUFS (the line is lost) when REXX_TYPEAHEAD_MAX lines already wait.
 */
#define REXX_TYPEAHEAD_MAX 256
int rexx_exec_input(struct rexx_exec *x, const char *line);
/*
 * Stop a running EXEC (HI, a break): the first call raises REXX's HALT
 * condition (the program ends with Regina's "Program interrupted" message
 * unless it traps HALT); a second call kills the process.
 */
void rexx_exec_halt(struct rexx_exec *x);
/* Kill the child if it still runs, reap it, free everything. */
void rexx_exec_free(struct rexx_exec *x);

/* The child side (rexx/child.c): run one program over the socket fd. */
int rexx_child_run(int fd, const char *name, const char *text, size_t len, const char *args);

/*
 * The user's file area, a host folder (spool/users/USERID).  Files are
 * "FN.FT" (CMS file name and type); names match without regard to case.
 */
/* Find fn.ft in dir: 0 and the path in path[len], or -ENOENT. */
int rexx_file_find(const char *dir, const char *fn, const char *ft, char *path, size_t len);
/* LISTFILE [fn [ft]] ('*' matches all): header and one line per file, 0 or -ENOENT. */
int rexx_file_list(const char *dir, const char *fn, const char *ft,
		   void (*emit)(void *ctx, const char *line), void *ctx);

#endif
