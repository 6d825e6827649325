#!/bin/sh
# Hostile 3270 clients: malformed records, bogus AIDs and addresses off the
# screen, structured fields whose lengths lie, a record beyond the limit,
# a client that takes BINARY back (3270 -> line mode), endless TN3270E
# negotiation, one that never finishes it (line mode after 30 s), a client that negotiates and stops reading while its guest
# floods.  Each is shown NOT ACCEPTED or dropped; a line-mode user and a
# well-behaved 3270 user are served throughout, and CP shuts down cleanly.
exec python3 - "$@" <<'PYEOF'
import os, random, shutil, socket, sys, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

IAC, SB, SE, WILL, WONT, DO, EOR = 255, 250, 240, 251, 252, 253, 239
TN3270E, TTYPE, BINARY, EOROPT = 40, 24, 0, 25


class Raw3270:
    """A TN3270E client of our own, to send what no real client would."""

    def __init__(self, port, tn3270e=True):
        self.sock = socket.create_connection(("127.0.0.1", port), WAIT)
        self.sock.settimeout(WAIT)
        self.buf = b""
        self.e = tn3270e
        if tn3270e:
            self.send(bytes([IAC, WILL, TN3270E, IAC, WILL, TTYPE]))
            self.send(bytes([IAC, SB, TN3270E, 2, 7]) + b"IBM-3278-2-E" + bytes([IAC, SE]))
            self.send(bytes([IAC, SB, TN3270E, 3, 7, IAC, SE]))
        else:
            self.send(bytes([IAC, WONT, TN3270E, IAC, WILL, TTYPE]))
            self.send(bytes([IAC, SB, TTYPE, 0]) + b"IBM-3278-2" + bytes([IAC, SE]))
            self.send(bytes([IAC, WILL, BINARY, IAC, DO, BINARY, IAC, WILL, EOROPT,
                             IAC, DO, EOROPT]))
        self.expect("Enter LOGON")

    def send(self, data):
        self.sock.sendall(data)

    def record(self, body):
        """One inbound record: TN3270E header, IAC doubled, IAC EOR."""
        head = b"\0\0\0\0\0" if self.e else b""
        self.send((head + body).replace(b"\xff", b"\xff\xff") + bytes([IAC, EOR]))

    def ebcdic(self, text):
        return text.encode("cp037")

    def enter(self, text):
        # ENTER, cursor, SBA row 22 column 1 (model 2), the text
        self.record(b"\x7d\x5b\x61\x11\x5b\x61" + self.ebcdic(text))

    def read(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return None
        except OSError:
            return b""
        return data

    def expect(self, text, timeout=WAIT):
        want = text if isinstance(text, bytes) else self.ebcdic(text)
        alt = text if isinstance(text, bytes) else text.encode()
        deadline = time.monotonic() + timeout
        while want not in self.buf and alt not in self.buf:
            data = self.read(max(0.1, deadline - time.monotonic()))
            if data == b"" or time.monotonic() > deadline:
                fail("3270: expected %r; got %r" % (text, self.buf[-300:]))
            if data:
                self.buf += data
        at = max(self.buf.find(want), self.buf.find(alt))
        self.buf = self.buf[at + len(want):]

    def expect_closed(self, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while True:
            data = self.read(1.0)
            if data == b"":
                return
            if time.monotonic() > deadline:
                fail("3270 client not dropped")

    def close(self):
        self.sock.close()


img = os.path.join(os.environ.get("GUEST", ""), "linux.img")
guest = os.path.exists(img)
cp = CP("""USER MAINT maint 32M 64M G
USER FLOOD flood 64M 64M G
%s
USER GOOD good 32M 32M G
""" % (" MDISK 200 IMAGE %s RR" % img if guest else ""), name="tn3270h")
rng = random.Random(3270)
try:
    line = cp.term()
    line.logon("MAINT", "maint")

    # malformed records after LOGON: short, bogus AIDs, addresses off the
    # screen, a field longer than the input area, lying structured fields
    t = Raw3270(cp.port)
    t.enter("LOGON GOOD")
    t.expect("ENTER PASSWORD")
    t.enter("good")
    t.expect("LOGON AT")
    bad = [b"", b"\x7d", b"\x7d\x5b", b"\x01\x02\x03", b"\xff" * 10,
           b"\x7d\x5b\x61\x11\x7f\x7f" + b"\xc1" * 10,          # SBA off the screen
           b"\x7d\x5b\x61\x11\x5b\x61" + b"\xc1" * 400,         # more than the field
           b"\x7d\x5b\x61\x11\x5b",                             # SBA cut short
           b"\x88\x00",                                         # SF cut short
           b"\x88\x7f\xff\x81\x81",                             # SF length lies
           b"\x88\x00\x02\x81",                                 # SF length too small
           b"\x88\x00\x0a\x81\x81\x00\x00\x7f\xff\x7f\xff",     # Usable Area absurd
           ]
    for body in bad:
        t.record(body)
    t.expect("NOT ACCEPTED")
    for _ in range(200):
        t.record(bytes(rng.randrange(256) for _ in range(rng.choice([1, 3, 50, 2000]))))
    t.enter("QUERY VIRTUAL STORAGE")
    t.expect("STORAGE = 32M")
    line.cmd("QUERY NAMES", r"GOOD     - L\w{4}")

    # a record beyond the limit: dropped (the user is disconnected)
    h = Raw3270(cp.port)
    h.send(b"\0\0\0\0\0\x7d" + b"\x40" * 40000)
    h.expect_closed()
    # BINARY taken back in 3270 mode (plain TN3270): dropped
    h = Raw3270(cp.port, tn3270e=False)
    h.send(bytes([IAC, WONT, BINARY]))
    h.expect_closed()
    # TN3270E taken back after the session is up: dropped
    h = Raw3270(cp.port)
    h.send(bytes([IAC, WONT, TN3270E]))
    h.expect_closed()
    # endless negotiation: dropped
    h = socket.create_connection(("127.0.0.1", cp.port), WAIT)
    h.sendall(bytes([IAC, WILL, TN3270E]) + (bytes([IAC, SB, TN3270E, 2, 7]) + b"IBM-1234" +
                                            bytes([IAC, SE])) * 500)
    h.settimeout(WAIT)
    try:
        while h.recv(65536):
            pass
    except OSError:
        pass
    h.close()

    # a client that names a 3270 type and then never finishes (no BINARY,
    # no EOR answered): line mode in the end, a line-mode LOGON works
    h = Term.__new__(Term)
    h.sock = socket.create_connection(("127.0.0.1", cp.port), WAIT)
    h.buf, h.closed = "", False
    h.send_raw(bytes([IAC, WONT, TN3270E, IAC, WILL, TTYPE, IAC, SB, TTYPE, 0]) +
               b"IBM-3278-2" + bytes([IAC, SE]))
    h.expect("Enter LOGON")
    h.logon("MAINT", "maint", greeting="RECONNECTED AT|LOGON AT")
    h.cmd("Q V STOR", r"STORAGE = 32M")
    h.close()
    line = cp.term()  # MAINT's line-mode terminal was taken over
    line.logon("MAINT", "maint", greeting="RECONNECTED AT")

    # a 3270 that negotiates, logs on, starts its guest's flood and reads no more
    if guest:
        f = Raw3270(cp.port)
        f.enter("LOGON FLOOD")
        f.expect("ENTER PASSWORD")
        f.enter("flood")
        f.expect("LOGON AT")
        f.enter("TERMINAL MORE 0 0")
        f.enter("IPL 200")
        f.expect("Run /sbin/init", 600)
        f.enter("")
        f.expect("# ", 600)
        f.enter("while :; do echo flood-flood-flood-flood-flood-flood; done")
        time.sleep(1)  # its output piles up unread from now on
    line.cmd("QUERY NAMES", r"MAINT    - L\w{4}")
    t.enter("QUERY VIRTUAL STORAGE")
    t.expect("STORAGE = 32M")
    if guest:
        f.close()
    line.cmd("Q V STOR", r"STORAGE = 32M")
    t.close()
    cp.stop()
finally:
    cp.kill()
PYEOF
