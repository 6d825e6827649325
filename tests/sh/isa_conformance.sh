#!/usr/bin/env bash
# run-elf and the HTIF tohost convention as standard bare-metal conformance
# programs use it: pass by storing 1 (as one 64-bit store, or as two 32-bit
# stores, low word first, as riscv-tests' environment does), fail by storing
# (n << 1) | 1 (exit status n, the value printed), tohost found by symbol
# wherever it is linked, entry point not at the start of the image, and a
# program that never reports stopped by --timeout with a failure status.
set -u
: "${RVCP:=build/rvcp}" "${TMPDIR:=/tmp}" "${SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
RVCC=${RVCC:-riscv64-unknown-elf-gcc}
command -v "$RVCC" >/dev/null || { echo "no $RVCC"; exit 77; }
dir=$(mktemp -d "$TMPDIR/conf.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fails=0

build() { # name, linker options; assembly text on stdin
	local name=$1
	shift
	cat >"$dir/$name.S"
	"$RVCC" -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static \
		-Wl,--no-warn-rwx-segments "$@" -o "$dir/$name.elf" "$dir/$name.S" ||
		{ echo "build of $name failed"; exit 1; }
}

check_run() { # name, expected exit status, [pattern the output must hold]
	local out rc
	out=$(timeout 60 "$RVCP" run-elf --timeout 5 "$dir/$1.elf" 2>&1)
	rc=$?
	if [ "$rc" -ne "$2" ]; then
		echo "FAIL $1: exit $rc, expected $2: $out"
		fails=$((fails + 1))
	elif [ -n "${3:-}" ] && ! grep -q -- "$3" <<<"$out"; then
		echo "FAIL $1: output lacks '$3': $out"
		fails=$((fails + 1))
	else
		echo "ok $1"
	fi
}

TOHOST='
	.section .tohost, "aw", @progbits
	.align 6
	.globl tohost
tohost:	.dword 0
	.size tohost, 8
	.align 6
	.globl fromhost
fromhost: .dword 0
	.size fromhost, 8'
LD="$SRC/tests/isa/link.ld"

# riscv-tests style: two 32-bit stores in a loop
build pass_sw -T "$LD" <<EOF
	.section .text.init, "ax", @progbits
	.globl _start
_start:	j 1f
	.align 2
1:	li a0, 1
	la t0, tohost
2:	sw a0, 0(t0)
	sw zero, 4(t0)
	j 2b
$TOHOST
EOF
check_run pass_sw 0

build fail_sw -T "$LD" <<EOF
	.section .text.init, "ax", @progbits
	.globl _start
_start:	li a0, (5 << 1) | 1
	la t0, tohost
1:	sw a0, 0(t0)
	sw zero, 4(t0)
	j 1b
$TOHOST
EOF
check_run fail_sw 5 "0xb"

# one 64-bit store; a larger test number
build fail_sd -T "$LD" <<EOF
	.section .text.init, "ax", @progbits
	.globl _start
_start:	li a0, (100 << 1) | 1
	la t0, tohost
	sd a0, 0(t0)
1:	j 1b
$TOHOST
EOF
check_run fail_sd 100 "100"

# tohost in .data after the code, entry in the middle of .text (rvcp
# starts at the ELF entry; QEMU spike would start at 0x8000_0000)
build moved -Wl,--no-relax -Wl,-Ttext=0x80001000 -Wl,-e,start2 <<EOF
	.text
	.globl _start
_start:	li a0, 3
	la t0, tohost
	sd a0, 0(t0)
1:	j 1b
	.globl start2
start2:	li a0, 1
	la t0, tohost
	sd a0, 0(t0)
1:	j 1b
	.data
	.skip 200
	.align 3
	.globl tohost
tohost:	.dword 0
	.size tohost, 8
	.globl fromhost
fromhost: .dword 0
EOF
check_run moved 0

# never reports: stopped by the time limit, not a pass
build spin -T "$LD" <<EOF
	.section .text.init, "ax", @progbits
	.globl _start
_start:	j _start
$TOHOST
EOF
out=$(timeout 60 "$RVCP" run-elf --timeout 1 "$dir/spin.elf" 2>&1)
rc=$?
if [ $rc -eq 0 ] || ! grep -qi "time" <<<"$out"; then
	echo "FAIL spin: exit $rc (want a failure status from --timeout): $out"
	fails=$((fails + 1))
else
	echo "ok spin ($rc)"
fi

[ $fails -eq 0 ]
