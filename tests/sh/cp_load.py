# SPDX-License-Identifier: MIT
"""CP under load: TERMS terminals issuing commands at once while GUESTS
Linux guests run; LOGONS logons (and logoffs) as fast as CP takes them;
kill -9 of a random VM process under that load (its user told, the others
unharmed); kill -9 of CP under load, then a new CP that takes the running
guests over.  Prints p50 and p99 response times.  Never fails on a time:
every answer must come, and be right.

Run by tests/sh/cp_load.sh (a short version, in make check) and
tests/stress/cp_load.sh (make stress: 200 terminals, 100 guests, 1,000
logons)."""
import os, random, signal, sys, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cp_lib import *

PROMPT = r"# $|# \x1b\[6n$|:/# "


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))] * 1000 if xs else 0.0


def directory(img, terms, guests, logons):
    d = "USER MAINT maint 64M 128M ABCDEG\n MDISK 200 IMAGE %s RR\n" % img
    for i in range(guests):
        d += "USER LNX%04d pw 64M 64M G\n LINK MAINT 200 200 RR\n" % i
    for i in range(max(terms, logons)):
        d += "USER TRM%04d pw 32M 32M G\n" % i
    return d


def boot(cp, i, boot_s):
    t = cp.term()
    t.logon("LNX%04d" % i, "pw")
    t.send("IPL 200")
    t.expect(r"Run /sbin/init|/init", boot_s)
    t.send("")
    t.expect(PROMPT, boot_s)
    return t


def hammer(cp, i, rounds, times, errors):
    try:
        t = cp.term()
        t.logon("TRM%04d" % i, "pw")
        for _ in range(rounds):
            t0 = time.monotonic()
            t.cmd("QUERY TIME", r"CONNECT=")
            times.append(time.monotonic() - t0)
        t.cmd("LOGOFF", "LOGOFF AT")
    except SystemExit:
        errors.append("terminal %d: no answer" % i)


def logon_storm(cp, n, workers, times, errors):
    def one(k):
        try:
            t0 = time.monotonic()
            t = cp.term()
            t.logon("TRM%04d" % k, "pw")
            t.cmd("LOGOFF", "LOGOFF AT")
            times.append(time.monotonic() - t0)
        except SystemExit:
            errors.append("logon %d failed" % k)
    todo = list(range(n))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                k = todo.pop()
            one(k)
    ts = [threading.Thread(target=worker) for _ in range(workers)]
    t0 = time.monotonic()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return time.monotonic() - t0


def run(terms, guests, logons, rounds):
    img = os.path.join(os.environ.get("GUEST", ""), "linux.img")
    if not os.path.exists(img):
        skip("no guest disk %s (make guest)" % img)
    boot_s = 1800 if os.environ.get("SANITIZED") == "1" else 900
    d = directory(img, terms, guests, logons)
    args = ["--logon-per-address", "0", "--logon-lock-address", "0"]
    cp = CP(d, name="load", args=args)
    cps = [cp]
    try:
        t0 = time.monotonic()
        gts = [boot(cp, i, boot_s) for i in range(guests)]
        print("%d guests booted in %.1f s" % (guests, time.monotonic() - t0))
        # Terminals hammering CP while the guests run a loop of their own.
        for g in gts:
            g.send("while :; do echo x >/dev/null; done &")
        times, errors = [], []
        ts = [threading.Thread(target=hammer, args=(cp, i, rounds, times, errors))
              for i in range(terms)]
        t0 = time.monotonic()
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if errors:
            fail("; ".join(errors[:5]))
        print("%d terminals x %d QUERY TIME in %.1f s: p50 %.1f ms, p99 %.1f ms"
              % (terms, rounds, time.monotonic() - t0, pct(times, 50), pct(times, 99)))
        # Logons as fast as CP takes them.
        times, errors = [], []
        secs = logon_storm(cp, logons, min(32, logons), times, errors)
        if errors:
            fail("; ".join(errors[:5]))
        print("%d logons in %.1f s: p50 %.1f ms, p99 %.1f ms"
              % (logons, secs, pct(times, 50), pct(times, 99)))
        # kill -9 of a random VM process: its user is told, the others go on.
        pids = cp.vm_pids()
        victim = "LNX%04d" % random.randrange(guests)
        os.kill(pids[victim], signal.SIGKILL)
        gts[int(victim[3:])].expect(r"HCPVMP1058E Virtual machine %s ended abnormally" % victim)
        for i, g in enumerate(gts):
            if "LNX%04d" % i != victim:
                g.cmd("echo alive-$((%d+1))" % i, r"alive-%d" % (i + 1))
        # kill -9 of CP under load: the guests are taken over by the next CP.
        left = [i for i in range(guests) if "LNX%04d" % i != victim]
        cp.kill_cp_only()
        cp = CP(d, name="load", args=args)
        cps.append(cp)
        for i in left:
            t = cp.term()
            t.logon("LNX%04d" % i, "pw", greeting="RECONNECTED AT")
            t.cmd("kill %%1; echo back-$((%d+2))" % i, r"back-%d" % (i + 2))
        print("kill -9 of CP: %d running guests taken over by the next CP" % len(left))
        cp.stop()
    finally:
        for c in cps:
            c.kill()
