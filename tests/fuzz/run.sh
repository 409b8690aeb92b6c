#!/bin/bash
# Builds every libFuzzer target in tests/fuzz (clang, ASan + UBSan + leak
# detection) against common/*.c, seeds each corpus with the runtime-spec's
# example documents (copied into tests/specgen/cases/spec-corpus), runs it for FUZZ_SECONDS (default 60) and prints the
# number of executions. Exits non-zero when a target crashed or leaked.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
SEEDS=${CT_SCHEMA_TESTS:-tests/specgen/cases/spec-corpus}
out=$BUILD/fuzz
pkgs=(jansson libcap libseccomp)
read -ra pkg_cflags <<<"$(pkg-config --cflags "${pkgs[@]}")"
read -ra pkg_libs <<<"$(pkg-config --libs "${pkgs[@]}")"
cflags=(-std=gnu11 -D_GNU_SOURCE -I. -g -O1 -fno-omit-frame-pointer
	"-fsanitize=address,undefined" -fno-sanitize-recover=all "${pkg_cflags[@]}")

mkdir -p "$out/obj"
objs=()
for src in common/*.c; do
	obj=$out/obj/$(basename "${src%.c}").o
	if [[ ! -e $obj || $src -nt $obj || common/spec.h -nt $obj ]]; then
		clang "${cflags[@]}" -fsanitize=fuzzer-no-link -c -o "$obj" "$src" ||
			{ echo "fuzz: compile '$src' failed" >&2; exit 1; }
	fi
	objs+=("$obj")
done
# An archive, as the Makefile's libcommon.a: a target links only the objects it uses.
lib=$out/libcommon-fuzz.a
rm -f "$lib"
ar rcs "$lib" "${objs[@]}" || { echo "fuzz: archive '$lib' failed" >&2; exit 1; }

# A dictionary of every key our sample and test configs name, so mutations reach deep
# fields quickly.
dict=$out/spec.dict
grep -rhoE '"[A-Za-z0-9_]+" *:' tests/specgen/cases spec/samples 2>/dev/null | sed -E 's/ *:$//' | sort -u |
	sed -E 's/^"(.*)"$/"\\"\1\\":"/' >"$dict"

rc=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "${src%.c}")
	bin=$out/$name
	corpus=$out/corpus-$name
	clang "${cflags[@]}" -fsanitize=fuzzer -o "$bin" "$src" "$lib" "${pkg_libs[@]}" ||
		{ echo "fuzz: link '$name' failed" >&2; exit 1; }
	mkdir -p "$corpus"
	# Seeds named by their path: several directories hold a "minimal.json".
	while IFS= read -r seed; do
		rel=${seed#"$SEEDS"/}
		cp "$seed" "$corpus/seed-${rel//\//-}"
	done < <(find "$SEEDS" -name '*.json')
	log=$out/$name.log
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$bin" -max_total_time="$FUZZ_SECONDS" -max_len=16384 -timeout=10 \
		-rss_limit_mb=4096 -dict="$dict" -artifact_prefix="$out/$name-" \
		-print_final_stats=1 "$corpus" >"$log" 2>&1
	status=$?
	execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)
	echo "fuzz: $name: ${execs:-0} executions in ${FUZZ_SECONDS}s, exit $status"
	if [[ $status -ne 0 ]]; then
		grep -E 'ERROR|SUMMARY|leak|deadly|timeout' "$log" | head -20 >&2
		echo "fuzz: $name: failed; reproducer and log in '$out'" >&2
		rc=1
	fi
done
exit $rc
