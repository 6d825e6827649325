// SPDX-License-Identifier: MIT
/*
 * rvcp vm --fd N [--user ID]: the process of one virtual machine (vm/vm.h).
 * Runs the machine in slices; between slices it reads CP's messages without
 * waiting; an idle guest sleeps until its timer or a message.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/sandbox.h"
#include "vm/nss.h"
#include "vm/vm.h"

#define VM_SLICE 200000 /* instructions between looks at the socket */

void vm_result(struct vm *vm, uint32_t req, int rc, const char *text)
{
	char buf[sizeof(struct proto_result) + 512];
	struct proto_result *r = (struct proto_result *)buf;
	size_t n = strnlen(text, 511);

	r->req = req;
	r->rc = rc;
	memcpy(r->text, text, n);
	r->text[n] = 0;
	proto_send(vm->sock, PROTO_RESULT, buf, sizeof(*r) + n + 1, NULL, 0);
}

/* The bits of the instruction at virtual pc, read through the translation. */
static bool vm_insn_at(struct vm *vm, struct hart *h, uint64_t pc, uint32_t *insn)
{
	struct guest_mem *mem = machine_mem(vm->m);
	uint64_t pa;

	if (hart_translate(h, pc, &pa) || pa < RAM_BASE || !mem_contains(mem, pa - RAM_BASE, 2))
		return false;
	*insn = 0;
	memcpy(insn, mem->base + (pa - RAM_BASE), 2);
	if ((*insn & 3) == 3) {
		if (hart_translate(h, pc + 2, &pa) || pa < RAM_BASE ||
		    !mem_contains(mem, pa - RAM_BASE, 2))
			return false;
		memcpy((uint8_t *)insn + 2, mem->base + (pa - RAM_BASE), 2);
	}
	return true;
}

static void vm_trace_hit(struct vm *vm, struct proto_state *s)
{
	struct hart *h = machine_cpu(vm->m, machine_trace_hart(vm->m));
	const struct hart_hit *hit = &h->hit;

	s->hit_kind = hit->kind;
	s->hit_pc = hit->pc;
	s->hit_cause = hit->cause;
	s->hit_tval = hit->kind == HART_HIT_STORE ? hit->tval - RAM_BASE : hit->tval;
	s->hit_hart = (uint32_t)machine_trace_hart(vm->m);
	s->insn_ok = vm_insn_at(vm, h, hit->pc, &s->insn);
}

void vm_stopped(struct vm *vm, enum proto_stop_reason why)
{
	struct proto_state s = {.reason = why, .runs = vm->runs};

	vm->running = false;
	if (vm->m)
		s.pc = machine_trace_pc(vm->m) - RAM_BASE;
	if (why != PROTO_STOP_TRACE && vm->m)
		s.pc = 0;
	if (why == PROTO_STOP_TRACE && vm->m)
		vm_trace_hit(vm, &s);
	proto_send(vm->sock, PROTO_STATE, &s, sizeof(s), NULL, 0);
}

void vm_apply_trace(struct vm *vm)
{
	const struct proto_trace_sets *t = &vm->trace;
	uint64_t r[PROTO_TRACE_RANGES][2];
	struct hart_watch w = {.store_lo = 1};

	if (!vm->m)
		return;
	for (uint32_t i = 0; i < t->ninstr; i++) {
		r[i][0] = RAM_BASE + t->instr[i].lo;
		r[i][1] = RAM_BASE + t->instr[i].hi;
	}
	w.prog_mask = t->prog_mask;
	w.ext = t->ext;
	w.svc = t->svc;
	if (t->store) {
		w.store_lo = RAM_BASE + t->store_lo;
		w.store_hi = RAM_BASE + t->store_hi;
	}
	machine_pause(vm->m);
	for (int i = 0; i < machine_ncpus(vm->m); i++) {
		hart_set_trace_ranges(machine_cpu(vm->m, i), r, (int)t->ninstr);
		hart_set_watch(machine_cpu(vm->m, i), &w);
	}
}

static void vm_console_out(void *opaque, const uint8_t *buf, size_t len)
{
	struct vm *vm = opaque;

	if (vm->sock < 0) {
		vm_orphan_hold(vm, buf, len);
		return;
	}
	while (len) {
		size_t n = len > PROTO_MAX_PAYLOAD ? PROTO_MAX_PAYLOAD : len;

		/* Blocking: a VM that outruns its terminal waits for CP. */
		if (proto_send(vm->sock, PROTO_CONSOLE_OUT, buf, n, NULL, 0))
			return;
		buf += n;
		len -= n;
	}
}

/* Give the guest what it can take of the typed input. */
static void vm_feed_console(struct vm *vm)
{
	size_t n;

	if (!vm->inlen || !vm->m)
		return;
	n = machine_console_input(vm->m, vm->in, vm->inlen);
	memmove(vm->in, vm->in + n, vm->inlen - n);
	vm->inlen -= n;
}

static void vm_setup(struct vm *vm, struct proto_msg *msg)
{
	struct proto_setup *s = (struct proto_setup *)msg->payload;
	struct machine_config cfg = {.console_out = vm_console_out, .console_opaque = vm};

	if (msg->len < sizeof(*s) || s->ndisks > MACHINE_MAX_DISKS || s->nnics > MACHINE_MAX_NICS ||
	    s->ncpus > MACHINE_MAX_CPUS ||
	    msg->len < sizeof(*s) + s->ndisks * sizeof(s->disks[0]) +
			   s->nnics * sizeof(struct proto_setup_nic) ||
	    (uint32_t)msg->nfds != s->ndisks) {
		vm_result(vm, PROTO_SETUP, -EINVAL, "bad SETUP message");
		proto_close_fds(msg);
		return;
	}
	if (vm->m)
		machine_destroy(vm->m);
	vm->m = NULL;
	vm->running = false;
	for (int i = 0; i < vm->cfg.ndisks; i++)
		close(vm->cfg.disks[i].fd);
	vm->cfg.ndisks = 0;
	cfg.mem_size = s->mem_size;
	cfg.mem_span = s->mem_span;
	cfg.ncpus = (int)(s->ncpus ? s->ncpus : 1);
	cfg.ndisks = s->ndisks;
	cfg.cpu = vm->cpu;
	for (uint32_t i = 0; i < s->ndisks; i++) {
		cfg.disks[i].vdev = s->disks[i].vdev;
		cfg.disks[i].fd = msg->fds[i];
		cfg.disks[i].size = s->disks[i].size;
		cfg.disks[i].readonly = s->disks[i].readonly;
	}
	cfg.nnics = (int)s->nnics;
	for (uint32_t i = 0; i < s->nnics; i++) {
		struct proto_setup_nic n;

		memcpy(&n, (uint8_t *)&s->disks[s->ndisks] + i * sizeof(n), sizeof(n));
		cfg.nics[i].vdev = n.vdev;
		memcpy(cfg.nics[i].mac, n.mac, 6);
		cfg.nics[i].fd = -1; /* coupled by NIC_LINK */
	}
	msg->nfds = 0; /* the disks are ours now */
	vm->cfg = cfg;
	vm->m = machine_create(&vm->cfg);
	if (!vm->m) {
		vm_result(vm, PROTO_SETUP, -ENOMEM, "the machine could not be created");
		return;
	}
	machine_set_line_mode(vm->m, true); /* CP's terminals are line mode */
	vm_apply_trace(vm);
	vm_result(vm, PROTO_SETUP, 0, "");
}

static void vm_ipl(struct vm *vm, struct proto_msg *msg)
{
	struct proto_ipl *ipl = (struct proto_ipl *)msg->payload;
	char err[256] = "";
	int rc;

	if (!vm->m) {
		vm_result(vm, PROTO_IPL, -ENODEV, "no machine (storage could not be set up)");
		return;
	}
	if (msg->len < sizeof(*ipl) || ipl->disk >= (uint32_t)vm->cfg.ndisks) {
		vm_result(vm, PROTO_IPL, -EINVAL, "bad IPL message");
		return;
	}
	vm->running = false;
	machine_reset(vm->m, true);
	rc = machine_ipl_disk(vm->m, ipl->disk, ipl->parm, err, sizeof(err));
	if (rc) {
		vm_result(vm, PROTO_IPL, rc, err[0] ? err : strerror(-rc));
		return;
	}
	vm_apply_trace(vm);
	vm->running = true;
	vm->runs++;
	vm_result(vm, PROTO_IPL, 0, "");
}

static void vm_begin(struct vm *vm, struct proto_msg *msg)
{
	vm->runs++; /* counted as CP counts it, whether or not it can run */
	if (vm->m)
		vm->running = true;
}

static void vm_stop(struct vm *vm, struct proto_msg *msg)
{
	if (vm->running)
		vm_stopped(vm, PROTO_STOP_REQUEST);
}

static void vm_console_in(struct vm *vm, struct proto_msg *msg)
{
	if (vm->inlen + msg->len > 1 << 16)
		return; /* the guest does not read: drop what does not fit */
	if (vm->inlen + msg->len > vm->incap) {
		size_t ncap = vm->inlen + msg->len + 4096;
		uint8_t *n = realloc(vm->in, ncap);

		if (!n)
			return;
		vm->in = n;
		vm->incap = ncap;
	}
	memcpy(vm->in + vm->inlen, msg->payload, msg->len);
	vm->inlen += msg->len;
	vm_feed_console(vm);
}

static void vm_reset(struct vm *vm, struct proto_msg *msg)
{
	uint32_t clear = 0;

	if (msg->len >= sizeof(clear))
		memcpy(&clear, msg->payload, sizeof(clear));
	vm->running = false;
	if (vm->m) {
		machine_reset(vm->m, clear);
		vm_apply_trace(vm);
	}
}

static void vm_trace_set(struct vm *vm, struct proto_msg *msg)
{
	struct proto_trace *t = (struct proto_trace *)msg->payload;

	if (msg->len < sizeof(*t) || t->lo > t->hi || t->hi >= (1ull << 62))
		return;
	memset(&vm->trace, 0, sizeof(vm->trace));
	vm->trace.ninstr = 1;
	vm->trace.instr[0] = *t;
	vm_apply_trace(vm);
}

/* Every range within bounds (real addresses below 2^62), lo <= hi. */
static bool vm_trace_valid(const struct proto_trace_sets *t)
{
	if (t->ninstr > PROTO_TRACE_RANGES)
		return false;
	for (uint32_t i = 0; i < t->ninstr; i++)
		if (t->instr[i].lo > t->instr[i].hi || t->instr[i].hi >= (1ull << 62))
			return false;
	return !t->store || (t->store_lo <= t->store_hi && t->store_hi < (1ull << 62));
}

static void vm_trace_sets(struct vm *vm, struct proto_msg *msg)
{
	struct proto_trace_sets t;

	if (msg->len < sizeof(t))
		return;
	memcpy(&t, msg->payload, sizeof(t));
	if (!vm_trace_valid(&t))
		return;
	vm->trace = t;
	vm_apply_trace(vm);
}

static void vm_trace_clear(struct vm *vm, struct proto_msg *msg)
{
	memset(&vm->trace, 0, sizeof(vm->trace));
	vm_apply_trace(vm);
}

static void vm_nic_link(struct vm *vm, struct proto_msg *msg)
{
	struct proto_nic_link l;
	int fd = -1;

	if (msg->len < sizeof(l))
		return;
	memcpy(&l, msg->payload, sizeof(l));
	if (l.up) {
		if (msg->nfds != 1)
			return;
		fd = msg->fds[0];
		msg->nfds = 0;
	}
	if (!vm->m || machine_nic_link(vm->m, l.vdev, fd)) {
		if (fd >= 0)
			close(fd); /* no such NIC: CP's view and ours differ until the next SETUP */
	}
}

static void vm_quit(struct vm *vm, struct proto_msg *msg)
{
	vm->quit = true;
}

static void vm_memo(struct vm *vm, struct proto_msg *msg)
{
	vm_set_memo(vm, msg);
}

static void vm_log_fd(struct vm *vm, struct proto_msg *msg)
{
	vm_set_log(vm, msg);
}

/* clang-format off */
static const struct vm_handler vm_handlers[] = {
	{PROTO_SETUP,       vm_setup},
	{PROTO_IPL,         vm_ipl},
	{PROTO_BEGIN,       vm_begin},
	{PROTO_STOP,        vm_stop},
	{PROTO_CONSOLE_IN,  vm_console_in},
	{PROTO_RESET,       vm_reset},
	{PROTO_TRACE_SET,   vm_trace_set},
	{PROTO_TRACE_SETS,  vm_trace_sets},
	{PROTO_TRACE_CLEAR, vm_trace_clear},
	{PROTO_QUIT,        vm_quit},
	{PROTO_NIC_LINK,    vm_nic_link},
	{PROTO_INSPECT,     vm_inspect},
	{PROTO_VMDUMP,      vm_vmdump},
	{PROTO_MEMO,        vm_memo},
	{PROTO_LOG_FD,      vm_log_fd},
	/* Named Saved Systems (vm/nss.c) */
	{PROTO_NSS_SAVE,    vm_nss_save},
	{PROTO_NSS_IPL,     vm_nss_ipl},
	{PROTO_NSS_SEGMENTS, vm_nss_segments},
	{0, NULL},
};
/* clang-format on */

static void vm_dispatch(struct vm *vm, struct proto_msg *msg)
{
	/* the other harts stay parked while a message is handled (machine/smp.c) */
	if (vm->m)
		machine_pause(vm->m);
	for (const struct vm_handler *h = vm_handlers; h->fn; h++) {
		if (h->type == msg->type) {
			h->fn(vm, msg);
			proto_close_fds(msg); /* any the handler did not take */
			return;
		}
	}
	proto_close_fds(msg);
}

/* Handle every message waiting; false when CP is gone. */
static bool vm_messages(struct vm *vm)
{
	static struct proto_msg msg;

	if (vm->sock < 0) {
		vm_orphan_poll(vm); /* no CP now (vm/orphan.c) */
		return true;
	}
	while (!vm->quit) {
		int rc = proto_recv(vm->sock, &msg, MSG_DONTWAIT);

		if (rc == -EAGAIN)
			return true;
		if (rc <= 0)
			return false;
		vm_dispatch(vm, &msg);
	}
	return false;
}

static bool vm_wait(struct vm *vm, bool idle)
{
	struct pollfd pfd = {.fd = vm->sock, .events = POLLIN};

	if (vm->sock < 0)
		return vm_orphan_wait(vm, idle);
	if (idle)
		machine_wait(vm->m, &pfd, 1);
	else
		poll(&pfd, 1, -1);
	return vm_messages(vm);
}

static void vm_event(struct vm *vm, enum machine_event ev)
{
	switch (ev) {
	case MACHINE_TRACE:
		vm_stopped(vm, PROTO_STOP_TRACE);
		break;
	case MACHINE_POWEROFF:
		vm_stopped(vm, PROTO_STOP_POWEROFF);
		break;
	case MACHINE_RESET:
		vm_stopped(vm, PROTO_STOP_REBOOT);
		break;
	case MACHINE_STOPPED:
		vm_stopped(vm, PROTO_STOP_REQUEST);
		break;
	case MACHINE_CP_REQUEST: {
		const char *cmd = machine_cp_request(vm->m);

		/* Held until CP has run it: a SAVESYS saves exactly this point. */
		vm->running = false;
		proto_send(vm->sock, PROTO_CP_REQUEST, cmd, strlen(cmd) + 1, NULL, 0);
		break;
	}
	default:
		break;
	}
}

/* CP's socket ended (false from vm_wait or vm_messages): go on without it? */
static bool vm_go_on(struct vm *vm)
{
	if (vm->sock < 0 || !vm_cp_lost(vm)) {
		if (vm_orphan_expired(vm))
			vm_orphan_shutdown(vm);
		return false;
	}
	return true;
}

static int vm_loop(struct vm *vm)
{
	proto_send(vm->sock, PROTO_HELLO, NULL, 0, NULL, 0);
	while (!vm->quit) {
		enum machine_event ev;

		if (vm_orphan_expired(vm)) {
			vm_orphan_shutdown(vm);
			break;
		}
		if (!vm->running || !vm->m) {
			if (!vm_wait(vm, false) && !vm_go_on(vm))
				break;
			continue;
		}
		ev = machine_run(vm->m, VM_SLICE);
		vm_feed_console(vm);
		if (ev == MACHINE_IDLE) {
			if (!vm_wait(vm, true) && !vm_go_on(vm))
				break;
			continue;
		}
		vm_event(vm, ev);
		if (!vm_messages(vm) && !vm_go_on(vm))
			break;
	}
	return 0;
}

int vm_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"fd", required_argument, NULL, 'f'},
	    {"user", required_argument, NULL, 'u'},
	    {"cpu", required_argument, NULL, 'c'},
	    {"listen-fd", required_argument, NULL, 'l'},
	    {"cp-uid", required_argument, NULL, 'U'},
	    {"orphan-wait", required_argument, NULL, 'w'},
	    {NULL, 0, NULL, 0},
	};
	struct vm vm = {.sock = -1, .user = "?", .listen_fd = -1};
	int c, rc, listen_fd = -1;
	unsigned orphan_wait = 300;
	uint32_t cp_uid = getuid();
	char name[32];

	while ((c = getopt_long(argc, argv, "f:u:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			vm.sock = atoi(optarg);
			break;
		case 'u':
			vm.user = optarg;
			break;
		case 'c':
			vm.cpu = hart_engine_parse(optarg) + 1;
			if (vm.cpu <= 0) {
				fprintf(stderr, "rvcp vm: --cpu interp, jit or lockstep\n");
				return 2;
			}
			break;
		case 'l':
			listen_fd = atoi(optarg);
			break;
		case 'U':
			cp_uid = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'w':
			orphan_wait = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr,
				"usage: rvcp vm --fd N [--user ID] [--cpu ENGINE]\n"
				"               [--listen-fd N --cp-uid UID --orphan-wait S]\n");
			return 2;
		}
	}
	if (vm.sock < 3) {
		fprintf(stderr, "rvcp vm: --fd N is the socket CP passes (N >= 3)\n");
		return 2;
	}
	snprintf(name, sizeof(name), "rvcp vm %s", vm.user);
	log_set_name(name);
	/* Without a way to reach a new CP, if CP dies, so do we. */
	vm_orphan_init(&vm, listen_fd, cp_uid, orphan_wait);
	if (vm.listen_fd < 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() == 1)
			return 1; /* CP died before that */
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN); /* a file-size limit: the guest gets an I/O error */
	/* From here on no file system, no privileges: before the first message. */
	rc = sandbox_enter(SANDBOX_VM);
	if (rc) {
		log_err("cannot enter the sandbox: %s", strerror(-rc));
		return 1;
	}
	rc = vm_loop(&vm);
	if (vm.m)
		machine_destroy(vm.m);
	for (int i = 0; i < vm.cfg.ndisks; i++)
		close(vm.cfg.disks[i].fd);
	free(vm.in);
	free(vm.held);
	if (vm.sock >= 0)
		close(vm.sock);
	fflush(NULL);
	_exit(rc); /* exit handlers would need calls the sandbox refuses */
}
