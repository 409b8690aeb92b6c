#!/usr/bin/env bats
# nsinit: what must never reach the container: our binary, our descriptors, host directories, mounts.
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires root rootfs jq
	C1=$(ct_id 1)
}

teardown() {
	ct_cleanup
}

# Prints the shell's open descriptors without opening any itself (no opendir, no pipe).
fds_script='for n in $(seq 0 20); do [ -e /proc/$$/fd/$n ] && printf "%s " $n; done; echo'

@test "nsinit: a container process cannot open the waiting init's binary (CVE-2019-5736)" {
	requires userns
	ct_bundle --uidmap 0:100000:65536 --gidmap 0:100000:65536 -- true
	ct_bundle_traversable
	ct_create "$C1"
	pid=$(nsinit state "$C1" | jq .pid)
	# the init is still nsinit while it waits for start
	[[ $(readlink "/proc/$pid/exe") == "$(readlink -f "$NSINIT")" ]]
	run nsenter -t "$pid" -U -m -p -- sh -c 'cat /proc/1/exe >/dev/null; echo x >>/proc/1/exe; readlink /proc/1/exe || echo no-link'
	assert_line "cat: can't open '/proc/1/exe': Permission denied"
	assert_line "sh: can't create /proc/1/exe: Permission denied"
	assert_line no-link
	[[ $(readlink "/proc/$pid/exe") == "$(readlink -f "$NSINIT")" ]]
}

@test "nsinit: after start /proc/1/exe is the container's program, not nsinit" {
	ct_bundle -- sleep 100
	ct_create "$C1"
	nsinit start "$C1"
	pid=$(nsinit state "$C1" | jq .pid)
	# the path is the one inside the container's root
	run readlink "/proc/$pid/exe"
	assert_output /bin/busybox
}

@test "nsinit: only stdio reaches the process, not a descriptor the caller leaked (CVE-2024-21626)" {
	ct_bundle -- sh -c "$fds_script"
	# fd 5 stands for a shim's leaked socket, fd 6 for a host directory
	run -0 nsinit run --bundle "$BUNDLE" "$C1" 5</etc/hostname 6</
	assert_output "0 1 2 "
}

@test "nsinit: --preserve-fds passes exactly the asked descriptors" {
	ct_bundle -- sh -c "$fds_script"'; cat <&3; cat <&4'
	echo three >"$BATS_TEST_TMPDIR/f3"
	echo four >"$BATS_TEST_TMPDIR/f4"
	run -0 nsinit run --preserve-fds 2 --bundle "$BUNDLE" "$C1" \
		3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" 5</
	assert_output $'0 1 2 3 4 \nthree\nfour'
}

@test "nsinit: LISTEN_FDS sockets pass through with LISTEN_PID=1" {
	ct_bundle -- sh -c "$fds_script"'; echo "$LISTEN_FDS $LISTEN_PID"'
	run -0 env LISTEN_FDS=1 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" run --bundle "$BUNDLE" \
		"$C1" 3</ 4</
	assert_output $'0 1 2 3 \n1 1'
}

@test "nsinit: the working directory is inside the container" {
	ct_bundle --cwd /tmp -- sh -c 'readlink /proc/self/cwd; readlink /proc/self/root'
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	assert_output $'/tmp\n/'
}

@test "nsinit: a cwd through /proc/self/fd never lands on a host directory" {
	for n in 3 4 5 6 7 8; do
		ct_bundle --cwd "/proc/self/fd/$n" -- sh -c 'echo escaped; ls /'
		rc=0
		out=$(nsinit run --bundle "$BUNDLE" "$(ct_id "$n")" 7</ 8</ 2>&1) || rc=$?
		[[ $out != *escaped* ]]
		[[ $rc -ne 0 ]]
	done
}

@test "nsinit: the state directories are private to root" {
	ct_bundle -- sleep 100
	ct_create "$C1"
	[[ $(stat -c %a "$BATS_TEST_TMPDIR/state") == 700 ]]
	[[ $(stat -c %a "$BATS_TEST_TMPDIR/state/$C1") == 700 ]]
	[[ $(stat -c %a "$BATS_TEST_TMPDIR/state/$C1/state.json") == 600 ]]
}

no_host_mounts() {
	! grep -F " $BUNDLE/rootfs" /proc/self/mountinfo
}

@test "nsinit: a container without a mount namespace leaves no mount on the host after run" {
	ct_bundle --ns-remove mnt -- sh -c 'grep -c . /proc/self/mountinfo'
	ct_edit '.root.readonly = false'
	run -0 nsinit run --bundle "$BUNDLE" "$C1"
	no_host_mounts
}

@test "nsinit: a container without a mount namespace leaves no mount after delete --force" {
	ct_bundle --ns-remove mnt -- sleep 100
	ct_edit '.root.readonly = false'
	ct_create "$C1"
	grep -qF " $BUNDLE/rootfs" /proc/self/mountinfo
	nsinit start "$C1"
	run -0 nsinit delete --force "$C1"
	no_host_mounts
}

@test "nsinit: a failed create without a mount namespace leaves no mount behind" {
	ct_bundle --ns-remove mnt -- no-such-program
	ct_edit '.root.readonly = false'
	run -1 nsinit create --bundle "$BUNDLE" "$C1"
	no_host_mounts
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: the host's / as rootfs without a mount namespace is refused, nothing mounted" {
	local before
	before=$(grep -c . /proc/self/mountinfo)
	ct_bundle --ns-remove mnt -- true
	ct_edit '.root.path = "/" | .root.readonly = false'
	run -1 nsinit run --bundle "$BUNDLE" "$C1" </dev/null
	assert_output "nsinit: $C1: run: rootfs '/' without a mount namespace would mount over the host's own"
	[[ $(grep -c . /proc/self/mountinfo) -eq $before ]]
	[[ ! -e $BATS_TEST_TMPDIR/state/$C1 ]]
}

@test "nsinit: without a mount namespace, delete keeps the host's mounts at and below the rootfs" {
	# As an engine passes an overlay it mounted, holding mounts of its own.
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	mkdir -p "$BUNDLE/rootfs"
	mount -t tmpfs engine-root "$BUNDLE/rootfs"
	cp -a "$ROOTFS/." "$BUNDLE/rootfs/"
	mkdir -p "$BUNDLE/rootfs/data"
	mount -t tmpfs engine-data "$BUNDLE/rootfs/data"
	"$SPECGEN" generate --bundle "$BUNDLE" --ns-remove mnt -- true
	ct_edit '.root.readonly = false'
	run -0 nsinit run --bundle "$BUNDLE" "$C1" </dev/null
	points=$(awk -v r="$BUNDLE/rootfs" 'index($5, r) == 1 { print $5, $(NF-1) }' /proc/self/mountinfo)
	umount "$BUNDLE/rootfs/data" "$BUNDLE/rootfs" 2>/dev/null || true
	[[ $points == "$BUNDLE/rootfs engine-root
$BUNDLE/rootfs/data engine-data" ]] || fail "mounts after delete: $points"
}
