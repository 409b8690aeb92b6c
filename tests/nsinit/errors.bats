#!/usr/bin/env bats
# nsinit: bad input of every kind gets one clear line and a non-zero exit; --log gets it too.
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires root rootfs jq
	C1=$(ct_id 1)
}

teardown() {
	ct_cleanup
}

no_state_left() {
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: a config that is not JSON is refused with its path" {
	ct_bundle -- true
	echo '{"ociVersion": ' >"$BUNDLE/config.json"
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	[[ ${#lines[@]} -eq 1 ]]
	assert_output --regexp "^nsinit: $C1: run: .*$BUNDLE/config.json.*"
	no_state_left
}

@test "nsinit: a config of the wrong shape is refused with the JSON pointer" {
	ct_bundle -- true
	ct_edit '.process.args = "sh"'
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	[[ ${#lines[@]} -eq 1 ]]
	assert_output --partial "/process/args"
	no_state_left
}

@test "nsinit: a config.json that is a fifo, a device or endless stdin fails at once" {
	ct_bundle -- true
	rm "$BUNDLE/config.json"
	mkfifo "$BUNDLE/config.json"
	run -1 timeout 20 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" "$C1"
	assert_output --partial "document is empty"
	rm "$BUNDLE/config.json"
	ln -s /dev/zero "$BUNDLE/config.json"
	run -1 timeout 20 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: run: load config: read '$BUNDLE/config.json': not a regular file: Invalid argument"
	run -1 timeout 20 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" \
		--config - "$C1" </dev/zero
	assert_output "nsinit: $C1: run: load config: read '<stdin>': larger than 256 MiB: File too large"
	no_state_left
}

@test "nsinit: --config - with stdin closed reads nothing and fails at once" {
	ct_bundle -- true
	# Closed, fd 0 would be the first descriptor nsinit opens. Not under `run`, whose pipe
	# would take the free fd 0 itself.
	local rc=0
	timeout 20 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" \
		--config - "$C1" 0<&- >"$BATS_TEST_TMPDIR/out" 2>&1 || rc=$?
	assert_equal "$rc" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "nsinit: $C1: run: -: error: /: document is empty (expected a JSON object, found an empty document); hint: write at least {}"
	no_state_left
}

@test "nsinit: run still reading its config from stdin stops at TERM" {
	ct_bundle -- true
	# A fifo we hold open for writing: the read waits for good, as a forgotten --config - would.
	mkfifo "$BATS_TEST_TMPDIR/in"
	exec 8<>"$BATS_TEST_TMPDIR/in"
	"$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" --config - "$C1" \
		<&8 >/dev/null 2>&1 8<&- &
	local pid=$!
	sleep 0.5
	signal_and_reap "$pid" "nsinit ignored TERM while reading its config" TERM
	exec 8<&-
	no_state_left
}

@test "nsinit: --config from a process substitution pipe is read" {
	ct_bundle -- true
	run -0 nsinit run --bundle "$BUNDLE" --config <("$SPECGEN" generate -- echo from-pipe) \
		"$C1" </dev/null
	assert_output "from-pipe"
}

@test "nsinit: a missing bundle is refused" {
	run -1 nsinit run --bundle "$BATS_TEST_TMPDIR/nosuch" "$C1"
	assert_output "nsinit: $C1: run: load config: open '$BATS_TEST_TMPDIR/nosuch/config.json': No such file or directory"
	no_state_left
}

@test "nsinit: a missing rootfs is refused" {
	ct_bundle -- true
	rm -rf "$BUNDLE/rootfs"
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: run: rootfs '$BUNDLE/rootfs': No such file or directory"
	no_state_left
}

@test "nsinit: an executable missing from the container fails create" {
	ct_bundle -- no-such-program
	run -1 nsinit create --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: create: exec 'no-such-program': executable file not found in \$PATH: No such file or directory"
	no_state_left
}

@test "nsinit: a program that is not executable, or a directory, fails create" {
	ct_bundle -- /etc/passwd
	run -1 nsinit create --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: create: exec '/etc/passwd': Permission denied"
	no_state_left
	ct_bundle -- /etc
	run -1 nsinit create --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: create: exec '/etc': Permission denied"
	no_state_left
}

@test "nsinit: an unknown command is a usage error" {
	run -2 "$NSINIT" frobnicate
	assert_output "nsinit: unknown command 'frobnicate'; see 'nsinit --help'"
}

@test "nsinit: an unknown option is a usage error" {
	run -2 nsinit create --no-such-flag "$C1"
	assert_output --partial "unrecognized option"
}

@test "nsinit: a command without its id is a usage error" {
	run -2 nsinit start
	assert_output "nsinit: usage: nsinit start ID"
}

@test "nsinit: an unknown signal is refused with one line" {
	ct_bundle -- sleep 100
	ct_create "$C1"
	run -1 nsinit kill "$C1" BOGUS
	assert_output "nsinit: $C1: kill: unknown signal 'BOGUS'"
	run -1 nsinit kill "$C1" 99
	assert_output "nsinit: $C1: kill: unknown signal '99'"
	[[ $(ct_status "$C1") == created ]]
}

@test "nsinit: a namespace path that is a fifo or a device is refused at once, unopened" {
	ct_bundle -- true
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	ct_edit --arg p "$BATS_TEST_TMPDIR/fifo" \
		'.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
	run -1 timeout 20 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: run: start container init: join namespaces: '$BATS_TEST_TMPDIR/fifo' is not a namespace file"
	ct_edit '.linux.namespaces |= map(if .type == "network" then .path = "/dev/tty" else . end)'
	run -1 timeout 20 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: run: start container init: join namespaces: '/dev/tty' is not a namespace file"
	no_state_left
}

@test "nsinit: a symlink in the state root is no container: delete --force leaves its target alone" {
	mkdir -p "$BATS_TEST_TMPDIR/state" "$BATS_TEST_TMPDIR/victim"
	echo '{}' >"$BATS_TEST_TMPDIR/victim/config.json"
	ln -s "$BATS_TEST_TMPDIR/victim" "$BATS_TEST_TMPDIR/state/$C1"
	run -1 nsinit delete --force "$C1"
	assert_output "nsinit: $C1: delete: '$BATS_TEST_TMPDIR/state/$C1' is not a state directory"
	run -1 nsinit state "$C1"
	assert_output "nsinit: $C1: state: '$BATS_TEST_TMPDIR/state/$C1' is not a state directory"
	run -0 ls -A "$BATS_TEST_TMPDIR/victim"
	assert_output config.json
	rm "$BATS_TEST_TMPDIR/state/$C1"
}

@test "nsinit: an answer that cannot be written is an error, not an empty success" {
	ct_bundle -- sleep 100
	ct_create "$C1"
	local rc=0
	"$NSINIT" --root "$BATS_TEST_TMPDIR/state" state "$C1" >/dev/full 2>"$BATS_TEST_TMPDIR/err" || rc=$?
	assert_equal "$rc" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "nsinit: $C1: state: write '<stdout>': No space left on device"
	rc=0
	"$NSINIT" --root "$BATS_TEST_TMPDIR/state" list >&- 2>"$BATS_TEST_TMPDIR/err" || rc=$?
	assert_equal "$rc" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "nsinit: list: write '<stdout>': Bad file descriptor"
	rc=0
	"$NSINIT" features >/dev/full 2>"$BATS_TEST_TMPDIR/err" || rc=$?
	assert_equal "$rc" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "nsinit: features: write '<stdout>': No space left on device"
	rc=0
	"$NSINIT" --version >/dev/full 2>"$BATS_TEST_TMPDIR/err" || rc=$?
	assert_equal "$rc" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "nsinit: write '<stdout>': No space left on device"
}

@test "nsinit: a newline in a path from the config leaves the error on one line" {
	ct_bundle -- true
	ct_edit '.mounts += [{destination: "/x\ny", type: "bind", source: "/no\nsuch"}]'
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	[[ ${#lines[@]} -eq 1 ]]
	assert_output "nsinit: $C1: run: prepare rootfs: mount 'bind' on '/x\\ny': open bind source '/no\\nsuch': No such file or directory"
	no_state_left
}

@test "nsinit: a state.json that is a fifo hangs no command" {
	mkdir -p "$BATS_TEST_TMPDIR/state/$C1"
	mkfifo "$BATS_TEST_TMPDIR/state/$C1/state.json"
	local cmd
	for cmd in state "kill" "delete --force"; do
		# shellcheck disable=SC2086
		run -1 timeout 20 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" $cmd "$C1"
		assert_output --regexp "^nsinit: $C1: [a-z]+: state.json is not a regular file$"
	done
	run -0 timeout 20 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" list -q
	rm -r "$BATS_TEST_TMPDIR/state/$C1"
}

@test "nsinit: exec and nsenter-lite --container follow no symlinked or FIFO state file" {
	ct_bundle -- sleep 100
	ct_create "$C1"
	local dir=$BATS_TEST_TMPDIR/state/$C1
	mv "$dir/state.json" "$BATS_TEST_TMPDIR/state.json"
	ln -s "$BATS_TEST_TMPDIR/state.json" "$dir/state.json"
	run -255 timeout 20 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" exec "$C1" true
	assert_output "nsinit: exec failed: container '$C1': state.json is not a regular file"
	run -1 timeout 20 "$NSENTER_LITE" --root "$BATS_TEST_TMPDIR/state" --container "$C1" true
	assert_output "nsenter-lite: container '$C1': state.json is not a regular file"
	rm "$dir/state.json"
	mv "$BATS_TEST_TMPDIR/state.json" "$dir/state.json"
	mv "$dir/config.json" "$BATS_TEST_TMPDIR/config.json"
	mkfifo "$dir/config.json"
	# A writer holds the FIFO open: a blocking read would wait for good.
	exec 8<>"$dir/config.json"
	run -255 timeout 20 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" exec "$C1" true
	exec 8<&-
	assert_output "nsinit: exec failed: container '$C1': config.json is not a regular file"
	rm "$dir/config.json"
	mv "$BATS_TEST_TMPDIR/config.json" "$dir/config.json"
}

@test "nsinit: delete --force says why it cannot remove what is left, every time" {
	mkdir -p "$BATS_TEST_TMPDIR/state/$C1/config.json/sub"
	run -1 nsinit delete --force "$C1"
	assert_output "nsinit: $C1: delete: remove '$BATS_TEST_TMPDIR/state/$C1/config.json': Directory not empty"
	run -1 nsinit delete --force "$C1"
	rmdir "$BATS_TEST_TMPDIR/state/$C1/config.json/sub"
	run -0 nsinit delete --force "$C1"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: a bundle path that is no valid UTF-8 is refused, not recorded empty" {
	local bundle=$BATS_TEST_TMPDIR/$'b\xff'
	ct_bundle -- true
	mkdir "$bundle"
	cp "$BUNDLE/config.json" "$bundle/"
	ln -s "$(readlink -f "$BUNDLE/rootfs")" "$bundle/rootfs"
	run -1 nsinit create --bundle "$bundle" "$C1"
	assert_output "nsinit: $C1: create: bundle '$BATS_TEST_TMPDIR/b\\xff' or its rootfs is no valid UTF-8 path"
	no_state_left
}

@test "nsinit: a name in no valid UTF-8 still makes one valid JSON error line" {
	run -1 nsinit --log "$BATS_TEST_TMPDIR/log.json" --log-format json \
		run --bundle $'/no/such\xff' "$C1"
	run -0 jq -r 'select(.level == "error") | .msg' "$BATS_TEST_TMPDIR/log.json"
	assert_output "$C1: run: load config: open '/no/such\\xff/config.json': No such file or directory"
}

@test "nsinit: a usage mistake naming a newline stays one line" {
	run -2 nsinit $'fo\no'
	assert_output "nsinit: unknown command 'fo\\no'; see 'nsinit --help'"
}

@test "nsinit: state of a container that does not exist fails" {
	run -1 nsinit state nosuch
	assert_output "nsinit: nosuch: state: container does not exist: No such file or directory"
}

@test "nsinit: --log with json format ends with the error as an error line" {
	ct_bundle -- true
	echo 'not json' >"$BUNDLE/config.json"
	run -1 nsinit --log-format=json --log "$BATS_TEST_TMPDIR/log.json" run --bundle "$BUNDLE" "$C1"
	last=$(tail -n1 "$BATS_TEST_TMPDIR/log.json")
	[[ $(jq -r .level <<<"$last") == error ]]
	[[ "nsinit: $(jq -r .msg <<<"$last")" == "$output" ]]
	jq -e '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")' <<<"$last"
}

@test "nsinit: --log=FILE in text format ends with the error" {
	run -1 nsinit --log="$BATS_TEST_TMPDIR/log.txt" start nosuch
	run tail -n1 "$BATS_TEST_TMPDIR/log.txt"
	assert_output --regexp '^[0-9T:.-]+Z nsinit: error: nosuch: start: container does not exist: No such file or directory$'
}

@test "nsinit: a usage mistake is the last error line of the --log file too" {
	log=$BATS_TEST_TMPDIR/log.json
	run -2 nsinit --log "$log" --log-format json run one two
	assert_output "nsinit: usage: nsinit run [create's options] [--detach] [--keep] ID"
	[[ "nsinit: $(tail -n1 "$log" | jq -r 'select(.level == "error") | .msg')" == "$output" ]]
	run -2 nsinit --log "$log" --log-format json create --no-such-flag "$C1"
	assert_output "nsinit: unrecognized option '--no-such-flag'"
	[[ "nsinit: $(tail -n1 "$log" | jq -r 'select(.level == "error") | .msg')" == "$output" ]]
	run -2 nsinit --log "$log" --log-format json create --bundle
	assert_output "nsinit: option '--bundle' requires an argument"
	[[ "nsinit: $(tail -n1 "$log" | jq -r 'select(.level == "error") | .msg')" == "$output" ]]
	run -2 nsinit --log "$log" --log-format json exec --bogus "$C1" true
	[[ "nsinit: $(tail -n1 "$log" | jq -r 'select(.level == "error") | .msg')" == "$output" ]]
	[[ $(wc -l <"$log") -eq 4 ]]
}

@test "nsinit: an unknown --log-format is a usage error" {
	run -2 nsinit --log-format xml list
	assert_output "nsinit: invalid --log-format 'xml': want text or json"
}

@test "nsinit: --systemd-cgroup is accepted and refused clearly" {
	run -1 nsinit --systemd-cgroup list
	assert_output --partial "systemd cgroup driver not supported"
}

@test "nsinit: a terminal without --console-socket on create is refused" {
	ct_bundle --terminal -- true
	run -1 nsinit create --bundle "$BUNDLE" "$C1"
	assert_output "nsinit: $C1: create: cannot allocate tty if nsinit will detach without setting console socket"
	no_state_left
}

@test "nsinit: a console socket without a terminal is refused" {
	ct_bundle -- true
	run -1 nsinit create --console-socket "$BATS_TEST_TMPDIR/sock" --bundle "$BUNDLE" "$C1"
	assert_output --partial "cannot use console socket if nsinit will not detach or allocate tty"
}

@test "nsinit: --version and --help answer on stdout" {
	run -0 "$NSINIT" --version
	assert_line --index 0 --regexp '^nsinit version [0-9.]+$'
	run -0 "$NSINIT" --help
	assert_output --partial "create [--bundle DIR]"
}

@test "nsinit: works with a bare environment, as podman calls kill and delete" {
	ct_bundle -- sleep 100
	ct_create "$C1"
	run -0 env -i XDG_RUNTIME_DIR= "$NSINIT" --root "$BATS_TEST_TMPDIR/state" kill "$C1" 9
	ct_wait_status "$C1" stopped
	run -0 env -i XDG_RUNTIME_DIR= "$NSINIT" --root "$BATS_TEST_TMPDIR/state" delete --force "$C1"
	no_state_left
}

@test "nsinit: a bare environment finds nothing through nsinit's PATH" {
	ct_bundle -- sh -c 'echo ok'
	ct_edit '.process.env = []'
	run -1 env -i "$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" "$C1"
	assert_output --partial "exec 'sh': executable file not found in \$PATH"
	ct_edit '.process.args[0] = "/bin/sh"'
	run -0 env -i "$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" "$C1"
	assert_output ok
}

@test "nsinit: the cgroup-only commands fail with one line while a container is missing" {
	for cmd in pause resume; do
		run -1 nsinit "$cmd" nosuch
		[[ ${#lines[@]} -eq 1 ]]
		assert_output --regexp "^nsinit: nosuch: "
	done
}
