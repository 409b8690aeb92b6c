/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The harness of the rootfs unit tests: each test runs in a forked child in its
 * own mount namespace, on a scratch rootfs under /tmp, and reports one TAP line.
 */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/magic.h>
#include <pty.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/devices.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/mount.h"
#include "common/pathres.h"
#include "common/rootfs.h"
#include "common/spec.h"
#include "tests/unit/tap.h"

/* Per test: scratch/rootfs is the container's root, scratch/host stands for the host's files. */
static char scratch[64];
static char rootfs[128];
static char host[128];

/* Where a failing check in the child explains itself; the parent prints it as a TAP comment. */
static char why[2048];

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			snprintf(why, sizeof(why), __VA_ARGS__);                                   \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)

#define CHECK_OK(call, err)                                                                        \
	do {                                                                                       \
		if ((call) < 0) {                                                                  \
			char buf_[700];                                                            \
			snprintf(why, sizeof(why), "%s: %s", #call,                                \
				 ct_err_str(err, buf_, sizeof(buf_)));                             \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)

/* The spec parser already said why in why[]. */
#define CHECK_SPEC(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			if (!why[0])                                                               \
				snprintf(why, sizeof(why), "spec refused");                        \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)

static inline struct ct_spec *spec_from(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline struct ct_spec *spec_from(const char *fmt, ...)
{
	struct ct_diags d = {0};
	cleanup_free char *text = NULL;
	cleanup_json json_t *doc = NULL;
	struct ct_spec *spec = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	doc = ct_json_parse(text, strlen(text), &d);
	if (doc)
		spec = ct_spec_from_json(doc, &d);
	if (!spec && d.count)
		snprintf(why, sizeof(why), "spec: %s: %s", d.items[0].pointer, d.items[0].msg);
	ct_diags_free(&d);

	return spec;
}

static inline void spec_freep(struct ct_spec **s)
{
	ct_spec_free(*s);
}

#define cleanup_spec __attribute__((cleanup(spec_freep)))

static inline int mkdirs(const char *base, const char *const *dirs)
{
	char p[512];

	for (; *dirs; dirs++) {
		snprintf(p, sizeof(p), "%s/%s", base, *dirs);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
	}

	return 0;
}

static inline int write_file(const char *path, const char *text)
{
	cleanup_fclose FILE *f = fopen(path, "we");

	return f && fputs(text, f) >= 0 ? 0 : -1;
}

static inline int read_file(const char *path, char *buf, size_t size)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';

	return (int)n;
}

/* The fstype and per-mount options of the top mount at point, from /proc/self/mountinfo. */
static inline bool mount_at(const char *point, char *fstype, char *opts, char *optional)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	bool found = false;

	while (f && getline(&line, &cap, f) > 0) {
		char mp[512], mo[512], rest[1024], ty[64];
		char *dash;

		if (sscanf(line, "%*s %*s %*s %*s %511s %511s %1023[^\n]", mp, mo, rest) != 3)
			continue;
		if (strcmp(mp, point) != 0)
			continue;
		dash = strstr(rest, "- ");
		if (!dash || sscanf(dash, "- %63s", ty) != 1)
			continue;
		found = true;
		if (fstype)
			snprintf(fstype, 64, "%s", ty);
		if (opts)
			snprintf(opts, 512, "%s", mo);
		if (optional) {
			size_t n = (size_t)(dash - rest);

			memcpy(optional, rest, n);
			optional[n] = '\0';
		}
	}

	return found;
}

static inline bool has_opt(const char *opts, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = opts; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}

	return false;
}

static inline int count_mounts_below(const char *top)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	size_t n = strlen(top);
	int count = 0;

	while (f && getline(&line, &cap, f) > 0) {
		char mp[512];

		if (sscanf(line, "%*s %*s %*s %*s %511s", mp) == 1 && strncmp(mp, top, n) == 0 &&
		    (mp[n] == '\0' || mp[n] == '/'))
			count++;
	}

	return count;
}

static inline bool dir_is_empty(const char *path)
{
	cleanup_closedir DIR *d = opendir(path);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			return false;

	return d != NULL;
}

static const char *const image_dirs[] = {"bin", "etc", "dev", "proc", "sys", "tmp", NULL};

/* The child's world: a private copy of the mount table, so nothing mounted here outlives it. */
static inline int enter_private_ns(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -1;

	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

static inline int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;

	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* mkdir -p, for a host path recreated inside the rootfs. */
static inline int mkdir_p(const char *path)
{
	char buf[600];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}

	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

typedef int (*test_fn)(void);

static inline void run(const char *name, test_fn fn)
{
	int pipefd[2];
	pid_t pid;
	int status = 0;
	char msg[sizeof(why)] = "";
	ssize_t n;

	snprintf(scratch, sizeof(scratch), "/tmp/ct-rootfs-test.XXXXXX");
	if (!mkdtemp(scratch) || pipe(pipefd) < 0) {
		TAP_OK(false, "%s (setup: %s)", name, strerror(errno));
		return;
	}
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", scratch);
	snprintf(host, sizeof(host), "%s/host", scratch);
	mkdir(rootfs, 0755);
	mkdir(host, 0755);
	mkdirs(rootfs, image_dirs);
	fflush(stdout);

	pid = fork();
	if (pid == 0) {
		int rc;

		close(pipefd[0]);
		why[0] = '\0';
		if (enter_private_ns() < 0) {
			snprintf(why, sizeof(why), "private mount namespace: %s", strerror(errno));
			rc = -1;
		} else {
			rc = fn();
		}
		if (write(pipefd[1], why, strlen(why)) < 0)
			rc = -1;
		_exit(rc < 0 ? 1 : 0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	waitpid(pid, &status, 0);

	/* Whatever the child did, the host side of the test must show no mount of it. */
	TAP_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0 && count_mounts_below(scratch) == 0,
	       "%s", name);
	if (msg[0])
		printf("#   %s\n", msg);
	if (count_mounts_below(scratch) != 0)
		printf("#   mounts left below %s\n", scratch);
	else if (nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0)
		printf("#   could not remove %s\n", scratch);
}

#define HEAD "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"%s\"}, "
#define MNT_NS "\"namespaces\": [{\"type\": \"mount\"}]"
#define DEV_TMPFS                                                                                  \
	"{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","                  \
	" \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]}"
#define PROC "{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}"
