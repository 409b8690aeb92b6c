/* SPDX-License-Identifier: Apache-2.0 */
/* Device nodes, links and the console of the container's /dev, made only inside the rootfs. */
#include "common/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/mount.h"
#include "common/mount_apply.h"
#include "common/pathres.h"
#include "common/rootfs.h"
#include "common/spec.h"

struct node {
	const char *path;
	mode_t type; /* S_IFCHR, S_IFBLK, S_IFIFO */
	unsigned int major;
	unsigned int minor;
	mode_t perm;
	bool has_uid;
	uid_t uid;
	bool has_gid;
	gid_t gid;
};

static const struct node default_node_table[] = {
	{"/dev/null", S_IFCHR, 1, 3, 0666, false, 0, false, 0},
	{"/dev/zero", S_IFCHR, 1, 5, 0666, false, 0, false, 0},
	{"/dev/full", S_IFCHR, 1, 7, 0666, false, 0, false, 0},
	{"/dev/random", S_IFCHR, 1, 8, 0666, false, 0, false, 0},
	{"/dev/urandom", S_IFCHR, 1, 9, 0666, false, 0, false, 0},
	{"/dev/tty", S_IFCHR, 5, 0, 0666, false, 0, false, 0},
};

static const struct {
	const char *name;
	const char *target;
} default_links[] = {
	{"fd", "/proc/self/fd"},
	{"stdin", "/proc/self/fd/0"},
	{"stdout", "/proc/self/fd/1"},
	{"stderr", "/proc/self/fd/2"},
};

static int open_beneath(int dirfd, const char *name, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
}

/* Makes room for the node: an old file or link goes, a directory is an error. */
static int clear_entry(int dirfd, const char *base, const char *path, struct ct_err *err)
{
	struct stat st;

	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return ct_err_set(err, errno, "stat '%s'", path);
	}
	if (S_ISDIR(st.st_mode))
		return ct_err_set(err, EISDIR, "device path '%s' is a directory", path);
	if (unlinkat(dirfd, base, 0) < 0)
		return ct_err_set(err, errno, "remove old '%s'", path);

	return 0;
}

/*
 * In a user namespace mknod of a device is refused; the host's own node is
 * bind-mounted instead, after checking it is the device the config asked for,
 * so a config cannot smuggle in some other host file under a device's name.
 */
static int bind_host_node(int dirfd, const char *base, const struct node *n, struct ct_err *err)
{
	cleanup_close int src = -1;
	cleanup_close int dst = -1;
	struct stat st;

	src = open_tree(AT_FDCWD, n->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (src < 0)
		return ct_err_set(err, errno, "open host device '%s'", n->path);
	if (fstat(src, &st) < 0)
		return ct_err_set(err, errno, "stat host device '%s'", n->path);
	if ((st.st_mode & S_IFMT) != n->type || major(st.st_rdev) != n->major ||
	    minor(st.st_rdev) != n->minor)
		return ct_err_set(err, ENODEV, "host '%s' is not device %u:%u", n->path, n->major,
				  n->minor);

	dst = open_beneath(dirfd, base, O_CREAT | O_EXCL | O_WRONLY, 0644);
	if (dst < 0)
		return ct_err_set(err, errno, "create '%s' in the rootfs", n->path);
	if (move_mount(src, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return ct_err_set(err, errno, "bind host device '%s'", n->path);

	return 0;
}

static int make_node(int dirfd, const char *base, const struct node *n, bool use_bind,
		     struct ct_err *err)
{
	if (n->type == S_IFIFO) {
		if (mkfifoat(dirfd, base, n->perm) < 0)
			return ct_err_set(err, errno, "mkfifo '%s'", n->path);
	} else if (use_bind) {
		return bind_host_node(dirfd, base, n, err);
	} else if (mknodat(dirfd, base, n->type | n->perm, makedev(n->major, n->minor)) < 0) {
		if (errno == EPERM)
			return bind_host_node(dirfd, base, n, err);
		return ct_err_set(err, errno, "mknod '%s'", n->path);
	}

	/* mknod honours the umask; the config's fileMode is meant exactly. */
	if (fchmodat(dirfd, base, n->perm, 0) < 0)
		return ct_err_set(err, errno, "chmod '%s'", n->path);
	if ((n->has_uid || n->has_gid) &&
	    fchownat(dirfd, base, n->has_uid ? n->uid : (uid_t)-1, n->has_gid ? n->gid : (gid_t)-1,
		     AT_SYMLINK_NOFOLLOW) < 0)
		return ct_err_set(err, errno, "chown '%s'", n->path);

	return 0;
}

/* Usually nothing is in the way (a fresh /dev tmpfs): what is there goes only when it is. */
static int place_node(int dirfd, const char *base, const struct node *n, bool use_bind,
		      struct ct_err *err)
{
	if (make_node(dirfd, base, n, use_bind, err) == 0)
		return 0;
	if (err->errnum != EEXIST || clear_entry(dirfd, base, n->path, err) < 0)
		return -1;

	return make_node(dirfd, base, n, use_bind, err);
}

static int create_node(int rootfd, const struct node *n, bool use_bind, struct ct_err *err)
{
	cleanup_close int dirfd = -1;
	char base[NAME_MAX + 1] = "";

	if (ct_path_parent_in_root(rootfd, n->path, true, &dirfd, base, err) < 0)
		return ct_err_wrap(err, "create device '%s'", n->path);

	return place_node(dirfd, base, n, use_bind, err);
}

static int node_from_spec(const struct ct_device *d, struct node *ret, struct ct_err *err)
{
	struct node n = {.path = d->path, .perm = 0666};

	if (!d->type || !d->path || d->path[0] != '/')
		return ct_err_set(err, EINVAL, "device needs a type and an absolute path");
	if (strcmp(d->type, "c") == 0 || strcmp(d->type, "u") == 0)
		n.type = S_IFCHR;
	else if (strcmp(d->type, "b") == 0)
		n.type = S_IFBLK;
	else if (strcmp(d->type, "p") == 0)
		n.type = S_IFIFO;
	else
		return ct_err_set(err, EINVAL, "device '%s' has unknown type '%s'", d->path,
				  d->type);
	if (n.type != S_IFIFO &&
	    (d->major < 0 || d->major > 0xfff || d->minor < 0 || d->minor > 0xfffff))
		return ct_err_set(err, EINVAL, "device '%s' has an impossible number %lld:%lld",
				  d->path, (long long)d->major, (long long)d->minor);
	n.major = (unsigned int)d->major;
	n.minor = (unsigned int)d->minor;
	if (d->has_file_mode)
		n.perm = d->file_mode & 07777;
	n.has_uid = d->has_uid;
	n.uid = d->uid;
	n.has_gid = d->has_gid;
	n.gid = d->gid;
	*ret = n;

	return 0;
}

static bool config_lists(const struct ct_spec *spec, const char *path)
{
	if (!spec->linux_)
		return false;
	for (size_t i = 0; i < spec->linux_->n_devices; i++)
		if (spec->linux_->devices[i].path &&
		    strcmp(spec->linux_->devices[i].path, path) == 0)
			return true;

	return false;
}

static int link_at(int devfd, const char *name, const char *target, struct ct_err *err)
{
	/* An image's own link of that name is kept, as other runtimes do. */
	if (symlinkat(target, devfd, name) < 0 && errno != EEXIST)
		return ct_err_set(err, errno, "symlink '/dev/%s' -> '%s'", name, target);

	return 0;
}

static int create_links(int devfd, struct ct_err *err)
{
	for (size_t i = 0; i < sizeof(default_links) / sizeof(default_links[0]); i++)
		if (link_at(devfd, default_links[i].name, default_links[i].target, err) < 0)
			return -1;
	if (access("/proc/kcore", F_OK) == 0 && link_at(devfd, "core", "/proc/kcore", err) < 0)
		return -1;

	/* The ptmx of the container's own devpts instance, never a node shared with the host. */
	if (clear_entry(devfd, "ptmx", "/dev/ptmx", err) < 0)
		return -1;

	return link_at(devfd, "ptmx", "pts/ptmx", err);
}

/* The default nodes all live in /dev, resolved once for all of them. */
static int create_default_nodes(int rootfd, const struct ct_spec *spec, bool use_bind,
				struct ct_err *err)
{
	cleanup_close int devfd = -1;

	if (ct_path_mkdir_in_root(rootfd, "/dev", 0755, &devfd, err) < 0)
		return ct_err_wrap(err, "create default devices");
	for (size_t i = 0; i < sizeof(default_node_table) / sizeof(default_node_table[0]); i++) {
		const struct node *n = &default_node_table[i];

		if (config_lists(spec, n->path))
			continue;
		/* "/dev/" and the name: the table holds nothing deeper. */
		if (place_node(devfd, n->path + 5, n, use_bind, err) < 0)
			return -1;
	}

	return create_links(devfd, err);
}

int ct_devices_setup(int rootfd, const struct ct_spec *spec, bool default_nodes, bool use_bind,
		     struct ct_err *err)
{
	if (default_nodes && create_default_nodes(rootfd, spec, use_bind, err) < 0)
		return -1;

	for (size_t i = 0; spec->linux_ && i < spec->linux_->n_devices; i++) {
		struct node n = {0};

		if (node_from_spec(&spec->linux_->devices[i], &n, err) < 0)
			return ct_err_wrap(err, "linux.devices[%zu]", i);
		if (create_node(rootfd, &n, use_bind, err) < 0)
			return -1;
	}

	return 0;
}

int ct_devices_open_checked(int rootfd, const char *path, unsigned int maj, unsigned int min,
			    int *ret_fd, struct ct_err *err)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	cleanup_close int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	struct stat st;

	if (fd < 0)
		return ct_err_set(err, errno, "open '%s'", path);
	if (fstat(fd, &st) < 0)
		return ct_err_set(err, errno, "stat '%s'", path);
	if (S_ISLNK(st.st_mode))
		return ct_err_set(err, ELOOP, "'%s' is a symlink", path);
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != maj || minor(st.st_rdev) != min)
		return ct_err_set(err, ENODEV, "'%s' is not the character device %u:%u", path, maj,
				  min);
	*ret_fd = steal_fd(&fd);

	return 0;
}

/* Unix98 pty slaves live on majors 136 to 143. */
static bool is_pty_slave(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) >= 136 && major(st->st_rdev) <= 143;
}

static int open_console_target(int devfd, int *ret_fd, struct ct_err *err)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	int fd;

	if (fstatat(devfd, "console", &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			return ct_err_set(err, ELOOP, "'/dev/console' is a symlink");
		if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
			return ct_err_set(err, EEXIST, "'/dev/console' is not a file");
	} else if (errno == ENOENT) {
		struct open_how create = how;

		create.flags = O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC;
		create.mode = 0600;
		fd = (int)syscall(SYS_openat2, devfd, "console", &create, sizeof(create));
		if (fd < 0)
			return ct_err_set(err, errno, "create '/dev/console'");
		close(fd);
	} else {
		return ct_err_set(err, errno, "stat '/dev/console'");
	}

	fd = (int)syscall(SYS_openat2, devfd, "console", &how, sizeof(how));
	if (fd < 0)
		return ct_err_set(err, errno, "open '/dev/console'");
	*ret_fd = fd;

	return 0;
}

int ct_rootfs_bind_console_fd(const char *rootfs, int slave_fd, struct ct_err *err)
{
	cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int devfd = -1;
	cleanup_close int target = -1;
	struct stat st;

	if (rootfd < 0)
		return ct_err_set(err, errno, "open rootfs '%s'", rootfs);
	if (fstat(slave_fd, &st) < 0)
		return ct_err_set(err, errno, "stat console");
	if (!is_pty_slave(&st))
		return ct_err_set(err, ENOTTY, "console is not a pty slave");
	if (ct_path_mkdir_in_root(rootfd, "/dev", 0755, &devfd, err) < 0 ||
	    open_console_target(devfd, &target, err) < 0)
		return ct_err_wrap(err, "bind console");

	if (ct_mount_bind_fd_onto(slave_fd, false, target, &(struct ct_mount_opts){0}, -1, false,
				  NULL, err) < 0)
		return ct_err_wrap(err, "bind console");

	return 0;
}

int ct_rootfs_bind_console(const char *slave_path, struct ct_err *err)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	cleanup_close int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = -1;

	if (rootfd < 0)
		return ct_err_set(err, errno, "open '/'");
	fd = (int)syscall(SYS_openat2, rootfd, slave_path, &how, sizeof(how));
	if (fd < 0)
		return ct_err_set(err, errno, "open console '%s'", slave_path);
	if (ct_rootfs_bind_console_fd("/", fd, err) < 0)
		return ct_err_wrap(err, "console '%s'", slave_path);

	return 0;
}
