// SPDX-License-Identifier: MIT
/*
 * util/elf: a small RISC-V ELF64 built here loads (data copied, bss
 * zeroed, entry returned) and its symbols are found; every truncation and
 * thousands of corruptions of it are refused or loaded without reading or
 * writing out of bounds (run under ASan in make check), and a segment
 * outside storage is refused.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem/mem.h"
#include "util/elf.h"

#define MEM_SIZE (1ULL << 20)

struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint8_t data[16];
	Elf64_Sym sym[3];
	char str[32];
	char shstr[1];
	Elf64_Shdr sh[3];
};

static void build(struct image *im, uint64_t paddr)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.e_ident, ELFMAG, SELFMAG);
	im->eh.e_ident[EI_CLASS] = ELFCLASS64;
	im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im->eh.e_ident[EI_VERSION] = EV_CURRENT;
	im->eh.e_type = ET_EXEC;
	im->eh.e_machine = EM_RISCV;
	im->eh.e_entry = paddr + 4;
	im->eh.e_phoff = offsetof(struct image, ph);
	im->eh.e_phentsize = sizeof(Elf64_Phdr);
	im->eh.e_phnum = 1;
	im->eh.e_shoff = offsetof(struct image, sh);
	im->eh.e_shentsize = sizeof(Elf64_Shdr);
	im->eh.e_shnum = 3;
	im->ph.p_type = PT_LOAD;
	im->ph.p_offset = offsetof(struct image, data);
	im->ph.p_paddr = im->ph.p_vaddr = paddr;
	im->ph.p_filesz = sizeof(im->data);
	im->ph.p_memsz = 64; /* 48 bytes of bss */
	for (int i = 0; i < 16; i++)
		im->data[i] = (uint8_t)(0xa0 + i);
	strcpy(im->str + 1, "tohost");
	strcpy(im->str + 8, "fromhost");
	im->sym[1].st_name = 1;
	im->sym[1].st_value = paddr + 0x100;
	im->sym[2].st_name = 8;
	im->sym[2].st_value = paddr + 0x140;
	im->sh[1].sh_type = SHT_SYMTAB;
	im->sh[1].sh_offset = offsetof(struct image, sym);
	im->sh[1].sh_size = sizeof(im->sym);
	im->sh[1].sh_entsize = sizeof(Elf64_Sym);
	im->sh[1].sh_link = 2;
	im->sh[2].sh_type = SHT_STRTAB;
	im->sh[2].sh_offset = offsetof(struct image, str);
	im->sh[2].sh_size = sizeof(im->str);
}

static int write_file(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (len && fwrite(p, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

/* Opens, loads and looks up path; the result does not matter, only safety. */
static int try_file(const char *path, struct guest_mem *m, uint64_t *entry)
{
	struct elf_file f;
	uint64_t v;
	int ret = elf_open(&f, path);

	if (ret)
		return ret;
	ret = mem_load_elf(m, &f, entry);
	elf_symbol(&f, "tohost", &v);
	elf_symbol(&f, "fromhost", &v);
	elf_close(&f);
	return ret;
}

int main(void)
{
	char path[] = "/tmp/elf_load.XXXXXX";
	struct guest_mem m;
	struct image im;
	struct elf_file f;
	uint64_t entry = 0, v = 0;
	int fd = mkstemp(path), fails = 0;

	if (fd < 0 || mem_init(&m, MEM_SIZE))
		return 1;
	close(fd);
	build(&im, RAM_BASE + 0x1000);
	memset(m.base + 0x1000, 0xff, 64);
	if (write_file(path, &im, sizeof(im)) || elf_open(&f, path) ||
	    mem_load_elf(&m, &f, &entry) || entry != RAM_BASE + 0x1004)
		fails++;
	for (int i = 0; i < 64; i++)
		if (m.base[0x1000 + i] != (i < 16 ? 0xa0 + i : 0))
			fails++;
	if (elf_symbol(&f, "tohost", &v) || v != RAM_BASE + 0x100 + 0x1000)
		fails++;
	if (elf_symbol(&f, "fromhost", &v) || v != RAM_BASE + 0x140 + 0x1000)
		fails++;
	if (elf_symbol(&f, "tohos", &v) != -ENOENT || elf_symbol(&f, "nothing", &v) != -ENOENT)
		fails++;
	elf_close(&f);

	/* outside storage: below RAM and past its end */
	build(&im, 0x1000);
	if (write_file(path, &im, sizeof(im)) || try_file(path, &m, &entry) == 0)
		fails++;
	build(&im, RAM_BASE + MEM_SIZE - 32);
	if (write_file(path, &im, sizeof(im)) || try_file(path, &m, &entry) == 0)
		fails++;
	if (fails) {
		fprintf(stderr, "elf_load: %d checks failed on well-formed files\n", fails);
		return 1;
	}

	/* every truncation, then random corruption: never unsafe */
	build(&im, RAM_BASE + 0x1000);
	for (size_t len = 0; len < sizeof(im); len++)
		if (write_file(path, &im, len) == 0)
			try_file(path, &m, &entry);
	srand(1);
	for (int round = 0; round < 3000; round++) {
		struct image bad = im;
		uint8_t *b = (uint8_t *)&bad;

		for (int k = 0; k < 1 + round % 4; k++)
			b[rand() % sizeof(bad)] = (uint8_t)rand();
		if (write_file(path, &bad, sizeof(bad)) == 0)
			try_file(path, &m, &entry);
	}
	unlink(path);
	mem_exit(&m);
	return 0;
}
