#!/bin/sh
# mkimage.sh OUT.img APTDIR URI KEYRING
# The disk of the guest benchmark: Debian trixie's riscv64 7-Zip (built by
# Debian from its public source) and the libraries it runs on, unpacked
# into a tree (usr-merged: /lib is /usr/lib) that the guest chroots into,
# made an ext2 file system.  Packages come from a private apt configuration
# (only trixie, only riscv64, signatures checked against Debian's keyring).
set -eu
out=$1 apt=$2 uri=$3 keyring=$4
pkgs="7zip libc6 libstdc++6 libgcc-s1"
rm -rf "$apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/state" "$apt/dl"
: >"$apt/status"
echo "deb [arch=riscv64 signed-by=$keyring] $uri trixie main" >"$apt/sources.list"
aptget() {
	apt-get -q -o Dir::Etc::SourceList="$apt/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o Dir::Etc::Preferences=/dev/null \
		-o Dir::Etc::PreferencesParts=/dev/null -o Dir::State="$apt/state" \
		-o Dir::State::Lists="$apt/lists" -o Dir::State::status="$apt/status" \
		-o Dir::Cache="$apt/cache" -o APT::Architecture=riscv64 \
		-o APT::Architectures=riscv64 -o APT::Sandbox::User=root \
		-o Acquire::Retries=3 "$@"
}
aptget update
(cd "$apt/dl" && for p in $pkgs; do aptget download "$p:riscv64"; done)
root=$apt/root
mkdir -p "$root"
for deb in "$apt"/dl/*.deb; do
	dpkg-deb -x "$deb" "$root"
done
test -x "$root/usr/lib/7zip/7zr"
ln -s usr/lib "$root/lib"
mkdir -p "$root/proc" "$root/dev" "$root/tmp"
ls "$apt"/dl >"$out.packages"
rm -f "$out.tmp"
mke2fs -q -t ext2 -L rvcpbench -d "$root" "$out.tmp" 32M
mv "$out.tmp" "$out"
