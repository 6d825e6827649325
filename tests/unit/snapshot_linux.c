// SPDX-License-Identifier: MIT
/*
 * A booted Linux saved and resumed: boot $GUEST/Image with $GUEST/linux.img
 * to the shell, let the guest ask CP for SAVESYS through the console
 * request channel (what /sbin/cpcmd does), save storage and machine state
 * at that request, destroy the machine, wait, build a fresh machine from
 * the saved storage and state, and check that the same shell goes on: the
 * rest of the command line (hwclock -s) runs, the shell answers, the
 * guest's clock is the host's, /proc/uptime reads, and the disk still
 * works (new virtio-blk requests complete, so the queue state survived).
 * Prints the state size and the time from restore to the shell answering.
 * Exit 77 when the guest is not built.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "machine/internal.h"
#include "machine/machine.h"
#include "util/file.h"
#include "virtio/blk.h"

#define MEM_SIZE (64ULL << 20)
#define TIMEOUT	 400.0 /* seconds for any one wait (a sanitized boot is slow) */
#define GAP_S	 4     /* seconds between save and resume */
#define CMDLINE	 "root=/dev/vda1 ro console=ttyS0"

struct console {
	char *buf;
	size_t n, cap, mark; /* mark: where the next expect() starts looking */
};

static struct console con;

static void con_out(void *opaque, const uint8_t *b, size_t len)
{
	if (con.n + len + 1 > con.cap) {
		size_t ncap = (con.n + len + 1) * 2;
		char *p = realloc(con.buf, ncap);

		if (!p)
			abort();
		con.buf = p;
		con.cap = ncap;
	}
	memcpy(con.buf + con.n, b, len);
	con.n += len;
	con.buf[con.n] = 0;
	if (getenv("SNAPSHOT_VERBOSE"))
		fwrite(b, 1, len, stderr);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *pending_in;
static size_t pending_len;

static void type_line(const char *s)
{
	pending_in = s;
	pending_len = strlen(s);
}

/* The machine's idle wait, bounded so that typed input is seen soon. */
static void idle_wait(struct machine *m)
{
	uint64_t deadline = machine_deadline_ns(m);
	struct timespec ts;
	uint64_t now, wait;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	wait = deadline > now ? deadline - now : 0;
	if (wait > 5000000)
		wait = 5000000;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)wait;
	nanosleep(&ts, NULL);
}

/*
 * Runs until `want` appears in the output after the mark (then the mark
 * moves past it) or, when want is NULL, until a CP request.  Returns the
 * event that ended the wait, or -1 on a timeout or a guest that ended.
 */
static int run_until(struct machine *m, const char *want)
{
	double end = now_s() + TIMEOUT;

	while (now_s() < end) {
		enum machine_event ev;
		char *hit;

		if (pending_len) {
			size_t k =
			    machine_console_input(m, (const uint8_t *)pending_in, pending_len);

			pending_in += k;
			pending_len -= k;
		}
		ev = machine_run(m, 1000000);
		if (want && con.buf && (hit = strstr(con.buf + con.mark, want))) {
			con.mark = (size_t)(hit - con.buf) + strlen(want);
			return 0;
		}
		switch (ev) {
		case MACHINE_CP_REQUEST:
			if (!want)
				return ev;
			fprintf(stderr, "unexpected CP request \"%s\"\n", machine_cp_request(m));
			return -1;
		case MACHINE_IDLE:
			idle_wait(m);
			break;
		case MACHINE_POWEROFF:
		case MACHINE_RESET:
		case MACHINE_STOPPED:
			fprintf(stderr, "the guest ended (event %d)\n", (int)ev);
			return -1;
		default:
			break;
		}
	}
	fprintf(stderr, "timeout waiting for %s; output so far:\n%s\n",
		want ? want : "a CP request",
		con.buf ? con.buf + (con.n > 2000 ? con.n - 2000 : 0) : "");
	return -1;
}

#define EXPECT(m, s)                                                                               \
	do {                                                                                       \
		if (run_until(m, s) < 0) {                                                         \
			fprintf(stderr, "%s:%d: expected \"%s\"\n", __FILE__, __LINE__, s);        \
			return 1;                                                                  \
		}                                                                                  \
	} while (0)

#define PROMPT "rvcp:/# "

static struct machine *create(int fd, uint64_t size)
{
	struct machine_config cfg = {
	    .mem_size = MEM_SIZE,
	    .ndisks = 1,
	    .disks = {{.vdev = 0x200, .fd = fd, .size = size, .readonly = true}},
	    .console_out = con_out,
	};
	struct machine *m = machine_create(&cfg);

	if (!m)
		perror("machine_create");
	else
		machine_set_line_mode(m, true); /* as in the VM process */
	return m;
}

/* Boot to the shell, then the guest's own SAVESYS request. */
static int boot_and_request(struct machine *m, bool cpcmd)
{
	EXPECT(m, "Run /sbin/init");
	EXPECT(m, PROMPT);
	type_line("echo ready-$((2*3))\n");
	EXPECT(m, "ready-6");
	EXPECT(m, PROMPT);
	/* /sbin/cpcmd, or what it does typed (a guest built before it). */
	if (cpcmd)
		type_line("cpcmd SAVESYS SNAPTEST; echo clock-$?\n");
	else
		type_line("printf '\\033]5050;SAVESYS SNAPTEST\\a'; hwclock -s; echo clock-$?\n");
	if (run_until(m, NULL) != MACHINE_CP_REQUEST)
		return 1;
	if (strcmp(machine_cp_request(m), "SAVESYS SNAPTEST")) {
		fprintf(stderr, "request text \"%s\"\n", machine_cp_request(m));
		return 1;
	}
	if (!con.buf || strstr(con.buf, "\033]5050")) {
		fprintf(stderr, "the request reached the console output\n");
		return 1;
	}
	return 0;
}

static int check_resumed(struct machine *m)
{
	char *p;
	long guest;
	time_t host;
	struct virtio_blk *blk = machine_device(m, &virtio_blk_device, 0);
	uint64_t reads;

	EXPECT(m, PROMPT);
	type_line("echo T=$(date +%s)=\n");
	EXPECT(m, "T=1");
	host = time(NULL);
	guest = strtol(con.buf + con.mark - 1, &p, 10);
	if (*p != '=' || guest < host - 2 || guest > host + 2) {
		fprintf(stderr, "guest clock %ld, host %ld\n", guest, (long)host);
		return 1;
	}
	type_line("cat /proc/uptime\n");
	EXPECT(m, "cat /proc/uptime");
	EXPECT(m, ".");
	reads = blk->reads;
	type_line(
	    "ls /bin | wc -l; dd if=/dev/vda bs=4096 skip=9000 count=8 2>/dev/null | wc -c\n");
	EXPECT(m, "32768");
	if (blk->reads == reads) {
		fprintf(stderr, "no virtio-blk request completed after the resume\n");
		return 1;
	}
	return 0;
}

int main(void)
{
	const char *gdir = getenv("GUEST") ? getenv("GUEST") : "build/guest";
	char kpath[512], dpath[512], err[256];
	struct machine *m;
	uint8_t *storage, *state;
	size_t klen;
	void *kernel;
	ssize_t slen;
	double t0, tl, tc, t1;
	struct stat st;
	int fd, rc;

	snprintf(kpath, sizeof(kpath), "%s/Image", gdir);
	snprintf(dpath, sizeof(dpath), "%s/linux.img", gdir);
	fd = open(dpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || access(kpath, R_OK)) {
		printf("snapshot_linux: no guest in %s (make guest): skipped\n", gdir);
		return 77;
	}
	kernel = file_read_all(kpath, &klen);
	if (fstat(fd, &st) || !kernel) {
		perror(kpath);
		return 1;
	}
	m = create(fd, (uint64_t)st.st_size);
	if (!m || machine_load_kernel(m, kernel, klen, NULL, 0, CMDLINE))
		return 1;
	snprintf(kpath, sizeof(kpath), "%s/root/sbin/cpcmd", gdir);
	if (boot_and_request(m, access(kpath, X_OK) == 0))
		return 1;

	/* Save at the request: storage and state; then the machine is gone. */
	storage = malloc(MEM_SIZE);
	state = malloc(machine_state_size(m));
	if (!storage || !state)
		return 1;
	memcpy(storage, machine_mem(m)->base, MEM_SIZE);
	slen = machine_save_state(m, state, machine_state_size(m));
	if (slen < 0) {
		fprintf(stderr, "machine_save_state: %s\n", strerror((int)-slen));
		return 1;
	}
	machine_destroy(m);
	sleep(GAP_S);

	t0 = now_s();
	m = create(fd, (uint64_t)st.st_size);
	if (!m)
		return 1;
	memcpy(machine_mem(m)->base, storage, MEM_SIZE);
	rc = machine_load_state(m, state, (size_t)slen, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "machine_load_state: %s\n", err);
		return 1;
	}
	tl = now_s();
	con.mark = con.n;
	EXPECT(m, "clock-0");
	tc = now_s();
	type_line("echo resumed-$((6*7))\n");
	EXPECT(m, "resumed-42");
	t1 = now_s();
	if (check_resumed(m))
		return 1;
	printf("snapshot_linux: state %zd bytes; restore to the shell answering %.1f ms "
	       "(storage and state in %.1f ms, hwclock -s done at %.1f ms)\n",
	       slen, (t1 - t0) * 1e3, (tl - t0) * 1e3, (tc - t0) * 1e3);
	machine_destroy(m);
	free(storage);
	free(state);
	free(kernel);
	free(con.buf);
	close(fd);
	return 0;
}
