#!/bin/sh
# Password guessing (cp/logon_guard.h, cp/pwcheck.h): a userid guessed from
# one address is locked against it while its owner logs on from another; an
# address that keeps failing is locked for every userid; and crypt(3) runs
# off CP's loop: with a costly hash being guessed from ten terminals, the
# CPU time goes to the worker threads, not to the thread that serves
# everyone, and another user's commands are answered meanwhile.
exec python3 - "$@" <<'PYEOF'
import os, socket, sys, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *
import warnings
warnings.filterwarnings("ignore", category=DeprecationWarning)
import crypt


class SrcTerm(Term):
    """A terminal connecting from a given loopback address."""
    def __init__(self, port, src):
        self.sock = socket.socket()
        self.sock.bind((src, 0))
        self.sock.settimeout(WAIT)
        self.sock.connect(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = ""
        self.closed = False
        self.expect("Enter LOGON")


def ticks(pid, tid):
    """utime + stime of one thread, in clock ticks."""
    with open("/proc/%d/task/%d/stat" % (pid, tid)) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def all_ticks(pid):
    return sum(ticks(pid, int(t)) for t in os.listdir("/proc/%d/task" % pid))


slow = crypt.crypt("right", "$6$rounds=400000$abcdefgh$")
cp = CP("""USER MAINT maint 32M 32M ABCDEG
USER OPER oper 32M 32M G
USER SLOW %s 32M 32M G
""" % slow, args=["--logon-delay", "50", "--logon-lock-user", "3",
                  "--logon-lock-address", "8", "--logon-per-address", "0"])
try:
    try:
        SrcTerm(cp.port, "127.0.0.2").close()
    except OSError as e:
        skip("cannot connect from 127.0.0.2: %s" % e)
    # Three wrong passwords for MAINT from 127.0.0.1: locked against it.
    g = SrcTerm(cp.port, "127.0.0.1")
    for _ in range(3):
        g.logon("MAINT", "guess", greeting="HCPLGA050E")
    g.cmd("LOGON MAINT", r"HCPLGA1291E LOGON of MAINT from 127\.0\.0\.1 refused for \d+ seconds")
    # Not even the right password gets in from there.
    if "ENTER PASSWORD" in g.quiet(0.5):
        fail("a locked userid was asked for its password")
    # Its owner, at another address, is not locked out.
    owner = SrcTerm(cp.port, "127.0.0.2")
    owner.logon("MAINT", "maint")
    owner.cmd("QUERY TIME", "TIME IS")
    # The guesser goes on with other userids until its address is locked.
    for i in range(5):
        g.logon("NOSUCH%d" % i, "guess", greeting="HCPLGA050E")
    g.cmd("LOGON OPER", r"HCPLGA1290E LOGON from 127\.0\.0\.1 refused for \d+ seconds")
    fresh = SrcTerm(cp.port, "127.0.0.1")
    fresh.cmd("LOGON OPER", "HCPLGA1290E")
    # OPER from another address is fine.
    SrcTerm(cp.port, "127.0.0.3").logon("OPER", "oper")

    # Ten guessers of a costly hash, each from its own address.
    pid = cp.proc.pid
    main0, all0 = ticks(pid, pid), all_ticks(pid)
    guessers = [SrcTerm(cp.port, "127.0.1.%d" % (i + 1)) for i in range(10)]
    for t in guessers:
        t.cmd("LOGON SLOW", "ENTER PASSWORD")
    for t in guessers:
        t.send("wrong")
    # Meanwhile the owner's commands are answered.
    for _ in range(3):
        owner.cmd("QUERY TIME", "TIME IS")
    for t in guessers:
        t.expect("HCPLGA050E")
    main1, all1 = ticks(pid, pid), all_ticks(pid)
    spent, in_loop = all1 - all0, main1 - main0
    print("ten checks: %d ticks in all, %d in the loop's thread" % (spent, in_loop))
    if spent < 10:
        fail("the checks took no CPU time (%d ticks): was the hash checked?" % spent)
    if in_loop * 4 > spent:
        fail("crypt ran in CP's loop: %d of %d ticks" % (in_loop, spent))
    # The right password of the costly hash still works.
    SrcTerm(cp.port, "127.0.2.1").logon("SLOW", "right")
    log = cp.logtext()
    if "refused: too many incorrect passwords" not in log:
        fail("refusals not logged")
    cp.stop()
finally:
    cp.kill()
PYEOF
