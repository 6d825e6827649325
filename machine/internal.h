/* SPDX-License-Identifier: MIT */
#ifndef RVCP_MACHINE_INTERNAL_H
#define RVCP_MACHINE_INTERNAL_H
/* struct machine, shared by the files of the machine module only. */
#include "cpu/bus.h"
#include "cpu/cpu.h"
#include "dev/device.h"
#include "dev/plic.h"
#include "dev/uart.h"
#include "machine/board.h"
#include "machine/cpreq.h"
#include "machine/layout.h"
#include "machine/machine.h"
#include "mem/mem.h"

#define MACHINE_OUTBUF 4096
#define MACHINE_WAIT_FDS                                                                           \
	(9 + BOARD_MAX_DEVICES) /* machine_wait: the caller's, devices', hart 0's */

/* One device instance: its board row, which instance of it, its state. */
struct machine_dev {
	const struct board_row *row;
	int index;
	void *state; /* row->ops->size bytes, owned by the machine */
};

/* SBI HSM states (SBI 1.0), and one of smp.c's own while a start is set up. */
enum {
	SMP_HSM_STARTED = 0,
	SMP_HSM_STOPPED = 1,
	SMP_HSM_START_PENDING = 2,
	SMP_HSM_CLAIMED = 100,
};

struct smp;

struct machine {
	struct machine_config cfg;
	struct guest_mem mem;
	struct bus bus;
	struct hart *hart; /* harts[0], the one on the caller's thread */
	struct hart *harts[MACHINE_MAX_CPUS];
	int nharts;
	struct smp *smp;			   /* machine/smp.c */
	int trace_hart;				   /* which hart hit the trace (MACHINE_TRACE) */
	struct machine_dev dev[BOARD_MAX_DEVICES]; /* the board's devices, in table order */
	int ndev;
	struct dev_host host;	     /* what the devices may ask of the machine */
	struct plic *plic;	     /* in dev[]: the interrupt controller */
	struct uart *uart;	     /* in dev[]: the console */
	int slot[MACHINE_MAX_DISKS]; /* cfg.disks[i] is virtio slot slot[i] */
	bool sbi;		     /* the emulator's SBI answers S-mode ECALL */
	bool bios;		     /* booted through firmware: DT high, no IPL reservation */
	enum machine_event event;    /* POWEROFF/RESET requested by the guest, to report */
	bool stop_req;		     /* machine_stop() */
	uint32_t exit_code;
	uint64_t fdt_real;		   /* where the device tree lives */
	uint64_t initrd_start, initrd_end; /* guest physical, for the device tree */
	uint8_t out[MACHINE_OUTBUF];	   /* console output not yet handed out */
	size_t nout;
	struct cpreq cpreq; /* guest -> CP requests in the console output */
	bool line_mode;	    /* machine_set_line_mode() */
	struct dsr dsr;	    /* cursor position queries, in line mode */
	struct machine_seg segs[MACHINE_MAX_SEGMENTS]; /* one per region: its whole range */
	int nsegs;
};

/* machine.c */
/* The state of instance index of the device ops, NULL if the machine has none. */
void *machine_device(struct machine *m, const struct dev_ops *ops, int index);
void machine_putc(struct machine *m, uint8_t c);
void machine_flush_output(struct machine *m);
void machine_request(struct machine *m, enum machine_event ev);

/* sbi.c: the hart's ECALL hook. */
bool sbi_ecall(void *opaque, struct hart *h);

/* smp.c: the harts after the first, each on its own thread (decisions there). */
int smp_init(struct machine *m);
void smp_exit(struct machine *m);
void smp_resume(struct machine *m);
void smp_hold_all(struct machine *m);
enum hart_exit smp_run_hart(struct machine *m, struct hart *h, uint64_t n);
int smp_hsm(struct machine *m, int id);
void smp_set_hsm(struct machine *m, int id, int hsm);
/* -EINVAL: no such hart; -EALREADY: it is not stopped. */
int smp_hart_start(struct machine *m, uint64_t id, uint64_t pc, uint64_t arg, bool mmode);
void smp_hart_stop(struct machine *m, struct hart *h);
bool smp_hart0_runs(struct machine *m);
int smp_hart0_sleep_begin(struct machine *m);
bool smp_hart0_wake_now(struct machine *m);
void smp_hart0_sleep_end(struct machine *m);
void smp_output_kick(struct machine *m);
/* The devices' lock (recursive; none with one hart). */
void machine_lock(struct machine *m);
void machine_unlock(struct machine *m);

#endif
