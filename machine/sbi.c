// SPDX-License-Identifier: MIT
/*
 * The SBI, answered inside the emulator so that Linux starts in S-mode with
 * no firmware: BASE, TIME, IPI, RFENCE, HSM and SRST, plus the legacy
 * console calls that earlycon=sbi and hvc_riscv_sbi use.  One hart only.
 */
#include "machine/internal.h"

#define SBI_SPEC_VERSION (1U << 24) /* 1.0 */
#define SBI_IMPL_ID	 0x7276	    /* "rv": rvcp's own SBI */
#define SBI_IMPL_VERSION 1

#define SBI_SUCCESS		  0
#define SBI_ERR_FAILED		  -1
#define SBI_ERR_NOT_SUPPORTED	  -2
#define SBI_ERR_INVALID_PARAM	  -3
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

#define HSM_STARTED 0

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

/* An IPI to this hart is a supervisor software interrupt. */
static void sbi_ipi_self(struct hart *h)
{
	hart_set_irq(h, MIP_SSIP, true);
}

/* hart_mask selects harts hart_mask_base + bit; hart 0 is the only one. */
static bool sbi_mask_has_hart0(uint64_t mask, uint64_t base)
{
	if (base == UINT64_MAX)
		return true; /* "all harts" */
	return base == 0 && (mask & 1);
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

static struct sbiret sbi_hsm(uint64_t fid, uint64_t hartid)
{
	switch (fid) {
	case 0: /* hart_start */
		return (struct sbiret){
		    hartid == 0 ? SBI_ERR_ALREADY_AVAILABLE : SBI_ERR_INVALID_PARAM, 0};
	case 1: /* hart_stop: the last hart cannot stop */
		return (struct sbiret){SBI_ERR_FAILED, 0};
	case 2: /* hart_get_status */
		if (hartid != 0)
			return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
		return (struct sbiret){SBI_SUCCESS, HSM_STARTED};
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
	uint64_t a0 = h->s.x[10], a1 = h->s.x[11];

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
		if (sbi_mask_has_hart0(a0, a1))
			sbi_ipi_self(h);
		return (struct sbiret){SBI_SUCCESS, 0};
	case SBI_EXT_RFENCE:
		if (fid > 6)
			break;
		/* One hart: every remote fence is a local TLB and fetch flush. */
		hart_flush_tlb(h);
		return (struct sbiret){SBI_SUCCESS, 0};
	case SBI_EXT_HSM:
		return sbi_hsm(fid, a0);
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
		machine_putc(m, (uint8_t)h->s.x[10]);
		return 0;
	case SBI_LEGACY_GETCHAR:
		return uart_getchar(m->uart);
	case SBI_LEGACY_CLEAR_IPI:
		hart_set_irq(h, MIP_SSIP, false);
		return 0;
	case SBI_LEGACY_SEND_IPI:
		/* a0 points at a hart mask in guest virtual memory; hart 0 is the only target. */
		sbi_ipi_self(h);
		return 0;
	case SBI_LEGACY_SHUTDOWN:
		machine_request(m, MACHINE_POWEROFF);
		return 0;
	default: /* the remote fences */
		hart_flush_tlb(h);
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
