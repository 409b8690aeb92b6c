#!/usr/bin/env bats
# nsinit: process.rlimits, read back from inside the container.
bats_require_minimum_version 1.5.0
load ../helpers/common
load ../helpers/confine

setup() {
	requires root rootfs jq
}

teardown() {
	confine_cleanup
}

@test "nsinit: RLIMIT_NOFILE soft and hard limits are what ulimit reports inside" {
	confine_bundle --seccomp none --rlimit RLIMIT_NOFILE=100:200 -- sh -c 'ulimit -n; ulimit -Hn'
	run -0 --separate-stderr confine_run
	assert_output "100
200"
}

@test "nsinit: every limit given is set" {
	confine_bundle --seccomp none --rlimit RLIMIT_CORE=0 --rlimit RLIMIT_NPROC=500:600 \
		--rlimit RLIMIT_MSGQUEUE=4096 --rlimit RLIMIT_STACK=8388608:16777216 \
		-- cat /proc/self/limits
	run -0 --separate-stderr confine_run
	assert_line --regexp '^Max core file size +0 +0 +bytes'
	assert_line --regexp '^Max processes +500 +600 +processes'
	assert_line --regexp '^Max msgqueue size +4096 +4096 +bytes'
	assert_line --regexp '^Max stack size +8388608 +16777216 +bytes'
}

@test "nsinit: rlimits apply to a non-root process too, set before the user switch" {
	confine_bundle --seccomp none --uid 1000 --gid 1000 --rlimit RLIMIT_NOFILE=4096:8192 \
		-- sh -c 'id -u; ulimit -Hn'
	run -0 --separate-stderr confine_run
	assert_output "1000
8192"
}

@test "nsinit: an unknown rlimit type is refused with one error line" {
	confine_bundle --seccomp none -- true
	confine_edit '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	run -1 --separate-stderr confine_run
	[[ ${#stderr_lines[@]} -eq 1 ]]
	[[ $stderr == "nsinit: $CONFINE_ID: "*"RLIMIT_BOGUS"* ]]
}

@test "nsinit: a duplicate rlimit type is refused" {
	confine_bundle --seccomp none -- true
	confine_edit '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1},
		{"type": "RLIMIT_NOFILE", "soft": 2, "hard": 2}]'
	run -1 --separate-stderr confine_run
	[[ $stderr == *"RLIMIT_NOFILE"* ]]
}

@test "nsinit: a soft limit above the hard one is refused" {
	confine_bundle --seccomp none -- true
	confine_edit '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 20, "hard": 10}]'
	run -1 --separate-stderr confine_run
	[[ $stderr == "nsinit: $CONFINE_ID: "*"/process/rlimits/0"*"soft"* ]]
}

@test "nsinit: an RLIMIT_NOFILE too low for the init to open exec.fifo names the cause; run needs none" {
	confine_bundle --seccomp none --rlimit RLIMIT_NOFILE=1:1 -- true
	# run's init goes on to execve without exec.fifo: the process gets its limit and runs
	run -0 confine_run
	# create's init opens exec.fifo once start comes, and cannot
	run -0 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" --log "$BATS_TEST_TMPDIR/nsinit.log" \
		create --bundle "$BUNDLE" "$CONFINE_ID" 3>&-
	run -1 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" start "$CONFINE_ID"
	# the init dies as soon as it tries, which may be before start looks
	assert_output --regexp "^nsinit: $CONFINE_ID: start: (container init exited before start|cannot start a container that has stopped)\$"
	grep -q "error: $CONFINE_ID: open exec.fifo: Too many open files" "$BATS_TEST_TMPDIR/nsinit.log"
	run -0 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" delete --force "$CONFINE_ID"
	[[ ! -e $BATS_TEST_TMPDIR/state/$CONFINE_ID ]]
}
