#!/usr/bin/env bash
# The folder-level include graph of the sources follows the layers and has
# no cycle (tools/include_graph.py prints it).  First the checker itself is
# shown a small tree with an upward edge and a cycle, which it must refuse
# naming the file and line.
set -u
graph=$SRC/tools/include_graph.py
t=$TMPDIR/graph
mkdir -p "$t/util" "$t/dev" "$t/virtio" "$t/cp"
printf '#include "util/a.h"\n' >"$t/cp/c.c"
printf '#include <stdio.h>\n#include "cp/c.h"\n' >"$t/util/a.c"
printf '#include "virtio/v.h"\n' >"$t/dev/d.c"
printf '#include "dev/d.h"\n' >"$t/virtio/v.c"
out=$(python3 "$graph" "$t") && { echo "checker accepted an upward edge:"; echo "$out"; exit 1; }
grep -q '^error: util/a.c:2: includes cp/c.h' <<<"$out" || { echo "upward edge not named:"; echo "$out"; exit 1; }
grep -q '^error: include cycle: dev -> virtio -> dev' <<<"$out" || { echo "cycle not found:"; echo "$out"; exit 1; }
mkdir -p "$t/newdir" && rm "$t/util/a.c" "$t/virtio/v.c" && printf '#include "util/a.h"\n' >"$t/newdir/n.c"
out=$(python3 "$graph" "$t") && { echo "checker accepted a folder outside the layers:"; echo "$out"; exit 1; }
grep -q '^error: folder newdir/ has no place' <<<"$out" || { echo "unplaced folder not named:"; echo "$out"; exit 1; }
rm -r "$t/newdir"
python3 "$graph" --quiet "$t" || { echo "checker refused a tree that follows the layers"; exit 1; }

exec python3 "$graph" "$SRC"
