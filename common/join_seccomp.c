/* SPDX-License-Identifier: Apache-2.0 */
/* A cache of compiled seccomp filters, so joining a container does not recompile its filter each
 * time. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <seccomp.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/join_priv.h"
#include "common/seccomp.h"
#include "common/spec.h"

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

#define CACHE_MAGIC "ctbpf1\n"

struct cache_header {
	char magic[8];
	uint32_t flags;
	uint32_t len;
};

static void hash_bytes(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ULL;
	}
}

static void hash_str(uint64_t *h, const char *s)
{
	hash_bytes(h, s ? s : "\x01", s ? strlen(s) + 1 : 1);
}

/*
 * FNV-1a over every field that shapes the filter, plus what shapes
 * libseccomp's output: its version and the kernel it ran on.
 */
static uint64_t filter_key(const struct ct_seccomp *sc)
{
	const struct scmp_version *v = seccomp_version();
	uint64_t h = 0xcbf29ce484222325ULL;
	struct utsname u;

	if (v)
		hash_bytes(&h, v, sizeof(*v));
	if (uname(&u) == 0)
		hash_str(&h, u.release);
	hash_str(&h, sc->default_action);
	hash_bytes(&h, &sc->default_errno_ret, sizeof(sc->default_errno_ret));
	hash_bytes(&h, &sc->has_default_errno_ret, sizeof(sc->has_default_errno_ret));
	for (size_t i = 0; i < sc->architectures.n; i++)
		hash_str(&h, sc->architectures.v[i]);
	hash_str(&h, "--flags");
	for (size_t i = 0; i < sc->flags.n; i++)
		hash_str(&h, sc->flags.v[i]);
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct ct_seccomp_syscall *s = &sc->syscalls[i];

		hash_str(&h, "--syscall");
		for (size_t j = 0; j < s->names.n; j++)
			hash_str(&h, s->names.v[j]);
		hash_str(&h, s->action);
		hash_bytes(&h, &s->has_errno_ret, sizeof(s->has_errno_ret));
		hash_bytes(&h, &s->errno_ret, sizeof(s->errno_ret));
		for (size_t j = 0; j < s->n_args; j++) {
			hash_bytes(&h, &s->args[j].index, sizeof(s->args[j].index));
			hash_bytes(&h, &s->args[j].value, sizeof(s->args[j].value));
			hash_bytes(&h, &s->args[j].has_value_two, sizeof(s->args[j].has_value_two));
			hash_bytes(&h, &s->args[j].value_two, sizeof(s->args[j].value_two));
			hash_str(&h, s->args[j].op);
		}
	}

	return h;
}

/*
 * The kernel flags the spec's names stand for. Returns -1 for a filter the
 * cache does not serve: notify rules or a listener (their fd comes from the
 * load itself) and flags it does not know.
 */
static int kernel_flags(const struct ct_seccomp *sc, unsigned *ret)
{
	unsigned flags = 0;

	if (sc->listener_path)
		return -1;
	for (size_t i = 0; i < sc->n_syscalls; i++)
		if (sc->syscalls[i].action &&
		    strcmp(sc->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0)
			return -1;
	for (size_t i = 0; i < sc->flags.n; i++) {
		if (strcmp(sc->flags.v[i], "SECCOMP_FILTER_FLAG_LOG") == 0)
			flags |= SECCOMP_FILTER_FLAG_LOG;
		else if (strcmp(sc->flags.v[i], "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
			flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		else if (strcmp(sc->flags.v[i], "SECCOMP_FILTER_FLAG_TSYNC") != 0)
			return -1;
	}
	*ret = flags;

	return 0;
}

static bool has_filter(pid_t pid)
{
	char path[64], buf[4096];
	cleanup_close int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';

	return strstr(buf, "\nSeccomp:\t2") != NULL;
}

/* Reads the newest filter of a stopped tracee back from the kernel. */
static int read_filter(pid_t pid, struct join_bpf *ret, struct ct_err *err)
{
	long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, NULL);

	if (n <= 0 || n > BPF_MAXINSNS)
		return ct_err_set(err, n < 0 ? errno : EINVAL, "read back the seccomp filter");
	ret->prog = calloc((size_t)n, sizeof(*ret->prog));
	if (!ret->prog)
		return ct_err_set(err, ENOMEM, "read back the seccomp filter");
	if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, ret->prog) != n) {
		free(ret->prog);
		ret->prog = NULL;
		return ct_err_set(err, errno, "read back the seccomp filter");
	}
	ret->len = (size_t)n;

	return 0;
}

/*
 * Compiles the filter the one way the project has (ct_seccomp_load) in a
 * throw-away child, then reads the kernel's copy back through ptrace: the
 * exact program, without a second compiler of our own.
 */
static int capture_filter(const struct ct_seccomp *sc, struct join_bpf *ret, struct ct_err *err)
{
	struct timespec pause = {0, 200000};
	int status, rc = -1;
	pid_t pid = fork();

	if (pid < 0)
		return ct_err_set(err, errno, "fork");
	if (pid == 0) {
		struct ct_err ignored;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    ct_seccomp_load(sc, NULL, NULL, &ignored) < 0)
			_exit(1);
		/* No syscall from here: the filter may refuse any of them. */
		for (;;)
			__asm__ volatile("" ::: "memory");
	}
	for (int i = 0; i < 10000 && !has_filter(pid); i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			ct_err_set(err, 0, "build the seccomp filter");
			return -1;
		}
		nanosleep(&pause, NULL);
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0 || ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0)
		ct_err_set(err, errno, "ptrace the filter builder");
	else if (waitpid(pid, &status, __WALL) == pid && WIFSTOPPED(status))
		rc = read_filter(pid, ret, err);
	else
		ct_err_set(err, errno, "stop the filter builder");
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;

	return rc;
}

static int read_cache(int fd, struct join_bpf *ret)
{
	struct cache_header h;
	size_t size;

	if (read(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) || memcmp(h.magic, CACHE_MAGIC, 8) != 0 ||
	    h.len == 0 || h.len > BPF_MAXINSNS)
		return -1;
	size = h.len * sizeof(*ret->prog);
	ret->prog = malloc(size);
	if (!ret->prog || read(fd, ret->prog, size) != (ssize_t)size) {
		free(ret->prog);
		ret->prog = NULL;
		return -1;
	}
	ret->len = h.len;

	return 0;
}

/* Written under a temporary name and renamed: a reader sees all of it or nothing. */
static void write_cache(int dirfd, const char *name, const struct join_bpf *bpf)
{
	struct cache_header h = {
		.magic = CACHE_MAGIC, .flags = bpf->flags, .len = (uint32_t)bpf->len};
	char tmp[64];
	cleanup_close int fd = -1;
	size_t size = bpf->len * sizeof(*bpf->prog);

	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    write(fd, bpf->prog, size) != (ssize_t)size || renameat(dirfd, tmp, dirfd, name) < 0)
		unlinkat(dirfd, tmp, 0);
}

void join_seccomp_prepare(const char *cache_dir, const struct ct_seccomp *sc, struct join_bpf *ret)
{
	cleanup_close int dirfd = -1;
	cleanup_close int fd = -1;
	struct ct_err ignored;
	char name[32];

	memset(ret, 0, sizeof(*ret));
	if (!sc || !cache_dir || kernel_flags(sc, &ret->flags) < 0)
		return;
	snprintf(name, sizeof(name), "%016llx.bpf", (unsigned long long)filter_key(sc));
	if (mkdir(cache_dir, 0700) < 0 && errno != EEXIST)
		return;
	dirfd = open(cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0)
		return;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && read_cache(fd, ret) == 0)
		return;
	/* A filter that does not build fails again, with its reason, in the joining child. */
	if (capture_filter(sc, ret, &ignored) < 0)
		return;
	write_cache(dirfd, name, ret);
}

int join_seccomp_load_bpf(const struct join_bpf *bpf, struct ct_err *err)
{
	struct sock_fprog prog = {.len = (unsigned short)bpf->len, .filter = bpf->prog};

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, bpf->flags, &prog) < 0)
		return ct_err_set(err, errno, "load seccomp filter");
	return 0;
}
