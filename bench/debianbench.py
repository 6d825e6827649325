"""The Debian guest of `make debian`, rvcp and QEMU side by side on the same
disk, kernel and initrd: seconds from power-on to the console's "login:"
(debian_login_s, debian_login_s_qemu) and QEMU's resident memory at that
point (debian_rss_kib_qemu).  QEMU boots the kernel through Debian's
OpenSBI (fw_jump) with the parameter line rvcp zipl wrote on the disk."""
import os
import re
import signal
import statistics
import subprocess
import time

from common import GUEST, QEMU, RUNS, RVCP, note, results, series

LOGIN = re.compile(rb"login: $")
FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
MEMORY = "512M"
RUNS_DEBIAN = min(RUNS, int(os.environ.get("BENCH_DEBIAN_RUNS", "3")))


def _rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def _to_login(cmd, timeout=1800):
    """(seconds to "login:", RSS in KiB of the process then) or (None, None)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    os.set_blocking(p.stdout.fileno(), False)
    buf = b""
    try:
        while time.monotonic() - t0 < timeout:
            try:
                chunk = p.stdout.read()
            except BlockingIOError:
                chunk = None
            if chunk:
                buf = (buf + chunk)[-256:]
                if LOGIN.search(buf):
                    return time.monotonic() - t0, _rss_kib(p.pid)
            elif p.poll() is not None:
                return None, None
            else:
                time.sleep(0.005)
        return None, None
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()


def _parm(disk):
    """The parameter line of the disk's IPL record, as `rvcp boot --dumpdtb`
    shows it in /chosen/bootargs."""
    dtb = os.path.join(GUEST, "debian", "bench.dtb")
    subprocess.run([RVCP, "boot", "--ipl", disk + ",ro", "--memory", MEMORY, "--dumpdtb", dtb],
                   check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(["fdtget", dtb, "/chosen", "bootargs"], check=True,
                         capture_output=True, text=True).stdout.strip()
    os.unlink(dtb)
    return out


def bench_debian():
    disk = os.path.join(GUEST, "debian.img")
    kernel = os.path.join(GUEST, "debian", "vmlinux")
    initrd = os.path.join(GUEST, "debian", "initrd.img")
    if not all(os.path.exists(f) for f in (disk, kernel, initrd)):
        note("no Debian guest (make debian): Debian boot not measured")
        return
    rvcp = [RVCP, "boot", "--ipl", disk + ",ro", "--memory", MEMORY]
    qemu = [QEMU, "-M", "virt", "-nographic", "-m", MEMORY, "-smp", "1", "-bios", FW,
            "-kernel", kernel, "-initrd", initrd, "-append", _parm(disk),
            "-drive", "file=%s,format=raw,if=none,id=d0,readonly=on" % disk,
            "-device", "virtio-blk-device,drive=d0"]
    a, b, rss = [], [], []
    for _ in range(RUNS_DEBIAN):
        a.append(_to_login(rvcp)[0])
        s, r = _to_login(qemu)
        b.append(s)
        if r:
            rss.append(r)
    for name, xs in (("rvcp", a), ("qemu", b)):
        if None in xs:
            note("Debian on %s did not reach login: in %d of %d runs" % (name, xs.count(None), len(xs)))
    a = [x for x in a if x is not None]
    b = [x for x in b if x is not None]
    if a:
        results["debian_login_s"] = round(statistics.median(a), 2)
        series["debian_login_rvcp"] = a
    if b:
        results["debian_login_s_qemu"] = round(statistics.median(b), 2)
        series["debian_login_qemu"] = b
    if rss:
        results["debian_rss_kib_qemu"] = int(statistics.median(rss))


DEBIAN_BENCHES = [("debian", bench_debian)]
