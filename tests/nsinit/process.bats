#!/usr/bin/env bats
# nsinit: the container process's ids, cwd, scheduling, personality, sysctl and LSM settings.
bats_require_minimum_version 1.5.0
load ../helpers/common
load ../helpers/confine

setup() {
	requires root rootfs jq
}

teardown() {
	confine_cleanup
}

@test "nsinit: uid, gid, additional gids and umask are the process's" {
	confine_bundle --seccomp none --uid 1000 --gid 1001 --additional-gids 10,20 --umask 027 \
		-- sh -c 'id -u; id -g; id -G; umask'
	run -0 --separate-stderr confine_run
	assert_output "1000
1001
1001 10 20
0027"
}

@test "nsinit: uid or gid 4294967295 is refused, not run as root" {
	# setresuid(-1) would leave the process root: each must fail before anything runs.
	for user in '{"uid": 4294967295, "gid": 0}' '{"uid": 1000, "gid": 4294967295}'; do
		confine_bundle --seccomp none -- id -u
		confine_edit --argjson u "$user" '.process.user = $u'
		run -1 --separate-stderr confine_run
		assert_output ""
		assert_equal "${#stderr_lines[@]}" 1
		assert_regex "$stderr" "out of range \\(expected 0 to 4294967294, found 4294967295\\)"
	done
}

@test "nsinit: without additionalGids the process has no supplementary groups" {
	confine_bundle --seccomp none -- grep '^Groups:' /proc/self/status
	run -0 --separate-stderr confine_run
	assert_output --regexp '^Groups:[[:space:]]*$'
}

@test "nsinit: a missing cwd is created inside the container and entered" {
	confine_bundle --seccomp none --rootfs-readwrite --uid 1000 --gid 1000 --cwd /work/a/b -- pwd
	run -0 --separate-stderr confine_run
	assert_output /work/a/b
	[[ -d $BUNDLE/rootfs/work/a/b ]]
}

@test "nsinit: a cwd that cannot be created on a read-only root is one clear error" {
	confine_bundle --seccomp none --rootfs-readonly --cwd /missing/dir -- pwd
	run -1 --separate-stderr confine_run
	[[ ${#stderr_lines[@]} -eq 1 ]]
	[[ $stderr == "nsinit: $CONFINE_ID: "*"create cwd '/missing': Read-only file system" ]]
}

@test "nsinit: env values keep their '=', and an entry that is not NAME=VALUE is refused" {
	confine_bundle --seccomp none --env 'A=b=c' -- sh -c 'echo "$A"'
	run -0 --separate-stderr confine_run
	assert_output "b=c"
	for bad in NOEQ =x; do
		confine_edit --arg e "$bad" '.process.env += [$e]'
		run -1 --separate-stderr confine_run </dev/null
		assert_equal "$stderr" "nsinit: $CONFINE_ID: run: invalid environment variable /process/env/3: want NAME=VALUE"
		[[ ! -e $BATS_TEST_TMPDIR/state/$CONFINE_ID ]]
		confine_edit 'del(.process.env[3])'
	done
}

@test "nsinit: oomScoreAdj is the process's oom_score_adj" {
	confine_bundle --seccomp none --oom-score-adj 345 -- cat /proc/self/oom_score_adj
	run -0 --separate-stderr confine_run
	assert_output 345
}

@test "nsinit: the scheduler policy and nice value are the process's" {
	# /proc/self/stat: field 19 is nice, field 41 the policy (3 is SCHED_BATCH).
	confine_bundle --seccomp none --scheduler batch,nice=6 -- cut -d' ' -f19,41 /proc/self/stat
	run -0 --separate-stderr confine_run
	assert_output "6 3"
}

@test "nsinit: SCHED_ISO is refused: it is not in mainline Linux" {
	confine_bundle --seccomp none -- true
	confine_edit '.process.scheduler = {"policy": "SCHED_ISO"}'
	run -1 --separate-stderr confine_run
	[[ $stderr == "nsinit: $CONFINE_ID: "*"SCHED_ISO"* ]]
}

@test "nsinit: ioPriority is what ionice reports" {
	confine_bundle --seccomp none --io-priority be:3 -- ionice
	run -0 --separate-stderr confine_run
	assert_output "best-effort: prio 3"
}

@test "nsinit: the LINUX32 personality makes uname report a 32-bit machine" {
	[[ $(uname -m) == x86_64 ]] || skip "checks the x86_64 answer"
	confine_bundle --seccomp none --personality LINUX32 -- uname -m
	run -0 --separate-stderr confine_run
	assert_output i686
}

@test "nsinit: execCPUAffinity.final is the process's CPU list" {
	confine_bundle --seccomp none --exec-cpu-affinity initial=0,final=0 \
		-- grep '^Cpus_allowed_list' /proc/self/status
	run -0 --separate-stderr confine_run
	assert_output --regexp '^Cpus_allowed_list:[[:space:]]+0$'
}

@test "nsinit: a malformed execCPUAffinity list is refused" {
	confine_bundle --seccomp none -- true
	confine_edit '.process.execCPUAffinity = {"final": "3-1"}'
	run -1 --separate-stderr confine_run
	[[ $stderr == "nsinit: $CONFINE_ID: "*"3-1"* ]]
}

@test "nsinit: memoryPolicy MPOL_BIND binds the process's memory to the node" {
	[[ -e /proc/self/numa_maps ]] || skip "needs a NUMA kernel"
	confine_bundle --seccomp none --memory-policy bind:0 -- cat /proc/self/numa_maps
	run -0 --separate-stderr confine_run
	assert_line --partial "bind:0"
}

@test "nsinit: noNewPrivileges sets no_new_privs, and --new-privileges does not" {
	confine_bundle --seccomp none --no-new-privileges -- grep '^NoNewPrivs' /proc/self/status
	run -0 --separate-stderr confine_run
	assert_output --regexp '^NoNewPrivs:[[:space:]]+1$'
	confine_bundle --seccomp none --new-privileges -- grep '^NoNewPrivs' /proc/self/status
	run -0 --separate-stderr confine_run
	assert_output --regexp '^NoNewPrivs:[[:space:]]+0$'
}

@test "nsinit: namespaced sysctls are written in the container's namespaces" {
	local host_forward
	host_forward=$(cat /proc/sys/net/ipv4/ip_forward)
	confine_bundle --seccomp none --sysctl kernel.domainname=ct-sysctl \
		--sysctl net.ipv4.ip_forward=$((1 - host_forward)) \
		-- cat /proc/sys/kernel/domainname /proc/sys/net/ipv4/ip_forward
	run -0 --separate-stderr confine_run
	assert_output "ct-sysctl
$((1 - host_forward))"
	[[ $(cat /proc/sys/net/ipv4/ip_forward) == "$host_forward" ]]
}

@test "nsinit: a host-wide sysctl is refused and the host keeps its value" {
	local before
	before=$(cat /proc/sys/vm/swappiness)
	confine_bundle --seccomp none -- true
	confine_edit --arg v $((before == 10 ? 11 : 10)) '.linux.sysctl = {"vm.swappiness": $v}'
	run -1 --separate-stderr confine_run
	[[ $stderr == "nsinit: $CONFINE_ID: "*"sysctl 'vm.swappiness' is not namespaced"* ]]
	[[ $(cat /proc/sys/vm/swappiness) == "$before" ]]
}

@test "nsinit: a network sysctl for the runtime's own network namespace is refused" {
	# The value written would be the host's current one, so even a missed refusal changes nothing.
	local forward
	forward=$(cat /proc/sys/net/ipv4/ip_forward)
	confine_bundle --seccomp none --ns-join net=/proc/self/ns/net \
		--sysctl net.ipv4.ip_forward="$forward" -- true
	run -1 --separate-stderr confine_run
	[[ $stderr == "nsinit: $CONFINE_ID: "*"sysctl 'net.ipv4.ip_forward' would change the runtime's own network namespace"* ]]
}

@test "nsinit: a sysctl key that climbs out of /proc/sys is refused" {
	confine_bundle --seccomp none -- true
	confine_edit '.linux.sysctl = {"net/../../../etc/passwd": "x"}'
	run -1 --separate-stderr confine_run
	[[ $stderr == *"invalid component"* ]]
}

@test "nsinit: an AppArmor profile on a host without AppArmor is a clear error" {
	[[ ! -e /sys/module/apparmor/parameters/enabled ]] || skip "the host has AppArmor"
	confine_bundle --seccomp none --apparmor ct-test-profile -- true
	run -1 --separate-stderr confine_run
	[[ ${#stderr_lines[@]} -eq 1 ]]
	[[ $stderr == "nsinit: $CONFINE_ID: "*"AppArmor profile 'ct-test-profile' requested but AppArmor is not enabled on this host" ]]
}

@test "nsinit: an SELinux label on a host without SELinux is a clear error" {
	[[ ! -e /sys/fs/selinux/enforce ]] || skip "the host has SELinux"
	confine_bundle --seccomp none --selinux-label system_u:system_r:container_t:s0 -- true
	run -1 --separate-stderr confine_run
	[[ $stderr == *"SELinux label 'system_u:system_r:container_t:s0' requested but SELinux is not enabled on this host" ]]
}

@test "nsinit: a cwd only root may search is still where a non-root process starts" {
	confine_bundle --seccomp none --uid 1000 --gid 1000 --cwd /root -- pwd
	chmod 0700 "$BUNDLE/rootfs/root"
	run -0 --separate-stderr confine_run
	assert_output /root
}
