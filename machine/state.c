// SPDX-License-Identifier: MIT
/*
 * Device state of a running machine, for a saved system of a booted guest
 * (SAVESYS after boot, IPL name resumes it): the PLIC, the UART's
 * registers, the RTC's offset and alarm, and each virtio-blk transport with
 * its queue.  The hart is saved separately (struct hart_state).
 *
 * What is not saved: bytes in the UART's receive buffer (console input
 * nobody read yet) and the console output buffer, which were the saver's.
 * Virtio requests complete while the guest is stopped at an instruction
 * boundary, so nothing is in flight: the ring indexes are the whole state.
 *
 * The blob comes back from a spool file, i.e. from a guest: every value is
 * checked or masked as the device's own register writes would be.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "machine/internal.h"

#define STATE_MAGIC "RVCPDEV1"

struct state_queue {
	uint32_t num, ready;
	uint64_t desc, avail, used;
	uint16_t last_avail, used_idx;
	uint32_t pad;
};

struct state_blk {
	uint16_t vdev;
	uint8_t pad[2];
	uint32_t status, int_status, config_gen;
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint64_t driver_features;
	struct state_queue q[VIRTIO_MAX_QUEUES];
};

struct machine_state {
	char magic[8];
	uint32_t size;	 /* sizeof(struct machine_state) */
	uint32_t ndisks; /* blk[] entries used */
	int64_t realtime_ns;
	/* PLIC */
	uint32_t priority[PLIC_NDEV + 1];
	uint32_t claimed;
	uint32_t enable[PLIC_CONTEXTS], threshold[PLIC_CONTEXTS];
	/* UART */
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr, thr_ipending;
	/* RTC */
	int64_t rtc_offset_ns;
	uint64_t rtc_alarm_ns;
	uint8_t rtc_alarm_armed, rtc_irq_enabled, rtc_irq_pending, pad[5];
	struct state_blk blk[MACHINE_MAX_DISKS];
};

size_t machine_state_size(void)
{
	return sizeof(struct machine_state);
}

static void save_blk(const struct virtio_blk *b, struct state_blk *s)
{
	const struct virtio_mmio *v = &b->mmio;

	s->vdev = b->vdev;
	s->status = v->status;
	s->int_status = v->int_status;
	s->config_gen = v->config_gen;
	s->dev_features_sel = v->dev_features_sel;
	s->drv_features_sel = v->drv_features_sel;
	s->queue_sel = v->queue_sel;
	s->driver_features = v->driver_features;
	for (int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		s->q[i].num = v->q[i].num;
		s->q[i].ready = v->q[i].ready;
		s->q[i].desc = v->q[i].desc;
		s->q[i].avail = v->q[i].avail;
		s->q[i].used = v->q[i].used;
		s->q[i].last_avail = v->q[i].last_avail;
		s->q[i].used_idx = v->q[i].used_idx;
	}
}

void machine_save_state(struct machine *m, void *buf)
{
	struct machine_state *s = buf;
	struct timespec ts;

	memset(s, 0, sizeof(*s));
	memcpy(s->magic, STATE_MAGIC, sizeof(s->magic));
	s->size = sizeof(*s);
	clock_gettime(CLOCK_REALTIME, &ts);
	s->realtime_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	memcpy(s->priority, m->plic.priority, sizeof(s->priority));
	s->claimed = m->plic.claimed;
	memcpy(s->enable, m->plic.enable, sizeof(s->enable));
	memcpy(s->threshold, m->plic.threshold, sizeof(s->threshold));
	s->ier = m->uart.ier, s->lcr = m->uart.lcr, s->mcr = m->uart.mcr, s->scr = m->uart.scr;
	s->dll = m->uart.dll, s->dlm = m->uart.dlm, s->fcr = m->uart.fcr;
	s->thr_ipending = m->uart.thr_ipending;
	s->rtc_offset_ns = m->rtc.offset_ns;
	s->rtc_alarm_ns = m->rtc.alarm_ns;
	s->rtc_alarm_armed = m->rtc.alarm_armed;
	s->rtc_irq_enabled = m->rtc.irq_enabled;
	s->rtc_irq_pending = m->rtc.irq_pending;
	s->ndisks = (uint32_t)m->cfg.ndisks;
	for (int i = 0; i < m->cfg.ndisks; i++)
		save_blk(&m->blk[m->slot[i]], &s->blk[i]);
}

static void load_blk(struct virtio_blk *b, const struct state_blk *s)
{
	struct virtio_mmio *v = &b->mmio;

	v->status = s->status & 0xff;
	v->int_status = s->int_status & 3;
	v->config_gen = s->config_gen;
	v->dev_features_sel = s->dev_features_sel;
	v->drv_features_sel = s->drv_features_sel;
	v->queue_sel = s->queue_sel;
	v->driver_features = s->driver_features & v->features;
	for (int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		struct virtq *q = &v->q[i];
		uint32_t num = s->q[i].num;

		/* As a QueueNum write: a power of two up to the maximum, or 0. */
		q->num = num && num <= VIRTQ_NUM_MAX && !(num & (num - 1)) ? num : 0;
		q->ready = s->q[i].ready && q->num;
		q->desc = s->q[i].desc;
		q->avail = s->q[i].avail;
		q->used = s->q[i].used;
		q->last_avail = s->q[i].last_avail;
		q->used_idx = s->q[i].used_idx;
	}
}

/* The saved transport of the disk at vdev, if the saver had one there. */
static const struct state_blk *find_blk(const struct machine_state *s, uint16_t vdev)
{
	for (uint32_t i = 0; i < s->ndisks && i < MACHINE_MAX_DISKS; i++)
		if (s->blk[i].vdev == vdev)
			return &s->blk[i];
	return NULL;
}

/* Interrupt lines as the restored devices drive them. */
static void refresh_irqs(struct machine *m)
{
	struct uart *u = &m->uart;
	bool uart = u->ier & 0x02 && u->thr_ipending; /* THR empty; rx is empty */

	plic_set_irq(&m->plic, u->irq, uart);
	plic_set_irq(&m->plic, m->rtc.irq, m->rtc.irq_pending && m->rtc.irq_enabled);
	for (int i = 0; i < m->cfg.ndisks; i++) {
		struct virtio_mmio *v = &m->blk[m->slot[i]].mmio;

		plic_set_irq(&m->plic, v->irq, v->int_status != 0);
	}
	plic_refresh(&m->plic);
}

int machine_load_state(struct machine *m, const void *buf, size_t len, int64_t *realtime_ns)
{
	const struct machine_state *s = buf;

	if (len != sizeof(*s) || memcmp(s->magic, STATE_MAGIC, sizeof(s->magic)) ||
	    s->size != sizeof(*s) || s->ndisks > MACHINE_MAX_DISKS)
		return -EINVAL;
	for (int i = 0; i < m->cfg.ndisks; i++)
		if (!find_blk(s, m->cfg.disks[i].vdev))
			return -ENODEV;
	for (int i = 0; i <= PLIC_NDEV; i++)
		m->plic.priority[i] = i ? s->priority[i] & 7 : 0;
	m->plic.claimed = s->claimed & ~1u;
	for (int c = 0; c < PLIC_CONTEXTS; c++) {
		m->plic.enable[c] = s->enable[c] & ~1u;
		m->plic.threshold[c] = s->threshold[c] & 7;
	}
	m->uart.ier = s->ier & 0x0f, m->uart.lcr = s->lcr, m->uart.mcr = s->mcr & 0x1f;
	m->uart.scr = s->scr, m->uart.dll = s->dll, m->uart.dlm = s->dlm, m->uart.fcr = s->fcr;
	m->uart.thr_ipending = s->thr_ipending != 0;
	m->rtc.offset_ns = s->rtc_offset_ns;
	m->rtc.alarm_ns = s->rtc_alarm_ns;
	m->rtc.alarm_armed = s->rtc_alarm_armed != 0;
	m->rtc.irq_enabled = s->rtc_irq_enabled != 0;
	m->rtc.irq_pending = s->rtc_irq_pending != 0;
	for (int i = 0; i < m->cfg.ndisks; i++)
		load_blk(&m->blk[m->slot[i]], find_blk(s, m->cfg.disks[i].vdev));
	refresh_irqs(m);
	if (realtime_ns)
		*realtime_ns = s->realtime_ns;
	return 0;
}
