#!/usr/bin/env bats
# nsinit devices: the default /dev nodes and links, and linux.devices, as the container sees them.
# shellcheck disable=SC2016 # awk programs and jq filters are single-quoted on purpose
# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires root rootfs jq
	CT_ID=$(ct_id)
	BUNDLE=$(make_bundle)
	(cd "$BUNDLE" && "$NSINIT" spec) || fail "nsinit spec"
	ct_edit '.process.terminal = false'
}

teardown() {
	ct_cleanup
	local left
	left=$(awk -v top="$BATS_TEST_TMPDIR" 'index($5, top) == 1 { print $5 }' /proc/self/mountinfo)
	[[ -z $left ]] || fail "mounts left: $left"
}

# Adds one linux.devices entry and lets the device cgroup allow it.
add_device() {
	ct_edit --argjson d "$1" '.linux.devices += [$d]'
	if [[ $(jq -r .type <<<"$1") != p ]]; then
		ct_edit --argjson d "$1" '.linux.resources.devices += [{"allow": true,
			"type": (if $d.type == "b" then "b" else "c" end),
			"major": $d.major, "minor": $d.minor, "access": "rwm"}]'
	fi
}

# Runs a shell command line in the container: $output its stdout, $stderr nsinit's messages.
ct_sh() {
	ct_edit --arg c "$1" '.process.args = ["sh", "-c", $c]'
	run --separate-stderr nsinit run --bundle "$BUNDLE" "$CT_ID"
}

@test "nsinit: creates the default device nodes with their numbers and mode 0666" {
	ct_sh 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done'
	assert_success
	assert_line "/dev/null character special file 1:3 666"
	assert_line "/dev/zero character special file 1:5 666"
	assert_line "/dev/full character special file 1:7 666"
	assert_line "/dev/random character special file 1:8 666"
	assert_line "/dev/urandom character special file 1:9 666"
	assert_line "/dev/tty character special file 5:0 666"
}

@test "nsinit: links /dev/fd, stdin, stdout, stderr and ptmx to their targets" {
	ct_sh 'for l in fd stdin stdout stderr ptmx; do echo "$l $(readlink /dev/$l)"; done; [ -c /dev/pts/ptmx ] && echo pts-ok'
	assert_success
	assert_line "fd /proc/self/fd"
	assert_line "stdin /proc/self/fd/0"
	assert_line "stdout /proc/self/fd/1"
	assert_line "stderr /proc/self/fd/2"
	assert_line "ptmx pts/ptmx"
	assert_line "pts-ok"
}

@test "nsinit: creates a linux.devices character device with its fileMode, uid and gid" {
	add_device '{"type": "c", "path": "/dev/mynull", "major": 1, "minor": 3,
		"fileMode": 384, "uid": 1000, "gid": 1001}'
	ct_sh 'stat -c "%F %t:%T %a %u:%g" /dev/mynull'
	assert_success
	assert_output "character special file 1:3 600 1000:1001"
}

@test "nsinit: creates a linux.devices fifo with its fileMode" {
	add_device '{"type": "p", "path": "/dev/myfifo", "fileMode": 416}'
	ct_sh 'stat -c "%F %a" /dev/myfifo'
	assert_success
	assert_output "fifo 640"
}

@test "nsinit: creates the directories of a nested device path" {
	add_device '{"type": "u", "path": "/dev/sub/dir/myzero", "major": 1, "minor": 5}'
	ct_sh 'stat -c "%F %t:%T" /dev/sub/dir/myzero'
	assert_success
	assert_output "character special file 1:5"
}

@test "nsinit: a config device replaces the default node of the same path" {
	add_device '{"type": "c", "path": "/dev/full", "major": 1, "minor": 3, "fileMode": 420}'
	ct_sh 'stat -c "%t:%T %a" /dev/full'
	assert_success
	assert_output "1:3 644"
}

@test "nsinit: what the image has where a default node goes is replaced, but a directory is refused" {
	# Without the /dev tmpfs the nodes land in the image's own /dev.
	ct_edit '.mounts |= map(select(.destination | startswith("/dev") | not)) | .linux.maskedPaths = []'
	mkdir -p "$BUNDLE/rootfs/dev"
	echo stale >"$BUNDLE/rootfs/dev/null"
	ln -sfn /etc/passwd "$BUNDLE/rootfs/dev/zero"
	ct_sh 'stat -c "%n %F %t:%T" /dev/null /dev/zero'
	assert_success
	assert_line "/dev/null character special file 1:3"
	assert_line "/dev/zero character special file 1:5"
	[[ $(cat "$BUNDLE/rootfs/etc/passwd") != "" ]]
	rm -f "$BUNDLE/rootfs/dev/full"
	mkdir "$BUNDLE/rootfs/dev/full"
	ct_sh 'true'
	assert_failure
	assert_equal "$stderr" "nsinit: $CT_ID: run: prepare rootfs: set up devices: device path '/dev/full' is a directory: Is a directory"
}

@test "nsinit: a /dev bound from the host gets no default nodes" {
	mkdir -p "$BATS_TEST_TMPDIR/mydev"
	touch "$BATS_TEST_TMPDIR/mydev/marker"
	ct_edit --arg s "$BATS_TEST_TMPDIR/mydev" '.mounts |= map(select(.destination | startswith("/dev") | not))
		| .mounts += [{"destination": "/dev", "source": $s, "options": ["rbind"]}]
		| .linux.maskedPaths = []'
	ct_sh 'ls -A /dev'
	assert_success
	assert_output "marker"
}

@test "nsinit: a device with an unknown type is refused with one clear error" {
	ct_edit '.linux.devices = [{"type": "x", "path": "/dev/bad", "major": 1, "minor": 3}]'
	ct_sh 'true'
	assert_failure
	[[ $stderr == *"/dev/bad"* || $stderr == *"/linux/devices/0/type"* ]] ||
		fail "no clear error: $stderr"
}

@test "nsinit: in a user namespace the default nodes are the host's, bind-mounted" {
	requires userns
	ct_edit '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]'
	ct_sh 'stat -c "%t:%T" /dev/null; awk '\''$5 == "/dev/null" { print $4 }'\'' /proc/self/mountinfo'
	assert_success
	assert_line --index 0 "1:3"
	assert_line --index 1 "/null"
}

@test "nsinit: with process.terminal the pty slave is bound at /dev/console" {
	ct_edit '.process.terminal = true
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 5, "minor": 2, "access": "rwm"},
			{"allow": true, "type": "c", "major": 136, "access": "rwm"}]'
	ct_sh 'awk '\''$5 == "/dev/console" { print $4, $(NF-2) }'\'' /proc/self/mountinfo' </dev/null
	assert_success
	assert_output --regexp '^/[0-9]+ devpts'
}
