// SPDX-License-Identifier: MIT
/*
 * A virtual machine: creates storage, bus, hart and devices, and runs the
 * hart in slices, turning its exits into machine events.  Loading (IPL,
 * kernel, firmware, device tree) is in load.c, the SBI in sbi.c.
 */
#include "machine/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "machine/layout.h"

void machine_flush_output(struct machine *m)
{
	if (m->nout && m->cfg.console_out)
		m->cfg.console_out(m->cfg.console_opaque, m->out, m->nout);
	m->nout = 0;
}

static void machine_emit_raw(void *opaque, const uint8_t *buf, size_t len)
{
	struct machine *m = opaque;

	for (size_t i = 0; i < len; i++) {
		if (m->nout == sizeof(m->out))
			machine_flush_output(m);
		m->out[m->nout++] = buf[i];
	}
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
			uart_input(&m->uart, (const uint8_t *)DSR_ANSWER, sizeof(DSR_ANSWER) - 1);
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

/* The guest asked to power off or reset: end the slice and report it. */
void machine_request(struct machine *m, enum machine_event ev)
{
	m->event = ev;
	m->hart->stop_req = true;
}

static void machine_syscon(void *opaque, enum syscon_action a, uint32_t code)
{
	struct machine *m = opaque;

	m->exit_code = code;
	machine_request(m, a == SYSCON_RESET ? MACHINE_RESET : MACHINE_POWEROFF);
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

static int machine_add_devices(struct machine *m)
{
	int rc;

	rc = clint_init(&m->clint, &m->bus, m->hart);
	if (!rc)
		rc = plic_init(&m->plic, &m->bus, m->hart);
	if (!rc)
		rc = uart_init(&m->uart, &m->bus, &m->plic, UART_IRQ, machine_uart_out, m);
	if (!rc)
		rc = rtc_init(&m->rtc, &m->bus, &m->plic, RTC_IRQ);
	if (!rc)
		rc = syscon_init(&m->syscon, &m->bus, machine_syscon, m);
	for (int i = 0; !rc && i < m->cfg.ndisks; i++) {
		const struct machine_disk *d = &m->cfg.disks[i];
		int s = m->slot[i];

		rc =
		    virtio_blk_init(&m->blk[s], &m->bus, VIRTIO_BASE + VIRTIO_STRIDE * (uint64_t)s,
				    &m->plic, 1 + s, &m->mem, d->fd, d->size, d->readonly, d->vdev);
	}
	return rc;
}

struct machine *machine_create(const struct machine_config *cfg)
{
	struct machine *m = calloc(1, sizeof(*m));
	int rc;

	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->cfg = *cfg;
	m->sbi = true;
	rc = machine_sort_disks(m);
	if (!rc)
		rc = mem_init(&m->mem, cfg->mem_size);
	if (rc)
		goto fail;
	m->hart = hart_new(&m->mem, &m->bus);
	if (!m->hart) {
		rc = -ENOMEM;
		goto fail_mem;
	}
	m->hart->ecall = sbi_ecall;
	m->hart->ecall_opaque = m;
	rc = machine_add_devices(m);
	if (rc)
		goto fail_hart;
	m->fdt_real = IPL_FDT_REAL;
	return m;
fail_hart:
	hart_free(m->hart);
fail_mem:
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
	machine_flush_output(m);
	hart_free(m->hart);
	mem_exit(&m->mem);
	free(m);
}

void machine_reset(struct machine *m, bool clear)
{
	machine_flush_output(m);
	if (clear)
		mem_reset(&m->mem);
	hart_reset(m->hart, RAM_BASE);
	plic_reset(&m->plic);
	uart_reset(&m->uart);
	rtc_reset(&m->rtc);
	for (int i = 0; i < m->cfg.ndisks; i++)
		virtio_blk_reset(&m->blk[m->slot[i]]);
	m->event = MACHINE_RUNNING;
	m->stop_req = false;
	m->exit_code = 0;
	m->initrd_start = m->initrd_end = 0;
	cpreq_reset(&m->cpreq);
	m->dsr.n = 0;
	hart_flush_tlb(m->hart);
}

void machine_set_sbi(struct machine *m, bool on)
{
	m->sbi = on;
	m->hart->ecall = on ? sbi_ecall : NULL;
}

static enum machine_event machine_take_event(struct machine *m)
{
	enum machine_event ev = m->event;

	if (ev != MACHINE_RUNNING) {
		m->event = MACHINE_RUNNING;
		return ev;
	}
	if (m->stop_req) {
		m->stop_req = false;
		return MACHINE_STOPPED;
	}
	return MACHINE_RUNNING;
}

enum machine_event machine_run(struct machine *m, uint64_t max_insns)
{
	enum machine_event ev = machine_take_event(m);
	enum hart_exit ex;

	if (ev != MACHINE_RUNNING)
		return ev;
	rtc_poll(&m->rtc);
	ex = hart_run(m->hart, max_insns);
	if (ex == HART_EXIT_WFI)
		machine_release_output(m);
	machine_flush_output(m);
	switch (ex) {
	case HART_EXIT_WFI:
		ev = MACHINE_IDLE;
		break;
	case HART_EXIT_TRACE:
		ev = MACHINE_TRACE;
		break;
	default:
		ev = MACHINE_RUNNING;
		break;
	}
	/* A poweroff or stop request outranks why the slice ended. */
	if (m->event != MACHINE_RUNNING || m->stop_req)
		return machine_take_event(m);
	return ev;
}

uint64_t machine_deadline_ns(struct machine *m)
{
	uint64_t a = hart_deadline_ns(m->hart), b = rtc_deadline_ns(&m->rtc);

	return a < b ? a : b;
}

size_t machine_console_input(struct machine *m, const uint8_t *buf, size_t len)
{
	return uart_input(&m->uart, buf, len);
}

void machine_stop(struct machine *m)
{
	m->stop_req = true;
	m->hart->stop_req = true;
}

int machine_wait(struct machine *m, struct pollfd *fds, int nfds)
{
	uint64_t deadline = machine_deadline_ns(m), now;
	struct timespec ts, *tsp = NULL;

	if (deadline != UINT64_MAX) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
		deadline = deadline > now ? deadline - now : 0;
		ts.tv_sec = (time_t)(deadline / 1000000000ULL);
		ts.tv_nsec = (long)(deadline % 1000000000ULL);
		tsp = &ts;
	}
	return ppoll(fds, (nfds_t)nfds, tsp, NULL);
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
