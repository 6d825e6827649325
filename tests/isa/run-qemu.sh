#!/usr/bin/env bash
# Run ISA test ELFs on QEMU's spike machine (HTIF), the reference the tests
# are validated against:  tests/isa/run-qemu.sh [build/tests/isa/X.elf ...]
# Exit status of QEMU is tohost >> 1, so 0 means pass.
set -u
[ $# -gt 0 ] || set -- build/tests/isa/*.elf
fail=0
for f in "$@"; do
	timeout 20 qemu-system-riscv64 -M spike -bios none -nographic -monitor none \
		-serial none -kernel "$f" >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "PASS $(basename "$f" .elf)"
	else
		echo "FAIL $(basename "$f" .elf) (test $rc)"
		fail=$((fail + 1))
	fi
done
[ $fail -eq 0 ]
