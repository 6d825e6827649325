#!/bin/sh
# MSG from a hostile sender (cp/cmd_user.c): terminal control sequences
# (clear screen, window title, colours) never reach the receiver; a burst of
# messages is cut off with a numbered message; SET MSG OFF refuses them.
exec python3 - "$@" <<'PYEOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

cp = CP("""USER ALICE pa 32M 32M G
USER BOB pb 32M 32M G
""")
try:
    a = cp.term()
    a.logon("ALICE", "pa")
    b = cp.term()
    b.logon("BOB", "pb")

    # Escape sequences: clear screen, a window title ending in BEL, colours.
    a.send_raw(b"MSG BOB hi\x1b[2J\x1b]0;owned\x07 \x1b[31mred\x1b[0m end\r\n")
    m = b.expect(r"MSG FROM ALICE   : ([^\r\n]*)")
    if any(c in m.group(1) for c in "\x1b\x07\x08\x0d"):
        fail("control characters reached the receiver: %r" % m.group(1))
    if "hi" not in m.group(1) or "end" not in m.group(1):
        fail("the text itself was lost: %r" % m.group(1))

    # A flood: 100 messages in one line (LINEND #) - most are refused.
    a.send("#".join("MSG BOB flood %d" % i for i in range(100)))
    a.expect(r"HCPMSG1071E Message not sent: more than \d+ a second")
    a.cmd("Q V STOR", r"STORAGE = 32M")
    got = b.quiet(3).count("flood")
    if got >= 60 or got < 1:
        fail("%d of 100 flooded messages reached the receiver" % got)

    # SET MSG OFF: refused, the sender told; ON again: received.
    b.cmd("SET MSG OFF", r"")
    b.quiet(0.5)
    a.cmd("MSG BOB are you there", r"HCPMSG1070I BOB not receiving; MSG OFF")
    if "are you there" in b.quiet(1):
        fail("a message reached a user with MSG OFF")
    b.cmd("SET MSG ON", r"")
    time.sleep(2.5)  # the sender's allowance grows back (5 a second)
    a.send("MSG BOB back")
    b.expect(r"MSG FROM ALICE   : back")
    b.cmd("SET MSG BOGUS", r"HCPCMD002E Invalid operand - BOGUS")
    cp.stop()
finally:
    cp.kill()
PYEOF
