// SPDX-License-Identifier: MIT
/*
 * Named Saved Systems in the VM process: SAVESYS writes storage and the
 * hart into the spool file CP created; IPL name lays the saved ranges over
 * storage (mem_map) and resumes the saved hart.  See vm/nss.h.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/file.h"
#include "cpu/cpu.h"
#include "machine/layout.h"
#include "machine/machine.h"
#include "mem/mem.h"
#include "vm/nss.h"
#include "vm/proto.h"
#include "vm/vm.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int reply(int sock, uint32_t req, int rc, uint64_t t0, const char *text)
{
	char buf[sizeof(struct proto_nss_result) + 256];
	struct proto_nss_result *r = (struct proto_nss_result *)buf;
	size_t n = strlen(text) + 1 > 256 ? 256 : strlen(text) + 1;

	r->req = req;
	r->rc = rc;
	r->ns = mono_ns() - t0;
	memcpy(r->text, text, n);
	r->text[n - 1] = 0;
	return proto_send(sock, PROTO_NSS_RESULT, buf, sizeof(*r) + n, NULL, 0);
}

/* The map table of a message: nmap entries that fit in the payload. */
static bool maps_ok(const struct proto_msg *msg, size_t hdr, uint32_t nmap)
{
	return nmap <= SPOOL_MAX_RANGES &&
	       msg->len >= hdr + (size_t)nmap * sizeof(struct spool_map);
}

static bool page_zero(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)p;

	for (size_t i = 0; i < PAGE_SIZE / 8; i++)
		if (w[i])
			return false;
	return true;
}

/*
 * Storage pages into the (ftruncate()d, all-hole) spool file, skipping the
 * zero ones: a system saved with much untouched storage stays sparse.
 */
static int write_pages(int fd, const uint8_t *p, uint64_t len, uint64_t off)
{
	uint64_t run = 0; /* bytes of non-zero pages gathered before p + i */

	for (uint64_t i = 0; i < len; i += PAGE_SIZE) {
		if (!page_zero(p + i)) {
			run += PAGE_SIZE;
			continue;
		}
		if (run) {
			int ret = file_pwrite_full(fd, p + i - run, run, off + i - run);

			if (ret < 0)
				return ret;
		}
		run = 0;
	}
	return run ? file_pwrite_full(fd, p + len - run, run, off + len - run) : 0;
}

/* The machine state blob (machine/snapshot.h) in its slot of machine_state_max() bytes. */
static int save_devices(struct machine *m, int fd, uint64_t off)
{
	size_t len = machine_state_max();
	uint8_t *buf = calloc(1, len);
	ssize_t n;
	int ret;

	if (!buf)
		return -ENOMEM;
	n = machine_save_state(m, buf, len);
	ret = n < 0 ? (int)n : file_pwrite_full(fd, buf, len, off);
	free(buf);
	return ret;
}

static int nss_save(struct machine *m, const struct proto_msg *msg, char *why, size_t wl)
{
	const struct proto_nss_save *s = (const void *)msg->payload;
	struct guest_mem *mem = machine_mem(m);
	struct hart_state hs;
	int fd, ret;

	if (msg->len < sizeof(*s) || !maps_ok(msg, sizeof(*s), s->nmap) || msg->nfds < 1) {
		snprintf(why, wl, "bad request");
		return -EINVAL;
	}
	if (s->hart_size != sizeof(hs) || s->dev_size != machine_state_max()) {
		snprintf(why, wl, "machine state is %zu+%zu bytes, not %u+%u", sizeof(hs),
			 machine_state_max(), s->hart_size, s->dev_size);
		return -EINVAL;
	}
	fd = msg->fds[0];
	for (uint32_t i = 0; i < s->nmap; i++) {
		const struct spool_map *mp = &s->map[i];

		if (!mem_contains(mem, mp->real, mp->len)) {
			snprintf(why, wl, "pages %llX-%llX are outside storage",
				 (unsigned long long)(mp->real >> PAGE_SHIFT),
				 (unsigned long long)((mp->real + mp->len - 1) >> PAGE_SHIFT));
			return -ERANGE;
		}
		ret = write_pages(fd, mem->base + mp->real, mp->len, mp->off);
		if (ret < 0) {
			snprintf(why, wl, "writing the spool file: %s", strerror(-ret));
			return ret;
		}
	}
	hart_get_state(machine_hart(m), &hs);
	ret = file_pwrite_full(fd, (const uint8_t *)&hs, sizeof(hs), s->hart_off);
	if (ret == 0)
		ret = save_devices(m, fd, s->hart_off + sizeof(hs));
	if (ret < 0)
		snprintf(why, wl, "writing the spool file: %s", strerror(-ret));
	return ret;
}

/* The device tree may be rewritten only if its pages are this guest's own. */
static bool fdt_area_private(const struct proto_nss_ipl *p)
{
	for (uint32_t i = 0; i < p->nmap; i++) {
		const struct spool_map *mp = &p->map[i];

		if (mp->real < IPL_FDT_REAL + IPL_FDT_MAX && mp->real + mp->len > IPL_FDT_REAL &&
		    mp->type != SPOOL_EW && mp->type != SPOOL_EN)
			return false;
	}
	return true;
}

/* A /chosen property of one or two cells (the initrd's bounds); 0 when absent. */
static uint64_t chosen_addr(const void *fdt, int node, const char *name)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	if (v && len == 8)
		return (uint64_t)fdt32_to_cpu(v[0]) << 32 | fdt32_to_cpu(v[1]);
	if (v && len == 4)
		return fdt32_to_cpu(v[0]);
	return 0;
}

/*
 * The saved device tree's command line plus PARM, and its initrd (saved in
 * the system's pages, where the saver's IPL put it), for a tree describing
 * this machine (its storage may be larger than the saver's).  The saved
 * tree is the saver's guest's memory: an initrd outside storage is dropped.
 */
static int rewrite_fdt(struct machine *m, const char *parm)
{
	struct guest_mem *mem = machine_mem(m);
	const void *fdt = mem->base + IPL_FDT_REAL;
	const char *base = "";
	char *args;
	int ret, len, node;

	if (fdt_check_header(fdt) == 0 && fdt_totalsize(fdt) <= IPL_FDT_MAX) {
		node = fdt_path_offset(fdt, "/chosen");
		if (node >= 0) {
			const char *b = fdt_getprop(fdt, node, "bootargs", &len);

			if (b && len > 0 && memchr(b, 0, (size_t)len))
				base = b;
			machine_set_initrd(m, chosen_addr(fdt, node, "linux,initrd-start"),
					   chosen_addr(fdt, node, "linux,initrd-end"));
		}
	}
	if (asprintf(&args, "%s%s%s", base, *base && *parm ? " " : "", parm) < 0)
		return -ENOMEM;
	ret = machine_write_fdt(m, args);
	free(args);
	return ret;
}

static int lay_ranges(struct machine *m, const struct proto_nss_ipl *p, const struct proto_msg *msg,
		      char *why, size_t wl)
{
	struct guest_mem *mem = machine_mem(m);

	for (uint32_t i = 0; i < p->nmap; i++) {
		const struct spool_map *mp = &p->map[i];
		int fd, ret;

		if (mp->src == SPOOL_SRC_ZERO)
			continue; /* EN: the anonymous zero pages already there */
		if (mp->fd >= msg->nfds) {
			snprintf(why, wl, "no descriptor for pages %llX-%llX",
				 (unsigned long long)(mp->real >> PAGE_SHIFT),
				 (unsigned long long)((mp->real + mp->len - 1) >> PAGE_SHIFT));
			return -EINVAL;
		}
		fd = msg->fds[mp->fd];
		ret = mem_map(mem, mp->real, mp->len, fd, mp->off, (enum mem_map_kind)mp->kind);
		if (ret < 0) {
			snprintf(why, wl, "mapping pages %llX-%llX: %s",
				 (unsigned long long)(mp->real >> PAGE_SHIFT),
				 (unsigned long long)((mp->real + mp->len - 1) >> PAGE_SHIFT),
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* TIMEBASE_HZ ticks in ns nanoseconds. */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / 1000000000u * TIMEBASE_HZ + ns % 1000000000u * TIMEBASE_HZ / 1000000000u;
}

/*
 * Linux 6.1's timekeeping multiplies the cycles since its last update in 64
 * bits, sized for at most 600 s of them (clocksource maxsec): a timer moved
 * further than that overflows it.  Half of it is a safe step.
 */
#define NSS_CLOCK_STEP_MAX (300 * 1000000000LL)

/*
 * The saver's devices.  A system saved anywhere but at its IPL entry is a
 * running guest resumed: its timer advances by the time the system spent
 * in the spool, as after a suspend, up to NSS_CLOCK_STEP_MAX, so that after
 * a short time in the spool the guest's monotonic clock and the wall clock
 * it keeps from it (read from the RTC once at boot) are both right.  After
 * longer, the wall clock is behind: a system saved by the guest itself
 * (`cpcmd SAVESYS name`, guest/README.md) sets it from the RTC when it
 * resumes.  A system saved at the entry keeps the saver's timer: a fresh
 * boot.
 */
static int load_devices(struct machine *m, int fd, const struct proto_nss_ipl *p, bool resumed,
			char *why, size_t wl)
{
	uint8_t *buf = malloc(p->dev_size);
	struct hart_state hs;
	struct timespec now;
	int64_t saved, gap;
	int ret = -ENOMEM;

	if (!buf)
		goto out;
	ret = -EIO;
	if (pread(fd, buf, p->dev_size, (off_t)(p->hart_off + p->hart_size)) != p->dev_size)
		goto out;
	ret = machine_load_state(m, buf, p->dev_size, why, wl);
	if (ret < 0)
		goto fail;
	clock_gettime(CLOCK_REALTIME, &now);
	gap = 0;
	if (!machine_state_saved_at(buf, p->dev_size, &saved))
		gap = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec - saved;
	if (gap > NSS_CLOCK_STEP_MAX)
		gap = NSS_CLOCK_STEP_MAX;
	/* every hart's timer (they run in step) */
	for (int i = 0; resumed && gap > 0 && i < machine_ncpus(m); i++) {
		hart_get_state(machine_cpu(m, i), &hs);
		hs.mtime += ns_to_ticks((uint64_t)gap);
		hart_set_state(machine_cpu(m, i), &hs);
		hart_copy_time(machine_cpu(m, i), machine_cpu(m, 0));
	}
out:
	if (ret < 0)
		snprintf(why, wl, "saved device state: %s", strerror(-ret));
fail:
	free(buf);
	return ret;
}

static int nss_ipl(struct machine *m, const struct proto_msg *msg, char *why, size_t wl)
{
	const struct proto_nss_ipl *p = (const void *)msg->payload;
	struct hart_state hs;
	const char *parm;
	ssize_t r;
	int ret;

	if (msg->len < sizeof(*p) || !maps_ok(msg, sizeof(*p), p->nmap) || msg->nfds < 1 ||
	    p->parm_off < sizeof(*p) + p->nmap * sizeof(struct spool_map) ||
	    p->parm_off >= msg->len) {
		snprintf(why, wl, "bad request");
		return -EINVAL;
	}
	parm = (const char *)msg->payload + p->parm_off; /* payload is NUL-terminated */
	if (p->hart_size != sizeof(hs)) {
		snprintf(why, wl, "saved hart state is %u bytes, this CPU's is %zu", p->hart_size,
			 sizeof(hs));
		return -EINVAL;
	}
	r = pread(msg->fds[0], &hs, sizeof(hs), (off_t)p->hart_off);
	if (r != (ssize_t)sizeof(hs)) {
		snprintf(why, wl, "reading the hart state");
		return r < 0 ? -errno : -EIO;
	}
	machine_reset(m, false);
	ret = mem_reset(machine_mem(m));
	if (ret < 0) {
		snprintf(why, wl, "clearing storage: %s", strerror(-ret));
		return ret;
	}
	ret = lay_ranges(m, p, msg, why, wl);
	if (ret < 0)
		goto fail;
	if (fdt_area_private(p)) {
		ret = rewrite_fdt(m, parm);
		if (ret < 0) {
			snprintf(why, wl, "device tree: %s", strerror(-ret));
			goto fail;
		}
	}
	machine_set_sbi(m, true); /* the saved system runs on the emulator's SBI */
	hart_set_state(machine_hart(m), &hs);
	hart_flush_tlb(machine_hart(m));
	if (p->dev_size) {
		ret = load_devices(m, msg->fds[0], p, hs.pc != RAM_BASE + IPL_STUB_REAL, why, wl);
		if (ret < 0)
			goto fail;
	}
	return 0;
fail:
	mem_reset(machine_mem(m)); /* no half-laid system: storage is plain again */
	return ret;
}

/* The answer, with the time the request took in this process. */
static void nss_answer(struct vm *vm, uint32_t req, int rc, uint64_t t0, const char *why)
{
	int ret = reply(vm->sock, req, rc, t0, why);

	if (ret < 0)
		fprintf(stderr, "rvcp vm: answering CP: %s\n", strerror(-ret));
}

void vm_nss_save(struct vm *vm, struct proto_msg *msg)
{
	uint64_t t0 = mono_ns();
	char why[200] = "no virtual machine";
	int rc = -ENODEV;

	if (vm->m)
		rc = nss_save(vm->m, msg, why, sizeof(why));
	proto_close_fds(msg);
	nss_answer(vm, PROTO_NSS_SAVE, rc, t0, why);
}

void vm_nss_ipl(struct vm *vm, struct proto_msg *msg)
{
	uint64_t t0 = mono_ns();
	char why[200] = "no virtual machine";
	int rc = -ENODEV;

	vm->running = false;
	if (vm->m)
		rc = nss_ipl(vm->m, msg, why, sizeof(why));
	/* The mappings hold their own references: the descriptors can go. */
	proto_close_fds(msg);
	if (vm->m)
		vm_apply_trace(vm); /* traps stay across IPL */
	nss_answer(vm, PROTO_NSS_IPL, rc, t0, why);
}

static int nss_segments(struct machine *m, const struct proto_msg *msg, char *why, size_t wl)
{
	const struct proto_nss_segs *p = (const void *)msg->payload;
	struct machine_seg seg[MACHINE_MAX_SEG_MAPS];

	if (msg->len < sizeof(*p) || p->nseg > MACHINE_MAX_SEG_MAPS ||
	    msg->len < sizeof(*p) + (size_t)p->nseg * sizeof(p->seg[0])) {
		snprintf(why, wl, "bad request");
		return -EINVAL;
	}
	for (uint32_t i = 0; i < p->nseg; i++) {
		const struct proto_nss_seg *s = &p->seg[i];

		if (s->fd != PROTO_NSS_SEG_ZERO && s->fd >= msg->nfds) {
			snprintf(why, wl, "no descriptor for segment part %u", i);
			return -EINVAL;
		}
		seg[i] = (struct machine_seg){
		    .real = s->real,
		    .len = s->len,
		    .off = s->off,
		    .fd = s->fd == PROTO_NSS_SEG_ZERO ? -1 : msg->fds[s->fd],
		    .kind = s->kind,
		    .region = s->region,
		};
	}
	return machine_set_segments(m, seg, (int)p->nseg, why, wl);
}

void vm_nss_segments(struct vm *vm, struct proto_msg *msg)
{
	uint64_t t0 = mono_ns();
	char why[200] = "no virtual machine";
	int rc = -ENODEV;

	if (vm->m)
		rc = nss_segments(vm->m, msg, why, sizeof(why));
	proto_close_fds(msg); /* the mappings keep what they need */
	nss_answer(vm, PROTO_NSS_SEGMENTS, rc, t0, why);
}
