#!/usr/bin/env python3
"""rvcp benchmark suite (`make bench`).

Measures boot, CPU, NSS sharing, CP and memory figures, side by side with QEMU
where QEMU can do the same, and writes build/bench/results.json (a flat
object of numbers), build/bench/report.md and PNG plots made with gnuplot.
A figure that could not be measured is left out of results.json and the
report says why; nothing is estimated or filled in.
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *  # noqa: F401,F403  (paths, results, notes, series)


# --- CPU: guest instructions per second ------------------------------------

def bench_mips():
    elf = os.path.join(OUT, "cpubench.elf")
    if not os.path.exists(elf):
        note("no cpubench.elf: mips not measured")
        return
    t0 = time.monotonic()
    p = subprocess.run([RVCP, "run-elf", "--stats", elf], capture_output=True, text=True)
    t_rvcp = time.monotonic() - t0
    m = re.search(r"(\d+) instructions", p.stderr)
    if p.returncode != 0 or not m:
        note("run-elf failed on cpubench (rc %d): %s" % (p.returncode, p.stderr[-300:]))
        return
    insns = int(m.group(1))
    results["mips_cpu"] = round(insns / t_rvcp / 1e6, 1)
    results["cpubench_instructions"] = insns
    m = re.search(r"\(cpu (\w+)\)", p.stderr)
    results["cpu_engine"] = m.group(1) if m else "?"
    # the interpreter too (the engine on hosts without the translator)
    t0 = time.monotonic()
    p = subprocess.run([RVCP, "run-elf", "--stats", "--cpu", "interp", elf],
                       capture_output=True, text=True)
    m = re.search(r"(\d+) instructions", p.stderr)
    if p.returncode == 0 and m:
        results["mips_cpu_interp"] = round(int(m.group(1)) / (time.monotonic() - t0) / 1e6, 1)
    t0 = time.monotonic()
    q = subprocess.run([QEMU, "-M", "spike", "-bios", "none", "-nographic", "-kernel", elf],
                       capture_output=True, stdin=subprocess.DEVNULL)
    t_qemu = time.monotonic() - t0
    if q.returncode != 0:
        note("qemu spike failed on cpubench (rc %d)" % q.returncode)
        return
    # Same program, same instruction count: the rate is rvcp's count over qemu's time.
    results["mips_cpu_qemu"] = round(insns / t_qemu / 1e6, 1)
    results["cpubench_s"] = round(t_rvcp, 3)
    results["cpubench_s_qemu"] = round(t_qemu, 3)


# --- Boot to the shell -------------------------------------------------------

last_cpu_s = None  # host CPU (user + system) of the last time_to_prompt's process


def time_to_prompt(cmd, timeout=300):
    """Seconds from start until the console shows a shell prompt that answers."""
    global last_cpu_s
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    os.set_blocking(p.stdout.fileno(), False)
    buf = b""
    answered = None
    try:
        while time.monotonic() - t0 < timeout:
            try:
                chunk = p.stdout.read()
            except BlockingIOError:
                chunk = None
            if chunk:
                buf += chunk
            elif p.poll() is not None:
                break
            else:
                time.sleep(0.002)
            if answered is None and PROMPT.search(buf[-64:]):
                answered = time.monotonic() - t0
                break
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, _, ru = os.wait4(p.pid, 0)
        p.returncode = -signal.SIGKILL
        last_cpu_s = ru.ru_utime + ru.ru_stime
    return answered


def bench_boot():
    disk = os.path.join(GUEST, "linux.img")
    image = os.path.join(GUEST, "Image")
    if not (os.path.exists(disk) and os.path.exists(image)):
        note("no guest (make guest): boot not measured")
        return
    append = "root=/dev/vda1 ro console=ttyS0 quiet"
    rvcp = [RVCP, "boot", "--kernel", image, "--disk", disk + ",ro", "--memory", "64M",
            "--append", append]
    qemu = [QEMU, "-M", "virt", "-nographic", "-m", "64M", "-smp", "1",
            "-bios", "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin",
            "-kernel", image, "-append", append,
            "-drive", "file=%s,format=raw,if=none,id=d0,readonly=on" % disk,
            "-device", "virtio-blk-device,drive=d0"]
    a, b = [], []
    for _ in range(RUNS):
        a.append(time_to_prompt(rvcp))
        b.append(time_to_prompt(qemu))
    if None in a:
        note("rvcp boot did not reach the prompt in %d of %d runs" % (a.count(None), RUNS))
    if None in b:
        note("qemu did not reach the prompt in %d of %d runs" % (b.count(None), RUNS))
    a = [x for x in a if x is not None]
    b = [x for x in b if x is not None]
    if a:
        results["boot_s"] = round(statistics.median(a), 3)
        series["boot_rvcp"] = a
    if b:
        results["boot_s_qemu"] = round(statistics.median(b), 3)
        series["boot_qemu"] = b
    if a and b:
        results["boot_ratio"] = round(results["boot_s"] / results["boot_s_qemu"], 3)
    bench_boot_cpus(rvcp, qemu, 2)


def bench_boot_cpus(rvcp, qemu, n):
    """The same boot on n virtual CPUs (a hart per host thread; QEMU -smp n)."""
    qemu = [("%d" % n if x == "1" and qemu[i - 1] == "-smp" else x) for i, x in enumerate(qemu)]
    a = [time_to_prompt(rvcp + ["--cpus", str(n)]) for _ in range(RUNS)]
    b = [time_to_prompt(qemu) for _ in range(RUNS)]
    a = [x for x in a if x is not None]
    b = [x for x in b if x is not None]
    if a:
        results["boot_s_%dcpus" % n] = round(statistics.median(a), 3)
    if b:
        results["boot_s_qemu_%dcpus" % n] = round(statistics.median(b), 3)


def bench_debian_kernel():
    """Debian's stock kernel (make debian-kernel) with a busybox initramfs to
    its shell: rvcp's built-in SBI against QEMU virt with Debian's OpenSBI
    fw_jump, same Image, initramfs, command line and storage."""
    dk = os.path.join(GUEST, "debian-kernel")
    image, initrd = os.path.join(dk, "Image"), os.path.join(dk, "initrd.gz")
    if not (os.path.exists(image) and os.path.exists(initrd)):
        note("no Debian kernel (make debian-kernel): debian_kernel_boot not measured")
        return
    append = "console=ttyS0 quiet"
    rvcp = [RVCP, "boot", "--kernel", image, "--initrd", initrd, "--memory", "256M",
            "--append", append]
    qemu = [QEMU, "-M", "virt", "-nographic", "-m", "256M", "-smp", "1",
            "-bios", "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin",
            "-kernel", image, "-initrd", initrd, "-append", append]
    a, b, ca, cb = [], [], [], []
    for _ in range(RUNS):
        a.append(time_to_prompt(rvcp))
        ca.append(last_cpu_s)
        b.append(time_to_prompt(qemu))
        cb.append(last_cpu_s)
    # Host CPU to the prompt: on a shared, loaded host the steadier figure.
    results["debian_kernel_boot_cpu_s"] = round(statistics.median(ca), 3)
    results["debian_kernel_boot_cpu_s_qemu"] = round(statistics.median(cb), 3)
    for who, xs in (("rvcp", a), ("qemu", b)):
        if None in xs:
            note("%s did not reach Debian's kernel's shell in %d of %d runs"
                 % (who, xs.count(None), RUNS))
    a = [x for x in a if x is not None]
    b = [x for x in b if x is not None]
    if a:
        results["debian_kernel_boot_s"] = round(statistics.median(a), 3)
        series["debian_kernel_boot_rvcp"] = a
    if b:
        results["debian_kernel_boot_s_qemu"] = round(statistics.median(b), 3)
        series["debian_kernel_boot_qemu"] = b
    if a and b:
        results["debian_kernel_boot_ratio"] = round(
            results["debian_kernel_boot_s"] / results["debian_kernel_boot_s_qemu"], 3)


# --- CP, saved systems, many guests -------------------------------------------

def main():
    from cpbench import CP_BENCHES
    from dcssbench import DCSS_BENCHES
    from netbench import NET_BENCHES
    from ssibench import SSI_BENCHES
    from debianbench import DEBIAN_BENCHES
    from guestbench import GUEST_BENCHES

    os.makedirs(OUT, exist_ok=True)
    only = sys.argv[1:]
    path = os.path.join(OUT, "results.json")
    if only and os.path.exists(path):
        # One group run again: the other groups' figures stay as measured.
        with open(path) as f:
            results.update(json.load(f))
    for name, fn in [("mips", bench_mips), ("boot", bench_boot),
                     ("debian_kernel", bench_debian_kernel)] + CP_BENCHES + DCSS_BENCHES + NET_BENCHES + SSI_BENCHES + DEBIAN_BENCHES + GUEST_BENCHES:
        if only and name not in only:
            continue
        print("bench: %s ..." % name, file=sys.stderr)
        try:
            fn()
        except (Exception, SystemExit) as e:  # a failed benchmark is reported, not fatal
            note("%s failed: %s: %s" % (name, type(e).__name__, e))
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")
    import report
    report.write(OUT, results, series, notes)
    print(json.dumps(results, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
