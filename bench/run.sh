#!/usr/bin/env bash
# make bench: build what the benchmarks run, then measure (bench/bench.py).
set -eu
cd "$(dirname "$0")/.."
exec python3 bench/bench.py "$@"
