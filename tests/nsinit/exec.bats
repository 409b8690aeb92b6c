#!/usr/bin/env bats
# nsinit exec: runc exec's command line, running the join library.
bats_require_minimum_version 1.5.0
load ../helpers/common
load ../helpers/join

setup() {
	requires root rootfs jq
	container_start web
}

teardown() {
	[[ -n ${RECV_PID:-} ]] && kill "$RECV_PID" 2>/dev/null
	container_cleanup
}

nsexec() {
	"$NSINIT" --root "$NSINIT_TEST_ROOT" exec "$@"
}

@test "nsinit exec: runs the program in the container and passes its status on" {
	run -0 nsexec web sh -c 'hostname; readlink /proc/self/ns/pid'
	assert_line --index 1 "$(ns_inode "$CONTAINER_PID" pid)"
	run -3 nsexec web sh -c 'exit 3'
	# As runc exec: a death by signal is status 128+N.
	run -143 nsexec web sh -c 'kill -TERM $$'
}

@test "nsinit exec: the process is confined as the container's own" {
	run -0 nsexec web cat /proc/self/status
	assert_equal "$(confinement_of /dev/stdin <<<"$output")" \
		"$(confinement_of "/proc/$CONTAINER_PID/status")"
}

@test "nsinit exec: a missing program exits 255 with runc's 'exec failed' line" {
	run -255 --separate-stderr nsexec web no-such-program
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "nsinit: exec failed: container 'web': exec 'no-such-program': executable file not found in \$PATH: No such file or directory"
	run -255 --separate-stderr nsexec web /no/such/path
	assert_equal "${#stderr_lines[@]}" 1
	assert_output --partial ""
	[[ $stderr == *"exec failed"*"No such file or directory" ]]
}

@test "nsinit exec: a bad user exits 255 with one line" {
	run -255 --separate-stderr nsexec --user nobody-here web true
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == "nsinit: exec failed: container 'web': user 'nobody-here' is not UID[:GID]"* ]]
}

@test "nsinit exec: --detach exits at once and --pid-file holds the pid without a newline" {
	# Not under `run`: the detached process would hold its output pipe open.
	nsexec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" web sleep 30 \
		</dev/null >/dev/null 2>&1 3>&-
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	[[ $(wc -c <"$BATS_TEST_TMPDIR/exec.pid") -eq ${#pid} ]]
	assert_equal "$(cat "/proc/$pid/comm")" sleep
	assert_equal "$(ns_inode "$pid" pid)" "$(ns_inode "$CONTAINER_PID" pid)"
	assert_equal "$(ns_inode "$pid" mnt)" "$(ns_inode "$CONTAINER_PID" mnt)"
	kill "$pid"
}

@test "nsinit exec: a pid file that cannot be written fails and leaves no process running" {
	local mode rc
	for mode in --detach ""; do
		# Not under `run`, which would not see a process left behind holding its pipe.
		rc=0
		# shellcheck disable=SC2086 # an empty mode is no argument
		nsexec $mode --pid-file "$BATS_TEST_TMPDIR/none/exec.pid" web sleep 31 \
			</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- || rc=$?
		assert_equal "$rc" 255
		assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/err")" 1
		run -0 cat "$BATS_TEST_TMPDIR/err"
		assert_output --regexp "^nsinit: exec failed: container 'web': .*No such file or directory$"
		run -0 "$NSINIT" --root "$NSINIT_TEST_ROOT" ps --format json web
		assert_output "[$CONTAINER_PID]"
	done
}

@test "nsinit exec: -t sends the pty master to --console-socket" {
	command -v python3 >/dev/null || skip "needs python3 for the console socket"
	local sock=$BATS_TEST_TMPDIR/console.sock
	python3 "$CT_ROOT/tests/helpers/recvtty.py" "$sock" >"$BATS_TEST_TMPDIR/tty.out" 3>&- &
	RECV_PID=$!
	local i
	for i in $(seq 50); do
		[[ -S $sock ]] && break
		sleep 0.1
	done
	run -0 nsexec -t --console-socket "$sock" web sh -c 'tty; echo over-the-pty'
	wait "$RECV_PID"
	RECV_PID=
	run cat "$BATS_TEST_TMPDIR/tty.out"
	assert_line --regexp '^/dev/pts/[0-9]+'
	assert_line --partial over-the-pty
	assert_equal "$(cat "$sock.payload")" /dev/ptmx
}

@test "nsinit exec: --user, --additional-gids, --env, --cwd, --cap and --no-new-privs apply" {
	container_cleanup
	container_start web --new-privileges
	run -0 nsexec --user 1000:1001 --additional-gids 7,8 --env A=b --cwd /tmp web \
		sh -c 'id -u; id -g; id -G; echo "$A"; pwd'
	assert_equal "${lines[0]}" 1000
	assert_equal "${lines[1]}" 1001
	assert_equal "${lines[2]}" "1001 7 8"
	assert_equal "${lines[3]}" b
	assert_equal "${lines[4]}" /tmp
	run -0 nsexec web grep NoNewPrivs /proc/self/status
	assert_output --regexp '0$'
	run -0 nsexec --no-new-privs web grep NoNewPrivs /proc/self/status
	assert_output --regexp '1$'
	run -0 nsexec --cap CAP_SYS_ADMIN web grep CapEff /proc/self/status
	(( 0x${output##*[[:space:]]} & 0x200000 ))
}

@test "nsinit exec: an unknown --cap name is a warning naming it, and the known ones apply" {
	run -0 --separate-stderr nsexec --cap CAP_NO_SUCH --cap CAP_SYS_ADMIN web grep CapEff /proc/self/status
	(( 0x${output##*[[:space:]]} & 0x200000 ))
	[[ $stderr =~ ^[0-9T:.-]+Z\ nsinit:\ warning:\ unknown\ capability\ \'CAP_NO_SUCH\',\ ignoring$ ]] || fail "$stderr"
	run -0 --separate-stderr "$NSINIT" --root "$NSINIT_TEST_ROOT" --log "$BATS_TEST_TMPDIR/log" \
		--log-format json exec --cap bogus web true
	assert_equal "$stderr" ""
	run -0 jq -r 'select(.level == "warning") | .msg' "$BATS_TEST_TMPDIR/log"
	assert_output "unknown capability 'bogus', ignoring"
}

@test "nsinit exec: an unknown capability in --process is a warning naming it, as with --cap" {
	jq -n '{args: ["true"], cwd: "/", capabilities: {bounding: ["CAP_NO_SUCH"]}}' \
		>"$BATS_TEST_TMPDIR/process.json"
	run -0 --separate-stderr "$NSINIT" --root "$NSINIT_TEST_ROOT" exec \
		--process "$BATS_TEST_TMPDIR/process.json" web
	[[ $stderr =~ ^[0-9T:.-]+Z\ nsinit:\ warning:\ unknown\ capability\ \'CAP_NO_SUCH\',\ ignoring$ ]] || fail "$stderr"
}

@test "nsinit exec: runc's short flags -e, -u, -g, -c, -t, -d and -p" {
	run -0 nsexec -u 1000:1001 -g 7 -g 8 -e A=c web sh -c 'id -u; id -G; echo "$A"'
	assert_equal "${lines[0]}" 1000
	assert_equal "${lines[1]}" "1001 7 8"
	assert_equal "${lines[2]}" c
	run -0 nsexec -c CAP_SYS_ADMIN web grep CapEff /proc/self/status
	(( 0x${output##*[[:space:]]} & 0x200000 ))
	echo '{"args": ["sh", "-c", "echo from-file"], "cwd": "/"}' >"$BATS_TEST_TMPDIR/p.json"
	run -0 nsexec -p "$BATS_TEST_TMPDIR/p.json" web
	assert_output from-file
	run -255 --separate-stderr nsexec -t -d web true
	assert_equal "$stderr" "nsinit: exec failed: container 'web': a terminal for a detached process needs --console-socket"
}

@test "nsinit exec: --process FILE gives the whole process" {
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'JSON'
		{"args": ["sh", "-c", "echo $MSG; pwd"], "cwd": "/etc",
		 "env": ["PATH=/bin", "MSG=from-file"], "noNewPrivileges": true}
	JSON
	run -0 nsexec --process "$BATS_TEST_TMPDIR/process.json" web
	assert_equal "${lines[0]}" from-file
	assert_equal "${lines[1]}" /etc
	echo '{"cwd": "/"}' >"$BATS_TEST_TMPDIR/bad.json"
	run -255 --separate-stderr nsexec -p "$BATS_TEST_TMPDIR/bad.json" web
	assert_equal "${#stderr_lines[@]}" 1
}

@test "nsinit exec: a --process uid or gid of 4294967295 is refused, not run as root" {
	for user in '{"uid": 4294967295, "gid": 0}' '{"uid": 1000, "gid": 4294967295}'; do
		printf '{"args": ["id", "-u"], "cwd": "/", "user": %s}\n' "$user" \
			>"$BATS_TEST_TMPDIR/process.json"
		run -255 --separate-stderr nsexec --process "$BATS_TEST_TMPDIR/process.json" web
		assert_output ""
		assert_equal "$stderr" "nsinit: exec failed: container 'web': set user: uid and gid 4294967295 are not valid ids: Invalid argument"
	done
}

@test "nsinit exec: --preserve-fds passes descriptors 3.. on and closes the rest" {
	echo preserved >"$BATS_TEST_TMPDIR/data"
	run -0 nsexec --preserve-fds 1 web cat /proc/self/fd/3 \
		3<"$BATS_TEST_TMPDIR/data" 4<"$BATS_TEST_TMPDIR/data"
	assert_output preserved
	run -1 nsexec --preserve-fds 1 web readlink /proc/self/fd/4 \
		3<"$BATS_TEST_TMPDIR/data" 4<"$BATS_TEST_TMPDIR/data"
	run -0 nsexec --preserve-fds 2 web readlink /proc/self/fd/4 \
		3<"$BATS_TEST_TMPDIR/data" 4<"$BATS_TEST_TMPDIR/data"
	assert_output "$BATS_TEST_TMPDIR/data"
}

@test "nsinit exec: a stopped container is refused" {
	"$NSINIT" --root "$NSINIT_TEST_ROOT" kill web KILL
	local i
	for i in $(seq 50); do
		[[ -d /proc/$CONTAINER_PID ]] || break
		sleep 0.1
	done
	run -255 --separate-stderr nsexec web true
	assert_equal "$stderr" "nsinit: exec failed: container 'web': cannot exec in a stopped container"
}

@test "nsinit exec: a paused container is refused unless --ignore-paused" {
	"$NSINIT" --root "$NSINIT_TEST_ROOT" pause web || skip "nsinit pause is not available"
	run -255 --separate-stderr nsexec web true
	assert_equal "$stderr" \
		"nsinit: exec failed: container 'web': cannot exec in a paused container (resume it, or --ignore-paused)"
	# Let through, the process joins the frozen cgroup and runs once the container resumes.
	nsexec --ignore-paused web sh -c 'exit 6' </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local pid=$!
	sleep 0.5
	[[ -d /proc/$pid ]]
	"$NSINIT" --root "$NSINIT_TEST_ROOT" resume web
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc $(cat "$BATS_TEST_TMPDIR/err")" "6 "
}

@test "nsinit exec: usage mistakes exit 2" {
	run -2 --separate-stderr nsexec
	assert_equal "$stderr" "nsinit: exec: a container id is needed; see 'nsinit exec --help'"
	run -2 --separate-stderr nsexec --bogus web true
	assert_equal "$stderr" "nsinit: exec: unknown option '--bogus'; see 'nsinit exec --help'"
	run -255 --separate-stderr nsexec web
	assert_equal "$stderr" "nsinit: exec failed: container 'web': exec args cannot be empty"
	# runc flags nsinit exec does not take (a LIMITATION): refused, never ignored.
	local flag
	for flag in --apparmor --process-label --cgroup; do
		run -2 --separate-stderr nsexec "$flag" x web true
		assert_equal "$stderr" "nsinit: exec: unknown option '$flag'; see 'nsinit exec --help'"
	done
}

@test "nsinit exec: the container's own seccomp rules hold, compiled or from the cache" {
	container_cleanup
	cat >"$BATS_TEST_TMPDIR/seccomp.json" <<-'JSON'
		{"defaultAction": "SCMP_ACT_ALLOW",
		 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28}]}
	JSON
	container_start web --seccomp "$BATS_TEST_TMPDIR/seccomp.json"
	local cache=$NSINIT_TEST_ROOT/.@seccomp-cache
	rm -rf "$cache"
	run -1 nsexec web mkdir /dev/shm/x
	assert_output --partial "No space left on device"
	# The first exec compiled the filter and left it in the cache; the next one loads that.
	[[ $(find "$cache" -name '*.bpf' | wc -l) -eq 1 ]]
	run -1 nsexec web mkdir /dev/shm/x
	assert_output --partial "No space left on device"
	run -0 nsexec web grep -E '^Seccomp:' /proc/self/status
	assert_output --regexp '2$'
	# `nsinit list` does not take the cache for a container.
	run -0 "$NSINIT" --root "$NSINIT_TEST_ROOT" list --quiet
	assert_output web
}

@test "nsinit exec: --log --log-format json records the failure for the engine" {
	run -255 "$NSINIT" --root "$NSINIT_TEST_ROOT" --log "$BATS_TEST_TMPDIR/log.json" \
		--log-format json exec web no-such-program
	run -0 jq -r 'select(.level == "error") | .msg' "$BATS_TEST_TMPDIR/log.json"
	assert_output --partial "exec failed: container 'web': exec 'no-such-program': executable file not found"
}

@test "nsinit exec: --preserve-fds beyond the descriptor limit is one error naming the option" {
	run -255 --separate-stderr bash -c 'ulimit -n 64; "$0" --root "$1" exec --preserve-fds 100 web true' \
		"$NSINIT" "$NSINIT_TEST_ROOT"
	assert_equal "$stderr" "nsinit: exec failed: --preserve-fds 100: open '/dev/null': Too many open files"
	run -0 "$NSINIT" --root "$NSINIT_TEST_ROOT" ps --format json web
	assert_output "[$CONTAINER_PID]"
}

@test "nsinit exec: --preserve-fds never hands over a descriptor of its own" {
	# Nothing given at 3 and 4: the log file and the rest must not land there.
	run -0 "$NSINIT" --root "$NSINIT_TEST_ROOT" --log "$BATS_TEST_TMPDIR/log" exec \
		--preserve-fds 2 web sh -c 'readlink /proc/$$/fd/3; readlink /proc/$$/fd/4' 3<&- 4<&-
	assert_equal "$output" "$(printf '%s\n' /dev/null /dev/null)"
}
