#!/bin/bash
# specgen generate and validate next to Debian's `runc spec`: mean and best wall
# time over many runs (hyperfine, no shell in between), the ratio to runc, and
# the time left once a do-nothing static program's start-up is taken away (the
# floor any process pays on this machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RUNS=${BENCH_RUNS:-300}
specgen=$BUILD/specgen
tmp=$(mktemp -d /tmp/ct-bench-specgen.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for tool in hyperfine jq runc gcc; do
	command -v "$tool" >/dev/null || { echo "bench: '$tool' missing; run 'make deps'" >&2; exit 1; }
done

printf 'int main(void) { return 0; }\n' >"$tmp/noop.c"
gcc -O2 -static -o "$tmp/noop" "$tmp/noop.c"
"$specgen" generate >"$tmp/config.json"
mkdir "$tmp/runc"

hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$tmp/result.json" \
	-n noop "$tmp/noop" \
	-n "specgen generate" "$specgen generate" \
	-n "specgen validate" "$specgen validate $tmp/config.json" \
	-n "runc spec" --prepare "rm -f $tmp/runc/config.json" "runc spec --bundle $tmp/runc" \
	>/dev/null

jq -r '
	(.results | map({key: .command, value: .}) | from_entries) as $r
	| ["command", "mean ms", "best ms", "mean - start-up ms", "runc spec / this (mean)"],
	  (.results[] | select(.command != "noop") |
	   [.command,
	    (.mean * 1000 * 100 | round / 100),
	    (.min * 1000 * 100 | round / 100),
	    ((.mean - $r["noop"].mean) * 1000 * 100 | round / 100),
	    ($r["runc spec"].mean / .mean * 100 | round / 100)])
	| @tsv' "$tmp/result.json" | column -t -s $'\t'
echo "start-up floor (static no-op): $(jq -r '.results[0] | "\(.mean * 1000 * 100 | round / 100) ms mean, \(.min * 1000 * 100 | round / 100) ms best"' "$tmp/result.json")"

# The 100 MB document of the parser's hostile-input unit test, timed here rather
# than asserted there: 1.6 million env entries of 64 bytes.
awk 'BEGIN {
	printf "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"rootfs\"}, "
	printf "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"env\": ["
	for (i = 0; i < 1600000; i++)
		printf "%s\"V%09d=%051d\"", (i ? "," : ""), i, 0
	printf "]}}\n"
}' >"$tmp/big.json"
hyperfine -N --runs 3 --export-json "$tmp/big.json.result" \
	-n "specgen validate (100 MB)" "$specgen validate --quiet $tmp/big.json" >/dev/null
jq -r --arg size "$(stat -c %s "$tmp/big.json")" \
	'.results[0] | "specgen validate of a \($size)-byte config: \(.mean * 100 | round / 100) s mean, \(.min * 100 | round / 100) s best"' \
	"$tmp/big.json.result"

# Instructions executed do not depend on load: the steadier figure on a busy machine.
if command -v valgrind >/dev/null; then
	for args in "generate" "validate $tmp/config.json"; do
		# shellcheck disable=SC2086
		n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$specgen" $args 2>&1 >/dev/null |
			awk '/Collected/ { print $4 }')
		echo "specgen $args: ${n:-?} instructions (callgrind)"
	done
fi
