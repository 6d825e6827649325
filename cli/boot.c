// SPDX-License-Identifier: MIT
/*
 * rvcp boot: one virtual machine with its console on stdin/stdout.
 *
 *   --kernel Image [--initrd F] [--append TEXT]   Linux through the entry stub, SBI built in
 *   --ipl IMG[,ro] [--append TEXT]                 IPL from the record zipl wrote on IMG
 *   --bios FW --kernel Image                       firmware (OpenSBI fw_jump) in M-mode
 *   --disk IMG[,ro] ...                            virtio-blk disks, vdev 0x200, 0x201, ...
 *   --memory 64M                                   storage size (K, M, G; default 128M)
 *   --segment IMG@PAGE[,rw] ...                    a shared segment (pmem-region) at page
 *                                                  PAGE (hex) above storage: the file's
 *                                                  pages, read-only to the guest unless ,rw
 *   --dumpdtb FILE                                 write the device tree, do not run
 *   --stats                                        at the end: guest instructions, host peak RSS
 *
 * When stdin is a terminal it is put in raw mode; Ctrl-A x quits, Ctrl-A
 * Ctrl-A sends one Ctrl-A.  The process ends with the guest: status 0 when
 * it powers off.  An idle guest sleeps in ppoll() until its next timer
 * deadline or console input.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libfdt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/disk.h"
#include "machine/machine.h"
#include "util/file.h"

#define BOOT_SLICE  2000000 /* instructions between looks at the console */
#define BOOT_DEFMEM (128ULL << 20)
#define FIRST_VDEV  0x200
#define CTRL_A	    0x01

struct boot_opts {
	const char *kernel, *initrd, *append, *bios, *dumpdtb;
	bool stats;
	int ipl_disk; /* index into cfg.disks, -1 for none */
	struct machine_config cfg;
	struct machine_seg segs[MACHINE_MAX_SEGMENTS];
	int nsegs;
};

struct boot_console {
	bool raw, eof, escape;
	struct termios saved;
	uint8_t pend[512]; /* read from stdin, not yet taken by the UART */
	size_t npend, off;
};

static volatile sig_atomic_t boot_signal;
static struct machine *boot_machine;

static int boot_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: rvcp boot --kernel Image [--initrd F] [--disk IMG[,ro]]... [--append TEXT]\n"
	    "                 [--memory 64M] [--cpus N] [--bios FW] [--dumpdtb FILE] [--stats]\n"
	    "       rvcp boot --ipl IMG[,ro] [--disk IMG[,ro]]... [--append TEXT] [--memory 64M]\n"
	    "One virtual machine, console on stdin/stdout.\n"
	    "  --kernel Image   Linux Image, started in S-mode (the SBI is built in)\n"
	    "  --initrd F       initial ramdisk\n"
	    "  --ipl IMG        attach IMG as a disk and IPL from its zipl record\n"
	    "  --disk IMG[,ro]  a virtio-blk disk (vdev 0x200, 0x201, ... in order given);\n"
	    "                   ,ro: read-only, writes fail with an I/O error\n"
	    "  --append TEXT    kernel command line (with --ipl: added to the record's)\n"
	    "  --memory SIZE    storage, e.g. 64M or 1G (default 128M)\n"
	    "  --cpus N         harts (default 1, at most 8), each on a host thread of its own\n"
	    "  --bios FW        firmware (e.g. OpenSBI fw_jump.bin) in M-mode at 0x80000000,\n"
	    "                   kernel at 0x80200000\n"
	    "  --segment IMG@PAGE[,rw]  a shared segment at page PAGE (hex), above storage:\n"
	    "                   a pmem-region for the guest, read-only unless ,rw\n"
	    "  --dumpdtb FILE   write the device tree to FILE and exit (as QEMU's dumpdtb)\n"
	    "  --cpu ENGINE     interp, jit (translator; x86-64 hosts) or lockstep (both,\n"
	    "                   compared after every block); default $RVCP_CPU or the fastest\n"
	    "On a terminal: Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A.\n"
	    "Exit status 0 when the guest powers off.\n");
	return f == stdout ? 0 : 2;
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = 20; /* a bare number is MiB, as with QEMU's -m */

	if (end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	else if (*end)
		return -1;
	if (*end && end[1])
		return -1;
	if (v == 0 || v > (1ULL << (40 - shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return (*out & 0xfff) ? -1 : 0;
}

/* --segment IMG@PAGE[,rw]: the file's pages (whole pages of it) at PAGE. */
static int segment_add(struct boot_opts *o, const char *arg)
{
	struct machine_seg *sg = &o->segs[o->nsegs];
	char path[4096], *at, *end;
	unsigned long long page;
	bool rw = false;
	size_t n = strlen(arg);
	off_t size;

	if (o->nsegs == MACHINE_MAX_SEGMENTS || n >= sizeof(path)) {
		fprintf(stderr, "rvcp boot: at most %d segments\n", MACHINE_MAX_SEGMENTS);
		return -1;
	}
	memcpy(path, arg, n + 1);
	if (n > 3 && !strcmp(path + n - 3, ",rw"))
		rw = true, path[n - 3] = 0;
	at = strrchr(path, '@');
	if (!at || !at[1]) {
		fprintf(stderr, "rvcp boot: --segment IMG@PAGE[,rw], not '%s'\n", arg);
		return -1;
	}
	*at = 0;
	page = strtoull(at + 1, &end, 16);
	if (*end || page == 0 || page > 0xfffffull) {
		fprintf(stderr, "rvcp boot: bad segment page '%s'\n", at + 1);
		return -1;
	}
	sg->fd = open(path, rw ? O_RDWR : O_RDONLY);
	size = sg->fd < 0 ? -1 : lseek(sg->fd, 0, SEEK_END);
	if (size < (off_t)PAGE_SIZE) {
		fprintf(stderr, "rvcp boot: %s: %s\n", path,
			sg->fd < 0 ? strerror(errno) : "not a page long");
		if (sg->fd >= 0)
			close(sg->fd);
		return -1;
	}
	sg->real = page << PAGE_SHIFT;
	sg->len = (uint64_t)size & ~(PAGE_SIZE - 1);
	sg->off = 0;
	sg->kind = rw ? MEM_MAP_SHARED_RW : MEM_MAP_SHARED_RO;
	sg->region = (uint8_t)o->nsegs;
	if (sg->real + sg->len > o->cfg.mem_span)
		o->cfg.mem_span = sg->real + sg->len;
	o->nsegs++;
	return 0;
}

static int parse_opts(int argc, char **argv, struct boot_opts *o)
{
	static const struct option opts[] = {
	    {"kernel", required_argument, NULL, 'k'},  {"initrd", required_argument, NULL, 'i'},
	    {"disk", required_argument, NULL, 'd'},    {"append", required_argument, NULL, 'a'},
	    {"memory", required_argument, NULL, 'm'},  {"bios", required_argument, NULL, 'b'},
	    {"ipl", required_argument, NULL, 'I'},     {"dumpdtb", required_argument, NULL, 'D'},
	    {"stats", no_argument, NULL, 's'},	       {"cpu", required_argument, NULL, 'c'},
	    {"segment", required_argument, NULL, 'S'}, {"cpus", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},	       {0},
	};
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->kernel = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 'a':
			o->append = optarg;
			break;
		case 'b':
			o->bios = optarg;
			break;
		case 'D':
			o->dumpdtb = optarg;
			break;
		case 'm':
			if (parse_size(optarg, &o->cfg.mem_size)) {
				fprintf(stderr, "rvcp boot: bad --memory '%s'\n", optarg);
				return 2;
			}
			break;
		case 'd':
		case 'I':
			if (c == 'I' && o->ipl_disk >= 0) {
				fprintf(stderr, "rvcp boot: one --ipl only\n");
				return 2;
			}
			rc = disk_add(&o->cfg, optarg, "rvcp boot");
			if (rc < 0)
				return 1;
			if (c == 'I')
				o->ipl_disk = rc;
			break;
		case 's':
			o->stats = true;
			break;
		case 'c':
			o->cfg.cpu = hart_engine_parse(optarg) + 1;
			if (o->cfg.cpu <= 0) {
				fprintf(stderr, "rvcp boot: --cpu interp, jit or lockstep\n");
				return 2;
			}
			break;
		case 'S':
			if (segment_add(o, optarg))
				return 1;
			break;
		case 'n':
			if (cpus_set(&o->cfg, optarg, "rvcp boot"))
				return 2;
			break;
		case 'h':
			exit(boot_usage(stdout));
		default:
			return boot_usage(stderr);
		}
	}
	for (int i = 0; i < o->nsegs; i++) {
		if (o->segs[i].real < o->cfg.mem_size) {
			fprintf(stderr, "rvcp boot: segment %d lies in storage\n", i);
			return 2;
		}
		for (int j = 0; j < i; j++) {
			if (o->segs[i].real < o->segs[j].real + o->segs[j].len &&
			    o->segs[j].real < o->segs[i].real + o->segs[i].len) {
				fprintf(stderr, "rvcp boot: segments %d and %d overlap\n", j, i);
				return 2;
			}
		}
	}
	if (optind != argc || (!o->kernel == (o->ipl_disk < 0)) || (o->bios && !o->kernel) ||
	    (o->initrd && !o->kernel)) {
		fprintf(stderr, "rvcp boot: give --kernel (optionally with --bios) or --ipl\n");
		return boot_usage(stderr);
	}
	return 0;
}

static void console_out(void *opaque, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* stdout gone: the guest's output has nowhere to go */
		buf += n;
		len -= (size_t)n;
	}
}

static struct boot_console *boot_con;

static void console_restore(void)
{
	if (boot_con && boot_con->raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &boot_con->saved);
}

static void console_setup(struct boot_console *con)
{
	struct termios t;

	boot_con = con;
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &con->saved) < 0)
		return;
	t = con->saved;
	cfmakeraw(&t);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0) {
		con->raw = true;
		atexit(console_restore);
	}
}

static void on_signal(int sig)
{
	boot_signal = sig;
	if (boot_machine)
		machine_stop(boot_machine);
}

/* Takes bytes from stdin, handles Ctrl-A escapes; false when the user quit. */
static bool console_read(struct boot_console *con)
{
	uint8_t buf[256];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		con->eof = true; /* no more input; the guest runs on */
		return true;
	}
	for (ssize_t i = 0; i < n; i++) {
		uint8_t c = buf[i];

		if (con->raw && con->escape) {
			con->escape = false;
			if (c == 'x' || c == 'X')
				return false;
			if (c != CTRL_A && con->npend < sizeof(con->pend))
				con->pend[con->npend++] = CTRL_A;
		} else if (con->raw && c == CTRL_A) {
			con->escape = true;
			continue;
		}
		if (con->npend < sizeof(con->pend))
			con->pend[con->npend++] = c;
	}
	return true;
}

/* Hands pending input to the UART as it has room. */
static void console_feed(struct machine *m, struct boot_console *con)
{
	con->off += machine_console_input(m, con->pend + con->off, con->npend - con->off);
	if (con->off == con->npend)
		con->off = con->npend = 0;
}

/* Polls stdin (when we want input) and sleeps when idle; false when the user quit. */
static bool console_poll(struct machine *m, struct boot_console *con, bool idle)
{
	struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
	int want = !con->eof && con->npend == 0;
	int rc;

	if (idle)
		rc = machine_wait(m, &pfd, want);
	else
		rc = want ? poll(&pfd, 1, 0) : 0;
	if (rc > 0 && pfd.revents)
		if (!console_read(con))
			return false;
	console_feed(m, con);
	return true;
}

static int boot_load(struct machine *m, const struct boot_opts *o)
{
	void *kernel = NULL, *initrd = NULL, *fw = NULL;
	size_t klen = 0, ilen = 0, fwlen = 0;
	char err[512];
	int rc = -1;

	if (o->ipl_disk >= 0) {
		rc = machine_ipl_disk(m, o->ipl_disk, o->append, err, sizeof(err));
		if (rc)
			fprintf(stderr, "rvcp boot: IPL failed: %s\n", err);
		return rc;
	}
	kernel = file_read_all(o->kernel, &klen);
	if (!kernel) {
		fprintf(stderr, "rvcp boot: %s: %s\n", o->kernel, strerror(errno));
		goto out;
	}
	if (o->initrd && !(initrd = file_read_all(o->initrd, &ilen))) {
		fprintf(stderr, "rvcp boot: %s: %s\n", o->initrd, strerror(errno));
		goto out;
	}
	if (o->bios && !(fw = file_read_all(o->bios, &fwlen))) {
		fprintf(stderr, "rvcp boot: %s: %s\n", o->bios, strerror(errno));
		goto out;
	}
	if (fw)
		rc = machine_load_bios(m, fw, fwlen, kernel, klen, initrd, ilen,
				       o->append ? o->append : "");
	else
		rc = machine_load_kernel(m, kernel, klen, initrd, ilen, o->append ? o->append : "");
out:
	free(kernel);
	free(initrd);
	free(fw);
	return rc;
}

static int dump_dtb(struct machine *m, const char *path)
{
	const void *fdt = machine_fdt(m);
	FILE *f = fdt ? fopen(path, "wb") : NULL;
	int rc = 0;

	if (!f) {
		fprintf(stderr, "rvcp boot: %s: %s\n", path,
			fdt ? strerror(errno) : "no device tree");
		return 1;
	}
	if (fwrite(fdt, 1, fdt_totalsize(fdt), f) != fdt_totalsize(fdt))
		rc = 1;
	if (fclose(f) != 0)
		rc = 1;
	if (rc)
		fprintf(stderr, "rvcp boot: %s: write failed\n", path);
	return rc;
}

static int boot_loop(struct machine *m, const struct boot_opts *o, struct boot_console *con)
{
	for (;;) {
		enum machine_event ev = machine_run(m, BOOT_SLICE);

		switch (ev) {
		case MACHINE_POWEROFF:
			return machine_exit_code(m) ? 1 : 0;
		case MACHINE_RESET:
			machine_reset(m, true);
			if (boot_load(m, o))
				return 1;
			break;
		case MACHINE_STOPPED:
			if (boot_signal)
				fprintf(stderr, "\r\nrvcp boot: stopped by signal %d\r\n",
					(int)boot_signal);
			return 1;
		case MACHINE_CP_REQUEST:
			/* No CP runs `rvcp boot`: say so, and the guest goes on. */
			fprintf(stderr, "\r\nrvcp boot: no CP for the guest's request \"%s\"\r\n",
				machine_cp_request(m));
			break;
		case MACHINE_IDLE:
		case MACHINE_RUNNING:
		case MACHINE_TRACE:
			if (!console_poll(m, con, ev == MACHINE_IDLE)) {
				fprintf(stderr, "\r\nrvcp boot: quit (Ctrl-A x)\r\n");
				return 1;
			}
			break;
		}
	}
}

static void boot_stats(struct machine *m)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "rvcp boot: %llu instructions, peak RSS %ld KiB\n",
		(unsigned long long)machine_hart(m)->insns, ru.ru_maxrss);
}

int boot_main(int argc, char **argv)
{
	struct boot_opts o = {.ipl_disk = -1};
	struct boot_console con = {0};
	struct machine *m;
	char why[256];
	int rc;

	o.cfg.mem_size = BOOT_DEFMEM;
	o.cfg.console_out = console_out;
	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc;
	m = machine_create(&o.cfg);
	if (!m) {
		fprintf(stderr, "rvcp boot: cannot create the machine: %s\n", strerror(errno));
		return 1;
	}
	rc = 1;
	if (machine_set_segments(m, o.segs, o.nsegs, why, sizeof(why))) {
		fprintf(stderr, "rvcp boot: %s\n", why);
		goto out;
	}
	if (boot_load(m, &o))
		goto out;
	if (o.dumpdtb) {
		rc = dump_dtb(m, o.dumpdtb);
		goto out;
	}
	boot_machine = m;
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN); /* a file-size limit: the guest gets an I/O error */
	if (!isatty(STDIN_FILENO))
		signal(SIGINT, on_signal);
	console_setup(&con);
	rc = boot_loop(m, &o, &con);
	console_restore();
	boot_con = NULL;
	if (o.stats)
		boot_stats(m);
out:
	boot_machine = NULL;
	if (hart_lockstep_failures(machine_hart(m))) {
		fprintf(stderr, "rvcp boot: lockstep: %llu blocks differed\n",
			(unsigned long long)hart_lockstep_failures(machine_hart(m)));
		rc = rc ? rc : 3;
	}
	machine_destroy(m);
	disk_close_all(&o.cfg);
	for (int i = 0; i < o.nsegs; i++)
		close(o.segs[i].fd);
	return rc;
}
