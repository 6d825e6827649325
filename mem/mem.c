// SPDX-License-Identifier: MIT
/* Guest storage: reservation, NSS overlays, per-page flags.  See mem.h. */
#include "mem/mem.h"

#include "util/elf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void *reserve(uint64_t size, void *at, int prot)
{
	int fixed = at ? MAP_FIXED : 0;

	return mmap(at, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | fixed, -1, 0);
}

int mem_init(struct guest_mem *m, uint64_t size)
{
	return mem_init_span(m, size, size);
}

int mem_init_span(struct guest_mem *m, uint64_t size, uint64_t span)
{
	memset(m, 0, sizeof(*m));
	if (size == 0 || (size | span) & (PAGE_SIZE - 1))
		return -EINVAL;
	if (span < size)
		span = size;
	/* The room for segments is never storage: no access until one is mapped. */
	m->base = reserve(span, NULL, PROT_NONE);
	if (m->base == MAP_FAILED || reserve(size, m->base, PROT_READ | PROT_WRITE) == MAP_FAILED) {
		if (m->base != MAP_FAILED)
			munmap(m->base, span);
		m->base = NULL;
		return -errno;
	}
	m->flags = calloc(span >> PAGE_SHIFT, 1);
	/* untouched (calloc of large sizes maps zero pages): only code pages cost */
	m->code_epoch = calloc(span >> PAGE_SHIFT, sizeof(*m->code_epoch));
	if (!m->flags || !m->code_epoch) {
		free(m->flags);
		free(m->code_epoch);
		munmap(m->base, span);
		m->base = NULL;
		return -ENOMEM;
	}
	m->size = size;
	m->span = span;
	return 0;
}

void mem_exit(struct guest_mem *m)
{
	if (m->base)
		munmap(m->base, m->span);
	free(m->flags);
	free(m->code_epoch);
	memset(m, 0, sizeof(*m));
}

int mem_reset(struct guest_mem *m)
{
	/* A fresh anonymous map over the whole range drops every overlay. */
	if (reserve(m->size, m->base, PROT_READ | PROT_WRITE) == MAP_FAILED)
		return -errno;
	memset(m->flags, 0, m->size >> PAGE_SHIFT);
	m->gen++;
	return 0;
}

/* mmap() protection and flags, and the page flags, of a kind of mapping. */
static int map_mode(enum mem_map_kind kind, int *prot, int *flags, uint8_t *pg)
{
	*prot = PROT_READ;
	*flags = MAP_FIXED;
	*pg = 0;
	switch (kind) {
	case MEM_MAP_PRIVATE:
		*prot |= PROT_WRITE;
		*flags |= MAP_PRIVATE;
		break;
	case MEM_MAP_PRIVATE_RO:
		*flags |= MAP_PRIVATE;
		*pg = MEM_PG_RO;
		break;
	case MEM_MAP_SHARED_RO:
		*flags |= MAP_SHARED;
		*pg = MEM_PG_RO;
		break;
	case MEM_MAP_SHARED_RW:
		*prot |= PROT_WRITE;
		*flags |= MAP_SHARED;
		break;
	case MEM_MAP_SHARED_CP:
		/* CP writes through its own map; this VM only reads. */
		*flags |= MAP_SHARED;
		*pg = MEM_PG_RO;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

int mem_map(struct guest_mem *m, uint64_t real, uint64_t len, int fd, uint64_t off,
	    enum mem_map_kind kind)
{
	int prot, flags;
	uint8_t pg;

	if ((real | len | off) & (PAGE_SIZE - 1) || !mem_contains(m, real, len) || len == 0)
		return -EINVAL;
	if (map_mode(kind, &prot, &flags, &pg))
		return -EINVAL;
	if (mmap(m->base + real, len, prot, flags, fd, (off_t)off) == MAP_FAILED)
		return -errno;
	memset(m->flags + (real >> PAGE_SHIFT), pg, len >> PAGE_SHIFT);
	m->gen++;
	return 0;
}

bool mem_seg_pages(const struct guest_mem *m, uint64_t real, uint64_t len)
{
	if (real < m->size || real >= m->span || len > m->span - real || len == 0)
		return false;
	for (uint64_t p = real >> PAGE_SHIFT; p <= (real + len - 1) >> PAGE_SHIFT; p++)
		if (!(__atomic_load_n(&m->flags[p], __ATOMIC_RELAXED) & MEM_PG_SEG))
			return false;
	return true;
}

int mem_seg_map(struct guest_mem *m, uint64_t real, uint64_t len, int fd, uint64_t off,
		enum mem_map_kind kind)
{
	int prot, flags;
	uint8_t pg;

	if ((real | len | off) & (PAGE_SIZE - 1) || len == 0 || real < m->size || real >= m->span ||
	    len > m->span - real)
		return -EINVAL;
	if (map_mode(kind, &prot, &flags, &pg))
		return -EINVAL;
	if (fd < 0) /* zero pages of the guest's own */
		flags = MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	if (mmap(m->base + real, len, prot, flags, fd, fd < 0 ? 0 : (off_t)off) == MAP_FAILED)
		return -errno;
	memset(m->flags + (real >> PAGE_SHIFT), pg | MEM_PG_SEG, len >> PAGE_SHIFT);
	m->gen++;
	return 0;
}

int mem_seg_clear(struct guest_mem *m)
{
	uint64_t room = m->span - m->size;

	if (!room)
		return 0;
	if (reserve(room, m->base + m->size, PROT_NONE) == MAP_FAILED)
		return -errno;
	memset(m->flags + (m->size >> PAGE_SHIFT), 0, room >> PAGE_SHIFT);
	m->gen++;
	return 0;
}

void *mem_dma(struct guest_mem *m, uint64_t real, uint64_t len, bool write)
{
	if (!mem_guest_contains(m, real, len))
		return NULL;
	if (write && len) {
		uint64_t first = real >> PAGE_SHIFT, last = (real + len - 1) >> PAGE_SHIFT;

		for (uint64_t p = first; p <= last; p++)
			if (m->flags[p] & MEM_PG_RO)
				return NULL;
		/*
		 * Noted before the device writes: a hart translating the page
		 * while a device fills it runs code it cannot expect to see.
		 */
		for (uint64_t p = first; p <= last; p++)
			if ((__atomic_load_n(&m->flags[p], __ATOMIC_RELAXED) & MEM_PG_CODE) &&
			    (__atomic_fetch_and(&m->flags[p], (uint8_t)~MEM_PG_CODE,
						__ATOMIC_SEQ_CST) &
			     MEM_PG_CODE)) {
				__atomic_fetch_add(&m->code_epoch[p], 1, __ATOMIC_SEQ_CST);
				__atomic_fetch_add(&m->code_wgen, 1, __ATOMIC_SEQ_CST);
			}
	}
	return m->base + real;
}

/* elf_place_fn over guest storage: physical addresses from RAM_BASE up. */
static int mem_place(void *ctx, uint64_t paddr, uint64_t memsz, uint8_t **dst)
{
	if (paddr < RAM_BASE)
		return -ENOEXEC;
	*dst = mem_dma(ctx, paddr - RAM_BASE, memsz, true);
	return *dst ? 0 : -ERANGE; /* outside storage */
}

int mem_load_elf(struct guest_mem *m, const struct elf_file *f, uint64_t *entry)
{
	return elf_load(f, mem_place, m, entry);
}
