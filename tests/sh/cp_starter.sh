#!/bin/sh
# The VM starter (vm/starter.h): CP starts it once; every VM process is a
# clone of it that is CP's own child, shows `rvcp vm ... --user ID`, takes
# a uid of its own and shares the starter's relocated library pages.  When
# the starter is gone CP starts VMs directly, and the users notice nothing.
exec python3 - "$@" <<'PYEOF'
import os, signal, sys, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *


def starters(cp):
    return [pid for pid, argv in cp.children() if argv[1:2] == [b"vm-starter"]]


def status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split()[1:]
    return None


def libc_relro_private(pid):
    """KiB of libc's relocated read-only data that the process alone holds."""
    dirty, lib = 0, False
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and not parts[0].endswith(":"):
                lib = len(parts) > 5 and "libc.so" in parts[5] and parts[1] == "r--p"
            elif lib and parts[0] == "Private_Dirty:":
                dirty += int(parts[1])
    return dirty


cp = CP("USER ALPHA pw 32M 32M G\nUSER BETA pw 32M 32M G\nUSER GAMMA pw 32M 32M G\n")
try:
    st = starters(cp)
    deadline = time.monotonic() + WAIT
    while not st and time.monotonic() < deadline:
        time.sleep(0.1)
        st = starters(cp)
    if len(st) != 1:
        fail("starters: %r\n%s" % (st, cp.logtext()))
    a = cp.term()
    a.logon("ALPHA", "pw")
    b = cp.term()
    b.logon("BETA", "pw")
    vms = cp.vm_pids()  # children of CP, found by their command line
    if set(vms) != {"ALPHA", "BETA"}:
        fail("VM processes: %r" % vms)
    uids = {status(p, "Uid")[0] for p in vms.values()}
    if len(uids) != 2 or "0" in uids:
        fail("VM uids: %r" % uids)
    # The relocated libc pages come from the starter: shared, not private.
    for u, p in vms.items():
        if libc_relro_private(p) > 4:
            fail("%s holds %d KiB of libc's relocated data privately" % (u, libc_relro_private(p)))
    a.cmd("Q V STOR", r"STORAGE = 32M")
    # The starter killed: VMs are started as before, directly.
    os.kill(st[0], signal.SIGKILL)
    g = cp.term()
    g.logon("GAMMA", "pw")
    g.cmd("Q V STOR", r"STORAGE = 32M")
    vms = cp.vm_pids()
    if "GAMMA" not in vms:
        fail("no VM for GAMMA after the starter went: %r\n%s" % (vms, cp.logtext()[-2000:]))
    if "VMs are started directly" not in cp.logtext():
        fail("CP did not say it starts VMs directly")
    for t in (a, b, g):
        t.send("#CP LOGOFF")
        t.expect(r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
PYEOF
