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
