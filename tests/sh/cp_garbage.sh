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
    # telnet sequences with state: an endless subnegotiation, MCCP2
    # compression switched on by the client followed by garbage or a stream
    # that inflates far beyond any buffer, options flapping.
    import zlib
    bomb = zlib.compress(b"A" * (8 << 20) + b"\r\n", 9)
    for data in (b"\xff\xfa\x18" + b"x" * 100000 + b"\xff\xf0",
                 b"\xff\xfa\x56\xff\xf0" + bytes(rng.randrange(256) for _ in range(3000)),
                 b"\xff\xfa\x56\xff\xf0" + bomb,
                 b"\xff\xfb\x01\xff\xfc\x01" * 2000 + b"\xff\xfd\x01\xff\xfe\x01" * 2000):
        t = cp.term()
        try:
            t.send_raw(data)
            t.send_raw(b"\r\nQUERY NAMES\r\n")
            t.quiet(0.5)
        except OSError:
            pass
        t.close()
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
