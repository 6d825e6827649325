#!/bin/sh
# mkroot.sh BUSYBOX SKELETON OUTDIR
# Builds the guest's root tree in OUTDIR (then `mke2fs -d OUTDIR` makes the
# file system): busybox and a symlink for each of its applets where busybox
# itself would install it, the files of SKELETON (guest/rootfs: /etc), and the
# empty mount points the init mounts on (the root is mounted read-only).
set -eu
busybox=$1 skel=$2 out=$3
here=$(dirname "$0")
rm -rf "$out"
mkdir -p "$out"
cd "$out"
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp root mnt
chmod 1777 tmp
chmod 700 root
cd - >/dev/null
cp "$busybox" "$out/bin/busybox"
chmod 755 "$out/bin/busybox"
"$here/applets.py" "$busybox" >"$out.applets"
while read -r path; do
	ln -s /bin/busybox "$out$path"
done <"$out.applets"
test -L "$out/sbin/init" && test -L "$out/bin/sh"
rm -f "$out.applets"
cp -R "$skel/." "$out/"
chmod 755 "$out/etc/init.d/rcS" "$out/etc/udhcpc.script" "$out/sbin/netup"
# The root is read-only: the DHCP lease writes the resolver list in /tmp.
ln -s /tmp/resolv.conf "$out/etc/resolv.conf"
ln -s /proc/mounts "$out/etc/mtab"
