"""A minimal line-mode telnet client for driving `rvcp cp` from scripts.

It answers every option negotiation with a refusal except ECHO/SGA offers
(accepted, so the server can hide passwords), strips IAC sequences from what
it returns, and waits for regular expressions with a deadline.
"""
import re
import socket
import time

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240


class Terminal:
    def __init__(self, host="127.0.0.1", port=2323, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.create_connection((host, port), timeout=5)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.sock.setblocking(False)
        self.buf = ""
        self.log = []

    def _filter(self, data):
        out = bytearray()
        i = 0
        while i < len(data):
            b = data[i]
            if b != IAC:
                out.append(b)
                i += 1
                continue
            if i + 1 >= len(data):
                break
            cmd = data[i + 1]
            if cmd in (DO, DONT, WILL, WONT) and i + 2 < len(data):
                opt = data[i + 2]
                if cmd == WILL:
                    reply = DO if opt in (1, 3) else DONT
                    self.sock.sendall(bytes([IAC, reply, opt]))
                elif cmd == DO:
                    self.sock.sendall(bytes([IAC, WONT, opt]))
                i += 3
            elif cmd == SB:
                end = data.find(bytes([IAC, SE]), i)
                i = len(data) if end < 0 else end + 2
            elif cmd == IAC:
                out.append(IAC)
                i += 2
            else:
                i += 2
        return out.decode("latin-1")

    def _pump(self, wait):
        import select
        r, _, _ = select.select([self.sock], [], [], wait)
        if not r:
            return False
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("connection closed")
        text = self._filter(data).replace("\r", "")
        self.buf += text
        self.log.append(text)
        return True

    def expect(self, pattern, timeout=60.0):
        """Wait for pattern; return the match and drop everything up to its end."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("waiting for %r; have %r" % (pattern, self.buf[-400:]))
            self._pump(min(left, 0.5))

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
