#!/usr/bin/env bash
# rvcp nssplan on synthetic riscv64 kernels (and on the real vmlinux when
# the guest is built): the SR range is whole segments inside the text.
set -eu
command -v riscv64-unknown-elf-gcc >/dev/null || { echo "no riscv64-unknown-elf-gcc"; exit 77; }
T=${TMPDIR:-/tmp}/nssplan.$$
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

# kernel TEXTSIZE TOTALSIZE: _start, head page, .text up to TEXTSIZE, data, bss to TOTALSIZE
kernel() {
	cat >"$T/k.S" <<EOS
	.section .head.text, "ax"
	.globl _start
_start:	j _start
	.balign 4096
	.text
	.globl _stext
_stext:	.skip $1 - 4096
	.globl _etext
_etext:
	.data
	.balign 4096
	.quad 1
	.bss
	.skip $2 - $1 - 4096
	.globl _end
_end:
EOS
	cat >"$T/k.ld" <<EOS
SECTIONS {
	. = 0xffffffff80000000;
	.head.text : { *(.head.text) }
	.text : { *(.text) }
	.data : { *(.data) }
	.bss : { *(.bss) }
}
EOS
	riscv64-unknown-elf-gcc -nostdlib -static -T "$T/k.ld" -o "$T/$3" "$T/k.S"
}

fail() { echo "FAIL: $*"; exit 1; }

# The DESIGN's kernel: text 2 MiB..3.2 MiB, image to 5 MiB -> the seed's line.
kernel 0x133000 0x300000 seed
out=$("$RVCP" nssplan "$T/seed" 2>/dev/null)
[ "$out" = "DEFSYS LXSHR 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M" ] || fail "seed: $out"

# Text up to 4.5 MiB real: SR through page 3FF; a name and a MINSIZE.
kernel 0x280000 0x380000 big
out=$("$RVCP" nssplan --name BIG --minsize 128M "$T/big" 2>/dev/null)
[ "$out" = "DEFSYS BIG 0-FF EW 100-3FF SR 400-57F EW MINSIZE=128M" ] || fail "big: $out"

# Text shorter than a segment above 2 MiB still shares 1-2 MiB.
kernel 0x8000 0x20000 tiny
out=$("$RVCP" nssplan "$T/tiny" 2>/dev/null)
[ "$out" = "DEFSYS LXSHR 0-FF EW 100-1FF SR 200-21F EW MINSIZE=64M" ] || fail "tiny: $out"

# Without symbols, the text segment ends the text.
riscv64-unknown-elf-strip -o "$T/stripped" "$T/seed"
"$RVCP" nssplan "$T/stripped" >"$T/out" 2>&1 || true
grep -q "DEFSYS LXSHR 0-FF EW 100-" "$T/out" || grep -q "no _etext symbol" "$T/out" ||
	fail "stripped: $(cat "$T/out")"

# Malformed input: clear errors, exit status 1.
check_err() { # file, expected text
	if "$RVCP" nssplan "$1" >"$T/out" 2>&1; then fail "$1 accepted"; fi
	grep -q "$2" "$T/out" || fail "$1: $(cat "$T/out")"
}
echo "hello" >"$T/text"
check_err "$T/text" "not an ELF file"
head -c 100 "$T/seed" >"$T/trunc"
check_err "$T/trunc" "program headers outside the file"
cp "$(command -v true)" "$T/x86" 2>/dev/null && check_err "$T/x86" "not a RISC-V kernel"
: >"$T/empty"
check_err "$T/empty" "non-empty"
check_err "$T/missing" "No such file"

# The real kernel when the guest has been built.
for v in "$GUEST/vmlinux" "$GUEST/linux/vmlinux"; do
	[ -f "$v" ] || continue
	out=$("$RVCP" nssplan "$v")
	echo "$v: $out"
	echo "$out" | grep -Eq "^DEFSYS LXSHR 0-FF EW 100-[0-9A-F]+ SR" || fail "vmlinux: $out"
done
exit 0
