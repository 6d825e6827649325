#!/usr/bin/env python3
"""Differential test of the hart against QEMU (cpu_diff.sh runs this).

Writes a bare-metal program of random integer instructions (RV64IM and the
compressed forms, random registers and immediates, no traps, no memory
outside its own buffer), builds it, runs it on `rvcp run-elf` and on
qemu-system-riscv64 -M spike, and compares the register dumps both print
through the HTIF console.  Deterministic: the seed is the argument.
"""
import os
import random
import subprocess
import sys

RVCC = os.environ.get("RVCC", "riscv64-unknown-elf-gcc")
QEMU = os.environ.get("QEMU", "qemu-system-riscv64")
RVCP = os.environ["RVCP"]
TMP = os.environ.get("TMPDIR", "/tmp")
SRC = os.environ.get("SRC", ".")

# x0..x31 except sp (x2, the buffer pointer) and gp (x3, the test number)
REGS = [r for r in range(32) if r not in (2, 3)]
CREGS = [r for r in range(8, 16)]  # x8..x15, the compressed register set

RR = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
      "addw", "subw", "sllw", "srlw", "sraw", "mul", "mulh", "mulhsu", "mulhu",
      "div", "divu", "rem", "remu", "mulw", "divw", "divuw", "remw", "remuw"]
RI = ["addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"]
SH = [("slli", 64), ("srli", 64), ("srai", 64), ("slliw", 32), ("srliw", 32), ("sraiw", 32)]


def imm(bits):
    return random.randint(-(1 << (bits - 1)), (1 << (bits - 1)) - 1)


def x(r):
    return "x%d" % r


def one():
    k = random.randint(0, 13)
    rd, a, b = random.choice(REGS), random.choice(REGS), random.choice(REGS)
    if k <= 3:
        return "%s %s, %s, %s" % (random.choice(RR), x(rd), x(a), x(b))
    if k <= 5:
        return "%s %s, %s, %d" % (random.choice(RI), x(rd), x(a), imm(12))
    if k == 6:
        op, w = random.choice(SH)
        return "%s %s, %s, %d" % (op, x(rd), x(a), random.randrange(w))
    if k == 7:
        return "lui %s, %d" % (x(rd), random.randrange(1 << 20))
    if k == 8:  # memory in the buffer at sp, misaligned too
        off = random.randrange(0, 248)
        op = random.choice(["ld", "lw", "lwu", "lh", "lhu", "lb", "lbu", "sd", "sw", "sh", "sb"])
        return "%s %s, %d(sp)" % (op, x(rd), off)
    if k == 9:  # compressed, full register set
        rd = random.choice([r for r in REGS if r])
        c = random.randint(0, 5)
        if c == 0:
            return "c.addi %s, %d" % (x(rd), random.choice([i for i in range(-32, 32) if i]))
        if c == 1:
            return "c.li %s, %d" % (x(rd), random.randrange(-32, 32))
        if c == 2:
            return "c.slli %s, %d" % (x(rd), random.randrange(1, 64))
        if c == 3:
            return "c.mv %s, %s" % (x(rd), x(random.choice([r for r in REGS if r])))
        if c == 4:
            return "c.add %s, %s" % (x(rd), x(random.choice([r for r in REGS if r])))
        return "c.addiw %s, %d" % (x(rd), random.randrange(-32, 32))
    if k == 10:  # compressed, x8..x15
        rd, rs = random.choice(CREGS), random.choice(CREGS)
        c = random.randint(0, 5)
        if c == 0:
            return "c.srli %s, %d" % (x(rd), random.randrange(1, 64))
        if c == 1:
            return "c.srai %s, %d" % (x(rd), random.randrange(1, 64))
        if c == 2:
            return "c.andi %s, %d" % (x(rd), random.randrange(-32, 32))
        if c == 3:
            return "%s %s, %s" % (random.choice(["c.sub", "c.xor", "c.or", "c.and", "c.subw", "c.addw"]), x(rd), x(rs))
        if c == 4:
            return "c.%s %s, %d(sp)" % (random.choice(["ldsp", "lwsp"]), x(random.choice([r for r in REGS if r])), random.randrange(0, 31) * 8)
        return "c.%s %s, %d(sp)" % (random.choice(["sdsp", "swsp"]), x(random.choice(REGS)), random.randrange(0, 31) * 8)
    if k == 11:  # c.lui (rd not 0 or 2, imm not 0)
        rd = random.choice([r for r in REGS if r not in (0, 2)])
        return "c.lui %s, %d" % (x(rd), random.choice(list(range(1, 32)) + list(range(0xfffe0, 0x100000))))
    if k == 12:  # a forward branch over one instruction
        op = random.choice(["beq", "bne", "blt", "bge", "bltu", "bgeu"])
        return "%s %s, %s, 1f\n\t%s\n1:" % (op, x(a), x(b), "addi %s, %s, 1" % (x(rd), x(rd)))
    return "c.%s %s, 1f\n\tc.addi %s, 3\n1:" % (random.choice(["beqz", "bnez"]), x(random.choice(CREGS)), x(random.choice(CREGS)))


def program(seed, n):
    random.seed(seed)
    lines = ['#include "test.h"', "TEST_BEGIN", "\tli TESTNUM, 1", "\tla sp, buf"]
    for r in REGS:
        if r:
            lines.append("\tli %s, 0x%x" % (x(r), random.getrandbits(64)))
    for _ in range(n):
        lines.append("\t" + one())
    lines.append("\tla t6, dump")
    for r in REGS:
        lines.append("\tsd %s, %d(t6)" % (x(r), 8 * r))
    lines += ["\tla s0, dump", "\tli s1, 32", "2:\tld a0, 0(s0)", "\tcall puthex",
              "\taddi s0, s0, 8", "\taddi s1, s1, -1", "\tbnez s1, 2b", "TEST_END",
              "puthex:\tli a1, 60",
              "3:\tsrl a2, a0, a1", "\tandi a2, a2, 15", "\tli a3, 10", "\tblt a2, a3, 4f",
              "\taddi a2, a2, 39", "4:\taddi a2, a2, 48", "\tli a3, 0x0101", "\tslli a3, a3, 48",
              "\tor a2, a2, a3", "\tla a4, tohost", "\tsd a2, 0(a4)",
              "5:\tld a3, 0(a4)", "\tbnez a3, 5b", "\taddi a1, a1, -4", "\tbgez a1, 3b",
              "\tli a2, 0x010100000000000a", "\tsd a2, 0(a4)", "6:\tld a3, 0(a4)", "\tbnez a3, 6b", "\tret",
              "\t.data", "\t.align 4", "buf:\t.skip 256", "dump:\t.skip 256"]
    return "\n".join(lines) + "\n"


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    for s in range(seed, seed + rounds):
        src = os.path.join(TMP, "diff%d.S" % s)
        elf = os.path.join(TMP, "diff%d.elf" % s)
        with open(src, "w") as f:
            f.write(program(s, 400))
        subprocess.run([RVCC, "-march=rv64gc", "-mabi=lp64d", "-nostdlib", "-nostartfiles",
                        "-static", "-mcmodel=medany", "-T", os.path.join(SRC, "tests/isa/link.ld"),
                        "-I", os.path.join(SRC, "tests/isa"), "-o", elf, src],
                       check=True, stderr=subprocess.DEVNULL)
        a = subprocess.run([RVCP, "run-elf", "--timeout", "20", elf], capture_output=True, timeout=60)
        b = subprocess.run([QEMU, "-M", "spike", "-bios", "none", "-nographic", "-monitor", "none",
                            "-kernel", elf], capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
        if a.returncode or b.returncode or a.stdout != b.stdout or a.stdout.count(b"\n") != 32:
            print("cpu_diff: seed %d differs (rvcp rc %d, qemu rc %d), program %s" %
                  (s, a.returncode, b.returncode, src))
            for i, (la, lb) in enumerate(zip(a.stdout.split(), b.stdout.split())):
                if la != lb:
                    print("  x%d: rvcp %s qemu %s" % (i, la.decode(), lb.decode()))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
