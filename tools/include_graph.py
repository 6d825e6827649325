#!/usr/bin/env python3
"""The folder-level include graph of rvcp's C sources, checked against the layers.

Reads every #include "folder/file.h" line of the module folders' .c and .h
files (and of main.c), prints which folder includes which other folder's
headers (with how many lines), and fails when

  * an edge runs against the layer order (a folder includes a header of a
    folder above it): the offending file:line is named;
  * the folder graph has a cycle (folders on one layer may include each
    other's headers, but not both ways round);
  * a folder (or an included folder) has no place in the layers, so that a
    new folder is given one on purpose.

Usage: include_graph.py [--quiet] [SRC]   (SRC: the checkout, default: here)
Exit status 0 when the graph follows the layers, 1 otherwise.
"""
import os
import re
import sys

# Bottom first; folders on one line are one layer.  main.c (folder ".") and
# cli/ are the subcommands on top.
LAYERS = [
    ["util"],
    ["mem"],
    ["cpu"],
    ["dev", "virtio"],
    ["machine"],
    ["net", "spool"],
    ["vm"],
    ["rexx"],
    ["ssi"],
    ["cp"],
    ["cli", "."],
]

# Known edges against the layers, each (file, included header): reason.
# They are printed and neither fail the check nor count for cycles.  Keep this empty; an entry
# says why it is there and what removes it.
EXCEPTIONS = {}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def rank_of():
    rank = {}
    for i, layer in enumerate(LAYERS):
        for folder in layer:
            rank[folder] = i
    return rank


def sources(src, rank):
    """Every .c/.h file of the layered folders (and of any other folder
    next to them that holds C sources, so that it is not overlooked)."""
    skip = {"tests", "bench", "guest", "build", "tools", ".git", ".ci"}
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if name.endswith((".c", ".h")) and os.path.isfile(path):
            yield ".", name
        elif os.path.isdir(path) and name not in skip and not name.startswith("."):
            for root, _, files in sorted(os.walk(path)):
                for f in sorted(files):
                    if f.endswith((".c", ".h")):
                        yield name, os.path.relpath(os.path.join(root, f), src)


def includes(src, rel):
    with open(os.path.join(src, rel), encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                yield n, m.group(1)


def target_folder(folder, header):
    # "x.h" without a folder is the including file's own folder.
    return header.split("/")[0] if "/" in header else folder


def find_cycle(edges):
    """A list of folders forming a cycle in edges {a: {b, ...}}, or None."""
    state = {}
    stack = []

    def visit(a):
        state[a] = 1
        stack.append(a)
        for b in sorted(edges.get(a, ())):
            if state.get(b) == 1:
                return stack[stack.index(b):] + [b]
            if b not in state:
                found = visit(b)
                if found:
                    return found
        stack.pop()
        state[a] = 2
        return None

    for a in sorted(edges):
        if a not in state:
            found = visit(a)
            if found:
                return found
    return None


def components(edges):
    """The strongly connected components of edges with more than one folder."""
    nodes = sorted(set(edges) | {b for bs in edges.values() for b in bs})
    index, low, on, stack, out = {}, {}, set(), [], []

    def visit(a):
        index[a] = low[a] = len(index)
        stack.append(a)
        on.add(a)
        for b in sorted(edges.get(a, ())):
            if b not in index:
                visit(b)
                low[a] = min(low[a], low[b])
            elif b in on:
                low[a] = min(low[a], index[b])
        if low[a] == index[a]:
            comp = set()
            while True:
                b = stack.pop()
                on.discard(b)
                comp.add(b)
                if b == a:
                    break
            if len(comp) > 1:
                out.append(comp)

    for a in nodes:
        if a not in index:
            visit(a)
    return out


def cycles(edges):
    """One cycle through each group of folders that include each other."""
    found = []
    for comp in components(edges):
        sub = {a: {b for b in edges.get(a, ()) if b in comp} for a in comp}
        found.append(find_cycle(sub))
    return found


def main(argv):
    quiet = "--quiet" in argv
    args = [a for a in argv if a != "--quiet"]
    src = args[0] if args else "."
    rank = rank_of()
    graph = {}  # (a, b) -> number of include lines
    edges = {}  # a -> {b, ...}, without the exceptions
    errors, excepted = [], []
    unplaced = set()
    for folder, rel in sources(src, rank):
        for n, header in includes(src, rel):
            to = target_folder(folder, header)
            if to == folder:
                continue
            graph[(folder, to)] = graph.get((folder, to), 0) + 1
            for f in (folder, to):
                if f not in rank:
                    unplaced.add(f)
            where = f"{rel}:{n}: includes {header}"
            if (rel, header) in EXCEPTIONS:
                excepted.append(f"{where}  [exception: {EXCEPTIONS[(rel, header)]}]")
                continue
            edges.setdefault(folder, set()).add(to)
            if folder in rank and to in rank and rank[to] > rank[folder]:
                errors.append(f"{where}: {folder}/ is below {to}/ in the layers")
    loops = cycles(edges)

    if not quiet:
        print("include graph (folder -> folders whose headers it includes, include lines):")
        order = [f for layer in LAYERS for f in layer]
        order += sorted({a for a, _ in graph} - set(order))
        for a in order:
            outs = sorted((b for (x, b) in graph if x == a),
                          key=lambda b: (rank.get(b, 99), b))
            if outs:
                print(f"  {a:8} -> " + " ".join(f"{b}({graph[(a, b)]})" for b in outs))
        print("layers, bottom first: " + " -> ".join("/".join(layer) for layer in LAYERS))
    for line in excepted:
        print("known: " + line)
    for f in sorted(unplaced):
        print(f"error: folder {f}/ has no place in LAYERS (tools/include_graph.py)")
    for line in errors:
        print("error: " + line)
    for loop in loops:
        print("error: include cycle: " + " -> ".join(loop))
    return 1 if errors or loops or unplaced else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
