#!/bin/sh
# DISPLAY and STORE (cp/display.h) on a bare-metal guest
# (tests/nssprog/dsptest.c): registers, PSW, CSRs, real storage with its
# text column, storage through the guest's Sv39 translation and a page that
# does not translate, the end of storage; STORE of a register and of storage
# while stopped at a trace trap and while the guest runs (the guest prints
# what it got), STORE PSW making it run its code again; bad operands get
# numbered messages; with two virtual CPUs, CPU nn picks the hart.
exec python3 - "$@" <<'PYEOF'
import os, sys, subprocess, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

BUILD = os.environ["BUILD"]
prog = os.path.join(BUILD, "tests", "nssprog", "dsptest.bin")
if not os.path.exists(prog):
    skip("no %s (make tests)" % prog)
os.makedirs(os.path.join(TMP, "cpdsp"), exist_ok=True)
img = os.path.join(TMP, "cpdsp", "dsp.img")
with open(img, "wb") as f:
    f.truncate(1 << 20)
subprocess.check_call([RVCP, "zipl", "--disk", img, "--kernel", prog])
cp = CP("""USER DSP p 16M 64M G
 MDISK 200 IMAGE %s RR
USER NOVM p 16M 64M G
USER TWO p 16M 64M G
 MACHINE ESA 2
 CPU 00
 CPU 01
 MDISK 200 IMAGE %s RR
""" % (img, img), "cpdsp")
HEX16 = r"[0-9A-F]{16}"
try:
    t = cp.term()
    t.logon("DSP", "p")
    t.cmd("TRACE I R 201000", r"")
    t.cmd("IPL 200", r"DSPTEST READY")
    t.expect(r" -> 00201000  INSTRUCTION TRACE")

    # Stopped at the trap: the PSW, registers by number, range and name.
    t.cmd("D PSW", r"PSW = PC 0000000080201000  PRV S  MSTATUS %s  SATP 8%s" % (HEX16, "[0-9A-F]{15}"))
    t.cmd("DISPLAY G", r"GPR  0 =  0000000000000000  (%s  ){2}%s" % (HEX16, HEX16))
    for n in (4, 8, 12, 16, 20, 24, 28):
        t.expect(r"GPR %2d =  (%s  ){3}%s" % (n, HEX16, HEX16))
    t.cmd("D G sp", r"GPR  2 =  00000000802[0-9A-F]{5}\r\n")
    t.cmd("D G x10-a1", r"GPR 10 =  %s  %s\r\n" % (HEX16, HEX16))
    t.cmd("D G0", r"GPR  0 =  0000000000000000\r\n")
    t.cmd("D F fa0-fa1", r"FPR 10 =  %s  %s\r\n" % (HEX16, HEX16))
    t.cmd("D CSR satp", r"CSR SATP \(180\) = 8%s" % "[0-9A-F]{15}")
    t.cmd("D CSR 141", r"CSR SEPC \(141\) = %s" % HEX16)

    # Real storage: whole lines, words in address order, the text column.
    t.cmd("D T300000.20", r"R00300000  52564350 20444953 504C4159 20544553  \*RVCP DISPLAY TES\*")
    t.expect(r"R00300010  54204D41 524B4552 00000000 00000000  \*T MARKER\.\.\.\.\.\.\.\.\*")
    t.cmd("D 300004-300007", r"R00300000  52564350 20444953 504C4159 20544553  \*RVCP DISPLAY TES\*\r\n")
    # Through the translation; unmapped pages; several operands at once.
    t.cmd("D VFFFFFFFFC0300000 V80300010", r"VFFFFFFFFC0300000  52564350 .*\*RVCP DISPLAY TES\*")
    t.expect(r"V80300010  54204D41 ")
    t.cmd("D V1000.2000", r"V0000000000001000 TO 0000000000002FFF is not addressable because of a page-fault exception")
    # The end of storage (16M).
    t.cmd("D RFFFFF0-1000010", r"R00FFFFF0  00000000 00000000 00000000 00000000  \*\.{16}\*")
    t.expect(r"HCPDSP1305E Storage location 1000000 exceeds the storage size \(1000000\)")
    t.cmd("STORE 1000000 1", r"HCPDSP1305E Storage location 1000000 exceeds the storage size")

    # STORE while stopped: a2 and storage (words right-justified).
    t.cmd("STORE G a2 ABCD", r"Store complete\.")
    t.cmd("D G12", r"GPR 12 =  000000000000ABCD")
    t.cmd("STORE 300020 41 4243 1122334455667788", r"Store complete\.")
    t.cmd("D 300020", r"R00300020  00000041 00004243 11223344 55667788  \*\.\.\.A\.\.BC\.\"3DUfw\.\*")
    t.cmd("STORE VFFFFFFFFC0300030 5A5A", r"Store complete\.")
    t.cmd("D 300030", r"R00300030  00005A5A ")

    # Running: the guest spins in resume(); DISPLAY and STORE reach it.
    t.cmd("TRACE END", r"")
    t.cmd("BEGIN", r"")
    # BEGIN and the next request may both be taken before an instruction
    # runs: ask until the guest has set a0 and a1.
    deadline = time.monotonic() + WAIT
    while not t.cmd("#CP D G a0-a1", r"GPR 10 =  (%s  %s)" % (HEX16, HEX16)).group(1) == \
            "1122334455667788  00000000000000A1":
        if time.monotonic() > deadline:
            fail("the guest never set a0 and a1")
        time.sleep(0.2)
    t.cmd("#CP D PSW", r"PSW = PC 00000000802010[0-9A-F]{2}  PRV S")
    t.cmd("#CP STORE 300100 00000007", r"Store complete\.")
    t.expect(r"DSPTEST FLAG=7000000 A2=ABCD")
    # STORE PSW: the guest runs resume() again.  (Typed lines go to the
    # running guest; #CP gives them to CP.)
    t.cmd("#CP STORE 300100 0 0", r"Store complete\.")
    t.cmd("#CP STORE G12 1234", r"Store complete\.")
    t.cmd("#CP STORE PSW 80201000", r"Store complete\.")
    t.cmd("#CP STORE 300100 00000009", r"Store complete\.")
    t.expect(r"DSPTEST FLAG=9000000 A2=1234")

    # Bad operands, each with its message.
    for line, msg in [
        ("DISPLAY", r"HCPCMD026E Operand missing or invalid"),
        ("D G32", r"HCPCMD002E Invalid operand - 32"),
        ("D Ga9", r"HCPCMD002E Invalid operand - A9"),
        ("D XYZ", r"HCPCMD002E Invalid operand - XYZ"),
        ("D CSR NOSUCH", r"HCPCMD002E Invalid operand - NOSUCH"),
        ("D CSR", r"HCPCMD026E Operand missing or invalid"),
        ("D 0-FFFFFF", r"HCPDSP1309E Display of more than 65536 bytes at once not allowed"),
        ("D 2000-1000", r"HCPCMD002E Invalid operand - 2000-1000"),
        ("STORE G5", r"HCPCMD026E Operand missing or invalid"),
        ("STORE G5 XYZ", r"HCPCMD002E Invalid operand - XYZ"),
        ("STORE PSW 80201001", r"HCPCMD002E Invalid operand - 80201001"),
        ("STORE 1000 11223344556677889", r"HCPCMD002E Invalid operand - 11223344556677889"),
    ]:
        t.cmd("#CP " + line, msg)
    t.cmd("#CP D G0", r"GPR  0 =  0000000000000000")  # still answers

    # A user whose machine was never IPLed: there is no hart state to show.
    u = cp.term()
    u.logon("NOVM", "p")
    u.cmd("D G0", r"GPR  0 =  0000000000000000|HCPBGN1059E")
    u.cmd("LOGOFF", r"LOGOFF AT")

    # Two virtual CPUs: CPU nn names the hart DISPLAY and STORE mean.
    w = cp.term()
    w.logon("TWO", "p")
    w.cmd("TRACE I R 201000", r"")
    w.cmd("IPL 200", r" -> 00201000  INSTRUCTION TRACE")
    w.cmd("CPU 01 STORE G5 5151", r"Store complete\.")
    w.cmd("CPU 01 D G5", r"GPR  5 =  0000000000005151")
    w.cmd("D G5", r"GPR  5 =  (?!0000000000005151)%s" % HEX16)
    w.cmd("CPU 00 D PSW", r"PSW = PC 0000000080201000")
    w.cmd("CPU ALL D G0", r"GPR  0 =  0000000000000000")
    w.expect(r"GPR  0 =  0000000000000000")
    w.cmd("CPU 02 D G0", r"HCPCMD002E Invalid operand - 02")
    w.cmd("LOGOFF", r"LOGOFF AT")
    t.cmd("#CP LOGOFF", r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
PYEOF
