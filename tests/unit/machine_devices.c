// SPDX-License-Identifier: MIT
/*
 * The machine's devices and SBI seen from the guest's side: PLIC gateways,
 * claim/complete, threshold and the two contexts; the 16550's receive
 * path, THR-empty interrupt and IIR acknowledgement; the RTC's wall time;
 * the syscon finisher; virtio-blk's identity and capacity; and every SBI
 * call Linux makes, answered through the hart's ECALL hook.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "machine/layout.h"
#include "machine/machine.h"
#include "tests/unit/check.h"

static char out[256];
static size_t nout;

static void console(void *opaque, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len && nout < sizeof(out) - 1; i++)
		out[nout++] = (char)buf[i];
}

static struct hart *h;

static uint64_t rd(uint64_t pa, int size)
{
	uint64_t v = 0xdead;

	CHECK(bus_access(h->bus, pa, &v, size, false));
	return v;
}

static void wr(uint64_t pa, int size, uint64_t v)
{
	CHECK(bus_access(h->bus, pa, &v, size, true));
}

#define PLIC_PRIO(s)   (PLIC_BASE + 4 * (s))
#define PLIC_PENDING   (PLIC_BASE + 0x1000)
#define PLIC_ENABLE(c) (PLIC_BASE + 0x2000 + 0x80 * (c))
#define PLIC_THRESH(c) (PLIC_BASE + 0x200000 + 0x1000 * (c))
#define PLIC_CLAIM(c)  (PLIC_THRESH(c) + 4)

static void test_plic_uart(struct machine *m)
{
	wr(PLIC_PRIO(UART_IRQ), 4, 1);
	wr(PLIC_ENABLE(1), 4, 1U << UART_IRQ);
	wr(PLIC_THRESH(1), 4, 0);
	wr(UART_BASE + 1, 1, 0x01); /* IER: receive interrupt */
	CHECK(!(h->s.mip & MIP_SEIP));
	CHECK(machine_console_input(m, (const uint8_t *)"ab", 2) == 2);
	CHECK(h->s.mip & MIP_SEIP && !(h->s.mip & MIP_MEIP));
	CHECK(rd(PLIC_PENDING, 4) & (1U << UART_IRQ));
	CHECK((rd(UART_BASE + 2, 1) & 0x0f) == 0x04); /* IIR: received data */
	CHECK(rd(PLIC_CLAIM(1), 4) == UART_IRQ);
	CHECK(!(h->s.mip & MIP_SEIP)); /* in service: not pending again until completed */
	CHECK(rd(PLIC_CLAIM(1), 4) == 0);
	CHECK(rd(UART_BASE + 5, 1) & 0x01); /* LSR.DR */
	CHECK(rd(UART_BASE, 1) == 'a' && rd(UART_BASE, 1) == 'b');
	CHECK(!(rd(UART_BASE + 5, 1) & 0x01));
	wr(PLIC_CLAIM(1), 4, UART_IRQ);
	CHECK(!(h->s.mip & MIP_SEIP)); /* the line went low: nothing to re-pend */

	/* a line still high at completion is pending again */
	machine_console_input(m, (const uint8_t *)"c", 1);
	CHECK(rd(PLIC_CLAIM(1), 4) == UART_IRQ);
	wr(PLIC_CLAIM(1), 4, UART_IRQ);
	CHECK(h->s.mip & MIP_SEIP);
	/* threshold at the source's priority masks it; the M context gets MEIP */
	wr(PLIC_THRESH(1), 4, 1);
	CHECK(!(h->s.mip & MIP_SEIP));
	wr(PLIC_ENABLE(0), 4, 1U << UART_IRQ);
	CHECK(h->s.mip & MIP_MEIP);
	CHECK(rd(UART_BASE, 1) == 'c');
	CHECK(!(h->s.mip & (MIP_MEIP | MIP_SEIP)));
	wr(PLIC_ENABLE(0), 4, 0);
	wr(PLIC_THRESH(1), 4, 0);

	/* THR empty: raised when enabled, acknowledged by reading IIR, raised by each send */
	wr(UART_BASE + 2, 1, 0x07); /* FCR: FIFOs on */
	wr(UART_BASE + 1, 1, 0x02);
	CHECK(rd(UART_BASE + 2, 1) == 0xc2);
	CHECK(rd(UART_BASE + 2, 1) == 0xc1);
	wr(UART_BASE, 1, 'x');
	CHECK(h->s.mip & MIP_SEIP);
	CHECK(rd(UART_BASE + 2, 1) == 0xc2);
	wr(UART_BASE + 1, 1, 0);
	CHECK((rd(UART_BASE + 5, 1) & 0x60) == 0x60); /* THRE, TEMT */
	/* loopback: sent bytes come back, the modem lines follow MCR */
	wr(UART_BASE + 4, 1, 0x1b);
	wr(UART_BASE, 1, 'L');
	CHECK(rd(UART_BASE, 1) == 'L');
	CHECK((rd(UART_BASE + 6, 1) & 0xf0) == 0xb0);
	wr(UART_BASE + 4, 1, 0);
	/* the divisor latch does not disturb the data registers */
	wr(UART_BASE + 3, 1, 0x83);
	wr(UART_BASE, 1, 0x0c);
	CHECK(rd(UART_BASE, 1) == 0x0c);
	wr(UART_BASE + 3, 1, 0x03);
	machine_run(m, 1); /* flushes console output */
	CHECK(strstr(out, "x") != NULL && strchr(out, 'L') == NULL);
}

static void test_rtc_syscon_virtio(struct machine *m, uint64_t disk_size)
{
	uint64_t lo = rd(RTC_BASE, 4), hi = rd(RTC_BASE + 4, 4);
	uint64_t ns = hi << 32 | lo;
	time_t now = time(NULL);

	CHECK(ns / 1000000000ULL + 2 >= (uint64_t)now && ns / 1000000000ULL <= (uint64_t)now + 2);
	CHECK(!bus_access(h->bus, RTC_BASE, &lo, 1, false)); /* 32-bit registers only */

	CHECK(rd(VIRTIO_BASE, 4) == 0x74726976 && rd(VIRTIO_BASE + 4, 4) == 2);
	CHECK(rd(VIRTIO_BASE + 8, 4) == 2);
	CHECK((rd(VIRTIO_BASE + 0x100, 4) | rd(VIRTIO_BASE + 0x104, 4) << 32) == disk_size / 512);
	CHECK(rd(VIRTIO_BASE + 0x100, 8) == disk_size / 512);
	CHECK(!bus_access(h->bus, VIRTIO_BASE + VIRTIO_STRIDE, &lo, 4, false)); /* empty slot */

	wr(SYSCON_BASE, 4, 0x1234); /* not a finisher code */
	CHECK(machine_run(m, 10) != MACHINE_POWEROFF);
	wr(SYSCON_BASE, 4, 0x7777);
	CHECK(machine_run(m, 10) == MACHINE_RESET);
	wr(SYSCON_BASE, 2, 0x5555);
	CHECK(machine_run(m, 10) == MACHINE_POWEROFF && machine_exit_code(m) == 0);
	wr(SYSCON_BASE, 4, 0x3333 | 7 << 16);
	CHECK(machine_run(m, 10) == MACHINE_POWEROFF && machine_exit_code(m) == 7);
}

/* One SBI call through the hook; returns a0 (error) and sets *value from a1. */
static int64_t sbi(uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t *value)
{
	h->s.x[17] = ext;
	h->s.x[16] = fid;
	h->s.x[10] = a0;
	h->s.x[11] = a1;
	CHECK(h->ecall && h->ecall(h->ecall_opaque, h));
	if (value)
		*value = h->s.x[11];
	return (int64_t)h->s.x[10];
}

/* BASE, TIME, IPI, RFENCE, HSM, SRST, legacy putchar and getchar */
static const uint64_t sbi_exts[] = {0x10,     0x54494d45, 0x735049, 0x52464e43,
				    0x48534d, 0x53525354, 0x01,	    0x02};

static void test_sbi(struct machine *m)
{
	uint64_t v;

	CHECK(sbi(0x10, 0, 0, 0, &v) == 0 && v >= 2); /* spec version >= 0.2 */
	for (size_t i = 0; i < sizeof(sbi_exts) / sizeof(sbi_exts[0]); i++)
		CHECK(sbi(0x10, 3, sbi_exts[i], 0, &v) == 0 && v == 1); /* probe_extension */
	CHECK(sbi(0x10, 3, 0x12345678, 0, &v) == 0 && v == 0);
	CHECK(sbi(0x12345678, 0, 0, 0, NULL) == -2);

	CHECK(sbi(0x54494d45, 0, 123456, 0, NULL) == 0 && h->s.sbi_timecmp == 123456);
	CHECK(sbi(0x00, 0, 777, 0, NULL) == 0 && h->s.sbi_timecmp == 777); /* legacy */
	h->s.mip &= ~MIP_SSIP;
	CHECK(sbi(0x735049, 0, 1, 0, NULL) == 0 && (h->s.mip & MIP_SSIP));
	CHECK(sbi(0x52464e43, 1, 1, 0, NULL) == 0);
	CHECK(sbi(0x48534d, 2, 0, 0, &v) == 0 && v == 0);   /* hart 0 started */
	CHECK(sbi(0x48534d, 2, 1, 0, NULL) == -3);	    /* no hart 1 */
	CHECK(sbi(0x48534d, 0, 1, 0x80200000, NULL) == -3); /* cannot start hart 1 */
	CHECK(sbi(0x48534d, 0, 0, 0x80200000, NULL) == -6); /* hart 0 already runs */

	nout = 0;
	sbi(0x01, 0, 'Q', 0, NULL);
	machine_run(m, 1);
	CHECK(nout >= 1 && out[0] == 'Q');
	CHECK(sbi(0x02, 0, 0, 0, NULL) == -1);
	machine_console_input(m, (const uint8_t *)"z", 1);
	CHECK(sbi(0x02, 0, 0, 0, NULL) == 'z');

	CHECK(sbi(0x53525354, 0, 0, 0, NULL) == 0);
	CHECK(machine_run(m, 10) == MACHINE_POWEROFF);
	CHECK(sbi(0x53525354, 0, 1, 0, NULL) == 0);
	CHECK(machine_run(m, 10) == MACHINE_RESET);
	machine_set_sbi(m, false);
	CHECK(h->ecall == NULL);
}

int main(void)
{
	char path[] = "/tmp/rvcp-devXXXXXX";
	struct machine_config cfg = {.mem_size = 16 << 20, .console_out = console, .ndisks = 1};
	struct machine *m;
	int fd = mkstemp(path);

	CHECK(fd >= 0 && ftruncate(fd, 3 << 20) == 0);
	unlink(path);
	cfg.disks[0] = (struct machine_disk){0x200, fd, 3 << 20, true};
	m = machine_create(&cfg);
	CHECK(m != NULL);
	if (!m)
		return 1;
	h = machine_hart(m);
	test_plic_uart(m);
	test_rtc_syscon_virtio(m, 3 << 20);
	test_sbi(m);
	machine_destroy(m);
	close(fd);
	if (failures)
		fprintf(stderr, "%d checks failed\n", failures);
	return failures ? 1 : 0;
}
