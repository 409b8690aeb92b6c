/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp filters: each test loads one in a forked child and makes the syscalls it governs. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <seccomp.h>

#include "common/defaults.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/seccomp.h"
#include "common/spec.h"
#include "tests/unit/tap.h"

/* Runs fn in a child and returns its wait status (-1 when fork failed). */
static int child_status(int (*fn)(void))
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int rc = fn();

		fflush(stdout);
		_exit(rc);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;

	return status;
}

static void check(int (*fn)(void), const char *name)
{
	int status = child_status(fn);
	bool ok = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;

	if (status >= 0 && WIFSIGNALED(status))
		printf("#   child killed by signal %d\n", WTERMSIG(status));
	TAP_OK(ok, "%s", name);
}

static void check_killed(int (*fn)(void), int sig, const char *name)
{
	int status = child_status(fn);
	bool ok = status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == sig;

	TAP_OK(ok, "%s", name);
}

static void print_err(const struct ct_err *err)
{
	char buf[1024];

	printf("#   error: %s\n", ct_err_str(err, buf, sizeof(buf)));
}

static int load(const struct ct_seccomp *sc, void (*warn)(const char *name), int *ret_fd)
{
	struct ct_err err = {0};

	if (ct_seccomp_load(sc, warn, ret_fd, &err) < 0) {
		print_err(&err);
		return -1;
	}
	fflush(stdout);

	return 0;
}

static char *n_uname[] = {"uname", NULL};
static char *n_chdir[] = {"chdir", NULL};
static char *n_kill[] = {"kill", NULL};
static char *n_getppid[] = {"getppid", NULL};
static char *n_unknown_chdir[] = {"not_a_syscall", "chdir", NULL};
/* What exit needs, also under AddressSanitizer (its _exit hook maps memory). */
static char *n_exit[] = {"exit_group", "exit",	 "uname", "sigaltstack", "gettid",
			 "mmap",       "munmap", "write", "madvise",	 NULL};

/* 1 when call failed with want, so a child can report through its exit status. */
static int fails_with(long rc, int want)
{
	return rc == -1 && errno == want;
}

static int uname_enosys(void)
{
	struct ct_seccomp_syscall rule = {.names = {n_uname, 1},
					  .action = "SCMP_ACT_ERRNO",
					  .has_errno_ret = true,
					  .errno_ret = 38};
	struct ct_seccomp sc = {
		.default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};
	struct utsname u;

	if (load(&sc, NULL, NULL) < 0)
		return 1;

	return !(fails_with(uname(&u), ENOSYS) && getpid() > 0);
}

static int errno_defaults_to_eperm(void)
{
	struct ct_seccomp_syscall rule = {.names = {n_chdir, 1}, .action = "SCMP_ACT_ERRNO"};
	struct ct_seccomp sc = {
		.default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};

	if (load(&sc, NULL, NULL) < 0)
		return 1;

	return !fails_with(chdir("/"), EPERM);
}

/* After the load only exit and uname are allowed: the verdict travels in the exit status. */
static int default_errno_ret(void)
{
	struct ct_seccomp_syscall rule = {.names = {n_exit, 9}, .action = "SCMP_ACT_ALLOW"};
	struct ct_seccomp sc = {.default_action = "SCMP_ACT_ERRNO",
				.has_default_errno_ret = true,
				.default_errno_ret = EXDEV,
				.syscalls = &rule,
				.n_syscalls = 1};
	struct utsname u;

	if (load(&sc, NULL, NULL) < 0)
		return 1;

	return !(uname(&u) == 0 && fails_with(rmdir("/nonexistent"), EXDEV) &&
		 fails_with(chdir("/"), EXDEV));
}

static int args_anded(void)
{
	struct ct_seccomp_arg args[] = {
		{.index = 0, .value = (uint64_t)getpid(), .op = "SCMP_CMP_EQ"},
		{.index = 1, .value = 0, .op = "SCMP_CMP_EQ"},
	};
	struct ct_seccomp_syscall rule = {.names = {n_kill, 1},
					  .action = "SCMP_ACT_ERRNO",
					  .has_errno_ret = true,
					  .errno_ret = EACCES,
					  .args = args,
					  .n_args = 2};
	struct ct_seccomp sc = {
		.default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};

	if (load(&sc, NULL, NULL) < 0)
		return 1;

	/* Both match: refused. Only one matches: allowed. */
	return !(fails_with(kill(getpid(), 0), EACCES) && kill(getppid(), 0) == 0 &&
		 kill(getpid(), SIGCONT) == 0);
}

static int same_index_ored(void)
{
	struct ct_seccomp_arg args[] = {
		{.index = 1, .value = 0, .op = "SCMP_CMP_EQ"},
		{.index = 1, .value = SIGCONT, .op = "SCMP_CMP_EQ"},
	};
	struct ct_seccomp_syscall rule = {.names = {n_kill, 1},
					  .action = "SCMP_ACT_ERRNO",
					  .has_errno_ret = true,
					  .errno_ret = EACCES,
					  .args = args,
					  .n_args = 2};
	struct ct_seccomp sc = {
		.default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};

	if (load(&sc, NULL, NULL) < 0)
		return 1;

	return !(fails_with(kill(getpid(), 0), EACCES) &&
		 fails_with(kill(getpid(), SIGCONT), EACCES) && kill(getpid(), SIGWINCH) == 0);
}

static int masked_eq(void)
{
	struct ct_seccomp_arg args[] = {
		{.index = 1,
		 .value = 0x1,
		 .has_value_two = true,
		 .value_two = 0x1,
		 .op = "SCMP_CMP_MASKED_EQ"},
	};
	struct ct_seccomp_syscall rule = {.names = {n_kill, 1},
					  .action = "SCMP_ACT_ERRNO",
					  .has_errno_ret = true,
					  .errno_ret = EACCES,
					  .args = args,
					  .n_args = 1};
	struct ct_seccomp sc = {
		.default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};

	if (load(&sc, NULL, NULL) < 0)
		return 1;

	/* Odd signal numbers are refused: SIGCHLD is 17, SIGCONT 18, SIGWINCH 28. */
	return !(fails_with(kill(getpid(), SIGCHLD), EACCES) && kill(getpid(), SIGCONT) == 0 &&
		 kill(getpid(), SIGWINCH) == 0);
}

static int warned;

static void count_warn(const char *name)
{
	if (strcmp(name, "not_a_syscall") == 0)
		warned++;
}

static int skips_unknown_syscall(void)
{
	struct ct_seccomp_syscall rule = {.names = {n_unknown_chdir, 2},
					  .action = "SCMP_ACT_ERRNO"};
	struct ct_seccomp sc = {
		.default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};

	if (load(&sc, count_warn, NULL) < 0)
		return 1;

	return !(warned == 1 && fails_with(chdir("/"), EPERM));
}

static int skips_rule_equal_to_default(void)
{
	struct ct_seccomp_syscall rules[] = {
		{.names = {n_chdir, 1}, .action = "SCMP_ACT_ALLOW"},
		{.names = {n_uname, 1}, .action = "SCMP_ACT_ERRNO"},
	};
	struct ct_seccomp sc = {
		.default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .n_syscalls = 2};
	struct utsname u;

	if (load(&sc, NULL, NULL) < 0)
		return 1;

	return !(chdir("/") == 0 && fails_with(uname(&u), EPERM));
}

static int trace_without_tracer(void)
{
	struct ct_seccomp_syscall rule = {.names = {n_chdir, 1}, .action = "SCMP_ACT_TRACE"};
	struct ct_seccomp sc = {
		.default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};

	if (load(&sc, NULL, NULL) < 0)
		return 1;

	/* With no tracer attached the kernel fails the syscall with ENOSYS. */
	return !fails_with(chdir("/"), ENOSYS);
}

static int log_allows(void)
{
	struct ct_seccomp_syscall rule = {.names = {n_chdir, 1}, .action = "SCMP_ACT_LOG"};
	struct ct_seccomp sc = {
		.default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};

	if (load(&sc, NULL, NULL) < 0)
		return 1;

	return chdir("/") != 0;
}

static int trap_chdir(void)
{
	struct ct_seccomp_syscall rule = {.names = {n_chdir, 1}, .action = "SCMP_ACT_TRAP"};
	struct ct_seccomp sc = {
		.default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};

	if (load(&sc, NULL, NULL) < 0)
		return 1;
	if (chdir("/") < 0)
		return 2;

	return 0;
}

static int kill_process_getppid(void)
{
	struct ct_seccomp_syscall rule = {.names = {n_getppid, 1},
					  .action = "SCMP_ACT_KILL_PROCESS"};
	struct ct_seccomp sc = {
		.default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};

	if (load(&sc, NULL, NULL) < 0)
		return 1;
	getppid();

	return 0;
}

static char *arches[] = {"SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_X86_64", NULL};
static char *all_flags[] = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
			    "SECCOMP_FILTER_FLAG_TSYNC", NULL};

static int arches_and_flags(void)
{
	struct ct_seccomp_syscall rule = {.names = {n_chdir, 1}, .action = "SCMP_ACT_ERRNO"};
	struct ct_seccomp sc = {.default_action = "SCMP_ACT_ALLOW",
				.architectures = {arches, 3},
				.flags = {all_flags, 3},
				.syscalls = &rule,
				.n_syscalls = 1};

	if (load(&sc, NULL, NULL) < 0)
		return 1;

	return !fails_with(chdir("/"), EPERM);
}

/*
 * The default config's profile (an allow-list of some 350 names, several
 * unknown to one libseccomp or another) loads; ordinary calls still work and
 * umount2, outside it without CAP_SYS_ADMIN, is refused with EPERM where the
 * kernel alone would say ENOENT.
 */
static int default_profile(void)
{
	struct ct_err err = {0};
	struct ct_diags diags = {0};
	json_t *doc = ct_default_config(false, &err);
	struct ct_spec *spec = doc ? ct_spec_from_json(doc, &diags) : NULL;
	struct utsname u;

	if (!spec || !spec->linux_ || !spec->linux_->seccomp) {
		printf("#   no default profile (%zu findings)\n", diags.count);
		return 1;
	}
	if (load(spec->linux_->seccomp, NULL, NULL) < 0)
		return 1;

	return !(uname(&u) == 0 && getpid() > 0 && chdir("/") == 0 &&
		 fails_with(umount2("/nonexistent", 0), EPERM));
}

/* Each bad input: the error text, and the proof nothing was loaded (uname still works). */
struct bad_case {
	const char *want;
	struct ct_seccomp sc;
};

static struct ct_seccomp_arg arg_index6[] = {{.index = 6, .value = 0, .op = "SCMP_CMP_EQ"}};
static struct ct_seccomp_arg arg_badop[] = {{.index = 0, .value = 0, .op = "SCMP_CMP_SOMETIMES"}};
static char *bad_arch[] = {"SCMP_ARCH_Z80", NULL};
static char *bad_flag[] = {"SECCOMP_FILTER_FLAG_MAGIC", NULL};
static struct ct_seccomp_syscall r_badact = {.names = {n_uname, 1}, .action = "SCMP_ACT_MAYBE"};
static struct ct_seccomp_syscall r_allow_errno = {
	.names = {n_uname, 1}, .action = "SCMP_ACT_KILL", .has_errno_ret = true, .errno_ret = 1};
static struct ct_seccomp_syscall r_index6 = {
	.names = {n_uname, 1}, .action = "SCMP_ACT_ERRNO", .args = arg_index6, .n_args = 1};
static struct ct_seccomp_syscall r_badop = {
	.names = {n_uname, 1}, .action = "SCMP_ACT_ERRNO", .args = arg_badop, .n_args = 1};
static struct ct_seccomp_syscall r_notify = {.names = {n_uname, 1}, .action = "SCMP_ACT_NOTIFY"};
static struct ct_seccomp_syscall r_errno = {.names = {n_uname, 1}, .action = "SCMP_ACT_ERRNO"};

static const struct bad_case bad_cases[] = {
	{"unknown seccomp action 'SCMP_ACT_MAYBE'",
	 {.default_action = "SCMP_ACT_ALLOW", .syscalls = &r_badact, .n_syscalls = 1}},
	{"action 'SCMP_ACT_KILL' takes no errnoRet",
	 {.default_action = "SCMP_ACT_ALLOW", .syscalls = &r_allow_errno, .n_syscalls = 1}},
	{"action 'SCMP_ACT_ALLOW' takes no errnoRet",
	 {.default_action = "SCMP_ACT_ALLOW",
	  .has_default_errno_ret = true,
	  .default_errno_ret = 1}},
	{"argument index 6 out of range 0-5",
	 {.default_action = "SCMP_ACT_ALLOW", .syscalls = &r_index6, .n_syscalls = 1}},
	{"unknown seccomp operator 'SCMP_CMP_SOMETIMES'",
	 {.default_action = "SCMP_ACT_ALLOW", .syscalls = &r_badop, .n_syscalls = 1}},
	{"unknown seccomp architecture 'SCMP_ARCH_Z80'",
	 {.default_action = "SCMP_ACT_ALLOW",
	  .architectures = {bad_arch, 1},
	  .syscalls = &r_errno,
	  .n_syscalls = 1}},
	{"unknown seccomp flag 'SECCOMP_FILTER_FLAG_MAGIC'",
	 {.default_action = "SCMP_ACT_ALLOW",
	  .flags = {bad_flag, 1},
	  .syscalls = &r_errno,
	  .n_syscalls = 1}},
	{"SCMP_ACT_NOTIFY needs listenerPath",
	 {.default_action = "SCMP_ACT_ALLOW", .syscalls = &r_notify, .n_syscalls = 1}},
	{"SCMP_ACT_NOTIFY cannot be the default action", {.default_action = "SCMP_ACT_NOTIFY"}},
};

static const struct bad_case *bad;

static int refuses_bad(void)
{
	struct ct_err err = {0};
	struct utsname u;
	int fd = 7;

	if (ct_seccomp_load(&bad->sc, NULL, &fd, &err) == 0)
		return 1;
	if (!strstr(err.msg, bad->want) || strncmp(err.msg, "seccomp: ", 9) != 0) {
		print_err(&err);
		return 1;
	}

	return !(uname(&u) == 0 && fd == 7);
}

/* The agent side of SCMP_ACT_NOTIFY: takes the fd from the listener socket, answers EXDEV. */
static int run_agent(int listen_fd)
{
	char buf[4096] = "";
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf) - 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf)};
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;
	struct cmsghdr *cmsg;
	int conn, fd;

	conn = accept(listen_fd, NULL, NULL);
	if (conn < 0 || recvmsg(conn, &msg, 0) <= 0)
		return 10;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return 11;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	if (!strstr(buf, "\"fds\":[\"seccompFd\"]") || !strstr(buf, "\"metadata\":\"meta\"") ||
	    !strstr(buf, "\"id\":\"test\"")) {
		printf("#   agent got: %s\n", buf);
		return 12;
	}
	if (seccomp_notify_alloc(&req, &resp) < 0 || seccomp_notify_receive(fd, req) < 0)
		return 13;
	resp->id = req->id;
	resp->error = -EXDEV;
	resp->val = 0;
	resp->flags = 0;
	if (seccomp_notify_respond(fd, resp) < 0)
		return 14;

	return 0;
}

/* Flags for the next notify_listener() run. */
static char *wk_flag[] = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};
static char *tsync_flag[] = {"SECCOMP_FILTER_FLAG_TSYNC", NULL};
static char *wk_tsync_flags[] = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
				 "SECCOMP_FILTER_FLAG_TSYNC", NULL};
static char **notify_flags;
static size_t notify_n_flags;

/* Loads the filter, hands the fd to the agent, and makes the notified call; 0 when it saw EXDEV. */
static int notify_round(const char *sock_path)
{
	struct ct_seccomp_syscall rule = {.names = {n_chdir, 1}, .action = "SCMP_ACT_NOTIFY"};
	struct ct_seccomp sc = {.default_action = "SCMP_ACT_ALLOW",
				.listener_path = (char *)sock_path,
				.listener_metadata = "meta",
				.flags = {notify_flags, notify_n_flags},
				.syscalls = &rule,
				.n_syscalls = 1};
	json_t *state = json_pack("{s:s}", "id", "test");
	struct ct_err err = {0};
	char *text = NULL;
	int fd = -1, rc = 0;

	if (load(&sc, NULL, &fd) < 0 || fd < 0)
		rc = 3;
	if (rc == 0)
		text = ct_seccomp_process_state(getpid(), sc.listener_metadata, state, &err);
	if (rc == 0 && (!text || ct_seccomp_send_listener(sc.listener_path, fd, text, &err) < 0)) {
		print_err(&err);
		rc = 4;
	}
	if (fd >= 0)
		close(fd);
	if (rc == 0 && !fails_with(chdir("/"), EXDEV))
		rc = 5;
	free(text);
	json_decref(state);

	return rc;
}

static int notify_listener(void)
{
	char dir[] = "/tmp/ct-test-seccomp.XXXXXX";
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int lfd, status = -1, rc = 2;
	pid_t agent = -1;

	if (!mkdtemp(dir))
		return 1;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/sock", dir);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 1) < 0)
		goto out;
	agent = fork();
	if (agent == 0)
		_exit(run_agent(lfd));
	if (agent > 0)
		rc = notify_round(addr.sun_path);

	/* An agent still waiting for a connection that will never come is not left behind. */
	if (agent > 0) {
		if (rc != 0)
			kill(agent, SIGKILL);
		if (waitpid(agent, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			rc = rc ? rc : 6;
	}
	unlink(addr.sun_path);
out:
	if (lfd >= 0)
		close(lfd);
	rmdir(dir);

	return rc;
}

static int notify_wait_killable(void)
{
	notify_flags = wk_flag;
	notify_n_flags = 1;
	return notify_listener();
}

static int notify_tsync(void)
{
	notify_flags = tsync_flag;
	notify_n_flags = 1;
	return notify_listener();
}

static int notify_wait_killable_tsync(void)
{
	notify_flags = wk_tsync_flags;
	notify_n_flags = 2;
	return notify_listener();
}

static int send_listener_missing_socket(void)
{
	struct ct_err err = {0};

	if (ct_seccomp_send_listener("/nonexistent/ct-test.sock", 0, "{}", &err) == 0)
		return 1;

	return !(err.errnum == ENOENT && strstr(err.msg, "'/nonexistent/ct-test.sock'"));
}

int main(void)
{
	if (geteuid() != 0) {
		printf("ok 1 - seccomp tests # SKIP need root\n");
		printf("1..1\n");
		return 0;
	}

	check(uname_enosys, "uname with SCMP_ACT_ERRNO errnoRet 38 fails with ENOSYS");
	check(errno_defaults_to_eperm, "SCMP_ACT_ERRNO without errnoRet fails with EPERM");
	check(default_errno_ret, "defaultErrnoRet is what unlisted syscalls fail with");
	check(args_anded, "conditions on different arguments must all match");
	check(same_index_ored, "conditions on the same argument match either way");
	check(masked_eq, "SCMP_CMP_MASKED_EQ compares under the mask");
	check(skips_unknown_syscall, "an unknown syscall name is warned about and skipped");
	check(skips_rule_equal_to_default,
	      "a rule repeating the default action is dropped, not refused");
	check(trace_without_tracer, "SCMP_ACT_TRACE with no tracer fails the syscall with ENOSYS");
	check(log_allows, "SCMP_ACT_LOG lets the syscall through");
	check_killed(trap_chdir, SIGSYS, "SCMP_ACT_TRAP delivers SIGSYS");
	check_killed(kill_process_getppid, SIGSYS, "SCMP_ACT_KILL_PROCESS kills the process");
	check(default_profile, "the default config's seccomp profile loads and refuses umount2");
	check(arches_and_flags, "extra architectures and the LOG, SPEC_ALLOW, TSYNC flags load");
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		bad = &bad_cases[i];
		check(refuses_bad, bad->want);
	}
	check(notify_listener,
	      "SCMP_ACT_NOTIFY hands the fd and the process state to the listener");
	check(notify_wait_killable, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV loads with a listener");
	check(notify_tsync, "SECCOMP_FILTER_FLAG_TSYNC loads with a listener");
	check(notify_wait_killable_tsync,
	      "WAIT_KILLABLE_RECV and TSYNC load together with a listener");
	check(send_listener_missing_socket, "a missing listener socket is an error naming it");

	return tap_done();
}
