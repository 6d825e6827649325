/* SPDX-License-Identifier: MIT */
#ifndef RVCP_DEV_DEVICE_H
#define RVCP_DEV_DEVICE_H
/*
 * How a device describes itself to the board (the device model).
 *
 * A device is one file (dev/X.c or virtio/X.c) that exports one
 * `const struct dev_ops X_device`: the size of its state, and the functions
 * that create, reset, describe (device tree), save and restore it.  The
 * board (machine/board.c) registers it with one row of its table, which
 * gives the device its MMIO base and size, its PLIC source and its section
 * id in the machine state blob; the machine allocates the state, calls
 * init() with those resources, and from then on loops over its devices for
 * reset, poll, deadline, the device tree and the snapshot, naming none of
 * them.  So adding a device is its file plus one table row.
 *
 * Devices never include machine/: addresses come from the board's row, the
 * interrupt controller and the hart from struct dev_env, and what the host
 * side of the machine offers (console output, power requests, disks) from
 * struct dev_host.  Nothing here is on the path of a guest access: the bus
 * calls the device's MMIO handler directly (cpu/bus.h).
 *
 * Decisions (as kvmtool keeps a device in one file that claims its MMIO
 * and writes its own device-tree node):
 *  - the state is the device's own type, allocated zeroed by the machine
 *    and owned by it (struct machine's dev[]: no globals), so a new device
 *    adds no field to struct machine; the machine keeps a typed pointer
 *    only to what it uses itself (the PLIC, the UART for console input),
 *    and machine_device() finds any other (tests);
 *  - the device-tree hook gets the row's resources, not the state, so the
 *    tree can be built from the board alone (machine_fdt_build);
 *  - a device that needs something of the host side (a disk image, a
 *    network backend) gets it through a member of struct dev_host, filled
 *    by machine.c from the machine's configuration, and answers -ENODEV
 *    from init() for an instance the configuration does not have;
 *  - a device with state has a section of its own in the machine state
 *    blob, whose id is in its board row; the blob's frame, section sizes
 *    and the machine's shape are checked before anything changes, and a
 *    device refusing its section leaves the machine reset, never half
 *    loaded.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bus;
struct guest_mem;
struct hart;
struct plic;
struct dt;

/* A disk of the machine's configuration, in slot order (virtio-blk). */
struct dev_disk {
	uint16_t vdev; /* z/VM virtual device number: the disk's serial */
	int fd;	       /* raw image, opened by the caller */
	uint64_t size; /* bytes */
	bool readonly;
};

enum dev_power { DEV_POWEROFF, DEV_RESET };

/* What the machine around the devices offers them (callbacks into machine/). */
/* A NIC of the machine's configuration, in slot order (virtio-net). */
struct dev_nic {
	uint16_t vdev;
	uint8_t mac[6];
	int fd; /* the switch port's socket (non-blocking), -1: not coupled */
};

struct dev_host {
	void *opaque;
	void (*console_out)(void *opaque, uint8_t c);
	/* The guest asked to power off (with a failure code, 0 = success) or reset. */
	void (*power)(void *opaque, enum dev_power what, uint32_t code);
	/* NIC n (0 = lowest vdev) into *d; false when the machine has no NIC n. */
	bool (*nic)(void *opaque, int n, struct dev_nic *d);
	/* Disk n (0 = lowest vdev) into *d; false when the machine has no disk n. */
	bool (*disk)(void *opaque, int n, struct dev_disk *d);
};

/* What init() is given: the board's row for this instance, and the machine's parts. */
struct dev_env {
	uint64_t base, size; /* its MMIO region */
	uint32_t irq;	     /* its PLIC source, 0 = none */
	int index;	     /* which instance of its row (0, 1, ...) */
	struct bus *bus;
	struct guest_mem *mem;
	struct hart *hart;	   /* hart 0 */
	struct hart *const *harts; /* every hart: the CLINT's and PLIC's targets */
	int nharts;
	struct plic *plic; /* the interrupt controller (NULL while it is made) */
	const struct dev_host *host;
};

/* A row's resources again, for the device tree (which is written without state). */
struct dev_res {
	uint64_t base, size;
	uint32_t irq;
	int index;
	int nharts; /* the machine's harts (the CLINT's and PLIC's nodes name each) */
};

struct dev_ops {
	const char *name; /* in messages: "RTC", "VIRTIO-BLK" */
	size_t size;	  /* bytes of state; the machine allocates them zeroed */
	/*
	 * Registers the MMIO region and sets the device to its reset state.
	 * -ENODEV: the configuration has no such instance (a fifth disk slot
	 * when there are four disks): the board leaves it out altogether.
	 */
	int (*init)(void *dev, const struct dev_env *env);
	void (*exit)(void *dev);  /* optional: release what init took */
	void (*reset)(void *dev); /* optional: SYSTEM RESET */
	/* Its node(s) under /soc (dev/dt.h); optional. */
	void (*fdt)(struct dt *dt, const struct dev_res *r);
	/* Node(s) at the root of the tree, after /soc; optional. */
	void (*fdt_root)(struct dt *dt, const struct dev_res *r);
	/*
	 * Machine state blob (machine/snapshot.h): the bytes of its section
	 * now (snap_size, NULL = snap_max) and at most (snap_max), written by
	 * save().  load() gets a section from a file that may be damaged (at
	 * most snap_max bytes; exactly that without snap_size): it checks
	 * everything before it changes anything and refuses with -EINVAL and
	 * the reason in err (util/errbuf.h).  A device without state has no
	 * save/load.
	 */
	size_t snap_max;
	size_t (*snap_size)(void *dev);
	void (*save)(void *dev, void *buf);
	int (*load)(void *dev, const void *buf, size_t len, char *err, size_t errlen);
	/* Host-time events (an alarm): the machine polls before each slice and
	 * sleeps no longer than the earliest deadline (CLOCK_MONOTONIC ns,
	 * UINT64_MAX = none).  Both optional. */
	void (*poll)(void *dev);
	uint64_t (*deadline_ns)(void *dev);
	/* A host descriptor the device waits on (*fd, *events for poll()); false
	 * when it waits for none now.  An idle machine sleeps until it is ready,
	 * then poll() runs.  Optional. */
	bool (*pollfd)(void *dev, int *fd, short *events);
};

/* The usual first check of load(): the section has exactly want bytes (else -EINVAL). */
int dev_check_len(size_t len, size_t want, char *err, size_t errlen);

#endif
