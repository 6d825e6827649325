/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_DISPLAY_H
#define RVCP_CP_DISPLAY_H
/*
 * DISPLAY and STORE (class G, cp/cmd_display.c, cp/cmd_store.c): the
 * registers of the virtual machine's hart and its storage, in z/VM's manner
 * for RISC-V.  The values come from the VM process (vmctl_inspect), taken
 * at an instruction boundary whether the guest runs or is stopped (a trace
 * trap, CP READ): the guest is not stopped for it.
 *
 *   DISPLAY G [reg[-reg]]   x0..x31 by number (5, x5) or ABI name (a0, sp,
 *                           fp); four to a line: "GPR  4 =  <x4> ... <x7>".
 *   DISPLAY F [reg[-reg]]   f0..f31 (5, f5, fa0): "FPR  0 = ...".
 *   DISPLAY PSW             rvcp's PSW: pc, privilege, mstatus, satp.
 *   DISPLAY CSR name|hex    any CSR of the hart's table (cpu/csr.h).
 *   DISPLAY [R|T]hexloc[-hexloc|-END|.hexlen]   guest real storage.
 *   DISPLAY Vhexloc[...]    through the hart's current satp (Bare: guest
 *                           physical addresses, so V80200000 is R200000);
 *                           the leaf's permissions are not checked, as z/VM's
 *                           DISPLAY ignores protection; a page that does not
 *                           translate gets "V... TO ... is not addressable".
 * Several operands on one line are done in order, as in z/VM (D G PSW
 * T1000.20); an invalid one ends the command there.  "G5" and "G 5" are
 * the same; a storage address that begins with a letter needs its R or T
 * (as z/VM's needs L or T), since G, F and V name other operands.
 *
 * Storage is shown as z/VM's T option shows it: whole lines of 16 bytes
 * from the X'10' boundary, four words with their bytes in address order
 * (what STORE writes), and the bytes as text — ASCII, the guest's code,
 * where z/VM shows EBCDIC.  At most 64 KiB per operand (HCPDSP1309E).
 *
 *   STORE G reg value ...   x registers from reg on (x0 stays zero)
 *   STORE F reg value ...   f registers
 *   STORE PSW addr          the pc (even: RVC)
 *   STORE [R|T|V]hexloc value ...   storage; each value of 1..8 hex digits
 *                           is a word, right-justified (z/VM's rule), of
 *                           9..16 digits a doubleword, stored as written
 *                           (big-endian, the order DISPLAY shows).
 * Stores into pages of a shared saved system are refused (HCPDSP1308E);
 * stores into code pages drop their translations, as a device's DMA does.
 *
 * The hart is the base CPU's; `CPU nn DISPLAY G` (or CPU ALL) means CPU
 * nn's (DEFINE CPU, cp/cmd_cpu.h: the base CPU is hart 0, the others
 * follow in address order).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cp/commands.h"
#include "cpu/cpu.h"
#include "vm/proto.h"

int cmd_display(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_store(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_cpu_prefix(struct cp_ctx *ctx, int argc, char **argv, char **rest);

/* Shared by DISPLAY, STORE and TRACE. */
int dsp_parse_reg(const char *s, size_t len, bool fp);
const char *dsp_reg_name(int reg);
bool dsp_parse_hex(const char *s, size_t len, uint64_t *out);
/* An INSPECT of the user's hart 0 (vmctl_inspect). */
int dsp_inspect(struct cp_ctx *ctx, uint32_t op, uint64_t addr, uint64_t len, uint64_t val,
		const void *data, struct proto_inspect_reply *r, void *out, size_t outmax);
int dsp_state(struct cp_ctx *ctx, struct hart_state *s);
/* The VM's rc as the user's message (0 stays 0). */
int dsp_fail(struct cp_ctx *ctx, int rc, const char *operand);

#endif
