#!/bin/sh
# Two CP members on a three-node etcd cluster (ssi/ssi.h, cp/cmd_ssi.h):
# QUERY SSI shows both; a user logged on at one member is refused at the
# other (HCPLGA054E, HCPLGA1701I), by LOGON or XAUTOLOG, and free again after
# LOGOFF or FORCE; a second
# member of a name in use is refused; a member killed loses its users at
# its lease's end (4 s; the others have 30 s, which a loaded machine's
# etcd cannot miss) and shows Down; one etcd node of three killed, the
# cluster keeps working; users at the other member are seen by QUERY and
# QUERY NAMES and reached by MSG, FORCE and AT member CMD; a clean shutdown shows Down (shut down successfully).
exec python3 - "$@" <<'PYEOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from ssi_lib import *

DIRECTORY = """USER ALICE pa 32M 32M G
USER BOB pb 32M 32M G
USER CAROL pc 32M 32M G
USER OPER po 32M 32M ABCDEG
"""

etcd = Etcd()
key = os.path.join(TMP, "ssi.key")
with open(key, "w") as f:
    f.write("the cluster's secret for this run %d\n" % os.getpid())
KEY = ["--ssi-key", key]
cps = []
try:
    m1 = member(etcd, DIRECTORY, "M1", ttl=30, extra=KEY)
    cps.append(m1)
    m2 = member(etcd, DIRECTORY, "M2", ttl=4, extra=KEY)
    cps.append(m2)
    o1 = m1.term()
    o1.logon("OPER", "po")

    def joined(t, names):
        t.send("QUERY SSI")
        t.expect(r"SSI Name: RVCPSSI")
        out = t.quiet(1.5)
        return out if all(re.search(r"\d+ %-8s Joined" % n, out) for n in names) else None

    out = until(lambda: joined(o1, ["M1", "M2"]), "QUERY SSI does not show M1 and M2 joined")
    if "SSI Mode: Stable" not in out or "SLOT SYSTEMID STATE" not in out:
        fail("QUERY SSI layout: " + out)

    # A second member named M1 is refused while M1 lives.
    dup = subprocess.run([RVCP, "cp", "--directory", m1.dirfile, "--spool",
                          os.path.join(TMP, "dupspool"), "--listen", "127.0.0.1:%d" % free_port(),
                          "--ssi", etcd.urls, "--member", "M1"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=WAIT)
    if dup.returncode == 0 or b"already joined" not in dup.stdout:
        fail("a second member M1 was not refused: %r" % dup.stdout[-500:])

    # ALICE at M1: refused at M2, with the member named.
    a1 = m1.term()
    a1.logon("ALICE", "pa")
    a2 = m2.term()
    a2.cmd("LOGON ALICE", "ENTER PASSWORD")
    a2.send("pa")
    a2.expect(r"HCPLGA054E ALICE already logged on")
    a2.expect(r"HCPLGA1701I ALICE is logged on at SSI member M1")
    if '"member":"M1"' not in (etcd.get("/rvcp/user/ALICE") or ""):
        fail("no registry entry for ALICE at M1")
    # A reconnection at M1 itself is no conflict.
    a1b = m1.term()
    a1b.logon("ALICE", "pa", greeting="RECONNECTED AT")
    a1b.cmd("LOGOFF", "LOGOFF AT")
    until(lambda: etcd.get("/rvcp/user/ALICE") is None, "LOGOFF did not free ALICE")
    a2.logon("ALICE", "pa")
    a2.cmd("LOGOFF", "LOGOFF AT")

    # BOB at M2; M2 is killed: BOB is free once M2's lease (4 s) is gone.
    b2 = m2.term()
    b2.logon("BOB", "pb")
    b1 = m1.term()
    b1.cmd("LOGON BOB", "ENTER PASSWORD")
    b1.send("pb")
    b1.expect(r"HCPLGA1701I BOB is logged on at SSI member M2")
    # Users at the other member: QUERY, QUERY NAMES, MSG, FORCE, AT.
    def asked(t, cmd, pattern):
        t.send(cmd)
        return re.search(pattern, t.quiet(1.5))
    until(lambda: asked(o1, "QUERY BOB", r"BOB      - AT M2"), "QUERY BOB does not show M2")
    until(lambda: asked(o1, "QUERY NAMES", r"BOB      - AT M2"), "QUERY NAMES does not show BOB")
    o1.send("MSG BOB hello from the other member")
    b2.expect(r"MSG FROM OPER    : hello from the other member")
    o1.cmd("AT M2 CMD QUERY NAMES", r"BOB      - L\d{4}")
    o1.cmd("AT M2 CMD QUERY VIRTUAL STORAGE", r"HCPSSI1715E QUERY VIRTUAL STORAGE is not run")
    o1.cmd("AT M9 CMD QUERY NAMES", r"HCPSSI1714E M9 is not a joined member")
    c2 = m2.term()
    c2.logon("CAROL", "pc")
    until(lambda: asked(o1, "QUERY CAROL", r"CAROL    - AT M2"), "QUERY CAROL does not show M2")
    o1.cmd("FORCE CAROL", r"USER CAROL    FORCED BY OPER")
    c2.expect(r"FORCED BY OPER")
    until(lambda: etcd.get("/rvcp/user/CAROL") is None, "FORCE at M2 did not free CAROL")

    o1.cmd("XAUTOLOG BOB", r"HCPLGA054E BOB already logged on")
    o1.expect(r"HCPLGA1701I BOB is logged on at SSI member M2")
    o1.cmd("XAUTOLOG CAROL", r"AUTO LOGON  \*\*\*       CAROL")
    until(lambda: '"member":"M1"' in (etcd.get("/rvcp/user/CAROL") or ""),
          "AUTOLOG did not register CAROL")
    o1.cmd("FORCE CAROL", r"USER CAROL    FORCED BY OPER")
    until(lambda: etcd.get("/rvcp/user/CAROL") is None, "FORCE did not free CAROL")
    kill_cp(m2)
    until(lambda: etcd.get("/rvcp/user/BOB") is None, "BOB not freed after M2 died")
    b1.logon("BOB", "pb")
    until(lambda: re.search(r"\d+ M2\s+Down \(lease expired\)", joined(o1, ["M1"]) or ""),
          "QUERY SSI does not show M2 down")

    # One etcd node of three killed: LOGON and LOGOFF still decided.
    etcd.kill("n0")
    c1 = m1.term()
    c1.logon("CAROL", "pc")
    until(lambda: '"member":"M1"' in (etcd.get("/rvcp/user/CAROL") or ""),
          "CAROL not registered with one etcd node down")
    c1.cmd("LOGOFF", "LOGOFF AT")
    until(lambda: etcd.get("/rvcp/user/CAROL") is None, "CAROL not freed with one node down")

    # M2 comes back under its name and slot; a clean shutdown of M1 frees BOB.
    m2 = member(etcd, DIRECTORY, "M2", ttl=30, extra=KEY)
    cps.append(m2)
    m1.stop()
    until(lambda: etcd.get("/rvcp/user/BOB") is None, "BOB not freed by M1's shutdown")
    b2 = m2.term()
    b2.logon("BOB", "pb")
    until(lambda: re.search(r"\d+ M1\s+Down \(shut down successfully\)",
                            b2.send("QUERY SSI") or b2.quiet(1.5)),
          "QUERY SSI does not show M1 shut down")
    m2.stop()
finally:
    for cp in cps:
        cp.kill()
    etcd.stop()
PYEOF
