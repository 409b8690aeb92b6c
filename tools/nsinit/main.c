/* SPDX-License-Identifier: Apache-2.0 */
/* nsinit: an OCI runtime with runc's command line. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "common/spec.h"
#include "common/state.h"

#include "tools/nsinit/exec.h"
#include "tools/nsinit/nsinit.h"

#define NSINIT_VERSION "0.1.0"

enum {
	OPT_ROOT = 1000,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_DEBUG,
	OPT_SYSTEMD_CGROUP,
	OPT_VERSION,
	OPT_HELP,
	OPT_PID_FILE,
	OPT_CONSOLE_SOCKET,
	OPT_NO_PIVOT,
	OPT_NO_NEW_KEYRING,
	OPT_PRESERVE_FDS,
	OPT_KEEP,
	OPT_CONFIG,
	OPT_FORMAT,
	OPT_ROOTLESS,
};

struct command {
	const char *name;
	const char *short_opts;
	const struct option *long_opts;
	int min_args; /* positionals after the options */
	int max_args;
	const char *usage;
};

static const struct option global_options[] = {
	{"root", required_argument, NULL, OPT_ROOT},
	{"log", required_argument, NULL, OPT_LOG},
	{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
	{"debug", no_argument, NULL, OPT_DEBUG},
	{"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP},
	{"version", no_argument, NULL, OPT_VERSION},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

/* One option a line: clang-format would indent this macro's brace list as a block. */
/* clang-format off */
#define CREATE_OPTIONS                                                                             \
	{"bundle", required_argument, NULL, 'b'},                                                  \
	{"pid-file", required_argument, NULL, OPT_PID_FILE},                                       \
	{"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},                           \
	{"no-pivot", no_argument, NULL, OPT_NO_PIVOT},                                             \
	{"no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING},                                 \
	{"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},                               \
	{"config", required_argument, NULL, OPT_CONFIG},                                           \
	{"help", no_argument, NULL, 'h'}
/* clang-format on */

static const struct option create_options[] = {CREATE_OPTIONS, {NULL, 0, NULL, 0}};
static const struct option run_options[] = {
	CREATE_OPTIONS,
	{"detach", no_argument, NULL, 'd'},
	{"keep", no_argument, NULL, OPT_KEEP},
	{NULL, 0, NULL, 0},
};
static const struct option help_only[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
static const struct option kill_options[] = {
	{"all", no_argument, NULL, 'a'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};
static const struct option delete_options[] = {
	{"force", no_argument, NULL, 'f'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};
static const struct option list_options[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};
static const struct option ps_options[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};
static const struct option spec_options[] = {
	{"rootless", no_argument, NULL, OPT_ROOTLESS},
	{"bundle", required_argument, NULL, 'b'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const struct command commands[] = {
	{"create", "+:b:h", create_options, 1, 1,
	 "create [--bundle DIR] [--config FILE|-] [--pid-file FILE] [--console-socket PATH] "
	 "[--no-pivot] [--no-new-keyring] [--preserve-fds N] ID"},
	{"start", "+:h", help_only, 1, 1, "start ID"},
	{"run", "+:b:dh", run_options, 1, 1, "run [create's options] [--detach] [--keep] ID"},
	{"state", "+:h", help_only, 1, 1, "state ID"},
	{"kill", "+:ah", kill_options, 1, 2, "kill [--all] ID [SIGNAL]"},
	{"delete", "+:fh", delete_options, 1, 1, "delete [--force] ID"},
	{"list", "+:f:qh", list_options, 0, 0, "list [--format table|json] [--quiet]"},
	{"ps", "+:f:h", ps_options, 1, INT_MAX, "ps [--format table|json] ID [PS_ARGS...]"},
	{"features", "+:h", help_only, 0, 0, "features"},
	{"spec", "+:b:h", spec_options, 0, 0, "spec [--rootless] [--bundle DIR]"},
	/* The cgroup commands: their options are parsed by nsinit_cgroup_parse. */
	{"pause", "+:h", help_only, 1, 1, "pause ID"},
	{"resume", "+:h", help_only, 1, 1, "resume ID"},
	{"update", "+:h", help_only, 1, 1,
	 "update [--memory N] [--memory-reservation N] [--memory-swap N] [--cpu-shares N] "
	 "[--cpu-quota N] [--cpu-period N] [--cpu-rt-runtime N] [--cpu-rt-period N] "
	 "[--cpuset-cpus LIST] [--cpuset-mems LIST] [--pids-limit N] [--blkio-weight N] "
	 "[--resources FILE|-] ID"},
	{"events", "+:h", help_only, 1, 1, "events [--stats] [--interval DURATION] ID"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: nsinit [--root DIR] [--log FILE] [--log-format text|json] [--debug]\n"
		     "              [--systemd-cgroup] COMMAND [OPTIONS] [ARGS]\n"
		     "       nsinit --version | --help\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %s\n", commands[i].usage);
}

/* The last usage mistake: main also logs it, as engines show the --log file's last error. */
static char usage_msg[CT_ERR_MSG_MAX];

int nsinit_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(usage_msg, sizeof(usage_msg), fmt, ap);
	va_end(ap);
	ct_err_print("nsinit", "%s", usage_msg);
	return 2;
}

int nsinit_bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];
	char shortopt[3] = {'-', (char)optopt, '\0'};
	const char *name =
		strncmp(arg, "--", 2) == 0 || optopt <= 0 || optopt > 127 ? arg : shortopt;

	if (c == ':')
		return nsinit_usage_error("option '%s' requires an argument", name);
	return nsinit_usage_error("unrecognized option '%s'", name);
}

void nsinit_log_usage_error(const char *log_path, enum ct_log_format format)
{
	struct ct_err ignored;

	if (!log_path || !usage_msg[0] ||
	    ct_log_init("nsinit", log_path, format, CT_LOG_WARN, &ignored) < 0)
		return;
	ct_log(CT_LOG_ERROR, "%s", usage_msg);
	ct_log_close();
}

static int parse_global(int argc, char **argv, struct opts *o)
{
	int c;

	/* Our own messages, so each mistake is one line that can reach the log too. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", global_options, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			o->root = optarg;
			break;
		case OPT_LOG:
			o->log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (ct_log_parse_format(optarg, &o->log_format) < 0)
				return nsinit_usage_error(
					"invalid --log-format '%s': want text or json", optarg);
			break;
		case OPT_DEBUG:
			o->debug = true;
			break;
		case OPT_SYSTEMD_CGROUP:
			o->systemd_cgroup = true;
			break;
		case OPT_VERSION:
			printf("nsinit version %s\nspec: %s\n", NSINIT_VERSION, CT_OCI_VERSION);
			return 1;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			return 1;
		default:
			return nsinit_bad_option(c, argv);
		}
	}
	return 0;
}

static int parse_number(const char *text, int *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (!*text || *end || errno || v < 0 || v > INT_MAX / 2)
		return -1;
	*ret = (int)v;
	return 0;
}

static int parse_command_option(int c, struct opts *o)
{
	switch (c) {
	case 'b':
		o->bundle = optarg;
		break;
	case OPT_CONFIG:
		o->config = optarg;
		break;
	case OPT_PID_FILE:
		o->pid_file = optarg;
		break;
	case OPT_CONSOLE_SOCKET:
		o->console_socket = optarg;
		break;
	case OPT_NO_PIVOT:
		o->no_pivot = true;
		break;
	case OPT_NO_NEW_KEYRING:
		o->no_new_keyring = true;
		break;
	case OPT_PRESERVE_FDS:
		if (parse_number(optarg, &o->preserve_fds) < 0)
			return nsinit_usage_error("invalid --preserve-fds '%s'", optarg);
		break;
	case 'd':
		o->detach = true;
		break;
	case OPT_KEEP:
		o->keep = true;
		break;
	case 'a':
		o->all = true;
		break;
	case 'f':
		o->force = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	case OPT_ROOTLESS:
		o->rootless = true;
		break;
	case OPT_FORMAT:
		if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0)
			return nsinit_usage_error("invalid --format '%s': want table or json",
						  optarg);
		o->format_json = strcmp(optarg, "json") == 0;
		break;
	default:
		return 2;
	}
	return 0;
}

/* Returns 0 to go on, 1 to stop with success (help), 2 for a usage mistake. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	const struct command *cmd = NULL;
	int rc, c, nargs;

	o->root = CT_STATE_ROOT_DEFAULT;
	o->log_format = CT_LOG_TEXT;
	rc = parse_global(argc, argv, o);
	if (rc)
		return rc;
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	o->command = argv[optind];
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, o->command) == 0)
			cmd = &commands[i];
	if (!cmd)
		return nsinit_usage_error("unknown command '%s'; see 'nsinit --help'", o->command);

	argc -= optind;
	argv += optind;
	optind = 1;
	/* pause, resume, update and events parse their own options (cgroup_cmds.c). */
	if (strcmp(cmd->name, "pause") == 0 || strcmp(cmd->name, "resume") == 0 ||
	    strcmp(cmd->name, "update") == 0 || strcmp(cmd->name, "events") == 0)
		return nsinit_cgroup_parse(argc, argv, o);
	while ((c = getopt_long(argc, argv, cmd->short_opts, cmd->long_opts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: nsinit %s\n", cmd->usage);
			return 1;
		}
		if (c == '?' || c == ':')
			return nsinit_bad_option(c, argv);
		/* runc's list and ps spell --format -f; for delete, -f is --force. */
		if (c == 'f' && strstr(cmd->short_opts, "f:"))
			c = OPT_FORMAT;
		rc = parse_command_option(c, o);
		if (rc)
			return rc;
	}
	nargs = argc - optind;
	if (nargs < cmd->min_args || nargs > cmd->max_args)
		return nsinit_usage_error("usage: nsinit %s", cmd->usage);
	if (nargs >= 1)
		o->id = argv[optind];
	if (nargs >= 2 && strcmp(cmd->name, "ps") == 0) {
		/* runc hands whatever follows the id, options included, to ps(1). */
		o->ps_args = argv + optind + 1;
		o->n_ps_args = nargs - 1;
	} else if (nargs >= 2) {
		o->signal = argv[optind + 1];
	}

	return 0;
}

static int dispatch(const struct opts *o, int *ret_status, struct ct_err *err)
{
	static const struct {
		const char *name;
		int (*fn)(const struct opts *, struct ct_err *);
	} table[] = {
		{"create", cmd_create}, {"start", cmd_start},	    {"state", cmd_state},
		{"kill", cmd_kill},	{"delete", cmd_delete},	    {"list", cmd_list},
		{"ps", cmd_ps},		{"features", cmd_features}, {"spec", cmd_spec},
		{"pause", cmd_pause},	{"resume", cmd_resume},	    {"update", cmd_update},
		{"events", cmd_events},
	};

	*ret_status = 0;
	if (strcmp(o->command, "run") == 0)
		return cmd_run(o, ret_status, err);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, o->command) == 0)
			return table[i].fn(o, err);

	return ct_err_set(err, EINVAL, "unknown command '%s'", o->command);
}

void nsinit_hook_output(const char *path, const char *line)
{
	ct_log(CT_LOG_WARN, "hook '%s': %s", path, line);
}

static void report(const struct opts *o, const struct ct_err *err, bool id_ok)
{
	char text[CT_ERR_MSG_MAX + 128];
	char line[sizeof(text) + 1100];

	ct_err_str(err, text, sizeof(text));
	if (id_ok && o->id && strcmp(o->command, "spec") != 0 && strcmp(o->command, "list") != 0)
		snprintf(line, sizeof(line), "%.1030s: %s", o->id, text);
	else
		snprintf(line, sizeof(line), "%s", text);
	if (ct_log_has_file())
		ct_log(CT_LOG_ERROR, "%s", line);
	fprintf(stderr, "nsinit: %s\n", line);
}

/*
 * Started with stdin, stdout or stderr closed, the first descriptor we open would take its
 * number: run's signalfd would be read as the config of --config -, forever. /dev/null fills
 * the gap, as the container's stdio it is then.
 */
static void fill_stdio(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* Read-only: what is written to a closed stdout still fails, as it would have. */
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0 && null != fd) {
			dup2(null, fd);
			close(null);
		}
	}
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	struct ct_err err = {0};
	int rc, status;

	fill_stdio();

	/* exec takes runc exec's options and runs the join library (tools/nsinit/exec.c). */
	if (nsinit_exec_wanted(argc, argv))
		return nsinit_exec_main(argc, argv);
	rc = parse_args(argc, argv, &o);
	if (rc == 2)
		nsinit_log_usage_error(o.log_path, o.log_format);
	if (rc == 1 && ct_flush_stdout(&err) < 0) {
		report(&o, &err, false);
		return 1;
	}
	if (rc)
		return rc == 1 ? 0 : 2;
	if (ct_log_init("nsinit", o.log_path, o.log_format, o.debug ? CT_LOG_DEBUG : CT_LOG_WARN,
			&err) < 0) {
		report(&o, &err, true);
		return 1;
	}
	if (o.systemd_cgroup) {
		/* LIMITATION: cgroupfs only; fails with "systemd cgroup driver not supported". */
		ct_err_set(&err, ENOTSUP, "%s: systemd cgroup driver not supported", o.command);
		report(&o, &err, true);
		return 1;
	}
	/* Ids are checked before any path is built from them. */
	if (o.id && strcmp(o.command, "spec") != 0 && ct_state_check_id(o.id, &err) < 0) {
		report(&o, &err, false);
		return 1;
	}
	ct_log(CT_LOG_DEBUG, "%s %s", o.command, o.id ? o.id : "");

	if (dispatch(&o, &status, &err) < 0) {
		report(&o, &err, true);
		return 1;
	}
	/* state, list, ps and features print their answer: one that never arrived is no success. */
	if (ct_flush_stdout(&err) < 0) {
		ct_err_wrap(&err, "%s", o.command);
		report(&o, &err, true);
		return 1;
	}
	ct_log_close();

	/*
	 * stdio flushed, then _exit: no handler of ours or of our libraries is left for
	 * exit() to run, and its last step, .fini, sits at the far end of the text, where
	 * the kernel would map 64 KiB more of it into a run (make bench counts that).
	 */
	fflush(NULL);
	_exit(status);
}
