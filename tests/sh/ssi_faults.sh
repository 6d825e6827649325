#!/bin/sh
# A member cut off longer than its lease (SIGSTOP: it cannot renew, as when
# its network to etcd is down): its user is freed and logs on at the other
# member; when the member comes back it takes a new lease, finds the user
# logged on elsewhere and logs it off here (HCPLGA1703I), so the user never
# runs at two members; both members are Joined again.
exec python3 - "$@" <<'PYEOF'
import os, signal, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from ssi_lib import *

DIRECTORY = """USER ALICE pa 32M 32M G
USER OPER po 32M 32M ABCDEG
"""
etcd = Etcd()
cps = []
stopped = None
try:
    m1 = member(etcd, DIRECTORY, "M1", ttl=3)
    cps.append(m1)
    m2 = member(etcd, DIRECTORY, "M2", ttl=30)
    cps.append(m2)
    a1 = m1.term()
    a1.logon("ALICE", "pa")
    until(lambda: '"member":"M1"' in (etcd.get("/rvcp/user/ALICE") or ""), "ALICE not at M1")

    m1.proc.send_signal(signal.SIGSTOP)
    stopped = m1
    until(lambda: etcd.get("/rvcp/user/ALICE") is None, "M1's lease did not end")
    a2 = m2.term()
    a2.logon("ALICE", "pa")
    m1.proc.send_signal(signal.SIGCONT)
    stopped = None

    a1.expect(r"HCPLGA1703I Logged off: this user was logged on at SSI member M2")
    if '"member":"M2"' not in (etcd.get("/rvcp/user/ALICE") or ""):
        fail("ALICE's entry is not M2's any more")
    until(lambda: "ALICE: logged off" in m1.logtext(), "M1 did not log ALICE off")
    o2 = m2.term()
    o2.logon("OPER", "po")

    def both_joined():
        o2.send("QUERY SSI")
        out = o2.quiet(1.5)
        return re.search(r"\d+ M1\s+Joined", out) and re.search(r"\d+ M2\s+Joined", out)
    until(both_joined, "M1 did not join again")
    a2.cmd("QUERY ALICE", r"ALICE    - L\d{4}")
    for cp in cps:
        cp.stop()
finally:
    if stopped:
        stopped.proc.send_signal(signal.SIGCONT)
    for cp in cps:
        cp.kill()
    etcd.stop()
PYEOF
