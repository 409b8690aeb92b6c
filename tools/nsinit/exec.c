/* SPDX-License-Identifier: Apache-2.0 */
/* nsinit exec: run a process in a running container, with runc exec's options. */
#include "tools/nsinit/exec.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/join.h"
#include "common/log.h"
#include "common/state.h"

#include "tools/nsinit/nsinit.h"

#define MAX_REPEAT 64
#define EXIT_EXEC_FAILED 255

enum {
	OPT_ROOT = 1000,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_DEBUG,
	OPT_SYSTEMD_CGROUP,
	OPT_PID_FILE,
	OPT_CONSOLE_SOCKET,
	OPT_CWD,
	OPT_NO_NEW_PRIVS,
	OPT_PRESERVE_FDS,
	OPT_IGNORE_PAUSED,
};

struct exec_opts {
	const char *log_path;
	enum ct_log_format log_format;
	bool debug;
	const char *user; /* checked with the rest, so a bad one is an exec failure (255) */
	char *caps[MAX_REPEAT];
	char *env[MAX_REPEAT];
	uint32_t gids[MAX_REPEAT];
	struct ct_join_container_opts ct;
};

static const struct option global_options[] = {
	{"root", required_argument, NULL, OPT_ROOT},
	{"log", required_argument, NULL, OPT_LOG},
	{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
	{"debug", no_argument, NULL, OPT_DEBUG},
	{"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP},
	{NULL, 0, NULL, 0},
};

/*
 * LIMITATION: no --apparmor, --process-label or --cgroup (runc's sub-cgroup
 * placement); they fail with "unknown option". An AppArmor profile can still
 * come in through --process FILE (apparmorProfile).
 */
static const struct option exec_options[] = {
	{"process", required_argument, NULL, 'p'},
	{"tty", no_argument, NULL, 't'},
	{"detach", no_argument, NULL, 'd'},
	{"pid-file", required_argument, NULL, OPT_PID_FILE},
	{"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
	{"cwd", required_argument, NULL, OPT_CWD},
	{"env", required_argument, NULL, 'e'},
	{"user", required_argument, NULL, 'u'},
	{"additional-gids", required_argument, NULL, 'g'},
	{"cap", required_argument, NULL, 'c'},
	{"no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS},
	{"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
	{"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const char usage_text[] =
	"usage: nsinit [global options] exec [--process FILE|-p FILE] [--tty|-t] [--detach|-d]\n"
	"         [--pid-file FILE] [--console-socket PATH] [--cwd DIR] [--env|-e K=V]...\n"
	"         [--user|-u UID[:GID]] [--additional-gids|-g G]... [--cap|-c CAP]...\n"
	"         [--no-new-privs] [--preserve-fds N] [--ignore-paused] ID [ARGS...]\n";

bool nsinit_exec_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--root") == 0 || strcmp(a, "--log") == 0 ||
		    strcmp(a, "--log-format") == 0)
			i++;
		else if (a[0] != '-')
			return strcmp(a, "exec") == 0;
	}
	return false;
}

static int usage_error(const char *what, const char *arg)
{
	return nsinit_usage_error("exec: %s '%s'; see 'nsinit exec --help'", what, arg);
}

static int parse_count(const char *text, long max, long *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (!*text || *end || errno || v < 0 || v > max)
		return -1;
	*ret = v;

	return 0;
}

static int parse_global(int argc, char **argv, struct exec_opts *o)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", global_options, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			o->ct.root = optarg;
			break;
		case OPT_LOG:
			o->log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (ct_log_parse_format(optarg, &o->log_format) < 0)
				return usage_error("invalid --log-format", optarg);
			break;
		case OPT_DEBUG:
			o->debug = true;
			break;
		case OPT_SYSTEMD_CGROUP:
			/* Joining reads the cgroups from /proc/PID/cgroup: the driver does not
			 * matter. */
			break;
		default:
			return usage_error("unknown option", argv[optind - 1]);
		}
	}
	return 0;
}

static int push(char **list, size_t *n, char *arg)
{
	if (*n == MAX_REPEAT)
		return usage_error("too many repeats of", arg);
	list[(*n)++] = arg;

	return 0;
}

/* --additional-gids takes one gid or a comma-separated list, and may be repeated. */
static int push_gids(struct exec_opts *o, char *arg)
{
	char *save = NULL;
	long v;

	for (char *g = strtok_r(arg, ",", &save); g; g = strtok_r(NULL, ",", &save)) {
		if (parse_count(g, (long)UINT32_MAX - 1, &v) < 0)
			return usage_error("invalid --additional-gids", g);
		if (o->ct.n_additional_gids == MAX_REPEAT)
			return usage_error("too many repeats of", "--additional-gids");
		o->gids[o->ct.n_additional_gids++] = (uint32_t)v;
	}
	o->ct.additional_gids = o->gids;
	o->ct.has_additional_gids = true;

	return 0;
}

static int parse_exec_option(struct exec_opts *o, int c, char *arg)
{
	struct ct_join_container_opts *ct = &o->ct;
	long v;

	switch (c) {
	case 'p':
		ct->process_file = arg;
		return 0;
	case 't':
		ct->tty = true;
		return 0;
	case 'd':
		ct->detach = true;
		return 0;
	case OPT_PID_FILE:
		ct->pid_file = arg;
		return 0;
	case OPT_CONSOLE_SOCKET:
		ct->console_socket = arg;
		return 0;
	case OPT_CWD:
		ct->cwd = arg;
		return 0;
	case 'e':
		ct->env = o->env;
		return push(o->env, &ct->n_env, arg);
	case 'u':
		o->user = arg;
		return 0;
	case 'g':
		return push_gids(o, arg);
	case 'c':
		ct->caps = o->caps;
		return push(o->caps, &ct->n_caps, arg);
	case OPT_NO_NEW_PRIVS:
		ct->no_new_privs = true;
		return 0;
	case OPT_PRESERVE_FDS:
		if (parse_count(arg, INT_MAX - 3, &v) < 0)
			return usage_error("invalid --preserve-fds", arg);
		ct->preserve_fds = (int)v;
		return 0;
	case OPT_IGNORE_PAUSED:
		ct->ignore_paused = true;
		return 0;
	}

	return usage_error("unknown option", "?");
}

/* Returns 0 to run, 1 after --help, 2 on a usage mistake. */
static int parse_args(int argc, char **argv, struct exec_opts *o)
{
	int c, rc;

	rc = parse_global(argc, argv, o);
	if (rc)
		return rc;
	/* argv[optind] is "exec" (nsinit_exec_wanted said so). */
	argc -= optind;
	argv += optind;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:p:tde:u:g:c:h", exec_options, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			return 1;
		}
		if (c == '?' || c == ':') {
			char shortopt[3] = {'-', (char)optopt, '\0'};

			return usage_error(c == '?' ? "unknown option" : "missing argument for",
					   optopt ? shortopt : argv[optind - 1]);
		}
		rc = parse_exec_option(o, c, optarg);
		if (rc)
			return rc;
	}
	if (optind >= argc)
		return nsinit_usage_error(
			"exec: a container id is needed; see 'nsinit exec --help'");
	o->ct.id = argv[optind];
	if (optind + 1 < argc)
		o->ct.argv = argv + optind + 1;

	return 0;
}

static void report(const struct ct_err *err)
{
	char text[CT_ERR_MSG_MAX + 128];

	ct_err_str(err, text, sizeof(text));
	/* runc's words: engines look for "exec failed" and the cause after it. */
	if (ct_log_has_file())
		ct_log(CT_LOG_ERROR, "exec failed: %s", text);
	fprintf(stderr, "nsinit: exec failed: %s\n", text);
}

/* runc exec warns about a --cap name it does not know and goes on without it. */
static void warn_unknown_cap(const char *name)
{
	ct_log(CT_LOG_WARN, "unknown capability '%s', ignoring", name);
}

int nsinit_exec_main(int argc, char **argv)
{
	struct exec_opts o = {.log_format = CT_LOG_TEXT};
	struct ct_err err = {0};
	enum ct_join_fail fail;
	int code = 0, sig = 0;
	int rc;

	rc = parse_args(argc, argv, &o);
	if (rc == 2)
		nsinit_log_usage_error(o.log_path, o.log_format);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (ct_join_reserve_fds(o.ct.preserve_fds, &err) < 0) {
		ct_err_wrap(&err, "--preserve-fds %d", o.ct.preserve_fds);
		report(&err);
		return EXIT_EXEC_FAILED;
	}
	if (ct_log_init("nsinit", o.log_path, o.log_format, o.debug ? CT_LOG_DEBUG : CT_LOG_WARN,
			&err) < 0) {
		report(&err);
		return EXIT_EXEC_FAILED;
	}
	ct_log(CT_LOG_DEBUG, "exec %s", o.ct.id);
	o.ct.warn_unknown_cap = warn_unknown_cap;
	if (o.user && ct_join_parse_user(o.user, &o.ct.uid, &o.ct.has_gid, &o.ct.gid, &err) < 0) {
		ct_err_wrap(&err, "container '%s'", o.ct.id);
		report(&err);
		return EXIT_EXEC_FAILED;
	}
	o.ct.has_user = o.user != NULL;
	if (!o.ct.argv && !o.ct.process_file) {
		ct_err_set(&err, 0, "container '%s': exec args cannot be empty", o.ct.id);
		report(&err);
		return EXIT_EXEC_FAILED;
	}

	if (ct_join_container(&o.ct, &code, &sig, &fail, &err) < 0) {
		report(&err);
		return EXIT_EXEC_FAILED;
	}
	ct_log_close();

	/* As runc exec: the status, 128+N for a signal, never our own death. */
	return code;
}
