// SPDX-License-Identifier: MIT
/*
 * The machine as an ELF core file (machine/machine.h, machine_write_core),
 * the layout of a Linux kdump vmcore for riscv64 as gdb and crash read it:
 *
 *   ELF header (ET_CORE, EM_RISCV, ELFCLASS64, little endian)
 *   program headers: PT_NOTE; one PT_LOAD for all of storage at its guest
 *     physical address (p_paddr = p_vaddr); one PT_LOAD per run of the
 *     guest's kernel-half mappings (from satp's page tables, virtual
 *     p_vaddr), whose file bytes are the same storage bytes
 *   notes: per hart (gdb shows each as a thread) NT_PRSTATUS (pc, x1..x31 as Linux's
 * user_regs_struct) and NT_PRFPREG (f0..f31, fcsr); NT_AUXV with AT_HWCAP (RV64IMAFDC, which is how
 * gdb knows the f registers); VMCOREINFO when the guest kernel has one (the page that starts
 * "OSRELEASE=", as Linux's vmcoreinfo_data) storage, page aligned; zero pages are holes, so an idle
 * 1 GiB guest makes a small file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/internal.h"
#include "machine/machine.h"
#include "util/file.h"

#define EM_RISCV      243
#define NT_PRSTATUS   1
#define NT_PRFPREG    2
#define NT_AUXV	      6
#define AT_HWCAP      16
#define NT_VMCOREINF  0
#define CORE_MAX_SEGS 60000 /* kernel-half runs kept; e_phnum is 16 bits */

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/* Linux's struct elf_prstatus on 64-bit: 112 bytes, then pr_reg, pr_fpvalid. */
struct prstatus {
	uint8_t head[32]; /* siginfo, cursig, sigpend, sighold */
	uint32_t pid, ppid, pgrp, sid;
	uint8_t times[64];
	uint64_t reg[32]; /* pc, x1..x31 */
	uint32_t fpvalid;
	uint32_t pad;
};

struct fpregs {
	uint64_t f[32];
	uint32_t fcsr;
	uint32_t pad;
};

struct seg {
	uint64_t va, pa, len;
};

struct segs {
	struct seg *v;
	size_t n, cap;
};

/* A leaf mapping [va, va+len) -> pa: merged into the last run when it continues it. */
static void seg_add(struct segs *s, uint64_t va, uint64_t pa, uint64_t len)
{
	struct seg *last = s->n ? &s->v[s->n - 1] : NULL;

	if (last && last->va + last->len == va && last->pa + last->len == pa) {
		last->len += len;
		return;
	}
	if (s->n >= CORE_MAX_SEGS)
		return;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 256;
		struct seg *nv = realloc(s->v, ncap * sizeof(*nv));

		if (!nv)
			return;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n++] = (struct seg){va, pa, len};
}

static uint64_t sext_va(uint64_t va, int bits)
{
	return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits));
}

/* The page table at physical table, level lvl, covering va_base up: leaves that lie in storage. */
static void walk(struct machine *m, struct segs *s, uint64_t table, int lvl, uint64_t va_base,
		 int first, int vabits)
{
	struct guest_mem *mem = &m->mem;

	if (table < RAM_BASE || !mem_contains(mem, table - RAM_BASE, 4096))
		return;
	for (int i = first; i < 512; i++) {
		uint64_t pte, shift = 12 + 9 * (uint64_t)lvl;
		uint64_t va = sext_va(va_base | ((uint64_t)i << shift), vabits);
		uint64_t pa, len = 1ull << shift;

		memcpy(&pte, mem->base + (table - RAM_BASE) + i * 8, 8);
		if (!(pte & 1))
			continue;
		pa = ((pte >> 10) & ((1ull << 44) - 1)) << 12;
		if (!(pte & 0xe)) { /* a pointer to the next level */
			if (lvl > 0)
				walk(m, s, pa, lvl - 1, va, 0, vabits);
			continue;
		}
		/* a superpage may reach past storage: its part in storage */
		if (pa >= RAM_BASE && pa - RAM_BASE < mem->size)
			seg_add(s, va, pa,
				len < mem->size - (pa - RAM_BASE) ? len
								  : mem->size - (pa - RAM_BASE));
	}
}

/* The guest kernel's mappings: the upper half of satp's address space. */
static void kernel_segs(struct machine *m, struct segs *s)
{
	uint64_t satp = m->hart->s.satp, mode = satp >> 60;
	int levels = mode == 8 ? 3 : mode == 9 ? 4 : 0;

	if (!levels)
		return;
	walk(m, s, (satp & ((1ull << 44) - 1)) << 12, levels - 1, 0, 256, 12 + 9 * levels);
}

/* The page Linux fills with "OSRELEASE=...\n..." for kdump, if storage has one. */
static size_t find_vmcoreinfo(struct machine *m, const uint8_t **text)
{
	struct guest_mem *mem = &m->mem;

	for (uint64_t off = 0; off < mem->size; off += PAGE_SIZE) {
		const uint8_t *p = mem->base + off;

		if (p[0] == 'O' && !memcmp(p, "OSRELEASE=", 10) &&
		    memmem(p, PAGE_SIZE, "PAGESIZE=", 9)) {
			*text = p;
			return strnlen((const char *)p, PAGE_SIZE);
		}
	}
	return 0;
}

static size_t note_put(uint8_t *buf, uint32_t type, const char *name, const void *desc, size_t dlen)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1, descsz = (uint32_t)dlen;
	size_t n = 12, nlen = (namesz + 3) & ~3u;

	memcpy(buf, &namesz, 4);
	memcpy(buf + 4, &descsz, 4);
	memcpy(buf + 8, &type, 4);
	memset(buf + 12, 0, nlen + ((dlen + 3) & ~3u));
	memcpy(buf + n, name, namesz);
	n += nlen;
	memcpy(buf + n, desc, dlen);
	return n + ((dlen + 3) & ~3u);
}

/* One hart's NT_PRSTATUS and NT_PRFPREG (gdb: a thread each, pid = hart + 1). */
static size_t hart_notes(struct hart *h, int index, uint8_t *buf)
{
	struct hart_state hs;
	struct prstatus pr = {0};
	struct fpregs fp = {0};
	size_t n = 0;

	hart_get_state(h, &hs);
	pr.pid = (uint32_t)index + 1;
	pr.reg[0] = hs.pc;
	for (int i = 1; i < 32; i++)
		pr.reg[i] = hs.x[i];
	pr.fpvalid = 1;
	memcpy(fp.f, hs.f, sizeof(fp.f));
	fp.fcsr = (uint32_t)hs.fcsr;
	n += note_put(buf + n, NT_PRSTATUS, "CORE", &pr, sizeof(pr));
	/* f0..f31 and fcsr: 260 bytes, the size gdb's riscv regset wants */
	n += note_put(buf + n, NT_PRFPREG, "CORE", &fp, 32 * 8 + 4);
	return n;
}

/* The notes into buf (1 KiB a hart, 1 KiB, infolen); their length. */
static size_t core_notes(struct machine *m, uint8_t *buf, const uint8_t *info, size_t infolen)
{
	size_t n = 0;

	for (int i = 0; i < m->nharts; i++)
		n += hart_notes(m->harts[i], i, buf + n);
	/* AT_HWCAP as Linux gives it (a bit per ISA letter): gdb learns F and D from it */
	const uint64_t auxv[4] = {AT_HWCAP,
				  1u << ('I' - 'A') | 1u << ('M' - 'A') | 1u << ('A' - 'A') |
				      1u << ('F' - 'A') | 1u << ('D' - 'A') | 1u << ('C' - 'A'),
				  0, 0};
	n += note_put(buf + n, NT_AUXV, "CORE", auxv, sizeof(auxv));
	if (infolen)
		n += note_put(buf + n, NT_VMCOREINF, "VMCOREINFO", info, infolen);
	return n;
}

static void core_ehdr(struct elf64_ehdr *e, size_t phnum)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->ident,
	       "\x7f"
	       "ELF",
	       4);
	e->ident[4] = 2; /* ELFCLASS64 */
	e->ident[5] = 1; /* little endian */
	e->ident[6] = 1; /* EV_CURRENT */
	e->type = 4;	 /* ET_CORE */
	e->machine = EM_RISCV;
	e->version = 1;
	e->phoff = sizeof(*e);
	e->ehsize = sizeof(*e);
	e->phentsize = sizeof(struct elf64_phdr);
	e->phnum = (uint16_t)phnum;
}

/* Headers and notes: everything before the storage at data_off. */
static int core_head(struct machine *m, int fd, const struct segs *s, uint64_t *data_off)
{
	const uint8_t *info = NULL;
	size_t infolen = find_vmcoreinfo(m, &info);
	size_t phnum = 2 + s->n, notes_cap = 1024 * (size_t)m->nharts + 1024 + infolen;
	size_t head = sizeof(struct elf64_ehdr) + phnum * sizeof(struct elf64_phdr);
	uint8_t *buf = calloc(1, head + notes_cap);
	struct elf64_phdr *ph;
	size_t notes_len;
	int ret;

	if (!buf)
		return -ENOMEM;
	notes_len = core_notes(m, buf + head, info, infolen);
	*data_off = (head + notes_len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	core_ehdr((struct elf64_ehdr *)buf, phnum);
	ph = (struct elf64_phdr *)(buf + sizeof(struct elf64_ehdr));
	ph[0] = (struct elf64_phdr){.type = 4, .offset = head, .filesz = notes_len, .align = 4};
	ph[1] = (struct elf64_phdr){.type = 1,
				    .flags = 7,
				    .offset = *data_off,
				    .vaddr = RAM_BASE,
				    .paddr = RAM_BASE,
				    .filesz = m->mem.size,
				    .memsz = m->mem.size,
				    .align = PAGE_SIZE};
	for (size_t i = 0; i < s->n; i++)
		ph[2 + i] = (struct elf64_phdr){.type = 1,
						.flags = 7,
						.offset = *data_off + (s->v[i].pa - RAM_BASE),
						.vaddr = s->v[i].va,
						.paddr = s->v[i].pa,
						.filesz = s->v[i].len,
						.memsz = s->v[i].len,
						.align = PAGE_SIZE};
	ret = file_pwrite_full(fd, buf, head + notes_len, 0);
	free(buf);
	return ret;
}

static bool page_zero(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)p;

	for (size_t i = 0; i < PAGE_SIZE / 8; i++)
		if (w[i])
			return false;
	return true;
}

/* Storage at off, non-zero pages only, in as few writes as the runs allow. */
static int core_pages(struct guest_mem *mem, int fd, uint64_t off, uint64_t *written)
{
	uint64_t run = 0;

	*written = 0;
	for (uint64_t i = 0; i < mem->size; i += PAGE_SIZE) {
		if (!page_zero(mem->base + i)) {
			run += PAGE_SIZE;
			continue;
		}
		if (run) {
			int ret = file_pwrite_full(fd, mem->base + i - run, run, off + i - run);

			if (ret < 0)
				return ret;
			*written += run;
		}
		run = 0;
	}
	if (run) {
		int ret =
		    file_pwrite_full(fd, mem->base + mem->size - run, run, off + mem->size - run);

		if (ret < 0)
			return ret;
		*written += run;
	}
	return 0;
}

int machine_write_core(struct machine *m, int fd, struct machine_core_stats *st)
{
	struct segs s = {0};
	uint64_t data_off = 0;
	int ret;

	memset(st, 0, sizeof(*st));
	kernel_segs(m, &s);
	ret = core_head(m, fd, &s, &data_off);
	if (!ret && ftruncate(fd, (off_t)(data_off + m->mem.size)) < 0)
		ret = -errno;
	if (!ret)
		ret = core_pages(&m->mem, fd, data_off, &st->data_bytes);
	st->file_size = data_off + m->mem.size;
	st->segments = s.n;
	free(s.v);
	return ret;
}
