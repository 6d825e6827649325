/* SPDX-License-Identifier: MIT */
#ifndef RVCP_REXX_PROTO_H
#define RVCP_REXX_PROTO_H
/*
 * The line protocol between CP and an EXEC's process: one SOCK_SEQPACKET
 * packet per message, a type byte then text (no terminating NUL).  The child
 * waits for the answer to each CMD and PULL, so at most one is outstanding.
 */
#include <stddef.h>
#include <sys/types.h>

#define REXX_PKT_MAX 65536

enum {
	/* child -> CP */
	REXX_MSG_CMD = 'C',  /* capture flag ('0'/'1'), then the command text */
	REXX_MSG_SAY = 'S',  /* a line for the terminal */
	REXX_MSG_PULL = 'P', /* wants one terminal line */
	REXX_MSG_END = 'X',  /* the program ended: its rc in decimal */
	/* CP -> child */
	REXX_MSG_LINE = 'L',  /* one captured response line of the command */
	REXX_MSG_RC = 'R',    /* the command ended: "rc unknown" in decimal */
	REXX_MSG_INPUT = 'I', /* the answer to PULL */
	REXX_MSG_HALT = 'H',  /* the user asked to stop the EXEC */
};

/* Send one message; 0 or -errno. */
int rexx_proto_send(int fd, int type, const char *text, size_t len, int flags);
/* Receive one message into buf (REXX_PKT_MAX + 1 bytes, NUL-terminated);
 * returns the text length, or -errno (-EPIPE at end of file). */
ssize_t rexx_proto_recv(int fd, char *buf, int *type, int flags);

#endif
