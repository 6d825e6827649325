#!/bin/sh
# SHUTDOWN (class A): every user is told, VMs end, CP exits 0.  A class G
# user does not have the command.
exec python3 - "$@" <<'PYEOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

cp = CP("""USER OPERATOR op 32M 32M AG
USER LINUX01 pw 32M 32M G
""")
try:
    u = cp.term()
    u.logon("LINUX01", "pw")
    u.cmd("SHUTDOWN", r"HCPCMD001E Unknown CP command: SHUTDOWN")
    t = cp.term()
    t.logon("OPERATOR", "op")
    vms = cp.vm_pids()
    if set(vms) != {"OPERATOR", "LINUX01"}:
        fail("VM processes: %r" % vms)
    t.cmd("SHUTDOWN", r"SYSTEM SHUTDOWN STARTED")
    u.expect(r"HCPWRP963I SHUTDOWN STARTED BY OPERATOR")
    u.expect_closed()
    t.expect_closed()
    rc = cp.proc.wait(WAIT)
    if rc != 0 or "shutdown complete" not in cp.logtext():
        fail("cp exit status %d:\n%s" % (rc, cp.logtext()))
    for pid in vms.values():
        if os.path.exists("/proc/%d" % pid):
            fail("VM process %d survived SHUTDOWN" % pid)
finally:
    cp.kill()
PYEOF
