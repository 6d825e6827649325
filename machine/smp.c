// SPDX-License-Identifier: MIT
/*
 * Several harts.  Hart 0 runs on the thread that calls machine_run() and
 * machine_wait() (the VM process's loop, `rvcp boot`, `run-elf`); every
 * other hart on a host thread of its own, made with the machine.
 *
 * Decisions:
 *  - The other harts run only while the caller is inside machine_run() or
 *    machine_wait(), or between such calls as long as nothing else of the
 *    machine is used: machine_pause() (called by every machine function
 *    that changes or reads the machine as a whole, and by the VM process
 *    before it handles a message from CP) parks them at their next chunk
 *    boundary, and the next machine_run()/machine_wait() lets them go.
 *    So SAVESYS, IPL, SYSTEM RESET, DISPLAY and the state blob always see
 *    every hart stopped, with no lock of their own.
 *  - An event of the whole machine (power off, reset, a trace hit, a CP
 *    request) from any hart holds every hart where it is (the hart that
 *    caused it stops right after the instruction), and machine_run()
 *    reports it.
 *  - Devices are shared: every MMIO access, the SBI's console and power
 *    calls and the machine's own calls into devices hold one recursive
 *    lock (machine_lock; no lock at all with one hart).  Interrupt lines,
 *    timer compares, remote fences and stops go to a hart with atomics
 *    (cpu/cpu.h), and a sleeping hart is woken by its eventfd.
 *  - SBI HSM: with the built-in SBI only hart 0 starts; the others wait
 *    STOPPED for hart_start.  With firmware (--bios) or run-elf every hart
 *    starts at the entry in M-mode, a0 = its hart id, as on hardware.
 *  - Lockstep (a checking mode) cannot compare a block while another hart
 *    stores: with several harts they take turns, a slice each.
 */
#include "machine/internal.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define SMP_SLICE 100000 /* instructions of a hart between looks at hold */

struct smp_hart {
	struct machine *m;
	struct hart *h;
	int efd;	    /* wakes the hart's thread while it sleeps */
	uint32_t sleeping;  /* atomic: the thread sleeps (or is about to) */
	uint32_t hsm;	    /* atomic: SMP_HSM_* */
	uint64_t start_pc;  /* hart_start / resume: where it goes, */
	uint64_t start_arg; /* and its a1 */
	bool start_m;	    /* start in M-mode (firmware, run-elf) */
	pthread_t th;
	bool thread;
};

struct smp {
	pthread_mutex_t lock; /* the devices */
	pthread_mutex_t mu;   /* hold, quit, nparked */
	pthread_cond_t go, parked;
	pthread_mutex_t turn; /* lockstep: one hart at a time */
	bool lockstep;
	uint32_t hold; /* atomic: the other harts park */
	bool quit;
	int nparked, nthreads;
	struct smp_hart hart[MACHINE_MAX_CPUS];
};

void machine_lock(struct machine *m)
{
	if (m->nharts > 1)
		pthread_mutex_lock(&m->smp->lock);
}

void machine_unlock(struct machine *m)
{
	if (m->nharts > 1)
		pthread_mutex_unlock(&m->smp->lock);
}

static void smp_kick(void *opaque, struct hart *h)
{
	struct smp_hart *sh = opaque;
	uint64_t one = 1;

	if (__atomic_load_n(&sh->sleeping, __ATOMIC_SEQ_CST) && sh->efd >= 0)
		(void)!write(sh->efd, &one, sizeof(one));
}

static void smp_drain(struct smp_hart *sh)
{
	uint64_t v;

	if (sh->efd >= 0)
		(void)!read(sh->efd, &v, sizeof(v));
}

int smp_hsm(struct machine *m, int id)
{
	int v = (int)__atomic_load_n(&m->smp->hart[id].hsm, __ATOMIC_SEQ_CST);

	return v == SMP_HSM_CLAIMED ? SMP_HSM_START_PENDING : v;
}

/* A start asked for by another hart (or the machine), taken by the hart's own thread. */
static void smp_take_start(struct smp_hart *sh)
{
	struct hart *h = sh->h;
	struct hart_state s;

	if (__atomic_load_n(&sh->hsm, __ATOMIC_SEQ_CST) != SMP_HSM_START_PENDING)
		return;
	if (sh->start_m) {
		hart_reset(h, sh->start_pc);
	} else {
		/* as an SBI starts a hart: S-mode, satp 0, interrupts off (SBI 1.0, HSM) */
		hart_get_state(h, &s);
		s.priv = PRV_S;
		s.pc = sh->start_pc;
		s.satp = 0;
		s.mstatus &= ~(1ULL << 1); /* SIE */
		hart_set_state(h, &s);
	}
	h->s.x[10] = h->hartid;
	h->s.x[11] = sh->start_arg;
	/* one mtime for the machine: hart 0's (set only while the harts are parked) */
	if (h != sh->m->harts[0])
		hart_copy_time(h, sh->m->harts[0]);
	__atomic_store_n(&sh->hsm, SMP_HSM_STARTED, __ATOMIC_SEQ_CST);
}

/* Sleeps until woken, or until the host clock reaches deadline (ns). */
static void smp_sleep(struct smp_hart *sh, uint64_t deadline)
{
	struct smp *s = sh->m->smp;
	struct pollfd pfd = {.fd = sh->efd, .events = POLLIN};
	struct timespec ts, *tsp = NULL;
	uint64_t now;

	__atomic_store_n(&sh->sleeping, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->hold, __ATOMIC_SEQ_CST) ||
	    __atomic_load_n(&sh->hsm, __ATOMIC_SEQ_CST) == SMP_HSM_START_PENDING ||
	    (__atomic_load_n(&sh->hsm, __ATOMIC_SEQ_CST) == SMP_HSM_STARTED &&
	     hart_irq_pending(sh->h)))
		goto out;
	if (deadline != UINT64_MAX) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
		deadline = deadline > now ? deadline - now : 0;
		ts.tv_sec = (time_t)(deadline / 1000000000ULL);
		ts.tv_nsec = (long)(deadline % 1000000000ULL);
		tsp = &ts;
	}
	if (!tsp || deadline >= MACHINE_IDLE_RELEASE_NS)
		hart_release_caches(sh->h);
	ppoll(&pfd, 1, tsp, NULL);
out:
	__atomic_store_n(&sh->sleeping, 0, __ATOMIC_SEQ_CST);
	smp_drain(sh);
}

/* Waits while the harts are held; false when the machine goes away. */
static bool smp_gate(struct smp *s)
{
	bool go;

	if (!__atomic_load_n(&s->hold, __ATOMIC_SEQ_CST) && !s->quit)
		return true;
	pthread_mutex_lock(&s->mu);
	while (__atomic_load_n(&s->hold, __ATOMIC_SEQ_CST) && !s->quit) {
		s->nparked++;
		pthread_cond_broadcast(&s->parked);
		pthread_cond_wait(&s->go, &s->mu);
		s->nparked--;
	}
	go = !s->quit;
	pthread_mutex_unlock(&s->mu);
	return go;
}

enum hart_exit smp_run_hart(struct machine *m, struct hart *h, uint64_t n)
{
	struct smp *s = m->smp;
	enum hart_exit ex;

	if (!s->lockstep)
		return hart_run(h, n);
	pthread_mutex_lock(&s->turn);
	ex = hart_run(h, n);
	pthread_mutex_unlock(&s->turn);
	sched_yield(); /* the others' turn */
	return ex;
}

static void *smp_thread(void *arg)
{
	struct smp_hart *sh = arg;
	struct machine *m = sh->m;

	while (smp_gate(m->smp)) {
		smp_take_start(sh);
		if (smp_hsm(m, (int)sh->h->hartid) != SMP_HSM_STARTED) {
			smp_sleep(sh, UINT64_MAX);
			continue;
		}
		switch (smp_run_hart(m, sh->h, SMP_SLICE)) {
		case HART_EXIT_WFI:
			smp_sleep(sh, hart_deadline_ns(sh->h));
			break;
		case HART_EXIT_TRACE:
			m->trace_hart = (int)sh->h->hartid;
			machine_request(m, MACHINE_TRACE);
			break;
		default:
			break;
		}
	}
	return NULL;
}

/* Every hart stops where it is (an event of the machine): machine_run reports it. */
void smp_hold_all(struct machine *m)
{
	struct smp *s = m->smp;

	if (m->nharts > 1)
		__atomic_store_n(&s->hold, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < m->nharts; i++)
		hart_stop(m->harts[i]);
}

void machine_pause(struct machine *m)
{
	struct smp *s = m->smp;

	if (!s || !s->nthreads)
		return;
	pthread_mutex_lock(&s->mu);
	__atomic_store_n(&s->hold, 1, __ATOMIC_SEQ_CST);
	for (int i = 1; i < m->nharts; i++)
		hart_stop(m->harts[i]);
	while (s->nparked < s->nthreads)
		pthread_cond_wait(&s->parked, &s->mu);
	pthread_mutex_unlock(&s->mu);
	/* a stop asked of a hart that was asleep is void: the next run is not cut */
	for (int i = 1; i < m->nharts; i++)
		__atomic_store_n(&m->harts[i]->stop_req, false, __ATOMIC_SEQ_CST);
}

void smp_resume(struct machine *m)
{
	struct smp *s = m->smp;

	if (!s->nthreads || !__atomic_load_n(&s->hold, __ATOMIC_SEQ_CST))
		return;
	pthread_mutex_lock(&s->mu);
	__atomic_store_n(&s->hold, 0, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&s->go);
	pthread_mutex_unlock(&s->mu);
}

int smp_hart_start(struct machine *m, uint64_t id, uint64_t pc, uint64_t arg, bool mmode)
{
	struct smp_hart *sh;
	uint32_t stopped = SMP_HSM_STOPPED;

	if (id >= (uint64_t)m->nharts)
		return -EINVAL;
	sh = &m->smp->hart[id];
	/* claimed first, so that the hart sees START_PENDING only with its pc */
	if (!__atomic_compare_exchange_n(&sh->hsm, &stopped, SMP_HSM_CLAIMED, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return -EALREADY;
	sh->start_pc = pc;
	sh->start_arg = arg;
	sh->start_m = mmode;
	__atomic_store_n(&sh->hsm, SMP_HSM_START_PENDING, __ATOMIC_SEQ_CST);
	smp_kick(sh, sh->h);
	return 0;
}

/* The calling hart stops (SBI hart_stop): its run ends after this call. */
void smp_hart_stop(struct machine *m, struct hart *h)
{
	__atomic_store_n(&m->smp->hart[h->hartid].hsm, SMP_HSM_STOPPED, __ATOMIC_SEQ_CST);
	__atomic_store_n(&h->stop_req, true, __ATOMIC_SEQ_CST);
}

/* A hart's state after a load or restore: started, or waiting for hart_start. */
void smp_set_hsm(struct machine *m, int id, int hsm)
{
	__atomic_store_n(&m->smp->hart[id].hsm, (uint32_t)hsm, __ATOMIC_SEQ_CST);
}

/* Hart 0 on the caller's thread: a pending start, and whether it runs. */
bool smp_hart0_runs(struct machine *m)
{
	smp_take_start(&m->smp->hart[0]);
	return smp_hsm(m, 0) == SMP_HSM_STARTED;
}

/* Console output to hand out: hart 0's thread, if it sleeps in machine_wait, wakes. */
void smp_output_kick(struct machine *m)
{
	if (m->nharts > 1)
		smp_kick(&m->smp->hart[0], m->harts[0]);
}

/* machine_wait: hart 0 sleeps; its eventfd is woken with it (-1: none, one hart). */
int smp_hart0_sleep_begin(struct machine *m)
{
	struct smp_hart *sh = &m->smp->hart[0];

	if (m->nharts == 1)
		return -1;
	__atomic_store_n(&sh->sleeping, 1, __ATOMIC_SEQ_CST);
	return sh->efd;
}

bool smp_hart0_wake_now(struct machine *m)
{
	struct smp_hart *sh = &m->smp->hart[0];

	if (m->nharts == 1)
		return false;
	return __atomic_load_n(&m->harts[0]->stop_req, __ATOMIC_SEQ_CST) ||
	       __atomic_load_n(&sh->hsm, __ATOMIC_SEQ_CST) == SMP_HSM_START_PENDING ||
	       (__atomic_load_n(&sh->hsm, __ATOMIC_SEQ_CST) == SMP_HSM_STARTED &&
		hart_irq_pending(m->harts[0]));
}

void smp_hart0_sleep_end(struct machine *m)
{
	struct smp_hart *sh = &m->smp->hart[0];

	if (m->nharts == 1)
		return;
	__atomic_store_n(&sh->sleeping, 0, __ATOMIC_SEQ_CST);
	smp_drain(sh);
}

static void smp_stop_threads(struct smp *s)
{
	pthread_mutex_lock(&s->mu);
	s->quit = true;
	pthread_cond_broadcast(&s->go);
	pthread_mutex_unlock(&s->mu);
	for (int i = 1; i < MACHINE_MAX_CPUS; i++) {
		if (!s->hart[i].thread)
			continue;
		hart_stop(s->hart[i].h);
		smp_kick(&s->hart[i], s->hart[i].h);
		{
			uint64_t one = 1;

			(void)!write(s->hart[i].efd, &one, sizeof(one));
		}
		pthread_join(s->hart[i].th, NULL);
		s->hart[i].thread = false;
	}
}

void smp_exit(struct machine *m)
{
	struct smp *s = m->smp;

	if (!s)
		return;
	smp_stop_threads(s);
	for (int i = 0; i < MACHINE_MAX_CPUS; i++)
		if (s->hart[i].efd >= 0)
			close(s->hart[i].efd);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->turn);
	pthread_cond_destroy(&s->go);
	pthread_cond_destroy(&s->parked);
	free(s);
	m->smp = NULL;
}

static int smp_alloc(struct machine *m)
{
	struct smp *s = calloc(1, sizeof(*s));
	pthread_mutexattr_t a;

	if (!s)
		return -ENOMEM;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->lock, &a);
	pthread_mutexattr_destroy(&a);
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->turn, NULL);
	pthread_cond_init(&s->go, NULL);
	pthread_cond_init(&s->parked, NULL);
	s->hold = 1; /* the others wait for the first machine_run */
	for (int i = 0; i < MACHINE_MAX_CPUS; i++)
		s->hart[i].efd = -1;
	m->smp = s;
	return 0;
}

/* The harts' threads (parked until the first machine_run); harts[] made already. */
int smp_init(struct machine *m)
{
	struct smp *s;
	int rc = smp_alloc(m);

	if (rc)
		return rc;
	s = m->smp;
	s->lockstep = m->nharts > 1 && hart_engine(m->harts[0]) == HART_ENGINE_LOCKSTEP;
	for (int i = 0; i < m->nharts; i++) {
		struct smp_hart *sh = &s->hart[i];

		sh->m = m;
		sh->h = m->harts[i];
		sh->hsm = i == 0 ? SMP_HSM_STARTED : SMP_HSM_STOPPED;
		if (m->nharts == 1)
			break;
		sh->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (sh->efd < 0)
			return -errno;
		m->harts[i]->kick = smp_kick;
		m->harts[i]->kick_opaque = sh;
	}
	if (m->nharts > 1)
		m->bus.lock = &s->lock;
	for (int i = 1; i < m->nharts; i++) {
		rc = -pthread_create(&s->hart[i].th, NULL, smp_thread, &s->hart[i]);
		if (rc)
			return rc;
		s->hart[i].thread = true;
		s->nthreads++;
	}
	return 0;
}
