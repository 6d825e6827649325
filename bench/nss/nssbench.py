#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Named Saved Systems figures (a benchmark, not a test: it prints numbers).

  IPL-by-name latency   IPL command to the guest's first instruction, from
                        CP's log ("IPL name: N ms to the first instruction")
  time to a shell       IPL 200 (boot from the disk), IPL LXSHR (the seed's
                        system, saved before the kernel starts) and IPL LXBOOT
                        (saved at the shell prompt), from the command to the
                        prompt on the terminal
  host memory           the summed PSS of the VM processes with 1, 10 and 50
                        guests at the shell, and per additional guest

Usage: bench/nss/nssbench.py [--guests 1,10,50] [--out FILE.json]
Environment: RVCP (build/rvcp), GUEST (build/guest: linux.img), TMPDIR.
"""
import json, os, re, statistics, sys, tempfile, time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRC, "tests", "sh"))
os.environ.setdefault("RVCP", os.path.join(SRC, "build", "rvcp"))
if "TMPDIR" not in os.environ:
    os.environ["TMPDIR"] = tempfile.mkdtemp(prefix="nssbench.")
import cp_lib  # noqa: E402
from cp_lib import CP, mem_rollup  # noqa: E402

counts = [1, 10, 50]
out = None
args = sys.argv[1:]
while args:
    if args[0] == "--guests":
        counts = [int(x) for x in args[1].split(",")]
        args = args[2:]
    elif args[0] == "--out":
        out = args[1]
        args = args[2:]
    else:
        sys.exit(__doc__)
disk = os.path.join(os.environ.get("GUEST", os.path.join(SRC, "build", "guest")), "linux.img")
if not os.path.exists(disk):
    sys.exit("no guest disk %s (make guest)" % disk)
N = max(counts)
directory = "USER MAINT maint 64M 256M ABCDEG\n MDISK 200 IMAGE %s RR\n" % disk
for i in range(1, N + 1):
    directory += "USER LINUX%02d pw 64M 64M G\n LINK MAINT 200 200 RR\n" % i
cp = CP(directory, "nssbench")
PROMPT = r"root@rvcp:/# "
results = {"guests": counts}


def to_shell(term, target):
    t0 = time.monotonic()
    term.send("IPL " + target)
    if target == "LXBOOT":
        term.send("")  # a resumed shell prints its prompt again on a new line
    term.expect(PROMPT, 600)
    return time.monotonic() - t0


def latencies(name):
    return [float(x) for x in re.findall(r"IPL %s: ([\d.]+) ms to the first instruction" % name,
                                         cp.logtext())]


try:
    m = cp.term()
    m.logon("MAINT", "maint")
    m.cmd("DEFSYS LXSHR 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M", r"defined")
    m.cmd("TRACE I R 010000 CMD SAVESYS LXSHR#TRACE END ALL", r"")
    m.cmd("IPL 200", r"successfully saved")
    m.cmd("DEFSYS LXBOOT 0-FF EW 100-2FF SR 300-3FFF EW MINSIZE=64M", r"defined")
    m.cmd("IPL 200", PROMPT, 600)
    m.cmd("#CP SAVESYS LXBOOT", r"successfully saved")
    m.cmd("#CP SYSTEM CLEAR", r"Storage cleared")

    for target in ("200", "LXSHR", "LXBOOT"):
        terms, shell, mem = [], [], {}
        for i in range(1, N + 1):
            u = cp.term()
            u.logon("LINUX%02d" % i, "pw")
            shell.append(to_shell(u, target))
            terms.append(u)
            if i in counts:
                time.sleep(1)  # let the guests settle into idle
                pids = cp.vm_pids()
                mem[i] = sum(mem_rollup(pids["LINUX%02d" % k])[1] for k in range(1, i + 1))
        r = {"shell_s_median": statistics.median(shell), "shell_s_first": shell[0],
             "pss_kib": mem}
        if len(counts) > 1:
            lo, hi = counts[0], counts[-1]
            r["kib_per_additional_guest"] = (mem[hi] - mem[lo]) / (hi - lo)
        if target != "200":
            lat = latencies(target)
            r["ipl_latency_ms_median"] = statistics.median(lat)
            r["ipl_latency_ms_max"] = max(lat)
        results["IPL " + target] = r
        for u in terms:
            u.send("#CP LOGOFF")
            u.expect(r"LOGOFF AT")
            u.close()
    m.cmd("LOGOFF", r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()

for target in ("200", "LXSHR", "LXBOOT"):
    r = results["IPL " + target]
    line = "IPL %-7s shell %.3f s (median of %d)" % (target, r["shell_s_median"], N)
    if "ipl_latency_ms_median" in r:
        line += ", first instruction %.2f ms (median; max %.2f)" % (
            r["ipl_latency_ms_median"], r["ipl_latency_ms_max"])
    print(line)
    print("            PSS of the VM processes: " + ", ".join(
        "%d guests %.1f MiB" % (k, v / 1024) for k, v in sorted(r["pss_kib"].items())) +
        (", %.0f KiB per additional guest" % r["kib_per_additional_guest"]
         if "kib_per_additional_guest" in r else ""))
if out:
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
