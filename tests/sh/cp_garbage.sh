#!/bin/sh
# Hostile terminals: random bytes (telnet commands, NULs, overlong lines)
# before and after LOGON, and connections dropped mid-sequence, do not hurt
# CP: another user is still served and CP shuts down cleanly.
exec python3 - "$@" <<'PYEOF'
import os, random, socket, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

cp = CP("""USER MAINT maint 32M 32M G
USER LINUX01 pw 32M 32M G
""")
rng = random.Random(4)
try:
    good = cp.term()
    good.logon("MAINT", "maint")
    for i in range(30):
        t = cp.term()
        if i % 2:
            t.logon("LINUX01", "pw", greeting=r"LOGON AT|RECONNECTED AT")
        for _ in range(20):
            n = rng.choice([1, 3, 100, 5000])
            data = bytes(rng.choice([255, 250, 240, 0, 13, 10, 35, rng.randrange(256)])
                         for _ in range(n))
            try:
                t.send_raw(data)
            except OSError:
                break
        t.close()  # mid-sequence, unread output
    good.cmd("QUERY NAMES", r"MAINT    - L\w{4}")
    good.cmd("Q V STOR", r"STORAGE = 32M")
    cp.stop()
    with open(cp.logfile, "rb") as f:
        log = f.read()
    bad = [b for b in log if b >= 0x7f or (b < 0x20 and b != 10)]
    if bad:
        fail("typed bytes reached the log: %r" % bytes(bad[:20]))
finally:
    cp.kill()
PYEOF
