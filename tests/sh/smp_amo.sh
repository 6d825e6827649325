#!/usr/bin/env bash
# Several harts: tests/isa/smp_amo.S (every hart hammers shared words with
# AMOs, LR/SC and a spinlock; hart 0 checks the totals) on 1, 2 and 4 harts
# under the interpreter, the translator and lockstep, each hart on its own
# host thread; and --cpus refuses what it cannot do.
set -u
: "${RVCP:=build/rvcp}" "${BUILD:=build}"
elf=$BUILD/tests/isa/smp_amo.elf
[ -e "$elf" ] || { echo "no $elf"; exit 77; }
fails=0
engines="interp jit lockstep"
"$RVCP" run-elf --cpu jit --timeout 30 "$BUILD/tests/isa/rv64a.elf" >/dev/null 2>&1 ||
	engines=interp # no translator on this host
for e in $engines; do
	for n in 1 2 4; do
		out=$(timeout 300 "$RVCP" run-elf --cpu "$e" --cpus "$n" --timeout 240 "$elf" 2>&1)
		rc=$?
		if [ $rc -ne 0 ]; then
			echo "FAIL $e on $n harts: exit $rc: $out"
			fails=$((fails + 1))
		fi
	done
done
for bad in 0 9 x -1; do
	out=$("$RVCP" run-elf --cpus "$bad" "$elf" 2>&1)
	rc=$?
	if [ $rc -ne 2 ] || ! grep -q -- "--cpus takes 1 to 8" <<<"$out"; then
		echo "FAIL --cpus $bad: exit $rc: $out"
		fails=$((fails + 1))
	fi
done
[ $fails -eq 0 ]
