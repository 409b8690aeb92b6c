#!/bin/bash
# `nsinit run` of /bin/true, sequentially, next to `runc run` and `crun run` on
# the same bundle and config (runc spec, args /bin/true, no terminal), in
# rounds: mean and median wall time per run and their ratios to crun, the peak
# RSS of one run, and the binary sizes. Peak RSS is given twice: the runtime's own
# process (peak-rss reads its VmHWM as it exits), and GNU time's, which is the
# largest of the runtime and every process it waited for, the container's
# /bin/true among them. All runtimes run in a private
# mount namespace without the cgroup2 mount, which crun refuses on this hybrid
# host.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RUNS=${BENCH_RUNS:-100}
[[ $BUILD = /* ]] || BUILD=$PWD/$BUILD
nsinit=$BUILD/nsinit

for tool in hyperfine jq runc crun; do
	command -v "$tool" >/dev/null || { echo "bench: '$tool' missing; run 'make deps'" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "bench: GNU time missing; run 'make deps'" >&2; exit 1; }
[[ -x $BUILD/tests/bench/peak-rss ]] || { echo "bench: no peak-rss; run 'make bench'" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "bench: running containers needs root" >&2; exit 1; }
[[ -x $BUILD/rootfs/bin/busybox ]] || { echo "bench: no rootfs; run 'make rootfs'" >&2; exit 1; }

if [[ -z ${CT_BENCH_RUN_PRIVATE:-} ]]; then
	export CT_BENCH_RUN_PRIVATE=1
	exec unshare --mount --propagation private -- bash "$0" "$@"
fi
if [[ -n $(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null) ]]; then
	umount -l /sys/fs/cgroup/unified
	echo "(cgroup2 at /sys/fs/cgroup/unified hidden in a private mount namespace: crun refuses hybrid hosts)"
fi

tmp=$(mktemp -d /tmp/ct-bench-run.XXXXXX)
# State roots on a tmpfs, as /run/nsinit, /run/runc and /run/crun are: a disk-backed
# /tmp would time the file system's fsync instead of the runtimes.
mkdir "$tmp/state"
mount -t tmpfs -o mode=0700 ct-bench "$tmp/state"
id=bench-run-$$
cleanup() {
	local rt
	for rt in nsinit runc crun; do
		"$(cmd_of "$rt")" --root "$tmp/state/$rt-root" delete --force "$id" >/dev/null 2>&1 || true
	done
	umount "$tmp/state" 2>/dev/null
	rm -rf "$tmp"
}
cmd_of() {
	if [[ $1 == nsinit ]]; then echo "$nsinit"; else command -v "$1"; fi
}
trap cleanup EXIT

mkdir -p "$tmp/bundle"
cp -a "$BUILD/rootfs" "$tmp/bundle/rootfs"
runc spec --bundle "$tmp/bundle"
# runc spec lists ambient capabilities that are not inheritable; nsinit refuses that.
jq '.process.args = ["/bin/true"] | .process.terminal = false | del(.process.capabilities.ambient)' \
	"$tmp/bundle/config.json" \
	>"$tmp/config.json"
mv "$tmp/config.json" "$tmp/bundle/config.json"

# Each must work once before it is timed.
for rt in nsinit runc crun; do
	if ! "$(cmd_of "$rt")" --root "$tmp/state/$rt-root" run --bundle "$tmp/bundle" "$id" </dev/null; then
		echo "bench: $rt run failed on the bench bundle" >&2
		exit 1
	fi
done

# The runs go in rounds, each runtime in turn, so a slow minute of the machine (another
# VM on the host, the kernel's background work) weighs on all three alike.
ROUNDS=${BENCH_ROUNDS:-5}
((RUNS >= ROUNDS)) || ROUNDS=$RUNS
declare -A mean median rss tree size loaded
for ((round = 0; round < ROUNDS; round++)); do
	for rt in nsinit runc crun; do
		bin=$(cmd_of "$rt")
		hyperfine -N --runs $((RUNS / ROUNDS)) --warmup 3 --export-json "$tmp/$rt.$round.json" \
			--style none "$bin --root $tmp/state/$rt-root run --bundle $tmp/bundle $id" >/dev/null
	done
done
for rt in nsinit runc crun; do
	bin=$(cmd_of "$rt")
	mean[$rt]=$(jq -s '[.[].results[0].times[]] | add / length * 1000' "$tmp/$rt".*.json)
	median[$rt]=$(jq -s '[.[].results[0].times[]] | sort | .[length / 2 | floor] * 1000' "$tmp/$rt".*.json)
	"$BUILD/tests/bench/peak-rss" -o "$tmp/$rt.rss" "$bin" --root "$tmp/state/$rt-root" run \
		--bundle "$tmp/bundle" "$id" </dev/null >/dev/null
	rss[$rt]=$(cat "$tmp/$rt.rss")
	tree[$rt]=$(/usr/bin/time -f %M "$bin" --root "$tmp/state/$rt-root" run --bundle "$tmp/bundle" "$id" \
		2>&1 >/dev/null </dev/null | tail -n1)
	size[$rt]=$(stat -L -c %s "$bin")
	# Code and data as loaded: file sizes differ by debug info and by static linking.
	loaded[$rt]=$(size "$(readlink -f "$bin")" | awk 'NR == 2 { print $1 + $2 }')
done

printf '%d sequential runs of /bin/true, in %d rounds\n' $((RUNS / ROUNDS * ROUNDS)) "$ROUNDS"
printf '%-8s %9s %8s %10s %8s %9s %10s %11s %16s\n' runtime "mean ms" "vs crun" "median ms" \
	"vs crun" "RSS KiB" "tree KiB" "file bytes" "text+data bytes"
for rt in nsinit runc crun; do
	printf '%-8s %9.2f %8.2f %10.2f %8.2f %9s %10s %11s %16s\n' "$rt" "${mean[$rt]}" \
		"$(jq -n "${mean[$rt]} / ${mean[crun]}")" "${median[$rt]}" \
		"$(jq -n "${median[$rt]} / ${median[crun]}")" "${rss[$rt]}" "${tree[$rt]}" "${size[$rt]}" \
		"${loaded[$rt]}"
done
echo "(RSS: the runtime's own process at its exit; tree: GNU time, the largest of it and its children)"
echo "(nsinit is linked static-pie, so its text+data holds its libraries; runc and crun map theirs)"
