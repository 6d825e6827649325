/* SPDX-License-Identifier: MIT */
#ifndef RVCP_ELF_H
#define RVCP_ELF_H
/*
 * ELF64 (RISC-V, little endian) files: copy the PT_LOAD segments to where
 * the caller places them (guest storage: mem_load_elf, mem/mem.h), and look
 * symbols up.  Every offset and size in the file is checked: a malformed
 * file is refused, never trusted.
 */
#include <stddef.h>
#include <stdint.h>

struct elf_file {
	const uint8_t *data;
	size_t size;
};

int elf_open(struct elf_file *f, const char *path);
void elf_close(struct elf_file *f);
/*
 * Where a PT_LOAD segment of memsz bytes at physical address paddr goes:
 * sets *dst to memsz writable bytes and returns 0, or returns a negative
 * errno (which elf_load passes on) when there is no such place.
 */
typedef int elf_place_fn(void *ctx, uint64_t paddr, uint64_t memsz, uint8_t **dst);
/*
 * Copies each well-formed PT_LOAD segment to place(ctx, p_paddr, p_memsz),
 * zero-fills its bss and sets *entry.  -ENOEXEC for a malformed file or one
 * with nothing to load.
 */
int elf_load(const struct elf_file *f, elf_place_fn *place, void *ctx, uint64_t *entry);
/* Value of the named symbol from .symtab; -ENOENT if absent. */
int elf_symbol(const struct elf_file *f, const char *name, uint64_t *value);

#endif
