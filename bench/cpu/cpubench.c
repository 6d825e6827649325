// SPDX-License-Identifier: MIT
/*
 * cpubench: a CPU-bound bare-metal program for measuring the guest
 * instruction rate (`make bench`).  A mix of what a kernel and its programs
 * do: integer arithmetic, branches, loads and stores, calls, multiplies and
 * divides, byte handling.  It checks its own results and prints a
 * checksum through the HTIF console, so runs on rvcp and QEMU compare.
 */
#include <stdint.h>

extern volatile uint64_t tohost, fromhost;

static void putch(char c)
{
	tohost = (1ULL << 56) | (1ULL << 48) | (uint8_t)c;
	while (tohost)
		;
}

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

int main(void)
{
	uint64_t sum = 0;

	for (int round = 0; round < 40; round++) {
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
	}
	puts_hex("cpubench checksum ", sum);
	return 0;
}
