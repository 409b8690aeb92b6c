/* SPDX-License-Identifier: Apache-2.0 */
/* Capability sets: each test applies them in a forked child and reads them back from /proc. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/capability.h>

#include "common/caps.h"
#include "common/err.h"
#include "common/procattr.h"
#include "common/spec.h"
#include "tests/unit/tap.h"

#define BIT(cap) (UINT64_C(1) << (cap))

/* Runs fn in a child; its exit status 0 is a pass. Output is flushed first so lines don't repeat.
 */
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

/* TAP_OK evaluates its condition twice, so the child runs once here. */
static void check(int (*fn)(void), const char *name)
{
	bool ok = in_child(fn);

	TAP_OK(ok, "%s", name);
}

/* One of CapInh/CapPrm/CapEff/CapBnd/CapAmb of the calling process. */
static uint64_t status_caps(const char *field)
{
	char line[256];
	uint64_t val = UINT64_MAX;
	size_t len = strlen(field);
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return UINT64_MAX;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, len) == 0 && line[len] == ':')
			val = strtoull(line + len + 1, NULL, 16);
	fclose(f);

	return val;
}

static bool expect_caps(const char *field, uint64_t want)
{
	uint64_t got = status_caps(field);

	if (got == want)
		return true;
	printf("#   %s: got %016" PRIx64 ", want %016" PRIx64 "\n", field, got, want);
	return false;
}

static void print_err(const struct ct_err *err)
{
	char buf[1024];

	printf("#   error: %s\n", ct_err_str(err, buf, sizeof(buf)));
}

static char *chown_kill_nbs[] = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};
static char *chown_kill[] = {"CAP_CHOWN", "CAP_KILL", NULL};
static char *nbs[] = {"CAP_NET_BIND_SERVICE", NULL};
static char *with_unknown[] = {"CAP_CHOWN", "CAP_NOT_A_CAPABILITY", NULL};
static char *none[] = {NULL};

static int warned;
static char warned_name[64];

static void count_warn(const char *name)
{
	warned++;
	snprintf(warned_name, sizeof(warned_name), "%s", name);
}

static int drop_all(void)
{
	struct ct_err err = {0};

	if (ct_caps_apply(NULL, NULL, &err) < 0) {
		print_err(&err);
		return 1;
	}

	return !(expect_caps("CapBnd", 0) & expect_caps("CapPrm", 0) & expect_caps("CapEff", 0) &
		 expect_caps("CapInh", 0) & expect_caps("CapAmb", 0));
}

static const struct ct_capabilities five_sets = {
	.bounding = {chown_kill_nbs, 3},
	.permitted = {chown_kill_nbs, 3},
	.effective = {chown_kill, 2},
	.inheritable = {nbs, 1},
	.ambient = {nbs, 1},
};

static bool expect_five_sets(void)
{
	uint64_t all = BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_NET_BIND_SERVICE);

	return expect_caps("CapBnd", all) & expect_caps("CapPrm", all) &
	       expect_caps("CapEff", BIT(CAP_CHOWN) | BIT(CAP_KILL)) &
	       expect_caps("CapInh", BIT(CAP_NET_BIND_SERVICE)) &
	       expect_caps("CapAmb", BIT(CAP_NET_BIND_SERVICE));
}

static int sets_all_five(void)
{
	struct ct_err err = {0};

	if (ct_caps_apply(&five_sets, NULL, &err) < 0) {
		print_err(&err);
		return 1;
	}

	return !expect_five_sets();
}

static int skips_unknown_once(void)
{
	struct ct_capabilities caps = {
		.bounding = {with_unknown, 2},
		.permitted = {with_unknown, 2},
		.effective = {with_unknown, 2},
	};
	struct ct_err err = {0};

	if (ct_caps_apply(&caps, count_warn, &err) < 0) {
		print_err(&err);
		return 1;
	}
	if (warned != 1 || strcmp(warned_name, "CAP_NOT_A_CAPABILITY") != 0) {
		printf("#   warned %d times, last '%s'\n", warned, warned_name);
		return 1;
	}

	return !(expect_caps("CapBnd", BIT(CAP_CHOWN)) & expect_caps("CapEff", BIT(CAP_CHOWN)));
}

/* A refused request leaves the process as it was: the check comes before any change. */
static int refuses_effective_not_permitted(void)
{
	struct ct_capabilities caps = {
		.bounding = {chown_kill_nbs, 3},
		.permitted = {chown_kill, 2},
		.effective = {chown_kill_nbs, 3},
	};
	struct ct_err err = {0};
	uint64_t before = status_caps("CapBnd");

	if (ct_caps_apply(&caps, NULL, &err) == 0)
		return 1;
	if (!strstr(err.msg, "'CAP_NET_BIND_SERVICE' is effective but not permitted")) {
		print_err(&err);
		return 1;
	}

	return !expect_caps("CapBnd", before);
}

static int refuses_ambient_not_inheritable(void)
{
	struct ct_capabilities caps = {
		.bounding = {chown_kill_nbs, 3},
		.permitted = {chown_kill_nbs, 3},
		.ambient = {nbs, 1},
		.inheritable = {none, 0},
	};
	struct ct_err err = {0};

	if (ct_caps_apply(&caps, NULL, &err) == 0)
		return 1;
	if (!strstr(err.msg, "'CAP_NET_BIND_SERVICE' is ambient but not both")) {
		print_err(&err);
		return 1;
	}

	return 0;
}

static char *admin_chown[] = {"CAP_SYS_ADMIN", "CAP_CHOWN", NULL};

/* A runtime inside a container lacks CAP_SYS_ADMIN: asking for it warns and grants the rest. */
static int skips_what_caller_lacks(void)
{
	struct ct_capabilities caps = {
		.bounding = {admin_chown, 2},
		.permitted = {admin_chown, 2},
		.effective = {admin_chown, 2},
	};
	cap_value_t admin = CAP_SYS_ADMIN;
	struct ct_err err = {0};
	cap_t cur = cap_get_proc();

	if (!cur || cap_drop_bound(CAP_SYS_ADMIN) < 0 ||
	    cap_set_flag(cur, CAP_PERMITTED, 1, &admin, CAP_CLEAR) < 0 ||
	    cap_set_flag(cur, CAP_EFFECTIVE, 1, &admin, CAP_CLEAR) < 0 || cap_set_proc(cur) < 0)
		return 2;
	cap_free(cur);
	if (ct_caps_apply(&caps, count_warn, &err) < 0) {
		print_err(&err);
		return 1;
	}
	if (warned != 1 || strcmp(warned_name, "CAP_SYS_ADMIN") != 0) {
		printf("#   warned %d times, last '%s'\n", warned, warned_name);
		return 1;
	}

	return !(expect_caps("CapBnd", BIT(CAP_CHOWN)) & expect_caps("CapEff", BIT(CAP_CHOWN)) &
		 expect_caps("CapPrm", BIT(CAP_CHOWN)));
}

/* The runtime's order: switch user (keeping caps), then set the final sets. */
static int keeps_caps_across_user_switch(void)
{
	struct ct_process proc = {.user = {.uid = 1000, .gid = 1000}};
	struct ct_err err = {0};

	if (ct_procattr_set_user(&proc, &err) < 0 || ct_caps_apply(&five_sets, NULL, &err) < 0) {
		print_err(&err);
		return 1;
	}
	if (getuid() != 1000 || geteuid() != 1000 || getgid() != 1000) {
		printf("#   uid %d euid %d gid %d\n", getuid(), geteuid(), getgid());
		return 1;
	}

	return !expect_five_sets();
}

int main(void)
{
	if (geteuid() != 0) {
		printf("ok 1 - caps tests # SKIP need root\n");
		printf("1..1\n");
		return 0;
	}

	check(drop_all, "caps NULL empties all five sets");
	check(sets_all_five,
	      "bounding, permitted, effective, inheritable and ambient are set as listed");
	check(skips_unknown_once, "an unknown capability is warned about once and skipped");
	check(refuses_effective_not_permitted,
	      "an effective capability that is not permitted is refused before any change");
	check(refuses_ambient_not_inheritable,
	      "an ambient capability that is not inheritable is refused");
	check(skips_what_caller_lacks,
	      "a capability the caller cannot grant is warned about and skipped");
	check(keeps_caps_across_user_switch, "capabilities survive the switch to a non-root uid");

	return tap_done();
}
