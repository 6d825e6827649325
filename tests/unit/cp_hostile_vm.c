// SPDX-License-Identifier: MIT
/*
 * CP against hostile VM processes.  A VM process is untrusted by CP: a guest
 * that subverts it controls everything it sends.  This test runs the real CP
 * (cp_main) in a child; CP starts its VM processes as /proc/self/exe, which
 * is this program, and started as "vm" it plays a subverted VM process:
 * seeded random messages of every VM -> CP type with random payloads and
 * random descriptors, packets that are no messages (short, wrong length,
 * empty, with descriptors), floods of console output, guest CP requests,
 * stop states, results of requests never made, answers to DISPLAY's
 * requests that are not (or never come), a VM that never reads its
 * socket, then an exit, a crash or a hang.  Meanwhile the test logs users
 * on through a terminal, IPLs again and again, and checks that CP keeps
 * answering, that it ends cleanly on SIGTERM (status 0; under ASan, no
 * leaks) and that it holds no more descriptors than it started with.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cp/main.h"
#include "vm/nss.h"
#include "vm/proto.h"

#define NUSERS 3
#define ROUNDS 6

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ---- the hostile VM process ---- */

static const char *const requests[] = {
    "Q V STOR",
    "IPL 100",
    "BEGIN",
    "SYSTEM RESET",
    "LOGOFF",
    "DISCONNECT",
    "SAVESYS NOSUCH",
    "TRACE I R 10000",
    "TRACE END ALL",
    "SHUTDOWN",
    "#CP",
    "",
    "DEFINE STORAGE 64M",
    "DISPLAY G",
    "STORE 0 1",
};

static void hostile_raw(int sock, const void *buf, size_t len, const int *fds, int nfds)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * 64)];
		struct cmsghdr align;
	} u;
	struct iovec iov = {(void *)buf, len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	if (nfds) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	sendmsg(sock, &mh, MSG_NOSIGNAL);
}

static void hostile_one(int sock, int devnull)
{
	static uint8_t buf[PROTO_MAX_PAYLOAD + 64];
	static const uint32_t types[] = {PROTO_HELLO,
					 PROTO_RESULT,
					 PROTO_CONSOLE_OUT,
					 PROTO_STATE,
					 PROTO_CP_REQUEST,
					 PROTO_INSPECT_REPLY,
					 PROTO_NSS_RESULT,
					 PROTO_NSS_IPL,
					 PROTO_NSS_LAST,
					 PROTO_SETUP,
					 999,
					 0};
	int fds[64];
	int nfds = rnd() % 4 ? 0 : (int)(rnd() % 20);
	uint32_t type = types[rnd() % (sizeof(types) / sizeof(types[0]))];
	size_t len = rnd() % 4 ? rnd() % 64 : rnd() % (PROTO_MAX_PAYLOAD + 1);

	for (int i = 0; i < nfds; i++)
		fds[i] = devnull;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)rnd();
	switch (rnd() % 8) {
	case 0: { /* a packet that is no message */
		size_t n = rnd() % 16;

		hostile_raw(sock, buf, n, fds, nfds);
		break;
	}
	case 1: { /* a guest CP request */
		const char *r = requests[rnd() % (sizeof(requests) / sizeof(requests[0]))];

		proto_send(sock, PROTO_CP_REQUEST, r, strlen(r) + (rnd() & 1), NULL, 0);
		break;
	}
	case 2: { /* a stop, of any reason */
		struct proto_state s = {.reason = rnd() % 8, .pc = rnd()};

		proto_send(sock, PROTO_STATE, &s, sizeof(s) - (rnd() % 2) * 8, NULL, 0);
		break;
	}
	case 3: { /* a result of a request, made or not */
		struct proto_result *r = (void *)buf;

		bool nss = rnd() & 1;

		r->req = rnd() % 4 ? (nss ? PROTO_NSS_SAVE + rnd() % 2 : PROTO_IPL)
				   : (uint32_t)(rnd() % 200);
		r->rc = rnd() & 1 ? -EIO : 0;
		proto_send(sock, nss ? PROTO_NSS_RESULT : PROTO_RESULT, buf,
			   len < sizeof(struct proto_nss_result) ? sizeof(struct proto_nss_result)
								 : len,
			   fds, nfds > 16 ? 16 : nfds);
		break;
	}
	case 4: /* a burst of console output */
		for (int i = 0; i < 50; i++)
			proto_send(sock, PROTO_CONSOLE_OUT, buf, len, NULL, 0);
		break;
	default:
		proto_send(sock, type, buf, len, fds, nfds > 16 ? 16 : nfds);
		break;
	}
}

/* Fixed seeds: the user's name and how many VM processes it had before. */
static uint64_t hostile_seed(const char *user)
{
	const char *dir = getenv("HOSTILE_DIR");
	char path[512];
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	unsigned count = 0;
	FILE *f;

	for (const char *c = user; *c; c++)
		seed = (seed ^ (uint8_t)*c) * 0x100000001b3ULL;
	snprintf(path, sizeof(path), "%s/seed.%s", dir ? dir : "/nonexistent", user);
	f = fopen(path, "r+");
	if (!f)
		f = fopen(path, "w+");
	if (f) {
		if (fscanf(f, "%u", &count) != 1)
			count = 0;
		rewind(f);
		fprintf(f, "%u\n", count + 1);
		fclose(f);
	}
	seed += count * 0x2545f4914f6cdd1dULL;
	return seed ? seed : 1;
}

static int hostile_vm(int argc, char **argv)
{
	int sock = 3, devnull = open("/dev/null", O_RDONLY);
	int n;

	/* Never outlive the test, whatever happens to CP. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	alarm(300);

	/* The operator's VM behaves: it reads until CP closes the connection. */
	if (argc > 5 && !strcmp(argv[5], "OPER")) {
		static struct proto_msg m;

		while (proto_recv(sock, &m, 0) > 0)
			proto_close_fds(&m);
		return 0;
	}
	rng = hostile_seed(argc > 5 ? argv[5] : "?");
	n = 50 + rnd() % 400;
	for (int i = 0; i < n; i++) {
		hostile_one(sock, devnull);
		if (rnd() % 8 == 0) {
			/* read (and drop) what CP sent, sometimes */
			static struct proto_msg m;

			while (proto_recv(sock, &m, MSG_DONTWAIT) > 0) {
				/* SAVESYS and IPL of a saved system: claim success
				 * without doing anything, or fail */
				struct proto_nss_result r = {.req = m.type,
							     .rc = -(int)(rnd() % 2)};

				if (m.type == PROTO_NSS_SAVE || m.type == PROTO_NSS_IPL)
					proto_send(sock, PROTO_NSS_RESULT, &r, sizeof(r), NULL, 0);
				proto_close_fds(&m);
			}
		}
	}
	switch (rnd() % 4) {
	case 0:
		raise(SIGSEGV); /* a crash */
		break;
	case 1:
		pause(); /* hangs, never reads: CP ends it or logs the user off */
		break;
	default:
		break;
	}
	return (int)(rnd() % 3);
}

/* ---- the test: CP, a terminal per user ---- */

static int failures;

static int term_connect(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	for (int i = 0; i < 600; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		if (fd >= 0)
			close(fd);
		usleep(50000);
	}
	return -1;
}

/* Read until text appears (bytes before it are dropped); false after 60 s. */
static bool term_expect(int fd, const char *text)
{
	static char buf[1 << 16];
	static size_t len;
	time_t end = time(NULL) + 60;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		char *hit = memmem(buf, len, text, strlen(text));
		ssize_t n;

		if (hit) {
			len = 0; /* the rest belongs to before the next question */
			return true;
		}
		if (len > sizeof(buf) / 2) {
			memmove(buf, buf + len - 256, 256);
			len = 256;
		}
		if (time(NULL) > end || poll(&p, 1, 1000) < 0)
			break;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n <= 0)
			break;
		len += n;
	}
	fprintf(stderr, "no \"%s\" from CP\n", text);
	failures++;
	return false;
}

/* A user's terminal may have been closed by CP (a guest's LOGOFF request). */
static bool term_send(int fd, const char *line)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "%s\n", line);

	return send(fd, buf, n, MSG_NOSIGNAL) == n;
}

static int count_fds(pid_t pid)
{
	char cmd[64];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls /proc/%d/fd | wc -l", (int)pid);
	p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char dir[256], dirfile[300], spool[300], image[300], logfile[300], listen_at[32];
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t salen = sizeof(sa);
	int term[NUSERS], s, port, status, fds0, fds1;
	pid_t cp;
	FILE *f;

	if (argc > 1 && !strcmp(argv[1], "vm"))
		return hostile_vm(argc, argv);

	snprintf(dir, sizeof(dir), "%s/hostile-XXXXXX", tmp);
	if (!mkdtemp(dir))
		return 1;
	snprintf(dirfile, sizeof(dirfile), "%s/user.direct", dir);
	snprintf(spool, sizeof(spool), "%s/spool", dir);
	snprintf(image, sizeof(image), "%s/disk.img", dir);
	snprintf(logfile, sizeof(logfile), "%s/cp.log", dir);
	f = fopen(image, "w");
	if (!f || ftruncate(fileno(f), 1 << 20))
		return 1;
	fclose(f);
	f = fopen(dirfile, "w");
	if (!f)
		return 1;
	fprintf(f, "USER OPER oper 16M 16M AEG\n");
	for (int i = 0; i < NUSERS; i++)
		fprintf(f, "USER U%d pw 16M 16M EG\n MDISK 0100 IMAGE %s MR\n", i, image);
	fclose(f);
	/* a free port */
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(s, (struct sockaddr *)&sa, &salen))
		return 1;
	port = ntohs(sa.sin_port);
	close(s);
	snprintf(listen_at, sizeof(listen_at), "127.0.0.1:%d", port);

	setenv("HOSTILE_DIR", dir, 1); /* CP's VM processes find their seeds there */
	cp = fork();
	if (cp == 0) {
		char *cargv[] = {"cp",	"--directory", dirfile,	  "--spool",
				 spool, "--listen",    listen_at, NULL};

		int log = open(logfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (log < 0 || dup2(log, STDERR_FILENO) < 0)
			_exit(127);
		exit(cp_main(7, cargv)); /* exit: the leak check runs */
	}
	/* The operator watches: CP must keep answering it. */
	s = term_connect(port);
	if (s < 0 || !term_expect(s, "Enter LOGON"))
		goto out;
	if (!term_send(s, "LOGON OPER"))
		failures++;
	term_expect(s, "ENTER PASSWORD");
	term_send(s, "oper");
	term_expect(s, "LOGON AT");
	term_send(s, "DEFSYS HOSTILE 0-FF EW 100-1FF SR 200-2FF SW");
	term_expect(s, "HOSTILE");
	fds0 = count_fds(cp);
	for (int i = 0; i < NUSERS; i++) {
		char line[32];

		term[i] = term_connect(port);
		term_expect(term[i], "Enter LOGON");
		snprintf(line, sizeof(line), "LOGON U%d", i);
		term_send(term[i], line);
		term_expect(term[i], "ENTER PASSWORD");
		term_send(term[i], "pw");
	}
	for (int r = 0; r < ROUNDS && !failures; r++) {
		for (int i = 0; i < NUSERS; i++) {
			/* a new VM process if the last one ended; lines for the guest */
			term_send(term[i], "IPL 100");
			term_send(term[i], "hello guest");
			/* saved systems: a save the VM may only pretend to do, IPLs of it */
			term_send(term[i], r % 2 ? "#CP SAVESYS HOSTILE" : "#CP IPL HOSTILE");
			term_send(term[i], r % 2 ? "SAVESYS HOSTILE" : "IPL HOSTILE");
			/* DISPLAY waits for an answer that may never come (bounded) */
			if (r == 0 && i == 0)
				term_send(term[i], "#CP D G PSW T0.20");
		}
		usleep(300000);
		term_send(s, "QUERY NAMES");
		term_expect(s, "OPER");
	}
	/* Every user off; CP holds no more descriptors than before they came. */
	for (int i = 0; i < NUSERS; i++) {
		char line[32];

		snprintf(line, sizeof(line), "FORCE U%d", i);
		term_send(s, line);
		close(term[i]);
	}
	term_send(s, "QUERY NAMES");
	term_expect(s, "OPER");
	usleep(500000);
	fds1 = count_fds(cp);
	if (fds1 > fds0) {
		fprintf(stderr, "CP holds %d descriptors, %d before the users came\n", fds1, fds0);
		failures++;
	}
	close(s);
out:
	kill(cp, SIGTERM);
	if (waitpid(cp, &status, 0) != cp || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "CP ended with status %#x\n", status);
		failures++;
	}
	/* What the VMs sent reached the log only as printable text. */
	f = fopen(logfile, "r");
	if (f) {
		int c;

		while ((c = fgetc(f)) != EOF) {
			if (c != '\n' && (c < 0x20 || c >= 0x7f)) {
				fprintf(stderr, "byte %#x in CP's log\n", c);
				failures++;
				break;
			}
		}
		fclose(f);
	}
	if (failures) {
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "tail -n 60 %s >&2", logfile);
		if (system(cmd)) {
			/* the log is only a help */
		}
	}
	return failures ? 1 : 0;
}
