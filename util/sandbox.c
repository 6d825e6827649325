// SPDX-License-Identifier: MIT
/*
 * The sandbox of VM and EXEC processes (util/sandbox.h): identity, rlimits
 * and the seccomp allowlists.
 *
 * THE ALLOWLIST is sandbox_rules[] below, one row per system call, in
 * groups; a row says which kinds of process may make the call and on which
 * condition of its arguments.  To give the VM process a new ability (a
 * thread per hart, a translator, a network device) add rows to the group it
 * belongs to, or a group of its own with a comment saying why.  Rules are
 * by name, resolved for the host's architecture; a name the architecture
 * does not have (open on arm64) is skipped.
 *
 * What is not in the list: a VM process that makes such a call is killed
 * (SIGSYS; CP reports "killed by signal 31"): the emulator is ours and
 * calls nothing else, so anything else is a bug or an attack.  An EXEC
 * gets ENOSYS instead: Regina is a large library whose rarer paths (a
 * built-in function we did not foresee) should fail like a missing
 * feature, not lose the user's program.  The calls that name a file fail
 * with EACCES in both, so a REXX stream function reports NOTREADY.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "util/sandbox.h"

enum {
	VM = 1 << SANDBOX_VM,
	EXEC = 1 << SANDBOX_EXEC,
	BOTH = VM | EXEC,
};

enum sb_cond {
	ANY,	  /* allowed whatever the arguments */
	NO_WX,	  /* arg 2 (prot) not PROT_WRITE and PROT_EXEC together (W^X) */
	FD,	  /* arg 0 a descriptor, not AT_FDCWD: fstat, never a path lookup */
	SELF,	  /* arg 0 this process's pid: a signal to itself (abort) */
	THREAD,	  /* clone of a thread (CLONE_THREAD), never of a process */
	QUERY,	  /* prlimit64 of itself, reading only */
	FCNTL_OK, /* fcntl commands on the descriptor itself (not F_SETOWN) */
	DENY,	  /* fails with EACCES (the calls that name a file) */
	NOSYS,	  /* fails with ENOSYS (the caller has a fallback) */
	NOTTY,	  /* fails with ENOTTY (isatty() and terminal queries) */
};

struct sb_rule {
	const char *name;
	unsigned char kinds;
	unsigned char cond;
};

/* clang-format off */
static const struct sb_rule sandbox_rules[] = {
	/* Descriptors CP passed: its socket, disk images, spool files. */
	{"read",            BOTH, ANY},
	{"write",           BOTH, ANY},
	{"readv",           BOTH, ANY},
	{"writev",          BOTH, ANY},
	{"pread64",         BOTH, ANY},
	{"pwrite64",        BOTH, ANY},
	{"preadv",          BOTH, ANY},
	{"pwritev",         BOTH, ANY},
	{"lseek",           BOTH, ANY},
	{"close",           BOTH, ANY},
	{"dup",             BOTH, ANY},
	{"dup2",            BOTH, ANY},
	{"dup3",            BOTH, ANY},
	{"fcntl",           BOTH, FCNTL_OK},
	{"fstat",           BOTH, ANY},
	{"newfstatat",      BOTH, FD},
	{"fdatasync",       VM,   ANY},	/* virtio-blk flush, SAVESYS */
	{"fsync",           VM,   ANY},
	{"ftruncate",       BOTH, ANY},	/* of a passed file or a memfd */
	{"fallocate",       VM,   ANY},
	/* Sockets CP passed (its own, later virtio-net's): no new ones. */
	{"sendmsg",         BOTH, ANY},
	{"recvmsg",         BOTH, ANY},
	{"sendto",          BOTH, ANY},
	{"recvfrom",        BOTH, ANY},
	{"sendmmsg",        VM,   ANY},
	{"recvmmsg",        VM,   ANY},
	{"shutdown",        BOTH, ANY},
	{"getsockopt",      VM,   ANY},
	/* A VM that outlived its CP takes the next one on the listening
	 * socket CP passed it (vm/orphan.c). */
	{"accept4",         VM,   ANY},
	/* Waiting: an idle guest sleeps in ppoll() until its timer. */
	{"poll",            BOTH, ANY},
	{"ppoll",           BOTH, ANY},
	{"eventfd2",        VM,   ANY},		/* a sleeping hart is woken by its eventfd */
	{"nanosleep",       BOTH, ANY},
	{"clock_nanosleep", BOTH, ANY},
	{"sched_yield",     BOTH, ANY},
	/* Memory.  W^X: a translator maps its code memfd twice (RW to write,
	 * RX to run), never both at once; memfd_create for its cache. */
	{"brk",             BOTH, ANY},
	{"mmap",            BOTH, NO_WX},
	{"mprotect",        BOTH, NO_WX},
	{"munmap",          BOTH, ANY},
	{"mremap",          BOTH, ANY},
	{"madvise",         BOTH, ANY},
	{"msync",           VM,   ANY},
	{"memfd_create",    BOTH, ANY},
	/* Threads (a host thread per hart; ASan's own): threads only. */
	{"clone",           BOTH, THREAD},
	{"clone3",          BOTH, NOSYS},	/* glibc falls back to clone */
	{"futex",           BOTH, ANY},
	{"set_robust_list", BOTH, ANY},
	{"get_robust_list", BOTH, ANY},
	{"rseq",            BOTH, ANY},
	{"set_tid_address", BOTH, ANY},
	{"sched_getaffinity", BOTH, ANY},
	{"membarrier",      VM,   ANY},
	/* Signals, to itself only. */
	{"rt_sigaction",    BOTH, ANY},
	{"rt_sigprocmask",  BOTH, ANY},
	{"rt_sigreturn",    BOTH, ANY},
	{"rt_sigpending",   BOTH, ANY},
	{"rt_sigtimedwait", BOTH, ANY},
	{"sigaltstack",     BOTH, ANY},
	{"restart_syscall", BOTH, ANY},
	{"tgkill",          BOTH, SELF},
	{"kill",            BOTH, SELF},
	/* The process itself: who it is, its clock, its end. */
	{"getpid",          BOTH, ANY},
	{"gettid",          BOTH, ANY},
	{"getppid",         BOTH, ANY},
	{"getuid",          BOTH, ANY},
	{"geteuid",         BOTH, ANY},
	{"getgid",          BOTH, ANY},
	{"getegid",         BOTH, ANY},
	{"getrandom",       BOTH, ANY},
	{"clock_gettime",   BOTH, ANY},
	{"clock_getres",    BOTH, ANY},
	{"gettimeofday",    BOTH, ANY},
	{"time",            BOTH, ANY},
	{"times",           BOTH, ANY},
	{"getrusage",       BOTH, ANY},
	{"uname",           BOTH, ANY},
	{"getcwd",          EXEC, ANY},	/* "/": the EXEC's process starts there */
	{"prlimit64",       BOTH, QUERY},
	{"exit",            BOTH, ANY},
	{"exit_group",      BOTH, ANY},
	{"ioctl",           BOTH, NOTTY},
	/* The file system: refused.  Every file is a descriptor CP passed. */
	{"open",            BOTH, DENY},
	{"openat",          BOTH, DENY},
	{"openat2",         BOTH, DENY},
	{"creat",           BOTH, DENY},
	{"stat",            BOTH, DENY},
	{"lstat",           BOTH, DENY},
	{"statx",           BOTH, DENY},
	{"statfs",          BOTH, DENY},
	{"access",          BOTH, DENY},
	{"faccessat",       BOTH, DENY},
	{"faccessat2",      BOTH, DENY},
	{"readlink",        BOTH, DENY},
	{"readlinkat",      BOTH, DENY},
	{"chdir",           BOTH, DENY},
	{"fchdir",          BOTH, DENY},
	{"mkdir",           BOTH, DENY},
	{"mkdirat",         BOTH, DENY},
	{"rmdir",           BOTH, DENY},
	{"unlink",          BOTH, DENY},
	{"unlinkat",        BOTH, DENY},
	{"rename",          BOTH, DENY},
	{"renameat",        BOTH, DENY},
	{"renameat2",       BOTH, DENY},
	{"link",            BOTH, DENY},
	{"linkat",          BOTH, DENY},
	{"symlink",         BOTH, DENY},
	{"symlinkat",       BOTH, DENY},
	{"chmod",           BOTH, DENY},
	{"fchmodat",        BOTH, DENY},
	{"chown",           BOTH, DENY},
	{"fchownat",        BOTH, DENY},
	{"truncate",        BOTH, DENY},
	{"utimensat",       BOTH, DENY},
	{"execve",          BOTH, DENY},
	{"execveat",        BOTH, DENY},
	{"getdents64",      BOTH, DENY},
};
/* clang-format on */

char *const *sandbox_env(void)
{
	static const char *const keep[] = {
	    "ASAN_OPTIONS=", "UBSAN_OPTIONS=", "LSAN_OPTIONS=", "RVCP_CPU="};
	static char *env[sizeof(keep) / sizeof(keep[0]) + 1];
	size_t n = 0;

	for (char **e = environ; *e && n < sizeof(keep) / sizeof(keep[0]); e++)
		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			if (!strncmp(*e, keep[i], strlen(keep[i])))
				env[n++] = *e;
	env[n] = NULL;
	return env;
}

/* In the child: the descriptors in place, the rest closed at exec, the limits; exec. */
static int sandbox_exec(const char *prog, const int *fds, int nfds,
			const struct sandbox_limits *lim, char *const argv[], char *const env[])
{
	sigset_t none;
	int tmp[SANDBOX_MAX_FDS], rc;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL); /* CP blocks signals for its signalfd */
	/* Out of the way first: a source may be a target's number. */
	for (int i = 0; i < nfds; i++) {
		tmp[i] = fds[i] >= 0 ? fcntl(fds[i], F_DUPFD_CLOEXEC, 64)
				     : open("/dev/null", O_RDWR | O_CLOEXEC);
		if (tmp[i] < 0)
			return -errno;
	}
	for (int i = 0; i < nfds; i++)
		if (dup2(tmp[i], i) < 0) /* the copy is not close-on-exec */
			return -errno;
	/* Every other descriptor goes at the exec (the status pipe with it). */
	if (close_range(nfds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return -errno;
	rc = sandbox_limits_apply(lim);
	if (rc)
		return rc;
	if (chdir("/") < 0)
		return -errno;
	execve(prog, argv, env);
	return -errno;
}

pid_t sandbox_spawn(const int *fds, int nfds, const struct sandbox_limits *lim, char *const argv[],
		    char *const env[])
{
	return sandbox_spawn_prog("/proc/self/exe", fds, nfds, lim, argv, env);
}

pid_t sandbox_spawn_prog(const char *prog, const int *fds, int nfds,
			 const struct sandbox_limits *lim, char *const argv[], char *const env[])
{
	int st[2], err = 0;
	ssize_t n;
	pid_t pid;

	if (nfds > SANDBOX_MAX_FDS)
		return -EINVAL;
	if (pipe2(st, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		int w = fcntl(st[1], F_DUPFD_CLOEXEC, 64);

		err = w < 0 ? errno : -sandbox_exec(prog, fds, nfds, lim, argv, env);
		if (w >= 0 && write(w, &err, sizeof(err)) < 0) {
			/* the parent sees the exit status */
		}
		_exit(127);
	}
	close(st[1]);
	if (pid < 0) {
		close(st[0]);
		return -errno;
	}
	/* Nothing to read once the exec closed the pipe: the program runs. */
	do
		n = read(st[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(st[0]);
	if (n == sizeof(err)) {
		waitpid(pid, NULL, 0);
		return -err;
	}
	return pid;
}

bool sandbox_sanitized(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return true;
#else
	return false;
#endif
#else
	return false;
#endif
}

static int sandbox_rlimit(int res, uint64_t soft, uint64_t hard)
{
	struct rlimit r = {.rlim_cur = soft, .rlim_max = hard};

	return setrlimit(res, &r) < 0 ? -errno : 0;
}

int sandbox_limits_apply(const struct sandbox_limits *lim)
{
	int rc = sandbox_rlimit(RLIMIT_CORE, 0, 0);

	if (!rc && lim->nofile)
		rc = sandbox_rlimit(RLIMIT_NOFILE, lim->nofile, lim->nofile);
	if (!rc && lim->cpu_s) /* SIGXCPU at the limit, SIGKILL a little later */
		rc = sandbox_rlimit(RLIMIT_CPU, lim->cpu_s, lim->cpu_s + 2);
	if (!rc && lim->mem && !sandbox_sanitized())
		rc = sandbox_rlimit(RLIMIT_AS, lim->mem, lim->mem);
	return rc;
}

/* Nothing in the bounding set for what it could exec (needs CAP_SETPCAP). */
static void sandbox_bounding_drop(void)
{
	for (int cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
			break;
}

/* No capability in any set (after the uid change, which needs one). */
static int sandbox_caps_drop(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(d, 0, sizeof(d));
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

static int sandbox_identity(void)
{
	uid_t id = SANDBOX_UID_BASE + (uid_t)getpid();

	if (geteuid() == 0) {
		sandbox_bounding_drop();
		if (setgroups(0, NULL) < 0 || setresgid(id, id, id) < 0 ||
		    setresuid(id, id, id) < 0)
			return -errno;
	}
	if (getuid() == 0 || geteuid() == 0)
		return -EPERM; /* never run hostile code as root */
	return sandbox_caps_drop();
}

/* The comparisons of one rule's condition; their number, or -1 for no rule. */
static int sandbox_cond(int cond, struct scmp_arg_cmp *c, int alt)
{
	switch (cond) {
	case NO_WX: /* three rules: neither, only W, only X */
		if (alt > 2)
			return -1;
		c[0] = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_WRITE | PROT_EXEC,
			       (scmp_datum_t[]){0, PROT_WRITE, PROT_EXEC}[alt]);
		return 1;
	case FD:
		c[0] = SCMP_A0(SCMP_CMP_LE, INT_MAX);
		return alt ? -1 : 1;
	case SELF:
		c[0] = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
		return alt ? -1 : 1;
	case THREAD:
		c[0] = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
		return alt ? -1 : 1;
	case QUERY:
		c[0] = SCMP_A0(SCMP_CMP_EQ, 0);
		c[1] = SCMP_A2(SCMP_CMP_EQ, 0);
		return alt ? -1 : 2;
	case FCNTL_OK: {
		static const scmp_datum_t ok[] = {F_GETFD,	   F_SETFD,	F_GETFL,    F_SETFL,
						  F_DUPFD_CLOEXEC, F_ADD_SEALS, F_GET_SEALS};

		if (alt >= (int)(sizeof(ok) / sizeof(ok[0])))
			return -1;
		c[0] = SCMP_A1(SCMP_CMP_EQ, ok[alt]);
		return 1;
	}
	default:
		return alt ? -1 : 0;
	}
}

static uint32_t sandbox_action(int cond)
{
	switch (cond) {
	case DENY:
		return SCMP_ACT_ERRNO(EACCES);
	case NOSYS:
		return SCMP_ACT_ERRNO(ENOSYS);
	case NOTTY:
		return SCMP_ACT_ERRNO(ENOTTY);
	default:
		return SCMP_ACT_ALLOW;
	}
}

static int sandbox_rule_add(scmp_filter_ctx ctx, const struct sb_rule *r, uint32_t def)
{
	int nr = seccomp_syscall_resolve_name(r->name);
	struct scmp_arg_cmp c[2];
	int n, rc = 0;

	if (nr == __NR_SCMP_ERROR || sandbox_action(r->cond) == def)
		return 0; /* not a call of this architecture; what happens anyway */
	for (int alt = 0; !rc && (n = sandbox_cond(r->cond, c, alt)) >= 0; alt++)
		rc = seccomp_rule_add_array(ctx, sandbox_action(r->cond), nr, n, c);
	return rc;
}

int sandbox_enter(enum sandbox_kind kind)
{
	uint32_t def = kind == SANDBOX_VM ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ERRNO(ENOSYS);
	scmp_filter_ctx ctx;
	int rc = 0;

	rc = sandbox_identity();
	if (rc)
		return rc;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -errno;
	ctx = seccomp_init(def);
	if (!ctx)
		return -ENOMEM;
	for (size_t i = 0; !rc && i < sizeof(sandbox_rules) / sizeof(sandbox_rules[0]); i++)
		if (sandbox_rules[i].kinds & (1 << kind))
			rc = sandbox_rule_add(ctx, &sandbox_rules[i], def);
	if (!rc)
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2); /* a binary tree, if it can */
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}
