// SPDX-License-Identifier: MIT
/*
 * A hostile bare-metal guest (run by `rvcp run-elf --disk IMG,ro`): random
 * stores and odd-sized loads in and around the device windows, jumps into
 * garbage, and malformed virtio-blk requests.  It checks that it got traps
 * where nothing answers and I/O errors (or DEVICE_NEEDS_RESET) for bad
 * requests, and that the device still works afterwards.  main() returns
 * the number of the first failed check, 0 when all passed.
 *
 * The disk image starts with "RVCPDISK"; the syscon (poweroff) window and
 * the virtio QueueNotify register are left out of the random stores, so
 * the random phase cannot end the run or start DMA into the program.
 */
#include <stddef.h>
#include <stdint.h>

#define RAM_END	   0x90000000ULL /* run-elf: 256 MiB at 0x8000_0000 */
#define UART	   0x10000000ULL
#define VIRTIO	   0x10001000ULL
#define QNUM	   8
#define DISK_BYTES (1 << 20)

extern volatile uint64_t trap_count[16], last_cause, last_tval, resume_pc;

/* ---- helpers ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t traps(void)
{
	uint64_t n = 0;

	for (int i = 0; i < 16; i++)
		n += trap_count[i];
	return n;
}

static void store(uint64_t a, int size, uint64_t v)
{
	switch (size) {
	case 1:
		*(volatile uint8_t *)a = (uint8_t)v;
		break;
	case 2:
		*(volatile uint16_t *)a = (uint16_t)v;
		break;
	case 4:
		*(volatile uint32_t *)a = (uint32_t)v;
		break;
	default:
		*(volatile uint64_t *)a = v;
	}
}

static uint64_t load(uint64_t a, int size)
{
	switch (size) {
	case 1:
		return *(volatile uint8_t *)a;
	case 2:
		return *(volatile uint16_t *)a;
	case 4:
		return *(volatile uint32_t *)a;
	default:
		return *(volatile uint64_t *)a;
	}
}

static void uart_puts(const char *s)
{
	store(UART + 3, 1, 3); /* LCR: 8N1, DLAB off (the random phase may have changed it) */
	store(UART + 4, 1, 0); /* MCR: no loopback */
	while (*s)
		store(UART, 1, (uint8_t)*s++);
}

static void *memset(void *d, int c, size_t n)
{
	volatile uint8_t *p = d;

	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

/* Jumps to target; the trap handler comes back here. */
static void jump_into(uint64_t target)
{
	asm volatile("la t0, 1f\n\t"
		     "la t1, resume_pc\n\t"
		     "sd t0, 0(t1)\n\t"
		     "fence.i\n\t"
		     "jr %0\n\t"
		     ".align 2\n"
		     "1:\n\t"
		     :
		     : "r"(target)
		     : "t0", "t1", "memory");
}

/* ---- random MMIO ---- */

static const struct {
	uint64_t base, size;
} windows[] = {
    {0x00101000, 0x1000},    /* RTC */
    {0x02000000, 0x10000},   /* CLINT */
    {0x0c000000, 0x4000000}, /* PLIC */
    {0x10000000, 0x100},     /* UART */
    {0x10001000, 0x1000},    /* virtio slot 0: the disk */
    {0x10002000, 0x7000},    /* empty virtio slots */
};

static uint64_t window_addr(void)
{
	int w = (int)(rnd() % (sizeof(windows) / sizeof(windows[0])));
	uint64_t a = windows[w].base + rnd() % windows[w].size;

	if (a - VIRTIO >= 0x50 && a - VIRTIO < 0x58)
		a += 0x10; /* not QueueNotify */
	return a;
}

static int size_of(uint64_t r)
{
	return 1 << (r & 3);
}

/* An address where nothing lives: below, between and far above the windows and RAM. */
static uint64_t hole_addr(void)
{
	static const uint64_t holes[] = {0x0,	     0x1000,	 0x80000,   0x3000000,
					 0x20000000, 0x40000000, 0x7ffff000};

	switch (rnd() % 3) {
	case 0:
		return holes[rnd() % (sizeof(holes) / sizeof(holes[0]))] + (rnd() & 0xff8);
	case 1:
		return RAM_END + (rnd() % 0x10000000ULL); /* just past storage */
	default:
		return (rnd() | (1ULL << 40)) & ~7ULL; /* far away */
	}
}

static int random_mmio(void)
{
	uint64_t before, faults;

	for (int i = 0; i < 3000; i++) {
		uint64_t r = rnd();

		store(window_addr(), size_of(r), rnd());
		(void)load(window_addr(), size_of(r >> 2));
	}
	before = traps();
	faults = trap_count[6] + trap_count[7];
	for (int i = 0; i < 500; i++)
		store(hole_addr(), size_of(rnd()), rnd());
	if (traps() - before != 500)
		return 1;
	if (trap_count[6] + trap_count[7] - faults != 500)
		return 2; /* each was a store fault (access or misaligned) */
	before = traps();
	for (int i = 0; i < 500; i++)
		(void)load(hole_addr(), size_of(rnd()));
	if (traps() - before != 500)
		return 3;
	return 0;
}

/* ---- garbage ---- */

static uint32_t garbage[64] __attribute__((aligned(8)));

static int jumps(void)
{
	static const uint64_t nowhere[] = {0x0, 0x40000000, 1ULL << 40, RAM_END + 0x1000, UART};
	uint64_t before;

	for (unsigned i = 0; i < sizeof(nowhere) / sizeof(nowhere[0]); i++) {
		before = trap_count[1];
		jump_into(nowhere[i]);
		if (trap_count[1] != before + 1)
			return 10 + (int)i; /* instruction access fault */
	}
	/* all-zero and all-one words, then random words in the reserved 0x7f opcode space */
	for (int i = 0; i < 300; i++) {
		uint32_t w = i == 0 ? 0 : i == 1 ? 0xffffffffU : ((uint32_t)rnd() | 0x7f);

		garbage[i % 64] = w;
		before = trap_count[2];
		jump_into((uint64_t)(uintptr_t)&garbage[i % 64]);
		if (trap_count[2] != before + 1)
			return 20; /* illegal instruction */
	}
	return 0;
}

/* ---- virtio-blk ---- */

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vavail {
	uint16_t flags, idx, ring[QNUM], used_event;
};

struct vused {
	uint16_t flags, idx;
	struct {
		uint32_t id, len;
	} ring[QNUM];
	uint16_t avail_event;
};

struct blk_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

static struct vdesc desc[QNUM] __attribute__((aligned(4096)));
static struct vavail avail __attribute__((aligned(4096)));
static volatile struct vused used __attribute__((aligned(4096)));
static struct blk_hdr hdr __attribute__((aligned(16)));
static uint8_t data[4096] __attribute__((aligned(4096)));
static volatile uint8_t status_byte, other_byte;

#define F_NEXT	   1
#define F_WRITE	   2
#define F_INDIRECT 4

static uint32_t vreg(uint64_t off)
{
	return *(volatile uint32_t *)(VIRTIO + off);
}

static void vset(uint64_t off, uint32_t v)
{
	*(volatile uint32_t *)(VIRTIO + off) = v;
}

static void vset64(uint64_t lo, uint64_t v)
{
	vset(lo, (uint32_t)v);
	vset(lo + 4, (uint32_t)(v >> 32));
}

/* The driver's initialisation sequence, with the descriptor table at desc_at. */
static int vinit(uint64_t desc_at)
{
	vset(0x70, 0);
	if (vreg(0x00) != 0x74726976 || vreg(0x04) != 2 || vreg(0x08) != 2)
		return 30;
	vset(0x70, 1);
	vset(0x70, 3);
	vset(0x14, 1);
	if (!(vreg(0x10) & 1))
		return 31; /* VERSION_1 */
	vset(0x14, 0);
	if (!(vreg(0x10) & (1 << 5)))
		return 32; /* the disk is read-only */
	vset(0x24, 1);
	vset(0x20, 1);
	vset(0x24, 0);
	vset(0x20, 0);
	vset(0x70, 0xb);
	if (!(vreg(0x70) & 8))
		return 33;
	vset(0x30, 0);
	if (vreg(0x34) < QNUM)
		return 34;
	vset(0x38, QNUM);
	memset(&avail, 0, sizeof(avail));
	memset((void *)&used, 0, sizeof(used));
	vset64(0x80, desc_at);
	vset64(0x90, (uint64_t)(uintptr_t)&avail);
	vset64(0xa0, (uint64_t)(uintptr_t)&used);
	vset(0x44, 1);
	vset(0x70, 0xf);
	return 0;
}

static void set_desc(int i, void *addr, uint32_t len, uint16_t flags, uint16_t next)
{
	desc[i] = (struct vdesc){(uint64_t)(uintptr_t)addr, len, flags, next};
}

static void submit(uint16_t head)
{
	avail.ring[avail.idx % QNUM] = head;
	asm volatile("fence" ::: "memory");
	avail.idx++;
	asm volatile("fence" ::: "memory");
	vset(0x50, 0);
}

/* A request of type at sector with a data buffer of len bytes; returns the status byte. */
static int request(uint32_t type, uint64_t sector, uint32_t len, uint16_t data_flags)
{
	uint16_t before = used.idx;

	hdr = (struct blk_hdr){type, 0, sector};
	status_byte = 0xaa;
	set_desc(0, &hdr, sizeof(hdr), F_NEXT, 1);
	set_desc(1, data, len, data_flags | F_NEXT, 2);
	set_desc(2, (void *)&status_byte, 1, F_WRITE, 0);
	submit(0);
	if (used.idx != (uint16_t)(before + 1))
		return -1;
	if (vreg(0x60) & 1)
		vset(0x64, 1);
	return status_byte;
}

static int good_read(void)
{
	memset(data, 0, 512);
	if (request(0, 0, 512, F_WRITE) != 0)
		return 40;
	if (data[0] != 'R' || data[1] != 'V' || data[7] != 'K')
		return 41;
	if (used.ring[(uint16_t)(used.idx - 1) % QNUM].len != 513)
		return 42;
	return 0;
}

static int bad_requests(void)
{
	uint16_t before;

	if (request(0, 0, 512, F_WRITE) != 0)
		return 50;
	/* data buffer outside storage, huge, straddling the end of storage */
	desc[1].addr = 1ULL << 44;
	submit(0);
	if (status_byte != 1)
		return 51;
	set_desc(1, data, 0xfffffff0U, F_WRITE | F_NEXT, 2);
	status_byte = 0xaa;
	submit(0);
	if (status_byte != 1)
		return 52;
	desc[1] = (struct vdesc){RAM_END - 100, 512, F_WRITE | F_NEXT, 2};
	status_byte = 0xaa;
	submit(0);
	if (status_byte != 1)
		return 53;
	/* a write to the read-only disk */
	if (request(1, 0, 512, 0) != 1)
		return 54;
	/* sectors past the end, a length that is not whole sectors */
	if (request(0, DISK_BYTES / 512, 512, F_WRITE) != 1 ||
	    request(0, (1ULL << 62), 512, F_WRITE) != 1 || request(0, 0, 100, F_WRITE) != 1)
		return 55;
	/* unknown type, GET_ID, FLUSH */
	if (request(99, 0, 16, F_WRITE) != 2)
		return 56;
	/* the serial is the vdev, "0200", NUL-padded */
	if (request(8, 0, 20, F_WRITE) != 0 || data[0] != '0' || data[1] != '2' || data[4] != 0)
		return 57;
	hdr = (struct blk_hdr){4, 0, 0};
	set_desc(1, (void *)&status_byte, 1, F_WRITE, 0);
	status_byte = 0xaa;
	submit(0);
	if (status_byte != 0)
		return 58;
	/* indirect (not negotiated); readable after writable */
	set_desc(0, &hdr, sizeof(hdr), F_NEXT | F_INDIRECT, 1);
	hdr.type = 0;
	set_desc(1, data, 512, F_WRITE | F_NEXT, 2);
	set_desc(2, (void *)&status_byte, 1, F_WRITE, 0);
	status_byte = 0xaa;
	submit(0);
	if (status_byte != 1)
		return 59;
	set_desc(0, &hdr, sizeof(hdr), F_NEXT, 1);
	set_desc(1, data, 512, F_WRITE | F_NEXT, 3);
	set_desc(3, (void *)&other_byte, 1, F_NEXT, 2);
	status_byte = 0xaa;
	submit(0);
	if (status_byte != 1)
		return 60;
	/* a loop: the chain never ends, so there is no status byte; the request still completes */
	set_desc(0, &hdr, sizeof(hdr), F_NEXT, 1);
	set_desc(1, data, 512, F_WRITE | F_NEXT, 0);
	status_byte = 0xaa;
	before = used.idx;
	submit(0);
	if (used.idx != (uint16_t)(before + 1) || status_byte != 0xaa ||
	    used.ring[before % QNUM].len != 0)
		return 61;
	/* a next index outside the table */
	set_desc(1, data, 512, F_WRITE | F_NEXT, 999);
	before = used.idx;
	submit(0);
	if (used.idx != (uint16_t)(before + 1) || status_byte != 0xaa)
		return 62;
	return 0;
}

/* Queue-level breakage: the device stops and says DEVICE_NEEDS_RESET. */
static int broken_queues(void)
{
	int rc;

	submit(200); /* head outside the table */
	if (!(vreg(0x70) & 0x40) || !(vreg(0x60) & 2))
		return 70;
	if ((rc = vinit((uint64_t)(uintptr_t)desc)) || (rc = good_read()))
		return rc;
	avail.idx += 100; /* more buffers than the ring holds */
	vset(0x50, 0);
	if (!(vreg(0x70) & 0x40))
		return 71;
	if ((rc = vinit(0x2000)))
		return rc; /* the table is not in storage */
	submit(0);
	if (!(vreg(0x70) & 0x40))
		return 72;
	if ((rc = vinit((uint64_t)(uintptr_t)desc + 8)))
		return rc; /* misaligned table */
	submit(0);
	if (!(vreg(0x70) & 0x40))
		return 73;
	vset(0x38, 3); /* not a power of two: ignored, the size stays */
	vset(0x38, 100000);
	if ((rc = vinit((uint64_t)(uintptr_t)desc)) || (rc = good_read()))
		return rc;
	return 0;
}

int main(void)
{
	int rc;

	if ((rc = random_mmio()) || (rc = jumps()))
		goto out;
	if ((rc = vinit((uint64_t)(uintptr_t)desc)) || (rc = good_read()) ||
	    (rc = bad_requests()) || (rc = broken_queues()))
		goto out;
out:
	uart_puts(rc ? "\r\nhostile: FAILED\r\n" : "\r\nhostile: all checks passed\r\n");
	return rc;
}
