#!/bin/bash
# Runs the C unit tests and every bats suite, and ends with one line
# "N passed, N failed, N skipped" counted from their TAP output.
# Usage: tests/run.sh [--unit-only | --bats-only] [SUITE.bats ...]
# Naming suites runs only those (no unit tests), with the same isolation.
# With CT_CGROUP2=1 (make check) the qemu cgroup v2 run is counted as well.
#
# As root, the whole run happens in a private mount namespace (nothing a test
# mounts can reach the host) and inside a cgroup made for this run below our
# own in every hierarchy, which is removed at the end.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
export BUILD
mode=all
case ${1:-} in
--unit-only) mode=unit ;;
--bats-only) mode=bats ;;
esac
picked=()
for arg in "$@"; do
	[[ $arg == *.bats ]] && picked+=("$arg")
done
[[ ${#picked[@]} -gt 0 ]] && mode=bats

if [[ $(id -u) -eq 0 && -z ${CT_TEST_ISOLATED:-} ]]; then
	export CT_TEST_ISOLATED=1
	exec unshare --mount --propagation private -- "$0" "$@"
fi

# The sandbox file sets CT_TEST_CGROUP as it loads: look before it does.
outer_test_cgroup=${CT_TEST_CGROUP:-}
# shellcheck source=tests/helpers/cgroup-sandbox.bash
source tests/helpers/cgroup-sandbox.bash
if [[ $(id -u) -eq 0 && -z $outer_test_cgroup ]]; then
	cgroup_sandbox_enter || { echo "run: cannot make the test cgroup" >&2; exit 1; }
	trap cgroup_sandbox_leave EXIT
fi

log=$(mktemp /tmp/ct-tests.XXXXXX)
passed=0
failed=0
skipped=0

tally() {
	local line
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"ok "*"# skip"* | "ok "*"# SKIP"*) skipped=$((skipped + 1)) ;;
		"ok "*) passed=$((passed + 1)) ;;
		"not ok "*) failed=$((failed + 1)) ;;
		esac
	done
}

if [[ $mode != bats ]]; then
	for t in "$BUILD"/tests/unit/test_*; do
		[[ -x $t ]] || continue
		echo "# unit: ${t##*/}"
		"$t" >"$log" 2>&1
		rc=$?
		tally <"$log"
		if [[ $rc -ne 0 ]] && ! grep -q '^not ok' "$log"; then
			echo "not ok - ${t##*/} exited $rc"
			failed=$((failed + 1))
		fi
	done
fi

if [[ $mode != unit ]]; then
	if [[ ${#picked[@]} -gt 0 ]]; then
		suites=("${picked[@]}")
	else
		mapfile -t suites < <(find tests -name '*.bats' -not -path '*/cases/*' | sort)
	fi
	if [[ ${#suites[@]} -gt 0 ]]; then
		# LeakSanitizer stops the world with ptrace at exit, which never returns in a
		# process that made itself undumpable (CVE-2019-5736), and the runtime execs
		# without freeing: no leak checks here (the unit tests keep them).
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
			bats --tap "${suites[@]}" >"$log" 2>&1
		rc=$?
		tally <"$log"
		if [[ $rc -ne 0 ]] && ! grep -q '^not ok' "$log"; then
			echo "not ok - bats exited $rc"
			failed=$((failed + 1))
		fi
	fi
fi
# make check also boots a pure cgroup v2 kernel (tests/cgroup2) and counts its
# results here, so that the run still ends with one summary line.
if [[ $mode == all && -n ${CT_CGROUP2:-} ]]; then
	echo "# cgroup2: the cgroup tests on a pure cgroup v2 kernel under qemu"
	tests/cgroup2/run.sh >"$log" 2>&1
	rc=$?
	tally <"$log"
	if [[ $rc -ne 0 ]] && ! grep -q '^not ok' "$log"; then
		echo "not ok - cgroup2 guest run exited $rc"
		failed=$((failed + 1))
	fi
fi
rm -f "$log"

echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 && $((passed + skipped)) -gt 0 ]]
