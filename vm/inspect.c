// SPDX-License-Identifier: MIT
/*
 * INSPECT (vm/proto.h): CP's DISPLAY and STORE look at a hart and at guest
 * storage; VMDUMP writes all of it as a core file.  The request is handled between two slices of
 * guest instructions, so what CP sees is an instruction boundary, whether the guest runs or not.
 * Everything in the request comes from CP, but is checked as if it did not: a bad one gets an rc,
 * never an abort.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vm/vm.h"

/* The reply with room for its data (r.data is a flexible array). */
struct insp_answer {
	union {
		struct proto_inspect_reply r;
		uint8_t room[sizeof(struct proto_inspect_reply) + PROTO_INSPECT_MAX];
	};
};

static int insp_state(struct hart *h, const struct proto_inspect *q, struct insp_answer *a)
{
	struct hart_state s;

	hart_get_state(h, &s);
	memcpy(a->r.data, &s, sizeof(s));
	a->r.len = sizeof(s);
	return 0;
}

static int insp_csr(struct hart *h, const struct proto_inspect *q, struct insp_answer *a)
{
	if (q->addr >= 4096)
		return -ENOENT;
	return hart_read_csr(h, (unsigned)q->addr, &a->r.val);
}

static int insp_read(struct vm *vm, const struct proto_inspect *q, struct insp_answer *a)
{
	struct guest_mem *mem = machine_mem(vm->m);
	const void *p;

	if (q->len > PROTO_INSPECT_MAX)
		return -EINVAL;
	p = mem_contains(mem, q->addr, q->len) ? mem->base + q->addr : NULL;
	if (!p) {
		a->r.val = q->addr < mem->size ? mem->size : q->addr;
		return -ERANGE;
	}
	memcpy(a->r.data, p, q->len);
	a->r.len = (uint32_t)q->len;
	return 0;
}

static int insp_write(struct vm *vm, const struct proto_inspect *q, size_t datalen,
		      struct insp_answer *a)
{
	struct guest_mem *mem = machine_mem(vm->m);
	void *p;

	if (q->len > PROTO_INSPECT_MAX || q->len > datalen)
		return -EINVAL;
	if (!mem_contains(mem, q->addr, q->len)) {
		a->r.val = q->addr < mem->size ? mem->size : q->addr;
		return -ERANGE;
	}
	/* As a device's DMA: refused on read-only pages, translations dropped. */
	p = mem_dma(mem, q->addr, q->len, true);
	if (!p)
		return -EACCES;
	memcpy(p, q->data, q->len);
	return 0;
}

static int insp_translate(struct vm *vm, struct hart *h, const struct proto_inspect *q,
			  struct insp_answer *a)
{
	uint64_t pa;
	int cause = hart_translate(h, q->addr, &pa);

	if (cause) {
		a->r.val = (uint64_t)cause;
		return -EFAULT;
	}
	if (pa < RAM_BASE || pa - RAM_BASE >= machine_mem(vm->m)->size) {
		a->r.val = pa;
		return -ERANGE;
	}
	a->r.val = pa - RAM_BASE;
	return 0;
}

static int insp_set_reg(struct hart *h, const struct proto_inspect *q)
{
	struct hart_state s;

	hart_get_state(h, &s);
	if (q->addr < 32)
		s.x[q->addr] = q->val; /* x0 stays 0: hart_set_state */
	else if (q->addr < PROTO_REG_F0 + 32)
		s.f[q->addr - PROTO_REG_F0] = q->val;
	else if (q->addr == PROTO_REG_PC && !(q->val & 1))
		s.pc = q->val;
	else
		return q->addr == PROTO_REG_PC ? -EINVAL : -ENOENT;
	hart_set_state(h, &s);
	return 0;
}

static int insp_do(struct vm *vm, const struct proto_inspect *q, size_t datalen,
		   struct insp_answer *a)
{
	struct hart *h;

	if (!vm->m)
		return -ENODEV;
	h = machine_cpu(vm->m, q->hart >= INT32_MAX ? -1 : (int)q->hart);
	if (!h)
		return -ENOENT;
	machine_pause(vm->m); /* the other harts' threads stand still meanwhile */
	switch (q->op) {
	case PROTO_INSP_STATE:
		return insp_state(h, q, a);
	case PROTO_INSP_CSR:
		return insp_csr(h, q, a);
	case PROTO_INSP_READ:
		return insp_read(vm, q, a);
	case PROTO_INSP_WRITE:
		return insp_write(vm, q, datalen, a);
	case PROTO_INSP_TRANSLATE:
		return insp_translate(vm, h, q, a);
	case PROTO_INSP_SET_REG:
		return insp_set_reg(h, q);
	case PROTO_INSP_IO:
		a->r.val = machine_io_count(vm->m);
		return 0;
	default:
		return -EINVAL;
	}
}

void vm_inspect(struct vm *vm, struct proto_msg *msg)
{
	static struct insp_answer a;
	struct proto_inspect q;

	memset(&a.r, 0, sizeof(a.r));
	if (msg->len < sizeof(q)) {
		a.r.rc = -EINVAL;
	} else {
		memcpy(&q, msg->payload, sizeof(q));
		a.r.tag = q.tag;
		a.r.rc = insp_do(vm, (const struct proto_inspect *)msg->payload,
				 msg->len - sizeof(q), &a);
	}
	if (a.r.rc)
		a.r.len = 0;
	proto_send(vm->sock, PROTO_INSPECT_REPLY, &a, sizeof(a.r) + a.r.len, NULL, 0);
}

static uint64_t vm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* VMDUMP: the ELF core into CP's file; the guest goes on afterwards. */
void vm_vmdump(struct vm *vm, struct proto_msg *msg)
{
	char buf[sizeof(struct proto_vmdump_result) + 128];
	struct proto_vmdump_result *r = (struct proto_vmdump_result *)buf;
	struct machine_core_stats st = {0};
	uint64_t t0 = vm_now_ns();
	const char *why = "";

	memset(buf, 0, sizeof(buf));
	if (msg->nfds != 1) {
		r->rc = -EINVAL;
		why = "no file";
	} else if (!vm->m) {
		r->rc = -ENODEV;
		why = "no machine";
	} else {
		machine_pause(vm->m);
		r->rc = machine_write_core(vm->m, msg->fds[0], &st);
		if (!r->rc && fsync(msg->fds[0]) < 0)
			r->rc = -errno;
		if (r->rc)
			why = strerror(-r->rc);
	}
	r->segments = (uint32_t)st.segments;
	r->file_size = st.file_size;
	r->data_bytes = st.data_bytes;
	r->ns = vm_now_ns() - t0;
	snprintf(r->text, 100, "%s", why);
	proto_send(vm->sock, PROTO_VMDUMP_RESULT, buf, sizeof(*r) + strlen(r->text) + 1, NULL, 0);
}
