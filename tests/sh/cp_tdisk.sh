#!/bin/sh
# Disks of a user's own: DEFINE T9336 (a sparse file of CP's, already
# unlinked, gone at DETACH and LOGOFF) and DEFINE VFB-512 (host memory),
# QUERY VIRTUAL DASD showing them, DETACH, the bad input (vdev in use, sizes
# 0, too large or no number, DETACH of nothing, changes after IPL), and the
# guest seeing them with their vdevs as serials, the T-disk read and written.
exec python3 - "$@" <<'PYEOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

img = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(img):
    skip("no guest disk %s (make guest)" % img)
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
PROMPT = r"# $|# \x1b\[6n$|:/# "

cp = CP("""USER TDUSER pass 64M 64M G
 MDISK 200 IMAGE %s RR
""" % img, name="tdisk")
scratch = os.path.join(cp.dir, "spool", "tdisk")


def cp_tdisks():
    """CP's descriptors of T-disk files (all of them unlinked)."""
    out = []
    for fd in os.listdir("/proc/%d/fd" % cp.proc.pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (cp.proc.pid, fd))
        except OSError:
            continue
        if "/spool/tdisk/" in target:
            out.append(target)
    return out


try:
    t = cp.term()
    t.logon("TDUSER", "pass")
    t.cmd("Q V DASD", r"DASD 0200 9336 TDUSER R/O +\d+ BLK ON IMAGE linux.img")
    t.cmd("DEFINE T9336 AS 201 BLK 2048", r"DASD 0201 DEFINED")
    t.cmd("DEFINE VFB-512 AS 202 BLK 4096", r"DASD 0202 DEFINED")
    # larger than the host's free space: allowed, the file is sparse
    t.cmd("DEF T9336 203 BLK 2147483647", r"DASD 0203 DEFINED")
    t.send("Q V DASD")
    t.expect(r"DASD 0200 9336 TDUSER R/O")
    t.expect(r"DASD 0201 9336 \(TEMP\) R/W +2048 BLK ON DASD  TEMP")
    t.expect(r"DASD 0202 9336 \(VDSK\) R/W +4096 BLK ON DASD  VDSK")
    t.expect(r"DASD 0203 9336 \(TEMP\) R/W 2147483647 BLK ON DASD  TEMP")
    if os.listdir(scratch):
        fail("T-disk files left in the scratch folder: %r" % os.listdir(scratch))
    if len(cp_tdisks()) != 2 or not all(x.endswith("(deleted)") for x in cp_tdisks()):
        fail("CP's T-disk descriptors: %r" % cp_tdisks())
    # bad input
    t.cmd("DEFINE T9336 AS 201 BLK 10", r"HCPDEF1113E Device 0201 already defined")
    t.cmd("DEFINE T9336 AS 204 BLK 0", r"HCPDEF1185E Invalid block count 0: T9336 takes 1 to 2147483647 blocks")
    t.cmd("DEFINE VFB-512 AS 204 BLK 4194297", r"HCPDEF1185E Invalid block count 4194297: VFB-512 takes 1 to 4194296 blocks")
    t.cmd("DEFINE T9336 AS 204 BLK 12X", r"HCPDEF1185E Invalid block count 12X")
    t.cmd("DEFINE T9336 AS 204 BLK 99999999999999999999999", r"HCPDEF1185E")
    # V-disks together at most the directory's maximum storage (64M)
    t.cmd("DEFINE VFB-512 AS 204 BLK 126977", r"HCPDEF1187E DASD 0204 not defined: the user's virtual disks would exceed 64M")
    t.cmd("DEFINE VFB-512 AS 204 BLK 126976", r"DASD 0204 DEFINED")
    t.cmd("DEFINE VFB-512 AS 205 BLK 1", r"HCPDEF1187E DASD 0205")
    t.cmd("DETACH 204", r"DASD 0204 DETACHED")
    t.cmd("DEFINE T9336 AS 20000 BLK 5", r"HCPCMD026E")
    t.cmd("DEFINE T9336 AS 204 CYL 5", r"HCPCMD026E")
    t.cmd("DETACH 203", r"DASD 0203 DETACHED")
    if len(cp_tdisks()) != 1:
        fail("DETACH left the T-disk open: %r" % cp_tdisks())
    t.cmd("DETACH 203", r"HCPDTV040E Device 0203 does not exist")
    t.cmd("DETACH 0ZZ", r"HCPCMD002E")
    t.cmd("Q V DASD", r"DASD 0202 9336 \(VDSK\)")
    if "0203" in t.quiet(1):
        fail("0203 still shown after DETACH")

    # the guest: serials are the vdevs, the T-disk and the V-disk work
    t.send("IPL 200")
    m = t.expect(r"HCPIPL1060E.*|Linux version", BOOT)
    if m.group(0).startswith("HCPIPL1060E"):
        skip("%s: %s" % (img, m.group(0)))
    t.expect(r"Run /sbin/init|/init", BOOT)
    t.send("")
    t.expect(PROMPT, BOOT)
    t.cmd("echo s=$(cat /sys/block/vda/serial),$(cat /sys/block/vdb/serial),$(cat /sys/block/vdc/serial)=", r"s=0200,0201,0202=")
    t.cmd("echo z=$(cat /sys/block/vdb/size),$(cat /sys/block/vdc/size)=", r"z=2048,4096=")
    t.cmd("echo tdisk-$((3*5)) >/dev/vdb; sync; echo 3 >/proc/sys/vm/drop_caches; head -c 8 /dev/vdb; echo =",
          r"tdisk-15\s*=")
    t.cmd("echo vdisk-$((4*5)) >/dev/vdc; sync; echo 3 >/proc/sys/vm/drop_caches; head -c 8 /dev/vdc; echo =",
          r"vdisk-20\s*=")
    # the device set is fixed while the guest runs
    t.cmd("#CP DEFINE T9336 AS 205 BLK 8", r"HCPDEF1184E DASD 0205 not changed")
    t.cmd("#CP DETACH 201", r"HCPDEF1184E DASD 0201 not changed")
    t.cmd("#CP LOGOFF", r"LOGOFF AT")
    deadline = time.monotonic() + WAIT
    while cp_tdisks() and time.monotonic() < deadline:
        time.sleep(0.1)
    if cp_tdisks():
        fail("T-disk still open after LOGOFF: %r" % cp_tdisks())
    cp.stop()
finally:
    cp.kill()
PYEOF
