#!/bin/sh
# NSS commands without a guest: DEFSYS validation messages, QUERY NSS (ALL,
# NAME, MAP), the class E rule, PURGE NSS, spool ids, and the catalogue
# surviving a restart of CP; a damaged spool file is left out at start.
exec python3 - "$@" <<'PYEOF'
import os, sys, glob, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

DIRECTORY = """USER MAINT maint 64M 256M ABCDEG
USER LINUX01 pass1 64M 64M G
"""
cp = CP(DIRECTORY, "nsscmd")
spool = os.path.join(cp.dir, "spool")
try:
    t = cp.term()
    t.logon("MAINT", "maint")
    t.cmd("Q NSS", r"No NSS files")
    t.cmd("DEFSYS LXSHR 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M",
          r"HCPNSD440I Saved system LXSHR was successfully defined in fileid 0001\.")
    t.cmd("QUERY NSS ALL", r"OWNERID  FILE TYPE CL RECS  DATE  TIME     FILENAME FILETYPE ORIGINID")
    t.expect(r"\*NSS     0001 NSS  S  1280  \d\d/\d\d \d\d:\d\d:\d\d LXSHR    NSS      MAINT")
    t.cmd("Q NSS MAP", r"FILE FILENAME FILETYPE MINSIZE  BEGPAG ENDPAG TYPE CL #USERS PARMREGS VMGROUP")
    t.expect(r"0001 LXSHR    NSS          64M  00000  000FF  EW   S  00000  NONE     NO")
    t.expect(r" +00100  002FF  SR")
    t.expect(r" +00300  004FF  EW")
    # z/VM's checks, each with its message
    for line, msg in [
        ("DEFSYS", r"HCPCMD026E Operand missing or invalid"),
        ("DEFSYS TOOLONGNAME 0-FF EW", r"HCPCMD002E Invalid operand - TOOLONGNAME"),
        ("DEFSYS X", r"HCPNSD1005E No page ranges were specified"),
        ("DEFSYS X 0-FF", r"HCPNSD1007E No page type was specified for page range 0-FF"),
        ("DEFSYS X 0-FF XX", r"HCPNSD1008E Invalid page type - XX"),
        ("DEFSYS X 2FF-100 EW", r"HCPNSD1006E Invalid page range - 2FF-100"),
        ("DEFSYS X 0-FF EW 80-17F SR", r"HCPNSD1009E Page range overlaps another range at page 80"),
        ("DEFSYS X 0-FF EW 100-17F SR 180-1FF EW",
         r"HCPNSD1010E Segment 1 contains both shared and exclusive pages"),
        ("DEFSYS X 0-FF EW MINSIZE=12Q", r"HCPCMD002E Invalid operand - MINSIZE=12Q"),
        ("DEFSYS X 0-FF EW RSTD RSTD", r"HCPNSD013E Conflicting option - RSTD"),
        ("DEFSYS X 0-FF EW BOGUS", r"HCPCMD003E Invalid option - BOGUS"),
        ("SAVESYS NOSUCH", r"HCPNSS422E System NOSUCH does not exist"),
    ]:
        t.cmd(line, msg)
    t.cmd("DEFSYS ALLTYPES 0-FF EW 100-1FF ER 200-2FF EN 300-3FF SR 400-4FF SW "
          "500-5FF SN 600-6FF SC RSTD PARMREGS=0-15",
          r"HCPNSD440I Saved system ALLTYPES was successfully defined in fileid 0002\.")
    t.cmd("Q NSS NAME ALLTYPES", r"0002 NSS  S  1792 ")
    t.cmd("Q NSS MAP NAME ALLTYPES", r"0002 ALLTYPES NSS           0K  00000  000FF  EW   S  00000  00-15    NO")
    t.expect(r"00600  006FF  SC")
    # A second DEFSYS of a name replaces its skeleton.
    t.cmd("DEFSYS ALLTYPES 0-FF EW", r"defined in fileid 0003\.")
    t.send("Q NSS")
    out = t.quiet(1.0)
    if " 0002 " in out or " 0003 " not in out:
        fail("skeleton not replaced:\n" + out)

    # A general user has no class E: QUERY NSS, DEFSYS, PURGE are unknown.
    u = cp.term()
    u.logon("LINUX01", "pass1")
    u.cmd("DEFSYS X 0-FF EW", r"HCPCMD001E Unknown CP command: DEFSYS")
    u.cmd("PURGE NSS NAME LXSHR", r"HCPCMD001E Unknown CP command: PURGE")
    u.cmd("SAVESYS LXSHR", r"HCPCMD001E Unknown CP command: SAVESYS")
    u.cmd("QUERY NSS", r"HCPCQU045E NSS not logged on")
    u.cmd("QUERY TRACE", r"No trace sets defined")
    u.cmd("TRACE I R 10000-10FFF RUN CMD Q V STOR#Q T", r"")
    u.cmd("QUERY TRACE", r"INSTR  R  00010000-00010FFF  RUN")
    u.expect(r"CMD  Q V STOR#Q T")
    u.cmd("TRACE END ALL", r"")
    u.cmd("QUERY TRACE", r"No trace sets defined")
    u.cmd("TRACE I R XYZ", r"HCPCMD002E Invalid operand - XYZ")
    u.cmd("LOGOFF", r"LOGOFF AT")

    # The catalogue survives a restart of CP; a damaged file is left out.
    t.cmd("LOGOFF", r"LOGOFF AT")
    cp.stop()
    with open(os.path.join(spool, "0003.nss"), "r+b") as f:
        f.seek(30)
        b = f.read(1)
        f.seek(30)
        f.write(bytes([b[0] ^ 1]))
    open(os.path.join(spool, "0007.tmp"), "w").write("half-written")
    cp = CP(DIRECTORY, "nsscmd")
    # CP listens before it reads the spool: its word on the spool comes by "ready".
    deadline = time.monotonic() + WAIT
    while " ready on " not in cp.logtext() and time.monotonic() < deadline:
        time.sleep(0.05)
    if "0003.nss is damaged (header checksum mismatch); ignored" not in cp.logtext():
        fail("damaged file not reported:\n" + cp.logtext())
    if os.path.exists(os.path.join(spool, "0007.tmp")):
        fail("temporary file left at start")
    t = cp.term()
    t.logon("MAINT", "maint")
    t.cmd("Q NSS", r"\*NSS     0001 NSS  S  1280 .* LXSHR")
    t.send("Q NSS ALL")
    if "ALLTYPES" in t.quiet(1.0):
        fail("damaged file listed")
    t.cmd("PURGE NSS NAME LXSHR", r"0001 FILE PURGED")
    t.cmd("PURGE NSS NAME LXSHR", r"HCPNSS422E System LXSHR does not exist")
    t.cmd("PURGE NSS SPOOLID 42", r"HCPNSS1022E No NSS file 42")
    t.cmd("PURGE READER ALL", r"HCPCMD003E Invalid option - READER")
    if os.path.exists(os.path.join(spool, "0001.nss")):
        fail("purged file still there")
    # ids go up past every file seen on disk (0007.tmp)
    # ids go up past every file seen on disk (0007.tmp)
    t.cmd("DEFSYS NEW 0-FF EW", r"defined in fileid 0008\.")
    t.cmd("LOGOFF", r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
print("ok")
PYEOF
