# guest/debian.mk — `make debian`: a Debian trixie riscv64 system, from
# Debian's packages only.  Included by the top Makefile, after guest/guest.mk
# (it uses trixie's busybox from there).  Everything goes to
# $(BUILD)/guest/debian, the disk to $(BUILD)/guest/debian.img; every step is
# a real make target with real inputs, so a second `make debian` does nothing.
#
#   debian/debs.tgz     every .deb of the system (debootstrap --make-tarball):
#                       the only download; later runs are offline
#   debian/kernel/      Debian's linux-image, unpacked on the host
#   debian/vmlinux      its kernel (a flat RISC-V Image with a PE header)
#   debian/helper.cpio  busybox initramfs that runs the second stage
#   debian/root.ext4    the root: first stage on the host, second stage and
#                       setup inside an rvcp machine booting Debian's kernel
#   debian/initrd.img   initramfs-tools' initrd, taken out of root.ext4
#   debian.img          MBR disk: IPL record (kernel, initrd, parameter line)
#                       in front, root.ext4 as partition 1
#
# See guest/README.md, "The Debian guest".

DEB_OUT    := $(GUEST_OUT)/debian
DEB_ABS    := $(abspath $(DEB_OUT))
DEB_SUITE  := trixie
DEB_PKGS   := $(shell sed -e 's/\#.*//' guest/debian/packages | xargs | tr ' ' ,)
DEB_STRAP   = debootstrap --arch=riscv64 --variant=minbase --include=$(DEB_PKGS) \
	      --keyring=$(GUEST_KEYRING)
# The file system is made roomy for the build (sparse: it costs what is
# written), then shrunk to its content plus DEB_SLACK_MB.
DEB_BUILD_MB := 1536
DEB_SLACK_MB := 16
DEB_MEMORY   := 1G
DEB_PARM   ?= root=/dev/vda1 ro rvcp.root=overlay fsck.mode=skip console=ttyS0
DEB_UUID   := 5276637a-0000-4000-8000-64656269616e
# The helper's modules, in load order (modprobe --show-depends on the host).
DEB_HELPER_MODS := virtio_mmio virtio_blk ext4
DEB_ROOTFILES := $(shell find guest/debian/rootfs -type f 2>/dev/null)

# The second stage runs in an rvcp guest; a guest that hangs must not hang
# the build (CI runs it), so it has this many seconds.
DEB_STAGE2_S ?= 3000
.PHONY: debian debian-clean
# debootstrap makes device nodes and root-owned files: it needs root.  Run
# as another user, the first stage and its chown go through sudo when sudo
# needs no password; without either the image is not built (a warning), and
# the tests that need it skip.
DEB_SUDO := $(shell if [ "$$(id -u)" = 0 ]; then echo; \
	elif sudo -n true 2>/dev/null; then echo sudo; else echo none; fi)
ifeq ($(DEB_SUDO),none)
debian:
	@echo "make debian: needs root or password-less sudo; the Debian image is not built" >&2
else
debian: $(GUEST_OUT)/debian.img
endif

# --- download: the only step that needs the network ----------------------------

$(DEB_OUT)/debs.tgz: guest/debian/packages
	$(DEB_SUDO) rm -rf $(DEB_OUT)/dl $@.tmp
	mkdir -p $(DEB_OUT)
	$(DEB_SUDO) $(DEB_STRAP) --make-tarball=$(DEB_ABS)/debs.tgz.tmp $(DEB_SUITE) $(DEB_ABS)/dl \
		$(GUEST_DEBIAN_URI) >$(DEB_OUT)/download.log 2>&1 || \
		{ tail -n 20 $(DEB_OUT)/download.log; exit 1; }
	$(DEB_SUDO) rm -rf $(DEB_OUT)/dl
	$(DEB_SUDO) chown $$(id -u):$$(id -g) $@.tmp
	mv $@.tmp $@

# --- Debian's kernel and the build helper's initramfs -------------------------

$(DEB_OUT)/kernel/.unpacked: $(DEB_OUT)/debs.tgz
	rm -rf $(DEB_OUT)/kernel $(DEB_OUT)/kdeb
	mkdir -p $(DEB_OUT)/kernel $(DEB_OUT)/kdeb
	tar -C $(DEB_OUT)/kdeb -xzf $< --wildcards 'var/cache/apt/archives/linux-image-[0-9]*.deb'
	dpkg-deb -x $(DEB_OUT)/kdeb/var/cache/apt/archives/linux-image-[0-9]*.deb $(DEB_OUT)/kernel
	rm -rf $(DEB_OUT)/kdeb
	# The host's kmod looks in lib/modules; Debian's package has usr/lib.
	ln -s usr/lib $(DEB_OUT)/kernel/lib
	v=$$(ls $(DEB_OUT)/kernel/usr/lib/modules); depmod -b $(DEB_OUT)/kernel $$v
	touch $@

$(DEB_OUT)/vmlinux: $(DEB_OUT)/kernel/.unpacked
	cp $(DEB_OUT)/kernel/boot/vmlinux-* $@.tmp
	mv $@.tmp $@

$(DEB_OUT)/helper.cpio: $(DEB_OUT)/kernel/.unpacked $(GUEST_OUT)/busybox guest/debian/stage2-init guest/debian.mk
	rm -rf $(DEB_OUT)/helper
	mkdir -p $(DEB_OUT)/helper/bin $(DEB_OUT)/helper/lib/modules
	cp $(GUEST_OUT)/busybox $(DEB_OUT)/helper/bin/busybox
	cp guest/debian/stage2-init $(DEB_OUT)/helper/init
	v=$$(ls $(DEB_OUT)/kernel/usr/lib/modules); \
	for m in $(DEB_HELPER_MODS); do \
		modprobe -d $(DEB_OUT)/kernel -S $$v --show-depends $$m; \
	done | awk '$$1 == "insmod" && !seen[$$2]++ { print $$2 }' >$(DEB_OUT)/helper.mods
	test -s $(DEB_OUT)/helper.mods
	while read -r f; do \
		b=$$(basename "$$f" .xz); xz -dc "$$f" >$(DEB_OUT)/helper/lib/modules/$$b; \
		echo "$$b"; \
	done <$(DEB_OUT)/helper.mods >$(DEB_OUT)/helper/modules
	cd $(DEB_OUT)/helper && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet >$(DEB_ABS)/helper.cpio.tmp
	mv $@.tmp $@

# --- the root: first stage here, second stage in an rvcp machine --------------

# The first stage unpacks the essential packages for riscv64 (no riscv64 code
# runs); guest/debian/rootfs adds the configuration that must be there before
# dpkg runs (no manuals, initramfs-tools' settings and the overlay script);
# then the tree becomes an ext4 file system, which Debian's kernel, booted by
# rvcp with helper.cpio, finishes (guest/debian/stage2-init, setup.sh).  rvcp
# is order-only: a new rvcp does not make a new Debian.
$(DEB_OUT)/root.ext4: $(DEB_OUT)/debs.tgz $(DEB_OUT)/vmlinux $(DEB_OUT)/helper.cpio \
		guest/debian/setup.sh $(DEB_ROOTFILES) guest/debian.mk | $(BUILD)/rvcp
	$(DEB_SUDO) rm -rf $(DEB_OUT)/root $@.tmp
	$(DEB_SUDO) $(DEB_STRAP) --foreign --unpack-tarball=$(DEB_ABS)/debs.tgz $(DEB_SUITE) \
		$(DEB_ABS)/root >$(DEB_OUT)/stage1.log 2>&1 || \
		{ tail -n 20 $(DEB_OUT)/stage1.log; exit 1; }
	$(DEB_SUDO) cp -a guest/debian/rootfs/. $(DEB_OUT)/root/
	$(DEB_SUDO) cp guest/debian/setup.sh $(DEB_OUT)/root/rvcp-setup.sh
	python3 -W ignore -c 'import crypt; print(crypt.crypt("rvcp", "$$6$$rvcp.debian$$"))' | \
		$(DEB_SUDO) tee $(DEB_OUT)/root/rvcp-root.hash >/dev/null
	$(DEB_SUDO) chown -R 0:0 $(DEB_OUT)/root/etc/dpkg/dpkg.cfg.d $(DEB_OUT)/root/etc/apt/apt.conf.d \
		$(DEB_OUT)/root/etc/initramfs-tools $(DEB_OUT)/root/rvcp-setup.sh
	$(DEB_SUDO) chmod 600 $(DEB_OUT)/root/rvcp-root.hash
	$(DEB_SUDO) mke2fs -q -t ext4 -F -L debian-root -U $(DEB_UUID) -E root_owner=0:0 \
		-d $(DEB_OUT)/root $@.tmp $(DEB_BUILD_MB)M
	$(DEB_SUDO) chown $$(id -u):$$(id -g) $@.tmp
	$(DEB_SUDO) rm -rf $(DEB_OUT)/root
	timeout $(DEB_STAGE2_S) $(BUILD)/rvcp boot --kernel $(DEB_OUT)/vmlinux --initrd $(DEB_OUT)/helper.cpio \
		--disk $@.tmp --memory $(DEB_MEMORY) --append "console=ttyS0 panic=-1" \
		</dev/null >$(DEB_OUT)/stage2.log 2>&1 || \
		{ tail -n 40 $(DEB_OUT)/stage2.log; exit 1; }
	grep -q '^rvcp-stage2: ok' $(DEB_OUT)/stage2.log || { tail -n 40 $(DEB_OUT)/stage2.log; exit 1; }
	e2fsck -fy $@.tmp >/dev/null
	resize2fs -M $@.tmp >/dev/null 2>&1
	blocks=$$(dumpe2fs -h $@.tmp 2>/dev/null | sed -n 's/^Block count: *//p'); \
	  bsize=$$(dumpe2fs -h $@.tmp 2>/dev/null | sed -n 's/^Block size: *//p'); \
	  mb=$$(( (blocks * bsize + 1048575) / 1048576 + $(DEB_SLACK_MB) )); \
	  resize2fs $@.tmp $${mb}M >/dev/null 2>&1 && truncate -s $${mb}M $@.tmp
	# Blocks freed by the build (the .debs) hold old bytes: punch them out.
	e2fsck -fy -E discard $@.tmp >/dev/null
	mv $@.tmp $@

$(DEB_OUT)/initrd.img: $(DEB_OUT)/root.ext4
	f=$$(debugfs -R 'ls -p /boot' $< 2>/dev/null | awk -F/ '$$6 ~ /^initrd\.img-/ { print $$6 }'); \
	  test -n "$$f" && debugfs -R "dump /boot/$$f $(DEB_ABS)/initrd.img.tmp" $< >/dev/null 2>&1
	test -s $@.tmp
	mv $@.tmp $@

# The disk: partition 1 starts at the first 8 MiB boundary after the IPL
# record, Debian's kernel (about 30 MB uncompressed), the initrd and 1 MiB.
$(GUEST_OUT)/debian.img: $(DEB_OUT)/root.ext4 $(DEB_OUT)/initrd.img $(DEB_OUT)/vmlinux \
		guest/debian.mk $(BUILD)/rvcp
	rm -f $@.tmp
	k=$$(stat -c %s $(DEB_OUT)/vmlinux); i=$$(stat -c %s $(DEB_OUT)/initrd.img); \
	  r=$$(stat -c %s $(DEB_OUT)/root.ext4); \
	  start=$$(( ((k + i + 2097152) / 8388608 + 1) * 8 )); \
	  truncate -s $$(( start * 1048576 + r )) $@.tmp && \
	  printf 'label: dos\nlabel-id: 0x5276637b\nunit: sectors\n\nstart=%d, size=%d, type=83\n' \
		$$(( start * 2048 )) $$(( r / 512 )) | sfdisk -q $@.tmp && \
	  dd if=$(DEB_OUT)/root.ext4 of=$@.tmp bs=1M seek=$$start conv=notrunc,sparse status=none
	$(BUILD)/rvcp zipl --disk $@.tmp --kernel $(DEB_OUT)/vmlinux --initrd $(DEB_OUT)/initrd.img \
		--parm "$(DEB_PARM)"
	mv $@.tmp $@

debian-clean:
	rm -rf $(DEB_OUT) $(GUEST_OUT)/debian.img
