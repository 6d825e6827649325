#!/usr/bin/env bash
# rvcp zipl on real disk layouts made by sfdisk and mke2fs: the record goes in
# front of the first partition and leaves the partition table and the file
# system byte for byte as they were; too big a kernel, a GPT disk and a bare
# file system are refused with a message and a non-zero status; the record
# then IPLs (TRACE at real 0x10000 is the unit test's job: here the loader
# must accept what the command wrote, checked with --dumpdtb's bootargs).
set -u
for t in sfdisk mke2fs fdtget; do
	command -v $t >/dev/null || { echo "no $t"; exit 77; }
done
cd "$TMPDIR"
fail() { echo "boot_zipl: $*"; exit 1; }

head -c 300000 /dev/urandom >kernel
head -c 3000000 /dev/urandom >bigkernel
truncate -s 8M disk.img
echo 'start=2048, type=83' | sfdisk -q disk.img >/dev/null || fail "sfdisk"
truncate -s 7M part.img
mke2fs -q -t ext2 part.img || fail "mke2fs"
dd if=part.img of=disk.img bs=1M seek=1 conv=notrunc status=none
table=$(sfdisk -d disk.img)
part_sum=$(tail -c +1048577 disk.img | md5sum)

"$RVCP" zipl --disk disk.img --kernel kernel --parm "root=/dev/vda1 ro" >out 2>&1 ||
	{ cat out; fail "zipl refused a disk with room"; }
[ "$(sfdisk -d disk.img)" = "$table" ] || fail "the partition table changed"
[ "$(tail -c +1048577 disk.img | md5sum)" = "$part_sum" ] || fail "the partition changed"
"$RVCP" boot --ipl disk.img,ro --append quiet --dumpdtb dt.dtb || fail "IPL of the zipl disk"
[ "$(fdtget dt.dtb /chosen bootargs)" = "root=/dev/vda1 ro quiet" ] || fail "bootargs"

if "$RVCP" zipl --disk disk.img --kernel bigkernel >out 2>&1; then fail "a 3 MB kernel fitted in 1 MiB"; fi
grep -q "3000000" out && grep -q "first partition" out || { cat out; fail "no sizes in the refusal"; }
[ "$(tail -c +1048577 disk.img | md5sum)" = "$part_sum" ] || fail "the refusal wrote"

truncate -s 8M gpt.img
echo 'start=2048, type=L' | sfdisk -q --label gpt gpt.img >/dev/null || fail "sfdisk gpt"
if "$RVCP" zipl --disk gpt.img --kernel kernel >out 2>&1; then fail "zipl wrote on a GPT disk"; fi
grep -q GPT out || { cat out; fail "GPT refusal"; }

if "$RVCP" zipl --disk part.img --kernel kernel >out 2>&1; then fail "zipl wrote over ext2"; fi
grep -q ext2 out || { cat out; fail "file system refusal"; }
exit 0
