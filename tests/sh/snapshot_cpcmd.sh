#!/bin/sh
# A saved system of a booted Linux, saved by the guest itself: MAINT IPLs
# the disk; in the guest `cpcmd QUERY VIRTUAL STORAGE` reaches CP (answer on
# the terminal, the escape sequence never shown, the guest goes on), then
# `cpcmd SAVESYS LXBOOT; echo ...` saves the running system at that request
# and leaves MAINT in CP READ.  BEGIN lets the saver finish the line.  Then
# another user's IPL LXBOOT continues the very same command line: the echo
# after cpcmd runs, the shell answers, the clock is the host's, the disk
# works; a class G user's cpcmd is checked against its own classes.  The
# guest's cursor position queries (busybox, at each prompt) are answered by
# the VM and never reach the line-mode terminal.
# Prints the time from IPL LXBOOT to the resumed shell answering.
exec python3 - "$@" <<'PYEOF'
import os, sys, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

guest = os.environ.get("GUEST", "")
disk = os.path.join(guest, "linux.img")
if not os.path.exists(disk):
    skip("no guest disk %s (make guest)" % disk)
if not os.path.exists(os.path.join(guest, "root", "sbin", "cpcmd")):
    skip("the guest in %s has no /sbin/cpcmd (make guest)" % guest)
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
PROMPT = r"root@rvcp:/# "

cp = CP("""USER MAINT maint 64M 256M ABCDEG
 MDISK 200 IMAGE %s RR
USER LINUX01 pw 64M 128M G
 LINK MAINT 200 200 RR
""" % disk, "snapcpcmd")
try:
    t = cp.term()
    t.logon("MAINT", "maint")
    t.cmd("DEFSYS LXBOOT 0-FF EW 100-2FF SR 300-3FFF EW MINSIZE=64M", r"defined in fileid")
    t.cmd("IPL 200", PROMPT, BOOT)
    t.send("")
    t.expect(PROMPT, BOOT)

    # A CP command from the guest: answered on the terminal, guest goes on.
    t.send("cpcmd QUERY VIRTUAL STORAGE; echo after-$((1+1))")
    t.expect(r"STORAGE = 64M", BOOT)
    t.expect(r"after-2", BOOT)
    t.expect(PROMPT, BOOT)
    out = t.quiet(0.5)
    t.send("echo x")
    out += t.expect(PROMPT, BOOT).string
    if "\x1b]5050" in out:
        fail("the request escape sequence reached the terminal")
    if "\x1b[6n" in out:
        fail("the guest's cursor position query reached the line-mode terminal")

    # The guest saves itself, then waits in CP READ.
    t.send("cpcmd SAVESYS LXBOOT; echo resumed-$((6*7))")
    t.expect(r"HCPNSS440I Saved system LXBOOT was successfully saved", BOOT)
    if "resumed-42" in t.quiet(1.0):
        fail("the saver went on before BEGIN")
    t.send("BEGIN")
    t.expect(r"resumed-42", BOOT)
    t.expect(PROMPT, BOOT)

    time.sleep(2)
    u = cp.term()
    u.logon("LINUX01", "pw")
    t0 = time.monotonic()
    u.send("IPL LXBOOT")
    u.expect(r"resumed-42", BOOT)       # the rest of the saved command line
    u.expect(PROMPT, BOOT)
    u.send("echo ok-$((3*3))")
    u.expect(r"ok-9", BOOT)
    t1 = time.monotonic()
    before = time.time()
    u.send("echo clock $(date +%s)")
    g = int(u.expect(r"clock (\d+)\s", BOOT).group(1))
    after = time.time()
    if not before - 2 <= g <= after + 2:
        fail("LINUX01: guest clock %d, host %d..%d" % (g, before, after))
    u.send("echo files $(ls /bin | wc -l)")
    if int(u.expect(r"files (\d+)\s", BOOT).group(1)) < 10:
        fail("LINUX01: /bin is nearly empty")
    # LINUX01 is class G: DEFSYS from its guest is an unknown command.
    u.send("cpcmd DEFSYS XX 0-F EW")
    u.expect(r"HCPCMD001E", BOOT)
    u.expect(PROMPT, BOOT)
    u.send("#CP LOGOFF")
    u.expect(r"LOGOFF AT")
    t.send("#CP LOGOFF")
    t.expect(r"LOGOFF AT")
    cp.stop()
    print("snapshot_cpcmd: IPL LXBOOT to the resumed shell answering %.0f ms" %
          ((t1 - t0) * 1e3))
finally:
    cp.kill()
PYEOF
