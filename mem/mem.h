/* SPDX-License-Identifier: MIT */
#ifndef RVCP_MEM_H
#define RVCP_MEM_H
/*
 * Guest storage: one host reservation, regions laid over it.
 *
 *   guest physical                         host
 *   0x0000_0000 ┌────────────────────┐
 *               │ MMIO devices       │  cpu/bus.c, addresses in machine/board.c
 *   0x8000_0000 ├────────────────────┤ ◄ mem->base (z/VM real address 0)
 *               │ page 0 .. n-1      │  anonymous MAP_NORESERVE zero pages;
 *               │                    │  NSS ranges are mmap()ed over it with
 *               │                    │  MAP_FIXED (mem_map), so host = base + real
 *   +size       ├────────────────────┤
 *               │ shared segments    │  PROT_NONE reservation up to +span; each
 *               │ (DCSS)             │  segment mmap()ed at its pages (mem_seg_map);
 *   +span       └────────────────────┘  they stay when storage is reset
 *
 * Real address r (DEFSYS page n is r = n * 4096) is guest physical RAM_BASE + r.
 * A per-page flag byte says whether the guest may store into the page; the
 * hart consults it only when it fills a TLB entry, never on the hot path.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RAM_BASE   0x80000000ULL
#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ULL << PAGE_SHIFT)

/* Per-page flags. */
#define MEM_PG_RO   0x01 /* guest stores fault, device DMA into it fails */
#define MEM_PG_CODE 0x02 /* a hart may have translations of this page (cpu/jit.h) */
#define MEM_PG_SEG  0x04 /* a segment's page beyond storage: the guest may access it */

enum mem_map_kind {
	MEM_MAP_PRIVATE,    /* EW: private copy-on-write map of a file */
	MEM_MAP_PRIVATE_RO, /* ER: private map, guest may not store */
	MEM_MAP_SHARED_RO,  /* SR: one shared read-only map of the file */
	MEM_MAP_SHARED_RW,  /* SW/SN: shared writable memfd */
	MEM_MAP_SHARED_CP,  /* SC: shared memfd, read-only to the guest */
};

struct guest_mem {
	uint8_t *base;	/* host address of real address 0 */
	uint64_t size;	/* storage: bytes, a multiple of PAGE_SIZE */
	uint64_t span;	/* bytes reserved from base: storage, then room for segments */
	uint8_t *flags; /* one byte per page of span, MEM_PG_* */
	uint64_t gen;	/* bumped when flags or mappings change: harts flush TLBs */
	/*
	 * Written code, for the translators of every hart (cpu/jit.h): a
	 * write into a MEM_PG_CODE page (a store or device DMA) bumps the
	 * page's code_epoch and then code_wgen; a hart holds a page's
	 * translations with the epoch it read before the code, and looks
	 * again whenever code_wgen moved.  code_mark_gen is bumped when a
	 * page newly gets MEM_PG_CODE: other harts then drop the write TLB
	 * entries they may hold for it.  All three are used with atomics
	 * (several harts run on their own threads).
	 */
	uint32_t *code_epoch; /* one per page */
	uint64_t code_wgen;
	uint64_t code_mark_gen;
};

int mem_init(struct guest_mem *m, uint64_t size);
/* Storage of size bytes; span > size reserves room for segments above it. */
int mem_init_span(struct guest_mem *m, uint64_t size, uint64_t span);
void mem_exit(struct guest_mem *m);
/* Drops every mapping of storage: all zero, exclusive, read/write again.
 * Segments stay (they are the machine's, not its storage's). */
int mem_reset(struct guest_mem *m);
/*
 * Maps a segment's pages [real, real+len), beyond storage and inside span,
 * from fd at off as kind has it (as mem_map); fd -1: zero pages.
 */
int mem_seg_map(struct guest_mem *m, uint64_t real, uint64_t len, int fd, uint64_t off,
		enum mem_map_kind kind);
/* Unmaps every segment: the room above storage is inaccessible again. */
int mem_seg_clear(struct guest_mem *m);
/* Lays [real, real+len) over the reservation from fd at off. Page aligned. */
int mem_map(struct guest_mem *m, uint64_t real, uint64_t len, int fd, uint64_t off,
	    enum mem_map_kind kind);

static inline bool mem_contains(const struct guest_mem *m, uint64_t real, uint64_t len)
{
	return real < m->size && len <= m->size - real;
}

bool mem_seg_pages(const struct guest_mem *m, uint64_t real, uint64_t len);

/* Whether the guest can reach [real, real+len): storage or segment pages. */
static inline bool mem_guest_contains(const struct guest_mem *m, uint64_t real, uint64_t len)
{
	return mem_contains(m, real, len) || mem_seg_pages(m, real, len);
}

static inline bool mem_page_ro(const struct guest_mem *m, uint64_t real)
{
	return __atomic_load_n(&m->flags[real >> PAGE_SHIFT], __ATOMIC_RELAXED) & MEM_PG_RO;
}

/*
 * For devices: host pointer to [real, real+len) if it lies in storage (or
 * segment pages) and,
 * for a write, no page of it is read-only; NULL otherwise (fail the I/O).
 */
void *mem_dma(struct guest_mem *m, uint64_t real, uint64_t len, bool write);

struct elf_file;
/*
 * Loads the PT_LOAD segments of an ELF file (util/elf.h) into storage at
 * guest physical p_paddr; *entry = its entry point.  -ENOEXEC for a
 * malformed file or a segment below RAM_BASE, -ERANGE for one past the end
 * of storage or over read-only pages.
 */
int mem_load_elf(struct guest_mem *m, const struct elf_file *f, uint64_t *entry);

#endif
