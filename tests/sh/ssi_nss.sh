#!/bin/sh
# Saved systems across SSI members (cp/cmd_ssi.h, ssi/fetch.h): MAINT saves
# LXSHR at member M1 (the seed's DEFSYS and TRACE); a user at M2, which has
# its own spool, IPLs LXSHR: M2 fetches the file from M1 with the cluster's
# key, checks it and boots it to the shell; a user at M3, which shares M1's
# spool folder and has no key, IPLs it straight from there; a member with a
# wrong key gets nothing (HCPNSS1711E) and M1 logs the refused request;
# PURGE NSS at M1 takes LXSHR out of the cluster's catalogue.
exec python3 - "$@" <<'PYEOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from ssi_lib import *

disk = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(disk):
    skip("no guest disk %s (make guest)" % disk)
DIRECTORY = """USER MAINT maint 64M 256M ABCDEG
 MDISK 200 IMAGE %s RR
USER LINUX01 pw 64M 128M G
 LINK MAINT 200 200 RR
USER LINUX02 pw 64M 128M G
 LINK MAINT 200 200 RR
USER LINUX03 pw 64M 128M G
 LINK MAINT 200 200 RR
""" % disk

key = os.path.join(TMP, "ssi.key")
with open(key, "w") as f:
    f.write("a shared secret of this test run %d\n" % os.getpid())
bad = os.path.join(TMP, "bad.key")
with open(bad, "w") as f:
    f.write("some other secret entirely, not the cluster's\n")

etcd = Etcd()
cps = []
try:
    m1 = member(etcd, DIRECTORY, "M1", ttl=30, extra=["--ssi-key", key])
    cps.append(m1)
    m2 = member(etcd, DIRECTORY, "M2", ttl=30, extra=["--ssi-key", key])
    cps.append(m2)
    m3 = member(etcd, DIRECTORY, "M3", ttl=30, extra=["--spool", os.path.join(m1.dir, "spool")])
    cps.append(m3)
    m4 = member(etcd, DIRECTORY, "M4", ttl=30, extra=["--ssi-key", bad])
    cps.append(m4)

    t = m1.term()
    t.logon("MAINT", "maint")
    t.cmd("DEFSYS LXSHR 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M",
          r"HCPNSD440I Saved system LXSHR was successfully defined")
    t.cmd("TRACE I R 010000 CMD SAVESYS LXSHR#TRACE END ALL", r"")
    t.cmd("IPL 200", r"HCPNSS440I Saved system LXSHR was successfully saved in fileid (\d+)")
    until(lambda: etcd.get("/rvcp/nss/LXSHR"), "LXSHR not in the cluster's catalogue")

    # M2: fetched from M1, checked, booted.
    u2 = m2.term()
    u2.logon("LINUX01", "pw")
    u2.send("IPL LXSHR")
    u2.expect(r"root@rvcp:/# ", 600)
    u2.send("echo guest-$((6 * 7))")
    u2.expect(r"guest-42", 300)
    if "ssi: fetched LXSHR" not in m2.logtext():
        fail("M2 did not fetch LXSHR:\n" + m2.logtext()[-2000:])
    if not any(n.endswith(".nss") for n in os.listdir(os.path.join(m2.dir, "spool"))):
        fail("M2 did not keep the fetched file in its spool")

    # M3: the shared folder, no key: no fetch.
    u3 = m3.term()
    u3.logon("LINUX02", "pw")
    u3.send("IPL LXSHR")
    u3.expect(r"root@rvcp:/# ", 600)
    if "ssi: fetched" in m3.logtext():
        fail("M3 fetched a file it shares")

    # M4: the wrong key gets nothing from M1 or M2.
    u4 = m4.term()
    u4.logon("LINUX03", "pw")
    u4.cmd("IPL LXSHR", r"HCPNSS1711E System LXSHR could not be had from the SSI cluster")
    until(lambda: "request without the cluster's key refused" in m1.logtext() + m2.logtext(),
          "no member logged the refused request")
    if any(n.endswith(".nss") for n in os.listdir(os.path.join(m4.dir, "spool"))):
        fail("M4 kept a file")

    # PURGE at M1: the catalogue forgets LXSHR.
    t.cmd("PURGE NSS NAME LXSHR", r"FILE PURGED")
    until(lambda: etcd.get("/rvcp/nss/LXSHR") is None, "PURGE left LXSHR in the catalogue")
    for term in (u2, u3, u4, t):
        term.send("#CP LOGOFF" if term in (u2, u3) else "LOGOFF")
    for cp in cps:
        cp.stop()
finally:
    for cp in cps:
        cp.kill()
    etcd.stop()
PYEOF
