# bench/cpu: the CPU-bound bare-metal benchmark, build/bench/cpubench.elf.
# Included from the top Makefile (include bench/cpu/cpu.mk).  The expected
# checksum comes from running the same C source built for the host, so the
# ELF checks that the emulator computed every round right.
CPUBENCH_SRCS := bench/cpu/start.S bench/cpu/cpubench.c
CPUBENCH_CFLAGS := -O2 -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns

$(BUILD)/bench/cpubench-host: bench/cpu/cpubench.c bench/cpu/cpu.mk
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=gnu11 -Wall -Wextra -Werror -DCPUBENCH_HOST -o $@ $<

$(BUILD)/bench/cpubench-expect.h: $(BUILD)/bench/cpubench-host
	$< | sed -n 's/^cpubench checksum \([0-9a-f]*\)$$/#define CPUBENCH_EXPECT 0x\1ULL/p' >$@.tmp
	@grep -q CPUBENCH_EXPECT $@.tmp && mv $@.tmp $@

$(BUILD)/bench/cpubench.elf: $(CPUBENCH_SRCS) $(BUILD)/bench/cpubench-expect.h tests/isa/link.ld bench/cpu/cpu.mk
	$(RVCC) $(CPUBENCH_CFLAGS) $(ISAFLAGS) -include $(BUILD)/bench/cpubench-expect.h \
		-o $@ $(CPUBENCH_SRCS)

cpubench: $(BUILD)/bench/cpubench.elf
.PHONY: cpubench
