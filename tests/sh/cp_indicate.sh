#!/bin/sh
# INDICATE LOAD and INDICATE USER (cp/cmd_indicate.c) with a Linux guest
# running: the host's CPUs, the users running and dormant, the guest's
# storage, IPLed device, resident pages and an I/O count that grows when
# the guest reads its disk; another user's only for class E; QUERY STORAGE
# and QUERY PROCESSORS (class B) show the host's.
exec python3 - "$@" <<'PYEOF'
import os, re, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

img = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(img):
    skip("no guest disk %s (make guest)" % img)
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
PROMPT = r"# $|# \x1b\[6n$|:/# "
NCPU = os.sysconf("SC_NPROCESSORS_ONLN")

cp = CP("""USER MAINT maint 64M 128M BEG
USER LINUX01 pass1 64M 64M G
 MDISK 200 IMAGE %s RR
""" % img, "cpind")


def io_count(t, who=""):
    t.send("#CP INDICATE USER " + who)
    t.expect(r"USERID=LINUX01  MACH=ESA STOR=64M VIRT=V XSTORE=NONE")
    t.expect(r"IPLSYS=200      DEVNUM=00001")
    m = t.expect(r"PAGES: RES=(\d{8}) WS=(\d{8})")
    if int(m.group(1)) < 64 or int(m.group(2)) < 1:
        fail("resident pages of a booted guest: %s" % m.group(0))
    return int(t.expect(r"CPU 00: CTIME=\d\d:\d\d VTIME=\d{3}:\d\d TTIME=\d{3}:\d\d IO=(\d{6})").group(1))


try:
    m = cp.term()
    m.logon("MAINT", "maint")
    t = cp.term()
    t.logon("LINUX01", "pass1")
    t.send("IPL 200")
    t.expect(PROMPT, BOOT)
    before = io_count(t)
    if before < 1:
        fail("a guest that booted from its disk did no I/O: %d" % before)
    t.send("dd if=/dev/vda of=/dev/null bs=64k count=64 2>/dev/null; echo read-done")
    t.expect(r"\nread-done")
    after = io_count(t)
    if after <= before:
        fail("the I/O count did not grow with a 4 MiB read: %d, then %d" % (before, after))

    m.cmd("INDICATE LOAD", r"AVGPROC-\d{3}%% %02d" % NCPU)
    m.expect(r"PAGING-\d+/SEC")
    m.expect(r"Q1-00001 +DORMANT-00001")  # LINUX01 runs, MAINT is in CP READ
    m.expect(r"PROC 0000-\d{3}% CP")
    m.cmd("IND", r"AVGPROC-\d{3}%% %02d" % NCPU)  # INDICATE alone: LOAD
    m.cmd("INDICATE LOAD NOW", r"HCPCMD002E Invalid operand - NOW")
    # Another user's figures: class E.
    m.cmd("INDICATE USER LINUX01", r"USERID=LINUX01")
    m.cmd("INDICATE USER NOBODY", r"HCPCQU045E NOBODY not logged on")
    t.send("#CP INDICATE USER MAINT")
    t.expect(r"HCPCMD002E Invalid operand - MAINT")
    # The host's storage and processors (class B).
    m.cmd("QUERY STORAGE", r"STORAGE = \d+[MG] CONFIGURED = \d+[MG] INC = 1M")
    m.send("QUERY PROCESSORS")
    for i in range(NCPU):
        m.expect(r"PROCESSOR %02X %s CP" % (i, "MASTER" if i == 0 else "ALTERNATE"))
    cp.stop()
finally:
    cp.kill()
PYEOF
