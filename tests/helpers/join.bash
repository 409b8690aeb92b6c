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
	# shellcheck disable=SC2016 # $0 is for the inner sh
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

# nsinit containers for the joining tests, under a private state root.
NSINIT_TEST_ROOT=
JOIN_CONTAINERS=()

# Starts a detached nsinit container running `sleep 1000` from a bundle made
# with specgen generate and the given extra flags: "container_start ID [FLAGS...]".
# Sets CONTAINER_PID.
container_start() {
	local id=$1 bundle
	shift
	NSINIT_TEST_ROOT=${NSINIT_TEST_ROOT:-$BATS_TEST_TMPDIR/state}
	bundle=$(make_bundle "$BATS_TEST_TMPDIR/bundle-$id")
	"$SPECGEN" generate --bundle "$bundle" "$@" -- sleep 1000
	JOIN_CONTAINERS+=("$id")
	(cd "$bundle" && "$NSINIT" --root "$NSINIT_TEST_ROOT" run -d "$id") \
		</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/run-$id.err" 3>&- ||
		fail "nsinit run -d $id: $(cat "$BATS_TEST_TMPDIR/run-$id.err")"
	CONTAINER_PID=$("$NSINIT" --root "$NSINIT_TEST_ROOT" state "$id" | jq -r .pid)
	[[ $CONTAINER_PID -gt 0 ]] || fail "no pid for container $id"
	export CONTAINER_PID
}

# Kills and deletes every container container_start made (teardown).
container_cleanup() {
	local id
	for id in "${JOIN_CONTAINERS[@]}"; do
		"$NSINIT" --root "$NSINIT_TEST_ROOT" resume "$id" >/dev/null 2>&1 || true
		"$NSINIT" --root "$NSINIT_TEST_ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
	JOIN_CONTAINERS=()
}

# The Cap*, Seccomp and NoNewPrivs lines of a status file (the confinement to compare).
confinement_of() {
	grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|Seccomp|NoNewPrivs):' "$1"
}
