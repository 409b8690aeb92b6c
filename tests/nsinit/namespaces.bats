#!/usr/bin/env bats
# nsinit: each namespace type, new or shared, joined by path; hostname; time offsets.
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires root rootfs jq
	C1=$(ct_id 1)
	holder=
}

teardown() {
	ct_cleanup
	if [[ -n $holder ]]; then
		kill -9 "$holder" 2>/dev/null || true
		wait "$holder" 2>/dev/null || true
	fi
}

# ns_links: "NAME=link" for each namespace, from inside the container.
ns_inside() {
	nsinit run --bundle "$BUNDLE" "$C1" </dev/null
}

ns_script='for n in pid net ipc uts mnt cgroup user time; do echo "$n=$(readlink /proc/self/ns/$n)"; done'

@test "nsinit: every namespace the config asks for is new, the others are the host's" {
	ct_bundle --ns-add user --uidmap 0:100000:65536 --gidmap 0:100000:65536 \
		--ns-add time -- sh -c "$ns_script"
	ct_bundle_traversable
	run -0 ns_inside
	for n in pid net ipc uts mnt cgroup user time; do
		host=$(readlink "/proc/self/ns/$n")
		assert_line --regexp "^$n=$n:\[[0-9]+\]$"
		refute_line "$n=$host"
	done
}

@test "nsinit: a namespace the config leaves out is shared with the host" {
	ct_bundle --ns-remove net --ns-remove ipc -- sh -c "$ns_script"
	run -0 ns_inside
	assert_line "net=$(readlink /proc/self/ns/net)"
	assert_line "ipc=$(readlink /proc/self/ns/ipc)"
	refute_line "pid=$(readlink /proc/self/ns/pid)"
	assert_line "user=$(readlink /proc/self/ns/user)"
	assert_line "time=$(readlink /proc/self/ns/time)"
}

@test "nsinit: the process is pid 1 of its pid namespace" {
	ct_bundle -- sh -c 'echo $$'
	run -0 ns_inside
	assert_output 1
}

@test "nsinit: the hostname and domainname are set in the new uts namespace" {
	ct_bundle --hostname box -- sh -c 'hostname; cat /proc/sys/kernel/domainname'
	ct_edit '.domainname = "example.org"'
	run -0 ns_inside
	assert_output $'box\nexample.org'
	[[ $(hostname) != box ]]
}

@test "nsinit: a hostname without a uts namespace is refused" {
	# specgen generate refuses to write this config (and --ns-remove uts drops the hostname),
	# so the namespace goes by hand.
	ct_bundle --hostname box -- true
	ct_edit '.linux.namespaces |= map(select(.type != "uts"))'
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	assert_output --partial "hostname needs its own uts namespace"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: loopback is up in a new network namespace" {
	ct_bundle -- cat /sys/class/net/lo/operstate /sys/class/net/lo/flags
	run -0 ns_inside
	# IFF_UP is bit 0 of the flags
	(( $(sed -n 2p <<<"$output") & 1 ))
}

@test "nsinit: namespaces given by path are joined" {
	unshare --net --uts --ipc sleep 100 &
	holder=$!
	sleep 0.2
	ct_bundle --ns-join net=/proc/$holder/ns/net --ns-join uts=/proc/$holder/ns/uts \
		--ns-join ipc=/proc/$holder/ns/ipc -- sh -c "$ns_script"
	run -0 ns_inside
	for n in net uts ipc; do
		assert_line "$n=$(readlink "/proc/$holder/ns/$n")"
	done
	refute_line "pid=$(readlink /proc/self/ns/pid)"
}

@test "nsinit: a pid namespace given by path is joined" {
	unshare --pid --fork --mount-proc sleep 100 &
	holder=$!
	sleep 0.2
	inner=$(pgrep -P "$holder" sleep)
	ct_bundle --ns-join pid=/proc/$inner/ns/pid -- sh -c 'readlink /proc/self/ns/pid; echo $$'
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	assert_line --index 0 "$(readlink "/proc/$inner/ns/pid")"
	# the holder's sleep is pid 1 there
	refute_line --index 1 1
}

@test "nsinit: a path of the wrong namespace type is refused" {
	unshare --net sleep 100 &
	holder=$!
	sleep 0.2
	ct_bundle --ns-join uts=/proc/$holder/ns/net -- true
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	assert_output --partial "is not a uts namespace"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: the runtime's own mount namespace given by path is refused, its root untouched" {
	local root_before
	root_before=$(awk '$5 == "/"' /proc/self/mountinfo)
	ct_bundle --ns-join mnt=/proc/$$/ns/mnt -- true
	run -1 nsinit run --bundle "$BUNDLE" "$C1" </dev/null
	assert_output "nsinit: $C1: run: mount namespace '/proc/$$/ns/mnt' is the runtime's own: leave it out to share it"
	[[ $(awk '$5 == "/"' /proc/self/mountinfo) == "$root_before" ]]
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: a missing namespace path is refused with the path" {
	ct_bundle --ns-join net=/proc/999999999/ns/net -- true
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	assert_output --partial "'/proc/999999999/ns/net': No such file or directory"
}

@test "nsinit: time namespace offsets show in /proc/uptime" {
	ct_bundle --time-offset boottime=864000 --time-offset monotonic=864000 -- cat /proc/uptime
	run -0 ns_inside
	inside=${output%%.*}
	host=$(cut -d. -f1 /proc/uptime)
	(( inside >= host + 864000 - 5 && inside <= host + 864000 + 5 ))
}

@test "nsinit: a new cgroup namespace shows the container's cgroup as its root" {
	ct_bundle -- cat /proc/self/cgroup
	run -0 ns_inside
	assert_line --regexp '^0::/$'
}

@test "nsinit: a network namespace the kernel refuses fails run and create with the init's reason" {
	command -v python3 >/dev/null || skip "needs python3 for the seccomp filter"
	[[ $(uname -m) == x86_64 ]] || skip "the filter helper is x86_64 only"
	ct_bundle -- true
	local cmd
	for cmd in run create; do
		run -1 --separate-stderr python3 "$CT_ROOT/tests/helpers/no-netns.py" \
			"$NSINIT" --root "$BATS_TEST_TMPDIR/state" "$cmd" --bundle "$BUNDLE" "$C1"
		assert_equal "$stderr" \
			"nsinit: $C1: $cmd: unshare network namespace: No space left on device"
		[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]] || fail "state left by $cmd"
	done
}
