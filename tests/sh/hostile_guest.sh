#!/usr/bin/env bash
# A hostile bare-metal guest (tests/guestprog/hostile.c) pokes every device
# window and the holes between them, jumps into garbage and hands virtio-blk
# malformed requests on a read-only disk.  It checks its traps and I/O
# errors itself; the host process must survive and report its verdict.
set -u
elf=$BUILD/tests/guestprog/hostile.elf
[ -f "$elf" ] || { echo "no $elf (make tests)"; exit 77; }
disk=$TMPDIR/hostile.img
printf 'RVCPDISK' >"$disk"
truncate -s 1M "$disk"
sum_before=$(md5sum <"$disk")
out=$("$RVCP" run-elf --timeout 120 --disk "$disk,ro" "$elf" 2>&1)
rc=$?
printf '%s\n' "$out" | tail -n 5
[ $rc -eq 0 ] || { echo "run-elf exited $rc"; exit 1; }
printf '%s' "$out" | grep -q 'hostile: all checks passed' || { echo "no verdict"; exit 1; }
[ "$(md5sum <"$disk")" = "$sum_before" ] || { echo "the read-only disk changed"; exit 1; }
