/* SPDX-License-Identifier: MIT */
#ifndef RVCP_RTC_H
#define RVCP_RTC_H
/*
 * The goldfish RTC ("google,goldfish-rtc"): nanoseconds since the epoch
 * from the host's wall clock, so the guest's clock is right, and one alarm
 * that raises a PLIC source.
 */
#include <stdbool.h>
#include <stdint.h>

#include "dev/device.h"

struct rtc {
	struct plic *plic;
	int irq;
	int64_t offset_ns;  /* guest time = host wall time + offset (guest may set it) */
	uint32_t time_high; /* latched when TIME_LOW is read */
	uint64_t alarm_ns;  /* guest time of the alarm */
	bool alarm_armed, irq_enabled, irq_pending;
};

/* Its section of the machine state blob.  offset_ns is against the host's wall
 * clock, so a restored guest reads the current time, not the saved one. */
struct rtc_state {
	int64_t offset_ns;
	uint64_t alarm_ns;
	uint32_t time_high;
	uint8_t alarm_armed, irq_enabled, irq_pending, pad;
};

/* Its poll fires a due alarm; its deadline is the armed alarm's. */
extern const struct dev_ops rtc_device;

void rtc_get_state(const struct rtc *r, struct rtc_state *s);
/* -EINVAL (nothing changed) for flags that are not 0 or 1. */
int rtc_set_state(struct rtc *r, const struct rtc_state *s);

#endif
