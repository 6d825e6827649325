#!/usr/bin/env bash
# The hart against QEMU on random integer and compressed instruction
# sequences: register dumps must be identical (tests/sh/cpu_diff.py).
command -v qemu-system-riscv64 >/dev/null || { echo "no qemu-system-riscv64"; exit 77; }
command -v riscv64-unknown-elf-gcc >/dev/null || { echo "no riscv64-unknown-elf-gcc"; exit 77; }
exec python3 "$SRC/tests/sh/cpu_diff.py" 1 30
