#!/usr/bin/env python3
"""applets.py BUSYBOX: print where each applet of a busybox binary belongs.

Prints one path per line (/bin/sh, /sbin/init, /usr/bin/awk, ...), i.e. what
`busybox --list-full` would print, without running the riscv64 binary on the
host.  BusyBox keeps two tables in its read-only data: applet_names (sorted,
NUL-separated, starting with "[" and "[[") and applet_install_loc (one nibble
per applet: 0 /, 1 /bin, 2 /sbin, 3 /usr/bin, 4 /usr/sbin).  The second table
is found by its shape and checked against applets whose place is fixed; if
anything does not fit, this fails rather than guess.
"""
import sys

DIRS = ["/", "/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/"]
ANCHORS = {"[": 3, "sh": 1, "ls": 1, "init": 2, "poweroff": 2, "chroot": 4}


def names_table(data):
    start = data.find(b"[\0[[\0")
    while start >= 0:
        names, pos = [], start
        while True:
            end = data.index(b"\0", pos)
            if end == pos:
                break
            names.append(data[pos:end].decode("ascii", "replace"))
            pos = end + 1
        if len(names) > 50 and names == sorted(names) and "sh" in names:
            return names
        start = data.find(b"[\0[[\0", start + 1)
    sys.exit("applets.py: no applet name table found")


def install_locs(data, names):
    count = len(names)
    size = (count + 1) // 2
    found = []
    for off in range(len(data) - size):
        if data[off] >> 4 > 4 or data[off] & 0xF > 4:
            continue
        block = data[off : off + size]
        if any(b >> 4 > 4 or b & 0xF > 4 for b in block):
            continue
        locs = [(block[i // 2] >> (4 * (i & 1))) & 0xF for i in range(count)]
        where = dict(zip(names, locs))
        if all(where.get(k, v) == v for k, v in ANCHORS.items()):
            found.append(locs)
    if len(found) != 1:
        sys.exit(f"applets.py: {len(found)} candidate install tables, want 1")
    return found[0]


def main():
    data = open(sys.argv[1], "rb").read()
    names = names_table(data)
    for name, loc in zip(names, install_locs(data, names)):
        if loc and name != "busybox":
            print(DIRS[loc] + name)


if __name__ == "__main__":
    main()
