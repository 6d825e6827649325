#!/bin/sh
# 3270 terminals (s3270, TN3270E, model 4 at 43x80): the logo screen, LOGON
# with the non-display password, CP READ in the status area, IPL 200 to the
# Linux shell, commands to the guest (VM READ), MORE... after a long output
# cleared by CLEAR and by the MORE delay, HOLDING and PA2, PA1 into CP READ,
# BEGIN, PF keys (RETRIEVE, SET PFnn), NOT ACCEPTED, LOGOFF.  Plain TN3270
# (model 2), a model 5 and IBM-DYNAMIC (30x100) connect beside it.
exec python3 - "$@" <<'PYEOF'
import os, shutil, sys, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

if not shutil.which("s3270"):
    skip("no s3270 (Debian package s3270)")
img = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(img):
    skip("no guest disk %s (make guest)" % img)
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
PROMPT = r"^\S*# ?$"

cp = CP("""USER MAINT maint 64M 128M ABCDEG
 MDISK 200 IMAGE %s RR
USER OPER oper 64M 64M G
""" % img, name="tn3270")


def logon(s, user, password):
    s.wait_screen(r"Enter LOGON")
    s.enter("LOGON " + user)
    s.wait_screen(r"ENTER PASSWORD")
    s.type(password)
    if password in s.text():
        fail("the password shows on the screen:\n" + s.text())
    s.enter()
    s.wait_screen(r"LOGON AT")
    s.wait_status("CP READ")


terms = []
try:
    s = S3270(cp.port)
    terms.append(s)
    s.wait_status("RUNNING")
    if not s.rows()[-1].rstrip().endswith("RVCP"):
        fail("no system name in the status area: %r" % s.rows()[-1])
    if len(s.rows()) != 43:
        fail("model 4 should have 43 rows, has %d" % len(s.rows()))
    logon(s, "MAINT", "maint")
    s.enter("QUERY VIRTUAL STORAGE")
    s.wait_screen(r"^QUERY VIRTUAL STORAGE$")  # the command is shown
    s.wait_screen(r"STORAGE = 64M")

    # a bad AID (PF5 has no command): NOT ACCEPTED, then CP READ again
    s.key("PF(5)")
    s.wait_status("NOT ACCEPTED")
    s.enter("")
    s.wait_status("CP READ")

    # IPL to the shell; the boot fills screens: MORE..., cleared by CLEAR
    s.enter("IPL 200")
    s.wait_screen(r"Linux version|HCPIPL1060E", BOOT, clear_more=True)
    if "HCPIPL1060E" in s.text():
        skip("IPL: " + s.text())
    s.wait_screen(r"Run /sbin/init|/init", BOOT, clear_more=True)
    s.enter("")
    s.wait_screen(PROMPT, BOOT, clear_more=True)
    s.key("Clear()")
    s.wait_status("VM READ")
    s.enter("echo hello-$((6*7))")
    s.wait_screen(r"^hello-42$")
    s.wait_status("VM READ")

    # a long output: MORE..., CLEAR shows the next lines
    s.enter("seq 1 150")
    s.wait_status("MORE...")
    first = s.text()
    if "seq 1 150" not in first or "\n1\n" not in first:
        fail("first screen of seq:\n" + first)
    s.key("Clear()")
    s.wait_screen(r"^41$")
    s.wait_screen(r"^150$", clear_more=True)
    s.wait_status("VM READ")

    # TERMINAL MORE 1 1: the screen clears by itself
    s.enter("#CP TERMINAL MORE 1 1")
    s.enter("seq 1000 1100")
    s.wait_screen(r"^1100$")
    s.wait_status("VM READ")
    # TERMINAL HOLD ON: HOLDING until PA2
    s.key("Clear()")
    s.enter("#CP TERMINAL HOLD ON")
    s.enter("seq 2000 2080")
    s.wait_status("HOLDING")
    s.key("PA(2)")
    s.wait_screen(r"^2038$")
    s.wait_status("HOLDING")  # the next screenful holds as well
    s.key("PA(2)")
    s.wait_screen(r"^2080$")
    s.enter("#CP TERMINAL HOLD OFF")
    s.enter("#CP TERMINAL MORE 50 10")

    # PA1 is the break: CP READ; BEGIN resumes
    s.key("Clear()")
    s.key("PA(1)")
    s.wait_status("CP READ")
    s.enter("Q V STOR")
    s.wait_screen(r"STORAGE = 64M")
    s.enter("echo not-for-the-guest")
    s.wait_screen(r"HCPCMD001E Unknown CP command: ECHO")
    s.enter("BEGIN")  # the guest runs again, its prompt still waiting
    s.wait(lambda t: s.status().startswith(("RUNNING", "VM READ")), "RUNNING after BEGIN")
    s.enter("echo again-$((1+2))")
    s.wait_screen(r"^again-3$")

    # PF12 retrieves the last line; SET PF3 a command (IMMED), PF4 DELAYED
    s.key("PF(12)")
    s.wait(lambda t: "echo again-$((1+2))" in s.rows()[-2], "the retrieved line")
    s.key("Enter()")
    s.wait_screen(r"^again-3$")
    s.enter("#CP SET PF03 IMMED echo pf-$((3*3))")
    s.key("Clear()")
    s.key("PF(3)")
    s.wait_screen(r"^pf-9$")
    s.enter("#CP SET PF4 DELAYED echo delayed-$((2*4))")
    s.key("PF(4)")
    s.wait(lambda t: "echo delayed-$((2*4))" in s.rows()[-2], "the DELAYED PF4 text")
    s.key("Enter()")
    s.wait_screen(r"^delayed-8$")
    s.enter("#CP QUERY PF 4")
    s.wait_screen(r"^PF04 DELAYED echo delayed-\$\(\(2\*4\)\)$")

    # plain TN3270 (no TN3270E), model 2, beside it
    o = S3270(cp.port, model="3278-2", host="N:127.0.0.1")
    terms.append(o)
    if len(o.rows()) != 24:
        fail("model 2 should have 24 rows, has %d" % len(o.rows()))
    logon(o, "OPER", "oper")
    o.enter("Q V STOR")
    o.wait_screen(r"STORAGE = 64M")
    o.enter("LOGOFF")
    o.wait(lambda t: not o.connected(), "OPER's line dropped after LOGOFF")
    # model 5: 27 rows of 132
    f = S3270(cp.port, model="3278-5-E")
    terms.append(f)
    r = f.rows()
    if len(r) != 27 or len(r[0]) != 132:
        fail("model 5 should be 27x132, is %dx%d" % (len(r), len(r[0]) if r else 0))
    f.wait_status("RUNNING")
    f.close()
    # IBM-DYNAMIC (x3270's -oversize): the size its Query Reply gives
    d = S3270(cp.port, model="3279-2-E", args=["-oversize", "100x30"])
    terms.append(d)
    d.wait(lambda t: len(d.rows()) == 30 and len(d.rows()[0]) == 100, "a 30x100 screen")
    d.wait_status("RUNNING")
    d.close()

    # LOGOFF from the guest's console
    s.enter("#CP LOGOFF")
    s.wait(lambda t: not s.connected(), "the line dropped after LOGOFF")
    cp.stop()
finally:
    for t in terms:
        t.close()
    cp.kill()
PYEOF
