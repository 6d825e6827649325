// SPDX-License-Identifier: MIT
/*
 * Reading a kernel for nssplan: ELF vmlinux or RISC-V Image + System.map
 * (cli/kimage.h).
 */
#include "cli/kimage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/errbuf.h"

#define IMAGE_HDR_LEN	64
#define IMAGE_SIZE_OFF	16 /* effective size, bss included */
#define IMAGE_MAGIC_OFF 48 /* "RISCV\0\0\0" */
#define BANNER		"Linux version "

static const char *const ksym_names[KSYM_N] = {
#define KSYM_NAME(id, name) [KSYM_##id] = name,
    KSYMS(KSYM_NAME)
#undef KSYM_NAME
};

const char *kimage_sym_name(enum ksym s)
{
	return ksym_names[s];
}

bool kimage_sym(const struct kimage *k, enum ksym s, uint64_t *v)
{
	if (!k->have[s])
		return false;
	*v = k->sym[s];
	return true;
}

/* Records name = value if name is one of the layout symbols. */
static void note_symbol(struct kimage *k, const char *name, size_t len, uint64_t value)
{
	for (int i = 0; i < KSYM_N; i++) {
		if (!k->have[i] && strlen(ksym_names[i]) == len &&
		    !memcmp(ksym_names[i], name, len)) {
			k->have[i] = true;
			k->sym[i] = value;
			return;
		}
	}
}

/* [off, off + n * size) lies inside the file. */
static bool in_file(const struct kimage *k, uint64_t off, uint64_t n, uint64_t size)
{
	return size && n <= (k->len / size) && off <= k->len && n * size <= k->len - off;
}

static void elf_symbols(struct kimage *k)
{
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(k->p + k->eh->e_shoff);

	if (!k->eh->e_shoff || k->eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(k, k->eh->e_shoff, k->eh->e_shnum, sizeof(Elf64_Shdr)))
		return;
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
			size_t room =
			    sym[j].st_name < str->sh_size ? str->sh_size - sym[j].st_name : 0;
			size_t len = room ? strnlen(s, room) : room;

			if (len < room)
				note_symbol(k, s, len, sym[j].st_value);
		}
	}
}

/* System.map: "ffffffff80000000 T _start" per line. */
static int map_symbols(struct kimage *k, const char *map, char *err, size_t errlen)
{
	FILE *f = fopen(map, "re");
	char line[512];
	int n = 0;

	if (!f)
		return errbuf_set(err, errlen, -1, "%s: %s", map, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *end, *name;
		unsigned long long v = strtoull(line, &end, 16);
		size_t len;

		if (end == line || end[0] != ' ' || !end[1] || end[2] != ' ')
			continue;
		name = end + 3;
		len = strcspn(name, " \t\r\n");
		note_symbol(k, name, len, v);
		n++;
	}
	fclose(f);
	if (!n)
		return errbuf_set(err, errlen, -1, "%s: not a System.map (no symbol lines)", map);
	return 0;
}

static int check_ehdr(struct kimage *k, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)k->p;

	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return errbuf_set(err, errlen, -1, "not a 64-bit little-endian ELF file");
	if (eh->e_machine != EM_RISCV)
		return errbuf_set(err, errlen, -1,
				  "not a RISC-V kernel (e_machine is not EM_RISCV)");
	if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !in_file(k, eh->e_phoff, eh->e_phnum, sizeof(Elf64_Phdr)))
		return errbuf_set(err, errlen, -1, "program headers outside the file");
	k->eh = eh;
	return 0;
}

/* base, top, and the end of the executable segment (a fallback for _etext). */
static int elf_segments(struct kimage *k, char *err, size_t errlen)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(k->p + k->eh->e_phoff);
	bool any = false;

	for (int i = 0; i < k->eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		if (ph[i].p_vaddr + ph[i].p_memsz < ph[i].p_vaddr)
			return errbuf_set(err, errlen, -1,
					  "segment wraps around the address space");
		if (ph[i].p_filesz > ph[i].p_memsz ||
		    !in_file(k, ph[i].p_offset, ph[i].p_filesz, 1))
			return errbuf_set(err, errlen, -1, "segment outside the file");
		if (!any || ph[i].p_vaddr < k->base)
			k->base = ph[i].p_vaddr;
		if (!any || ph[i].p_vaddr + ph[i].p_memsz > k->top)
			k->top = ph[i].p_vaddr + ph[i].p_memsz;
		if (ph[i].p_flags & PF_X) {
			k->nx++;
			if (ph[i].p_vaddr + ph[i].p_filesz > k->xend)
				k->xend = ph[i].p_vaddr + ph[i].p_filesz;
		}
		any = true;
	}
	if (!any)
		return errbuf_set(err, errlen, -1, "no loadable segment");
	return 0;
}

/*
 * An Image has no addresses of its own: its first byte is _start.  The
 * map must be the one of this build: the header's size is _end - _start,
 * and linux_banner is where the map says.
 */
static int image_layout(struct kimage *k, char *err, size_t errlen)
{
	uint64_t size, start, end, banner;
	char text[sizeof(BANNER) - 1];

	memcpy(&size, k->p + IMAGE_SIZE_OFF, 8);
	if (!kimage_sym(k, KSYM_START, &start) || !kimage_sym(k, KSYM_END, &end))
		return errbuf_set(err, errlen, -1, "the System.map has no _start or _end");
	if (end < start || end - start != size || size < k->len)
		return errbuf_set(err, errlen, -1,
				  "the System.map does not belong to this Image (_end - _start "
				  "is %#llx, the Image header says %#llx)",
				  (unsigned long long)(end - start), (unsigned long long)size);
	k->base = start;
	k->top = end;
	if (kimage_sym(k, KSYM_BANNER, &banner) &&
	    (kimage_read(k, banner, text, sizeof(text)) || memcmp(text, BANNER, sizeof(text))))
		return errbuf_set(err, errlen, -1,
				  "the System.map does not belong to this Image (no banner at "
				  "linux_banner)");
	return 0;
}

static int open_elf(struct kimage *k, const char *map, char *err, size_t errlen)
{
	if (check_ehdr(k, err, errlen) || elf_segments(k, err, errlen))
		return -1;
	if (map)
		return map_symbols(k, map, err, errlen);
	elf_symbols(k);
	return 0;
}

static int open_image(struct kimage *k, const char *map, char *err, size_t errlen)
{
	if (!map)
		return errbuf_set(err, errlen, -1,
				  "a RISC-V Image has no symbols: give its System.map (--map)");
	if (map_symbols(k, map, err, errlen))
		return -1;
	k->from_map = true;
	return image_layout(k, err, errlen);
}

static int map_file(struct kimage *k, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		ret = errbuf_set(err, errlen, -1, "%s", strerror(errno));
	else if (!S_ISREG(st.st_mode) || st.st_size == 0)
		ret = errbuf_set(err, errlen, -1, "not a regular, non-empty file");
	if (!ret) {
		k->len = (size_t)st.st_size;
		k->p = mmap(NULL, k->len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (k->p == MAP_FAILED) {
			k->p = NULL;
			ret = errbuf_set(err, errlen, -1, "%s", strerror(errno));
		}
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

int kimage_open(struct kimage *k, const char *path, const char *map, char *err, size_t errlen)
{
	memset(k, 0, sizeof(*k));
	if (map_file(k, path, err, errlen))
		return -1;
	if (k->len >= sizeof(Elf64_Ehdr) && !memcmp(k->p, ELFMAG, SELFMAG))
		return open_elf(k, map, err, errlen);
	if (k->len >= IMAGE_HDR_LEN && !memcmp(k->p + IMAGE_MAGIC_OFF, "RISCV\0\0\0", 8))
		return open_image(k, map, err, errlen);
	return errbuf_set(err, errlen, -1, "not an ELF file, nor a RISC-V Image");
}

void kimage_close(struct kimage *k)
{
	if (k->p)
		munmap((void *)k->p, k->len);
	k->p = NULL;
}

/* File offset of [v, v + n) in segment ph, or -1; *zero when it is bss. */
static int64_t elf_offset(const struct kimage *k, uint64_t v, size_t n, bool *zero)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(k->p + k->eh->e_phoff);

	for (int i = 0; i < k->eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || v < ph[i].p_vaddr ||
		    v - ph[i].p_vaddr > ph[i].p_memsz || n > ph[i].p_memsz - (v - ph[i].p_vaddr))
			continue;
		*zero = v - ph[i].p_vaddr >= ph[i].p_filesz;
		if (!*zero && n > ph[i].p_filesz - (v - ph[i].p_vaddr))
			return -1; /* straddles the end of the file bytes: not a table */
		return (int64_t)(ph[i].p_offset + (v - ph[i].p_vaddr));
	}
	return -1;
}

int kimage_read(const struct kimage *k, uint64_t v, void *buf, size_t n)
{
	bool zero = false;
	int64_t off;

	if (k->eh) {
		off = elf_offset(k, v, n, &zero);
	} else {
		if (v < k->base || v - k->base > k->top - k->base || n > k->top - v)
			return -1;
		off = (int64_t)(v - k->base);
		zero = (uint64_t)off >= k->len;
		if (!zero && n > k->len - (uint64_t)off)
			return -1;
	}
	if (off < 0)
		return -1;
	if (zero)
		memset(buf, 0, n);
	else
		memcpy(buf, k->p + off, n);
	return 0;
}
