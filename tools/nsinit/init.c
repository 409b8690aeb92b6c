/* SPDX-License-Identifier: Apache-2.0 */
/* The container's init, from clone to execve: namespaces, rootfs, hooks, user, caps, seccomp. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/cgroup.h"
#include "common/cleanup.h"
#include "common/err.h"
#include "common/hooks.h"
#include "common/log.h"
#include "common/procattr.h"
#include "common/rootfs.h"
#include "common/seccomp.h"
#include "common/spec.h"
#include "common/state.h"
#include "common/sync.h"
#include "common/terminal.h"

#include "tools/nsinit/nsinit.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct init_ctx {
	struct init_args *a;
	pid_t host_pid;
	int fd_dir; /* /proc/self/fd of the host's procfs, to reopen exec.fifo after pivot_root */
	char exe[PATH_MAX];
};

/* Unknown to this kernel or libcap, or not held by the runtime itself (it runs in a container
 * of its own, say): the spec says to warn and go on. */
static void warn_unknown_cap(const char *name)
{
	ct_log(CT_LOG_WARN, "unknown or unavailable capability '%s', ignoring", name);
}

/* Profiles list syscalls newer than this libseccomp; runc skips them quietly too. */
static void note_unknown_syscall(const char *name)
{
	ct_log(CT_LOG_DEBUG, "unknown syscall '%s', ignoring", name);
}

static char *hook_state(struct init_ctx *c, enum ct_status status)
{
	struct ct_record rec = {
		.id = (char *)c->a->o->id,
		.pid = c->host_pid,
		.bundle = (char *)c->a->bundle,
	};
	cleanup_json json_t *doc = NULL;

	if (c->a->spec->annotations.n) {
		rec.annotations = json_object();
		for (size_t i = 0; rec.annotations && i < c->a->spec->annotations.n; i++)
			json_object_set_new(rec.annotations, c->a->spec->annotations.v[i].key,
					    json_string(c->a->spec->annotations.v[i].value));
	}
	doc = ct_state_oci_json(&rec, status);
	json_decref(rec.annotations);

	return doc ? json_dumps(doc, JSON_COMPACT) : NULL;
}

static int run_hooks(struct init_ctx *c, enum ct_hook_stage stage, struct ct_err *err)
{
	const struct ct_hook_list *list = ct_hooks_stage(c->a->spec->hooks, stage);
	cleanup_free char *state = NULL;

	if (list->n == 0)
		return 0;
	state = hook_state(c, CT_STATUS_CREATED);
	if (!state)
		return ct_err_set(err, ENOMEM, "build hook state");

	return ct_hooks_run(list, ct_hook_stage_name(stage), state, nsinit_hook_output, err);
}

/* Offsets can be written only while no process is in the new time namespace, so: unshare, write,
 * enter. */
static int enter_time_ns(const struct ct_linux *lx, struct ct_err *err)
{
	char buf[128];
	int len = 0;
	cleanup_close int fd = -1;

	if (unshare(CLONE_NEWTIME) < 0)
		return ct_err_set(err, errno, "unshare time namespace");
	if (lx->time_monotonic.is_set)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "monotonic %lld %u\n",
				(long long)lx->time_monotonic.secs, lx->time_monotonic.nanosecs);
	if (lx->time_boottime.is_set)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "boottime %lld %u\n",
				(long long)lx->time_boottime.secs, lx->time_boottime.nanosecs);
	if (len > 0) {
		fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, buf, (size_t)len) != len)
			return ct_err_set(err, errno, "write '/proc/self/timens_offsets'");
		close(steal_fd(&fd));
	}
	fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_err_set(err, errno, "open '/proc/self/ns/time_for_children'");
	if (setns(fd, CLONE_NEWTIME) < 0)
		return ct_err_set(err, errno, "setns time namespace");

	return 0;
}

static int loopback_up(struct ct_err *err)
{
	cleanup_close int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	if (sock < 0)
		return ct_err_set(err, errno, "socket");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return ct_err_set(err, errno, "get flags of 'lo'");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		return ct_err_set(err, errno, "bring up 'lo'");

	return 0;
}

/*
 * The network namespace (loopback up), the costliest thing the init makes, and its mount, IPC
 * and UTS namespaces are made while the parent makes the cgroups, on other CPUs than the
 * parent's (create.c, plan_spread).
 */
static int make_namespaces(uint64_t flags, struct ct_err *err)
{
	uint64_t others = flags & ~(uint64_t)CLONE_NEWNET;

	if (others && unshare((int)others) < 0)
		return ct_err_set(err, errno, "unshare mount, IPC and UTS namespaces");
	if (!(flags & CLONE_NEWNET))
		return 0;
	if (unshare(CLONE_NEWNET) < 0)
		return ct_err_set(err, errno, "unshare network namespace");

	return loopback_up(err);
}

/*
 * The parent sends us to other CPUs than its own while we make our namespaces (plan_spread);
 * once it has sent its first message it is done with that, and we take back the CPUs we were
 * cloned with, before anything else.
 */
static int restore_cpus(const struct init_args *a, struct ct_err *err)
{
	if (a->spread && sched_setaffinity(0, sizeof(a->cpus), &a->cpus) < 0)
		return ct_err_set(err, errno, "restore CPU affinity");

	return 0;
}

static int set_names(const struct init_args *a, struct ct_err *err)
{
	const struct ct_spec *spec = a->spec;

	if ((spec->hostname || spec->domainname) && !a->has_uts)
		return ct_err_set(
			err, 0,
			"cannot set hostname or domainname without a private UTS namespace");
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return ct_err_set(err, errno, "set hostname '%s'", spec->hostname);
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return ct_err_set(err, errno, "set domainname '%s'", spec->domainname);

	return 0;
}

/* The pty comes from the container's own devpts, after pivot_root, as runc does. */
static int setup_terminal(struct init_ctx *c, struct ct_err *err)
{
	const struct ct_process *proc = c->a->spec->process;
	cleanup_close int master = -1;
	int slave = -1;
	char slave_path[64];

	if (ct_terminal_open("/dev/ptmx", &master, &slave, slave_path, sizeof(slave_path), err) < 0)
		return ct_err_wrap(err, "allocate terminal");
	if (proc->has_console_size &&
	    ct_terminal_set_size(master, proc->console_height, proc->console_width, err) < 0)
		goto fail;
	if (ct_rootfs_bind_console(slave_path, err) < 0)
		goto fail;
	if (ct_sync_send(c->a->sock, CT_SYNC_PTY, 0, NULL, master, err) < 0)
		goto fail;
	if (ct_terminal_make_controlling(slave, err) < 0)
		goto fail;
	if (slave > 2)
		close(slave);

	return 0;
fail:
	close(slave);
	return -1;
}

static int find_executable(const char *name, char *const *env, char *out, size_t size,
			   struct ct_err *err)
{
	const char *path = NULL;
	struct stat st;

	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		if (stat(out, &st) < 0)
			return ct_err_set(err, errno, "exec '%s'", name);
		/* Found now, not by execve after start: create fails, as runc's does. */
		if (S_ISDIR(st.st_mode) || access(out, X_OK) < 0)
			return ct_err_set(err, EACCES, "exec '%s'", name);
		return 0;
	}
	/* The container's PATH, never ours: a bare environment finds nothing. */
	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], "PATH=", 5) == 0)
			path = env[i] + 5;
	while (path && *path) {
		size_t len = strcspn(path, ":");

		snprintf(out, size, "%.*s/%s", (int)(len ? len : 1), len ? path : ".", name);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
		path += len;
		if (*path == ':')
			path++;
	}
	return ct_err_set(err, ENOENT, "exec '%s': executable file not found in $PATH", name);
}

/* What runs after this until execve is listed in create.c's explain_init_death. */
static int load_seccomp(struct init_ctx *c, struct ct_err *err)
{
	const struct ct_linux *lx = c->a->spec->linux_;
	int notify_fd = -1;
	int rc;

	if (!lx || !lx->seccomp)
		return 0;
	if (ct_seccomp_load(lx->seccomp, note_unknown_syscall, &notify_fd, err) < 0)
		return ct_err_wrap(err, "load seccomp filter");
	if (notify_fd < 0)
		return 0;
	/* The listener socket lives on the host: the parent connects for us. */
	rc = ct_sync_send(c->a->sock, CT_SYNC_SECCOMP, 0, NULL, notify_fd, err);
	close(notify_fd);

	return rc;
}

/* The process's own settings; without noNewPrivileges seccomp needs CAP_SYS_ADMIN, so it goes
 * before the drop. */
static int setup_process(struct init_ctx *c, struct ct_err *err)
{
	const struct ct_process *proc = c->a->spec->process;

	if (ct_procattr_apply_privileged(c->a->spec, err) < 0 ||
	    ct_procattr_make_cwd(proc, err) < 0)
		return -1;
	if (!proc->no_new_privileges && load_seccomp(c, err) < 0)
		return -1;
	if (ct_procattr_set_user(proc, err) < 0)
		return ct_err_wrap(err, "set user");
	if (ct_caps_apply(proc->capabilities, warn_unknown_cap, err) < 0)
		return ct_err_wrap(err, "apply capabilities");
	if (proc->no_new_privileges) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return ct_err_set(err, errno, "set no_new_privs");
		if (load_seccomp(c, err) < 0)
			return -1;
	}
	if (proc->args.n == 0)
		return ct_err_set(err, 0, "process.args is empty");

	return find_executable(proc->args.v[0], c->a->env, c->exe, sizeof(c->exe), err);
}

static int enter_root(struct init_ctx *c, struct ct_err *err)
{
	const struct init_args *a = c->a;

	if (ct_rootfs_prepare(a->spec, a->rootfs, err) < 0)
		return ct_err_wrap(err, "prepare rootfs");
	/* The parent runs prestart and createRuntime now; without any, there is nothing to wait
	 * for. */
	if (ct_hooks_stage(a->spec->hooks, CT_HOOK_PRESTART)->n ||
	    ct_hooks_stage(a->spec->hooks, CT_HOOK_CREATE_RUNTIME)->n) {
		struct ct_sync_msg msg;

		if (ct_sync_send(a->sock, CT_SYNC_HOOKS, 0, NULL, -1, err) < 0 ||
		    ct_sync_expect(a->sock, CT_SYNC_HOOKS_DONE, &msg, NULL, err) < 0)
			return -1;
	}
	if (run_hooks(c, CT_HOOK_CREATE_CONTAINER, err) < 0)
		return -1;
	if (a->own_mount_ns) {
		if (ct_rootfs_pivot(a->rootfs, a->o->no_pivot, err) < 0)
			return ct_err_wrap(err, "pivot root");
	} else {
		/* pivot_root would move the host's root for everyone: a chroot is all we may do
		 * here. */
		if (chroot(a->rootfs) < 0)
			return ct_err_set(err, errno, "chroot '%s'", a->rootfs);
		if (chdir("/") < 0)
			return ct_err_set(err, errno, "chdir '/'");
	}
	if (a->spec->process && a->spec->process->terminal && setup_terminal(c, err) < 0)
		return -1;
	/* Before the masked and read-only paths: /proc/sys is one of those by default (as runc). */
	if (ct_procattr_apply_sysctl(a->spec, err) < 0)
		return ct_err_wrap(err, "apply sysctl");
	if (ct_rootfs_finish(a->spec, err) < 0)
		return ct_err_wrap(err, "finish rootfs");

	return 0;
}

/* A session keyring of its own, so the container cannot read the host's keys (runc's default). */
static int join_session_keyring(const char *id, struct ct_err *err)
{
	char name[64];

	snprintf(name, sizeof(name), "_ses.%.58s", id);
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS)
		return ct_err_set(err, errno, "join session keyring '%s'", name);

	return 0;
}

static int setup(struct init_ctx *c, struct ct_err *err)
{
	struct init_args *a = c->a;
	int entries[CT_CGROUP_MAX_ENTRIES];
	struct ct_sync_msg msg;
	size_t n = 0;

	/* On v1 the cgroups' "tasks" files come first, as soon as the parent has made them. */
	for (bool first = true;; first = false) {
		if (ct_sync_recv_fds(a->sock, &msg, entries, CT_CGROUP_MAX_ENTRIES, &n, err) < 0)
			return -1;
		if (first && restore_cpus(a, err) < 0) {
			while (n > 0)
				close(entries[--n]);
			return -1;
		}
		if (msg.type != CT_SYNC_CGROUPS)
			break;
		if (ct_cgroup_enter_self(entries, n, err) < 0)
			return -1;
	}
	if (msg.type != CT_SYNC_GO) {
		while (n > 0)
			close(entries[--n]);
		if (msg.type == CT_SYNC_ERROR) {
			*err = msg.err;
			return -1;
		}
		return ct_err_set(err, EPROTO, "unexpected sync message %u (wanted GO)", msg.type);
	}
	c->host_pid = msg.pid;
	/* On cgroup2, when we could not be cloned into it, our cgroup's entry rides along. */
	if (ct_cgroup_enter_self(entries, n, err) < 0)
		return -1;
	/*
	 * Nothing in the container may open our binary through /proc/1/exe (CVE-2019-5736),
	 * and nothing of the container's has run yet. Not before GO: a non-dumpable process's
	 * /proc files belong to root, and a parent that is not root could not write our maps.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return ct_err_set(err, errno, "prctl PR_SET_DUMPABLE");
	/* Root in the new user namespace, now that the maps exist; an unmapped 0 keeps our ids. */
	if (a->new_user && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) && errno != EINVAL)
		return ct_err_set(err, errno, "become root in the user namespace");
	if (a->new_time && enter_time_ns(a->spec->linux_, err) < 0)
		return -1;
	/* We are in the container's cgroup (cloned there, or moved above): the namespace's root. */
	if (a->new_cgroup && unshare(CLONE_NEWCGROUP) < 0)
		return ct_err_set(err, errno, "unshare cgroup namespace");
	if (setsid() < 0)
		return ct_err_set(err, errno, "setsid");
	if (!a->o->no_new_keyring && join_session_keyring(a->o->id, err) < 0)
		return -1;
	if (enter_root(c, err) < 0)
		return -1;
	if (set_names(a, err) < 0)
		return -1;
	if (a->spec->process && setup_process(c, err) < 0)
		return -1;

	return 0;
}

/* Blocks until `start` opens exec.fifo for reading, then tells it we are going. */
static int wait_for_start(struct init_ctx *c, struct ct_err *err)
{
	char name[16];
	cleanup_close int fd = -1;

	snprintf(name, sizeof(name), "%d", c->a->fifo_fd);
	do {
		fd = openat(c->fd_dir, name, O_WRONLY | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return ct_err_set(err, errno, "open exec.fifo");
	if (write(fd, "0", 1) != 1)
		return ct_err_set(err, errno, "write exec.fifo");

	return 0;
}

__attribute__((noreturn)) static void exec_process(struct init_ctx *c)
{
	const struct ct_process *proc = c->a->spec->process;
	struct ct_err err = {0};
	char text[CT_ERR_MSG_MAX + 64];
	sigset_t none;

	if (run_hooks(c, CT_HOOK_START_CONTAINER, &err) < 0 ||
	    ct_procattr_apply_final(proc, &err) < 0)
		goto fail;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(c->exe, proc->args.v, c->a->env);
	ct_err_set(&err, errno, "exec '%s'", c->exe);
fail:
	/* run waits on the socket for this; start has returned, so stderr and the log are left. */
	if (c->a->start_now) {
		struct ct_err ignored;

		if (ct_sync_send(c->a->sock, CT_SYNC_ERROR, 0, &err, -1, &ignored) == 0)
			_exit(127);
	}
	ct_err_str(&err, text, sizeof(text));
	if (ct_log_has_file())
		ct_log(CT_LOG_ERROR, "%s: %s", c->a->o->id, text);
	dprintf(STDERR_FILENO, "nsinit: %s: %s\n", c->a->o->id, text);
	_exit(127);
}

static int cmp_int(const void *x, const void *y)
{
	return *(const int *)x - *(const int *)y;
}

/*
 * Closes every inherited descriptor but the kept ones and our own: close-on-exec
 * is not enough while we wait for start, since a caller (bats, a shim) may
 * wait for its pipe or socket to be closed.
 */
static void close_inherited(const struct init_args *a)
{
	int own[3] = {a->sock, a->fifo_fd, ct_log_fd()};
	unsigned int from = (unsigned)a->keep_fds;

	qsort(own, 3, sizeof(int), cmp_int);
	for (int i = 0; i < 3; i++) {
		if (own[i] < (int)from)
			continue;
		if ((unsigned)own[i] > from)
			syscall(SYS_close_range, from, (unsigned)own[i] - 1, 0U);
		from = (unsigned)own[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0U);
}

__attribute__((noreturn)) void nsinit_init_main(struct init_args *a)
{
	struct init_ctx c = {.a = a, .fd_dir = -1};
	struct ct_err err = {0};
	struct ct_err ignored;

	/* Until READY, a create that dies must not leave its half-made init behind. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		ct_err_set(&err, errno, "prctl PR_SET_PDEATHSIG");
		goto fail;
	}
	/* A flock belongs to the open file, shared with the parent until we close our copy. */
	if (a->lock_fd >= 0)
		close(a->lock_fd);
	close_inherited(a);
	/* Only create's init reopens exec.fifo, after pivot_root; run's goes on to execve. */
	if (!a->start_now) {
		c.fd_dir = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (c.fd_dir < 0) {
			ct_err_set(&err, errno, "open '/proc/self/fd'");
			goto fail;
		}
	}
	/* Before GO: the parent makes the cgroups meanwhile. */
	if (a->spread)
		(void)sched_setaffinity(0, sizeof(a->others), &a->others);
	if (a->early_ns && make_namespaces(a->early_ns, &err) < 0)
		goto fail;
	if (setup(&c, &err) < 0)
		goto fail;

	/* create exits after READY: its death must not take us with it. */
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0) {
		ct_err_set(&err, errno, "prctl PR_SET_PDEATHSIG");
		goto fail;
	}
	if (ct_sync_send(a->sock, CT_SYNC_READY, 0, NULL, -1, &err) < 0)
		_exit(1);
	/* run needs no exec.fifo: it is waiting, and our execve closes the socket it reads. */
	if (a->start_now)
		exec_process(&c);
	close(a->sock);
	if (wait_for_start(&c, &err) < 0) {
		char text[CT_ERR_MSG_MAX + 64];

		/* With the cause: an RLIMIT_NOFILE of 1 leaves no descriptor to open the fifo. */
		ct_err_str(&err, text, sizeof(text));
		ct_log(CT_LOG_ERROR, "%s: %s", a->o->id, text);
		_exit(127);
	}
	/* Nothing of the host's stays open past this point: cwd and fds are the container's
	 * (CVE-2024-21626). */
	close(c.fd_dir);
	close(a->fifo_fd);
	if (!a->spec->process)
		_exit(0); /* start refuses a config without process; never reached through it */
	exec_process(&c);
fail:
	ct_sync_send(a->sock, CT_SYNC_ERROR, 0, &err, -1, &ignored);
	_exit(1);
}
