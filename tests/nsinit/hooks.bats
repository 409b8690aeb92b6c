#!/usr/bin/env bats
# nsinit: the six hook stages, their state on stdin, args, env, timeout and failures.
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires root rootfs jq
	C1=$(ct_id 1)
	LOG=$BATS_TEST_TMPDIR/hooks.log
	export LOG
}

teardown() {
	ct_cleanup
}

# gone PID: the process is no more, or a zombie that nobody of ours will reap.
gone() {
	[[ ! -e /proc/$1 ]] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" ||
		fail "process $1 is still running"
}

# add_hook STAGE SCRIPT [TIMEOUT]: a /bin/sh -c SCRIPT hook; $LOG is passed in env.
add_hook() {
	local stage=$1 script=$2 timeout=${3:-}
	ct_edit --arg s "$stage" --arg c "$script" --arg log "$LOG" --arg t "$timeout" \
		'.hooks[$s] += [{path: "/bin/sh", args: ["sh", "-c", $c], env: ["LOG=" + $log]}
			+ (if $t == "" then {} else {timeout: ($t | tonumber)} end)]'
}

@test "nsinit: all six hook stages run, in the lifecycle's order" {
	ct_bundle -- sh -c 'cat /tmp/start-hook'
	ct_edit '.root.readonly = false'
	for s in prestart createRuntime createContainer poststart poststop; do
		add_hook "$s" "echo $s >>\"\$LOG\""
	done
	# startContainer runs inside the container, after pivot_root
	add_hook startContainer 'echo startContainer >/tmp/start-hook'
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	assert_output startContainer
	run cat "$LOG"
	assert_output $'prestart\ncreateRuntime\ncreateContainer\npoststart\npoststop'
}

@test "nsinit: hooks read the state on stdin: creating, running, stopped" {
	ct_bundle -- true
	add_hook createRuntime 'cat >"$LOG.createRuntime"'
	add_hook poststart 'cat >"$LOG.poststart"'
	add_hook poststop 'cat >"$LOG.poststop"'
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	[[ $(jq -r .status "$LOG.createRuntime") == creating ]]
	[[ $(jq -r .status "$LOG.poststart") == running ]]
	[[ $(jq -r .status "$LOG.poststop") == stopped ]]
	[[ $(jq -r .id "$LOG.createRuntime") == "$C1" ]]
	[[ $(jq -r .bundle "$LOG.createRuntime") == "$BUNDLE" ]]
	(($(jq .pid "$LOG.createRuntime") > 1))
	[[ $(jq -r .ociVersion "$LOG.poststart") == 1.* ]]
}

@test "nsinit: a createRuntime hook runs in the runtime's namespaces and can see the init's" {
	ct_bundle -- true
	add_hook createRuntime 'pid=$(/usr/bin/jq .pid); /usr/bin/readlink /proc/self/ns/net /proc/$pid/ns/net >"$LOG"'
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	run cat "$LOG"
	assert_line --index 0 "$(readlink /proc/self/ns/net)"
	refute_line --index 1 "$(readlink /proc/self/ns/net)"
}

@test "nsinit: a hook gets exactly its args and env" {
	ct_bundle -- true
	ct_edit --arg log "$LOG" '.hooks.poststart = [{path: "/bin/sh",
		args: ["myhook", "-c", "/usr/bin/tr \"\\\\0\" \" \" </proc/$$/cmdline >\"$LOG\"; /usr/bin/env >\"$LOG.env\"", "zero", "first"],
		env: ["FOO=bar", "LOG=" + $log]}]'
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	run cat "$LOG"
	assert_output --regexp '^myhook -c .* zero first $'
	run cat "$LOG.env"
	assert_line "FOO=bar"
	refute_output --partial "BATS"
	refute_output --partial "C1="
}

@test "nsinit: a hook past its timeout is killed and create fails cleanly" {
	ct_bundle -- true
	add_hook createRuntime 'echo $$ >"$LOG.pid"; exec /bin/sleep 30' 1
	SECONDS=0
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	((SECONDS < 10))
	assert_output "nsinit: $C1: run: createRuntime hook 0: hook '/bin/sh' killed after 1 s timeout"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
	run ! kill -0 "$(<"$LOG.pid")"
}

@test "nsinit: a failing createRuntime hook fails create and removes everything" {
	ct_bundle -- sleep 100
	add_hook createRuntime 'exit 3'
	run -1 nsinit create --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: create: createRuntime hook 0: hook '/bin/sh' exited with status 3"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
	run -0 nsinit list -q
	assert_output ""
}

@test "nsinit: a failing createContainer hook fails create with its message" {
	ct_bundle -- sleep 100
	add_hook createContainer 'exit 4'
	run -1 nsinit create --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: create: createContainer hook 0: hook '/bin/sh' exited with status 4"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: a failing startContainer hook fails run with its message and status 1, leaving nothing" {
	ct_bundle -- sh -c 'echo container-ran'
	add_hook startContainer 'exit 5'
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: run: startContainer hook 0: hook '/bin/sh' exited with status 5"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: a failing poststart hook is logged and run goes on" {
	ct_bundle -- sh -c 'echo container-ran'
	add_hook poststart 'exit 3'
	add_hook poststop 'echo poststop-ran >>"$LOG"'
	run -0 nsinit --log "$BATS_TEST_TMPDIR/nsinit.log" run --bundle "$BUNDLE" "$C1"
	assert_output container-ran
	grep -q "poststart hook 0: hook '/bin/sh' exited with status 3, continuing" \
		"$BATS_TEST_TMPDIR/nsinit.log"
	[[ $(<"$LOG") == poststop-ran ]]
}

@test "nsinit: a failing poststop hook is logged and delete still removes the container" {
	ct_bundle -- true
	add_hook poststop 'exit 5'
	run -0 nsinit --log "$BATS_TEST_TMPDIR/nsinit.log" run --bundle "$BUNDLE" "$C1"
	grep -q "poststop hook 0: hook '/bin/sh' exited with status 5, continuing" \
		"$BATS_TEST_TMPDIR/nsinit.log"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: what a hook prints goes to the log" {
	ct_bundle -- true
	add_hook prestart 'echo said-by-hook; echo on-stderr >&2'
	run -0 nsinit --log "$BATS_TEST_TMPDIR/nsinit.log" --log-format json run --bundle "$BUNDLE" "$C1"
	jq -se 'any(.[]; .msg | test("said-by-hook"))' "$BATS_TEST_TMPDIR/nsinit.log"
	jq -se 'any(.[]; .msg | test("on-stderr"))' "$BATS_TEST_TMPDIR/nsinit.log"
	refute_output --partial said-by-hook
}

@test "nsinit: a hook printing a flood of lines logs the first 1000 and one line for the rest" {
	ct_bundle -- true
	add_hook prestart 'yes | head -n 200000; echo last-line'
	run -0 --separate-stderr timeout 30 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" run \
		--bundle "$BUNDLE" "$C1"
	assert_equal "$(grep -c "warning: hook '/bin/sh': y$" <<<"$stderr")" 1000
	assert_equal "${stderr_lines[-1]##*: }" "over 1000 lines"
	assert_equal "${#stderr_lines[@]}" 1001
	[[ $stderr != *last-line* ]]
}

@test "nsinit: a hook path that is a directory fails create naming it, and leaves nothing" {
	ct_bundle -- true
	ct_edit '.hooks.createRuntime = [{path: "/etc"}]'
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: run: createRuntime hook 0: run hook '/etc': Is a directory"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: a hook that does not exist fails create with the path" {
	ct_bundle -- true
	ct_edit '.hooks.prestart = [{path: "/nonexistent/hook"}]'
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	assert_output --partial "'/nonexistent/hook': No such file or directory"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: TERM or INT during a hook undoes the create: hook, init, cgroups and state go" {
	ct_bundle -- true
	# The hook notes itself, its child and the init's cgroups, then waits for good.
	add_hook createRuntime 'echo $$ >"$LOG.pid"; pid=$(/usr/bin/jq .pid)
		/bin/sleep 100 & echo $! >"$LOG.child"
		/bin/cat /proc/$pid/cgroup >"$LOG.cg.tmp"; /bin/mv "$LOG.cg.tmp" "$LOG.cg"
		wait'
	local sig cmd pid dir _
	for sig in TERM INT; do
		for cmd in create run; do
			rm -f "$LOG.pid" "$LOG.cg"
			# A background job of a script starts with INT and QUIT ignored, and nsinit
			# leaves ignored signals alone (nohup): undo that, as a terminal's job has it.
			env --default-signal=INT,QUIT "$NSINIT" --root "$BATS_TEST_TMPDIR/state" \
				"$cmd" --bundle "$BUNDLE" "$C1" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 &
			pid=$!
			for _ in $(seq 100); do
				[[ -s $LOG.cg ]] && break
				sleep 0.1
			done
			[[ -s $LOG.cg ]] || fail "the hook did not start"
			# The memory cgroup on a v1 or hybrid host, the unified one on cgroup2.
			dir=$(sed -n 's|^[0-9]*:memory:||p' "$LOG.cg")
			if [[ -n $dir ]]; then
				dir=/sys/fs/cgroup/memory$dir
			else
				dir=/sys/fs/cgroup$(sed -n 's|^0::||p' "$LOG.cg")
			fi
			[[ -d $dir && $dir != /sys/fs/cgroup/ ]]
			signal_and_reap "$pid" "nsinit $cmd ignored $sig during a hook" "$sig"
			assert_equal "$status" 1
			assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" \
				"nsinit: $C1: $cmd: createRuntime hook 0: hook '/bin/sh' killed: interrupted by SIG$sig"
			[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
			gone "$(<"$LOG.pid")"
			gone "$(<"$LOG.child")"
			[[ ! -e $dir ]]
		done
	done
}

# hook_then_signal CMD SIGNALS...: starts nsinit CMD of $C1 in the background, waits for
# the hook to write $LOG.pid (or, with HOOK_IN_CONTAINER set, for the state to say running
# and a moment more), sends SIGNALS one after the other, and waits (10 s at most).
hook_then_signal() {
	local cmd=$1 pid _
	shift
	rm -f "$LOG.pid"
	"$NSINIT" --root "$BATS_TEST_TMPDIR/state" "$cmd" --bundle "$BUNDLE" "$C1" \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		if [[ -n ${HOOK_IN_CONTAINER:-} ]]; then
			[[ $(ct_status "$C1" 2>/dev/null) == running ]] && sleep 0.5 && break
		else
			[[ -s $LOG.pid ]] && break
		fi
		sleep 0.1
	done
	[[ -n ${HOOK_IN_CONTAINER:-} || -s $LOG.pid ]] || fail "the hook did not start"
	signal_and_reap "$pid" "nsinit $cmd ignored $*" "$@"
	output=$(cat "$BATS_TEST_TMPDIR/out")
}

@test "nsinit: a second signal while create is undoing the first still leaves one line" {
	ct_bundle -- true
	add_hook createRuntime 'echo $$ >"$LOG.pid"; exec /bin/sleep 100'
	hook_then_signal create TERM TERM HUP
	assert_equal "$status" 1
	assert_output --regexp "^nsinit: $C1: create: createRuntime hook 0: hook '/bin/sh' killed: interrupted by SIG(TERM|HUP)$"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: TERM during a startContainer hook of run ends the run and removes the container" {
	ct_bundle -- sleep 100
	# It runs in the container, where $LOG is not to be seen.
	add_hook startContainer 'exec /bin/sleep 100'
	HOOK_IN_CONTAINER=1 hook_then_signal run TERM
	assert_equal "$status" 1
	assert_output "nsinit: $C1: run: wait for container init: interrupted by SIGTERM"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: TERM during a poststart hook of run goes on to the container, which runs" {
	ct_bundle -- sh -c 'trap "exit 7" TERM; sleep 100 & wait'
	add_hook poststart 'echo $$ >"$LOG.pid"; exec /bin/sleep 100'
	hook_then_signal run TERM
	assert_equal "$status" 7
	assert_output --regexp "warning: $C1: poststart hook 0: hook '/bin/sh' killed: interrupted by SIGTERM, continuing$"
	gone "$(<"$LOG.pid")"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: TERM during a poststart hook of start kills the hook; the container runs" {
	ct_bundle -- sleep 100
	add_hook poststart 'echo $$ >"$LOG.pid"; exec /bin/sleep 100'
	ct_create "$C1"
	rm -f "$LOG.pid"
	"$NSINIT" --root "$BATS_TEST_TMPDIR/state" start "$C1" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$! _
	for _ in $(seq 100); do
		[[ -s $LOG.pid ]] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 1
	run -0 tail -n 1 "$BATS_TEST_TMPDIR/out"
	assert_output "nsinit: $C1: start: interrupted by SIGTERM; the container runs"
	gone "$(<"$LOG.pid")"
	[[ $(ct_status "$C1") == running ]]
}

@test "nsinit: a signal ignored by the caller (nohup) does not interrupt create" {
	ct_bundle -- true
	add_hook createRuntime 'echo $$ >"$LOG.pid"; /bin/sleep 2'
	rm -f "$LOG.pid"
	nohup "$NSINIT" --root "$BATS_TEST_TMPDIR/state" create --bundle "$BUNDLE" "$C1" \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$! _ rc=0
	for _ in $(seq 100); do
		[[ -s $LOG.pid ]] && break
		sleep 0.1
	done
	kill -HUP "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
	[[ $(ct_status "$C1") == created ]]
}
