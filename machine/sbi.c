// SPDX-License-Identifier: MIT
/*
 * The SBI, answered inside the emulator so that Linux starts in S-mode with
 * no firmware: BASE, TIME, IPI, RFENCE, HSM and SRST, plus the legacy
 * console calls that earlycon=sbi and hvc_riscv_sbi use.  Each call runs
 * on the calling hart's thread; other harts are reached with interrupts
 * and requests (cpu/cpu.h), a remote fence returns once every target has
 * flushed or is not running guest code (so a page the guest frees after
 * it is never written through a stale TLB entry), and HSM hands starts to
 * machine/smp.c.  The legacy IPI and fence calls (whose hart mask is in
 * guest virtual memory) reach every hart.
 */
#include "machine/internal.h"

#include <errno.h>

#define SBI_SPEC_VERSION (1U << 24) /* 1.0 */
#define SBI_IMPL_ID	 0x7276	    /* "rv": rvcp's own SBI */
#define SBI_IMPL_VERSION 1

#define SBI_SUCCESS		  0
#define SBI_ERR_FAILED		  -1
#define SBI_ERR_NOT_SUPPORTED	  -2
#define SBI_ERR_INVALID_PARAM	  -3
#define SBI_ERR_INVALID_ADDRESS	  -5
#define SBI_ERR_ALREADY_AVAILABLE -6

enum {
	SBI_LEGACY_SET_TIMER = 0x00,
	SBI_LEGACY_PUTCHAR = 0x01,
	SBI_LEGACY_GETCHAR = 0x02,
	SBI_LEGACY_CLEAR_IPI = 0x03,
	SBI_LEGACY_SEND_IPI = 0x04,
	SBI_LEGACY_FENCE_I = 0x05,
	SBI_LEGACY_SFENCE_VMA = 0x06,
	SBI_LEGACY_SFENCE_VMA_ASID = 0x07,
	SBI_LEGACY_SHUTDOWN = 0x08,
	SBI_EXT_BASE = 0x10,
	SBI_EXT_TIME = 0x54494d45,
	SBI_EXT_IPI = 0x735049,
	SBI_EXT_RFENCE = 0x52464e43,
	SBI_EXT_HSM = 0x48534d,
	SBI_EXT_SRST = 0x53525354,
};

#define HSM_SUSPEND_RETENTIVE	  0
#define HSM_SUSPEND_NON_RETENTIVE 0x80000000ULL

struct sbiret {
	int64_t error;
	uint64_t value;
};

static bool sbi_has(uint64_t ext)
{
	switch (ext) {
	case SBI_LEGACY_SET_TIMER ... SBI_LEGACY_SHUTDOWN:
	case SBI_EXT_BASE:
	case SBI_EXT_TIME:
	case SBI_EXT_IPI:
	case SBI_EXT_RFENCE:
	case SBI_EXT_HSM:
	case SBI_EXT_SRST:
		return true;
	default:
		return false;
	}
}

static void sbi_set_timer(struct hart *h, uint64_t when)
{
	h->s.sbi_timecmp = when;
	hart_set_irq(h, MIP_STIP, false); /* the hart raises it again when due */
}

/*
 * The harts a call names: bit i of mask is hart base + i; base ~0 is every
 * hart.  false when it names a hart the machine does not have.
 */
static bool sbi_harts(struct machine *m, uint64_t mask, uint64_t base, uint64_t *set)
{
	if (base == UINT64_MAX) {
		*set = (1ULL << m->nharts) - 1;
		return true;
	}
	if (base >= (uint64_t)m->nharts)
		return mask == 0 && (*set = 0, true);
	if (base && (mask >> (64 - base)))
		return false; /* bits past hart 63 */
	*set = mask << base;
	return !(*set >> m->nharts);
}

/* An IPI is a supervisor software interrupt on each target. */
static void sbi_ipi(struct machine *m, uint64_t set)
{
	for (int i = 0; i < m->nharts; i++)
		if (set & (1ULL << i))
			hart_set_irq(m->harts[i], MIP_SSIP, true);
}

/* Every target flushes before it runs on; this hart's own flush follows the call. */
static void sbi_fence(struct machine *m, struct hart *self, uint64_t set, unsigned req)
{
	for (int i = 0; i < m->nharts; i++)
		if (set & (1ULL << i))
			hart_request(m->harts[i], req);
	for (int i = 0; i < m->nharts; i++)
		if ((set & (1ULL << i)) && m->harts[i] != self)
			hart_request_wait(self, m->harts[i]);
}

static struct sbiret sbi_base(uint64_t fid, uint64_t a0)
{
	switch (fid) {
	case 0:
		return (struct sbiret){SBI_SUCCESS, SBI_SPEC_VERSION};
	case 1:
		return (struct sbiret){SBI_SUCCESS, SBI_IMPL_ID};
	case 2:
		return (struct sbiret){SBI_SUCCESS, SBI_IMPL_VERSION};
	case 3:
		return (struct sbiret){SBI_SUCCESS, sbi_has(a0)};
	case 4: /* mvendorid, marchid, mimpid: zero, as the hart reports */
	case 5:
	case 6:
		return (struct sbiret){SBI_SUCCESS, 0};
	default:
		return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
	}
}

/* hart_suspend: retentive waits as WFI; non-retentive goes on at resume_addr (S, satp 0). */
static struct sbiret sbi_suspend(struct machine *m, struct hart *h)
{
	uint64_t type = h->s.x[10], at = h->s.x[11], arg = h->s.x[12];

	if (type == HSM_SUSPEND_NON_RETENTIVE) {
		if (at < RAM_BASE || at - RAM_BASE >= m->mem.size)
			return (struct sbiret){SBI_ERR_INVALID_ADDRESS, 0};
		h->s.satp = 0;
		h->s.mstatus &= ~(1ULL << 1); /* SIE */
		h->s.x[10] = h->hartid;
		h->s.x[11] = arg;
		h->ecall_resume = at;
	} else if (type != HSM_SUSPEND_RETENTIVE) {
		return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
	}
	h->ecall_wfi = true;
	return (struct sbiret){SBI_SUCCESS, 0};
}

static struct sbiret sbi_hsm(struct machine *m, struct hart *h, uint64_t fid)
{
	uint64_t id = h->s.x[10];

	switch (fid) {
	case 0: /* hart_start(hartid, start_addr, opaque) */
		if (h->s.x[11] < RAM_BASE || h->s.x[11] - RAM_BASE >= m->mem.size)
			return (struct sbiret){id < (uint64_t)m->nharts ? SBI_ERR_INVALID_ADDRESS
									: SBI_ERR_INVALID_PARAM,
					       0};
		switch (smp_hart_start(m, id, h->s.x[11], h->s.x[12], false)) {
		case 0:
			return (struct sbiret){SBI_SUCCESS, 0};
		case -EALREADY:
			return (struct sbiret){SBI_ERR_ALREADY_AVAILABLE, 0};
		default:
			return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
		}
	case 1: /* hart_stop: returns only on failure */
		smp_hart_stop(m, h);
		return (struct sbiret){SBI_SUCCESS, 0};
	case 2: /* hart_get_status */
		if (id >= (uint64_t)m->nharts)
			return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
		return (struct sbiret){SBI_SUCCESS, (uint64_t)smp_hsm(m, (int)id)};
	case 3:
		return sbi_suspend(m, h);
	default:
		return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
	}
}

static struct sbiret sbi_srst(struct machine *m, uint64_t fid, uint64_t type)
{
	if (fid != 0)
		return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
	switch (type) {
	case 0: /* shutdown */
		machine_request(m, MACHINE_POWEROFF);
		return (struct sbiret){SBI_SUCCESS, 0};
	case 1: /* cold reboot */
	case 2: /* warm reboot */
		machine_request(m, MACHINE_RESET);
		return (struct sbiret){SBI_SUCCESS, 0};
	default:
		return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
	}
}

static struct sbiret sbi_call(struct machine *m, struct hart *h, uint64_t ext, uint64_t fid)
{
	uint64_t a0 = h->s.x[10], a1 = h->s.x[11], set;

	switch (ext) {
	case SBI_EXT_BASE:
		return sbi_base(fid, a0);
	case SBI_EXT_TIME:
		if (fid != 0)
			break;
		sbi_set_timer(h, a0);
		return (struct sbiret){SBI_SUCCESS, 0};
	case SBI_EXT_IPI:
		if (fid != 0)
			break;
		if (!sbi_harts(m, a0, a1, &set))
			return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
		sbi_ipi(m, set);
		return (struct sbiret){SBI_SUCCESS, 0};
	case SBI_EXT_RFENCE:
		if (fid > 6)
			break;
		if (!sbi_harts(m, a0, a1, &set))
			return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
		/* fence.i, or one of the sfence.vma forms (all flush the whole TLB) */
		sbi_fence(m, h, set, fid == 0 ? HART_REQ_FENCE_I : HART_REQ_TLB);
		return (struct sbiret){SBI_SUCCESS, 0};
	case SBI_EXT_HSM:
		return sbi_hsm(m, h, fid);
	case SBI_EXT_SRST:
		return sbi_srst(m, fid, a0);
	}
	return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}

/* The v0.1 calls: one return value in a0, a1 untouched. */
static int64_t sbi_legacy(struct machine *m, struct hart *h, uint64_t ext)
{
	switch (ext) {
	case SBI_LEGACY_SET_TIMER:
		sbi_set_timer(h, h->s.x[10]);
		return 0;
	case SBI_LEGACY_PUTCHAR:
		machine_lock(m);
		machine_putc(m, (uint8_t)h->s.x[10]);
		machine_unlock(m);
		return 0;
	case SBI_LEGACY_GETCHAR: {
		int64_t c;

		machine_lock(m);
		c = uart_getchar(m->uart);
		machine_unlock(m);
		return c;
	}
	case SBI_LEGACY_CLEAR_IPI:
		hart_set_irq(h, MIP_SSIP, false);
		return 0;
	case SBI_LEGACY_SEND_IPI:
		sbi_ipi(m, (1ULL << m->nharts) - 1);
		return 0;
	case SBI_LEGACY_SHUTDOWN:
		machine_request(m, MACHINE_POWEROFF);
		return 0;
	case SBI_LEGACY_FENCE_I:
		sbi_fence(m, h, (1ULL << m->nharts) - 1, HART_REQ_FENCE_I);
		return 0;
	default: /* the remote sfence.vma */
		sbi_fence(m, h, (1ULL << m->nharts) - 1, HART_REQ_TLB);
		return 0;
	}
}

bool sbi_ecall(void *opaque, struct hart *h)
{
	struct machine *m = opaque;
	uint64_t ext = h->s.x[17], fid = h->s.x[16];
	struct sbiret r;

	if (ext <= SBI_LEGACY_SHUTDOWN) {
		h->s.x[10] = (uint64_t)sbi_legacy(m, h, ext);
		return true;
	}
	r = sbi_call(m, h, ext, fid);
	h->s.x[10] = (uint64_t)r.error;
	if (r.error == SBI_SUCCESS)
		h->s.x[11] = r.value;
	return true;
}
