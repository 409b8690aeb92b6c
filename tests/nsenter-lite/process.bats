#!/usr/bin/env bats
# nsenter-lite against a plain process: the program's status, environment, directories, ids, cgroups.
bats_require_minimum_version 1.5.0
load ../helpers/common
load ../helpers/join

setup() {
	requires root
	join_start_target
}

teardown() {
	join_stop_target
	if [[ -n ${JOIN_CGROUP:-} && -d $JOIN_CGROUP ]]; then
		local pid
		for pid in $(cat "$JOIN_CGROUP/cgroup.procs"); do
			echo "$pid" >"$JOIN_CGROUP/../cgroup.procs" 2>/dev/null || true
		done
		rmdir "$JOIN_CGROUP"
	fi
}

@test "nsenter-lite: passes the program's exit status on" {
	run -42 "$NSENTER_LITE" -t "$TARGET_PID" -a sh -c 'exit 42'
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -u sh -c 'exit 0'
	run -3 "$NSENTER_LITE" -t "$TARGET_PID" -u sh -c 'exit 3'
}

@test "nsenter-lite: dies of the signal that killed the program" {
	run -137 "$NSENTER_LITE" -t "$TARGET_PID" -a sh -c 'kill -KILL $$'
	run -143 "$NSENTER_LITE" -t "$TARGET_PID" -a sh -c 'kill -TERM $$'
	# Not a status of 128+N made up by us: the shell sees a death by signal.
	run -0 bash -c '"$0" -t "$1" -a sh -c "kill -USR1 \$\$" 2>/dev/null; kill -l $?' \
		"$NSENTER_LITE" "$TARGET_PID"
	assert_line --index -1 USR1
}

@test "nsenter-lite: passes signals sent to it on to the program" {
	"$NSENTER_LITE" -t "$TARGET_PID" -a sh -c 'trap "exit 9" TERM; echo ready; sleep 30 & wait' \
		>"$BATS_TEST_TMPDIR/out" 3>&- &
	local pid=$! _i
	for _i in $(seq 100); do
		grep -q ready "$BATS_TEST_TMPDIR/out" && break
		sleep 0.05
	done
	kill -TERM "$pid"
	# Not "run wait": run's subshell cannot wait for a child of the test's shell.
	local rc=0
	wait "$pid" || rc=$?
	[[ $rc -eq 9 ]]
}

@test "nsenter-lite: passes on a signal that arrives as soon as the program runs" {
	# The program signals nsenter-lite (its parent: our own pid namespace is
	# joined, so it can see it) straight away; the trap must get it, every time.
	# shellcheck disable=SC2016 # for the inner shells
	local prog='trap "exit 9" TERM; kill -TERM $PPID; i=0
		while [ $i -lt 200000 ]; do i=$((i+1)); done; exit 1' _i
	for _i in $(seq 10); do
		# shellcheck disable=SC2016
		run -9 bash -c 'exec "$0" -p=/proc/$$/ns/pid sh -c "$1"' "$NSENTER_LITE" "$prog"
	done
}

@test "nsenter-lite: --env gives the program the target's environment" {
	run -0 --separate-stderr "$NSENTER_LITE" -t "$TARGET_PID" -u -e sh -c 'echo "$JOIN_TEST_VAR"'
	assert_output from-target
	run -0 env JOIN_TEST_VAR=ours "$NSENTER_LITE" -t "$TARGET_PID" -u sh -c 'echo "$JOIN_TEST_VAR"'
	assert_output ours
}

@test "nsenter-lite: --wd goes to the target's cwd, --wd=DIR to DIR" {
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -m -w pwd
	assert_output "$BATS_TEST_TMPDIR/wd"
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -m --wd=/proc pwd
	assert_output /proc
}

@test "nsenter-lite: -w, -r, -e and -S need no namespace option, as with nsenter" {
	run -0 --separate-stderr "$NSENTER_LITE" -t "$TARGET_PID" -w pwd
	assert_output "$BATS_TEST_TMPDIR/wd"
	# The target's root is ours here: the mount namespace, not the root, is its own.
	run -0 --separate-stderr "$NSENTER_LITE" -t "$TARGET_PID" -r -w pwd
	assert_output "$BATS_TEST_TMPDIR/wd"
	run -0 --separate-stderr "$NSENTER_LITE" -t "$TARGET_PID" -e sh -c 'echo "$JOIN_TEST_VAR"'
	assert_output from-target
	run -0 --separate-stderr "$NSENTER_LITE" -S 1234 -G 4321 sh -c 'id -u; id -g'
	assert_equal "${lines[*]}" "1234 4321"
	run -1 --separate-stderr "$NSENTER_LITE" -w pwd
	assert_equal "$stderr" "nsenter-lite: no target PID specified"
}

@test "nsenter-lite: --root=DIR runs the program chrooted there" {
	requires rootfs
	local bundle
	bundle=$(make_bundle)
	echo inside >"$bundle/rootfs/marker"
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -m --root="$bundle/rootfs" /bin/busybox cat /marker
	assert_output inside
}

@test "nsenter-lite: -S and -G set the ids of the program" {
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -u -S 1234 -G 4321 sh -c 'id -u; id -g; id -G'
	assert_equal "${lines[0]}" 1234
	assert_equal "${lines[1]}" 4321
	assert_equal "${lines[2]}" 4321
}

@test "nsenter-lite: --join-cgroup joins the target's cgroups" {
	local own
	own=$(awk -F: '$2 == "pids" { print $3 }' /proc/self/cgroup)
	JOIN_CGROUP=/sys/fs/cgroup/pids${own%/}/nsenter-lite-test.$$
	mkdir "$JOIN_CGROUP"
	echo "$TARGET_PID" >"$JOIN_CGROUP/cgroup.procs"
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -u -c cat /proc/self/cgroup
	assert_line "$(grep ':pids:' "/proc/$TARGET_PID/cgroup")"
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -u cat /proc/self/cgroup
	refute_line "$(grep ':pids:' "/proc/$TARGET_PID/cgroup")"
}

@test "nsenter-lite: with no program runs \$SHELL as a login shell" {
	run -0 env SHELL=/bin/sh "$NSENTER_LITE" -t "$TARGET_PID" -u <<<'echo "$0"; hostname'
	assert_equal "${lines[0]}" -sh
	assert_equal "${lines[1]}" joined-target
}

@test "nsenter-lite: leaves no descriptor of its own to the program" {
	# Descriptors we were given pass through, as with nsenter; ours (pidfd,
	# namespace files, cgroup.procs, directories) never do.
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -a -c -r -w \
		sh -c 'for f in /proc/$$/fd/*; do readlink "$f"; done; true'
	refute_output --partial pidfd
	refute_output --regexp '(mnt|net|uts|ipc|pid|user|cgroup|time):\['
	refute_output --partial cgroup.procs
	refute_output --partial "$BATS_TEST_TMPDIR/wd"
}

@test "nsenter-lite: stays undumpable, so the joined side cannot open our binary through /proc/PID/exe" {
	requires userns
	command -v setpriv >/dev/null || skip "needs setpriv"
	join_stop_target
	local as_nobody=(setpriv --reuid 65534 --regid 65534 --clear-groups)
	# An unprivileged owner of both sides: only dumpability stands between them.
	"${as_nobody[@]}" unshare --user --map-root-user --fork --pid --mount-proc sleep 100 \
		</dev/null >/dev/null 2>&1 3>&- &
	TARGET_UNSHARE=$!
	local _i
	for _i in $(seq 100); do
		TARGET_PID=$(pgrep -P "$TARGET_UNSHARE" || true)
		[[ -n $TARGET_PID && $(cat "/proc/$TARGET_PID/comm") == sleep ]] && break
		sleep 0.05
	done
	"${as_nobody[@]}" "$NSENTER_LITE" --preserve-credentials -t "$TARGET_PID" -U -p -m sleep 5 \
		</dev/null >/dev/null 2>&1 3>&- &
	local joiner=$! child=
	for _i in $(seq 100); do
		child=$(pgrep -P "$joiner" -x sleep || true)
		[[ -n $child ]] && break
		sleep 0.05
	done
	[[ -n $child ]]
	run -1 "${as_nobody[@]}" readlink "/proc/$joiner/exe"
	# The program itself, once executed, is an ordinary process again.
	run -0 "${as_nobody[@]}" readlink "/proc/$child/exe"
	kill "$child" "$joiner" 2>/dev/null || true
	wait "$joiner" || true
}
