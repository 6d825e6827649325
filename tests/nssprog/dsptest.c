// SPDX-License-Identifier: MIT
/*
 * DISPLAY and STORE test guest (tests/sh/cp_display.sh), IPLed from a disk.
 * It writes a marker text at real 0x300000, turns on Sv39 with two 1 GiB
 * pages (identity at 0x80000000, and 0xFFFFFFFFC0000000 onto the same
 * storage, so V FFFFFFFFC0300000 is R 300000; nothing else translates) and
 * enters resume() at real 0x201000 with a0 = 0x1122334455667788 and a1 =
 * 0xA1.  resume() spins until the doubleword at real 0x300100 is not zero,
 * then prints it and a2 ("DSPTEST FLAG=... A2=...") and spins at done().
 * The test stores a2 and the flag from CP, and the pc to run it again.
 */
#include <stdint.h>

#define REAL(a) ((volatile uint8_t *)(0x80000000ul + (a)))

static void putc_sbi(char c)
{
	register long a0 asm("a0") = c;
	register long a7 asm("a7") = 1; /* legacy console putchar */

	asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
}

static void puts_(const char *s)
{
	while (*s)
		putc_sbi(*s++);
}

static void puthex(uint64_t v)
{
	char buf[17];
	int i = 16;

	buf[i] = 0;
	do {
		buf[--i] = "0123456789ABCDEF"[v & 15];
		v >>= 4;
	} while (v && i);
	puts_(buf + i);
}

void report(uint64_t flag, uint64_t a2)
{
	puts_("DSPTEST FLAG=");
	puthex(flag);
	puts_(" A2=");
	puthex(a2);
	puts_("\r\n");
}

/* At 0x201000 (the link script's .text.resume): registers as the test wants them. */
asm(".pushsection .text.resume, \"ax\"\n"
    ".option push\n"
    ".option norvc\n"
    ".globl resume\n"
    "resume:\n"
    "	li a0, 0x1122334455667788\n"
    "	li a1, 0xA1\n"
    "	li t1, 0x80300100\n"
    "1:	ld t0, 0(t1)\n"
    "	beqz t0, 1b\n"
    "	mv a0, t0\n"
    "	mv a1, a2\n"
    "	call report\n"
    "done:\n"
    "	j done\n"
    ".option pop\n"
    ".popsection\n");

void resume(void);

static uint64_t root[512] __attribute__((aligned(4096)));

void fill(void)
{
	const char *marker = "RVCP DISPLAY TEST MARKER";
	uint64_t leaf = (0x80000000ul >> 12) << 10 | 0xcf; /* D A X W R V */

	for (int i = 0; marker[i]; i++)
		REAL(0x300000)[i] = (uint8_t)marker[i];
	*(volatile uint64_t *)REAL(0x300100) = 0;
	root[2] = leaf;
	root[511] = leaf;
	asm volatile("csrw satp, %0\n\tsfence.vma" ::"r"(8ul << 60 | (uint64_t)root >> 12)
		     : "memory");
	puts_("DSPTEST READY\r\n");
	resume();
}
