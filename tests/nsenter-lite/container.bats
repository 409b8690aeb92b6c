#!/usr/bin/env bats
# nsenter-lite --container: joining an nsinit container whole, confined as its own processes.
bats_require_minimum_version 1.5.0
load ../helpers/common
load ../helpers/join

setup() {
	requires root rootfs jq
}

teardown() {
	container_cleanup
}

enter() {
	"$NSENTER_LITE" --container "$1" --root "$NSINIT_TEST_ROOT" "${@:2}"
}

@test "nsenter-lite: --container joins every namespace of the container" {
	container_start web
	local name
	for name in mnt uts ipc net pid cgroup; do
		run -0 enter web readlink "/proc/self/ns/$name"
		assert_output "$(ns_inode "$CONTAINER_PID" "$name")"
	done
	run -0 enter web cat /proc/1/cmdline
	assert_output "$(tr -d '\0' <<<"sleep1000")"
}

@test "nsenter-lite: --container joins the container's cgroups" {
	container_start web
	run -0 enter web cat /proc/self/cgroup
	assert_output "$(enter web cat /proc/1/cgroup)"
	# Seen from the host: the joined process sits beside the init in every hierarchy.
	"$NSENTER_LITE" --container web --root "$NSINIT_TEST_ROOT" sleep 30 3>&- &
	local pid=$! inner= _i
	for _i in $(seq 100); do
		inner=$(pgrep -P "$pid" -x sleep || true)
		[[ -n $inner ]] && break
		sleep 0.05
	done
	[[ -n $inner ]]
	assert_equal "$(cat "/proc/$inner/cgroup")" "$(cat "/proc/$CONTAINER_PID/cgroup")"
	kill "$pid"
	wait "$pid" || true
}

@test "nsenter-lite: --container gives the container's capabilities, seccomp and no_new_privs" {
	container_start web
	run -0 enter web cat /proc/self/status
	assert_equal "$(confinement_of /dev/stdin <<<"$output")" \
		"$(confinement_of "/proc/$CONTAINER_PID/status")"
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
}

@test "nsenter-lite: --container uses the container's user, env and cwd" {
	container_start web --uid 1000 --gid 1000 --env FROM_CONFIG=yes --cwd /tmp
	run -0 enter web sh -c 'id -u; id -g; echo "$FROM_CONFIG"; pwd'
	assert_equal "${lines[0]}" 1000
	assert_equal "${lines[1]}" 1000
	assert_equal "${lines[2]}" yes
	assert_equal "${lines[3]}" /tmp
}

@test "nsenter-lite: --user, --env, --cwd and --cap change the process" {
	container_start web
	run -0 enter web --user 1234:5678 --env EXTRA=1 --cwd /etc sh -c 'id -u; id -g; echo "$EXTRA"; pwd'
	assert_equal "${lines[0]}" 1234
	assert_equal "${lines[1]}" 5678
	assert_equal "${lines[2]}" 1
	assert_equal "${lines[3]}" /etc
	run -0 enter web grep CapBnd /proc/self/status
	refute_output --regexp '[13579bdf][0-9a-f]{5}$'
	# CAP_SYS_ADMIN is bit 21: 0x200000.
	run -0 enter web --cap CAP_SYS_ADMIN grep CapEff /proc/self/status
	(( 0x${output##*[[:space:]]} & 0x200000 ))
}

@test "nsenter-lite: --root, --user and --env may come before --container" {
	container_start web
	run -0 "$NSENTER_LITE" --root "$NSINIT_TEST_ROOT" --user 1234 --env EXTRA=2 \
		--container web sh -c 'id -u; echo "$EXTRA"'
	assert_equal "${lines[0]}" 1234
	assert_equal "${lines[1]}" 2
	run -0 "$NSENTER_LITE" --root="$NSINIT_TEST_ROOT" --container=web readlink /proc/self/ns/uts
	assert_output "$(ns_inode "$CONTAINER_PID" uts)"
	# A plain-mode option first keeps plain mode: --container is then unknown there.
	run -2 "$NSENTER_LITE" -t "$CONTAINER_PID" --container web true
	assert_output "nsenter-lite: unknown option '--container'; see 'nsenter-lite --help'"
}

@test "nsenter-lite: --process FILE gives the whole process" {
	container_start web
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'JSON'
		{"args": ["sh", "-c", "echo $MSG; id -u; pwd"], "cwd": "/bin",
		 "env": ["PATH=/bin", "MSG=from-file"], "user": {"uid": 42, "gid": 42}}
	JSON
	run -0 enter web --process "$BATS_TEST_TMPDIR/process.json"
	assert_equal "${lines[0]}" from-file
	assert_equal "${lines[1]}" 42
	assert_equal "${lines[2]}" /bin
}

@test "nsenter-lite: --container joins a container with its own user namespace" {
	requires userns
	# The mapped root (host uid 100000) must be able to reach the bundle.
	local d=$BATS_TEST_TMPDIR
	while [[ $d == "$BATS_RUN_TMPDIR"* && $d != / ]]; do
		chmod o+x "$d"
		d=${d%/*}
	done
	container_start userns --uidmap 0:100000:65536 --gidmap 0:100000:65536
	run -0 enter userns sh -c 'readlink /proc/self/ns/user; id -u; cat /proc/self/uid_map'
	assert_equal "${lines[0]}" "$(ns_inode "$CONTAINER_PID" user)"
	refute_output --partial "$(ns_inode $$ user)"
	assert_equal "${lines[1]}" 0
	assert_equal "$(echo "${lines[2]}" | tr -s ' ')" " 0 100000 65536"
	run -0 enter userns cat /proc/self/status
	assert_equal "$(confinement_of /dev/stdin <<<"$output")" \
		"$(confinement_of "/proc/$CONTAINER_PID/status")"
}

@test "nsenter-lite: --container passes exit status and death signal on" {
	container_start web
	run -7 enter web sh -c 'exit 7'
	run -137 enter web sh -c 'kill -KILL $$'
}

@test "nsenter-lite: --container leaves no host descriptor or directory to the process" {
	container_start web
	cd "$BATS_TEST_TMPDIR"
	run -0 enter web sh -c 'ls /proc/$$/fd; readlink /proc/$$/cwd; readlink /proc/$$/root'
	assert_output "$(printf '%s\n' 0 1 2 / /)"
}

@test "nsenter-lite: --tty gives the process a terminal, relayed through us" {
	container_start web
	run -4 enter web --tty sh -c 'tty; exit 4' </dev/null
	assert_output --regexp '^/dev/pts/[0-9]+'
}

@test "nsenter-lite: --container refuses a stopped container" {
	container_start web
	"$NSINIT" --root "$NSINIT_TEST_ROOT" kill web KILL
	local i
	for i in $(seq 50); do
		[[ -d /proc/$CONTAINER_PID ]] || break
		sleep 0.1
	done
	run -1 --separate-stderr enter web true
	assert_equal "$stderr" "nsenter-lite: container 'web': cannot exec in a stopped container"
}

@test "nsenter-lite: --container refuses a pid that is not the recorded process" {
	container_start web
	local state=$NSINIT_TEST_ROOT/web/state.json
	# The record now names a process whose start time is not the init's: a reused pid.
	jq --argjson p $$ '(.pid = $p)' "$state" >"$state.new" && mv "$state.new" "$state"
	run -1 --separate-stderr enter web true
	assert_equal "$stderr" \
		"nsenter-lite: container 'web': cannot exec in a stopped container (its pid $$ now belongs to another process)"
}

@test "nsenter-lite: --container refuses a paused container" {
	container_start web
	"$NSINIT" --root "$NSINIT_TEST_ROOT" pause web || skip "nsinit pause is not available"
	run -1 --separate-stderr enter web true
	assert_equal "$stderr" \
		"nsenter-lite: container 'web': cannot exec in a paused container (resume it, or --ignore-paused)"
}

@test "nsenter-lite: --container of an unknown id is refused" {
	NSINIT_TEST_ROOT=$BATS_TEST_TMPDIR/state
	mkdir -p "$NSINIT_TEST_ROOT"
	run -1 --separate-stderr enter nosuch true
	assert_equal "$stderr" "nsenter-lite: container 'nosuch': container does not exist: No such file or directory"
	run -1 --separate-stderr enter ../etc true
	assert_equal "${#stderr_lines[@]}" 1
}
