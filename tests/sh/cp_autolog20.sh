#!/bin/sh
# 20 users at once: MAINT AUTOLOGs LINUX01..LINUX20, each of which IPLs 200
# (its directory IPL statement) disconnected; then each is reconnected and
# runs a command in its booted shell.  Prints the RSS and PSS of CP and of
# every VM process at that point (also into $BUILD/cp-memory.txt).
# Under the sanitizers (SANITIZED=1) 5 users are started instead of 20.
exec python3 - "$@" <<'PYEOF'
import os, sys, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

img = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(img):
    skip("no guest disk %s (make guest)" % img)
sanitized = os.environ.get("SANITIZED") == "1"
N = 5 if sanitized else 20
BOOT = 1500 if sanitized else 800
PROMPT = r"# $|# \x1b\[6n$|:/# "

d = "USER MAINT maint 64M 128M ABCDEG\n"
for i in range(1, N + 1):
    d += "USER LINUX%02d pw%d 64M 64M G\n MDISK 200 IMAGE %s RR\n IPL 200\n" % (i, i, img)
cp = CP(d)
try:
    t = cp.term()
    t.logon("MAINT", "maint")
    t0 = time.monotonic()
    for i in range(1, N + 1):
        t.cmd("AUTOLOG LINUX%02d" % i, r"AUTO LOGON  \*\*\*       LINUX%02d  USERS = %d" % (i, i + 1))
    t.cmd("Q USERS", r"\s%d USERS" % (N + 1))
    # Reconnect each user in turn; its guest, booting all along, must answer.
    for i in range(1, N + 1):
        u = cp.term()
        u.logon("LINUX%02d" % i, "pw%d" % i, greeting="RECONNECTED AT")
        deadline = time.monotonic() + BOOT
        while True:
            u.send("echo up-%d-$((%d*3))" % (i, i))
            if u.poll(r"up-%d-%d" % (i, i * 3), 5):
                break
            if time.monotonic() > deadline:
                fail("LINUX%02d: no shell; output:\n%s" % (i, u.buf[-2000:]))
        u.cmd("#CP DISCONNECT", r"DISCONNECT AT")
        u.close()
    booted = time.monotonic() - t0
    pids = cp.vm_pids()
    if len(pids) != N + 1:  # and MAINT's, not IPLed
        fail("%d VM processes for %d users: %r" % (len(pids), N + 1, pids))
    lines = ["%d users booted to the shell in %.1f s (AUTOLOG to last answer)" % (N, booted),
             "%-10s %8s %10s %10s" % ("process", "pid", "RSS KiB", "PSS KiB")]
    rss, pss = mem_rollup(cp.proc.pid)
    lines.append("%-10s %8d %10d %10d" % ("CP", cp.proc.pid, rss, pss))
    trss = tpss = 0
    for user in sorted(pids):
        rss, pss = mem_rollup(pids[user])
        lines.append("%-10s %8d %10d %10d" % (user, pids[user], rss, pss))
        if user == "MAINT":
            continue  # not IPLed: not in the totals
        trss += rss
        tpss += pss
    lines.append("%-10s %8s %10d %10d" % ("%d guests" % N, "", trss, tpss))
    lines.append("%-10s %8s %10d %10d" % ("per guest", "", trss // N, tpss // N))
    report = "\n".join(lines)
    print(report)
    with open(os.path.join(os.environ.get("BUILD", "."), "cp-memory.txt"), "w") as f:
        f.write(report + "\n")
    t.cmd("Q N", r"LINUX01  - DSC")
    cp.stop()
finally:
    cp.kill()
PYEOF
