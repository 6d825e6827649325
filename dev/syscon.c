// SPDX-License-Identifier: MIT
/* sifive,test finisher: poweroff and reset requests. */
#include "dev/syscon.h"

#include "machine/layout.h"

#define FINISHER_FAIL  0x3333
#define FINISHER_PASS  0x5555
#define FINISHER_RESET 0x7777

static bool syscon_mmio(void *dev, uint64_t off, uint64_t *val, int size, bool is_write)
{
	struct syscon *s = dev;
	uint32_t v = (uint32_t)*val;

	if (!is_write)
		return true; /* reads as zero */
	/* OpenSBI stores 16 bits, Linux's syscon-poweroff 32. */
	if (off != 0 || size < 2)
		return true;
	switch (v & 0xffff) {
	case FINISHER_PASS:
		s->request(s->opaque, SYSCON_POWEROFF, 0);
		break;
	case FINISHER_FAIL:
		s->request(s->opaque, SYSCON_POWEROFF, v >> 16);
		break;
	case FINISHER_RESET:
		s->request(s->opaque, SYSCON_RESET, 0);
		break;
	}
	return true;
}

int syscon_init(struct syscon *s, struct bus *b,
		void (*request)(void *opaque, enum syscon_action a, uint32_t code), void *opaque)
{
	s->request = request;
	s->opaque = opaque;
	return bus_register(b, SYSCON_BASE, 0x1000, syscon_mmio, s);
}
