# Zicsr: csrrw csrrs csrrc csrrwi csrrsi csrrci (old value out, new value
# in, rs1 = x0 / uimm = 0 means no write, rd = x0 still writes), read-only
# CSRs (read fine, any write is illegal), unimplemented CSRs (custom and
# hypervisor numbers) are illegal, misa (RV64 IMAFDC + S + U), mhartid = 0,
# the sstatus/sie/sip views of mstatus/mie/mip, mepc/sepc bit 0, mtvec,
# SXL/UXL, medeleg bit 11 read-only zero.
#include "test.h"
TEST_BEGIN
	/* the six forms on mscratch */
	csrw mscratch, zero
	TEST_CASE(1, a0, 0, li a1, 0x1234; csrrw a0, mscratch, a1)
	TEST_CASE(2, a0, 0x1234, csrr a0, mscratch)
	TEST_CASE(3, a0, 0x1234, li a1, 0xf0000; csrrs a0, mscratch, a1)
	TEST_CASE(4, a0, 0xf1234, csrr a0, mscratch)
	TEST_CASE(5, a0, 0xf1234, li a1, 0x30004; csrrc a0, mscratch, a1)
	TEST_CASE(6, a0, 0xc1230, csrr a0, mscratch)
	TEST_CASE(7, a0, 0xc1230, csrrwi a0, mscratch, 31)
	TEST_CASE(8, a0, 31, csrr a0, mscratch)
	TEST_CASE(9, a0, 31, csrrci a0, mscratch, 0x11)
	TEST_CASE(10, a0, 14, csrr a0, mscratch)
	TEST_CASE(11, a0, 14, csrrsi a0, mscratch, 0x10)
	TEST_CASE(12, a0, 30, csrr a0, mscratch)
	TEST_CASE(13, a0, 30, csrrs a0, mscratch, zero)
	TEST_CASE(14, a0, 30, csrrc a0, mscratch, zero)
	TEST_CASE(15, a0, 30, csrrsi a0, mscratch, 0; csrr a0, mscratch)
	TEST_CASE(16, a0, -1, li a1, -1; csrrw x0, mscratch, a1; csrr a0, mscratch)
	/* rd == rs1 */
	TEST_CASE(17, a1, -1, li a1, 5; csrrw a1, mscratch, a1)
	TEST_CASE(18, a0, 5, csrr a0, mscratch)
	la t0, trap_m_save
	csrw mscratch, t0           /* the trap handler needs it back */

	/* read-only CSRs: reads are fine, writes (even of the same value) trap */
	TEST_CASE(19, a0, 0, csrr a0, mhartid)
	TEST_CASE(20, a0, 0, csrrs a0, mhartid, zero)
	TEST_CASE(21, a0, 0, csrrsi a0, mhartid, 0; csrrci a0, mhartid, 0)
	TEST_TRAP_NOTVAL(22, CAUSE_ILLEGAL, csrw mhartid, zero)
	TEST_TRAP_NOTVAL(23, CAUSE_ILLEGAL, li a1, 1; csrrs a0, mvendorid, a1)
	TEST_TRAP_NOTVAL(24, CAUSE_ILLEGAL, csrrci a0, marchid, 1)
	TEST_TRAP_NOTVAL(25, CAUSE_ILLEGAL, csrrwi a0, mimpid, 0)
	TEST_TRAP_NOTVAL(26, CAUSE_ILLEGAL, csrrw a0, cycle, zero)
	TEST_TRAP_NOTVAL(27, CAUSE_ILLEGAL, csrrsi x0, instret, 1)
	TEST_TRAP_NOTVAL(28, CAUSE_ILLEGAL, csrw time, zero)
	/* the value of rd is untouched by a trapping CSR instruction */
	TEST_CASE(29, a0, 77, li a0, 77; EXPECT_CAUSE(CAUSE_ILLEGAL); csrrw a0, mhartid, zero)
	CHECK_TRAPPED

	/* unimplemented CSRs */
	TEST_TRAP_NOTVAL(30, CAUSE_ILLEGAL, csrr a0, 0x800)   /* user custom */
	TEST_TRAP_NOTVAL(31, CAUSE_ILLEGAL, csrr a0, 0x5c0)   /* supervisor custom */
	TEST_TRAP_NOTVAL(34, CAUSE_ILLEGAL, csrw 0x7c0, zero) /* machine custom */
	/* QEMU's spike machine has the H extension; rvcp has not */
	ON_QEMU(s5)
	bnez s5, 1f
	TEST_TRAP_NOTVAL(32, CAUSE_ILLEGAL, csrr a0, 0x600)   /* hstatus: no H */
	TEST_TRAP_NOTVAL(33, CAUSE_ILLEGAL, csrr a0, 0x680)   /* hgatp */
	TEST_TRAP_NOTVAL(35, CAUSE_ILLEGAL, csrr a0, 0x200)   /* vsstatus */
1:

	/* misa: MXL = 2 (64-bit); I M A F D C S U present */
	csrr s0, misa
	TEST_CASE(36, a0, 2, srli a0, s0, 62)
	li t0, (1 << ('I' - 'A')) | (1 << ('M' - 'A')) | (1 << ('A' - 'A')) | (1 << ('F' - 'A')) | (1 << ('D' - 'A')) | (1 << ('C' - 'A')) | (1 << ('S' - 'A')) | (1 << ('U' - 'A'))
	TEST_CASE(37, a0, 0, and a0, s0, t0; xor a0, a0, t0)
	/* no E, and (not on QEMU) no H */
	slli t0, s5, 'H' - 'A'
	xori t0, t0, 1 << ('H' - 'A')
	ori t0, t0, 1 << ('E' - 'A')
	TEST_CASE(38, a0, 0, and a0, s0, t0)

	/* mstatus: SXL = UXL = 2 and read-only */
	TEST_CASE(39, a0, 0xa, csrr a0, mstatus; srli a0, a0, 32; andi a0, a0, 0xf)
	TEST_CASE(40, a0, 0xa, li t0, 0xf00000000; csrc mstatus, t0; csrr a0, mstatus; srli a0, a0, 32; andi a0, a0, 0xf)
	/* sstatus shows the S fields of mstatus and not the M ones */
	TEST_CASE(41, a0, MSTATUS_SIE, csrs mstatus, MSTATUS_SIE | MSTATUS_MIE; csrr a0, sstatus; andi a0, a0, MSTATUS_SIE | MSTATUS_MIE)
	TEST_CASE(42, a0, 0, csrc sstatus, MSTATUS_SIE; csrr a0, mstatus; andi a0, a0, MSTATUS_SIE)
	csrc mstatus, MSTATUS_MIE
	TEST_CASE(43, a0, 0, li t0, MSTATUS_MPP; csrs sstatus, t0; csrr a0, mstatus; and a0, a0, t0)
	TEST_CASE(44, a0, MSTATUS_SUM, li t0, MSTATUS_SUM; csrs sstatus, t0; csrr a0, mstatus; and a0, a0, t0; csrc mstatus, t0)
	TEST_CASE(45, a0, 0, li t0, MSTATUS_TVM | MSTATUS_TSR | MSTATUS_TW | MSTATUS_MPRV; csrs mstatus, t0; csrr a0, sstatus; and a0, a0, t0; csrc mstatus, t0)
	/* sie/sip: with the S interrupts delegated, sie is mie's S bits */
	li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
	csrw mideleg, t0
	TEST_CASE(46, a0, MIP_SSIP | MIP_STIP | MIP_SEIP, li t0, -1; csrw sie, t0; csrr a0, mie)
	TEST_CASE(47, a0, MIP_SSIP | MIP_STIP | MIP_SEIP, csrr a0, sie)
	TEST_CASE(48, a0, MIP_SSIP, csrs sip, MIP_SSIP; csrr a0, mip; andi a0, a0, MIP_SSIP)
	TEST_CASE(49, a0, MIP_SSIP, csrr a0, sip)
	TEST_CASE(50, a0, 0, csrc sip, MIP_SSIP; csrr a0, mip; andi a0, a0, MIP_SSIP)
	csrw mie, zero
	csrw mideleg, zero
	/* the M bits never show through sie */
	TEST_CASE(51, a0, 0, li t0, MIP_MSIP | MIP_MTIP | MIP_MEIP; csrw mie, t0; csrr a0, sie)
	csrw mie, zero

	/* mepc / sepc: bit 0 is always zero (QEMU 7.2 keeps it: not checked there) */
	bnez s5, 1f
	TEST_CASE(52, a0, 0x80001234, li t0, 0x80001235; csrw mepc, t0; csrr a0, mepc)
	TEST_CASE(53, a0, 0x80005678, li t0, 0x80005679; csrw sepc, t0; csrr a0, sepc)
1:
	/* mtvec / stvec direct mode keep the base */
	TEST_CASE(54, a0, 0x80002000, csrr s1, mtvec; li t0, 0x80002000; csrw mtvec, t0; csrr a0, mtvec; csrw mtvec, s1)
	TEST_CASE(55, a0, 0x80003000, csrr s1, stvec; li t0, 0x80003000; csrw stvec, t0; csrr a0, stvec; csrw stvec, s1)
	/* mscratch / sscratch are plain storage */
	TEST_CASE(56, a0, 0x5a5a, csrr s1, sscratch; li t0, 0x5a5a; csrw sscratch, t0; csrr a0, sscratch; csrw sscratch, s1)
	/* medeleg: ecall from M (bit 11) cannot be delegated (hardwired to
	 * zero as the privileged spec recommends; QEMU 7.2 keeps it) */
	bnez s5, 1f
	TEST_CASE(57, a0, 0, li t0, 1 << 11; csrw medeleg, t0; csrr a0, medeleg; csrw medeleg, zero)
1:
	TEST_CASE(58, a0, 1 << 8, li t0, 1 << 8; csrw medeleg, t0; csrr a0, medeleg; csrw medeleg, zero)
TEST_END
