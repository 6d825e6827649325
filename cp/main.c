// SPDX-License-Identifier: MIT
/*
 * rvcp cp --directory FILE --spool DIR [--listen HOST:PORT] [--logon-timeout S]:
 * the control program daemon.  One process, one epoll loop (util/evloop.h); signals
 * arrive through a signalfd: SIGTERM/SIGINT shut down cleanly, SIGCHLD
 * reaps VM processes.
 *
 * The parts of CP, each with its header, in the order their calls run:
 *   terminal.h   telnet line-mode terminals, LOGON, routing of typed lines
 *   commands.h   the command table and cp_execute(); the handlers in
 *                cmd_user.c, cmd_vm.c, cmd_query.c, and those of
 *   nss.h        Named Saved Systems (cmd_nss.c, cmd_trace.c, nss.c) and
 *   cmd_exec.h   EXEC, implied EXEC, LISTFILE (rexx/ does the REXX)
 *   user.h       logged-on users, their consoles, what their VMs report
 *   vmctl.h      the VM processes and their minidisk links
 *   directory.h  the user directory;  messages.h  the numbered messages
 * Calls go down this list; what comes up (guest output, a VM's reports)
 * comes through struct cp_console and struct vmctl_events.  The user layer
 * runs commands for its VM (a reboot's re-IPL, a guest's CP request).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp/net.h"
#include "cp/main.h"
#include "cp/nss.h"
#include "cp/terminal.h"
#include "cp/user.h"
#include "cp/vmctl.h"
#include "util/log.h"

/* Shutdown, once the loop has ended: log everybody off, close the terminals. */
static void cp_shutdown(void)
{
	log_info("shutdown: logging off %d users", cp_user_count());
	while (cp_sys.users)
		cp_user_logoff(cp_sys.users);
	term_close_all();
}

static void cp_signal(void *opaque, int fd, uint32_t events)
{
	struct signalfd_siginfo si;
	int status;
	pid_t pid;

	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
				vmctl_reaped(pid, status);
		} else {
			log_info("signal %d: shutting down", (int)si.ssi_signo);
			evloop_quit(cp_sys.loop);
		}
	}
}

static int cp_usage(void)
{
	fprintf(
	    stderr,
	    "usage: rvcp cp --directory FILE --spool DIR [--listen HOST:PORT]\n"
	    "               [--logon-timeout SECONDS (300; 0: none)] [--config SYSTEM-CONFIG]\n");
	return 2;
}

static int cp_signals(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	return evloop_add(cp_sys.loop, fd, EPOLLIN, cp_signal, NULL) ? -1 : fd;
}

int cp_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"directory", required_argument, NULL, 'd'},
	    {"spool", required_argument, NULL, 's'},
	    {"listen", required_argument, NULL, 'l'},
	    {"logon-timeout", required_argument, NULL, 't'},
	    {"config", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	const char *dirfile = NULL, *listen = "127.0.0.1:2323", *config = NULL;
	char err[512] = "";
	int c, rc = 1, sigfd = -1;

	log_set_name("rvcp cp");
	while ((c = getopt_long(argc, argv, "d:s:l:t:c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'd':
			dirfile = optarg;
			break;
		case 's':
			cp_sys.spool = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 't': {
			char *end;
			unsigned long s = strtoul(optarg, &end, 10);

			if (end == optarg || *end || s > 86400)
				return cp_usage();
			term_set_logon_timeout((unsigned)s);
			break;
		}
		default:
			return cp_usage();
		}
	}
	if (!dirfile || !cp_sys.spool || optind != argc)
		return cp_usage();
	if (dir_load(dirfile, &cp_sys.dir, err, sizeof(err))) {
		fprintf(stderr, "rvcp cp: bad directory: %s\n", err);
		return 1;
	}
	if (mkdir(cp_sys.spool, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "rvcp cp: spool %s: %s\n", cp_sys.spool, strerror(errno));
		goto out;
	}
	cp_sys.loop = evloop_create();
	if (!cp_sys.loop)
		goto out;
	sigfd = cp_signals();
	if (sigfd < 0)
		goto out;
	if (nss_cp_init())
		goto out;
	if (config && net_load_config(config, err, sizeof(err))) {
		fprintf(stderr, "rvcp cp: bad system configuration: %s\n", err);
		rc = 1;
		goto out;
	}
	rc = term_listen(listen);
	if (rc) {
		log_err("cannot listen on %s: %s", listen, strerror(-rc));
		rc = 1;
		goto out;
	}
	log_info("ready on %s: %d users in %s, spool %s", listen, cp_sys.dir->nusers, dirfile,
		 cp_sys.spool);
	rc = evloop_run(cp_sys.loop) ? 1 : 0;
	cp_shutdown();
	vmctl_wait_all();
	net_shutdown();
	log_info("shutdown complete");
out:
	net_shutdown();
	if (sigfd >= 0)
		close(sigfd);
	evloop_destroy(cp_sys.loop);
	dir_free(cp_sys.dir);
	return rc;
}
