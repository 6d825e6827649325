# SPDX-License-Identifier: MIT
"""Helpers for the scripted CP tests (tests/sh/cp_*.sh): start a daemon on a
free port with a directory of the test's own, talk to it like a terminal
(telnet option bytes stripped), stop it with SIGTERM.  Waits are generous:
a test fails on a wrong answer, never on a slow machine."""
import os
import re
import signal
import socket
import subprocess
import sys
import time

RVCP = os.environ.get("RVCP", "build/rvcp")
TMP = os.environ.get("TMPDIR", "/tmp")
WAIT = int(os.environ.get("CP_WAIT", "120"))  # seconds for a CP answer; boots pass their own


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def skip(msg):
    print(msg)
    sys.exit(77)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class CP:
    def __init__(self, directory, name="cp", args=(), pass_fds=(), port=None):
        self.dir = os.path.join(TMP, name)
        os.makedirs(self.dir, exist_ok=True)
        self.dirfile = os.path.join(self.dir, "user.direct")
        with open(self.dirfile, "w") as f:
            f.write(directory)
        self.port = port or free_port()
        self.logfile = os.path.join(self.dir, "cp.log")
        self.log = open(self.logfile, "w")
        self.proc = subprocess.Popen(
            [RVCP, "cp", "--directory", self.dirfile, "--spool",
             os.path.join(self.dir, "spool"), "--listen", "127.0.0.1:%d" % self.port]
            + list(args),
            stdout=self.log, stderr=subprocess.STDOUT, pass_fds=pass_fds)
        deadline = time.monotonic() + WAIT
        while True:
            if self.proc.poll() is not None:
                fail("cp ended at start:\n" + self.logtext())
            # Listening is not ready: CP binds its port first, then loads
            # the spool and takes over VMs a previous CP left running.
            if "ready on" in self.logtext():
                try:
                    socket.create_connection(("127.0.0.1", self.port), 1).close()
                    break
                except OSError:
                    pass
            if time.monotonic() > deadline:
                fail("cp does not listen")
            time.sleep(0.05)

    def logtext(self):
        with open(self.logfile, errors="replace") as f:
            return f.read()

    def term(self):
        return Term(self.port)

    def children(self):
        """[(pid, argv)] of this CP's child processes."""
        kids = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % pid) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    argv = f.read().split(b"\0")
            except (OSError, IndexError, ValueError):
                continue
            if ppid == self.proc.pid:
                kids.append((int(pid), argv))
        return kids

    def exec_pids(self):
        """pids of the EXECs' processes (`rvcp rexx`) of this CP."""
        return [pid for pid, argv in self.children() if argv[1:2] == [b"rexx"]]

    def vm_pids(self):
        """{userid: pid} of the VM processes, children of this CP."""
        pids = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % pid) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    argv = f.read().split(b"\0")
            except (OSError, IndexError, ValueError):
                continue
            if ppid == self.proc.pid and b"vm" in argv and b"--user" in argv:
                pids[argv[argv.index(b"--user") + 1].decode()] = int(pid)
        return pids

    def stop(self):
        """SIGTERM: CP must log everybody off, end its VMs and exit 0."""
        vms = list(self.vm_pids().values())
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("cp did not end on SIGTERM")
        if rc != 0:
            fail("cp exit status %d after SIGTERM:\n%s" % (rc, self.logtext()[-3000:]))
        if "shutdown complete" not in self.logtext():
            fail("no clean shutdown in the log")
        for pid in vms:
            if os.path.exists("/proc/%d" % pid):
                with open("/proc/%d/stat" % pid) as f:
                    if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                        fail("VM process %d still running after shutdown" % pid)

    def kill(self):
        """SIGKILL CP and its VMs (which would otherwise wait for a new CP)."""
        vms = list(self.vm_pids().values()) if self.proc.poll() is None else []
        self.kill_cp_only()
        for pid in vms:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def kill_cp_only(self):
        """SIGKILL CP alone: its VM processes go on and wait for a new CP."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def strip_telnet(data):
    """Remove telnet commands (IAC ...) from what the server sent."""
    out = bytearray()
    i = 0
    while i < len(data):
        b = data[i]
        if b == 255 and i + 1 < len(data):
            cmd = data[i + 1]
            if cmd == 255:
                out.append(255)
                i += 2
            elif 251 <= cmd <= 254:
                i += 3
            else:
                i += 2
            continue
        out.append(b)
        i += 1
    return bytes(out)


class Term:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), WAIT)
        # Lines typed back to back go out at once, as a person's would.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = ""
        self.closed = False
        self.expect("Enter LOGON")

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def send_raw(self, data):
        self.sock.sendall(data)

    def _read(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        if not data:
            self.closed = True
            return False
        self.buf += strip_telnet(data).decode("latin-1")
        return True

    def poll(self, pattern, timeout):
        """Wait for a regex in the output; the match (consumed up to it) or None."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = deadline - time.monotonic()
            if self.closed or left <= 0:
                return None
            self._read(min(left, 1.0))

    def expect(self, pattern, timeout=WAIT):
        """Like poll(), but the test fails when the pattern does not come."""
        m = self.poll(pattern, timeout)
        if not m:
            fail("expected %r, got:\n%s" % (pattern, self.buf[-2000:]))
        return m

    def expect_closed(self, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while not self.closed:
            if time.monotonic() > deadline:
                fail("terminal not closed; output:\n" + self.buf[-2000:])
            self._read(1.0)

    def quiet(self, secs=0.5):
        """Collect output for a while and return it (for negative checks)."""
        deadline = time.monotonic() + secs
        while time.monotonic() < deadline and not self.closed:
            self._read(deadline - time.monotonic())
        out, self.buf = self.buf, ""
        return out

    def cmd(self, line, pattern, timeout=WAIT):
        self.send(line)
        return self.expect(pattern, timeout)

    def logon(self, user, password, greeting="LOGON AT"):
        self.cmd("LOGON " + user, "ENTER PASSWORD")
        self.send(password)
        return self.expect(greeting)

    def close(self):
        self.sock.close()


def mem_rollup(pid):
    """(Rss, Pss) in KiB from /proc/PID/smaps_rollup."""
    rss = pss = 0
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    return rss, pss


def spool_maps(pid, spool):
    """(Rss, Pss) KiB of the shared (SR) mappings of spool files in pid."""
    rss = pss = 0
    cur = False
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
                path = parts[5] if len(parts) > 5 else ""
                # the spool file, or its activation's sealed copy (spool/spool.h)
                copy = re.match(r"/memfd:\d{4}\.nss$", path)
                cur = (path.startswith(spool) or copy) and parts[1].endswith("s")
            elif cur and parts[0] == "Rss:":
                rss += int(parts[1])
            elif cur and parts[0] == "Pss:":
                pss += int(parts[1])
    return rss, pss


class S3270:
    """A 3270 terminal: Debian's s3270 (scripted x3270) driven through its
    stdin, code page 037.  host may carry x3270's prefixes ("N:" plain
    TN3270, no TN3270E).  Waits poll the screen (generous timeouts)."""

    def __init__(self, port, model="3279-4-E", host="127.0.0.1", args=()):
        self.proc = subprocess.Popen(
            ["s3270", "-codepage", "cp037", "-model", model] + list(args),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            encoding="utf-8", errors="replace")
        ok, data, _ = self.do("Connect(%s:%d)" % (host, port))
        if not ok:
            fail("s3270 Connect: %r" % data)
        self.wait_screen(r"\S", WAIT)

    def do(self, command):
        """Runs one s3270 action: (ok, data lines, status line)."""
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        data, status = [], ""
        while True:
            line = self.proc.stdout.readline()
            if not line:
                fail("s3270 ended during %s; data %r" % (command, data))
            line = line.rstrip("\n")
            if line in ("ok", "error"):
                return line == "ok", data, status
            if line.startswith("data: "):
                data.append(line[6:])
            elif line.startswith("data:"):
                data.append("")
            else:
                status = line

    def rows(self):
        ok, data, _ = self.do("Ascii()")
        return data if ok else []

    def text(self):
        return "\n".join(r.rstrip() for r in self.rows())

    def status(self):
        """The status area: the last row's last 20 columns."""
        r = self.rows()
        return r[-1][-20:].strip() if r else ""

    def connected(self):
        _, _, st = self.do("Query(ConnectionState)")
        fields = st.split()
        return len(fields) > 3 and fields[3].startswith("C")

    def wait(self, cond, what, timeout=WAIT, clear_more=False):
        deadline = time.monotonic() + timeout
        while True:
            screen = self.text()
            got = cond(screen)
            if got:
                return got
            if clear_more and self.status().startswith(("MORE...", "HOLDING")):
                self.key("Clear()")
            if time.monotonic() > deadline:
                fail("3270: expected %s, screen:\n%s" % (what, screen))
            time.sleep(0.2)

    def wait_screen(self, pattern, timeout=WAIT, clear_more=False):
        rx = re.compile(pattern, re.M)
        return self.wait(lambda s: rx.search(s), repr(pattern), timeout, clear_more)

    def wait_status(self, word, timeout=WAIT):
        return self.wait(lambda s: self.status().startswith(word), "status " + word,
                         timeout)

    def type(self, text):
        quoted = text.replace("\\", "\\\\").replace('"', '\\"')
        ok, data, _ = self.do('String("%s")' % quoted)
        if not ok:
            fail("s3270 String: %r" % data)

    def key(self, action):
        ok, data, _ = self.do(action)
        if not ok:
            fail("s3270 %s: %r" % (action, data))

    def enter(self, text=None):
        if text is not None:
            self.type(text)
        self.key("Enter()")

    def close(self):
        try:
            self.do("Disconnect()")
            self.proc.stdin.write("Quit()\n")
            self.proc.stdin.flush()
            self.proc.wait(WAIT)
        except (OSError, subprocess.TimeoutExpired, SystemExit):
            self.proc.kill()
            self.proc.wait()
