"""Benchmarks through the control program: saved systems and many guests.

One `rvcp cp` with MAINT (class E) and LNX0001..LNXnnnn, whose
directory IPL statement names LXBOOT.  MAINT saves the seed's LXSHR (the
page's procedure) and LXBOOT (a booted guest saved at its shell prompt);
then users IPL them, and finally 1, 10, 100, 1000 users are AUTOLOGged,
resuming LXBOOT disconnected, for the memory and idle-CPU figures
(BENCH_GUESTS sets the counts; `make stress` goes on to 10,000).
autolog_s_to_N is the time from the first AUTOLOG to the Nth answered;
logon_ms_p99_N the 99th percentile of a LOGON (password prompt to
"LOGON AT", a VM process started) while N guests are there.
"""
import os
import re
import resource
import statistics
import sys
import time

from common import GUEST, RUNS, RVCP, SRC, note, results, series

os.environ.setdefault("RVCP", RVCP)
sys.path.insert(0, os.path.join(SRC, "tests", "sh"))
import cp_lib  # noqa: E402

PROMPT = r"root@rvcp:/# "
COUNTS = [int(x) for x in os.environ.get("BENCH_GUESTS", "1,10,100,1000").split(",")]
NMAX = max(COUNTS)


def _directory(disk):
    d = "USER MAINT maint 64M 256M ABCDEG\n MDISK 200 IMAGE %s RR\n" % disk
    d += "USER PROBE pw 32M 32M G\n"  # the LOGON latency probe
    # HOLDSHR and HOLDBOOT keep LXSHR and LXBOOT in use, as on a system
    # where they have users: an IPL then finds the saved system active.
    for holder in ("HOLDSHR", "HOLDBOOT"):
        d += "USER %s pw 64M 64M G\n LINK MAINT 200 200 RR\n" % holder
    for i in range(1, NMAX + 1):
        d += "USER LNX%04d pw 64M 64M G\n LINK MAINT 200 200 RR\n IPL LXBOOT\n" % i
    return d


def _cpu_ns(pid):
    """CPU time of a process so far, in ns: scheduler accounting (an idle
    guest runs for microseconds at a time, below a tick), or utime + stime
    in ticks where the kernel keeps no scheduler statistics (they read 0)."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
            total += int(f.read().split()[0])
    if total:
        return total
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000000000 // os.sysconf("SC_CLK_TCK")


def _lnx_pids(cp):
    return [p for u, p in cp.vm_pids().items() if u.startswith("LNX")]


def _cpu_pct(pids, secs):
    """CPU the processes use over secs seconds, in % of one core."""
    before = sum(_cpu_ns(p) for p in pids)
    t0 = time.monotonic()
    time.sleep(secs)
    used = (sum(_cpu_ns(p) for p in pids) - before) / 1e9
    return round(100 * used / (time.monotonic() - t0), 3)


def _to_shell(term, target):
    term.quiet(0.3)  # drop what earlier runs left, so no stale prompt matches
    t0 = time.monotonic()
    term.send("IPL " + target)
    if target == "LXBOOT":
        term.send("")  # the resumed shell was waiting for a line
    term.expect(PROMPT, 600)
    return time.monotonic() - t0


def _answer_ms(term, target):
    """IPL to the shell answering a command, in ms."""
    term.quiet(0.3)
    t0 = time.monotonic()
    term.send("IPL " + target)
    term.send("echo ok-$((6*7))")
    term.expect(r"ok-42", 600)
    return (time.monotonic() - t0) * 1000


def _save_systems(m):
    m.cmd("DEFSYS LXSHR 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M", r"defined")
    m.cmd("TRACE I R 010000 CMD SAVESYS LXSHR#TRACE END ALL", r"")
    m.cmd("IPL 200", r"successfully saved", 600)
    m.cmd("DEFSYS LXBOOT 0-FF EW 100-2FF SR 300-3FFF EW MINSIZE=64M", r"defined")
    m.cmd("IPL 200", PROMPT, 600)
    m.cmd("#CP SAVESYS LXBOOT", r"successfully saved", 600)
    m.cmd("#CP SYSTEM CLEAR", r"")


def _hold(cp, user, system):
    t = cp.term()
    t.logon(user, "pw")
    _to_shell(t, system)
    return t


def _ipl_latencies(cp, users):
    rx = re.compile(r"(\w+): IPL LX\w+: ([\d.]+) ms to the first instruction")
    return [float(ms) for who, ms in rx.findall(cp.logtext()) if who in users]


def _ipl_figures(cp):
    # The first IPL of a saved system activates it: CP checks its data
    # checksums once (xxh3 over the saved pages) before mapping it.
    holders = [_hold(cp, "HOLDSHR", "LXSHR"), _hold(cp, "HOLDBOOT", "LXBOOT")]
    first = _ipl_latencies(cp, ("HOLDSHR", "HOLDBOOT"))
    if first:
        results["ipl_name_first_ms"] = round(max(first), 3)
    u = cp.term()
    u.logon("LNX%04d" % 1, "pw")
    disk, lxshr, boot = [], [], []
    for _ in range(RUNS):
        u.send("#CP SYSTEM CLEAR")
        disk.append(_to_shell(u, "200"))
        u.send("#CP SYSTEM CLEAR")
        lxshr.append(_to_shell(u, "LXSHR"))
        u.send("#CP SYSTEM CLEAR")
        boot.append(_answer_ms(u, "LXBOOT"))
    results["shell_ipl_disk_s"] = round(statistics.median(disk), 3)
    results["shell_ipl_lxshr_s"] = round(statistics.median(lxshr), 3)
    results["resume_shell_ms"] = round(statistics.median(boot), 1)
    series["resume_shell_ms"] = boot
    lat = _ipl_latencies(cp, ("LNX0001",))
    if lat:
        results["ipl_name_ms"] = round(statistics.median(lat), 3)
        series["ipl_name_ms"] = lat
    else:
        note("CP's log has no IPL-by-name latency lines")
    for t in [u] + holders:
        t.send("#CP LOGOFF")
        t.expect(r"LOGOFF AT")
        t.close()


def _logon_ms(cp, samples=100):
    """LOGON times in ms on a connected terminal: "LOGON PROBE" sent to
    "LOGON AT" received (the password given at its prompt; CP starts the
    user's VM process meanwhile), then LOGOFF, which ends the connection."""
    times = []
    for _ in range(samples):
        t = cp.term()
        t0 = time.monotonic()
        t.cmd("LOGON PROBE", "ENTER PASSWORD")
        t.send("pw")
        t.expect("LOGON AT")
        times.append((time.monotonic() - t0) * 1000)
        t.send("#CP LOGOFF")
        t.expect_closed()
        t.close()
    return sorted(times)


def _many_guests(cp, m):
    started = 0
    spent = 0.0  # in AUTOLOGs only, not in the measurements between the counts
    for n in sorted(COUNTS):
        t0 = time.monotonic()
        while started < n:
            started += 1
            m.cmd("AUTOLOG LNX%04d" % started, r"LNX%04d\s+USERS = " % started, 600)
        spent += time.monotonic() - t0
        results["autolog_s_to_%d" % n] = round(spent, 2)
        if n >= 1000:
            # The first seconds after resuming: the guests' pending timers run.
            results["settle_cpu_pct_1000"] = _cpu_pct(_lnx_pids(cp), 10)
        time.sleep(5 + n / 100)  # resumed guests settle into idle
        pids = _lnx_pids(cp)
        if len(pids) != n:
            note("%d VM processes for %d AUTOLOGged users" % (len(pids), n))
        rss = pss = 0
        for pid in pids:
            r, p = cp_lib.mem_rollup(pid)
            rss += r
            pss += p
        results["rss_kib_per_guest_%d" % n] = round(rss / n, 1)
        results["pss_kib_per_guest_%d" % n] = round(pss / n, 1)
        results["cp_rss_kib_%d" % n] = cp_lib.mem_rollup(cp.proc.pid)[0]
        if n >= 1000:
            lat = _logon_ms(cp)
            results["logon_ms_p99_%d" % n] = round(lat[int(len(lat) * 0.99) - 1], 2)
            results["logon_ms_median_%d" % n] = round(statistics.median(lat), 2)
    if started >= 1000:
        results["idle_cpu_pct_1000"] = _cpu_pct(_lnx_pids(cp) + [cp.proc.pid], 30)


def bench_cp():
    disk = os.path.join(GUEST, "linux.img")
    if not os.path.exists(disk):
        note("no guest disk: CP benchmarks not run")
        return
    # The terminals are this script's; CP raises its own descriptor limit.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    os.environ.setdefault("TMPDIR", "/tmp")
    cp = cp_lib.CP(_directory(disk), "cpbench")
    try:
        m = cp.term()
        m.logon("MAINT", "maint")
        _save_systems(m)
        _ipl_figures(cp)
        _many_guests(cp, m)
        cp.stop()
    finally:
        cp.kill()


CP_BENCHES = [("cp", bench_cp)]
