// SPDX-License-Identifier: MIT
/*
 * cpubench: a CPU-bound bare-metal program for measuring the guest
 * instruction rate (`make bench`).  A mix of what a kernel and its programs
 * do: integer arithmetic, branches, loads and stores, calls, multiplies and
 * divides, byte and string handling (sieve, matrix multiply, quicksort,
 * CRC32, division mix, string copy/compare/search).  A fixed workload of
 * about 1.5 billion RV64 instructions.
 *
 * It checks itself: every kernel's invariants as it goes, and the final
 * checksum against CPUBENCH_EXPECT, which bench/cpu/cpu.mk computes by
 * building this same file for the host (CPUBENCH_HOST) and running it.
 * Exit (HTIF tohost) 0 = correct; 4 = wrong checksum; 2, 3, 5 = a kernel
 * went wrong.  The checksum is also printed on the HTIF console.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef CPUBENCH_HOST
#include <stdio.h>
static void putch(char c)
{
	putchar(c);
}
#else
extern volatile uint64_t tohost, fromhost;

/* HTIF console: device 1, command 1, one byte; the host clears tohost. */
static void putch(char c)
{
	tohost = (1ULL << 56) | (1ULL << 48) | (uint8_t)c;
	while (tohost)
		;
}
#endif

#define ROUNDS 64

static void puts_hex(const char *s, uint64_t v)
{
	while (*s)
		putch(*s++);
	for (int i = 60; i >= 0; i -= 4)
		putch("0123456789abcdef"[(v >> i) & 15]);
	putch('\n');
}

static uint32_t crc32(const uint8_t *p, unsigned n, uint32_t crc)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

#define SIEVE_N 200000
static uint8_t sieve_buf[SIEVE_N];

static unsigned sieve(void)
{
	unsigned count = 0;

	for (unsigned i = 0; i < SIEVE_N; i++)
		sieve_buf[i] = 1;
	for (unsigned i = 2; i < SIEVE_N; i++) {
		if (!sieve_buf[i])
			continue;
		count++;
		for (unsigned j = 2 * i; j < SIEVE_N; j += i)
			sieve_buf[j] = 0;
	}
	return count;
}

#define N 48
static int64_t ma[N][N], mb[N][N], mc[N][N];

static int64_t matmul(int seed)
{
	int64_t sum = 0;

	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			ma[i][j] = (i * 7 + j * 3 + seed) % 17 - 8;
			mb[i][j] = (i * 5 + j * 11 + seed) % 13 - 6;
		}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			int64_t s = 0;
			for (int k = 0; k < N; k++)
				s += ma[i][k] * mb[k][j];
			mc[i][j] = s;
			sum += s;
		}
	return sum;
}

#define SORT_N 20000
static uint32_t arr[SORT_N];

static void quicksort(uint32_t *a, int lo, int hi)
{
	while (lo < hi) {
		uint32_t p = a[(lo + hi) / 2];
		int i = lo, j = hi;

		while (i <= j) {
			while (a[i] < p)
				i++;
			while (a[j] > p)
				j--;
			if (i <= j) {
				uint32_t t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		}
		/* recurse into the smaller part, loop on the larger */
		if (j - lo < hi - i) {
			quicksort(a, lo, j);
			lo = i;
		} else {
			quicksort(a, i, hi);
			hi = j;
		}
	}
}

static int sort_test(uint32_t seed)
{
	for (int i = 0; i < SORT_N; i++) {
		seed = seed * 1103515245U + 12345U;
		arr[i] = seed >> 8;
	}
	quicksort(arr, 0, SORT_N - 1);
	for (int i = 1; i < SORT_N; i++)
		if (arr[i - 1] > arr[i])
			return -1;
	return 0;
}

static uint64_t divmix(uint64_t x)
{
	uint64_t s = 0;

	for (uint64_t i = 1; i < 20000; i++) {
		s += x / i + x % (i + 3);
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	}
	return s;
}

/* String handling, byte at a time as a libc without vector code does it. */
#define TEXT_N 16384
static char text[TEXT_N], copy[TEXT_N];

static size_t str_len(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

static void str_copy(char *d, const char *s)
{
	while ((*d++ = *s++))
		;
}

static int str_cmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static unsigned str_count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (; *hay; hay++) {
		const char *h = hay, *k = needle;

		while (*k && *h == *k) {
			h++;
			k++;
		}
		if (!*k)
			n++;
	}
	return n;
}

static uint64_t string_test(uint32_t seed, int *bad)
{
	static const char *const words[] = {"the",     "a",	  "named", "saved",  "system",
					    "virtual", "machine", "page",  "shared", "ipl"};
	size_t len = 0;
	uint64_t h = 0;

	while (len < TEXT_N - 16) {
		const char *w;

		seed = seed * 1664525U + 1013904223U;
		w = words[(seed >> 16) % 10];
		while (*w)
			text[len++] = *w++;
		text[len++] = ' ';
	}
	text[len] = 0;
	str_copy(copy, text);
	if (str_len(copy) != len || str_cmp(copy, text) != 0)
		*bad = 1;
	copy[len / 2] ^= 1;
	if (str_cmp(copy, text) == 0)
		*bad = 1;
	h = str_count(text, "the ") * 1000003ULL + str_count(text, "saved system") * 7 +
	    str_count(text, "ipl");
	return h + len;
}

int main(void)
{
	uint64_t sum = 0;
	int bad = 0;

	for (int round = 0; round < ROUNDS; round++) {
		unsigned primes = sieve();

		if (primes != 17984)
			return 2;
		sum += primes;
		sum += (uint64_t)matmul(round);
		if (sort_test(round + 1))
			return 3;
		sum += arr[SORT_N / 2];
		sum += crc32(sieve_buf, SIEVE_N, (uint32_t)sum);
		sum += divmix(sum);
		sum = sum * 31 + string_test((uint32_t)sum, &bad);
		if (bad)
			return 5;
	}
	puts_hex("cpubench checksum ", sum);
#ifdef CPUBENCH_EXPECT
	if (sum != CPUBENCH_EXPECT)
		return 4;
#endif
	return 0;
}
