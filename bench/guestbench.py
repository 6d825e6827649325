"""A well-known CPU benchmark in a Linux guest, rvcp beside QEMU.

7-Zip's built-in benchmark (`7zr b`: LZMA compression and decompression,
its rating in MIPS), Debian trixie's riscv64 build of 7-Zip 25.01 on the
disk of bench/guest (make guestbench-image), run in the lean guest on one
CPU with the same kernel, disks, storage and parameter line in rvcp and in
qemu-system-riscv64 -M virt.  The guest chroots into the benchmark disk.

  guest_bench_score(_qemu)   the "Tot:" rating, best of RUNS_GB runs
  guest_bench_score_native   the host's own 7-Zip (x86-64, Debian's build)
                             with the same options: the physical limit
"""
import os
import re
import shutil
import statistics
import subprocess

from common import GUEST, OUT, RUNS, Console, lean_cmds, note, results, series

NAME = "7-Zip 25.01 LZMA benchmark (7zr b -mmt1 -md22), rating in MIPS"
ARGS = "b 1 -mmt1 -md22"
RUNS_GB = min(RUNS, int(os.environ.get("BENCH_GUEST_RUNS", "3")))
WAIT = 900
TOTAL = r"\nTot:\s+\d+\s+\d+\s+(\d+)"


def _run(cmd, name):
    """The rating of one run of the benchmark in a guest booted by cmd."""
    c = Console(cmd, name)
    try:
        c.expect(r"[#$] ", WAIT)
        c.send("mount -t ext2 -o ro /dev/vdb /mnt && chroot /mnt /usr/lib/7zip/7zr %s; "
               "echo bench-rc=$?" % ARGS)
        m = c.expect(TOTAL, WAIT)
        c.expect(r"bench-rc=0", 60)
        return int(m.group(1))
    finally:
        c.stop()


def _native():
    exe = shutil.which("7zz") or shutil.which("7zr")
    if not exe:
        note("no 7-Zip on the host (tools/packages.txt: 7zip): native score not measured")
        return None
    p = subprocess.run([exe] + ARGS.split(), capture_output=True, text=True, timeout=WAIT)
    m = re.search(TOTAL, "\n" + p.stdout)
    return int(m.group(1)) if p.returncode == 0 and m else None


def bench_guest():
    img = os.path.join(OUT, "guestbench.img")
    disk = os.path.join(GUEST, "linux.img")
    if not (os.path.exists(img) and os.path.exists(disk)):
        note("no %s or %s (make guestbench-image guest): guest_bench not measured" % (img, disk))
        return
    rvcp, qemu = lean_cmds([disk, img], memory="256M")
    a = [_run(rvcp, "rvcp") for _ in range(RUNS_GB)]
    b = [_run(qemu, "qemu") for _ in range(RUNS_GB)]
    results["guest_bench_name"] = NAME
    results["guest_bench_score"] = max(a)
    results["guest_bench_score_qemu"] = max(b)
    results["guest_bench_ratio"] = round(max(a) / max(b), 3)
    series["guest_bench_rvcp"] = a
    series["guest_bench_qemu"] = b
    n = _native()
    if n:
        results["guest_bench_score_native"] = n
    note("guest bench: rvcp %s, qemu %s (median %s / %s)"
         % (a, b, statistics.median(a), statistics.median(b)))


GUEST_BENCHES = [("guest", bench_guest)]
