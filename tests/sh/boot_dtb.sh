#!/usr/bin/env bash
# The device tree of `rvcp boot` (--dumpdtb) compiles back without a dtc
# warning, and its devices carry the names, compatibles, registers and
# interrupts of QEMU's virt board (dumped the same way), so stock Linux and
# OpenSBI drivers match them.
set -u
command -v dtc >/dev/null && command -v fdtget >/dev/null || { echo "no dtc (device-tree-compiler)"; exit 77; }
cd "$TMPDIR"
head -c 8192 /dev/zero >kernel
truncate -s 1M d0.img d1.img
"$RVCP" boot --kernel kernel --disk d0.img,ro --disk d1.img --append "console=ttyS0" \
	--dumpdtb r.dtb || { echo "--dumpdtb failed"; exit 1; }
dtc -I dtb -O dts -o r.dts r.dtb 2>warnings || { cat warnings; exit 1; }
[ -s warnings ] && { echo "dtc warns:"; cat warnings; exit 1; }
fail=0
[ "$(fdtget -t s r.dtb /chosen bootargs)" = "console=ttyS0" ] || { echo "bootargs"; fail=1; }
[ "$(fdtget -t x r.dtb /soc/virtio_mmio@10002000 interrupts)" = 2 ] || { echo "2nd disk"; fail=1; }
command -v qemu-system-riscv64 >/dev/null || { echo "no qemu to compare with"; exit $fail; }
qemu-system-riscv64 -M virt,dumpdtb=q.dtb -m 128M -nographic >/dev/null 2>&1 || { echo "qemu dumpdtb"; exit 1; }
for node in /soc/serial@10000000 /soc/rtc@101000 /soc/test@100000 /soc/clint@2000000 \
	/soc/plic@c000000 /soc/virtio_mmio@10001000 /soc/virtio_mmio@10002000 /poweroff /reboot \
	/cpus/cpu@0/interrupt-controller; do
	for prop in compatible reg interrupts value offset; do
		q=$(fdtget -t x q.dtb "$node" "$prop" 2>/dev/null) || continue
		[ "$prop" = reg ] && [ "$node" = /soc/plic@c000000 ] && continue # size: layout.h
		r=$(fdtget -t x r.dtb "$node" "$prop" 2>/dev/null)
		[ "$q" = "$r" ] || { echo "$node $prop: qemu '$q', rvcp '$r'"; fail=1; }
	done
done
[ "$(fdtget -t x q.dtb /cpus timebase-frequency)" = "$(fdtget -t x r.dtb /cpus timebase-frequency)" ] ||
	{ echo "timebase-frequency"; fail=1; }
[ "$(fdtget q.dtb /chosen stdout-path)" = "$(fdtget r.dtb /chosen stdout-path)" ] ||
	{ echo "stdout-path"; fail=1; }
exit $fail
