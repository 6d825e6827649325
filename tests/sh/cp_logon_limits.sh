#!/bin/sh
# Terminals that have not logged on, per source address (cp/terminal.h): one
# host holds at most 32 (the default); the next connection from it is told
# and closed, while another address is served and a host whose terminal
# logged on may connect again.
exec python3 - "$@" <<'PYEOF'
import os, socket, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *


def connect(src):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(WAIT)
    s.connect(("127.0.0.1", cp.port))
    return s


def greeting(s):
    """What CP first says: its logo, or a refusal (then it closes)."""
    data = b""
    while b"Enter LOGON" not in data and b"HCPTRM" not in data:
        d = s.recv(4096)
        if not d:
            break
        data += d
    return data


cp = CP("USER MAINT maint 32M 32M G\n")
try:
    held = [connect("127.0.0.1") for _ in range(32)]
    for s in held:
        if b"Enter LOGON" not in greeting(s):
            fail("one of the first 32 connections was not served")
    extra = connect("127.0.0.1")
    data = greeting(extra)
    if b"HCPTRM1072E 32 terminals from 127.0.0.1 have not logged on" not in data:
        fail("the 33rd connection from one address was not refused: %r" % data)
    # Another address is served meanwhile.
    try:
        s = connect("127.0.0.2")
    except OSError as e:
        skip("cannot connect from 127.0.0.2: %s" % e)
    if b"Enter LOGON" not in greeting(s):
        fail("a connection from another address was refused")
    s.close()
    # One of the held terminals logs on: its slot is free again.
    held[0].sendall(b"LOGON MAINT\r\n")
    buf = b""
    while b"PASSWORD" not in buf:
        buf += held[0].recv(4096)
    held[0].sendall(b"maint\r\n")
    while b"LOGON AT" not in buf:
        buf += held[0].recv(4096)
    again = connect("127.0.0.1")
    if b"Enter LOGON" not in greeting(again):
        fail("a slot freed by a LOGON was not given to a new connection")
    for s in held[1:] + [again, held[0]]:
        s.close()
    # Once CP has seen those closes, 127.0.0.1 is welcome again.
    deadline = time.monotonic() + WAIT
    while True:
        s = connect("127.0.0.1")
        ok = b"Enter LOGON" in greeting(s)
        s.close()
        if ok:
            break
        if time.monotonic() > deadline:
            fail("127.0.0.1 still refused after its terminals closed")
        time.sleep(0.1)
    t = cp.term()
    t.logon("MAINT", "maint", greeting="RECONNECTED AT|LOGON AT")
    cp.stop()
finally:
    cp.kill()
PYEOF
