/* SPDX-License-Identifier: Apache-2.0 */
/* Pseudo-terminals for containers: allocate, size, hand over, relay. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

struct ct_err;

/*
 * Opens a new pty from ptmx_path ("/dev/ptmx" of the current root) and its
 * slave (both O_CLOEXEC, slave without becoming our controlling tty).
 * The slave's path goes into slave_path.
 */
int ct_terminal_open(const char *ptmx_path, int *ret_master, int *ret_slave, char *slave_path,
		     size_t size, struct ct_err *err);

/* TIOCSWINSZ with rows and columns. */
int ct_terminal_set_size(int fd, unsigned rows, unsigned cols, struct ct_err *err);

/* Copies the window size of from to to (ignored when from is not a tty). */
void ct_terminal_copy_size(int from, int to);

/* Makes fd stdio of this process and its controlling terminal (after setsid). */
int ct_terminal_make_controlling(int slave, struct ct_err *err);

/* Connects to the unix socket at path and sends fd with the payload "/dev/ptmx" (as runc). */
int ct_terminal_send_to_socket(const char *path, int fd, struct ct_err *err);

/* Raw mode on fd; the old settings go to *saved. Fails with ENOTTY when fd is no tty. */
int ct_terminal_raw(int fd, struct termios *saved, struct ct_err *err);

void ct_terminal_restore(int fd, const struct termios *saved);
