# guest/debian-kernel.mk -- `make debian-kernel`: Debian's stock trixie kernel
# (linux-image-riscv64) with a busybox initramfs, as a minidisk to IPL.
# Included by the top Makefile after guest/guest.mk.  Everything goes to
# $(BUILD)/guest/debian-kernel:
#
#   linux-image.deb, Image, config, System.map   guest/debian-kernel.sh
#   initrd.gz        Debian's busybox-static, /bin/sh, guest/initramfs/init
#   disk.img         zipl'ed: the kernel, the initrd, DK_PARM
#
# Debian's kernel has virtio-mmio as a module, so the initramfs is its root
# and the disk holds nothing but the IPL record.  See guest/README.md.

DK_OUT  := $(GUEST_OUT)/debian-kernel
DK_PARM ?= console=ttyS0 earlycon=sbi
DK_DISK_MB := 48

.PHONY: debian-kernel
debian-kernel: $(DK_OUT)/disk.img $(DK_OUT)/System.map

$(DK_OUT)/Image $(DK_OUT)/System.map $(DK_OUT)/config &: guest/debian-kernel.sh
	guest/debian-kernel.sh $(DK_OUT) $(GUEST_DEBIAN_URI) $(GUEST_KEYRING)
	touch $(DK_OUT)/Image $(DK_OUT)/System.map $(DK_OUT)/config

$(DK_OUT)/initrd.gz: $(GUEST_OUT)/busybox guest/initramfs/init guest/debian-kernel.mk
	rm -rf $(DK_OUT)/initramfs
	mkdir -p $(DK_OUT)/initramfs/bin $(DK_OUT)/initramfs/dev $(DK_OUT)/initramfs/proc \
		$(DK_OUT)/initramfs/sys
	cp $(GUEST_OUT)/busybox $(DK_OUT)/initramfs/bin/busybox
	ln -s busybox $(DK_OUT)/initramfs/bin/sh
	cp guest/initramfs/init $(DK_OUT)/initramfs/init
	cd $(DK_OUT)/initramfs && find . | LC_ALL=C sort | \
		cpio -o -H newc -R 0:0 --quiet | gzip -9n >$(abspath $@).tmp
	mv $@.tmp $@

$(DK_OUT)/disk.img: $(DK_OUT)/Image $(DK_OUT)/initrd.gz $(BUILD)/rvcp guest/debian-kernel.mk
	rm -f $@.tmp
	truncate -s $(DK_DISK_MB)M $@.tmp
	$(BUILD)/rvcp zipl --disk $@.tmp --kernel $(DK_OUT)/Image --initrd $(DK_OUT)/initrd.gz \
		--parm "$(DK_PARM)"
	mv $@.tmp $@
