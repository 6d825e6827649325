#!/usr/bin/env bash
# The tests run the page's SAVELX EXEC from tests/data; it must be the seed, byte for byte.
seed=$SRC/../shared/seed/SAVELX.EXEC
[ -f "$seed" ] || { echo "no seed at $seed"; exit 77; }
cmp "$seed" "$SRC/tests/data/SAVELX.EXEC"
