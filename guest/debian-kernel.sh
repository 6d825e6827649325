#!/bin/sh
# debian-kernel.sh OUTDIR [URI KEYRING]
# Debian's stock trixie kernel for riscv64, from the archive only:
#   OUTDIR/linux-image.deb   the package linux-image-riscv64 depends on (kept:
#                            a second run downloads nothing)
#   OUTDIR/Image             its /boot/vmlinux-*: a plain RISC-V Image (EFI stub)
#   OUTDIR/config            its /boot/config-*
#   OUTDIR/System.map        the real map, from the -dbg package: the one in
#                            the image package is a one-line placeholder.  The
#                            -dbg package is 1 GB; only its map is kept.
# A private apt configuration (only trixie, only riscv64, its own lists and
# cache), signatures checked against Debian's keyring, as for busybox.
set -eu
out=$1
uri=${2:-http://deb.debian.org/debian}
keyring=${3:-/usr/share/keyrings/debian-archive-keyring.gpg}
apt=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")/apt
mkdir -p "$out"
opts="-q -o Dir::Etc::SourceList=$apt/sources.list -o Dir::Etc::SourceParts=/dev/null
 -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
 -o Dir::State=$apt/state -o Dir::State::Lists=$apt/lists -o Dir::State::status=$apt/status
 -o Dir::Cache=$apt/cache -o APT::Architecture=riscv64 -o APT::Architectures=riscv64
 -o APT::Sandbox::User=root -o Acquire::Retries=3"
setup_apt() {
	rm -rf "$apt"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/state" "$apt/dl"
	: >"$apt/status"
	echo "deb [arch=riscv64 signed-by=$keyring] $uri trixie main" >"$apt/sources.list"
	# shellcheck disable=SC2086
	apt-get $opts update
}
# The versioned package behind the meta-package, e.g. linux-image-6.12.117+deb13-riscv64.
kernel_package() {
	# shellcheck disable=SC2086
	apt-cache $opts depends linux-image-riscv64 |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-riscv64\)$/\1/p' | head -n 1
}
download() { # package -> file in $apt/dl
	rm -f "$apt/dl/"*.deb
	# shellcheck disable=SC2086
	(cd "$apt/dl" && apt-get $opts download "$1:riscv64") >&2
	ls "$apt/dl/"*.deb
}

if [ ! -f "$out/linux-image.deb" ] || [ ! -f "$out/System.map" ]; then
	setup_apt
	pkg=$(kernel_package)
	[ -n "$pkg" ] || { echo "debian-kernel.sh: linux-image-riscv64 has no kernel package" >&2; exit 1; }
	echo "$pkg" >"$out/package"
fi
pkg=$(cat "$out/package")
if [ ! -f "$out/linux-image.deb" ]; then
	deb=$(download "$pkg")
	mv "$deb" "$out/linux-image.deb.tmp"
	mv "$out/linux-image.deb.tmp" "$out/linux-image.deb"
fi
if [ ! -f "$out/System.map" ]; then
	deb=$(download "$pkg-dbg")
	# The map comes early in the archive: stop reading there (the rest is 9 GB).
	dpkg-deb --fsys-tarfile "$deb" 2>/dev/null |
		tar -xO --occurrence=1 "./usr/lib/debug/boot/System.map-${pkg#linux-image-}" \
		>"$out/System.map.tmp" || true
	rm -f "$deb"
	[ -s "$out/System.map.tmp" ] || { echo "debian-kernel.sh: no System.map in $pkg-dbg" >&2; exit 1; }
	mv "$out/System.map.tmp" "$out/System.map"
fi
rm -rf "$out/deb"
dpkg-deb --fsys-tarfile "$out/linux-image.deb" | tar -x -C "$out" --wildcards './boot/*' 2>/dev/null ||
	{ mkdir -p "$out/deb"; dpkg-deb -x "$out/linux-image.deb" "$out/deb"; mv "$out/deb/boot" "$out/boot"; }
cp "$out"/boot/config-* "$out/config"
cp "$out"/boot/vmlinu*-* "$out/Image.tmp"
rm -rf "$out/boot" "$out/deb"
# It must be a RISC-V Image ("RISCV\0\0\0" at 48): the loader takes nothing else.
[ "$(dd if="$out/Image.tmp" bs=1 skip=48 count=5 2>/dev/null)" = RISCV ] ||
	{ echo "debian-kernel.sh: $pkg's kernel is not a plain RISC-V Image" >&2; exit 1; }
mv "$out/Image.tmp" "$out/Image"
