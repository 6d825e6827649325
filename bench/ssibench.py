"""SSI benchmarks (ssi/): IPL by name at a member that must fetch the saved
system first.  A three-node etcd cluster and members on this host
(tests/sh/ssi_lib.py); MAINT saves the seed's LXSHR at member M1; then, for
each run, a new member with an empty spool is started and a user there IPLs
LXSHR.  ssi_ipl_fetch_ms is CP's own measure at that member: the cluster
asked, the file fetched over the members' authenticated channel and checked
(ssi: ... had in N ms), plus the IPL to the first instruction (IPL LXSHR:
N ms).  ipl_name_ms (cpbench) is the same IPL where the file is at hand.
QEMU has no saved systems to fetch: there is no QEMU figure beside it.
"""
import os
import re
import shutil
import statistics
import sys

from common import GUEST, RUNS, RVCP, SRC, note, results, series

os.environ.setdefault("RVCP", RVCP)
sys.path.insert(0, os.path.join(SRC, "tests", "sh"))


def _directory(disk):
    return ("USER MAINT maint 64M 256M ABCDEG\n MDISK 200 IMAGE %s RR\n"
            "USER LNX0001 pw 64M 64M G\n LINK MAINT 200 200 RR\n" % disk)


def _fetch_ms(cp):
    text = cp.logtext()
    had = re.search(r"ssi: LXSHR for LNX0001 had in (\d+) ms \(fetched", text)
    ipl = re.search(r"LNX0001: IPL LXSHR: ([\d.]+) ms to the first instruction", text)
    return float(had.group(1)) + float(ipl.group(1)) if had and ipl else None


def bench_ssi():
    disk = os.path.join(GUEST, "linux.img")
    if not os.path.exists(disk) or not shutil.which("etcd"):
        note("no guest disk or no etcd: SSI benchmarks not run")
        return
    os.environ.setdefault("TMPDIR", "/tmp")
    import ssi_lib
    tmp = os.environ["TMPDIR"]
    key = os.path.join(tmp, "ssibench.key")
    with open(key, "w") as f:
        f.write("the benchmark cluster's key %d\n" % os.getpid())
    extra = ["--ssi-key", key]
    etcd = ssi_lib.Etcd()
    cps = []
    try:
        m1 = ssi_lib.member(etcd, _directory(disk), "M1", ttl=30, extra=extra)
        cps.append(m1)
        t = m1.term()
        t.logon("MAINT", "maint")
        t.cmd("DEFSYS LXSHR 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M", r"defined")
        t.cmd("TRACE I R 010000 CMD SAVESYS LXSHR#TRACE END ALL", r"")
        t.cmd("IPL 200", r"successfully saved", 600)
        ssi_lib.until(lambda: etcd.get("/rvcp/nss/LXSHR"), "LXSHR not in the catalogue")
        runs = []
        for i in range(RUNS):
            name = "F%d" % i
            cp = ssi_lib.member(etcd, _directory(disk), name, ttl=30, extra=extra)
            cps.append(cp)
            u = cp.term()
            u.logon("LNX0001", "pw")
            u.send("IPL LXSHR")
            u.expect(r"root@rvcp:/# ", 600)
            ms = ssi_lib.until(lambda: _fetch_ms(cp), "no fetch figures in the log")
            runs.append(ms)
            u.send("#CP LOGOFF")
            u.expect(r"LOGOFF AT")
            cp.stop()
        results["ssi_ipl_fetch_ms"] = round(statistics.median(runs), 1)
        series["ssi_ipl_fetch_ms"] = runs
        t.send("LOGOFF")
        m1.stop()
    finally:
        for cp in cps:
            cp.kill()
        etcd.stop()


SSI_BENCHES = [("ssi", bench_ssi)]
