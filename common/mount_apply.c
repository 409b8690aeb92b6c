/* SPDX-License-Identifier: Apache-2.0 */
/* Filesystem and bind mounts made detached, shaped, then attached onto a checked fd. */
#include "common/mount_apply.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/mount.h"
#include "common/mount_copyup.h"
#include "common/pathres.h"
#include "common/spec.h"

#ifndef PIDFD_GET_USER_NAMESPACE
#define PIDFD_GET_USER_NAMESPACE _IO(0xFF, 9)
#endif

#define FSMOUNT_ATTRS                                                                              \
	(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |            \
	 MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW)

static const struct {
	unsigned long flag;
	const char *set;
	const char *clear;
} sb_names[] = {
	{MS_SYNCHRONOUS, "sync", "async"},
	{MS_DIRSYNC, "dirsync", NULL},
	{MS_MANDLOCK, "mand", "nomand"},
	{MS_LAZYTIME, "lazytime", "nolazytime"},
	/* Not from a mount's options (those make the mount read-only): the mask's superblock. */
	{MS_RDONLY, "ro", NULL},
	/* "silent"/"loud" only quiet the kernel's log, and fsconfig has no word for them. */
	{MS_SILENT, NULL, NULL},
};

/* The kernel explains a refused option in the fs context's log: worth more than EINVAL alone. */
static void add_kernel_message(int fsfd, struct ct_err *err)
{
	char buf[256];
	ssize_t n = read(fsfd, buf, sizeof(buf) - 1);
	size_t len;

	if (n <= 2)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, " (%s)", buf + 2);
}

static int config_word(int fsfd, const char *word, struct ct_err *err)
{
	const char *eq = strchr(word, '=');
	char key[256];
	int rc;

	if (!eq) {
		rc = fsconfig(fsfd, FSCONFIG_SET_FLAG, word, NULL, 0);
	} else {
		if ((size_t)(eq - word) >= sizeof(key))
			return ct_err_set(err, EINVAL, "mount option '%s' too long", word);
		memcpy(key, word, (size_t)(eq - word));
		key[eq - word] = '\0';
		rc = fsconfig(fsfd, FSCONFIG_SET_STRING, key, eq + 1, 0);
	}
	if (rc < 0) {
		int saved = errno;

		ct_err_set(err, saved, "mount option '%s'", word);
		add_kernel_message(fsfd, err);
		err->errnum = saved;
		return -1;
	}

	return 0;
}

/* LIMITATION: data values are split at commas; an option whose value holds a comma is refused by
 * the filesystem. */
static int config_data(int fsfd, const char *data, struct ct_err *err)
{
	char copy[4096];
	char *save = NULL;

	if (!data)
		return 0;
	if (strlen(data) >= sizeof(copy))
		return ct_err_set(err, E2BIG, "mount data of %zu bytes", strlen(data));
	memcpy(copy, data, strlen(data) + 1);
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (config_word(fsfd, w, err) < 0)
			return -1;

	return 0;
}

static int config_sb_flags(int fsfd, const struct ct_mount_opts *opts, struct ct_err *err)
{
	for (size_t i = 0; i < sizeof(sb_names) / sizeof(sb_names[0]); i++) {
		if ((opts->sb_flags & sb_names[i].flag) && sb_names[i].set &&
		    config_word(fsfd, sb_names[i].set, err) < 0)
			return -1;
		if ((opts->sb_clear & sb_names[i].flag) && sb_names[i].clear &&
		    config_word(fsfd, sb_names[i].clear, err) < 0)
			return -1;
	}

	return 0;
}

static int copy_up(int target_fd, int mnt, const struct ct_mount_opts *opts, struct ct_err *err)
{
	cleanup_close int covered = openat(target_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int root = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

	if (covered < 0 || root < 0)
		return ct_err_set(err, errno, "tmpcopyup: open directories");
	if (ct_mount_copyup(covered, root, err) < 0)
		return -1;
	if ((opts->attr_set & MOUNT_ATTR_RDONLY) &&
	    mount_setattr(mnt, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return ct_err_set(err, errno, "set mount attributes");

	return 0;
}

static int attach(int mnt_fd, int target_fd, struct ct_err *err)
{
	if (move_mount(mnt_fd, "", target_fd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return ct_err_set(err, errno, "move_mount");

	return 0;
}

int ct_mount_fs_onto(int target_fd, const char *type, const char *source,
		     const struct ct_mount_opts *opts, int *ret_mnt_fd, struct ct_err *err)
{
	cleanup_close int fsfd = fsopen(type, FSOPEN_CLOEXEC);
	cleanup_close int mnt = -1;

	if (fsfd < 0)
		return ct_err_set(err, errno, "fsopen '%s'", type);
	if (source && source[0] && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
		return ct_err_set(err, errno, "set source '%s'", source);
	if (config_data(fsfd, opts->data, err) < 0 || config_sb_flags(fsfd, opts, err) < 0)
		return -1;
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		int saved = errno;

		ct_err_set(err, saved, "create '%s' filesystem", type);
		add_kernel_message(fsfd, err);
		err->errnum = saved;
		return -1;
	}

	/* A copy-up writes first; read-only comes after it. */
	mnt = fsmount(fsfd, FSMOUNT_CLOEXEC,
		      (unsigned int)(opts->attr_set & FSMOUNT_ATTRS &
				     ~(opts->want_copyup ? MOUNT_ATTR_RDONLY : 0)));
	if (mnt < 0)
		return ct_err_set(err, errno, "fsmount '%s'", type);
	if (opts->want_copyup && copy_up(target_fd, mnt, opts, err) < 0)
		return -1;
	if ((opts->rec_set | opts->rec_clr) != 0) {
		struct mount_attr attr = {.attr_set = opts->rec_set, .attr_clr = opts->rec_clr};

		if (mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
			return ct_err_set(err, errno, "set recursive mount attributes");
	}
	if (attach(mnt, target_fd, err) < 0 || ct_mount_set_propagation(mnt, opts, err) < 0)
		return -1;
	if (ret_mnt_fd)
		*ret_mnt_fd = steal_fd(&mnt);

	return 0;
}

int ct_mount_set_attrs(int mnt_fd, const struct ct_mount_opts *opts, struct ct_err *err)
{
	/* The recursive words go first so the mount's own words win on its top. */
	if ((opts->rec_set | opts->rec_clr) != 0) {
		struct mount_attr attr = {.attr_set = opts->rec_set, .attr_clr = opts->rec_clr};

		if (mount_setattr(mnt_fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) <
		    0)
			return ct_err_set(err, errno, "set recursive mount attributes");
	}
	if ((opts->attr_set | opts->attr_clr) != 0) {
		struct mount_attr attr = {.attr_set = opts->attr_set, .attr_clr = opts->attr_clr};

		if (mount_setattr(mnt_fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
			return ct_err_set(err, errno, "set mount attributes");
	}

	return 0;
}

int ct_mount_set_propagation(int mnt_fd, const struct ct_mount_opts *opts, struct ct_err *err)
{
	struct mount_attr attr = {.propagation = opts->propagation};
	unsigned int flags = AT_EMPTY_PATH | (opts->propagation_rec ? AT_RECURSIVE : 0);

	if (!opts->propagation)
		return 0;
	if (mount_setattr(mnt_fd, "", flags, &attr, sizeof(attr)) < 0)
		return ct_err_set(err, errno, "set mount propagation");

	return 0;
}

int ct_mount_clone_tree(int source_fd, bool rec, int userns_fd, bool idmap_rec, int *ret_tree,
			struct ct_err *err)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
	cleanup_close int tree = open_tree(source_fd, "", flags | (rec ? AT_RECURSIVE : 0));

	if (tree < 0)
		return ct_err_set(err, errno, "clone mount tree");
	/* An ID mapping can only be put on a mount nobody has seen yet: before the attach. */
	if (userns_fd >= 0) {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP,
					  .userns_fd = (uint64_t)userns_fd};

		if (mount_setattr(tree, "", AT_EMPTY_PATH | (idmap_rec ? AT_RECURSIVE : 0), &attr,
				  sizeof(attr)) < 0)
			return ct_err_set(err, errno, "set ID mapping");
	}
	*ret_tree = steal_fd(&tree);

	return 0;
}

int ct_mount_attach_tree(int tree, int target_fd, const struct ct_mount_opts *opts,
			 struct ct_err *err)
{
	if (ct_mount_set_attrs(tree, opts, err) < 0)
		return -1;
	if (attach(tree, target_fd, err) < 0)
		return -1;

	return ct_mount_set_propagation(tree, opts, err);
}

int ct_mount_bind_fd_onto(int source_fd, bool rec, int target_fd, const struct ct_mount_opts *opts,
			  int userns_fd, bool idmap_rec, int *ret_mnt_fd, struct ct_err *err)
{
	cleanup_close int tree = -1;

	if (ct_mount_clone_tree(source_fd, rec, userns_fd, idmap_rec, &tree, err) < 0)
		return -1;
	if (ct_mount_attach_tree(tree, target_fd, opts, err) < 0)
		return -1;
	if (ret_mnt_fd)
		*ret_mnt_fd = steal_fd(&tree);

	return 0;
}

static int write_map(pid_t pid, const char *file, const struct ct_id_mapping *map, size_t n,
		     struct ct_err *err)
{
	char path[64];
	char buf[4096];
	size_t len = 0;
	cleanup_close int fd = -1;

	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", map[i].container_id,
				 map[i].host_id, map[i].size);

		if (w < 0 || (size_t)w >= sizeof(buf) - len)
			return ct_err_set(err, E2BIG, "write %s: too many mappings", file);
		len += (size_t)w;
	}
	snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
	if (ct_proc_open(path, O_WRONLY, &fd, err) < 0)
		return -1;
	if (write(fd, buf, len) != (ssize_t)len)
		return ct_err_set(err, errno, "write '/proc/%s'", path);

	return 0;
}

static int userns_fd_of(pid_t pid, int *ret_fd, struct ct_err *err)
{
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	char path[64];
	int fd = -1;

	/* The pidfd names our helper for sure, whatever pid namespace /proc shows. */
	if (pidfd >= 0)
		fd = ioctl(pidfd, PIDFD_GET_USER_NAMESPACE, 0);
	if (fd < 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return ct_err_set(err, errno, "open user namespace of helper %d", (int)pid);
	*ret_fd = fd;

	return 0;
}

static int map_helper(const struct ct_mount *m, pid_t pid, int ready, int *ret_fd,
		      struct ct_err *err)
{
	char c;

	if (read(ready, &c, 1) != 1)
		return ct_err_set(err, EPERM, "helper could not unshare a user namespace");
	if (write_map(pid, "uid_map", m->uid_mappings, m->n_uid_mappings, err) < 0 ||
	    write_map(pid, "gid_map", m->gid_mappings, m->n_gid_mappings, err) < 0)
		return -1;

	return userns_fd_of(pid, ret_fd, err);
}

int ct_mount_idmap_userns(const struct ct_mount *m, int *ret_fd, struct ct_err *err)
{
	int ready[2];
	int hold[2];
	pid_t pid;
	int rc;

	if (!m->n_uid_mappings || !m->n_gid_mappings)
		return ct_err_set(err, EINVAL, "idmapped mount needs uidMappings and gidMappings");
	if (pipe2(ready, O_CLOEXEC) < 0)
		return ct_err_set(err, errno, "pipe");
	if (pipe2(hold, O_CLOEXEC) < 0) {
		rc = ct_err_set(err, errno, "pipe");
		goto close_ready;
	}

	pid = fork();
	if (pid < 0) {
		rc = ct_err_set(err, errno, "fork idmap helper");
		goto close_hold;
	}
	if (pid == 0) {
		char c;

		close(ready[0]);
		close(hold[1]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		if (write(ready[1], "u", 1) != 1)
			_exit(1);
		/* Stays alive, holding the namespace, until the parent closes its end. */
		if (read(hold[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}

	close(ready[1]);
	ready[1] = -1;
	rc = map_helper(m, pid, ready[0], ret_fd, err);
	close(hold[1]);
	hold[1] = -1;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
close_hold:
	if (hold[1] >= 0)
		close(hold[1]);
	close(hold[0]);
close_ready:
	if (ready[1] >= 0)
		close(ready[1]);
	close(ready[0]);

	return rc;
}

int ct_mount_remount(int target_fd, const struct ct_mount_opts *opts, struct ct_err *err)
{
	if (opts->data || opts->sb_flags || opts->sb_clear) {
		cleanup_close int fsfd = fspick(target_fd, "", FSPICK_EMPTY_PATH | FSPICK_CLOEXEC);

		if (fsfd < 0)
			return ct_err_set(err, errno, "fspick");
		if (config_data(fsfd, opts->data, err) < 0 || config_sb_flags(fsfd, opts, err) < 0)
			return -1;
		if (fsconfig(fsfd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0) {
			int saved = errno;

			ct_err_set(err, saved, "reconfigure filesystem");
			add_kernel_message(fsfd, err);
			err->errnum = saved;
			return -1;
		}
	}
	if (ct_mount_set_attrs(target_fd, opts, err) < 0)
		return -1;

	return ct_mount_set_propagation(target_fd, opts, err);
}
