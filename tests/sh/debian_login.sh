#!/bin/sh
# The Debian guest of `make debian` under CP: two users IPL the same disk at
# once (DEBIAN owns it, DEBIAN2 LINKs it RR in the directory), each boots
# Debian's kernel and systemd to "login:", logs in as root/rvcp, and finds
# systemd as PID 1 and the system running, its CPUs, its links, its
# parameter line, and a root that is an overlay of the read-only disk and a
# tmpfs: a file one user writes on / is not seen by the other, and the disk
# itself refuses writes.  Debian's boot is long for the interpreter under
# the sanitizers (SANITIZED=1): skipped there, the plain run covers it.
exec python3 - "$@" <<'PYEOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

img = os.path.join(os.environ.get("GUEST", ""), "debian.img")
if not os.path.exists(img):
    skip("no Debian disk %s (make debian)" % img)
if os.environ.get("SANITIZED") == "1":
    skip("Debian boots too slowly under the sanitizers")
BOOT = 1500
PROMPT = r"root@[\w-]+:[^#\r\n]*# "

DIRECTORY = """USER DEBIAN debian 512M 512M G
 MDISK 200 IMAGE %s RR
USER DEBIAN2 debian2 512M 512M G
 LINK DEBIAN 200 200 RR
""" % img


def login(t):
    t.expect(r"login: ", BOOT)
    t.send("root")
    t.expect(r"Password: ")
    t.send("rvcp")
    t.expect(PROMPT, 300)


def out(t, command, marker):
    """Run command; its output between two markers (the echo of the typed
    line does not match, the marker is computed by the shell)."""
    t.send("echo %s-$((1+1)); %s; echo %s-$((2+2))" % (marker, command, marker))
    m = t.expect(r"(?s)%s-2\r?\n(.*?)%s-4" % (marker, marker), 300)
    t.expect(PROMPT)
    return m.group(1).replace("\r", "")


cp = CP(DIRECTORY)
try:
    t1 = cp.term()
    t1.logon("DEBIAN", "debian")
    t2 = cp.term()
    t2.logon("DEBIAN2", "debian2")
    t1.send("IPL 200")
    t2.send("IPL 200")
    for t in (t1, t2):
        m = t.expect(r"HCPIPL1060E.*|Linux version \S+", BOOT)
        if m.group(0).startswith("HCPIPL1060E"):
            fail("%s: %s" % (img, m.group(0)))
    for t in (t1, t2):
        login(t)

    comm = out(t1, "cat /proc/1/comm", "pid1")
    if comm.strip() != "systemd":
        fail("PID 1 is %r, not systemd" % comm)
    state = out(t1, "systemctl is-system-running --wait; systemctl --failed --no-legend", "state")
    if state.split()[0] != "running":
        fail("systemctl is-system-running: %r" % state)
    n = out(t1, "nproc", "nproc").strip()
    if not n.isdigit() or int(n) < 1:
        fail("nproc: %r" % n)
    links = out(t1, "ip -color=never -o link", "links")
    if not re.search(r"^1: lo: <LOOPBACK,UP", links, re.M):
        fail("ip link: no lo up: %r" % links)
    cmdline = out(t1, "cat /proc/cmdline", "cmdline")
    if "rvcp.root=overlay" not in cmdline or "root=/dev/vda1" not in cmdline:
        fail("parameter line: %r" % cmdline)
    mounts = out(t1, "findmnt -rno FSTYPE,OPTIONS /; findmnt -rno SOURCE,FSTYPE,OPTIONS /media/root-ro",
                 "mounts").split("\n")
    if not mounts[0].startswith("overlay ") or "lowerdir=" not in mounts[0]:
        fail("/ is not an overlay: %r" % mounts)
    if not re.match(r"/dev/vda1 ext4 ro[,\s]", mounts[1]):
        fail("the disk is not mounted read-only at /media/root-ro: %r" % mounts)
    ro = out(t1, "touch /media/root-ro/x 2>&1; echo rc=$?", "ro")
    if "Read-only file system" not in ro or "rc=0" in ro:
        fail("the shared disk took a write: %r" % ro)

    # Each user's writes stay its own.
    out(t1, "echo mine >/etc/rvcp-test", "w1")
    if out(t1, "cat /etc/rvcp-test", "r1").strip() != "mine":
        fail("a write on the overlay root did not stick")
    other = out(t2, "cat /etc/rvcp-test 2>&1; echo rc=$?", "r2")
    if "rc=0" in other:
        fail("DEBIAN2 sees DEBIAN's file: %r" % other)
    if out(t2, "cat /proc/1/comm", "pid1b").strip() != "systemd":
        fail("DEBIAN2: PID 1 is not systemd")
    print("debian_login: ok: nproc %s, %s" % (n, mounts[0].split()[0]))
finally:
    cp.kill()
PYEOF
