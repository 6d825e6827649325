#!/bin/sh
# The sandbox of VM and EXEC processes (util/sandbox.h): each runs under a
# seccomp filter (Seccomp: 2), with no capabilities, as a non-root uid (one
# of its own per process when CP is root), with only the descriptors CP
# passed (not CP's log, not what CP inherited), and bounded memory.  An EXEC
# cannot read host files (/etc/shadow, the directory with every password),
# CP's folder or environment; one that allocates too much, or spins, is
# stopped.  DEFINE STORAGE beyond what the host can back is refused.  CP
# started as root with --user NAME runs as NAME, and so do its children.
exec python3 - "$@" <<'PYEOF'
import os, pwd, shutil, stat, sys, tempfile, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

SANITIZED = os.environ.get("SANITIZED") == "1"


def status(pid):
    with open("/proc/%d/status" % pid) as f:
        return dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)


def sandboxed(pid, what, want_uid=None):
    st = status(pid)
    if st["Seccomp"].strip() != "2":
        fail("%s: Seccomp: %s, not 2 (a filter)" % (what, st["Seccomp"].strip()))
    if int(st["CapEff"], 16) or int(st["CapPrm"], 16):
        fail("%s: capabilities %s" % (what, st["CapEff"].strip()))
    uids = [int(u) for u in st["Uid"].split()]
    gids = [int(g) for g in st["Gid"].split()]
    if 0 in uids or 0 in gids:
        fail("%s runs as root: Uid %s Gid %s" % (what, uids, gids))
    if want_uid is not None and uids[0] != want_uid:
        fail("%s: uid %d, not %d" % (what, uids[0], want_uid))
    if st["NoNewPrivs"].strip() != "1":
        fail("%s: NoNewPrivs %s" % (what, st["NoNewPrivs"]))
    return uids[0]


def fds(pid):
    d = "/proc/%d/fd" % pid
    return {int(n): os.readlink(os.path.join(d, n)) for n in os.listdir(d)}


def only_passed(pid, what, allowed, cp):
    for n, target in fds(pid).items():
        if target == cp.logfile or target.startswith(cp.dir + "/cp.log"):
            fail("%s holds CP's log (fd %d)" % (what, n))
        ok = (target == "/dev/null" or target.startswith(("pipe:", "socket:", "/memfd:"))
              or target in allowed)  # memfd: its own (Regina's stderr caught)
        if not ok:
            fail("%s has descriptor %d -> %s, which CP did not pass" % (what, n, target))


def wait_for(fn, what):
    deadline = time.monotonic() + WAIT
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            fail("no " + what)
        time.sleep(0.05)


def limit_as(pid):
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max address space"):
                return line.split()[3]


SPY = r"""/* SPY EXEC: what a hostile EXEC would read */
parse arg dirfile
say 'ready'
pull .
say 'L1=' linein('/etc/shadow')
say 'L2=' linein(dirfile)
say 'L3=' linein(directory()'/user.direct')
say 'C=' charin(dirfile, 1, 60)
say 'N=' lines(dirfile) chars(dirfile) lines('/etc/passwd')
say 'S=' stream(dirfile, 'c', 'query exists') stream('/etc/passwd', 'c', 'open read')
say 'D=' directory()
say 'E=' value('PATH',, 'ENVIRONMENT') value('HOME',, 'ENVIRONMENT')
say 'spy done'
"""

# A descriptor CP inherits from whoever started it: no child may have it.
stray_path = os.path.join(TMP, "stray")
stray = os.open(stray_path, os.O_CREAT | os.O_RDWR, 0o600)
image = os.path.join(TMP, "disk.img")
with open(image, "wb") as f:
    f.truncate(1 << 20)
cp = CP("""USER MAINT s3cretpw 64M 1024G G
 MDISK 0100 IMAGE %s MR
USER OTHER s3cretpw2 32M 64M G
 MDISK 0100 IMAGE %s RR
""" % (image, image), args=["--exec-cpu", "2"], pass_fds=[stray])
os.close(stray)
try:
    os.makedirs(os.path.join(cp.dir, "spool", "users", "MAINT"), exist_ok=True)
    area = os.path.join(cp.dir, "spool", "users", "MAINT")
    with open(os.path.join(area, "SPY.EXEC"), "w") as f:
        f.write(SPY)
    with open(os.path.join(area, "HOG.EXEC"), "w") as f:
        f.write("say 'hog'\nx = copies('x', 100000000)\ny = x || x || x || x\nsay 'hog got' length(y)\n")
    with open(os.path.join(area, "SPIN.EXEC"), "w") as f:
        f.write("say 'spin'\ndo forever\nend\n")

    t = cp.term()
    t.logon("MAINT", "s3cretpw")
    o = cp.term()
    o.logon("OTHER", "s3cretpw2")
    pids = wait_for(lambda: len(cp.vm_pids()) == 2 and cp.vm_pids(), "VM processes")
    t.cmd("IPL 100", r"HCPIPL041E|no IPL record")  # the VM processes ran a request
    o.cmd("IPL 100", r"HCPIPL041E|no IPL record")
    uids = set()
    for user, pid in pids.items():
        uids.add(sandboxed(pid, "VM process of " + user))
        only_passed(pid, "VM process of " + user, {image}, cp)
    if os.geteuid() == 0 and len(uids) != 2:
        fail("two VM processes share uid %s" % uids)
    if not SANITIZED and limit_as(pids["MAINT"]) != str((64 << 20) + (1 << 30)):
        fail("MAINT's VM address space limit %s" % limit_as(pids["MAINT"]))

    # Storage the host cannot back is refused; a size it can gets a process
    # whose memory limit follows.
    t.cmd("DEFINE STORAGE 1024G", r"HCPDST1095E Storage size \(1024G\) exceeds the host's memory")
    t.cmd("Q V STOR", r"STORAGE = 64M")
    t.cmd("DEFINE STORAGE 128M", r"STORAGE = 128M")
    pid = wait_for(lambda: cp.vm_pids().get("MAINT") not in (None, pids["MAINT"]) and
                   cp.vm_pids()["MAINT"], "new VM process after DEFINE STORAGE")
    t.cmd("IPL 100", r"HCPIPL041E|no IPL record")  # it ran a request
    sandboxed(pid, "VM process after DEFINE STORAGE")
    if not SANITIZED and limit_as(pid) != str((128 << 20) + (1 << 30)):
        fail("VM address space limit after DEFINE STORAGE 128M: %s" % limit_as(pid))

    # The EXEC's process, while it waits in PULL.
    t.cmd("EXEC SPY " + cp.dirfile, r"ready")
    xpid = wait_for(lambda: cp.exec_pids(), "EXEC process")[0]
    sandboxed(xpid, "EXEC process")
    only_passed(xpid, "EXEC process", set(), cp)
    t.send("go")
    out = t.expect(r"spy done").string
    for secret in ("s3cretpw", "root:", "USER MAINT", cp.dir):
        if secret in out:
            fail("the EXEC read %r:\n%s" % (secret, out))
    m = re.search(r"D= (.*)", out)
    if not m or m.group(1).strip() != "/":
        fail("DIRECTORY() in an EXEC: %r" % (m and m.group(1)))
    m = re.search(r"E= (.*)", out)
    if not m or m.group(1).strip():
        fail("the EXEC sees an environment: %r" % m.group(1))
    t.cmd("Q V STOR", r"STORAGE = 128M")

    # An EXEC that allocates beyond its memory limit fails, one that spins
    # beyond its CPU limit (--exec-cpu 2 here) is stopped; CP serves on.
    if not SANITIZED:
        t.cmd("EXEC HOG", r"hog")
        m = t.expect(r"hog got \d+|HCPEXC\d+I EXEC HOG.*")
        if "RC=-5" not in m.group(0):  # REXX error 5: System resources exhausted
            fail("the EXEC did not end on REXX error 5: " + m.group(0))
        t.cmd("Q V STOR", r"STORAGE = 128M")
    t.cmd("EXEC SPIN", r"spin")
    t.expect(r"HCPEXC\d+I EXEC SPIN stopped")
    t.cmd("Q V STOR", r"STORAGE = 128M")
    cp.stop()
finally:
    cp.kill()

# CP started as root with --user: it and its children run as that user.
if os.geteuid() != 0:
    print("not root: the --user part is skipped")
    sys.exit(0)
try:
    nobody = pwd.getpwnam("nobody")
except KeyError:
    print("no user nobody: the --user part is skipped")
    sys.exit(0)
p = os.path.realpath(RVCP)
while p != "/":  # nobody must reach the binary CP execs for its children
    if not os.stat(p).st_mode & stat.S_IXOTH:
        print("%s is not reachable by other users: the --user part is skipped" % p)
        sys.exit(0)
    p = os.path.dirname(p)
top = tempfile.mkdtemp(prefix="rvcp-sandbox-", dir="/tmp")
os.chmod(top, 0o755)
try:
    spool = os.path.join(top, "cp", "spool")
    area = os.path.join(spool, "users", "MAINT")
    os.makedirs(area)
    with open(os.path.join(area, "WHO.EXEC"), "w") as f:
        f.write("say 'who' userid()\npull .\nsay 'who done'\n")
    for d in (spool, os.path.join(spool, "users"), area, os.path.join(area, "WHO.EXEC")):
        os.chown(d, nobody.pw_uid, nobody.pw_gid)
    image = os.path.join(top, "disk.img")
    with open(image, "wb") as f:
        f.truncate(1 << 20)
    os.chmod(image, 0o644)
    cp = CP("USER MAINT s3cretpw 32M 64M G\n MDISK 0100 IMAGE %s RR\n" % image,
            name=os.path.join(top, "cp"), args=["--user", "nobody"])
    try:
        t = cp.term()
        t.logon("MAINT", "s3cretpw")  # served: CP has given up root by now
        st = status(cp.proc.pid)
        if [int(u) for u in st["Uid"].split()] != [nobody.pw_uid] * 4:
            fail("CP with --user nobody runs as %s" % st["Uid"])
        if int(st["CapEff"], 16):
            fail("CP with --user has capabilities %s" % st["CapEff"])
        pid = wait_for(lambda: cp.vm_pids().get("MAINT"), "VM process under --user")
        t.cmd("IPL 100", r"HCPIPL041E|no IPL record")  # the VM process ran a request
        sandboxed(pid, "VM process of an unprivileged CP", nobody.pw_uid)
        t.cmd("EXEC WHO", r"who")
        xpid = wait_for(lambda: cp.exec_pids(), "EXEC process under --user")[0]
        sandboxed(xpid, "EXEC process of an unprivileged CP", nobody.pw_uid)
        t.send("")
        t.expect(r"who done")
        cp.stop()
    finally:
        cp.kill()
finally:
    shutil.rmtree(top, ignore_errors=True)
print("ok")
PYEOF
