#!/usr/bin/env bash
# rvcp test runner.  Discovers every test and runs it:
#   BUILD/tests/isa/*.elf   bare-metal ISA programs, run by `rvcp run-elf` (exit 0 = pass)
#   BUILD/tests/unit/*      unit-test programs (exit 0 = pass)
#   tests/sh/*.sh|*.exp     scripted tests (exit 0 = pass, 77 = skipped)
# --cpu ENGINE runs every rvcp (and so every VM) with that CPU engine
# (RVCP_CPU: interp, jit, lockstep); the default is rvcp's own.
# Scripted tests get RVCP (the binary), BUILD, GUEST (the guest build folder),
# SRC (the checkout) and TMPDIR (a private scratch folder) in the environment.
# Prints PASS/FAIL/SKIP per test and closes with "N passed, N failed, N skipped".
set -u
RVCP=build/rvcp BUILD=build LOG=/dev/null SANITIZED=0 FILTER= SUITE=
while [ $# -gt 0 ]; do
	case "$1" in
	--rvcp) RVCP=$2; shift ;;
	--build) BUILD=$2; shift ;;
	--log) LOG=$2; shift ;;
	--sanitized) SANITIZED=1 ;;
	--filter) FILTER=$2; shift ;;
	--suite) SUITE=$2; shift ;;
	--cpu) export RVCP_CPU=$2; shift ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
SRC=$(cd "$(dirname "$0")/.." && pwd)
RVCP=$(realpath "$RVCP")
export RVCP BUILD=$(realpath "$BUILD") SRC SANITIZED
export GUEST=${GUEST:-$SRC/build/guest}
pass=0 fail=0 skip=0
: >"$LOG"
scratch=$(mktemp -d /tmp/rvcp-tests.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

run_one() { # name, timeout, command...
	local name=$1 limit=$2; shift 2
	case "$name" in *"$FILTER"*) ;; *) return ;; esac
	local out="$scratch/out" t0=$(date +%s.%N) rc
	mkdir -p "$scratch/tmp"
	TMPDIR="$scratch/tmp" timeout -k 5 "$limit" "$@" >"$out" 2>&1 </dev/null
	rc=$?
	local secs=$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")
	rm -rf "$scratch/tmp"
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); echo "PASS $name (${secs}s)" | tee -a "$LOG"
	elif [ $rc -eq 77 ]; then
		skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$out")" | tee -a "$LOG"
	else
		fail=$((fail + 1)); echo "FAIL $name (rc=$rc, ${secs}s)" | tee -a "$LOG"
		tail -n 40 "$out" | sed 's/^/    /' | tee -a "$LOG"
	fi
}

# --suite DIR: only DIR's scripts (make stress: tests/stress), no ISA or unit tests.
if [ -n "$SUITE" ]; then
	for f in "$SUITE"/*.sh; do
		[ -e "$f" ] && run_one "$(basename "$SUITE")/$(basename "$f")" 7200 "$f"
	done
	echo "$pass passed, $fail failed, $skip skipped" | tee -a "$LOG"
	[ $fail -eq 0 ]
	exit
fi
for f in "$BUILD"/tests/isa/*.elf; do
	[ -e "$f" ] || continue
	run_one "isa/$(basename "$f" .elf)" 60 "$RVCP" run-elf --timeout 30 "$f"
done
for f in "$BUILD"/tests/unit/*; do
	[ -x "$f" ] && [ ! -d "$f" ] || continue
	case "$f" in *.d) continue ;; esac
	run_one "unit/$(basename "$f")" 300 "$f"
done
for f in "$SRC"/tests/sh/*.sh "$SRC"/tests/sh/*.exp; do
	[ -e "$f" ] || continue
	limit=900
	[ "$SANITIZED" = 1 ] && limit=1800
	run_one "sh/$(basename "$f")" "$limit" "$f"
done
echo "$pass passed, $fail failed, $skip skipped" | tee -a "$LOG"
[ $fail -eq 0 ]
