#!/usr/bin/env bats
# nsenter-lite refuses bad input with one line and a non-zero status.
bats_require_minimum_version 1.5.0
load ../helpers/common
load ../helpers/join

setup() {
	requires root
	join_start_target
}

teardown() {
	join_stop_target
}

@test "nsenter-lite: a missing target pid is refused" {
	run -1 --separate-stderr "$NSENTER_LITE" -a true
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "nsenter-lite: no target PID specified"
}

@test "nsenter-lite: a pid that does not exist is refused" {
	run -1 --separate-stderr "$NSENTER_LITE" -t 999999999 -a true
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "nsenter-lite: open process 999999999: No such process"
}

@test "nsenter-lite: a pid that is not a number is a usage mistake" {
	run -2 --separate-stderr "$NSENTER_LITE" -t 12abc -a true
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "nsenter-lite: invalid target pid '12abc'; see 'nsenter-lite --help'"
}

@test "nsenter-lite: no namespace at all is refused" {
	run -1 --separate-stderr "$NSENTER_LITE" -t "$TARGET_PID" true
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "nsenter-lite: no namespace specified"
}

@test "nsenter-lite: a namespace file that does not exist is refused" {
	run -1 --separate-stderr "$NSENTER_LITE" --net="$BATS_TEST_TMPDIR/none" true
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" \
		"nsenter-lite: open namespace '$BATS_TEST_TMPDIR/none': No such file or directory"
}

@test "nsenter-lite: a file that is no namespace is refused" {
	echo plain >"$BATS_TEST_TMPDIR/plain"
	run -1 --separate-stderr "$NSENTER_LITE" --uts="$BATS_TEST_TMPDIR/plain" true
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" \
		"nsenter-lite: '$BATS_TEST_TMPDIR/plain' is not a namespace file"
}

@test "nsenter-lite: a fifo given as a namespace file is refused at once, unopened" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	run -1 --separate-stderr timeout 20 "$NSENTER_LITE" --net="$BATS_TEST_TMPDIR/fifo" true
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" \
		"nsenter-lite: '$BATS_TEST_TMPDIR/fifo' is not a namespace file"
}

@test "nsenter-lite: a namespace of the wrong type is refused before joining anything" {
	run -1 --separate-stderr "$NSENTER_LITE" --net="/proc/$TARGET_PID/ns/uts" -t "$TARGET_PID" -u \
		hostname
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" \
		"nsenter-lite: '/proc/$TARGET_PID/ns/uts' is not a network namespace"
	assert_output ""
}

@test "nsenter-lite: an unknown option is a usage mistake" {
	run -2 --separate-stderr "$NSENTER_LITE" --frobnicate -t "$TARGET_PID"
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "nsenter-lite: unknown option '--frobnicate'; see 'nsenter-lite --help'"
	run -2 --separate-stderr "$NSENTER_LITE" -Z
	assert_equal "$stderr" "nsenter-lite: unknown option '-Z'; see 'nsenter-lite --help'"
}

@test "nsenter-lite: an option missing its argument is a usage mistake" {
	run -2 --separate-stderr "$NSENTER_LITE" -a -t
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "nsenter-lite: missing argument for '-t'; see 'nsenter-lite --help'"
}

@test "nsenter-lite: a program that does not exist exits 127" {
	run -127 --separate-stderr "$NSENTER_LITE" -t "$TARGET_PID" -a /no/such/program
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "nsenter-lite: exec '/no/such/program': No such file or directory"
}

@test "nsenter-lite: a program that cannot run exits 126" {
	echo data >"$BATS_TEST_TMPDIR/data"
	chmod 644 "$BATS_TEST_TMPDIR/data"
	run -126 --separate-stderr "$NSENTER_LITE" -t "$TARGET_PID" -a "$BATS_TEST_TMPDIR/data"
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "nsenter-lite: exec '$BATS_TEST_TMPDIR/data': Permission denied"
}

@test "nsenter-lite: --target given twice is refused" {
	run -2 --separate-stderr "$NSENTER_LITE" -t "$TARGET_PID" -t "$TARGET_PID" -a true
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" \
		"nsenter-lite: option --target may be given only once; see 'nsenter-lite --help'"
}

@test "nsenter-lite: --help prints usage and exits 0" {
	run -0 "$NSENTER_LITE" --help
	assert_line --index 0 --partial "usage: nsenter-lite"
}

@test "nsenter-lite: newer nsenter options it does not take are refused as unknown" {
	run -2 --separate-stderr "$NSENTER_LITE" -t "$TARGET_PID" -a --wdns=/ true
	assert_equal "$stderr" "nsenter-lite: unknown option '--wdns=/'; see 'nsenter-lite --help'"
	run -2 --separate-stderr "$NSENTER_LITE" -t "$TARGET_PID" -a --keep-caps true
	assert_equal "${#stderr_lines[@]}" 1
}
