#!/usr/bin/env bats
# specgen generate cross-checked with a real peer: Debian's runc runs what we generate.
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires root runc rootfs
	RUNC_ROOT=$BATS_TEST_TMPDIR/runc
	CT_ID=specgen-runc-$$-$BATS_TEST_NUMBER
	BUNDLE=$(make_bundle)
}

teardown() {
	# Always, even after a failure mid-run, so no container or cgroup is left behind.
	if [[ -n ${RUNC_ROOT:-} ]]; then
		runc --root "$RUNC_ROOT" delete -f "$CT_ID" 2>/dev/null || true
	fi
}

# Generates $BUNDLE/config.json with the given flags and runs it with runc in
# the foreground; a relative cgroups path keeps its cgroup below the test's own.
run_in_runc() {
	"$SPECGEN" generate --bundle "$BUNDLE" --cgroups-path "$CT_ID" "$@"
	cd "$BUNDLE" || return
	run timeout 60 runc --root "$RUNC_ROOT" run "$CT_ID" </dev/null
}

@test "runc runs the default config from specgen generate" {
	run_in_runc -- sh -c 'echo hello; hostname'
	assert_success
	assert_output $'hello\ncontainer'
}

@test "runc runs busybox's sh, ls, ps and id under the default seccomp profile" {
	run_in_runc -- sh -c 'ls /bin/busybox && ps -o pid,comm | head -2 && id &&
		grep "^Seccomp:" /proc/self/status && grep "^CapEff:" /proc/self/status'
	assert_success
	assert_line /bin/busybox
	assert_line --regexp '^ +1 sh$'
	assert_line 'uid=0(root) gid=0(root)'
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	# CAP_KILL, CAP_NET_BIND_SERVICE and CAP_AUDIT_WRITE only.
	assert_line --regexp '^CapEff:[[:space:]]+0+20000420$'
}

@test "runc applies the flags specgen generate was given" {
	# shellcheck disable=SC2016 # expanded by the container's shell
	run_in_runc --hostname web --env GREETING=hi=there --cwd /tmp --uid 1000 --gid 1000 \
		--rootfs-readwrite --seccomp none -- sh -c 'echo "$GREETING"; hostname; pwd; id -u; id -g;
		grep "^Seccomp:" /proc/self/status'
	assert_success
	assert_output --regexp $'^hi=there\nweb\n/tmp\n1000\n1000\nSeccomp:[[:space:]]+0$'
}

@test "runc refuses mount inside the container under the default profile and capabilities" {
	run_in_runc -- sh -c 'mkdir -p /dev/x && mount -t tmpfs none /dev/x && echo mounted'
	assert_failure
	refute_output --partial mounted
	assert_output --partial 'permission denied'
}

@test "the default profile follows --cap-add: mount works with CAP_SYS_ADMIN, not with the old profile" {
	mount_cmd='mkdir -p /dev/x && mount -t tmpfs none /dev/x && echo mounted'
	run_in_runc --cap-add CAP_SYS_ADMIN -- sh -c "$mount_cmd"
	assert_success
	assert_output mounted
	runc --root "$RUNC_ROOT" delete -f "$CT_ID" 2>/dev/null || true

	# A template keeps its profile: the capability alone is not enough, seccomp says EPERM.
	"$SPECGEN" generate -o "$BATS_TEST_TMPDIR/base.json"
	run_in_runc --template "$BATS_TEST_TMPDIR/base.json" --cap-add CAP_SYS_ADMIN -- sh -c "$mount_cmd"
	assert_failure
	assert_output --partial 'permission denied'
}

@test "runc runs the --rootless config from specgen generate as root" {
	run_in_runc --rootless -- sh -c 'echo hello; cat /proc/self/uid_map; ls /sys/fs/cgroup >/dev/null && echo sys'
	assert_success
	assert_output --regexp $'^hello\n +0 +0 +1\nsys$'
}
