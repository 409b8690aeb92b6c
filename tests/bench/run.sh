#!/bin/bash
# Runs every tests/bench/bench_*.sh in turn. Each one times our tool next to
# its peers (runc, crun, util-linux) on the same input and prints ratios.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export BUILD
rc=0
for b in tests/bench/bench_*.sh; do
	[[ -f $b ]] || continue
	echo "== ${b##*/}"
	bash "$b" || rc=1
done
exit $rc
