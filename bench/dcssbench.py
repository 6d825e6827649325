"""Shared segments: host memory per guest with and without a DCSS.

The same files (busybox and a 4 MiB data file, an ext2 file system made on
the host) reach N guests two ways: as segment DAT (DEFSEG, filled by MAINT
from the image, SAVESEG), mounted with -o dax, or as each guest's own
minidisk 201.  Every guest runs the same programs from there (busybox
md5sum of both files, run by the busybox of that file system), then the
VM processes' proportional set sizes are summed: with the segment its
pages are held once on the host, without it each guest's page cache holds
its own copy.  Also the first run of the program in the first guest, from
the segment and from the disk (ms, send to answer).
"""
import os
import subprocess
import time

from common import GUEST, note, results

import cp_lib  # noqa: E402 (cpbench put tests/sh on the path)

PROMPT = r"root@rvcp:/# "
N = int(os.environ.get("BENCH_DCSS_GUESTS", "100"))
DATA_MIB = 4
SEG = "10000-10FFF SR"  # 16 MiB at 256 MiB, above every guest's 64M
RUN = "B=/mnt/bin/busybox; $B md5sum /mnt/data.bin /mnt/bin/busybox >/dev/null; echo ran-$((40+2))"


def _image(tmp):
    """The file system both ways: busybox and a data file, 16 MiB ext2."""
    root = os.path.join(tmp, "dcssroot")
    os.makedirs(os.path.join(root, "bin"), exist_ok=True)
    with open(os.path.join(GUEST, "busybox"), "rb") as f, \
            open(os.path.join(root, "bin", "busybox"), "wb") as g:
        g.write(f.read())
    os.chmod(os.path.join(root, "bin", "busybox"), 0o755)
    with open(os.path.join(root, "data.bin"), "wb") as f:
        f.write(os.urandom(DATA_MIB << 20))
    img = os.path.join(tmp, "dcss.ext2")
    if os.path.exists(img):
        os.unlink(img)
    subprocess.run(["mke2fs", "-q", "-t", "ext2", "-b", "4096", "-d", root, img, "16M"],
                   check=True)
    return img


def _directory(disk, img):
    d = ("USER MAINT maint 64M 256M ABCDEG\n MDISK 200 IMAGE %s RR\n"
         " MDISK 201 IMAGE %s RR\n") % (disk, img)
    for i in range(1, N + 1):
        d += "USER SEG%04d pw 64M 64M G\n LINK MAINT 200 200 RR\n SEGMENT DAT\n" % i
        d += "USER DSK%04d pw 64M 64M G\n LINK MAINT 200 200 RR\n LINK MAINT 201 201 RR\n" % i
    return d


def _build_segment(cp):
    m = cp.term()
    m.logon("MAINT", "maint")
    m.cmd("DEFSEG DAT " + SEG, r"successfully defined")
    m.cmd("DEFINE SEGMENT DAT EXCLUSIVE", r"loaded at the next IPL")
    m.send("IPL 200")
    m.expect(PROMPT, 900)
    m.send("dd if=/dev/vdb of=/dev/pmem0 bs=1M 2>/dev/null; sync; echo copied-$((1+1))")
    m.expect(r"copied-2", 600)
    m.send("cpcmd SAVESEG DAT")
    m.expect(r"successfully saved", 600)
    m.send("#CP LOGOFF")
    m.expect(r"LOGOFF AT")


def _phase(cp, prefix, mount):
    """N guests mount the files and run the programs: PSS per guest (KiB),
    the first run's time (ms)."""
    terms = []
    for i in range(1, N + 1):
        t = cp.term()
        t.logon("%s%04d" % (prefix, i), "pw")
        t.send("IPL 200")
        terms.append(t)
    first_ms = None
    for i, t in enumerate(terms):
        t.expect(PROMPT, 1800)
        t.send(mount + " && echo mounted-$((2+3))")
        t.expect(r"mounted-5", 600)
        t0 = time.monotonic()
        t.send(RUN)
        t.expect(r"ran-42", 600)
        if i == 0:
            first_ms = (time.monotonic() - t0) * 1000
    time.sleep(5)  # the guests settle into idle
    pss = 0
    pids = [p for u, p in cp.vm_pids().items() if u.startswith(prefix)]
    if len(pids) != N:
        note("dcss: %d VM processes for %d %s users" % (len(pids), N, prefix))
    for pid in pids:
        pss += cp_lib.mem_rollup(pid)[1]
    for t in terms:
        t.send("#CP LOGOFF")
        t.expect(r"LOGOFF AT")
        t.close()
    return pss / max(len(pids), 1), first_ms


def bench_dcss():
    disk = os.path.join(GUEST, "linux.img")
    if not os.path.exists(disk) or not os.path.exists(os.path.join(GUEST, "busybox")):
        note("no guest: DCSS benchmark not run")
        return
    tmp = os.environ.setdefault("TMPDIR", "/tmp")
    img = _image(tmp)
    cp = cp_lib.CP(_directory(disk, img), "dcssbench")
    try:
        _build_segment(cp)
        seg, seg_ms = _phase(cp, "SEG", "mount -o ro,dax /dev/pmem0 /mnt")
        dsk, dsk_ms = _phase(cp, "DSK", "mount -o ro /dev/vdb /mnt")
        results["dcss_pss_kib_per_guest_%d" % N] = round(seg, 1)
        results["nodcss_pss_kib_per_guest_%d" % N] = round(dsk, 1)
        results["dcss_first_run_ms"] = round(seg_ms, 1)
        results["nodcss_first_run_ms"] = round(dsk_ms, 1)
        cp.stop()
    finally:
        cp.kill()


DCSS_BENCHES = [("dcss", bench_dcss)]
