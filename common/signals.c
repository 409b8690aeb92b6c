/* SPDX-License-Identifier: Apache-2.0 */
/* Signal names as `kill` takes them: TERM, SIGTERM, 15, RTMIN+3. */
#include "common/signals.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"

struct signal_name {
	const char *name;
	int sig;
};

static const struct signal_name signal_names[] = {
	{"HUP", SIGHUP},       {"INT", SIGINT},	    {"QUIT", SIGQUIT}, {"ILL", SIGILL},
	{"TRAP", SIGTRAP},     {"ABRT", SIGABRT},   {"IOT", SIGIOT},   {"BUS", SIGBUS},
	{"FPE", SIGFPE},       {"KILL", SIGKILL},   {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},
	{"USR2", SIGUSR2},     {"PIPE", SIGPIPE},   {"ALRM", SIGALRM}, {"TERM", SIGTERM},
	{"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CLD", SIGCHLD},  {"CONT", SIGCONT},
	{"STOP", SIGSTOP},     {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},
	{"URG", SIGURG},       {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
	{"PROF", SIGPROF},     {"WINCH", SIGWINCH}, {"IO", SIGIO},     {"POLL", SIGPOLL},
	{"PWR", SIGPWR},       {"SYS", SIGSYS},
};

static int parse_number(const char *text, int *ret)
{
	char *end;
	long v;

	/* Digits only: strtol alone would take " 9" and "+9". */
	if (!*text || strspn(text, "0123456789") != strlen(text))
		return -1;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || *end || v < 0 || v > 1000)
		return -1;
	*ret = (int)v;
	return 0;
}

/* RTMIN, RTMIN+N, RTMAX, RTMAX-N: the real-time signals have no fixed numbers in libc. */
static int parse_realtime(const char *name, int *ret)
{
	int off = 0;

	if (strncasecmp(name, "RTMIN", 5) == 0) {
		if (name[5] && (name[5] != '+' || parse_number(name + 6, &off) < 0))
			return -1;
		*ret = SIGRTMIN + off;
	} else if (strncasecmp(name, "RTMAX", 5) == 0) {
		if (name[5] && (name[5] != '-' || parse_number(name + 6, &off) < 0))
			return -1;
		*ret = SIGRTMAX - off;
	} else {
		return -1;
	}
	return (*ret >= SIGRTMIN && *ret <= SIGRTMAX) ? 0 : -1;
}

int ct_signal_parse(const char *text, int *ret_sig, struct ct_err *err)
{
	const char *name = text;
	int sig;

	if (!text || !*text)
		return ct_err_set(err, 0, "unknown signal ''");
	if (parse_number(text, &sig) == 0) {
		/* 0, as kill(2) takes it: no signal, only the check that the init is there. */
		if (sig > SIGRTMAX)
			return ct_err_set(err, 0, "unknown signal '%s'", text);
		*ret_sig = sig;
		return 0;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++) {
		if (strcasecmp(name, signal_names[i].name) == 0) {
			*ret_sig = signal_names[i].sig;
			return 0;
		}
	}
	if (parse_realtime(name, &sig) == 0) {
		*ret_sig = sig;
		return 0;
	}

	return ct_err_set(err, 0, "unknown signal '%.64s'", text);
}

const char *ct_signal_name(int sig)
{
	static const char *const full[] = {
		[SIGHUP] = "SIGHUP",	   [SIGINT] = "SIGINT",	      [SIGQUIT] = "SIGQUIT",
		[SIGILL] = "SIGILL",	   [SIGTRAP] = "SIGTRAP",     [SIGABRT] = "SIGABRT",
		[SIGBUS] = "SIGBUS",	   [SIGFPE] = "SIGFPE",	      [SIGKILL] = "SIGKILL",
		[SIGUSR1] = "SIGUSR1",	   [SIGSEGV] = "SIGSEGV",     [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE",	   [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM",
		[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD",     [SIGCONT] = "SIGCONT",
		[SIGSTOP] = "SIGSTOP",	   [SIGTSTP] = "SIGTSTP",     [SIGTTIN] = "SIGTTIN",
		[SIGTTOU] = "SIGTTOU",	   [SIGURG] = "SIGURG",	      [SIGXCPU] = "SIGXCPU",
		[SIGXFSZ] = "SIGXFSZ",	   [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
		[SIGWINCH] = "SIGWINCH",   [SIGIO] = "SIGIO",	      [SIGPWR] = "SIGPWR",
		[SIGSYS] = "SIGSYS",
	};

	if (sig <= 0 || (size_t)sig >= sizeof(full) / sizeof(full[0]))
		return NULL;
	return full[sig];
}
