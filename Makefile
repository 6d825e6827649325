# rvcp — top-level build.  One folder per subsystem; every .c in a module
# folder is part of build/rvcp, so adding a file needs no Makefile edit.
#
#   make            build/rvcp
#   make check      ISA tests, unit tests, guest, all tests; then again under ASan+UBSan
#   make guest      the Linux guest (kernel, busybox root disk) from Debian packages
#   make debian     a Debian trixie server disk (systemd, Debian's kernel), guest/debian.mk
#   make stress     the long load and fault suites (tests/stress)
#   make bench      benchmarks -> build/bench/report.md, results.json, plots
#   make bench-10000  10,000 idle guests under one CP (figures into results.json)
#   make demo       the main job: guest, SAVELX, users sharing LXSHR, a report
#   make graph      the folder-level include graph, checked against the layers

BUILD    ?= build
CC       ?= gcc
OPT      ?= -O2
SAN      ?=
CFLAGS   ?= $(OPT) -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wno-missing-field-initializers
CPPFLAGS += -I. -D_GNU_SOURCE -MMD -MP
ALLFLAGS  = $(CFLAGS) $(WARN) $(SAN) -std=gnu11 -fno-strict-aliasing
# Libraries Debian ships as archives are linked in: every shared library
# costs each process its own relocated and data pages (about 8 KiB each).
# libslirp (and glib under it) has no archive, libcurl needs the shared
# libraries of its protocols (json-c and libcrypto go with it); libcrypt stays shared because
# the sanitizers intercept crypt() and find the real one only in a shared
# library; libc and libm stay shared.
STATIC_LIBS := -lseccomp -lfdt -lregina -lxxhash -ltelnet -lz
LDLIBS   += -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic -lcrypt -lslirp -lcurl -ljson-c -lcrypto -lm

MODULES  := util cpu mem dev virtio machine net vm cp spool rexx ssi cli
LIBSRCS  := $(foreach d,$(MODULES),$(wildcard $(d)/*.c))
LIBOBJS  := $(LIBSRCS:%.c=$(BUILD)/obj/%.o)
MAINOBJ  := $(BUILD)/obj/main.o

UNITSRCS := $(wildcard tests/unit/*.c)
UNITBINS := $(UNITSRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)

# Bare-metal ISA tests: one assembly program each, HTIF tohost convention.
RVCC     ?= riscv64-unknown-elf-gcc
ISASRCS  := $(wildcard tests/isa/*.S)
ISAELFS  := $(ISASRCS:tests/isa/%.S=$(BUILD)/tests/isa/%.elf)
ISAFLAGS := -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static \
	    -mcmodel=medany -T tests/isa/link.ld -Itests/isa -Wl,--no-warn-rwx-segments

.PHONY: all check check-plain check-asan check-lockstep tests guest debian bench demo clean format fuzz graph stress bench-10000
all: $(BUILD)/rvcp $(BUILD)/rvcp-vm

$(BUILD)/rvcp: $(MAINOBJ) $(BUILD)/librvcp.a
	$(CC) $(ALLFLAGS) -o $@ $^ $(LDLIBS)

# The VM programs alone (vmmain.c): what a VM process needs and nothing of
# CP's libraries; CP starts its VM starter from it (vm/starter.h).
VMLIBS := -Wl,--as-needed -Wl,-Bstatic -lseccomp -lfdt -lxxhash -Wl,-Bdynamic -lm
$(BUILD)/rvcp-vm: $(BUILD)/obj/vmmain.o $(BUILD)/librvcp.a
	$(CC) $(ALLFLAGS) -o $@ $^ $(VMLIBS)

$(BUILD)/librvcp.a: $(LIBOBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLFLAGS) -c -o $@ $<

# libslirp's header lives in its own folder (its pkg-config file wants
# glib's headers, which the header does not need).
$(BUILD)/obj/net/uplink.o: CPPFLAGS += -I/usr/include/slirp

# The interpreter is threaded code: keep one dispatch jump per handler (GCC
# would otherwise merge them into one, which the host predicts badly).
# (GCC's options: clang does not know them.)
ifeq ($(findstring clang,$(shell $(CC) --version 2>/dev/null)),)
$(BUILD)/obj/cpu/exec.o: ALLFLAGS += -fno-crossjumping --param max-goto-duplication-insns=64
endif

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/librvcp.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLFLAGS) -o $@ $< $(BUILD)/librvcp.a $(LDLIBS)

$(BUILD)/tests/isa/%.elf: tests/isa/%.S tests/isa/link.ld $(wildcard tests/isa/*.h)
	@mkdir -p $(dir $@)
	$(RVCC) $(ISAFLAGS) -o $@ $<

# NSS test guests (tests/nssprog): flat images IPLed from a zipl'ed disk.
NSSPROGS := $(patsubst tests/nssprog/%.c,$(BUILD)/tests/nssprog/%.bin,$(wildcard tests/nssprog/*.c))
NSSFLAGS := -march=rv64imac_zicsr -mabi=lp64 -mcmodel=medany -O2 -ffreestanding -nostdlib \
	    -nostartfiles -static -Wl,--no-warn-rwx-segments -T tests/nssprog/link.ld

$(BUILD)/tests/nssprog/%.bin: tests/nssprog/%.c tests/nssprog/start.S tests/nssprog/link.ld
	@mkdir -p $(dir $@)
	$(RVCC) $(NSSFLAGS) -o $(@:.bin=.elf) tests/nssprog/start.S $<
	riscv64-unknown-elf-objcopy -O binary $(@:.bin=.elf) $@

# Linux guest programs without a C library (tests/linuxprog), for the
# network tests: static riscv64 ELF executables made by the bare-metal compiler.
LPELFS   := $(patsubst tests/linuxprog/%.c,$(BUILD)/tests/linuxprog/%,$(wildcard tests/linuxprog/*.c))

$(BUILD)/tests/linuxprog/%: tests/linuxprog/%.c
	@mkdir -p $(dir $@)
	$(RVCC) -march=rv64gc -mabi=lp64d -O2 -static -nostdlib -nostartfiles -ffreestanding \
		-fno-builtin -Wl,--no-warn-rwx-segments -o $@ $<

# Bare-metal C guest programs for the machine's scripted tests (tests/sh/hostile_*.sh).
GPSRCS   := $(wildcard tests/guestprog/*.c)
GPELFS   := $(GPSRCS:tests/guestprog/%.c=$(BUILD)/tests/guestprog/%.elf)

$(BUILD)/tests/guestprog/%.elf: tests/guestprog/%.c tests/guestprog/crt0.S tests/isa/link.ld
	@mkdir -p $(dir $@)
	$(RVCC) $(ISAFLAGS) -O2 -ffreestanding -fno-builtin -o $@ tests/guestprog/crt0.S $<

tests: $(BUILD)/rvcp $(BUILD)/rvcp-vm $(UNITBINS) $(ISAELFS) $(GPELFS) $(NSSPROGS) $(LPELFS)

# The test command of the README.  Plain build first (the default CPU engine:
# the translator on x86-64), then the same suite under AddressSanitizer +
# UndefinedBehaviorSanitizer with the interpreter, so that both engines run
# everything; then the translator checked against the interpreter.
# The Debian guests are built too (CI builds them from nothing), but a
# failed Debian build (the archive out of reach, a stalled second stage)
# fails only their own tests, which then skip and say why; the lean guest
# must build.
check: guest
	$(MAKE) debian-kernel || echo "make check: the Debian kernel was not built; its tests skip" >&2
	$(MAKE) debian || echo "make check: the Debian image was not built; its tests skip" >&2
	$(MAKE) check-plain
	$(MAKE) check-asan
	$(MAKE) check-lockstep
	@tests/total.sh build/test-plain.log build/asan/test-asan.log \
	  build/test-lockstep.log build/test-lockstep-boot.log

check-plain: tests
	tests/run.sh --rvcp $(BUILD)/rvcp --build $(BUILD) --log $(BUILD)/test-plain.log

# The long suites (tests/stress): load, faults, many guests.  Not in make
# check, which runs a short version of each (tests/sh).
stress: tests guest debian-kernel
	tests/run.sh --rvcp $(BUILD)/rvcp --build $(BUILD) --log $(BUILD)/test-stress.log \
	  --suite tests/stress

# The translator checked against the interpreter after every block: the ISA
# programs (every block translated) and a Linux boot to the shell.
check-lockstep: tests
	tests/run.sh --rvcp $(BUILD)/rvcp --build $(BUILD) --log $(BUILD)/test-lockstep.log \
	  --cpu lockstep --filter isa/
	tests/run.sh --rvcp $(BUILD)/rvcp --build $(BUILD) --log $(BUILD)/test-lockstep-boot.log \
	  --cpu lockstep --filter boot_ipl

check-asan:
	$(MAKE) BUILD=build/asan OPT=-O1 SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  tests/run.sh --rvcp build/asan/rvcp --build build/asan --log build/asan/test-asan.log --sanitized \
	  --cpu interp

# libFuzzer binaries, one per target of tests/fuzz/targets.c (not part of
# make check, which runs the same targets a fixed number of times in
# tests/unit/fuzz_parsers).  Run e.g. build/fuzz/fuzz_spool -max_total_time=60.
# With FUZZ_S=seconds, each target then runs that long (tests/fuzz/run.sh:
# corpora in build/fuzz/corpus, crashes kept in build/fuzz/crashes, a line
# per target in build/fuzz/summary.txt).
FUZZTARGETS := directory defsys spool ipl elf snapshot proto mmio net hart lockstep tn3270
FUZZ_S ?=
fuzz:
	$(MAKE) BUILD=build/fuzz CC=clang OPT=-O1 \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
	  build/fuzz/librvcp.a
	for t in $(FUZZTARGETS); do \
	  clang $(CPPFLAGS) -O1 -g -std=gnu11 -fsanitize=fuzzer,address,undefined \
	    -DFUZZ_TARGET=fuzz_$$t -o build/fuzz/fuzz_$$t tests/fuzz/libfuzzer.c \
	    tests/fuzz/targets.c build/fuzz/librvcp.a $(LDLIBS) || exit 1; \
	done
	$(if $(FUZZ_S),tests/fuzz/run.sh $(FUZZ_S) $(FUZZTARGETS))

include guest/guest.mk
include guest/debian-kernel.mk
include guest/debian.mk

bench: $(BUILD)/rvcp $(BUILD)/rvcp-vm guest debian-kernel debian
	bench/run.sh

# 10,000 idle guests (and the figures at 1, 10, 100 and 1000 on the way):
# the CP group of the benchmarks, its figures merged into results.json.
bench-10000: $(BUILD)/rvcp $(BUILD)/rvcp-vm guest
	BENCH_GUESTS=1,10,100,1000,10000 bench/run.sh cp

demo: $(BUILD)/rvcp guest
	tools/demo.sh

# Which folder includes which folder's headers; fails on an edge against the
# layers or a cycle (tests/sh/include_graph.sh runs it in make check).
graph:
	@tools/include_graph.py .

format:
	clang-format -i $(shell git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)

include bench/cpu/cpu.mk
include bench/guest/guest.mk
bench: $(BUILD)/bench/cpubench.elf $(BUILD)/bench/guestbench.img
