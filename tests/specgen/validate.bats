#!/usr/bin/env bats
# specgen validate: the spec's own test corpus, a directory of invalid and
# valid configs, output formats, exit codes and the --host checks.
bats_require_minimum_version 1.5.0
load ../helpers/common

CASES=$BATS_TEST_DIRNAME/cases
# runtime-spec v1.3.0 schema/test, copied in: config, state and features, good and bad.
SPEC_TESTS=$CASES/spec-corpus

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# Runs specgen validate in a case directory, so findings name "config.json".
validate_in() {
	cd "$1" && "$SPECGEN" validate
}

# A minimal Linux config with the namespaces most checks look for.
write_config() {
	cat >"${1:-config.json}" <<-'JSON'
		{
		    "ociVersion": "1.3.0",
		    "root": {"path": "rootfs"},
		    "process": {"cwd": "/", "args": ["sh"]},
		    "linux": {"namespaces": [{"type": "mount"}, {"type": "pid"}]}
		}
	JSON
}

# Rewrites config.json with a jq filter.
edit_config() {
	jq "$1" config.json >config.json.new && mv config.json.new config.json
}

@test "specgen validate: accepts every good config of the runtime-spec test corpus" {
	for f in "$SPEC_TESTS"/config/good/*.json; do
		run "$SPECGEN" validate "$f"
		[[ $status -eq 0 ]] || fail "rejected $f: $output"
		refute_output --partial ': error: '
	done
}

@test "specgen validate: rejects every bad config of the corpus for its own reason" {
	declare -A reason=(
		[freebsd-vnet-disable]="/freebsd/jail/vnet: unknown sharing mode 'disable'"
		[invalid-json]="error: /: invalid JSON at line 1, column 2"
		[linux-hugepage]="/linux/resources/hugepageLimits/0/pageSize: invalid page size"
		[linux-netdevice]="/linux/netDevices/eth0/name: wrong type (expected string, found 23)"
		[linux-rdma]="/linux/resources/rdma/mlx5_1/hcaHandles: wrong type (expected integer"
	)
	for f in "$SPEC_TESTS"/config/bad/*.json; do
		name=$(basename "$f" .json)
		[[ -n ${reason[$name]:-} ]] || fail "no expected reason for new corpus file $name"
		run -1 "$SPECGEN" validate "$f"
		assert_output --partial "${reason[$name]}"
	done
}

@test "specgen validate: checks state and features documents with --kind" {
	run -0 "$SPECGEN" validate --kind state "$SPEC_TESTS/state/good/spec-example.json"
	run -1 "$SPECGEN" validate --kind state "$SPEC_TESTS/state/bad/invalid-json.json"
	assert_output --partial 'invalid JSON at line 1'
	for f in "$SPEC_TESTS"/features/good/*.json; do
		run -0 "$SPECGEN" validate --kind features "$f"
	done
	run -1 "$SPECGEN" validate --kind features "$SPEC_TESTS/features/bad/missing-ociVersionMax.json"
	assert_output --partial "error: /: missing required key 'ociVersionMax'"
}

@test "specgen validate: state rules: absolute bundle, pid when running, known status" {
	printf '%s\n' '{"ociVersion": "1.3.0", "id": "web", "status": "running", "bundle": "b"}' >state.json
	run -1 "$SPECGEN" validate --kind state state.json
	assert_output --partial "error: /bundle: bundle is not absolute"
	assert_output --partial "error: /: missing pid for status 'running'"
	printf '%s\n' '{"ociVersion": "1.3.0", "id": "web", "status": "paused", "bundle": "/b"}' >state.json
	run -1 "$SPECGEN" validate --kind state state.json
	assert_output --partial "error: /status: unknown status 'paused'"
}

@test "specgen validate: features rules: ociVersionMin not newer than ociVersionMax" {
	printf '%s\n' '{"ociVersionMin": "1.2.0", "ociVersionMax": "1.0.0"}' >features.json
	run -1 "$SPECGEN" validate --kind features features.json
	assert_output --partial "error: /ociVersionMin: ociVersionMin is newer than ociVersionMax"
}

@test "specgen validate: prints the expected error line for every invalid case" {
	local failed=() count=0
	for dir in "$CASES"/invalid/*/; do
		name=$(basename "$dir")
		expected=$(<"$dir/error")
		count=$((count + 1))
		run --separate-stderr validate_in "$dir"
		if [[ $status -ne 1 ]] || ! grep -qxF -- "$expected" <<<"$output"; then
			failed+=("$name (exit $status): $output")
		fi
	done
	[[ $count -ge 40 ]] || fail "only $count invalid cases"
	[[ ${#failed[@]} -eq 0 ]] || fail "$(printf '%s\n' "${failed[@]}")"
}

@test "specgen validate: accepts every valid case" {
	local failed=()
	for dir in "$CASES"/valid/*/; do
		run validate_in "$dir"
		if [[ $status -ne 0 ]] || grep -q ': error: ' <<<"$output"; then
			failed+=("$(basename "$dir") (exit $status): $output")
		fi
	done
	[[ ${#failed[@]} -eq 0 ]] || fail "$(printf '%s\n' "${failed[@]}")"
}

@test "specgen validate: a sysctl key in slash form is read as the runtime reads it" {
	# Split at '/' only: the interface name keeps its dot, and the key is a net.* one.
	run -0 validate_in "$CASES/valid/sysctl-slash-form"
	assert_output ''
}

@test "specgen validate: an unknown key is a warning that suggests the nearest key" {
	requires jq
	write_config
	edit_config '.hostnme = "web"'
	run -0 "$SPECGEN" validate
	assert_output "config.json: warning: /hostnme: unknown key 'hostnme'; hint: did you mean 'hostname'?"
}

@test "specgen validate: a value with a newline or a terminal escape is quoted escaped, on one line" {
	requires jq
	write_config
	edit_config '.linux.rootfsPropagation = "bo\ngus\u001b[2J"'
	run -1 "$SPECGEN" validate
	assert_output "config.json: error: /linux/rootfsPropagation: unknown rootfs propagation 'bo\\ngus\\x1b[2J' (expected one of private, shared, slave, unbindable, found \"bo\\ngus\\x1b[2J\")"
	run -2 "$SPECGEN" validate $'--x\ny'
	assert_output "specgen: validate: unknown option '--x\\ny'; see 'specgen validate --help'"
}

@test "specgen and nsenter-lite: help that cannot be written is an error" {
	run -1 bash -c '"$1" --help >/dev/full' _ "$SPECGEN"
	assert_output "specgen: write '<stdout>': No space left on device"
	run -1 bash -c '"$1" validate --help >/dev/full' _ "$SPECGEN"
	assert_output "specgen: write '<stdout>': No space left on device"
	run -1 bash -c '"$1" --help >/dev/full' _ "$NSENTER_LITE"
	assert_output "nsenter-lite: write '<stdout>': No space left on device"
}

@test "specgen validate: --quiet leaves out warnings but not errors" {
	requires jq
	write_config
	edit_config '.hostnme = "web" | .process.cwd = "tmp"'
	run -1 "$SPECGEN" validate --quiet
	refute_output --partial 'warning'
	assert_output --partial "config.json: error: /process/cwd: cwd is not absolute"
}

@test "specgen validate: --json prints every finding as an array of objects" {
	requires jq
	write_config
	edit_config '.hostnme = "web" | .linux.namespaces += [{"type": "pid"}]'
	run -1 --separate-stderr "$SPECGEN" validate --json
	run -0 jq -r '.[] | [.level, .pointer, .message, (.hint // "-")] | join("|")' <<<"$output"
	assert_line "warning|/hostnme|unknown key 'hostnme'|did you mean 'hostname'?"
	assert_line "error|/linux/namespaces/2|duplicate namespace 'pid' (first at /linux/namespaces/1)|keep one entry per type"
}

@test "specgen validate: --json prints an empty array for a clean config" {
	requires jq
	write_config
	run -0 --separate-stderr "$SPECGEN" validate --json
	run -0 jq -e 'type == "array" and length == 0' <<<"$output"
}

@test "specgen validate: --json reports malformed JSON with its line and column" {
	requires jq
	printf '{\n  "ociVersion": "1.3.0",\n}\n' >config.json
	run -1 --separate-stderr "$SPECGEN" validate --json
	run -0 jq -r '.[0].message' <<<"$output"
	assert_output --regexp '^invalid JSON at line 3, column 1: '
}

@test "specgen validate: malformed JSON exits 1 with line and column" {
	printf '{"ociVersion": "1.3.0", "root": {"path": "rootfs"}' >config.json
	run -1 "$SPECGEN" validate
	assert_output --regexp '^config.json: error: /: invalid JSON at line 1, column [0-9]+: '
}

@test "specgen validate: uint64 values above 2^63-1 are refused as too big (LIMITATION)" {
	printf '{"ociVersion": "1.3.0", "root": {"path": "r"}, "linux": {"resources": {"memory": {"swappiness": 18446744073709551615}}}}' >config.json
	run -1 "$SPECGEN" validate
	assert_output --regexp '^config.json: error: /: invalid JSON at line 1, column [0-9]+: too big integer'
}

@test "specgen validate: an unknown but well-formed capability is a warning (config.md: log and skip)" {
	requires jq
	write_config
	edit_config '.process.capabilities = {"bounding": ["CAP_SYS_ADMN", "CAP_NEW_THING"]}'
	run -0 "$SPECGEN" validate
	assert_line "config.json: warning: /process/capabilities/bounding/0: unknown capability 'CAP_SYS_ADMN' will be skipped (expected a capability this system knows, found \"CAP_SYS_ADMN\"); hint: did you mean 'CAP_SYS_ADMIN'?"
	assert_line --partial "warning: /process/capabilities/bounding/1: unknown capability 'CAP_NEW_THING' will be skipped"
}

@test "specgen validate: duplicate keys are refused" {
	printf '{"ociVersion": "1.3.0", "ociVersion": "1.3.0", "root": {"path": "r"}}' >config.json
	run -1 "$SPECGEN" validate
	assert_output --partial 'duplicate'
}

@test "specgen validate: reads the document from stdin with '-'" {
	write_config in.json
	run -0 "$SPECGEN" validate - <in.json
	assert_output ''
	printf '{"ociVersion": "1.3.0"}' | {
		run -1 "$SPECGEN" validate -
		assert_output "<stdin>: error: /: missing required key 'root'; hint: add \"root\": {\"path\": \"rootfs\"}"
	}
}

@test "specgen validate: --bundle DIR reads DIR/config.json" {
	mkdir b
	write_config b/config.json
	run -0 "$SPECGEN" validate --bundle b
	printf '{}' >b/config.json
	run -1 "$SPECGEN" validate --bundle b
	assert_output --partial "b/config.json: error: /: missing required key 'ociVersion'"
}

@test "specgen validate: reads ./config.json by default" {
	write_config
	run -0 "$SPECGEN" validate
	printf '[]' >config.json
	run -1 "$SPECGEN" validate
	assert_output "config.json: error: /: wrong type (expected object, found array)"
}

@test "specgen validate: options may follow the file name" {
	requires jq
	write_config c.json
	run -0 --separate-stderr "$SPECGEN" validate c.json --json --kind config
	run -0 jq -e 'length == 0' <<<"$output"
}

@test "specgen validate: an unreadable file is one error line and exit 2" {
	run -2 --separate-stderr "$SPECGEN" validate x
	assert_output ''
	# shellcheck disable=SC2154 # set by run --separate-stderr
	[[ $stderr == "specgen: validate: open 'x': No such file or directory" ]] || fail "stderr: $stderr"
}

@test "specgen validate: a directory or an endless file is one error line and exit 2" {
	mkdir d
	run -2 --separate-stderr "$SPECGEN" validate d
	[[ $stderr == "specgen: validate: read 'd': Is a directory" ]] || fail "stderr: $stderr"
	# A device is refused; an endless stream stops at the size bound instead of eating memory.
	run -2 --separate-stderr "$SPECGEN" validate /dev/zero
	[[ $stderr == "specgen: validate: read '/dev/zero': not a regular file: Invalid argument" ]] ||
		fail "stderr: $stderr"
	run -1 --separate-stderr "$SPECGEN" generate --template /dev/zero
	[[ $stderr == "specgen: generate: read template: read '/dev/zero': not a regular file: Invalid argument" ]] ||
		fail "stderr: $stderr"
	run -2 --separate-stderr "$SPECGEN" validate - </dev/zero
	[[ $stderr == "specgen: validate: read '<stdin>': larger than 256 MiB: File too large" ]] ||
		fail "stderr: $stderr"
}

@test "specgen validate: usage mistakes exit 2" {
	run -2 "$SPECGEN" validate --bogus
	assert_output --partial "unknown option '--bogus'"
	run -2 "$SPECGEN" validate --kind nope
	assert_output --partial "unknown kind 'nope'"
	run -2 "$SPECGEN" validate a.json b.json
	assert_output --partial "unexpected argument 'b.json'"
	run -2 "$SPECGEN" validate --bundle . config.json
	assert_output --partial "not both"
	run -2 "$SPECGEN" validate --host --kind state s.json
	assert_output --partial "--host applies to configs only"
	run -2 "$SPECGEN" validate --bundle
	assert_output "specgen: validate: --bundle: expected a value"
	run -2 "$SPECGEN" validate -k
	assert_output "specgen: validate: -k: expected a value"
	# An empty bundle would read /config.json, an empty file name nothing sensible.
	run -2 "$SPECGEN" validate --bundle ''
	assert_output "specgen: validate: --bundle '': expected a directory"
	run -2 "$SPECGEN" validate ''
	assert_output "specgen: validate: '': expected a file name, or '-' for stdin"
}

@test "specgen validate: --help prints usage and exits 0" {
	run -0 "$SPECGEN" validate --help
	assert_output --partial 'usage: specgen validate'
	assert_output --partial '--host'
}

@test "specgen validate: --host accepts a bundle whose rootfs, hooks and namespace files exist" {
	requires jq
	mkdir -p b/rootfs
	write_config b/config.json
	(cd b && edit_config '.hooks.prestart = [{"path": "/bin/true"}]
		| .linux.namespaces += [{"type": "network", "path": "/proc/self/ns/net"}]')
	run -0 "$SPECGEN" validate --host --bundle b
	refute_output --partial 'error'
}

@test "specgen validate: --host takes a relative rootfs from the bundle, not the working directory" {
	mkdir -p b rootfs
	write_config b/config.json
	run -1 "$SPECGEN" validate --host --bundle b
	assert_output --partial "b/config.json: error: /root/path: rootfs 'b/rootfs': No such file or directory"
	touch b/rootfs
	run -1 "$SPECGEN" validate --host b/config.json
	assert_output --partial "error: /root/path: rootfs 'b/rootfs' is not a directory"
}

@test "specgen validate: --host refuses missing and non-executable hooks" {
	requires jq
	mkdir rootfs
	write_config
	printf '#!/bin/sh\n' >hook.sh
	chmod 0644 hook.sh
	edit_config ".hooks.poststart = [{\"path\": \"$PWD/hook.sh\"}, {\"path\": \"$PWD/none\"}]"
	run -1 "$SPECGEN" validate --host
	assert_output --partial "error: /hooks/poststart/0/path: hook '$PWD/hook.sh' is not executable"
	assert_output --partial "error: /hooks/poststart/1/path: hook '$PWD/none': No such file or directory"
}

@test "specgen validate: --host checks the type of joined namespace files" {
	requires jq
	mkdir rootfs
	write_config
	mkfifo fifo
	edit_config '.linux.namespaces = [{"type": "mount"}, {"type": "network", "path": "/proc/self/ns/uts"},
		{"type": "ipc", "path": "/etc/hostname"}, {"type": "uts", "path": "/proc/self/ns/none"},
		{"type": "pid", "path": "'"$PWD"'/fifo"}]'
	# A FIFO is not opened to find out: the check would wait for a writer for good.
	run -1 timeout 20 "$SPECGEN" validate --host
	assert_output --partial "error: /linux/namespaces/1/path: '/proc/self/ns/uts' is not a network namespace"
	assert_output --partial "error: /linux/namespaces/2/path: '/etc/hostname' is not a namespace"
	assert_output --partial "error: /linux/namespaces/3/path: open namespace '/proc/self/ns/none': No such file or directory"
	assert_output --partial "error: /linux/namespaces/4/path: '$PWD/fifo' is not a namespace file"
}

@test "specgen validate: --host needs host devices and bind sources that exist" {
	requires jq
	mkdir rootfs
	write_config
	edit_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]
		| .linux.devices = [{"type": "c", "path": "/dev/null", "major": 1, "minor": 3},
			{"type": "c", "path": "/dev/no-such-device", "major": 1, "minor": 99}]
		| .mounts = [{"destination": "/data", "source": "data", "options": ["rbind"]}]'
	run -1 "$SPECGEN" validate --host
	assert_output --partial "error: /linux/devices/1/path: host device '/dev/no-such-device': No such file or directory"
	refute_output --partial '/linux/devices/0'
	assert_output --partial "error: /mounts/0/source: bind source './data': No such file or directory"
	mkdir data
	run -1 "$SPECGEN" validate --host
	refute_output --partial '/mounts/0'
}

@test "specgen validate: without --host nothing on this machine is looked at" {
	write_config
	run -0 "$SPECGEN" validate
	assert_output ''
}
