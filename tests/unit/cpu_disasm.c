// SPDX-License-Identifier: MIT
/* The disassembler (cpu/disasm.h): encodings from the GNU assembler and the
 * text it gives back; every 32-bit and 16-bit pattern gives some text. */
#include <stdio.h>
#include <string.h>

#include "cpu/disasm.h"
#include "tests/unit/check.h"

static const struct {
	uint32_t insn;
	const char *text;
} cases[] = {
    {0x00c58533, "add a0,a1,a2"},
    {0x407302bb, "subw t0,t1,t2"},
    {0xff010113, "addi sp,sp,-16"},
    {0x00500513, "li a0,5"},
    {0x00010413, "mv s0,sp"},
    {0x00000013, "nop"},
    {0x00813083, "ld ra,8(sp)"},
    {0xfe943423, "sd s1,-24(s0)"},
    {0x123457b7, "lui a5,0x12345"},
    {0x00001197, "auipc gp,0x1"},
    {0x00351513, "slli a0,a0,3"},
    {0x43f5d593, "srai a1,a1,63"},
    {0x4056561b, "sraiw a2,a2,5"},
    {0x02c58533, "mul a0,a1,a2"},
    {0x02f756bb, "divuw a3,a4,a5"},
    {0x00000073, "ecall"},
    {0x00100073, "ebreak"},
    {0x10200073, "sret"},
    {0x30200073, "mret"},
    {0x10500073, "wfi"},
    {0x12000073, "sfence.vma zero,zero"},
    {0x18051073, "csrrw zero,satp,a0"},
    {0x10016573, "csrrsi a0,sstatus,2"},
    {0x0ff0000f, "fence"},
    {0x0000100f, "fence.i"},
    {0x1405b52f, "lr.d.aq a0,(a1)"},
    {0x18d7262f, "sc.w a2,a3,(a4)"},
    {0x06b6352f, "amoadd.d.aqrl a0,a1,(a2)"},
    {0x01013507, "fld fa0,16(sp)"},
    {0x00152227, "fsw ft1,4(a0)"},
    {0x02c5f553, "fadd.d fa0,fa1,fa2"},
    {0x1820f043, "fmadd.s ft0,ft1,ft2,ft3"},
    {0xc2257553, "fcvt.l.d a0,fa0"},
    {0xd20585d3, "fcvt.d.w fa1,a1"},
    {0xe2050553, "fmv.x.d a0,fa0"},
    {0xf0000053, "fmv.w.x ft0,zero"},
    {0xa2b52553, "feq.d a0,fa0,fa1"},
    {0xe00195d3, "fclass.s a1,ft3"},
    {0x5a05f553, "fsqrt.d fa0,fa1"},
    {0x4010f053, "fcvt.s.d ft0,ft1"},
    {0x00008067, "ret"},
    {0xffdff06f, "j 0xffc"},	       /* pc 0x1000 */
    {0xfe0508e3, "beq a0,zero,0xff0"}, /* pc 0x1000 */
    {0x00000000, ".half 0x0000"},      /* the all-zero half is illegal */
    {0x1141, "c.addi sp,sp,-16"},
    {0x8082, "c.ret"},
    {0x6422, "c.ld s0,8(sp)"},
    {0x0000007f, ".word 0x0000007f"},
};

int main(void)
{
	char buf[96];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int len = rv_disasm(cases[i].insn, 0x1000, buf, sizeof(buf));

		if (strcmp(buf, cases[i].text))
			fprintf(stderr, "%08x: got \"%s\", want \"%s\"\n", cases[i].insn, buf,
				cases[i].text);
		CHECK(!strcmp(buf, cases[i].text));
		CHECK(len == ((cases[i].insn & 3) == 3 ? 4 : 2));
	}
	/* Any bits: some text, never past the buffer. */
	for (uint64_t x = 0; x < (1u << 16); x++) {
		uint32_t insn = (uint32_t)(x * 0x9e3779b1u) | 3;
		char small[8];

		CHECK(rv_disasm(insn, 0, buf, sizeof(buf)) == 4 && buf[0]);
		rv_disasm((uint32_t)x, 0, small, sizeof(small));
		CHECK(strlen(small) < sizeof(small));
	}
	return failures != 0;
}
