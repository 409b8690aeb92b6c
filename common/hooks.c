/* SPDX-License-Identifier: Apache-2.0 */
/* Running the spec's hooks: state on stdin, args, env, timeout, output captured. */
#include "common/hooks.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/interrupt.h"
#include "common/spec.h"

static const char *const stage_names[CT_HOOK_STAGE_COUNT] = {
	[CT_HOOK_PRESTART] = "prestart",
	[CT_HOOK_CREATE_RUNTIME] = "createRuntime",
	[CT_HOOK_CREATE_CONTAINER] = "createContainer",
	[CT_HOOK_START_CONTAINER] = "startContainer",
	[CT_HOOK_POSTSTART] = "poststart",
	[CT_HOOK_POSTSTOP] = "poststop",
};

static const struct ct_hook_list empty_list;

const char *ct_hook_stage_name(enum ct_hook_stage stage)
{
	return (unsigned)stage < CT_HOOK_STAGE_COUNT ? stage_names[stage] : NULL;
}

const struct ct_hook_list *ct_hooks_stage(const struct ct_hooks *hooks, enum ct_hook_stage stage)
{
	if (!hooks)
		return &empty_list;
	switch (stage) {
	case CT_HOOK_PRESTART:
		return &hooks->prestart;
	case CT_HOOK_CREATE_RUNTIME:
		return &hooks->create_runtime;
	case CT_HOOK_CREATE_CONTAINER:
		return &hooks->create_container;
	case CT_HOOK_START_CONTAINER:
		return &hooks->start_container;
	case CT_HOOK_POSTSTART:
		return &hooks->poststart;
	case CT_HOOK_POSTSTOP:
		return &hooks->poststop;
	case CT_HOOK_STAGE_COUNT:
		break;
	}
	return &empty_list;
}

/* The state goes through a memfd, so a hook that never reads stdin cannot block us. */
static int state_memfd(const char *state_json, struct ct_err *err)
{
	cleanup_close int fd = memfd_create("hook-state", MFD_CLOEXEC);
	size_t len = strlen(state_json);
	const char *p = state_json;

	if (fd < 0)
		return ct_err_set(err, errno, "memfd_create");
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_err_set(err, errno, "write hook state");
		p += n;
		len -= (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return ct_err_set(err, errno, "rewind hook state");

	return steal_fd(&fd);
}

/*
 * In the forked child: only async-signal-safe calls until execve. Why execve
 * failed goes to err_fd (close-on-exec, so a hook that runs closes it unwritten).
 */
static void exec_hook(const struct ct_hook *hook, int in_fd, int out_fd, int err_fd)
{
	static char *const empty_env[] = {NULL};
	char *argv_default[] = {hook->path, NULL};
	char *const *argv = hook->args.v && hook->args.n ? hook->args.v : argv_default;
	char *const *envp = hook->env.v ? hook->env.v : empty_env;
	sigset_t all;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	ssize_t w;
	int e;

	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(127);
	/* Only err_fd stays, as fd 3, for the hook to lose at execve. */
	if (err_fd != 3 && dup3(err_fd, 3, O_CLOEXEC) < 0)
		_exit(127);
	syscall(SYS_close_range, 4U, ~0U, 0U);
	execve(hook->path, argv, envp);
	e = errno;
	/* Nothing is left to tell if this write fails: the parent then reports status 127. */
	w = write(3, &e, sizeof(e));
	(void)w;
	_exit(127);
}

static bool is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* execve's errno in the hook's child, or 0 when it ran (err_fd reads empty). */
static int exec_errno(int err_fd)
{
	int e = 0;

	if (read(err_fd, &e, sizeof(e)) != (ssize_t)sizeof(e))
		return 0;
	return e;
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/*
 * A hook's lines end up in the engine's log, one warning each: a hook printing
 * megabytes of short lines would fill it many times over. Past this many lines
 * the rest is read (the hook must not block on a full pipe) but not passed on.
 */
#define HOOK_OUTPUT_LINES_MAX 1000

struct hook_output {
	void (*fn)(const char *path, const char *line);
	const char *path;
	size_t lines;
};

static void emit_line(struct hook_output *out, const char *line)
{
	if (!out->fn || out->lines > HOOK_OUTPUT_LINES_MAX)
		return;
	if (out->lines++ == HOOK_OUTPUT_LINES_MAX)
		out->fn(out->path, "more output not shown: over 1000 lines");
	else
		out->fn(out->path, line);
}

static void flush_lines(char *buf, size_t *len, bool all, struct hook_output *out)
{
	char *start = buf, *nl;

	while ((nl = memchr(start, '\n', *len - (size_t)(start - buf)))) {
		*nl = '\0';
		emit_line(out, start);
		start = nl + 1;
	}
	*len -= (size_t)(start - buf);
	memmove(buf, start, *len);
	if ((all || *len == 4095) && *len > 0) {
		buf[*len] = '\0';
		emit_line(out, buf);
		*len = 0;
	}
}

/* At most this many processes of a hook's tree are looked for, and this deep. */
#define HOOK_TREE_MAX 1024
#define HOOK_TREE_DEPTH 32

/* Appends the children of pid (every thread's, from /proc) to v; *n grows. */
static void stop_children(pid_t pid, pid_t *v, size_t *n)
{
	char path[64];
	cleanup_closedir DIR *tasks = NULL;
	struct dirent *de;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	tasks = opendir(path);
	while (tasks && (de = readdir(tasks))) {
		cleanup_fclose FILE *f = NULL;
		char word[24];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.20s/children", (int)pid, de->d_name);
		f = fopen(path, "re");
		while (f && *n < HOOK_TREE_MAX && fscanf(f, "%23s", word) == 1) {
			char *end;
			long child = strtol(word, &end, 10);

			if (*end || child <= 0)
				break;
			kill((pid_t)child, SIGSTOP);
			v[(*n)++] = (pid_t)child;
		}
	}
}

/*
 * Kills a hook and what it started (and has not let go of: a daemon that left its parent is
 * no longer ours to find). The hook stays in our process group, so a Ctrl-C or a group kill
 * meant for us reaches it too; its descendants are found through /proc, each stopped as it
 * is found so that none forks past us, then all are killed.
 */
static void kill_tree(pid_t hook)
{
	pid_t v[HOOK_TREE_MAX];
	size_t n = 1, from = 0;

	v[0] = hook;
	kill(hook, SIGSTOP);
	for (int depth = 0; depth < HOOK_TREE_DEPTH && from < n; depth++) {
		size_t level_end = n;

		for (; from < level_end; from++)
			stop_children(v[from], v, &n);
	}
	for (size_t i = 0; i < n; i++)
		kill(v[i], SIGKILL);
}

/*
 * Reads the hook's output until it exits or the deadline passes: 1 on timeout, -1 when a held
 * signal interrupted the wait (err filled); in both cases the hook and its children are killed.
 */
static int watch_hook(pid_t pid, int pidfd, int out_fd, int timeout, const char *path,
		      void (*output)(const char *, const char *), struct ct_err *err)
{
	struct hook_output out = {output, path, 0};
	struct timespec deadline;
	char buf[4096];
	size_t len = 0;
	bool out_open = true;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout;
	for (;;) {
		struct pollfd pfd[3] = {{.fd = pidfd, .events = POLLIN},
					{.fd = out_open ? out_fd : -1, .events = POLLIN},
					{.fd = ct_interrupt_fd(), .events = POLLIN}};
		long left = timeout > 0 ? ms_left(&deadline) : -1;
		int n;

		if (timeout > 0 && left <= 0) {
			kill_tree(pid);
			flush_lines(buf, &len, true, &out);
			return 1;
		}
		n = poll(pfd, 3, (int)left);
		if (n < 0 && errno != EINTR)
			return 0;
		if (n > 0 && pfd[2].revents && ct_interrupt_check(err) < 0) {
			kill_tree(pid);
			flush_lines(buf, &len, true, &out);
			return -1;
		}
		if (n > 0 && out_open && (pfd[1].revents & (POLLIN | POLLHUP))) {
			ssize_t r = read(out_fd, buf + len, sizeof(buf) - 1 - len);

			if (r <= 0)
				out_open = false;
			else
				len += (size_t)r;
			flush_lines(buf, &len, false, &out);
		}
		if (n > 0 && (pfd[0].revents & POLLIN) && !out_open)
			break;
		if (n > 0 && (pfd[0].revents & POLLIN) && !(pfd[1].revents & POLLIN))
			break;
	}
	flush_lines(buf, &len, true, &out);
	return 0;
}

static int run_one(const struct ct_hook *hook, const char *state_json,
		   void (*output)(const char *, const char *), struct ct_err *err)
{
	cleanup_close int in_fd = state_memfd(state_json, err);
	cleanup_close int pidfd = -1;
	cleanup_close int err_rd = -1;
	int pipefd[2], errpipe[2];
	int status = 0, timed_out, exec_err;
	pid_t pid;

	if (in_fd < 0)
		return -1;
	if (pipe2(errpipe, O_CLOEXEC) < 0)
		return ct_err_set(err, errno, "pipe");
	err_rd = errpipe[0];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		close(errpipe[1]);
		return ct_err_set(err, errno, "pipe");
	}
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		close(errpipe[1]);
		return ct_err_set(err, errno, "fork");
	}
	if (pid == 0)
		exec_hook(hook, in_fd, pipefd[1], errpipe[1]);
	close(pipefd[1]);
	close(errpipe[1]);

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		int saved = errno;

		kill_tree(pid);
		waitpid(pid, NULL, 0);
		close(pipefd[0]);
		return ct_err_set(err, saved, "pidfd_open");
	}
	timed_out = watch_hook(pid, pidfd, pipefd[0], hook->has_timeout ? hook->timeout : 0,
			       hook->path, output, err);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;

	if (timed_out < 0)
		return ct_err_wrap(err, "hook '%s' killed", hook->path);

	if (timed_out)
		return ct_err_set(err, 0, "hook '%s' killed after %d s timeout", hook->path,
				  hook->timeout);
	if (WIFSIGNALED(status))
		return ct_err_set(err, 0, "hook '%s' killed by signal %d", hook->path,
				  WTERMSIG(status));
	/* The hook never ran: execve's own reason (ENOENT, EACCES, EISDIR, ENOEXEC). */
	exec_err = exec_errno(err_rd);
	/* execve says EACCES for a directory; the plainer cause is the one to show. */
	if (exec_err == EACCES && is_directory(hook->path))
		exec_err = EISDIR;
	if (exec_err)
		return ct_err_set(err, exec_err, "run hook '%s'", hook->path);
	if (WEXITSTATUS(status) != 0)
		return ct_err_set(err, 0, "hook '%s' exited with status %d", hook->path,
				  WEXITSTATUS(status));

	return 0;
}

int ct_hooks_run(const struct ct_hook_list *list, const char *stage, const char *state_json,
		 void (*output)(const char *path, const char *line), struct ct_err *err)
{
	for (size_t i = 0; list && i < list->n; i++) {
		if (run_one(&list->v[i], state_json, output, err) < 0)
			return ct_err_wrap(err, "%s hook %zu", stage, i);
	}
	return 0;
}
