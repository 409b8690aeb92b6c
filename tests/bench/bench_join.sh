#!/bin/bash
# Joining a running container: `nsinit exec ID true` and `nsenter-lite
# --container ID true` next to `runc exec`, `crun exec` and util-linux
# `nsenter -a -t PID true`, each against a long-running busybox container of
# its own runtime (private --root under /tmp). Prints mean and best wall time
# and each one's speed relative to crun exec. Every container is deleted at
# the end, on failure too.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RUNS=${BENCH_RUNS:-100}
[[ $BUILD = /* ]] || BUILD=$PWD/$BUILD
nsinit=$BUILD/nsinit
nsenter_lite=$BUILD/nsenter-lite

for tool in hyperfine jq runc crun nsenter; do
	command -v "$tool" >/dev/null || { echo "bench: '$tool' missing; run 'make deps'" >&2; exit 1; }
done
[[ $(id -u) -eq 0 ]] || { echo "bench: joining containers needs root" >&2; exit 1; }
[[ -x $BUILD/rootfs/bin/busybox ]] || { echo "bench: no rootfs; run 'make rootfs'" >&2; exit 1; }

# crun refuses hybrid hosts whose cgroup2 holds a controller (hugetlb here).
# So every runtime runs in a private mount namespace without the unified
# mount: all of them then see the same v1 hierarchies, and the host's mounts
# are untouched.
if [[ -z ${CT_BENCH_JOIN_PRIVATE:-} && -n $(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null) ]]; then
	export CT_BENCH_JOIN_PRIVATE=1
	exec unshare --mount --propagation private -- bash "$0" "$@"
fi
if [[ -n ${CT_BENCH_JOIN_PRIVATE:-} ]]; then
	umount -l /sys/fs/cgroup/unified
	echo "(cgroup2 at /sys/fs/cgroup/unified hidden in a private mount namespace: crun refuses hybrid hosts)"
fi

tmp=$(mktemp -d /tmp/ct-bench-join.XXXXXX)
# The state roots on a tmpfs, as under /run, so no runtime pays for a disk's fsync.
mount -t tmpfs -o mode=0700 ct-bench "$tmp"
id=bench-join-$$
started=()

cleanup() {
	local rt
	for rt in "${started[@]}"; do
		case $rt in
		nsinit) "$nsinit" --root "$tmp/nsinit-root" delete --force "$id" >/dev/null 2>&1 || true ;;
		*) "$rt" --root "$tmp/$rt-root" delete --force "$id" >/dev/null 2>&1 || true ;;
		esac
	done
	umount -l "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# One bundle per runtime: the same busybox tree running `sleep 1000`.
make_bundle() {
	local dir=$tmp/$1
	mkdir -p "$dir"
	cp -a "$BUILD/rootfs" "$dir/rootfs"
	if [[ $1 == nsinit ]]; then
		"$BUILD/specgen" generate --bundle "$dir" -- sleep 1000
	else
		runc spec --bundle "$dir"
		jq '.process.args = ["sleep", "1000"] | .process.terminal = false' \
			"$dir/config.json" >"$dir/config.json.new"
		mv "$dir/config.json.new" "$dir/config.json"
	fi
}

start() {
	local rt=$1 cmd=("$1")
	[[ $rt == nsinit ]] && cmd=("$nsinit")
	make_bundle "$rt"
	started+=("$rt")
	(cd "$tmp/$rt" && "${cmd[@]}" --root "$tmp/$rt-root" run -d "$id") \
		</dev/null >/dev/null 2>"$tmp/$rt.err" ||
		{ echo "bench: $rt run -d failed: $(cat "$tmp/$rt.err")" >&2; exit 1; }
}

for rt in nsinit runc crun; do
	start "$rt"
done
pid=$("$nsinit" --root "$tmp/nsinit-root" state "$id" | jq -r .pid)

hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$tmp/result.json" \
	-n "nsinit exec" "$nsinit --root $tmp/nsinit-root exec $id true" \
	-n "nsenter-lite --container" "$nsenter_lite --container $id --root $tmp/nsinit-root true" \
	-n "nsenter-lite -a -t PID" "$nsenter_lite -a -t $pid true" \
	-n "nsenter -a -t PID" "nsenter -a -t $pid true" \
	-n "runc exec" "runc --root $tmp/runc-root exec $id true" \
	-n "crun exec" "crun --root $tmp/crun-root exec $id true" \
	>/dev/null 2>"$tmp/hyperfine.err" || { cat "$tmp/hyperfine.err" >&2; exit 1; }

jq -r '
	(.results | map({key: .command, value: .}) | from_entries) as $r
	| ["command", "mean ms", "best ms", "crun exec / this (mean)", "(best)"],
	  (.results[] |
	   [.command,
	    (.mean * 1000 * 100 | round / 100),
	    (.min * 1000 * 100 | round / 100),
	    ($r["crun exec"].mean / .mean * 100 | round / 100),
	    ($r["crun exec"].min / .min * 100 | round / 100)])
	| @tsv' "$tmp/result.json" | column -t -s $'\t'
echo "(nsinit exec and nsenter-lite --container load the filter compiled by their first run; see common/join_seccomp.c)"
