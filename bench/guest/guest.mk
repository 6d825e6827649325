# bench/guest: the disk of the guest benchmark (7-Zip's LZMA benchmark in a
# Linux guest, rvcp beside QEMU), build/bench/guestbench.img.  Included from
# the top Makefile after guest/guest.mk (whose archive URI and keyring it uses).
$(BUILD)/bench/guestbench.img: bench/guest/mkimage.sh bench/guest/guest.mk
	@mkdir -p $(dir $@)
	bench/guest/mkimage.sh $@ $(abspath $(BUILD))/bench/apt $(GUEST_DEBIAN_URI) $(GUEST_KEYRING)

guestbench-image: $(BUILD)/bench/guestbench.img
.PHONY: guestbench-image
