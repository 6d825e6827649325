#!/usr/bin/env bash
# check-image.sh IMAGE VMLINUX  (bash: 64-bit addresses)
# The kernel is loaded at real 0x200000 and the saved system of DESIGN §2
# covers pages 0-4FF (5 MiB), with the kernel text in the SR range 100-2FF.
# Fail when the Image is 3 MiB or more; print where the text lands.
set -eu
image=$1 vmlinux=$2
load=$((0x200000))
size=$(stat -c %s "$image")
limit=$((3 * 1024 * 1024))
sym() { riscv64-linux-gnu-nm "$vmlinux" | awk -v s="$1" '$3 == s { print "0x" $1 }'; }
start=$(sym _start) stext=$(sym _stext) etext=$(sym _etext)
if [ -z "$start" ] || [ -z "$stext" ] || [ -z "$etext" ]; then
	echo "check-image: no _start/_stext/_etext in $vmlinux" >&2
	exit 1
fi
printf 'guest kernel: Image %d bytes; text at real 0x%x-0x%x\n' "$size" \
	$((load + stext - start)) $((load + etext - start))
if [ "$size" -ge "$limit" ]; then
	echo "check-image: $image is $size bytes, must stay under $limit" >&2
	exit 1
fi
