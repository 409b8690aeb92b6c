/* SPDX-License-Identifier: Apache-2.0 */
/* Waiting for a joined program: signals passed on, its terminal relayed, its fate passed back. */
#include "common/join.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/join_priv.h"
#include "common/terminal.h"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

struct relay {
	int master; /* -1 when there is no terminal */
	bool in_open;
	bool out_open;
};

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* One chunk from -> to; false at end of input (EIO is how a pty says its slave closed). */
static bool copy_once(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	write_all(to, buf, (size_t)n);

	return true;
}

/* Returns true once pid has ended, with *wstatus set. */
static bool reap(pid_t pid, int *wstatus)
{
	pid_t r = waitpid(pid, wstatus, WNOHANG | WUNTRACED);

	if (r != pid)
		return false;
	if (WIFSTOPPED(*wstatus)) {
		/* It was stopped as a job: stop too, and carry it on when we are continued. */
		kill(getpid(), SIGSTOP);
		kill(pid, SIGCONT);
		return false;
	}

	return true;
}

static void on_signal(int sfd, pid_t pid, bool forward, struct relay *r)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		if (si.ssi_signo == SIGWINCH && r->master >= 0)
			ct_terminal_copy_size(STDIN_FILENO, r->master);
		else if (forward)
			kill(pid, (int)si.ssi_signo);
	}
}

static int wait_loop(pid_t pid, bool forward, int sfd, struct relay *r, int *wstatus)
{
	for (;;) {
		struct pollfd p[3] = {
			{.fd = sfd, .events = POLLIN},
			{.fd = r->out_open ? r->master : -1, .events = POLLIN},
			{.fd = r->in_open ? STDIN_FILENO : -1, .events = POLLIN},
		};

		if (reap(pid, wstatus)) {
			/* Whatever it wrote before it ended is still in the pty. */
			while (r->out_open && copy_once(r->master, STDOUT_FILENO))
				;
			return 0;
		}
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p[0].revents)
			on_signal(sfd, pid, forward, r);
		if (p[1].revents && !copy_once(r->master, STDOUT_FILENO))
			r->out_open = false;
		if (p[2].revents && !copy_once(STDIN_FILENO, r->master))
			r->in_open = false;
	}
}

int join_block_forwarded(sigset_t *ret_old, struct ct_err *err)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&mask, forwarded[i]);
	if (sigprocmask(SIG_BLOCK, &mask, ret_old) < 0)
		return ct_err_set(err, errno, "block signals");

	return 0;
}

int ct_join_wait(pid_t pid, bool forward_signals, int master, int *ret_wstatus, struct ct_err *err)
{
	struct relay r = {.master = master, .in_open = master >= 0, .out_open = master >= 0};
	struct termios saved;
	struct ct_err ignored;
	bool is_raw = false;
	sigset_t mask, old;
	cleanup_close int sfd = -1;
	int wstatus = 0;
	int rc;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	for (size_t i = 0; forward_signals && i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&mask, forwarded[i]);
	if (master >= 0)
		sigaddset(&mask, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0)
		return ct_err_set(err, errno, "block signals");
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		rc = ct_err_set(err, errno, "signalfd");
		goto restore_mask;
	}
	if (master >= 0) {
		fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
		ct_terminal_copy_size(STDIN_FILENO, master);
		is_raw = isatty(STDIN_FILENO) &&
			 ct_terminal_raw(STDIN_FILENO, &saved, &ignored) == 0;
	}
	rc = wait_loop(pid, forward_signals, sfd, &r, &wstatus);
	if (rc < 0)
		ct_err_set(err, errno, "wait for process %d", (int)pid);
	if (is_raw)
		ct_terminal_restore(STDIN_FILENO, &saved);
	if (rc == 0)
		*ret_wstatus = wstatus;
restore_mask:
	sigprocmask(SIG_SETMASK, &old, NULL);

	return rc;
}

int ct_join_raise(int sig)
{
	struct rlimit no_core = {0, 0};
	sigset_t set;

	/* Its core file, if any, was written already; ours would only mislead. */
	setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	kill(getpid(), sig);

	return 128 + sig;
}
