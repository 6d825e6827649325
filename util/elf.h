/* SPDX-License-Identifier: MIT */
#ifndef RVCP_ELF_H
#define RVCP_ELF_H
/*
 * ELF64 (RISC-V, little endian) files: load the PT_LOAD segments into guest
 * storage at their physical addresses, and look symbols up.  Every offset
 * and size in the file is checked: a malformed file is refused, never
 * trusted.
 */
#include <stddef.h>
#include <stdint.h>

#include "mem/mem.h"

struct elf_file {
	const uint8_t *data;
	size_t size;
};

int elf_open(struct elf_file *f, const char *path);
void elf_close(struct elf_file *f);
/* Copies the PT_LOAD segments to storage (guest physical = p_paddr), zero-fills bss. */
int elf_load(const struct elf_file *f, struct guest_mem *m, uint64_t *entry);
/* Value of the named symbol from .symtab; -ENOENT if absent. */
int elf_symbol(const struct elf_file *f, const char *name, uint64_t *value);

#endif
