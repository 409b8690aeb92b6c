/* SPDX-License-Identifier: Apache-2.0 */
/* TERM, INT, HUP and QUIT held during a container's setup and read through a signalfd. */
#include "common/interrupt.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* One per process: signals are. owner tells a forked or cloned child from us. */
static int held_fd = -1;
static pid_t owner;
static int caught;

/* Those not ignored: a signal blocked is queued even if ignored, and nohup must still work. */
static void interrupt_set(sigset_t *set)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
	struct sigaction sa;

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &sa) < 0 || sa.sa_handler != SIG_IGN)
			sigaddset(set, sigs[i]);
}

int ct_interrupt_hold(sigset_t *ret_old, struct ct_err *err)
{
	sigset_t set;
	int fd;

	interrupt_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, ret_old) < 0)
		return ct_err_set(err, errno, "hold signals");
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0) {
		int saved = errno;

		sigprocmask(SIG_SETMASK, ret_old, NULL);
		return ct_err_set(err, saved, "signalfd");
	}
	held_fd = fd;
	owner = getpid();

	return 0;
}

int ct_interrupt_release(const sigset_t *old, struct ct_err *err)
{
	int rc;

	if (held_fd < 0 || owner != getpid())
		return 0;
	/* A last look: one that came after the last wait would else end us unreported. */
	rc = caught ? -1 : ct_interrupt_check(err);
	close(held_fd);
	held_fd = -1;
	/* Interrupted, the command is failing: a second signal must not end it before main
	 * has reported the first. */
	if (rc == 0)
		sigprocmask(SIG_SETMASK, old, NULL);

	return rc;
}

int ct_interrupt_fd(void)
{
	if (held_fd < 0 || owner != getpid())
		return -1;
	return held_fd;
}

int ct_interrupt_check(struct ct_err *err)
{
	struct signalfd_siginfo si;
	int fd = ct_interrupt_fd();

	if (fd < 0)
		return 0;
	if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	caught = (int)si.ssi_signo;

	return ct_err_set(err, 0, "interrupted by SIG%s", sigabbrev_np(caught));
}

int ct_interrupt_signal(void)
{
	return caught;
}

int ct_interrupt_wait_readable(int fd, struct ct_err *err)
{
	struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN}, {.fd = -1, .events = POLLIN}};

	pfd[1].fd = ct_interrupt_fd();
	if (pfd[1].fd < 0)
		return 0;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return ct_err_set(err, errno, "poll");
		}
		/* A message that came with the signal is left for the caller to read next time. */
		if (pfd[1].revents && ct_interrupt_check(err) < 0)
			return -1;
		if (pfd[0].revents)
			return 0;
	}
}

int ct_interrupt_connect(int sock, const struct sockaddr *addr, socklen_t len, struct ct_err *err)
{
	struct timeval slice = {.tv_usec = 100000}, none = {0};
	bool sliced = ct_interrupt_fd() >= 0;
	int rc;

	/*
	 * A listener that never accepts, its queue full, holds a blocking connect for good,
	 * and a held signal cannot break it: while signals are held it waits in slices,
	 * between which a held signal is looked for.
	 */
	if (sliced && setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &slice, sizeof(slice)) < 0)
		return ct_err_set(err, errno, "%s", "");
	for (;;) {
		rc = connect(sock, addr, len);
		if (rc == 0 || (errno != EINTR && !(sliced && errno == EAGAIN)))
			break;
		if (ct_interrupt_check(err) < 0)
			return -1;
	}
	if (rc < 0)
		return ct_err_set(err, errno, "%s", "");
	if (sliced && setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none)) < 0)
		return ct_err_set(err, errno, "%s", "");

	return 0;
}
