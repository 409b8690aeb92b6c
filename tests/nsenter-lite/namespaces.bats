#!/usr/bin/env bats
# nsenter-lite against a plain process: each namespace alone, all of them, and from files.
bats_require_minimum_version 1.5.0
load ../helpers/common
load ../helpers/join

setup() {
	requires root
	join_start_target --cgroup --time
}

teardown() {
	join_stop_target
}

# Runs readlink /proc/self/ns/NAME through nsenter-lite with the given options.
joined_ns() {
	local name=$1
	shift
	"$NSENTER_LITE" -t "$TARGET_PID" "$@" readlink "/proc/self/ns/$name"
}

@test "nsenter-lite: -m alone enters the mount namespace and no other" {
	# The target's /proc (from --mount-proc) belongs to its pid namespace: pid 1 is its sleep.
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -m cat /proc/1/comm
	assert_output sleep
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -m hostname
	assert_output "$(hostname)"
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -m -p readlink /proc/self/ns/mnt
	assert_output "$(ns_inode "$TARGET_PID" mnt)"
}

@test "nsenter-lite: -u alone enters the UTS namespace and sees its hostname" {
	run -0 joined_ns uts -u
	assert_output "$(ns_inode "$TARGET_PID" uts)"
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -u hostname
	assert_output joined-target
	run -0 joined_ns mnt -u
	assert_output "$(ns_inode $$ mnt)"
}

@test "nsenter-lite: -i alone enters the IPC namespace" {
	run -0 joined_ns ipc -i
	assert_output "$(ns_inode "$TARGET_PID" ipc)"
	refute_output "$(ns_inode $$ ipc)"
}

@test "nsenter-lite: -n alone enters the network namespace, with only a loopback" {
	run -0 joined_ns net -n
	assert_output "$(ns_inode "$TARGET_PID" net)"
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -n ip -o link show
	assert_line --partial ': lo:'
	assert_equal "${#lines[@]}" 1
}

@test "nsenter-lite: -p alone runs the program in the pid namespace as a child" {
	run -0 joined_ns pid -p
	assert_output "$(ns_inode "$TARGET_PID" pid)"
}

@test "nsenter-lite: -C alone enters the cgroup namespace" {
	run -0 joined_ns cgroup -C
	assert_output "$(ns_inode "$TARGET_PID" cgroup)"
	refute_output "$(ns_inode $$ cgroup)"
}

@test "nsenter-lite: -T alone enters the time namespace" {
	run -0 joined_ns time -T
	assert_output "$(ns_inode "$TARGET_PID" time)"
	refute_output "$(ns_inode $$ time)"
}

@test "nsenter-lite: -a enters every namespace: inodes, hostname, mounts and pid 1" {
	local name
	for name in mnt uts ipc net pid cgroup time; do
		run -0 joined_ns "$name" -a
		assert_output "$(ns_inode "$TARGET_PID" "$name")"
	done
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -a sh -c 'hostname; cat /proc/1/comm; echo $$'
	assert_equal "${lines[0]}" joined-target
	assert_equal "${lines[1]}" sleep
	# The program is a child in the target's pid namespace: a small pid there.
	[[ ${lines[2]} -lt 100 ]]
	# The same mounts as the target (mount points; roots depend on the cgroup namespace).
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -a cut -d' ' -f5 /proc/self/mountinfo
	assert_equal "$output" "$(cut -d' ' -f5 "/proc/$TARGET_PID/mountinfo")"
}

@test "nsenter-lite: --all spelled long equals -a" {
	run -0 "$NSENTER_LITE" --target "$TARGET_PID" --all hostname
	assert_output joined-target
}

@test "nsenter-lite: long options take =FILE and need no target" {
	run -0 "$NSENTER_LITE" --uts="/proc/$TARGET_PID/ns/uts" --net="/proc/$TARGET_PID/ns/net" \
		sh -c 'hostname; readlink /proc/self/ns/net'
	assert_equal "${lines[0]}" joined-target
	assert_equal "${lines[1]}" "$(ns_inode "$TARGET_PID" net)"
}

@test "nsenter-lite: short options take =FILE as nsenter does" {
	run -0 "$NSENTER_LITE" -u="/proc/$TARGET_PID/ns/uts" hostname
	assert_output joined-target
	run -0 "$NSENTER_LITE" "-u/proc/$TARGET_PID/ns/uts" hostname
	assert_output joined-target
}

@test "nsenter-lite: a namespace file overrides the target's for that namespace" {
	# Our own UTS namespace given as a file: -a takes everything else from the target.
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -a --uts=/proc/$$/ns/uts hostname
	assert_output "$(hostname)"
}

@test "nsenter-lite: a bind-mounted namespace file is joined where no /proc is mounted" {
	touch "$BATS_TEST_TMPDIR/netns"
	# All in a private mount namespace: the bind and the missing /proc end with it. Stderr
	# apart: a sanitizer build warns there that it cannot read /proc/self/exe.
	run -0 --separate-stderr unshare -m --propagation private sh -c '
		mount --bind "/proc/$1/ns/net" "$2" && umount -l /proc &&
		"$3" --net="$2" true && echo joined' sh "$TARGET_PID" "$BATS_TEST_TMPDIR/netns" "$NSENTER_LITE"
	assert_output joined
}

@test "nsenter-lite: -F does not fork, so the pid namespace does not apply to the program" {
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -p -F readlink /proc/self/ns/pid
	assert_output "$(ns_inode $$ pid)"
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -p -F readlink /proc/self/ns/pid_for_children
	assert_output "$(ns_inode "$TARGET_PID" pid)"
}

@test "nsenter-lite: -U enters a user namespace and becomes root in it" {
	requires userns
	join_stop_target
	join_start_target --user --map-root-user
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -U -m -p sh -c 'id -u; readlink /proc/self/ns/user'
	assert_equal "${lines[0]}" 0
	assert_equal "${lines[1]}" "$(ns_inode "$TARGET_PID" user)"
	# -a includes the user namespace when it differs from ours.
	run -0 joined_ns user -a
	assert_output "$(ns_inode "$TARGET_PID" user)"
}

@test "nsenter-lite: -a leaves out the user namespace when it is ours" {
	run -0 joined_ns user -a
	assert_output "$(ns_inode $$ user)"
}

@test "nsenter-lite: --user-parent enters the parent of the target's user namespace" {
	requires userns
	join_stop_target
	join_start_target --user --map-root-user
	run -0 "$NSENTER_LITE" -t "$TARGET_PID" -U --user-parent -u --preserve-credentials \
		readlink /proc/self/ns/user
	assert_output "$(ns_inode $$ user)"
}
