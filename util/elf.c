// SPDX-License-Identifier: MIT
/* ELF64 loader and symbol lookup.  See elf.h. */
#include "util/elf.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* true if [off, off+len) lies inside the file */
static bool in_file(const struct elf_file *f, uint64_t off, uint64_t len)
{
	return off <= f->size && len <= f->size - off;
}

/* Copies a structure out of the file: offsets in a file need not be aligned. */
static bool read_at(const struct elf_file *f, uint64_t off, void *dst, size_t len)
{
	if (!in_file(f, off, len))
		return false;
	memcpy(dst, f->data + off, len);
	return true;
}

static bool elf_header(const struct elf_file *f, Elf64_Ehdr *eh)
{
	return read_at(f, 0, eh, sizeof(*eh)) && !memcmp(eh->e_ident, ELFMAG, SELFMAG) &&
	       eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_ident[EI_DATA] == ELFDATA2LSB &&
	       eh->e_machine == EM_RISCV;
}

int elf_open(struct elf_file *f, const char *path)
{
	Elf64_Ehdr eh;
	struct stat st;
	int fd, ret = 0;
	void *p;

	f->data = NULL;
	f->size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out;
	}
	if (st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		ret = -ENOEXEC;
		goto out;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	f->data = p;
	f->size = (size_t)st.st_size;
	if (!elf_header(f, &eh)) {
		elf_close(f);
		ret = -ENOEXEC;
	}
out:
	close(fd);
	return ret;
}

void elf_close(struct elf_file *f)
{
	if (f->data)
		munmap((void *)f->data, f->size);
	f->data = NULL;
	f->size = 0;
}

int elf_load(const struct elf_file *f, elf_place_fn *place, void *ctx, uint64_t *entry)
{
	Elf64_Ehdr eh;
	int loaded = 0, ret;

	if (!elf_header(f, &eh) || eh.e_phentsize != sizeof(Elf64_Phdr))
		return -ENOEXEC;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		uint8_t *dst;

		if (!read_at(f, eh.e_phoff + (uint64_t)i * sizeof(ph), &ph, sizeof(ph)))
			return -ENOEXEC;
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || !in_file(f, ph.p_offset, ph.p_filesz))
			return -ENOEXEC;
		ret = place(ctx, ph.p_paddr, ph.p_memsz, &dst);
		if (ret)
			return ret;
		memcpy(dst, f->data + ph.p_offset, ph.p_filesz);
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
		loaded++;
	}
	if (!loaded)
		return -ENOEXEC;
	*entry = eh.e_entry;
	return 0;
}

/* Looks name up in one symbol table section; 0 when found. */
static int symtab_find(const struct elf_file *f, const Elf64_Ehdr *eh, const Elf64_Shdr *sh,
		       const char *name, uint64_t *value)
{
	size_t namelen = strlen(name);
	Elf64_Shdr str;
	Elf64_Sym sym;

	if (sh->sh_link >= eh->e_shnum || sh->sh_entsize != sizeof(sym) ||
	    !read_at(f, eh->e_shoff + (uint64_t)sh->sh_link * sizeof(str), &str, sizeof(str)) ||
	    !in_file(f, str.sh_offset, str.sh_size))
		return -ENOENT;
	for (uint64_t j = 0; j < sh->sh_size / sizeof(sym); j++) {
		if (!read_at(f, sh->sh_offset + j * sizeof(sym), &sym, sizeof(sym)))
			break;
		/* the name and its terminating NUL must lie inside the string table */
		if (sym.st_name >= str.sh_size || str.sh_size - sym.st_name <= namelen)
			continue;
		if (!memcmp(f->data + str.sh_offset + sym.st_name, name, namelen + 1)) {
			*value = sym.st_value;
			return 0;
		}
	}
	return -ENOENT;
}

int elf_symbol(const struct elf_file *f, const char *name, uint64_t *value)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh;

	if (!elf_header(f, &eh) || eh.e_shentsize != sizeof(sh))
		return -ENOENT;
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		if (!read_at(f, eh.e_shoff + (uint64_t)i * sizeof(sh), &sh, sizeof(sh)))
			return -ENOEXEC;
		if (sh.sh_type == SHT_SYMTAB && symtab_find(f, &eh, &sh, name, value) == 0)
			return 0;
	}
	return -ENOENT;
}
