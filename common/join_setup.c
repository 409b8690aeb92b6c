/* SPDX-License-Identifier: Apache-2.0 */
/* The joining child: cgroups, namespaces, then the process as nsenter or as the container sets it
 * up. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/cleanup.h"
#include "common/err.h"
#include "common/join_priv.h"
#include "common/json.h"
#include "common/procattr.h"
#include "common/seccomp.h"
#include "common/spec.h"
#include "common/sync.h"
#include "common/terminal.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int open_cgroup_procs(struct join_ctx *ctx, const char *line, const char *mountinfo,
			     struct ct_err *err)
{
	char dir[4096], path[4200];
	int fd;

	if (ct_join_cgroup_dir(line, mountinfo, dir, sizeof(dir), err) < 0)
		return err->errnum == ENOENT ? 0 : -1;
	if (ctx->n_cgroups == JOIN_MAX_CGROUPS)
		return ct_err_set(err, E2BIG, "more than %d cgroup hierarchies", JOIN_MAX_CGROUPS);
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_err_set(err, errno, "open '%s'", path);
	ctx->cgroup_fd[ctx->n_cgroups] = fd;
	ctx->cgroup_path[ctx->n_cgroups] = strdup(path);
	ctx->n_cgroups++;

	return 0;
}

/*
 * Hierarchies the target is in but that are not mounted here cannot be
 * joined through the filesystem; they are skipped (a v1 controller the
 * runtime never used, such as net_cls without a mount).
 */
int join_open_cgroups(struct join_ctx *ctx, struct ct_err *err)
{
	cleanup_free char *cgroups = NULL;
	cleanup_free char *mountinfo = NULL;
	char path[64];
	size_t len;
	char *save = NULL;

	if (ctx->pid <= 0)
		return ct_err_set(err, 0, "no target PID specified");
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)ctx->pid);
	if (ct_read_file(path, &cgroups, &len, err) < 0 ||
	    ct_read_file("/proc/self/mountinfo", &mountinfo, &len, err) < 0)
		return ct_err_wrap(err, "join cgroups");
	for (char *line = strtok_r(cgroups, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (open_cgroup_procs(ctx, line, mountinfo, err) < 0)
			return ct_err_wrap(err, "join cgroups of process %d", (int)ctx->pid);

	return 0;
}

/*
 * "0" moves the writer itself, on v1 and v2 alike. It runs before the
 * cgroup namespace is entered: on v2 a move is refused when the source
 * cgroup lies outside the writer's cgroup namespace.
 */
static int enter_cgroups(struct join_ctx *ctx, struct ct_err *err)
{
	for (size_t i = 0; i < ctx->n_cgroups; i++) {
		if (write(ctx->cgroup_fd[i], "0", 1) != 1)
			return ct_err_set(err, errno, "write '%s'",
					  ctx->cgroup_path[i] ? ctx->cgroup_path[i]
							      : "cgroup.procs");
		ct_closep(&ctx->cgroup_fd[i]);
		ctx->cgroup_fd[i] = -1;
	}

	return 0;
}

/* nsenter -r/-w: the directories were opened on the host side, before the mount namespace. */
static int change_root_and_wd(struct join_ctx *ctx, struct ct_err *err)
{
	if (ctx->root_fd >= 0) {
		if (ctx->wd_fd < 0) {
			ctx->wd_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (ctx->wd_fd < 0)
				return ct_err_set(err, errno, "open the working directory");
		}
		if (fchdir(ctx->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
			return ct_err_set(err, errno, "change the root directory");
		ct_closep(&ctx->root_fd);
		ctx->root_fd = -1;
	}
	if (ctx->wd_fd >= 0) {
		if (fchdir(ctx->wd_fd) < 0)
			return ct_err_set(err, errno, "change the working directory");
		ct_closep(&ctx->wd_fd);
		ctx->wd_fd = -1;
	}

	return 0;
}

static int use_target_env(struct join_ctx *ctx, struct ct_err *err)
{
	if (!ctx->env_buf)
		return 0;
	if (clearenv() != 0)
		return ct_err_set(err, ENOMEM, "clear the environment");
	/* The buffer lives until execve, so putenv may keep pointers into it. */
	for (char *p = ctx->env_buf; p < ctx->env_buf + ctx->env_len; p += strlen(p) + 1)
		if (strchr(p, '=') && putenv(p) != 0)
			return ct_err_set(err, errno, "set environment '%s'", p);

	return 0;
}

/* As nsenter: entering a user namespace makes us root there, with no groups, unless asked. */
static int set_plain_ids(struct join_ctx *ctx, bool groups_dropped, struct ct_err *err)
{
	const struct ct_join_req *req = ctx->req;
	bool force = ctx->joins_user && !req->preserve_cred;
	bool set_gid = req->has_gid || force;
	bool set_uid = req->has_uid || force;

	if (set_gid && setgroups(0, NULL) < 0 && !groups_dropped)
		return ct_err_set(err, errno, "setgroups");
	if (set_gid && setgid(req->has_gid ? req->gid : 0) < 0)
		return ct_err_set(err, errno, "setgid %u", (unsigned)(req->has_gid ? req->gid : 0));
	if (set_uid && setuid(req->has_uid ? req->uid : 0) < 0)
		return ct_err_set(err, errno, "setuid %u", (unsigned)(req->has_uid ? req->uid : 0));

	return 0;
}

static int exec_plain(struct join_ctx *ctx, struct ct_err *err)
{
	char *const *argv = ctx->req->argv;
	const char *shell;
	const char *base;
	char arg0[256];

	ctx->fail = CT_JOIN_FAIL_EXEC;
	if (argv && argv[0]) {
		execvp(argv[0], argv);
		return ct_err_set(err, errno, "exec '%s'", argv[0]);
	}
	/* No program: the shell, as a login shell ("-sh"), as nsenter starts it. */
	shell = getenv("SHELL");
	if (!shell || !*shell)
		shell = "/bin/sh";
	base = strrchr(shell, '/') ? strrchr(shell, '/') + 1 : shell;
	snprintf(arg0, sizeof(arg0), "-%s", base);
	execl(shell, arg0, (char *)NULL);

	return ct_err_set(err, errno, "exec '%s'", shell);
}

/* Marks the preserved descriptors inheritable and closes the rest, keeping keep (CLOEXEC). */
static int close_fds(int preserve, int *keep, struct ct_err *err)
{
	unsigned first = 3 + (unsigned)preserve;

	for (unsigned fd = 3; fd < first; fd++)
		if ((int)fd != *keep && fcntl((int)fd, F_SETFD, 0) < 0 && errno != EBADF)
			return ct_err_set(err, errno, "keep descriptor %u", fd);
	if (*keep >= 3 && (unsigned)*keep < first) {
		int moved = fcntl(*keep, F_DUPFD_CLOEXEC, (int)first);

		if (moved < 0)
			return ct_err_set(err, errno, "move descriptor %d", *keep);
		close(*keep);
		*keep = moved;
	}
	if (*keep >= 0 && (unsigned)*keep > first &&
	    syscall(SYS_close_range, first, (unsigned)*keep - 1, 0) < 0)
		return ct_err_set(err, errno, "close_range");
	if (syscall(SYS_close_range, *keep >= (int)first ? (unsigned)*keep + 1 : first, ~0U, 0) < 0)
		return ct_err_set(err, errno, "close_range");

	return 0;
}

/* The pty is made inside the container (its devpts), as the container's own. */
static int setup_tty(struct join_ctx *ctx, struct ct_err *err)
{
	const struct ct_process *proc = ctx->req->proc;
	cleanup_close int master = -1;
	cleanup_close int slave = -1;
	char name[128];

	if (ct_terminal_open("/dev/ptmx", &master, &slave, name, sizeof(name), err) < 0)
		return ct_err_wrap(err, "allocate a terminal");
	if (proc && proc->has_console_size &&
	    ct_terminal_set_size(master, proc->console_height, proc->console_width, err) < 0)
		return -1;
	if (setsid() < 0)
		return ct_err_set(err, errno, "setsid");
	if (ct_terminal_make_controlling(slave, err) < 0)
		return -1;
	if (ctx->req->console_fd >= 0) {
		if (ct_send_fd(ctx->req->console_fd, master, "/dev/ptmx", err) < 0)
			return ct_err_wrap(err, "send the terminal to the console socket");
	} else if (ct_sync_send(ctx->sync_fd, CT_SYNC_PTY, 0, NULL, master, err) < 0) {
		return ct_err_wrap(err, "hand the terminal over");
	}

	return 0;
}

static const char *env_get(const struct ct_strv *env, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], key, klen) == 0 && env->v[i][klen] == '=')
			return env->v[i] + klen + 1;
	return NULL;
}

/* As execvp, but with PATH from the process's own environment, not ours. */
static int find_program(const char *name, const struct ct_strv *env, char *buf, size_t size,
			struct ct_err *err)
{
	const char *path = env_get(env, "PATH");
	struct stat st;

	if (strchr(name, '/')) {
		snprintf(buf, size, "%s", name);
		return 0;
	}
	for (const char *p = path ? path : DEFAULT_PATH; *p;) {
		size_t len = strcspn(p, ":");

		snprintf(buf, size, "%.*s/%s", (int)len, len ? p : ".", name);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return 0;
		p += len + (p[len] == ':');
	}

	return ct_err_set(err, ENOENT, "exec '%s': executable file not found in $PATH", name);
}

static int load_seccomp(const struct join_ctx *ctx, struct ct_err *err)
{
	const struct ct_join_req *req = ctx->req;
	int listener = -1;

	if (!req->linux_ || !req->linux_->seccomp)
		return 0;
	if (ctx->bpf.prog)
		return join_seccomp_load_bpf(&ctx->bpf, err);
	if (ct_seccomp_load(req->linux_->seccomp, NULL, &listener, err) < 0)
		return ct_err_wrap(err, "load seccomp filter");
	/* LIMITATION: no seccomp listener hand-off for joined processes; such exec fails with
	 * "seccomp notify listener is not supported for exec". */
	if (listener >= 0) {
		close(listener);
		return ct_err_set(err, ENOTSUP,
				  "seccomp notify listener is not supported for exec");
	}

	return 0;
}

/* Seccomp goes last when it can: every step before it may need a syscall the filter forbids. */
static int exec_container_process(struct join_ctx *ctx, struct ct_err *err)
{
	const struct ct_join_req *req = ctx->req;
	const struct ct_process *proc = req->proc;
	char *const *argv = req->argv ? req->argv : proc->args.v;
	char path[4096];

	if (!argv || !argv[0])
		return ct_err_set(err, 0, "no program to run");
	/*
	 * Without no_new_privs, loading a filter takes CAP_SYS_ADMIN: load it
	 * while we still have it (as runc does); else as late as possible.
	 */
	if (!proc->no_new_privileges && load_seccomp(ctx, err) < 0)
		return -1;
	if (ct_procattr_set_user(proc, err) < 0 ||
	    ct_caps_apply(proc->capabilities, req->warn_unknown_cap, err) < 0)
		return -1;
	if (proc->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return ct_err_set(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
	if (ct_procattr_apply_final(proc, err) < 0)
		return -1;
	ctx->fail = CT_JOIN_FAIL_EXEC;
	if (find_program(argv[0], &proc->env, path, sizeof(path), err) < 0)
		return -1;
	ctx->fail = CT_JOIN_FAIL_SETUP;
	if (proc->no_new_privileges && load_seccomp(ctx, err) < 0)
		return -1;
	ctx->fail = CT_JOIN_FAIL_EXEC;
	execve(path, argv, proc->env.v ? proc->env.v : (char *const[]){NULL});

	return ct_err_set(err, errno, "exec '%s'", path);
}

/*
 * Runs as the container's processes do, minus what belongs to the
 * container once (sysctl, mounts, hostname). rlimits, oom score and LSM
 * label were set before the user namespace, while host privilege counts.
 */
static int run_container_process(struct join_ctx *ctx, struct ct_err *err)
{
	/* A container without its own mount namespace: chroot into its root. */
	if (ctx->root_fd >= 0 && (fchdir(ctx->root_fd) < 0 || chroot(".") < 0))
		return ct_err_set(err, errno, "change the root directory");
	ct_closep(&ctx->root_fd);
	ctx->root_fd = -1;
	/*
	 * CVE-2024-21626: the mount namespace made our cwd its root; chdir there
	 * again anyway so no host directory can be reached from here on.
	 */
	if (chdir("/") < 0)
		return ct_err_set(err, errno, "chdir '/'");
	if (ctx->req->tty && setup_tty(ctx, err) < 0)
		return -1;
	if (close_fds(ctx->req->preserve_fds, &ctx->sync_fd, err) < 0)
		return -1;

	return exec_container_process(ctx, err);
}

int join_child(struct join_ctx *ctx, struct ct_err *err)
{
	const struct ct_join_req *req = ctx->req;
	struct ct_spec attrs = {.process = (struct ct_process *)req->proc,
				.linux_ = (struct ct_linux *)req->linux_};
	bool groups_dropped = false;

	ctx->fail = CT_JOIN_FAIL_SETUP;
	if (enter_cgroups(ctx, err) < 0)
		return ct_err_wrap(err, "join cgroups");
	if (req->proc && ct_procattr_apply_privileged(&attrs, err) < 0)
		return ct_err_wrap(err, "set up process");
	/* Dropped before a user namespace too: it may deny setgroups inside. */
	if (!req->proc && ctx->joins_user && !req->preserve_cred)
		groups_dropped = setgroups(0, NULL) == 0;
	if (join_enter(ctx, ctx->want, err) < 0)
		return -1;
	if (req->proc)
		return run_container_process(ctx, err);
	if (change_root_and_wd(ctx, err) < 0 || use_target_env(ctx, err) < 0 ||
	    set_plain_ids(ctx, groups_dropped, err) < 0)
		return -1;

	return exec_plain(ctx, err);
}
