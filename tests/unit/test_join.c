/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the pure parts of common/join: option letters, setns order, cgroup mounts, parsing.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "common/join.h"
#include "common/ns.h"
#include "common/spec.h"
#include "tests/unit/tap.h"

#define BIT(t) (1u << (unsigned)(t))

static const char mountinfo[] =
	"25 1 0:22 / / rw - ext4 /dev/vda rw\n"
	"30 25 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"
	"31 30 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
	"32 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
	"33 30 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
	"34 30 0:30 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
	"35 30 0:31 /sub /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n";

static void test_letters(void)
{
	TAP_OK(ct_join_ns_from_letter('m') == CT_NS_MOUNT, "-m is the mount namespace");
	TAP_OK(ct_join_ns_from_letter('U') == CT_NS_USER, "-U is the user namespace");
	TAP_OK(ct_join_ns_from_letter('C') == CT_NS_CGROUP, "-C is the cgroup namespace");
	TAP_OK(ct_join_ns_from_letter('T') == CT_NS_TIME, "-T is the time namespace");
	TAP_OK(ct_join_ns_from_letter('n') == CT_NS_NETWORK, "-n is the network namespace");
	TAP_OK(ct_join_ns_from_letter('x') == -1, "an unknown letter is no namespace");
}

static void test_plan_pidfd(void)
{
	struct ct_join_step s[CT_NS_COUNT + 1];
	unsigned want = BIT(CT_NS_MOUNT) | BIT(CT_NS_NETWORK) | BIT(CT_NS_USER);
	size_t n = ct_join_plan(want, 0, true, s);

	TAP_OK(n == 1 && s[0].type == -1, "with a pidfd, one setns enters every namespace");
	TAP_OK(n == 1 && s[0].flags == (CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUSER),
	       "the pidfd step carries all the flags");

	n = ct_join_plan(want, BIT(CT_NS_NETWORK), true, s);
	TAP_OK(n == 2 && s[0].type == -1 && s[0].flags == (CLONE_NEWNS | CLONE_NEWUSER),
	       "a namespace given as a file stays out of the pidfd step");
	TAP_OK(n == 2 && s[1].type == CT_NS_NETWORK && s[1].flags == CLONE_NEWNET,
	       "and is entered from its file after the pidfd step");
}

static void test_plan_files(void)
{
	struct ct_join_step s[CT_NS_COUNT + 1];
	unsigned want = BIT(CT_NS_MOUNT) | BIT(CT_NS_PID) | BIT(CT_NS_USER) | BIT(CT_NS_UTS);
	size_t n = ct_join_plan(want, 0, false, s);

	TAP_OK(n == 4, "without a pidfd, one step per namespace");
	TAP_OK(n == 4 && s[0].type == CT_NS_USER, "the user namespace comes first");
	TAP_OK(n == 4 && s[3].type == CT_NS_MOUNT, "the mount namespace comes last");
	n = ct_join_plan(0, 0, false, s);
	TAP_OK(n == 0, "nothing wanted, nothing to do");
	n = ct_join_plan(BIT(CT_NS_USER), BIT(CT_NS_USER), true, s);
	TAP_OK(n == 1 && s[0].type == CT_NS_USER, "a user namespace from a file (--user-parent)");
}

static void test_cgroup_dir(void)
{
	struct ct_err err = {0};
	char buf[256];

	TAP_OK(ct_join_cgroup_dir("4:memory:/a/b", mountinfo, buf, sizeof(buf), &err) == 0 &&
		       strcmp(buf, "/sys/fs/cgroup/memory/a/b") == 0,
	       "a v1 controller maps to its mount");
	TAP_OK(ct_join_cgroup_dir("2:cpu,cpuacct:/x", mountinfo, buf, sizeof(buf), &err) == 0 &&
		       strcmp(buf, "/sys/fs/cgroup/cpu,cpuacct/x") == 0,
	       "co-mounted controllers map to their shared mount");
	TAP_OK(ct_join_cgroup_dir("9:name=systemd:/s", mountinfo, buf, sizeof(buf), &err) == 0 &&
		       strcmp(buf, "/sys/fs/cgroup/systemd/s") == 0,
	       "a named hierarchy maps by name=");
	TAP_OK(ct_join_cgroup_dir("0::/u/v", mountinfo, buf, sizeof(buf), &err) == 0 &&
		       strcmp(buf, "/sys/fs/cgroup/unified/u/v") == 0,
	       "hierarchy 0 maps to the cgroup2 mount");
	TAP_OK(ct_join_cgroup_dir("7:pids:/sub/c", mountinfo, buf, sizeof(buf), &err) == 0 &&
		       strcmp(buf, "/sys/fs/cgroup/pids/c") == 0,
	       "a mount of a sub-tree strips its root");
	TAP_OK(ct_join_cgroup_dir("7:pids:/other", mountinfo, buf, sizeof(buf), &err) < 0 &&
		       err.errnum == ENOENT,
	       "a path outside a sub-tree mount is not reachable");
	TAP_OK(ct_join_cgroup_dir("5:devices:/d", mountinfo, buf, sizeof(buf), &err) < 0 &&
		       err.errnum == ENOENT,
	       "an unmounted hierarchy is ENOENT");
	TAP_OK(ct_join_cgroup_dir("garbage", mountinfo, buf, sizeof(buf), &err) < 0 &&
		       err.errnum == 0 && strstr(err.msg, "malformed"),
	       "a malformed line is refused");
	TAP_OK(ct_join_cgroup_dir("4:mem:/a", mountinfo, buf, sizeof(buf), &err) < 0,
	       "a controller name is not matched by prefix");
}

static void test_parse_user(void)
{
	struct ct_err err = {0};
	uid_t uid = 7;
	gid_t gid = 7;
	bool has_gid = true;

	TAP_OK(ct_join_parse_user("1000", &uid, &has_gid, &gid, &err) == 0 && uid == 1000 &&
		       !has_gid,
	       "UID alone");
	TAP_OK(ct_join_parse_user("1:2", &uid, &has_gid, &gid, &err) == 0 && uid == 1 && has_gid &&
		       gid == 2,
	       "UID:GID");
	TAP_OK(ct_join_parse_user("root", &uid, &has_gid, &gid, &err) < 0 && err.errnum == 0,
	       "a name is refused");
	TAP_OK(ct_join_parse_user("1:", &uid, &has_gid, &gid, &err) < 0, "an empty GID is refused");
	TAP_OK(ct_join_parse_user("4294967295", &uid, &has_gid, &gid, &err) < 0,
	       "(uid_t)-1 is refused");
	TAP_OK(ct_join_parse_user("-1", &uid, &has_gid, &gid, &err) < 0, "a sign is refused");
}

static void test_env_set(void)
{
	struct ct_strv env = {0};
	struct ct_err err = {0};

	TAP_OK(ct_join_env_set(&env, "A=1", &err) == 0 && env.n == 1, "a new key is appended");
	TAP_OK(ct_join_env_set(&env, "AB=2", &err) == 0 && env.n == 2,
	       "a key with the same prefix is another key");
	TAP_OK(ct_join_env_set(&env, "A=3", &err) == 0 && env.n == 2 &&
		       strcmp(env.v[0], "A=3") == 0,
	       "an existing key is replaced in place");
	TAP_OK(ct_join_env_set(&env, "NOEQ", &err) < 0 && err.errnum == 0,
	       "an entry without '=' is refused");
	TAP_OK(ct_join_env_set(&env, "=x", &err) < 0, "an empty key is refused");
	TAP_OK(env.v[env.n] == NULL, "the list stays NULL-terminated");
	ct_strv_free(&env);
}

static int wait_status_of(void (*body)(void))
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		body();
		_exit(0);
	}
	waitpid(pid, &status, 0);

	return status;
}

static void exit_seven(void)
{
	_exit(7);
}

static void die_of_term(void)
{
	kill(getpid(), SIGTERM);
}

static void raise_usr1(void)
{
	signal(SIGUSR1, SIG_IGN);
	_exit(ct_join_raise(SIGUSR1) == 128 + SIGUSR1 ? 99 : 98);
}

static void test_exit_status(void)
{
	int code = -1, sig = -1;

	ct_join_exit_status(wait_status_of(exit_seven), &code, &sig);
	TAP_OK(code == 7 && sig == 0, "an exit code passes through");
	ct_join_exit_status(wait_status_of(die_of_term), &code, &sig);
	TAP_OK(code == 128 + SIGTERM && sig == SIGTERM, "a death signal is 128+N with N kept");
	code = wait_status_of(raise_usr1);
	TAP_OK(WIFSIGNALED(code) && WTERMSIG(code) == SIGUSR1,
	       "re-raising dies of the signal even when it was ignored");
}

static struct ct_spec *load_text(const char *text, struct ct_err *err)
{
	char path[] = "/tmp/test_join.XXXXXX";
	int fd = mkstemp(path);
	struct ct_spec *spec;

	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) < 0) {
		close(fd);
		return NULL;
	}
	close(fd);
	spec = ct_join_load_process(path, err);
	unlink(path);

	return spec;
}

static void test_load_process(void)
{
	struct ct_err err = {0};
	struct ct_spec *spec;

	spec = load_text("{\"args\": [\"ls\", \"-l\"], \"cwd\": \"/tmp\", \"env\": [\"A=1\"],"
			 " \"user\": {\"uid\": 5, \"gid\": 6}, \"terminal\": true}",
			 &err);
	TAP_OK(spec && spec->process && spec->process->args.n == 2 &&
		       strcmp(spec->process->cwd, "/tmp") == 0 && spec->process->user.uid == 5 &&
		       spec->process->terminal,
	       "a process object is read through the spec model");
	ct_spec_free(spec);
	spec = load_text("{\"cwd\": \"/\"}", &err);
	TAP_OK(!spec && err.errnum == 0 && err.msg[0], "a process without args is refused");
	spec = load_text("[1, 2]", &err);
	TAP_OK(!spec && err.errnum == 0 && err.msg[0],
	       "a process that is not an object is refused");
	spec = load_text("{\"args\": [\"ls\"], \"cwd\": 5}", &err);
	TAP_OK(!spec && strstr(err.msg, "/process/cwd") != NULL,
	       "a field of the wrong type is named by its pointer");
	spec = ct_join_load_process("/nonexistent/process.json", &err);
	TAP_OK(!spec && err.errnum == ENOENT, "a missing file is ENOENT");
}

int main(void)
{
	test_letters();
	test_plan_pidfd();
	test_plan_files();
	test_cgroup_dir();
	test_parse_user();
	test_env_set();
	test_exit_status();
	test_load_process();

	return tap_done();
}
