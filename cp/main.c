// SPDX-License-Identifier: MIT
/*
 * rvcp cp --directory FILE --spool DIR [--listen HOST:PORT] [--logon-timeout S]
 *         [--user NAME] [--exec-storage SIZE] [--exec-cpu SECONDS]
 *         [--logon-per-address N] [--logon-lock-user N] [--logon-lock-address N]
 *         [--logon-delay MS] [--orphan-wait S] [--config SYSTEM-CONFIG]
 *         [--ssi URL[,URL...] --member NAME [--ssi-ttl S] [--ssi-name NAME]
 *          [--ssi-key FILE] [--ssi-fetch HOST:PORT]]:
 * the control program daemon.  One process, one epoll loop (util/evloop.h); signals
 * arrive through a signalfd: SIGTERM/SIGINT shut down cleanly, SIGQUIT ends
 * CP leaving the guests running for the next CP, SIGCHLD reaps VM processes.
 * VM processes outlive a CP that crashes or is killed: a CP started on the
 * same spool takes them over (cp/vmctl.h, --orphan-wait SECONDS).
 *
 * The parts of CP, each with its header, in the order their calls run:
 *   terminal.h   telnet line-mode terminals, LOGON, routing of typed lines;
 *                logon_guard.h and pwcheck.h guard and check its passwords
 *   commands.h   the command table and cp_execute(); the handlers in
 *                cmd_user.c, cmd_vm.c, cmd_query.c, and those of
 *   nss.h        Named Saved Systems (cmd_nss.c, cmd_trace.c, nss.c) and
 *   cmd_exec.h   EXEC, implied EXEC, LISTFILE (rexx/ does the REXX)
 *   user.h       logged-on users, their consoles, what their VMs report
 *   vmctl.h      the VM processes and their minidisk links
 *   directory.h  the user directory;  messages.h  the numbered messages
 *   cmd_ssi.h    membership of a single system image (ssi/ssi.h, on etcd)
 * Calls go down this list; what comes up (guest output, a VM's reports)
 * comes through struct cp_console and struct vmctl_events.  The user layer
 * runs commands for its VM (a reboot's re-IPL, a guest's CP request).
 *
 * CP needs no privilege: run it as a user of its own (tools/rvcp-cp.service)
 * that owns the spool folder and can read the directory and the minidisk
 * images.  Started as root with --user NAME, it reads the directory, binds
 * its port, then becomes NAME (its uid, gid and groups; no capabilities)
 * before it opens the spool or serves anyone.  Started as root without
 * --user it stays root, and its VM and EXEC processes then each run as a
 * uid of their own (util/sandbox.h); run as NAME, they run as NAME, kept
 * from CP and from each other by their seccomp filter.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp/childlog.h"
#include "cp/cmd_exec.h"
#include "cp/cmd_ssi.h"
#include "cp/main.h"
#include "cp/net.h"
#include "cp/nss.h"
#include "cp/terminal.h"
#include "cp/user.h"
#include "cp/vmctl.h"
#include "util/log.h"

/* SIGQUIT: CP ends and leaves the guests running for the next CP (an
 * upgrade); SIGTERM and SIGINT log everybody off first. */
static bool cp_leaving;

/* Shutdown, once the loop has ended: log everybody off, close the terminals. */
static void cp_shutdown(void)
{
	if (cp_leaving) {
		log_info("leaving %d users' guests running for the next CP", cp_user_count());
		term_close_all();
		return;
	}
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
			cp_leaving = si.ssi_signo == SIGQUIT;
			log_info("signal %d: shutting down", (int)si.ssi_signo);
			evloop_quit(cp_sys.loop);
		}
	}
}

static int cp_usage(void)
{
	fprintf(stderr,
		"usage: rvcp cp --directory FILE --spool DIR [--listen HOST:PORT]\n"
		"               [--logon-timeout SECONDS (300; 0: none)] [--user NAME]\n"
		"               [--logon-per-address N (32; 0: no limit)]\n"
		"               [--logon-lock-user N (5)] [--logon-lock-address N (20)]\n"
		"               [--logon-delay MS (1500)] [--orphan-wait SECONDS (300)]\n"
		"               [--exec-storage SIZE (256M)] [--exec-cpu SECONDS (60)]\n"
		"               [--config SYSTEM-CONFIG]\n"
		"               [--ssi URL[,URL...] --member NAME [--ssi-ttl SECONDS (15)]\n"
		"                [--ssi-name NAME] [--ssi-key FILE] [--ssi-fetch HOST:PORT]]\n");
	return 2;
}

/* Root gives way to user (the port is bound): its ids and groups, no capability. */
static int cp_become(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw) {
		log_err("--user %s: no such user", user);
		return -ENOENT;
	}
	if (geteuid() != 0) {
		if (geteuid() == pw->pw_uid)
			return 0;
		log_err("--user %s: only root can become another user", user);
		return -EPERM;
	}
	if (initgroups(user, pw->pw_gid) < 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
		log_err("--user %s: %s", user, strerror(errno));
		return -errno;
	}
	if (pw->pw_uid == 0 || setuid(0) == 0) {
		log_err("--user %s: still root", user);
		return -EPERM;
	}
	log_info("running as %s (uid %u)", user, (unsigned)pw->pw_uid);
	return 0;
}

/*
 * Each VM holds descriptors in CP (its socket, its log pipe, its disks):
 * as many as the host allows (root may raise the hard limit), so that
 * tens of thousands of users fit.
 */
#define CP_NOFILE_MAX (1u << 20) /* the kernel's default fs.nr_open */
static void cp_raise_nofile(void)
{
	struct rlimit r, want = {.rlim_cur = CP_NOFILE_MAX, .rlim_max = CP_NOFILE_MAX};

	if (getrlimit(RLIMIT_NOFILE, &r) || r.rlim_cur >= CP_NOFILE_MAX)
		return;
	if (r.rlim_max >= CP_NOFILE_MAX || setrlimit(RLIMIT_NOFILE, &want)) {
		r.rlim_cur = r.rlim_max < CP_NOFILE_MAX ? r.rlim_max : CP_NOFILE_MAX;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static int cp_number(const char *arg, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);

	if (end == arg || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int cp_signals(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
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
	    {"user", required_argument, NULL, 'u'},
	    {"logon-per-address", required_argument, NULL, 'a'},
	    {"exec-storage", required_argument, NULL, 'm'},
	    {"exec-cpu", required_argument, NULL, 'P'},
	    {"config", required_argument, NULL, 'c'},
	    {"logon-lock-user", required_argument, NULL, 'U'},
	    {"logon-lock-address", required_argument, NULL, 'A'},
	    {"logon-delay", required_argument, NULL, 'D'},
	    {"orphan-wait", required_argument, NULL, 'O'},
	    {"ssi", required_argument, NULL, 'S'},
	    {"member", required_argument, NULL, 'M'},
	    {"ssi-ttl", required_argument, NULL, 'T'},
	    {"ssi-name", required_argument, NULL, 'N'},
	    {"ssi-key", required_argument, NULL, 'K'},
	    {"ssi-fetch", required_argument, NULL, 'F'},
	    {NULL, 0, NULL, 0},
	};
	const char *dirfile = NULL, *listen = "127.0.0.1:2323", *user = NULL, *config = NULL;
	struct cp_ssi_options ssi = {.ttl = 15};
	uint64_t exec_mem = 0, exec_cpu = 0, per_address, lock_user = 5, lock_addr = 20,
		 delay = 1500, orphan_wait, ssi_ttl;
	char err[512] = "";
	int c, rc = 1, sigfd = -1;

	log_set_name("rvcp cp");
	while ((c = getopt_long(argc, argv, "d:s:l:t:u:m:P:a:c:U:A:D:O:S:M:T:N:K:F:", opts,
				NULL)) != -1) {
		switch (c) {
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
		case 'u':
			user = optarg;
			break;
		case 'a':
			if (cp_number(optarg, 100000, &per_address))
				return cp_usage();
			term_set_logon_per_address((unsigned)per_address);
			break;
		case 'm':
			if (dir_parse_size(optarg, &exec_mem) || exec_mem < (16 << 20))
				return cp_usage();
			break;
		case 'c':
			config = optarg;
			break;
		case 'U':
			if (cp_number(optarg, 100000, &lock_user))
				return cp_usage();
			break;
		case 'A':
			if (cp_number(optarg, 100000, &lock_addr))
				return cp_usage();
			break;
		case 'D':
			if (cp_number(optarg, 60000, &delay))
				return cp_usage();
			break;
		case 'O':
			if (cp_number(optarg, 86400, &orphan_wait))
				return cp_usage();
			vmctl_set_orphan_wait((unsigned)orphan_wait);
			break;
		case 'S':
			ssi.urls = optarg;
			break;
		case 'M':
			ssi.member = optarg;
			break;
		case 'N':
			ssi.name = optarg;
			break;
		case 'K':
			ssi.keyfile = optarg;
			break;
		case 'F':
			ssi.fetch = optarg;
			break;
		case 'T':
			if (cp_number(optarg, 3600, &ssi_ttl) || ssi_ttl < 2)
				return cp_usage();
			ssi.ttl = (unsigned)ssi_ttl;
			break;
		case 'P':
			if (cp_number(optarg, 86400, &exec_cpu) || !exec_cpu)
				return cp_usage();
			break;
		default:
			return cp_usage();
		}
	}
	if (!dirfile || !cp_sys.spool || optind != argc || !ssi.urls != !ssi.member)
		return cp_usage();
	term_set_logon_guard((unsigned)lock_user, (unsigned)lock_addr, (unsigned)delay);
	if (dir_load(dirfile, &cp_sys.dir, err, sizeof(err))) {
		fprintf(stderr, "rvcp cp: bad directory: %s\n", err);
		return 1;
	}
	cmd_exec_set_limits(exec_mem, exec_cpu);
	cp_raise_nofile();
	cp_sys.loop = evloop_create();
	if (!cp_sys.loop)
		goto out;
	sigfd = cp_signals();
	if (sigfd < 0)
		goto out;
	rc = term_listen(listen);
	if (rc) {
		log_err("cannot listen on %s: %s", listen, strerror(-rc));
		rc = 1;
		goto out;
	}
	rc = 1;
	/* Before giving up root: a TAP uplink needs it. */
	if (config && net_load_config(config, err, sizeof(err))) {
		log_err("bad system configuration: %s", err);
		goto out;
	}
	if (user && cp_become(user))
		goto out;
	if (mkdir(cp_sys.spool, 0700) < 0 && errno != EEXIST) {
		log_err("spool %s: %s", cp_sys.spool, strerror(errno));
		goto out;
	}
	if (nss_cp_init())
		goto out;
	rc = vmctl_starter_open();
	if (rc && rc != -ENOENT)
		log_warn("no VM starter (%s): VMs are started directly", strerror(-rc));
	rc = 1;
	ssi.address = listen;
	if (ssi.urls && cp_ssi_join(&ssi))
		goto out;
	cp_user_adopt_all(); /* guests a previous CP left running */
	log_info("ready on %s: %d users in %s, spool %s", listen, cp_sys.dir->nusers, dirfile,
		 cp_sys.spool);
	rc = evloop_run(cp_sys.loop) ? 1 : 0;
	cp_shutdown();
	cp_ssi_leave();
	vmctl_starter_close();
	if (!cp_leaving)
		vmctl_wait_all();
	net_shutdown();
	childlog_close_all();
	log_info("shutdown complete");
out:
	net_shutdown();
	if (sigfd >= 0)
		close(sigfd);
	evloop_destroy(cp_sys.loop);
	dir_unref(cp_sys.dir);
	return rc;
}
