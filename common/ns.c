/* SPDX-License-Identifier: Apache-2.0 */
/* The namespace table (spec name, /proc name, clone flag) and joining by path. */
#include "common/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/*
 * The user namespace goes first: joining it is what grants us CAP_SYS_ADMIN
 * over the namespaces it owns. The mount namespace goes last among the rest
 * so the other paths still resolve on the host's filesystem.
 */
const struct ct_ns_info ct_ns_table[CT_NS_COUNT] = {
	{CT_NS_USER, "user", CLONE_NEWUSER},  {CT_NS_PID, "pid", CLONE_NEWPID},
	{CT_NS_NETWORK, "net", CLONE_NEWNET}, {CT_NS_IPC, "ipc", CLONE_NEWIPC},
	{CT_NS_UTS, "uts", CLONE_NEWUTS},     {CT_NS_CGROUP, "cgroup", CLONE_NEWCGROUP},
	{CT_NS_TIME, "time", CLONE_NEWTIME},  {CT_NS_MOUNT, "mnt", CLONE_NEWNS},
};

const struct ct_ns_info *ct_ns_info(enum ct_ns_type type)
{
	for (int i = 0; i < CT_NS_COUNT; i++)
		if (ct_ns_table[i].type == type)
			return &ct_ns_table[i];
	return NULL;
}

/*
 * The path is first reached with O_PATH, which opens nothing: a FIFO or a device named by a
 * hostile config would otherwise block the open or act on it. Only a file of the namespace
 * filesystem is then opened for real (setns and NS_GET_NSTYPE need a real open), and through
 * the O_PATH descriptor itself, so that a path swapped meanwhile is never looked up again.
 */
int ct_ns_open_file(const char *path, int *ret_fd, struct ct_err *err)
{
	cleanup_close int probe = open(path, O_PATH | O_CLOEXEC);
	char self[64];
	struct statfs fs;
	int fd;

	if (probe < 0)
		return ct_err_set(err, errno, "open namespace '%s'", path);
	if (fstatfs(probe, &fs) < 0)
		return ct_err_set(err, errno, "stat namespace '%s'", path);
	if (fs.f_type != NSFS_MAGIC)
		return ct_err_set(err, 0, "'%s' is not a namespace file", path);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", probe);
	fd = open(self, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* No /proc here: the path once more, unblocking, and it must be the same file. */
		struct stat seen, opened;

		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd >= 0 && (fstat(probe, &seen) < 0 || fstat(fd, &opened) < 0 ||
				seen.st_dev != opened.st_dev || seen.st_ino != opened.st_ino)) {
			close(fd);
			return ct_err_set(err, 0, "'%s' changed while it was opened", path);
		}
	}
	if (fd < 0)
		return ct_err_set(err, errno, "open namespace '%s'", path);
	*ret_fd = fd;

	return 0;
}

int ct_ns_open(const char *path, enum ct_ns_type type, int *ret_fd, struct ct_err *err)
{
	const struct ct_ns_info *info = ct_ns_info(type);
	cleanup_close int fd = -1;
	int kind;

	if (ct_ns_open_file(path, &fd, err) < 0)
		return -1;
	kind = ioctl(fd, NS_GET_NSTYPE);
	if (kind < 0)
		return ct_err_set(err, errno == ENOTTY ? 0 : errno, "'%s' is not a namespace file",
				  path);
	if (!info || kind != info->clone_flag)
		return ct_err_set(err, 0, "'%s' is not a %s namespace", path,
				  ct_ns_type_name(type));
	*ret_fd = steal_fd(&fd);

	return 0;
}

int ct_ns_join(int fd, enum ct_ns_type type, const char *path, struct ct_err *err)
{
	const struct ct_ns_info *info = ct_ns_info(type);

	if (setns(fd, info ? info->clone_flag : 0) < 0)
		return ct_err_set(err, errno, "setns '%s'", path);
	return 0;
}

int ct_ns_inode(pid_t pid, enum ct_ns_type type, uint64_t *ret_ino, struct ct_err *err)
{
	const struct ct_ns_info *info = ct_ns_info(type);
	char path[64];
	struct stat st;

	if (!info)
		return ct_err_set(err, EINVAL, "unknown namespace type %d", (int)type);
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, info->proc_name);
	if (stat(path, &st) < 0)
		return ct_err_set(err, errno, "stat '%s'", path);
	*ret_ino = (uint64_t)st.st_ino;

	return 0;
}
