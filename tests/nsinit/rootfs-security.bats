#!/usr/bin/env bats
# nsinit against hostile images: symlinks aimed at the host, a fake /dev/null,
# /dev/console and /proc; the host must stay untouched in every case.
# shellcheck disable=SC2016 # awk programs and jq filters are single-quoted on purpose
# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires root rootfs jq
	CT_ID=$(ct_id)
	BUNDLE=$(make_bundle)
	ROOT=$BUNDLE/rootfs
	# What the image tries to reach: a directory and a file of the "host".
	HOST=$BATS_TEST_TMPDIR/host-target
	mkdir -p "$HOST"
	echo precious >"$HOST/precious"
	(cd "$BUNDLE" && "$NSINIT" spec) || fail "nsinit spec"
	ct_edit '.process.terminal = false'
	MOUNTINFO_BEFORE=$(mountinfo_points)
}

teardown() {
	ct_cleanup
	# A setup that failed early has nothing to compare against.
	[[ -n ${HOST:-} && -n ${MOUNTINFO_BEFORE:-} ]] || return 0
	host_untouched
	[[ $(mountinfo_points) == "$MOUNTINFO_BEFORE" ]] ||
		fail "mounts changed: $(diff <(echo "$MOUNTINFO_BEFORE") <(mountinfo_points))"
}

# Every mount point this shell sees, sorted: compared before and after each test.
mountinfo_points() {
	awk '{ print $5 }' /proc/self/mountinfo | sort
}

# Fails unless the host directory holds exactly its one file, unchanged and not mounted over.
host_untouched() {
	[[ $(ls -A "$HOST") == precious ]] || fail "host directory changed: $(ls -A "$HOST")"
	[[ $(cat "$HOST/precious") == precious ]] || fail "host file changed"
	! awk -v top="$HOST" 'index($5, top) == 1' /proc/self/mountinfo | grep -q . ||
		fail "a mount landed on the host directory"
}

# Runs a shell command line in the container: $output its stdout, $stderr nsinit's messages.
ct_sh() {
	ct_edit --arg c "$1" '.process.args = ["sh", "-c", $c]'
	run --separate-stderr nsinit run --bundle "$BUNDLE" "$CT_ID"
}

stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr lacks '$1': $stderr"
}

# A bind mount of a fake /dev (from a host directory) whose null is made by the caller.
fake_dev() {
	mkdir -p "$BATS_TEST_TMPDIR/fakedev"
	ct_edit --arg s "$BATS_TEST_TMPDIR/fakedev" '.mounts |= map(select(.destination | startswith("/dev") | not))
		| .mounts += [{"destination": "/dev", "source": $s, "options": ["rbind"]}]
		| .linux.maskedPaths = ["/etc/hostname"]'
	echo container-hostname >"$ROOT/etc/hostname"
}

@test "nsinit: a mount through an absolute symlink to a host directory lands inside the rootfs" {
	ln -s "$HOST" "$ROOT/evil"
	mkdir -p "$ROOT$HOST"
	ct_edit '.mounts += [{"destination": "/evil/mnt", "type": "tmpfs"}]'
	ct_sh "awk '\$5 == \"$HOST/mnt\" { print \$(NF-2) }' /proc/self/mountinfo"
	assert_success
	assert_output "tmpfs"
	[[ -d $ROOT$HOST/mnt ]]
}

@test "nsinit: a bind through a relative symlink climbing out creates its directories inside the rootfs" {
	ln -s "../../../../../../../../..$HOST" "$ROOT/evil"
	mkdir -p "$ROOT$HOST"
	echo data >"$BATS_TEST_TMPDIR/src"
	ct_edit --arg s "$BATS_TEST_TMPDIR/src" '.mounts += [{"destination": "/evil/a/b/file", "source": $s, "options": ["bind"]}]'
	ct_sh "cat '$HOST/a/b/file'"
	assert_success
	assert_output "data"
	[[ -f $ROOT$HOST/a/b/file ]]
}

@test "nsinit: a device path through a symlink to the host makes no node on the host" {
	ln -s "$HOST" "$ROOT/dev-evil"
	mkdir -p "$ROOT$HOST"
	ct_edit '.linux.devices = [{"type": "p", "path": "/dev-evil/fifo"},
		{"type": "c", "path": "/dev-evil/null2", "major": 1, "minor": 3}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]'
	ct_sh "stat -c %F '$HOST/fifo' '$HOST/null2'"
	assert_success
	assert_line --index 0 "fifo"
	assert_line --index 1 "character special file"
}

@test "nsinit: a bind redirected into /proc by a symlink is refused, so no runtime write reaches its source" {
	# The init writes /proc/self files after the mounts: over a bind it would write the host file.
	ln -s /proc/self "$ROOT/data"
	ct_edit --arg s "$HOST/precious" '.process.oomScoreAdj = 500
		| .mounts += [{"destination": "/data/oom_score_adj", "source": $s, "options": ["bind"]}]'
	ct_sh 'true'
	assert_failure
	stderr_has "mount 'bind' on '/data/oom_score_adj': destination resolves inside /proc: refused"
}

@test "nsinit: a tmpfs over a /proc directory is refused, a bind over an lxcfs file is not" {
	ct_edit '.mounts += [{"destination": "/proc/sys", "type": "tmpfs"}]'
	ct_sh 'true'
	assert_failure
	stderr_has "mount 'tmpfs' on '/proc/sys': destination resolves inside /proc: refused"
	echo "MemTotal: 1 kB" >"$BATS_TEST_TMPDIR/meminfo"
	ct_edit --arg s "$BATS_TEST_TMPDIR/meminfo" 'del(.mounts[-1])
		| .mounts += [{"destination": "/proc/meminfo", "source": $s, "options": ["bind"]}]'
	ct_sh 'cat /proc/meminfo'
	assert_success
	assert_output "MemTotal: 1 kB"
}

@test "nsinit: a dangling symlink to the host fails the mount and creates nothing there" {
	ln -s "$HOST/absent" "$ROOT/evil"
	ct_edit '.mounts += [{"destination": "/evil/mnt", "type": "tmpfs"}]'
	ct_sh 'true'
	assert_failure
	stderr_has "'/evil/mnt'"
	stderr_has "No such file or directory"
}

@test "nsinit: masking refuses a /dev/null that is a symlink to a host file" {
	fake_dev
	ln -s "$HOST/precious" "$BATS_TEST_TMPDIR/fakedev/null"
	ct_sh 'cat /etc/hostname'
	assert_failure
	stderr_has "mask '/etc/hostname'"
	stderr_has "'/dev/null'"
	[[ $(cat "$ROOT/etc/hostname") == container-hostname ]]
}

@test "nsinit: masking refuses a /dev/null that is a regular file" {
	fake_dev
	: >"$BATS_TEST_TMPDIR/fakedev/null"
	ct_sh 'cat /etc/hostname'
	assert_failure
	stderr_has "'/dev/null' is not the character device 1:3"
}

@test "nsinit: the console is never bound through a /dev/console symlink" {
	ct_edit '.mounts |= map(select(.destination != "/dev" and .destination != "/dev/pts"))
		| .process.terminal = true
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 5, "minor": 2, "access": "rwm"},
			{"allow": true, "type": "c", "major": 136, "access": "rwm"}]'
	mkdir -p "$ROOT/dev/pts"
	ln -s "$HOST/precious" "$ROOT/dev/console"
	ct_edit '.mounts += [{"destination": "/dev/pts", "type": "devpts", "source": "devpts",
		"options": ["newinstance", "ptmxmode=0666", "mode=0620"]}]'
	ct_sh 'cat /dev/console'
	assert_failure
	stderr_has "'/dev/console' is a symlink"
}

@test "nsinit: proc is never mounted through a /proc symlink" {
	rmdir "$ROOT/proc"
	ln -s "$HOST" "$ROOT/proc"
	ct_sh 'true'
	assert_failure
	stderr_has "proc destination '/proc' passes through a symlink"
}

@test "nsinit: sysfs is never mounted through a /sys symlink" {
	rmdir "$ROOT/sys"
	ln -s "$HOST" "$ROOT/sys"
	ct_sh 'true'
	assert_failure
	stderr_has "sysfs destination '/sys' passes through a symlink"
}

@test "nsinit: a tmpfs shadowing /proc is refused before masking under it" {
	ct_edit '.mounts += [{"destination": "/proc", "type": "tmpfs"}]'
	ct_sh 'true'
	assert_failure
	stderr_has "mount 'tmpfs' on '/proc': destination resolves inside /proc: refused"
}

@test "nsinit: a container without a mount namespace refusing a hostile image leaves no mount" {
	ct_edit '.linux.namespaces |= map(select(.type != "mount" and .type != "cgroup"))'
	rmdir "$ROOT/proc"
	ln -s "$HOST" "$ROOT/proc"
	ct_sh 'true'
	assert_failure
	stderr_has "passes through a symlink"
	run awk -v top="$BUNDLE" 'index($5, top) == 1' /proc/self/mountinfo
	assert_output ""
}
