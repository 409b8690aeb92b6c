#!/usr/bin/env bats
# nsinit: process.terminal: the pty master over --console-socket, or relayed by run itself.
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires root rootfs jq
	command -v python3 >/dev/null || skip "needs python3 for the console socket helper"
	command -v script >/dev/null || skip "needs script from util-linux"
	C1=$(ct_id 1)
	SOCK=$BATS_TEST_TMPDIR/console.sock
	receiver=
}

teardown() {
	ct_cleanup
	if [[ -n $receiver ]]; then
		kill "$receiver" 2>/dev/null || true
		wait "$receiver" 2>/dev/null || true
	fi
}

# Listens on $SOCK for the pty master; what the container writes lands in $BATS_TEST_TMPDIR/tty.out.
start_receiver() {
	python3 "$CT_ROOT/tests/helpers/recvtty.py" "$SOCK" >"$BATS_TEST_TMPDIR/tty.out" &
	receiver=$!
	for _ in $(seq 50); do
		[[ -S $SOCK ]] && return 0
		sleep 0.1
	done
	return 1
}

# Waits for the receiver to see the pty close (the container exited).
wait_receiver() {
	local i
	for i in $(seq 100); do
		kill -0 "$receiver" 2>/dev/null || break
		sleep 0.05
	done
	wait "$receiver" || true
	receiver=
}

@test "nsinit: the pty master goes to the console socket, and the slave is the process's stdio" {
	ct_bundle --terminal -- sh -c 'tty; ls -l /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2'
	start_receiver
	ct_create "$C1" --console-socket "$SOCK"
	[[ $(<"$SOCK.payload") == /dev/ptmx ]]
	nsinit start "$C1"
	wait_receiver
	run cat "$BATS_TEST_TMPDIR/tty.out"
	assert_line --index 0 --regexp '^/dev/pts/[0-9]+'
	[[ $(grep -c -- '-> /dev/pts/' <<<"$output") -eq 3 ]]
}

@test "nsinit: the pty is the controlling terminal and bound at /dev/console" {
	ct_bundle --terminal -- sh -c 'cut -d" " -f7 /proc/self/stat; stat -c "%t,%T" /dev/console "$(tty)"'
	start_receiver
	ct_create "$C1" --console-socket "$SOCK"
	nsinit start "$C1"
	wait_receiver
	run cat "$BATS_TEST_TMPDIR/tty.out"
	# tty_nr is not 0 once the process has a controlling terminal
	refute_line --index 0 --regexp '^0\s*$'
	[[ $(sed -n '2p' <<<"$output" | tr -d '\r') == "$(sed -n '3p' <<<"$output" | tr -d '\r')" ]]
}

@test "nsinit: consoleSize sets the terminal's rows and columns" {
	ct_bundle --terminal -- stty size
	ct_edit '.process.consoleSize = {height: 40, width: 100}'
	start_receiver
	ct_create "$C1" --console-socket "$SOCK"
	nsinit start "$C1"
	wait_receiver
	run tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out"
	assert_output "40 100"
}

@test "nsinit: run without a console socket relays the terminal both ways" {
	ct_bundle --terminal -- sh -c 'read x; echo "got $x"; tty'
	export BUNDLE C1
	run -0 bash -c '(sleep 1; echo hello; sleep 1) | script -qec \
		"\"$NSINIT\" --root \"$BATS_TEST_TMPDIR/state\" run --bundle \"$BUNDLE\" $C1" /dev/null'
	assert_output --partial "got hello"
	assert_output --regexp '/dev/pts/[0-9]+'
}

@test "nsinit: run relays the window size of its own terminal" {
	ct_bundle --terminal -- stty size
	export BUNDLE C1
	run -0 script -qec "stty rows 33 cols 77; \"$NSINIT\" --root \"$BATS_TEST_TMPDIR/state\" run --bundle \"$BUNDLE\" $C1" /dev/null </dev/null
	assert_output --partial "33 77"
}

@test "nsinit: run in a terminal exits with the container's status" {
	ct_bundle --terminal -- sh -c 'exit 5'
	run -5 script -qec "\"$NSINIT\" --root \"$BATS_TEST_TMPDIR/state\" run --bundle \"$BUNDLE\" $C1" \
		--return /dev/null </dev/null
}

@test "nsinit: TERM ends a create stuck connecting to a console socket that never accepts" {
	ct_bundle -- true
	ct_edit '.process.terminal = true'
	python3 "$CT_ROOT/tests/helpers/stuck-listener.py" "$SOCK" >"$BATS_TEST_TMPDIR/listener.out" &
	receiver=$!
	local pid _
	for _ in $(seq 50); do
		[[ -s $BATS_TEST_TMPDIR/listener.out ]] && break
		sleep 0.1
	done
	"$NSINIT" --root "$BATS_TEST_TMPDIR/state" create --console-socket "$SOCK" \
		--bundle "$BUNDLE" "$C1" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	sleep 1
	signal_and_reap "$pid" "create ignored TERM while connecting" TERM
	assert_equal "$status" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" \
		"nsinit: $C1: create: connect console socket '$SOCK': interrupted by SIGTERM"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}
