/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signals that end a runtime command while it sets a container up. Held and read through a
 * signalfd, so that every wait of the setup (the init's messages, a hook) can give way to a
 * TERM or a Ctrl-C and then undo what was built, where a default death would leave the
 * init's cgroups, a running hook and the state directory behind.
 */
#pragma once

#include <signal.h>
#include <sys/socket.h>

#include "common/err.h"

/*
 * Holds SIGTERM, SIGINT, SIGHUP and SIGQUIT (those not ignored, as under nohup) for the
 * calling process and opens the descriptor that reports them; *ret_old receives the
 * previous signal mask for ct_interrupt_release.
 */
int ct_interrupt_hold(sigset_t *ret_old, struct ct_err *err);

/*
 * Closes the descriptor and restores the mask. A held signal still pending is taken first:
 * then -1 with err filled ("interrupted by SIGTERM") and the signals stay held, as after any
 * interruption: the command is ending, and main must still report why.
 */
int ct_interrupt_release(const sigset_t *old, struct ct_err *err);

/*
 * The descriptor to poll beside what a wait waits for, or -1: none is held, or the caller is
 * a child (the container's init, a hook) that inherited it and must not read our signals.
 */
int ct_interrupt_fd(void);

/* When a held signal is pending: takes it, fills err ("interrupted by SIGTERM"), returns -1. */
int ct_interrupt_check(struct ct_err *err);

/* The signal that interrupted the setup, or 0. */
int ct_interrupt_signal(void);

/*
 * Waits until fd is readable (or hung up), or a held signal comes: 0, or -1 with err filled.
 */
int ct_interrupt_wait_readable(int fd, struct ct_err *err);

/*
 * connect(2) that a held signal ends (err: "interrupted by SIGTERM"), for sockets whose
 * listener may never accept. Any other failure: err has connect's errno and no text, for the
 * caller's wrap to name the socket.
 */
int ct_interrupt_connect(int sock, const struct sockaddr *addr, socklen_t len, struct ct_err *err);
