// SPDX-License-Identifier: MIT
/*
 * virtio-blk DMA and read-only storage (DESIGN §3): a read into a page the
 * guest may not store into (an SR/ER/SC page of a saved system) fails with
 * VIRTIO_BLK_S_IOERR and leaves the page untouched, while a write from such
 * a page to a writable disk works, as does a read into ordinary storage.
 * Then what a guest's data relies on: FLUSH completes after fdatasync() and
 * counts, GET_ID answers the vdev ("0200"), and a host error (ENOSPC from
 * /dev/full, EFBIG after a short write under RLIMIT_FSIZE) fails that one
 * request while the next ones work.
 * The driver side is played from here through the bus and guest storage;
 * then random descriptor tables, rings and register writes (a fuzz).
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/internal.h"
#include "virtio/blk.h"
#include "machine/layout.h"
#include "machine/machine.h"
#include "tests/unit/check.h"

/* Real addresses of the driver's structures */
#define DESC   0x10000
#define AVAIL  0x11000
#define USED   0x12000
#define HDR    0x13000
#define STATUS 0x13100
#define BUF_RW 0x20000
#define BUF_RO 0x30000
#define QSIZE  8

static struct hart *h;
static struct guest_mem *mem;
static uint16_t avail_idx; /* the driver's next avail index */

static void vset(uint64_t off, uint32_t v)
{
	uint64_t x = v;

	CHECK(bus_access(h->bus, VIRTIO_BASE + off, &x, 4, true));
}

static uint32_t vget(uint64_t off)
{
	uint64_t x = 0;

	CHECK(bus_access(h->bus, VIRTIO_BASE + off, &x, 4, false));
	return (uint32_t)x;
}

static void put(uint64_t real, const void *p, size_t n)
{
	memcpy(mem->base + real, p, n);
}

static void set_desc(int i, uint64_t real, uint32_t len, uint16_t flags, uint16_t next)
{
	uint64_t gpa = RAM_BASE + real;

	put(DESC + 16 * i, &gpa, 8);
	put(DESC + 16 * i + 8, &len, 4);
	put(DESC + 16 * i + 12, &flags, 2);
	put(DESC + 16 * i + 14, &next, 2);
}

static void driver_init(void)
{
	vset(0x70, 0);
	vset(0x70, 3);
	vset(0x24, 1);
	vset(0x20, 1); /* VERSION_1 */
	vset(0x24, 0);
	vset(0x20, 0);
	vset(0x70, 0xb);
	CHECK(vget(0x70) & 8);
	vset(0x30, 0);
	vset(0x38, QSIZE);
	vset(0x80, (uint32_t)(RAM_BASE + DESC));
	vset(0x90, (uint32_t)(RAM_BASE + AVAIL));
	vset(0xa0, (uint32_t)(RAM_BASE + USED));
	vset(0x44, 1);
	vset(0x70, 0xf);
	avail_idx = 0;
}

/*
 * One request of type on sector with len bytes at real buf (len 0: header
 * and status only, as FLUSH); returns the status byte.
 */
static int request_at(uint32_t type, uint64_t sector, uint64_t buf, uint32_t len)
{
	uint32_t hdr[4] = {type, 0, (uint32_t)sector, (uint32_t)(sector >> 32)};
	uint16_t head = 0, into_guest = type == 0 || type == 8 ? 2 : 0;
	uint8_t status = 0xaa;

	put(HDR, hdr, sizeof(hdr));
	put(STATUS, &status, 1);
	set_desc(0, HDR, 16, 1, 1);
	if (len) {
		set_desc(1, buf, len, 1 | into_guest, 2);
		set_desc(2, STATUS, 1, 2, 0);
	} else {
		set_desc(1, STATUS, 1, 2, 0);
	}
	put(AVAIL + 4 + 2 * (avail_idx % QSIZE), &head, 2);
	avail_idx++;
	put(AVAIL + 2, &avail_idx, 2);
	vset(0x50, 0);
	CHECK(*(uint16_t *)(mem->base + USED + 2) == avail_idx);
	return mem->base[STATUS];
}

/* One request of type on sector 0 with a 512-byte buffer at real buf. */
static int request(uint32_t type, uint64_t buf)
{
	return request_at(type, 0, buf, 512);
}

/* A machine of 4 MiB with one disk (vdev, fd, size), its driver set up. */
static struct machine *machine_with(uint16_t vdev, int fd, uint64_t size)
{
	struct machine_config cfg = {.mem_size = 4 << 20, .ndisks = 1};
	struct machine *m;

	cfg.disks[0] = (struct machine_disk){vdev, fd, size, false};
	m = machine_create(&cfg);
	CHECK(m != NULL);
	if (!m)
		exit(1);
	h = machine_hart(m);
	mem = machine_mem(m);
	driver_init();
	return m;
}

/* FLUSH reaches fdatasync() (counted after it returned); GET_ID is the vdev. */
static void test_flush_id(struct machine *m, int fd)
{
	struct virtio_blk *b = machine_device(m, &virtio_blk_device, 0);
	char id[20], want[20] = "0200";
	uint8_t check[512];

	vset(0x14, 0);
	CHECK(vget(0x10) & (1U << 9)); /* VIRTIO_BLK_F_FLUSH offered */
	memset(mem->base + BUF_RW, 0xc3, 512);
	CHECK(request_at(1, 7, BUF_RW, 512) == 0);
	CHECK(request_at(4, 0, 0, 0) == 0 && b->flushes == 1);
	CHECK(pread(fd, check, 512, 7 * 512) == 512 && check[0] == 0xc3 && check[511] == 0xc3);
	memset(mem->base + BUF_RW, 0xee, 64);
	CHECK(request_at(8, 0, BUF_RW, 20) == 0);
	memcpy(id, mem->base + BUF_RW, 20);
	CHECK(!memcmp(id, want, 20));
	memset(mem->base + BUF_RW, 0xee, 64);
	CHECK(request_at(8, 0, BUF_RW, 2) == 0); /* a short buffer gets what fits */
	CHECK(!memcmp(mem->base + BUF_RW, "02", 2) && mem->base[BUF_RW + 2] == 0xee);
}

/* ENOSPC: /dev/full as the disk fails each write; reads and the machine go on. */
static void test_enospc(void)
{
	int fd = open("/dev/full", O_RDWR);
	struct machine *m;
	struct virtio_blk *b;

	CHECK(fd >= 0);
	m = machine_with(0x201, fd, 1 << 20);
	b = machine_device(m, &virtio_blk_device, 0);
	CHECK(request(1, BUF_RW) == 1 && b->errors == 1);
	CHECK(request(0, BUF_RW) == 0);
	CHECK(request(1, BUF_RW) == 1 && b->errors == 2);
	CHECK(request_at(4, 0, 0, 0) == 0); /* nothing to sync on a device: EINVAL is fine */
	CHECK(request(0, BUF_RW) == 0 && b->reads == 2);
	machine_destroy(m);
	close(fd);
}

/* EFBIG after a short write: the file may grow to 256 KiB + 256 bytes only. */
static void test_efbig(void)
{
	char path[] = "/tmp/rvcp-virtioXXXXXX";
	int fd = mkstemp(path);
	struct rlimit old, lim = {(256 << 10) + 256, 0};
	struct machine *m;
	uint8_t check[512];

	CHECK(fd >= 0 && getrlimit(RLIMIT_FSIZE, &old) == 0);
	unlink(path);
	m = machine_with(0x202, fd, 1 << 20);
	memset(mem->base + BUF_RW, 0x77, 512);
	signal(SIGXFSZ, SIG_IGN);
	lim.rlim_max = old.rlim_max;
	CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	CHECK(request_at(1, 512, BUF_RW, 512) == 1); /* 256 bytes land, then EFBIG */
	CHECK(request_at(1, 8, BUF_RW, 512) == 0);   /* below the limit: fine */
	CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
	CHECK(pread(fd, check, 512, 8 * 512) == 512 && check[0] == 0x77);
	CHECK(request_at(1, 512, BUF_RW, 512) == 0); /* the host has room again */
	machine_destroy(m);
	close(fd);
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* An address near something interesting: the rings, storage's end, or nowhere. */
static uint64_t fuzz_addr(void)
{
	static const uint64_t near[] = {
	    RAM_BASE + DESC, RAM_BASE + BUF_RW, RAM_BASE + (4 << 20), RAM_BASE + (4 << 20) - 512, 0,
	    UINT64_MAX - 100};

	return near[rnd() % 6] + (rnd() % 3 == 0 ? rnd() % 8192 - 4096 : 0);
}

/*
 * Random descriptor tables, rings and register writes, many times: the
 * device may fail requests or ask for a reset, but never touches memory
 * outside storage (ASan would say) and never hangs.
 */
static void test_fuzz(struct machine *m)
{
	unsigned completed = 0, resets = 0;

	for (int round = 0; round < 20000; round++) {
		uint64_t r = rnd();
		uint16_t used_before = *(uint16_t *)(mem->base + USED + 2);

		if (r % 50 == 0)
			driver_init();
		if (r % 7 == 0)
			vset(0x38, (uint32_t)(1U << (rnd() % 10)));
		if (r % 11 == 0)
			vset(0x80 + 8 * (rnd() % 2), (uint32_t)fuzz_addr());
		for (int i = 0; i < QSIZE; i++)
			if (rnd() % 2)
				set_desc(i, fuzz_addr() - RAM_BASE,
					 (uint32_t)(rnd() % 3 ? rnd() % 1024 : rnd()),
					 (uint16_t)(rnd() % 8),
					 (uint16_t)(rnd() % 3 ? rnd() % QSIZE : rnd()));
		for (int i = 0; i < 4; i++) {
			uint16_t v = (uint16_t)(rnd() % 4 ? rnd() % QSIZE : rnd());

			put(AVAIL + 2 * (rnd() % (QSIZE + 2)), &v, 2);
		}
		put(HDR, &(uint32_t){(uint32_t)(rnd() % 10)}, 4);
		vset(0x50, (uint32_t)(rnd() % 3));
		completed += *(uint16_t *)(mem->base + USED + 2) != used_before;
		if (vget(0x70) & 0x40) {
			resets++;
			driver_init();
		}
	}
	/* the fuzz reached both the request path and the broken-queue path */
	CHECK(completed > 1000 && resets > 100);
	driver_init();
	CHECK(request(0, BUF_RW) == 0); /* still works */
}

int main(void)
{
	char path[] = "/tmp/rvcp-virtioXXXXXX";
	struct machine_config cfg = {.mem_size = 4 << 20, .ndisks = 1};
	struct machine *m;
	uint8_t sector[512], check[512];
	int fd = mkstemp(path);

	CHECK(fd >= 0 && ftruncate(fd, 1 << 20) == 0);
	unlink(path);
	for (int i = 0; i < 512; i++)
		sector[i] = (uint8_t)(i ^ 0x5a);
	CHECK(pwrite(fd, sector, 512, 0) == 512);
	cfg.disks[0] = (struct machine_disk){0x200, fd, 1 << 20, false};
	m = machine_create(&cfg);
	if (!m)
		return 1;
	h = machine_hart(m);
	mem = machine_mem(m);
	driver_init();

	CHECK(request(0, BUF_RW) == 0 && !memcmp(mem->base + BUF_RW, sector, 512));
	memset(mem->base + BUF_RO, 0x11, 512);
	mem->flags[BUF_RO >> PAGE_SHIFT] = MEM_PG_RO;
	CHECK(request(0, BUF_RO) == 1); /* DMA into a read-only page: I/O error */
	CHECK(mem->base[BUF_RO] == 0x11 && mem->base[BUF_RO + 511] == 0x11);
	CHECK(request(1, BUF_RO) == 0); /* from it to the disk is fine */
	CHECK(pread(fd, check, 512, 0) == 512 && check[0] == 0x11 && check[511] == 0x11);
	/* the status byte itself in a read-only page: nothing written, the request completes */
	mem->flags[STATUS >> PAGE_SHIFT] = MEM_PG_RO;
	CHECK(request(0, BUF_RW) == 0xaa);
	mem->flags[STATUS >> PAGE_SHIFT] = 0;
	mem->flags[BUF_RO >> PAGE_SHIFT] = 0;
	test_flush_id(m, fd);
	test_fuzz(m);
	machine_destroy(m);
	close(fd);
	test_enospc();
	test_efbig();
	if (failures)
		fprintf(stderr, "%d checks failed\n", failures);
	return failures ? 1 : 0;
}
