#!/bin/sh
# Virtual CPUs in CP: the directory's MACHINE ESA n and CPU statements,
# QUERY VIRTUAL CPUS in z/VM's form, DEFINE CPU up to the maximum, and the
# bad input: an address out of range or defined already, more CPUs than
# MACHINE allows, DEFINE CPU after IPL, a directory that asks for more CPUs
# than MACHINE allows.
exec python3 - "$@" <<'PYEOF'
import os, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *


# a directory with more CPU statements than its MACHINE allows is refused
bad = os.path.join(os.environ["TMPDIR"], "bad.direct")
with open(bad, "w") as f:
    f.write("USER TWO pass 64M 64M G\n MACHINE ESA 1\n CPU 00\n CPU 01\n")
r = subprocess.run([os.environ["RVCP"], "cp", "--directory", bad, "--spool",
                    os.environ["TMPDIR"], "--listen", "127.0.0.1:%d" % free_port()],
                   capture_output=True, text=True, timeout=60)
if r.returncode == 0 or "more CPUs than MACHINE allows (1)" not in r.stderr:
    fail("directory with 2 CPUs under MACHINE ESA 1: rc %d, %r" % (r.returncode, r.stderr))

cp = CP("""USER ONE pass 64M 64M G
USER SMP pass 64M 64M G
 MACHINE ESA 4
 CPU 00
 CPU 01
""", name="cpus")
try:
    t = cp.term()
    t.logon("ONE", "pass")
    t.cmd("Q V CPUS", r"CPU 00  ID  FF00000072768000 \(BASE\)  CP   CPUAFF ON")
    t.cmd("DEFINE CPU 01", r"HCPCPU1474E 2 virtual CPUs would exceed the directory maximum of 1")
    t.cmd("LOGOFF", r"LOGOFF AT")

    t = cp.term()
    t.logon("SMP", "pass")
    t.send("QUERY VIRTUAL CPUS")
    t.expect(r"CPU 00  ID  FF00000072768000 \(BASE\)  CP   CPUAFF ON")
    t.expect(r"CPU 01  ID  FF01000072768000 STOPPED CP   CPUAFF ON")
    t.cmd("DEFINE CPU 02", r"CPU 02 defined")
    t.cmd("DEFINE CPU 02", r"HCPCPU1473E CPU 02 already defined")
    t.cmd("DEFINE CPU 03-04", r"HCPCPU1474E 5 virtual CPUs would exceed the directory maximum of 4")
    t.cmd("DEFINE CPU 40", r"HCPCPU1472E Invalid CPU address - 40")
    t.cmd("DEFINE CPU 2-1", r"HCPCPU1472E Invalid CPU address - 2-1")
    t.cmd("DEFINE CPU ZZ", r"HCPCPU1472E Invalid CPU address - ZZ")
    t.cmd("DEFINE CPU", r"HCPCMD026E")
    t.cmd("Q V CPUS", r"CPU 02  ID  FF02000072768000 STOPPED")
    t.cmd("DEFINE CPU 3", r"CPU 03 defined")
    t.send("Q V ALL")
    t.expect(r"STORAGE = 64M")
    t.expect(r"CPU 03  ID")
finally:
    cp.stop()
PYEOF
