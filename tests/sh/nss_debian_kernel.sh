#!/bin/sh
# The seed's procedure on Debian's stock kernel (make debian-kernel: the
# Image of linux-image-riscv64, its System.map, a busybox initramfs):
#   rvcp nssplan --map System.map --initrd initrd.gz Image   -> the DEFSYS line
#   DEFSYS DEBSHR <line>; TRACE I R 010000 CMD SAVESYS DEBSHR; IPL 200
# then N users (NSS_DEBIAN_USERS, 3; make stress: 10) IPL DEBSHR to the
# shell, with no kernel complaint on any console, and its SR pages held
# once on the host.  The proof that the plan is safe: the same kernel
# saved with every page EW (DEBALL), IPLed and run to the shell; then, from
# the VM process's page map, no page the plan types SR was written (a page
# written in a private map is an anonymous copy, an unwritten one is still
# the saved file's page).  Checked against System.map here too: no SR page
# holds text, init, ro_after_init, data or bss.
exec python3 - "$@" <<'PYEOF'
import os, re, struct, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

dk = os.path.join(os.environ.get("GUEST", ""), "debian-kernel")
image, smap, initrd, disk = (os.path.join(dk, f) for f in
                             ("Image", "System.map", "initrd.gz", "disk.img"))
for f in (image, smap, initrd, disk):
    if not os.path.exists(f):
        skip("no %s (make debian-kernel)" % f)
N = int(os.environ.get("NSS_DEBIAN_USERS", "3"))
# The interpreter under ASan takes minutes per boot: one user shows the C
# paths; the all-EW proof run is the same guest and is left to the others.
PROVE = os.environ.get("SANITIZED") != "1"
if not PROVE:
    N = min(N, 1)
BOOT = 1800 if os.environ.get("SANITIZED") == "1" else 600
PAGE, KREAL = 4096, 0x200000
# What a kernel writing a read-only page would print.  Not the watchdogs'
# "BUG: soft lockup" or RCU stall reports: on a loaded host (the
# interpreter under ASan) the guest is merely slow.
COMPLAINT = (r"Oops|Unable to handle|(?<!watchdog: )BUG:|WARNING:|Kernel panic|"
             r"ftrace faulted|ftrace failed")

out = subprocess.run([RVCP, "nssplan", "--name", "DEBSHR", "--minsize", "256M", "--map", smap,
                      "--initrd", initrd, image], capture_output=True, text=True)
if out.returncode:
    fail("nssplan: %s" % out.stderr)
line = out.stdout.strip()
print(line)
print(out.stderr.strip())
m = re.fullmatch(r"DEFSYS DEBSHR ((?:[0-9A-F]+-[0-9A-F]+ (?:EW|SR) ?)+) MINSIZE=256M", line)
if not m:
    fail("nssplan line: %s" % line)
ranges = [(int(a, 16), int(b, 16), t) for a, b, t in
          re.findall(r"([0-9A-F]+)-([0-9A-F]+) (EW|SR)", m.group(1))]
sr = [(a, b) for a, b, t in ranges if t == "SR"]
last = ranges[-1][1]
if ranges[0][0] != 0 or any(ranges[i][1] + 1 != ranges[i + 1][0] for i in range(len(ranges) - 1)):
    fail("ranges do not cover storage from page 0: %s" % line)
if not sr:
    fail("nothing shared: %s" % line)

# What System.map says must never be SR.
sym = {}
with open(smap) as f:
    for l in f:
        a, _, n = l.split()[:3]
        sym.setdefault(n, int(a, 16))
real = lambda v: v - sym["_start"] + KREAL
written = [("text", sym["_stext"], sym["_etext"]),
           ("init", sym["__init_begin"], sym["__init_end"]),
           ("ro_after_init", sym["__start_ro_after_init"], sym["__end_ro_after_init"]),
           ("data and bss", sym["_data"], sym["_end"])]
for what, lo, hi in written:
    for a, b in sr:
        if real(lo) < (b + 1) * PAGE and a * PAGE < real(hi):
            fail("SR %X-%X holds %s" % (a, b, what))
isize = os.path.getsize(initrd)
iat = (real(sym["_end"]) + 0x1fffff) // 0x200000 * 0x200000
if (iat + isize + PAGE - 1) // PAGE - 1 != last:
    fail("the plan does not end with the initrd (page %X)" % last)

directory = "USER MAINT maint 256M 512M ABCDEG\n MDISK 200 IMAGE %s RR\n" % disk
for i in range(1, N + 2):
    directory += "USER DEB%02d pw%d 256M 512M G\n LINK MAINT 200 200 RR\n" % (i, i)
cp = CP(directory, "nssdeb")


def save(t, name, ranges, fid):
    t.cmd("DEFSYS %s %s MINSIZE=256M" % (name, ranges),
          r"HCPNSD440I Saved system %s was successfully defined in fileid %s\." % (name, fid))
    t.cmd("TRACE I R 010000 CMD SAVESYS %s#TRACE END ALL" % name, r"")
    t.cmd("IPL 200", r" -> 00010000  INSTRUCTION TRACE")
    t.expect(r"HCPNSS440I Saved system %s was successfully saved in fileid %s\." % (name, fid))


def to_shell(u, i):
    """The user's console up to a command's answer at the shell."""
    text = u.expect(r"rvcp initramfs: shell", BOOT).string
    u.expect(r"~ # ", BOOT)
    u.send("echo guest-$((%d * 1000 + 7))" % i)
    text += u.expect(r"guest-%d" % (i * 1000 + 7), BOOT).string
    bad = re.search(COMPLAINT, text)
    if bad:
        fail("DEB%02d: the kernel complains: %s" % (i, text[max(0, bad.start() - 400):][:1200]))


def written_pages(pid, fid):
    """Real pages of the VM's storage written since IPL: anonymous pages in
    the private map of saved system fid (an EW-only system: storage is one
    mapping from real 0)."""
    vmas = []
    with open("/proc/%d/maps" % pid) as f:
        for l in f:
            p = l.split()
            if len(p) >= 6 and re.search(r"(^|/|:)%s\.nss\b" % fid, p[5]) and p[1][3] == "p":
                lo, hi = (int(x, 16) for x in p[0].split("-"))
                vmas.append((lo, hi, int(p[2], 16)))
    if not vmas:
        fail("no map of %s.nss in VM %d" % (fid, pid))
    off0 = min(v[2] for v in vmas)
    base = [lo - (off - off0) for lo, hi, off in vmas if off == off0][0]
    pages = set()
    with open("/proc/%d/pagemap" % pid, "rb") as f:
        for lo, hi, off in vmas:
            f.seek(lo // PAGE * 8)
            data = f.read((hi - lo) // PAGE * 8)
            for k, (e,) in enumerate(struct.iter_unpack("<Q", data)):
                if e >> 63 & 1 and not e >> 61 & 1:
                    pages.add((lo - base) // PAGE + k)
    return pages


try:
    t = cp.term()
    t.logon("MAINT", "maint")
    save(t, "DEBSHR", m.group(1), "0001")
    t.cmd("QUERY NSS NAME DEBSHR", r"\*NSS     0001 NSS  A .* DEBSHR   NSS      MAINT")
    save(t, "DEBALL", "0-%X EW" % last, "0002")

    users = []
    for i in range(1, N + 1):
        u = cp.term()
        u.logon("DEB%02d" % i, "pw%d" % i)
        u.send("IPL DEBSHR")
        users.append(u)
    for i, u in enumerate(users, 1):
        to_shell(u, i)
    pids = cp.vm_pids()
    rss = pss = 0
    for i in range(1, N + 1):
        r, p = spool_maps(pids["DEB%02d" % i], os.path.join(cp.dir, "spool"))
        rss, pss = rss + r, pss + p
    print("DEBSHR: %d users at the shell; SR maps Rss %d KiB, Pss %d KiB" % (N, rss, pss))
    sr_kib = sum(b - a + 1 for a, b in sr) * 4
    if pss > sr_kib + 64 or (N > 1 and rss < (N - 1) * pss):
        fail("SR range not shared: Rss %d KiB, Pss %d KiB" % (rss, pss))

    if not PROVE:
        users[0].send("#CP LOGOFF")
        users[0].expect(r"LOGOFF AT")
        cp.stop()
        print("ok (no proof run under the sanitizers)")
        sys.exit(0)
    c = cp.term()
    c.logon("DEB%02d" % (N + 1), "pw%d" % (N + 1))
    c.send("IPL DEBALL")
    to_shell(c, N + 1)
    c.send("cat /proc/cpuinfo /proc/interrupts >/dev/null; ls -R /sys >/dev/null; echo ran-$((6*7))")
    c.expect(r"ran-42", BOOT)
    w = written_pages(cp.vm_pids()["DEB%02d" % (N + 1)], "0002")
    bad = sorted(p for p in w for a, b in sr if a <= p <= b)
    text = sum(1 for p in w if real(sym["_stext"]) // PAGE <= p < real(sym["_etext"]) // PAGE)
    print("DEBALL: %d pages written by the kernel up to the shell, %d of them text, %d SR-typed"
          % (len(w), text, len(bad)))
    if bad:
        fail("pages typed SR were written: %s" % " ".join("%X" % p for p in bad[:40]))
    for u in users + [c]:
        u.send("#CP LOGOFF")
        u.expect(r"LOGOFF AT")
    t.cmd("LOGOFF", r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
print("ok")
PYEOF
