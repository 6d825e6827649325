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

#include "dev/device.h"

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

/* Its section of the machine state blob; rx_count received bytes follow it. */
struct uart_state {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr, thr_ipending;
	uint32_t rx_count;
	uint32_t pad;
};

/* Its output goes to the machine's console_out (struct dev_host). */
extern const struct dev_ops uart_device;

/* Host input: returns how many bytes fit. */
size_t uart_input(struct uart *u, const uint8_t *buf, size_t len);
/* One byte from the receive buffer (SBI console_getchar), -1 when empty. */
int uart_getchar(struct uart *u);
/* The registers, and the waiting input in order into rx (UART_RX_SIZE bytes). */
void uart_get_state(const struct uart *u, struct uart_state *s, uint8_t *rx);
/* -EINVAL (nothing changed) for impossible register values or counts. */
int uart_set_state(struct uart *u, const struct uart_state *s, const uint8_t *rx);

#endif
