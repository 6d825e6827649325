#!/bin/sh
# CP with the Linux guest: IPL 200 to the shell, a command in the guest,
# #CP QUERY NAMES while it runs, the break keys (#CP alone, telnet BREAK) into
# CP READ and BEGIN, Ctrl-C (telnet IP) reaching the guest, a second user's
# guest surviving the kill -9 of the first user's VM process, guest reboot
# and poweroff; the second user's OPTION CPU INTERP reaching its VM process.
exec python3 - "$@" <<'PYEOF'
import os, signal, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

img = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(img):
    skip("no guest disk %s (make guest)" % img)
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
PROMPT = r"# $|# \x1b\[6n$|:/# "

cp = CP("""USER MAINT maint 64M 128M ABCDEG
 MDISK 200 IMAGE %s RR
USER LINUX01 pass1 64M 64M G
 MDISK 200 IMAGE %s RR
 OPTION CPU INTERP
""" % (img, img))


def boot(t):
    t.send("IPL 200")
    m = t.expect(r"HCPIPL1060E.*|Linux version", BOOT)
    if m.group(0).startswith("HCPIPL1060E"):
        skip("%s: %s" % (img, m.group(0)))
    t.expect(r"Run /sbin/init|/init", BOOT)
    t.send("")
    t.expect(PROMPT, BOOT)


try:
    t = cp.term()
    t.logon("MAINT", "maint")
    boot(t)
    t.cmd("echo hello-$((6*7))", r"hello-42")
    # CP while the guest runs
    t.cmd("#CP QUERY NAMES", r"MAINT    - L\w{4}")
    t.cmd("#CP Q V STOR#Q T", r"STORAGE = 64M")
    t.expect(r"LINEND #, LINESIZE 080")
    # "#CP" alone: the guest stops, typed lines go to CP
    t.send("#CP")
    t.cmd("Q V STOR", r"STORAGE = 64M")
    t.send("echo not-for-the-guest")
    t.expect(r"HCPCMD001E Unknown CP command: ECHO")
    t.send("BEGIN")
    t.cmd("echo again-$((1+2))", r"again-3")
    # telnet BREAK (IAC BRK) stops it too
    t.send_raw(bytes([255, 243]))
    t.cmd("Q V STOR", r"STORAGE = 64M")
    t.send("B")
    t.cmd("echo back-$((2+5))", r"back-7")
    # telnet IP (Ctrl-C in telnet's line mode) reaches the guest as Ctrl-C
    t.send("sleep 1000")
    t.quiet(1)
    t.send_raw(bytes([255, 244]))
    t.cmd("echo int-$((2*2))", r"int-4")

    # a second user's guest
    u = cp.term()
    u.logon("LINUX01", "pass1")
    boot(u)
    u.cmd("echo two-$((1+1))", r"two-2")
    u.cmd("#CP Q N", r"LINUX01  - L\w{4}")

    # kill -9 MAINT's VM process: MAINT is told, LINUX01's guest goes on
    pids = cp.vm_pids()
    if set(pids) != {"MAINT", "LINUX01"}:
        fail("VM processes: %r" % pids)
    # the directory's OPTION CPU reaches the VM process (MAINT: rvcp's default)
    for user, want in (("LINUX01", [b"--cpu", b"interp"]), ("MAINT", [])):
        argv = open("/proc/%d/cmdline" % pids[user], "rb").read().split(b"\0")
        if (argv[argv.index(b"--cpu"):argv.index(b"--cpu") + 2] if b"--cpu" in argv else []) != want:
            fail("%s's VM process: %r" % (user, argv))
    os.kill(pids["MAINT"], signal.SIGKILL)
    t.expect(r"HCPVMP1058E Virtual machine MAINT ended abnormally \(killed by signal 9\)")
    t.cmd("Q V STOR", r"STORAGE = 64M")  # CP READ, CP fine
    u.cmd("echo alive-$((3*3))", r"alive-9")
    t.cmd("BEGIN", r"HCPBGN1059E Virtual machine not IPLed")
    # the next IPL starts a new VM process
    boot(t)
    t.cmd("echo reborn-$((4*4))", r"reborn-16")
    if cp.vm_pids().get("MAINT") in (None, pids["MAINT"]):
        fail("no new VM process for MAINT")

    # a guest that reboots is IPLed again from the same device
    t.send("reboot -f")
    t.expect(r"Linux version", BOOT)
    t.expect(r"Run /sbin/init|/init", BOOT)
    t.send("")
    t.expect(PROMPT, BOOT)
    t.cmd("echo rebooted-$((5*5))", r"rebooted-25")

    # a guest that powers off: stopped, CP READ
    u.send("poweroff -f")
    u.expect(r"HCPGSP2630I The virtual machine is placed in stopped state", BOOT)
    u.cmd("Q V STOR", r"STORAGE = 64M")
    u.cmd("LOGOFF", r"LOGOFF AT")
    t.cmd("#CP LOGOFF", r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
PYEOF
