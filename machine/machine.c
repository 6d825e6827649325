// SPDX-License-Identifier: MIT
/*
 * A virtual machine: creates storage, bus, hart and the board's devices
 * (board.c), and runs the hart in slices, turning its exits into machine
 * events.  Loading (IPL, kernel, firmware, device tree) is in load.c, the
 * SBI in sbi.c, the machine state blob in snapshot.c.
 */
#include "machine/internal.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "virtio/blk.h"
#include "virtio/net.h"

void machine_flush_output(struct machine *m)
{
	machine_lock(m);
	if (m->nout && m->cfg.console_out)
		m->cfg.console_out(m->cfg.console_opaque, m->out, m->nout);
	m->nout = 0;
	machine_unlock(m);
}

static void machine_emit_raw(void *opaque, const uint8_t *buf, size_t len)
{
	struct machine *m = opaque;

	for (size_t i = 0; i < len; i++) {
		if (m->nout == sizeof(m->out))
			machine_flush_output(m);
		m->out[m->nout++] = buf[i];
	}
	/* output of another hart: the caller's loop hands it out, so wake it */
	if (len)
		smp_output_kick(m);
}

/* Output that is no CP request; on a line-mode console, cursor queries are answered. */
static void machine_emit(void *opaque, const uint8_t *buf, size_t len)
{
	struct machine *m = opaque;

	if (!m->line_mode) {
		machine_emit_raw(m, buf, len);
		return;
	}
	for (size_t i = 0; i < len; i++)
		if (dsr_feed(&m->dsr, buf[i], machine_emit_raw, m))
			uart_input(m->uart, (const uint8_t *)DSR_ANSWER, sizeof(DSR_ANSWER) - 1);
}

static void machine_release_output(struct machine *m)
{
	cpreq_release(&m->cpreq, machine_emit, m);
	dsr_release(&m->dsr, machine_emit_raw, m);
}

void machine_set_line_mode(struct machine *m, bool on)
{
	if (!on)
		dsr_release(&m->dsr, machine_emit_raw, m);
	m->line_mode = on;
}

/* Console output, with guest -> CP requests taken out of it. */
void machine_putc(struct machine *m, uint8_t c)
{
	if (cpreq_feed(&m->cpreq, c, machine_emit, m))
		machine_request(m, MACHINE_CP_REQUEST);
}

const char *machine_cp_request(struct machine *m)
{
	return m->cpreq.cmd;
}

static void machine_uart_out(void *opaque, uint8_t c)
{
	machine_putc(opaque, c);
}

/* The guest asked to power off or reset (any hart): every hart stops, and it is reported. */
void machine_request(struct machine *m, enum machine_event ev)
{
	machine_lock(m);
	m->event = ev;
	smp_hold_all(m);
	machine_unlock(m);
}

static void machine_power(void *opaque, enum dev_power what, uint32_t code)
{
	struct machine *m = opaque;

	m->exit_code = code;
	machine_request(m, what == DEV_RESET ? MACHINE_RESET : MACHINE_POWEROFF);
}

/* The disk in virtio slot n. */
static bool machine_disk(void *opaque, int n, struct dev_disk *d)
{
	struct machine *m = opaque;

	for (int i = 0; i < m->cfg.ndisks; i++) {
		const struct machine_disk *c = &m->cfg.disks[i];

		if (m->slot[i] != n)
			continue;
		*d = (struct dev_disk){c->vdev, c->fd, c->size, c->readonly};
		return true;
	}
	return false;
}

/* NIC n in vdev order (the lowest vdev is eth0). */
static bool machine_nic(void *opaque, int n, struct dev_nic *d)
{
	struct machine *m = opaque;

	for (int i = 0; i < m->cfg.nnics; i++) {
		const struct machine_nic *c = &m->cfg.nics[i];
		int rank = 0;

		for (int j = 0; j < m->cfg.nnics; j++)
			rank += m->cfg.nics[j].vdev < c->vdev;
		if (rank != n)
			continue;
		d->vdev = c->vdev;
		memcpy(d->mac, c->mac, 6);
		d->fd = c->fd;
		return true;
	}
	return false;
}

static int machine_check_nics(const struct machine_config *c)
{
	if (c->nnics < 0 || c->nnics > MACHINE_MAX_NICS)
		return -EINVAL;
	for (int i = 0; i < c->nnics; i++)
		for (int j = 0; j < i; j++)
			if (c->nics[j].vdev == c->nics[i].vdev)
				return -EEXIST;
	return 0;
}

int machine_nic_link(struct machine *m, uint16_t vdev, int fd)
{
	int rc = -ENODEV;

	machine_lock(m);
	for (int i = 0; i < m->cfg.nnics && rc; i++) {
		struct virtio_net *n = machine_device(m, &virtio_net_device, i);

		if (n && n->vdev == vdev) {
			virtio_net_set_link(n, fd);
			rc = 0;
		}
	}
	machine_unlock(m);
	return rc;
}

uint64_t machine_io_count(struct machine *m)
{
	uint64_t n = 0;

	machine_lock(m);
	for (int i = 0; i < m->cfg.ndisks; i++) {
		struct virtio_blk *b = machine_device(m, &virtio_blk_device, i);

		if (b)
			n += b->reads + b->writes + b->flushes;
	}
	for (int i = 0; i < m->cfg.nnics; i++) {
		struct virtio_net *v = machine_device(m, &virtio_net_device, i);

		if (v)
			n += v->st.rx_frames + v->st.tx_frames;
	}
	machine_unlock(m);
	return n;
}

/* Disks take virtio slots in vdev order, so the lowest vdev is the first the guest finds. */
static int machine_sort_disks(struct machine *m)
{
	const struct machine_config *c = &m->cfg;

	if (c->ndisks < 0 || c->ndisks > VIRTIO_SLOTS)
		return -EINVAL;
	for (int i = 0; i < c->ndisks; i++) {
		int rank = 0;

		for (int j = 0; j < c->ndisks; j++) {
			if (j != i && c->disks[j].vdev == c->disks[i].vdev)
				return -EEXIST;
			rank += c->disks[j].vdev < c->disks[i].vdev;
		}
		m->slot[i] = rank;
	}
	return 0;
}

void *machine_device(struct machine *m, const struct dev_ops *ops, int index)
{
	for (int i = 0; i < m->ndev; i++)
		if (m->dev[i].row->ops == ops && m->dev[i].index == index)
			return m->dev[i].state;
	return NULL;
}

/* Instance n of a board row; -ENODEV (not an error) when the machine has none. */
static int machine_add_device(struct machine *m, const struct board_row *r, int n)
{
	struct dev_res res = board_res(r, n);
	struct dev_env env = {
	    .base = res.base,
	    .size = res.size,
	    .irq = res.irq,
	    .index = n,
	    .bus = &m->bus,
	    .mem = &m->mem,
	    .hart = m->hart,
	    .harts = m->harts,
	    .nharts = m->nharts,
	    .plic = m->plic,
	    .host = &m->host,
	};
	struct machine_dev *d = &m->dev[m->ndev];
	int rc;

	if (m->ndev == BOARD_MAX_DEVICES)
		return -ENOSPC;
	d->state = calloc(1, r->ops->size);
	if (!d->state)
		return -ENOMEM;
	rc = r->ops->init(d->state, &env);
	if (rc) {
		free(d->state);
		return rc;
	}
	d->row = r;
	d->index = n;
	m->ndev++;
	return 0;
}

static void machine_free_devices(struct machine *m)
{
	for (int i = m->ndev - 1; i >= 0; i--) {
		if (m->dev[i].row->ops->exit)
			m->dev[i].row->ops->exit(m->dev[i].state);
		free(m->dev[i].state);
	}
	m->ndev = 0;
}

static int machine_add_devices(struct machine *m)
{
	m->host = (struct dev_host){.opaque = m,
				    .console_out = machine_uart_out,
				    .power = machine_power,
				    .nic = machine_nic,
				    .disk = machine_disk};
	for (int r = 0; r < board_nrows; r++) {
		for (int n = 0; n < board_count(&board[r], m->cfg.ndisks, m->cfg.nnics); n++) {
			int rc = machine_add_device(m, &board[r], n);

			if (rc == -ENODEV)
				continue;
			if (rc)
				return rc;
		}
		if (board[r].ops == &plic_device) /* the later rows raise lines on it */
			m->plic = machine_device(m, &plic_device, 0);
	}
	m->uart = machine_device(m, &uart_device, 0);
	return m->plic && m->uart ? 0 : -ENODEV;
}

static void machine_free_harts(struct machine *m)
{
	for (int i = 0; i < m->nharts; i++)
		hart_free(m->harts[i]);
	m->nharts = 0;
}

static int machine_add_harts(struct machine *m, int n)
{
	const struct machine_config *cfg = &m->cfg;

	for (int i = 0; i < n; i++) {
		struct hart *h = hart_new(&m->mem, &m->bus);
		int rc = 0;

		if (!h)
			return -ENOMEM;
		m->harts[m->nharts++] = h;
		h->hartid = (uint32_t)i;
		h->ecall = sbi_ecall;
		h->ecall_opaque = m;
		if (cfg->cpu > 0)
			rc = hart_set_engine(h, (enum hart_engine)(cfg->cpu - 1));
		if (rc)
			return rc;
	}
	m->hart = m->harts[0];
	return 0;
}

struct machine *machine_create(const struct machine_config *cfg)
{
	struct machine *m = calloc(1, sizeof(*m));
	int ncpus = cfg->ncpus ? cfg->ncpus : 1;
	int rc;

	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->cfg = *cfg;
	m->sbi = true;
	rc = ncpus < 1 || ncpus > MACHINE_MAX_CPUS ? -EINVAL : machine_sort_disks(m);
	if (!rc)
		rc = machine_check_nics(cfg);
	if (!rc)
		rc = mem_init_span(&m->mem, cfg->mem_size, cfg->mem_span);
	if (rc)
		goto fail;
	rc = machine_add_harts(m, ncpus);
	if (!rc)
		rc = smp_init(m);
	if (!rc)
		rc = machine_add_devices(m);
	if (rc)
		goto fail_devices;
	m->fdt_real = IPL_FDT_REAL;
	return m;
fail_devices:
	smp_exit(m);
	machine_free_devices(m);
	machine_free_harts(m);
	mem_exit(&m->mem);
fail:
	free(m);
	errno = -rc;
	return NULL;
}

void machine_destroy(struct machine *m)
{
	if (!m)
		return;
	machine_pause(m);
	machine_flush_output(m);
	smp_exit(m);
	machine_free_devices(m);
	machine_free_harts(m);
	mem_exit(&m->mem);
	free(m);
}

void machine_reset(struct machine *m, bool clear)
{
	machine_pause(m);
	machine_flush_output(m);
	if (clear)
		mem_reset(&m->mem);
	for (int i = 0; i < m->nharts; i++) {
		hart_reset(m->harts[i], RAM_BASE);
		hart_copy_time(m->harts[i], m->hart);
		smp_set_hsm(m, i, i == 0 ? SMP_HSM_STARTED : SMP_HSM_STOPPED);
	}
	for (int i = 0; i < m->ndev; i++)
		if (m->dev[i].row->ops->reset)
			m->dev[i].row->ops->reset(m->dev[i].state);
	m->event = MACHINE_RUNNING;
	m->stop_req = false;
	m->exit_code = 0;
	m->initrd_start = m->initrd_end = 0;
	cpreq_reset(&m->cpreq);
	m->dsr.n = 0;
	for (int i = 0; i < m->nharts; i++) {
		__atomic_store_n(&m->harts[i]->stop_req, false, __ATOMIC_SEQ_CST);
		hart_flush_tlb(m->harts[i]);
	}
}

void machine_start_all(struct machine *m, uint64_t pc, uint64_t arg)
{
	machine_pause(m);
	for (int i = 1; i < m->nharts; i++) {
		smp_set_hsm(m, i, SMP_HSM_STOPPED);
		smp_hart_start(m, (uint64_t)i, pc, arg, true);
	}
}

void machine_set_trace(struct machine *m, uint64_t lo, uint64_t hi)
{
	machine_pause(m);
	for (int i = 0; i < m->nharts; i++)
		hart_set_trace(m->harts[i], lo, hi);
}

int machine_trace_hart(struct machine *m)
{
	return m->trace_hart;
}

uint64_t machine_trace_pc(struct machine *m)
{
	return m->harts[m->trace_hart]->trace_pc;
}

int machine_ncpus(struct machine *m)
{
	return m->nharts;
}

struct hart *machine_cpu(struct machine *m, int i)
{
	return i >= 0 && i < m->nharts ? m->harts[i] : NULL;
}

void machine_set_sbi(struct machine *m, bool on)
{
	m->sbi = on;
	for (int i = 0; i < m->nharts; i++)
		m->harts[i]->ecall = on ? sbi_ecall : NULL;
}

/* The other harts go on, unless an event came meanwhile (it holds them). */
static void machine_resume(struct machine *m)
{
	machine_lock(m);
	if (m->event == MACHINE_RUNNING)
		smp_resume(m);
	machine_unlock(m);
}

/* An event of the whole machine: every hart is parked when it is reported. */
static enum machine_event machine_take_event(struct machine *m)
{
	enum machine_event ev;

	machine_lock(m);
	ev = m->event;
	if (ev != MACHINE_RUNNING)
		m->event = MACHINE_RUNNING;
	else if (m->stop_req)
		ev = MACHINE_STOPPED;
	m->stop_req = false;
	machine_unlock(m);
	if (ev != MACHINE_RUNNING)
		machine_pause(m);
	return ev;
}

static void machine_poll_devices(struct machine *m)
{
	machine_lock(m);
	for (int i = 0; i < m->ndev; i++)
		if (m->dev[i].row->ops->poll)
			m->dev[i].row->ops->poll(m->dev[i].state);
	machine_unlock(m);
}

enum machine_event machine_run(struct machine *m, uint64_t max_insns)
{
	enum machine_event ev = machine_take_event(m);
	enum hart_exit ex;

	if (ev != MACHINE_RUNNING)
		return ev;
	machine_resume(m);
	machine_poll_devices(m);
	/* hart 0 stopped (SBI HSM): the others may run on; this one idles */
	ex = smp_hart0_runs(m) ? smp_run_hart(m, m->hart, max_insns) : HART_EXIT_WFI;
	if (ex == HART_EXIT_TRACE)
		m->trace_hart = 0;
	if (ex == HART_EXIT_WFI)
		machine_release_output(m);
	machine_flush_output(m);
	switch (ex) {
	case HART_EXIT_WFI:
		ev = MACHINE_IDLE;
		break;
	case HART_EXIT_TRACE:
		machine_pause(m);
		ev = MACHINE_TRACE;
		break;
	default:
		ev = MACHINE_RUNNING;
		break;
	}
	/* A poweroff or stop request (of any hart) outranks why the slice ended. */
	if (__atomic_load_n(&m->event, __ATOMIC_SEQ_CST) != MACHINE_RUNNING || m->stop_req)
		return machine_take_event(m);
	return ev;
}

uint64_t machine_deadline_ns(struct machine *m)
{
	uint64_t t = smp_hsm(m, 0) == SMP_HSM_STARTED ? hart_deadline_ns(m->hart) : UINT64_MAX;

	machine_lock(m);
	for (int i = 0; i < m->ndev; i++) {
		const struct dev_ops *o = m->dev[i].row->ops;
		uint64_t d = o->deadline_ns ? o->deadline_ns(m->dev[i].state) : UINT64_MAX;

		if (d < t)
			t = d;
	}
	machine_unlock(m);
	return t;
}

size_t machine_console_input(struct machine *m, const uint8_t *buf, size_t len)
{
	size_t n;

	machine_lock(m);
	n = uart_input(m->uart, buf, len);
	machine_unlock(m);
	return n;
}

void machine_stop(struct machine *m)
{
	machine_lock(m);
	m->stop_req = true;
	machine_unlock(m);
	hart_stop(m->hart);
}

/* The caller's descriptors, then those the devices wait on. */
static int machine_pollfds(struct machine *m, struct pollfd *all, const struct pollfd *fds,
			   int nfds)
{
	int n = nfds;

	memcpy(all, fds, (size_t)nfds * sizeof(*fds));
	machine_lock(m);
	for (int i = 0; i < m->ndev && n < MACHINE_WAIT_FDS - 1; i++) {
		const struct dev_ops *o = m->dev[i].row->ops;
		int fd;
		short ev;

		if (o->pollfd && o->pollfd(m->dev[i].state, &fd, &ev))
			all[n++] = (struct pollfd){.fd = fd, .events = ev};
	}
	machine_unlock(m);
	return n;
}

int machine_wait(struct machine *m, struct pollfd *fds, int nfds)
{
	uint64_t deadline = machine_deadline_ns(m), now;
	struct timespec ts, *tsp = NULL;
	struct pollfd all[MACHINE_WAIT_FDS];
	int n, rc, kick;

	if (nfds < 0 || nfds > MACHINE_WAIT_FDS - BOARD_MAX_DEVICES - 1)
		return -1;
	machine_resume(m);
	n = machine_pollfds(m, all, fds, nfds);
	/* another hart wakes this one (an IPI, hart_start, an event) through its eventfd */
	kick = smp_hart0_sleep_begin(m);
	if (kick >= 0)
		all[n++] = (struct pollfd){.fd = kick, .events = POLLIN};

	if (deadline != UINT64_MAX) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
		deadline = deadline > now ? deadline - now : 0;
		ts.tv_sec = (time_t)(deadline / 1000000000ULL);
		ts.tv_nsec = (long)(deadline % 1000000000ULL);
		tsp = &ts;
	}
	/* a guest about to sleep for a second or more gives its caches back */
	if (!tsp || deadline >= MACHINE_IDLE_RELEASE_NS) {
		hart_release_caches(m->hart);
		malloc_trim(0); /* and the heap's free pages (loading a state blob leaves some) */
	}
	if (smp_hart0_wake_now(m))
		tsp = &(struct timespec){0, 0};
	rc = ppoll(all, (nfds_t)n, tsp, NULL);
	smp_hart0_sleep_end(m);
	for (int i = 0; i < nfds; i++)
		fds[i].revents = all[i].revents;
	return rc;
}

uint32_t machine_exit_code(struct machine *m)
{
	return m->exit_code;
}

struct hart *machine_hart(struct machine *m)
{
	return m->hart;
}

struct guest_mem *machine_mem(struct machine *m)
{
	return &m->mem;
}

/* A segment's parts are consecutive and adjacent, regions numbered from 0 up. */
static int segs_check(const struct machine_seg *s, int n)
{
	if (n < 0 || n > MACHINE_MAX_SEG_MAPS)
		return -E2BIG;
	for (int i = 0; i < n; i++) {
		bool same = i && s[i].region == s[i - 1].region;

		if (s[i].region >= MACHINE_MAX_SEGMENTS ||
		    (i && !same && s[i].region != s[i - 1].region + 1) || (!i && s[i].region) ||
		    (same && s[i].real != s[i - 1].real + s[i - 1].len))
			return -EINVAL;
	}
	return 0;
}

int machine_set_segments(struct machine *m, const struct machine_seg *s, int n, char *why,
			 size_t wl)
{
	int rc = mem_seg_clear(&m->mem);

	m->nsegs = 0;
	if (rc == 0 && segs_check(s, n)) {
		snprintf(why, wl, "bad segment list");
		return -EINVAL;
	}
	for (int i = 0; rc == 0 && i < n; i++) {
		rc = mem_seg_map(&m->mem, s[i].real, s[i].len, s[i].fd, s[i].off,
				 (enum mem_map_kind)s[i].kind);
		if (rc < 0)
			snprintf(why, wl, "segment pages %llX-%llX: %s",
				 (unsigned long long)(s[i].real >> PAGE_SHIFT),
				 (unsigned long long)((s[i].real + s[i].len - 1) >> PAGE_SHIFT),
				 strerror(-rc));
	}
	if (rc < 0) {
		mem_seg_clear(&m->mem);
		return rc;
	}
	for (int i = 0; i < n; i++) {
		struct machine_seg *r = &m->segs[s[i].region];

		if (s[i].region == m->nsegs) {
			*r = s[i];
			r->fd = -1;
			m->nsegs++;
		} else {
			r->len += s[i].len;
		}
	}
	return 0;
}
