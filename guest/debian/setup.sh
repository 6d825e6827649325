# Runs as /rvcp-setup.sh in the finished root (chroot in the build helper,
# after debootstrap's second stage; sh -eu).  Makes the root an rvcp guest
# and leaves nothing of the build behind.
echo debian >/etc/hostname
printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n::1\tlocalhost ip6-localhost ip6-loopback\n' >/etc/hosts
# The root password (rvcp), hashed on the build host: /rvcp-root.hash.
# (minbase has no usermod; a crypt hash holds only [a-zA-Z0-9./$].)
hash=$(cat /rvcp-root.hash)
sed -i "s|^root:[^:]*:|root:$hash:|" /etc/shadow
grep -q "^root:$hash:" /etc/shadow
cat >/etc/fstab <<'FSTAB'
# The root is not listed: the initramfs mounts /dev/vda1 read-only, as an
# overlay with a tmpfs on top when the parameter line has rvcp.root=overlay
# (/etc/initramfs-tools/scripts/init-bottom/rvcp-overlay).
tmpfs	/tmp	tmpfs	nosuid,nodev,mode=1777	0	0
FSTAB
mkdir -p /media/root-ro /media/root-rw
# A login prompt on the serial console (also what systemd's getty generator
# does for console=ttyS0, made explicit).
mkdir -p /etc/systemd/system/getty.target.wants
ln -sf /usr/lib/systemd/system/serial-getty@.service \
	/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service
# Many idle guests share one host: no periodic jobs waking them up.
for t in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer \
	dpkg-db-backup.timer; do
	systemctl mask "$t" >/dev/null 2>&1 || true
done
# Each IPL is a new machine: an empty machine-id is made anew at boot.
: >/etc/machine-id
rm -f /var/lib/dbus/machine-id
# The kernel's initrd was made by initramfs-tools when linux-image was
# configured; make sure it exists.
ls /boot/initrd.img-* >/dev/null
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/*.log /var/cache/debconf/*-old \
	/var/lib/dpkg/*-old
find /usr/share/doc -mindepth 1 ! -name copyright ! -type d -delete
find /usr/share/doc -mindepth 1 -type d -empty -delete
rm -rf /usr/share/man/* /usr/share/info/* /usr/share/lintian/* /usr/share/bug/*
find /usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
rm -f /etc/dpkg/dpkg.cfg.d/rvcp-build /rvcp-setup.sh /rvcp-root.hash
