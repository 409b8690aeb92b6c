#!/bin/busybox sh
# shellcheck shell=dash
# nsinit's cgroup commands on a pure cgroup v2 kernel (run by the guest's /init):
# limits, the cgroup namespace, pause/resume, update, events, the device
# program and delete, read back from /sys/fs/cgroup. TAP on stdout.
N="/bin/nsinit --root /tmp/state"
B=/ct/bundle
n=0
failed=0

check() {
	# check DESCRIPTION COMMAND...: one TAP line from the command's status
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >/tmp/check.out 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/#   /' /tmp/check.out
		failed=$((failed + 1))
	fi
}

file_is() {
	[ "$(cat "$1")" = "$2" ] || { echo "$1: '$(cat "$1")', want '$2'"; return 1; }
}

status_is() {
	$N state "$1" | grep -q "\"status\": \"$2\"" || { $N state "$1"; return 1; }
}

use_config() {
	cp "/ct/$1.json" "$B/config.json"
}

use_config limits
check "create and start a container with memory and pids limits" \
	sh -c "$N create --bundle $B c1 && $N start c1"
check "memory.max holds the limit" file_is /sys/fs/cgroup/c1/memory.max 67108864
check "pids.max holds the limit" file_is /sys/fs/cgroup/c1/pids.max 20
pid=$(head -n 1 /sys/fs/cgroup/c1/cgroup.procs)
check "the init is in its cgroup" file_is "/proc/$pid/cgroup" "0::/c1"
check "pause freezes the cgroup" sh -c "$N pause c1 && grep -qx 'frozen 1' /sys/fs/cgroup/c1/cgroup.events"
check "state says paused" status_is c1 paused
check "resume thaws it" sh -c "$N resume c1 && grep -qx 'frozen 0' /sys/fs/cgroup/c1/cgroup.events"
check "state says running" status_is c1 running
check "update sets memory.max and pids.max" \
	sh -c "$N update --memory 100M --pids-limit 30 --cpu-shares 1024 c1 &&
		[ \$(cat /sys/fs/cgroup/c1/memory.max) = 104857600 ] &&
		[ \$(cat /sys/fs/cgroup/c1/pids.max) = 30 ]"
check "update converts cpu shares to cpu.weight" file_is /sys/fs/cgroup/c1/cpu.weight 39
check "events --stats prints a stats event" sh -c "$N events --stats c1 | grep -q '\"type\":\"stats\"'"
check "delete removes the cgroup" sh -c "$N delete --force c1 && [ ! -e /sys/fs/cgroup/c1 ]"

use_config cgroupns
check "the container sees its cgroup as / (cgroup namespace)" \
	sh -c "$N run --bundle $B c2 >/tmp/c2.out && grep -qx '0::/' /tmp/c2.out"
check "run removed the cgroup" test ! -e /sys/fs/cgroup/c2

use_config abspath
check "an absolute cgroupsPath is used as given" \
	sh -c "$N create --bundle $B c4 && grep -q . /sys/fs/cgroup/ct-abs/inner/cgroup.procs"
check "delete removes every level create made" \
	sh -c "$N delete --force c4 && [ ! -e /sys/fs/cgroup/ct-abs ]"

# Cloned into a cgroup whose cpuset has none of the runtime's CPUs: the process gets the
# cpuset's, as the kernel gives them. (Only an init moved into its cgroups, as on v1, makes
# its namespaces on other CPUs than the runtime's and takes its CPUs back after.)
use_config cpuset
check "the process runs on its cpuset's CPUs, whatever the runtime's" \
	sh -c "taskset -c 0,1 $N run --bundle $B c7 >/tmp/c7.out &&
		grep -q 'Cpus_allowed_list:[[:space:]]*2\$' /tmp/c7.out"

# Joining a namespace by path takes the legacy clone, which cannot clone into a cgroup.
use_config joinns
check "a container that joins a namespace by path is in its cgroup" \
	sh -c "$N create --bundle $B c5 && grep -q . /sys/fs/cgroup/c5/cgroup.procs"
check "delete removes its cgroup" sh -c "$N delete --force c5 && [ ! -e /sys/fs/cgroup/c5 ]"

use_config devices
check "the device program allows /dev/null and refuses an unlisted device" \
	sh -c "$N run --bundle $B c3 >/tmp/c3.out 2>&1; grep -q 'null ok' /tmp/c3.out &&
		grep -q 'Operation not permitted' /tmp/c3.out"

echo "1..$n"
[ "$failed" -eq 0 ]
