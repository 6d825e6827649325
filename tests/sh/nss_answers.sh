#!/bin/sh
# Clear answers from SAVESYS, IPL and PURGE (cp/cmd_nss.c, cp/cmd_vm.c):
# HCPNSS422E "does not exist" only for a system that does not exist; an IPL
# of a skeleton, a SAVESYS of a saved system, a PURGE during its save and an
# IPL of a device the user does not have each get a message of their own;
# "SAVESYS X#LOGOFF" saves, then logs off.  No guest: the VM saves its
# (empty) storage.
exec python3 - "$@" <<'PYEOF'
import os, signal, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

cp = CP("""USER MAINT maint 64M 256M ABCDEG
USER OPER oper 32M 64M ABCDEG
""")
try:
    t = cp.term()
    t.logon("MAINT", "maint")
    o = cp.term()
    o.logon("OPER", "oper")
    t.cmd("DEFSYS SKEL 0-FF EW", r"HCPNSD440I Saved system SKEL was successfully defined")
    t.cmd("IPL SKEL", r"HCPNSS1023E System SKEL is defined but not saved")
    t.cmd("IPL NOSUCH", r"HCPNSS422E System NOSUCH does not exist")
    t.cmd("IPL 999", r"HCPIPL040E Device 0999 does not exist")
    t.cmd("SAVESYS SKEL", r"HCPNSS440I Saved system SKEL was successfully saved")
    t.cmd("SAVESYS SKEL", r"HCPNSS1024E System SKEL is saved; to save it again, DEFSYS it first")
    t.cmd("SAVESYS NOSUCH", r"HCPNSS422E System NOSUCH does not exist")

    # PURGE while the system is being saved: the VM is stopped, so the
    # save is still in flight when OPER purges.
    t.cmd("DEFSYS SLOW 0-FF EW", r"defined in fileid")
    pid = cp.vm_pids()["MAINT"]
    os.kill(pid, signal.SIGSTOP)
    try:
        t.send("SAVESYS SLOW")
        t.quiet(1)
        o.cmd("PURGE NSS NAME SLOW", r"HCPNSS1012E System SLOW is already being saved")
    finally:
        os.kill(pid, signal.SIGCONT)
    t.expect(r"HCPNSS440I Saved system SLOW was successfully saved")

    # SAVESYS then LOGOFF on one line: the save is done before the LOGOFF.
    t.cmd("DEFSYS LAST 0-FF EW", r"defined in fileid")
    t.send("SAVESYS LAST#LOGOFF")
    t.expect(r"HCPNSS440I Saved system LAST was successfully saved")
    t.expect(r"LOGOFF AT")
    o.cmd("QUERY NSS NAME LAST", r" NSS  A ")
    cp.stop()
finally:
    cp.kill()
PYEOF
