/* SPDX-License-Identifier: MIT */
#ifndef RVCP_SYSCON_H
#define RVCP_SYSCON_H
/*
 * The "sifive,test" finisher, used as a syscon by Linux's syscon-poweroff
 * and syscon-reboot and by OpenSBI: a 32-bit store at offset 0 of 0x5555
 * powers off, 0x3333 | code << 16 powers off reporting a failure code,
 * 0x7777 resets (QEMU's sifive_test semantics).  Other values are ignored.
 */
#include <stdint.h>

#include "dev/bus.h"

enum syscon_action { SYSCON_NONE, SYSCON_POWEROFF, SYSCON_RESET };

struct syscon {
	/* Called when the guest asks for poweroff or reset. */
	void (*request)(void *opaque, enum syscon_action a, uint32_t code);
	void *opaque;
};

int syscon_init(struct syscon *s, struct bus *b,
		void (*request)(void *opaque, enum syscon_action a, uint32_t code), void *opaque);

#endif
