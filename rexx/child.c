// SPDX-License-Identifier: MIT
/*
 * The EXEC's process: Regina runs the program here through its SAA API.
 *
 *  - The subcommand environment CMS (the program's initial ADDRESS, as in
 *    CMS) runs PIPE itself and passes every other command to CP; a command CP
 *    does not know gives RC -3.  ADDRESS CP passes commands straight to CP and
 *    gives CP's own rc.
 *  - The I/O exit sends SAY, trace and error lines to the terminal and takes
 *    PULL's lines from it.
 *  - HALT: Regina raises it itself on SIGINT, which CP sends when the user
 *    stops the EXEC (Regina does not implement the RXHLT exit).  CP also
 *    sends a HALT message, which ends a wait for a PULL line.
 *  - Regina runs restricted (RXRESTRICTED): no host commands, no writes.
 *    The sandbox (util/sandbox.h), entered before RexxStart, refuses every
 *    call that names a file: stream functions on a file name (LINEIN,
 *    CHARIN, LINES, CHARS, STREAM) fail with NOTREADY, DIRECTORY() is "/",
 *    and the environment (VALUE(name,,'ENVIRONMENT')) is empty.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define INCL_REXXSAA
#include <rexxsaa.h>

#include "rexx/pipe.h"
#include "rexx/proto.h"
#include "rexx/rexx.h"
#include "util/file.h"
#include "util/log.h"
#include "util/sandbox.h"

#define CHILD_EXITS "RVCPEXIT"

static struct {
	int fd;
	bool halt;   /* CP's HALT message came */
	int last_rc; /* of the last command, for its trace line */
	char buf[REXX_PKT_MAX + 1];
} child;

static void __attribute__((noreturn)) child_lost(void)
{
	_exit(1); /* CP is gone: nobody to run commands for */
}

static void child_send(int type, const char *text, size_t len)
{
	if (rexx_proto_send(child.fd, type, text, len, 0) == -EPIPE)
		child_lost();
}

/* Wait for one message; a HALT on the way only notes the request.
 * Returns the type, or 0 when a signal interrupted and stop_on_halt is set. */
static int child_recv(bool stop_on_halt)
{
	int type;
	ssize_t n;

	for (;;) {
		if (stop_on_halt && child.halt)
			return 0;
		n = rexx_proto_recv(child.fd, child.buf, &type, 0);
		if (n == -EINTR)
			continue;
		if (n < 0)
			child_lost();
		if (type != REXX_MSG_HALT)
			return type;
		child.halt = true;
	}
}

/* Have CP run cmd; collect captured lines in out (when not NULL). */
static int child_command(const char *cmd, size_t len, struct pipe_lines *out, bool *unknown)
{
	char *pkt = malloc(len + 1);
	int rc = 0, u = 0;

	if (!pkt)
		return -1;
	pkt[0] = out ? '1' : '0';
	memcpy(pkt + 1, cmd, len);
	child_send(REXX_MSG_CMD, pkt, len + 1);
	free(pkt);
	for (;;) {
		int type = child_recv(false);

		if (type == REXX_MSG_LINE && out)
			pipe_lines_add(out, child.buf, strlen(child.buf));
		if (type == REXX_MSG_RC)
			break;
	}
	sscanf(child.buf, "%d %d", &rc, &u);
	*unknown = u != 0;
	return rc;
}

static void child_say(void *ctx, const char *line)
{
	child_send(REXX_MSG_SAY, line, strlen(line));
}

/* One terminal line into a malloc'd *line; -1 when the user halted us. */
static int child_read(void *ctx, char **line)
{
	int type;

	child_send(REXX_MSG_PULL, "", 0);
	do
		type = child_recv(true);
	while (type && type != REXX_MSG_INPUT);
	if (!type) {
		child.halt = false; /* this HALT is used up; a later PULL waits again */
		return -1;
	}
	*line = strdup(child.buf);
	return *line ? 0 : -1;
}

static int pipe_cp(void *ctx, const char *cmd, struct pipe_lines *out)
{
	bool unknown;

	return child_command(cmd, strlen(cmd), out, &unknown);
}

static int var_set(void *ctx, const char *name, const char *value)
{
	SHVBLOCK b = {0};

	MAKERXSTRING(b.shvname, (char *)name, strlen(name));
	MAKERXSTRING(b.shvvalue, (char *)value, strlen(value));
	b.shvcode = RXSHV_SYSET;
	RexxVariablePool(&b);
	return b.shvret & (RXSHV_BADN | RXSHV_MEMFL | RXSHV_BADF) ? -1 : 0;
}

static int var_get(void *ctx, const char *name, char **value)
{
	SHVBLOCK b = {0};
	int rc = 0;

	MAKERXSTRING(b.shvname, (char *)name, strlen(name));
	b.shvcode = RXSHV_SYFET; /* shvvalue NULL: Regina allocates it */
	RexxVariablePool(&b);
	if (b.shvret & (RXSHV_BADN | RXSHV_MEMFL | RXSHV_BADF))
		rc = -1;
	else if (b.shvret & RXSHV_NEWV)
		rc = 1;
	else
		*value = strndup(b.shvvalue.strptr ? b.shvvalue.strptr : "", b.shvvalue.strlength);
	if (b.shvvalue.strptr)
		RexxFreeMemory(b.shvvalue.strptr);
	if (!rc && !*value)
		rc = -1;
	return rc;
}

static const struct pipe_host child_pipe_host = {
    .cp = pipe_cp,
    .say = child_say,
    .read = child_read,
    .var_set = var_set,
    .var_get = var_get,
};

/* Set a subcommand's return string and flags from rc. */
static APIRET subcom_return(int rc, PUSHORT flags, PRXSTRING ret)
{
	char text[24];
	int len = snprintf(text, sizeof(text), "%d", rc);

	if (!ret->strptr || ret->strlength < (ULONG)len) {
		ret->strptr = RexxAllocateMemory(len + 1);
		if (!ret->strptr)
			return RXSUBCOM_NOEMEM;
	}
	memcpy(ret->strptr, text, len);
	ret->strlength = len;
	child.last_rc = rc;
	*flags = rc < 0 ? RXSUBCOM_FAILURE : rc > 0 ? RXSUBCOM_ERROR : RXSUBCOM_OK;
	return 0;
}

/* Is the first word of s (length len) word?  Then *rest is what follows it. */
static bool first_word(const char *s, size_t len, const char *word, const char **rest)
{
	size_t i = 0, w = strlen(word);

	while (i < len && s[i] == ' ')
		i++;
	if (len - i < w || strncasecmp(s + i, word, w) || (len - i > w && s[i + w] != ' '))
		return false;
	*rest = s + i + w;
	return true;
}

/* ADDRESS CP: the command goes to CP as it is. */
static APIRET APIENTRY subcom_cp(PRXSTRING cmd, PUSHORT flags, PRXSTRING ret)
{
	bool unknown;
	int rc = child_command(cmd->strptr, cmd->strlength, NULL, &unknown);

	return subcom_return(rc, flags, ret);
}

/* ADDRESS CMS: PIPE here, "CP cmd" to CP, anything else to CP with RC -3 if unknown. */
static APIRET APIENTRY subcom_cms(PRXSTRING cmd, PUSHORT flags, PRXSTRING ret)
{
	const char *end = cmd->strptr + cmd->strlength, *rest;
	bool unknown;
	int rc;

	if (first_word(cmd->strptr, cmd->strlength, "PIPE", &rest)) {
		char *spec = strndup(rest, end - rest);

		rc = spec ? pipe_run(spec, &child_pipe_host, NULL) : -1;
		free(spec);
	} else if (first_word(cmd->strptr, cmd->strlength, "CP", &rest)) {
		while (rest < end && *rest == ' ')
			rest++;
		rc = child_command(rest, end - rest, NULL, &unknown);
	} else {
		rc = child_command(cmd->strptr, cmd->strlength, NULL, &unknown);
		if (unknown)
			rc = REXX_RC_UNKNOWN;
	}
	return subcom_return(rc, flags, ret);
}

static void set_rxstring(PRXSTRING r, const char *s)
{
	size_t len = strlen(s);

	if (!r->strptr || r->strlength < len)
		r->strptr = RexxAllocateMemory(len + 1);
	if (!r->strptr) {
		r->strlength = 0;
		return;
	}
	memcpy(r->strptr, s, len);
	r->strlength = len;
}

/*
 * Regina traces a failed command as "+++ RC=n +++" with n its ERROR/FAILURE
 * flag rather than the return code; show the code the program sees in RC.
 */
static void trace_line(const char *text, size_t len)
{
	char line[64];
	int pad = 0, end = 0;

	if (len < sizeof(line)) {
		memcpy(line, text, len);
		line[len] = 0;
		if (sscanf(line, "%*[ ]%n+++ RC=%*d +++%n", &pad, &end) == 0 && end == (int)len) {
			len = snprintf(line, sizeof(line), "%*s+++ RC=%d +++", pad, "",
				       child.last_rc);
			text = line;
		}
	}
	child_send(REXX_MSG_SAY, text, len);
}

static LONG exit_sio(LONG sub, PEXIT parm)
{
	RXSIOSAY_PARM *say = (RXSIOSAY_PARM *)parm;
	RXSIOTRD_PARM *trd = (RXSIOTRD_PARM *)parm;
	char *line = NULL;

	switch (sub) {
	case RXSIOTRC:
		trace_line(say->rxsio_string.strptr, say->rxsio_string.strlength);
		return RXEXIT_HANDLED;
	case RXSIOSAY:
		child_send(REXX_MSG_SAY, say->rxsio_string.strptr, say->rxsio_string.strlength);
		return RXEXIT_HANDLED;
	case RXSIOTRD:
	case RXSIODTR:
		/* On a halt the line reads as null and the next clause halts. */
		if (child_read(NULL, &line) < 0)
			set_rxstring(&trd->rxsiotrd_retc, "");
		else
			set_rxstring(&trd->rxsiotrd_retc, line);
		free(line);
		return RXEXIT_HANDLED;
	}
	return RXEXIT_NOT_HANDLED;
}

static LONG APIENTRY exit_handler(LONG fn, LONG sub, PEXIT parm)
{
	return fn == RXSIO ? exit_sio(sub, parm) : RXEXIT_NOT_HANDLED;
}

/*
 * Regina reports errors found while it parses the program (before any exit
 * is active) on stderr.  Catch stderr in a memory file during RexxStart and
 * send what it holds to the terminal afterwards.
 */
static int stderr_catch(void)
{
	int mfd = memfd_create("rexx-stderr", MFD_CLOEXEC), saved;

	if (mfd < 0)
		return -1;
	fflush(stderr);
	saved = dup(2);
	if (saved < 0 || dup2(mfd, 2) < 0) {
		close(mfd);
		return -1;
	}
	close(mfd);
	return saved;
}

static void stderr_release(int saved)
{
	char buf[4096];
	off_t at = 0;
	ssize_t n;
	size_t have = 0;

	if (saved < 0)
		return;
	fflush(stderr);
	while ((n = pread(2, buf + have, sizeof(buf) - 1 - have, at)) > 0) {
		char *line = buf, *nl;

		at += n;
		have += n;
		buf[have] = 0;
		while ((nl = memchr(line, '\n', buf + have - line))) {
			child_send(REXX_MSG_SAY, line, nl - line);
			line = nl + 1;
		}
		have = buf + have - line;
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1) {
			child_send(REXX_MSG_SAY, buf, have);
			have = 0;
		}
	}
	if (have)
		child_send(REXX_MSG_SAY, buf, have);
	dup2(saved, 2);
	close(saved);
}

static void child_setup(int fd)
{
	child.fd = fd;
	RexxRegisterSubcomExe("CMS", subcom_cms, NULL);
	RexxRegisterSubcomExe("CP", subcom_cp, NULL);
	RexxRegisterExitExe(CHILD_EXITS, exit_handler, NULL);
}

/* The program's rc: its EXIT value when a whole number, else Regina's code. */
static int program_rc(APIRET started, SHORT rc, RXSTRING *result)
{
	char text[32];
	char *end;
	long v;

	if ((LONG)started != 0)
		return (LONG)started; /* a REXX error: negative error number */
	if (!result->strptr || !result->strlength || result->strlength >= sizeof(text))
		return rc;
	memcpy(text, result->strptr, result->strlength);
	text[result->strlength] = 0;
	v = strtol(text, &end, 10);
	return *end ? rc : (int)v;
}

int rexx_child_run(int fd, const char *name, const char *text, size_t len, const char *args)
{
	RXSYSEXIT exits[] = {
	    {CHILD_EXITS, RXSIO},
	    {NULL, RXENDLST},
	};
	RXSTRING arg, instore[2], result = {0};
	SHORT rexx_rc = 0;
	APIRET started;
	char end[16];
	int rc, saved;

	child_setup(fd);
	MAKERXSTRING(arg, (char *)args, strlen(args));
	MAKERXSTRING(instore[0], (char *)text, len);
	MAKERXSTRING(instore[1], NULL, 0);
	saved = stderr_catch();
	started = RexxStart(*args ? 1 : 0, &arg, name, instore, "CMS", RXCOMMAND | RXRESTRICTED,
			    exits, &rexx_rc, &result);
	stderr_release(saved);
	rc = program_rc(started, rexx_rc, &result);
	if (result.strptr)
		RexxFreeMemory(result.strptr);
	if (instore[1].strptr)
		RexxFreeMemory(instore[1].strptr);
	snprintf(end, sizeof(end), "%d", rc);
	child_send(REXX_MSG_END, end, strlen(end));
	return rc;
}

/* The source CP passed (rexx/exec.c): "name\0args\0text" in a memory file. */
static char *child_source(int src, const char **name, const char **args, const char **text,
			  size_t *len)
{
	struct stat st;
	char *buf, *end;

	if (fstat(src, &st) < 0 || st.st_size < 2 || st.st_size > (64 << 20))
		return NULL;
	buf = malloc(st.st_size + 1);
	if (!buf || file_pread_full(src, buf, st.st_size, 0)) {
		free(buf);
		return NULL;
	}
	buf[st.st_size] = 0;
	end = buf + st.st_size;
	*name = buf;
	*args = *name + strlen(*name) + 1;
	*text = *args < end ? *args + strlen(*args) + 1 : end;
	if (*text > end) {
		free(buf);
		return NULL;
	}
	*len = end - *text;
	return buf;
}

int rexx_child_main(int argc, char **argv)
{
	const char *name, *args, *text;
	size_t len;
	char *buf;
	int rc;

	if (argc != 3 || strcmp(argv[1], "--fd") || strcmp(argv[2], "3")) {
		fprintf(stderr, "usage: rvcp rexx --fd 3 (started by cp, the source at 4)\n");
		return 2;
	}
	log_set_name("rvcp rexx");
	buf = child_source(4, &name, &args, &text, &len);
	close(4);
	if (!buf)
		return 2;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	/* No file system, no privileges: before the first clause. */
	rc = sandbox_enter(SANDBOX_EXEC);
	if (rc) {
		log_err("cannot enter the sandbox: %s", strerror(-rc));
		_exit(1);
	}
	rc = rexx_child_run(3, name, text, len, args);
	free(buf);
	fflush(NULL);
	_exit(rc & 0xff); /* exit handlers would need calls the sandbox refuses */
}
