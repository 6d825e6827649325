#!/usr/bin/env bash
# rvcp nssplan on synthetic riscv64 kernels (and on the real vmlinux when
# the guest is built): the SR range is whole segments inside the text for
# a kernel that patches nothing; for one with patch tables (ftrace, static
# keys, alternatives, kprobes), whole segments no writer touches, as an ELF
# file or as an Image with its System.map.
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

# A kernel that patches itself, laid out as Linux lays out riscv64, in one
# section (so that the tables' relative entries are plain differences):
# offsets from _start, real = offset + 0x200000.  Each writer sits in a
# segment of its own; $1 is extra cpp flags (-DKPROBES, -DBLACKLIST, -DBADSITE).
distro() {
	cat >"$T/d.S" <<'EOS'
	.text
	.globl _start, _stext, _etext, __init_begin, __init_end, __start_rodata
	.globl __start_ro_after_init, __end_ro_after_init, _data, _end, linux_banner
	.globl __start_mcount_loc, __stop_mcount_loc, __alt_start, __alt_end
	.globl __start___jump_table, __stop___jump_table
_start:	.word 0x0000006f	/* j . ; the RISC-V Image header */
	.word 0
	.quad 0x200000, _end - _start, 0
	.word 2, 0
	.quad 0
	.ascii "RISCV\0\0\0"
	.ascii "RSC\x05"
	.word 0
	.org 0x1000
_stext:	.org 0x80000
ftrace:	nop; nop		/* real 0x280000: segment 2 */
	.org 0x180000
jump:	nop			/* segment 3 */
	.org 0x280000
alt:	nop			/* segment 4 */
	.org 0x300000
#ifdef BLACKLIST
	.globl __kprobes_text_start, __kprobes_text_end
__kprobes_text_start:		/* segment 5: no kprobes */
#endif
	.org 0x380000
altv:	nop			/* segment 5: another vendor's erratum */
	.org 0x400000
#ifdef BLACKLIST
__kprobes_text_end:
#endif
_etext:
__init_begin:			/* segment 6 */
__start_mcount_loc:
#ifdef BADSITE
	.quad 0x1000
#endif
	.quad ftrace
__stop_mcount_loc:
__alt_start:
	.word alt - ., 0
	.half 0, 4
	.word 5
	.word altv - ., 0
	.half 0x489, 4
	.word 0
__alt_end:
	.org 0x500000
__init_end:
__start_rodata:			/* segment 7 */
linux_banner: .asciz "Linux version rvcp-test"
	.org 0x600000
__start_ro_after_init:		/* segment 8 */
__start___jump_table:
	.word jump - ., 0
	.quad 0
__stop___jump_table:
__end_ro_after_init:
	.org 0x800000
_data:	.quad 1			/* segment 10 */
	.org 0x900000
_end:
#ifdef KPROBES
	.globl register_kprobe
register_kprobe:
#endif
EOS
	printf 'SECTIONS { . = 0xffffffff80000000; .text : { *(.text) } }\n' >"$T/d.ld"
	riscv64-unknown-elf-gcc $1 -nostdlib -static -T "$T/d.ld" -o "$T/d.elf" "$T/d.S"
	riscv64-unknown-elf-nm -n "$T/d.elf" >"$T/d.map"
	riscv64-unknown-elf-objcopy -O binary "$T/d.elf" "$T/d.img"
}
plan() { "$RVCP" nssplan "$@" 2>"$T/err" || fail "nssplan $*: $(cat "$T/err")"; }
distro ""
want="DEFSYS LXSHR 0-FF EW 100-1FF SR 200-4FF EW 500-5FF SR 600-6FF EW 700-7FF SR 800-8FF EW 900-9FF SR A00-AFF EW MINSIZE=64M"
out=$(plan "$T/d.elf")
[ "$out" = "$want" ] || fail "patch tables: $out"
grep -q "ftrace call sites (__mcount_loc) *1 pages (1 sites)" "$T/err" || fail "report: $(cat "$T/err")"
grep -q "1 alternatives for other vendors" "$T/err" || fail "report: $(cat "$T/err")"
# The same kernel as an Image and its System.map.
out=$(plan --map "$T/d.map" "$T/d.img")
[ "$out" = "$want" ] || fail "Image + map: $out"
# An initrd goes on the next 2 MiB boundary above _end; the gap before it is free storage.
head -c 1048577 /dev/zero >"$T/initrd"
out=$(plan --map "$T/d.map" --initrd "$T/initrd" "$T/d.img")
[ "$out" = "${want% A00-AFF EW*} A00-D00 EW MINSIZE=64M" ] || fail "initrd: $out"
# kprobes may probe all of .text; not its blacklisted sections.
distro -DKPROBES
out=$(plan "$T/d.elf")
[ "$out" = "DEFSYS LXSHR 0-FF EW 100-1FF SR 200-6FF EW 700-7FF SR 800-8FF EW 900-9FF SR A00-AFF EW MINSIZE=64M" ] ||
	fail "kprobes: $out"
distro "-DKPROBES -DBLACKLIST"
out=$(plan "$T/d.elf")
[ "$out" = "$want" ] || fail "kprobes blacklist: $out"
# A table that points outside the kernel, a map of another build, no map.
distro -DBADSITE
check_err "$T/d.elf" "entry at 0x[0-9a-f]* of __start_mcount_loc does not point into the kernel"
sed 's/^ffffffff80900000 \(. _end\)$/ffffffff80a00000 \1/' "$T/d.map" >"$T/other.map"
if "$RVCP" nssplan --map "$T/other.map" "$T/d.img" >"$T/out" 2>&1; then fail "other map accepted"; fi
grep -q "does not belong to this Image" "$T/out" || fail "other map: $(cat "$T/out")"
check_err "$T/d.img" "give its System.map"

# The real kernel when the guest has been built.
for v in "$GUEST/vmlinux" "$GUEST/linux/vmlinux"; do
	[ -f "$v" ] || continue
	out=$("$RVCP" nssplan "$v")
	echo "$v: $out"
	echo "$out" | grep -Eq "^DEFSYS LXSHR 0-FF EW 100-[0-9A-F]+ SR" || fail "vmlinux: $out"
done
exit 0
