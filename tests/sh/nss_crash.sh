#!/bin/sh
# CP killed with SIGKILL during SAVESYS: after a restart the spool is
# consistent -- the saved system is the old file or the new one, whole and
# checksummed, never a half-written one; no temporary file is left; the
# system can still be IPLed.  The save is big (64 MiB of EW pages) and the
# kill comes at several delays after the trap fires, so some kills land
# while the VM is still writing.
exec python3 - "$@" <<'PYEOF'
import os, sys, glob, subprocess, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

prog = os.path.join(os.environ["BUILD"], "tests", "nssprog", "pgtest.bin")
if not os.path.exists(prog):
    skip("no %s (make tests)" % prog)
DIRECTORY = "USER MAINT maint 64M 64M ABCDEG\n MDISK 200 IMAGE pg.img RR\n"
os.makedirs(os.path.join(TMP, "nsscrash"), exist_ok=True)
img = os.path.join(TMP, "nsscrash", "pg.img")
with open(img, "wb") as f:
    f.truncate(1 << 20)
subprocess.check_call([RVCP, "zipl", "--disk", img, "--kernel", prog])
spool = os.path.join(TMP, "nsscrash", "spool")


def start():
    cp = CP(DIRECTORY, "nsscrash")
    t = cp.term()
    t.logon("MAINT", "maint")
    return cp, t


def save(t):
    t.cmd("DEFSYS BIG 0-3FFF EW", r"successfully defined")
    t.cmd("TRACE I R 201000 CMD SAVESYS BIG#TRACE END ALL", r"")
    t.cmd("IPL 200", r" -> 00201000  INSTRUCTION TRACE")


def wait_gone(pids):
    deadline = time.monotonic() + 30
    for pid in pids:
        while os.path.exists("/proc/%d" % pid) and time.monotonic() < deadline:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            time.sleep(0.05)


cp, t = start()
try:
    save(t)
    t.expect(r"successfully saved in fileid 0001\.")
    for delay in (0, 0.005, 0.02, 0.05, 0.2, 0.5, 2.0):
        save(t)
        time.sleep(delay)
        vms = list(cp.vm_pids().values())
        cp.kill()                       # SIGKILL, mid-save or about
        wait_gone(vms)                  # the VM processes end with CP's socket
        cp, t = start()
        if glob.glob(os.path.join(spool, "*.tmp")) + glob.glob(os.path.join(spool, "*.new")):
            fail("temporary file left after restart")
        t.send("QUERY NSS NAME BIG")
        out = t.quiet(1.0)
        saved = re.findall(r"(\d{4}) NSS  A ", out)
        if len(saved) != 1:
            fail("after a kill %gs into SAVESYS: %s" % (delay, out))
        if "damaged" in cp.logtext():
            fail("damaged spool file after a kill:\n" + cp.logtext())
        t.cmd("IPL BIG", r"PGTEST ARGS=")   # whole: the data checksums verify
        t.cmd("#CP SYSTEM CLEAR", r"Storage cleared")
        print("kill after %gs: saved system %s" % (delay, saved[0]))
    t.cmd("LOGOFF", r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
print("ok")
PYEOF
