// SPDX-License-Identifier: MIT
/*
 * VMGenID, the Virtual Machine Generation ID ("microsoft,vmgenid", Linux's
 * drivers/virt/vmgenid.c since 6.10): a 16-byte generation id at the start
 * of the device's MMIO page, and a PLIC source that announces a new one.
 *
 * A machine gets a random id when it is made, and a new one every time a
 * saved state is loaded into it (IPL of a saved booted system): each copy
 * resumed from the spool is a new generation of the same guest, so Linux
 * reseeds its RNG (add_vmfork_randomness) and sends a NEW_VMGENID uevent,
 * on which the guest can renew what must differ between copies.  SYSTEM
 * RESET keeps the id: a reboot is no copy.
 *
 * The line is level-triggered, as the PLIC's sources are: it goes high
 * when the guest first runs after the load (the machine polls its devices
 * before each slice; a load itself leaves every other device exactly as it
 * was saved) and stays high until the guest next reads the id, which the
 * driver's handler does, so the announcement is neither lost nor repeated.  Reads of 1, 2, 4 or 8
 * bytes inside the id; the rest of the page reads as zero; writes are
 * ignored.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "cpu/bus.h"
#include "dev/device.h"
#include "dev/dt.h"
#include "dev/plic.h"
#include "util/errbuf.h"

#define VMGENID_SIZE 16

struct vmgenid {
	struct plic *plic;
	int irq;
	uint8_t id[VMGENID_SIZE];
	bool announce; /* the line: a new id the guest has not read yet */
	bool due;      /* a new id, to announce when the guest runs */
};

/* Its section of the machine state blob. */
struct vmgenid_state {
	uint8_t id[VMGENID_SIZE];
	uint8_t announce;
	uint8_t pad[7];
};

static int vmgenid_new_id(struct vmgenid *g)
{
	uint8_t id[VMGENID_SIZE];

	if (getrandom(id, sizeof(id), 0) != (ssize_t)sizeof(id))
		return -EIO;
	memcpy(g->id, id, sizeof(id));
	return 0;
}

static void vmgenid_set_line(struct vmgenid *g, bool announce)
{
	g->announce = announce;
	plic_set_irq(g->plic, g->irq, announce);
}

static bool vmgenid_mmio(void *dev, uint64_t off, uint64_t *val, int size, bool is_write)
{
	struct vmgenid *g = dev;

	if (is_write)
		return true;
	if (off + (uint64_t)size > VMGENID_SIZE)
		return true; /* reads as zero */
	memcpy(val, g->id + off, (size_t)size);
	if (g->announce)
		vmgenid_set_line(g, false);
	return true;
}

static int vmgenid_init(void *dev, const struct dev_env *env)
{
	struct vmgenid *g = dev;
	int rc;

	g->plic = env->plic;
	g->irq = (int)env->irq;
	rc = vmgenid_new_id(g);
	if (rc)
		return rc;
	return bus_register(env->bus, env->base, env->size, vmgenid_mmio, g);
}

static void vmgenid_reset(void *dev)
{
	struct vmgenid *g = dev;

	g->due = false;
	vmgenid_set_line(g, false);
}

static void vmgenid_poll(void *dev)
{
	struct vmgenid *g = dev;

	if (g->due) {
		g->due = false;
		vmgenid_set_line(g, true);
	}
}

static void vmgenid_fdt(struct dt *w, const struct dev_res *r)
{
	dt_begin_at(w, "rng", r->base);
	dt_str(w, "compatible", "microsoft,vmgenid");
	dt_reg(w, r->base, r->size);
	dt_irq(w, r->irq);
	dt_end(w);
}

static void vmgenid_save(void *dev, void *buf)
{
	struct vmgenid *g = dev;
	struct vmgenid_state s = {.announce = g->announce || g->due};

	memcpy(s.id, g->id, sizeof(s.id));
	memcpy(buf, &s, sizeof(s));
}

/* A loaded state is a copy of the saved guest: a new generation, announced. */
static int vmgenid_load(void *dev, const void *buf, size_t len, char *err, size_t errlen)
{
	struct vmgenid *g = dev;
	struct vmgenid_state s;

	if (dev_check_len(len, sizeof(s), err, errlen))
		return -EINVAL;
	memcpy(&s, buf, sizeof(s));
	if (s.announce > 1)
		return errbuf_set(err, errlen, -EINVAL, "bad line state %u", s.announce);
	if (vmgenid_new_id(g))
		return errbuf_set(err, errlen, -EINVAL, "no host entropy for a new id");
	g->due = true;
	return 0;
}

const struct dev_ops vmgenid_device = {
    .name = "VMGENID",
    .size = sizeof(struct vmgenid),
    .init = vmgenid_init,
    .reset = vmgenid_reset,
    .fdt = vmgenid_fdt,
    .snap_max = sizeof(struct vmgenid_state),
    .save = vmgenid_save,
    .load = vmgenid_load,
    .poll = vmgenid_poll,
};
