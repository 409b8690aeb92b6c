# shellcheck shell=bash
# Helpers for the suites on how nsinit confines the container's process
# (capabilities, seccomp, rlimits, process attributes): a bundle made by
# `specgen generate`, edits with jq, and one foreground `nsinit run`.

# Writes $BUNDLE/config.json from specgen flags ("-- COMMAND..." last), with
# a copy of the busybox rootfs made on first use. Sets BUNDLE and CONFINE_ID.
confine_bundle() {
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	CONFINE_ID=$(basename "$BATS_TEST_FILENAME" .bats)-$BATS_TEST_NUMBER-$$
	[[ -d $BUNDLE/rootfs ]] || make_bundle "$BUNDLE" >/dev/null
	"$SPECGEN" generate --bundle "$BUNDLE" --no-terminal "$@"
}

# Applies a jq filter (with jq's own arguments before it) to $BUNDLE/config.json.
confine_edit() {
	local cfg=$BUNDLE/config.json
	jq "$@" "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
}

# Runs the bundle in the foreground, state under $BATS_TEST_TMPDIR; never hangs a suite.
# Arguments are nsinit's global options (--debug, --log FILE, ...).
confine_run() {
	timeout 30 "$NSINIT" --root "$BATS_TEST_TMPDIR/state" "$@" run --bundle "$BUNDLE" "$CONFINE_ID" 3>&-
}

# Removes what a failed or timed-out run may have left.
confine_cleanup() {
	if [[ -n ${CONFINE_ID:-} && -d $BATS_TEST_TMPDIR/state ]]; then
		"$NSINIT" --root "$BATS_TEST_TMPDIR/state" delete --force "$CONFINE_ID" >/dev/null 2>&1 || true
	fi
}
