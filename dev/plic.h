/* SPDX-License-Identifier: MIT */
#ifndef RVCP_PLIC_H
#define RVCP_PLIC_H
/*
 * The platform-level interrupt controller, in the SiFive "riscv,plic0"
 * register layout that Linux's irq-sifive-plic driver and OpenSBI expect.
 * Two contexts per hart: 2n = hart n's M-mode (drives its MEIP), 2n + 1
 * its S-mode (SEIP), as on QEMU's virt board.
 * Sources are level-triggered: a device calls plic_set_irq() with the
 * current level of its line.
 */
#include <stdbool.h>
#include <stdint.h>

#include "dev/device.h"

#define PLIC_NDEV     31 /* sources 1..31 (source 0 does not exist) */
#define PLIC_CONTEXTS 16 /* 2 per hart, MACHINE_MAX_CPUS harts */

struct plic {
	struct hart *const *harts;
	int nharts;
	uint32_t priority[PLIC_NDEV + 1];
	uint32_t level;	  /* bit n: line n is high */
	uint32_t pending; /* bit n: waiting to be claimed */
	uint32_t claimed; /* bit n: claimed, not yet completed */
	uint32_t enable[PLIC_CONTEXTS];
	uint32_t threshold[PLIC_CONTEXTS];
};

/* Its section of the machine state blob: plain data, fixed layout. */
struct plic_state {
	uint32_t priority[PLIC_NDEV + 1];
	uint32_t level, pending, claimed;
	uint32_t enable[PLIC_CONTEXTS];
	uint32_t threshold[PLIC_CONTEXTS];
};

extern const struct dev_ops plic_device;

void plic_set_irq(struct plic *p, int src, bool level);
void plic_get_state(const struct plic *p, struct plic_state *s);
/* -EINVAL (nothing changed) for a state no guest could have produced. */
int plic_set_state(struct plic *p, const struct plic_state *s);

#endif
