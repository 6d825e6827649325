#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS TARGET...: each libFuzzer binary build/fuzz/fuzz_TARGET
# runs SECONDS, one after the other, from its corpus build/fuzz/corpus/TARGET
# (first seeded by build/tests/unit/fuzz_parsers --seeds) and the regression
# inputs of tests/fuzz/regress/TARGET; crashes go to build/fuzz/crashes/.
# Writes build/fuzz/summary.txt: target, seconds, executions, coverage, crashes.
set -u
secs=$1; shift
out=build/fuzz
mkdir -p "$out/corpus" "$out/crashes"
[ -x build/tests/unit/fuzz_parsers ] && build/tests/unit/fuzz_parsers --seeds "$out/seeds" >/dev/null 2>&1
: >"$out/summary.txt"
rc=0
for t in "$@"; do
	mkdir -p "$out/corpus/$t"
	[ -d "$out/seeds/$t" ] && cp -n "$out/seeds/$t"/* "$out/corpus/$t/" 2>/dev/null
	dirs=("$out/corpus/$t")
	[ -d "tests/fuzz/regress/$t" ] && dirs+=("tests/fuzz/regress/$t")
	log="$out/fuzz_$t.log"
	"$out/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$out/crashes/$t-" \
		"${dirs[@]}" >"$log" 2>&1
	r=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	crashes=$(ls "$out/crashes" 2>/dev/null | grep -c "^$t-")
	printf '%-10s %6ss %12s execs  cov %6s  crashes %s\n' "$t" "$secs" "${execs:-?}" "${cov:-?}" "$crashes" |
		tee -a "$out/summary.txt"
	[ $r -eq 0 ] || rc=1
done
exit $rc
