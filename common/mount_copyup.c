/* SPDX-License-Identifier: Apache-2.0 */
/* "tmpcopyup": a new tmpfs starts with a copy of the directory it covers. */
#include "common/mount_copyup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"

/* Deeper trees are refused rather than risking the init's stack on an image's whim. */
#define MAX_DEPTH 64

static int copy_dir(int src, int dst, int depth, struct ct_err *err);

static int copy_data(int from, int to, const char *name, struct ct_err *err)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) > 0)
		if (write(to, buf, (size_t)n) != n)
			return ct_err_set(err, errno, "copy '%s'", name);
	if (n < 0)
		return ct_err_set(err, errno, "read '%s'", name);

	return 0;
}

static int copy_file(int src, int dst, const char *name, const struct stat *st, struct ct_err *err)
{
	/* O_NOFOLLOW on both sides: the entry is what it was when listed, never a link's target. */
	cleanup_close int from = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int to = -1;

	if (from < 0)
		return ct_err_set(err, errno, "open '%s'", name);
	to = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    st->st_mode & 07777);
	if (to < 0)
		return ct_err_set(err, errno, "create '%s'", name);

	return copy_data(from, to, name, err);
}

static int copy_link(int src, int dst, const char *name, struct ct_err *err)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);

	if (n < 0)
		return ct_err_set(err, errno, "readlink '%s'", name);
	target[n] = '\0';
	if (symlinkat(target, dst, name) < 0)
		return ct_err_set(err, errno, "symlink '%s'", name);

	return 0;
}

static int copy_subdir(int src, int dst, const char *name, const struct stat *st, int depth,
		       struct ct_err *err)
{
	cleanup_close int from = -1;
	cleanup_close int to = -1;

	if (mkdirat(dst, name, st->st_mode & 07777) < 0)
		return ct_err_set(err, errno, "mkdir '%s'", name);
	from = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	to = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (from < 0 || to < 0)
		return ct_err_set(err, errno, "open directory '%s'", name);
	if (copy_dir(from, to, depth + 1, err) < 0)
		return ct_err_wrap(err, "in '%s'", name);

	return 0;
}

static int copy_entry(int src, int dst, const char *name, int depth, struct ct_err *err)
{
	struct stat st;
	int rc;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return ct_err_set(err, errno, "stat '%s'", name);

	if (S_ISDIR(st.st_mode))
		rc = copy_subdir(src, dst, name, &st, depth, err);
	else if (S_ISREG(st.st_mode))
		rc = copy_file(src, dst, name, &st, err);
	else if (S_ISLNK(st.st_mode))
		rc = copy_link(src, dst, name, err);
	else if (S_ISSOCK(st.st_mode))
		return 0; /* a socket is nothing without its listener */
	else if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0)
		rc = ct_err_set(err, errno, "mknod '%s'", name);
	else
		rc = 0;
	if (rc < 0)
		return -1;

	if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return ct_err_set(err, errno, "chown '%s'", name);
	/* The umask trimmed the mode at creation; links have none to set. */
	if (!S_ISLNK(st.st_mode) && fchmodat(dst, name, st.st_mode & 07777, 0) < 0)
		return ct_err_set(err, errno, "chmod '%s'", name);

	return 0;
}

static int copy_dir(int src, int dst, int depth, struct ct_err *err)
{
	cleanup_closedir DIR *d = NULL;
	int fd = dup(src);
	struct dirent *e;

	if (depth > MAX_DEPTH)
		return ct_err_set(err, ELOOP, "directory tree deeper than %d", MAX_DEPTH);
	if (fd < 0)
		return ct_err_set(err, errno, "dup");
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return ct_err_set(err, errno, "list directory");
	}

	while ((errno = 0, e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (copy_entry(src, dst, e->d_name, depth, err) < 0)
			return -1;
	}
	if (errno)
		return ct_err_set(err, errno, "list directory");

	return 0;
}

int ct_mount_copyup(int covered_dir, int new_root, struct ct_err *err)
{
	struct stat st;

	if (copy_dir(covered_dir, new_root, 0, err) < 0)
		return ct_err_wrap(err, "tmpcopyup");
	/* The tmpfs root takes the covered directory's owner and mode, as runc's copy does. */
	if (fstat(covered_dir, &st) < 0)
		return ct_err_set(err, errno, "tmpcopyup: stat");
	if (fchown(new_root, st.st_uid, st.st_gid) < 0 || fchmod(new_root, st.st_mode & 07777) < 0)
		return ct_err_set(err, errno, "tmpcopyup: set owner and mode");

	return 0;
}
