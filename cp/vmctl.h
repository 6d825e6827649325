/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_VMCTL_H
#define RVCP_CP_VMCTL_H
/*
 * CP's side of the VM processes: the minidisk links of a user (with their
 * open images), the process (spawned with a socketpair, restarted on the
 * next IPL after it died) and the events it sends.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cp/cp.h"
#include "machine/machine.h"

struct cp_link {
	uint16_t vdev;
	bool write;
	int fd;
	uint64_t size;
	dev_t dev;
	ino_t ino;
	const struct dir_disk *disk;
};

struct cp_vm {
	struct cp_user *user;
	pid_t pid;     /* 0: no process */
	int sock;      /* -1: no connection */
	bool reaped;   /* the process was waited for (pid kept for the report) */
	int status;    /* its wait status */
	bool quitting; /* we asked it to end */
	struct cp_link links[MACHINE_MAX_DISKS];
	int nlinks;
};

/* Link the user's minidisks (messages for refused ones) and start the process. */
int vmctl_create(struct cp_user *u, struct cp_sink *sink);
/* End the process and close the images. */
void vmctl_destroy(struct cp_user *u);
/* (Re)send SETUP: storage size and disks. */
int vmctl_setup(struct cp_user *u);
/* A child ended (SIGCHLD). */
void vmctl_reaped(pid_t pid, int status);
/* CPU time of the user's VM process, "mmm:ss.hh" (QUERY TIME, LOGOFF). */
void vmctl_cpu_time(const struct cp_user *u, char *buf, size_t size);
/* Wait (bounded) for every VM process to end (shutdown). */
void vmctl_wait_all(void);

#endif
