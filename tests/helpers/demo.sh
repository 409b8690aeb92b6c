#!/bin/bash
# make demo: a container from the busybox rootfs, its config piped from
# `specgen generate` into `nsinit run --config -`: its own hostname, sh as
# pid 1 of its own pid namespace, and its mounts. Cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$PWD/$BUILD

if [[ $(id -u) -ne 0 ]]; then
	echo "demo: run as root (nsinit creates namespaces and mounts)" >&2
	exit 1
fi

tmp=$(mktemp -d /tmp/nsinit-demo.XXXXXX)
id=demo-$$
root=$tmp/state
cleanup() {
	"$BUILD/nsinit" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/bundle"
cp -a "$BUILD/rootfs" "$tmp/bundle/rootfs"

# shellcheck disable=SC2016 # expanded inside the container
script='echo "hostname: $(hostname)"; echo; echo "processes (pid 1 is this sh):"; ps -o pid,comm;
echo; echo "mounts:"; cut -d" " -f2,3 /proc/self/mounts'

echo "\$ specgen generate --hostname demo -- sh -c '...' | nsinit run --bundle $tmp/bundle --config - $id"
echo
"$BUILD/specgen" generate --hostname demo -- sh -c "$script" |
	"$BUILD/nsinit" --root "$root" run --bundle "$tmp/bundle" --config - "$id"
echo
echo "host hostname: $(hostname); the container and its state are gone:"
"$BUILD/nsinit" --root "$root" list
