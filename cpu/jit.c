// SPDX-License-Identifier: MIT
/*
 * The translator's host-independent part: the code cache (W^X: one memfd
 * mapped writable once and executable once, never both), blocks and their
 * lookup, tiering, chaining, invalidation of written code pages, and the
 * lockstep checker.  Contract in cpu/jit.h; host code in cpu/jit_x86.c.
 *
 * Bounded: a code cache of JIT_CODE_SIZE bytes and JIT_MAX_BLOCKS blocks
 * per hart, flushed whole when either is full; jit_release() gives the
 * cache's pages back to the host (an idle guest), they refill on demand.
 */
#include "cpu/jit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef JIT_CODE_SIZE /* a build may make it small to test flushing */
#define JIT_CODE_SIZE (16u << 20)
#endif
#define JIT_MAX_BLOCKS 65536
/*
 * The (pc, page) hash starts at 2^JIT_HASH_MIN buckets and doubles, up to
 * 2^JIT_HASH_MAX, whenever the blocks outnumber its buckets twice: a
 * distribution kernel's boot translates tens of thousands of blocks, and
 * the dispatcher's chain walks through a small table cost it 15 % of its
 * time, while an idle guest's few thousand keep the table at 16 KiB (the
 * rest of it is never touched, so never resident).
 */
#define JIT_HASH_MIN  12
#define JIT_HASH_MAX  16
#define JIT_PAGE_BITS 10
#define JIT_MAX_PAGES 8192
#define NONE	      (-1)

struct jit_block {
	uint64_t pc;
	uint64_t page; /* real address of the code page; ~0: dropped */
	uint32_t code; /* offset in the cache */
	int32_t hnext; /* (pc, page) hash chain */
	int32_t pnext; /* blocks of the same page */
	uint16_t n;
	bool pure; /* no helper instruction: lockstep compares it */
};

struct jit_page {
	uint64_t page; /* real address; ~0: free */
	int32_t blocks;
	int32_t next;
	uint32_t epoch; /* mem->code_epoch of the page, read before its code */
};

struct ls_store {
	uint8_t *host;
	uint8_t size;
	uint64_t old, val;
};

#define LS_MAX 256
struct lockstep {
	struct hart_state s0;
	bool res_valid0;
	uint64_t res_addr0;
	struct ls_store log[2][LS_MAX];
	unsigned nlog[2];
	int cur;
	bool overflow;
	uint64_t blocks, checked, failures;
};

/*
 * The tables after the first fields are all-zero when empty (links are stored
 * as ~index, so 0 is NONE; a hot counter of 0 is cold): a flush gives their
 * pages back to the host (MADV_DONTNEED) instead of writing them.
 */
struct jit {
	struct jit_code code;
	int memfd;
	struct jit_block *blocks;
	unsigned nblocks, npages;
	struct lockstep *ls;
	uint64_t translated, flushes;
	uint64_t generation; /* bumped by every flush: code offsets from before are void */
	bool trapped;	     /* a helper raised an exception (lockstep counts the step) */
	bool mutate;	     /* hart_jit_mutate(): ADD becomes SUB */
	unsigned hash_bits;  /* buckets in use: 2^hash_bits */
	int32_t hash[1 << JIT_HASH_MAX] __attribute__((aligned(4096)));
	int32_t phash[1 << JIT_PAGE_BITS];
	uint16_t hot[1 << JIT_HOT_BITS];
	struct jit_jc jc[1 << JIT_JC_BITS];
	struct jit_page pages[JIT_MAX_PAGES];
};
#define LINK(i) (~(int32_t)(i)) /* stored form of an index; LINK(NONE) == 0 */

static unsigned hash_of(const struct jit *j, uint64_t pc, uint64_t page)
{
	uint64_t k = (pc >> 1) ^ (page >> 12) * 0x9e3779b97f4a7c15ULL;

	return (unsigned)(k ^ (k >> 29)) & ((1u << j->hash_bits) - 1);
}

static void hash_insert(struct jit *j, unsigned i)
{
	unsigned hb = hash_of(j, j->blocks[i].pc, j->blocks[i].page);

	j->blocks[i].hnext = j->hash[hb];
	j->hash[hb] = LINK(i);
}

/* Twice the buckets; dropped blocks are left out of the new chains. */
static void hash_grow(struct jit *j)
{
	j->hash_bits++;
	memset(j->hash, 0, sizeof(j->hash[0]) << j->hash_bits);
	for (unsigned i = 0; i < j->nblocks; i++)
		if (j->blocks[i].page != ~0ULL)
			hash_insert(j, i);
}

static unsigned phash_of(uint64_t page)
{
	return (unsigned)((page >> 12) * 0x9e3779b1u >> 7) & ((1u << JIT_PAGE_BITS) - 1);
}

static struct jit_page *page_find(struct jit *j, uint64_t page)
{
	for (int32_t i = LINK(j->phash[phash_of(page)]); i != NONE; i = LINK(j->pages[i].next))
		if (j->pages[i].page == page)
			return &j->pages[i];
	return NULL;
}

/* The hart's TLB may hold a write entry for the page: drop it. */
static void tlb_drop_writes(struct hart *h, const uint8_t *host)
{
	for (unsigned i = 0; i < TLB_SIZE; i++) {
		struct tlb_entry *e = &cpu_of(h)->tlb_w[i];

		if (e->tag && (uintptr_t)((e->tag & ~0xfffULL) + e->addend) == (uintptr_t)host)
			e->tag = 0;
	}
}

static void page_drop(struct hart *h, uint64_t page);

/* This hart's translations of the page are still of its code. */
static bool page_current(struct hart *h, const struct jit_page *p)
{
	struct guest_mem *m = cpu_of(h)->mem;

	return __atomic_load_n(&m->code_epoch[p->page >> PAGE_SHIFT], __ATOMIC_SEQ_CST) ==
		   p->epoch &&
	       (__atomic_load_n(&m->flags[p->page >> PAGE_SHIFT], __ATOMIC_RELAXED) & MEM_PG_CODE);
}

/*
 * The page's entry, made before its code is read: the epoch first, then
 * the mark (so a store that takes the mark away afterwards moves the
 * epoch past the one kept), then this hart's write entries go, and a page
 * newly marked tells the other harts to drop theirs (mmu_take_marks).
 */
static struct jit_page *page_get(struct hart *h, uint64_t page)
{
	struct cpu *c = cpu_of(h);
	struct jit *j = c->jit;
	struct jit_page *p = page_find(j, page);
	unsigned b = phash_of(page);
	uint8_t old;

	if (p && page_current(h, p))
		return p;
	if (p)
		page_drop(h, page);
	if (j->npages >= JIT_MAX_PAGES)
		return NULL;
	p = &j->pages[j->npages];
	p->page = page;
	p->blocks = LINK(NONE);
	p->next = j->phash[b];
	p->epoch = __atomic_load_n(&c->mem->code_epoch[page >> PAGE_SHIFT], __ATOMIC_SEQ_CST);
	j->phash[b] = LINK(j->npages++);
	old = __atomic_fetch_or(&c->mem->flags[page >> PAGE_SHIFT], MEM_PG_CODE, __ATOMIC_SEQ_CST);
	tlb_drop_writes(h, c->mem->base + page);
	if (!(old & MEM_PG_CODE)) {
		uint64_t g = __atomic_fetch_add(&c->mem->code_mark_gen, 1, __ATOMIC_SEQ_CST);

		if (g == c->seen_mark) /* this hart's own TLB has no write entry for it */
			c->seen_mark = g + 1;
	}
	return p;
}

/*
 * Marks are left in place: another hart may hold translations of the page,
 * and a mark with none behind it costs one slow store, which takes it away.
 */
void jit_flush(struct hart *h)
{
	struct jit *j = cpu_of(h)->jit;

	if (!j)
		return;
	j->npages = 0;
	j->nblocks = 0;
	j->hash_bits = JIT_HASH_MIN;
	j->generation++;
	madvise(j->hash, sizeof(*j) - offsetof(struct jit, hash), MADV_DONTNEED);
	j->code.used = j->code.stubs_end;
}

/* Drops the translations of a real page (it is being written). */
static void page_drop(struct hart *h, uint64_t page)
{
	struct jit *j = cpu_of(h)->jit;
	struct jit_page *p = page_find(j, page);

	if (!p)
		return;
	for (int32_t i = LINK(p->blocks); i != NONE; i = LINK(j->blocks[i].pnext))
		j->blocks[i].page = ~0ULL;
	for (unsigned i = 0; i < (1u << JIT_JC_BITS); i++)
		if (j->jc[i].code && j->blocks[j->jc[i].block].page == ~0ULL)
			j->jc[i].code = NULL, j->jc[i].pc = 1;
	p->page = ~0ULL;
	p->blocks = LINK(NONE);
	cpu_of(h)->jit_dirty = true;
}

void jit_code_written(struct hart *h, uint64_t real)
{
	if (cpu_of(h)->jit)
		page_drop(h, real & ~(PAGE_SIZE - 1));
}

/* Some hart or device wrote code (mem->code_wgen moved): drop this hart's stale pages. */
void jit_revalidate(struct hart *h)
{
	struct cpu *c = cpu_of(h);
	struct jit *j = c->jit;

	c->seen_wgen = __atomic_load_n(&c->mem->code_wgen, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; j && i < j->npages; i++)
		if (j->pages[i].page != ~0ULL && !page_current(h, &j->pages[i]))
			page_drop(h, j->pages[i].page);
}

static inline bool code_moved(struct hart *h)
{
	struct cpu *c = cpu_of(h);

	return __atomic_load_n(&c->mem->code_wgen, __ATOMIC_RELAXED) != c->seen_wgen;
}

static bool is_transfer(unsigned op)
{
	return op == OP_JAL || op == OP_J || op == OP_JALR || op == OP_JR ||
	       (op >= OP_BEQ && op <= OP_BGEU);
}

/* Reads the block at pc from the host page; false if nothing to translate. */
static bool block_read(struct jit_src *b, uint64_t pc, const uint8_t *host_page, bool *pure)
{
	uint64_t p = pc;

	b->pc = pc;
	b->n = 0;
	*pure = true;
	while (b->n < JIT_MAX_INSNS && (p & ~0xfffULL) == (pc & ~0xfffULL)) {
		struct jit_insn *in = &b->in[b->n];
		uint16_t lo;
		uint32_t raw;

		memcpy(&lo, host_page + (p & 0xfff), 2);
		raw = lo;
		if ((lo & 3) == 3) {
			if ((p & 0xfff) == 0xffe)
				break;
			memcpy(&raw, host_page + (p & 0xfff), 4);
		}
		in->pc = p;
		in->raw = raw;
		in->w = decode_insn(raw);
		in->op = (uint8_t)((in->w & DOP_MASK) >> 1);
		in->len = (raw & 3) == 3 ? 4 : 2;
		in->e = (raw & 3) == 3 ? raw : rvc_expand((uint16_t)raw);
		if (in->op == OP_ILLEGAL)
			break;
		b->n++;
		p += in->len;
		if (in->op == OP_SLOW)
			*pure = false;
		if (is_transfer(in->op) ||
		    (in->op == OP_SLOW && ((in->e & 0x7f) == 0x73 || (in->e & 0x7f) == 0x0f)))
			break;
	}
	return b->n > 0;
}

static struct jit_block *block_find(struct jit *j, uint64_t pc, uint64_t page)
{
	for (int32_t i = LINK(j->hash[hash_of(j, pc, page)]); i != NONE;
	     i = LINK(j->blocks[i].hnext))
		if (j->blocks[i].pc == pc && j->blocks[i].page == page)
			return &j->blocks[i];
	return NULL;
}

static struct jit_block *translate(struct hart *h, uint64_t pc, uint64_t page)
{
	struct jit *j = cpu_of(h)->jit;
	struct jit_src *src = malloc(sizeof(*src));
	struct jit_block *blk = NULL;
	struct jit_page *p;
	uint32_t entry;
	bool pure;
	int rc;

	if (!src)
		return NULL;
	if (j->nblocks >= JIT_MAX_BLOCKS || j->npages >= JIT_MAX_PAGES) {
		jit_flush(h);
		j->flushes++;
	}
	/* the page (epoch, mark) before its code is read: cpu/jit.h */
	p = page_get(h, page);
	if (!p || !block_read(src, pc, cpu_of(h)->mem->base + page, &pure))
		goto out;
	for (unsigned i = 0; j->mutate && i < src->n; i++)
		if (src->in[i].op == OP_ADD)
			src->in[i].op = OP_SUB;
	rc = jitb_translate(&j->code, src, &entry);
	if (rc == -ENOSPC) {
		uint64_t epoch = p->epoch;

		jit_flush(h);
		j->flushes++;
		p = page_get(h, page);
		/* the flush dropped the entry: the code read stays valid only for the same epoch */
		if (!p || p->epoch != epoch)
			goto out;
		rc = jitb_translate(&j->code, src, &entry);
	}
	if (rc)
		goto out;
	blk = &j->blocks[j->nblocks];
	blk->pc = pc;
	blk->page = page;
	blk->code = entry;
	blk->n = (uint16_t)src->n;
	blk->pure = pure;
	blk->pnext = p->blocks;
	p->blocks = LINK(j->nblocks);
	if (j->nblocks >= (2u << j->hash_bits) && j->hash_bits < JIT_HASH_MAX)
		hash_grow(j);
	hash_insert(j, j->nblocks++);
	j->translated++;
out:
	free(src);
	return blk;
}

/* The block at pc if its page is in the fetch TLB; translates it when hot. */
static struct jit_block *block_at(struct hart *h, uint64_t pc, bool make)
{
	struct jit *j = cpu_of(h)->jit;
	struct tlb_entry *e = tlb_slot(cpu_of(h)->tlb_x, pc);
	struct jit_block *blk;
	uint64_t page;

	if (e->tag != ((pc & ~0xfffULL) | cpu_of(h)->xctx))
		return NULL;
	if (!j->ls) {
		/* the jump cache first: one probe where the hash is a chain walk */
		struct jit_jc *c = &j->jc[(pc >> 1) & ((1u << JIT_JC_BITS) - 1)];

		if (c->pc == pc && c->addend == e->addend && c->code)
			return &j->blocks[c->block];
	}
	page =
	    (uint64_t)((uint8_t *)(uintptr_t)((pc & ~0xfffULL) + e->addend) - cpu_of(h)->mem->base);
	blk = block_find(j, pc, page);
	if (!blk && make)
		blk = translate(h, pc, page);
	if (blk && !j->ls) {
		struct jit_jc *c = &j->jc[(pc >> 1) & ((1u << JIT_JC_BITS) - 1)];

		c->pc = pc;
		c->addend = e->addend;
		c->code = j->code.x + blk->code;
		c->block = (uint64_t)(blk - j->blocks);
	}
	return blk;
}

/* A direct jump of a block asked for its target: link it if it can be found. */
static void chain(struct hart *h)
{
	struct jit *j = cpu_of(h)->jit;
	uint64_t gen = j->generation;
	struct jit_block *blk = block_at(h, h->s.pc, true);

	/* translating the target may have flushed the cache, the jump with it */
	if (blk && !j->ls && gen == j->generation && cpu_of(h)->jit_site >= j->code.stubs_end &&
	    cpu_of(h)->jit_site < j->code.used)
		jitb_patch(&j->code, cpu_of(h)->jit_site, blk->code);
}

static uint16_t *hot_slot(struct jit *j, uint64_t pc)
{
	return &j->hot[(pc >> 1) & ((1u << JIT_HOT_BITS) - 1)];
}

static void lockstep_run(struct hart *h, struct jit_block *blk, int *r);

/* One step of the dispatcher: runs a block or interprets; updates *left. */
static int dispatch(struct hart *h, uint64_t *left)
{
	struct jit *j = cpu_of(h)->jit;
	uint64_t pc = h->s.pc, mi = h->s.minstret, d;
	uint16_t *hot = hot_slot(j, pc);
	/* lockstep translates every block it meets: it is there to check them */
	struct jit_block *blk = block_at(h, pc, *hot >= JIT_HOT_START || j->ls);
	int r;

	if (!blk) {
		/*
		 * Translated code left for a pc without a block (the body going
		 * on in the next page, a return or indirect jump to code not
		 * translated yet): a transfer the interpreter never sees, so it
		 * counts here, or such code would stay interpreted for good.
		 */
		if (*hot >= JIT_HOT_START)
			*hot = 0; /* not translatable now: later */
		else
			++*hot;
		r = interp_chunk(h, j->ls ? 1 : *left, &d);
		*left -= d < *left ? d : *left;
		return r == INTERP_HOT ? -1 : r;
	}
	cpu_of(h)->jit_limit = mi + *left;
	cpu_of(h)->jit_dirty = false;
	if (j->ls)
		lockstep_run(h, blk, &r);
	else
		r = jitb_run(&j->code, h, blk->code);
	d = h->s.minstret - mi;
	d = d < *left ? d : *left;
	*left -= d ? d : 1;
	switch (r) {
	case JIT_EXIT_CHAIN:
		chain(h);
		return -1;
	case JIT_EXIT_WFI:
		return HART_EXIT_WFI;
	case JIT_EXIT_STOP:
		return HART_EXIT_STOP;
	}
	return -1;
}

int jit_chunk(struct hart *h, uint64_t n, uint64_t *done)
{
	uint64_t left = n;
	int r = -1;

	if (cpu_of(h)->trace_on || cpu_of(h)->watch_on)
		return interp_chunk(h, n, done);
	while (left && r < 0 && !hart_brk(cpu_of(h))) {
		if (code_moved(h))
			jit_revalidate(h);
		r = dispatch(h, &left);
	}
	*done = n - left;
	return r;
}

/* ---- helpers called from translated code ---- */

static int helper_done(struct hart *h, unsigned len)
{
	h->s.pc += len;
	h->s.minstret++;
	if (hart_brk(cpu_of(h)) || cpu_of(h)->jit_dirty || code_moved(h))
		return JIT_EXIT_NORMAL;
	return JIT_GO_ON;
}

int jit_h_load(struct hart *h, uint64_t va, uint64_t info)
{
	int size = info & 15;
	unsigned rd = (info >> 8) & 31;
	uint64_t v;

	if (!mmu_load(h, va, size, &v)) {
		h->s.minstret++; /* hart_raise took the instruction back */
		cpu_of(h)->jit->trapped = true;
		return JIT_EXIT_NORMAL;
	}
	if ((info >> 4) & 1)
		v = sext(v, size * 8);
	if (rd)
		h->s.x[rd] = v;
	return helper_done(h, (info >> 16) & 7);
}

int jit_h_store(struct hart *h, uint64_t va, uint64_t val, uint64_t info)
{
	if (!mmu_store(h, va, info & 15, val)) {
		h->s.minstret++;
		cpu_of(h)->jit->trapped = true;
		return JIT_EXIT_NORMAL;
	}
	return helper_done(h, (info >> 16) & 7);
}

int jit_h_slow(struct hart *h, uint64_t raw)
{
	unsigned len = (raw & 3) == 3 ? 4 : 2;
	uint64_t npc = h->s.pc + len;
	int r = interp_slow(h, (uint32_t)raw);

	if (r != JIT_GO_ON)
		return r;
	if ((raw >> 32) || hart_brk(cpu_of(h)) || h->s.pc != npc || cpu_of(h)->jit_dirty ||
	    code_moved(h))
		return JIT_EXIT_NORMAL;
	return JIT_GO_ON;
}

/* ---- lockstep: each block run translated, then interpreted from the same state ---- */

void jit_log_store(struct hart *h, void *host, int size, const void *val)
{
	struct lockstep *ls = cpu_of(h)->jit->ls;
	struct ls_store *s;

	if (ls->nlog[ls->cur] >= LS_MAX) {
		ls->overflow = true;
		return;
	}
	s = &ls->log[ls->cur][ls->nlog[ls->cur]++];
	s->host = host;
	s->size = (uint8_t)size;
	s->old = s->val = 0;
	memcpy(&s->old, host, size);
	memcpy(&s->val, val, size);
}

static void ls_undo(struct lockstep *ls, int k)
{
	for (unsigned i = ls->nlog[k]; i-- > 0;)
		memcpy(ls->log[k][i].host, &ls->log[k][i].old, ls->log[k][i].size);
}

static void ls_report(struct hart *h, struct jit_block *blk, const char *what, unsigned idx,
		      uint64_t jv, uint64_t iv)
{
	struct lockstep *ls = cpu_of(h)->jit->ls;

	if (ls->failures++ < 10)
		fprintf(stderr,
			"lockstep: block pc=0x%llx (%u insns): %s %u: translated 0x%llx, "
			"interpreted 0x%llx\n",
			(unsigned long long)blk->pc, blk->n, what, idx, (unsigned long long)jv,
			(unsigned long long)iv);
}

static void ls_compare(struct hart *h, struct jit_block *blk, const struct hart_state *js,
		       bool jres, uint64_t jaddr)
{
	struct lockstep *ls = cpu_of(h)->jit->ls;
	const uint64_t *a = (const uint64_t *)js, *b = (const uint64_t *)&h->s;

	for (unsigned i = 0; i < sizeof(*js) / 8; i++)
		if (a[i] != b[i] && i != offsetof(struct hart_state, mip) / 8)
			ls_report(h, blk, "state word", i, a[i], b[i]);
	if (jres != cpu_of(h)->res_valid || (jres && jaddr != cpu_of(h)->res_addr))
		ls_report(h, blk, "reservation", 0, jres, cpu_of(h)->res_valid);
	if (ls->nlog[0] != ls->nlog[1])
		ls_report(h, blk, "store count", 0, ls->nlog[0], ls->nlog[1]);
	for (unsigned i = 0; i < ls->nlog[0] && i < ls->nlog[1]; i++) {
		const struct ls_store *x = &ls->log[0][i], *y = &ls->log[1][i];

		if (x->host != y->host || x->size != y->size || x->val != y->val)
			ls_report(h, blk, "store", i, x->val, y->val);
	}
	ls->checked++;
}

/*
 * The block runs translated (stores logged, every store by the slow path:
 * the TLB holds no write entries in this mode), its stores are undone, and
 * the interpreter runs the same instructions from the same state; then the
 * two results are compared and the interpreter's stays.  A block that
 * calls helpers (CSRs, FP, atomics, system) or touches a device is not
 * repeated: its effects outside the hart cannot be undone.
 */
static void lockstep_run(struct hart *h, struct jit_block *blk, int *r)
{
	struct lockstep *ls = cpu_of(h)->jit->ls;
	struct hart_state js;
	uint64_t mi0 = h->s.minstret, steps, d, jaddr;
	bool jres;

	ls->s0 = h->s;
	ls->res_valid0 = cpu_of(h)->res_valid;
	ls->res_addr0 = cpu_of(h)->res_addr;
	ls->nlog[0] = ls->nlog[1] = 0;
	ls->overflow = false;
	ls->cur = 0;
	cpu_of(h)->jit_log = true;
	cpu_of(h)->jit_mmio = false;
	cpu_of(h)->jit->trapped = false;
	*r = jitb_run(&cpu_of(h)->jit->code, h, blk->code);
	ls->blocks++;
	if (!blk->pure || cpu_of(h)->jit_mmio || ls->overflow ||
	    (*r != JIT_EXIT_NORMAL && *r != JIT_EXIT_CHAIN) || hart_brk(cpu_of(h)) ||
	    cpu_of(h)->jit_dirty) {
		cpu_of(h)->jit_log = false;
		return;
	}
	js = h->s;
	jres = cpu_of(h)->res_valid;
	jaddr = cpu_of(h)->res_addr;
	/* a trap: the trapping instruction took a step without retiring */
	steps = h->s.minstret - mi0 + (cpu_of(h)->jit->trapped ? 1 : 0);
	ls_undo(ls, 0);
	h->s = ls->s0;
	cpu_of(h)->res_valid = ls->res_valid0;
	cpu_of(h)->res_addr = ls->res_addr0;
	ls->cur = 1;
	cpu_of(h)->jit_hot = NULL; /* the interpreter runs them all, no hand-over */
	if (steps)
		interp_chunk(h, steps, &d);
	cpu_of(h)->jit_hot = cpu_of(h)->jit->hot;
	cpu_of(h)->jit_log = false;
	ls_compare(h, blk, &js, jres, jaddr);
}

void hart_jit_stats(struct hart *h, struct hart_jit_stats *st)
{
	struct jit *j = cpu_of(h)->jit;

	memset(st, 0, sizeof(*st));
	if (!j)
		return;
	st->translated = j->translated;
	st->flushes = j->flushes;
	if (j->ls) {
		st->ls_blocks = j->ls->blocks;
		st->ls_checked = j->ls->checked;
		st->ls_failures = j->ls->failures;
	}
}

void hart_jit_mutate(struct hart *h, bool on)
{
	if (cpu_of(h)->jit)
		cpu_of(h)->jit->mutate = on;
}

/* ---- life cycle ---- */

static int code_map(struct jit *j)
{
	void *w, *x;

	j->memfd = memfd_create("rvcp-jit", MFD_CLOEXEC);
	if (j->memfd < 0)
		return -errno;
	if (ftruncate(j->memfd, JIT_CODE_SIZE) < 0)
		return -errno;
	w = mmap(NULL, JIT_CODE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, j->memfd, 0);
	if (w == MAP_FAILED)
		return -errno;
	j->code.w = w;
	x = mmap(NULL, JIT_CODE_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED, j->memfd, 0);
	if (x == MAP_FAILED)
		return -errno;
	j->code.x = x;
	j->code.size = JIT_CODE_SIZE;
	return 0;
}

static void code_unmap(struct jit *j)
{
	if (j->code.w)
		munmap(j->code.w, JIT_CODE_SIZE);
	if (j->code.x)
		munmap((void *)j->code.x, JIT_CODE_SIZE);
	if (j->memfd >= 0)
		close(j->memfd);
}

int jit_create(struct hart *h, bool lockstep)
{
	struct jit *j;
	int rc;

	if (!jitb_available())
		return -ENOTSUP;
	j = mmap(NULL, sizeof(*j), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (j == MAP_FAILED)
		return -ENOMEM;
	j->memfd = -1;
	j->blocks = mmap(NULL, JIT_MAX_BLOCKS * sizeof(*j->blocks), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	rc = j->blocks == MAP_FAILED ? -ENOMEM : code_map(j);
	if (rc)
		goto fail;
	j->code.jc = j->jc;
	rc = jitb_init(&j->code);
	if (rc)
		goto fail;
	if (lockstep) {
		j->ls = calloc(1, sizeof(*j->ls));
		if (!j->ls) {
			rc = -ENOMEM;
			goto fail;
		}
	}
	cpu_of(h)->jit = j;
	cpu_of(h)->jit_hot = j->hot;
	jit_flush(h);
	return 0;
fail:
	if (j->blocks != MAP_FAILED && j->blocks)
		munmap(j->blocks, JIT_MAX_BLOCKS * sizeof(*j->blocks));
	code_unmap(j);
	munmap(j, sizeof(*j));
	return rc;
}

void jit_destroy(struct hart *h)
{
	struct jit *j = cpu_of(h)->jit;

	if (!j)
		return;
	if (j->ls && j->ls->blocks)
		fprintf(stderr, "lockstep: %llu blocks run, %llu compared, %llu differed\n",
			(unsigned long long)j->ls->blocks, (unsigned long long)j->ls->checked,
			(unsigned long long)j->ls->failures);
	jit_flush(h);
	free(j->ls);
	munmap(j->blocks, JIT_MAX_BLOCKS * sizeof(*j->blocks));
	code_unmap(j);
	munmap(j, sizeof(*j));
	cpu_of(h)->jit = NULL;
	cpu_of(h)->jit_hot = NULL;
	cpu_of(h)->jit_log = false;
}

/* An idle guest: the cache's pages go back to the host; translation starts again. */
void jit_release(struct hart *h)
{
	struct jit *j = cpu_of(h)->jit;

	if (!j)
		return;
	if (j->code.used > j->code.stubs_end) {
		size_t keep = (j->code.stubs_end + 4095) & ~(size_t)4095; /* madvise: whole pages */

		madvise(j->code.w + keep, j->code.size - keep, MADV_REMOVE);
		madvise(j->blocks, JIT_MAX_BLOCKS * sizeof(*j->blocks), MADV_DONTNEED);
	}
	jit_flush(h); /* the tables too (the hot counters are touched even without code) */
}
