#!/usr/bin/env bats
# nsinit cgroups: limits at create, the cgroup namespace, pause/resume, update,
# ps, events and removal, read back from the host's cgroup files.
# shellcheck disable=SC2016 # jq filters are single-quoted on purpose
# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires root rootfs jq
	# Containers nest below our cgroup: it must be the run's private one in every hierarchy.
	if [[ -z ${CT_TEST_CGROUP:-} ]] || grep -qv "/$CT_TEST_CGROUP\$" /proc/self/cgroup; then
		skip "needs the private test cgroup of tests/run.sh"
	fi
	CT_STATE=$BATS_TEST_TMPDIR/state
	CT_ID=cgroups-$$-$BATS_TEST_NUMBER
	BUNDLE=$(make_bundle)
	(cd "$BUNDLE" && "$NSINIT" spec) || fail "nsinit spec"
	cfg '.process.terminal = false | .process.args = ["sleep", "100"]'
}

teardown() {
	[[ -n ${CT_STATE:-} ]] && "$NSINIT" --root "$CT_STATE" delete --force "$CT_ID" 2>/dev/null
	if [[ -n ${CT_ID:-} && -n $(cgroup_dirs_of_id) ]]; then
		fail "cgroups left: $(cgroup_dirs_of_id)"
	fi
}

# Edits the bundle's config.json with a jq filter (extra jq arguments first).
cfg() {
	local filter=${*: -1} tmp=$BUNDLE/config.json.tmp
	jq "${@:1:$#-1}" "$filter" "$BUNDLE/config.json" >"$tmp" && mv "$tmp" "$BUNDLE/config.json"
}

ns() {
	"$NSINIT" --root "$CT_STATE" "$@"
}

# Creates and starts the container (detached, sleeping).
ct_up() {
	ns create --bundle "$BUNDLE" "$CT_ID" || fail "create failed"
	ns start "$CT_ID" || fail "start failed"
}

# The recorded directory of one hierarchy: a v1 controller, or "" for cgroup2.
cg_dir() {
	jq -r --arg c "$1" '.cgroup.dirs[] | select(.controllers == $c or
		(.controllers | split(",") | index($c))) | .path' "$CT_STATE/$CT_ID/state.json" | head -n 1
}

# The file holding a limit: the v1 name when that controller is on v1, else the v2 one.
cg_read() {
	local ctrl=$1 v1=$2 v2=$3 dir
	dir=$(cg_dir "$ctrl")
	if [[ -n $dir && -e $dir/$v1 ]]; then
		cat "$dir/$v1"
	else
		cat "$(cg_dir "")/$v2"
	fi
}

# Every directory named like this test's container below the test cgroup, in any hierarchy.
cgroup_dirs_of_id() {
	find /sys/fs/cgroup -maxdepth 6 -type d -name "$CT_ID" -path "*$CT_TEST_CGROUP*" 2>/dev/null
}

@test "nsinit: create puts the container below the caller's cgroup with its memory, pids and cpu limits" {
	cfg '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 20},
		"cpu": {"shares": 512}}'
	ct_up
	run cg_read memory memory.limit_in_bytes memory.max
	assert_output 67108864
	run cg_read pids pids.max pids.max
	assert_output 20
	run cg_read cpu cpu.shares cpu.weight
	[[ $output == 512 || $output == 20 ]] || fail "cpu share/weight: $output"
	pid=$(jq .pid "$CT_STATE/$CT_ID/state.json")
	run grep -c "$CT_TEST_CGROUP/$CT_ID\$" "/proc/$pid/cgroup"
	[[ $output -ge 1 ]] || fail "init not in its cgroup: $(cat "/proc/$pid/cgroup")"
}

@test "nsinit: the container sees its own cgroup as / in its cgroup namespace" {
	cfg '.process.args = ["cat", "/proc/self/cgroup"]'
	run --separate-stderr ns run --bundle "$BUNDLE" "$CT_ID"
	assert_success
	run grep -vc ':/$' <<<"$output"
	assert_output 0
}

@test "nsinit: delete kills every process left in the cgroup and removes it" {
	cfg '.process.args = ["sh", "-c", "sleep 100 & sleep 100 & wait"]'
	ct_up
	run ns ps --format json "$CT_ID"
	assert_success
	pids=$output
	[[ $(jq length <<<"$pids") -eq 3 ]] || fail "ps: $pids"
	run ns delete --force "$CT_ID"
	assert_success
	[[ -z $(cgroup_dirs_of_id) ]] || fail "cgroup left: $(cgroup_dirs_of_id)"
	for p in $(jq '.[]' <<<"$pids"); do
		[[ ! -d /proc/$p ]] || [[ $(awk '{print $3}' "/proc/$p/stat") == Z ]] || fail "pid $p alive"
	done
}

@test "nsinit: pause freezes the container, state says paused, and resume thaws it" {
	ct_up
	run ns pause "$CT_ID"
	assert_success
	run ns state "$CT_ID"
	assert_success
	[[ $(jq -r .status <<<"$output") == paused ]] || fail "state: $output"
	run cg_read freezer freezer.state cgroup.freeze
	[[ $output == FROZEN || $output == 1 ]] || fail "freezer: $output"
	run ns resume "$CT_ID"
	assert_success
	[[ $(ns state "$CT_ID" | jq -r .status) == running ]] || fail "not running after resume"
	run -1 --separate-stderr ns resume "$CT_ID"
	[[ $stderr == "nsinit: $CT_ID: resume: container not paused" ]] || fail "stderr: $stderr"
}

@test "nsinit: delete --force removes a paused container" {
	ct_up
	ns pause "$CT_ID" || fail "pause failed"
	pid=$(jq .pid "$CT_STATE/$CT_ID/state.json")
	run timeout 20 "$NSINIT" --root "$CT_STATE" delete --force "$CT_ID"
	assert_success
	[[ ! -e $CT_STATE/$CT_ID ]] || fail "state left"
	[[ ! -d /proc/$pid ]] || [[ $(awk '{print $3}' "/proc/$pid/stat") == Z ]] || fail "init $pid alive"
}

@test "nsinit: update changes limits with runc's flags" {
	cfg '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 20}}'
	ct_up
	run ns update --memory 100M --pids-limit 30 --cpu-quota 50000 --cpu-period 100000 "$CT_ID"
	assert_success
	run cg_read memory memory.limit_in_bytes memory.max
	assert_output 104857600
	run cg_read pids pids.max pids.max
	assert_output 30
	run cg_read cpu cpu.cfs_quota_us cpu.max
	[[ $output == 50000 || $output == "50000 100000" ]] || fail "cpu quota: $output"
}

@test "nsinit: update leaves a setting given as 0 alone and takes any negative pids limit as none" {
	cfg '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 20}}'
	ct_up
	run -0 ns update --memory 0 --cpu-period 0 --pids-limit 0 "$CT_ID"
	run cg_read memory memory.limit_in_bytes memory.max
	assert_output 67108864
	run cg_read pids pids.max pids.max
	assert_output 20
	run -0 ns update --pids-limit -5 "$CT_ID"
	run cg_read pids pids.max pids.max
	assert_output max
}

@test "nsinit: update takes byte sizes as runc spells them" {
	ct_up
	local size
	for size in 1.5g:1610612736 64MiB:67108864 "96 mb:100663296" 80m:83886080 -1:; do
		run -0 ns update --memory "${size%%:*}" "$CT_ID"
		run cg_read memory memory.limit_in_bytes memory.max
		if [[ -n ${size#*:} ]]; then
			assert_output "${size#*:}"
		else
			[[ $output == max || $output -gt $((1 << 62)) ]] || fail "unlimited: $output"
		fi
	done
	for size in 1.2.3 .5m 5mx 5bb 9000p -2; do
		run -2 --separate-stderr ns update --memory "$size" "$CT_ID"
		assert_equal "$stderr" "nsinit: invalid value '$size' for --memory"
	done
}

@test "nsinit: update --resources - reads linux.resources from stdin" {
	ct_up
	run ns update --resources - "$CT_ID" <<<'{"pids": {"limit": 42}}'
	assert_success
	run cg_read pids pids.max pids.max
	assert_output 42
}

@test "nsinit: update --resources takes every value from the file and ignores the flags, as runc" {
	cfg '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 20}}'
	ct_up
	run -0 --separate-stderr ns update --memory 100M --resources - --pids-limit 30 "$CT_ID" \
		<<<'{"pids": {"limit": 42}}'
	[[ $stderr =~ ^[0-9T:.-]+Z\ nsinit:\ warning:\ update:\ --memory\ is\ not\ used\ with\ --resources,\ ignoring$ ]] ||
		fail "stderr: $stderr"
	run cg_read pids pids.max pids.max
	assert_output 42
	run cg_read memory memory.limit_in_bytes memory.max
	assert_output 67108864
}

@test "nsinit: update refuses malformed resources with the JSON pointer of the field" {
	ct_up
	run -1 --separate-stderr ns update --resources - "$CT_ID" <<<'{"memory": {"limit": "lots"}}'
	[[ $stderr == *"/linux/resources/memory/limit"* ]] || fail "stderr: $stderr"
	[[ $(wc -l <<<"$stderr") -eq 1 ]] || fail "more than one line: $stderr"
	run -2 --separate-stderr ns update --memory 12Q "$CT_ID"
	[[ $stderr == "nsinit: invalid value '12Q' for --memory" ]] || fail "stderr: $stderr"
	# A device is refused, and an endless stream fails at the size bound instead of reading forever.
	run -1 --separate-stderr timeout 20 "$NSINIT" --root "$CT_STATE" update --resources /dev/zero "$CT_ID"
	assert_equal "$stderr" "nsinit: $CT_ID: update: read '/dev/zero': not a regular file: Invalid argument"
	run -1 --separate-stderr timeout 20 "$NSINIT" --root "$CT_STATE" update --resources - "$CT_ID" </dev/zero
	assert_equal "$stderr" "nsinit: $CT_ID: update: read '<stdin>': larger than 256 MiB: File too large"
}

@test "nsinit: update with checkBeforeUpdate refuses a memory limit below the usage" {
	ct_up
	run -1 --separate-stderr ns update --resources - "$CT_ID" \
		<<<'{"memory": {"limit": 4096, "checkBeforeUpdate": true}}'
	[[ $stderr == *"below the current usage"* ]] || fail "stderr: $stderr"
}

@test "nsinit: events --stats prints one stats event in runc's shape" {
	cfg '.linux.resources = {"pids": {"limit": 20}}'
	ct_up
	run --separate-stderr ns events --stats "$CT_ID"
	assert_success
	[[ $(jq -r .type <<<"$output") == stats ]] || fail "event: $output"
	[[ $(jq -r .id <<<"$output") == "$CT_ID" ]] || fail "event: $output"
	[[ $(jq .data.pids.current <<<"$output") -eq 1 ]] || fail "pids: $output"
	[[ $(jq .data.pids.limit <<<"$output") -eq 20 ]] || fail "pids: $output"
	jq -e '.data.memory.usage.usage > 0 and (.data.cpu.usage.total >= 0)' <<<"$output" >/dev/null ||
		fail "memory/cpu: $output"
}

@test "nsinit: events reports an oom event when the kernel OOM-kills in the container" {
	cfg '.linux.resources = {"memory": {"limit": 16777216}}'
	cfg '.process.args = ["sh", "-c", "sleep 1; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 100"]'
	ct_up
	ns events --interval 10s "$CT_ID" >"$BATS_TEST_TMPDIR/events" 2>&1 &
	events_pid=$!
	for _ in $(seq 50); do
		grep -q '"oom"' "$BATS_TEST_TMPDIR/events" && break
		sleep 0.1
	done
	kill "$events_pid" 2>/dev/null
	wait "$events_pid" 2>/dev/null || true
	run grep -c '"type":"oom"' "$BATS_TEST_TMPDIR/events"
	[[ $output -ge 1 ]] || fail "no oom event: $(cat "$BATS_TEST_TMPDIR/events")"
}

@test "nsinit: an init OOM-killed during setup is named as such, and nothing is left" {
	cfg '.linux.resources = {"memory": {"limit": 1000}}'
	run -1 --separate-stderr ns create --bundle "$BUNDLE" "$CT_ID"
	assert_equal "$stderr" "nsinit: $CT_ID: create: wait for container init: container init was OOM-killed during setup (OOM kills in its cgroup: 1); raise linux.resources.memory.limit"
	[[ ! -e $CT_STATE/$CT_ID ]] || fail "state left"
}

@test "nsinit: a fork loop stops at pids.max" {
	cfg '.process.args = ["sh", "-c", "i=0; while [ $i -lt 30 ]; do sleep 5 & i=$((i+1)); done; echo all-forked"]'
	cfg '.linux.resources = {"pids": {"limit": 40}}'
	run -0 ns run --bundle "$BUNDLE" "$CT_ID"
	assert_output all-forked
	cfg '.linux.resources = {"pids": {"limit": 10}}'
	run --separate-stderr ns run --bundle "$BUNDLE" "$CT_ID"
	[[ $status -ne 0 && -z $output ]] || fail "forked past the limit: $status $output"
	[[ $stderr == *"can't fork"* ]] || fail "stderr: $stderr"
}

@test "nsinit: a frozen container makes no progress until resumed" {
	cfg '.process.args = ["sh", "-c", "while :; do :; done"]'
	ct_up
	local pid t1 t2 t3
	pid=$(ns state "$CT_ID" | jq .pid)
	cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
	ns pause "$CT_ID" || fail "pause failed"
	sleep 0.2
	t1=$(cpu_ticks)
	sleep 0.5
	t2=$(cpu_ticks)
	assert_equal "$t2" "$t1"
	ns resume "$CT_ID" || fail "resume failed"
	sleep 0.5
	t3=$(cpu_ticks)
	(( t3 > t2 )) || fail "no progress after resume: $t2 -> $t3"
}

@test "nsinit: events ends by itself when the container stops" {
	ct_up
	ns events --interval 100ms "$CT_ID" >"$BATS_TEST_TMPDIR/events" 2>"$BATS_TEST_TMPDIR/events.err" 3>&- &
	local events_pid=$! _i rc=0
	for _i in $(seq 50); do
		[[ -s $BATS_TEST_TMPDIR/events ]] && break
		sleep 0.1
	done
	ns kill "$CT_ID" KILL || fail "kill failed"
	for _i in $(seq 100); do
		kill -0 "$events_pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$events_pid" 2>/dev/null; then
		kill "$events_pid"
		fail "events still running after the container stopped"
	fi
	wait "$events_pid" || rc=$?
	assert_equal "$rc" 0
	jq -e -s 'length >= 1 and all(.type == "stats" and .id == "'"$CT_ID"'")' \
		"$BATS_TEST_TMPDIR/events" >/dev/null || fail "events: $(cat "$BATS_TEST_TMPDIR/events")"
}

@test "nsinit: events refuses a bad interval and an unknown container with one line" {
	ct_up
	local bad
	for bad in -1 0 abc 5h 1e400; do
		run -2 --separate-stderr ns events --interval "$bad" "$CT_ID"
		assert_equal "$stderr" "nsinit: invalid --interval '$bad'"
	done
	run -1 --separate-stderr ns events --stats nosuch-"$CT_ID"
	assert_equal "$stderr" "nsinit: nosuch-$CT_ID: events: container does not exist: No such file or directory"
	run -1 --separate-stderr ns update --memory 10M nosuch-"$CT_ID"
	assert_equal "$stderr" "nsinit: nosuch-$CT_ID: update: container does not exist: No such file or directory"
}

@test "nsinit: the device policy opens only the devices the config allows, and the defaults" {
	# The node is made inside (mknod is allowed for any device); opening it is what the policy decides.
	cfg '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] |
		.process.capabilities.permitted += ["CAP_MKNOD"]'
	cfg '.process.args = ["sh", "-c", "echo ok >/dev/null && mknod /dev/k c 1 11 && : >/dev/k && echo opened"]'
	run --separate-stderr ns run --bundle "$BUNDLE" "$CT_ID"
	[[ $status -ne 0 && -z $output ]] || fail "opening c 1:11 worked: $output"
	[[ $stderr == *"/dev/k"*"Operation not permitted"* ]] || fail "stderr: $stderr"
	cfg '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11,
		"access": "w"}, {"allow": false, "type": "c", "major": 1, "minor": 3, "access": "rw"}]'
	run --separate-stderr ns run --bundle "$BUNDLE" "$CT_ID"
	assert_success
	assert_output opened
}

@test "nsinit: a create that fails on a resource leaves no cgroup and no state behind" {
	cfg '.linux.resources = {"cpu": {"cpus": "4095"}}'
	run -1 --separate-stderr ns create --bundle "$BUNDLE" "$CT_ID"
	[[ $stderr == "nsinit: $CT_ID: create: make cgroup: set cpuset cpus: write '4095' to "*"cpuset.cpus': "* ]] ||
		fail "stderr: $stderr"
	[[ -z $(cgroup_dirs_of_id) ]] || fail "cgroup left: $(cgroup_dirs_of_id)"
	[[ ! -e $CT_STATE/$CT_ID ]] || fail "state left"
}

@test "nsinit: a device policy refused after the init moved in fails at once and leaves nothing" {
	local own parent
	own=$(awk -F: '$2 == "devices" { print $3 }' /proc/self/cgroup)
	[[ -n $own && -d /sys/fs/cgroup/devices$own ]] || skip "needs a v1 devices hierarchy"
	# The parent refuses a device the config allows: the policy's last write fails, long
	# after the init got its cgroups (it moves in while the parent writes the rules).
	parent=/sys/fs/cgroup/devices$own/$CT_ID-parent
	mkdir "$parent"
	echo 'c 99:99 rwm' >"$parent/devices.deny"
	cfg --arg p "$CT_ID-parent/$CT_ID" '.linux.cgroupsPath = $p | .linux.resources.devices =
		[{"allow": false, "access": "rwm"}] +
		[range(0; 300) | {"allow": true, "type": "c", "major": 200, "minor": ., "access": "rwm"}] +
		[{"allow": true, "type": "c", "major": 99, "minor": 99, "access": "rwm"}]'
	run -1 --separate-stderr timeout 20 "$NSINIT" --root "$CT_STATE" run --bundle "$BUNDLE" "$CT_ID"
	[[ $stderr == "nsinit: $CT_ID: run: make cgroup: "*"devices.allow': Operation not permitted" ]] ||
		fail "stderr: $stderr"
	local left
	left=$(find /sys/fs/cgroup -maxdepth 7 -type d -name "$CT_ID*" -path "*$CT_TEST_CGROUP*" \
		! -path "$parent")
	rmdir "$parent"
	[[ -z $left ]] || fail "cgroups left: $left"
	[[ ! -e $CT_STATE/$CT_ID ]] || fail "state left"
}

@test "nsinit: unified keys are written on the cgroup2 hierarchy and refused on a v1-only host" {
	cfg '.linux.resources.unified = {"cgroup.max.descendants": "3"}'
	if [[ ! -f /sys/fs/cgroup/cgroup.controllers && ! -d /sys/fs/cgroup/unified ]]; then
		run -1 --separate-stderr ns create --bundle "$BUNDLE" "$CT_ID"
		[[ $stderr == *"needs cgroup v2"* ]] || fail "stderr: $stderr"
		return
	fi
	ct_up
	run cat "$(cg_dir "")/cgroup.max.descendants"
	assert_output 3
}

@test "nsinit: pause of a stopped container fails with one clear line" {
	cfg '.process.args = ["true"]'
	ns create --bundle "$BUNDLE" "$CT_ID"
	ns start "$CT_ID"
	for _ in $(seq 50); do
		[[ $(ns state "$CT_ID" | jq -r .status) == stopped ]] && break
		sleep 0.1
	done
	run -1 --separate-stderr ns pause "$CT_ID"
	[[ $stderr == "nsinit: $CT_ID: pause: container not running" ]] || fail "stderr: $stderr"
}

@test "nsinit: a rootless container that asks for cgroup resources fails with one clear line" {
	rootless_bundle '.process.terminal = false | .process.args = ["true"] |
		.linux.resources = {"memory": {"limit": 67108864}}'
	run -1 --separate-stderr rootless_run "$CT_ID"
	[[ $stderr == "nsinit: $CT_ID: run: cgroup resources need root: Operation not permitted" ]] ||
		fail "stderr: $stderr"
	[[ ! -e $BATS_TEST_TMPDIR/rootless/state/$CT_ID ]] || fail "state left"
}

@test "nsinit: features reports the cgroupfs driver for v1 and v2, and no systemd driver" {
	run --separate-stderr "$NSINIT" features
	assert_success
	jq -e '.linux.cgroup == {"v1": true, "v2": true, "systemd": false, "systemdUser": false,
		"rdma": true}' <<<"$output" >/dev/null || fail "features: $(jq -c .linux.cgroup <<<"$output")"
}
