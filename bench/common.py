"""State and paths shared by the benchmark modules."""
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)

BUILD = os.environ.get("BUILD", os.path.join(SRC, "build"))
RVCP = os.environ.get("RVCP", os.path.join(BUILD, "rvcp"))
GUEST = os.environ.get("GUEST", os.path.join(BUILD, "guest"))
OUT = os.path.join(BUILD, "bench")
QEMU = "qemu-system-riscv64"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
# busybox ash follows its prompt with a cursor position query (ESC [ 6 n)
PROMPT = re.compile(rb"[#$] (\x1b\[6n)?$", re.M)

results = {}
notes = []
series = {}


def note(msg):
    print("bench: " + msg, file=sys.stderr)
    notes.append(msg)




OPENSBI_FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
LEAN_APPEND = "root=/dev/vda1 ro console=ttyS0 quiet"


def lean_cmds(disks, memory="64M", append=LEAN_APPEND):
    """rvcp boot and qemu-system-riscv64 -M virt command lines for the lean
    kernel with the same read-only disks (vda first), storage and parameter
    line: the two sides of every benchmark that runs a program in a guest."""
    image = os.path.join(GUEST, "Image")
    rvcp = [RVCP, "boot", "--kernel", image, "--memory", memory, "--append", append]
    qemu = [QEMU, "-M", "virt", "-nographic", "-m", memory, "-smp", "1",
            "-bios", OPENSBI_FW, "-kernel", image, "-append", append]
    for i, disk in enumerate(disks):
        rvcp += ["--disk", disk + ",ro"]
        qemu += ["-drive", "file=%s,format=raw,if=none,id=d%d,readonly=on" % (disk, i),
                 "-device", "virtio-blk-device,drive=d%d" % i]
    return rvcp, qemu


class Console:
    """A guest whose console is this process's pipe: send lines, expect text."""

    def __init__(self, cmd, name):
        self.name = name
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        os.set_blocking(self.p.stdout.fileno(), False)
        self.buf = ""

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()

    def expect(self, pattern, timeout=600):
        """The first match of pattern in the output since the last match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            if time.monotonic() > deadline or self.p.poll() is not None:
                raise RuntimeError("%s: no %r in %r" % (self.name, pattern, self.buf[-500:]))
            try:
                chunk = self.p.stdout.read()
            except BlockingIOError:
                chunk = None
            if chunk:
                self.buf += chunk.decode("latin-1")
            else:
                time.sleep(0.01)

    def stop(self):
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.p.wait()
