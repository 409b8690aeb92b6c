/* SPDX-License-Identifier: Apache-2.0 */
/* nsenter-lite: run a program in the namespaces of a process, or of an nsinit container. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/join.h"
#include "common/spec.h"

#define TOOL "nsenter-lite"
#define MAX_REPEAT 64

enum {
	OPT_PRESERVE_CRED = CHAR_MAX + 1,
	OPT_USER_PARENT,
	OPT_CONTAINER,
	OPT_ROOT,
	OPT_USER,
	OPT_CAP,
	OPT_ENV,
	OPT_CWD,
	OPT_TTY,
	OPT_PROCESS,
};

struct opts {
	bool is_container;
	struct ct_join_req req;		  /* nsenter mode */
	struct ct_join_container_opts ct; /* --container mode */
	char *caps[MAX_REPEAT];
	char *env[MAX_REPEAT];
	char *const *argv;
};

/*
 * Plain mode: util-linux nsenter's spelling.
 * LIMITATION: no --wdns, --net-socket, --keep-caps, --follow-context, "=:NSID" or "follow" ids
 * (newer nsenter); they fail with "unknown option".
 */
static const struct option plain_options[] = {
	{"all", no_argument, NULL, 'a'},
	{"target", required_argument, NULL, 't'},
	{"mount", optional_argument, NULL, 'm'},
	{"uts", optional_argument, NULL, 'u'},
	{"ipc", optional_argument, NULL, 'i'},
	{"net", optional_argument, NULL, 'n'},
	{"pid", optional_argument, NULL, 'p'},
	{"user", optional_argument, NULL, 'U'},
	{"cgroup", optional_argument, NULL, 'C'},
	{"time", optional_argument, NULL, 'T'},
	{"setuid", required_argument, NULL, 'S'},
	{"setgid", required_argument, NULL, 'G'},
	{"root", optional_argument, NULL, 'r'},
	{"wd", optional_argument, NULL, 'w'},
	{"env", no_argument, NULL, 'e'},
	{"no-fork", no_argument, NULL, 'F'},
	{"join-cgroup", no_argument, NULL, 'c'},
	{"preserve-credentials", no_argument, NULL, OPT_PRESERVE_CRED},
	{"user-parent", no_argument, NULL, OPT_USER_PARENT},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

/*
 * --container mode: --root, --user and --env mean what they mean to runc
 * (state root, UID[:GID], K=V), not nsenter's chroot, user namespace and
 * target environment; so the mode is chosen before parsing.
 */
static const struct option container_options[] = {
	{"container", required_argument, NULL, OPT_CONTAINER},
	{"root", required_argument, NULL, OPT_ROOT},
	{"user", required_argument, NULL, OPT_USER},
	{"cap", required_argument, NULL, OPT_CAP},
	{"env", required_argument, NULL, OPT_ENV},
	{"cwd", required_argument, NULL, OPT_CWD},
	{"tty", no_argument, NULL, OPT_TTY},
	{"process", required_argument, NULL, OPT_PROCESS},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " TOOL " [options] [PROGRAM [ARGS...]]\n"
		"       " TOOL " --container ID [--root DIR] [options] [PROGRAM [ARGS...]]\n"
		"\nRun a program in the namespaces of another process (default $SHELL or /bin/sh).\n"
		"\n"
		"  -t, --target PID           the process whose namespaces are entered\n"
		"  -a, --all                  every namespace of the target\n"
		"  -m, --mount[=FILE]         the mount namespace (or the one FILE is)\n"
		"  -u, --uts[=FILE]           the UTS namespace\n"
		"  -i, --ipc[=FILE]           the IPC namespace\n"
		"  -n, --net[=FILE]           the network namespace\n"
		"  -p, --pid[=FILE]           the pid namespace (the program runs as a child)\n"
		"  -U, --user[=FILE]          the user namespace\n"
		"  -C, --cgroup[=FILE]        the cgroup namespace\n"
		"  -T, --time[=FILE]          the time namespace\n"
		"      --user-parent          the parent of the target's user namespace\n"
		"  -S, --setuid UID           uid in the entered namespaces\n"
		"  -G, --setgid GID           gid in the entered namespaces\n"
		"      --preserve-credentials keep ids and groups when entering a user namespace\n"
		"  -r, --root[=DIR]           chroot to DIR (default: the target's root)\n"
		"  -w, --wd[=DIR]             chdir to DIR (default: the target's cwd)\n"
		"  -e, --env                  the target's environment\n"
		"  -F, --no-fork              do not fork before running the program\n"
		"  -c, --join-cgroup          join the target's cgroups\n"
		"\nWith --container ID, an nsinit container's init is the target, all its\n"
		"namespaces and cgroups are joined, and the program runs as the container's\n"
		"processes do (user, capabilities, seccomp, rlimits, env, cwd), changed by:\n"
		"      --root DIR             nsinit's state root (default /run/nsinit)\n"
		"      --user UID[:GID]       --cap CAP (repeatable)   --env K=V (repeatable)\n"
		"      --cwd DIR              --tty                    --process FILE\n");
}

/* A long option of --container mode, by its name (up to any '='). */
static const struct option *container_option(const char *arg)
{
	size_t len = strcspn(arg + 2, "=");

	for (const struct option *opt = container_options; opt->name; opt++)
		if (strlen(opt->name) == len && strncmp(arg + 2, opt->name, len) == 0)
			return opt;
	return NULL;
}

/*
 * Looks for --container among the options (not among the program's
 * arguments). --root, --user and --env take a separate argument only in
 * --container mode, so "--root DIR --container ID" is container mode,
 * while an option that only plain mode has (any short one, --target,
 * --all, ...) settles on plain mode before --container is reached.
 */
static bool wants_container(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const struct option *opt;

		if (strcmp(argv[i], "--") == 0 || argv[i][0] != '-')
			return false;
		if (strcmp(argv[i], "--container") == 0 ||
		    strncmp(argv[i], "--container=", 12) == 0)
			return true;
		if (argv[i][1] != '-') {
			if (strcmp(argv[i], "-h") != 0 && strcmp(argv[i], "-V") != 0)
				return false;
			continue;
		}
		opt = container_option(argv[i]);
		if (!opt)
			return false;
		if (opt->has_arg == required_argument && !strchr(argv[i], '='))
			i++;
	}
	return false;
}

static int parse_number(const char *text, long max, long *ret, struct ct_err *err)
{
	char *end;
	long v;

	if (!text)
		return ct_err_set(err, 0, "missing number");
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < 0 || v > max)
		return ct_err_set(err, 0, "'%s' is not a number from 0 to %ld", text, max);
	*ret = v;

	return 0;
}

static int parse_plain_opt(struct opts *o, int c, char *arg, struct ct_err *err)
{
	struct ct_join_req *r = &o->req;
	int ns = ct_join_ns_from_letter(c);
	long v = 0;

	/* "-m=FILE" hands getopt's optional argument over with its '='. */
	if (arg && arg[0] == '=')
		arg++;
	if (ns >= 0) {
		r->ns_want[ns] = true;
		r->ns_file[ns] = arg;
		return 0;
	}
	switch (c) {
	case 'a':
		r->all = true;
		return 0;
	case 't':
		if (r->pid)
			return ct_err_set(err, 0, "option --target may be given only once");
		if (parse_number(arg, INT_MAX, &v, err) < 0 || v == 0)
			return ct_err_set(err, 0, "invalid target pid '%s'", arg);
		r->pid = (pid_t)v;
		return 0;
	case 'S':
	case 'G':
		if (parse_number(arg, (long)UINT_MAX - 1, &v, err) < 0)
			return ct_err_wrap(err, "invalid %s", c == 'S' ? "uid" : "gid");
		if (c == 'S')
			r->has_uid = true, r->uid = (uid_t)v;
		else
			r->has_gid = true, r->gid = (gid_t)v;
		return 0;
	case 'r':
		r->root_target = !arg, r->root_dir = arg;
		return 0;
	case 'w':
		r->wd_target = !arg, r->wd_dir = arg;
		return 0;
	case 'e':
		r->env_target = true;
		return 0;
	case 'F':
		r->no_fork = true;
		return 0;
	case 'c':
		r->join_cgroups = true;
		return 0;
	case OPT_PRESERVE_CRED:
		r->preserve_cred = true;
		return 0;
	case OPT_USER_PARENT:
		r->user_parent = true;
		return 0;
	}

	return ct_err_set(err, 0, "unhandled option");
}

static int push_repeat(char **list, size_t *n, char *arg, const char *what, struct ct_err *err)
{
	if (*n == MAX_REPEAT)
		return ct_err_set(err, E2BIG, "more than %d %s options", MAX_REPEAT, what);
	list[(*n)++] = arg;

	return 0;
}

static int parse_container_opt(struct opts *o, int c, char *arg, struct ct_err *err)
{
	struct ct_join_container_opts *ct = &o->ct;

	switch (c) {
	case OPT_CONTAINER:
		ct->id = arg;
		return 0;
	case OPT_ROOT:
		ct->root = arg;
		return 0;
	case OPT_USER:
		ct->has_user = true;
		return ct_join_parse_user(arg, &ct->uid, &ct->has_gid, &ct->gid, err);
	case OPT_CAP:
		ct->caps = o->caps;
		return push_repeat(o->caps, &ct->n_caps, arg, "--cap", err);
	case OPT_ENV:
		ct->env = o->env;
		return push_repeat(o->env, &ct->n_env, arg, "--env", err);
	case OPT_CWD:
		ct->cwd = arg;
		return 0;
	case OPT_TTY:
		ct->tty = true;
		return 0;
	case OPT_PROCESS:
		ct->process_file = arg;
		return 0;
	}

	return ct_err_set(err, 0, "unhandled option");
}

/* Returns 0 to run, 1 when --help/--version was answered, -1 on a usage mistake. */
static int parse_args(int argc, char **argv, struct opts *o, struct ct_err *err)
{
	const struct option *table;
	const char *shortopts;
	int c;

	o->is_container = wants_container(argc, argv);
	table = o->is_container ? container_options : plain_options;
	shortopts = o->is_container ? "+:hV" : "+:hVat:m::u::i::n::p::U::C::T::S:G:r::w::eFc";
	o->req.console_fd = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, table, NULL)) != -1) {
		int rc;

		if (c == 'h' || c == 'V') {
			if (c == 'h')
				usage(stdout);
			else
				printf(TOOL " version 0.1.0\n");
			return 1;
		}
		if (c == '?' || c == ':') {
			const char *what = c == '?' ? "unknown option" : "missing argument for";

			if (optopt)
				return ct_err_set(err, 0, "%s '-%c'", what, optopt);
			return ct_err_set(err, 0, "%s '%s'", what, argv[optind - 1]);
		}
		rc = o->is_container ? parse_container_opt(o, c, optarg, err)
				     : parse_plain_opt(o, c, optarg, err);
		if (rc < 0)
			return -1;
	}
	if (optind < argc)
		o->argv = argv + optind;
	o->req.argv = o->argv;
	o->ct.argv = o->argv;

	return 0;
}

static int run_plain(struct opts *o, int *ret_code, int *ret_signal, enum ct_join_fail *fail,
		     struct ct_err *err)
{
	pid_t pid;
	int master;
	int wstatus;

	if (ct_join_start(&o->req, &pid, &master, fail, err) < 0)
		return -1;
	*fail = CT_JOIN_FAIL_SETUP;
	if (ct_join_wait(pid, true, master, &wstatus, err) < 0)
		return -1;
	ct_join_exit_status(wstatus, ret_code, ret_signal);

	return 0;
}

static int run_container(struct opts *o, int *ret_code, int *ret_signal, enum ct_join_fail *fail,
			 struct ct_err *err)
{
	static char *const shell[] = {"/bin/sh", NULL};

	if (!o->ct.id || !*o->ct.id)
		return ct_err_set(err, 0, "--container needs an id");
	if (!o->ct.argv && !o->ct.process_file)
		o->ct.argv = shell;

	return ct_join_container(&o->ct, ret_code, ret_signal, fail, err);
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	struct ct_err err = {0};
	enum ct_join_fail fail = CT_JOIN_FAIL_NONE;
	char line[CT_ERR_MSG_MAX + 128];
	int code = 0, sig = 0;
	int rc;

	rc = parse_args(argc, argv, &o, &err);
	if (rc > 0 && ct_flush_stdout(&err) < 0) {
		ct_err_print(TOOL, "%s", ct_err_str(&err, line, sizeof(line)));
		return 1;
	}
	if (rc > 0)
		return 0;
	if (rc < 0) {
		ct_err_print(TOOL, "%s; see '" TOOL " --help'", err.msg);
		return 2;
	}

	if (o.is_container)
		rc = run_container(&o, &code, &sig, &fail, &err);
	else
		rc = run_plain(&o, &code, &sig, &fail, &err);

	if (rc < 0) {
		fprintf(stderr, TOOL ": %s\n", ct_err_str(&err, line, sizeof(line)));
		/* As nsenter (and shells): 127 for a program not found, 126 for one that cannot
		 * run. */
		if (fail == CT_JOIN_FAIL_EXEC)
			return err.errnum == ENOENT ? 127 : 126;
		return 1;
	}
	if (sig)
		return ct_join_raise(sig);

	return code;
}
