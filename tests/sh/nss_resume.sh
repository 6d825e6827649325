#!/bin/sh
# A saved system of a booted Linux: MAINT IPLs the disk, waits for the
# shell, and saves the running guest (#CP SAVESYS LXBOOT: CP stops it at an
# instruction boundary and saves storage, hart and devices).  Later two
# users IPL LXBOOT: each resumes at the shell prompt, its disk works, and
# its wall clock is right (the time spent in the spool is added to the
# guest's timer, as after a suspend).
exec python3 - "$@" <<'PYEOF'
import os, sys, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

disk = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(disk):
    skip("no guest disk %s (make guest)" % disk)
cp = CP("""USER MAINT maint 64M 256M ABCDEG
 MDISK 200 IMAGE %s RR
USER LINUX01 pw 64M 128M G
 LINK MAINT 200 200 RR
USER LINUX02 pw 128M 128M G
 LINK MAINT 200 200 RR
""" % disk, "nssresume")
try:
    t = cp.term()
    t.logon("MAINT", "maint")
    t.cmd("DEFSYS LXBOOT 0-FF EW 100-2FF SR 300-3FFF EW MINSIZE=64M", r"defined in fileid")
    t.cmd("IPL 200", r"root@rvcp:/# ", 600)
    t.cmd("#CP SAVESYS LXBOOT", r"HCPNSS440I Saved system LXBOOT was successfully saved")
    t.cmd("QUERY NSS NAME LXBOOT", r" NSS  A  016K ")
    time.sleep(3)   # time in the spool, which the guest's clock must not lose
    for user in ("LINUX01", "LINUX02"):
        u = cp.term()
        u.logon(user, "pw")
        u.send("IPL LXBOOT")
        # Typed at once, before the VM has answered: CP holds the line
        # until the IPL is done, then it goes to the guest, not to CP.
        u.send("echo typed-ahead-$((6*7))")
        u.expect(r"typed-ahead-42", 600)
        u.expect(r"root@rvcp:/# ", 600)
        before = time.time()
        u.send("echo clock $(date +%s)")
        guest = int(u.expect(r"clock (\d+)\s", 300).group(1))
        after = time.time()
        if not before - 2 <= guest <= after + 2:
            fail("%s: guest clock %d, host %d..%d" % (user, guest, before, after))
        u.send("echo files $(find / -xdev | wc -l)")   # the disk still works
        n = int(u.expect(r"files (\d+)\s", 300).group(1))
        if n < 50:
            fail("%s: only %d files on the root disk" % (user, n))
        u.send("#CP LOGOFF")
        u.expect(r"LOGOFF AT")
    t.cmd("LOGOFF", r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
print("ok")
PYEOF
