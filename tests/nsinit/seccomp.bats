#!/usr/bin/env bats
# nsinit: linux.seccomp filters, seen through what the container's syscalls return.
bats_require_minimum_version 1.5.0
load ../helpers/common
load ../helpers/confine

setup() {
	requires root rootfs jq
}

teardown() {
	if [[ -n ${AGENT_PID:-} ]]; then
		kill "$AGENT_PID" 2>/dev/null || true
		wait "$AGENT_PID" 2>/dev/null || true
	fi
	confine_cleanup
}

# Writes a linux.seccomp object (JSON text in $1) for --seccomp.
profile() {
	printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/seccomp.json"
	printf '%s\n' "$BATS_TEST_TMPDIR/seccomp.json"
}

@test "nsinit: SCMP_ACT_ERRNO with errnoRet 38 makes mkdir fail with ENOSYS" {
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO",
			"errnoRet": 38}]}')" -- sh -c 'mkdir /dev/shm/d; echo "status $?"'
	run -0 confine_run
	assert_line --partial "Function not implemented"
	assert_line "status 1"
}

@test "nsinit: SCMP_ACT_ERRNO without errnoRet fails the syscall with EPERM" {
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}')" \
		-- sh -c 'mkdir /dev/shm/d'
	run -1 confine_run
	assert_output --partial "Operation not permitted"
}

@test "nsinit: SCMP_ACT_KILL_PROCESS kills the container with SIGSYS" {
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["uname"], "action": "SCMP_ACT_KILL_PROCESS"}]}')" \
		-- sh -c 'uname; echo survived'
	run -159 confine_run
	refute_output --partial survived
}

@test "nsinit: a profile that kills a call the init makes after loading it says so, and nothing is left" {
	# noNewPrivileges: the filter goes last, and the init still reports ready with sendmsg.
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["sendmsg"], "action": "SCMP_ACT_KILL"}]}')" -- true
	run -1 --separate-stderr confine_run
	assert_equal "$stderr" "nsinit: $CONFINE_ID: run: wait for container init: container init was killed by signal 31 (Bad system call) during setup: linux.seccomp kills a system call the runtime makes after loading it, before the process starts (such as newfstatat, access, prctl, sendmsg); allow those"
	[[ ! -e $BATS_TEST_TMPDIR/state/$CONFINE_ID ]]
	# Without it, the filter goes before the switch of ids and capabilities.
	confine_bundle --new-privileges --seccomp "$(profile '{"defaultAction": "SCMP_ACT_KILL",
		"syscalls": [{"names": ["execve", "exit_group"], "action": "SCMP_ACT_ALLOW"}]}')" -- true
	run -1 --separate-stderr confine_run
	[[ $stderr == *"during setup: linux.seccomp kills a system call the runtime makes after loading it, before the process starts (such as setgroups, setresgid, setresuid, capset, prctl, newfstatat, access, sendmsg); allow those" ]] ||
		fail "stderr: $stderr"
	# A kill on exit_group strikes the container's own process, after setup: its status says it.
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["exit_group"], "action": "SCMP_ACT_KILL"}]}')" -- true
	run -159 --separate-stderr confine_run
	assert_equal "$stderr" ""
}

@test "nsinit: defaultAction SCMP_ACT_ERRNO with defaultErrnoRet refuses what is not listed" {
	# The listed calls are what nsinit's last steps and busybox sh need to start, print and exit
	# (sigaltstack: AddressSanitizer's runtime asks for it before a call that does not return).
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 18,
		"syscalls": [{"names": ["execve", "brk", "arch_prctl", "set_tid_address",
			"set_robust_list", "rseq", "prlimit64", "mprotect", "mmap", "munmap",
			"readlink", "readlinkat", "getuid", "geteuid", "getpid", "getppid",
			"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "uname", "write",
			"writev", "exit", "exit_group", "getcwd", "ioctl", "fstat", "newfstatat",
			"stat", "statx", "getrandom", "close", "dup2", "fcntl", "wait4", "clone",
			"fork", "vfork", "getpgrp", "setpgid", "read", "openat", "open", "access",
			"faccessat", "faccessat2", "lseek", "sysinfo", "prctl", "sendmsg", "recvmsg",
			"chdir", "sched_setaffinity", "pipe2", "dup3", "getdents64", "futex", "sigaltstack"],
			"action": "SCMP_ACT_ALLOW"}]}')" \
		-- sh -c 'mkdir /dev/shm/d; echo "mkdir $?"'
	run -0 confine_run
	assert_output --partial "Invalid cross-device link"
	assert_line "mkdir 1"
}

# The container's sh is pid 1 of its pid namespace, so "kill -SIG 1" is a kill(1, SIG) we can predict.
@test "nsinit: conditions on different arguments must all match" {
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
			"args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
				 {"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]}')" \
		-- sh -c 'trap "" USR1 USR2; kill -USR1 1; echo "usr1 $?"; kill -USR2 1; echo "usr2 $?"
			sleep 10 & kill -USR1 $!; echo "other $?"'
	run -0 confine_run
	assert_line "usr1 1"
	assert_line "usr2 0"
	assert_line "other 0"
	assert_output --partial "Permission denied"
}

@test "nsinit: several conditions on one argument refuse either value" {
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
			"args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"},
				 {"index": 1, "value": 12, "op": "SCMP_CMP_EQ"}]}]}')" \
		-- sh -c 'trap "" USR1 USR2 WINCH
			for s in USR1 USR2 WINCH; do kill -$s 1; echo "$s $?"; done'
	run -0 confine_run
	assert_line "USR1 1"
	assert_line "USR2 1"
	assert_line "WINCH 0"
}

@test "nsinit: SCMP_CMP_MASKED_EQ compares the argument under the mask" {
	# Odd signal numbers: SIGUSR1 is 10, SIGUSR2 12, SIGWINCH 28, SIGHUP 1, SIGQUIT 3.
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
			"args": [{"index": 1, "value": 1, "valueTwo": 1,
				  "op": "SCMP_CMP_MASKED_EQ"}]}]}')" \
		-- sh -c 'trap "" USR1 HUP QUIT; for s in USR1 HUP QUIT; do kill -$s 1; echo "$s $?"; done'
	run -0 confine_run
	assert_line "USR1 0"
	assert_line "HUP 1"
	assert_line "QUIT 1"
}

@test "nsinit: an unknown syscall name is skipped, noted at debug level, and the rest applies" {
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["no_such_syscall", "mkdir", "mkdirat"],
			"action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}')" \
		-- sh -c 'mkdir /dev/shm/d 2>/dev/null; echo "status $?"'
	run -0 --separate-stderr confine_run
	assert_line "status 1"
	[[ $stderr != *"no_such_syscall"* ]]
	run -0 --separate-stderr confine_run --debug
	assert_line "status 1"
	[[ $stderr == *"no_such_syscall"* ]]
}

@test "nsinit: the default profile refuses unshare of a user namespace without CAP_SYS_ADMIN" {
	confine_bundle -- sh -c 'unshare -U true 2>&1; echo "status $?"'
	run -0 --separate-stderr confine_run
	assert_line "status 1"
	assert_output --partial "Operation not permitted"
}

@test "nsinit: with --seccomp none the same unshare succeeds" {
	confine_bundle --seccomp none -- sh -c 'unshare -U true 2>&1; echo "status $?"'
	run -0 --separate-stderr confine_run
	assert_line "status 0"
}

@test "nsinit: an errnoRet on an action that takes none is refused with one error line" {
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["uname"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}')" -- true
	run -1 --separate-stderr confine_run
	[[ ${#stderr_lines[@]} -eq 1 ]]
	[[ $stderr == "nsinit: $CONFINE_ID: "*"errnoRet"* ]]
}

@test "nsinit: SCMP_ACT_NOTIFY without listenerPath is refused" {
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["uname"], "action": "SCMP_ACT_NOTIFY"}]}')" -- true
	run -1 --separate-stderr confine_run
	[[ $stderr == *"SCMP_ACT_NOTIFY"*"listenerPath"* ]]
}

@test "nsinit: SCMP_ACT_NOTIFY sends the container process state and the fd to listenerPath" {
	command -v python3 >/dev/null || skip "needs python3"
	local sock=$BATS_TEST_TMPDIR/agent.sock out=$BATS_TEST_TMPDIR/agent.json
	# The agent records what it got, then closes the fd: notified calls then fail with ENOSYS.
	python3 - "$sock" "$out" 3>&- <<'PY' &
import json, os, socket, sys
path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(out + ".ready", "w").close()
conn, _ = srv.accept()
data, fds, _, _ = socket.recv_fds(conn, 65536, 4)
while True:
    more = conn.recv(65536)
    if not more:
        break
    data += more
with open(out, "w") as f:
    json.dump({"doc": json.loads(data), "nfds": len(fds)}, f)
for fd in fds:
    os.close(fd)
PY
	AGENT_PID=$!
	for _ in $(seq 100); do [[ -e $out.ready ]] && break; sleep 0.05; done
	confine_bundle --seccomp "$(profile '{"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": "'"$sock"'", "listenerMetadata": "hello-agent",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}')" \
		-- sh -c 'mkdir /dev/shm/n; echo "mkdir $?"'
	run -0 confine_run
	assert_line "mkdir 1"
	wait "$AGENT_PID"
	AGENT_PID=
	run -0 jq -r '.nfds, .doc.fds[0], .doc.metadata, .doc.state.id, .doc.state.status,
		(.doc.pid == .doc.state.pid)' "$out"
	assert_output "1
seccompFd
hello-agent
$CONFINE_ID
creating
true"
}
