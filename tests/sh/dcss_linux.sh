#!/bin/sh
# Shared segments with Linux and DAX.  MAINT (class E) defines segment BBX
# above every guest's storage, loads it EXCLUSIVE, builds an ext2 file
# system holding busybox and a few files in the guest (/dev/pmem0) and
# saves it from the guest (cpcmd SAVESEG).  Three users that have it by
# the directory's SEGMENT statement mount it with -o dax and run a program
# from it; /proc/mounts shows dax; on the host the segment is one shared
# mapping of the activation's copy of the spool file in every VM process
# (smaps: Pss about Rss / 3).  A guest's store into the segment does not
# reach the others.  MAINT saves a new version while the old is in use:
# the old users keep seeing the old one (pending purge), a new IPL sees
# the new one.  And the bad inputs: each a numbered message.
exec python3 - "$@" <<'PYEOF'
import os, re, sys
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

disk = os.path.join(os.environ.get("GUEST", ""), "linux.img")
if not os.path.exists(disk):
    skip("no guest disk %s (make guest)" % disk)
BOOT = 1200 if os.environ.get("SANITIZED") == "1" else 600
N = 3
directory = ("USER MAINT maint 64M 512M ABCDEG\n MDISK 200 IMAGE %s RR\n"
             "USER OTHER other 64M 64M G\n LINK MAINT 200 200 RR\n") % disk
for i in range(1, N + 1):
    directory += ("USER LINUX%02d pw%d 64M 128M G\n LINK MAINT 200 200 RR\n"
                  " SEGMENT BBX\n") % (i, i)
cp = CP(directory, "dcss")
PROMPT = r"root@rvcp:/# "


def seg_maps(pid):
    """(Rss, Pss) KiB of the shared mappings of segment copies in pid."""
    rss = pss = 0
    cur = False
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
                path = parts[5] if len(parts) > 5 else ""
                cur = bool(re.match(r"/memfd:\d{4}\.nss$", path)) and parts[1].endswith("s")
            elif cur and parts[0] == "Rss:":
                rss += int(parts[1])
            elif cur and parts[0] == "Pss:":
                pss += int(parts[1])
    return rss, pss


def shell(t, what):
    t.send("")
    t.expect(PROMPT, BOOT)


def run(t, line, pattern, timeout=300):
    t.send(line)
    return t.expect(pattern, timeout)


try:
    t = cp.term()
    t.logon("MAINT", "maint")
    # bad DEFSEG operands
    t.cmd("DEFSEG BAD 10001-101FF SR", r"HCPNSD1500E Segment BAD: page 10001 is not on a 2M")
    t.cmd("DEFSEG BAD 10000-100FF SR", r"HCPNSD1500E Segment BAD: page 10100 is not on a 2M")
    t.cmd("DEFSEG BAD 10000-101FF SR 10400-105FF SR",
          r"HCPNSD1501E Segment BAD: its ranges leave a gap before page 10400")
    t.cmd("DEFSEG BAD 10000-101FF SC", r"HCPNSD1502E Segment BAD: page type SC")
    t.cmd("DEFSEG BAD 10000-101FF SR MINSIZE=64M",
          r"HCPNSD1521E Segment BAD: MINSIZE does not apply")
    t.cmd("DEFSEG BAD 10000-101FF XX", r"HCPCMD002E Invalid operand - XX")
    t.cmd("Q NSS NAME BAD", r"HCPNSS422E System BAD does not exist")

    t.cmd("DEFSEG BBX 10000-107FF SR",
          r"HCPNSD440I Saved segment BBX was successfully defined in fileid 0001\.")
    t.cmd("Q NSS NAME BBX", r"\*NSS     0001 DCSS S  2048 .* BBX      DCSS     MAINT")
    t.cmd("Q NSS MAP NAME BBX", r"0001 BBX      DCSS .* 10000  107FF  SR   S")
    t.cmd("IPL BBX", r"HCPNSS1507E BBX is a segment: it cannot be IPLed")
    t.cmd("SAVESEG BBX", r"HCPNSS1504E Userid MAINT does not have segment BBX loaded EXCLUSIVE")
    t.cmd("DEFINE SEGMENT NOPE", r"HCPNSS1505E Segment NOPE does not exist")
    t.cmd("DEFINE SEGMENT BBX", r"HCPNSS1511E Segment BBX is defined but not saved")
    t.cmd("DEFSYS LXX 0-FF EW", r"HCPNSD440I Saved system LXX")
    t.cmd("DEFINE SEGMENT LXX", r"HCPNSS1506E LXX is a saved system, not a segment")
    t.cmd("DEFINE STORAGE 320M", r"STORAGE = 320M")
    t.cmd("DEFINE SEGMENT BBX EXCLUSIVE",
          r"HCPNSS1508E Segment BBX \(pages 10000-107FF\) overlaps the storage of MAINT \(320M\)")
    t.cmd("DEFINE STORAGE 64M", r"STORAGE = 64M")
    t.cmd("DEFINE SEGMENT BBX EXCLUSIVE", r"Segment BBX EXCLUSIVE: loaded at the next IPL")
    t.cmd("DEFSEG OVL 10400-105FF SR", r"HCPNSD440I Saved segment OVL")
    t.cmd("DEFINE SEGMENT OVL EXCLUSIVE", r"HCPNSS1509E Segment OVL overlaps segment BBX")
    t.cmd("Q V SEGMENTS", r"SEGMENT BBX      10000-107FF EXCLUSIVE AT NEXT IPL")

    # build the segment in the guest and save it from there
    t.send("IPL 200")
    shell(t, "MAINT")
    m = run(t, "[ -b /dev/pmem0 ] && echo pmem-$((1+1)) || echo nopmem-$((2+2))", r"pmem-2|nopmem-4")
    if m.group(0) == "nopmem-4":
        # The CP side above ran; the rest needs a guest kernel with DAX.
        skip("the guest kernel has no persistent-memory (DAX) support: no /dev/pmem0")
    run(t, "mke2fs -q -b 4096 /dev/pmem0 && mount /dev/pmem0 /mnt && echo mk-$((2+2))", r"mk-4")
    run(t, "mkdir /mnt/bin && cp /bin/busybox /mnt/bin/ && echo version-one >/mnt/version"
           " && printf '#!/mnt/bin/busybox sh\\necho from-the-segment-$((6*7))\\n' >/mnt/bin/hello"
           " && chmod 755 /mnt/bin/hello && umount /mnt && echo built-$((3+3))", r"built-6")
    run(t, "cpcmd SAVESEG BBX",
        r"HCPNSS440I Saved segment BBX was successfully saved in fileid 0001\.")
    t.send("#CP Q NSS NAME BBX")
    t.expect(r"\*NSS     0001 DCSS A  2048 .* BBX      DCSS     MAINT")

    # three users have it from the directory
    users = []
    for i in range(1, N + 1):
        u = cp.term()
        u.logon("LINUX%02d" % i, "pw%d" % i)
        u.cmd("Q V SEGMENTS", r"SEGMENT BBX      10000-107FF SHARED    AT NEXT IPL")
        u.send("IPL 200")
        users.append(u)
    for i, u in enumerate(users, 1):
        shell(u, "LINUX%02d" % i)
        run(u, "mount -o ro,dax /dev/pmem0 /mnt && echo mounted-$((%d+10))" % i,
            r"mounted-%d" % (i + 10))
        run(u, "grep pmem0 /proc/mounts", r"/dev/pmem0 /mnt ext2 ro,.*dax")
        run(u, "/mnt/bin/hello", r"from-the-segment-42")
        run(u, "/mnt/bin/busybox cat /mnt/version", r"version-one")
    users[0].send("#CP Q V SEGMENTS")
    users[0].expect(r"SEGMENT BBX      10000-107FF SHARED    LOADED")
    t.send("#CP Q NSS USERS BBX")
    seen = set(re.findall(r"LINUX\d\d", t.expect(r"(LINUX\d\d.*\n)").group(1)))
    if seen != {"LINUX%02d" % i for i in range(1, N + 1)}:
        fail("QUERY NSS USERS BBX: %s" % sorted(seen))

    # one shared mapping on the host
    pids = cp.vm_pids()
    rss = pss = 0
    for i in range(1, N + 1):
        r, p = seg_maps(pids["LINUX%02d" % i])
        if r == 0:
            fail("LINUX%02d's VM process maps no segment pages" % i)
        rss += r
        pss += p
    print("segment mappings over %d guests: Rss %d KiB, Pss %d KiB" % (N, rss, pss))
    if pss * 2 > rss:
        fail("the segment is not shared: Rss %d KiB, Pss %d KiB" % (rss, pss))

    # a store into the shared segment is the guest's fault, nobody else's
    run(users[2], "dd if=/dev/zero of=/dev/pmem0 bs=4096 count=1 seek=1 2>&1; echo dd-$((7+7))",
        r"dd-14|Oops|Unable to handle")
    run(users[0], "/mnt/bin/busybox cat /mnt/version", r"version-one")

    # a new version while the old one is in use
    t.send("#CP DEFSEG BBX 10000-107FF SR")
    t.expect(r"HCPNSD440I Saved segment BBX was successfully defined in fileid 0002\.")
    t.send("#CP IPL 200")
    shell(t, "MAINT again")
    run(t, "mount /dev/pmem0 /mnt && cat /mnt/version", r"version-one")
    run(t, "echo version-two >/mnt/version && umount /mnt && echo v2-$((4+4))", r"v2-8")
    run(t, "cpcmd SAVESEG BBX",
        r"HCPNSS440I Saved segment BBX was successfully saved in fileid 0002\.")
    t.send("#CP Q NSS NAME BBX")
    t.expect(r"0001 DCSS P  2048")
    run(users[0], "/mnt/bin/busybox cat /mnt/version", r"version-one")
    users[0].send("#CP IPL 200")
    shell(users[0], "LINUX01 again")
    run(users[0], "mount -o ro,dax /dev/pmem0 /mnt && cat /mnt/version", r"version-two")
    run(users[1], "cat /mnt/version", r"version-one")

    # a user without the segment; DEFINE SEGMENT EXCLUSIVE needs class E
    o = cp.term()
    o.logon("OTHER", "other")
    o.cmd("DEFINE SEGMENT BBX EXCLUSIVE",
          r"HCPNSS1517E Userid OTHER may not load segment BBX EXCLUSIVE")
    o.cmd("SAVESEG BBX", r"HCPCMD001E Unknown CP command: SAVESEG")
    o.cmd("DEFINE SEGMENT BBX", r"Segment BBX SHARED: loaded at the next IPL")
    o.cmd("LOGOFF", r"LOGOFF AT")

    for u in users:
        u.send("#CP LOGOFF")
        u.expect(r"LOGOFF AT")
    # the pending-purge version went with its last user
    t.send("#CP Q NSS NAME BBX")
    t.expect(r"0002 DCSS A  2048")
    t.send("#CP PURGE NSS NAME BBX")
    t.expect(r"0001 FILE PURGED")
    t.send("#CP LOGOFF")
    t.expect(r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
print("ok")
PYEOF
