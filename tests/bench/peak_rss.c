/* SPDX-License-Identifier: Apache-2.0 */
/*
 * peak-rss -o FILE CMD [ARG...]: runs CMD and writes the peak RSS of CMD's own
 * process in KiB (VmHWM, read as it exits) to FILE, then exits with CMD's status.
 *
 * GNU time reports the largest of CMD and every child it waited for. A runtime waits
 * for its container, so that number is the container's program whenever the program
 * is the larger: a busybox /bin/true outweighs nsinit. Here the runtime is traced
 * with PTRACE_O_TRACEEXIT, so it stops as it exits with its memory still mapped,
 * and its children are not traced at all.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static long read_hwm_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmHWM:", 6) == 0) {
			kib = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);

	return kib;
}

int main(int argc, char **argv)
{
	long hwm = -1;
	int status;
	FILE *out;
	pid_t pid;

	if (argc < 4 || strcmp(argv[1], "-o") != 0) {
		fprintf(stderr, "usage: peak-rss -o FILE CMD [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("peak-rss: fork");
		return 1;
	}
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
			perror("peak-rss: ptrace TRACEME");
			_exit(127);
		}
		/* Stopped here until the parent has set the options. */
		raise(SIGSTOP);
		execvp(argv[3], argv + 3);
		fprintf(stderr, "peak-rss: exec '%s': %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status)) {
		fprintf(stderr, "peak-rss: child did not stop\n");
		return 1;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) < 0) {
		perror("peak-rss: ptrace SETOPTIONS");
		kill(pid, SIGKILL);
		return 1;
	}
	for (int sig = 0;;) {
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig) < 0 && errno != ESRCH)
			perror("peak-rss: ptrace CONT");
		if (waitpid(pid, &status, 0) < 0) {
			perror("peak-rss: waitpid");
			return 1;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		sig = 0;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8)))
			hwm = read_hwm_kib(pid);
		else if (WIFSTOPPED(status) && status >> 16 == 0)
			sig = WSTOPSIG(
				status); /* a signal for CMD, not the exec event: hand it on */
	}
	if (hwm < 0) {
		fprintf(stderr, "peak-rss: no VmHWM read at exit\n");
		return 1;
	}
	out = fopen(argv[2], "we");
	if (!out || fprintf(out, "%ld\n", hwm) < 0 || fclose(out) == EOF) {
		fprintf(stderr, "peak-rss: write '%s': %s\n", argv[2], strerror(errno));
		return 1;
	}

	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
