#!/bin/sh
# A saved system with a T-disk and a V-disk: the saved-system disk check
# treats them like any disk.  A user without them, or with other sizes, gets
# HCPNSS1018E saying what differs; a user who defines its own at the saved
# vdevs and sizes IPLs the system and finds its own (empty) disks.
exec python3 - "$@" <<'PYEOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

disk = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(disk):
    skip("no guest disk %s (make guest)" % disk)
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
cp = CP("""USER MAINT maint 64M 256M ABCDEG
 MDISK 200 IMAGE %s RR
USER LINUX01 pw 64M 128M G
 LINK MAINT 200 200 RR
""" % disk, "nsstdisk")
try:
    t = cp.term()
    t.logon("MAINT", "maint")
    t.cmd("DEFSYS LXTD 0-FF EW 100-2FF SR 300-3FFF EW MINSIZE=64M", r"defined in fileid")
    t.cmd("DEFINE T9336 AS 201 BLK 2048", r"DASD 0201 DEFINED")
    t.cmd("DEFINE VFB-512 AS 202 BLK 1024", r"DASD 0202 DEFINED")
    t.cmd("IPL 200", r"root@rvcp:/# ", BOOT)
    t.cmd("echo saved-$((2*3)) >/dev/vdb; sync; echo ok-$((1+1))", r"ok-2")
    t.cmd("#CP SAVESYS LXTD", r"HCPNSS440I Saved system LXTD was successfully saved")

    u = cp.term()
    u.logon("LINUX01", "pw")
    u.cmd("IPL LXTD", r"HCPNSS1018E Device configuration does not match system LXTD: "
          r"device 0201 \(1M\) is missing")
    u.cmd("DEFINE T9336 AS 201 BLK 1024", r"DASD 0201 DEFINED")
    u.cmd("IPL LXTD", r"HCPNSS1018E .*device 0201 is 512K, saved with 1M")
    u.cmd("DETACH 201", r"DASD 0201 DETACHED")
    u.cmd("DEFINE T9336 AS 201 BLK 2048", r"DASD 0201 DEFINED")
    u.cmd("IPL LXTD", r"HCPNSS1018E .*device 0202 \(512K\) is missing")
    u.cmd("DEFINE VFB-512 AS 202 BLK 1024", r"DASD 0202 DEFINED")
    u.send("IPL LXTD")
    u.send("echo resumed-$((6*7))")
    u.expect(r"resumed-42", BOOT)
    # its own T-disk: empty, whatever the saved guest had cached
    u.cmd("echo 3 >/proc/sys/vm/drop_caches; echo n=$(head -c 8 /dev/vdb | tr -d '\\0' | wc -c)=",
          r"n=0=")
    u.cmd("echo mine-$((3*3)) >/dev/vdb; sync; echo 3 >/proc/sys/vm/drop_caches; head -c 6 /dev/vdb; echo =",
          r"mine-9\s*=")
    u.cmd("#CP LOGOFF", r"LOGOFF AT")
    t.cmd("#CP LOGOFF", r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
PYEOF
