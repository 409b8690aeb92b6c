#!/usr/bin/env bats
# nsinit: the container process's five capability sets, read from /proc/self/status inside.
bats_require_minimum_version 1.5.0
load ../helpers/common
load ../helpers/confine

setup() {
	requires root rootfs jq
}

teardown() {
	confine_cleanup
}

status_caps='grep "^Cap" /proc/self/status'

@test "nsinit: --cap-drop ALL leaves a root process no capability at all" {
	confine_bundle --seccomp none --cap-drop ALL -- sh -c "$status_caps"
	run -0 --separate-stderr confine_run
	assert_line "CapInh:	0000000000000000"
	assert_line "CapPrm:	0000000000000000"
	assert_line "CapEff:	0000000000000000"
	assert_line "CapBnd:	0000000000000000"
	assert_line "CapAmb:	0000000000000000"
}

@test "nsinit: the bounding set is exactly the listed capabilities" {
	# CAP_CHOWN is bit 0, CAP_KILL bit 5, CAP_NET_RAW bit 13.
	confine_bundle --seccomp none --cap-drop ALL --cap-add CAP_CHOWN --cap-add CAP_KILL \
		--cap-add CAP_NET_RAW -- sh -c "$status_caps"
	run -0 --separate-stderr confine_run
	assert_line "CapBnd:	0000000000002021"
	assert_line "CapEff:	0000000000002021"
	assert_line "CapPrm:	0000000000002021"
}

@test "nsinit: a non-root process keeps ambient capabilities across exec" {
	confine_bundle --seccomp none --uid 1000 --gid 1000 --cap-drop ALL \
		--cap-add CAP_NET_BIND_SERVICE --cap-add-inheritable CAP_NET_BIND_SERVICE \
		--cap-add-ambient CAP_NET_BIND_SERVICE -- sh -c "id -u; $status_caps"
	run -0 --separate-stderr confine_run
	assert_line --index 0 1000
	assert_line "CapAmb:	0000000000000400"
	assert_line "CapEff:	0000000000000400"
	assert_line "CapInh:	0000000000000400"
}

@test "nsinit: a non-root process without ambient capabilities has none effective" {
	confine_bundle --seccomp none --uid 1000 --gid 1000 -- sh -c "id -u; $status_caps"
	run -0 --separate-stderr confine_run
	assert_line --index 0 1000
	assert_line "CapEff:	0000000000000000"
	assert_line "CapPrm:	0000000000000000"
	# The bounding set still holds the defaults: a setuid binary could use them.
	refute_line "CapBnd:	0000000000000000"
}

@test "nsinit: an unknown capability name is a warning naming it, and the rest applies" {
	confine_bundle --seccomp none --cap-drop ALL --cap-add CAP_KILL -- sh -c "$status_caps"
	confine_edit '.process.capabilities.bounding += ["CAP_NOT_REAL"]'
	run -0 --separate-stderr confine_run
	assert_line "CapBnd:	0000000000000020"
	[[ $stderr == *"unknown or unavailable capability 'CAP_NOT_REAL', ignoring"* ]]
}

@test "nsinit: an effective capability that is not permitted is refused with one error line" {
	confine_bundle --seccomp none --cap-drop ALL --cap-add CAP_KILL -- true
	confine_edit '.process.capabilities.effective += ["CAP_SYS_ADMIN"]'
	run -1 --separate-stderr confine_run
	[[ ${#stderr_lines[@]} -eq 1 ]]
	[[ $stderr == "nsinit: $CONFINE_ID: "*"capability 'CAP_SYS_ADMIN' is effective but not permitted" ]]
}

@test "nsinit: an ambient capability that is not inheritable is refused" {
	confine_bundle --seccomp none --cap-drop ALL --cap-add CAP_KILL --cap-add-ambient CAP_KILL -- true
	run -1 --separate-stderr confine_run
	[[ $stderr == *"capability 'CAP_KILL' is ambient but not both permitted and inheritable" ]]
}

@test "nsinit: without CAP_NET_RAW ping cannot open a raw socket" {
	confine_bundle --seccomp none --cap-drop ALL -- sh -c 'ping -c 1 127.0.0.1 2>&1; true'
	run -0 --separate-stderr confine_run
	assert_output --partial "permission denied"
}

@test "nsinit: in a user namespace the sets and ambient capabilities apply the same way" {
	requires userns
	# An identity mapping: the rootfs copy needs no chown, the namespace is still new.
	confine_bundle --seccomp none --uidmap 0:0:65536 --gidmap 0:0:65536 \
		--uid 1000 --gid 1000 --additional-gids 5 --cap-drop ALL --cap-add CAP_KILL \
		--cap-add-inheritable CAP_KILL --cap-add-ambient CAP_KILL \
		-- sh -c "id -u; id -G; readlink /proc/self/ns/user; $status_caps"
	run -0 --separate-stderr confine_run
	assert_line --index 0 1000
	assert_line --index 1 "1000 5"
	[[ ${lines[2]} != "$(readlink /proc/self/ns/user)" ]]
	assert_line "CapBnd:	0000000000000020"
	assert_line "CapAmb:	0000000000000020"
	assert_line "CapEff:	0000000000000020"
}

@test "nsinit: a capability the runtime itself lacks is a warning, and the rest applies" {
	command -v capsh >/dev/null || skip "needs capsh (libcap2-bin)"
	confine_bundle --seccomp none --cap-drop ALL --cap-add CAP_SYS_MODULE --cap-add CAP_KILL \
		-- grep '^CapBnd' /proc/self/status
	# capsh -- -c runs bash with our arguments as $0, $1, ...
	run -0 --separate-stderr capsh --drop=cap_sys_module -- \
		-c 'exec timeout 30 "$0" --root "$1" run --bundle "$2" "$3" 3>&-' \
		"$NSINIT" "$BATS_TEST_TMPDIR/state" "$BUNDLE" "$CONFINE_ID"
	assert_output "CapBnd:	0000000000000020"
	[[ $stderr == *"unknown or unavailable capability 'CAP_SYS_MODULE', ignoring"* ]]
}
