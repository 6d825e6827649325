// SPDX-License-Identifier: MIT
/*
 * The machine state blob without a guest kernel: device registers set
 * through the bus (PLIC, UART with waiting input, RTC alarm, a virtio-blk
 * queue that has served a request), saved, loaded into a fresh machine and
 * compared device by device; the disk goes on serving requests there.  Then
 * damaged and hostile blobs: each is refused with a reason and leaves the
 * machine reset, never half loaded; and a machine of another shape
 * (storage, disk address, read-only) refuses a good blob.  Last, random
 * damage with a recomputed checksum never crashes the loader.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "dev/rtc.h"
#include "machine/internal.h"
#include "machine/snapshot.h"
#include "virtio/blk.h"
#include "tests/unit/check.h"

#define MEM  (16ULL << 20)
#define DISK (1ULL << 20)

/* virtio-mmio registers (virtio 1.x, 4.2.2) */
#define VM_DRV_FEATURES	    0x020
#define VM_DRV_FEATURES_SEL 0x024
#define VM_QUEUE_SEL	    0x030
#define VM_QUEUE_NUM	    0x038
#define VM_QUEUE_READY	    0x044
#define VM_QUEUE_NOTIFY	    0x050
#define VM_STATUS	    0x070
#define VM_DESC_LO	    0x080
#define VM_DRIVER_LO	    0x090
#define VM_DEVICE_LO	    0x0a0

/* Storage layout of the test queue (real addresses). */
#define Q_DESC	0x10000
#define Q_AVAIL 0x10100
#define Q_USED	0x10200
#define Q_HDR	0x11000
#define Q_DATA	0x12000
#define Q_STAT	0x13000

static int disk_fd;

static struct machine *create(uint64_t mem, uint16_t vdev, bool ro)
{
	struct machine_config cfg = {
	    .mem_size = mem,
	    .ndisks = 1,
	    .disks = {{.vdev = vdev, .fd = disk_fd, .size = DISK, .readonly = ro}},
	};
	struct machine *m = machine_create(&cfg);

	if (!m) {
		perror("machine_create");
		exit(1);
	}
	return m;
}

static void wr(struct machine *m, uint64_t pa, uint64_t v, int size)
{
	CHECK(bus_access(&m->bus, pa, &v, size, true));
}

static uint64_t rd(struct machine *m, uint64_t pa, int size)
{
	uint64_t v = 0;

	CHECK(bus_access(&m->bus, pa, &v, size, false));
	return v;
}

static void put16(struct machine *m, uint64_t real, uint16_t v)
{
	memcpy(machine_mem(m)->base + real, &v, 2);
}

static uint16_t get16(struct machine *m, uint64_t real)
{
	uint16_t v;

	memcpy(&v, machine_mem(m)->base + real, 2);
	return v;
}

/* One read request of sector `sector` through the queue; n is its avail index. */
static void blk_read(struct machine *m, uint16_t n, uint64_t sector)
{
	uint8_t *b = machine_mem(m)->base;
	struct {
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;
	} d[3] = {
	    {RAM_BASE + Q_HDR, 16, 1, 1},
	    {RAM_BASE + Q_DATA, 512, 1 | 2, 2},
	    {RAM_BASE + Q_STAT, 1, 2, 0},
	};
	uint32_t hdr[4] = {0, 0, (uint32_t)sector, (uint32_t)(sector >> 32)};

	memcpy(b + Q_DESC, d, sizeof(d));
	memcpy(b + Q_HDR, hdr, sizeof(hdr));
	b[Q_STAT] = 0xff;
	put16(m, Q_AVAIL + 4 + 2 * ((n - 1) % 8), 0);
	put16(m, Q_AVAIL + 2, n);
	wr(m, VIRTIO_BASE + VM_QUEUE_NOTIFY, 0, 4);
}

static void setup_virtio(struct machine *m)
{
	uint64_t v = VIRTIO_BASE;

	wr(m, v + VM_STATUS, 1 | 2, 4);
	wr(m, v + VM_DRV_FEATURES_SEL, 1, 4);
	wr(m, v + VM_DRV_FEATURES, 1, 4); /* VERSION_1 */
	wr(m, v + VM_STATUS, 1 | 2 | 8, 4);
	wr(m, v + VM_QUEUE_SEL, 0, 4);
	wr(m, v + VM_QUEUE_NUM, 8, 4);
	wr(m, v + VM_DESC_LO, RAM_BASE + Q_DESC, 4);
	wr(m, v + VM_DESC_LO + 4, 0, 4);
	wr(m, v + VM_DRIVER_LO, RAM_BASE + Q_AVAIL, 4);
	wr(m, v + VM_DRIVER_LO + 4, 0, 4);
	wr(m, v + VM_DEVICE_LO, RAM_BASE + Q_USED, 4);
	wr(m, v + VM_DEVICE_LO + 4, 0, 4);
	wr(m, v + VM_QUEUE_READY, 1, 4);
	wr(m, v + VM_STATUS, 1 | 2 | 8 | 4, 4);
	blk_read(m, 1, 3);
	CHECK(get16(m, Q_USED + 2) == 1);
	CHECK(machine_mem(m)->base[Q_STAT] == 0);
	CHECK(machine_mem(m)->base[Q_DATA] == 3); /* the disk's sector 3 starts with 3 */
}

static void setup_devices(struct machine *m)
{
	struct hart_state hs;

	hart_get_state(m->hart, &hs);
	hs.x[5] = 0x1234;
	hs.pc = RAM_BASE + 0x100;
	hs.priv = PRV_S;
	hs.sbi_timecmp = hs.mtime + 10000000;
	hart_set_state(m->hart, &hs);
	wr(m, PLIC_BASE + 4 * 1, 3, 4);	       /* priority of virtio slot 0 */
	wr(m, PLIC_BASE + 4 * UART_IRQ, 5, 4); /* and of the UART */
	wr(m, PLIC_BASE + 0x2080, 0x402, 4);   /* S context enables 1, 10 */
	wr(m, PLIC_BASE + 0x201000, 1, 4);     /* S threshold */
	wr(m, UART_BASE + 3, 0x03, 1);	       /* LCR */
	wr(m, UART_BASE + 1, 0x01, 1);	       /* IER: receive interrupts */
	wr(m, UART_BASE + 7, 0x5a, 1);	       /* SCR */
	machine_console_input(m, (const uint8_t *)"hello", 5);
	CHECK(rd(m, UART_BASE, 1) == 'h');     /* the FIFO head moves */
	wr(m, RTC_BASE + 0x0c, 0x7fffffff, 4); /* alarm far away */
	wr(m, RTC_BASE + 0x08, 0x1000, 4);
	wr(m, RTC_BASE + 0x10, 1, 4);
	setup_virtio(m);
}

struct all_state {
	struct hart_state hs;
	struct plic_state ps;
	struct uart_state us;
	uint8_t rx[UART_RX_SIZE];
	struct rtc_state rs;
	struct virtio_mmio_state vs;
};

static void get_all(struct machine *m, struct all_state *a)
{
	struct virtio_blk *blk = machine_device(m, &virtio_blk_device, 0);

	memset(a, 0, sizeof(*a));
	hart_get_state(m->hart, &a->hs);
	a->hs.mtime = a->hs.mcycle = 0; /* they run on */
	plic_get_state(m->plic, &a->ps);
	uart_get_state(m->uart, &a->us, a->rx);
	rtc_get_state(machine_device(m, &rtc_device, 0), &a->rs);
	virtio_mmio_get_state(&blk->mmio, &a->vs);
}

/* Fix the checksum after editing a blob. */
static void reseal(uint8_t *blob, size_t len)
{
	struct snap_hdr h;

	memcpy(&h, blob, sizeof(h));
	h.checksum = XXH64(blob + sizeof(h), len - sizeof(h), 0);
	memcpy(blob, &h, sizeof(h));
}

/* The data of section id in blob, NULL if none. */
static uint8_t *section(uint8_t *blob, size_t len, uint32_t id)
{
	size_t off = sizeof(struct snap_hdr);

	while (off + sizeof(struct snap_sect) <= len) {
		struct snap_sect s;

		memcpy(&s, blob + off, sizeof(s));
		if (s.id == id)
			return blob + off + sizeof(s);
		off += sizeof(s) + ((s.len + 7) & ~7u);
	}
	return NULL;
}

/* A load of this blob into m must fail with a reason and leave m reset. */
static void refused(struct machine *m, const uint8_t *blob, size_t len, const char *why_has)
{
	char err[256] = "";
	int rc = machine_load_state(m, blob, len, err, sizeof(err));

	if (getenv("SNAPSHOT_VERBOSE"))
		fprintf(stderr, "refused: %s\n", err);
	CHECK(rc == -EINVAL);
	CHECK(err[0] != 0);
	CHECK(strstr(err, why_has) != NULL);
	if (!strstr(err, why_has))
		fprintf(stderr, "  wanted \"%s\" in \"%s\"\n", why_has, err);
	CHECK(m->hart->s.pc == RAM_BASE || m->hart->s.x[5] != 0x1234); /* not half loaded */
}

struct edit {
	uint32_t id;
	size_t off;
	uint64_t val;
	int size;
	const char *why;
};

static void test_damage(struct machine *m, const uint8_t *good, size_t len)
{
	static const struct edit edits[] = {
	    {SNAP_VIRTIO, offsetof(struct virtio_mmio_state, q[0].desc), MEM + RAM_BASE, 8,
	     "outside storage"},
	    {SNAP_VIRTIO, offsetof(struct virtio_mmio_state, q[0].num), 6, 4, "queue size"},
	    {SNAP_VIRTIO, offsetof(struct virtio_mmio_state, q[0].last_avail), 100, 2, "indices"},
	    {SNAP_VIRTIO, offsetof(struct virtio_mmio_state, device_id), 1, 4, "device type"},
	    {SNAP_PLIC, offsetof(struct plic_state, priority[3]), 9, 4, "PLIC"},
	    {SNAP_UART, offsetof(struct uart_state, ier), 0xff, 1, "UART"},
	    {SNAP_UART, offsetof(struct uart_state, rx_count), 1 << 20, 4, "UART"},
	    {SNAP_RTC, offsetof(struct rtc_state, alarm_armed), 2, 1, "RTC"},
	    {SNAP_HART, offsetof(struct hart_state, priv), 2, 8, "HART"},
	    {SNAP_MACHINE, offsetof(struct snap_machine, ndisks), 2, 4, "disks"},
	    {SNAP_MACHINE, offsetof(struct snap_machine, mem_size), 1ULL << 40, 8, "storage"},
	};
	uint8_t *b = malloc(len + 8);
	struct snap_hdr h;

	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		uint8_t *p;

		memcpy(b, good, len);
		p = section(b, len, edits[i].id);
		CHECK(p != NULL);
		if (!p)
			continue;
		memcpy(p + edits[i].off, &edits[i].val, (size_t)edits[i].size);
		reseal(b, len);
		refused(m, b, len, edits[i].why);
	}
	/* The frame itself. */
	memcpy(b, good, len);
	refused(m, b, len - 1, "size");
	refused(m, b, 10, "too short");
	b[len / 2] ^= 0x40;
	refused(m, b, len, "checksum");
	memcpy(b, good, len);
	b[0] = 'X';
	refused(m, b, len, "header");
	memcpy(b, good, len);
	memcpy(&h, b, sizeof(h));
	h.version = SNAP_VERSION + 1;
	memcpy(b, &h, sizeof(h));
	refused(m, b, len, "version");
	memcpy(b, good, len);
	section(b, len, SNAP_RTC)[-16] = 42; /* the section's id */
	reseal(b, len);
	refused(m, b, len, "unknown section");
	memcpy(b, good, len);
	memcpy(section(b, len, SNAP_RTC) - 8, &(uint32_t){4}, 4); /* its length */
	reseal(b, len);
	refused(m, b, len, "RTC");
	memcpy(b, good, len);
	memset(b + len, 0, 8);
	memcpy(&h, b, sizeof(h));
	h.size = len + 8;
	memcpy(b, &h, sizeof(h));
	reseal(b, len + 8);
	refused(m, b, len + 8, "after the last section");
	free(b);
}

/* Random damage with a valid checksum: loads or refuses, never crashes. */
static void test_fuzz(struct machine *m, const uint8_t *good, size_t len)
{
	uint8_t *b = malloc(len);
	char err[256];
	int ok = 0;

	srand(1);
	for (int i = 0; i < 3000; i++) {
		memcpy(b, good, len);
		for (int k = 1 + rand() % 4; k > 0; k--)
			b[sizeof(struct snap_hdr) +
			  (size_t)rand() % (len - sizeof(struct snap_hdr))] ^=
			    (uint8_t)(1 + rand() % 255);
		reseal(b, len);
		err[0] = 0;
		int rc = machine_load_state(m, b, len, err, sizeof(err));

		CHECK(rc == 0 || (rc == -EINVAL && err[0]));
		ok += rc == 0;
		if (rc == 0) /* a loaded state runs (briefly) without harming the host */
			machine_run(m, 1000);
	}
	CHECK(ok > 0 && ok < 3000);
	if (getenv("SNAPSHOT_VERBOSE"))
		fprintf(stderr, "fuzz: %d of 3000 damaged blobs loaded\n", ok);
	free(b);
}

static void test_shape(const uint8_t *good, size_t len)
{
	struct machine *m;

	m = create(MEM / 2, 0x200, true);
	refused(m, good, len, "storage");
	machine_destroy(m);
	m = create(MEM, 0x201, true);
	refused(m, good, len, "disk 0200");
	machine_destroy(m);
	m = create(MEM, 0x200, false); /* a disk read/write now: the driver's features stay */
	CHECK(machine_load_state(m, good, len, (char[64]){0}, 64) == 0);
	machine_destroy(m);
	m = create(MEM * 2, 0x200, true); /* more storage is fine */
	CHECK(machine_load_state(m, good, len, (char[64]){0}, 64) == 0);
	machine_destroy(m);
}

/* A blob in a larger slot (as in a spool file) loads; its time is the save's. */
static void test_slot(struct machine *m, const uint8_t *good, size_t len)
{
	size_t max = machine_state_max();
	uint8_t *slot = malloc(max);
	char err[256];
	int64_t t;

	CHECK(len <= max);
	memset(slot, 0xa5, max);
	memcpy(slot, good, len);
	CHECK(machine_load_state(m, slot, max, err, sizeof(err)) == 0);
	CHECK(machine_state_saved_at(slot, max, &t) == 0);
	CHECK(t / 1000000000 >= time(NULL) - 60 && t / 1000000000 <= time(NULL));
	slot[len - 1] ^= 1;
	CHECK(machine_state_saved_at(slot, max, &t) == -EINVAL);
	free(slot);
}

int main(void)
{
	struct machine *a, *b;
	struct all_state sa, sb;
	uint8_t *blob, sector[512];
	char err[256];
	ssize_t len;

	disk_fd = memfd_create("disk", MFD_CLOEXEC);
	if (disk_fd < 0 || ftruncate(disk_fd, DISK))
		return 1;
	for (int s = 0; s < (int)(DISK / 512); s++) {
		memset(sector, s, sizeof(sector));
		if (pwrite(disk_fd, sector, sizeof(sector), (off_t)s * 512) != sizeof(sector))
			return 1;
	}
	a = create(MEM, 0x200, true);
	setup_devices(a);
	blob = malloc(machine_state_size(a));
	len = machine_save_state(a, blob, machine_state_size(a));
	CHECK(len == (ssize_t)machine_state_size(a));
	CHECK(machine_save_state(a, blob, (size_t)len - 1) == -ENOSPC);

	b = create(MEM, 0x200, true);
	memcpy(machine_mem(b)->base, machine_mem(a)->base, MEM);
	CHECK(machine_load_state(b, blob, (size_t)len, err, sizeof(err)) == 0);
	get_all(a, &sa);
	get_all(b, &sb);
	CHECK(!memcmp(&sa.hs, &sb.hs, sizeof(sa.hs)));
	CHECK(!memcmp(&sa.ps, &sb.ps, sizeof(sa.ps)));
	CHECK(!memcmp(&sa.us, &sb.us, sizeof(sa.us)) && sb.us.rx_count == 4);
	CHECK(!memcmp(sa.rx, sb.rx, sizeof(sa.rx)));
	CHECK(!memcmp(&sa.rs, &sb.rs, sizeof(sa.rs)));
	CHECK(!memcmp(&sa.vs, &sb.vs, sizeof(sa.vs)));
	CHECK(b->hart->s.mip & MIP_SEIP); /* the pending disk and UART interrupts */
	CHECK(rd(b, UART_BASE, 1) == 'e');
	/* The queue goes on where it was: the second request completes. */
	blk_read(b, 2, 7);
	CHECK(get16(b, Q_USED + 2) == 2);
	CHECK(machine_mem(b)->base[Q_DATA] == 7);

	test_slot(b, blob, (size_t)len);
	test_damage(b, blob, (size_t)len);
	test_shape(blob, (size_t)len);
	test_fuzz(b, blob, (size_t)len);
	machine_destroy(a);
	machine_destroy(b);
	free(blob);
	close(disk_fd);
	return failures ? 1 : 0;
}
