// SPDX-License-Identifier: MIT
/*
 * rvcp run-elf [--timeout SECONDS] [--stats] [--disk IMG[,ro]]... [--cpus N] FILE
 *
 * Runs a bare-metal RISC-V program on a whole machine (machine/machine.h:
 * storage at 0x8000_0000, CLINT, PLIC, UART, RTC, syscon, a virtio-blk per
 * --disk), every hart in M-mode at the ELF entry (a0 = mhartid), no SBI
 * (S-mode ECALL traps as the ISA says).  A syscon poweroff ends the run as a pass (0x5555) or
 * with the failure code (0x3333).  The program talks to us through its
 * `tohost` word (the HTIF convention of riscv-tests and Spike):
 *   odd value v      the end: exit status 0 if v == 1, else test v >> 1 failed;
 *   even value p     riscv-tests "syscall": p points at magic_mem
 *                    {which, a0, a1, a2}; write (64) to fd 1/2 is served;
 *   device 1 cmd 1   console putchar of the low byte.
 * Every request is answered through `fromhost`, and tohost is cleared.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/disk.h"
#include "cpu/cpu.h"
#include "machine/machine.h"
#include "mem/mem.h"
#include "util/elf.h"

#define RUN_ELF_MEM   (256ULL << 20)
#define RUN_ELF_SLICE 20000
#define SYS_WRITE     64

struct run_elf {
	struct machine *m;
	struct guest_mem *mem;
	struct hart *hart;
	uint64_t *tohost, *fromhost;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Host pointer of an 8-byte-aligned word at guest physical pa, or NULL. */
static uint64_t *guest_word(struct guest_mem *m, uint64_t pa, uint64_t len)
{
	if (pa < RAM_BASE || (pa & 7))
		return NULL;
	return mem_dma(m, pa - RAM_BASE, len, false);
}

static void htif_syscall(struct run_elf *r, uint64_t pa)
{
	uint64_t *magic = guest_word(r->mem, pa, 4 * 8);
	uint64_t ret = (uint64_t)-ENOSYS;

	if (magic && magic[0] == SYS_WRITE && (magic[1] == 1 || magic[1] == 2)) {
		void *buf = mem_dma(r->mem, magic[2] - RAM_BASE, magic[3], false);

		ret = (uint64_t)-EFAULT;
		if (magic[2] >= RAM_BASE && buf) {
			fwrite(buf, 1, magic[3], magic[1] == 1 ? stdout : stderr);
			ret = magic[3];
		}
	}
	if (magic)
		magic[0] = ret;
}

/* Serves a tohost request; returns -1 to go on, or the exit status. */
static int htif_poll(struct run_elf *r)
{
	/* any hart may write it, each on its own thread */
	uint64_t v = __atomic_exchange_n(r->tohost, 0, __ATOMIC_SEQ_CST);

	if (!v)
		return -1;
	if ((v >> 48) == 0x0101) { /* device 1 (console), command 1 (putchar) */
		putchar((int)(v & 0xff));
		fflush(stdout);
	} else if (v & 1) {
		fflush(stdout);
		if (v == 1)
			return 0;
		fprintf(stderr, "run-elf: FAIL test %llu (tohost=0x%llx)\n",
			(unsigned long long)(v >> 1), (unsigned long long)v);
		return (v >> 1) & 0xff ? (int)((v >> 1) & 0xff) : 1;
	} else {
		htif_syscall(r, v);
	}
	if (r->fromhost)
		*r->fromhost = 1;
	return -1;
}

static int setup(struct run_elf *r, const char *path)
{
	struct elf_file f;
	uint64_t entry, sym;
	int ret;

	ret = elf_open(&f, path);
	if (ret) {
		fprintf(stderr, "run-elf: %s: %s\n", path,
			ret == -ENOEXEC ? "not a RISC-V ELF64 file" : strerror(-ret));
		return ret;
	}
	ret = mem_load_elf(r->mem, &f, &entry);
	if (ret) {
		fprintf(stderr, "run-elf: %s: cannot load: %s\n", path, strerror(-ret));
		goto out;
	}
	ret = elf_symbol(&f, "tohost", &sym);
	if (ret || !(r->tohost = guest_word(r->mem, sym, 8))) {
		fprintf(stderr, "run-elf: %s: no usable tohost symbol\n", path);
		ret = -ENOENT;
		goto out;
	}
	if (elf_symbol(&f, "fromhost", &sym) == 0)
		r->fromhost = guest_word(r->mem, sym, 8);
	hart_reset(r->hart, entry);
	machine_start_all(r->m, entry, 0);
out:
	elf_close(&f);
	return ret;
}

/* Sleeps while the hart waits for an interrupt, until its timer or the limit. */
static void wait_irq(struct machine *m, uint64_t limit)
{
	uint64_t dl = machine_deadline_ns(m), now = now_ns();

	if (dl > limit)
		dl = limit;
	if (dl > now + 100000000ULL)
		dl = now + 100000000ULL; /* recheck the limit at least every 100 ms */
	if (dl > now) {
		struct timespec ts = {(time_t)((dl - now) / 1000000000ULL),
				      (long)((dl - now) % 1000000000ULL)};
		nanosleep(&ts, NULL);
	}
}

static int run(struct run_elf *r, double timeout, bool stats)
{
	uint64_t t0 = now_ns(), limit = UINT64_MAX;
	int status = -1;

	if (timeout > 0)
		limit = t0 + (uint64_t)(timeout * 1e9);
	while (status < 0) {
		enum machine_event e = machine_run(r->m, RUN_ELF_SLICE);

		status = htif_poll(r);
		if (status >= 0)
			break;
		if (e == MACHINE_POWEROFF || e == MACHINE_RESET) {
			uint32_t code = machine_exit_code(r->m);

			/* sifive_test FAIL carries a code; a code of 0 is still a failure. */
			status = code ? (code & 0xff ? (int)(code & 0xff) : 1) : 0;
			if (e == MACHINE_RESET)
				fprintf(stderr, "run-elf: the program asked for a reset\n");
			break;
		}
		if (now_ns() >= limit) {
			fprintf(stderr, "run-elf: timeout after %g s (pc=0x%llx)\n", timeout,
				(unsigned long long)r->hart->s.pc);
			status = 124;
			break;
		}
		if (e == MACHINE_IDLE)
			wait_irq(r->m, limit);
	}
	if (stats) {
		double secs = (double)(now_ns() - t0) / 1e9;

		fprintf(stderr, "run-elf: %llu instructions in %.3f s, %.1f MIPS (cpu %s)\n",
			(unsigned long long)r->hart->insns, secs,
			secs > 0 ? (double)r->hart->insns / secs / 1e6 : 0.0,
			hart_engine_name(hart_engine(r->hart)));
		if (hart_engine(r->hart) != HART_ENGINE_INTERP) {
			struct hart_jit_stats st;

			hart_jit_stats(r->hart, &st);
			fprintf(stderr, "run-elf: %llu blocks translated, %llu cache flushes\n",
				(unsigned long long)st.translated, (unsigned long long)st.flushes);
		}
	}
	return status;
}

static void usage(void)
{
	fprintf(stderr, "usage: rvcp run-elf [--timeout SECONDS] [--stats] [--disk IMG[,ro]]... "
			"[--cpu interp|jit|lockstep] [--cpus N] FILE\n");
}

/* UART output of the program (its HTIF output goes through stdio as well). */
static void console_out(void *opaque, const uint8_t *buf, size_t len)
{
	fwrite(buf, 1, len, stdout);
	fflush(stdout);
}

int run_elf_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"timeout", required_argument, NULL, 't'},
	    {"stats", no_argument, NULL, 's'},
	    {"disk", required_argument, NULL, 'd'},
	    {"cpu", required_argument, NULL, 'c'},
	    {"cpus", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct machine_config cfg = {.mem_size = RUN_ELF_MEM, .console_out = console_out};
	struct run_elf *r;
	double timeout = 0;
	bool stats = false;
	int c, ret = 1;

	while ((c = getopt_long(argc, argv, "t:sh", opts, NULL)) != -1) {
		switch (c) {
		case 't': {
			char *end;

			timeout = strtod(optarg, &end);
			if (end == optarg || *end || !(timeout >= 0)) {
				fprintf(stderr, "run-elf: bad --timeout %s\n", optarg);
				return 2;
			}
			break;
		}
		case 's':
			stats = true;
			break;
		case 'd':
			if (disk_add(&cfg, optarg, "run-elf") < 0)
				return 1;
			break;
		case 'c':
			cfg.cpu = hart_engine_parse(optarg) + 1;
			if (cfg.cpu <= 0) {
				fprintf(stderr, "run-elf: --cpu interp, jit or lockstep\n");
				return 2;
			}
			break;
		case 'n':
			if (cpus_set(&cfg, optarg, "run-elf"))
				return 2;
			break;
		default:
			usage();
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind != argc - 1) {
		usage();
		return 2;
	}
	r = calloc(1, sizeof(*r));
	if (r)
		r->m = machine_create(&cfg);
	if (!r || !r->m) {
		fprintf(stderr, "run-elf: cannot create the machine\n");
		free(r);
		disk_close_all(&cfg);
		return 1;
	}
	machine_set_sbi(r->m, false);
	r->mem = machine_mem(r->m);
	r->hart = machine_hart(r->m);
	if (setup(r, argv[optind]) == 0)
		ret = run(r, timeout, stats);
	if (hart_lockstep_failures(r->hart)) {
		fprintf(stderr, "run-elf: lockstep: %llu blocks differed\n",
			(unsigned long long)hart_lockstep_failures(r->hart));
		ret = ret ? ret : 3;
	}
	machine_destroy(r->m);
	free(r);
	disk_close_all(&cfg);
	return ret;
}
