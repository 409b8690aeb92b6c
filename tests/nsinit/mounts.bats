#!/usr/bin/env bats
# nsinit mounts: each mount type and option end to end, read back from mountinfo inside.
# shellcheck disable=SC2016 # awk programs and jq filters are single-quoted on purpose
# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires root rootfs jq
	CT_ID=$(ct_id)
	BUNDLE=$(make_bundle)
	HOSTDIR=$BATS_TEST_TMPDIR/host
	mkdir -p "$HOSTDIR"
	(cd "$BUNDLE" && "$NSINIT" spec) || fail "nsinit spec"
	ct_edit '.process.terminal = false'
	MOUNTS_BEFORE=$(mounts_below "$BATS_TEST_TMPDIR")
}

teardown() {
	ct_cleanup
	# Submounts the test made itself on the host side (rbind sources).
	[[ -d ${HOSTDIR:-} ]] && umount -R "$HOSTDIR/tree/sub" 2>/dev/null
	# Nothing of the container may stay mounted below the test's directory.
	local left
	left=$(mounts_below "$BATS_TEST_TMPDIR")
	[[ -z $left || $left == "${MOUNTS_BEFORE:-}" ]] || fail "mounts left: $left"
}

# Mount points at or below $1, as this shell's mount namespace sees them.
mounts_below() {
	awk -v top="$1" '$5 == top || index($5, top "/") == 1 { print $5 }' /proc/self/mountinfo
}

# Adds one mount (a JSON object) to the end of .mounts.
add_mount() {
	ct_edit --argjson m "$1" '.mounts += [$m]'
}

# Runs a shell command line in the container: $output is its stdout, $stderr
# nsinit's own messages (and the command's), $status the exit status.
ct_sh() {
	ct_edit --arg c "$1" '.process.args = ["sh", "-c", $c]'
	run --separate-stderr nsinit run --bundle "$BUNDLE" "${@:2}" "$CT_ID"
}

# Fails unless nsinit's stderr holds the text $1.
stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr lacks '$1': $stderr"
}

# The mountinfo line of the mount at $1, as the container sees it.
ct_mountinfo() {
	ct_sh "awk '\$5 == \"$1\"' /proc/self/mountinfo"
}

@test "nsinit: mounts the default proc, sysfs, devpts, mqueue, shm and cgroup filesystems" {
	ct_sh "awk '{ print \$5, \$(NF-2) }' /proc/self/mountinfo"
	assert_success
	assert_line "/proc proc"
	assert_line "/dev tmpfs"
	assert_line "/dev/pts devpts"
	assert_line "/dev/shm tmpfs"
	assert_line "/dev/mqueue mqueue"
	assert_line "/sys sysfs"
	assert_line --regexp "^/sys/fs/cgroup (tmpfs|cgroup2)$"
}

@test "nsinit: mounts a tmpfs with the asked size, mode and flags" {
	add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs",
		"options": ["size=2m", "mode=1750", "nosuid", "nodev", "noexec", "noatime"]}'
	ct_sh 'stat -c %a /data; awk '\''$5 == "/data" { print $6, $NF }'\'' /proc/self/mountinfo'
	assert_success
	assert_line --index 0 "1750"
	assert_line --index 1 --regexp '^rw,nosuid,nodev,noexec,noatime .*size=2048k'
}

@test "nsinit: creates missing destination directories inside the rootfs" {
	add_mount '{"destination": "/a/b/c", "type": "tmpfs"}'
	ct_mountinfo /a/b/c
	assert_success
	assert_output --partial " - tmpfs "
	[[ ! -e $HOSTDIR/a ]]
}

@test "nsinit: bind-mounts a directory read-only" {
	echo hello >"$HOSTDIR/file"
	add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$HOSTDIR\",
		\"options\": [\"bind\", \"ro\"]}"
	ct_sh 'cat /data/file; touch /data/new 2>&1; awk '\''$5 == "/data" { print $6 }'\'' /proc/self/mountinfo'
	assert_success
	assert_line --index 0 "hello"
	assert_line --index 1 --partial "Read-only file system"
	assert_line --index 2 --regexp '^ro(,|$)'
	[[ ! -e $HOSTDIR/new ]]
}

@test "nsinit: bind-mounts a file onto a missing target, creating its directory" {
	echo content >"$HOSTDIR/file.txt"
	add_mount "{\"destination\": \"/etc/newdir/file.txt\", \"source\": \"$HOSTDIR/file.txt\",
		\"options\": [\"bind\"]}"
	ct_sh 'cat /etc/newdir/file.txt'
	assert_success
	assert_output "content"
}

@test "nsinit: applies nosuid, nodev, noexec and nosymfollow to a bind mount" {
	add_mount "{\"destination\": \"/data\", \"source\": \"$HOSTDIR\",
		\"options\": [\"rbind\", \"nosuid\", \"nodev\", \"noexec\", \"nosymfollow\"]}"
	ct_mountinfo /data
	assert_success
	assert_output --regexp ' rw,nosuid,nodev,noexec,[a-z,]*nosymfollow'
}

@test "nsinit: rro makes the submounts of an rbind read-only, ro only its top" {
	mkdir -p "$HOSTDIR/tree/sub"
	mount -t tmpfs tmpfs "$HOSTDIR/tree/sub"
	add_mount "{\"destination\": \"/rro\", \"source\": \"$HOSTDIR/tree\", \"options\": [\"rbind\", \"rro\"]}"
	add_mount "{\"destination\": \"/ro\", \"source\": \"$HOSTDIR/tree\", \"options\": [\"rbind\", \"ro\"]}"
	ct_sh 'awk '\''$5 ~ /^\/(rro|ro)/ { print $5, substr($6, 1, 2) }'\'' /proc/self/mountinfo'
	assert_success
	assert_line "/rro ro"
	assert_line "/rro/sub ro"
	assert_line "/ro ro"
	assert_line "/ro/sub rw"
}

@test "nsinit: an idmapped bind mount shows the mapped owners" {
	touch "$HOSTDIR/owned"
	chown 0:0 "$HOSTDIR/owned"
	add_mount "{\"destination\": \"/idm\", \"type\": \"bind\", \"source\": \"$HOSTDIR\",
		\"options\": [\"bind\", \"idmap\"],
		\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1234, \"size\": 1}],
		\"gidMappings\": [{\"containerID\": 0, \"hostID\": 4321, \"size\": 1}]}"
	ct_sh 'stat -c %u:%g /idm/owned'
	assert_success
	assert_output "1234:4321"
	[[ $(stat -c %u:%g "$HOSTDIR/owned") == 0:0 ]]
}

@test "nsinit: a shared propagation option makes the mount shared" {
	add_mount '{"destination": "/shared", "type": "tmpfs", "options": ["rshared"]}'
	add_mount '{"destination": "/private", "type": "tmpfs", "options": ["private"]}'
	ct_sh 'awk '\''$5 == "/shared" || $5 == "/private" { print $5, $7 }'\'' /proc/self/mountinfo'
	assert_success
	assert_line --regexp '^/shared shared:[0-9]+$'
	assert_line "/private -"
}

@test "nsinit: remount changes the flags of an earlier mount" {
	add_mount '{"destination": "/data", "type": "tmpfs"}'
	add_mount '{"destination": "/data", "type": "tmpfs", "options": ["remount", "ro", "nosuid"]}'
	ct_mountinfo /data
	assert_success
	assert_output --regexp ' ro,nosuid'
}

@test "nsinit: sync and dirsync reach the filesystem's superblock" {
	add_mount '{"destination": "/data", "type": "tmpfs", "options": ["sync", "dirsync"]}'
	ct_mountinfo /data
	assert_success
	assert_output --regexp ' tmpfs [^ ]+ rw,sync,dirsync'
}

@test "nsinit: masked paths read empty and masked directories are empty read-only tmpfs" {
	ct_sh 'stat -c "%F %t:%T" /proc/timer_list; ls -A /proc/acpi | wc -l; touch /proc/acpi/x 2>&1; true'
	assert_success
	assert_line --index 0 "character special file 1:3"
	assert_line --index 1 "0"
	assert_line --index 2 --partial "Read-only file system"
}

@test "nsinit: read-only paths refuse writes" {
	ct_sh '{ echo 1 >/proc/sys/kernel/domainname; } 2>&1; awk '\''$5 == "/proc/sys" { print $6 }'\'' /proc/self/mountinfo'
	assert_success
	assert_line --index 0 --partial "Read-only file system"
	assert_line --index 1 --regexp '^ro,nosuid,nodev,noexec'
}

@test "nsinit: a read-only root refuses writes but its tmpfs mounts stay writable" {
	ct_edit '.root.readonly = true'
	add_mount '{"destination": "/tmp", "type": "tmpfs"}'
	ct_sh 'touch /newfile 2>&1; touch /tmp/ok && echo tmp-ok'
	assert_success
	assert_line --index 0 --partial "Read-only file system"
	assert_line --index 1 "tmp-ok"
	[[ ! -e $BUNDLE/rootfs/newfile ]]
}

@test "nsinit: rootfsPropagation shared makes the new root shared" {
	ct_edit '.linux.rootfsPropagation = "shared"'
	ct_mountinfo /
	assert_success
	assert_output --regexp ' shared:[0-9]+ '
}

@test "nsinit: --no-pivot runs the container chrooted with all its mounts" {
	echo marker >"$BUNDLE/rootfs/etc/marker"
	ct_sh 'cat /etc/marker; awk '\''$5 == "/proc" { print $(NF-2) }'\'' /proc/self/mountinfo' --no-pivot
	assert_success
	assert_line --index 0 "marker"
	assert_line --index 1 "proc"
}

@test "nsinit: a container without a mount namespace leaves no mount on the host after delete" {
	ct_edit '.linux.namespaces |= map(select(.type != "mount" and .type != "cgroup"))'
	ct_sh 'awk '\''$5 == "/proc" { print $(NF-2) }'\'' /proc/self/mountinfo'
	assert_success
	run mounts_below "$BUNDLE"
	assert_output ""
}

@test "nsinit: an unknown filesystem type fails with one clear error" {
	add_mount '{"destination": "/data", "type": "nosuchfs"}'
	ct_sh 'true'
	assert_failure
	stderr_has "fsopen 'nosuchfs': No such device"
	stderr_has "'/data'"
}

@test "nsinit: a bad filesystem option fails naming the option" {
	add_mount '{"destination": "/data", "type": "tmpfs", "options": ["size=lots"]}'
	ct_sh 'true'
	assert_failure
	stderr_has "mount option 'size=lots'"
}

@test "nsinit: a missing bind source fails naming the source" {
	add_mount "{\"destination\": \"/data\", \"source\": \"$HOSTDIR/absent\", \"options\": [\"bind\"]}"
	ct_sh 'true'
	assert_failure
	stderr_has "open bind source '$HOSTDIR/absent': No such file or directory"
}

@test "nsinit: the cgroup mount shows this container's cgroup read-only" {
	ct_sh 'ls /sys/fs/cgroup; touch /sys/fs/cgroup/x 2>&1; true'
	assert_success
	assert_output --partial "Read-only file system"
	if [[ -d /sys/fs/cgroup/memory ]]; then
		assert_line "memory"
		assert_line "unified"
		# each hierarchy bound below the tmpfs is read-only too
		ct_sh 'mkdir /sys/fs/cgroup/memory/sub 2>&1; mkdir /sys/fs/cgroup/pids/sub 2>&1; true'
		assert_success
		assert_line "mkdir: can't create directory '/sys/fs/cgroup/memory/sub': Read-only file system"
		assert_line "mkdir: can't create directory '/sys/fs/cgroup/pids/sub': Read-only file system"
	fi
}

@test "nsinit: in a user namespace without its own network namespace sysfs is the host's, bound read-only" {
	requires userns
	ct_edit '.linux.namespaces |= map(select(.type != "network"))
		| .linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]'
	local host_sys
	host_sys=$(awk '$5 == "/sys" { print $3 }' /proc/self/mountinfo | tail -1)
	ct_sh 'awk '\''$5 == "/sys" { print substr($6, 1, 2), $(NF-2), $3 }'\'' /proc/self/mountinfo'
	assert_success
	# The same superblock as the host's /sys: bound, since a fresh one is refused.
	assert_output "ro sysfs $host_sys"
}

@test "nsinit: every option word nsinit features lists is accepted where it applies" {
	local opt n_opts=0
	while read -r opt; do
		case $opt in
		bind | rbind | idmap | ridmap | remount) continue ;;
		esac
		n_opts=$((n_opts + 1))
		add_mount "{\"destination\": \"/opt$n_opts\", \"type\": \"tmpfs\", \"options\": [\"$opt\"]}"
	done < <("$NSINIT" features | jq -r '.mountOptions[]')
	add_mount "{\"destination\": \"/b1\", \"source\": \"$HOSTDIR\", \"options\": [\"bind\"]}"
	add_mount "{\"destination\": \"/b2\", \"source\": \"$HOSTDIR\", \"options\": [\"rbind\", \"rro\"]}"
	add_mount "{\"destination\": \"/b2\", \"source\": \"$HOSTDIR\", \"options\": [\"bind\", \"remount\", \"nosuid\"]}"
	ct_sh "awk '\$5 ~ /^\/(opt[0-9]+|b[12])\$/' /proc/self/mountinfo | wc -l; awk '\$5 == \"/b2\" { print \$6 }' /proc/self/mountinfo"
	[[ $status -eq 0 ]] || fail "$stderr"
	# The remount changed /b2 in place: no third bind.
	assert_line --index 0 "$((n_opts + 2))"
	assert_line --index 1 --regexp '^ro,nosuid'
}

@test "nsinit: tmpcopyup starts a tmpfs with a copy of the directory it covers" {
	mkdir -p "$BUNDLE/rootfs/srv/sub"
	echo seed >"$BUNDLE/rootfs/srv/sub/file"
	add_mount '{"destination": "/srv", "type": "tmpfs", "options": ["tmpcopyup"]}'
	ct_sh 'cat /srv/sub/file; echo changed >/srv/sub/file; awk '\''$5 == "/srv" { print $(NF-2) }'\'' /proc/self/mountinfo'
	assert_success
	assert_line --index 0 "seed"
	assert_line --index 1 "tmpfs"
	# The image's own file is untouched: the writes went to the copy.
	[[ $(cat "$BUNDLE/rootfs/srv/sub/file") == seed ]]
}
