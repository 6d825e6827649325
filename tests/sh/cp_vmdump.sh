#!/bin/sh
# VMDUMP (cp/cmd_dump.c, machine/coredump.c): a bare-metal guest stopped at
# a trace trap dumped into the user's reader, the file an ELF core whose
# registers and storage (physical and through the guest's kernel-half
# mapping) gdb-multiarch reads; the guest goes on afterwards; zero storage
# stays holes; then a running Linux guest dumped and opened with its
# vmlinux: the registers in kernel code, linux_banner read through the
# kernel's own mapping, and the guest still answering; then the guest
# panics on purpose and gdb shows the panic's backtrace from its dump.  The gdb checks are
# skipped without gdb-multiarch, the Linux part without a built guest.
exec python3 - "$@" <<'PYEOF'
import os, re, shutil, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests", "sh"))
from cp_lib import *

BUILD = os.environ["BUILD"]
prog = os.path.join(BUILD, "tests", "nssprog", "dsptest.bin")
if not os.path.exists(prog):
    skip("no %s (make tests)" % prog)
GDB = shutil.which("gdb-multiarch")
guest = os.environ.get("GUEST", "")
linux_img = os.path.join(guest, "linux.img")
vmlinux = os.path.join(guest, "vmlinux")
BOOT = 900 if os.environ.get("SANITIZED") == "1" else 600
PROMPT = r"# $|# \x1b\[6n$|:/# "

os.makedirs(os.path.join(TMP, "cpdump"), exist_ok=True)
img = os.path.join(TMP, "cpdump", "dsp.img")
with open(img, "wb") as f:
    f.truncate(1 << 20)
subprocess.check_call([RVCP, "zipl", "--disk", img, "--kernel", prog])
cp = CP("""USER DSP p 64M 64M G
 MDISK 200 IMAGE %s RR
USER LNX p 64M 64M G
 MDISK 200 IMAGE %s RR
""" % (img, linux_img), "cpdump")
reader = os.path.join(cp.dir, "spool", "reader")


def gdb(core, elf, *cmds):
    args = [GDB, "-nx", "-batch", "-ex", "set architecture riscv:rv64", "-ex", "core-file " + core]
    for c in cmds:
        args += ["-ex", c]
    out = subprocess.run(args + [elf], capture_output=True, text=True, timeout=300)
    return out.stdout + out.stderr


def dump(t, user, prefix=""):
    m = t.cmd(prefix + "VMDUMP", r"RDR FILE (\d{4}) SENT FROM %s DMP WAS \1 RECS \d{4}[KMG] "
              r"CPY 001 V NOHOLD NOKEEP" % user)
    t.expect(r"HCPDMP1331I Dump complete: \d+ KiB of storage written in [\d.]+ seconds")
    path = os.path.join(reader, user, m.group(1) + ".DMP")
    if not os.path.exists(path):
        fail("no reader file " + path)
    return path


try:
    t = cp.term()
    t.logon("DSP", "p")
    t.cmd("VMDUMP NOW", r"HCPCMD003E Invalid option - NOW")
    t.cmd("TRACE I R 201000", r"")
    t.cmd("IPL 200", r"DSPTEST READY")
    t.expect(r" -> 00201000  INSTRUCTION TRACE")
    core = dump(t, "DSP")
    with open(core, "rb") as f:
        head = f.read(20)
    if head[:4] != b"\x7fELF" or head[16:18] != b"\x04\x00" or head[18:20] != b"\xf3\x00":
        fail("not an ELF core file of RISC-V: %r" % head)
    st = os.stat(core)
    if st.st_size < 64 << 20 or st.st_blocks * 512 > 8 << 20:
        fail("64M of storage, nearly all zero: size %d, %d bytes allocated"
             % (st.st_size, st.st_blocks * 512))
    # The guest goes on after the dump: it takes a stored flag and reports.
    t.cmd("TRACE END", r"")
    t.cmd("STORE G a2 77", r"Store complete\.")
    t.cmd("BEGIN", r"")
    t.cmd("#CP STORE 300100 00000003", r"Store complete\.")
    t.expect(r"DSPTEST FLAG=3000000 A2=77")
    core2 = dump(t, "DSP", "#CP ")
    if core2 == core:
        fail("the second dump has the first one's spool id")
    if GDB:
        elf = prog[:-4] + ".elf"
        out = gdb(core, elf, "info registers pc sp", "x/s 0x80300000", "x/s 0xffffffffc0300000")
        for want in (r"pc +0x80201000\s+0x80201000 <resume>", r"sp +0x802[0-9a-f]{5}",
                     r"0x80300000:\s+\"RVCP DISPLAY TEST MARKER\"",
                     r"0xffffffffc0300000:\s+\"RVCP DISPLAY TEST MARKER\""):
            if not re.search(want, out):
                fail("gdb-multiarch on the dump: no %r in:\n%s" % (want, out))
        out = gdb(core2, elf, "info registers pc", "x/gx 0x80300100")
        if not re.search(r"pc +0x802[0-9a-f]{5}\s+0x802[0-9a-f]{5} <done>", out) or \
                not re.search(r":\s+0x0+3000000\b", out):
            fail("gdb-multiarch on the second dump:\n" + out)
    t.cmd("#CP LOGOFF", r"LOGOFF AT")

    if os.path.exists(linux_img):
        u = cp.term()
        u.logon("LNX", "p")
        u.send("IPL 200")
        m = u.expect(r"HCPIPL1060E.*|Linux version", BOOT)
        if m.group(0).startswith("HCPIPL1060E"):
            skip("%s: %s" % (linux_img, m.group(0)))
        u.expect(r"Run /sbin/init|/init", BOOT)
        u.send("")
        u.expect(PROMPT, BOOT)
        core = dump(u, "LNX", "#CP ")
        u.cmd("echo still-$((40+2))", r"still-42")
        if GDB and os.path.exists(vmlinux):
            out = gdb(core, vmlinux, "info registers pc", "x/s &linux_banner", "bt 3")
            if not re.search(r"pc +0xffffffff8[0-9a-f]{7}\s+0xffffffff8[0-9a-f]{7} <\w+", out):
                fail("pc not in the kernel's code:\n" + out)
            if not re.search(r"<linux_banner>:\s+\"Linux version ", out):
                fail("linux_banner not readable through the dump:\n" + out)
        # A panic on purpose (the guest kernel has no sysrq: panic_on_oom and
        # a tail that never sees a newline), dumped: gdb shows its backtrace.
        # Not under the sanitizers: filling the guest takes the interpreter
        # there too long for make check.
        if os.environ.get("SANITIZED") != "1":
            u.cmd("echo 1 > /proc/sys/vm/panic_on_oom; echo armed", r"armed")
            u.send("tail /dev/zero")
            u.expect(r"end Kernel panic - not syncing: Out of memory", BOOT)
            core = dump(u, "LNX", "#CP ")
        if GDB and os.path.exists(vmlinux) and os.environ.get("SANITIZED") != "1":
            out = gdb(core, vmlinux, "bt 8")
            if not re.search(r"#\d+ +0x[0-9a-f]+ in panic \(\)", out) or \
                    not re.search(r"in out_of_memory \(\)", out):
                fail("no panic backtrace from the dump:\n" + out)
        u.cmd("#CP LOGOFF", r"LOGOFF AT")
    cp.stop()
finally:
    cp.kill()
PYEOF
