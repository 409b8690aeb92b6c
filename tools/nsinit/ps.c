/* SPDX-License-Identifier: Apache-2.0 */
/* ps with ps(1) arguments: runs ps(1) and keeps its header and the container's rows. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"

#include "tools/nsinit/nsinit.h"

/* stdout and stderr of ps(1) together, as a failing ps(1) explains itself on stderr. */
static int read_ps_output(char *const *argv, char **ret_text, int *ret_status, struct ct_err *err)
{
	cleanup_free char *text = NULL;
	cleanup_fclose FILE *out = NULL;
	size_t len = 0;
	char buf[4096];
	int fds[2], status;
	ssize_t r;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return ct_err_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return ct_err_set(err, errno, "fork");
	}
	if (pid == 0) {
		/* dup2 clears close-on-exec on the copies, so only stdout and stderr stay open. */
		if (dup2(fds[1], STDOUT_FILENO) < 0 || dup2(fds[1], STDERR_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "execute '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	out = open_memstream(&text, &len);
	while (out && ((r = read(fds[0], buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			fwrite(buf, 1, (size_t)r, out);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!out || fclose(steal_ptr(&out)) != 0)
		return ct_err_set(err, ENOMEM, "read the output of ps(1)");

	*ret_status = status;
	*ret_text = steal_ptr(&text);
	return 0;
}

/* The index of the PID column in ps(1)'s header, or -1. */
static int pid_column(const char *header)
{
	int col = 0;

	for (const char *p = header + strspn(header, " \t"); *p; col++) {
		size_t n = strcspn(p, " \t");

		if (n == 3 && strncmp(p, "PID", 3) == 0)
			return col;
		p += n;
		p += strspn(p, " \t");
	}
	return -1;
}

/* The pid in column col of a ps(1) row; -1 when that field is missing or not a number. */
static long row_pid(const char *line, int col)
{
	const char *p = line + strspn(line, " \t");
	char *end;
	long pid;

	for (int i = 0; i < col && *p; i++) {
		p += strcspn(p, " \t");
		p += strspn(p, " \t");
	}
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	pid = strtol(p, &end, 10);
	if (errno || (*end && *end != ' ' && *end != '\t'))
		return -1;
	return pid;
}

static bool is_listed(long pid, const pid_t *pids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/*
 * The header and the rows kept, in rows (room for one per line of text), checked before
 * any is printed, so a failure prints nothing.
 */
static int filter_rows(char *text, const pid_t *pids, size_t n, char **rows, size_t *ret_n,
		       struct ct_err *err)
{
	char *line, *save = NULL;
	size_t kept = 0;
	int col;

	line = strtok_r(text, "\n", &save);
	if (!line || (col = pid_column(line)) < 0)
		return ct_err_set(err, 0, "no PID column in the output of ps(1)");
	rows[kept++] = line;
	while ((line = strtok_r(NULL, "\n", &save))) {
		long pid = row_pid(line, col);

		if (pid < 0)
			return ct_err_set(err, 0, "no pid in column %d of ps(1) row '%.200s'",
					  col + 1, line);
		if (is_listed(pid, pids, n))
			rows[kept++] = line;
	}
	*ret_n = kept;
	return 0;
}

static int print_rows(char *text, const pid_t *pids, size_t n, struct ct_err *err)
{
	size_t max = 1, n_rows = 0;
	char **rows;
	int rc;

	for (const char *p = text; (p = strchr(p, '\n')); p++)
		max++;
	rows = calloc(max, sizeof(*rows));
	if (!rows)
		return ct_err_set(err, ENOMEM, "filter the output of ps(1)");
	rc = filter_rows(text, pids, n, rows, &n_rows, err);
	for (size_t i = 0; rc == 0 && i < n_rows; i++)
		puts(rows[i]);
	/* Freed by hand: the analyzers cannot follow a cleanup attribute here. */
	free(rows);

	return rc;
}

int nsinit_ps_table(char *const *args, int n_args, const pid_t *pids, size_t n, struct ct_err *err)
{
	char **argv = calloc((size_t)n_args + 2, sizeof(*argv));
	char *text = NULL;
	int status = 0, rc;

	if (!argv)
		return ct_err_set(err, ENOMEM, "run ps(1)");
	argv[0] = "ps";
	memcpy(argv + 1, args, (size_t)n_args * sizeof(*argv));
	rc = read_ps_output(argv, &text, &status, err);
	free(argv);
	if (rc < 0 || !text)
		return ct_err_wrap(err, "run ps(1)");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		size_t skip = strspn(text, "\n");

		rc = ct_err_set(err, 0, "ps(1) exited with status %d: %.*s",
				WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
				(int)strcspn(text + skip, "\n"), text + skip);
	} else {
		rc = print_rows(text, pids, n, err);
	}
	free(text);

	return rc;
}
