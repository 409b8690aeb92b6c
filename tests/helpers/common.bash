#!/bin/bash
# Shared bats helpers: where the binaries are, per-test bundles, requirements.
# Loaded by every suite with `load ../helpers/common`; add functions, keep old ones working.

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

CT_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$CT_ROOT/$BUILD
SPECGEN=$BUILD/specgen
NSINIT=$BUILD/nsinit
NSENTER_LITE=$BUILD/nsenter-lite
ROOTFS=$BUILD/rootfs
export CT_ROOT BUILD SPECGEN NSINIT NSENTER_LITE ROOTFS

# Skips the test unless each named requirement holds: root, userns, rootfs, runc, jq.
requires() {
	local r
	for r in "$@"; do
		case $r in
		root) [[ $(id -u) -eq 0 ]] || skip "needs root" ;;
		userns) unshare --user true 2>/dev/null || skip "needs user namespaces" ;;
		rootfs) [[ -x $ROOTFS/bin/busybox ]] || skip "needs the test rootfs: make rootfs" ;;
		runc) command -v runc >/dev/null || skip "needs runc" ;;
		jq) command -v jq >/dev/null || skip "needs jq" ;;
		*) fail "requires: unknown requirement '$r'" ;;
		esac
	done
}

# Makes a bundle directory under $BATS_TEST_TMPDIR with a copy of the busybox
# rootfs (never build/rootfs itself, which other tests share); prints its path.
make_bundle() {
	local dir=${1:-$BATS_TEST_TMPDIR/bundle}
	mkdir -p "$dir"
	cp -a "$ROOTFS" "$dir/rootfs"
	printf '%s\n' "$dir"
}

# rootless_bundle JQ_FILTER: a bundle at $BATS_TEST_TMPDIR/rootless/bundle from
# `nsinit spec --rootless` with JQ_FILTER applied to its config, owned by nobody
# (65534), who can reach it; rootless_run runs nsinit there as nobody.
rootless_bundle() {
	local dir=$BATS_TEST_TMPDIR/rootless
	command -v setpriv >/dev/null || skip "needs setpriv"
	# nobody must reach the bundle: the run directory is ours and 0700.
	chmod 0711 "$BATS_RUN_TMPDIR"
	mkdir -p "$dir"
	make_bundle "$dir/bundle" >/dev/null
	(cd "$dir/bundle" && "$NSINIT" spec --rootless) || fail "nsinit spec --rootless"
	jq "$1" "$dir/bundle/config.json" >"$dir/c" && mv "$dir/c" "$dir/bundle/config.json"
	chown -R 65534:65534 "$dir"
}

rootless_run() {
	local dir=$BATS_TEST_TMPDIR/rootless
	setpriv --reuid 65534 --regid 65534 --clear-groups -- \
		"$NSINIT" --root "$dir/state" run --bundle "$dir/bundle" "$@"
}

# --- nsinit lifecycle helpers -------------------------------------------------
# nsinit with a private state root under $BATS_TEST_TMPDIR (never /run/nsinit).
nsinit() {
	"$NSINIT" --root "$BATS_TEST_TMPDIR/state" "$@"
}

# ct_bundle [specgen generate args...]: a bundle at $BUNDLE with a copy of the
# rootfs and config.json from `specgen generate`.
ct_bundle() {
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	[[ -d $BUNDLE/rootfs ]] || make_bundle "$BUNDLE" >/dev/null
	"$SPECGEN" generate --bundle "$BUNDLE" "$@"
}

# ct_edit JQ: edits $BUNDLE/config.json in place with a jq program.
ct_edit() {
	jq "$@" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" &&
		mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# A container id unique on this machine (cgroups are named after ids): ct_id [SUFFIX].
ct_id() {
	printf 'ct%s-%s-%s\n' "$BATS_ROOT_PID" "$BATS_TEST_NUMBER" "${1:-0}"
}

# ct_status ID: the status `nsinit state` computes.
ct_status() {
	nsinit state "$1" | jq -r .status
}

# ct_wait_status ID STATUS: polls up to 5 s.
ct_wait_status() {
	local _
	for _ in $(seq 50); do
		[[ $(ct_status "$1" 2>/dev/null) == "$2" ]] && return 0
		sleep 0.1
	done
	return 1
}

# Removes every container of this test's private root (teardown).
ct_cleanup() {
	local d
	for d in "$BATS_TEST_TMPDIR"/state/*/; do
		[[ -d $d ]] || continue
		nsinit delete --force "$(basename "$d")" >/dev/null 2>&1 || true
	done
}

# ct_create ID [create flags...]: nsinit create of $BUNDLE with the container's
# stdio away from bats (an init holding bats's pipe would hang `run`).
ct_create() {
	local id=$1
	shift
	nsinit create --bundle "$BUNDLE" "$@" "$id" </dev/null >"$BATS_TEST_TMPDIR/$id.out" \
		2>"$BATS_TEST_TMPDIR/$id.err"
}

# ct_run_detached ID [run flags...]: nsinit run --detach, stdio as ct_create.
ct_run_detached() {
	local id=$1
	shift
	nsinit run --detach --bundle "$BUNDLE" "$@" "$id" </dev/null \
		>"$BATS_TEST_TMPDIR/$id.out" 2>"$BATS_TEST_TMPDIR/$id.err"
}

# Lets a container's mapped root (an unprivileged host uid) reach $BUNDLE:
# bats makes its run directory 0700.
ct_bundle_traversable() {
	local d=$BUNDLE
	while [[ $d != / && $d != /tmp ]]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}

# signal_and_reap PID WHAT SIGNAL...: sends the signals to PID (a job of this shell), gives
# it 10 s to end, else kills it and fails with "WHAT", and sets $status to its exit status.
# shellcheck disable=SC2034 # status is read by the calling test, as after bats's run
signal_and_reap() {
	local pid=$1 what=$2 sig _
	shift 2
	for sig; do
		kill "-$sig" "$pid"
	done
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		wait "$pid" || true
		fail "$what"
	fi
	status=0
	wait "$pid" || status=$?
}
