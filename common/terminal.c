/* SPDX-License-Identifier: Apache-2.0 */
/* Pseudo-terminals for containers: allocate, size, hand over, relay. */
#include "common/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/interrupt.h"
#include "common/sync.h"

int ct_terminal_open(const char *ptmx_path, int *ret_master, int *ret_slave, char *slave_path,
		     size_t size, struct ct_err *err)
{
	cleanup_close int master = open(ptmx_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	cleanup_close int slave = -1;
	unsigned int n = 0;
	int unlock = 0;

	if (master < 0)
		return ct_err_set(err, errno, "open '%s'", ptmx_path);
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return ct_err_set(err, errno, "unlock pty");
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return ct_err_set(err, errno, "get pty number");
	/* TIOCGPTPEER opens the slave of this very master, whatever /dev/pts is mounted. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return ct_err_set(err, errno, "open pty slave");
	snprintf(slave_path, size, "/dev/pts/%u", n);
	*ret_master = steal_fd(&master);
	*ret_slave = steal_fd(&slave);

	return 0;
}

int ct_terminal_set_size(int fd, unsigned rows, unsigned cols, struct ct_err *err)
{
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};

	if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
		return ct_err_set(err, errno, "set terminal size");
	return 0;
}

void ct_terminal_copy_size(int from, int to)
{
	struct winsize ws;

	/* A terminal that does not know its size (0x0) would only erase consoleSize. */
	if (ioctl(from, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		ioctl(to, TIOCSWINSZ, &ws);
}

int ct_terminal_make_controlling(int slave, struct ct_err *err)
{
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return ct_err_set(err, errno, "make the pty the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return ct_err_set(err, errno, "dup pty slave to %d", fd);

	return 0;
}

int ct_terminal_send_to_socket(const char *path, int fd, struct ct_err *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	cleanup_close int sock = -1;
	size_t len = strlen(path);

	if (len >= sizeof(addr.sun_path))
		return ct_err_set(err, ENAMETOOLONG, "console socket '%s'", path);
	memcpy(addr.sun_path, path, len + 1);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return ct_err_set(err, errno, "socket");
	if (ct_interrupt_connect(sock, (struct sockaddr *)&addr, sizeof(addr), err) < 0)
		return ct_err_wrap(err, "connect console socket '%s'", path);
	if (ct_send_fd(sock, fd, "/dev/ptmx", err) < 0)
		return ct_err_wrap(err, "console socket '%s'", path);

	return 0;
}

int ct_terminal_raw(int fd, struct termios *saved, struct ct_err *err)
{
	struct termios t;

	if (tcgetattr(fd, &t) < 0)
		return ct_err_set(err, errno, "get terminal attributes");
	*saved = t;
	cfmakeraw(&t);
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		return ct_err_set(err, errno, "set terminal raw");

	return 0;
}

void ct_terminal_restore(int fd, const struct termios *saved)
{
	tcsetattr(fd, TCSANOW, saved);
}
