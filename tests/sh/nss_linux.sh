#!/bin/sh
# The seed page end to end with Linux: a class E user with 64M runs
#   DEFSYS LXSHR 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M
#   TRACE I R 010000 CMD SAVESYS LXSHR#TRACE END ALL
#   IPL 200
# and is left in CP READ with LXSHR saved; then 10 users IPL LXSHR, each
# reaches the shell and runs a command (the first one's PARM text is on its
# kernel command line); QUERY NSS USERS LXSHR lists them;
# and the proportional set size of the VM processes shows the SR range
# (one shared mapping of the spool file) held once on the host.
exec python3 - "$@" <<'PYEOF'
import os, sys, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

disk = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(disk):
    skip("no guest disk %s (make guest)" % disk)
N = 10
directory = "USER MAINT maint 64M 256M ABCDEG\n MDISK 200 IMAGE %s RR\n" % disk
for i in range(1, N + 1):
    directory += "USER LINUX%02d pw%d 64M 128M G\n LINK MAINT 200 200 RR\n" % (i, i)
cp = CP(directory, "nsslinux")


try:
    t = cp.term()
    t.logon("MAINT", "maint")
    t.cmd("DEFSYS LXSHR 0-FF EW 100-2FF SR 300-4FF EW MINSIZE=64M",
          r"HCPNSD440I Saved system LXSHR was successfully defined in fileid 0001\.")
    t.cmd("TRACE I R 010000 CMD SAVESYS LXSHR#TRACE END ALL", r"")
    t.cmd("IPL 200", r" -> 00010000  INSTRUCTION TRACE")
    t.expect(r"HCPNSS440I Saved system LXSHR was successfully saved in fileid 0001\.")
    # still in CP READ: a typed line is a CP command, not guest input
    t.cmd("QUERY VIRTUAL STORAGE", r"STORAGE = 64M")
    t.cmd("QUERY NSS NAME LXSHR", r"\*NSS     0001 NSS  A  1280 .* LXSHR    NSS      MAINT")

    users = []
    for i in range(1, N + 1):
        u = cp.term()
        u.logon("LINUX%02d" % i, "pw%d" % i)
        # the first user gives PARM text: it reaches the kernel command line
        u.send("IPL LXSHR PARM rvcp_nss_parm=1" if i == 1 else "IPL LXSHR")
        users.append(u)
    for i, u in enumerate(users, 1):
        u.expect(r"root@rvcp:/# ", 600)
        u.send("echo guest-$((%d * 1000 + 7))" % i)
        u.expect(r"guest-%d" % (i * 1000 + 7), 300)
    users[0].send("cat /proc/cmdline")
    users[0].expect(r"root=/dev/vda1 .*rvcp_nss_parm=1", 300)
    t.send("QUERY NSS USERS LXSHR")
    seen = set()
    for _ in range((N + 3) // 4):
        seen.update(re.findall(r"LINUX\d\d", t.expect(r"(LINUX\d\d.*\n)").group(1)))
    if seen != {"LINUX%02d" % i for i in range(1, N + 1)}:
        fail("QUERY NSS USERS LXSHR: %s" % sorted(seen))

    pids = cp.vm_pids()
    spool = os.path.join(cp.dir, "spool")
    rss = pss = 0
    for i in range(1, N + 1):
        r, p = spool_maps(pids["LINUX%02d" % i], spool)
        rss += r
        pss += p
    print("SR mapping over %d guests: Rss %d KiB, Pss %d KiB" % (N, rss, pss))
    # 2 MiB of SR pages: held once however many guests map them
    if pss > 2048 + 64 or rss < 4 * pss or pss == 0:
        fail("SR range not shared: Rss %d KiB, Pss %d KiB" % (rss, pss))
    for u in users:
        u.send("#CP LOGOFF")
        u.expect(r"LOGOFF AT")
    t.cmd("QUERY NSS USERS LXSHR", r"No users of system LXSHR")
    t.cmd("LOGOFF", r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
print("ok")
PYEOF
