#!/bin/sh
# A saved system of a booted Linux with a NIC on a NAT VSWITCH: MAINT boots,
# takes a lease and saves itself (cpcmd SAVESYS).  LINUX01 and LINUX02 IPL
# the saved system: at resume the link goes down and up and cpcmd binds
# the driver again, so each guest has its own user's MAC address and its own
# DHCP lease, never the saver's; they reach each other and the host.
exec python3 - "$@" <<'PYEOF'
import os, re, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

guest = os.environ.get("GUEST", "")
disk = os.path.join(guest, "linux.img")
if not os.path.exists(disk):
    skip("no guest disk %s (make guest)" % disk)
if not os.path.exists(os.path.join(guest, "root", "sbin", "netup")):
    skip("the guest in %s has no /sbin/netup (make guest)" % guest)
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
PROMPT = r"root@rvcp:/# "

work = os.path.join(TMP, "net_resume")
os.makedirs(work, exist_ok=True)
config = os.path.join(work, "system.config")
with open(config, "w") as f:
    f.write("DEFINE VSWITCH VSW1 NAT\n")
nic = " NICDEF 0600 TYPE QDIO LAN SYSTEM VSW1\n"
cp = CP("USER MAINT maint 64M 256M ABCDEG\n MDISK 200 IMAGE %s RR\n" % disk + nic +
        "USER LINUX01 pw 64M 64M G\n LINK MAINT 200 200 RR\n" + nic +
        "USER LINUX02 pw 64M 64M G\n LINK MAINT 200 200 RR\n" + nic,
        "net_resume", args=("--config", config))


def state(t):
    t.send("echo mac=$(cat /sys/class/net/eth0/address) $(ip -4 addr show eth0 | grep -o 'inet [0-9.]*')")
    m = t.expect(r"mac=([0-9a-f:]+) inet (10\.0\.2\.\d+)\s", BOOT)
    return m.group(1), m.group(2)


try:
    t = cp.term()
    t.logon("MAINT", "maint")
    t.cmd("DEFSYS LXNET 0-FF EW 100-2FF SR 300-3FFF EW MINSIZE=64M", r"defined in fileid")
    t.cmd("IPL 200", PROMPT, BOOT)
    t.send("")
    t.expect(PROMPT, BOOT)
    smac, sip = state(t)
    t.send("cpcmd SAVESYS LXNET; echo resumed-$((6*7))")
    t.expect(r"HCPNSS440I Saved system LXNET was successfully saved", BOOT)
    t.send("BEGIN")
    t.expect(r"resumed-42", BOOT)
    t.expect(PROMPT, BOOT)
    seen = {smac: "MAINT"}
    ips = {sip: "MAINT"}
    for user in ("LINUX01", "LINUX02"):
        u = cp.term()
        u.logon(user, "pw")
        u.send("IPL LXNET")
        u.expect(r"resumed-42", BOOT)
        u.expect(PROMPT, BOOT)
        mac, ip = state(u)
        u.cmd("#CP QUERY VIRTUAL NIC", r"MAC: " + mac.upper().replace(":", "-"))
        if mac in seen or ip in ips:
            fail("%s has %s %s, as %s/%s" % (user, mac, ip, seen.get(mac), ips.get(ip)))
        seen[mac] = user
        ips[ip] = user
        u.cmd("ping -c 2 %s" % sip, r"2 packets transmitted, 2 packets received", 120)
    print("ok: " + " ".join("%s=%s" % (v, k) for k, v in ips.items()))
finally:
    cp.stop()
PYEOF
