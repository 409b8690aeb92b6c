/* SPDX-License-Identifier: Apache-2.0 */
/* Resolving and creating paths inside a root fd with openat2, and opening procfs safely. */
#include "common/pathres.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"

/*
 * LIMITATION: paths inside the rootfs are resolved only with openat2 (Linux 5.6+); where it
 * is missing or filtered (ENOSYS), create fails with "open '...' in the rootfs: Function not
 * implemented" rather than falling back to a walk in user space.
 */
#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

static int sys_openat2(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = resolve,
	};
	int fd;

	/* EAGAIN means a rename raced the walk; the kernel asks us to try again. */
	for (int i = 0; i < 32; i++) {
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}

	return fd;
}

int ct_path_open_in_root(int rootfd, const char *path, int flags, int *ret_fd, struct ct_err *err)
{
	int fd = sys_openat2(rootfd, path, flags, 0, IN_ROOT);

	if (fd < 0)
		return ct_err_set(err, errno, "open '%s' in the rootfs", path);
	*ret_fd = fd;

	return 0;
}

/* Walks path one component at a time from the root, so each mkdirat happens in a checked dir. */
int ct_path_mkdir_in_root(int rootfd, const char *path, mode_t mode, int *ret_fd,
			  struct ct_err *err)
{
	char prefix[PATH_MAX] = "";
	cleanup_close int cur = -1;
	size_t plen = 0;
	const char *p = path;

	/* Each prefix is at most the path plus a leading slash. */
	if (strlen(path) + 2 > sizeof(prefix))
		return ct_err_set(err, ENAMETOOLONG, "resolve '%s' in the rootfs", path);
	/* Most destinations exist already: one resolution of the whole path, as the walk's last
	 * step would do. The walk, for what is missing, also names the component at fault. */
	cur = sys_openat2(rootfd, path, O_PATH | O_DIRECTORY, 0, IN_ROOT);
	if (cur >= 0) {
		*ret_fd = steal_fd(&cur);
		return 0;
	}
	cur = sys_openat2(rootfd, "/", O_PATH | O_DIRECTORY, 0, IN_ROOT);
	if (cur < 0)
		return ct_err_set(err, errno, "open the rootfs");

	while (*p) {
		size_t n = strcspn(p, "/");
		int next;

		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n + (p[n] == '/');
			continue;
		}
		if (n > NAME_MAX)
			return ct_err_set(err, ENAMETOOLONG, "resolve '%s' in the rootfs", path);
		prefix[plen++] = '/';
		memcpy(prefix + plen, p, n);
		plen += n;
		prefix[plen] = '\0';

		next = sys_openat2(rootfd, prefix, O_PATH | O_DIRECTORY, 0, IN_ROOT);
		if (next < 0 && errno == ENOENT) {
			char name[NAME_MAX + 1];

			memcpy(name, p, n);
			name[n] = '\0';
			/* mkdirat never follows a symlink in its last component. */
			if (mkdirat(cur, name, mode) < 0 && errno != EEXIST)
				return ct_err_set(err, errno, "mkdir '%s' in the rootfs", prefix);
			next = sys_openat2(rootfd, prefix, O_PATH | O_DIRECTORY, 0, IN_ROOT);
		}
		if (next < 0)
			return ct_err_set(err, errno, "open directory '%s' in the rootfs", prefix);
		close(cur);
		cur = next;
		p += n + (p[n] == '/');
	}
	*ret_fd = steal_fd(&cur);

	return 0;
}

static int split_base(const char *path, char *dir, char *base, struct ct_err *err)
{
	size_t len = strlen(path);
	size_t start;

	while (len > 0 && path[len - 1] == '/')
		len--;
	start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (len - start > NAME_MAX)
		return ct_err_set(err, ENAMETOOLONG, "resolve '%s' in the rootfs", path);
	memcpy(base, path + start, len - start);
	base[len - start] = '\0';
	if (!base[0] || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return ct_err_set(err, EINVAL, "path '%s' does not name an entry", path);
	memcpy(dir, path, start);
	dir[start] = '\0';

	return 0;
}

int ct_path_parent_in_root(int rootfd, const char *path, bool create, int *ret_dirfd,
			   char *ret_base, struct ct_err *err)
{
	char dir[PATH_MAX] = "";
	char base[NAME_MAX + 1] = "";
	int fd = -1;

	if (strlen(path) + 2 > sizeof(dir))
		return ct_err_set(err, ENAMETOOLONG, "resolve '%s' in the rootfs", path);
	if (split_base(path, dir, base, err) < 0)
		return -1;
	if (!dir[0])
		snprintf(dir, sizeof(dir), "/");

	if (create) {
		if (ct_path_mkdir_in_root(rootfd, dir, 0755, &fd, err) < 0)
			return -1;
	} else {
		fd = sys_openat2(rootfd, dir, O_PATH | O_DIRECTORY, 0, IN_ROOT);
		if (fd < 0)
			return ct_err_set(err, errno, "open directory '%s' in the rootfs", dir);
	}
	*ret_dirfd = fd;
	memcpy(ret_base, base, strlen(base) + 1);

	return 0;
}

int ct_path_mkfile_in_root(int rootfd, const char *path, int *ret_fd, struct ct_err *err)
{
	char base[NAME_MAX + 1];
	cleanup_close int dirfd = -1;
	cleanup_close int created = -1;
	int fd = sys_openat2(rootfd, path, O_PATH, 0, IN_ROOT);

	if (fd >= 0) {
		*ret_fd = fd;
		return 0;
	}
	if (errno != ENOENT)
		return ct_err_set(err, errno, "open '%s' in the rootfs", path);

	if (ct_path_parent_in_root(rootfd, path, true, &dirfd, base, err) < 0)
		return -1;
	/*
	 * O_EXCL with no symlink resolution at all: a dangling symlink left in
	 * the place of the file is refused, not followed.
	 */
	created = sys_openat2(dirfd, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0644,
			      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
	if (created < 0)
		return ct_err_set(err, errno, "create file '%s' in the rootfs", path);
	fd = sys_openat2(dirfd, base, O_PATH | O_NOFOLLOW, 0,
			 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
	if (fd < 0)
		return ct_err_set(err, errno, "open '%s' in the rootfs", path);
	*ret_fd = fd;

	return 0;
}

int ct_fd_check_fs(int fd, long magic, const char *what, struct ct_err *err)
{
	struct statfs st;

	if (fstatfs(fd, &st) < 0)
		return ct_err_set(err, errno, "statfs %s", what);
	if ((long)st.f_type != magic)
		return ct_err_set(err, EXDEV, "%s is not on the expected filesystem (0x%lx)", what,
				  (unsigned long)st.f_type);

	return 0;
}

/* A proc instance of our own, attached nowhere, so nothing can be mounted over its files. */
static int open_private_proc(void)
{
	cleanup_close int fsfd = fsopen("proc", FSOPEN_CLOEXEC);
	int fd;

	if (fsfd >= 0 && fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0) {
		fd = fsmount(fsfd, FSMOUNT_CLOEXEC,
			     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
		if (fd >= 0)
			return fd;
	}
	/* In a user namespace a new proc may be refused; a clone of the top mount has no
	 * overmounts. */
	fd = open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_NO_AUTOMOUNT);
	if (fd >= 0)
		return fd;

	return open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
}

int ct_proc_open(const char *subpath, int flags, int *ret_fd, struct ct_err *err)
{
	cleanup_close int procfd = open_private_proc();
	cleanup_close int fd = -1;

	if (procfd < 0)
		return ct_err_set(err, errno, "open procfs");
	if (ct_fd_check_fs(procfd, PROC_SUPER_MAGIC, "'/proc'", err) < 0)
		return -1;

	while (*subpath == '/')
		subpath++;
	fd = sys_openat2(procfd, subpath, flags, 0,
			 RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return ct_err_set(err, errno, "open '/proc/%s'", subpath);
	if (ct_fd_check_fs(fd, PROC_SUPER_MAGIC, "'/proc' file", err) < 0)
		return ct_err_wrap(err, "open '/proc/%s'", subpath);
	*ret_fd = steal_fd(&fd);

	return 0;
}
