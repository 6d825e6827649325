/* SPDX-License-Identifier: MIT */
#ifndef RVCP_FPU_H
#define RVCP_FPU_H
/*
 * F and D arithmetic, exactly as the ISA manual specifies (rounding modes
 * including dynamic, fflags, NaN boxing, canonical NaN, fmin/fmax, fcvt
 * saturation, fclass).  The hart decodes loads and stores (FLW/FLD/FSW/FSD
 * and their compressed forms) and the fcsr/frm/fflags CSRs itself.
 */
#include <stdint.h>

struct hart_state;

/*
 * Executes one instruction of major opcode OP-FP (0x53), MADD (0x43),
 * MSUB (0x47), NMSUB (0x4b) or NMADD (0x4f): reads and writes s->f[],
 * s->x[] (never x0) and s->fcsr (fflags bits 0-4, frm bits 5-7).
 * Returns 0, or -1 for an illegal encoding (including a reserved rounding
 * mode, static or dynamic): the hart then raises illegal instruction.
 * The caller checks mstatus.FS != Off before, and sets FS = Dirty after.
 */
int fpu_execute(struct hart_state *s, uint32_t insn);

#endif
