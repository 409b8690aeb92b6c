#!/usr/bin/env bats
# The sample configs shipped in spec/samples are valid, and the full one runs.
bats_require_minimum_version 1.5.0
load ../helpers/common

@test "specgen: every sample config in spec/samples validates" {
	local f n=0
	for f in "$CT_ROOT"/spec/samples/*.json; do
		run "$SPECGEN" validate "$f"
		assert_success
		n=$((n + 1))
	done
	[ "$n" -ge 3 ]
}

@test "specgen: the rootless sample is what 'specgen generate --rootless' writes for root" {
	requires root
	run "$SPECGEN" generate --rootless
	assert_success
	diff <(printf '%s\n' "$output") "$CT_ROOT/spec/samples/rootless.json"
}

@test "specgen: the full sample survives a template round trip unchanged" {
	requires jq
	run "$SPECGEN" generate --template "$CT_ROOT/spec/samples/full.json"
	assert_success
	[ "$(jq -S . <<<"$output")" = "$(jq -S . "$CT_ROOT/spec/samples/full.json")" ]
}
