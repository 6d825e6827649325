/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CPU_DISASM_H
#define RVCP_CPU_DISASM_H
/*
 * RV64GC to text, for CP's TRACE output: insn as fetched (a compressed one
 * in its low 16 bits), pc for branch and jump targets.  Mnemonics and ABI
 * register names as the GNU assembler writes them, with its common aliases
 * (li, mv, nop, j, ret); a compressed instruction is shown as the one it
 * expands to, prefixed "c.".  Bits that are no instruction give ".word" or
 * ".half" with their value.  Returns the instruction's length (2 or 4).
 */
#include <stddef.h>
#include <stdint.h>

int rv_disasm(uint32_t insn, uint64_t pc, char *buf, size_t size);

#endif
