/* SPDX-License-Identifier: MIT */
#ifndef RVCP_TESTS_FUZZ_TARGETS_H
#define RVCP_TESTS_FUZZ_TARGETS_H
/*
 * Fuzz targets (tests/fuzz/targets.c): one per parser of untrusted input.
 * Each returns 0 and aborts only when it finds the code under test broke a
 * promise (the sanitizers catch the rest).  Checksummed formats get their
 * checksum fixed after mutation, so the fuzzing reaches past it.
 *
 * tests/unit/fuzz_parsers runs each a fixed number of times from a valid
 * seed in make check; `make fuzz` builds libFuzzer binaries
 * build/fuzz/fuzz_NAME (seeds: `build/tests/unit/fuzz_parsers --seeds DIR`
 * writes DIR/NAME/seed); `make fuzz FUZZ_S=seconds` then runs each that
 * long (tests/fuzz/run.sh, a summary in build/fuzz/summary.txt).  An input
 * that once broke something is kept in tests/fuzz/regress/NAME/ and run
 * again by every timed run.  The terminal path is fuzzed end to end by
 * tests/sh/cp_garbage.sh, CP's side of the VM protocol by
 * tests/unit/cp_hostile_vm (the real CP and subverted VM processes).
 */
#include <stddef.h>
#include <stdint.h>

int fuzz_directory(const uint8_t *data, size_t size); /* cp/directory.c */
int fuzz_defsys(const uint8_t *data, size_t size);    /* spool/defsys.c */
int fuzz_spool(const uint8_t *data, size_t size);     /* spool/spool.c */
int fuzz_ipl(const uint8_t *data, size_t size);	      /* machine/ipl.c, load.c */
int fuzz_elf(const uint8_t *data, size_t size);	      /* util/elf.c */
int fuzz_snapshot(const uint8_t *data, size_t size);  /* machine/snapshot.c */
int fuzz_proto(const uint8_t *data, size_t size);     /* vm/proto.c, rexx/exec.c */
int fuzz_mmio(const uint8_t *data, size_t size);      /* dev/, virtio/ */
int fuzz_hart(const uint8_t *data, size_t size);      /* cpu/: any saved hart state */
int fuzz_net(const uint8_t *data, size_t size);	      /* virtio/net.c: rings, frames, links */
int fuzz_lockstep(const uint8_t *data, size_t size);  /* cpu/jit*.c against cpu/exec.c */
int fuzz_tn3270(const uint8_t *data, size_t size);    /* cp/tn3270.c: a client's telnet stream */
#define FUZZ_MMIO_OP 11				      /* bytes of one operation of fuzz_mmio */
/* A valid state blob (flag byte first) for fuzz_snapshot; its length. */
size_t fuzz_snapshot_seed(uint8_t *buf, size_t len);
/* The machine of fuzz_net (its storage shows what the last input did). */
struct machine *fuzz_net_machine(void);
/* What the last fuzz_tn3270 input did: 1 = 3270 mode, 2 = dropped; lines typed. */
int fuzz_tn3270_result(char *last_line, size_t size);
/* Frees the machine the IPL and snapshot targets share. */
void fuzz_cleanup(void);

#endif
