#!/bin/sh
# The disk of `make guest`: MBR with partition 1 at 16 MiB, a clean ext2 in
# it equal to the one built (rvcp zipl wrote in front of it, not over it), an
# IPL record in sector 1, busybox and its init in the tree, everything root's.
# Also: guest/check-config.sh rejects a config that lost a requested option.
set -eu
[ "${SANITIZED:-0}" = 1 ] && { echo "runs no rvcp code"; exit 77; }
img=$GUEST/linux.img
[ -f "$img" ] && [ -f "$GUEST/rootfs.ext2" ] || { echo "no guest: make guest"; exit 77; }
fail() { echo "guest_disk: $*" >&2; exit 1; }

# check-config.sh: a kept option passes, a dropped or flipped one fails.
printf 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C="x"\n' >"$TMPDIR/frag"
printf 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C="x"\n' >"$TMPDIR/good"
printf '# CONFIG_A is not set\n# CONFIG_B is not set\nCONFIG_C="x"\n' >"$TMPDIR/lost"
printf 'CONFIG_A=y\nCONFIG_B=y\nCONFIG_C="x"\n' >"$TMPDIR/on"
"$SRC/guest/check-config.sh" "$TMPDIR/frag" "$TMPDIR/good" || fail "check-config rejects a good config"
! "$SRC/guest/check-config.sh" "$TMPDIR/frag" "$TMPDIR/lost" 2>/dev/null || fail "check-config missed a dropped option"
! "$SRC/guest/check-config.sh" "$TMPDIR/frag" "$TMPDIR/on" 2>/dev/null || fail "check-config missed an option turned on"

# Partition table.
sfdisk -d "$img" | grep -Eq 'start= *32768, size= *65536, type=83' || fail "partition 1 is not 16 MiB + 32 MiB"
[ "$(sfdisk -d "$img" | grep -c 'start=')" = 1 ] || fail "more than one partition"

# The file system is intact and clean after zipl.
dd if="$img" of="$TMPDIR/part" bs=1M skip=16 count=32 status=none
cmp -s "$TMPDIR/part" "$GUEST/rootfs.ext2" || fail "partition 1 differs from rootfs.ext2"
e2fsck -fn "$TMPDIR/part" >"$TMPDIR/fsck" 2>&1 || { cat "$TMPDIR/fsck"; fail "e2fsck"; }

# The IPL record: sector 1 written by rvcp zipl.
[ "$(dd if="$img" bs=512 skip=1 count=1 status=none | tr -d '\0' | wc -c)" -gt 0 ] ||
	fail "sector 1 is empty: no IPL record"

# The tree.
dbg() { debugfs -R "$1" "$TMPDIR/part" 2>/dev/null; }
dbg "stat /bin/busybox" | grep -q 'Type: regular' || fail "no /bin/busybox"
for l in /sbin/init /bin/sh /bin/mount /usr/bin/awk /sbin/poweroff /bin/cttyhack; do
	[ "$(dbg "stat $l" | sed -n 's/^Fast link dest: "\(.*\)"$/\1/p')" = /bin/busybox ] ||
		fail "$l is not a link to /bin/busybox"
done
dbg "stat /etc/init.d/rcS" | grep -q 'Mode:  0755' || fail "rcS not executable"
for d in /proc /sys /dev /tmp; do
	dbg "stat $d" | grep -q 'Type: directory' || fail "no mount point $d"
done
dbg "ls -l /etc" | awk '$1 ~ /^[0-9]+$/ && ($4 != 0 || $5 != 0) { bad = 1 } END { exit bad }' ||
	fail "files in /etc not owned by root"
grep -q '^::respawn:.*/bin/sh' "$SRC/guest/rootfs/etc/inittab" || fail "no shell in inittab"
echo "guest_disk: ok"
