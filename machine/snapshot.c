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

#define SNAP_NSECT_MAX (1 + MACHINE_MAX_CPUS + BOARD_MAX_DEVICES)

static size_t snap_pad(size_t n)
{
	return (n + SNAP_ALIGN - 1) & ~(size_t)(SNAP_ALIGN - 1);
}

static size_t snap_sect_size(size_t len)
{
	return sizeof(struct snap_sect) + snap_pad(len);
}

/* The bytes of a device's section now. */
static size_t snap_dev_len(const struct machine_dev *d)
{
	const struct dev_ops *o = d->row->ops;

	return o->snap_size ? o->snap_size(d->state) : o->snap_max;
}

size_t machine_state_size(struct machine *m)
{
	size_t n = sizeof(struct snap_hdr);

	n += snap_sect_size(sizeof(struct snap_machine));
	n += (size_t)m->nharts * snap_sect_size(sizeof(struct hart_state));
	for (int i = 0; i < m->ndev; i++)
		if (m->dev[i].row->snap)
			n += snap_sect_size(snap_dev_len(&m->dev[i]));
	return n;
}

size_t machine_state_max(void)
{
	size_t n = sizeof(struct snap_hdr);

	n += snap_sect_size(sizeof(struct snap_machine));
	n += MACHINE_MAX_CPUS * snap_sect_size(sizeof(struct hart_state));
	for (int r = 0; r < board_nrows; r++)
		if (board[r].snap)
			n += (size_t)board_count(&board[r], MACHINE_MAX_DISKS, MACHINE_MAX_NICS) *
			     snap_sect_size(board[r].ops->snap_max);
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
	sm.ncpus = (uint32_t)m->nharts;
	for (int i = 0; i < m->nharts; i++)
		sm.hsm[i] = (uint8_t)smp_hsm(m, i);
	memcpy(snap_add(o, SNAP_MACHINE, 0, sizeof(sm)), &sm, sizeof(sm));
}

static void snap_put_devices(struct machine *m, struct snap_out *o)
{
	struct hart_state hs;

	for (int i = 0; i < m->nharts; i++) {
		hart_get_state(m->harts[i], &hs);
		memcpy(snap_add(o, SNAP_HART, (uint32_t)i, sizeof(hs)), &hs, sizeof(hs));
	}
	for (int i = 0; i < m->ndev; i++) {
		const struct machine_dev *d = &m->dev[i];

		if (d->row->snap)
			d->row->ops->save(d->state, snap_add(o, d->row->snap, (uint32_t)d->index,
							     snap_dev_len(d)));
	}
}

ssize_t machine_save_state(struct machine *m, void *buf, size_t len)
{
	size_t size = machine_state_size(m);
	struct snap_out o = {.p = buf, .off = sizeof(struct snap_hdr)};
	struct snap_hdr h;

	if (len < size)
		return -ENOSPC;
	machine_pause(m);
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
	struct machine *m; /* NULL: only the MACHINE section is wanted */
	const uint8_t *machine, *hart[MACHINE_MAX_CPUS];
	uint32_t nhart;
	const uint8_t *dev[BOARD_MAX_DEVICES]; /* m->dev[i]'s section */
	uint32_t len[BOARD_MAX_DEVICES];
	const struct snap_sect *orphan; /* a device section this machine has no device for */
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
		return snap_fail(in,
				 "machine state: version %u, this rvcp reads version %u "
				 "(a system saved by another rvcp: save it again)",
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

/* The board row whose devices save sections of this id, NULL if none. */
static const struct board_row *snap_row(uint32_t id)
{
	for (int r = 0; id && r < board_nrows; r++)
		if (board[r].snap == id)
			return &board[r];
	return NULL;
}

static const char *snap_name(uint32_t id)
{
	const struct board_row *r = snap_row(id);

	if (id == SNAP_MACHINE)
		return "MACHINE";
	if (id == SNAP_HART)
		return "HART";
	return r ? r->ops->name : "?";
}

/* MACHINE (instance 0) or HART n: once, exactly its structure's length. */
static int snap_take_own(struct snap_in *in, const struct snap_sect *s, const uint8_t *data)
{
	bool hart = s->id == SNAP_HART;
	const uint8_t **slot;
	size_t want = hart ? sizeof(struct hart_state) : sizeof(struct snap_machine);

	if (s->len != want)
		return snap_fail(in, "machine state: section %s is %u bytes, expected %zu",
				 snap_name(s->id), s->len, want);
	if (s->instance >= (hart ? MACHINE_MAX_CPUS : 1))
		return snap_fail(in, "machine state: section %s %u", snap_name(s->id), s->instance);
	slot = hart ? &in->hart[s->instance] : &in->machine;
	if (*slot)
		return snap_fail(in, "machine state: repeated section %s", snap_name(s->id));
	*slot = data;
	in->nhart += hart;
	return 0;
}

/* Record one section; refuse unknown, repeated or wrong-sized ones. */
static int snap_take(struct snap_in *in, const struct snap_sect *s, const uint8_t *data)
{
	const struct board_row *r = snap_row(s->id);
	const struct dev_ops *o;
	int i;

	if (s->id == SNAP_MACHINE || s->id == SNAP_HART)
		return snap_take_own(in, s, data);
	if (!r)
		return snap_fail(in, "machine state: unknown section %u", s->id);
	o = r->ops;
	if (s->len > o->snap_max || (!o->snap_size && s->len != o->snap_max))
		return snap_fail(in, "machine state: section %s is %u bytes, expected %zu", o->name,
				 s->len, o->snap_max);
	if (!in->m)
		return 0;
	for (i = 0; i < in->m->ndev; i++)
		if (in->m->dev[i].row == r && in->m->dev[i].index == (int)s->instance)
			break;
	if (i == in->m->ndev) {
		if (!in->orphan)
			in->orphan = s;
		return 0;
	}
	if (in->dev[i])
		return snap_fail(in, "machine state: repeated section %s %u", o->name, s->instance);
	in->dev[i] = data;
	in->len[i] = s->len;
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
	if (!rc && !in->machine)
		return snap_fail(in, "machine state: no MACHINE section");
	if (!rc && !in->hart[0])
		return snap_fail(in, "machine state: no HART section");
	return rc;
}

/* Every device of this machine has its section, and every section its device. */
static int snap_check_devices(struct machine *m, struct snap_in *in)
{
	if (in->orphan)
		return snap_fail(in, "machine state: section %s %u has no device in this machine",
				 snap_name(in->orphan->id), in->orphan->instance);
	for (int i = 0; i < m->ndev; i++)
		if (m->dev[i].row->snap && !in->dev[i])
			return snap_fail(in, "machine state: no %s section %d",
					 m->dev[i].row->ops->name, m->dev[i].index);
	return 0;
}

/* The saved machine's storage and disks against this one's. */
static int snap_check_machine(struct machine *m, struct snap_in *in, struct snap_machine *sm)
{
	memcpy(sm, in->machine, sizeof(*sm));
	if (sm->mem_size > m->mem.size)
		return snap_fail(in, "the saved machine had %lluK of storage, this one %lluK",
				 (unsigned long long)(sm->mem_size >> 10),
				 (unsigned long long)(m->mem.size >> 10));
	if (sm->sbi > 1 || sm->bios > 1 || sm->initrd_start > sm->initrd_end ||
	    sm->fdt_real >= m->mem.size || sm->ncpus < 1 || sm->ncpus > MACHINE_MAX_CPUS ||
	    sm->ncpus != in->nhart)
		return snap_fail(in, "machine state: bad MACHINE section");
	for (uint32_t i = 0; i < sm->ncpus; i++)
		if (!in->hart[i] ||
		    (sm->hsm[i] != SMP_HSM_STARTED && sm->hsm[i] != SMP_HSM_STOPPED &&
		     sm->hsm[i] != SMP_HSM_START_PENDING))
			return snap_fail(in, "machine state: bad MACHINE section");
	if (sm->ncpus != (uint32_t)m->nharts)
		return snap_fail(in, "the saved machine had %u CPUs, this one %d", sm->ncpus,
				 m->nharts);
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
	}
	return 0;
}

static int snap_check_hart(struct snap_in *in, const uint8_t *data, struct hart_state *hs)
{
	uint64_t mode;

	memcpy(hs, data, sizeof(*hs));
	mode = hs->satp >> 60;
	if (hs->priv == 2 || hs->priv > PRV_M || hs->pc & 1 || hs->x[0] ||
	    (mode != 0 && mode != 8 && mode != 9))
		return snap_fail(in, "machine state: bad HART section");
	return 0;
}

/* Devices after the harts, so their interrupt lines end up in their mip. */
static int snap_apply(struct machine *m, struct snap_in *in, const struct hart_state *hs,
		      const struct snap_machine *sm)
{
	char why[160];

	for (int i = 0; i < m->nharts; i++) {
		hart_set_state(m->harts[i], &hs[i]);
		hart_copy_time(m->harts[i], m->hart); /* saved a moment apart: hart 0's */
		/* a start half done when saved is done now: the state holds its registers */
		smp_set_hsm(m, i,
			    sm->hsm[i] == SMP_HSM_STOPPED ? SMP_HSM_STOPPED : SMP_HSM_STARTED);
	}
	for (int i = 0; i < m->ndev; i++) {
		const struct machine_dev *d = &m->dev[i];

		if (!d->row->snap)
			continue;
		why[0] = 0;
		if (d->row->ops->load(d->state, in->dev[i], in->len[i], why, sizeof(why)))
			return snap_fail(in, "machine state: %s: %s", d->row->ops->name, why);
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
	memcpy(&sm, in.machine, sizeof(sm));
	*realtime_ns = sm.realtime_ns;
	return 0;
}

int machine_state_cpus(const void *buf, size_t len)
{
	char err[8];
	struct snap_in in = {.err = err, .errlen = sizeof(err)};
	struct snap_machine sm;

	if (snap_parse(&in, buf, len))
		return -EINVAL;
	memcpy(&sm, in.machine, sizeof(sm));
	return sm.ncpus == in.nhart && sm.ncpus >= 1 && sm.ncpus <= MACHINE_MAX_CPUS ? (int)sm.ncpus
										     : -EINVAL;
}

int machine_load_state(struct machine *m, const void *buf, size_t len, char *err, size_t errlen)
{
	struct snap_in in = {.m = m, .err = err, .errlen = errlen};
	struct snap_machine sm;
	struct hart_state hs[MACHINE_MAX_CPUS];
	int rc;

	machine_pause(m);
	rc = snap_parse(&in, buf, len);
	if (!rc)
		rc = snap_check_machine(m, &in, &sm);
	if (!rc)
		rc = snap_check_devices(m, &in);
	for (int i = 0; !rc && i < m->nharts; i++)
		rc = snap_check_hart(&in, in.hart[i], &hs[i]);
	if (rc)
		return rc; /* nothing changed yet */
	machine_reset(m, false);
	rc = snap_apply(m, &in, hs, &sm);
	if (rc) {
		machine_reset(m, false); /* never half loaded */
		return rc;
	}
	machine_set_sbi(m, sm.sbi);
	m->bios = sm.bios;
	m->fdt_real = sm.fdt_real;
	m->initrd_start = sm.initrd_start;
	m->initrd_end = sm.initrd_end;
	for (int i = 0; i < m->nharts; i++)
		hart_flush_tlb(m->harts[i]);
	return 0;
}
