/* SPDX-License-Identifier: Apache-2.0 */
/* nsinit run: create and start, then in the foreground relay signals and the tty, reap, delete. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/err.h"
#include "common/interrupt.h"
#include "common/log.h"
#include "common/spec.h"
#include "common/state.h"
#include "common/terminal.h"

#include "tools/nsinit/nsinit.h"

struct relay {
	int sfd;
	int master; /* -1 without a terminal */
	bool stdin_open;
	pid_t init;
	int status;
	bool exited;
};

/* Everything a user can send is forwarded; faults stay ours. */
static void forwarded_signals(sigset_t *set)
{
	sigfillset(set);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGTRAP);
	sigdelset(set, SIGABRT);
	sigdelset(set, SIGSYS);
}

static void write_all(int fd, const char *buf, ssize_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, (size_t)len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

/* Returns false once the master has nothing more (EOF or EIO after the last close). */
static bool copy_once(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	write_all(to, buf, n);
	return true;
}

static void reap(struct relay *r)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == r->init) {
			r->status = status;
			r->exited = true;
		}
	}
}

static void handle_signal(struct relay *r)
{
	struct signalfd_siginfo si;

	if (read(r->sfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGCHLD)
		reap(r);
	else if (si.ssi_signo == SIGWINCH && r->master >= 0)
		ct_terminal_copy_size(STDIN_FILENO, r->master);
	else if (!r->exited)
		kill(r->init, (int)si.ssi_signo);
}

static void relay_loop(struct relay *r)
{
	reap(r);
	while (!r->exited) {
		struct pollfd p[3] = {
			{.fd = r->sfd, .events = POLLIN},
			{.fd = r->master, .events = POLLIN},
			{.fd = r->master >= 0 && r->stdin_open ? STDIN_FILENO : -1,
			 .events = POLLIN},
		};

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN)
			handle_signal(r);
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR) &&
		    !copy_once(r->master, STDOUT_FILENO))
			r->master = -1 - r->master; /* keep the fd for the drain, stop polling it */
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR) &&
		    !copy_once(STDIN_FILENO, p[1].fd))
			r->stdin_open = false;
	}
	if (r->master < -1)
		r->master = -1 - r->master;
	/* What the process wrote just before exiting is still in the pty. */
	if (r->master >= 0) {
		fcntl(r->master, F_SETFL, O_NONBLOCK);
		while (copy_once(r->master, STDOUT_FILENO))
			if (poll(&(struct pollfd){.fd = r->master, .events = POLLIN}, 1, 0) <= 0)
				break;
	}
}

static int exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void finish(const struct opts *o, struct launch *l)
{
	struct ct_err err = {0};
	char text[CT_ERR_MSG_MAX + 64];

	if (o->keep)
		return;
	if (ct_state_lock(l->dirfd, &l->lockfd, &err) < 0 ||
	    nsinit_destroy(o, l->dirfd, &l->rec, l->spec, &err) < 0)
		ct_log(CT_LOG_WARN, "%s: delete: %s, ignoring", o->id,
		       ct_err_str(&err, text, sizeof(text)));
}

int cmd_run(const struct opts *o, int *ret_status, struct ct_err *err)
{
	struct relay r = {.master = -1, .stdin_open = true};
	struct termios saved;
	bool raw = false;
	sigset_t set, old, held;
	struct ct_err ignored;
	struct launch l;

	/* Read before signals are held for the container: a --config - that never ends must
	 * still give way to Ctrl-C or a TERM. */
	if (nsinit_load(o, &l, err) < 0) {
		nsinit_launch_release(&l);
		return ct_err_wrap(err, "run");
	}
	forwarded_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	r.sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (r.sfd < 0) {
		nsinit_launch_release(&l);
		return ct_err_set(err, errno, "run: signalfd");
	}
	/*
	 * Until the container's process runs, a TERM or Ctrl-C undoes what was made (the
	 * waits on the init and on hooks give way to it); from then on it is forwarded.
	 */
	if (ct_interrupt_hold(&held, err) < 0) {
		nsinit_launch_release(&l);
		close(r.sfd);
		return ct_err_wrap(err, "run");
	}
	if (nsinit_create_loaded(o, true, &l, err) < 0) {
		ct_interrupt_release(&held, &ignored);
		nsinit_launch_release(&l);
		close(r.sfd);
		return ct_err_wrap(err, "run");
	}
	if (nsinit_start_launched(o, &l, err) < 0) {
		kill(l.rec.pid, SIGKILL);
		waitpid(l.rec.pid, NULL, 0);
		nsinit_destroy(o, l.dirfd, &l.rec, l.spec, &ignored);
		ct_interrupt_release(&held, &ignored);
		nsinit_launch_release(&l);
		close(r.sfd);
		return ct_err_wrap(err, "run");
	}
	/* One that cut a poststart hook short, or came since, was meant for the container,
	 * which runs. */
	ct_interrupt_release(&held, &ignored);
	if (ct_interrupt_signal())
		kill(l.rec.pid, ct_interrupt_signal());
	/* Others (kill, state, ps) need the lock while it runs. */
	close(l.lockfd);
	l.lockfd = -1;
	if (o->detach) {
		nsinit_launch_release(&l);
		close(r.sfd);
		return 0;
	}

	r.init = l.rec.pid;
	r.master = l.pty_master;
	if (r.master >= 0 && isatty(STDIN_FILENO))
		raw = ct_terminal_raw(STDIN_FILENO, &saved, err) == 0;
	relay_loop(&r);
	if (raw)
		ct_terminal_restore(STDIN_FILENO, &saved);
	*ret_status = exit_code(r.status);
	ct_log(CT_LOG_DEBUG, "%s: exited, status %d", o->id, *ret_status);
	finish(o, &l);
	ct_log(CT_LOG_DEBUG, "%s: deleted", o->id);
	nsinit_launch_release(&l);
	close(r.sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);

	return 0;
}
