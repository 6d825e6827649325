#!/bin/sh
# qemu-boot.sh [GUESTDIR] [-- extra qemu args]
# Boots the guest kernel and root disk on qemu-system-riscv64 (virt board,
# Debian's OpenSBI), console on stdin/stdout.  The reference the benchmarks
# compare rvcp with, and a check of `make guest` that needs no rvcp.
# The disk is opened with snapshot=on: the image is never written.
# Quit: type `poweroff` at the shell, or Ctrl-A x.
set -eu
dir=${1:-$(dirname "$0")/../build/guest}
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
append=${GUEST_APPEND:-"root=/dev/vda1 ro console=ttyS0 earlycon=sbi"}
exec qemu-system-riscv64 -M virt -nographic -m 64M -smp 1 \
	-bios /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin \
	-kernel "$dir/Image" -append "$append" \
	-drive file="$dir/linux.img",format=raw,if=none,id=d0,snapshot=on \
	-device virtio-blk-device,drive=d0 "$@"
