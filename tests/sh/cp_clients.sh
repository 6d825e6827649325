#!/bin/sh
# The terminal works with telnet, socat and nc: LOGON, a command, LOGOFF.
# With telnet the password is not echoed (the server's WILL ECHO).
set -u
d=$TMPDIR/clients
mkdir -p "$d"
cat >"$d/user.direct" <<'DIR'
USER MAINT sEcReT-pw 64M 64M G
DIR
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$RVCP" cp --directory "$d/user.direct" --spool "$d/spool" --listen "127.0.0.1:$port" \
	2>"$d/cp.log" &
cppid=$!
trap 'kill $cppid 2>/dev/null; wait $cppid 2>/dev/null' EXIT
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 600 ] || { echo "FAIL: cp does not listen"; cat "$d/cp.log"; exit 1; }
	sleep 0.1
done

session() { # client command...
	expect -f - "$@" <<'EXP'
set timeout 30
spawn {*}$argv
expect {
	"Enter LOGON" {}
	timeout { puts "FAIL: no logo"; exit 1 }
}
send "LOGON MAINT\r"
expect "ENTER PASSWORD"
# A person types after seeing the prompt; telnet has switched its echo off by then.
sleep 1
send "sEcReT-pw\r"
expect {
	"LOGON AT" {}
	timeout { puts "FAIL: no LOGON"; exit 1 }
}
if {[lindex $argv 0] eq "telnet" && [string match "*sEcReT*" $expect_out(buffer)]} {
	puts "FAIL: telnet echoed the password"
	exit 1
}
send "QUERY VIRTUAL STORAGE\r"
expect {
	"STORAGE = 64M" {}
	timeout { puts "FAIL: no QUERY answer"; exit 1 }
}
send "LOGOFF\r"
expect {
	"LOGOFF AT" {}
	timeout { puts "FAIL: no LOGOFF"; exit 1 }
}
# OpenBSD nc stays while its stdin is open, even after the server closed.
if {[lindex $argv 0] ne "nc"} {
	expect {
		eof {}
		timeout { puts "FAIL: the connection was not closed after LOGOFF"; exit 1 }
	}
}
exit 0
EXP
}

session telnet 127.0.0.1 "$port" || exit 1
session socat - "TCP:127.0.0.1:$port" || exit 1
session nc 127.0.0.1 "$port" || exit 1
kill -TERM $cppid
wait $cppid || { echo "FAIL: cp exit status $? after SIGTERM"; exit 1; }
trap - EXIT
exit 0
