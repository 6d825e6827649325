#!/bin/sh
# Scripted terminal sessions against a running CP (no guest needed):
# LOGON, wrong password, unknown command, a command above the user's
# classes, QUERY VIRTUAL STORAGE / TERMINAL / NAMES / USERS, LINEND splitting,
# SET LINEND, DEFINE STORAGE, MSG, DISCONNECT and reconnect, a LOGON that
# takes over a connected user, FORCE, LOGOFF, SIGTERM shutdown.
exec python3 - "$@" <<'PYEOF'
import os, sys, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

# MAINT's password is a crypt(3) hash of "secret"; LINUX01's is plaintext.
import warnings
warnings.filterwarnings("ignore", category=DeprecationWarning)
import crypt
h = crypt.crypt("secret", crypt.mksalt(crypt.METHOD_SHA512))
cp = CP("""* test directory
USER MAINT %s 64M 256M ABCDEG
 MDISK 191 IMAGE maint.img MR
USER LINUX01 pass1 64M 64M G
 LINK MAINT 191 191 RR
USER LINUX02 pass2 32M 64M G
USER LINUX03 pass3 32M 64M G
 LINK MAINT 191 191 W
USER LINUX04 pass4 32M 64M G
 LINK MAINT 191 191 MR
""" % h)
with open(os.path.join(cp.dir, "maint.img"), "wb") as f:
    f.truncate(1 << 20)
try:
    # wrong password: refused after a delay, logged
    t = cp.term()
    t.logon("MAINT", "wrong", greeting=r"HCPLGA050E LOGON unsuccessful")
    if "LOGON of MAINT" not in cp.logtext():
        fail("failed LOGON not logged")
    # unknown user: the same answer (no disclosure)
    t.logon("NOBODY", "x", greeting=r"HCPLGA050E LOGON unsuccessful")
    t.cmd("QUERY NAMES", r"HCPCFC015E Command not valid before LOGON: QUERY")
    # the logon screen, as z/VM's: version, log message, spool files, LOGON AT
    t.logon("maint", "secret", greeting=r"rvcp Version \d+ Release \d+ \(64-bit\),")
    t.expect(r"There is no logmsg data")
    t.expect(r"FILES:   NO RDR,   NO PRT,   NO PUN")
    t.expect(r"LOGON AT")
    t.cmd("QUERY VIRTUAL STORAGE", r"STORAGE = 64M")
    t.cmd("Q V STOR", r"STORAGE = 64M")
    t.cmd("QUERY TERMINAL", r"LINEND #, LINESIZE 080, ATTN OFF, APL OFF")
    t.cmd("Q V DASD", r"DASD 0191 9336 MAINT  R/W +2048 BLK")
    t.cmd("QUERY TIME", r"TIME IS \d\d:\d\d:\d\d \w+ \w+DAY \d\d/\d\d/\d\d")
    t.expect(r"CONNECT= \d\d:\d\d:\d\d VIRTCPU= \d{3}:\d\d\.\d\d TOTCPU=")
    t.cmd("HELP", r"QUERY +\* +VIRTUAL")
    t.cmd("FROBNICATE", r"HCPCMD001E Unknown CP command: FROBNICATE")
    # a word that is no QUERY operand is a userid, as in z/VM
    t.cmd("QUERY FROB", r"HCPCQU045E FROB not logged on")
    t.cmd("QUERY MAINT", r"MAINT    - L\w{4}")
    t.cmd("QUERY V FROB", r"HCPCMD003E Invalid option - FROB")
    # LINEND splitting: three commands on one line
    t.send("Q V STOR#Q TERM#FOO")
    t.expect(r"STORAGE = 64M")
    t.expect(r"LINEND #, LINESIZE 080")
    t.expect(r"HCPCMD001E Unknown CP command: FOO")
    t.cmd("SET LINEND ;", r"")
    t.send("Q T;Q V STOR")
    t.expect(r"LINEND ;, LINESIZE 080")
    t.expect(r"STORAGE = 64M")
    t.cmd("TERMINAL LINEND #", r"")
    t.cmd("DEFINE STORAGE 128M", r"STORAGE = 128M")
    t.expect(r"Storage cleared - system reset\.")
    t.cmd("Q V STOR", r"STORAGE = 128M")
    t.cmd("DEF STOR 1G", r"HCPDST094E Storage size \(1G\) exceeds directory maximum \(256M\)")

    # a general user: class A commands are unknown to it
    u = cp.term()
    u.logon("LINUX01", "PASS1")  # plaintext passwords ignore case, as in z/VM
    u.cmd("FORCE MAINT", r"HCPCMD001E Unknown CP command: FORCE")
    u.cmd("SHUTDOWN", r"HCPCMD001E Unknown CP command: SHUTDOWN")
    u.cmd("AUTOLOG LINUX02", r"HCPCMD001E Unknown CP command: AUTOLOG")
    u.cmd("Q V DASD", r"DASD 0191 9336 MAINT  R/O")
    u.cmd("QUERY NAMES", r"MAINT    - L\w{4}")
    u.cmd("Q USERS", r"2 USERS")
    u.cmd("MSG MAINT hello there", r"")
    t.expect(r"MSG FROM LINUX01 : hello there")
    u.cmd("MSG NOBODY hi", r"HCPCMD045E NOBODY not logged on")

    # DISCONNECT: the user stays, shown as DSC; LOGON again reconnects
    u.cmd("DISCONNECT", r"DISCONNECT AT")
    u.expect_closed()
    t.cmd("QUERY NAMES", r"LINUX01  - DSC")
    t.cmd("Q U LINUX01", r"LINUX01  - DSC")
    t.cmd("QUERY linux01", r"LINUX01  - DSC")
    u = cp.term()
    u.logon("LINUX01", "pass1", greeting=r"RECONNECTED AT")
    u.cmd("Q V STOR", r"STORAGE = 64M")

    # a LOGON of a connected user: the new terminal takes over
    v = cp.term()
    v.logon("LINUX01", "pass1", greeting=r"RECONNECTED AT")
    u.expect(r"HCPLGA1050I User LINUX01 has been reconnected at another terminal")
    u.expect_closed()
    v.cmd("Q V STOR", r"STORAGE = 64M")

    # AUTOLOG and FORCE (class A)
    t.cmd("XAUTOLOG LINUX02", r"Command accepted")
    t.expect(r"AUTO LOGON  \*\*\*       LINUX02  USERS = 3")
    t.cmd("Q N", r"LINUX02  - DSC")
    t.cmd("AUTOLOG LINUX02", r"HCPLGA054E LINUX02 already logged on")
    # link modes: a second writer is refused, MR falls back to read-only
    t.cmd("XAUTOLOG LINUX03", r"HCPLNM104E MAINT 0191 not linked; R/W by MAINT")
    t.cmd("XAUTOLOG LINUX04", r"AUTO LOGON")
    x = cp.term()
    x.logon("LINUX04", "pass4", greeting=r"RECONNECTED AT")
    x.cmd("Q V DASD", r"DASD 0191 9336 MAINT  R/O")
    x.cmd("LOGOFF", r"LOGOFF AT")
    t.cmd("FORCE LINUX03", r"USER LINUX03  FORCED BY MAINT")
    t.cmd("FORCE LINUX01", r"USER LINUX01  FORCED BY MAINT")
    v.expect(r"FORCED BY MAINT")
    v.expect_closed()
    t.cmd("Q USERS", r"2 USERS")

    # LOGOFF ends the session
    t.cmd("LOGOFF", r"LOGOFF AT")
    t.expect_closed()
    w = cp.term()
    w.logon("MAINT", "secret", greeting=r"LOGON AT")  # a new session, not a reconnect
    w.cmd("Q N", r"MAINT    - L\w{4}")
    # HOLD keeps the line: the logo again, and a new LOGON on it
    w.cmd("DISCONNECT HOLD", r"DISCONNECT AT")
    w.expect(r"Enter LOGON")
    w.logon("MAINT", "secret", greeting=r"RECONNECTED AT")
    w.cmd("LOGOFF HOLD", r"LOGOFF AT")
    w.expect(r"Enter LOGON")
    w.logon("MAINT", "secret", greeting=r"LOGON AT")
    w.cmd("LOGOFF NOW", r"HCPCMD003E Invalid option - NOW")
    cp.stop()
finally:
    cp.kill()
PYEOF
