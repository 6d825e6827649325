/* SPDX-License-Identifier: MIT */
#ifndef RVCP_HART_H
#define RVCP_HART_H
/* struct hart: owned by the CPU module; other modules use only the fields marked public. */
#include "cpu/cpu.h"

struct hart {
	struct hart_state s; /* public: registers for the SBI, state for SAVESYS */
	struct guest_mem *mem;
	struct bus *bus;
	hart_ecall_fn ecall; /* public: set by the machine */
	void *ecall_opaque;
	bool stop_req;     /* public: set to make hart_run return HART_EXIT_STOP */
	uint64_t trace_pc; /* public: pc of the trace hit */
	uint64_t trace_lo, trace_hi;
	int64_t time_offset; /* mtime = host_ticks + time_offset */
};

#endif
