#!/bin/sh
# The lean guest's disks: each virtio-blk disk's serial is its vdev
# (/sys/block/vdX/serial), and data the guest wrote and synced is in the
# host image after kill -9 of the VM process, and again after kill -9 of CP.
exec python3 - "$@" <<'PYEOF'
import os, signal, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

img = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(img):
    skip("no guest disk %s (make guest)" % img)
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
PROMPT = r"# $|# \x1b\[6n$|:/# "
data = os.path.join(TMP, "data.img")
with open(data, "wb") as f:
    f.truncate(1 << 20)

DIRECTORY = """USER MAINT maint 64M 128M ABCDEG
 MDISK 200 IMAGE %s RR
 MDISK 20A IMAGE %s W
""" % (img, data)


def boot(t):
    t.send("IPL 200")
    m = t.expect(r"HCPIPL1060E.*|Linux version", BOOT)
    if m.group(0).startswith("HCPIPL1060E"):
        skip("%s: %s" % (img, m.group(0)))
    t.expect(r"Run /sbin/init|/init", BOOT)
    t.send("")
    t.expect(PROMPT, BOOT)


def on_disk(word):
    with open(data, "rb") as f:
        return word.encode() in f.read(4096)


cp = CP(DIRECTORY)
try:
    t = cp.term()
    t.logon("MAINT", "maint")
    boot(t)
    t.cmd("echo s=$(cat /sys/block/vda/serial),$(cat /sys/block/vdb/serial)=", r"s=0200,020A=")
    # F_FLUSH offered: Linux sees a writeback cache and sends flushes
    t.cmd("echo c=$(cat /sys/block/vdb/queue/write_cache)=", r"c=write back=")
    # written, synced, then the VM process killed: on the host image
    t.cmd("echo first-$((6*7)) >/dev/vdb; sync; echo synced-$((1+1))", r"synced-2")
    os.kill(cp.vm_pids()["MAINT"], signal.SIGKILL)
    t.expect(r"HCPVMP1058E Virtual machine MAINT ended abnormally")
    if not on_disk("first-42"):
        fail("synced data lost after kill -9 of the VM process")
    # again, the next IPL, and then CP itself killed
    boot(t)
    t.cmd("head -c 8 /dev/vdb; echo =", r"first-42\s*=")
    t.cmd("echo second-$((7*7)) >/dev/vdb; sync; echo synced-$((2+2))", r"synced-4")
    cp.kill()
finally:
    cp.kill()
if not on_disk("second-49"):
    fail("synced data lost after kill -9 of CP")
PYEOF
