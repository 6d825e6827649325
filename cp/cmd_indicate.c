// SPDX-License-Identifier: MIT
/*
 * INDICATE and the host's QUERYs: what the host and a user's virtual
 * machine use, in z/VM's words.  The host's figures come from /proc (small
 * files, read in the loop); a VM's I/O count from its VM process (INSPECT,
 * cp/vmctl.h), its CPU times and resident pages from /proc/PID.
 *
 *   INDICATE LOAD           AVGPROC: the host CPUs' busy share since the
 *                           previous INDICATE LOAD (since the host started,
 *                           the first time); PAGING: major faults a second
 *                           over the same time; Q1: users whose guest runs,
 *                           DORMANT: the others; a PROC line per host CPU.
 *   INDICATE USER [userid]  (others: class E) the VM's storage, IPLed
 *                           system, devices, resident pages (RES: the VM
 *                           process's RSS; WS: its PSS, the share of the
 *                           pages it holds with other VMs counted once),
 *                           CTIME (connected, hh:mm), VTIME and TTIME (the
 *                           VM process's user and user + system CPU,
 *                           mmm:ss; all its harts on the BASE CPU's line) and
 *                           IO (disk requests and NIC frames).
 *   QUERY STORAGE           (class B) the host's memory
 *   QUERY PROCESSORS        (class B) the host's CPUs online
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "cp/commands.h"
#include "cp/directory.h"
#include "cp/net.h"
#include "cp/user.h"
#include "cp/vmctl.h"
#include "util/log.h"

#define IND_MAX_CPUS 256

struct ind_sample {
	int ncpus;
	unsigned long long busy[IND_MAX_CPUS + 1], total[IND_MAX_CPUS + 1]; /* [0]: all */
	unsigned long long majflt;
	struct timespec at;
};

/* One "cpu..." line of /proc/stat: busy and total jiffies. */
static void ind_cpu_line(const char *line, unsigned long long *busy, unsigned long long *total)
{
	unsigned long long v[8] = {0};

	sscanf(line, "%*s %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
	       &v[4], &v[5], &v[6], &v[7]);
	*total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
	*busy = *total - v[3] - v[4]; /* less idle and iowait */
}

static unsigned long long ind_majflt(void)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char line[128];
	unsigned long long n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "pgmajfault %llu", &n) == 1)
			break;
	fclose(f);
	return n;
}

static int ind_sample(struct ind_sample *s)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512];

	if (!f)
		return -1;
	s->ncpus = 0;
	while (fgets(line, sizeof(line), f) && !strncmp(line, "cpu", 3)) {
		int i = isdigit((unsigned char)line[3]) ? ++s->ncpus : 0;

		if (i > IND_MAX_CPUS)
			break;
		ind_cpu_line(line, &s->busy[i], &s->total[i]);
	}
	fclose(f);
	s->majflt = ind_majflt();
	clock_gettime(CLOCK_MONOTONIC, &s->at);
	return s->ncpus ? 0 : -1;
}

static unsigned ind_pct(const struct ind_sample *a, const struct ind_sample *b, int i)
{
	unsigned long long t = b->total[i] - a->total[i];

	return t ? (unsigned)((b->busy[i] - a->busy[i]) * 100 / t) : 0;
}

static void ind_users(unsigned *running, unsigned *dormant)
{
	*running = *dormant = 0;
	for (struct cp_user *u = cp_sys.users; u; u = u->next) {
		if (u->running)
			++*running;
		else
			++*dormant;
	}
}

/* A PROC line per host CPU, two to a line; a zero sample a means since the host started. */
static void ind_procs(struct cp_ctx *ctx, const struct ind_sample *a, const struct ind_sample *b)
{
	for (int i = 1; i <= b->ncpus; i += 2) {
		if (i + 1 <= b->ncpus)
			cp_msg(ctx, MSG_IND_PROC2, i - 1, ind_pct(a, b, i), i, ind_pct(a, b, i + 1));
		else
			cp_msg(ctx, MSG_IND_PROC, i - 1, ind_pct(a, b, i));
	}
}

static int ind_load(struct cp_ctx *ctx)
{
	static struct ind_sample prev; /* the previous INDICATE LOAD's; zero: host start */
	struct ind_sample now;
	double secs;
	unsigned running, dormant;

	if (ind_sample(&now))
		return cp_msg(ctx, MSG_IND_NO_HOST, "/proc/stat");
	if (prev.ncpus != now.ncpus) /* a CPU came or went: since the host started */
		memset(&prev, 0, sizeof(prev));
	secs = prev.ncpus ? (double)(now.at.tv_sec - prev.at.tv_sec) +
				(double)(now.at.tv_nsec - prev.at.tv_nsec) / 1e9
			  : (double)now.at.tv_sec;
	ind_users(&running, &dormant);
	cp_msg(ctx, MSG_IND_AVGPROC, ind_pct(&prev, &now, 0), now.ncpus);
	cp_msg(ctx, MSG_IND_PAGING,
	       secs > 0 ? (unsigned long long)((double)(now.majflt - prev.majflt) / secs) : 0);
	cp_msg(ctx, MSG_IND_QUEUES, running, dormant);
	ind_procs(ctx, &prev, &now);
	prev = now;
	return 0;
}

/* utime and stime (seconds) of a process, from /proc/PID/stat. */
static int ind_times(pid_t pid, double *utime, double *stime)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	*utime = (double)ut / (double)sysconf(_SC_CLK_TCK);
	*stime = (double)st / (double)sysconf(_SC_CLK_TCK);
	return 0;
}

/* Resident and proportional KiB of a process (smaps_rollup); -1 where unreadable. */
static void ind_mem(pid_t pid, long long *rss, long long *pss)
{
	char path[64], line[128];
	FILE *f;

	*rss = *pss = -1;
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "Rss: %lld", rss);
		sscanf(line, "Pss: %lld", pss);
	}
	fclose(f);
}

static void ind_pages(char *buf, size_t size, long long kib)
{
	if (kib < 0)
		snprintf(buf, size, "--------");
	else
		snprintf(buf, size, "%08lld", kib / 4);
}

/* The name or vdev of the last IPL, "" if none. */
static void ind_iplsys(const struct cp_user *u, char *buf, size_t size)
{
	const char *s = u->last_ipl ? u->last_ipl : "";
	size_t n;

	s += strspn(s, " ");
	if (!strncasecmp(s, "IPL", 3))
		s += 3;
	s += strspn(s, " ");
	n = strcspn(s, " ");
	snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), s);
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

static uint64_t ind_io(struct cp_user *u)
{
	struct proto_inspect q = {.op = PROTO_INSP_IO};
	struct proto_inspect_reply r;

	memset(&r, 0, sizeof(r));
	return vmctl_inspect(u, &q, NULL, 0, &r, NULL, 0) ? 0 : r.val;
}

static int ind_user(struct cp_ctx *ctx, struct cp_user *u)
{
	char stor[16], ipl[16], res[24], ws[24];
	double ut = 0, st = 0;
	long long rss = -1, pss = -1;
	long con = (long)(time(NULL) - u->logon_time) / 60;
	pid_t pid = u->vm && !u->vm->reaped ? u->vm->pid : 0;
	int ndev = u->vm ? u->vm->nlinks : 0;

	if (pid) {
		ind_times(pid, &ut, &st);
		ind_mem(pid, &rss, &pss);
	}
	dir_format_size(u->storage, stor, sizeof(stor));
	ind_iplsys(u, ipl, sizeof(ipl));
	ind_pages(res, sizeof(res), rss);
	ind_pages(ws, sizeof(ws), pss);
	cp_msg(ctx, MSG_IND_USER_1, u->id, stor);
	cp_msg(ctx, MSG_IND_USER_2, ipl, ndev + net_user_nic_count(u));
	cp_msg(ctx, MSG_IND_USER_3, res, ws);
	cp_msg(ctx, MSG_IND_USER_4, u->base_cpu, con / 60, con % 60, (int)(ut / 60), (int)ut % 60,
	       (int)((ut + st) / 60), (int)(ut + st) % 60,
	       (unsigned long long)(pid ? ind_io(u) : 0));
	return 0;
}

static int cmd_ind_load(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	if (argc > 1)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
	return ind_load(ctx);
}

static int cmd_ind_user(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;

	if (argc > 2)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[2]);
	if (argc == 2 && strcasecmp(argv[1], u->id)) {
		if (!dir_user_has_class(u->dir, "E"))
			return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
		u = cp_user_find(argv[1]);
		if (!u)
			return cp_msg(ctx, MSG_Q_NOT_LOGGED_ON, argv[1]);
	}
	return ind_user(ctx, u);
}

/* clang-format off */
static const struct cp_command ind_commands[] = {
	{"LOAD",       1, "EG", 0, cmd_ind_load,   ""},
	{"USER",       1, "EG", 0, cmd_ind_user,   "[userid]   (another user's: class E)"},
	{NULL},
};
/* clang-format on */

/* INDICATE alone is INDICATE LOAD, as in z/VM. */
int cmd_indicate(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	if (argc < 2)
		return ind_load(ctx);
	return cp_subcommand(ctx, ind_commands, argc - 1, argv + 1, rest + 1);
}

int cmd_q_host_storage(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct sysinfo si;
	char size[16];

	if (argc > 1)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
	if (sysinfo(&si))
		return cp_msg(ctx, MSG_IND_NO_HOST, "sysinfo");
	dir_format_size((uint64_t)si.totalram * si.mem_unit & ~((1ull << 20) - 1), size,
			sizeof(size));
	return cp_msg(ctx, MSG_Q_HOST_STORAGE, size, size);
}

int cmd_q_processors(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (argc > 1)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
	for (long i = 0; i < n; i++)
		cp_msg(ctx, MSG_Q_PROCESSOR, (unsigned)i, i ? "ALTERNATE" : "MASTER");
	return 0;
}
