// SPDX-License-Identifier: MIT
/*
 * Spool files and the catalogue: DEFSYS, SAVESYS, reload after a restart,
 * attach (maps, memfd), pending purge, damage refused, crash mid-save, a
 * spool file changed under its users, non-regular files in the folder.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem/mem.h"
#include "spool/spool.h"
#include "tests/unit/check.h"

static char dir[256];

#define HART_SIZE 512

static void defsys(struct spool *sp, const char *line)
{
	char buf[256], *argv[32];
	int argc = 0;
	struct defsys d;
	const char *bad;
	uint32_t seg;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	CHECK(defsys_parse(argc, argv, &d, &bad, &seg) == DEFSYS_OK);
	CHECK(spool_defsys(sp, &d, "MAINT", NULL) == 0);
}

/* Byte of the saver's storage at real address r: a pattern tagged by gen. */
static uint8_t pattern(uint64_t r, int gen)
{
	return (uint8_t)((r >> 12) * 7 + (r & 0xff) + gen);
}

/* The saver's side of SAVESYS: write the storage pages and the hart. */
static void save(struct spool *sp, const char *name, int gen, int *ret)
{
	struct spool_disk disk = {.vdev = 0x200, .size = 1 << 20};
	struct spool_save sv;
	uint8_t hart[HART_SIZE];

	*ret = spool_save_begin(sp, name, 64 << 20, &disk, 1, HART_SIZE, 0, &sv);
	if (*ret)
		return;
	for (int i = 0; i < sv.nmap; i++) {
		uint8_t *buf = malloc(sv.map[i].len);

		for (uint64_t k = 0; k < sv.map[i].len; k++)
			buf[k] = pattern(sv.map[i].real + k, gen);
		CHECK(pwrite(sv.fd, buf, sv.map[i].len, (off_t)sv.map[i].off) ==
		      (ssize_t)sv.map[i].len);
		free(buf);
	}
	memset(hart, gen, sizeof(hart));
	CHECK(pwrite(sv.fd, hart, sizeof(hart), (off_t)sv.hart_off) == sizeof(hart));
	*ret = spool_save_commit(sp, &sv, NULL);
}

static bool exists(const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static void test_defsys_save_reload(void)
{
	struct spool sp = {0}, sp2 = {0};
	struct spool_file *f;
	struct spool_map map[SPOOL_MAX_RANGES];
	int ret, fd, nmap;
	char why[128];

	CHECK(spool_load(&sp, dir) == 0);
	defsys(&sp, "LXSHR 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M");
	f = spool_by_name(&sp, "lxshr", false);
	CHECK(f && f->cls == 'S' && f->meta.hdr.spoolid == 1);
	CHECK(!spool_by_name(&sp, "LXSHR", true));
	save(&sp, "LXSHR", 1, &ret);
	CHECK(ret == 0);
	f = spool_by_name(&sp, "LXSHR", true);
	CHECK(f && f->cls == 'A' && !spool_by_name(&sp, "LXSHR", false));
	CHECK(exists("0001.nss") && !exists("0001.tmp"));
	CHECK(f && f->meta.hdr.data_off % 4096 == 0 &&
	      f->meta.hdr.file_size == f->meta.hdr.data_off + 0x500 * 4096ull);
	spool_close(&sp);

	/* A restart of CP: the catalogue comes back from the folder. */
	CHECK(spool_load(&sp2, dir) == 0);
	f = spool_by_name(&sp2, "LXSHR", true);
	CHECK(f && f->cls == 'A' && f->meta.hdr.minsize == 64 << 20);
	CHECK(f && f->meta.hdr.ndisks == 1 && f->meta.disk[0].vdev == 0x200);
	CHECK(f && f->meta.hdr.hart_size == HART_SIZE && f->meta.hart[0] == 1);
	if (!f)
		goto out;
	ret = spool_attach(&sp2, f, "LINUX01", &fd, map, &nmap, why, sizeof(why));
	CHECK(ret == 0);
	CHECK(nmap == 3 && map[1].kind == MEM_MAP_SHARED_RO && map[1].src == SPOOL_SRC_FILE &&
	      map[1].real == 0x100000 && map[1].len == 0x200000 && map[0].kind == MEM_MAP_PRIVATE);
	if (ret == 0) {
		uint8_t *p = mmap(NULL, map[1].len, PROT_READ, MAP_SHARED, fd, (off_t)map[1].off);

		CHECK(p != MAP_FAILED);
		if (p != MAP_FAILED) {
			CHECK(p[0] == pattern(0x100000, 1) && p[0x1234] == pattern(0x101234, 1));
			munmap(p, map[1].len);
		}
		close(fd);
	}
	CHECK(spool_user_file(&sp2, "linux01") == f);
	spool_detach(&sp2, f, "LINUX01");
	CHECK(!spool_user_file(&sp2, "LINUX01"));
out:
	spool_close(&sp2);
}

static void test_pending_purge(void)
{
	struct spool sp = {0};
	struct spool_file *old, *f;
	struct spool_map map[SPOOL_MAX_RANGES];
	int ret, fd, nmap;
	char why[128];

	CHECK(spool_load(&sp, dir) == 0);
	old = spool_by_name(&sp, "LXSHR", true);
	CHECK(old && spool_attach(&sp, old, "LINUX01", &fd, map, &nmap, why, sizeof(why)) == 0);
	close(fd);
	/* Replacement while in use: the old file becomes class P. */
	defsys(&sp, "LXSHR 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M");
	save(&sp, "LXSHR", 2, &ret);
	CHECK(ret == 0);
	f = spool_by_name(&sp, "LXSHR", true);
	CHECK(f && f != old && f->cls == 'A' && old->cls == 'P');
	CHECK(exists("0001.pend") && exists("0002.nss"));
	/* Purge of the new one with no users: deleted now. */
	CHECK(f && spool_purge(&sp, f) == 0);
	CHECK(!exists("0002.nss") && !spool_by_name(&sp, "LXSHR", true));
	/* Last user of the old one leaves: deleted. */
	spool_detach(&sp, old, "LINUX01");
	CHECK(!exists("0001.pend") && !spool_by_id(&sp, 1));
	spool_close(&sp);
}

static void test_memfd(void)
{
	struct spool sp = {0};
	struct spool_file *f;
	struct spool_map map[SPOOL_MAX_RANGES];
	int ret, fd, fd2, nmap;
	char why[128];

	CHECK(spool_load(&sp, dir) == 0);
	defsys(&sp, "SHTYPES 0-FF EW 100-1FF SW 200-2FF SN 300-3FF SC 400-4FF ER 500-5FF EN");
	save(&sp, "SHTYPES", 3, &ret);
	CHECK(ret == 0);
	f = spool_by_name(&sp, "SHTYPES", true);
	if (!f)
		goto out;
	ret = spool_attach(&sp, f, "U1", &fd, map, &nmap, why, sizeof(why));
	CHECK(ret == 0 && f->memfd >= 0 && f->memfd_size == 2 * 0x100000);
	CHECK(f->scfd >= 0 && f->scfd_ro >= 0 && f->scfd_size == 0x100000);
	CHECK(nmap == 6 && map[1].src == SPOOL_SRC_MEMFD && map[1].off == 0 &&
	      map[1].kind == MEM_MAP_SHARED_RW);
	CHECK(map[2].src == SPOOL_SRC_MEMFD && map[2].off == 0x100000);
	CHECK(map[3].kind == MEM_MAP_SHARED_CP && map[3].src == SPOOL_SRC_SCFD && map[3].off == 0);
	CHECK(map[4].kind == MEM_MAP_PRIVATE_RO && map[5].src == SPOOL_SRC_ZERO);
	/* The VMs' SC descriptor cannot be mapped for writing. */
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f->scfd_ro, 0) == MAP_FAILED);
	if (ret == 0 && f->memfd >= 0) {
		uint8_t *p = mmap(NULL, f->memfd_size, PROT_READ, MAP_SHARED, f->memfd, 0);

		CHECK(p != MAP_FAILED);
		if (p != MAP_FAILED) {
			CHECK(p[5] == pattern(0x100005, 3)); /* SW: saved data */
			CHECK(p[0x100005] == 0);	     /* SN: zero */
			munmap(p, f->memfd_size);
		}
		close(fd);
	}
	/* A second user shares the same memfd. */
	int memfd = f->memfd;

	CHECK(spool_attach(&sp, f, "U2", &fd2, map, &nmap, why, sizeof(why)) == 0);
	CHECK(f->memfd == memfd && f->nusers == 2);
	close(fd2);
	spool_detach(&sp, f, "U1");
	CHECK(f->memfd == memfd);
	spool_detach(&sp, f, "U2");
	CHECK(f->memfd == -1 && f->scfd == -1 && f->scfd_ro == -1);
	spool_purge(&sp, f);
out:
	spool_close(&sp);
}

static void corrupt(const char *name, off_t off, uint8_t x)
{
	char p[512];
	int fd;
	uint8_t b;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_RDWR);
	CHECK(fd >= 0 && pread(fd, &b, 1, off) == 1);
	b ^= x;
	CHECK(pwrite(fd, &b, 1, off) == 1);
	close(fd);
}

static void test_damage(void)
{
	struct spool sp = {0};
	struct spool_file *f;
	struct spool_map map[SPOOL_MAX_RANGES];
	struct spool_meta m;
	int ret, fd, nmap, id;
	char why[128], name[16], p[512];

	CHECK(spool_load(&sp, dir) == 0);
	defsys(&sp, "DMG 0-FF EW 100-1FF SR");
	save(&sp, "DMG", 4, &ret);
	f = spool_by_name(&sp, "DMG", true);
	CHECK(ret == 0 && f);
	if (!f)
		return;
	id = f->meta.hdr.spoolid;
	snprintf(name, sizeof(name), "%04d.nss", id);
	/* A flipped data byte: refused at IPL, never mapped. */
	corrupt(name, (off_t)f->meta.r[1].off + 77, 0x40);
	ret = spool_attach(&sp, f, "U1", &fd, map, &nmap, why, sizeof(why));
	CHECK(ret < 0 && strstr(why, "data checksum mismatch in pages 100-1FF"));
	corrupt(name, (off_t)f->meta.r[1].off + 77, 0x40);
	CHECK(spool_attach(&sp, f, "U1", &fd, map, &nmap, why, sizeof(why)) == 0);
	close(fd);
	spool_detach(&sp, f, "U1");
	/* A flipped header byte: refused, and left out of the catalogue at restart. */
	corrupt(name, 26, 1);
	ret = spool_attach(&sp, f, "U1", &fd, map, &nmap, why, sizeof(why));
	CHECK(ret < 0 && strstr(why, "checksum mismatch"));
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_RDONLY);
	CHECK(spool_meta_read(fd, &m, why, sizeof(why)) < 0 && strstr(why, "checksum"));
	close(fd);
	spool_close(&sp);
	CHECK(spool_load(&sp, dir) == 0 && !spool_by_name(&sp, "DMG", true));
	corrupt(name, 26, 1);
	/* A range whose data lies beyond the end, under a correct checksum. */
	fd = open(p, O_RDWR);
	CHECK(spool_meta_read(fd, &m, why, sizeof(why)) == 0);
	m.r[1].off = m.hdr.file_size - 4096;
	CHECK(spool_meta_write(fd, &m) == 0);
	spool_meta_free(&m);
	CHECK(spool_meta_read(fd, &m, why, sizeof(why)) < 0 &&
	      strstr(why, "range 100-1FF lies outside the file"));
	close(fd);
	/* Truncated. */
	CHECK(truncate(p, 8192) == 0);
	fd = open(p, O_RDONLY);
	CHECK(spool_meta_read(fd, &m, why, sizeof(why)) < 0 && strstr(why, "size"));
	close(fd);
	/* Bad magic. */
	corrupt(name, 0, 0xff);
	fd = open(p, O_RDONLY);
	CHECK(spool_meta_read(fd, &m, why, sizeof(why)) < 0 && strstr(why, "magic"));
	close(fd);
	unlink(p);
	spool_close(&sp);
}

/* A saver that keeps its descriptor cannot change the published system. */
static void test_saver_fd(void)
{
	struct spool_disk disk = {.vdev = 0x200, .size = 1 << 20};
	struct spool sp = {0};
	struct spool_save sv;
	struct spool_file *f;
	struct spool_map map[SPOOL_MAX_RANGES];
	uint8_t hart[HART_SIZE] = {0}, junk[4096], page[4096];
	char why[128];
	int vmfd, fd, nmap;

	CHECK(spool_load(&sp, dir) == 0);
	defsys(&sp, "KEEPFD 0-FF SR");
	CHECK(spool_save_begin(&sp, "KEEPFD", 64 << 20, &disk, 1, HART_SIZE, 0, &sv) == 0);
	vmfd = dup(sv.fd); /* what the VM process was given */
	memset(page, 0x11, sizeof(page));
	CHECK(pwrite(vmfd, page, sizeof(page), (off_t)sv.map[0].off) == sizeof(page));
	CHECK(pwrite(vmfd, hart, sizeof(hart), (off_t)sv.hart_off) == sizeof(hart));
	CHECK(spool_save_commit(&sp, &sv, &f) == 0);
	memset(junk, 0xee, sizeof(junk));
	CHECK(pwrite(vmfd, junk, sizeof(junk), (off_t)f->meta.r[0].off) == sizeof(junk));
	close(vmfd);
	f->verified = false;
	CHECK(spool_attach(&sp, f, "U1", &fd, map, &nmap, why, sizeof(why)) == 0);
	CHECK(pread(fd, page, sizeof(page), (off_t)map[0].off) == sizeof(page) && page[0] == 0x11);
	close(fd);
	spool_detach(&sp, f, "U1");
	spool_purge(&sp, f);
	spool_close(&sp);
}

/*
 * What a saved system's users map cannot change under them: truncating or
 * overwriting its spool file touches neither the users nor one who joins
 * them; the next activation refuses the damaged file.
 */
static void test_snapshot(void)
{
	struct spool sp = {0};
	struct spool_file *f;
	struct spool_map map[SPOOL_MAX_RANGES];
	char why[128], p[512];
	int ret, fd, fd2, nmap, wfd;
	uint8_t *m, junk[8192];

	CHECK(spool_load(&sp, dir) == 0);
	defsys(&sp, "SNAP 0-FF EW 100-1FF SR");
	save(&sp, "SNAP", 6, &ret);
	f = spool_by_name(&sp, "SNAP", true);
	CHECK(ret == 0 && f);
	if (!f)
		return;
	CHECK(spool_attach(&sp, f, "U1", &fd, map, &nmap, why, sizeof(why)) == 0);
	CHECK(map[1].src == SPOOL_SRC_FILE && map[1].kind == MEM_MAP_SHARED_RO);
	m = mmap(NULL, map[1].len, PROT_READ, MAP_SHARED, fd, (off_t)map[1].off);
	CHECK(m != MAP_FAILED);
	/* What the VM gets cannot be written, nor mapped for writing. */
	CHECK(pwrite(fd, junk, 1, 0) < 0);
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	/* Overwritten in place, then truncated, on disk. */
	snprintf(p, sizeof(p), "%s/%04u.nss", dir, f->meta.hdr.spoolid);
	wfd = open(p, O_WRONLY);
	memset(junk, 0xee, sizeof(junk));
	CHECK(wfd >= 0 && pwrite(wfd, junk, sizeof(junk), (off_t)map[1].off) == sizeof(junk));
	close(wfd);
	CHECK(truncate(p, 4096) == 0);
	if (m != MAP_FAILED) {
		/* No SIGBUS, and the saved data, not the junk. */
		CHECK(m[0] == pattern(0x100000, 6) && m[5000] == pattern(0x100000 + 5000, 6));
		CHECK(m[map[1].len - 1] == pattern(0x1fffff, 6));
		munmap(m, map[1].len);
	}
	/* A user who joins now gets the same intact copy. */
	CHECK(spool_attach(&sp, f, "U2", &fd2, map, &nmap, why, sizeof(why)) == 0);
	CHECK(pread(fd2, junk, 1, (off_t)map[1].off + 7) == 1 && junk[0] == pattern(0x100007, 6));
	close(fd);
	close(fd2);
	spool_detach(&sp, f, "U1");
	spool_detach(&sp, f, "U2");
	CHECK(f->datafd == -1);
	/* The next activation: refused. */
	ret = spool_attach(&sp, f, "U3", &fd, map, &nmap, why, sizeof(why));
	CHECK(ret < 0 && f->nusers == 0);
	spool_purge(&sp, f);
	spool_close(&sp);
}

/*
 * A disk that fills while SAVESYS copies the saver's pages: the commit fails
 * with ENOSPC (not EIO), nothing is published, the folder holds no half
 * file.  In a mount namespace of its own with a 1600 KiB tmpfs: room for
 * the saver's 1 MiB but not for CP's copy of it.  Skipped where mounting
 * is not allowed.
 */
static void test_enospc(void)
{
	char small[200];
	int status;
	pid_t pid;

	snprintf(small, sizeof(small), "%.180s/small", dir);
	CHECK(mkdir(small, 0700) == 0);
	pid = fork();
	if (pid == 0) {
		struct spool sp = {0};
		int ret;

		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("tmpfs", small, "tmpfs", 0, "size=1600k"))
			_exit(77);
		snprintf(dir, sizeof(dir), "%s", small);
		if (spool_load(&sp, dir))
			_exit(2);
		defsys(&sp, "FULL 0-FF EW");
		save(&sp, "FULL", 7, &ret);
		if (ret != -ENOSPC) {
			fprintf(stderr, "SAVESYS on a full disk: %s, not ENOSPC\n", strerror(-ret));
			_exit(1);
		}
		if (spool_by_name(&sp, "FULL", true) || exists("0001.new") || exists("0001.tmp"))
			_exit(3);
		spool_close(&sp);
		_exit(failures ? 1 : 0);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		fprintf(stderr, "test_enospc skipped: cannot mount a tmpfs here\n");
	else
		CHECK(WEXITSTATUS(status) == 0);
	rmdir(small);
}

/*
 * Files in the spool folder that are not regular files: a FIFO (a blocking
 * open would wait for ever), a symbolic link to a host file, a folder.
 * Skipped at load, without waiting.
 */
static void test_not_regular(void)
{
	struct spool sp = {0};
	char p[512], q[512];

	snprintf(p, sizeof(p), "%s/0901.nss", dir);
	CHECK(mkfifo(p, 0600) == 0);
	snprintf(q, sizeof(q), "%s/0902.nss", dir);
	CHECK(symlink("/etc/passwd", q) == 0);
	snprintf(q, sizeof(q), "%s/0903.nss", dir);
	CHECK(mkdir(q, 0700) == 0);
	alarm(60); /* a load that waits on the FIFO fails here, not at the runner's limit */
	CHECK(spool_load(&sp, dir) == 0);
	alarm(0);
	CHECK(!spool_by_id(&sp, 901) && !spool_by_id(&sp, 902) && !spool_by_id(&sp, 903));
	CHECK(spool_open_regular(sp.dirfd, "0901.nss") == -EMEDIUMTYPE);
	CHECK(spool_open_regular(sp.dirfd, "0902.nss") == -EMEDIUMTYPE);
	spool_close(&sp);
	unlink(p);
	rmdir(q);
	snprintf(q, sizeof(q), "%s/0902.nss", dir);
	unlink(q);
}

/* While a skeleton is being saved, DEFSYS of its name and PURGE wait. */
static void test_busy(void)
{
	struct spool_disk disk = {.vdev = 0x200, .size = 1 << 20};
	struct spool sp = {0};
	struct spool_save sv, sv2;
	struct spool_file *skel;
	struct defsys d;
	const char *bad;
	uint32_t seg;
	char *argv[] = {"BUSY", "0-FF", "EW"};

	CHECK(spool_load(&sp, dir) == 0);
	CHECK(defsys_parse(3, argv, &d, &bad, &seg) == DEFSYS_OK);
	CHECK(spool_defsys(&sp, &d, "MAINT", &skel) == 0);
	CHECK(spool_save_begin(&sp, "BUSY", 64 << 20, &disk, 1, HART_SIZE, 0, &sv) == 0);
	CHECK(spool_defsys(&sp, &d, "MAINT", NULL) == -EBUSY);
	CHECK(spool_purge(&sp, skel) == -EBUSY);
	CHECK(spool_save_begin(&sp, "BUSY", 64 << 20, &disk, 1, HART_SIZE, 0, &sv2) == -EBUSY);
	spool_save_abort(&sp, &sv);
	CHECK(spool_by_name(&sp, "BUSY", false) == skel && spool_purge(&sp, skel) == 0);
	spool_close(&sp);
}

/* A saver killed mid-SAVESYS: the old file stays, no half-written one shows. */
static void test_crash(void)
{
	struct spool sp = {0};
	struct spool_file *f;
	uint64_t sum;
	int ret, status;
	pid_t pid;

	CHECK(spool_load(&sp, dir) == 0);
	defsys(&sp, "CRASH 0-FF EW");
	save(&sp, "CRASH", 5, &ret);
	f = spool_by_name(&sp, "CRASH", true);
	CHECK(ret == 0 && f);
	if (!f)
		return;
	sum = f->meta.hdr.checksum;
	defsys(&sp, "CRASH 0-1FF EW");
	pid = fork();
	if (pid == 0) {
		struct spool_disk disk = {.vdev = 0x200, .size = 1 << 20};
		struct spool_save sv;

		if (spool_save_begin(&sp, "CRASH", 64 << 20, &disk, 1, HART_SIZE, 0, &sv) == 0)
			kill(getpid(), SIGKILL);
		_exit(1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status));
	spool_close(&sp);
	CHECK(spool_load(&sp, dir) == 0);
	f = spool_by_name(&sp, "CRASH", true);
	CHECK(f && f->meta.hdr.checksum == sum && f->meta.r[0].last == 0xff);
	CHECK(spool_by_name(&sp, "CRASH", false));
	for (struct spool_file *g = sp.files; g; g = g->next) {
		char tmp[16];

		snprintf(tmp, sizeof(tmp), "%04u.tmp", g->meta.hdr.spoolid);
		CHECK(!exists(tmp));
	}
	spool_close(&sp);
}

/* A segment: DEFSEG's skeleton, SAVESEG from an exclusive copy, reload, the
 * next exclusive copy holding the saved pages, a damaged file refused. */
static void test_segment(void)
{
	struct spool sp = {0}, sp2 = {0};
	struct spool_map map[SPOOL_MAX_RANGES];
	const uint64_t base = 0x10000ull * 4096, len = 0x400ull * 4096;
	struct spool_file *f;
	struct spool_save sv;
	char why[128], *argv[] = {"SEGX", "10000-101FF", "SR", "10200-103FF", "SW"};
	struct defsys d;
	const char *bad;
	uint32_t seg;
	int fd, copy, nmap;
	uint8_t b;

	CHECK(spool_load(&sp, dir) == 0);
	CHECK(defsys_parse(5, argv, &d, &bad, &seg) == DEFSYS_OK && defseg_check(&d, &seg) == 0);
	d.segment = true;
	CHECK(spool_defsys(&sp, &d, "MAINT", &f) == 0 && spool_file_segment(f));
	CHECK(!strcmp(f->meta.hdr.type, "DCSS"));
	/* the first exclusive copy is zero pages; the builder writes into it */
	CHECK(spool_seg_copy(&sp, NULL, base, len, &copy, why, sizeof(why)) == 0);
	CHECK(pwrite(copy, "segment-data", 12, 4096) == 12 && pwrite(copy, "W", 1, len - 1) == 1);
	/* a segment saves no hart */
	CHECK(spool_save_begin(&sp, "SEGX", base + len, NULL, 0, HART_SIZE, 0, &sv) == -EINVAL);
	CHECK(spool_save_begin(&sp, "SEGX", base + len, NULL, 0, 0, 0, &sv) == 0);
	CHECK(spool_save_fill(&sv, copy, base) == 0);
	CHECK(spool_save_commit(&sp, &sv, &f) == 0 && f->cls == 'A');
	close(copy);
	spool_close(&sp);

	CHECK(spool_load(&sp2, dir) == 0);
	f = spool_by_name(&sp2, "SEGX", true);
	CHECK(f && spool_file_segment(f) && f->meta.hdr.hart_size == 0);
	if (!f)
		goto out;
	CHECK(spool_attach(&sp2, f, "LINUX01", &fd, map, &nmap, why, sizeof(why)) == 0);
	CHECK(nmap == 2 && map[0].kind == MEM_MAP_SHARED_RO && map[0].real == base &&
	      map[1].src == SPOOL_SRC_MEMFD);
	CHECK(pread(fd, &b, 1, (off_t)map[0].off + 4096) == 1 && b == 's');
	close(fd);
	/* the next exclusive copy starts from the saved pages */
	CHECK(spool_seg_copy(&sp2, f, base, len, &copy, why, sizeof(why)) == 0);
	CHECK(pread(copy, &b, 1, 4096) == 1 && b == 's');
	CHECK(pread(copy, &b, 1, len - 1) == 1 && b == 'W');
	close(copy);
	spool_detach(&sp2, f, "LINUX01");
	/* damaged data: no copy from it */
	snprintf(why, sizeof(why), "%04u.nss", f->meta.hdr.spoolid);
	corrupt(why, (off_t)f->meta.r[0].off + 4096, 0x40);
	CHECK(spool_seg_copy(&sp2, f, base, len, &copy, why, sizeof(why)) < 0);
	CHECK(spool_attach(&sp2, f, "LINUX02", &fd, map, &nmap, why, sizeof(why)) < 0);
	spool_purge(&sp2, f);
out:
	spool_close(&sp2);
}

int main(void)
{
	const char *t = getenv("TMPDIR");
	char cmd[300];

	snprintf(dir, sizeof(dir), "%s/spool_file.XXXXXX", t ? t : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	test_defsys_save_reload();
	test_pending_purge();
	test_memfd();
	test_damage();
	test_busy();
	test_saver_fd();
	test_snapshot();
	test_not_regular();
	test_enospc();
	test_crash();
	test_segment();
	if (failures)
		fprintf(stderr, "%d failures\n", failures);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		failures++;
	return failures != 0;
}
