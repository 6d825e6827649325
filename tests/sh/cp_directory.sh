#!/bin/sh
# A bad directory is refused with file:line and what is wrong.
set -u
d=$TMPDIR/dir
mkdir -p "$d"
check() { # expected-line-and-text, directory text
	want=$1
	shift
	printf '%s\n' "$@" >"$d/user.direct"
	if "$RVCP" cp --directory "$d/user.direct" --spool "$d/spool" --listen 127.0.0.1:0 \
		>"$d/out" 2>&1; then
		echo "FAIL: accepted a bad directory: $*"
		exit 1
	fi
	if ! grep -q "user.direct:$want" "$d/out"; then
		echo "FAIL: expected 'user.direct:$want' in:"
		cat "$d/out"
		exit 1
	fi
}
check "2: unknown statement 'FROB'" "USER A pw 64M 64M G" "FROB x"
check "1: bad storage size '64Q'" "USER A pw 64Q 64M G"
check "1: storage 128M exceeds maximum storage 64M" "USER A pw 128M 64M G"
check "1: MDISK before any USER" "MDISK 200 IMAGE x.img R"
check "2: bad link mode 'Q'" "USER A pw 64M 64M G" "MDISK 200 IMAGE x.img Q"
check "3: user A defined twice" "USER A pw 64M 64M G" "* comment" "USER a pw 64M 64M G"
check "2: LINK to unknown user NOBODY" "USER A pw 64M 64M G" "LINK NOBODY 200 200 RR"
check "3: LINK to A 0201: no such MDISK" "USER A pw 64M 64M G" "MDISK 200 IMAGE x.img W" \
	"LINK A 201 300 RR"
check "3: virtual device 0200 defined twice" "USER A pw 64M 64M G" "MDISK 200 IMAGE x.img W" \
	"MDISK 0200 IMAGE y.img W"
check "1: bad user id 'TOOLONGID'" "USER TOOLONGID pw 64M 64M G"
check "0: no USER statement" "* empty"
exit 0
