#!/usr/bin/env bash
# Adds up the closing lines of several test logs into the one closing line CI reads.
p=0 f=0 s=0
for log in "$@"; do
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	[ -n "$line" ] || { echo "total.sh: no result in $log" >&2; f=$((f + 1)); continue; }
	read -r lp _ lf _ ls _ <<<"${line//,/}"
	p=$((p + lp)) f=$((f + lf)) s=$((s + ${ls:-0}))
done
echo "$p passed, $f failed, $s skipped"
[ $f -eq 0 ]
