#!/bin/sh
# A hostile guest on a VSWITCH: LINUX03 floods broadcast frames as fast as
# it can (tests/linuxprog/flood, raw AF_PACKET) while LINUX01 and LINUX02
# ping each other and LINUX02 fetches a page from LINUX01's httpd.  Their
# traffic goes on; the flooder's excess is dropped by the switch's storm
# control and counted on its port (QUERY VSWITCH name DETAILS: TX
# Discarded).  Then LINUX02 stops in CP READ and so reads nothing: frames for
# it are dropped and counted (RX Discarded), and the others go on.
exec python3 - "$@" <<'PYEOF'
import os, re, shutil, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

img = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(img):
    skip("no guest disk %s (make guest)" % img)
flood = os.path.join(os.environ.get("BUILD", "build"), "tests", "linuxprog", "flood")
if not os.path.exists(flood):
    skip("no %s" % flood)
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
PROMPT = r"# $|# \x1b\[6n$|:/# "

work = os.path.join(TMP, "net_hostile")
os.makedirs(os.path.join(work, "root"), exist_ok=True)
shutil.copy(flood, os.path.join(work, "root", "flood"))
fimg = os.path.join(work, "flood.img")
subprocess.run(["mke2fs", "-q", "-t", "ext2", "-F", "-d", os.path.join(work, "root"), fimg, "4M"],
               check=True, stdout=subprocess.DEVNULL)
config = os.path.join(work, "system.config")
with open(config, "w") as f:
    f.write("DEFINE VSWITCH VSW1 NAT\n")
users = ""
for u in ("LINUX01", "LINUX02", "LINUX03"):
    users += "USER %s pass 64M 64M G\n MDISK 200 IMAGE %s RR\n NICDEF 0600 TYPE QDIO LAN SYSTEM VSW1\n" % (u, img)
users += " MDISK 201 IMAGE %s RR\n" % fimg
cp = CP("USER MAINT maint 64M 64M BG\n" + users, name="net_hostile", args=("--config", config))


def boot(t):
    t.send("IPL 200")
    m = t.expect(r"HCPIPL041E.*|Linux version", BOOT)
    if m.group(0).startswith("HCPIPL041E"):
        skip("%s: %s" % (img, m.group(0)))
    t.expect(r"Run /sbin/init|/init", BOOT)
    t.send("")
    t.expect(PROMPT, BOOT)


def addr(t):
    t.send("ip -4 addr show eth0 | grep -o 'inet [0-9.]*'")
    return t.expect(r"inet (10\.0\.2\.\d+)\s", 60).group(1)


def port_counts(text, user):
    m = re.search(r"Adapter Owner: %s .*?\n\s+RX Packets: (\d+)\s+Discarded: (\d+).*?\n"
                  r"\s+TX Packets: (\d+)\s+Discarded: (\d+)" % user, text, re.S)
    if not m:
        fail("no port of %s in:\n%s" % (user, text))
    return [int(x) for x in m.groups()]


try:
    m = cp.term()
    m.logon("MAINT", "maint")
    t = {}
    for u in ("LINUX01", "LINUX02", "LINUX03"):
        t[u] = cp.term()
        t[u].logon(u, "pass")
        boot(t[u])
    a, b, f = t["LINUX01"], t["LINUX02"], t["LINUX03"]
    ip1 = addr(a)
    a.cmd("mkdir -p /tmp/www && seq 1 20000 > /tmp/www/big && httpd -p 80 -h /tmp/www && echo up",
          r"\nup\s")

    f.cmd("mount -t ext2 -o ro /dev/vdb /mnt && (timeout 120 /mnt/flood &) ; echo flooding", r"\nflooding")
    f.quiet(3)
    m.send("QUERY VSWITCH VSW1 DETAILS")
    before = m.quiet(3)
    # the others' traffic goes on during the flood
    b.cmd("ping -c 5 %s" % ip1, r"5 packets transmitted, [1-5] packets received", 180)
    b.cmd("wget -q -O - http://%s/big | tail -n 1" % ip1, r"\n20000\s", 300)
    m.send("QUERY VSWITCH VSW1 DETAILS")
    after = m.quiet(3)
    f_rx, f_rxd, f_tx, f_txd = port_counts(after, "LINUX03")
    if f_txd == 0 or f_txd <= port_counts(before, "LINUX03")[3]:
        fail("the flooder's drops are not counted:\n%s" % after)
    if f_tx < 1000:
        fail("the flooder hardly sent anything (%d):\n%s" % (f_tx, after))

    # a guest that stops reading: its frames are dropped, counted, the others go on
    b.send("#CP")
    b.quiet(1)
    f.quiet(3)
    m.send("QUERY VSWITCH VSW1 DETAILS")
    stalled = m.quiet(3)
    if port_counts(stalled, "LINUX02")[1] == 0:
        fail("no frames dropped for the stopped LINUX02:\n%s" % stalled)
    a.cmd("ping -c 2 10.0.2.2", r"2 packets transmitted, [12] packets received", 120)
    b.cmd("BEGIN", r"")
    b.cmd("echo back-$((1+1))", r"back-2", 120)
    print("ok: flooder sent %d, %d discarded" % (f_tx, f_txd))
finally:
    cp.stop()
PYEOF
