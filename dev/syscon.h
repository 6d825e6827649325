/* SPDX-License-Identifier: MIT */
#ifndef RVCP_SYSCON_H
#define RVCP_SYSCON_H
/*
 * The "sifive,test" finisher, used as a syscon by Linux's syscon-poweroff
 * and syscon-reboot and by OpenSBI: a 32-bit store at offset 0 of 0x5555
 * powers off, 0x3333 | code << 16 powers off reporting a failure code,
 * 0x7777 resets (QEMU's sifive_test semantics).  Other values are ignored.
 * Requests go to the machine's power() (struct dev_host).  No state.
 */
#include "dev/device.h"

extern const struct dev_ops syscon_device;

#endif
