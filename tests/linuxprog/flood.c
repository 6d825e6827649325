// SPDX-License-Identifier: MIT
/*
 * flood: a hostile Linux guest program for tests/sh/net_hostile.sh.  Sends
 * broadcast Ethernet frames on eth0 (interface index 2: lo is 1) through a
 * raw AF_PACKET socket as fast as the guest can, for ever.  Built without
 * a C library (riscv64 Linux system calls by number), so the lean guest
 * needs nothing besides the kernel to run it.
 */
#define SYS_socket 198
#define SYS_sendto 206
#define SYS_exit   93

static long sys(long n, long a, long b, long c, long d, long e, long f)
{
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	register long a4 __asm__("a4") = e;
	register long a5 __asm__("a5") = f;
	register long a7 __asm__("a7") = n;

	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
			 : "memory");
	return a0;
}

struct sockaddr_ll {
	unsigned short family, protocol;
	int ifindex;
	unsigned short hatype;
	unsigned char pkttype, halen;
	unsigned char addr[8];
};

void _start(void)
{
	static unsigned char frame[512];
	struct sockaddr_ll to = {.family = 17, .protocol = 0xb588, .ifindex = 2, .halen = 6};
	long s = sys(SYS_socket, 17 /* AF_PACKET */, 3 /* SOCK_RAW */, 0, 0, 0, 0);

	if (s < 0)
		sys(SYS_exit, 1, 0, 0, 0, 0, 0);
	for (int i = 0; i < 6; i++)
		frame[i] = to.addr[i] = 0xff;
	frame[6] = 0x02; /* a made-up source address: learned, never answered */
	frame[11] = 0x99;
	frame[12] = 0x88; /* the local experimental ethertype */
	frame[13] = 0xb5;
	for (;;)
		sys(SYS_sendto, s, (long)frame, sizeof(frame), 0, (long)&to, sizeof(to));
}
