#!/bin/sh
# TRACE beyond I R (cp/cmd_trace.c) on a bare-metal guest
# (tests/nssprog/dsptest.c): a trace set of several traps, QUERY TRACE in
# its form, a store trap, an instruction trap with a command list, an SVC
# trap on the guest's SBI calls, a program trap on an instruction page
# fault; every hit shows the instruction disassembled; the set is bounded;
# an interrupt trap on a running Linux guest (skipped without a built guest).
exec python3 - "$@" <<'PYEOF'
import os, sys, subprocess
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

BUILD = os.environ["BUILD"]
prog = os.path.join(BUILD, "tests", "nssprog", "dsptest.bin")
if not os.path.exists(prog):
    skip("no %s (make tests)" % prog)
os.makedirs(os.path.join(TMP, "cptrc"), exist_ok=True)
img = os.path.join(TMP, "cptrc", "dsp.img")
with open(img, "wb") as f:
    f.truncate(1 << 20)
subprocess.check_call([RVCP, "zipl", "--disk", img, "--kernel", prog])
guest_img = os.path.join(os.environ.get("GUEST", ""), "linux.img")
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
PROMPT = r"# $|# \x1b\[6n$|:/# "
cp = CP("""USER TRC p 16M 64M G
 MDISK 200 IMAGE %s RR
USER LNX p 64M 64M G
 MDISK 200 IMAGE %s RR
""" % (img, guest_img), "cptrc")
try:
    t = cp.term()
    t.logon("TRC", "p")
    t.cmd("TRACE I R 201000 CMD D PSW", r"")
    t.cmd("TRACE STORE 300100-300107", r"")
    t.cmd("QUERY TRACE", r"NAME  INITIAL    \(ACTIVE\)")
    t.expect(r" 1  INSTR  R  00201000-00201000  NORUN")
    t.expect(r"CMD  D PSW")
    t.expect(r" 2  STORE  R  00300100-00300107  NORUN")
    # fill() clears the flag: a store hit, the storing instruction shown.
    t.cmd("IPL 200", r" -> 802[0-9A-F]{5}  STORE R00300100  [0-9A-F]{4,8} +(c\.)?sd zero,-?\d+\([a-z0-9]+\)")
    t.cmd("BEGIN", r"DSPTEST READY")
    t.expect(r" -> 00201000  INSTRUCTION TRACE  00449537  lui a0,0x449")
    t.expect(r"PSW = PC 0000000080201000")  # the trap's command list ran
    # A store by CP is no guest store; the guest's SBI call is an SVC.
    t.cmd("TRACE SVC", r"")
    t.cmd("STORE 300100 5", r"Store complete\.")
    t.cmd("BEGIN", r" -> 802[0-9A-F]{5}  SVC A7=1  [0-9A-F]{4,8} +(c\.)?ecall")
    t.cmd("QUERY TRACE", r" 3  SVC      NORUN")
    # A program trap: an instruction page fault where nothing is mapped.
    t.cmd("TRACE END", r"")
    t.cmd("QUERY TRACE", r"No trace sets defined")
    t.cmd("TRACE PROG 0D", r"")  # no load page faults: this trap never fires
    t.cmd("TRACE PROG 0C", r"")
    t.cmd("QUERY TRACE", r" 1  PROG   0D  NORUN")
    t.expect(r" 2  PROG   0C  NORUN")
    t.cmd("STORE PSW 1000", r"Store complete\.")
    t.cmd("BEGIN", r" -> 00001000  PROGRAM 0C  TVAL 1000  \r\n")
    t.cmd("D PSW", r"PSW = PC 00000000802[0-9A-F]{5}  PRV S")  # in the trap handler
    t.cmd("TRACE END ALL", r"")
    # Bad operands and the bound of the set.
    for line, msg in [
        ("TRACE PROG 8", r"HCPCMD002E Invalid operand - 8"),
        ("TRACE PROG XYZ", r"HCPCMD002E Invalid operand - XYZ"),
        ("TRACE STORE", r"HCPCMD026E Operand missing or invalid"),
        ("TRACE EXT FOO", r"HCPCMD003E Invalid option - FOO"),
        ("TRACE NOSUCH", r"HCPCMD003E Invalid option - NOSUCH"),
    ]:
        t.cmd(line, msg)
    for i in range(8):
        t.cmd("TRACE I R %X" % (0x400000 + i * 16), r"")
    t.cmd("TRACE EXT RUN", r"HCPTRC1323E Trace set full: at most 8 traps")
    t.cmd("TRACE END", r"")
    t.cmd("LOGOFF", r"LOGOFF AT")

    # An interrupt trap on a running Linux guest: its next timer interrupt.
    if os.path.exists(guest_img):
        u = cp.term()
        u.logon("LNX", "p")
        u.send("IPL 200")
        u.expect(r"Run /sbin/init|/init", BOOT)
        u.send("")
        u.expect(PROMPT, BOOT)
        u.cmd("#CP TRACE EXT", r" -> [0-9A-F]{8,16}  EXTERNAL 0[59]  [0-9A-F]{4,8} +\S+", BOOT)
        u.cmd("TRACE END", r"")
        u.send("BEGIN")
        u.cmd("echo alive-$((6*7))", r"alive-42")
        u.cmd("#CP LOGOFF", r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
PYEOF
