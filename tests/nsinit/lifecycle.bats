#!/usr/bin/env bats
# nsinit: the runtime-spec lifecycle: create, start, state, kill, delete, run, list, ps.
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires root rootfs jq
	C1=$(ct_id 1)
	C2=$(ct_id 2)
}

teardown() {
	ct_cleanup
}

@test "nsinit: create leaves the container created, with its pid in the pid file" {
	ct_bundle -- sleep 100
	ct_create "$C1" --pid-file "$BATS_TEST_TMPDIR/pid"
	[[ $(ct_status "$C1") == created ]]
	pid=$(<"$BATS_TEST_TMPDIR/pid")
	[[ $pid =~ ^[0-9]+$ ]]
	# decimal without a newline, as runc writes it
	[[ $(wc -c <"$BATS_TEST_TMPDIR/pid") -eq ${#pid} ]]
	[[ $(nsinit state "$C1" | jq .pid) == "$pid" ]]
	[[ -p $BATS_TEST_TMPDIR/state/$C1/exec.fifo ]]
}

@test "nsinit: a pid file that cannot be written fails create with its path and leaves nothing" {
	ct_bundle -- sleep 100
	run -1 nsinit create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/none/pid" "$C1"
	assert_output "nsinit: $C1: create: write pid file '$BATS_TEST_TMPDIR/none/pid': open '$BATS_TEST_TMPDIR/none': No such file or directory"
	run -1 nsinit create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/" "$C1"
	assert_output "nsinit: $C1: create: write pid file '$BATS_TEST_TMPDIR/': Is a directory"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: start runs the process and state reports running, then stopped after kill" {
	ct_bundle -- sleep 100
	ct_create "$C1"
	run -0 nsinit start "$C1"
	[[ $(ct_status "$C1") == running ]]
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1/exec.fifo ]]
	run -0 nsinit kill "$C1" KILL
	ct_wait_status "$C1" stopped
	run -0 nsinit delete "$C1"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: state prints the OCI state fields" {
	ct_bundle --annotation org.example.k=v -- sleep 100
	ct_create "$C1"
	run -0 nsinit state "$C1"
	[[ $(jq -r .ociVersion <<<"$output") == 1.* ]]
	[[ $(jq -r .id <<<"$output") == "$C1" ]]
	[[ $(jq -r .bundle <<<"$output") == "$BUNDLE" ]]
	[[ $(jq -r '.annotations["org.example.k"]' <<<"$output") == v ]]
}

@test "nsinit: the state directory is private and written whole" {
	ct_bundle -- sleep 100
	ct_create "$C1"
	[[ $(stat -c %a "$BATS_TEST_TMPDIR/state/$C1") == 700 ]]
	jq -e '.init_process_start > 0 and .namespace_paths.pid != null' \
		"$BATS_TEST_TMPDIR/state/$C1/state.json"
}

@test "nsinit: kill takes TERM, SIGTERM and 15 alike, and TERM by default" {
	ct_bundle -- sleep 100
	for sig in TERM SIGTERM 15 ""; do
		id=$(ct_id "x${sig:-none}")
		ct_create "$id"
		nsinit start "$id"
		# pid 1 ignores TERM without a handler, so sh traps it to show it arrived
		run -0 nsinit kill "$id" ${sig:+"$sig"}
		run -0 nsinit kill "$id" KILL
		ct_wait_status "$id" stopped
		nsinit delete "$id"
	done
}

@test "nsinit: a signal reaches the container's process" {
	ct_bundle -- sh -c 'trap "echo got-usr1 >/tmp/sig; exit 0" USR1; while :; do sleep 0.05; done'
	ct_edit '.root.readonly = false'
	ct_create "$C1"
	nsinit start "$C1"
	sleep 0.3
	run -0 nsinit kill "$C1" USR1
	ct_wait_status "$C1" stopped
	[[ $(<"$BUNDLE/rootfs/tmp/sig") == got-usr1 ]]
}

@test "nsinit: run exits with the container's exit status" {
	ct_bundle -- sh -c 'exit 7'
	run -7 nsinit run --bundle "$BUNDLE" "$C1"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: run exits 128+N when the process dies of signal N" {
	ct_bundle -- sleep 100
	(exec "$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" "$C1" </dev/null) &
	pid=$!
	ct_wait_status "$C1" running
	nsinit kill "$C1" KILL
	rc=0
	wait "$pid" || rc=$?
	[[ $rc -eq 137 ]]
}

@test "nsinit: run forwards a signal to the container in the foreground" {
	ct_bundle -- sh -c 'trap "exit 42" TERM; while :; do sleep 0.05; done'
	(exec "$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" "$C1" </dev/null) &
	pid=$!
	ct_wait_status "$C1" running
	sleep 0.3
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[[ $rc -eq 42 ]]
}

@test "nsinit: run prints the process's output and passes stdin" {
	ct_bundle -- sh -c 'read line; echo "got $line"'
	run -0 nsinit run --bundle "$BUNDLE" "$C1" <<<"hello"
	assert_output "got hello"
}

@test "nsinit: run --detach returns at once and leaves the container running" {
	ct_bundle -- sleep 100
	ct_run_detached "$C1"
	[[ $(ct_status "$C1") == running ]]
	# run has its init go on to execve at once: no exec.fifo is made
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1/exec.fifo ]]
	[[ $(readlink "/proc/$(jq .pid "$BATS_TEST_TMPDIR/state/$C1/state.json")/exe") == */busybox ]]
}

@test "nsinit: a run killed once its init is ready leaves a container that state calls running" {
	ct_bundle -- sleep 100
	# the init is ready, then waits in this hook: run is killed meanwhile
	ct_edit '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "sleep 1"]}]'
	"$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" "$C1" </dev/null >/dev/null 2>&1 3>&- &
	local pid=$! _
	for _ in $(seq 50); do
		[[ $(jq -r .status "$BATS_TEST_TMPDIR/state/$C1/state.json" 2>/dev/null) == running ]] && break
		sleep 0.1
	done
	kill -9 "$pid"
	wait "$pid" || true
	ct_wait_status "$C1" running
	run -1 nsinit delete "$C1"
	run -0 nsinit delete --force "$C1"
}

@test "nsinit: run --keep leaves a stopped container to delete" {
	ct_bundle -- true
	run -0 nsinit run --keep --bundle "$BUNDLE" "$C1"
	[[ $(ct_status "$C1") == stopped ]]
	run -0 nsinit delete "$C1"
}

@test "nsinit: run --pid-file writes the init's pid" {
	ct_bundle -- sh -c 'echo $$'
	run -0 nsinit run --pid-file "$BATS_TEST_TMPDIR/pid" --bundle "$BUNDLE" "$C1"
	assert_output 1
	[[ $(<"$BATS_TEST_TMPDIR/pid") =~ ^[0-9]+$ ]]
}

@test "nsinit: a duplicate id is refused and the first container is untouched" {
	ct_bundle -- sleep 100
	ct_create "$C1"
	run -1 nsinit create --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: create: container with id exists: File exists"
	[[ $(ct_status "$C1") == created ]]
}

@test "nsinit: unsafe ids are refused before any path is built" {
	ct_bundle -- true
	for id in "../evil" "a/b" "." ".." "" "a b" $'a\nb' "$(printf 'x%.0s' $(seq 1025))"; do
		run -1 nsinit create --bundle "$BUNDLE" "$id"
		[[ ${lines[0]} == *"invalid container id"* || ${lines[0]} == *"cannot be empty"* ]]
	done
	[[ ! -e $BATS_TEST_TMPDIR/evil ]]
	[[ ! -e $BATS_TEST_TMPDIR/state || -z $(ls -A "$BATS_TEST_TMPDIR/state") ]]
}

@test "nsinit: an id too long for a directory name is refused with one line, 255 runs" {
	ct_bundle -- true
	run -1 nsinit create --bundle "$BUNDLE" "$(printf 'x%.0s' $(seq 256))"
	assert_output "nsinit: invalid container id: longer than 255 characters"
	[[ ! -e $BATS_TEST_TMPDIR/state || -z $(ls -A "$BATS_TEST_TMPDIR/state") ]]
	run -0 nsinit run --bundle "$BUNDLE" "$(printf 'x%.0s' $(seq 255))" </dev/null
	[[ -z $(ls -A "$BATS_TEST_TMPDIR/state") ]]
}

@test "nsinit: state, list and ps answer creating while create still runs its hooks" {
	ct_bundle -- true
	go=$BATS_TEST_TMPDIR/go
	ct_edit --arg go "$go" '.hooks.createRuntime = [{"path": "/bin/sh", "timeout": 20,
		"args": ["sh", "-c", "while [ ! -e \($go) ]; do sleep 0.1; done"]}]'
	nsinit run --bundle "$BUNDLE" "$C1" </dev/null >/dev/null 2>&1 &
	run_pid=$!
	for _ in $(seq 50); do
		[[ -e $BATS_TEST_TMPDIR/state/$C1/state.json ]] && break
		sleep 0.1
	done
	# bounded: a reader that waits for create's lock would hang here
	run -0 timeout 5 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" state "$C1"
	[[ $(jq -r .status <<<"$output") == creating ]]
	run -0 timeout 5 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" list --format json
	[[ $(jq -r --arg id "$C1" '.[] | select(.id == $id) | .status' <<<"$output") == creating ]]
	run -0 timeout 5 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" ps --format json "$C1"
	[[ $(jq length <<<"$output") -eq 1 ]]
	touch "$go"
	wait "$run_pid"
	[[ -z $(ls -A "$BATS_TEST_TMPDIR/state") ]]
}

@test "nsinit: start of a running container fails" {
	ct_bundle -- sleep 100
	ct_create "$C1"
	nsinit start "$C1"
	run -1 nsinit start "$C1"
	assert_output "nsinit: $C1: start: cannot start an already running container"
}

@test "nsinit: start of a stopped container fails" {
	ct_bundle -- true
	nsinit run --keep --bundle "$BUNDLE" "$C1"
	run -1 nsinit start "$C1"
	assert_output "nsinit: $C1: start: cannot start a container that has stopped"
}

@test "nsinit: delete of a running container fails without --force" {
	ct_bundle -- sleep 100
	ct_run_detached "$C1"
	run -1 nsinit delete "$C1"
	assert_output "nsinit: $C1: delete: cannot delete container that is not stopped: running"
	[[ $(ct_status "$C1") == running ]]
}

@test "nsinit: delete --force kills a running container and removes it" {
	ct_bundle -- sleep 100
	ct_run_detached "$C1"
	pid=$(nsinit state "$C1" | jq .pid)
	run -0 nsinit delete --force "$C1"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
	# gone, or a zombie its reaper has not collected yet
	[[ ! -e /proc/$pid ]] || grep -q '^[0-9]* ([^)]*) Z' "/proc/$pid/stat"
}

@test "nsinit: delete --force of a container that does not exist exits 0" {
	run -0 nsinit delete --force nosuch
	assert_output ""
}

@test "nsinit: delete of a container that does not exist fails" {
	run -1 nsinit delete nosuch
	assert_output "nsinit: nosuch: delete: container does not exist: No such file or directory"
}

@test "nsinit: kill of a stopped container fails with container not running" {
	ct_bundle -- true
	nsinit run --keep --bundle "$BUNDLE" "$C1"
	run -1 nsinit kill "$C1" KILL
	assert_output "nsinit: $C1: kill: container not running"
}

@test "nsinit: kill with signal 0 only tells whether the container runs, as kill(2) does" {
	ct_bundle -- sleep 100
	ct_run_detached "$C1"
	run -0 nsinit kill "$C1" 0
	[[ $(ct_status "$C1") == running ]]
	nsinit kill "$C1" KILL
	ct_wait_status "$C1" stopped
	run -1 nsinit kill "$C1" 0
	assert_output "nsinit: $C1: kill: container not running"
	run -1 nsinit kill "$C1" " 9"
	assert_output "nsinit: $C1: kill: unknown signal ' 9'"
}

@test "nsinit: a config without process is created but not started" {
	ct_bundle
	ct_edit 'del(.process)'
	ct_create "$C1"
	[[ $(ct_status "$C1") == created ]]
	run -1 nsinit start "$C1"
	assert_output "nsinit: $C1: start: cannot start a container without process"
	run -0 nsinit delete --force "$C1"
	# run refuses it before making anything
	run -1 nsinit run --bundle "$BUNDLE" "$C2"
	assert_output "nsinit: $C2: run: cannot start a container without process"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C2 ]]
}

@test "nsinit: --config - reads the config from stdin" {
	ct_bundle
	rm "$BUNDLE/config.json"
	run -0 nsinit run --bundle "$BUNDLE" --config - "$C1" < <("$SPECGEN" generate -- echo from-stdin)
	assert_output "from-stdin"
}

@test "nsinit: the state directory keeps the config's own text, also when read from stdin" {
	ct_bundle
	"$SPECGEN" generate -- sleep 100 >"$BATS_TEST_TMPDIR/given.json"
	# a key order and spacing of the user's own, which a re-serialisation would change
	jq -S . "$BATS_TEST_TMPDIR/given.json" >"$BATS_TEST_TMPDIR/sorted.json"
	# Not under `run`: the container would hold its output pipe open.
	nsinit run -d --bundle "$BUNDLE" --config - "$C1" <"$BATS_TEST_TMPDIR/sorted.json" \
		>/dev/null 2>&1
	cmp "$BATS_TEST_TMPDIR/sorted.json" "$BATS_TEST_TMPDIR/state/$C1/config.json"
	# exec takes the process's defaults from that copy
	run -0 nsinit exec "$C1" sh -c 'echo $PATH'
	assert_output "$(jq -r '.process.env[] | select(startswith("PATH=")) | .[5:]' \
		"$BATS_TEST_TMPDIR/given.json")"
	run -0 nsinit delete --force "$C1"
}

@test "nsinit: specgen generate piped into run --config - works" {
	ct_bundle
	export C1 BUNDLE
	run -0 bash -c '"$SPECGEN" generate --hostname piped -- hostname |
		"$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" --config - "$C1"'
	assert_output "piped"
}

@test "nsinit: list shows containers as a table, as JSON and quietly" {
	ct_bundle -- sleep 100
	ct_create "$C1"
	ct_run_detached "$C2"
	run -0 nsinit list
	assert_line --index 0 --regexp '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
	assert_line --regexp "^$C1 +[0-9]+ +created "
	assert_line --regexp "^$C2 +[0-9]+ +running "
	run -0 nsinit list --format json
	[[ $(jq -r '[.[] | .id + "=" + .status] | join(",")' <<<"$output") == "$C1=created,$C2=running" ]]
	run -0 nsinit list -q
	assert_output "$C1"$'\n'"$C2"
}

@test "nsinit: list shows an id that starts with a dot, and not the root's own entries" {
	ct_bundle -- sleep 100
	ct_create ".$C1"
	mkdir -p "$BATS_TEST_TMPDIR/state/.@seccomp-cache"
	run -0 --separate-stderr nsinit list -q
	assert_output ".$C1"
	assert_equal "$stderr" ""
	run -0 nsinit list --format json
	[[ $(jq -r '.[0].id' <<<"$output") == ".$C1" ]]
}

@test "nsinit: list and ps take -f for --format, as runc spells it" {
	ct_bundle -- sleep 100
	ct_run_detached "$C1"
	init=$(nsinit state "$C1" | jq .pid)
	run -0 nsinit list -f json
	[[ $(jq -r '.[0].id' <<<"$output") == "$C1" ]]
	run -0 nsinit ps -f json "$C1"
	assert_output "[$init]"
	run -2 nsinit ps -f xml "$C1"
	assert_output "nsinit: invalid --format 'xml': want table or json"
	run -0 nsinit delete -f "$C1"
}

@test "nsinit: list of an empty root prints only the header" {
	run -0 nsinit list
	assert_output --regexp '^ID +PID +STATUS'
	run -0 nsinit list --format json
	assert_output "[]"
}

@test "nsinit: --debug logs each step of a run, one line each, in order" {
	ct_bundle -- true
	run -0 --separate-stderr nsinit --debug run --bundle "$BUNDLE" "$C1"
	local steps early
	steps=$(sed -nE "s/^[0-9T:.-]+Z nsinit: debug: $C1: //p" <<<"$stderr" | sed -E 's/init [0-9]+ cloned/init cloned/; s/ of .*loaded/ loaded/')
	# cgroup2 clones the init into its cgroup; v1 makes the cgroups while the init starts
	if [[ $(stat -f -c %T /sys/fs/cgroup) == cgroup2fs ]]; then
		early=$'cgroup made\ninit cloned'
	else
		early=$'init cloned\ncgroup made'
	fi
	assert_equal "$steps" "config loaded
$early
init ready
started
exited, status 0
deleted"
}

@test "nsinit: list warns about an unreadable state.json and lists the rest" {
	ct_bundle -- sleep 100
	ct_create "$C1"
	mkdir -m 0700 "$BATS_TEST_TMPDIR/state/broken"
	echo '{bad' >"$BATS_TEST_TMPDIR/state/broken/state.json"
	run -0 --separate-stderr nsinit list --format json
	[[ $(jq -r '[.[] | .id] | join(",")' <<<"$output") == "$C1" ]]
	[[ $stderr == *"warning: list: broken: read state.json: "*", skipping" ]] || fail "stderr: $stderr"
	[[ $(wc -l <<<"$stderr") -eq 1 ]]
	rm -r "$BATS_TEST_TMPDIR/state/broken"
}

@test "nsinit: ps lists processes in a child cgroup whose name starts with a dot" {
	ct_bundle -- sh -c 'sleep 100 & sleep 100; true'
	ct_run_detached "$C1"
	sleep 0.3
	# A container allowed to manage its cgroup may make ".inner" and move a process there.
	dir=$(jq -r '.cgroup.dirs[] | select(.controllers | test("pids")) | .path' \
		"$BATS_TEST_TMPDIR/state/$C1/state.json")
	mkdir "$dir/.inner"
	read -r moved < <(nsinit ps --format json "$C1" | jq '.[-1]')
	echo "$moved" >"$dir/.inner/cgroup.procs"
	run -0 nsinit ps --format json "$C1"
	[[ $(jq length <<<"$output") -eq 3 ]]
	jq -e --argjson p "$moved" 'index($p) != null' <<<"$output"
	run -0 nsinit delete --force "$C1"
	[[ ! -e $dir ]]
}

@test "nsinit: ps --format json lists the host pids of the container's processes" {
	ct_bundle -- sh -c 'sleep 100 & sleep 100; true'
	ct_run_detached "$C1"
	init=$(nsinit state "$C1" | jq .pid)
	sleep 0.3
	run -0 nsinit ps --format json "$C1"
	[[ $(jq length <<<"$output") -eq 3 ]]
	jq -e --argjson p "$init" 'index($p) != null' <<<"$output"
	for p in $(jq '.[]' <<<"$output"); do
		[[ $(readlink "/proc/$p/ns/pid") == "$(readlink "/proc/$init/ns/pid")" ]]
	done
	run -0 nsinit ps "$C1"
	assert_line --index 0 --regexp '^PID +CMD$'
	assert_line --regexp "^$init +sh$"
}

@test "nsinit: ps of a stopped container prints only the header, and null as json" {
	ct_bundle -- true
	ct_run_detached "$C1"
	ct_wait_status "$C1" stopped
	run -0 --separate-stderr nsinit ps "$C1"
	assert_output --regexp '^PID +CMD$'
	assert_equal "$stderr" ""
	# runc encodes its empty pid list as null
	run -0 nsinit ps --format json "$C1"
	assert_output "null"
	run -0 nsinit ps "$C1" -o pid,comm
	assert_output --regexp '^ *PID +COMMAND$'
}

@test "nsinit: ps hands the arguments after the id to ps(1) and keeps the container's rows" {
	ct_bundle -- sh -c 'sleep 100 & sleep 100; true'
	ct_run_detached "$C1"
	init=$(nsinit state "$C1" | jq .pid)
	sleep 0.3
	run -0 nsinit ps "$C1" -ef
	assert_line --index 0 --regexp '^UID +PID +PPID '
	[[ ${#lines[@]} -eq 4 ]] || fail "$output"
	assert_line --regexp "^root +$init +[0-9]+ .* sh -c "
	run -0 nsinit ps "$C1" -o pid,ppid,comm
	assert_line --index 0 --regexp '^ *PID +PPID +COMMAND$'
	assert_line --regexp "^ *$init +[0-9]+ sh$"
	[[ $(grep -c ' sleep$' <<<"$output") -eq 2 ]]
	# json ignores them, as in runc
	run -0 nsinit ps --format json "$C1" aux
	[[ $(jq length <<<"$output") -eq 3 ]]
}

@test "nsinit: ps fails with one line when ps(1) refuses its arguments or shows no PID" {
	ct_bundle -- sleep 100
	ct_run_detached "$C1"
	run -1 --separate-stderr nsinit ps "$C1" --no-such-option
	assert_output ""
	[[ $stderr =~ ^"nsinit: $C1: ps: ps(1) exited with status "[0-9]+": "[^$'\n']+$ ]] || fail "$stderr"
	run -1 --separate-stderr nsinit ps "$C1" -o comm
	assert_output ""
	assert_equal "$stderr" "nsinit: $C1: ps: no PID column in the output of ps(1)"
}

@test "nsinit: kill --all signals every process of the container" {
	ct_bundle -- sh -c 'trap "" USR1; sleep 100 & sleep 100 & wait'
	ct_run_detached "$C1"
	sleep 0.3
	run -0 nsinit ps --format json "$C1"
	pids=$(jq -r '.[]' <<<"$output")
	[[ $(wc -w <<<"$pids") -eq 3 ]]
	run -0 nsinit kill --all "$C1" KILL
	ct_wait_status "$C1" stopped
	for p in $pids; do
		[[ ! -e /proc/$p ]] || grep -q '^[0-9]* ([^)]*) Z' "/proc/$p/stat"
	done
}

@test "nsinit: kill --all succeeds when the init exits as its children die" {
	# The init's wait returns once its children are killed, so it often exits before
	# the runtime signals it: that is a container signalled, not one already stopped.
	ct_bundle -- sh -c 'sleep 100 & sleep 100 & wait'
	for i in $(seq 10); do
		ct_run_detached "$C1"
		ct_wait_status "$C1" running
		sleep 0.1
		run -0 nsinit kill --all "$C1" KILL
		ct_wait_status "$C1" stopped
		run -0 nsinit delete "$C1"
	done
}

@test "nsinit: features lists what the code supports, from its tables" {
	run -0 "$NSINIT" features
	[[ $(jq -r .ociVersionMax <<<"$output") == 1.* ]]
	[[ $(jq -c .hooks <<<"$output") == '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' ]]
	[[ $(jq -c .linux.namespaces <<<"$output") == '["pid","network","mount","ipc","uts","user","cgroup","time"]' ]]
	jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") and index("CAP_CHOWN")' <<<"$output"
	jq -e '.linux.seccomp.enabled and (.linux.seccomp.actions | index("SCMP_ACT_ERRNO"))' <<<"$output"
	jq -e '.mountOptions | index("ro") and index("nosuid")' <<<"$output"
}

@test "nsinit: spec writes a default config.json that runs, and never overwrites one" {
	mkdir -p "$BATS_TEST_TMPDIR/b"
	cp -a "$ROOTFS" "$BATS_TEST_TMPDIR/b/rootfs"
	run -0 "$NSINIT" spec --bundle "$BATS_TEST_TMPDIR/b"
	[[ $(jq -r '.root.path' "$BATS_TEST_TMPDIR/b/config.json") == rootfs ]]
	run -1 "$NSINIT" spec --bundle "$BATS_TEST_TMPDIR/b"
	assert_output --partial "config.json' exists; remove it first"
	jq '.process.args = ["echo", "from-spec"] | .process.terminal = false' \
		"$BATS_TEST_TMPDIR/b/config.json" >"$BATS_TEST_TMPDIR/c.json"
	mv "$BATS_TEST_TMPDIR/c.json" "$BATS_TEST_TMPDIR/b/config.json"
	run -0 nsinit run --bundle "$BATS_TEST_TMPDIR/b" "$C1"
	assert_output from-spec
}

@test "nsinit: spec --rootless maps the caller to root in a user namespace" {
	mkdir -p "$BATS_TEST_TMPDIR/b"
	run -0 "$NSINIT" spec --rootless --bundle "$BATS_TEST_TMPDIR/b"
	jq -e '.linux.namespaces | map(.type) | index("user")' "$BATS_TEST_TMPDIR/b/config.json"
	jq -e '.linux.uidMappings[0].containerID == 0' "$BATS_TEST_TMPDIR/b/config.json"
}

@test "nsinit: a container is created from a relative --bundle and another cwd" {
	ct_bundle -- echo relative
	cd "$BATS_TEST_TMPDIR"
	run -0 nsinit run --bundle bundle "$C1"
	assert_output relative
	cd "$BUNDLE"
	run -0 nsinit run "$C2"
	assert_output relative
}
