/* SPDX-License-Identifier: MIT */
#ifndef RVCP_MACHINE_H
#define RVCP_MACHINE_H
/*
 * A virtual machine: storage, the MMIO bus, one hart, the devices of the
 * board (machine/board.c, at the addresses of machine/layout.h), the SBI,
 * the device tree and the IPL loader.
 * Used by `rvcp boot` (console on stdio) and by the VM process that CP
 * starts for each user (vm/).  The machine opens no files itself: disks
 * arrive as descriptors, so a VM process needs no file system access.
 */
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cpu/cpu.h"
#include "cpu/bus.h"
#include "mem/mem.h"

#define MACHINE_MAX_DISKS VIRTIO_MAX_DISKS
#define MACHINE_MAX_CPUS  8 /* harts of one machine (PLIC contexts, the guest's NR_CPUS) */
#define VIRTIO_MAX_DISKS  8

struct machine_disk {
	uint16_t vdev; /* z/VM virtual device number, e.g. 0x200 */
	int fd;	       /* raw image, opened by the caller */
	uint64_t size; /* bytes */
	bool readonly; /* writes fail with an I/O error */
};

#define MACHINE_MAX_NICS 4 /* VIRTIO_NET_SLOTS */

/* A virtual NIC: virtio-net with CP's MAC address, coupled when fd >= 0. */
struct machine_nic {
	uint16_t vdev;
	uint8_t mac[6];
	int fd; /* the switch port's socket, non-blocking; the machine owns it */
};

struct machine_config {
	uint64_t mem_size;
	uint64_t mem_span; /* room reserved for segments up to this real address; 0: none */
	struct machine_disk disks[MACHINE_MAX_DISKS];
	int ndisks;
	struct machine_nic nics[MACHINE_MAX_NICS]; /* any order; slots go by vdev */
	int nnics;
	/* Guest console output (UART and SBI putchar). */
	void (*console_out)(void *opaque, const uint8_t *buf, size_t len);
	void *console_opaque;
	/* The CPU engine: 1 + enum hart_engine (cpu/cpu.h); 0: hart_engine_default(). */
	int cpu;
	/* Harts, 1 .. MACHINE_MAX_CPUS (0: one); each runs on its own thread (smp.c). */
	int ncpus;
};

enum machine_event {
	MACHINE_RUNNING,  /* slice done; call again */
	MACHINE_IDLE,	  /* guest waits: sleep until machine_deadline_ns() or input */
	MACHINE_TRACE,	  /* instruction trace hit, before executing m->hart->trace_pc */
	MACHINE_POWEROFF, /* guest powered off (SBI SRST or syscon) */
	MACHINE_RESET,	  /* guest asked for a reboot */
	MACHINE_STOPPED,  /* stopped on request (machine_stop) */
	/* The guest asked CP to run a command (machine/cpreq.h): the hart
	 * stopped right after the console store that completed the request;
	 * machine_cp_request() has the text.  Call machine_run() to go on. */
	MACHINE_CP_REQUEST,
};

struct machine;

struct machine *machine_create(const struct machine_config *cfg);
void machine_destroy(struct machine *m);
/* SYSTEM RESET: hart reset, devices reset; storage kept unless clear. */
void machine_reset(struct machine *m, bool clear);

/* `rvcp boot`: kernel (and initrd) from memory buffers, started through the stub. */
int machine_load_kernel(struct machine *m, const void *kernel, size_t klen, const void *initrd,
			size_t ilen, const char *cmdline);
/* `rvcp boot --bios`: firmware at 0x8000_0000 in M-mode, kernel at 0x8020_0000. */
int machine_load_bios(struct machine *m, const void *fw, size_t fwlen, const void *kernel,
		      size_t klen, const void *initrd, size_t ilen, const char *cmdline);
/* IPL vdev [PARM text]: read the zipl record from disk index i, lay out storage. */
int machine_ipl_disk(struct machine *m, int disk, const char *parm, char *err, size_t errlen);
/* Rewrite the device tree at IPL_FDT_REAL for this machine's storage and disks
 * with bootargs = base + " " + parm (IPL of a saved system). */
int machine_write_fdt(struct machine *m, const char *bootargs);
/*
 * The initrd the next machine_write_fdt() names (guest physical [start,
 * end); start == end: none).  -EINVAL, and no initrd, unless it lies in
 * storage.
 */
int machine_set_initrd(struct machine *m, uint64_t start, uint64_t end);
/* The device tree the last load wrote (host pointer into storage), or NULL. */
const void *machine_fdt(struct machine *m);

/* Run for up to max_insns guest instructions. */
enum machine_event machine_run(struct machine *m, uint64_t max_insns);
/* Host CLOCK_MONOTONIC ns of the next timer event, UINT64_MAX if none. */
uint64_t machine_deadline_ns(struct machine *m);
/* Host input for the console: returns how many bytes it took (the rest: try later). */
size_t machine_console_input(struct machine *m, const uint8_t *buf, size_t len);
void machine_stop(struct machine *m);
/*
 * Sleeps until the guest's next timer deadline or until one of fds is ready
 * (fds may be NULL when nfds is 0; at most 8) or a device's descriptor (a
 * NIC's socket) is; returns ppoll()'s result.  The loop of an
 * idle guest: machine_run() == MACHINE_IDLE, then machine_wait().  Before
 * a sleep of MACHINE_IDLE_RELEASE_NS or more the hart's translation cache
 * goes back to the host (it refills when the guest is busy again).
 */
#define MACHINE_IDLE_RELEASE_NS 1000000000ULL
int machine_wait(struct machine *m, struct pollfd *fds, int nfds);
/*
 * Couples the NIC vdev with fd (a switch port's socket, non-blocking; the
 * machine takes it) or uncouples it (fd -1): the guest sees its link go up
 * or down.  -ENODEV: no such NIC.
 */
int machine_nic_link(struct machine *m, uint16_t vdev, int fd);
/* Virtual I/O done so far: disk requests completed and frames in and out (INDICATE USER). */
uint64_t machine_io_count(struct machine *m);
/* The failure code of a sifive_test FAIL poweroff (0x3333 | code << 16), else 0. */
uint32_t machine_exit_code(struct machine *m);
/*
 * Shared segments (DCSS): pages above storage, each one persistent-memory
 * region for the guest (a "pmem-region" device-tree node: Linux's of_pmem,
 * /dev/pmem0, 1, ... in this order).  Mapped from fd at off: shared and
 * read-only to the guest (its stores fault, device DMA into it fails), or
 * shared writable (an exclusive copy being built).  The fds stay the
 * caller's.
 */
#define MACHINE_MAX_SEGMENTS 8
#define MACHINE_MAX_SEG_MAPS 64
struct machine_seg {
	uint64_t real, len; /* bytes, page aligned, above storage, below mem_span */
	uint64_t off;	    /* in fd */
	int fd;		    /* -1: zero pages */
	uint8_t kind;	    /* enum mem_map_kind */
	uint8_t region;	    /* which segment (pmem region) this part belongs to */
};
/* Replaces the machine's segments (n may be 0): n parts, a segment's parts
 * consecutive and adjacent.  They stay across resets and IPLs and are in
 * every device tree written from now on.  On failure the machine has none. */
int machine_set_segments(struct machine *m, const struct machine_seg *s, int n, char *why,
			 size_t wl);

/* The SBI inside the emulator answers S-mode ECALLs (on by default, off with --bios). */
void machine_set_sbi(struct machine *m, bool on);

/*
 * The console is CP's line-mode terminal, which has no cursor: the guest's
 * cursor position queries (ESC [ 6 n) are answered at once and not shown
 * (machine/cpreq.h).  Off by default (`rvcp boot`: a real terminal answers).
 */
void machine_set_line_mode(struct machine *m, bool on);
/* The text of the last MACHINE_CP_REQUEST (valid until the next machine_run). */
const char *machine_cp_request(struct machine *m);

/*
 * Everything a running machine has besides its storage (machine/snapshot.c):
 * the hart (mtime continues from the saved value), CLINT, PLIC, UART with
 * its waiting input, RTC, each virtio-mmio device.  A versioned blob with a
 * checksum and one section per device (machine/snapshot.h); host byte
 * order.  Take it while the machine is stopped (between machine_run calls).
 *
 * machine_state_size: the bytes machine_save_state needs now.
 * machine_state_max: a bound for any machine (for a fixed slot in a file).
 * machine_save_state: writes the blob; returns its size or -ENOSPC.
 * machine_load_state: storage must already hold the saved pages (queue
 *   rings are checked against it).  len may be more than the blob (a slot
 *   of machine_state_max bytes): its header says its size.  Every field is
 *   checked; a blob that is
 *   damaged, of another version, or of a machine with other devices (disk
 *   vdevs or sizes, more storage than this one) is refused with
 *   -EINVAL and the reason in err, and the machine is left reset, never
 *   half loaded.  0 on success: machine_run() continues the saved guest.
 */
size_t machine_state_size(struct machine *m);
size_t machine_state_max(void);
ssize_t machine_save_state(struct machine *m, void *buf, size_t len);
int machine_load_state(struct machine *m, const void *buf, size_t len, char *err, size_t errlen);
/* The harts of the machine a valid blob was saved from, or -EINVAL. */
int machine_state_cpus(const void *buf, size_t len);
/* The host's wall clock (ns since the epoch) when a valid blob was saved; -EINVAL. */
int machine_state_saved_at(const void *buf, size_t len, int64_t *realtime_ns);

struct hart *machine_hart(struct machine *m);
/* The machine's harts: how many, and hart i (NULL past the last). */
int machine_ncpus(struct machine *m);
struct hart *machine_cpu(struct machine *m, int i);
/*
 * Parks every hart but the first until the next machine_run() or
 * machine_wait() (machine/smp.c): call it before using the machine
 * between those calls (the machine's own functions do).
 */
void machine_pause(struct machine *m);
/* Instruction trace on every hart (cpu.h hart_set_trace). */
void machine_set_trace(struct machine *m, uint64_t lo, uint64_t hi);
/* The hart that hit the trace of the last MACHINE_TRACE, and where. */
int machine_trace_hart(struct machine *m);
uint64_t machine_trace_pc(struct machine *m);
/* run-elf, firmware: every hart starts at pc in M-mode, a0 = hart id, a1 = arg. */
void machine_start_all(struct machine *m, uint64_t pc, uint64_t arg);

/*
 * The machine as an ELF core file into fd (an empty file; machine/coredump.c
 * says the layout): storage and the hart's registers, as gdb and crash
 * read a riscv64 Linux vmcore.  Take it between machine_run calls.
 */
struct machine_core_stats {
	uint64_t file_size;  /* bytes, holes included */
	uint64_t data_bytes; /* storage bytes written (the non-zero pages) */
	size_t segments;     /* kernel-half PT_LOADs from the page tables */
};
int machine_write_core(struct machine *m, int fd, struct machine_core_stats *st);
struct guest_mem *machine_mem(struct machine *m);

#endif
