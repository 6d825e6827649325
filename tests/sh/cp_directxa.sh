#!/bin/sh
# DIRECTXA (cp/cmd_directxa.c): the directory file read again while CP runs.
# Logged-on users keep their entries, new and changed ones take effect at
# the next LOGON, a file with an error is refused whole with file:line and
# the directory on line stays; only class A and B may issue it.
exec python3 - "$@" <<'PYEOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

OLD = """USER MAINT maint 32M 64M BG
USER ALICE pa 32M 64M G
"""
NEW = """USER MAINT maint 32M 64M BG
USER ALICE pa2 48M 64M G  * password and storage changed
USER BOB pb 32M 32M G
"""


def write(text):
    with open(cp.dirfile + ".tmp", "w") as f:
        f.write(text)
    os.replace(cp.dirfile + ".tmp", cp.dirfile)


def logon_refused(user, password):
    t = cp.term()
    t.cmd("LOGON " + user, "ENTER PASSWORD")
    t.send(password)
    t.expect(r"HCPLGA050E LOGON unsuccessful")
    t.close()


cp = CP(OLD, "directxa")
try:
    m = cp.term()
    m.logon("MAINT", "maint")
    a = cp.term()
    a.logon("ALICE", "pa")
    a.cmd("DIRECTXA", r"HCPCMD001E Unknown CP command: DIRECTXA")  # class G
    logon_refused("BOB", "pb")

    write(NEW)
    m.cmd("DIRECTXA NEW DIRECT", r"HCPCMD002E Invalid operand - NEW")
    m.cmd("DIRECTXA", r"EOJ DIRECTORY UPDATED AND ON LINE")
    m.expect(r"HCPDIR1800I 3 users on line; 2 logged on keep their entries")
    a.cmd("Q V STOR", r"STORAGE = 32M")  # ALICE keeps the entry she logged on with
    b = cp.term()
    b.logon("BOB", "pb")
    b.cmd("LOGOFF", r"LOGOFF AT")
    a.cmd("LOGOFF", r"LOGOFF AT")
    logon_refused("ALICE", "pa")  # the old password went with the old entry
    a = cp.term()
    a.logon("ALICE", "pa2")
    a.cmd("Q V STOR", r"STORAGE = 48M")

    # A file with an error: refused whole, nothing of it on line.
    write(NEW + "USER CAROL pc 32M 32M G\nFROB x\n")
    m.cmd("DIRECTXA", r"HCPDIR1801E Directory not updated, the one on line stays: "
          r"\S*user.direct:5: unknown statement 'FROB'")
    logon_refused("CAROL", "pc")
    # A file that is gone: refused the same way.
    os.rename(cp.dirfile, cp.dirfile + ".away")
    m.cmd("DIRECTXA", r"HCPDIR1801E .*No such file or directory")
    os.rename(cp.dirfile + ".away", cp.dirfile)
    b = cp.term()
    b.logon("BOB", "pb")  # still the directory of the last good DIRECTXA
    cp.stop()
finally:
    cp.kill()
PYEOF
