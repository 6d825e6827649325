// SPDX-License-Identifier: MIT
/*
 * Laying out storage for a boot (DESIGN §2, machine/layout.h): the kernel
 * at real 0x200000, the initrd above it, the device tree, the entry stub
 * at real 0x10000 and the IPL information at real 0; or, with firmware,
 * the firmware at real 0 and the device tree at the top of storage.
 */
#include "machine/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <libfdt.h>
#include <string.h>

#include "machine/fdt.h"
#include "machine/ipl.h"
#include "machine/layout.h"
#include "util/errbuf.h"

#define ALIGN_2M	0x200000ULL
#define FDT_BUF_SIZE	0x10000
#define IMAGE_MAGIC_OFF 48 /* RISC-V Linux Image header: "RISCV\0\0\0" */
#define IMAGE_SIZE_OFF	16 /* effective size, including bss */

/* mideleg/medeleg as OpenSBI leaves them, but delegating every exception
 * there is no firmware to handle: all but ECALL from S and M. */
#define DELEG_INTERRUPTS (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define DELEG_EXCEPTIONS 0xb1ffULL

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* How much storage the kernel occupies once running: its header says, bss included. */
static uint64_t kernel_span(const uint8_t *k, size_t klen)
{
	uint64_t size;

	if (klen < 64 || memcmp(k + IMAGE_MAGIC_OFF, "RISCV\0\0\0", 8))
		return klen;
	memcpy(&size, k + IMAGE_SIZE_OFF, 8);
	return size > klen ? size : klen;
}

/* A host pointer to [real, real+len) of storage the loader may fill, or NULL. */
static void *load_ptr(struct machine *m, uint64_t real, uint64_t len)
{
	return mem_dma(&m->mem, real, len, true);
}

static int load_fdt(struct machine *m, const char *bootargs)
{
	struct machine_fdt_params p = {
	    .mem_size = m->mem.size,
	    .bootargs = bootargs,
	    .initrd_start = m->initrd_start,
	    .initrd_end = m->initrd_end,
	    .reserve_ipl = !m->bios,
	    .nvirtio = m->cfg.ndisks,
	    .nnics = m->cfg.nnics,
	    .segs = m->segs,
	    .nsegs = m->nsegs,
	    .nharts = m->nharts,
	};
	uint64_t room = m->bios ? m->mem.size - m->fdt_real : IPL_FDT_MAX;
	void *dst = load_ptr(m, m->fdt_real, room);

	if (!dst)
		return -EFAULT;
	return machine_fdt_build(dst, room, &p);
}

int machine_set_initrd(struct machine *m, uint64_t start, uint64_t end)
{
	m->initrd_start = m->initrd_end = 0;
	if (start == end)
		return 0;
	if (start > end || start < RAM_BASE ||
	    !mem_contains(&m->mem, start - RAM_BASE, end - start))
		return -EINVAL;
	m->initrd_start = start;
	m->initrd_end = end;
	return 0;
}

int machine_write_fdt(struct machine *m, const char *bootargs)
{
	machine_pause(m);
	return load_fdt(m, bootargs);
}

const void *machine_fdt(struct machine *m)
{
	const void *fdt = mem_dma(&m->mem, m->fdt_real, FDT_V1_SIZE, false);

	if (!fdt || fdt_check_header(fdt) ||
	    !mem_contains(&m->mem, m->fdt_real, fdt_totalsize(fdt)))
		return NULL;
	return fdt;
}

static uint32_t rv_i(uint32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t op)
{
	return imm << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

/*
 * The entry stub: a0 = 0 (hart id), a1 = device tree, jump to the kernel.
 * Both addresses sit in a literal pool after the code.
 */
static int load_stub(struct machine *m, uint64_t fdt, uint64_t entry)
{
	enum {
		T0 = 5,
		A0 = 10,
		A1 = 11,
		OP_IMM = 0x13,
		OP_LOAD = 0x03,
		OP_AUIPC = 0x17,
		OP_JALR = 0x67
	};
	const uint32_t code[6] = {
	    OP_AUIPC | T0 << 7,		  /* auipc t0, 0 */
	    rv_i(24, T0, 3, A1, OP_LOAD), /* ld a1, 24(t0) */
	    rv_i(32, T0, 3, T0, OP_LOAD), /* ld t0, 32(t0) */
	    rv_i(0, 0, 0, A0, OP_IMM),	  /* li a0, 0 */
	    rv_i(0, T0, 0, 0, OP_JALR),	  /* jr t0 */
	    rv_i(0, 0, 0, 0, OP_IMM),	  /* nop (pads the pool to 8 bytes) */
	};
	uint8_t *p = load_ptr(m, IPL_STUB_REAL, sizeof(code) + 16);

	if (!p)
		return -EFAULT;
	memcpy(p, code, sizeof(code));
	memcpy(p + sizeof(code), &fdt, 8);
	memcpy(p + sizeof(code) + 8, &entry, 8);
	return 0;
}

static int load_info(struct machine *m, uint64_t kernel, uint64_t klen)
{
	struct ipl_info info = {
	    .version = 1,
	    .kernel = kernel,
	    .kernel_len = klen,
	    .initrd = m->initrd_start,
	    .initrd_len = m->initrd_end - m->initrd_start,
	    .fdt = RAM_BASE + m->fdt_real,
	    .fdt_len = machine_fdt(m) ? fdt_totalsize(machine_fdt(m)) : 0,
	    .entry = RAM_BASE + IPL_STUB_REAL,
	};
	void *p = load_ptr(m, IPL_INFO_REAL, sizeof(info));

	if (!p)
		return -EFAULT;
	memcpy(info.magic, IPL_INFO_MAGIC, 8);
	memcpy(p, &info, sizeof(info));
	return 0;
}

/* A hart as OpenSBI would hand it to Linux: S-mode, delegation set up. */
static void hart_supervisor(struct hart *h, uint64_t pc)
{
	struct hart_state s;

	hart_reset(h, pc);
	hart_get_state(h, &s);
	s.priv = PRV_S;
	s.pc = pc;
	s.medeleg = DELEG_EXCEPTIONS;
	s.mideleg = DELEG_INTERRUPTS;
	s.mcounteren = 7; /* cycle, time, instret readable from S and U */
	/* ... and, as OpenSBI leaves it, from U: Linux never sets scounteren,
	 * and its vDSO (clock_gettime) reads the time CSR in user mode. */
	s.scounteren = 7;
	hart_set_state(h, &s);
}

/* Hart 0 starts at pc; the others wait, set up the same, for SBI hart_start. */
static void start_supervisor(struct machine *m, uint64_t pc)
{
	for (int i = 0; i < m->nharts; i++) {
		hart_supervisor(m->harts[i], pc);
		hart_copy_time(m->harts[i], m->hart);
		smp_set_hsm(m, i, i == 0 ? SMP_HSM_STARTED : SMP_HSM_STOPPED);
	}
	machine_set_sbi(m, true);
}

/* Where the initrd goes: the next 2 MiB boundary above the kernel's bss. */
static int place_initrd(struct machine *m, uint64_t kspan, uint64_t ilen, uint64_t *real, char *err,
			size_t errlen)
{
	uint64_t at = align_up(IPL_KERNEL_REAL + kspan, ALIGN_2M);

	if (!ilen) {
		*real = 0;
		m->initrd_start = m->initrd_end = 0;
		return 0;
	}
	if (!mem_contains(&m->mem, at, ilen))
		return errbuf_set(
		    err, errlen, -ENOSPC,
		    "the initrd (%llu bytes at real %llx) does not fit in %llu MiB of "
		    "storage",
		    (unsigned long long)ilen, (unsigned long long)at,
		    (unsigned long long)(m->mem.size >> 20));
	*real = at;
	m->initrd_start = RAM_BASE + at;
	m->initrd_end = m->initrd_start + ilen;
	return 0;
}

/* Everything but the kernel and initrd bytes: device tree, stub, IPL information, hart. */
static int finish_ipl(struct machine *m, uint64_t klen, const char *cmdline, char *err,
		      size_t errlen)
{
	int rc;

	m->bios = false;
	m->fdt_real = IPL_FDT_REAL;
	rc = load_fdt(m, cmdline);
	if (rc)
		return errbuf_set(err, errlen, rc, "the device tree does not fit below real %llx",
				  (unsigned long long)IPL_STUB_REAL);
	rc = load_stub(m, RAM_BASE + IPL_FDT_REAL, RAM_BASE + IPL_KERNEL_REAL);
	if (!rc)
		rc = load_info(m, RAM_BASE + IPL_KERNEL_REAL, klen);
	if (rc)
		return errbuf_set(err, errlen, rc, "storage below real %llx is not writable",
				  (unsigned long long)IPL_KERNEL_REAL);
	start_supervisor(m, RAM_BASE + IPL_STUB_REAL);
	return 0;
}

static int check_kernel_fits(struct machine *m, uint64_t kspan, char *err, size_t errlen)
{
	if (!mem_contains(&m->mem, IPL_KERNEL_REAL, kspan))
		return errbuf_set(
		    err, errlen, -ENOSPC,
		    "the kernel (%llu bytes with bss) does not fit in %llu MiB of storage",
		    (unsigned long long)kspan, (unsigned long long)(m->mem.size >> 20));
	return 0;
}

/* A host pointer for loading len bytes at real, or NULL with err set (read-only storage). */
static void *load_dst(struct machine *m, uint64_t real, uint64_t len, char *err, size_t errlen)
{
	void *p = load_ptr(m, real, len);

	if (!p)
		errbuf_set(err, errlen, -EFAULT, "storage at real %llx..%llx is not writable",
			   (unsigned long long)real, (unsigned long long)(real + len));
	return p;
}

static int load_copy(struct machine *m, uint64_t real, const void *src, uint64_t len, char *err,
		     size_t errlen)
{
	void *p = load_dst(m, real, len, err, errlen);

	if (!p)
		return -EFAULT;
	memcpy(p, src, len);
	return 0;
}

/* Kernel and initrd from buffers into storage; initrd placement recorded in m. */
static int load_images(struct machine *m, const void *kernel, size_t klen, const void *initrd,
		       size_t ilen, char *err, size_t errlen)
{
	uint64_t kspan = kernel_span(kernel, klen), ireal;
	int rc = check_kernel_fits(m, kspan, err, errlen);

	if (!rc)
		rc = place_initrd(m, kspan, ilen, &ireal, err, errlen);
	if (rc)
		return rc;
	rc = load_copy(m, IPL_KERNEL_REAL, kernel, klen, err, errlen);
	if (!rc && ilen)
		rc = load_copy(m, ireal, initrd, ilen, err, errlen);
	return rc;
}

int machine_load_kernel(struct machine *m, const void *kernel, size_t klen, const void *initrd,
			size_t ilen, const char *cmdline)
{
	char err[256];
	int rc;

	machine_pause(m);
	rc = load_images(m, kernel, klen, initrd, ilen, err, sizeof(err));
	if (!rc)
		rc = finish_ipl(m, klen, cmdline, err, sizeof(err));
	if (rc)
		fprintf(stderr, "rvcp: %s\n", err);
	return rc;
}

int machine_load_bios(struct machine *m, const void *fw, size_t fwlen, const void *kernel,
		      size_t klen, const void *initrd, size_t ilen, const char *cmdline)
{
	char err[256];
	uint64_t used;
	int rc;

	machine_pause(m);
	if (fwlen > IPL_KERNEL_REAL) {
		fprintf(stderr, "rvcp: the firmware (%zu bytes) overlaps the kernel at %llx\n",
			fwlen, (unsigned long long)(RAM_BASE + IPL_KERNEL_REAL));
		return -ENOSPC;
	}
	rc = load_images(m, kernel, klen, initrd, ilen, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "rvcp: %s\n", err);
		return rc;
	}
	rc = load_copy(m, 0, fw, fwlen, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "rvcp: %s\n", err);
		return rc;
	}
	/* As QEMU does: the device tree in the last 2 MiB-aligned space of storage. */
	used =
	    m->initrd_end ? m->initrd_end - RAM_BASE : IPL_KERNEL_REAL + kernel_span(kernel, klen);
	if (m->mem.size < FDT_BUF_SIZE ||
	    (m->mem.size - FDT_BUF_SIZE) / ALIGN_2M * ALIGN_2M < used) {
		fprintf(stderr, "rvcp: no room for the device tree above the kernel\n");
		return -ENOSPC;
	}
	m->bios = true;
	m->fdt_real = (m->mem.size - FDT_BUF_SIZE) / ALIGN_2M * ALIGN_2M;
	rc = load_fdt(m, cmdline);
	if (rc)
		return rc;
	hart_reset(m->hart, RAM_BASE);
	m->hart->s.x[10] = 0;
	m->hart->s.x[11] = RAM_BASE + m->fdt_real;
	/* every hart enters the firmware, as on hardware (OpenSBI picks one to boot) */
	machine_start_all(m, RAM_BASE, RAM_BASE + m->fdt_real);
	machine_set_sbi(m, false); /* the firmware is the SBI */
	return 0;
}

/* Reads the IPL record's kernel, initrd and parameter line from disk into storage. */
static int ipl_load(struct machine *m, int fd, const struct ipl_record *rec, char *parm,
		    uint64_t *klen, char *err, size_t errlen)
{
	const struct ipl_comp *k = ipl_find(rec, IPL_COMP_KERNEL);
	const struct ipl_comp *i = ipl_find(rec, IPL_COMP_INITRD);
	const struct ipl_comp *p = ipl_find(rec, IPL_COMP_PARM);
	uint64_t kspan, ireal;
	uint8_t *kp, *ip;
	int rc = check_kernel_fits(m, k->length, err, errlen);

	if (rc)
		return rc;
	kp = load_dst(m, IPL_KERNEL_REAL, k->length, err, errlen);
	if (!kp)
		return -EFAULT;
	rc = ipl_read_comp(fd, k, kp, err, errlen);
	if (rc)
		return rc;
	*klen = k->length;
	kspan = kernel_span(kp, k->length);
	rc = check_kernel_fits(m, kspan, err, errlen);
	if (!rc)
		rc = place_initrd(m, kspan, i ? i->length : 0, &ireal, err, errlen);
	if (!rc && i) {
		ip = load_dst(m, ireal, i->length, err, errlen);
		rc = ip ? ipl_read_comp(fd, i, ip, err, errlen) : -EFAULT;
	}
	if (!rc && p)
		rc = ipl_read_comp(fd, p, parm, err, errlen); /* length < IPL_PARM_MAX, checked */
	return rc;
}

int machine_ipl_disk(struct machine *m, int disk, const char *parm, char *err, size_t errlen)
{
	const struct machine_disk *d;
	struct ipl_record rec;
	char recparm[IPL_PARM_MAX] = "", *cmdline = NULL;
	uint64_t klen = 0;
	int rc;

	machine_pause(m);
	if (disk < 0 || disk >= m->cfg.ndisks)
		return errbuf_set(err, errlen, -ENODEV, "no disk %d", disk);
	d = &m->cfg.disks[disk];
	rc = ipl_read_record(d->fd, d->size, &rec, err, errlen);
	if (!rc)
		rc = ipl_load(m, d->fd, &rec, recparm, &klen, err, errlen);
	if (rc)
		return rc;
	if (parm && *parm) {
		if (asprintf(&cmdline, "%s%s%s", recparm, *recparm ? " " : "", parm) < 0)
			return errbuf_set(err, errlen, -ENOMEM, "out of memory");
	}
	rc = finish_ipl(m, klen, cmdline ? cmdline : recparm, err, errlen);
	free(cmdline);
	return rc;
}
