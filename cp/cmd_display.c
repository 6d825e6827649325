// SPDX-License-Identifier: MIT
/*
 * DISPLAY and STORE (class G): a hart's registers and guest storage, in
 * z/VM's manner for RISC-V (cp/display.h).  Every value comes from the VM
 * process through INSPECT (vmctl_inspect), which it answers at an
 * instruction boundary, running or stopped.  CPU nn|ALL runs a command for
 * another virtual CPU (z/VM's CPU command): DISPLAY and STORE then mean
 * that CPU's hart.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cp/display.h"
#include "cp/user.h"
#include "cp/vmctl.h"
#include "cpu/cpu.h"
#include "cpu/csr.h"
#include "vm/proto.h"

#define DSP_MAX_BYTES (64u << 10) /* one DISPLAY of storage */

static const char *const abi_x[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};
static const char *const abi_f[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",	"ft5",	"ft6", "ft7", "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",	"fa6",	"fa7", "fs2", "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

const char *dsp_reg_name(int reg)
{
	return reg >= 0 && reg < 32 ? abi_x[reg] : "?";
}

/* "5", "x5", "a0", "fp" (f registers: "5", "f5", "fa0"): 0..31 or -1. */
int dsp_parse_reg(const char *s, size_t len, bool fp)
{
	const char *const *abi = fp ? abi_f : abi_x;
	char buf[8];
	size_t i = 0;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	for (size_t k = 0; k < len; k++)
		buf[k] = (char)tolower((unsigned char)s[k]);
	buf[len] = 0;
	for (int r = 0; r < 32; r++)
		if (!strcmp(buf, abi[r]))
			return r;
	if (!fp && !strcmp(buf, "fp"))
		return 8;
	if (buf[0] == (fp ? 'f' : 'x'))
		i = 1;
	if (!buf[i] || strspn(buf + i, "0123456789") != len - i || len - i > 2)
		return -1;
	int r = atoi(buf + i);
	return r < 32 ? r : -1;
}

/* "", "5", "5-7", "a0-a7": first and last register (all when empty). */
static bool parse_reg_range(const char *s, bool fp, int *lo, int *hi)
{
	const char *dash = strchr(s, '-');

	if (!*s) {
		*lo = 0;
		*hi = 31;
		return true;
	}
	if (!dash) {
		*lo = *hi = dsp_parse_reg(s, strlen(s), fp);
		return *lo >= 0;
	}
	*lo = dsp_parse_reg(s, (size_t)(dash - s), fp);
	*hi = dash[1] ? dsp_parse_reg(dash + 1, strlen(dash + 1), fp) : 31;
	return *lo >= 0 && *hi >= *lo;
}

bool dsp_parse_hex(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		int c = tolower((unsigned char)s[i]);

		if (!isxdigit(c))
			return false;
		v = v * 16 + (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
	}
	*out = v;
	return true;
}

/* "1000", "1000-1FFF", "1000.20", "1000-": [lo, hi] inclusive, hi ~0 = END. */
static bool parse_loc_range(const char *s, uint64_t *lo, uint64_t *hi)
{
	size_t n = strcspn(s, "-.");
	uint64_t v;

	if (!dsp_parse_hex(s, n, lo))
		return false;
	if (!s[n]) {
		*hi = *lo;
		return true;
	}
	if (s[n] == '-' && (!s[n + 1] || !strcasecmp(s + n + 1, "END"))) {
		*hi = UINT64_MAX;
		return true;
	}
	if (!dsp_parse_hex(s + n + 1, strlen(s + n + 1), &v))
		return false;
	if (s[n] == '-') {
		*hi = v;
	} else {
		if (v == 0 || v - 1 > UINT64_MAX - *lo)
			return false;
		*hi = *lo + v - 1;
	}
	return *hi >= *lo;
}

int dsp_fail(struct cp_ctx *ctx, int rc, const char *operand)
{
	switch (rc) {
	case 0:
		return 0;
	case -ENOENT:
	case -EINVAL:
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, operand);
	case -EACCES:
		return cp_msg(ctx, MSG_DSP_SHARED, operand);
	case -ENODEV:
		return cp_msg(ctx, MSG_VM_NOT_IPLED);
	default:
		return cp_msg(ctx, MSG_DSP_NO_ANSWER, strerror(-rc));
	}
}

int dsp_inspect(struct cp_ctx *ctx, uint32_t op, uint64_t addr, uint64_t len, uint64_t val,
		const void *data, struct proto_inspect_reply *r, void *out, size_t outmax)
{
	struct proto_inspect q = {
	    .op = op, .hart = (uint32_t)ctx->hart, .addr = addr, .len = len, .val = val};
	size_t dlen = op == PROTO_INSP_WRITE ? len : 0;

	memset(r, 0, sizeof(*r));
	return vmctl_inspect(ctx->user, &q, data, dlen, r, out, outmax);
}

int dsp_state(struct cp_ctx *ctx, struct hart_state *s)
{
	struct proto_inspect_reply r;
	int rc = dsp_inspect(ctx, PROTO_INSP_STATE, 0, 0, 0, NULL, &r, s, sizeof(*s));

	if (!rc && r.len != sizeof(*s))
		rc = -EPROTO;
	return rc;
}

/* Registers lo..hi of regs, four to a line. */
static void show_regs(struct cp_ctx *ctx, const uint64_t *regs, int lo, int hi, bool fp)
{
	for (int r = lo; r <= hi; r += 4) {
		char line[96];
		size_t n = 0;

		for (int k = r; k <= hi && k < r + 4; k++)
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %016llX ",
					      (unsigned long long)regs[k]);
		line[n ? n - 1 : 0] = 0;
		if (fp)
			cp_msg(ctx, MSG_DSP_FPR, r, line);
		else
			cp_msg(ctx, MSG_DSP_GPR, r, line);
	}
}

static int display_regs(struct cp_ctx *ctx, const char *spec, bool fp)
{
	struct hart_state s;
	int lo, hi, rc;

	if (!parse_reg_range(spec, fp, &lo, &hi))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, spec);
	rc = dsp_state(ctx, &s);
	if (rc)
		return dsp_fail(ctx, rc, spec);
	show_regs(ctx, fp ? s.f : s.x, lo, hi, fp);
	return 0;
}

static char prv_letter(uint64_t priv)
{
	return priv == PRV_M ? 'M' : priv == PRV_S ? 'S' : priv == PRV_U ? 'U' : '?';
}

static int display_psw(struct cp_ctx *ctx)
{
	struct hart_state s;
	int rc = dsp_state(ctx, &s);

	if (rc)
		return dsp_fail(ctx, rc, "PSW");
	return cp_msg(ctx, MSG_DSP_PSW, (unsigned long long)s.pc, prv_letter(s.priv),
		      (unsigned long long)s.mstatus, (unsigned long long)s.satp);
}

static int display_csr(struct cp_ctx *ctx, const char *spec)
{
	struct proto_inspect_reply r;
	char name[32];
	uint64_t num;
	int n = csr_lookup_name(spec), rc;

	if (n >= 0)
		num = (uint64_t)n;
	else if (!dsp_parse_hex(spec, strlen(spec), &num) || num >= CSR_COUNT)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, spec);
	if (csr_name((unsigned)num, name, sizeof(name)))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, spec);
	rc = dsp_inspect(ctx, PROTO_INSP_CSR, num, 0, 0, NULL, &r, NULL, 0);
	if (rc)
		return dsp_fail(ctx, rc, spec);
	for (char *p = name; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return cp_msg(ctx, MSG_DSP_CSR, name, (unsigned)num, (unsigned long long)r.val);
}

/* "R00001000" or, past 4 GiB, sixteen digits. */
static void loc_label(char *buf, size_t size, char kind, uint64_t a)
{
	if (a >> 32)
		snprintf(buf, size, "%c%016llX", kind, (unsigned long long)a);
	else
		snprintf(buf, size, "%c%08llX", kind, (unsigned long long)a);
}

/* One line: 16 bytes at a, as four words in storage order and as text. */
static void show_line(struct cp_ctx *ctx, char kind, uint64_t a, const uint8_t *b)
{
	char label[24], hex[40], text[17];
	size_t n = 0;

	loc_label(label, sizeof(label), kind, a);
	for (int i = 0; i < 16; i++) {
		n += (size_t)snprintf(hex + n, sizeof(hex) - n, "%02X%s", b[i],
				      (i % 4 == 3 && i < 15) ? " " : "");
		text[i] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.';
	}
	text[16] = 0;
	cp_msg(ctx, MSG_DSP_STORAGE, label, hex, text);
}

static int show_exceeds(struct cp_ctx *ctx, uint64_t a, uint64_t size)
{
	char loc[24], sz[24];

	snprintf(loc, sizeof(loc), "%llX", (unsigned long long)a);
	snprintf(sz, sizeof(sz), "%llX", (unsigned long long)size);
	return cp_msg(ctx, MSG_DSP_EXCEEDS, loc, sz);
}

/*
 * Real storage [real, real+len) shown with the labels of [a, a+len): whole
 * lines (a and len multiples of 16, len <= PROTO_INSPECT_MAX).  0, or the
 * VM's rc (-ERANGE: r->val is where storage ends).
 */
static int show_real(struct cp_ctx *ctx, char kind, uint64_t a, uint64_t real, uint64_t len,
		     struct proto_inspect_reply *r)
{
	static uint8_t buf[PROTO_INSPECT_MAX];
	int rc = dsp_inspect(ctx, PROTO_INSP_READ, real, len, 0, NULL, r, buf, sizeof(buf));

	if (rc)
		return rc;
	if (r->len != len)
		return -EPROTO;
	for (uint64_t off = 0; off < len; off += 16)
		show_line(ctx, kind, a + off, buf + off);
	return 0;
}

static int display_real(struct cp_ctx *ctx, uint64_t lo, uint64_t hi, const char *spec)
{
	struct proto_inspect_reply r;

	for (uint64_t a = lo; a <= hi;) {
		uint64_t len = PROTO_INSPECT_MAX - (a & (PROTO_INSPECT_MAX - 1));
		int rc;

		if (len - 1 > hi - a)
			len = hi - a + 1;
		rc = show_real(ctx, 'R', a, a, len, &r);
		if (rc == -ERANGE) {
			uint64_t end = r.val;

			/* Show the lines up to the end, then say where it ends. */
			if (end > a && end - a < len)
				show_real(ctx, 'R', a, a, end - a, &r);
			return show_exceeds(ctx, end > a ? end : a, end);
		}
		if (rc)
			return dsp_fail(ctx, rc, spec);
		if (a + len == 0)
			break;
		a += len;
	}
	return 0;
}

static const char *fault_name(uint64_t cause)
{
	switch (cause) {
	case 13:
		return "page-fault exception";
	case 5:
		return "access-fault exception";
	default:
		return "translation exception";
	}
}

/* A run of pages that do not translate: one response for all of them. */
static void show_unaddressable(struct cp_ctx *ctx, uint64_t lo, uint64_t hi, uint64_t cause)
{
	char a[24], b[24];

	snprintf(a, sizeof(a), "%016llX", (unsigned long long)lo);
	snprintf(b, sizeof(b), "%016llX", (unsigned long long)hi);
	cp_msg(ctx, MSG_DSP_NOT_ADDRESSABLE, a, b, fault_name(cause));
}

/* One page's part [a, a+len) of a virtual display; *bad_lo tracks a faulting run. */
static int display_virt_page(struct cp_ctx *ctx, uint64_t a, uint64_t len, uint64_t *bad_lo,
			     uint64_t *bad_cause, const char *spec)
{
	struct proto_inspect_reply r;
	int rc = dsp_inspect(ctx, PROTO_INSP_TRANSLATE, a, 0, 0, NULL, &r, NULL, 0);

	if (rc == -EFAULT || rc == -ERANGE) {
		if (*bad_lo == UINT64_MAX)
			*bad_lo = a;
		*bad_cause = rc == -EFAULT ? r.val : 5;
		return 0;
	}
	if (rc)
		return dsp_fail(ctx, rc, spec);
	if (*bad_lo != UINT64_MAX)
		show_unaddressable(ctx, *bad_lo, a - 1, *bad_cause);
	*bad_lo = UINT64_MAX;
	rc = show_real(ctx, 'V', a, r.val, len, &r);
	if (rc == -ERANGE) {
		show_unaddressable(ctx, a, a + len - 1, 5);
		return 0;
	}
	return dsp_fail(ctx, rc, spec);
}

static int display_virt(struct cp_ctx *ctx, uint64_t lo, uint64_t hi, const char *spec)
{
	uint64_t bad_lo = UINT64_MAX, bad_cause = 0;

	for (uint64_t a = lo; a <= hi;) {
		uint64_t len = PAGE_SIZE - (a & (PAGE_SIZE - 1));
		int rc;

		if (len - 1 > hi - a)
			len = hi - a + 1;
		rc = display_virt_page(ctx, a, len, &bad_lo, &bad_cause, spec);
		if (rc)
			return rc;
		if (a + len == 0)
			break;
		a += len;
	}
	if (bad_lo != UINT64_MAX)
		show_unaddressable(ctx, bad_lo, hi, bad_cause);
	return 0;
}

/* [R|T|V]hexloc[-hexloc|.len]: whole lines of 16 bytes. */
static int display_storage(struct cp_ctx *ctx, const char *spec)
{
	const char *s = spec;
	bool virt = false;
	uint64_t lo, hi;

	if (*s == 'R' || *s == 'r' || *s == 'T' || *s == 't') {
		s++;
	} else if (*s == 'V' || *s == 'v') {
		virt = true;
		s++;
	}
	if (!parse_loc_range(s, &lo, &hi))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, spec);
	lo &= ~15ull;
	hi |= 15;
	if (hi != UINT64_MAX && hi - lo >= DSP_MAX_BYTES)
		return cp_msg(ctx, MSG_DSP_TOO_LONG, DSP_MAX_BYTES);
	if (hi == UINT64_MAX && !virt) {
		/* END: up to the end of storage, within the same bound. */
		hi = lo + DSP_MAX_BYTES - 1;
		if (ctx->user->storage > lo && ctx->user->storage - 1 < hi)
			hi = ctx->user->storage - 1;
	} else if (hi == UINT64_MAX) {
		hi = lo + DSP_MAX_BYTES - 1;
	}
	return virt ? display_virt(ctx, lo, hi, spec) : display_real(ctx, lo, hi, spec);
}

/* A register operand: "G", "G5", "G5-7", or "G" then "a0-a7" as the next word. */
static bool takes_reg_word(int i, int argc, char **argv, bool fp)
{
	int lo, hi;

	return i + 1 < argc && parse_reg_range(argv[i + 1], fp, &lo, &hi);
}

static bool is_word(const char *s, const char *w)
{
	return !strcasecmp(s, w);
}

/* One DISPLAY operand at argv[*i]; advances *i past what it used. */
static int display_one(struct cp_ctx *ctx, int *i, int argc, char **argv)
{
	const char *op = argv[*i];
	char c = (char)toupper((unsigned char)op[0]);

	if (is_word(op, "PSW"))
		return display_psw(ctx);
	if (is_word(op, "CSR")) {
		if (*i + 1 >= argc)
			return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
		return display_csr(ctx, argv[++*i]);
	}
	if (c == 'G' || c == 'F') {
		bool fp = c == 'F';

		if (!op[1] && takes_reg_word(*i, argc, argv, fp))
			return display_regs(ctx, argv[++*i], fp);
		return display_regs(ctx, op + 1, fp);
	}
	return display_storage(ctx, op);
}

/* As z/VM: operands in order; an invalid one ends the command there. */
int cmd_display(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	for (int i = 1; i < argc; i++) {
		int rc = display_one(ctx, &i, argc, argv);

		if (rc)
			return rc;
	}
	return 0;
}

/* The hart of CPU address a: the base CPU is hart 0, the others follow in address order. */
static int cpu_hart(const struct cp_user *u, int a)
{
	int h = 1;

	if (a == u->base_cpu)
		return 0;
	for (int i = 0; i < a; i++)
		if (((u->cpus >> i) & 1) && i != u->base_cpu)
			h++;
	return h;
}

static int cpu_run(struct cp_ctx *ctx, int a, const char *line)
{
	struct cp_ctx c = *ctx;

	c.hart = cpu_hart(ctx->user, a);
	c.line = line;
	return cp_execute_ctx(&c);
}

/* CPU nn|ALL command: the command for that virtual CPU (z/VM's CPU command). */
int cmd_cpu_prefix(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	uint64_t a;
	int rc = 0;

	if (argc < 3)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (!strcasecmp(argv[1], "ALL")) {
		for (int i = 0; i < 64 && !rc; i++)
			if ((ctx->user->cpus >> i) & 1)
				rc = cpu_run(ctx, i, rest[2]);
		return rc;
	}
	if (!dsp_parse_hex(argv[1], strlen(argv[1]), &a) || strlen(argv[1]) > 2 || a > 63 ||
	    !((ctx->user->cpus >> a) & 1))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
	return cpu_run(ctx, (int)a, rest[2]);
}
