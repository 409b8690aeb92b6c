# shellcheck shell=bash
# Helpers for the joining suites (nsenter-lite, nsinit exec): a target process
# in namespaces of its own, started as a util-linux nsenter user would start
# one, and stopped again in teardown.

# Starts `unshare --fork --pid --mount-proc --uts --ipc --net --mount [ARGS] sleep`
# with hostname "joined-target", JOIN_TEST_VAR=from-target in its environment
# and $BATS_TEST_TMPDIR/wd as its cwd. Sets TARGET_PID (pid 1 inside) and
# TARGET_UNSHARE.
join_start_target() {
	local marker=$BATS_TEST_TMPDIR/target.ready
	mkdir -p "$BATS_TEST_TMPDIR/wd"
	rm -f "$marker"
	(cd "$BATS_TEST_TMPDIR/wd" && exec env JOIN_TEST_VAR=from-target \
		unshare --fork --pid --mount-proc --uts --ipc --net --mount "$@" \
		sh -c 'hostname joined-target && touch "$0" && exec sleep 100' "$marker") \
		</dev/null >/dev/null 2>&1 3>&- &
	TARGET_UNSHARE=$!
	TARGET_PID=
	local _i
	for _i in $(seq 200); do
		if [[ -e $marker ]]; then
			TARGET_PID=$(pgrep -P "$TARGET_UNSHARE" | head -n1)
			[[ -n $TARGET_PID && $(cat "/proc/$TARGET_PID/comm" 2>/dev/null) == sleep ]] && break
		fi
		sleep 0.05
	done
	[[ -n $TARGET_PID ]] || fail "the target process did not start"
	export TARGET_PID TARGET_UNSHARE
}

# Kills the target and its unshare parent, if started.
join_stop_target() {
	if [[ -n ${TARGET_PID:-} ]]; then
		kill -KILL "$TARGET_PID" 2>/dev/null || true
	fi
	if [[ -n ${TARGET_UNSHARE:-} ]]; then
		kill -KILL "$TARGET_UNSHARE" 2>/dev/null || true
		wait "$TARGET_UNSHARE" 2>/dev/null || true
	fi
	TARGET_PID=
	TARGET_UNSHARE=
	return 0
}

# The inode of a namespace link: "ns_inode PID NAME".
ns_inode() {
	readlink "/proc/$1/ns/$2"
}
