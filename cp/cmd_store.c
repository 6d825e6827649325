// SPDX-License-Identifier: MIT
/* STORE (class G): registers, the pc and guest storage (cp/display.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cp/display.h"

#define STORE_MAX_BYTES 256 /* the values of one STORE */

static int store_reg(struct cp_ctx *ctx, int reg, uint64_t val, const char *operand)
{
	struct proto_inspect_reply r;

	return dsp_fail(
	    ctx, dsp_inspect(ctx, PROTO_INSP_SET_REG, (uint64_t)reg, 0, val, NULL, &r, NULL, 0),
	    operand);
}

/* STORE G|F reg value ...: consecutive registers from reg. */
static int store_regs(struct cp_ctx *ctx, const char *regword, int i, int argc, char **argv,
		      bool fp)
{
	int reg = dsp_parse_reg(regword, strlen(regword), fp);

	if (reg < 0)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, regword);
	if (i >= argc)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	for (; i < argc; i++, reg++) {
		uint64_t v;
		int rc;

		if (reg > 31 || !dsp_parse_hex(argv[i], strlen(argv[i]), &v))
			return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[i]);
		rc = store_reg(ctx, (fp ? PROTO_REG_F0 : 0) + reg, v, argv[i]);
		if (rc)
			return rc;
	}
	return cp_msg(ctx, MSG_STORE_COMPLETE);
}

static int store_psw(struct cp_ctx *ctx, int argc, char **argv)
{
	uint64_t pc;
	int rc;

	if (argc < 3)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (argc > 3)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[3]);
	if (!dsp_parse_hex(argv[2], strlen(argv[2]), &pc) || (pc & 1))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[2]);
	rc = store_reg(ctx, PROTO_REG_PC, pc, argv[2]);
	return rc ? rc : cp_msg(ctx, MSG_STORE_COMPLETE);
}

/* The values as bytes: a word per 1..8 digits, a doubleword per 9..16. */
static int store_bytes(struct cp_ctx *ctx, int i, int argc, char **argv, uint8_t *buf, size_t *n)
{
	*n = 0;
	if (i >= argc)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	for (; i < argc; i++) {
		size_t digits = strlen(argv[i]), w = digits > 8 ? 8 : 4;
		uint64_t v;

		if (!dsp_parse_hex(argv[i], digits, &v) || *n + w > STORE_MAX_BYTES)
			return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[i]);
		for (size_t k = 0; k < w; k++)
			buf[*n + k] = (uint8_t)(v >> (8 * (w - 1 - k)));
		*n += w;
	}
	return 0;
}

static int store_exceeds(struct cp_ctx *ctx, uint64_t a, uint64_t size)
{
	char loc[24], sz[24];

	snprintf(loc, sizeof(loc), "%llX", (unsigned long long)a);
	snprintf(sz, sizeof(sz), "%llX", (unsigned long long)size);
	return cp_msg(ctx, MSG_DSP_EXCEEDS, loc, sz);
}

/* Real storage: refused whole if any of it is outside or shared. */
static int store_real(struct cp_ctx *ctx, uint64_t real, const uint8_t *buf, size_t n,
		      const char *operand)
{
	struct proto_inspect_reply r;
	int rc = dsp_inspect(ctx, PROTO_INSP_WRITE, real, n, 0, buf, &r, NULL, 0);

	if (rc == -ERANGE)
		return store_exceeds(ctx, r.val > real ? r.val : real, r.val);
	return dsp_fail(ctx, rc, operand);
}

/* Through the translation, page by page (each part checked first). */
static int store_virt(struct cp_ctx *ctx, uint64_t va, const uint8_t *buf, size_t n,
		      const char *operand)
{
	uint64_t real[2];
	size_t first = PAGE_SIZE - (va & (PAGE_SIZE - 1));
	int parts = first < n ? 2 : 1;

	for (int p = 0; p < parts; p++) {
		struct proto_inspect_reply r;
		uint64_t a = p ? va + first : va;
		int rc = dsp_inspect(ctx, PROTO_INSP_TRANSLATE, a, 0, 0, NULL, &r, NULL, 0);

		if (rc == -EFAULT || rc == -ERANGE) {
			char loc[24];

			snprintf(loc, sizeof(loc), "%016llX", (unsigned long long)a);
			return cp_msg(ctx, MSG_DSP_NOT_ADDRESSABLE, loc, loc,
				      rc == -EFAULT && r.val == 13 ? "page-fault exception"
								   : "access-fault exception");
		}
		if (rc)
			return dsp_fail(ctx, rc, operand);
		real[p] = r.val;
	}
	if (parts == 1)
		return store_real(ctx, real[0], buf, n, operand);
	int rc = store_real(ctx, real[0], buf, first, operand);
	return rc ? rc : store_real(ctx, real[1], buf + first, n - first, operand);
}

static int store_storage(struct cp_ctx *ctx, int argc, char **argv)
{
	const char *s = argv[1];
	uint8_t buf[STORE_MAX_BYTES];
	bool virt = false;
	uint64_t a;
	size_t n;
	int rc;

	if (*s == 'R' || *s == 'r' || *s == 'T' || *s == 't') {
		s++;
	} else if (*s == 'V' || *s == 'v') {
		virt = true;
		s++;
	}
	if (!dsp_parse_hex(s, strlen(s), &a))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
	rc = store_bytes(ctx, 2, argc, argv, buf, &n);
	if (rc)
		return rc;
	rc = virt ? store_virt(ctx, a, buf, n, argv[1]) : store_real(ctx, a, buf, n, argv[1]);
	return rc ? rc : cp_msg(ctx, MSG_STORE_COMPLETE);
}

int cmd_store(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	const char *op;
	char c;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	op = argv[1];
	c = (char)toupper((unsigned char)op[0]);
	if (!strcasecmp(op, "PSW"))
		return store_psw(ctx, argc, argv);
	if (c == 'G' || c == 'F') {
		if (op[1])
			return store_regs(ctx, op + 1, 2, argc, argv, c == 'F');
		if (argc < 3)
			return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
		return store_regs(ctx, argv[2], 3, argc, argv, c == 'F');
	}
	return store_storage(ctx, argc, argv);
}
