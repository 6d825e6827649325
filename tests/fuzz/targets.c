// SPDX-License-Identifier: MIT
/*
 * Fuzz targets for every parser of untrusted input (tests/fuzz/targets.h).
 * Each takes one input of any bytes and must neither crash, hang, leak nor
 * hit undefined behaviour.  Formats with a checksum get it recomputed when
 * the first input byte is odd, so that mutations reach the checks behind it
 * instead of stopping at "checksum mismatch".
 *
 * Built twice: into tests/unit/fuzz_parsers (a fixed number of seeded random
 * mutations, part of make check) and, by `make fuzz`, into one libFuzzer
 * binary per target (tests/fuzz/libfuzzer.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xxhash.h>
/* after stddef.h (through stdlib.h): libtelnet.h needs size_t */
#include <libtelnet.h>

#include "cp/directory.h"
#include "cp/tn3270.h"
#include "machine/internal.h"
#include "machine/ipl.h"
#include "machine/layout.h"
#include "machine/machine.h"
#include "machine/snapshot.h"
#include "rexx/proto.h"
#include "spool/spool.h"
#include "tests/fuzz/targets.h"
#include "util/elf.h"
#include "virtio/net.h"
#include "vm/proto.h"

#define FUZZ_MEM  (16ULL << 20)
#define FUZZ_DISK (1ULL << 20)

/* A memfd holding exactly data. */
static int fuzz_memfd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (size && pwrite(fd, data, size, 0) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- the user directory (cp/directory.c) ---- */

int fuzz_directory(const uint8_t *data, size_t size)
{
	struct directory *d = NULL;
	char path[64], err[256];
	int fd = fuzz_memfd(data, size);

	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (dir_load(path, &d, err, sizeof(err)) == 0) {
		for (int i = 0; i < d->nusers; i++) {
			const struct dir_user *u = &d->users[i];

			if (dir_find(d, u->id) == NULL)
				abort(); /* a user the loader accepted is found */
			dir_user_has_class(u, "G");
			dir_namesave(u, "LXSHR");
		}
		dir_free(d);
	}
	close(fd);
	return 0;
}

/* ---- DEFSYS operands (spool/defsys.c) ---- */

int fuzz_defsys(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *argv[64], *save = NULL, *tok;
	char out[8][512];
	size_t outlen[8] = {0, 1, 2, 7, 16, 64, 200, 512};
	struct defsys d;
	const char *bad;
	uint32_t seg;
	int argc = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	for (tok = strtok_r(text, " \t\n", &save); tok && argc < 64;
	     tok = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = tok;
	if (defsys_parse(argc, argv, &d, &bad, &seg) == DEFSYS_OK) {
		for (int i = 0; i < 8; i++) {
			if (outlen[i])
				defsys_format(&d, out[i], outlen[i]);
			if (outlen[i] && !memchr(out[i], 0, outlen[i]))
				abort(); /* always terminated inside the buffer */
		}
	}
	free(text);
	return 0;
}

/* ---- spool files (spool/spool.c) ---- */

static void fuzz_spool_fix(uint8_t *buf, size_t size)
{
	struct spool_hdr h;
	uint64_t len;

	if (size < sizeof(h))
		return;
	memcpy(&h, buf, sizeof(h));
	len = spool_meta_len(&h);
	if (len > size || len < sizeof(h))
		return;
	h.meta_len = (uint32_t)len;
	h.file_size = size;
	h.checksum = 0;
	memcpy(buf, &h, sizeof(h));
	h.checksum = XXH3_64bits(buf, len);
	memcpy(buf, &h, sizeof(h));
}

/* The same file as the only one of a spool folder, as CP finds it at start. */
static char fuzz_catalog_dir[256];

static void fuzz_spool_catalog(const uint8_t *buf, size_t len)
{
	char *dir = fuzz_catalog_dir;
	struct spool sp = {0};
	char path[300];
	int fd;

	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(fuzz_catalog_dir, sizeof(fuzz_catalog_dir), "%s/fuzz-catalog-XXXXXX",
			 tmp ? tmp : "/tmp");
		if (!mkdtemp(dir))
			abort();
	}
	snprintf(path, sizeof(path), "%s/0001.nss", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (len && write(fd, buf, len) != (ssize_t)len))
		abort();
	close(fd);
	if (spool_load(&sp, dir) == 0) {
		for (struct spool_file *f = sp.files; f; f = f->next) {
			char date[6], tm[9];
			struct defsys d;

			spool_by_name(&sp, f->meta.hdr.name, true);
			spool_file_pages(f);
			spool_file_date(f, date, tm);
			spool_file_defsys(f, &d);
		}
		spool_close(&sp);
	}
	unlink(path);
}

int fuzz_spool(const uint8_t *data, size_t size)
{
	struct spool_meta m;
	uint8_t *buf;
	char why[256];
	int fd;

	if (!size)
		return 0;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	if (data[0] & 1)
		fuzz_spool_fix(buf, size - 1);
	fd = fuzz_memfd(buf, size - 1);
	if (fd < 0) {
		free(buf);
		return 0;
	}
	why[0] = 0;
	if (spool_meta_read(fd, &m, why, sizeof(why)) == 0) {
		spool_data_verify(fd, &m, why, sizeof(why));
		spool_meta_free(&m);
	} else if (!why[0]) {
		abort(); /* a refused file always says why */
	}
	close(fd);
	if (data[0] & 2)
		fuzz_spool_catalog(buf, size - 1);
	free(buf);
	return 0;
}

/* ---- one machine for the IPL record and the state blob ---- */

static struct machine *fuzz_m;
static int fuzz_disk = -1;
static size_t fuzz_disk_used; /* bytes of it not known to be zero */

static struct machine *fuzz_machine(void)
{
	struct machine_config cfg = {.mem_size = FUZZ_MEM, .ndisks = 1};

	if (fuzz_m)
		return fuzz_m;
	fuzz_disk = memfd_create("fuzzdisk", MFD_CLOEXEC);
	if (fuzz_disk < 0 || ftruncate(fuzz_disk, FUZZ_DISK) < 0)
		abort();
	cfg.disks[0].vdev = 0x100;
	cfg.disks[0].fd = fuzz_disk;
	cfg.disks[0].size = FUZZ_DISK;
	fuzz_m = machine_create(&cfg);
	if (!fuzz_m)
		abort();
	return fuzz_m;
}

static struct machine *fuzz_net_m;
static int fuzz_net_peer = -1;	  /* the switch's end of the NIC's socket */
static struct machine *fuzz_ls_m; /* fuzz_lockstep's: the lockstep engine */

static void fuzz_net_couple(struct machine *m)
{
	int sv[2];

	if (fuzz_net_peer >= 0)
		close(fuzz_net_peer);
	fuzz_net_peer = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	fuzz_net_peer = sv[0];
	if (machine_nic_link(m, 0x600, sv[1]))
		abort();
}

struct machine *fuzz_net_machine(void)
{
	struct machine_config cfg = {.mem_size = FUZZ_MEM, .nnics = 1};

	if (fuzz_net_m)
		return fuzz_net_m;
	cfg.nics[0] =
	    (struct machine_nic){.vdev = 0x600, .mac = {2, 0x52, 0x56, 0, 0, 1}, .fd = -1};
	fuzz_net_m = machine_create(&cfg);
	if (!fuzz_net_m)
		abort();
	fuzz_net_couple(fuzz_net_m);
	return fuzz_net_m;
}

void fuzz_cleanup(void)
{
	if (fuzz_ls_m)
		machine_destroy(fuzz_ls_m);
	fuzz_ls_m = NULL;
	if (fuzz_net_m)
		machine_destroy(fuzz_net_m);
	fuzz_net_m = NULL;
	if (fuzz_net_peer >= 0)
		close(fuzz_net_peer);
	fuzz_net_peer = -1;
	if (fuzz_m)
		machine_destroy(fuzz_m);
	fuzz_m = NULL;
	if (fuzz_disk >= 0)
		close(fuzz_disk);
	fuzz_disk = -1;
	if (fuzz_catalog_dir[0])
		rmdir(fuzz_catalog_dir);
}

/* ---- IPL records and what they point at (machine/ipl.c, machine/load.c) ---- */

static void fuzz_ipl_fix(uint8_t *disk, size_t size)
{
	struct ipl_record rec;

	memcpy(&rec, disk + IPL_RECORD_LBA * IPL_SECTOR, sizeof(rec));
	for (uint32_t i = 0; i < rec.ncomp && i < IPL_MAX_COMP; i++) {
		struct ipl_comp *c = &rec.comp[i];

		if (c->offset <= size && c->length <= size - c->offset)
			c->hash = XXH64(disk + c->offset, c->length, 0);
	}
	rec.checksum = XXH64(&rec, offsetof(struct ipl_record, checksum), 0);
	memcpy(disk + IPL_RECORD_LBA * IPL_SECTOR, &rec, sizeof(rec));
}

/*
 * The input is the disk from its record sector on (so that small inputs
 * reach the interesting part); the rest of the disk is zero.
 */
int fuzz_ipl(const uint8_t *data, size_t size)
{
	struct machine *m = fuzz_machine();
	size_t n = size ? size - 1 : 0;
	uint8_t *disk;
	char err[512];

	if (!size)
		return 0;
	if (n > FUZZ_DISK - IPL_SECTOR)
		n = FUZZ_DISK - IPL_SECTOR;
	disk = calloc(1, FUZZ_DISK);
	if (!disk)
		return 0;
	memcpy(disk + IPL_SECTOR, data + 1, n);
	if (data[0] & 1)
		fuzz_ipl_fix(disk, FUZZ_DISK);
	/* Only what this input or the one before wrote: the rest stays zero. */
	if (n + IPL_SECTOR > fuzz_disk_used)
		fuzz_disk_used = n + IPL_SECTOR;
	if (pwrite(fuzz_disk, disk, fuzz_disk_used, 0) != (ssize_t)fuzz_disk_used)
		abort();
	fuzz_disk_used = n + IPL_SECTOR;
	free(disk);
	machine_reset(m, true);
	machine_ipl_disk(m, 0, (data[0] & 2) ? "quiet" : NULL, err, sizeof(err));
	return 0;
}

/* ---- ELF files (util/elf.c) ---- */

int fuzz_elf(const uint8_t *data, size_t size)
{
	static struct guest_mem mem;
	static bool ready;
	struct elf_file f = {.data = data, .size = size};
	uint64_t entry, value;

	if (!ready) {
		if (mem_init(&mem, FUZZ_MEM))
			abort();
		ready = true;
	}
	mem_load_elf(&mem, &f, &entry);
	elf_symbol(&f, "tohost", &value);
	elf_symbol(&f, "", &value);
	return 0;
}

/* ---- the machine state blob (machine/snapshot.c) ---- */

static void fuzz_snap_fix(uint8_t *buf, size_t size)
{
	struct snap_hdr h;

	if (size < sizeof(h))
		return;
	memcpy(&h, buf, sizeof(h));
	if (h.hdr_size > size || h.size > size || h.hdr_size > h.size)
		return;
	h.checksum = XXH64(buf + h.hdr_size, h.size - h.hdr_size, 0);
	memcpy(buf, &h, sizeof(h));
}

int fuzz_snapshot(const uint8_t *data, size_t size)
{
	struct machine *m = fuzz_machine();
	uint8_t *buf;
	char err[256];
	int64_t t;

	if (!size)
		return 0;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	if (data[0] & 1)
		fuzz_snap_fix(buf, size - 1);
	machine_state_saved_at(buf, size - 1, &t);
	if (machine_load_state(m, buf, size - 1, err, sizeof(err)) == 0) {
		/* A loaded machine must run without crashing the host. */
		machine_run(m, 2000);
	}
	free(buf);
	return 0;
}

/* The seed of the snapshot target: a real blob of the fuzz machine. */
size_t fuzz_snapshot_seed(uint8_t *buf, size_t len)
{
	ssize_t n;

	if (len < 2)
		return 0;
	n = machine_save_state(fuzz_machine(), buf + 1, len - 1);
	buf[0] = 1;
	return n > 0 ? (size_t)n + 1 : 0;
}

/* ---- the CP <-> VM and CP <-> EXEC packet readers (vm/proto.c, rexx/exec.c) ---- */

/*
 * The input is a list of packets: a length byte pair, a count of
 * descriptors to send along (0-31), and the bytes.  Whatever the sender
 * does, the reader returns whole messages or an error, never more than
 * PROTO_MAX_FDS descriptors, and keeps none it does not hand out.
 */
int fuzz_proto(const uint8_t *data, size_t size)
{
	static struct proto_msg msg;
	static char rbuf[REXX_PKT_MAX + 1];
	int sv[2], devnull, rc, type;
	size_t pos = 0;
	bool rexx = size && (data[0] & 1);

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pos = 1;
	while (pos + 3 <= size) {
		size_t len = data[pos] | (size_t)data[pos + 1] << 8;
		int nfds = data[pos + 2] & 31;
		union {
			char buf[CMSG_SPACE(sizeof(int) * 32)];
			struct cmsghdr align;
		} u;
		struct iovec iov;
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		iov.iov_base = (void *)(data + pos);
		iov.iov_len = len;
		if (nfds && devnull >= 0) {
			struct cmsghdr *c;

			memset(&u, 0, sizeof(u));
			mh.msg_control = u.buf;
			mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
			for (int i = 0; i < nfds; i++)
				memcpy(CMSG_DATA(c) + i * sizeof(int), &devnull, sizeof(int));
		}
		if (sendmsg(sv[0], &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			break;
		pos += len;
	}
	close(sv[0]);
	for (;;) {
		if (rexx) {
			ssize_t n = rexx_proto_recv(sv[1], rbuf, &type, MSG_DONTWAIT);

			if (n < 0)
				break;
			if (n > REXX_PKT_MAX || rbuf[n] != 0)
				abort();
			continue;
		}
		rc = proto_recv(sv[1], &msg, MSG_DONTWAIT);
		if (rc == 0 || rc == -EAGAIN)
			break;
		if (rc < 0)
			continue; /* a broken packet: the caller ends the connection */
		if (msg.nfds < 0 || msg.nfds > PROTO_MAX_FDS || msg.len > PROTO_MAX_PAYLOAD ||
		    msg.payload[msg.len] != 0)
			abort();
		proto_close_fds(&msg);
	}
	close(sv[1]);
	if (devnull >= 0)
		close(devnull);
	return 0;
}

/* ---- a guest poking the devices (dev/, virtio/) ---- */

/*
 * The input is a list of 11-byte operations: opcode, 16-bit argument,
 * 64-bit value.  They write and read virtio-mmio registers, store into
 * storage (descriptor rings, request headers), notify the queue, and access
 * any register of any device on the bus (every region the board
 * registered) of any size.  Whatever the guest does, a bad request fails
 * the request, never the host.
 */
int fuzz_mmio(const uint8_t *data, size_t size)
{
	struct machine *m = fuzz_machine();
	struct guest_mem *mem = machine_mem(m);

	machine_reset(m, true);
	for (size_t i = 0; i + FUZZ_MMIO_OP <= size; i += FUZZ_MMIO_OP) {
		uint8_t op = data[i];
		uint16_t arg = (uint16_t)(data[i + 1] | data[i + 2] << 8);
		uint64_t v;

		memcpy(&v, data + i + 3, 8);
		switch (op % 8) {
		case 0:
		case 1:
		case 2: /* a virtio register */
			bus_access(&m->bus, VIRTIO_BASE + (arg & 0x3fc), &v, 4, true);
			break;
		case 3:
			bus_access(&m->bus, VIRTIO_BASE + (arg & 0x3ff), &v, 1 << (op >> 6), false);
			break;
		case 4: /* storage: rings, headers, buffers */
			if ((uint64_t)arg * 8 + 8 <= mem->size &&
			    !mem_page_ro(mem, (uint64_t)arg * 8))
				memcpy(mem->base + (uint64_t)arg * 8, &v, 8);
			break;
		case 5: /* QueueNotify */
			v &= 0xffff;
			bus_access(&m->bus, VIRTIO_BASE + 0x50, &v, 4, true);
			break;
		default: /* any register of any device, any size */
			bus_access(&m->bus, m->bus.r[(op >> 3) % m->bus.n].base + arg, &v,
				   1 << (op >> 6), op & 0x20);
			break;
		}
	}
	return 0;
}

/* ---- a guest driving its NIC, the switch sending it frames (virtio/net.c) ---- */

/* Frames the NIC sent to the switch, thrown away; how many. */
static int fuzz_net_drain(void)
{
	uint8_t f[2048];
	int n = 0;

	while (fuzz_net_peer >= 0 && recv(fuzz_net_peer, f, sizeof(f), MSG_DONTWAIT) > 0)
		if (++n > 4096)
			abort(); /* more frames than the rings could ever hold */
	return n;
}

/*
 * The operations of fuzz_mmio, aimed at the NIC's registers and
 * configuration space, plus: the switch sends a frame of any length (op 6),
 * the machine moves frames (op 7), the link goes down and up (op 7, top
 * bits 3).  Whatever the guest does, a bad request fails that request.
 */
int fuzz_net(const uint8_t *data, size_t size)
{
	struct machine *m = fuzz_net_machine();
	struct guest_mem *mem = machine_mem(m);
	struct virtio_net *n = machine_device(m, &virtio_net_device, 0);
	uint8_t frame[1700];

	machine_reset(m, true);
	fuzz_net_drain();
	for (size_t i = 0; i + FUZZ_MMIO_OP <= size; i += FUZZ_MMIO_OP) {
		uint8_t op = data[i];
		uint16_t arg = (uint16_t)(data[i + 1] | data[i + 2] << 8);
		uint64_t v;

		memcpy(&v, data + i + 3, 8);
		switch (op & 7) {
		case 0:
		case 1:
		case 2:
			bus_access(&m->bus, VIRTIO_NET_BASE + (arg & 0x3fc), &v, 4, true);
			break;
		case 3:
			bus_access(&m->bus, VIRTIO_NET_BASE + (arg & 0x1ff), &v, 1 << (op >> 6),
				   false);
			break;
		case 4:
			if ((uint64_t)arg * 8 + 8 <= mem->size &&
			    !mem_page_ro(mem, (uint64_t)arg * 8))
				memcpy(mem->base + (uint64_t)arg * 8, &v, 8);
			break;
		case 5:
			v &= 0xffff;
			bus_access(&m->bus, VIRTIO_NET_BASE + 0x50, &v, 4, true);
			break;
		case 6: {
			size_t len = arg % sizeof(frame);

			for (size_t k = 0; k < len; k++)
				frame[k] = (uint8_t)(v >> (8 * (k % 8)));
			if (fuzz_net_peer >= 0)
				send(fuzz_net_peer, frame, len, MSG_DONTWAIT);
			break;
		}
		default:
			if (op >> 6 == 3)
				fuzz_net_couple(m);
			else if (op >> 6 == 2)
				machine_nic_link(m, 0x600, -1);
			virtio_net_device.poll(n);
			fuzz_net_drain();
			break;
		}
	}
	virtio_net_device.poll(n);
	fuzz_net_drain();
	if (n->fd < 0)
		fuzz_net_couple(m); /* the next input starts coupled */
	return 0;
}

/* ---- hart state from a spool file (vm/nss.c lays it before the devices) ---- */

/*
 * Any register and CSR values, then a few thousand instructions of whatever
 * storage holds: the hart may trap or loop, never crash the host.
 */
int fuzz_hart(const uint8_t *data, size_t size)
{
	struct machine *m = fuzz_machine();
	struct hart_state hs;

	if (size < sizeof(hs))
		return 0;
	memcpy(&hs, data, sizeof(hs));
	hart_set_state(m->hart, &hs);
	if (size > sizeof(hs)) /* the rest is code and data at the pc's page, if in storage */
	{
		uint64_t real = (hs.pc - RAM_BASE) & ~4095ULL;
		size_t n = size - sizeof(hs) < 4096 ? size - sizeof(hs) : 4096;

		if (hs.pc >= RAM_BASE && real < m->mem.size && !mem_page_ro(&m->mem, real))
			memcpy(m->mem.base + real, data + sizeof(hs), n);
	}
	hart_run(m->hart, 4000);
	return 0;
}

/* ---- the translator against the interpreter ---- */

/*
 * As fuzz_hart, on a machine whose hart runs the lockstep engine: every
 * block is translated, run, and compared with the interpreter's run of it.
 * A difference is a translator bug: abort.  Without a translator on this
 * host there is nothing to compare.
 */
int fuzz_lockstep(const uint8_t *data, size_t size)
{
	struct machine_config cfg = {.mem_size = FUZZ_MEM, .cpu = 1 + HART_ENGINE_LOCKSTEP};
	struct hart_state hs;
	struct hart *h;

	if (hart_engine_default() != HART_ENGINE_JIT || size < sizeof(hs))
		return 0;
	if (!fuzz_ls_m)
		fuzz_ls_m = machine_create(&cfg);
	if (!fuzz_ls_m)
		abort();
	h = fuzz_ls_m->hart;
	memcpy(&hs, data, sizeof(hs));
	hart_set_state(h, &hs);
	if (size > sizeof(hs)) {
		uint64_t real = (hs.pc - RAM_BASE) & ~4095ULL;
		size_t n = size - sizeof(hs) < 4096 ? size - sizeof(hs) : 4096;

		if (hs.pc >= RAM_BASE && real < fuzz_ls_m->mem.size &&
		    !mem_page_ro(&fuzz_ls_m->mem, real))
			memcpy(fuzz_ls_m->mem.base + real, data + sizeof(hs), n);
	}
	hart_run(h, 4000);
	if (hart_lockstep_failures(h))
		abort();
	return 0;
}
/* ---- 3270 sessions (cp/tn3270.c) ---- */

/* A terminal as cp/terminal.c is one, without the sockets: the fuzz input
 * is what the client sends, through libtelnet, to a session whose host
 * answers every typed line with CP lines and guest output. */
struct fuzz_term {
	telnet_t *tn;
	struct tn3270 *s;
	size_t queued;
	int mode; /* 0 negotiating, 1 3270, 2 dropped, 3 line mode */
	int lines;
	char last[TN3270_INPUT_MAX];
	bool running, hold;
};
static struct fuzz_term fuzz_t;

static telnet_t *ft_telnet(void *o)
{
	return ((struct fuzz_term *)o)->tn;
}

static bool ft_room(void *o, size_t len)
{
	return ((struct fuzz_term *)o)->queued + len <= (1 << 20);
}

static void ft_flush(void *o)
{
}

static void ft_mode(void *o, enum tn3270_mode m)
{
	struct fuzz_term *t = o;

	t->mode = m == TN3270_3270 ? 1 : m == TN3270_DROP ? 2 : 3;
	if (m == TN3270_3270)
		tn3270_line(t->s, "Enter LOGON userid to log on.");
}

static void ft_line(void *o, char *line)
{
	struct fuzz_term *t = o;
	static const char out[] = "\x1b[1mbold\x1b[0m\ttab\r\nla\xc3\xa9\xe2\x82\xac\xff\b\n$ ";

	t->lines++;
	snprintf(t->last, sizeof(t->last), "%s", line);
	if (line[0] == 'h')
		tn3270_hidden(t->s, line[1] == '1');
	t->running = line[0] == 'r';
	t->hold = line[0] == 'H';
	tn3270_line(t->s, line);
	for (int i = 0; i < (line[0] == 'm' ? 60 : 1); i++)
		tn3270_guest(t->s, out, sizeof(out) - 1);
}

static void ft_key(void *o, enum tn3270_key k)
{
	struct fuzz_term *t = o;

	if (k == TN3270_PF1 + 11)
		tn3270_retrieve(t->s);
	else if (k == TN3270_PF1 + 3)
		tn3270_set_input(t->s, "delayed");
	else
		tn3270_not_accepted(t->s);
}

static enum tn3270_state ft_state(void *o)
{
	return ((struct fuzz_term *)o)->running ? TN3270_RUNNING : TN3270_CP_READ;
}

static void ft_more(void *o, unsigned *n, unsigned *m, bool *hold)
{
	*hold = ((struct fuzz_term *)o)->hold;
}

static void ft_event(telnet_t *tn, telnet_event_t *ev, void *o)
{
	struct fuzz_term *t = o;

	if (ev->type == TELNET_EV_SEND) {
		t->queued += ev->data.size;
		return;
	}
	if (t->mode >= 2)
		return; /* dropped, or line mode: no session */
	switch (ev->type) {
	case TELNET_EV_DATA:
		tn3270_data(t->s, (const uint8_t *)ev->data.buffer, ev->data.size);
		break;
	case TELNET_EV_WILL:
	case TELNET_EV_WONT:
	case TELNET_EV_DO:
	case TELNET_EV_DONT:
		tn3270_negotiated(t->s, ev->type, ev->neg.telopt);
		break;
	case TELNET_EV_SUBNEGOTIATION:
		tn3270_subnegotiation(t->s, ev->sub.telopt, (const uint8_t *)ev->sub.buffer,
				      ev->sub.size);
		break;
	case TELNET_EV_IAC:
		if (ev->iac.cmd == TELNET_EOR)
			tn3270_eor(t->s);
		break;
	default:
		break;
	}
}

int fuzz_tn3270(const uint8_t *data, size_t size)
{
	static const telnet_telopt_t opts[] = {
	    {TELNET_TELOPT_BINARY, TELNET_WILL, TELNET_DO},
	    {TELNET_TELOPT_EOR, TELNET_WILL, TELNET_DO},
	    {TELNET_TELOPT_TTYPE, TELNET_WONT, TELNET_DO},
	    {40, TELNET_WONT, TELNET_DO},
	    {-1, 0, 0},
	};
	struct tn3270_host host = {
	    .telnet = ft_telnet,
	    .room = ft_room,
	    .flush = ft_flush,
	    .mode = ft_mode,
	    .line = ft_line,
	    .key = ft_key,
	    .state = ft_state,
	    .more = ft_more,
	    .opaque = &fuzz_t,
	};
	struct fuzz_term *t = &fuzz_t;

	memset(t, 0, sizeof(*t));
	t->tn = telnet_init(opts, ft_event, 0, t);
	t->s = tn3270_new(&host, NULL, "FUZZ");
	if (t->tn && t->s) {
		tn3270_start(t->s);
		/* in pieces, as reads from a socket come */
		for (size_t pos = 0; pos < size && t->mode < 2;) {
			size_t n = size - pos < 97 ? size - pos : 97;

			telnet_recv(t->tn, (const char *)data + pos, n);
			pos += n;
		}
	}
	tn3270_free(t->s);
	if (t->tn)
		telnet_free(t->tn);
	t->s = NULL;
	t->tn = NULL;
	return 0;
}

int fuzz_tn3270_result(char *last_line, size_t size)
{
	snprintf(last_line, size, "%s", fuzz_t.last);
	return fuzz_t.mode | fuzz_t.lines << 4;
}
