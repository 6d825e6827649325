// SPDX-License-Identifier: MIT
/*
 * The machine state blob: save, and load with every field checked, since a
 * blob comes back from a spool file that may be damaged.  Format in
 * machine/snapshot.h.
 */
#include "machine/snapshot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "machine/internal.h"

#define SNAP_NSECT_MAX (5 + VIRTIO_SLOTS)

static size_t snap_pad(size_t n)
{
	return (n + SNAP_ALIGN - 1) & ~(size_t)(SNAP_ALIGN - 1);
}

static size_t snap_sect_size(size_t len)
{
	return sizeof(struct snap_sect) + snap_pad(len);
}

size_t machine_state_size(struct machine *m)
{
	size_t n = sizeof(struct snap_hdr);

	n += snap_sect_size(sizeof(struct snap_machine));
	n += snap_sect_size(sizeof(struct hart_state));
	n += snap_sect_size(sizeof(struct plic_state));
	n += snap_sect_size(sizeof(struct uart_state) + m->uart.rx_count);
	n += snap_sect_size(sizeof(struct rtc_state));
	n += (size_t)m->cfg.ndisks * snap_sect_size(sizeof(struct virtio_mmio_state));
	return n;
}

size_t machine_state_max(void)
{
	size_t n = sizeof(struct snap_hdr);

	n += snap_sect_size(sizeof(struct snap_machine));
	n += snap_sect_size(sizeof(struct hart_state));
	n += snap_sect_size(sizeof(struct plic_state));
	n += snap_sect_size(sizeof(struct uart_state) + UART_RX_SIZE);
	n += snap_sect_size(sizeof(struct rtc_state));
	n += (size_t)VIRTIO_SLOTS * snap_sect_size(sizeof(struct virtio_mmio_state));
	return n;
}

/* ---- saving ---- */

struct snap_out {
	uint8_t *p;
	size_t off;
	uint32_t nsect;
};

/* Appends a section header; the caller writes len bytes at the pointer returned. */
static void *snap_add(struct snap_out *o, uint32_t id, uint32_t instance, size_t len)
{
	struct snap_sect s = {.id = id, .instance = instance, .len = (uint32_t)len};
	uint8_t *data;

	memcpy(o->p + o->off, &s, sizeof(s));
	data = o->p + o->off + sizeof(s);
	o->off += snap_sect_size(len);
	o->nsect++;
	return data;
}

static void snap_put_machine(struct machine *m, struct snap_out *o)
{
	struct snap_machine sm;
	struct timespec ts;

	memset(&sm, 0, sizeof(sm));
	clock_gettime(CLOCK_REALTIME, &ts);
	sm.realtime_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	sm.mem_size = m->mem.size;
	sm.fdt_real = m->fdt_real;
	sm.initrd_start = m->initrd_start;
	sm.initrd_end = m->initrd_end;
	sm.sbi = m->sbi;
	sm.bios = m->bios;
	sm.ndisks = (uint32_t)m->cfg.ndisks;
	for (int i = 0; i < m->cfg.ndisks; i++) {
		sm.disk[i].vdev = m->cfg.disks[i].vdev;
		sm.disk[i].readonly = m->cfg.disks[i].readonly;
		sm.disk[i].slot = (uint8_t)m->slot[i];
		sm.disk[i].size = m->cfg.disks[i].size;
	}
	memcpy(snap_add(o, SNAP_MACHINE, 0, sizeof(sm)), &sm, sizeof(sm));
}

static void snap_put_devices(struct machine *m, struct snap_out *o)
{
	struct hart_state hs;
	struct plic_state ps;
	struct uart_state us;
	struct rtc_state rs;
	uint8_t *p;

	hart_get_state(m->hart, &hs);
	memcpy(snap_add(o, SNAP_HART, 0, sizeof(hs)), &hs, sizeof(hs));
	plic_get_state(&m->plic, &ps);
	memcpy(snap_add(o, SNAP_PLIC, 0, sizeof(ps)), &ps, sizeof(ps));
	p = snap_add(o, SNAP_UART, 0, sizeof(us) + m->uart.rx_count);
	uart_get_state(&m->uart, &us, p + sizeof(us));
	memcpy(p, &us, sizeof(us));
	rtc_get_state(&m->rtc, &rs);
	memcpy(snap_add(o, SNAP_RTC, 0, sizeof(rs)), &rs, sizeof(rs));
	for (int i = 0; i < m->cfg.ndisks; i++) {
		struct virtio_mmio_state vs;
		int s = m->slot[i];

		virtio_mmio_get_state(&m->blk[s].mmio, &vs);
		memcpy(snap_add(o, SNAP_VIRTIO, (uint32_t)s, sizeof(vs)), &vs, sizeof(vs));
	}
}

ssize_t machine_save_state(struct machine *m, void *buf, size_t len)
{
	size_t size = machine_state_size(m);
	struct snap_out o = {.p = buf, .off = sizeof(struct snap_hdr)};
	struct snap_hdr h;

	if (len < size)
		return -ENOSPC;
	memset(buf, 0, size); /* padding and reserved fields are zero */
	snap_put_machine(m, &o);
	snap_put_devices(m, &o);
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, SNAP_MAGIC, sizeof(h.magic));
	h.version = SNAP_VERSION;
	h.hdr_size = sizeof(h);
	h.size = o.off;
	h.nsect = o.nsect;
	h.checksum = XXH64(o.p + sizeof(h), o.off - sizeof(h), 0);
	memcpy(buf, &h, sizeof(h));
	return (ssize_t)o.off;
}

/* ---- loading ---- */

/* The sections of a blob, found and length-checked. */
struct snap_in {
	const uint8_t *data[SNAP_VIRTIO + 1];
	uint32_t len[SNAP_VIRTIO + 1];
	const uint8_t *virtio[VIRTIO_SLOTS];
	char *err;
	size_t errlen;
};

static int snap_fail(struct snap_in *in, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(in->err, in->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int snap_check_header(struct snap_in *in, const uint8_t *buf, size_t len, struct snap_hdr *h)
{
	if (len < sizeof(*h))
		return snap_fail(in, "machine state: %zu bytes, too short for its header", len);
	memcpy(h, buf, sizeof(*h));
	if (memcmp(h->magic, SNAP_MAGIC, sizeof(h->magic)))
		return snap_fail(in, "machine state: no %s header", SNAP_MAGIC);
	if (h->version != SNAP_VERSION)
		return snap_fail(in, "machine state: version %u, this rvcp reads version %u",
				 h->version, SNAP_VERSION);
	if (h->hdr_size != sizeof(*h) || h->size < sizeof(*h) || h->size > len)
		return snap_fail(in, "machine state: size %llu in the header, %zu given",
				 (unsigned long long)h->size, len);
	if (h->nsect > SNAP_NSECT_MAX)
		return snap_fail(in, "machine state: %u sections", h->nsect);
	if (XXH64(buf + sizeof(*h), h->size - sizeof(*h), 0) != h->checksum)
		return snap_fail(in, "machine state: checksum mismatch (damaged)");
	return 0;
}

static uint32_t snap_expected_len(uint32_t id, const uint8_t *data, uint32_t len)
{
	struct uart_state us;

	switch (id) {
	case SNAP_MACHINE:
		return sizeof(struct snap_machine);
	case SNAP_HART:
		return sizeof(struct hart_state);
	case SNAP_PLIC:
		return sizeof(struct plic_state);
	case SNAP_RTC:
		return sizeof(struct rtc_state);
	case SNAP_VIRTIO:
		return sizeof(struct virtio_mmio_state);
	case SNAP_UART:
		if (len < sizeof(us))
			return sizeof(us);
		memcpy(&us, data, sizeof(us));
		if (us.rx_count > UART_RX_SIZE)
			return sizeof(us);
		return (uint32_t)sizeof(us) + us.rx_count;
	}
	return UINT32_MAX;
}

static const char *const snap_names[] = {"?", "MACHINE", "HART", "PLIC", "UART", "RTC", "VIRTIO"};

/* Record one section; refuse unknown, repeated or wrong-sized ones. */
static int snap_take(struct snap_in *in, const struct snap_sect *s, const uint8_t *data)
{
	if (s->id < SNAP_MACHINE || s->id > SNAP_VIRTIO)
		return snap_fail(in, "machine state: unknown section %u", s->id);
	if (s->len != snap_expected_len(s->id, data, s->len))
		return snap_fail(in, "machine state: section %s is %u bytes, expected %u",
				 snap_names[s->id], s->len, snap_expected_len(s->id, data, s->len));
	if (s->id == SNAP_VIRTIO) {
		if (s->instance >= VIRTIO_SLOTS || in->virtio[s->instance])
			return snap_fail(in, "machine state: bad or repeated VIRTIO slot %u",
					 s->instance);
		in->virtio[s->instance] = data;
		return 0;
	}
	if (s->instance || in->data[s->id])
		return snap_fail(in, "machine state: repeated section %s", snap_names[s->id]);
	in->data[s->id] = data;
	in->len[s->id] = s->len;
	return 0;
}

static int snap_parse(struct snap_in *in, const uint8_t *buf, size_t len)
{
	struct snap_hdr h;
	size_t off = sizeof(h);
	int rc = snap_check_header(in, buf, len, &h);

	if (!rc)
		len = h.size; /* what follows the blob in a larger slot is not ours */
	for (uint32_t i = 0; !rc && i < h.nsect; i++) {
		struct snap_sect s;

		if (len - off < sizeof(s))
			return snap_fail(in, "machine state: section %u runs past the end", i);
		memcpy(&s, buf + off, sizeof(s));
		if ((len - off - sizeof(s)) < snap_pad(s.len))
			return snap_fail(in, "machine state: section %u runs past the end", i);
		rc = snap_take(in, &s, buf + off + sizeof(s));
		off += snap_sect_size(s.len);
	}
	if (!rc && off != len)
		return snap_fail(in, "machine state: %zu bytes after the last section", len - off);
	for (int id = SNAP_MACHINE; !rc && id < SNAP_VIRTIO; id++)
		if (!in->data[id])
			return snap_fail(in, "machine state: no %s section", snap_names[id]);
	return rc;
}

/* The saved machine's storage and disks against this one's. */
static int snap_check_machine(struct machine *m, struct snap_in *in, struct snap_machine *sm)
{
	memcpy(sm, in->data[SNAP_MACHINE], sizeof(*sm));
	if (sm->mem_size > m->mem.size)
		return snap_fail(in, "the saved machine had %lluK of storage, this one %lluK",
				 (unsigned long long)(sm->mem_size >> 10),
				 (unsigned long long)(m->mem.size >> 10));
	if (sm->sbi > 1 || sm->bios > 1 || sm->initrd_start > sm->initrd_end ||
	    sm->fdt_real >= m->mem.size)
		return snap_fail(in, "machine state: bad MACHINE section");
	if (sm->ndisks != (uint32_t)m->cfg.ndisks)
		return snap_fail(in, "the saved machine had %u disks, this one %d", sm->ndisks,
				 m->cfg.ndisks);
	for (int i = 0; i < m->cfg.ndisks; i++) {
		const struct snap_disk *d = &sm->disk[i];
		const struct machine_disk *c = &m->cfg.disks[i];

		if (d->vdev != c->vdev || d->size != c->size || d->slot != m->slot[i])
			return snap_fail(in,
					 "disk %04X (%llu bytes) was saved, this machine has "
					 "%04X (%llu bytes)",
					 d->vdev, (unsigned long long)d->size, c->vdev,
					 (unsigned long long)c->size);
		if (!in->virtio[d->slot])
			return snap_fail(in, "machine state: no VIRTIO section for disk %04X",
					 d->vdev);
	}
	for (int s = 0; s < VIRTIO_SLOTS; s++) {
		bool used = false;

		for (int i = 0; i < m->cfg.ndisks; i++)
			used |= m->slot[i] == s;
		if (in->virtio[s] && !used)
			return snap_fail(in, "machine state: VIRTIO slot %d has no disk", s);
	}
	return 0;
}

static int snap_check_hart(struct snap_in *in, struct hart_state *hs)
{
	uint64_t mode;

	memcpy(hs, in->data[SNAP_HART], sizeof(*hs));
	mode = hs->satp >> 60;
	if (hs->priv == 2 || hs->priv > PRV_M || hs->pc & 1 || hs->x[0] ||
	    (mode != 0 && mode != 8 && mode != 9))
		return snap_fail(in, "machine state: bad HART section");
	return 0;
}

/* Devices after the hart, so their interrupt lines end up in its mip. */
static int snap_apply(struct machine *m, struct snap_in *in, const struct hart_state *hs)
{
	struct plic_state ps;
	struct uart_state us;
	struct rtc_state rs;
	char why[128];

	hart_set_state(m->hart, hs);
	memcpy(&ps, in->data[SNAP_PLIC], sizeof(ps));
	if (plic_set_state(&m->plic, &ps))
		return snap_fail(in, "machine state: bad PLIC section");
	memcpy(&us, in->data[SNAP_UART], sizeof(us));
	if (uart_set_state(&m->uart, &us, in->data[SNAP_UART] + sizeof(us)))
		return snap_fail(in, "machine state: bad UART section");
	memcpy(&rs, in->data[SNAP_RTC], sizeof(rs));
	if (rtc_set_state(&m->rtc, &rs))
		return snap_fail(in, "machine state: bad RTC section");
	for (int i = 0; i < m->cfg.ndisks; i++) {
		struct virtio_mmio_state vs;
		int s = m->slot[i];

		memcpy(&vs, in->virtio[s], sizeof(vs));
		if (virtio_mmio_set_state(&m->blk[s].mmio, &vs, why, sizeof(why)))
			return snap_fail(in, "machine state: disk %04X: %s", m->cfg.disks[i].vdev,
					 why);
	}
	return 0;
}

int machine_state_saved_at(const void *buf, size_t len, int64_t *realtime_ns)
{
	char err[8];
	struct snap_in in = {.err = err, .errlen = sizeof(err)};
	struct snap_machine sm;
	int rc = snap_parse(&in, buf, len);

	if (rc)
		return rc;
	memcpy(&sm, in.data[SNAP_MACHINE], sizeof(sm));
	*realtime_ns = sm.realtime_ns;
	return 0;
}

int machine_load_state(struct machine *m, const void *buf, size_t len, char *err, size_t errlen)
{
	struct snap_in in = {.err = err, .errlen = errlen};
	struct snap_machine sm;
	struct hart_state hs;
	int rc;

	rc = snap_parse(&in, buf, len);
	if (!rc)
		rc = snap_check_machine(m, &in, &sm);
	if (!rc)
		rc = snap_check_hart(&in, &hs);
	if (rc)
		return rc; /* nothing changed yet */
	machine_reset(m, false);
	rc = snap_apply(m, &in, &hs);
	if (rc) {
		machine_reset(m, false); /* never half loaded */
		return rc;
	}
	machine_set_sbi(m, sm.sbi);
	m->bios = sm.bios;
	m->fdt_real = sm.fdt_real;
	m->initrd_start = sm.initrd_start;
	m->initrd_end = sm.initrd_end;
	hart_flush_tlb(m->hart);
	return 0;
}
