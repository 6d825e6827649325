/* SPDX-License-Identifier: MIT */
#ifndef RVCP_UTIL_SANDBOX_H
#define RVCP_UTIL_SANDBOX_H
/*
 * The sandbox of the processes CP starts for hostile code: a VM process
 * (`rvcp vm`, the emulator running a guest) and an EXEC's process
 * (`rvcp rexx`, Regina running a user's program).  In two steps:
 *
 *  1. sandbox_spawn(): the program started with only the descriptors the
 *     caller names, an environment with nothing of CP's in it
 *     (sandbox_env()) and the rlimits (sandbox_limits_apply()).
 *  2. sandbox_enter(), in the new program before it reads any hostile
 *     input (the first guest instruction, the first REXX clause):
 *      - the identity.  When it holds root (CP does), it gives up every
 *        capability (bounding set included) and becomes uid and gid
 *        SANDBOX_UID_BASE + its pid, with no supplementary groups: a uid of
 *        its own that owns no file and no other process, so one VM cannot
 *        signal, trace or read another.  When CP runs unprivileged (`rvcp
 *        cp --user`, the systemd unit) the process keeps CP's uid, which has
 *        no capabilities; the seccomp filter (no ptrace, no signal to
 *        another process, no open) is then what keeps it from CP and from
 *        its siblings.  It never goes on as root: -EPERM then.
 *      - no new privileges, not dumpable, and the seccomp-bpf allowlist of
 *        its kind (util/sandbox.c), which has no call that names a file:
 *        every file the process uses is a descriptor CP passed it.
 *     After it, the process ends with _exit(): exit handlers (LeakSanitizer
 *     in sanitizer builds) would need calls the filter refuses.
 *
 * Memory limits (RLIMIT_AS) are not applied in sanitizer builds, whose
 * shadow memory needs terabytes of address space; sandbox_sanitized() says
 * whether this is such a build.  Both return 0 or -errno.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SANDBOX_UID_BASE 1073741824u /* 2^30: uids 2^30 .. 2^30 + pid_max */

enum sandbox_kind {
	SANDBOX_VM,   /* the emulator: guest RAM, disks, the CP socket */
	SANDBOX_EXEC, /* Regina: the CP socket, memory, the clock */
};

struct sandbox_limits {
	uint64_t mem;	 /* RLIMIT_AS in bytes; 0: none */
	uint64_t cpu_s;	 /* RLIMIT_CPU in seconds (SIGXCPU, then SIGKILL); 0: none */
	uint64_t nofile; /* RLIMIT_NOFILE */
};

int sandbox_limits_apply(const struct sandbox_limits *lim);

/*
 * The environment of a sandboxed program: only the sanitizers' settings
 * (ASAN_OPTIONS...) and the CPU engine (RVCP_CPU, cpu/cpu.h), nothing else of
 * CP's.  Call it in the parent, before fork().
 */
char *const *sandbox_env(void);
/*
 * Start /proc/self/exe (CP's own binary) with argv and env, sandboxed: in
 * the child fds[i] becomes descriptor i (fds[i] < 0: /dev/null), every other
 * descriptor is closed at the exec, the signal mask is emptied, the rlimits
 * set, the working folder "/".  Returns once the program runs (the exec
 * happened: a caller that then reads /proc/PID sees the new program), with
 * its pid; or -errno when it could not be started (the child reaped).
 */
#define SANDBOX_MAX_FDS 8
pid_t sandbox_spawn(const int *fds, int nfds, const struct sandbox_limits *lim, char *const argv[],
		    char *const env[]);
/* The same with another program of CP's (an absolute path CP resolved itself). */
pid_t sandbox_spawn_prog(const char *prog, const int *fds, int nfds,
			 const struct sandbox_limits *lim, char *const argv[], char *const env[]);
int sandbox_enter(enum sandbox_kind kind);
bool sandbox_sanitized(void);

#endif
