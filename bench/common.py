"""State and paths shared by the benchmark modules."""
import os
import re
import sys

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


