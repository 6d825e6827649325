// SPDX-License-Identifier: MIT
/* Guest storage: reservation, NSS overlays, per-page flags.  See mem.h. */
#include "mem/mem.h"

#include "util/elf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void *reserve(uint64_t size, void *at)
{
	int fixed = at ? MAP_FIXED : 0;

	return mmap(at, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | fixed, -1, 0);
}

int mem_init(struct guest_mem *m, uint64_t size)
{
	memset(m, 0, sizeof(*m));
	if (size == 0 || size & (PAGE_SIZE - 1))
		return -EINVAL;
	m->base = reserve(size, NULL);
	if (m->base == MAP_FAILED) {
		m->base = NULL;
		return -errno;
	}
	m->flags = calloc(size >> PAGE_SHIFT, 1);
	/* untouched (calloc of large sizes maps zero pages): only code pages cost */
	m->code_epoch = calloc(size >> PAGE_SHIFT, sizeof(*m->code_epoch));
	if (!m->flags || !m->code_epoch) {
		free(m->flags);
		free(m->code_epoch);
		munmap(m->base, size);
		m->base = NULL;
		return -ENOMEM;
	}
	m->size = size;
	return 0;
}

void mem_exit(struct guest_mem *m)
{
	if (m->base)
		munmap(m->base, m->size);
	free(m->flags);
	free(m->code_epoch);
	memset(m, 0, sizeof(*m));
}

int mem_reset(struct guest_mem *m)
{
	/* A fresh anonymous map over the whole range drops every overlay. */
	if (reserve(m->size, m->base) == MAP_FAILED)
		return -errno;
	memset(m->flags, 0, m->size >> PAGE_SHIFT);
	m->gen++;
	return 0;
}

int mem_map(struct guest_mem *m, uint64_t real, uint64_t len, int fd, uint64_t off,
	    enum mem_map_kind kind)
{
	int prot = PROT_READ, flags = MAP_FIXED;
	uint8_t pg = 0;

	if ((real | len | off) & (PAGE_SIZE - 1) || !mem_contains(m, real, len) || len == 0)
		return -EINVAL;
	switch (kind) {
	case MEM_MAP_PRIVATE:
		prot |= PROT_WRITE;
		flags |= MAP_PRIVATE;
		break;
	case MEM_MAP_PRIVATE_RO:
		flags |= MAP_PRIVATE;
		pg = MEM_PG_RO;
		break;
	case MEM_MAP_SHARED_RO:
		flags |= MAP_SHARED;
		pg = MEM_PG_RO;
		break;
	case MEM_MAP_SHARED_RW:
		prot |= PROT_WRITE;
		flags |= MAP_SHARED;
		break;
	case MEM_MAP_SHARED_CP:
		/* CP writes through its own map; this VM only reads. */
		flags |= MAP_SHARED;
		pg = MEM_PG_RO;
		break;
	default:
		return -EINVAL;
	}
	if (mmap(m->base + real, len, prot, flags, fd, (off_t)off) == MAP_FAILED)
		return -errno;
	memset(m->flags + (real >> PAGE_SHIFT), pg, len >> PAGE_SHIFT);
	m->gen++;
	return 0;
}

void *mem_dma(struct guest_mem *m, uint64_t real, uint64_t len, bool write)
{
	if (!mem_contains(m, real, len))
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
