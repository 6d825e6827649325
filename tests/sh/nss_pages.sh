#!/bin/sh
# Named Saved Systems with a bare-metal guest (tests/nssprog/pgtest.c): the
# seed's procedure (DEFSYS, TRACE ... CMD SAVESYS, IPL vdev) on a system
# with every page type; then IPL by name as two users at once: what each
# page type looks like to the guest (saved data or zero, store faults in
# ER/SR/SC), SW shared between the users, EW private, PARM text and a
# bigger storage in the device tree; MINSIZE, a device configuration that
# differs, RSTD and NAMESAVE, replacement and PURGE while in use (class P),
# and a damaged spool file refused.
exec python3 - "$@" <<'PYEOF'
import os, sys, subprocess
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

BUILD = os.environ["BUILD"]
prog = os.path.join(BUILD, "tests", "nssprog", "pgtest.bin")
if not os.path.exists(prog):
    skip("no %s (make tests)" % prog)

DIRECTORY = """USER MAINT maint 16M 64M ABCDEG
 MDISK 200 IMAGE pg.img RR
USER U1 p 16M 64M G
 LINK MAINT 200 200 RR
USER U2 p 32M 64M G
 LINK MAINT 200 200 RR
 NAMESAVE PGR
USER SMALL p 8M 64M G
 LINK MAINT 200 200 RR
USER NODISK p 16M 64M G
USER OTHER p 16M 64M G
 MDISK 200 IMAGE other.img RR
"""
RANGES = "0-FF EW 100-1FF ER 200-2FF EW 300-3FF SR 400-4FF SW 500-5FF SN 600-6FF SC 700-7FF EN"
os.makedirs(os.path.join(TMP, "nsspg"), exist_ok=True)
for name, size in (("pg.img", 1 << 20), ("other.img", 2 << 20)):
    img = os.path.join(TMP, "nsspg", name)
    with open(img, "wb") as f:
        f.truncate(size)
    subprocess.check_call([RVCP, "zipl", "--disk", img, "--kernel", prog])
cp = CP(DIRECTORY, "nsspg")
spool = os.path.join(cp.dir, "spool")


def save(t, name, extra=""):
    """The seed's procedure: DEFSYS, a trap with SAVESYS, IPL the disk."""
    t.cmd("DEFSYS %s %s MINSIZE=16M%s" % (name, RANGES, extra), r"successfully defined")
    t.cmd("TRACE I R 201000 CMD SAVESYS %s#TRACE END ALL" % name, r"")
    t.cmd("IPL 200", r"PGTEST FILLED")
    t.expect(r" -> 00201000  INSTRUCTION TRACE")
    m = t.expect(r"HCPNSS440I Saved system %s was successfully saved in fileid (\d{4})\." % name)
    t.cmd("QUERY TRACE", r"No trace sets defined")
    return m.group(1)


def ipl(t, name, parm, mem):
    t.cmd("IPL %s PARM %s" % (name, parm), r"PGTEST ARGS=.*%s" % parm)
    t.expect(r"PGTEST MEM=%X\b" % mem)
    for typ, byte, fault in (("EW", "58", "0"), ("ER", "45", "7"), ("SR", "53", "7"),
                             ("SW", "57", "0"), ("SN", "0", "0"), ("SC", "0", "7"),
                             ("EN", "0", "0")):
        t.expect(r"PGTEST %s ok byte=%s fault=%s\b" % (typ, byte, fault))


try:
    maint = cp.term()
    maint.logon("MAINT", "maint")
    fid = save(maint, "PGTEST")
    maint.cmd("QUERY NSS NAME PGTEST", r"\*NSS     %s NSS  A  2048 .* PGTEST   NSS      MAINT" % fid)

    u1 = cp.term()
    u1.logon("U1", "p")
    ipl(u1, "PGTEST", "role=writer", 16 << 20)
    u1.expect(r"PGTEST WROTE")
    u1.expect(r"PGTEST PASSED")
    u2 = cp.term()
    u2.logon("U2", "p")
    ipl(u2, "pgtest", "role=reader", 32 << 20)   # a bigger VM sees all its storage
    u2.expect(r"PGTEST SAW TOKEN")              # SW: one memfd for both users
    u2.expect(r"PGTEST EW PRIVATE")             # EW: copy-on-write, private
    u2.expect(r"PGTEST PASSED")
    maint.cmd("QUERY NSS USERS PGTEST", r"U1 +, U2")
    maint.cmd("QUERY NSS MAP NAME PGTEST", r"%s PGTEST   NSS          16M  00000  000FF  EW   A  00002" % fid)

    # Refusals, each naming the reason.
    s = cp.term()
    s.logon("SMALL", "p")
    s.cmd("IPL PGTEST", r"HCPNSS1015E Storage size 8M is less than the MINSIZE 16M of system PGTEST")
    s.cmd("LOGOFF", r"LOGOFF AT")
    s = cp.term()
    s.logon("NODISK", "p")
    s.cmd("IPL PGTEST", r"HCPNSS1018E Device configuration does not match system PGTEST: "
          r"device 0200 \(1M\) is missing")
    s.cmd("LOGOFF", r"LOGOFF AT")
    s = cp.term()
    s.logon("OTHER", "p")
    s.cmd("IPL PGTEST", r"HCPNSS1018E Device configuration does not match system PGTEST: "
          r"device 0200 is 2M, saved with 1M")
    s.cmd("IPL NOSUCH", r"HCPNSS422E System NOSUCH does not exist")
    s.cmd("LOGOFF", r"LOGOFF AT")

    # Replacement while in use: the old file becomes class P and goes with its last user.
    fid2 = save(maint, "PGTEST")
    maint.cmd("QUERY NSS NAME PGTEST", r"%s NSS  P " % fid)
    maint.expect(r"%s NSS  A " % fid2)
    if not os.path.exists(os.path.join(spool, fid + ".pend")):
        fail("no pending-purge file")
    maint.cmd("QUERY NSS USERS PGTEST", r"U1 +, U2")
    u1.cmd("#CP IPL PGTEST PARM role=none", r"PGTEST PASSED")  # U1 moves to the new one
    u2.cmd("#CP LOGOFF", r"LOGOFF AT")                        # the last user of the old one
    maint.send("QUERY NSS NAME PGTEST")
    out = maint.quiet(1.5)
    if (" %s NSS" % fid) in out or os.path.exists(os.path.join(spool, fid + ".pend")):
        fail("pending-purge file not deleted after its last user left:\n" + out)

    # PURGE while in use: class P at once, deleted when U1 leaves.
    maint.cmd("PURGE NSS NAME PGTEST", r"0001 FILE PURGED")
    maint.cmd("QUERY NSS NAME PGTEST", r"%s NSS  P " % fid2)
    u1.cmd("#CP IPL PGTEST", r"HCPNSS422E System PGTEST does not exist")
    u1.cmd("LOGOFF", r"LOGOFF AT")
    maint.cmd("QUERY NSS NAME PGTEST", r"HCPNSS422E System PGTEST does not exist")

    # RSTD: only users with NAMESAVE PGR may IPL it.
    save(maint, "PGR", " RSTD")
    maint.cmd("QUERY NSS NAME PGR", r" NSS  R ")
    u1 = cp.term()
    u1.logon("U1", "p")
    u1.cmd("IPL PGR", r"HCPNSS1017E Userid U1 is not authorized to IPL restricted system PGR")
    u2 = cp.term()
    u2.logon("U2", "p")
    ipl(u2, "PGR", "role=none", 32 << 20)
    u2.cmd("#CP LOGOFF", r"LOGOFF AT")

    # A damaged spool file is refused, never mapped.
    maint.send("QUERY NSS NAME PGR")
    pgr = maint.expect(r"\*NSS     (\d{4}) NSS  R ").group(1)
    with open(os.path.join(spool, pgr + ".nss"), "r+b") as f:
        f.seek(-4096 * 0x100 + 100, os.SEEK_END)   # the data of the last saved range (SW)
        b = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([b[0] ^ 0xff]))
    u1.cmd("IPL PGR", r"HCPNSS1017E")  # still RSTD first
    u2 = cp.term()
    u2.logon("U2", "p")
    u2.cmd("IPL PGR", r"HCPNSS1019E System PGR cannot be used: data checksum mismatch in pages")
    u2.cmd("LOGOFF", r"LOGOFF AT")
    u1.cmd("LOGOFF", r"LOGOFF AT")
    maint.cmd("LOGOFF", r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
print("ok")
PYEOF
