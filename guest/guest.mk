# guest/guest.mk — `make guest`: the Linux guest, from Debian packages only.
# Included by the top Makefile.  Everything goes to $(BUILD)/guest; every step
# is a real make target with real inputs, so a second `make guest` does nothing.
#
#   $(BUILD)/guest/Image, vmlinux   linux-source-6.1, tinyconfig + guest/kernel.config
#   $(BUILD)/guest/busybox          Debian trixie's riscv64 busybox-static
#   $(BUILD)/guest/rootfs.ext2      the root file system (mke2fs -d)
#   $(BUILD)/guest/linux.img        MBR disk: IPL record + kernel area, ext2 at 16 MiB
#
# See guest/README.md.

GUEST_OUT   := $(BUILD)/guest
GUEST_ABS   := $(abspath $(GUEST_OUT))
GUEST_KTAR  ?= /usr/src/linux-source-6.1.tar.xz
GUEST_KSRC  := $(GUEST_OUT)/src/linux-source-6.1
GUEST_KOBJ  := $(GUEST_OUT)/kbuild
# The kernel is the slow part: use two jobs unless make already runs with -j.
# Its recipe lines start with "+": make passes its jobserver only to lines it
# sees as recursive, and $(GUEST_KMAKE) hides the $(MAKE) inside it.
GUEST_JOBS  ?= 2
GUEST_J      = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(GUEST_JOBS))
GUEST_KMAKE  = $(MAKE) -s -C $(GUEST_KSRC) O=$(GUEST_ABS)/kbuild ARCH=riscv \
	       CROSS_COMPILE=riscv64-linux-gnu- KBUILD_BUILD_USER=rvcp \
	       KBUILD_BUILD_HOST=rvcp $(GUEST_J)

# The disk: partition 1 starts at 16 MiB (the IPL record and the kernel live in
# front of it) and holds a 32 MiB ext2 root file system.
GUEST_PART_START_MB := 16
GUEST_PART_SIZE_MB  := 32
GUEST_PARM ?= root=/dev/vda1 ro console=ttyS0 earlycon=sbi

GUEST_ROOTFILES := $(shell find guest/rootfs -type f -o -type l 2>/dev/null)

.PHONY: guest guest-clean
guest: $(GUEST_OUT)/Image $(GUEST_OUT)/vmlinux $(GUEST_OUT)/linux.img

# --- kernel -------------------------------------------------------------------

$(GUEST_OUT)/src/.unpacked: $(GUEST_KTAR)
	rm -rf $(GUEST_KSRC)
	mkdir -p $(GUEST_OUT)/src
	tar -C $(GUEST_OUT)/src -xJf $<
	test -f $(GUEST_KSRC)/Makefile
	touch $@

# tinyconfig, then our fragment, then olddefconfig; then make sure nothing we
# asked for was dropped.  A failed check leaves no .config behind, so the next
# `make guest` tries again instead of building a wrong kernel.
$(GUEST_KOBJ)/.config: guest/kernel.config guest/check-config.sh $(GUEST_OUT)/src/.unpacked
	mkdir -p $(GUEST_KOBJ)
	rm -f $@
	+$(GUEST_KMAKE) tinyconfig
	cd $(GUEST_KOBJ) && $(abspath $(GUEST_KSRC))/scripts/kconfig/merge_config.sh -m \
		.config $(abspath guest/kernel.config) >/dev/null
	+$(GUEST_KMAKE) olddefconfig
	guest/check-config.sh guest/kernel.config $@ || { mv $@ $@.rejected; exit 1; }

$(GUEST_OUT)/Image $(GUEST_OUT)/vmlinux &: $(GUEST_KOBJ)/.config guest/check-image.sh
	+$(GUEST_KMAKE) Image
	guest/check-image.sh $(GUEST_KOBJ)/arch/riscv/boot/Image $(GUEST_KOBJ)/vmlinux
	cp $(GUEST_KOBJ)/vmlinux $(GUEST_OUT)/vmlinux
	cp $(GUEST_KOBJ)/arch/riscv/boot/Image $(GUEST_OUT)/Image

# --- busybox from Debian trixie (riscv64) -------------------------------------
# A private apt configuration: only trixie, only riscv64, its own lists and
# cache under $(GUEST_OUT)/apt, signatures checked against Debian's keyring.
GUEST_APT := $(GUEST_ABS)/apt
GUEST_APTGET = apt-get -q \
	-o Dir::Etc::SourceList=$(GUEST_APT)/sources.list \
	-o Dir::Etc::SourceParts=/dev/null \
	-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
	-o Dir::State=$(GUEST_APT)/state -o Dir::State::Lists=$(GUEST_APT)/lists \
	-o Dir::State::status=$(GUEST_APT)/status -o Dir::Cache=$(GUEST_APT)/cache \
	-o APT::Architecture=riscv64 -o APT::Architectures=riscv64 \
	-o APT::Sandbox::User=root -o Acquire::Retries=3
GUEST_DEBIAN_URI ?= http://deb.debian.org/debian
GUEST_KEYRING    ?= /usr/share/keyrings/debian-archive-keyring.gpg

$(GUEST_OUT)/busybox-static.deb:
	rm -rf $(GUEST_APT)
	mkdir -p $(GUEST_APT)/lists/partial $(GUEST_APT)/cache/archives/partial \
		$(GUEST_APT)/state $(GUEST_APT)/dl
	: >$(GUEST_APT)/status
	echo "deb [arch=riscv64 signed-by=$(GUEST_KEYRING)] $(GUEST_DEBIAN_URI) trixie main" \
		>$(GUEST_APT)/sources.list
	$(GUEST_APTGET) update
	cd $(GUEST_APT)/dl && $(GUEST_APTGET) download busybox-static:riscv64
	mv $(GUEST_APT)/dl/busybox-static_*_riscv64.deb $@

$(GUEST_OUT)/busybox: $(GUEST_OUT)/busybox-static.deb
	rm -rf $(GUEST_OUT)/bbdeb
	dpkg-deb -x $< $(GUEST_OUT)/bbdeb
	bb=$$(find $(GUEST_OUT)/bbdeb -path '*bin/busybox' -type f | head -n 1); \
	  test -n "$$bb" && cp "$$bb" $@.tmp
	chmod 755 $@.tmp
	mv $@.tmp $@

# --- root file system and disk ------------------------------------------------

$(GUEST_OUT)/rootfs.ext2: $(GUEST_OUT)/busybox guest/guest.mk guest/mkroot.sh guest/applets.py $(GUEST_ROOTFILES)
	guest/mkroot.sh $(GUEST_OUT)/busybox guest/rootfs $(GUEST_OUT)/root
	rm -f $@.tmp
	mke2fs -q -t ext2 -F -L rvcp-root -U 5276637a-0000-4000-8000-726f6f746673 \
		-E root_owner=0:0 -d $(GUEST_OUT)/root $@.tmp $(GUEST_PART_SIZE_MB)M
	# mke2fs -d copies the builder's uid/gid; in the guest everything is root's.
	cd $(GUEST_OUT)/root && find . -mindepth 1 | sed 's|^\.||' | \
		awk '{ print "sif \"" $$0 "\" uid 0"; print "sif \"" $$0 "\" gid 0" }' \
		>$(GUEST_ABS)/owners.debugfs
	debugfs -w -f $(GUEST_OUT)/owners.debugfs $@.tmp >/dev/null 2>$(GUEST_OUT)/owners.log
	! grep -v '^debugfs [0-9]' $(GUEST_OUT)/owners.log
	mv $@.tmp $@

# The disk without its IPL record: MBR by sfdisk, the file system dd'ed into
# partition 1 at its offset.
$(GUEST_OUT)/disk.img: $(GUEST_OUT)/rootfs.ext2 guest/guest.mk
	rm -f $@.tmp
	truncate -s $$(( ($(GUEST_PART_START_MB) + $(GUEST_PART_SIZE_MB)) * 1024 * 1024 )) $@.tmp
	printf 'label: dos\nlabel-id: 0x5276637a\nunit: sectors\n\nstart=%d, size=%d, type=83\n' \
		$$(( $(GUEST_PART_START_MB) * 2048 )) $$(( $(GUEST_PART_SIZE_MB) * 2048 )) | \
		sfdisk -q $@.tmp
	dd if=$< of=$@.tmp bs=1M seek=$(GUEST_PART_START_MB) conv=notrunc status=none
	mv $@.tmp $@

# Last step: `rvcp zipl` writes the IPL record (kernel + parameter line) in
# front of the partition, leaving the partition table and the file system as
# they are.
$(GUEST_OUT)/linux.img: $(GUEST_OUT)/disk.img guest/guest.mk $(GUEST_OUT)/Image $(BUILD)/rvcp
	cp $(GUEST_OUT)/disk.img $@.tmp
	$(BUILD)/rvcp zipl --disk $@.tmp --kernel $(GUEST_OUT)/Image --parm "$(GUEST_PARM)"
	mv $@.tmp $@

guest-clean:
	rm -rf $(GUEST_OUT)
