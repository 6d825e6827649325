/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CLI_KIMAGE_H
#define RVCP_CLI_KIMAGE_H
/*
 * A Linux kernel as `rvcp nssplan` reads it: either an ELF vmlinux (its
 * PT_LOAD segments, its .symtab), or a RISC-V Image -- the bytes the IPL
 * loader puts at real 0x200000, what a distribution ships as /boot/vmlinuz
 * or /boot/vmlinux -- with the System.map of the same build for the symbols.
 * Either way the kernel is seen through its virtual addresses: `base` is
 * the address loaded at real IPL_KERNEL_REAL (the lowest PT_LOAD address,
 * or the Image's _start), `top` the end of what is loaded, bss included.
 *
 * The layout symbols nssplan needs are looked up in one pass over the
 * symbol table or the map (a distribution kernel has a quarter of a million
 * symbols).  Every offset and size in the files is checked: a malformed or
 * mismatched file is refused with a reason, never trusted.
 */
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KSYMS(X)                                                                                   \
	X(START, "_start")                                                                         \
	X(STEXT, "_stext")                                                                         \
	X(ETEXT, "_etext")                                                                         \
	X(END, "_end")                                                                             \
	X(DATA, "_data")                                                                           \
	X(INIT_BEGIN, "__init_begin")                                                              \
	X(INIT_END, "__init_end")                                                                  \
	X(RODATA, "__start_rodata")                                                                \
	X(ROAI_START, "__start_ro_after_init")                                                     \
	X(ROAI_END, "__end_ro_after_init")                                                         \
	X(MCOUNT_START, "__start_mcount_loc")                                                      \
	X(MCOUNT_STOP, "__stop_mcount_loc")                                                        \
	X(JUMP_START, "__start___jump_table")                                                      \
	X(JUMP_STOP, "__stop___jump_table")                                                        \
	X(ALT_START, "__alt_start")                                                                \
	X(ALT_END, "__alt_end")                                                                    \
	X(RELA_START, "__rela_dyn_start")                                                          \
	X(RELA_END, "__rela_dyn_end")                                                              \
	X(KPT_START, "__kprobes_text_start")                                                       \
	X(KPT_END, "__kprobes_text_end")                                                           \
	X(NOINSTR_START, "__noinstr_text_start")                                                   \
	X(NOINSTR_END, "__noinstr_text_end")                                                       \
	X(ENTRY_START, "__entry_text_start")                                                       \
	X(ENTRY_END, "__entry_text_end")                                                           \
	X(IRQENTRY_START, "__irqentry_text_start")                                                 \
	X(IRQENTRY_END, "__irqentry_text_end")                                                     \
	X(SOFTIRQ_START, "__softirqentry_text_start")                                              \
	X(SOFTIRQ_END, "__softirqentry_text_end")                                                  \
	X(KPROBES, "register_kprobe")                                                              \
	X(KGDB, "kgdb_arch_set_breakpoint")                                                        \
	X(BANNER, "linux_banner")

enum ksym {
#define KSYM_ENUM(id, name) KSYM_##id,
	KSYMS(KSYM_ENUM)
#undef KSYM_ENUM
	    KSYM_N
};

struct kimage {
	const uint8_t *p; /* the kernel file, mapped */
	size_t len;
	const Elf64_Ehdr *eh; /* NULL for an Image */
	uint64_t base, top;
	bool from_map; /* symbols from a System.map */
	bool have[KSYM_N];
	uint64_t sym[KSYM_N];
	/* ELF only: the executable segments' end and count (when no _etext) */
	uint64_t xend;
	int nx;
};

/*
 * Opens path (an ELF vmlinux, or an Image when map names its System.map;
 * with an ELF file the map, if given, replaces the .symtab).  0, or -1
 * with the reason in err.
 */
int kimage_open(struct kimage *k, const char *path, const char *map, char *err, size_t errlen);
void kimage_close(struct kimage *k);
/* The symbol's value, or false when the kernel has no such symbol. */
bool kimage_sym(const struct kimage *k, enum ksym s, uint64_t *v);
const char *kimage_sym_name(enum ksym s);
/* n bytes loaded at virtual address v (bss reads as zero); -1 outside the image. */
int kimage_read(const struct kimage *k, uint64_t v, void *buf, size_t n);

#endif
