// SPDX-License-Identifier: MIT
/*
 * 16550A UART.  Modelled closely enough for Linux's 8250 driver: its
 * startup THRE test reads IIR right after enabling THRI and expects the
 * THR-empty interrupt to be pending, so that interrupt is re-armed on every
 * 0 -> 1 transition of IER.THRI and on every write to THR.
 */
#include "dev/uart.h"

#include <errno.h>
#include <string.h>

#include "cpu/bus.h"
#include "dev/dt.h"
#include "util/errbuf.h"
#include "dev/plic.h"

#define UART_CLOCK_HZ 3686400

enum {
	UART_RBR_THR = 0,
	UART_IER_REG = 1,
	UART_IIR_FCR = 2,
	UART_LCR_REG = 3,
	UART_MCR_REG = 4,
	UART_LSR_REG = 5,
	UART_MSR_REG = 6,
	UART_SCR_REG = 7,
};

#define IER_RDI	 0x01
#define IER_THRI 0x02
#define IER_MSI	 0x08

#define IIR_NO_INT 0x01
#define IIR_THRI   0x02
#define IIR_RDI	   0x04
#define IIR_FIFO   0xc0

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02

#define LCR_DLAB 0x80

#define MCR_DTR	 0x01
#define MCR_RTS	 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR	 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI	0x40
#define MSR_DCD 0x80

static uint8_t uart_iir(const struct uart *u)
{
	uint8_t fifo = u->fcr & FCR_ENABLE ? IIR_FIFO : 0;

	if (u->ier & IER_RDI && u->rx_count)
		return fifo | IIR_RDI;
	if (u->ier & IER_THRI && u->thr_ipending)
		return fifo | IIR_THRI;
	return fifo | IIR_NO_INT;
}

static void uart_update(struct uart *u)
{
	plic_set_irq(u->plic, u->irq, !(uart_iir(u) & IIR_NO_INT));
}

size_t uart_input(struct uart *u, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	while (n < len && u->rx_count < UART_RX_SIZE) {
		u->rx[(u->rx_head + u->rx_count) % UART_RX_SIZE] = buf[n++];
		u->rx_count++;
	}
	if (n)
		uart_update(u);
	return n;
}

int uart_getchar(struct uart *u)
{
	int c;

	if (!u->rx_count)
		return -1;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_RX_SIZE;
	u->rx_count--;
	uart_update(u);
	return c;
}

static uint8_t uart_msr(const struct uart *u)
{
	if (u->mcr & MCR_LOOP) {
		/* Loopback: the modem outputs come back on the inputs. */
		uint8_t m = 0;

		m |= u->mcr & MCR_RTS ? MSR_CTS : 0;
		m |= u->mcr & MCR_DTR ? MSR_DSR : 0;
		m |= u->mcr & MCR_OUT1 ? MSR_RI : 0;
		m |= u->mcr & MCR_OUT2 ? MSR_DCD : 0;
		return m;
	}
	return MSR_DCD | MSR_DSR | MSR_CTS;
}

static uint8_t uart_read(struct uart *u, uint64_t off)
{
	uint8_t v;

	switch (off) {
	case UART_RBR_THR:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		return (uint8_t)(u->rx_count ? uart_getchar(u) : 0);
	case UART_IER_REG:
		return u->lcr & LCR_DLAB ? u->dlm : u->ier;
	case UART_IIR_FCR:
		v = uart_iir(u);
		/* Reading IIR while it reports THR empty acknowledges that interrupt. */
		if ((v & 0x0f) == IIR_THRI) {
			u->thr_ipending = false;
			uart_update(u);
		}
		return v;
	case UART_LCR_REG:
		return u->lcr;
	case UART_MCR_REG:
		return u->mcr;
	case UART_LSR_REG:
		return LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
	case UART_MSR_REG:
		return uart_msr(u);
	default:
		return u->scr;
	}
}

static void uart_write(struct uart *u, uint64_t off, uint8_t v)
{
	switch (off) {
	case UART_RBR_THR:
		if (u->lcr & LCR_DLAB) {
			u->dll = v;
			return;
		}
		if (u->mcr & MCR_LOOP)
			uart_input(u, &v, 1);
		else
			u->out(u->opaque, v);
		u->thr_ipending = true; /* sent at once: THR empty again */
		break;
	case UART_IER_REG:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
			return;
		}
		if (v & IER_THRI && !(u->ier & IER_THRI))
			u->thr_ipending = true;
		u->ier = v & 0x0f;
		break;
	case UART_IIR_FCR:
		u->fcr = v & 0xc9;
		if (v & FCR_CLEAR_RX)
			u->rx_count = 0;
		break;
	case UART_LCR_REG:
		u->lcr = v;
		return;
	case UART_MCR_REG:
		u->mcr = v & 0x1f;
		return;
	case UART_SCR_REG:
		u->scr = v;
		return;
	default:
		return; /* LSR, MSR: read-only */
	}
	uart_update(u);
}

static bool uart_mmio(void *dev, uint64_t off, uint64_t *val, int size, bool is_write)
{
	struct uart *u = dev;

	/* Byte registers; a 32-bit access (reg-io-width 4 drivers) uses the low byte. */
	if (off > 7 || (size != 1 && size != 4))
		return false;
	if (is_write)
		uart_write(u, off, (uint8_t)*val);
	else
		*val = uart_read(u, off);
	return true;
}

static void uart_reset(void *dev)
{
	struct uart *u = dev;

	u->ier = u->mcr = u->scr = u->fcr = u->dlm = 0;
	u->lcr = 0x03;
	u->dll = 12;
	u->thr_ipending = false;
	uart_update(u);
}

void uart_get_state(const struct uart *u, struct uart_state *s, uint8_t *rx)
{
	memset(s, 0, sizeof(*s));
	s->ier = u->ier;
	s->lcr = u->lcr;
	s->mcr = u->mcr;
	s->scr = u->scr;
	s->dll = u->dll;
	s->dlm = u->dlm;
	s->fcr = u->fcr;
	s->thr_ipending = u->thr_ipending;
	s->rx_count = (uint32_t)u->rx_count;
	for (size_t i = 0; i < u->rx_count; i++)
		rx[i] = u->rx[(u->rx_head + i) % UART_RX_SIZE];
}

int uart_set_state(struct uart *u, const struct uart_state *s, const uint8_t *rx)
{
	if (s->ier & ~0x0f || s->mcr & ~0x1f || s->fcr & ~0xc9 || s->thr_ipending > 1 ||
	    s->rx_count > UART_RX_SIZE)
		return -EINVAL;
	u->ier = s->ier;
	u->lcr = s->lcr;
	u->mcr = s->mcr;
	u->scr = s->scr;
	u->dll = s->dll;
	u->dlm = s->dlm;
	u->fcr = s->fcr;
	u->thr_ipending = s->thr_ipending;
	u->rx_head = 0;
	u->rx_count = s->rx_count;
	memcpy(u->rx, rx, s->rx_count);
	uart_update(u);
	return 0;
}

static int uart_init(void *dev, const struct dev_env *env)
{
	struct uart *u = dev;

	u->plic = env->plic;
	u->irq = (int)env->irq;
	u->out = env->host->console_out;
	u->opaque = env->host->opaque;
	uart_reset(u);
	return bus_register(env->bus, env->base, env->size, uart_mmio, u);
}

static void uart_fdt(struct dt *w, const struct dev_res *r)
{
	dt_begin_at(w, "serial", r->base);
	dt_str(w, "compatible", "ns16550a");
	dt_reg(w, r->base, r->size);
	dt_u32(w, "clock-frequency", UART_CLOCK_HZ);
	dt_irq(w, r->irq);
	dt_end(w);
}

static size_t uart_snap_size(void *dev)
{
	struct uart *u = dev;

	return sizeof(struct uart_state) + u->rx_count;
}

static void uart_save(void *dev, void *buf)
{
	struct uart_state s;

	uart_get_state(dev, &s, (uint8_t *)buf + sizeof(s));
	memcpy(buf, &s, sizeof(s));
}

static int uart_load(void *dev, const void *buf, size_t len, char *err, size_t errlen)
{
	struct uart_state s;

	if (len < sizeof(s))
		return dev_check_len(len, sizeof(s), err, errlen);
	memcpy(&s, buf, sizeof(s));
	if (s.rx_count <= UART_RX_SIZE && dev_check_len(len, sizeof(s) + s.rx_count, err, errlen))
		return -EINVAL;
	if (uart_set_state(dev, &s, (const uint8_t *)buf + sizeof(s)))
		return errbuf_set(err, errlen, -EINVAL,
				  "impossible register values or input count");
	return 0;
}

const struct dev_ops uart_device = {
    .name = "UART",
    .size = sizeof(struct uart),
    .init = uart_init,
    .reset = uart_reset,
    .fdt = uart_fdt,
    .snap_max = sizeof(struct uart_state) + UART_RX_SIZE,
    .snap_size = uart_snap_size,
    .save = uart_save,
    .load = uart_load,
};
