// SPDX-License-Identifier: MIT
/*
 * rvcp nssplan VMLINUX: the DEFSYS line that shares the most kernel text.
 *
 * The IPL loader puts the kernel image (the vmlinux's loadable segments,
 * from the lowest one on) at real 0x200000, so a kernel virtual address v
 * is real v - base + 0x200000, base being the lowest PT_LOAD address.
 *
 * What can be shared read-only (SR):
 *   - the kernel text, [base, _etext): the head code and .text; the kernel
 *     never stores into it unless it patches code (jump labels, ftrace,
 *     kprobes, relocation), which the guest's config leaves out;
 *   - the pages between the IPL area and the kernel, from 1 MiB to 2 MiB:
 *     they are reserved in the device tree and nothing is loaded there.
 * Segment 0 holds the device tree, which IPL rewrites per guest, so it is
 * exclusive.  Shared and exclusive pages may not share a 1 MiB segment, so
 * SR is the whole segments from 1 MiB up to the last one wholly below
 * _etext; EW covers everything else up to the end of the image (_end, with
 * its bss).  This reproduces the seed's 0-FF EW 100-2FF SR 300-4FF EW.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "machine/layout.h"
#include "spool/spool.h"

#define SEG_BYTES (SPOOL_SEG_PAGES * SPOOL_PAGE)

struct kimage {
	const uint8_t *p;
	size_t len;
	const Elf64_Ehdr *eh;
	uint64_t base;	/* lowest PT_LOAD address */
	uint64_t top;	/* highest PT_LOAD end (memsz) */
	uint64_t etext; /* end of the text */
	uint64_t end;	/* _end, or top */
};

static int bad(const char *path, const char *why)
{
	fprintf(stderr, "rvcp nssplan: %s: %s\n", path, why);
	return -1;
}

/* [off, off + n * size) lies inside the file. */
static bool in_file(const struct kimage *k, uint64_t off, uint64_t n, uint64_t size)
{
	return size && n <= (k->len / size) && off <= k->len && n * size <= k->len - off;
}

static int check_ehdr(struct kimage *k, const char *path)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)k->p;

	if (k->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return bad(path, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return bad(path, "not a 64-bit little-endian ELF file");
	if (eh->e_machine != EM_RISCV)
		return bad(path, "not a RISC-V kernel (e_machine is not EM_RISCV)");
	if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !in_file(k, eh->e_phoff, eh->e_phnum, sizeof(Elf64_Phdr)))
		return bad(path, "program headers outside the file");
	k->eh = eh;
	return 0;
}

/* base, top, and the end of the executable segment (a fallback for _etext). */
static int scan_segments(struct kimage *k, const char *path, uint64_t *xend, int *nx)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(k->p + k->eh->e_phoff);
	bool any = false;

	*xend = 0, *nx = 0;
	for (int i = 0; i < k->eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		if (ph[i].p_vaddr + ph[i].p_memsz < ph[i].p_vaddr)
			return bad(path, "segment wraps around the address space");
		if (!any || ph[i].p_vaddr < k->base)
			k->base = ph[i].p_vaddr;
		if (!any || ph[i].p_vaddr + ph[i].p_memsz > k->top)
			k->top = ph[i].p_vaddr + ph[i].p_memsz;
		if (ph[i].p_flags & PF_X) {
			(*nx)++;
			if (ph[i].p_vaddr + ph[i].p_filesz > *xend)
				*xend = ph[i].p_vaddr + ph[i].p_filesz;
		}
		any = true;
	}
	if (!any)
		return bad(path, "no loadable segment");
	return 0;
}

static const Elf64_Shdr *sections(const struct kimage *k)
{
	const Elf64_Ehdr *eh = k->eh;

	if (!eh->e_shoff || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(k, eh->e_shoff, eh->e_shnum, sizeof(Elf64_Shdr)))
		return NULL;
	return (const Elf64_Shdr *)(k->p + eh->e_shoff);
}

/* Value of a symbol from .symtab, or 0 when absent. */
static uint64_t symbol(const struct kimage *k, const char *name)
{
	const Elf64_Shdr *sh = sections(k);

	if (!sh)
		return 0;
	for (int i = 0; i < k->eh->e_shnum; i++) {
		const Elf64_Shdr *st = &sh[i], *str;
		const Elf64_Sym *sym;
		uint64_t n;

		if (st->sh_type != SHT_SYMTAB || st->sh_link >= k->eh->e_shnum)
			continue;
		str = &sh[st->sh_link];
		n = st->sh_size / sizeof(Elf64_Sym);
		if (!in_file(k, st->sh_offset, n, sizeof(Elf64_Sym)) ||
		    !in_file(k, str->sh_offset, str->sh_size, 1))
			continue;
		sym = (const Elf64_Sym *)(k->p + st->sh_offset);
		for (uint64_t j = 0; j < n; j++) {
			const char *s = (const char *)k->p + str->sh_offset + sym[j].st_name;

			if (sym[j].st_name < str->sh_size &&
			    strnlen(s, str->sh_size - sym[j].st_name) <
				str->sh_size - sym[j].st_name &&
			    !strcmp(s, name))
				return sym[j].st_value;
		}
	}
	return 0;
}

static int find_text(struct kimage *k, const char *path)
{
	uint64_t xend, end;
	int nx, ret = scan_segments(k, path, &xend, &nx);

	if (ret)
		return ret;
	k->etext = symbol(k, "_etext");
	if (!k->etext) {
		/* No symbols: the executable segment, if it is not everything. */
		if (nx != 1 || xend >= k->top)
			return bad(path, "no _etext symbol and no separate text segment");
		k->etext = xend;
	}
	end = symbol(k, "_end");
	k->end = end ? end : k->top;
	if (k->etext <= k->base || k->etext > k->end || k->end > k->top + SEG_BYTES)
		return bad(path, "_etext/_end lie outside the loaded image");
	if (k->end - k->base > (uint64_t)SPOOL_MAX_PAGE * SPOOL_PAGE - IPL_KERNEL_REAL)
		return bad(path, "image too large");
	return 0;
}

static uint64_t real_of(const struct kimage *k, uint64_t v)
{
	return v - k->base + IPL_KERNEL_REAL;
}

static int plan(const struct kimage *k, const char *name, uint64_t minsize)
{
	uint64_t etext = real_of(k, k->etext), end = real_of(k, k->end);
	uint64_t sr_first = IPL_RESERVED / 2 / SPOOL_PAGE;	      /* segment 1: page 100 */
	uint64_t sr_end = etext / SEG_BYTES * SEG_BYTES / SPOOL_PAGE; /* whole segments */
	uint64_t last = (end + SPOOL_PAGE - 1) / SPOOL_PAGE - 1;
	uint64_t need = (last + 1) * SPOOL_PAGE;

	if (minsize < need)
		minsize = (need + SEG_BYTES - 1) / SEG_BYTES * SEG_BYTES;
	fprintf(stderr, "kernel text real %#llx-%#llx, image end %#llx\n",
		(unsigned long long)IPL_KERNEL_REAL, (unsigned long long)etext,
		(unsigned long long)end);
	if (sr_end <= sr_first) {
		fprintf(stderr, "text ends below 2 MiB: nothing can be shared\n");
		printf("DEFSYS %s 0-%llX EW", name, (unsigned long long)last);
	} else if (sr_end > last) {
		printf("DEFSYS %s 0-%llX EW %llX-%llX SR", name, (unsigned long long)sr_first - 1,
		       (unsigned long long)sr_first, (unsigned long long)last);
	} else {
		printf("DEFSYS %s 0-%llX EW %llX-%llX SR %llX-%llX EW", name,
		       (unsigned long long)sr_first - 1, (unsigned long long)sr_first,
		       (unsigned long long)sr_end - 1, (unsigned long long)sr_end,
		       (unsigned long long)last);
	}
	if (minsize % (1 << 20) == 0)
		printf(" MINSIZE=%lluM\n", (unsigned long long)(minsize >> 20));
	else
		printf(" MINSIZE=%lluK\n", (unsigned long long)(minsize >> 10));
	return 0;
}

static int parse_minsize(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s)
		return -1;
	if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'G' || *end == 'g')
		v <<= 30, end++;
	if (*end || !v || v % SPOOL_PAGE)
		return -1;
	*out = v;
	return 0;
}

int nssplan_main(int argc, char **argv)
{
	struct kimage k = {0};
	uint64_t minsize = 64ull << 20;
	const char *path = NULL, *name = "LXSHR";
	struct stat st;
	int fd, ret = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--minsize") && i + 1 < argc) {
			if (parse_minsize(argv[++i], &minsize) < 0) {
				fprintf(stderr, "rvcp nssplan: bad --minsize %s\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--name") && i + 1 < argc) {
			name = argv[++i];
		} else if (!path && argv[i][0] != '-') {
			path = argv[i];
		} else {
			path = NULL;
			break;
		}
	}
	if (!path) {
		fprintf(stderr, "usage: rvcp nssplan [--name LXSHR] [--minsize 64M] VMLINUX\n");
		return 2;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "rvcp nssplan: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		bad(path, "not a regular, non-empty file");
		goto out;
	}
	k.len = (size_t)st.st_size;
	k.p = mmap(NULL, k.len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (k.p == MAP_FAILED) {
		fprintf(stderr, "rvcp nssplan: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (check_ehdr(&k, path) == 0 && find_text(&k, path) == 0)
		ret = plan(&k, name, minsize);
	munmap((void *)k.p, k.len);
out:
	if (fd >= 0)
		close(fd);
	return ret;
}
