// SPDX-License-Identifier: MIT
/*
 * The IPL record: zipl writes it without touching the partition table or
 * the partitions, reads back what it wrote, refuses disks it would damage
 * (components too big for the gap, GPT, a file system at offset 0), and
 * the reader refuses a damaged record or component with a message.
 * Then the loader end to end: machine_ipl_disk() lays out storage as
 * DESIGN §2 says and the first instruction fetched is at real 0x10000.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "machine/ipl.h"
#include "machine/layout.h"
#include "machine/machine.h"
#include "tests/unit/check.h"

#define MiB	   (1ULL << 20)
#define DISK_SIZE  (24 * MiB)
#define PART_START 8192 /* sectors: the first partition at 4 MiB */

static int disk_create(uint64_t size)
{
	char path[] = "/tmp/rvcp-zipl-XXXXXX";
	const char *tmp = getenv("TMPDIR");
	char buf[512];
	int fd;

	snprintf(buf, sizeof(buf), "%s/rvcp-zipl-XXXXXX", tmp ? tmp : "/tmp");
	fd = mkstemp(tmp ? buf : path);
	if (fd < 0) {
		perror("mkstemp");
		exit(1);
	}
	unlink(tmp ? buf : path);
	if (ftruncate(fd, (off_t)size) < 0) {
		perror("ftruncate");
		exit(1);
	}
	return fd;
}

/* An MBR with one Linux partition at PART_START, and a pattern in the partition. */
static void disk_partition(int fd)
{
	uint8_t mbr[512] = {0}, *e = mbr + 446;
	uint32_t start = PART_START, count = (DISK_SIZE / 512) - PART_START;
	uint8_t pattern[4096];

	e[4] = 0x83;
	memcpy(e + 8, &start, 4);
	memcpy(e + 12, &count, 4);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	CHECK(pwrite(fd, mbr, 512, 0) == 512);
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 3);
	CHECK(pwrite(fd, pattern, sizeof(pattern), PART_START * 512ULL) == sizeof(pattern));
	CHECK(pwrite(fd, pattern, sizeof(pattern), DISK_SIZE - sizeof(pattern)) == sizeof(pattern));
}

static uint64_t disk_hash(int fd, uint64_t off, uint64_t len)
{
	uint8_t buf[65536];
	uint64_t h = 1469598103934665603ULL;

	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);

		if (pread(fd, buf, n, (off_t)off) != (ssize_t)n)
			return 0;
		for (size_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 1099511628211ULL;
		off += n;
		len -= n;
	}
	return h;
}

static uint8_t *blob(size_t len, uint8_t seed)
{
	uint8_t *b = malloc(len);

	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 31 + seed + (i >> 9));
	return b;
}

static void test_roundtrip(void)
{
	int fd = disk_create(DISK_SIZE);
	uint8_t *k = blob(1 * MiB + 123, 1), *i = blob(300000, 2), *buf;
	struct ipl_image img = {k, 1 * MiB + 123, i, 300000, "root=/dev/vda1 ro"};
	uint64_t mbr_before, part_before;
	struct ipl_record rec;
	const struct ipl_comp *c;
	char err[256];

	disk_partition(fd);
	mbr_before = disk_hash(fd, 0, 512);
	part_before = disk_hash(fd, PART_START * 512ULL, DISK_SIZE - PART_START * 512ULL);
	CHECK(ipl_write(fd, DISK_SIZE, &img, err, sizeof(err)) == 0);
	CHECK(disk_hash(fd, 0, 512) == mbr_before);
	CHECK(disk_hash(fd, PART_START * 512ULL, DISK_SIZE - PART_START * 512ULL) == part_before);
	CHECK(ipl_read_record(fd, DISK_SIZE, &rec, err, sizeof(err)) == 0);
	c = ipl_find(&rec, IPL_COMP_KERNEL);
	CHECK(c && c->length == img.klen && c->offset >= 1024);
	buf = malloc(2 * MiB);
	CHECK(c && ipl_read_comp(fd, c, buf, err, sizeof(err)) == 0 && !memcmp(buf, k, img.klen));
	c = ipl_find(&rec, IPL_COMP_INITRD);
	CHECK(c && ipl_read_comp(fd, c, buf, err, sizeof(err)) == 0 && !memcmp(buf, i, img.ilen));
	c = ipl_find(&rec, IPL_COMP_PARM);
	CHECK(c && c->length == strlen(img.parm) &&
	      ipl_read_comp(fd, c, buf, err, sizeof(err)) == 0 &&
	      !memcmp(buf, img.parm, c->length));
	free(buf);
	free(k);
	free(i);
	close(fd);
}

static void test_refusals(void)
{
	uint8_t *k = blob(5 * MiB, 3);
	struct ipl_image img = {k, 5 * MiB, NULL, 0, NULL};
	uint64_t before;
	char err[256] = "";
	int fd;

	/* Too big for the 4 MiB gap: refused, naming the sizes, nothing written. */
	fd = disk_create(DISK_SIZE);
	disk_partition(fd);
	before = disk_hash(fd, 0, DISK_SIZE);
	CHECK(ipl_write(fd, DISK_SIZE, &img, err, sizeof(err)) == -ENOSPC);
	CHECK(strstr(err, "5242880") && strstr(err, "first partition"));
	CHECK(disk_hash(fd, 0, DISK_SIZE) == before);
	close(fd);

	/* GPT */
	img.klen = 4096;
	fd = disk_create(DISK_SIZE);
	disk_partition(fd);
	CHECK(pwrite(fd, "EFI PART", 8, 512) == 8);
	CHECK(ipl_write(fd, DISK_SIZE, &img, err, sizeof(err)) == -EBUSY);
	CHECK(strstr(err, "GPT") != NULL);
	close(fd);

	/* A bare ext2 file system at offset 0 */
	fd = disk_create(DISK_SIZE);
	CHECK(pwrite(fd, "\x53\xef", 2, 1080) == 2);
	before = disk_hash(fd, 0, DISK_SIZE);
	CHECK(ipl_write(fd, DISK_SIZE, &img, err, sizeof(err)) == -EBUSY);
	CHECK(strstr(err, "ext2") != NULL);
	CHECK(disk_hash(fd, 0, DISK_SIZE) == before);
	close(fd);

	/* No table and no file system: the whole disk is free. */
	img.klen = 5 * MiB;
	fd = disk_create(DISK_SIZE);
	CHECK(ipl_write(fd, DISK_SIZE, &img, err, sizeof(err)) == 0);
	close(fd);
	free(k);
}

/* Rewrites the record with a correct checksum after editing it. */
static void record_rewrite(int fd, struct ipl_record *rec)
{
	struct ipl_record tmp = *rec;

	tmp.checksum = 0;
	rec->checksum = XXH64(&tmp, sizeof(tmp), 0);
	CHECK(pwrite(fd, rec, sizeof(*rec), 512) == sizeof(*rec));
}

static void test_damage(void)
{
	uint8_t *k = blob(100000, 4), byte;
	struct ipl_image img = {k, 100000, NULL, 0, "quiet"};
	struct ipl_record rec, good;
	char err[256] = "";
	uint8_t *buf = malloc(100000);
	int fd = disk_create(DISK_SIZE);

	disk_partition(fd);
	CHECK(ipl_write(fd, DISK_SIZE, &img, err, sizeof(err)) == 0);
	CHECK(ipl_read_record(fd, DISK_SIZE, &good, err, sizeof(err)) == 0);

	/* one flipped bit in the record */
	CHECK(pread(fd, &byte, 1, 512 + 40) == 1);
	byte ^= 0x10;
	CHECK(pwrite(fd, &byte, 1, 512 + 40) == 1);
	CHECK(ipl_read_record(fd, DISK_SIZE, &rec, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "damaged") != NULL);

	/* a well-checksummed record pointing outside the disk */
	rec = good;
	rec.comp[0].offset = DISK_SIZE - 10;
	record_rewrite(fd, &rec);
	CHECK(ipl_read_record(fd, DISK_SIZE, &rec, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "outside") != NULL);

	/* too many components, an unknown type, an offset+length that wraps */
	rec = good;
	rec.ncomp = 1000;
	record_rewrite(fd, &rec);
	CHECK(ipl_read_record(fd, DISK_SIZE, &rec, err, sizeof(err)) == -EINVAL);
	rec = good;
	rec.comp[0].type = 99;
	record_rewrite(fd, &rec);
	CHECK(ipl_read_record(fd, DISK_SIZE, &rec, err, sizeof(err)) == -EINVAL);
	rec = good;
	rec.comp[0].length = UINT64_MAX - 100;
	record_rewrite(fd, &rec);
	CHECK(ipl_read_record(fd, DISK_SIZE, &rec, err, sizeof(err)) == -EINVAL);

	/* the record intact, the kernel overwritten since */
	rec = good;
	record_rewrite(fd, &rec);
	CHECK(ipl_read_record(fd, DISK_SIZE, &rec, err, sizeof(err)) == 0);
	CHECK(pwrite(fd, "XX", 2, (off_t)rec.comp[0].offset + 500) == 2);
	CHECK(ipl_read_comp(fd, ipl_find(&rec, IPL_COMP_KERNEL), buf, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "damaged") != NULL);

	/* no record at all */
	CHECK(pwrite(fd, "\0\0\0\0\0\0\0\0", 8, 512) == 8);
	CHECK(ipl_read_record(fd, DISK_SIZE, &rec, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "no IPL record") != NULL);
	free(buf);
	free(k);
	close(fd);
}

/* A fake kernel: a RISC-V Image header that claims 3 MiB with bss. */
static uint8_t *fake_kernel(size_t len)
{
	uint8_t *k = blob(len, 5);
	uint64_t image_size = 3 * MiB;

	memcpy(k + 16, &image_size, 8);
	memcpy(k + 48, "RISCV\0\0\0", 8);
	memcpy(k + 56, "RSC\x05", 4);
	return k;
}

static void test_loader(void)
{
	uint8_t *k = fake_kernel(200000), *i = blob(5000, 6);
	struct ipl_image img = {k, 200000, i, 5000, "root=/dev/vda1"};
	struct machine_config cfg = {.mem_size = 64 * MiB, .ndisks = 1};
	struct machine *m;
	struct guest_mem *mem;
	struct hart *h;
	const void *fdt;
	const char *args;
	const fdt64_t *prop;
	char err[256] = "";
	int node, len;

	cfg.disks[0] = (struct machine_disk){0x200, disk_create(DISK_SIZE), DISK_SIZE, false};
	disk_partition(cfg.disks[0].fd);
	CHECK(ipl_write(cfg.disks[0].fd, DISK_SIZE, &img, err, sizeof(err)) == 0);
	m = machine_create(&cfg);
	CHECK(m != NULL);
	if (!m)
		return;
	mem = machine_mem(m);
	h = machine_hart(m);
	CHECK(machine_ipl_disk(m, 0, "quiet", err, sizeof(err)) == 0);
	CHECK(!memcmp(mem->base + IPL_KERNEL_REAL, k, 200000));
	/* the kernel with bss ends at real 5 MiB: the initrd goes to the next 2 MiB boundary */
	CHECK(!memcmp(mem->base + 6 * MiB, i, 5000));
	fdt = mem->base + IPL_FDT_REAL;
	CHECK(fdt_check_header(fdt) == 0 && fdt_totalsize(fdt) <= IPL_FDT_MAX);
	node = fdt_path_offset(fdt, "/chosen");
	args = fdt_getprop(fdt, node, "bootargs", &len);
	CHECK(args && !strcmp(args, "root=/dev/vda1 quiet"));
	prop = fdt_getprop(fdt, node, "linux,initrd-start", &len);
	CHECK(prop && len == 8 && fdt64_ld(prop) == RAM_BASE + 6 * MiB);
	CHECK(!memcmp(mem->base + IPL_INFO_REAL, "RVCPINFO", 8));
	{
		struct ipl_info info;

		memcpy(&info, mem->base + IPL_INFO_REAL, sizeof(info));
		CHECK(info.kernel == RAM_BASE + IPL_KERNEL_REAL && info.kernel_len == 200000);
		CHECK(info.initrd == RAM_BASE + 6 * MiB && info.initrd_len == 5000);
		CHECK(info.fdt == RAM_BASE + IPL_FDT_REAL && info.fdt_len == fdt_totalsize(fdt));
		CHECK(info.entry == RAM_BASE + IPL_STUB_REAL);
	}
	CHECK(h->s.pc == RAM_BASE + IPL_STUB_REAL && h->s.priv == PRV_S);

	/* TRACE I R 010000: stops before the first instruction, the kernel in place */
	hart_set_trace(h, RAM_BASE + IPL_STUB_REAL, RAM_BASE + IPL_STUB_REAL);
	CHECK(machine_run(m, 1000) == MACHINE_TRACE);
	CHECK(h->trace_pc == RAM_BASE + IPL_STUB_REAL);
	hart_set_trace(h, 1, 0);
	/* the stub: a0 = 0, a1 = the device tree, then the kernel's first instruction */
	hart_set_trace(h, RAM_BASE + IPL_KERNEL_REAL, RAM_BASE + IPL_KERNEL_REAL);
	CHECK(machine_run(m, 1000) == MACHINE_TRACE);
	CHECK(h->s.x[10] == 0 && h->s.x[11] == RAM_BASE + IPL_FDT_REAL);

	/* read-only storage where the kernel goes (a saved system's SR pages): refused */
	mem->flags[(IPL_KERNEL_REAL >> PAGE_SHIFT) + 3] = MEM_PG_RO;
	CHECK(machine_ipl_disk(m, 0, NULL, err, sizeof(err)) == -EFAULT);
	CHECK(strstr(err, "not writable") != NULL);
	mem->flags[(IPL_KERNEL_REAL >> PAGE_SHIFT) + 3] = 0;

	/* a damaged record: a clear error, storage layout not attempted */
	CHECK(pwrite(cfg.disks[0].fd, "Z", 1, 512 + 100) == 1);
	CHECK(machine_ipl_disk(m, 0, NULL, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "damaged") != NULL);
	CHECK(machine_ipl_disk(m, 5, NULL, err, sizeof(err)) < 0);
	machine_destroy(m);
	close(cfg.disks[0].fd);
	free(k);
	free(i);
}

int main(void)
{
	test_roundtrip();
	test_refusals();
	test_damage();
	test_loader();
	if (failures)
		fprintf(stderr, "%d checks failed\n", failures);
	return failures ? 1 : 0;
}
