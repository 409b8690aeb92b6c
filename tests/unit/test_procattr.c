/* SPDX-License-Identifier: Apache-2.0 */
/* Process attributes: each test applies them in a forked child and reads them back from the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "common/procattr.h"
#include "common/spec.h"
#include "tests/unit/tap.h"

static bool in_child(int (*fn)(void))
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		int rc = fn();

		fflush(stdout);
		_exit(rc);
	}
	if (waitpid(pid, &status, 0) < 0)
		return false;

	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void check(int (*fn)(void), const char *name)
{
	bool ok = in_child(fn);

	TAP_OK(ok, "%s", name);
}

static void print_err(const struct ct_err *err)
{
	char buf[1024];

	printf("#   error: %s\n", ct_err_str(err, buf, sizeof(buf)));
}

/* 0 when applying failed with a message containing want; the child's verdict. */
static int expect_error(int rc, const struct ct_err *err, const char *want)
{
	if (rc == 0) {
		printf("#   no error, want '%s'\n", want);
		return 1;
	}
	if (!strstr(err->msg, want)) {
		print_err(err);
		return 1;
	}

	return 0;
}

static int read_int_file(const char *path, long *ret)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	*ret = strtol(buf, NULL, 10);
	return 0;
}

static void test_rlimit_names(void)
{
	static const char *const names[] = {
		"RLIMIT_AS",	 "RLIMIT_CORE",	  "RLIMIT_CPU",	       "RLIMIT_DATA",
		"RLIMIT_FSIZE",	 "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",    "RLIMIT_MSGQUEUE",
		"RLIMIT_NICE",	 "RLIMIT_NOFILE", "RLIMIT_NPROC",      "RLIMIT_RSS",
		"RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK",
	};
	bool all = true;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		all = all && ct_rlimit_from_name(names[i]) >= 0;
	TAP_OK(all, "all sixteen RLIMIT_* names are known");
	TAP_OK(ct_rlimit_from_name("RLIMIT_NOFILE") == RLIMIT_NOFILE &&
		       ct_rlimit_from_name("RLIMIT_STACK") == RLIMIT_STACK,
	       "names map to the kernel's numbers");
	TAP_OK(ct_rlimit_from_name("RLIMIT_FOO") == -1 && ct_rlimit_from_name("nofile") == -1,
	       "unknown rlimit names are -1");
}

static int sets_rlimits(void)
{
	struct ct_rlimit rl[] = {
		{.type = "RLIMIT_NOFILE", .soft = 512, .hard = 1024},
		{.type = "RLIMIT_CORE", .soft = 0, .hard = RLIM_INFINITY},
	};
	struct ct_process proc = {.rlimits = rl, .n_rlimits = 2};
	struct ct_err err = {0};
	struct rlimit got, core;

	if (ct_procattr_set_rlimits(&proc, &err) < 0) {
		print_err(&err);
		return 1;
	}
	getrlimit(RLIMIT_NOFILE, &got);
	getrlimit(RLIMIT_CORE, &core);

	return !(got.rlim_cur == 512 && got.rlim_max == 1024 && core.rlim_cur == 0 &&
		 core.rlim_max == RLIM_INFINITY);
}

static struct ct_rlimit bad_rl[2];
static const char *bad_rl_want;

/* A bad list is refused before any limit changes. */
static int refuses_rlimits(void)
{
	struct ct_process proc = {.rlimits = bad_rl, .n_rlimits = 2};
	struct ct_err err = {0};
	struct rlimit before, after;

	getrlimit(RLIMIT_NOFILE, &before);
	if (expect_error(ct_procattr_set_rlimits(&proc, &err), &err, bad_rl_want))
		return 1;
	getrlimit(RLIMIT_NOFILE, &after);

	return !(before.rlim_cur == after.rlim_cur && before.rlim_max == after.rlim_max);
}

static void test_bad_rlimits(void)
{
	static const struct {
		struct ct_rlimit second;
		const char *want;
	} cases[] = {
		{{.type = "RLIMIT_BOGUS", .soft = 1, .hard = 1}, "unknown rlimit 'RLIMIT_BOGUS'"},
		{{.type = "RLIMIT_NOFILE", .soft = 1, .hard = 1},
		 "rlimit 'RLIMIT_NOFILE' given twice"},
		{{.type = "RLIMIT_CPU", .soft = 10, .hard = 5},
		 "rlimit 'RLIMIT_CPU' soft 10 above hard 5"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad_rl[0] = (struct ct_rlimit){.type = "RLIMIT_NOFILE", .soft = 100, .hard = 100};
		bad_rl[1] = cases[i].second;
		bad_rl_want = cases[i].want;
		check(refuses_rlimits, cases[i].want);
	}
}

static int sets_oom_score_adj(void)
{
	struct ct_err err = {0};
	long got = 0;

	if (ct_procattr_set_oom_score_adj(0, 321, &err) < 0) {
		print_err(&err);
		return 1;
	}

	return !(read_int_file("/proc/self/oom_score_adj", &got) == 0 && got == 321);
}

/* The kernel's struct sched_attr, VER1. */
struct sched_attr_v1 {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

static int get_sched(struct sched_attr_v1 *attr)
{
	memset(attr, 0, sizeof(*attr));
	return (int)syscall(SYS_sched_getattr, 0, attr, sizeof(*attr), 0);
}

static int sched_batch_nice(void)
{
	struct ct_scheduler s = {.policy = "SCHED_BATCH", .has_nice = true, .nice = 7};
	struct ct_err err = {0};
	struct sched_attr_v1 a;

	if (ct_procattr_set_scheduler(&s, &err) < 0) {
		print_err(&err);
		return 1;
	}

	return !(get_sched(&a) == 0 && a.sched_policy == 3 && a.sched_nice == 7);
}

static char *reset_on_fork[] = {"SCHED_FLAG_RESET_ON_FORK", NULL};

static int sched_rr_reset_on_fork(void)
{
	struct ct_scheduler s = {.policy = "SCHED_RR",
				 .has_priority = true,
				 .priority = 5,
				 .flags = {reset_on_fork, 1}};
	struct ct_err err = {0};
	struct sched_attr_v1 a;

	if (ct_procattr_set_scheduler(&s, &err) < 0) {
		print_err(&err);
		return 1;
	}

	return !(get_sched(&a) == 0 && a.sched_policy == 2 && a.sched_priority == 5 &&
		 (a.sched_flags & 1));
}

static int sched_deadline(void)
{
	struct ct_scheduler s = {.policy = "SCHED_DEADLINE",
				 .has_runtime = true,
				 .runtime = 1000000,
				 .has_deadline = true,
				 .deadline = 10000000,
				 .has_period = true,
				 .period = 10000000,
				 .flags = {reset_on_fork, 1}};
	struct ct_err err = {0};
	struct sched_attr_v1 a;

	if (ct_procattr_set_scheduler(&s, &err) < 0) {
		print_err(&err);
		return 1;
	}

	return !(get_sched(&a) == 0 && a.sched_policy == 6 && a.sched_runtime == 1000000 &&
		 a.sched_deadline == 10000000 && a.sched_period == 10000000);
}

static char *bad_flag[] = {"SCHED_FLAG_TURBO", NULL};

static void test_bad_sched(void)
{
	struct ct_scheduler iso = {.policy = "SCHED_ISO"};
	struct ct_scheduler unknown = {.policy = "SCHED_FAST"};
	struct ct_scheduler flag = {.policy = "SCHED_OTHER", .flags = {bad_flag, 1}};
	struct ct_err err = {0};

	TAP_OK(expect_error(ct_procattr_set_scheduler(&iso, &err), &err,
			    "scheduler policy 'SCHED_ISO' is not in mainline Linux") == 0,
	       "SCHED_ISO is refused: not in mainline Linux");
	TAP_OK(expect_error(ct_procattr_set_scheduler(&unknown, &err), &err,
			    "unknown scheduler policy 'SCHED_FAST'") == 0,
	       "an unknown scheduler policy is refused");
	TAP_OK(expect_error(ct_procattr_set_scheduler(&flag, &err), &err,
			    "unknown scheduler flag 'SCHED_FLAG_TURBO'") == 0,
	       "an unknown scheduler flag is refused");
}

static int ioprio_be(void)
{
	struct ct_io_priority p = {.class = "IOPRIO_CLASS_BE", .priority = 6};
	struct ct_err err = {0};

	if (ct_procattr_set_io_priority(&p, &err) < 0) {
		print_err(&err);
		return 1;
	}

	return syscall(SYS_ioprio_get, 1, 0) != (2 << 13 | 6);
}

static int ioprio_rt(void)
{
	struct ct_io_priority p = {.class = "IOPRIO_CLASS_RT", .priority = 0};
	struct ct_err err = {0};

	if (ct_procattr_set_io_priority(&p, &err) < 0) {
		print_err(&err);
		return 1;
	}

	return syscall(SYS_ioprio_get, 1, 0) != (1 << 13 | 0);
}

static void test_bad_ioprio(void)
{
	struct ct_io_priority high = {.class = "IOPRIO_CLASS_BE", .priority = 8};
	struct ct_io_priority cls = {.class = "IOPRIO_CLASS_FAST", .priority = 0};
	struct ct_err err = {0};

	TAP_OK(expect_error(ct_procattr_set_io_priority(&high, &err), &err,
			    "I/O priority 8 out of range 0-7") == 0,
	       "an I/O priority above 7 is refused");
	TAP_OK(expect_error(ct_procattr_set_io_priority(&cls, &err), &err,
			    "unknown I/O priority class 'IOPRIO_CLASS_FAST'") == 0,
	       "an unknown I/O priority class is refused");
}

static int personality_linux32(void)
{
	struct ct_personality p = {.domain = "LINUX32"};
	struct ct_err err = {0};
	struct utsname u;

	if (ct_procattr_set_personality(&p, &err) < 0) {
		print_err(&err);
		return 1;
	}
	if (personality(0xffffffff) != PER_LINUX32 || uname(&u) < 0)
		return 1;
#if defined(__x86_64__)
	if (strcmp(u.machine, "i686") != 0) {
		printf("#   machine '%s'\n", u.machine);
		return 1;
	}
#endif
	return 0;
}

static char *pers_flag[] = {"ADDR_NO_RANDOMIZE", NULL};

static void test_bad_personality(void)
{
	struct ct_personality flags = {.domain = "LINUX", .flags = {pers_flag, 1}};
	struct ct_personality dom = {.domain = "SVR4"};
	struct ct_err err = {0};

	TAP_OK(expect_error(ct_procattr_set_personality(&flags, &err), &err,
			    "unsupported personality flag 'ADDR_NO_RANDOMIZE'") == 0,
	       "personality flags are refused: the spec defines none");
	TAP_OK(expect_error(ct_procattr_set_personality(&dom, &err), &err,
			    "unknown personality domain 'SVR4'") == 0,
	       "an unknown personality domain is refused");
}

static int mempolicy_bind(void)
{
	struct ct_memory_policy p = {.mode = "MPOL_BIND", .nodes = "0"};
	struct ct_err err = {0};
	unsigned long mask[16] = {0};
	int mode = -1;

	if (ct_procattr_set_memory_policy(&p, &err) < 0) {
		print_err(&err);
		return 1;
	}
	if (syscall(SYS_get_mempolicy, &mode, mask, sizeof(mask) * CHAR_BIT, NULL, 0) < 0)
		return 1;

	return !(mode == 2 && mask[0] == 1);
}

static char *mpol_static[] = {"MPOL_F_STATIC_NODES", NULL};

static int mempolicy_preferred_static(void)
{
	struct ct_memory_policy p = {
		.mode = "MPOL_PREFERRED", .nodes = "0", .flags = {mpol_static, 1}};
	struct ct_err err = {0};
	int mode = -1;

	if (ct_procattr_set_memory_policy(&p, &err) < 0) {
		print_err(&err);
		return 1;
	}
	if (syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0) < 0)
		return 1;

	return !(mode == (1 | 1 << 15));
}

static void test_bad_mempolicy(void)
{
	struct ct_memory_policy mode = {.mode = "MPOL_RANDOM", .nodes = "0"};
	struct ct_memory_policy nodes = {.mode = "MPOL_BIND", .nodes = "0-"};
	struct ct_err err = {0};

	TAP_OK(expect_error(ct_procattr_set_memory_policy(&mode, &err), &err,
			    "unknown memory policy mode 'MPOL_RANDOM'") == 0,
	       "an unknown memory policy mode is refused");
	TAP_OK(expect_error(ct_procattr_set_memory_policy(&nodes, &err), &err,
			    "memory policy nodes: malformed list '0-'") == 0,
	       "a malformed node list is refused");
}

static bool list_is(const char *list, const int *bits, size_t n)
{
	unsigned long *mask = NULL;
	size_t nbits = 0, count = 0;
	struct ct_err err = {0};
	bool ok;

	if (ct_parse_cpu_list(list, &mask, &nbits, &err) < 0) {
		print_err(&err);
		return false;
	}
	ok = nbits % (sizeof(long) * CHAR_BIT) == 0;
	for (size_t b = 0; b < nbits; b++)
		if (mask[b / (sizeof(long) * CHAR_BIT)] >> (b % (sizeof(long) * CHAR_BIT)) & 1)
			count++;
	for (size_t i = 0; i < n; i++)
		ok = ok && (size_t)bits[i] < nbits &&
		     (mask[bits[i] / (sizeof(long) * CHAR_BIT)] >>
			      (bits[i] % (sizeof(long) * CHAR_BIT)) &
		      1);
	free(mask);

	return ok && count == n;
}

static void test_cpu_lists(void)
{
	static const char *const bad[] = {"3-1",   "a",	  "1,,2", "-1", "1-",
					  "70000", "1 2", "0x1",  ","};
	unsigned long *mask = NULL;
	size_t nbits = 0;
	bool all_refused = true;

	TAP_OK(list_is("0-3,7", (const int[]){0, 1, 2, 3, 7}, 5), "'0-3,7' is CPUs 0 to 3 and 7");
	TAP_OK(list_is(" 1 , 3 - 4 ", (const int[]){1, 3, 4}, 3),
	       "blanks around items are allowed");
	TAP_OK(list_is("130", (const int[]){130}, 1), "a CPU past 64 gets a mask that long");
	TAP_OK(list_is("", (const int[]){0}, 0), "an empty list is an empty mask");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ct_err err = {0};

		if (ct_parse_cpu_list(bad[i], &mask, &nbits, &err) == 0 || err.errnum != 0) {
			printf("#   '%s' accepted\n", bad[i]);
			all_refused = false;
		}
	}
	TAP_OK(all_refused, "malformed lists, reversed ranges and huge numbers are refused");
}

static int affinity_initial_and_final(void)
{
	struct ct_exec_cpu_affinity aff = {.initial = "0", .final = "0"};
	struct ct_process proc = {.exec_cpu_affinity = &aff, .cwd = "/"};
	struct ct_spec spec = {.process = &proc};
	struct ct_err err = {0};
	cpu_set_t set;

	if (ct_procattr_apply_privileged(&spec, &err) < 0 ||
	    ct_procattr_apply_final(&proc, &err) < 0) {
		print_err(&err);
		return 1;
	}
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;

	return !(CPU_COUNT(&set) == 1 && CPU_ISSET(0, &set));
}

static int affinity_bad_list(void)
{
	struct ct_exec_cpu_affinity aff = {.initial = "0-"};
	struct ct_process proc = {.exec_cpu_affinity = &aff};
	struct ct_spec spec = {.process = &proc};
	struct ct_err err = {0};

	return expect_error(ct_procattr_apply_privileged(&spec, &err), &err,
			    "execCPUAffinity.initial: set CPU affinity: malformed list '0-'");
}

static struct ct_namespace uts_ns[] = {{.type = CT_NS_UTS}};
static struct ct_kv sysctl_kv[2];
static size_t sysctl_n;
static const char *sysctl_want; /* error text, or NULL for success */
static bool sysctl_with_uts;

/* In a new UTS namespace, so kernel.domainname is ours to change. */
static int run_sysctl(void)
{
	struct ct_linux lx = {.sysctl = {sysctl_kv, sysctl_n},
			      .namespaces = uts_ns,
			      .n_namespaces = sysctl_with_uts ? 1 : 0};
	struct ct_spec spec = {.linux_ = &lx};
	struct ct_err err = {0};
	char name[64] = "";
	int rc;

	if (unshare(CLONE_NEWUTS) < 0 || setdomainname("before", 6) < 0)
		return 1;
	rc = ct_procattr_apply_sysctl(&spec, &err);
	if (getdomainname(name, sizeof(name)) < 0)
		return 1;
	if (sysctl_want)
		return expect_error(rc, &err, sysctl_want) || strcmp(name, "before") != 0;
	if (rc < 0) {
		print_err(&err);
		return 1;
	}

	return strcmp(name, "ct-test") != 0;
}

static void sysctl_case(const char *key, const char *want, bool with_uts, const char *name)
{
	sysctl_kv[0] = (struct ct_kv){.key = "kernel.domainname", .value = "ct-test"};
	sysctl_kv[1] = (struct ct_kv){.key = (char *)key, .value = "1"};
	sysctl_n = key ? 2 : 1;
	sysctl_want = want;
	sysctl_with_uts = with_uts;
	check(run_sysctl, name);
}

static void test_sysctl(void)
{
	sysctl_case(NULL, NULL, true,
		    "sysctl kernel.domainname is written in the container's UTS namespace");
	sysctl_kv[0].key = "kernel/domainname";
	sysctl_n = 1;
	sysctl_want = NULL;
	check(run_sysctl, "a sysctl key in slash form is written too");
	sysctl_case(NULL, "sysctl 'kernel.domainname' needs its own uts namespace", false,
		    "a UTS sysctl without a UTS namespace is refused");
	sysctl_case("vm.swappiness", "sysctl 'vm.swappiness' is not namespaced", true,
		    "a host-wide sysctl is refused and nothing is written");
	sysctl_case("net.ipv4.ip_forward",
		    "sysctl 'net.ipv4.ip_forward' needs its own network namespace", true,
		    "a network sysctl without a network namespace is refused");
	sysctl_case("net.ipv4..ip_forward", "has an invalid component", true,
		    "an empty key component is refused");
	sysctl_case("../../../etc/passwd", "has an invalid component", true,
		    "a '..' key is refused");
	sysctl_case("net/../../etc/passwd", "has an invalid component", true,
		    "a '..' in slash form is refused");
	sysctl_case("/net/ipv4/ip_forward", "has an invalid component", true,
		    "a leading '/' is refused");
	sysctl_case(".net.ipv4", "has an invalid component", true, "a leading '.' is refused");
	sysctl_case("", "is empty or too long", true, "an empty key is refused");
}

/* The runtime-side check: a network namespace joined by path must not be the runtime's own. */
static void test_check_sysctl(void)
{
	struct ct_kv kv = {.key = "net.ipv4.ip_forward", .value = "1"};
	struct ct_kv bad = {.key = "net..x", .value = "1"};
	struct ct_namespace own = {.type = CT_NS_NETWORK, .path = "/proc/self/ns/net"};
	struct ct_namespace fresh = {.type = CT_NS_NETWORK};
	struct ct_linux lx = {.sysctl = {&kv, 1}, .namespaces = &own, .n_namespaces = 1};
	struct ct_spec spec = {.linux_ = &lx};
	struct ct_err err = {0};

	TAP_OK(expect_error(
		       ct_procattr_check_sysctl(&spec, &err), &err,
		       "sysctl 'net.ipv4.ip_forward' would change the runtime's own network namespace '/proc/self/ns/net'") ==
		       0,
	       "a sysctl for a joined namespace that is the runtime's own is refused");
	lx.namespaces = &fresh;
	TAP_OK(ct_procattr_check_sysctl(&spec, &err) == 0,
	       "a sysctl for a new namespace passes the check");
	lx.sysctl = (struct ct_kvs){&bad, 1};
	TAP_OK(expect_error(ct_procattr_check_sysctl(&spec, &err), &err, "invalid component") == 0,
	       "the check refuses hostile keys too");
}

static void test_lsm_missing(void)
{
	struct ct_process aa = {.apparmor_profile = "ct-test-profile"};
	struct ct_process se = {.selinux_label = "system_u:system_r:container_t:s0"};
	struct ct_err err = {0};

	if (access("/sys/module/apparmor/parameters/enabled", F_OK) == 0)
		printf("ok %d - an AppArmor profile on a host without AppArmor is an error # SKIP host has AppArmor\n",
		       ++tap_count);
	else
		TAP_OK(expect_error(
			       ct_procattr_set_lsm(&aa, &err), &err,
			       "AppArmor profile 'ct-test-profile' requested but AppArmor is not enabled on this host") ==
			       0,
		       "an AppArmor profile on a host without AppArmor is an error");
	if (access("/sys/fs/selinux/enforce", F_OK) == 0)
		printf("ok %d - an SELinux label on a host without SELinux is an error # SKIP host has SELinux\n",
		       ++tap_count);
	else
		TAP_OK(expect_error(
			       ct_procattr_set_lsm(&se, &err), &err,
			       "SELinux label 'system_u:system_r:container_t:s0' requested but SELinux is not enabled on this host") ==
			       0,
		       "an SELinux label on a host without SELinux is an error");
}

static int makes_cwd(void)
{
	char dir[] = "/tmp/ct-test-cwd.XXXXXX";
	char cwd[PATH_MAX], got[PATH_MAX];
	struct ct_process proc = {.cwd = cwd};
	struct ct_err err = {0};
	int rc;

	if (!mkdtemp(dir))
		return 1;
	snprintf(cwd, sizeof(cwd), "%s/a/b/c", dir);
	rc = ct_procattr_make_cwd(&proc, &err) < 0 || ct_procattr_make_cwd(&proc, &err) < 0 ||
	     ct_procattr_apply_final(&proc, &err) < 0;
	if (rc)
		print_err(&err);
	rc = rc || !getcwd(got, sizeof(got)) || strcmp(got, cwd) != 0;
	rc = chdir("/") < 0 || rc;
	snprintf(got, sizeof(got), "%s/a/b/c", dir);
	rmdir(got);
	snprintf(got, sizeof(got), "%s/a/b", dir);
	rmdir(got);
	snprintf(got, sizeof(got), "%s/a", dir);
	rmdir(got);
	rmdir(dir);

	return rc;
}

static char private_dir[] = "/tmp/ct-test-private.XXXXXX";

/* As in a 0700 home: root enters it first, the user stays there. */
static int cwd_only_root_can_search(void)
{
	struct ct_process proc = {.cwd = private_dir, .user = {.uid = 1000, .gid = 1000}};
	struct ct_err err = {0};
	char got[PATH_MAX];

	if (ct_procattr_make_cwd(&proc, &err) < 0 || ct_procattr_set_user(&proc, &err) < 0 ||
	    ct_procattr_apply_final(&proc, &err) < 0) {
		print_err(&err);
		return 1;
	}

	return !(getuid() == 1000 && getcwd(got, sizeof(got)) && strcmp(got, private_dir) == 0);
}

static void test_private_cwd(void)
{
	bool ok = false;

	if (mkdtemp(private_dir) && chmod(private_dir, 0700) == 0)
		ok = in_child(cwd_only_root_can_search);
	rmdir(private_dir);
	TAP_OK(ok, "a cwd only root may search is still where a non-root process starts");
}

static void test_bad_cwd(void)
{
	struct ct_process rel = {.cwd = "relative/dir"};
	struct ct_process missing = {.cwd = "/nonexistent/ct-test"};
	struct ct_err err = {0};

	TAP_OK(expect_error(ct_procattr_make_cwd(&rel, &err), &err,
			    "cwd 'relative/dir' is not an absolute path") == 0,
	       "a relative cwd is refused");
	TAP_OK(expect_error(ct_procattr_apply_final(&missing, &err), &err,
			    "change to cwd '/nonexistent/ct-test'") == 0 &&
		       err.errnum == ENOENT,
	       "a missing cwd at the end is an error naming it");
}

static int switches_user(void)
{
	uint32_t gids[] = {10, 20};
	struct ct_process proc = {.user = {.uid = 1000,
					   .gid = 1001,
					   .additional_gids = gids,
					   .n_additional_gids = 2,
					   .has_umask = true,
					   .umask = 027}};
	struct ct_err err = {0};
	gid_t groups[8];
	uid_t r, e, s;
	int n;

	if (ct_procattr_set_user(&proc, &err) < 0) {
		print_err(&err);
		return 1;
	}
	n = getgroups(8, groups);
	getresuid(&r, &e, &s);

	return !(r == 1000 && e == 1000 && s == 1000 && getgid() == 1001 && getegid() == 1001 &&
		 n == 2 && groups[0] == 10 && groups[1] == 20 && umask(0) == 027);
}

static int empties_groups(void)
{
	struct ct_process proc = {.user = {.uid = 0, .gid = 0}};
	struct ct_err err = {0};
	gid_t extra = 4242;

	if (setgroups(1, &extra) < 0 || ct_procattr_set_user(&proc, &err) < 0)
		return 1;

	return getgroups(0, NULL) != 0;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* A user namespace with setgroups denied: no gids asked is fine, some asked is a clear error. */
static int setgroups_denied(void)
{
	uint32_t gid = 0;
	struct ct_process none = {.user = {.uid = 0, .gid = 0}};
	struct ct_process some = {
		.user = {.uid = 0, .gid = 0, .additional_gids = &gid, .n_additional_gids = 1}};
	struct ct_err err = {0};

	if (unshare(CLONE_NEWUSER) < 0 || write_text("/proc/self/setgroups", "deny") < 0 ||
	    write_text("/proc/self/uid_map", "0 0 1") < 0 ||
	    write_text("/proc/self/gid_map", "0 0 1") < 0)
		return 2;
	if (ct_procattr_set_user(&none, &err) < 0) {
		print_err(&err);
		return 1;
	}

	return expect_error(ct_procattr_set_user(&some, &err), &err,
			    "setgroups is denied in this user namespace");
}

int main(void)
{
	test_rlimit_names();
	test_cpu_lists();
	test_bad_sched();
	test_bad_ioprio();
	test_bad_personality();
	test_bad_mempolicy();
	test_bad_cwd();
	test_lsm_missing();
	test_check_sysctl();
	if (geteuid() != 0) {
		printf("ok %d - privileged process attribute tests # SKIP need root\n",
		       ++tap_count);
		return tap_done();
	}

	check(sets_rlimits, "rlimits are set, RLIM_INFINITY included");
	test_bad_rlimits();
	check(sets_oom_score_adj, "oomScoreAdj is written to /proc/self/oom_score_adj");
	check(sched_batch_nice, "SCHED_BATCH with nice 7");
	check(sched_rr_reset_on_fork, "SCHED_RR priority 5 with SCHED_FLAG_RESET_ON_FORK");
	check(sched_deadline, "SCHED_DEADLINE with runtime, deadline and period");
	check(ioprio_be, "IOPRIO_CLASS_BE 6 is what ioprio_get reads back");
	check(ioprio_rt, "IOPRIO_CLASS_RT 0 is what ioprio_get reads back");
	check(personality_linux32, "LINUX32 personality makes uname say i686");
	check(mempolicy_bind, "MPOL_BIND on node 0");
	check(mempolicy_preferred_static, "MPOL_PREFERRED with MPOL_F_STATIC_NODES");
	check(affinity_initial_and_final, "execCPUAffinity initial and final pin to CPU 0");
	check(affinity_bad_list, "a malformed execCPUAffinity list is refused");
	test_sysctl();
	check(makes_cwd, "a missing cwd is created with its parents, then entered");
	test_private_cwd();
	check(switches_user, "uid, gid, additional gids and umask are set");
	check(empties_groups, "no additionalGids empties the inherited groups");
	check(setgroups_denied, "setgroups denied: skipped with no gids, an error with some");

	return tap_done();
}
