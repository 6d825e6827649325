/* SPDX-License-Identifier: MIT */
#ifndef RVCP_UART_H
#define RVCP_UART_H
/*
 * A 16550A UART, the console: byte registers at offsets 0..7 (reg-shift 0).
 * Transmission is instant (THR is always empty); received bytes wait in a
 * FIFO fed by the host (uart_input).  Interrupts go to a PLIC source.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/bus.h"
#include "dev/plic.h"

#define UART_RX_SIZE 4096 /* host input buffer (the 16550's own FIFO is 16 deep) */

struct uart {
	struct plic *plic;
	int irq;
	void (*out)(void *opaque, uint8_t c);
	void *opaque;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thr_ipending; /* THR-empty interrupt waiting to be seen in IIR */
	uint8_t rx[UART_RX_SIZE];
	size_t rx_head, rx_count;
};

int uart_init(struct uart *u, struct bus *b, struct plic *p, int irq,
	      void (*out)(void *opaque, uint8_t c), void *opaque);
void uart_reset(struct uart *u);
/* Host input: returns how many bytes fit. */
size_t uart_input(struct uart *u, const uint8_t *buf, size_t len);
/* One byte from the receive buffer (SBI console_getchar), -1 when empty. */
int uart_getchar(struct uart *u);

#endif
