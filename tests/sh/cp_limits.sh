#!/bin/sh
# CP's resource limits (cp/terminal.c, cp/vmctl.c, rexx/exec.c): an overlong
# typed line is discarded with a message, and so are lines typed ahead to an
# EXEC beyond 256; requests for a VM process that does not read for a while
# wait in CP, in order; one that stops reading is ended once CP's bounded
# queue for it is full (CP never blocks on it) and the user is told; beyond
# TERM_MAX terminals a connection is refused with a message and CP serves the
# others; a terminal that does not log on in time is told and dropped; CP out
# of descriptors stops accepting for a moment instead of spinning, and accepts
# again when some are free.
exec python3 - "$@" <<'PYEOF'
import os, resource, signal, socket, sys, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

image = os.path.join(TMP, "disk.img")
with open(image, "wb") as f:
    f.truncate(1 << 20)
# (No limit per source address here: every connection comes from 127.0.0.1;
# cp_logon_limits.sh tests that limit.)
cp = CP("""USER MAINT maint 32M 32M G
USER LINUX01 pw 32M 32M G
 MDISK 0100 IMAGE %s MR
""" % image, args=["--logon-per-address", "0"])
try:
    good = cp.term()
    good.logon("MAINT", "maint")

    # An overlong line: refused as a whole, the next line works.
    good.send("Q V STOR " + "X" * 5000)
    good.expect(r"HCPTRM1052E Input line discarded: longer than 2047 characters")
    good.cmd("Q V STOR", r"STORAGE = 32M")

    # Lines typed to an EXEC that does not PULL them: at most 256 wait.
    area = os.path.join(cp.dir, "spool", "users", "MAINT")
    os.makedirs(area, exist_ok=True)
    with open(os.path.join(area, "LOOP.EXEC"), "w") as f:
        f.write("say 'looping'\ndo forever\nend\n")
    good.cmd("EXEC LOOP", "looping")
    good.send_raw(b"".join(b"line %d\r\n" % i for i in range(300)))
    good.expect(r"HCPTRM1051W Input line lost: too much typed ahead")
    good.cmd("HI", r"HCPEXC1066I EXEC LOOP ended")
    good.cmd("Q V STOR", r"STORAGE = 32M")

    # A VM process that stops reading: SIGSTOP it, then send it requests.
    t = cp.term()
    t.logon("LINUX01", "pw")
    deadline = time.monotonic() + WAIT
    while "LINUX01" not in cp.vm_pids():  # forked, maybe not yet exec'ed
        if time.monotonic() > deadline:
            fail("no VM process for LINUX01")
        time.sleep(0.05)
    pid = cp.vm_pids()["LINUX01"]
    os.kill(pid, signal.SIGSTOP)

    # Stopped for a while: what does not fit in its socket waits in CP, in
    # order, and reaches it when it reads again.  (How many requests the
    # socket holds: measured here, on the same kernel.)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    a.setblocking(False)
    room = 0
    try:
        while room < 100000:
            a.send(b"x" * 12)  # the size of a RESET request
            room += 1
    except BlockingIOError:
        pass
    a.close()
    b.close()
    n = room + 30
    while n > 0:
        t.send("#".join(["SYSTEM RESET"] * min(n, 150)))
        n -= 150
    t.quiet(2)
    t.send("IPL 100")  # queued behind the resets
    t.quiet(1)
    os.kill(pid, signal.SIGCONT)
    t.expect(r"no IPL record on the disk")
    if "does not read its requests" in cp.logtext() or cp.vm_pids().get("LINUX01") != pid:
        fail("a VM that stopped for a while was ended")

    os.kill(pid, signal.SIGSTOP)
    line = "#".join(["SYSTEM RESET"] * 150)
    for _ in range(12):
        t.send(line)
    t.expect(r"HCPVMP1058E Virtual machine LINUX01 ended abnormally \(killed by signal 9\)")
    if "does not read its requests" not in cp.logtext():
        fail("no log line for the hung VM:\n" + cp.logtext()[-2000:])
    # CP went on serving the other user all the time, and this one still works.
    good.cmd("Q V STOR", r"STORAGE = 32M")
    t.cmd("Q V STOR", r"STORAGE = 32M")
    t.cmd("SYSTEM RESET", r"System reset\.")

    # More terminals than TERM_MAX (512): the extra ones are told and closed.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 700:
        skip("needs 700 descriptors")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 700), hard))
    socks = []
    for i in range(530):
        socks.append(socket.create_connection(("127.0.0.1", cp.port), WAIT))
    refused = 0
    for s in socks[-18:]:
        s.settimeout(WAIT)
        data = b""
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
        if b"HCPTRM1053E" in data:
            refused += 1
    if refused < 15:
        fail("only %d of the last 18 connections were refused" % refused)
    good.cmd("Q V STOR", r"STORAGE = 32M")
    for s in socks:
        s.close()
    good.cmd("Q V STOR", r"STORAGE = 32M")
    late = cp.term()
    late.logon("LINUX01", "pw", greeting="RECONNECTED AT")
    cp.stop()
finally:
    cp.kill()

# A terminal that does not log on in time is told and dropped; one that did
# stays.  (5 s: far more than a local LOGON takes.)
cp = CP("USER MAINT maint 32M 32M G\n", name="cp-grace", args=["--logon-timeout", "5"])
try:
    idle = cp.term()
    user = cp.term()
    user.logon("MAINT", "maint")
    idle.expect(r"HCPTRM1054E No LOGON within 5 seconds; terminal dropped")
    idle.expect_closed()
    user.cmd("Q V STOR", r"STORAGE = 32M")
    cp.stop()
finally:
    cp.kill()

# CP out of descriptors: it stops accepting for a moment (no busy loop on a
# connection it cannot take), then takes the waiting ones when it can.  CP
# raises its own limit as it starts, so it is lowered under it afterwards.
cp = CP("USER MAINT maint 32M 32M G\n", name="cp-fds", args=["--logon-per-address", "0"])
try:
    if resource.prlimit(cp.proc.pid, resource.RLIMIT_NOFILE)[0] < 4096:
        fail("CP did not raise its descriptor limit")
    resource.prlimit(cp.proc.pid, resource.RLIMIT_NOFILE, (48, hard))
    socks = [socket.create_connection(("127.0.0.1", cp.port), WAIT) for _ in range(60)]
    deadline = time.monotonic() + WAIT
    while "retrying" not in cp.logtext():
        if time.monotonic() > deadline:
            fail("CP did not run out of descriptors:\n" + cp.logtext()[-2000:])
        time.sleep(0.1)
    for s in socks:
        s.close()
    good = cp.term()
    good.logon("MAINT", "maint")
    good.cmd("Q V STOR", r"STORAGE = 32M")
    cp.stop()
finally:
    cp.kill()
PYEOF
