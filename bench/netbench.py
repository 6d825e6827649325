"""Network benchmarks: two guests on one switch, beside two QEMU guests.

rvcp: one `rvcp cp` with a NAT VSWITCH (system configuration file) and
LINUX01/LINUX02 coupled to it by NICDEF, both booting the lean guest.
QEMU: two qemu-system-riscv64 -M virt guests booting the same kernel and
disk, their virtio-net NICs joined by QEMU's `-netdev socket` (one listens
on a loopback port, the other connects), addresses set by hand.

Figures, each measured inside the guests with the same busybox tools:
  net_tcp_mbit(_qemu)  LINUX02 fetches a 16 MiB file from LINUX01's busybox
                       httpd (wget to /dev/null, timed by busybox time; best
                       of RUNS)
  net_rtt_us(_qemu)    busybox ping's average round trip, 20 pings
  net_hostfwd_mbit     the host fetches the same file through a HOSTFWD
                       (urllib on 127.0.0.1, timed on the host)
Traffic stays on loopback and inside the guests' own networks.
"""
import os
import socket
import sys
import time
import urllib.request

from common import GUEST, RUNS, RVCP, SRC, Console, lean_cmds, note, results

os.environ.setdefault("RVCP", RVCP)
sys.path.insert(0, os.path.join(SRC, "tests", "sh"))
import cp_lib  # noqa: E402

PROMPT = r"root@rvcp:/# "
MIB = 16
WAIT = 600


def _setup_server(send, expect):
    send("mkdir -p /tmp/www && dd if=/dev/zero of=/tmp/www/big bs=1M count=%d 2>/dev/null && "
         "httpd -p 80 -h /tmp/www && echo server-up" % MIB)
    expect(r"\nserver-up")


def _fetch_mbit(send, expect, ip):
    best = None
    for _ in range(RUNS):
        send("time wget -q -O /dev/null http://%s/big; echo fetched-$?" % ip)
        m = expect(r"real\s+(\d+)m\s*([\d.]+)s[\s\S]*?fetched-(\d+)")
        if m.group(3) != "0":
            raise RuntimeError("wget failed in the guest: %r" % m.group(0)[-300:])
        secs = int(m.group(1)) * 60 + float(m.group(2))
        if secs > 0 and (best is None or secs < best):
            best = secs
    return round(MIB * 8 * 1.048576 / best, 1) if best else None


def _rtt_us(send, expect, ip):
    send("ping -c 20 -i 0.2 %s | tail -n 1" % ip)
    m = expect(r"min/avg/max = [\d.]+/([\d.]+)/[\d.]+ ms")
    return round(float(m.group(1)) * 1000, 1)


def _rvcp():
    img = os.path.join(GUEST, "linux.img")
    work = os.path.join(cp_lib.TMP, "netbench")
    os.makedirs(work, exist_ok=True)
    config = os.path.join(work, "system.config")
    with open(config, "w") as f:
        f.write("DEFINE VSWITCH VSW1 NAT\n")
    d = "USER MAINT maint 64M 64M BG\n"
    for u in ("LINUX01", "LINUX02"):
        d += "USER %s pw 128M 128M G\n MDISK 200 IMAGE %s RR\n NICDEF 0600 TYPE QDIO LAN SYSTEM VSW1\n" % (u, img)
    cp = cp_lib.CP(d, name="netbench", args=("--config", config))
    try:
        t = {}
        for u in ("LINUX01", "LINUX02"):
            t[u] = cp.term()
            t[u].logon(u, "pw")
            t[u].cmd("IPL 200", PROMPT, WAIT)
            t[u].send("")
            t[u].expect(PROMPT, WAIT)
        a, b = t["LINUX01"], t["LINUX02"]
        a.send("ip -4 addr show eth0 | grep -o 'inet [0-9.]*'")
        ip1 = a.expect(r"inet (10\.0\.2\.\d+)\s", WAIT).group(1)
        _setup_server(a.send, lambda p: a.expect(p, WAIT))
        results["net_tcp_mbit"] = _fetch_mbit(b.send, lambda p: b.expect(p, WAIT), ip1)
        results["net_rtt_us"] = _rtt_us(b.send, lambda p: b.expect(p, WAIT), ip1)
        m = cp.term()
        m.logon("MAINT", "maint")
        port = cp_lib.free_port()
        m.cmd("SET VSWITCH VSW1 HOSTFWD TCP %d LINUX01 80" % port, r"HCPLNM1131I")
        best = None
        for _ in range(RUNS):
            t0 = time.monotonic()
            n = len(urllib.request.urlopen("http://127.0.0.1:%d/big" % port, timeout=WAIT).read())
            secs = time.monotonic() - t0
            if n != MIB << 20:
                raise RuntimeError("the forward gave %d bytes" % n)
            best = secs if best is None else min(best, secs)
        results["net_hostfwd_mbit"] = round(MIB * 8 * 1.048576 / best, 1)
    finally:
        cp.stop()


def _qemu_guest(netdev, mac):
    """A QEMU guest on the lean disk with a virtio-net NIC on a socket netdev."""
    _, cmd = lean_cmds([os.path.join(GUEST, "linux.img")], memory="128M")
    return Console(cmd + ["-netdev", "socket,id=n0," + netdev,
                          "-device", "virtio-net-device,netdev=n0,mac=" + mac], "qemu")


def _qemu():
    port = cp_lib.free_port()
    a = _qemu_guest("listen=127.0.0.1:%d" % port, "52:54:00:00:00:01")
    b = None
    try:
        a.expect(r"[#$] ", WAIT)
        b = _qemu_guest("connect=127.0.0.1:%d" % port, "52:54:00:00:00:02")
        b.expect(r"[#$] ", WAIT)
        for g, ip in ((a, "192.168.76.1"), (b, "192.168.76.2")):
            g.send("ip addr flush dev eth0; ip addr add %s/24 dev eth0 && ip link set eth0 up && echo addr-ok" % ip)
            g.expect(r"\naddr-ok")
        _setup_server(a.send, a.expect)
        b.send("ping -c 1 -W 5 192.168.76.1 >/dev/null; echo warm")
        b.expect(r"\nwarm")
        results["net_tcp_mbit_qemu"] = _fetch_mbit(b.send, b.expect, "192.168.76.1")
        results["net_rtt_us_qemu"] = _rtt_us(b.send, b.expect, "192.168.76.1")
    finally:
        a.stop()
        if b:
            b.stop()


def bench_net():
    if not os.path.exists(os.path.join(GUEST, "linux.img")):
        note("no guest (make guest): network not measured")
        return
    _rvcp()
    try:
        _qemu()
    except (RuntimeError, OSError) as e:
        note("qemu network benchmark failed: %s" % e)


NET_BENCHES = [("net", bench_net)]
