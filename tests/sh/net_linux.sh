#!/bin/sh
# Networking end to end: two Linux guests with NICs (directory NICDEF) on a
# VSWITCH with a NAT uplink defined by the system configuration file.  Each
# takes a DHCP lease at boot (10.0.2.x, distinct); LINUX01 serves busybox
# httpd on port 80, LINUX02 fetches from it by IP and pings it; the host
# fetches from it through a HOSTFWD; a guest fetches from a server on the
# host's 127.0.0.1 through 10.0.2.2; UNCOUPLE takes the link down and COUPLE
# brings it back; QUERY VSWITCH / VIRTUAL NIC show the ports and their
# counters; the errors (COUPLE to no switch, HOSTFWD to a port in use, a
# switch defined twice) are numbered messages.  Only loopback and the
# guests' own switch carry traffic.
exec python3 - "$@" <<'PYEOF'
import http.server, os, re, socket, sys, threading, urllib.request
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

img = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(img):
    skip("no guest disk %s (make guest)" % img)
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
PROMPT = r"# $|# \x1b\[6n$|:/# "

# A server on the host's loopback, for the guests to reach through 10.0.2.2.
class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"host-says-hi\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
host = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
threading.Thread(target=host.serve_forever, daemon=True).start()
hport = host.server_address[1]

cfgdir = os.path.join(TMP, "net_linux")
os.makedirs(cfgdir, exist_ok=True)
config = os.path.join(cfgdir, "system.config")
with open(config, "w") as f:
    f.write("* the system configuration\nDEFINE VSWITCH VSW1 NAT\n")

users = ""
for u in ("LINUX01", "LINUX02"):
    users += """USER %s pass 64M 64M G
 MDISK 200 IMAGE %s RR
 NICDEF 0600 TYPE QDIO LAN SYSTEM VSW1
""" % (u, img)
cp = CP("""USER MAINT maint 64M 64M BG
""" + users, name="net_linux", args=("--config", config))


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


try:
    m = cp.term()
    m.logon("MAINT", "maint")
    m.cmd("QUERY VSWITCH", r"VSWITCH SYSTEM VSW1\s+Type: QDIO\s+Connected: 0")
    m.cmd("DEFINE VSWITCH VSW1", r"HCPLNM1103E VSWITCH SYSTEM VSW1 already exists")

    a = cp.term()
    a.logon("LINUX01", "pass")
    a.cmd("QUERY VIRTUAL NIC", r"Adapter 0600\.P00 Type: QDIO")
    mac1 = a.expect(r"MAC: (02-52-56-[0-9A-F-]+)\s+VSWITCH: SYSTEM VSW1").group(1)
    boot(a)
    ip1 = addr(a)
    a.cmd("mkdir -p /tmp/www && echo hello-from-linux01 > /tmp/www/index.html && "
          "httpd -p 80 -h /tmp/www && echo httpd-up", r"\nhttpd-up")

    b = cp.term()
    b.logon("LINUX02", "pass")
    b.cmd("QUERY VIRTUAL NIC", r"MAC: (02-52-56-[0-9A-F-]+)")
    boot(b)
    ip2 = addr(b)
    if ip1 == ip2:
        fail("both guests have %s" % ip1)
    mac2 = b.quiet(0.1) and None

    # guest to guest, by IP
    b.cmd("wget -q -O - http://%s/ && echo fetched-ok" % ip1, r"hello-from-linux01\s+fetched-ok", 120)
    b.cmd("ping -c 2 %s" % ip1, r"2 packets transmitted, 2 packets received", 120)
    # a guest to the host's loopback through 10.0.2.2
    b.cmd("wget -q -O - http://10.0.2.2:%d/ && echo host-ok" % hport, r"host-says-hi\s+host-ok", 120)

    # the host to LINUX01's port 80 through a forward
    fport = free_port()
    m.cmd("SET VSWITCH VSW1 HOSTFWD TCP %d LINUX01 80" % fport,
          r"HCPLNM1131I HOSTFWD TCP 127\.0\.0\.1:%d to LINUX01 port 80" % fport)
    m.cmd("QUERY VSWITCH VSW1 HOSTFWD", r"HOSTFWD TCP 127\.0\.0\.1:%d\s+LINUX01\s+%s\s+port 80" % (fport, re.escape(ip1)))
    body = urllib.request.urlopen("http://127.0.0.1:%d/" % fport, timeout=120).read()
    if b"hello-from-linux01" not in body:
        fail("through the forward: %r" % body)
    # a host port already in use (the host's own server holds hport)
    m.cmd("SET VSWITCH VSW1 HOSTFWD TCP %d LINUX02 80" % hport, r"HCPLNM1133E HOSTFWD TCP 127\.0\.0\.1:%d not set" % hport)
    m.cmd("SET VSWITCH VSW1 HOSTFWD TCP %d LINUX02 80" % fport, r"HCPLNM1134E")
    m.cmd("SET VSWITCH VSW1 HOSTFWD TCP %d OFF" % fport, r"HCPLNM1132I")

    # QUERY VSWITCH DETAILS: both ports, their addresses and counters
    m.cmd("QUERY VSWITCH VSW1 DETAILS", r"Connected: 2")
    m.expect(r"Adapter Owner: LINUX01\s+NIC: 0600\.P00")
    m.expect(r"RX Packets: [1-9]\d*")
    m.expect(re.escape(ip1) + r"\s+MAC: " + mac1)

    # UNCOUPLE: link down; COUPLE: back up
    b.cmd("#CP COUPLE 0600 TO SYSTEM NOSUCH", r"HCPLNM1104E LAN or VSWITCH SYSTEM NOSUCH does not exist")
    b.cmd("#CP UNCOUPLE 0600", r"HCPNIC1110I NIC 0600 is disconnected from VSWITCH SYSTEM VSW1")
    b.cmd("#CP QUERY VIRTUAL NIC", r"LAN: \* None")
    b.cmd("sleep 1; cat /sys/class/net/eth0/carrier", r"\n0\s")
    b.cmd("ping -c 1 -W 2 %s; echo rc=$?" % ip1, r"rc=1", 60)
    b.cmd("#CP COUPLE 0600 TO SYSTEM VSW1", r"HCPNIC1109I NIC 0600 is connected to VSWITCH SYSTEM VSW1")
    b.cmd("sleep 1; cat /sys/class/net/eth0/carrier", r"\n1\s")
    b.cmd("ping -c 2 %s" % ip1, r"2 packets transmitted, 2 packets received", 120)
    b.cmd("#CP QUERY VIRTUAL NIC DETAILS", r"RX Packets: [1-9]")

    # DETACH VSWITCH: every NIC is uncoupled, with a message
    m.cmd("DETACH VSWITCH VSW1", r"HCPLNM1102I VSWITCH SYSTEM VSW1 is destroyed")
    a.expect(r"HCPNIC1110I NIC 0600 is disconnected from VSWITCH SYSTEM VSW1")
    m.cmd("QUERY VSWITCH", r"No VSWITCH defined")
    # a VSWITCH defined again: the NICDEFs naming it couple
    m.cmd("DEFINE VSWITCH VSW1 NAT", r"HCPSWU1100I VSWITCH SYSTEM VSW1 is created")
    a.cmd("#CP QUERY VIRTUAL NIC", r"VSWITCH: SYSTEM VSW1")
    print("ok: %s %s" % (ip1, ip2))
finally:
    host.shutdown()
    cp.stop()
PYEOF
