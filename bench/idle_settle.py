#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host CPU of N freshly resumed idle guests, right after resuming and later.

A benchmark, not a test.  MAINT boots Linux from the disk and saves it at the
shell prompt (LXBOOT); N users whose directory IPL statement names LXBOOT are
AUTOLOGged; the CPU time of their VM processes (scheduler ns from
/proc/PID/task/*/schedstat) is summed over two 10 s windows, starting 3 s and
20 s after the last AUTOLOG; then one guest is reconnected and must answer.

Usage: bench/idle_settle.py [N]   (default 1000; GUEST, RVCP, TMPDIR as for the tests)
"""
import os
import resource
import sys
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SRC, "tests", "sh"))
os.environ.setdefault("RVCP", os.path.join(SRC, "build", "rvcp"))
from cp_lib import CP  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
disk = os.path.join(os.environ.get("GUEST", os.path.join(SRC, "build", "guest")), "linux.img")
d = "USER MAINT maint 64M 256M ABCDEG\n MDISK 200 IMAGE %s RR\n" % disk
for i in range(1, N + 1):
    d += "USER LNX%04d pw 64M 64M G\n LINK MAINT 200 200 RR\n IPL LXBOOT\n" % i


def cpu_ns(pid):
    t = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
            t += int(f.read().split()[0])
    return t


cp = CP(d, "idlesettle")
try:
    m = cp.term()
    m.logon("MAINT", "maint")
    m.cmd("DEFSYS LXBOOT 0-FF EW 100-2FF SR 300-3FFF EW MINSIZE=64M", "defined")
    m.cmd("IPL 200", r"root@rvcp:/# ", 600)
    m.cmd("#CP SAVESYS LXBOOT", "successfully saved")
    m.cmd("#CP SYSTEM CLEAR", "")
    for i in range(1, N + 1):
        m.cmd("AUTOLOG LNX%04d" % i, r"LNX%04d\s+USERS = " % i)
    for settle in (3, 20):
        time.sleep(settle)
        pids = {u: p for u, p in cp.vm_pids().items() if u.startswith("LNX")}
        before = {u: cpu_ns(p) for u, p in pids.items()}
        t0 = time.monotonic()
        time.sleep(10)
        dt = time.monotonic() - t0
        used = sorted((cpu_ns(p) - before[u]) / 1e6 for u, p in pids.items())
        print("%d guests, 10 s window starting %2d s after the last AUTOLOG: %.1f ms CPU = "
              "%.3f%% of a core (median guest %.3f ms, max %.3f ms)"
              % (len(pids), settle, sum(used), 100 * sum(used) / 1e3 / dt,
                 used[len(used) // 2], used[-1]))
    u = cp.term()
    u.logon("LNX%04d" % N, "pw", greeting="RECONNECTED AT")
    u.send("echo alive-$((6*7))")
    u.expect(r"alive-42", 30)
    print("LNX%04d answers at its shell" % N)
    cp.stop()
finally:
    cp.kill()
