#!/usr/bin/env bash
# EXECs from a CP terminal (no guest needed): LISTFILE, EXEC and implied EXEC,
# SAY and PULL, PIPE cp|var|stem, a command above the user's classes (RC -3),
# a syntax error with its line number, a runaway EXEC stopped with HI and one
# stopped with the break key, one killed with HX, an EXEC name that does not
# exist, an EXEC that logs its own user off.
set -eu
work=$TMPDIR/rexx_cp
mkdir -p "$work/spool/users/USER1"
cat >"$work/user.direct" <<EOF
USER USER1 PASS1 64M 128M G
EOF
area=$work/spool/users/USER1
cat >"$area/HELLO.EXEC" <<'EOF'
/* HELLO EXEC */
parse arg who
say 'Hello' who
'pipe cp q v stor | var stor'
say 'stor=' stor 'rc=' rc
'pipe cp q term | stem t.'
say 't.0=' t.0 't.1=' t.1
'SHUTDOWN'
say 'shutdown rc=' rc
'pipe cp query names | frob'
say 'frob rc=' rc
say 'Your name?'
parse pull name
say 'Hi' name
exit 3
EOF
printf "say 'looping'\ndo forever\nend\n" >"$area/loop.exec"
printf "signal on halt\nsay 'stubborn'\ndo forever\nend\nhalt:\nsay 'trapped'\ndo forever\nend\n" >"$area/Stub.Exec"
printf "say 'before'\nx = (1 +\n" >"$area/BAD.EXEC"
printf "say 'bye'\n'LOGOFF'\nsay 'after' rc\n" >"$area/BYE.EXEC"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$RVCP" cp --directory "$work/user.direct" --spool "$work/spool" --listen "127.0.0.1:$port" \
	2>"$work/cp.log" &
cp_pid=$!
trap 'kill $cp_pid 2>/dev/null; wait $cp_pid 2>/dev/null' EXIT
for _ in $(seq 100); do
	grep -q "ready on" "$work/cp.log" && break
	sleep 0.1
done

expect -f - "$port" <<'EOF'
set timeout 30
proc must {pattern} {
	expect {
		-re $pattern {}
		timeout { puts "\nFAIL: timed out waiting for: $pattern"; exit 1 }
		eof { puts "\nFAIL: connection closed waiting for: $pattern"; exit 1 }
	}
}
spawn telnet 127.0.0.1 [lindex $argv 0]
must "LOGON"
send "logon user1\r"
must "PASSWORD"
send "PASS1\r"
must "LOGON AT"
send "listfile * exec\r"
must "FILENAME FILETYPE FM"
must "BAD      EXEC     A1"
must "HELLO    EXEC     A1"
must "LOOP     EXEC     A1"
must "STUB     EXEC     A1"
# Implied EXEC, arguments, PIPE into variables, RC of CP commands.
send "hello world\r"
must "Hello world"
must "stor= STORAGE = 64M rc= 0"
must "t.0= 4 t.1= LINEND #, LINESIZE 080"
must "HCPCMD001E Unknown CP command: SHUTDOWN"
must "8 \\*-\\* 'SHUTDOWN'"
must "\\+\\+\\+ RC=-3 \\+\\+\\+"
must "shutdown rc= -3"
must "FPL027E Entry point frob was not found"
must "frob rc= -27"
must "Your name\\?"
send "Bob Smith\r"
must "Hi Bob Smith"
must "HCPEXC1066I EXEC HELLO ended, RC=3"
# A syntax error: nothing runs, the message names the line.
send "exec bad\r"
must "Error 64 running \"BAD EXEC\""
must "line 2"
must "HCPEXC1066I EXEC BAD ended, RC=-64"
# A runaway EXEC, halted with HI.
send "EX LOOP\r"
must "looping"
send "hi\r"
must "Program interrupted"
must "HCPEXC1066I EXEC LOOP ended, RC=-4"
# ... and with the break key (telnet BREAK).
send "loop\r"
must "looping"
send "\x1d"
must "telnet>"
send "send brk\r"
must "Program interrupted"
must "HCPEXC1066I EXEC LOOP ended, RC=-4"
# One that traps HALT: HX kills it.
send "stub\r"
must "stubborn"
send "hi\r"
must "trapped"
send "hx\r"
must "HCPEXC1067I EXEC STUB stopped"
# Back in CP READ.
send "exec nosuch\r"
must "HCPEXC1063E EXEC nosuch not found"
send "nosuch\r"
must "HCPCMD001E Unknown CP command: NOSUCH"
send "q v stor\r"
must "STORAGE = 64M"
# An EXEC that logs its user off: the EXEC goes with the user, CP stays.
send "bye\r"
must "bye"
must "LOGOFF AT"
expect eof
spawn telnet 127.0.0.1 [lindex $argv 0]
must "LOGON"
send "logon user1\r"
must "PASSWORD"
send "PASS1\r"
must "LOGON AT"
send "logoff\r"
must "LOGOFF AT"
expect eof
EOF
