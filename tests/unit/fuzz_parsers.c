// SPDX-License-Identifier: MIT
/*
 * Bounded fuzzing of every parser of untrusted input: for each target of
 * tests/fuzz/targets.c, a valid seed (a directory, DEFSYS operands, a spool
 * file, an IPL'able disk, an ELF file, a machine state blob, protocol
 * packets) is mutated a fixed number of times with a fixed random seed
 * (bit flips, interesting integers, cuts, insertions, copies, keywords).
 * The targets abort on a broken promise; the sanitizers (make check-asan)
 * catch memory errors, UB and leaks; descriptors must not leak.  The same
 * targets run open-ended under libFuzzer with `make fuzz`.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The targets are compiled into this test (a unit test is one .c file). */
#include "tests/fuzz/targets.c"

#define SEED_MAX (64 << 10)

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const uint64_t interesting[] = {
    0,		 1,	     0x7f,   0x80,	0xff,	       0x100,	   0x1000,
    0x7fff,	 0x8000,     0xffff, 0x10000,	0x7fffffff,    0x80000000, 0xffffffff,
    0x100000000, 1ULL << 63, ~0ULL,  ~0ULL - 1, 0x80000000ULL, 4096 * 3,
};

/* One to eight random changes of buf (len bytes, room for cap); the new length. */
static size_t mutate(uint8_t *buf, size_t len, size_t cap, const char *const *dict)
{
	int nops = 1 + rnd() % 8;

	for (int op = 0; op < nops; op++) {
		size_t pos = len ? rnd() % len : 0, n;
		uint64_t v;

		switch (rnd() % 8) {
		case 0: /* flip a bit */
			if (len)
				buf[pos] ^= 1 << (rnd() % 8);
			break;
		case 1: /* a random byte */
			if (len)
				buf[pos] = (uint8_t)rnd();
			break;
		case 2: /* an interesting integer of 1, 2, 4 or 8 bytes */
			n = 1u << (rnd() % 4);
			v = interesting[rnd() % (sizeof(interesting) / sizeof(interesting[0]))];
			if (rnd() & 1)
				v = -v;
			if (len >= n) {
				pos = rnd() % (len - n + 1);
				memcpy(buf + pos, &v, n);
			}
			break;
		case 3: /* cut */
			if (len)
				len = rnd() % len;
			break;
		case 4: /* insert random bytes */
			n = 1 + rnd() % 16;
			if (len + n <= cap) {
				memmove(buf + pos + n, buf + pos, len - pos);
				for (size_t i = 0; i < n; i++)
					buf[pos + i] = (uint8_t)rnd();
				len += n;
			}
			break;
		case 5: /* delete a run */
			if (len) {
				n = 1 + rnd() % (len - pos < 64 ? len - pos : 64);
				memmove(buf + pos, buf + pos + n, len - pos - n);
				len -= n;
			}
			break;
		case 6: /* copy a run over another place */
			if (len > 1) {
				size_t from = rnd() % len;

				n = 1 + rnd() % 64;
				if (n > len - from)
					n = len - from;
				if (n > len - pos)
					n = len - pos;
				memmove(buf + pos, buf + from, n);
			}
			break;
		case 7: /* a keyword of the format */
			if (dict) {
				const char *w;
				size_t nd = 0;

				while (dict[nd])
					nd++;
				w = dict[rnd() % nd];
				n = strlen(w);
				if (len + n <= cap) {
					memmove(buf + pos + n, buf + pos, len - pos);
					memcpy(buf + pos, w, n);
					len += n;
				}
			}
			break;
		}
	}
	return len;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static const char *seed_dir; /* --seeds DIR: write the seeds for libFuzzer */

static void run(const char *name, int (*target)(const uint8_t *, size_t), const uint8_t *seed,
		size_t seedlen, int iterations, const char *const *dict)
{
	static uint8_t buf[SEED_MAX + 4096];
	size_t len;

	if (seed_dir) {
		char path[512];
		FILE *f;

		mkdir(seed_dir, 0755);
		snprintf(path, sizeof(path), "%s/%s", seed_dir, name);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/%s/seed", seed_dir, name);
		f = fopen(path, "wb");
		if (f) {
			fwrite(seed, 1, seedlen, f);
			fclose(f);
		}
		return;
	}

	target(seed, seedlen); /* the seed itself */
	for (int i = 0; i < iterations; i++) {
		memcpy(buf, seed, seedlen);
		len = mutate(buf, seedlen, sizeof(buf), dict);
		target(buf, len);
	}
	/* A few inputs of nothing but noise, too. */
	for (int i = 0; i < iterations / 10; i++) {
		len = rnd() % 2048;
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rnd();
		target(buf, len);
	}
	printf("%s: %d inputs, %d descriptors open\n", name, iterations + iterations / 10 + 1,
	       count_fds());
}

/* ---- seeds ---- */

static char image[256]; /* the MDISK image of the directory seed */

static size_t seed_directory(uint8_t *buf, size_t cap)
{
	int n = snprintf((char *)buf, cap,
			 "* the directory of a small system\n"
			 "USER MAINT maint 64M 128M ABCDEFG\n"
			 " MDISK 0100 IMAGE %s MR\n"
			 " NAMESAVE LXSHR\n"
			 " IPL 0100 PARM console=ttyS0 quiet\n"
			 "USER LINUX01 $6$salt$0123456789abcdef 32M 64M G\n"
			 " LINK MAINT 0100 0100 RR\n"
			 " IPL LXSHR\n"
			 "USER LINUX02 pw 1024K 1G G\n"
			 " LINK MAINT 0100 0200 R\n",
			 image);

	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static const char *const dir_words[] = {
    "USER ", "MDISK ", "LINK ", "NAMESAVE ", "IPL ", "PARM ", "IMAGE ",
    " MR",   " RR",    " W",	" 0100",     "\n",   "*",     " 99999999999999999999M",
    " 0K",   " 4G",    " FFFF", "  ",	     "\t",   "\r\n",  NULL};

static const char seed_defsys_text[] =
    "LXSHR 0-FF EW 100-2FF SR 300-4FF EW 500-5FF SW 600-6FF SN 700-7FF SC 800-8FF ER "
    "900-9FF EN MINSIZE=64M RSTD PARMREGS=0-15";

static const char *const defsys_words[] = {
    " EW",	  " SR", " SW",		 " SN",		 " SC", " ER", " EN", " MINSIZE=", " RSTD",
    " PARMREGS=", "-",	 " 0-FFFFFFFF ", " FFFFF-FFFFF", "K",	"M",   "G",   " 10-0 ",	   " 1-",
    "=",	  NULL};

static size_t seed_spool(uint8_t *buf, size_t cap)
{
	char dir[256], path[300];
	struct spool sp = {0};
	struct spool_file *f = NULL;
	struct defsys d;
	const char *bad;
	uint32_t seg;
	char text[sizeof(seed_defsys_text)], *argv[32], *save = NULL;
	int argc = 0, fd;
	ssize_t n = 0;

	snprintf(dir, sizeof(dir), "%s/fuzz-spool-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	memcpy(text, seed_defsys_text, sizeof(text));
	for (char *t = strtok_r(text, " ", &save); t; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	if (!mkdtemp(dir) || spool_load(&sp, dir) ||
	    defsys_parse(argc, argv, &d, &bad, &seg) != DEFSYS_OK ||
	    spool_defsys(&sp, &d, "MAINT", &f) || !f)
		return 0;
	snprintf(path, sizeof(path), "%s/%04u.nss", dir, f->meta.hdr.spoolid);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		buf[0] = 3; /* fix the checksum after mutation; load the folder too */
		n = read(fd, buf + 1, cap - 1);
		close(fd);
		unlink(path);
	}
	spool_close(&sp);
	rmdir(dir);
	return n > 0 ? (size_t)n + 1 : 0;
}

static size_t seed_ipl(uint8_t *buf, size_t cap)
{
	uint8_t kernel[4096] = {0}, initrd[1000];
	struct ipl_image img = {kernel, sizeof(kernel), initrd, sizeof(initrd), "root=/dev/vda"};
	uint64_t image_size = 3 << 20;
	uint8_t *disk = malloc(FUZZ_DISK);
	char err[256];
	int fd = memfd_create("seed", MFD_CLOEXEC);
	size_t n = 0;

	memcpy(kernel + 48, "RISCV\0\0\0", 8); /* the Image header: magic, size */
	memcpy(kernel + 16, &image_size, 8);
	memset(initrd, 0xa5, sizeof(initrd));
	if (disk && fd >= 0 && ftruncate(fd, FUZZ_DISK) == 0 &&
	    ipl_write(fd, FUZZ_DISK, &img, err, sizeof(err)) == 0 &&
	    pread(fd, disk, FUZZ_DISK, 0) == (ssize_t)FUZZ_DISK) {
		/* the record sector on, up to the end of the components */
		n = 3 * IPL_SECTOR + sizeof(kernel) + sizeof(initrd) + 64;
		if (n + 1 > cap)
			n = cap - 1;
		buf[0] = 1;
		memcpy(buf + 1, disk + IPL_SECTOR, n);
		n++;
	}
	if (fd >= 0)
		close(fd);
	free(disk);
	return n;
}

/* A small RISC-V ELF: one PT_LOAD, a symbol table with tohost. */
static size_t seed_elf(uint8_t *buf, size_t cap)
{
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;
		uint32_t code[4];
		Elf64_Sym sym[2];
		char str[16];
		Elf64_Shdr sh[3];
	} e;

	if (cap < sizeof(e))
		return 0;
	memset(&e, 0, sizeof(e));
	memcpy(e.eh.e_ident, ELFMAG, SELFMAG);
	e.eh.e_ident[EI_CLASS] = ELFCLASS64;
	e.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	e.eh.e_ident[EI_VERSION] = EV_CURRENT;
	e.eh.e_type = ET_EXEC;
	e.eh.e_machine = EM_RISCV;
	e.eh.e_version = EV_CURRENT;
	e.eh.e_entry = RAM_BASE;
	e.eh.e_phoff = offsetof(typeof(e), ph);
	e.eh.e_shoff = offsetof(typeof(e), sh);
	e.eh.e_ehsize = sizeof(e.eh);
	e.eh.e_phentsize = sizeof(e.ph);
	e.eh.e_phnum = 1;
	e.eh.e_shentsize = sizeof(Elf64_Shdr);
	e.eh.e_shnum = 3;
	e.ph.p_type = PT_LOAD;
	e.ph.p_offset = offsetof(typeof(e), code);
	e.ph.p_paddr = e.ph.p_vaddr = RAM_BASE;
	e.ph.p_filesz = sizeof(e.code);
	e.ph.p_memsz = 4096;
	e.code[0] = 0x00000013; /* nop */
	memcpy(e.str, "\0tohost", 8);
	e.sym[1].st_name = 1;
	e.sym[1].st_value = RAM_BASE + 0x1000;
	e.sh[1].sh_type = SHT_SYMTAB;
	e.sh[1].sh_offset = offsetof(typeof(e), sym);
	e.sh[1].sh_size = sizeof(e.sym);
	e.sh[1].sh_link = 2;
	e.sh[1].sh_entsize = sizeof(Elf64_Sym);
	e.sh[2].sh_type = SHT_STRTAB;
	e.sh[2].sh_offset = offsetof(typeof(e), str);
	e.sh[2].sh_size = sizeof(e.str);
	memcpy(buf, &e, sizeof(e));
	return sizeof(e);
}

static size_t seed_proto(uint8_t *buf, size_t cap)
{
	static const struct {
		uint32_t type, len;
		uint8_t nfds;
	} pk[] = {{PROTO_HELLO, 0, 0},	    {PROTO_RESULT, 12, 0}, {PROTO_CONSOLE_OUT, 5, 0},
		  {PROTO_STATE, 16, 0},	    {PROTO_SETUP, 16, 2},  {PROTO_CP_REQUEST, 9, 0},
		  {PROTO_NSS_FIRST, 40, 3}, {PROTO_BEGIN, 4, 1}};
	size_t o = 1;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(pk) / sizeof(pk[0]) && o + 3 + 8 + pk[i].len <= cap; i++) {
		struct proto_hdr h = {pk[i].type, pk[i].len};
		size_t n = sizeof(h) + pk[i].len;

		buf[o] = (uint8_t)n;
		buf[o + 1] = (uint8_t)(n >> 8);
		buf[o + 2] = pk[i].nfds;
		memcpy(buf + o + 3, &h, sizeof(h));
		memset(buf + o + 3 + sizeof(h), 'x', pk[i].len);
		o += 3 + n;
	}
	return o;
}

/* One virtio-blk read request set up the way a driver does (fuzz_mmio operations). */
static size_t mmio_op(uint8_t *buf, size_t o, uint8_t op, uint16_t arg, uint64_t v)
{
	buf[o] = op;
	buf[o + 1] = (uint8_t)arg;
	buf[o + 2] = (uint8_t)(arg >> 8);
	memcpy(buf + o + 3, &v, 8);
	return o + FUZZ_MMIO_OP;
}

static size_t seed_mmio(uint8_t *buf, size_t cap)
{
	static const struct {
		uint16_t reg;
		uint32_t v;
	} regs[] = {
	    {0x070, 0},	 {0x070, 3},
	    {0x024, 1},	 {0x020, 1},
	    {0x070, 11}, {0x030, 0},
	    {0x038, 8},	 {0x080, RAM_BASE + 0x10000},
	    {0x084, 0},	 {0x090, RAM_BASE + 0x10100},
	    {0x094, 0},	 {0x0a0, RAM_BASE + 0x10200},
	    {0x0a4, 0},	 {0x044, 1},
	    {0x070, 15},
	};
	/* descriptors: header, 512-byte buffer, status; then the header, avail */
	static const struct {
		uint32_t real;
		uint64_t v;
	} words[] = {
	    {0x10000, RAM_BASE + 0x11000},
	    {0x10008, 16 | 1ULL << 32 | 1ULL << 48},
	    {0x10010, RAM_BASE + 0x12000},
	    {0x10018, 512 | 3ULL << 32 | 2ULL << 48},
	    {0x10020, RAM_BASE + 0x13000},
	    {0x10028, 1 | 2ULL << 32},
	    {0x11000, 0},
	    {0x11008, 3},
	    {0x10100, 1 << 16},
	};
	size_t o = 0;

	if (cap < 64 * FUZZ_MMIO_OP)
		return 0;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		o = mmio_op(buf, o, 0, regs[i].reg, regs[i].v);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		o = mmio_op(buf, o, 4, (uint16_t)(words[i].real / 8), words[i].v);
	o = mmio_op(buf, o, 5, 0, 0);
	o = mmio_op(buf, o, 3 | 2 << 6, 0x060, 0);    /* InterruptStatus */
	o = mmio_op(buf, o, 6 | 0x20 | 2 << 6, 4, 3); /* PLIC priority of source 1 */
	return o;
}

/*
 * A driver bringing the NIC up (features VERSION_1 | MAC | STATUS), one
 * receive buffer and one 60-byte frame to send; the switch sends a frame;
 * the machine moves them.
 */
static size_t seed_net(uint8_t *buf, size_t cap)
{
	static const struct {
		uint16_t reg;
		uint32_t v;
	} regs[] = {
	    {0x070, 0},
	    {0x070, 3},
	    {0x024, 0},
	    {0x020, 1 << 5 | 1 << 16},
	    {0x024, 1},
	    {0x020, 1},
	    {0x070, 11},
	    {0x030, 0},
	    {0x038, 8},
	    {0x080, RAM_BASE + 0x20000},
	    {0x090, RAM_BASE + 0x20100},
	    {0x0a0, RAM_BASE + 0x20200},
	    {0x044, 1},
	    {0x030, 1},
	    {0x038, 8},
	    {0x080, RAM_BASE + 0x30000},
	    {0x090, RAM_BASE + 0x30100},
	    {0x0a0, RAM_BASE + 0x30200},
	    {0x044, 1},
	    {0x070, 15},
	};
	static const struct {
		uint32_t real;
		uint64_t v;
	} words[] = {
	    {0x20000, RAM_BASE + 0x21000}, /* receive: one writable 1526-byte buffer */
	    {0x20008, 1526 | 2ULL << 32},
	    {0x20100, 1 << 16},
	    {0x30000, RAM_BASE + 0x31000}, /* transmit: header + 60 bytes */
	    {0x30008, 72},
	    {0x31000, 0},
	    {0x31008, 0xffffffff00000000ULL}, /* the frame: to ff:ff:ff:ff:ff:ff */
	    {0x31010, 0x0200ffff},
	    {0x30100, 1 << 16},
	};
	size_t o = 0;

	if (cap < 64 * FUZZ_MMIO_OP)
		return 0;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		o = mmio_op(buf, o, 0, regs[i].reg, regs[i].v);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		o = mmio_op(buf, o, 4, (uint16_t)(words[i].real / 8), words[i].v);
	o = mmio_op(buf, o, 5, 0, 1);			   /* QueueNotify: transmit */
	o = mmio_op(buf, o, 6, 60, 0x0123456789abcdefULL); /* a frame from the switch */
	o = mmio_op(buf, o, 7, 0, 0);			   /* the machine moves it */
	o = mmio_op(buf, o, 3 | 1 << 6, 0x106, 0);	   /* link status */
	return o;
}

/* A hart in S-mode with paging on, running a few instructions. */
static size_t seed_hart(uint8_t *buf, size_t cap)
{
	struct hart_state hs;
	static const uint32_t code[] = {
	    0x00100093, /* li x1, 1 */
	    0x00008067, /* ret */
	    0x10500073, /* wfi */
	    0x00000073, /* ecall */
	};

	if (cap < sizeof(hs) + sizeof(code))
		return 0;
	hart_get_state(fuzz_machine()->hart, &hs);
	hs.pc = RAM_BASE + 0x30000;
	hs.priv = PRV_S;
	hs.satp = 8ULL << 60 | (0x40000 + RAM_BASE) >> 12;
	hs.mtvec = RAM_BASE + 0x30008;
	hs.stvec = RAM_BASE + 0x30008;
	hs.medeleg = 0xb1ff;
	hs.x[1] = RAM_BASE + 0x30000;
	memcpy(buf, &hs, sizeof(hs));
	memcpy(buf + sizeof(hs), code, sizeof(code));
	return sizeof(hs) + sizeof(code);
}

/* Append bytes; the new length. */
static size_t put(uint8_t *buf, size_t o, const void *b, size_t n)
{
	memcpy(buf + o, b, n);
	return o + n;
}

/*
 * A TN3270E client (x3270's way): WILL TN3270E, WILL TERMINAL-TYPE, the
 * device type, FUNCTIONS BIND-IMAGE, then records: ENTER with "LOGON" in
 * the input area, a Query Reply (Usable Area 80x43), CLEAR, PA1, PF12.
 */
static size_t seed_tn3270(uint8_t *buf, size_t cap)
{
	static const uint8_t neg[] = {255, 251, 40, 255, 251, 24};
	static const uint8_t dev[] = {255, 250, 40,  2,	  7,   'I', 'B', 'M', '-', '3',
				      '2', '7', '8', '-', '2', '-', 'E', 255, 240};
	static const uint8_t fn[] = {255, 250, 40, 3, 7, 0, 255, 240};
	/* header, ENTER, cursor, SBA to row 22 column 1, "LOGON" */
	static const uint8_t enter[] = {0,    0,    0,	  0,	0,    0x7d, 0x5b, 0x61, 0x11,
					0x5b, 0x61, 0xd3, 0xd6, 0xc7, 0xd6, 0xd5, 255,	239};
	static const uint8_t query[] = {0,    0, 0, 0, 1,  0x88, 0,  10,  0x81,
					0x81, 0, 0, 0, 80, 0,	 43, 255, 239};
	static const uint8_t keys[] = {0, 0, 0, 0,    2,    0x6d, 255, 239, 0,
				       0, 0, 0, 3,    0x6c, 255,  239, 0,   0,
				       0, 0, 4, 0x7c, 0x5b, 0x61, 255, 239};
	size_t o = 0;

	if (cap < 256)
		return 0;
	o = put(buf, o, neg, sizeof(neg));
	o = put(buf, o, dev, sizeof(dev));
	o = put(buf, o, fn, sizeof(fn));
	o = put(buf, o, enter, sizeof(enter));
	o = put(buf, o, query, sizeof(query));
	return put(buf, o, keys, sizeof(keys));
}

int main(int argc, char **argv)
{
	static uint8_t seed[SEED_MAX];
	int iters = 2000;
	int fds, imgfd;
	size_t n;

	if (argc > 2 && !strcmp(argv[1], "--seeds"))
		seed_dir = argv[2];
	else if (argc > 1)
		iters = atoi(argv[1]);
	snprintf(image, sizeof(image), "%s/fuzz-mdisk-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	imgfd = mkstemp(image);
	if (imgfd < 0 || ftruncate(imgfd, FUZZ_DISK) < 0) {
		perror("mkstemp");
		return 1;
	}
	close(imgfd);
	fds = count_fds();

	n = seed_directory(seed, sizeof(seed));
	run("directory", fuzz_directory, seed, n, iters, dir_words);
	run("defsys", fuzz_defsys, (const uint8_t *)seed_defsys_text, strlen(seed_defsys_text),
	    iters, defsys_words);
	n = seed_spool(seed, sizeof(seed));
	if (!n) {
		fprintf(stderr, "cannot make the spool seed\n");
		return 1;
	}
	run("spool", fuzz_spool, seed, n, iters, NULL);
	n = seed_ipl(seed, sizeof(seed));
	if (!n) {
		fprintf(stderr, "cannot make the IPL seed\n");
		return 1;
	}
	run("ipl", fuzz_ipl, seed, n, iters / 4, NULL);
	n = seed_elf(seed, sizeof(seed));
	run("elf", fuzz_elf, seed, n, iters, NULL);
	n = fuzz_snapshot_seed(seed, sizeof(seed));
	if (!n) {
		fprintf(stderr, "cannot make the snapshot seed\n");
		return 1;
	}
	run("snapshot", fuzz_snapshot, seed, n, iters, NULL);
	n = seed_mmio(seed, sizeof(seed));
	fuzz_mmio(seed, n);
	{
		/* The seed is a request the disk serves: mutations start deep. */
		const uint8_t *b = machine_mem(fuzz_machine())->base;

		if (b[0x10202] != 1 || b[0x13000] != 0) {
			fprintf(stderr, "the virtio seed request was not served\n");
			return 1;
		}
	}
	run("mmio", fuzz_mmio, seed, n, iters, NULL);
	n = seed_net(seed, sizeof(seed));
	fuzz_net(seed, n);
	{
		/* The seed's frame was received: used ring index 1, the frame after the header. */
		const uint8_t *b = machine_mem(fuzz_net_machine())->base;

		if (b[0x20202] != 1 || b[0x30202] != 1 || b[0x21000 + 12] != 0xef) {
			fprintf(stderr, "the virtio-net seed's frames did not pass\n");
			return 1;
		}
	}
	run("net", fuzz_net, seed, n, iters, NULL);
	n = seed_hart(seed, sizeof(seed));
	run("hart", fuzz_hart, seed, n, iters, NULL);
	run("lockstep", fuzz_lockstep, seed, n, iters, NULL);
	n = seed_tn3270(seed, sizeof(seed));
	fuzz_tn3270(seed, n);
	{
		/* The seed reaches 3270 mode and its ENTER types LOGON. */
		char line[64];
		int r = fuzz_tn3270_result(line, sizeof(line));

		if ((r & 15) != 1 || r >> 4 != 1 || strcmp(line, "LOGON")) {
			fprintf(stderr, "the 3270 seed: mode %d, %d lines, last %s\n", r & 15,
				r >> 4, line);
			return 1;
		}
	}
	run("tn3270", fuzz_tn3270, seed, n, iters, NULL);
	n = seed_proto(seed, sizeof(seed));
	run("proto", fuzz_proto, seed, n, iters, NULL);
	seed[0] = 1; /* the same packets to the EXEC protocol's reader */
	run("rexx_proto", fuzz_proto, seed, n, iters, NULL);

	fuzz_cleanup();
	unlink(image);
	if (count_fds() != fds) {
		fprintf(stderr, "descriptors leaked: %d before, %d after\n", fds, count_fds());
		return 1;
	}
	return 0;
}
