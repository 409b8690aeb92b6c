#!/usr/bin/env bats
# nsinit: user namespaces: id maps written by the runtime, ownership seen through them.
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires root userns rootfs jq
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

userns_bundle() {
	ct_bundle --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$@"
	ct_edit '.root.readonly = false'
	ct_bundle_traversable
}

@test "nsinit: the container's root is host uid 100000 through the map" {
	userns_bundle -- sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	assert_line --index 0 0
	assert_line --index 1 0
	assert_line --regexp '^ +0 +100000 +65536$'
	[[ $(grep -c '100000' <<<"$output") -eq 2 ]]
}

@test "nsinit: oomScoreAdj applies in a user namespace, for root and another user" {
	userns_bundle --oom-score-adj 456 -- cat /proc/self/oom_score_adj
	run -0 nsinit run --bundle "$BUNDLE" "$C1" </dev/null
	assert_output 456
	userns_bundle --oom-score-adj 457 --uid 1 --gid 1 -- cat /proc/self/oom_score_adj
	run -0 nsinit run --bundle "$BUNDLE" "$C1" </dev/null
	assert_output 457
}

@test "nsinit: files the container creates are owned by the mapped host ids" {
	userns_bundle -- touch /tmp/by-root
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	userns_bundle --uid 1 --gid 1 -- touch /tmp/by-daemon
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	[[ $(stat -c %u:%g "$BUNDLE/rootfs/tmp/by-root") == 100000:100000 ]]
	[[ $(stat -c %u:%g "$BUNDLE/rootfs/tmp/by-daemon") == 100001:100001 ]]
}

@test "nsinit: a process user inside the map runs as its mapped host uid" {
	userns_bundle --uid 1000 --gid 1000 -- sh -c 'id -u; sleep 100'
	ct_run_detached "$C1"
	pid=$(nsinit state "$C1" | jq .pid)
	sleep 0.2
	[[ $(<"$BATS_TEST_TMPDIR/$C1.out") == 1000 ]]
	[[ $(stat -c %u "/proc/$pid") == 101000 ]]
}

@test "nsinit: host files outside the map show as the overflow uid" {
	userns_bundle -- stat -c %u /bin/busybox
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	assert_output 65534
}

@test "nsinit: root in the container cannot write a host root's file bound in" {
	echo original >"$BATS_TEST_TMPDIR/hostfile"
	chmod 644 "$BATS_TEST_TMPDIR/hostfile"
	userns_bundle -- sh -c 'echo changed >/etc/hosts && echo written || echo refused'
	ct_edit --arg src "$BATS_TEST_TMPDIR/hostfile" \
		'.mounts += [{destination: "/etc/hosts", type: "bind", source: $src, options: ["bind", "rw"]}]'
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	assert_line refused
	[[ $(<"$BATS_TEST_TMPDIR/hostfile") == original ]]
}

@test "nsinit: a user namespace given by path is joined first" {
	unshare --user --map-root-user --net sleep 100 &
	holder=$!
	sleep 0.2
	ct_bundle --ns-join user=/proc/$holder/ns/user --ns-join net=/proc/$holder/ns/net \
		--ns-remove cgroup -- sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map'
	# the joined namespace maps only root: no sysfs, no cgroup, no gid=5 on devpts
	ct_edit '.mounts |= map(select(.type != "sysfs" and .type != "cgroup")
		| if .options then .options -= ["gid=5"] else . end)'
	ct_bundle_traversable
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	assert_line --index 0 "$(readlink "/proc/$holder/ns/user")"
}

@test "nsinit: a bad id map fails create and leaves nothing" {
	userns_bundle -- true
	ct_edit '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 10}, {containerID: 5, hostID: 200000, size: 10}]'
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	assert_output --partial "uid_map"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: a rootless container may run on the CPUs the runtime may, though its init moved meanwhile" {
	[[ $(nproc) -ge 2 ]] || skip "needs two CPUs"
	# The init makes its namespaces on other CPUs than nsinit's, then takes back those it was
	# cloned with. Rootless, no cpuset cgroup resets them afterwards.
	rootless_bundle '.process.terminal = false | .process.args = ["grep", "Cpus_allowed_list", "/proc/self/status"] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 65534, "size": 1}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 65534, "size": 1}]'
	run -0 --separate-stderr taskset -c 0,1 setpriv --reuid 65534 --regid 65534 --clear-groups -- \
		"$NSINIT" --root "$BATS_TEST_TMPDIR/rootless/state" run \
		--bundle "$BATS_TEST_TMPDIR/rootless/bundle" "$C1"
	assert_output --regexp '^Cpus_allowed_list:[[:space:]]+0-1$'
}

@test "nsinit: an unprivileged user runs a rootless container, mapped to root in it" {
	# The spec maps the uid that made it (ours, root): nobody maps only itself.
	rootless_bundle '.process.terminal = false | .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map"] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 65534, "size": 1}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 65534, "size": 1}]'
	run -0 --separate-stderr rootless_run "$C1"
	assert_line --index 0 0
	assert_line --index 1 --regexp '^ +0 +65534 +1$'
	[[ ! -e $BATS_TEST_TMPDIR/rootless/state/$C1 ]] || fail "state left"
}

@test "nsinit: a new user namespace without mappings is refused before anything is made" {
	ct_bundle -- true
	ct_edit '.linux.namespaces += [{type: "user"}]'
	run -1 nsinit run --bundle "$BUNDLE" "$C1"
	[[ ${#lines[@]} -eq 1 ]]
	assert_output --regexp "^nsinit: $C1: run: .*/linux/namespaces/[0-9]+: a new user namespace without uidMappings maps no user; hint: add linux.uidMappings"
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}
