// SPDX-License-Identifier: MIT
/*
 * Address translation (Sv39, Sv48), the software TLB fill and the slow
 * paths of loads, stores, atomics and instruction fetch: accesses that miss
 * the TLB, cross a page, or go to MMIO devices.
 */
#include "cpu/internal.h"

#include "cpu/jit.h"

#define PTE_V	     (1ULL << 0)
#define PTE_R	     (1ULL << 1)
#define PTE_W	     (1ULL << 2)
#define PTE_X	     (1ULL << 3)
#define PTE_U	     (1ULL << 4)
#define PTE_A	     (1ULL << 6)
#define PTE_D	     (1ULL << 7)
#define PTE_PPN_MASK 0x003ffffffffffc00ULL /* bits 53:10 */
#define PTE_RESERVED 0xffc0000000000000ULL /* 63:54: Svpbmt/Svnapot not offered */

static const uint8_t page_fault[3] = {CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE, CAUSE_FETCH_PAGE};
static const uint8_t access_fault[3] = {CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS, CAUSE_FETCH_ACCESS};

static inline uint8_t page_flags(struct hart *h, uint64_t real)
{
	return __atomic_load_n(&cpu_of(h)->mem->flags[real >> PAGE_SHIFT], __ATOMIC_RELAXED);
}

/*
 * After a store into storage at real: if any hart may have translations of
 * the page, it loses the mark and its epoch moves (the protocol is in
 * cpu/jit.h); this hart's own translations go at once.
 */
void mmu_stored(struct hart *h, uint64_t real)
{
	struct cpu *c = cpu_of(h);
	struct guest_mem *m = c->mem;
	uint64_t old;

	if (likely(!(page_flags(h, real) & MEM_PG_CODE)))
		return;
	if (!(__atomic_fetch_and(&m->flags[real >> PAGE_SHIFT], (uint8_t)~MEM_PG_CODE,
				 __ATOMIC_SEQ_CST) &
	      MEM_PG_CODE))
		return;
	__atomic_fetch_add(&m->code_epoch[real >> PAGE_SHIFT], 1, __ATOMIC_SEQ_CST);
	old = __atomic_fetch_add(&m->code_wgen, 1, __ATOMIC_SEQ_CST);
	if (old == c->seen_wgen) /* nobody else wrote code since this hart looked */
		c->seen_wgen = old + 1;
	jit_code_written(h, real);
}

/*
 * Another hart gave pages translations: a write entry this hart filled
 * before may have let stores past the mark.  Drop each for a marked page,
 * and count it as a write (its translations may be stale).
 */
void mmu_take_marks(struct hart *h)
{
	struct cpu *c = cpu_of(h);
	struct guest_mem *m = c->mem;

	c->seen_mark = __atomic_load_n(&m->code_mark_gen, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < TLB_SIZE; i++) {
		struct tlb_entry *e = &c->tlb_w[i];
		uint64_t real;

		if (!e->tag)
			continue;
		real = (uint64_t)(((e->tag & ~0xfffULL) + e->addend) - (uintptr_t)m->base);
		if (real >= m->size || !(page_flags(h, real) & MEM_PG_CODE))
			continue;
		e->tag = 0;
		__atomic_fetch_add(&m->code_epoch[real >> PAGE_SHIFT], 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&m->code_wgen, 1, __ATOMIC_SEQ_CST);
	}
}

/* The bytes a store writes (lockstep mode compares them), then the store. */
static inline void store_bytes(struct hart *h, uint8_t *hp, const void *val, int size)
{
	if (unlikely(cpu_of(h)->jit_log))
		jit_log_store(h, hp, size, val);
	memcpy(hp, val, size);
}

/* Host pointer of a physical address in storage or a segment, or NULL. */
static inline uint8_t *phys_host(struct hart *h, uint64_t pa, uint64_t len)
{
	struct cpu *c = cpu_of(h);
	uint64_t real = pa - RAM_BASE;

	if (pa < RAM_BASE || !mem_guest_contains(c->mem, real, len))
		return NULL;
	return c->mem->base + real;
}

static int effective_priv(struct hart *h, int acc)
{
	if (acc != ACC_X && (h->s.mstatus & MSTATUS_MPRV) && h->s.priv == PRV_M)
		return (h->s.mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
	return (int)h->s.priv;
}

/* Checks a leaf PTE's permissions for the access; true if allowed. */
static bool pte_allows(struct hart *h, uint64_t pte, int acc, int priv)
{
	if (pte & PTE_U) {
		if (priv == PRV_S && (acc == ACC_X || !(h->s.mstatus & MSTATUS_SUM)))
			return false;
	} else if (priv == PRV_U) {
		return false;
	}
	switch (acc) {
	case ACC_R:
		return (pte & PTE_R) || ((h->s.mstatus & MSTATUS_MXR) && (pte & PTE_X));
	case ACC_W:
		return pte & PTE_W;
	default:
		return pte & PTE_X;
	}
}

/*
 * The page walk.  With debug (CP's DISPLAY) the leaf's permissions are not
 * checked and A/D are left alone: it only looks, whatever the privilege.
 */
#define WALK_AGAIN (-1) /* another hart changed the PTE whose A/D bits were being set */

static int walk(struct hart *h, uint64_t va, int acc, int priv, bool debug, uint64_t *pa)
{
	struct cpu *c = cpu_of(h);
	uint64_t mode = h->s.satp >> 60;
	int levels;

	if ((priv == PRV_M && !debug) || mode == 0) {
		*pa = va;
		return 0;
	}
	levels = mode == 9 ? 4 : 3;
	int vabits = 12 + 9 * levels;
	if (sext(va, vabits) != va)
		return page_fault[acc];

	uint64_t base = (h->s.satp & ((1ULL << 44) - 1)) << 12;
	for (int i = levels - 1; i >= 0; i--) {
		uint64_t pte_pa = base + ((va >> (12 + 9 * i)) & 0x1ff) * 8;
		uint8_t *hp = phys_host(h, pte_pa, 8);
		uint64_t pte;

		if (!hp)
			return access_fault[acc];
		if (pte_pa & 7)
			return access_fault[acc]; /* satp's PPN is page aligned: cannot be */
		pte = __atomic_load_n((uint64_t *)hp, __ATOMIC_RELAXED);
		if (!(pte & PTE_V) || ((pte & PTE_W) && !(pte & PTE_R)) || (pte & PTE_RESERVED))
			return page_fault[acc];
		uint64_t ppn = (pte & PTE_PPN_MASK) >> 10;
		if (!(pte & (PTE_R | PTE_X))) {
			/* pointer to the next level: D, A, U must be clear */
			if (i == 0 || (pte & (PTE_D | PTE_A | PTE_U)))
				return page_fault[acc];
			base = ppn << 12;
			continue;
		}
		if (!debug && !pte_allows(h, pte, acc, priv))
			return page_fault[acc];
		uint64_t lowmask = (1ULL << (9 * i)) - 1;
		if (ppn & lowmask)
			return page_fault[acc]; /* misaligned superpage */
		uint64_t need = PTE_A | (acc == ACC_W ? PTE_D : 0);
		if (!debug && (pte & need) != need) {
			/* hardware A/D update; a page table in read-only storage cannot take it */
			if (mem_page_ro(c->mem, pte_pa - RAM_BASE))
				return access_fault[acc];
			/* another hart may change the PTE meanwhile: then walk again */
			if (!__atomic_compare_exchange_n((uint64_t *)hp, &pte, pte | need, false,
							 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
				return WALK_AGAIN;
			mmu_stored(h, pte_pa - RAM_BASE);
		}
		*pa = ((ppn | ((va >> 12) & lowmask)) << 12) | (va & 0xfff);
		return 0;
	}
	return page_fault[acc];
}

/*
 * Virtual to physical.  Returns 0, or the exception cause to raise with the
 * virtual address as tval.  Sets A (and D for a write) in the leaf PTE.
 */
int mmu_translate(struct hart *h, uint64_t va, int acc, uint64_t *pa)
{
	int r;

	while ((r = walk(h, va, acc, effective_priv(h, acc), false, pa)) == WALK_AGAIN)
		;
	return r;
}

int hart_translate(struct hart *h, uint64_t va, uint64_t *pa)
{
	return walk(h, va, ACC_R, PRV_S, true, pa);
}

static void tlb_fill(struct hart *h, struct tlb_entry *t, uint64_t va, uint64_t pa, uint64_t ctx)
{
	uint8_t *host = phys_host(h, pa & ~0xfffULL, 4096);
	struct tlb_entry *e = tlb_slot(t, va);

	struct cpu *c = cpu_of(h);

	if (!host)
		return;
	/* no write entry for a page with translations, nor under lockstep (it logs stores) */
	if (t == c->tlb_w &&
	    ((page_flags(h, pa - RAM_BASE) & MEM_PG_CODE) || c->engine == HART_ENGINE_LOCKSTEP))
		return;
	/* nor for a page of the store trace range: its stores take the slow path */
	if (t == c->tlb_w && c->watch_on && c->watch.store_lo <= c->watch.store_hi &&
	    (pa & ~0xfffULL) <= c->watch.store_hi && (pa | 0xfff) >= c->watch.store_lo)
		return;
	e->tag = (va & ~0xfffULL) | ctx;
	e->addend = (uintptr_t)host - (uintptr_t)(va & ~0xfffULL);
}

/* One access within a page.  false: trapped (tval = va). */
static bool access_page(struct hart *h, uint64_t va, int size, uint64_t *val, int acc)
{
	struct cpu *c = cpu_of(h);
	uint64_t pa;
	int cause = mmu_translate(h, va, acc, &pa);
	uint8_t *hp;

	if (cause) {
		hart_raise(h, cause, va);
		return false;
	}
	hp = phys_host(h, pa, size);
	if (hp) {
		if (acc == ACC_W) {
			if (mem_page_ro(c->mem, pa - RAM_BASE)) {
				hart_raise(h, CAUSE_STORE_ACCESS, va);
				return false;
			}
			tlb_fill(h, c->tlb_w, va, pa, c->dctx);
			tlb_fill(h, c->tlb_r, va, pa, c->dctx);
			store_bytes(h, hp, val, size);
			mmu_stored(h, pa - RAM_BASE);
			if (unlikely(c->watch_on))
				hart_watch_store(h, pa, size);
		} else {
			tlb_fill(h, c->tlb_r, va, pa, c->dctx);
			*val = 0;
			memcpy(val, hp, size);
		}
		return true;
	}
	/* MMIO: naturally aligned accesses only */
	c->jit_mmio = true;
	if ((pa & (size - 1)) || !bus_access(h->bus, pa, val, size, acc == ACC_W)) {
		hart_raise(h, access_fault[acc], va);
		return false;
	}
	return true;
}

/*
 * An access crossing a page: translate both parts first so that a fault in
 * the second page leaves nothing half done, then move the bytes.
 */
/* Host pointer of one part of a page-crossing access; NULL for MMIO or a store to read-only. */
static uint8_t *split_host(struct hart *h, uint64_t pa, int len, int acc)
{
	struct cpu *c = cpu_of(h);
	uint8_t *p = phys_host(h, pa, len);

	if (p && acc == ACC_W && mem_page_ro(c->mem, pa - RAM_BASE))
		return NULL;
	return p;
}

static bool access_split(struct hart *h, uint64_t va, int size, uint64_t *val, int acc)
{
	uint64_t va2 = (va + size) & ~0xfffULL;
	int n1 = (int)(va2 - va);
	uint64_t pa1, pa2;
	uint8_t *h1, *h2;
	int cause;

	cause = mmu_translate(h, va, acc, &pa1);
	if (cause) {
		hart_raise(h, cause, va);
		return false;
	}
	cause = mmu_translate(h, va2, acc, &pa2);
	if (cause) {
		hart_raise(h, cause, va2);
		return false;
	}
	/* MMIO or read-only storage across a page: an access fault on that part */
	h1 = split_host(h, pa1, n1, acc);
	if (!h1) {
		hart_raise(h, access_fault[acc], va);
		return false;
	}
	h2 = split_host(h, pa2, size - n1, acc);
	if (!h2) {
		hart_raise(h, access_fault[acc], va2);
		return false;
	}
	uint8_t *b = (uint8_t *)val;
	if (acc == ACC_W) {
		store_bytes(h, h1, b, n1);
		store_bytes(h, h2, b + n1, size - n1);
		mmu_stored(h, pa1 - RAM_BASE);
		mmu_stored(h, pa2 - RAM_BASE);
		if (unlikely(cpu_of(h)->watch_on)) {
			hart_watch_store(h, pa1, n1);
			hart_watch_store(h, pa2, size - n1);
		}
	} else {
		*val = 0;
		memcpy(b, h1, n1);
		memcpy(b + n1, h2, size - n1);
	}
	return true;
}

bool mmu_load(struct hart *h, uint64_t va, int size, uint64_t *val)
{
	if ((va & 0xfff) + size > 4096)
		return access_split(h, va, size, val, ACC_R);
	return access_page(h, va, size, val, ACC_R);
}

bool mmu_store(struct hart *h, uint64_t va, int size, uint64_t val)
{
	if ((va & 0xfff) + size > 4096)
		return access_split(h, va, size, &val, ACC_W);
	return access_page(h, va, size, &val, ACC_W);
}

bool mmu_amo_ptr(struct hart *h, uint64_t va, int size, bool lr, bool sc, void **host, uint64_t *pa)
{
	struct cpu *c = cpu_of(h);
	int acc = lr ? ACC_R : ACC_W;
	int cause;

	if (va & (size - 1)) {
		hart_raise(h, lr ? CAUSE_LOAD_MISALIGNED : CAUSE_STORE_MISALIGNED, va);
		return false;
	}
	cause = mmu_translate(h, va, acc, pa);
	if (cause) {
		hart_raise(h, cause, va);
		return false;
	}
	*host = phys_host(h, *pa, size);
	if (!*host && (lr || sc)) {
		/* no reservations on devices */
		hart_raise(h, access_fault[acc], va);
		return false;
	}
	if (*host && !lr && mem_page_ro(c->mem, *pa - RAM_BASE)) {
		hart_raise(h, CAUSE_STORE_ACCESS, va);
		return false;
	}
	if (!*host)
		c->jit_mmio = true;
	if (*host) {
		if (!lr) {
			tlb_fill(h, c->tlb_w, va, *pa, c->dctx);
			if (unlikely(c->watch_on))
				hart_watch_store(h, *pa,
						 size); /* the AMO stores when this returns */
		}
		tlb_fill(h, c->tlb_r, va, *pa, c->dctx);
	}
	return true;
}

static bool trace_hit(struct hart *h, uint64_t pa)
{
	struct cpu *c = cpu_of(h);

	if (!c->trace_on || pa < c->trace_lo || pa > c->trace_hi)
		return false;
	for (int i = 0; i < c->trace_n; i++)
		if (pa >= c->trace_r[i][0] && pa <= c->trace_r[i][1])
			return true;
	return false;
}

/* Reads 2 bytes of instruction at pc; false when trapped (tval = pc). */
static int fetch16(struct hart *h, uint64_t pc, uint16_t *v, bool first)
{
	struct cpu *c = cpu_of(h);
	struct tlb_entry *e = tlb_slot(c->tlb_x, pc);
	uint64_t pa;
	uint8_t *hp;
	int cause;

	if (!c->trace_on && e->tag == ((pc & ~0xfffULL) | c->xctx)) {
		hp = (uint8_t *)(uintptr_t)(pc + e->addend);
		if (first) {
			c->fetch_page = pc & ~0xfffULL;
			c->fetch_addend = e->addend;
		}
		memcpy(v, hp, 2);
		return FETCH_OK;
	}
	cause = mmu_translate(h, pc, ACC_X, &pa);
	if (cause) {
		hart_raise(h, cause, pc);
		return FETCH_TRAP;
	}
	hp = phys_host(h, pa, 2);
	if (!hp) {
		hart_raise(h, CAUSE_FETCH_ACCESS, pc);
		return FETCH_TRAP;
	}
	if (first) {
		if (trace_hit(h, pa)) {
			if (c->trace_skip && h->trace_pc == pc) {
				c->trace_skip = false;
			} else {
				h->trace_pc = pc;
				h->hit =
				    (struct hart_hit){.kind = HART_HIT_INSTR, .pc = pc, .tval = pa};
				c->trace_skip = true;
				return FETCH_TRACE;
			}
		}
		/* cache the page for direct fetch unless the trace range touches it */
		uint64_t pg = pa & ~0xfffULL;
		if (!c->trace_on || pg > c->trace_hi || pg + 0xfff < c->trace_lo) {
			tlb_fill(h, c->tlb_x, pc, pa, c->xctx);
			c->fetch_page = pc & ~0xfffULL;
			c->fetch_addend = (uintptr_t)(hp - (pa & 0xfff)) - (uintptr_t)c->fetch_page;
		}
	}
	memcpy(v, hp, 2);
	return FETCH_OK;
}

int mmu_fetch(struct hart *h, uint64_t pc, uint32_t *insn)
{
	uint16_t lo, hi;
	int r = fetch16(h, pc, &lo, true);

	if (r != FETCH_OK)
		return r;
	if ((lo & 3) != 3) {
		*insn = lo;
		return FETCH_OK;
	}
	r = fetch16(h, pc + 2, &hi, false);
	if (r != FETCH_OK)
		return r; /* epc is the instruction, tval the address of its second half */
	*insn = lo | (uint32_t)hi << 16;
	return FETCH_OK;
}
