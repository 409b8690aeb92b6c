/* SPDX-License-Identifier: Apache-2.0 */
/* Joining a running process: open its namespaces, enter them, fork, start the program. */
#include "common/join.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/join_priv.h"
#include "common/json.h"
#include "common/ns.h"
#include "common/state.h"
#include "common/sync.h"

/* setns() takes a pidfd from Linux 5.8 on; before, it only takes namespace files. */
static bool kernel_has_pidfd_setns(void)
{
	struct utsname u;
	char *dot;
	long major, minor;

	if (uname(&u) < 0)
		return false;
	major = strtol(u.release, &dot, 10);
	if (*dot != '.')
		return false;
	minor = strtol(dot + 1, NULL, 10);

	return major > 5 || (major == 5 && minor >= 8);
}

static void ctx_release(struct join_ctx *ctx)
{
	ct_closep(&ctx->pidfd);
	for (int i = 0; i < CT_NS_COUNT; i++)
		ct_closep(&ctx->ns_fd[i]);
	for (size_t i = 0; i < ctx->n_cgroups; i++) {
		ct_closep(&ctx->cgroup_fd[i]);
		free(ctx->cgroup_path[i]);
	}
	ct_closep(&ctx->root_fd);
	ct_closep(&ctx->wd_fd);
	free(ctx->env_buf);
	ctx->env_buf = NULL;
	free(ctx->bpf.prog);
	ctx->bpf.prog = NULL;
}

/*
 * A pidfd pins the process; the start time read after opening it proves the
 * pid still names the process the caller recorded (not a reused pid).
 */
static int open_target(struct join_ctx *ctx, struct ct_err *err)
{
	uint64_t start;
	char state;

	if (ctx->pid <= 0)
		return 0;
	if (kernel_has_pidfd_setns()) {
		ctx->pidfd = pidfd_open(ctx->pid, 0);
		if (ctx->pidfd < 0 && errno == ESRCH)
			return ct_err_set(err, ESRCH, "open process %d", (int)ctx->pid);
		if (ctx->pidfd < 0 && errno != ENOSYS)
			return ct_err_set(err, errno, "pidfd_open %d", (int)ctx->pid);
	}
	if (ct_proc_start_time(ctx->pid, &start, &state, err) < 0)
		return ct_err_wrap(err, "open process %d", (int)ctx->pid);
	if (state == 'Z')
		return ct_err_set(err, ESRCH, "process %d has exited", (int)ctx->pid);
	if (ctx->req->start_time && start != ctx->req->start_time)
		return ct_err_set(err, ESRCH,
				  "process %d is not the recorded one (started at %llu, not %llu)",
				  (int)ctx->pid, (unsigned long long)start,
				  (unsigned long long)ctx->req->start_time);

	return 0;
}

static bool same_user_ns(pid_t pid)
{
	struct ct_err ignored;
	uint64_t mine, theirs;

	if (ct_ns_inode(getpid(), CT_NS_USER, &mine, &ignored) < 0 ||
	    ct_ns_inode(pid, CT_NS_USER, &theirs, &ignored) < 0)
		return false;
	return mine == theirs;
}

static int open_ns_file(struct join_ctx *ctx, enum ct_ns_type type, const char *path,
			struct ct_err *err)
{
	ct_closep(&ctx->ns_fd[type]);
	ctx->ns_fd[type] = -1;
	if (ct_ns_open(path, type, &ctx->ns_fd[type], err) < 0)
		return -1;
	snprintf(ctx->ns_path[type], sizeof(ctx->ns_path[type]), "%s", path);
	ctx->with_file |= JOIN_BIT(type);

	return 0;
}

/* The target's user namespace's owner, entered in place of the target's own. */
static int open_user_parent(struct join_ctx *ctx, struct ct_err *err)
{
	char path[64];
	struct stat st;
	uint64_t mine;
	size_t len;
	int fd;

	if (!(ctx->with_file & JOIN_BIT(CT_NS_USER))) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)ctx->pid);
		if (open_ns_file(ctx, CT_NS_USER, path, err) < 0)
			return -1;
	}
	fd = ioctl(ctx->ns_fd[CT_NS_USER], NS_GET_USERNS);
	if (fd < 0)
		return ct_err_set(err, errno, "open the parent of user namespace '%s'",
				  ctx->ns_path[CT_NS_USER]);
	close(ctx->ns_fd[CT_NS_USER]);
	ctx->ns_fd[CT_NS_USER] = fd;
	len = strlen(ctx->ns_path[CT_NS_USER]);
	snprintf(ctx->ns_path[CT_NS_USER] + len, sizeof(ctx->ns_path[CT_NS_USER]) - len,
		 " (parent)");
	ctx->want |= JOIN_BIT(CT_NS_USER);
	/* setns refuses our own user namespace; being in it already, there is nothing to do. */
	if (fstat(fd, &st) == 0 && ct_ns_inode(getpid(), CT_NS_USER, &mine, err) == 0 &&
	    (uint64_t)st.st_ino == mine)
		ctx->want &= ~JOIN_BIT(CT_NS_USER);

	return 0;
}

static bool wants_process_change(const struct ct_join_req *req)
{
	return req->root_target || req->root_dir || req->wd_target || req->wd_dir ||
	       req->env_target || req->has_uid || req->has_gid || req->join_cgroups;
}

/* Which namespaces, and from where: explicit files, else the pidfd, else /proc/PID/ns. */
static int pick_namespaces(struct join_ctx *ctx, struct ct_err *err)
{
	const struct ct_join_req *req = ctx->req;
	char path[64];

	for (int i = 0; i < CT_NS_COUNT; i++) {
		const struct ct_ns_info *ns = &ct_ns_table[i];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns->proc_name);
		/*
		 * --all skips kinds this kernel lacks, and our own user namespace:
		 * setns refuses to re-enter it, and entering it could not drop anything.
		 */
		if (req->ns_want[ns->type] || req->ns_file[ns->type] ||
		    (req->all && stat(path, &st) == 0 &&
		     (ns->type != CT_NS_USER || !same_user_ns(ctx->pid))))
			ctx->want |= JOIN_BIT(ns->type);
		if (req->ns_file[ns->type] &&
		    open_ns_file(ctx, ns->type, req->ns_file[ns->type], err) < 0)
			return -1;
	}
	if (req->user_parent && open_user_parent(ctx, err) < 0)
		return -1;
	/*
	 * As with nsenter, -r, -w, -e, -S, -G or -c alone are a request of their
	 * own (the target's root or cwd, say); with none of them either there is
	 * nothing to do.
	 */
	if (!ctx->want && !wants_process_change(req))
		return ct_err_set(err, 0, "no namespace specified");
	ctx->joins_user = ctx->want & JOIN_BIT(CT_NS_USER);
	if ((ctx->want & ~ctx->with_file) && ctx->pid <= 0)
		return ct_err_set(err, 0, "no target PID specified");

	for (int i = 0; ctx->pidfd < 0 && i < CT_NS_COUNT; i++) {
		const struct ct_ns_info *ns = &ct_ns_table[i];

		if (!(ctx->want & JOIN_BIT(ns->type)) || (ctx->with_file & JOIN_BIT(ns->type)))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)ctx->pid, ns->proc_name);
		if (open_ns_file(ctx, ns->type, path, err) < 0)
			return -1;
	}

	return 0;
}

static int open_dir(int *fd, const char *path, struct ct_err *err)
{
	*fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return ct_err_set(err, errno, "open directory '%s'", path);
	return 0;
}

static int read_environ(struct join_ctx *ctx, struct ct_err *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)ctx->pid);
	return ct_read_file(path, &ctx->env_buf, &ctx->env_len, err);
}

/* Everything that needs the host's view of the filesystem happens here, before any setns. */
static int prepare(struct join_ctx *ctx, struct ct_err *err)
{
	const struct ct_join_req *req = ctx->req;
	char path[64];

	if (open_target(ctx, err) < 0 || pick_namespaces(ctx, err) < 0)
		return -1;
	if (req->join_cgroups && join_open_cgroups(ctx, err) < 0)
		return -1;
	if ((req->root_target || req->wd_target || req->env_target) && ctx->pid <= 0)
		return ct_err_set(err, 0, "no target PID specified");
	snprintf(path, sizeof(path), "/proc/%d/root", (int)ctx->pid);
	if ((req->root_dir || req->root_target) &&
	    open_dir(&ctx->root_fd, req->root_dir ? req->root_dir : path, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)ctx->pid);
	if ((req->wd_dir || req->wd_target) &&
	    open_dir(&ctx->wd_fd, req->wd_dir ? req->wd_dir : path, err) < 0)
		return -1;
	if (req->env_target && read_environ(ctx, err) < 0)
		return -1;
	if (req->proc && req->linux_)
		join_seccomp_prepare(req->seccomp_cache, req->linux_->seccomp, &ctx->bpf);

	return 0;
}

static void describe_flags(int flags, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < CT_NS_COUNT; i++)
		if (flags & ct_ns_table[i].clone_flag)
			len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s",
						len ? "," : "", ct_ns_table[i].proc_name);
}

int join_enter(struct join_ctx *ctx, unsigned want, struct ct_err *err)
{
	struct ct_join_step steps[CT_NS_COUNT + 1];
	char names[128];

	/*
	 * Two passes, as nsenter: first everything but the user namespace
	 * while our own privileges still count (failures there are retried),
	 * then the rest with the user namespace first, whose capabilities are
	 * what an unprivileged caller needs for the others.
	 */
	for (int pass = 0; pass < 2 && want; pass++) {
		unsigned set = pass == 0 ? want & ~JOIN_BIT(CT_NS_USER) : want;
		size_t n = ct_join_plan(set, ctx->with_file, ctx->pidfd >= 0, steps);

		for (size_t i = 0; i < n; i++) {
			bool by_pidfd = steps[i].type < 0;
			unsigned done = by_pidfd ? set & ~ctx->with_file : JOIN_BIT(steps[i].type);

			if (setns(by_pidfd ? ctx->pidfd : ctx->ns_fd[steps[i].type],
				  steps[i].flags) == 0) {
				want &= ~done;
				ctx->want &= ~done;
				continue;
			}
			if (pass == 0)
				continue;
			if (!by_pidfd)
				return ct_err_set(err, errno, "setns '%s'",
						  ctx->ns_path[steps[i].type]);
			describe_flags(steps[i].flags, names, sizeof(names));
			return ct_err_set(err, errno, "setns %s of process %d", names,
					  (int)ctx->pid);
		}
	}

	return 0;
}

/*
 * The parent only enters the pid namespace, which changes nothing for
 * itself, only for the children it forks: so it keeps the host's files,
 * cgroups and credentials for pid files, consoles and logs.
 */
static int enter_pid_ns(struct join_ctx *ctx, struct ct_err *err)
{
	if (!(ctx->want & JOIN_BIT(CT_NS_PID)))
		return 0;
	if (join_enter(ctx, JOIN_BIT(CT_NS_PID), err) == 0)
		return 0;
	/* An unprivileged caller needs the user namespace's capabilities for it. */
	if (err->errnum == EPERM && (ctx->want & JOIN_BIT(CT_NS_USER)))
		return join_enter(ctx, JOIN_BIT(CT_NS_USER) | JOIN_BIT(CT_NS_PID), err);

	return -1;
}

/* Reads the child's reports until the socket closes, which execve does (CLOEXEC). */
static int await_exec(struct join_ctx *ctx, int sock, pid_t child, int *ret_master,
		      struct ct_err *err)
{
	struct ct_sync_msg msg;
	struct ct_err rerr;
	int fd;

	for (;;) {
		fd = -1;
		if (ct_sync_recv(sock, &msg, &fd, &rerr) < 0) {
			if (rerr.errnum == EPIPE)
				return 0;
			*err = rerr;
			break;
		}
		if (msg.type == CT_SYNC_PTY && fd >= 0 && *ret_master < 0) {
			*ret_master = fd;
			continue;
		}
		ct_closep(&fd);
		if (msg.type == CT_SYNC_ERROR) {
			*err = msg.err;
			/* The pid field carries the step that failed (enum ct_join_fail). */
			ctx->fail = msg.pid == CT_JOIN_FAIL_EXEC ? CT_JOIN_FAIL_EXEC
								 : CT_JOIN_FAIL_SETUP;
			break;
		}
	}
	ct_closep(ret_master);
	*ret_master = -1;
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;

	return -1;
}

static int fork_child(struct join_ctx *ctx, pid_t *ret_pid, int *ret_master, struct ct_err *err)
{
	sigset_t old_mask;
	int sv[2];
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return ct_err_set(err, errno, "socketpair");
	/*
	 * The program may be running (and a caller may signal us because of
	 * it) before ct_join_wait is reached: from here on such signals stay
	 * pending for it to pass on. On success they stay blocked for it.
	 */
	if (join_block_forwarded(&old_mask, err) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	child = fork();
	if (child < 0) {
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		close(sv[0]);
		close(sv[1]);
		return ct_err_set(err, errno, "fork");
	}
	if (child == 0) {
		struct ct_err cerr = {0};

		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		close(sv[0]);
		ctx->sync_fd = sv[1];
		join_child(ctx, &cerr);
		ct_sync_send(sv[1], CT_SYNC_ERROR, (int32_t)ctx->fail, &cerr, -1, &cerr);
		_exit(255);
	}
	close(sv[1]);
	*ret_master = -1;
	if (await_exec(ctx, sv[0], child, ret_master, err) < 0) {
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		close(sv[0]);
		return -1;
	}
	close(sv[0]);
	*ret_pid = child;

	return 0;
}

int ct_join_start(const struct ct_join_req *req, pid_t *ret_pid, int *ret_master,
		  enum ct_join_fail *ret_fail, struct ct_err *err)
{
	struct join_ctx ctx = {
		.req = req,
		.pid = req->pid,
		.pidfd = -1,
		.root_fd = -1,
		.wd_fd = -1,
		.sync_fd = -1,
		.fail = CT_JOIN_FAIL_SETUP,
	};
	bool do_fork;
	int master = -1;
	pid_t child = 0;
	int rc;

	for (int i = 0; i < CT_NS_COUNT; i++)
		ctx.ns_fd[i] = -1;
	*ret_fail = CT_JOIN_FAIL_NONE;

	/*
	 * CVE-2019-5736: until execve replaces our image, no process of the
	 * container may open /proc/PID/exe of ours (and write our binary) or
	 * ptrace us; not dumpable is what the kernel checks for both.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		*ret_fail = CT_JOIN_FAIL_SETUP;
		return ct_err_set(err, errno, "prctl PR_SET_DUMPABLE");
	}
	rc = prepare(&ctx, err);
	/* A pid namespace applies to children only: without a fork it is nsenter -F's choice. */
	do_fork = !req->no_fork && ((ctx.want & JOIN_BIT(CT_NS_PID)) || req->proc || req->tty);
	if (rc == 0 && do_fork)
		rc = enter_pid_ns(&ctx, err);
	if (rc == 0 && do_fork)
		rc = fork_child(&ctx, &child, &master, err);
	else if (rc == 0)
		rc = join_child(&ctx, err);
	ctx_release(&ctx);
	if (rc < 0) {
		*ret_fail = ctx.fail;
		return -1;
	}
	*ret_pid = child;
	*ret_master = master;

	return 0;
}

void ct_join_exit_status(int wstatus, int *ret_code, int *ret_signal)
{
	*ret_signal = 0;
	if (WIFEXITED(wstatus)) {
		*ret_code = WEXITSTATUS(wstatus);
	} else if (WIFSIGNALED(wstatus)) {
		*ret_signal = WTERMSIG(wstatus);
		*ret_code = 128 + *ret_signal;
	} else {
		*ret_code = 255;
	}
}

int ct_join_reserve_fds(int n, struct ct_err *err)
{
	for (int fd = 3; fd < 3 + n; fd++) {
		int null;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0)
			return ct_err_set(err, errno, "open '/dev/null'");
		/* open takes the lowest free number: fd itself, or one below it we filled already.
		 */
		if (null != fd) {
			int moved = dup3(null, fd, O_CLOEXEC);

			close(null);
			if (moved < 0)
				return ct_err_set(err, errno, "reserve descriptor %d", fd);
		}
	}

	return 0;
}
