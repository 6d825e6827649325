#!/bin/sh
# The README's picture of a 3270 session: c3270 (Debian's) under tmux,
# connected to a CP of its own, logged on as MAINT, the Linux guest IPLed
# and a few commands typed; the screen as text, into OUT (default
# tools/3270-screen.txt).  Needs build/rvcp, build/guest/linux.img, c3270
# and tmux.
#   tools/3270-screenshot.sh [OUT]
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/tools/3270-screen.txt}
rvcp=${RVCP:-$src/build/rvcp}
img=${GUEST:-$src/build/guest}/linux.img
for need in c3270 tmux; do
	command -v $need >/dev/null || { echo "$0: $need is not installed" >&2; exit 1; }
done
[ -x "$rvcp" ] && [ -f "$img" ] || { echo "$0: make && make guest first" >&2; exit 1; }

work=$(mktemp -d /tmp/rvcp-3270.XXXXXX)
session=rvcp3270-$$
cat >"$work/user.direct" <<EOF
USER MAINT maint 64M 128M ABCDEG
 MDISK 200 IMAGE $img RR
USER LINUX01 pass1 64M 64M G
EOF
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$rvcp" cp --directory "$work/user.direct" --spool "$work/spool" --listen "127.0.0.1:$port" \
	>"$work/cp.log" 2>&1 &
cppid=$!
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	kill "$cppid" 2>/dev/null || true
	wait "$cppid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

screen() { tmux capture-pane -p -t "$session"; }
# wait_for TEXT [SECONDS]: poll the screen (the machine may be slow)
wait_for() {
	i=0
	until screen | grep -q -- "$1"; do
		i=$((i + 1))
		if [ $i -gt $((${2:-120} * 5)) ]; then
			echo "$0: no '$1' on the screen:" >&2
			screen >&2
			exit 1
		fi
		# a full output area waits: CLEAR (Ctrl-C in c3270)
		if screen | grep -q "MORE\.\.\."; then tmux send-keys -t "$session" C-c; fi
		sleep 0.2
	done
}
type_line() { tmux send-keys -t "$session" -l -- "$1"; tmux send-keys -t "$session" Enter; }

i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 600 ] || { echo "$0: cp does not listen" >&2; exit 1; }
	sleep 0.1
done
# model 2 (24x80) and c3270's own line beneath: a 26-line window
tmux new-session -d -s "$session" -x 80 -y 26 \
	"c3270 -codepage cp037 -model 3279-2 -xrm 'c3270.menuBar: false' 127.0.0.1:$port"
tmux set-option -t "$session" remain-on-exit on >/dev/null
wait_for "Enter LOGON"
type_line "LOGON MAINT"
wait_for "ENTER PASSWORD"
type_line "maint"
wait_for "CP READ"
type_line "QUERY VIRTUAL STORAGE"
wait_for "STORAGE = 64M"
type_line "IPL 200"
wait_for "Run /sbin/init" 600
type_line ""
wait_for "VM READ" 600
tmux send-keys -t "$session" C-c # CLEAR: a fresh output area for the picture
wait_for "VM READ"
type_line "uname -sm; cat /proc/cpuinfo | head -4"
wait_for "isa"
type_line "#CP QUERY NAMES"
wait_for "MAINT    - L"
type_line "#CP QUERY TERMINAL"
wait_for "HOLD OFF"
sleep 1
screen | sed 's/[[:space:]]*$//' >"$out"
echo "$out"
