/* SPDX-License-Identifier: Apache-2.0 */
/* The default seccomp allow-list, one table row per group of syscalls. */
#include "common/seccomp_default.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/defaults.h"
#include "common/err.h"

/*
 * Which of the build's architectures a row applies to. The profile lists the
 * native architecture and its compat ones, so a row marked for x86 also
 * covers i386 and x32 binaries on an x86_64 host.
 */
enum arch_mask {
	ARCH_ALL = 0,
	ARCH_X86 = 1u << 0,
	ARCH_ARM = 1u << 1,
};

#if defined(__x86_64__) || defined(__i386__)
#define ARCH_NATIVE ARCH_X86
static const char *const native_arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
					    NULL};
#elif defined(__aarch64__) || defined(__arm__)
#define ARCH_NATIVE ARCH_ARM
static const char *const native_arches[] = {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL};
#else
/* Other architectures: the list stays empty, which the spec reads as "native only". */
#define ARCH_NATIVE 0u
static const char *const native_arches[] = {NULL};
#endif

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

/*
 * One row of the profile. A row with cap set is kept only when the process
 * has that capability (or, with unless_cap, only when it lacks it), because
 * allowing mount() without CAP_SYS_ADMIN gains nothing and widens the kernel
 * surface the container can reach.
 */
struct sc_row {
	const char *const *names;
	const char *action;
	const char *cap;
	const char *arg_op;
	uint64_t arg_value;
	int errno_ret;	 /* -1: none */
	unsigned arches; /* ARCH_ALL or a mask */
	unsigned arg_index;
	bool unless_cap;
	bool has_arg;
};

/* Rows read in the order a reader thinks of them; the struct is ordered for size. */
#define ROW(names_, action_, errno_, cap_, unless_, arches_, has_arg_, index_, value_, op_)        \
	{                                                                                          \
		.names = (names_), .action = (action_), .errno_ret = (errno_), .cap = (cap_),      \
		.unless_cap = (unless_), .arches = (arches_), .has_arg = (has_arg_),               \
		.arg_index = (index_), .arg_value = (value_), .arg_op = (op_),                     \
	}

#define ALLOW "SCMP_ACT_ALLOW"

/*
 * The namespace flags clone(2) takes: CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC,
 * NEWUSER, NEWPID, NEWNET. (CLONE_NEWTIME shares its bit with the exit signal
 * in clone(2) and only works through clone3 and unshare.)
 */
#define CLONE_NS_MASK 0x7E020000ull

static const struct sc_row rows[] = {
	/* Files, directories, links and their attributes. */
	ROW(NAMES("access", "faccessat", "faccessat2", "chdir", "fchdir", "getcwd", "chmod",
		  "fchmod", "fchmodat", "fchmodat2", "chown", "chown32", "fchown", "fchown32",
		  "fchownat", "lchown", "lchown32", "creat", "open", "openat", "openat2", "close",
		  "close_range", "read", "readv", "pread64", "preadv", "preadv2", "write", "writev",
		  "pwrite64", "pwritev", "pwritev2", "lseek", "_llseek", "dup", "dup2", "dup3",
		  "fcntl", "fcntl64", "flock", "fsync", "fdatasync", "sync", "syncfs",
		  "sync_file_range", "fadvise64", "fadvise64_64", "readahead", "fallocate",
		  "truncate", "truncate64", "ftruncate", "ftruncate64", "copy_file_range",
		  "sendfile", "sendfile64", "splice", "tee", "vmsplice", "stat", "stat64", "lstat",
		  "lstat64", "fstat", "fstat64", "fstatat64", "newfstatat", "statx", "statfs",
		  "statfs64", "fstatfs", "fstatfs64", "getdents", "getdents64", "mkdir", "mkdirat",
		  "rmdir", "mknod", "mknodat", "link", "linkat", "symlink", "symlinkat", "unlink",
		  "unlinkat", "rename", "renameat", "renameat2", "readlink", "readlinkat", "umask",
		  "utime", "utimes", "utimensat", "utimensat_time64", "futimesat", "getxattr",
		  "lgetxattr", "fgetxattr", "setxattr", "lsetxattr", "fsetxattr", "listxattr",
		  "llistxattr", "flistxattr", "removexattr", "lremovexattr", "fremovexattr",
		  "name_to_handle_at", "ioctl", "cachestat"),
	    ALLOW, -1, NULL, false, ARCH_ALL, false, 0, 0, NULL),
	/* Waiting for events on descriptors. */
	ROW(NAMES("select", "_newselect", "pselect6", "pselect6_time64", "poll", "ppoll",
		  "ppoll_time64", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old",
		  "epoll_wait", "epoll_wait_old", "epoll_pwait", "epoll_pwait2", "eventfd",
		  "eventfd2", "signalfd", "signalfd4", "timerfd_create", "timerfd_settime",
		  "timerfd_settime64", "timerfd_gettime", "timerfd_gettime64", "inotify_init",
		  "inotify_init1", "inotify_add_watch", "inotify_rm_watch", "fanotify_mark", "pipe",
		  "pipe2", "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents",
		  "io_pgetevents", "io_pgetevents_time64", "io_uring_setup", "io_uring_enter",
		  "io_uring_register"),
	    ALLOW, -1, NULL, false, ARCH_ALL, false, 0, 0, NULL),
	/* Memory. */
	ROW(NAMES("brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "mincore",
		  "msync", "mlock", "mlock2", "mlockall", "munlock", "munlockall", "membarrier",
		  "memfd_create", "memfd_secret", "remap_file_pages", "pkey_alloc", "pkey_free",
		  "pkey_mprotect", "map_shadow_stack", "mseal"),
	    ALLOW, -1, NULL, false, ARCH_ALL, false, 0, 0, NULL),
	/* Processes, threads, identity and limits. */
	ROW(NAMES("execve", "execveat", "exit", "exit_group", "fork", "vfork", "wait4", "waitid",
		  "waitpid", "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp",
		  "getsid", "setsid", "getuid", "getuid32", "geteuid", "geteuid32", "getgid",
		  "getgid32", "getegid", "getegid32", "getresuid", "getresuid32", "getresgid",
		  "getresgid32", "getgroups", "getgroups32", "setuid", "setuid32", "setgid",
		  "setgid32", "setreuid", "setreuid32", "setregid", "setregid32", "setresuid",
		  "setresuid32", "setresgid", "setresgid32", "setfsuid", "setfsuid32", "setfsgid",
		  "setfsgid32", "setgroups", "setgroups32", "capget", "capset", "prctl", "seccomp",
		  "getrlimit", "ugetrlimit", "setrlimit", "prlimit64", "getrusage", "getpriority",
		  "setpriority", "ioprio_get", "ioprio_set", "sched_yield", "sched_getaffinity",
		  "sched_setaffinity", "sched_getattr", "sched_setattr", "sched_getparam",
		  "sched_setparam", "sched_getscheduler", "sched_setscheduler",
		  "sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval",
		  "sched_rr_get_interval_time64", "getcpu", "set_tid_address", "set_robust_list",
		  "get_robust_list", "futex", "futex_time64", "futex_waitv", "futex_wake",
		  "futex_wait", "futex_requeue", "rseq", "restart_syscall", "uname", "sysinfo",
		  "getrandom", "get_thread_area", "set_thread_area", "pidfd_open",
		  "pidfd_send_signal", "process_mrelease", "landlock_create_ruleset",
		  "landlock_add_rule", "landlock_restrict_self"),
	    ALLOW, -1, NULL, false, ARCH_ALL, false, 0, 0, NULL),
	/* Signals. */
	ROW(NAMES("kill", "tkill", "tgkill", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
		  "rt_sigpending", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
		  "rt_sigqueueinfo", "rt_tgsigqueueinfo", "sigaltstack", "sigprocmask", "sigreturn",
		  "pause"),
	    ALLOW, -1, NULL, false, ARCH_ALL, false, 0, 0, NULL),
	/* Clocks and timers (reading them; setting needs CAP_SYS_TIME below). */
	ROW(NAMES("time", "gettimeofday", "clock_gettime", "clock_gettime64", "clock_getres",
		  "clock_getres_time64", "clock_nanosleep", "clock_nanosleep_time64", "nanosleep",
		  "alarm", "getitimer", "setitimer", "times", "timer_create", "timer_delete",
		  "timer_settime", "timer_settime64", "timer_gettime", "timer_gettime64",
		  "timer_getoverrun", "adjtimex", "clock_adjtime", "clock_adjtime64"),
	    ALLOW, -1, NULL, false, ARCH_ALL, false, 0, 0, NULL),
	/* Sockets (socket itself is below, with its argument check). */
	ROW(NAMES("socketpair", "socketcall", "bind", "connect", "listen", "accept", "accept4",
		  "getsockname", "getpeername", "getsockopt", "setsockopt", "shutdown", "send",
		  "sendto", "sendmsg", "sendmmsg", "recv", "recvfrom", "recvmsg", "recvmmsg",
		  "recvmmsg_time64"),
	    ALLOW, -1, NULL, false, ARCH_ALL, false, 0, 0, NULL),
	/* System V and POSIX IPC, which the ipc namespace already isolates. */
	ROW(NAMES("ipc", "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop",
		  "semtimedop_time64", "semctl", "msgget", "msgsnd", "msgrcv", "msgctl", "mq_open",
		  "mq_unlink", "mq_timedsend", "mq_timedsend_time64", "mq_timedreceive",
		  "mq_timedreceive_time64", "mq_notify", "mq_getsetattr"),
	    ALLOW, -1, NULL, false, ARCH_ALL, false, 0, 0, NULL),
	/* AF_VSOCK (40) reaches the hypervisor: every other socket family is fine. */
	ROW(NAMES("socket"), ALLOW, -1, NULL, false, ARCH_ALL, true, 0, 40, "SCMP_CMP_NE"),
	/*
	 * personality(2) only for the harmless domains: PER_LINUX, UNAME26,
	 * PER_LINUX32, PER_LINUX32|UNAME26, and 0xffffffff, which only queries.
	 * Others (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC) weaken ASLR and W^X.
	 */
	ROW(NAMES("personality"), ALLOW, -1, NULL, false, ARCH_ALL, true, 0, 0x0, "SCMP_CMP_EQ"),
	ROW(NAMES("personality"), ALLOW, -1, NULL, false, ARCH_ALL, true, 0, 0x8, "SCMP_CMP_EQ"),
	ROW(NAMES("personality"), ALLOW, -1, NULL, false, ARCH_ALL, true, 0, 0x20000,
	    "SCMP_CMP_EQ"),
	ROW(NAMES("personality"), ALLOW, -1, NULL, false, ARCH_ALL, true, 0, 0x20008,
	    "SCMP_CMP_EQ"),
	ROW(NAMES("personality"), ALLOW, -1, NULL, false, ARCH_ALL, true, 0, 0xffffffff,
	    "SCMP_CMP_EQ"),
	/* Architecture-specific calls. */
	ROW(NAMES("arch_prctl", "modify_ldt"), ALLOW, -1, NULL, false, ARCH_X86, false, 0, 0, NULL),
	ROW(NAMES("arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint",
		  "cacheflush", "set_tls"),
	    ALLOW, -1, NULL, false, ARCH_ARM, false, 0, 0, NULL),
	/*
	 * Without CAP_SYS_ADMIN, clone may not create namespaces. clone3 passes its
	 * flags in memory, where seccomp cannot look, so it fails with ENOSYS and
	 * libc falls back to clone.
	 */
	ROW(NAMES("clone"), ALLOW, -1, "CAP_SYS_ADMIN", true, ARCH_ALL, true, 0, CLONE_NS_MASK,
	    "SCMP_CMP_MASKED_EQ"),
	ROW(NAMES("clone3"), "SCMP_ACT_ERRNO", ENOSYS, "CAP_SYS_ADMIN", true, ARCH_ALL, false, 0, 0,
	    NULL),
	/* Groups a capability unlocks. */
	ROW(NAMES("open_by_handle_at"), ALLOW, -1, "CAP_DAC_READ_SEARCH", false, ARCH_ALL, false, 0,
	    0, NULL),
	ROW(NAMES("bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen",
		  "fspick", "lookup_dcookie", "mount", "mount_setattr", "move_mount", "open_tree",
		  "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname",
		  "setns", "syslog", "umount", "umount2", "unshare"),
	    ALLOW, -1, "CAP_SYS_ADMIN", false, ARCH_ALL, false, 0, 0, NULL),
	ROW(NAMES("reboot"), ALLOW, -1, "CAP_SYS_BOOT", false, ARCH_ALL, false, 0, 0, NULL),
	ROW(NAMES("chroot"), ALLOW, -1, "CAP_SYS_CHROOT", false, ARCH_ALL, false, 0, 0, NULL),
	ROW(NAMES("init_module", "finit_module", "delete_module"), ALLOW, -1, "CAP_SYS_MODULE",
	    false, ARCH_ALL, false, 0, 0, NULL),
	ROW(NAMES("acct"), ALLOW, -1, "CAP_SYS_PACCT", false, ARCH_ALL, false, 0, 0, NULL),
	ROW(NAMES("ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
		  "process_madvise"),
	    ALLOW, -1, "CAP_SYS_PTRACE", false, ARCH_ALL, false, 0, 0, NULL),
	ROW(NAMES("iopl", "ioperm"), ALLOW, -1, "CAP_SYS_RAWIO", false, ARCH_ALL, false, 0, 0,
	    NULL),
	ROW(NAMES("settimeofday", "stime", "clock_settime", "clock_settime64"), ALLOW, -1,
	    "CAP_SYS_TIME", false, ARCH_ALL, false, 0, 0, NULL),
	ROW(NAMES("vhangup"), ALLOW, -1, "CAP_SYS_TTY_CONFIG", false, ARCH_ALL, false, 0, 0, NULL),
	ROW(NAMES("mbind", "get_mempolicy", "set_mempolicy", "set_mempolicy_home_node"), ALLOW, -1,
	    "CAP_SYS_NICE", false, ARCH_ALL, false, 0, 0, NULL),
	ROW(NAMES("syslog"), ALLOW, -1, "CAP_SYSLOG", false, ARCH_ALL, false, 0, 0, NULL),
	ROW(NAMES("bpf"), ALLOW, -1, "CAP_BPF", false, ARCH_ALL, false, 0, 0, NULL),
	ROW(NAMES("perf_event_open"), ALLOW, -1, "CAP_PERFMON", false, ARCH_ALL, false, 0, 0, NULL),
};

static bool has_cap(const char *const *caps, size_t n_caps, const char *cap)
{
	for (size_t i = 0; i < n_caps; i++) {
		if (caps[i] && strcmp(caps[i], cap) == 0)
			return true;
	}

	return false;
}

static bool row_applies(const struct sc_row *row, const char *const *caps, size_t n_caps)
{
	if (row->arches != ARCH_ALL && !(row->arches & ARCH_NATIVE))
		return false;
	if (row->cap && has_cap(caps, n_caps, row->cap) == row->unless_cap)
		return false;

	return true;
}

static json_t *string_array(const char *const *v)
{
	cleanup_json json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (; *v; v++) {
		if (json_array_append_new(arr, json_string(*v)) < 0)
			return NULL;
	}

	return steal_ptr(&arr);
}

/*
 * Only the syscalls this machine's libseccomp can resolve: the profile is read
 * back by the same library when the container starts, and a name it does not
 * know (a syscall newer than the library) would only be skipped there with a
 * warning at every start. Returns NULL when no name is left.
 */
static json_t *known_syscalls(const char *const *v)
{
	cleanup_json json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (; *v; v++) {
		if (seccomp_syscall_resolve_name(*v) == __NR_SCMP_ERROR)
			continue;
		if (json_array_append_new(arr, json_string(*v)) < 0)
			return NULL;
	}
	if (json_array_size(arr) == 0)
		return NULL;

	return steal_ptr(&arr);
}

static json_t *row_json(const struct sc_row *row)
{
	cleanup_json json_t *obj = json_object();
	json_t *names;

	if (!obj)
		return NULL;
	names = known_syscalls(row->names);
	if (!names)
		return NULL;
	if (json_object_set_new(obj, "names", names) < 0 ||
	    json_object_set_new(obj, "action", json_string(row->action)) < 0)
		return NULL;
	if (row->errno_ret >= 0 &&
	    json_object_set_new(obj, "errnoRet", json_integer(row->errno_ret)) < 0)
		return NULL;
	if (row->has_arg) {
		json_t *args = json_pack("[{s:I, s:I, s:s}]", "index", (json_int_t)row->arg_index,
					 "value", (json_int_t)row->arg_value, "op", row->arg_op);

		/* MASKED_EQ compares (arg & value) with valueTwo: spell the 0 out. */
		if (args && strcmp(row->arg_op, "SCMP_CMP_MASKED_EQ") == 0)
			json_object_set_new(json_array_get(args, 0), "valueTwo", json_integer(0));

		if (json_object_set_new(obj, "args", args) < 0)
			return NULL;
	}

	return steal_ptr(&obj);
}

json_t *ct_default_seccomp_caps(const char *const *caps, size_t n_caps, struct ct_err *err)
{
	cleanup_json json_t *profile = NULL;
	json_t *syscalls = json_array();

	/* EPERM (1) for everything not listed, as Docker does, so callers see a permission error.
	 */
	profile = json_pack("{s:s, s:i, s:o, s:o}", "defaultAction", "SCMP_ACT_ERRNO",
			    "defaultErrnoRet", 1, "architectures", string_array(native_arches),
			    "syscalls", syscalls);
	if (!profile)
		return ct_err_set(err, ENOMEM, "build the default seccomp profile"), NULL;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!row_applies(&rows[i], caps, n_caps))
			continue;
		json_t *row = row_json(&rows[i]);

		if (!row)
			continue;
		if (json_array_append_new(syscalls, row) < 0)
			return ct_err_set(err, ENOMEM, "build the default seccomp profile"), NULL;
	}

	return steal_ptr(&profile);
}

json_t *ct_default_seccomp(struct ct_err *err)
{
	size_t n = 0;
	const char *const *caps = ct_default_caps(&n);

	return ct_default_seccomp_caps(caps, n, err);
}
