// SPDX-License-Identifier: MIT
/* Goldfish RTC: registers as in the goldfish virtual platform documentation. */
#include "dev/rtc.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "cpu/bus.h"
#include "dev/dt.h"
#include "util/errbuf.h"
#include "dev/plic.h"

enum {
	RTC_TIME_LOW = 0x00,
	RTC_TIME_HIGH = 0x04,
	RTC_ALARM_LOW = 0x08,
	RTC_ALARM_HIGH = 0x0c,
	RTC_IRQ_ENABLED = 0x10,
	RTC_CLEAR_ALARM = 0x14,
	RTC_ALARM_STATUS = 0x18,
	RTC_CLEAR_INTERRUPT = 0x1c,
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t rtc_now(const struct rtc *r)
{
	return clock_ns(CLOCK_REALTIME) + (uint64_t)r->offset_ns;
}

static void rtc_update(struct rtc *r)
{
	plic_set_irq(r->plic, r->irq, r->irq_pending && r->irq_enabled);
}

static void rtc_poll(void *dev)
{
	struct rtc *r = dev;

	if (r->alarm_armed && rtc_now(r) >= r->alarm_ns) {
		r->alarm_armed = false;
		r->irq_pending = true;
		rtc_update(r);
	}
}

static uint64_t rtc_deadline_ns(void *dev)
{
	struct rtc *r = dev;
	uint64_t now;

	if (!r->alarm_armed)
		return UINT64_MAX;
	now = rtc_now(r);
	if (r->alarm_ns <= now)
		return clock_ns(CLOCK_MONOTONIC);
	return clock_ns(CLOCK_MONOTONIC) + (r->alarm_ns - now);
}

static void rtc_write(struct rtc *r, uint64_t off, uint32_t v)
{
	switch (off) {
	case RTC_TIME_LOW:
		/* Setting the clock: TIME_HIGH first, then TIME_LOW commits. */
		r->offset_ns =
		    (int64_t)((((uint64_t)r->time_high << 32) | v) - clock_ns(CLOCK_REALTIME));
		break;
	case RTC_TIME_HIGH:
		r->time_high = v;
		break;
	case RTC_ALARM_LOW:
		r->alarm_ns = (r->alarm_ns & ~0xffffffffULL) | v;
		r->alarm_armed = true;
		rtc_poll(r);
		break;
	case RTC_ALARM_HIGH:
		r->alarm_ns = (r->alarm_ns & 0xffffffffULL) | (uint64_t)v << 32;
		break;
	case RTC_IRQ_ENABLED:
		r->irq_enabled = v & 1;
		break;
	case RTC_CLEAR_ALARM:
		r->alarm_armed = false;
		break;
	case RTC_CLEAR_INTERRUPT:
		r->irq_pending = false;
		break;
	}
	rtc_update(r);
}

static uint32_t rtc_read(struct rtc *r, uint64_t off)
{
	uint64_t now;

	switch (off) {
	case RTC_TIME_LOW:
		now = rtc_now(r);
		r->time_high = (uint32_t)(now >> 32);
		return (uint32_t)now;
	case RTC_TIME_HIGH:
		return r->time_high;
	case RTC_ALARM_LOW:
		return (uint32_t)r->alarm_ns;
	case RTC_ALARM_HIGH:
		return (uint32_t)(r->alarm_ns >> 32);
	case RTC_IRQ_ENABLED:
		return r->irq_enabled;
	case RTC_ALARM_STATUS:
		return r->alarm_armed;
	default:
		return 0;
	}
}

static bool rtc_mmio(void *dev, uint64_t off, uint64_t *val, int size, bool is_write)
{
	struct rtc *r = dev;

	if (size != 4 || off & 3)
		return false;
	if (is_write)
		rtc_write(r, off, (uint32_t)*val);
	else
		*val = rtc_read(r, off);
	return true;
}

static void rtc_reset(void *dev)
{
	struct rtc *r = dev;

	r->alarm_armed = r->irq_enabled = r->irq_pending = false;
	r->alarm_ns = 0;
	rtc_update(r);
}

void rtc_get_state(const struct rtc *r, struct rtc_state *s)
{
	memset(s, 0, sizeof(*s));
	s->offset_ns = r->offset_ns;
	s->alarm_ns = r->alarm_ns;
	s->time_high = r->time_high;
	s->alarm_armed = r->alarm_armed;
	s->irq_enabled = r->irq_enabled;
	s->irq_pending = r->irq_pending;
}

int rtc_set_state(struct rtc *r, const struct rtc_state *s)
{
	if (s->alarm_armed > 1 || s->irq_enabled > 1 || s->irq_pending > 1)
		return -EINVAL;
	r->offset_ns = s->offset_ns;
	r->alarm_ns = s->alarm_ns;
	r->time_high = s->time_high;
	r->alarm_armed = s->alarm_armed;
	r->irq_enabled = s->irq_enabled;
	r->irq_pending = s->irq_pending;
	rtc_update(r);
	return 0;
}

static int rtc_init(void *dev, const struct dev_env *env)
{
	struct rtc *r = dev;

	r->plic = env->plic;
	r->irq = (int)env->irq;
	return bus_register(env->bus, env->base, env->size, rtc_mmio, r);
}

static void rtc_fdt(struct dt *w, const struct dev_res *r)
{
	dt_begin_at(w, "rtc", r->base);
	dt_str(w, "compatible", "google,goldfish-rtc");
	dt_reg(w, r->base, r->size);
	dt_irq(w, r->irq);
	dt_end(w);
}

static void rtc_save(void *dev, void *buf)
{
	struct rtc_state s;

	rtc_get_state(dev, &s);
	memcpy(buf, &s, sizeof(s));
}

static int rtc_load(void *dev, const void *buf, size_t len, char *err, size_t errlen)
{
	struct rtc_state s;

	if (dev_check_len(len, sizeof(s), err, errlen))
		return -EINVAL;
	memcpy(&s, buf, sizeof(s));
	if (rtc_set_state(dev, &s))
		return errbuf_set(err, errlen, -EINVAL, "flags that are not 0 or 1");
	return 0;
}

const struct dev_ops rtc_device = {
    .name = "RTC",
    .size = sizeof(struct rtc),
    .init = rtc_init,
    .reset = rtc_reset,
    .fdt = rtc_fdt,
    .snap_max = sizeof(struct rtc_state),
    .save = rtc_save,
    .load = rtc_load,
    .poll = rtc_poll,
    .deadline_ns = rtc_deadline_ns,
};
