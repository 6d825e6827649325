#!/bin/sh
# CP restarts under running guests (cp/vmctl.h, vm/vm.h): CP is killed with
# SIGKILL while LINUX01's Linux runs; its VM process goes on; a new CP on the
# same spool takes it over, LINUX01 logs on and is RECONNECTED to the very
# same guest — the same process, its uptime continued, its T-disk's data
# there, its shell answering — and LOGOFF ends it.  SIGQUIT ends CP the same
# way on purpose (an upgrade).  A VM left without CP for --orphan-wait
# seconds ends by itself; a socket in the spool whose VM is gone is removed.
exec python3 - "$@" <<'PYEOF'
import os, signal, sys, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

img = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(img):
    skip("no guest disk %s (make guest)" % img)
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
PROMPT = r"# $|# \x1b\[6n$|:/# "
DIRECTORY = """USER MAINT maint 64M 128M ABCDEG
 MDISK 200 IMAGE %s RR
USER LINUX01 pass1 64M 64M G
 LINK MAINT 200 200 RR
""" % img


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def uptime(t):
    return float(t.cmd("echo up=$(cut -d' ' -f1 /proc/uptime)=", r"up=([0-9.]+)=").group(1))


def reconnect(cp):
    t = cp.term()
    t.logon("LINUX01", "pass1", greeting="RECONNECTED AT")
    t.send("")
    t.expect(PROMPT, BOOT)
    return t


cp = CP(DIRECTORY, name="cp")
cps = [cp]
try:
    t = cp.term()
    t.logon("LINUX01", "pass1")
    t.cmd("DEFINE T9336 AS 201 BLK 2048", r"DASD 0201 DEFINED")
    t.send("IPL 200")
    t.expect(r"Run /sbin/init|/init", BOOT)
    t.send("")
    t.expect(PROMPT, BOOT)
    t.cmd("echo mark-$((6*7)) >/dev/vdb; sync; echo synced-$((1+1))", r"synced-2")
    before = uptime(t)
    pid = cp.vm_pids()["LINUX01"]
    sock = os.path.join(cp.dir, "spool", "vm", "LINUX01.sock")
    if not os.path.exists(sock):
        fail("no %s for the VM to wait on" % sock)

    # CP dies; the guest does not.
    cp.kill_cp_only()
    time.sleep(2)
    if not alive(pid):
        fail("the VM process ended with CP")
    cp = CP(DIRECTORY, name="cp")
    cps.append(cp)
    t = reconnect(cp)
    after = uptime(t)
    if after < before + 2:
        fail("uptime %.2f after the restart, %.2f before: not the same guest" % (after, before))
    if "VM process %d taken over" % pid not in cp.logtext():
        fail("the new CP did not take VM process %d over:\n%s" % (pid, cp.logtext()))
    t.cmd("head -c 7 /dev/vdb; echo =", r"mark-42=")
    t.cmd("echo hello-$((2*3))", r"hello-6")
    t.cmd("#CP QUERY NAMES", r"LINUX01  - L\w{4}")
    t.cmd("#CP QUERY VIRTUAL DASD", r"DASD 0201")

    # SIGQUIT: CP leaves on purpose, the guest runs on, the next CP takes it.
    cp.proc.send_signal(signal.SIGQUIT)
    if cp.proc.wait(WAIT) != 0:
        fail("cp exit status after SIGQUIT:\n" + cp.logtext()[-2000:])
    if "leaving 1 users' guests running" not in cp.logtext():
        fail("SIGQUIT not logged as leaving the guests:\n" + cp.logtext()[-2000:])
    cp = CP(DIRECTORY, name="cp")
    cps.append(cp)
    t = reconnect(cp)
    if uptime(t) < after:
        fail("not the same guest after SIGQUIT")
    t.cmd("#CP LOGOFF", r"LOGOFF AT")
    deadline = time.monotonic() + WAIT
    while alive(pid):
        if time.monotonic() > deadline:
            fail("the adopted VM process %d did not end at LOGOFF" % pid)
        time.sleep(0.2)
    if os.path.exists(sock):
        fail("%s left behind after LOGOFF" % sock)

    # A stale socket (its VM gone) is removed by the next CP.
    cp.proc.send_signal(signal.SIGTERM)
    cp.proc.wait(WAIT)
    import socket as so
    s = so.socket(so.AF_UNIX, so.SOCK_SEQPACKET)
    s.bind(sock)
    s.close()
    cp = CP(DIRECTORY, name="cp", args=["--orphan-wait", "3"])
    cps.append(cp)
    deadline = time.monotonic() + WAIT
    while os.path.exists(sock):
        if time.monotonic() > deadline:
            fail("a socket without a VM was not removed")
        time.sleep(0.2)

    # Left without CP for --orphan-wait 3: the VM ends on its own.
    m = cp.term()
    m.logon("MAINT", "maint")
    vm = cp.vm_pids()["MAINT"]
    cp.kill_cp_only()
    deadline = time.monotonic() + 60
    while alive(vm):
        if time.monotonic() > deadline:
            fail("VM process %d still there 60 s after CP, with --orphan-wait 3" % vm)
        time.sleep(0.2)
finally:
    for c in cps:
        c.kill()
    try:
        os.kill(pid, signal.SIGKILL)
    except (OSError, NameError):
        pass
PYEOF
