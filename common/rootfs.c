/* SPDX-License-Identifier: Apache-2.0 */
/* The container's root filesystem: prepare in the init, pivot, finish, and undo on the host. */
#include "common/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/devices.h"
#include "common/err.h"
#include "common/mount.h"
#include "common/mount_apply.h"
#include "common/mount_cgroup.h"
#include "common/pathres.h"
#include "common/spec.h"

/* Set by ct_rootfs_prepare in the init: the host's mounts must then never be moved or pivoted. */
static bool prepared_without_mount_ns;
/* Set by ct_rootfs_prepare: every mount of ours is a slave or private, none shared. */
static bool prepared_unshared;

static bool has_ns(const struct ct_spec *spec, enum ct_ns_type type)
{
	return ct_spec_find_ns(spec, type) != NULL;
}

static bool is_type(const struct ct_mount *m, const char *type)
{
	return m->type && strcmp(m->type, type) == 0;
}

/* "/dev", "/dev/", "//dev" all name the same place. */
static bool same_dest(const char *dest, const char *want)
{
	while (*dest == '/')
		dest++;
	while (*want == '/')
		want++;
	size_t n = strlen(want);

	return strncmp(dest, want, n) == 0 && strspn(dest + n, "/") == strlen(dest + n);
}

static int root_propagation(const struct ct_spec *spec, unsigned long *ret, struct ct_err *err)
{
	const char *name = spec->linux_ ? spec->linux_->rootfs_propagation : NULL;
	long flags;

	*ret = 0;
	if (!name)
		return 0;
	flags = ct_mount_propagation_from_name(name);
	if (flags < 0)
		return ct_err_set(err, EINVAL, "unknown rootfsPropagation '%s'", name);
	*ret = (unsigned long)flags;

	return 0;
}

/* Decodes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* Field 5 of a mountinfo line (the mount point, unescaped), and whether it is shared. */
static char *mountinfo_point(char *line, bool *is_shared)
{
	char *save = NULL;
	char *f = strtok_r(line, " ", &save);
	char *point = NULL;

	for (int i = 1; f && i < 5; i++)
		f = strtok_r(NULL, " ", &save);
	point = f;
	if (point)
		unescape(point);
	*is_shared = false;
	for (f = strtok_r(NULL, " ", &save); f && strcmp(f, "-") != 0;
	     f = strtok_r(NULL, " ", &save))
		if (strncmp(f, "shared:", 7) == 0)
			*is_shared = true;

	return point;
}

static bool path_at_or_below(const char *path, const char *top)
{
	size_t n = strlen(top);

	if (strcmp(top, "/") == 0)
		return true;

	return strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/*
 * pivot_root refuses a new root whose parent mount is shared; with a shared
 * rootfsPropagation the mount holding rootfs is made private first (as runc).
 */
static int make_parent_private(const char *rootfs, struct ct_err *err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	char best[PATH_MAX] = "";
	bool best_shared = false;
	size_t cap = 0;

	if (!f)
		return ct_err_set(err, errno, "open '/proc/self/mountinfo'");
	while (getline(&line, &cap, f) > 0) {
		bool shared;
		char *point = mountinfo_point(line, &shared);

		if (!point || !path_at_or_below(rootfs, point))
			continue;
		if (strlen(point) >= strlen(best) && strlen(point) < sizeof(best)) {
			memcpy(best, point, strlen(point) + 1);
			best_shared = shared;
		}
	}
	if (best[0] && best_shared && mount(NULL, best, NULL, MS_PRIVATE, NULL) < 0)
		return ct_err_set(err, errno, "make '%s' private", best);

	return 0;
}

/* proc and sysfs are what the runtime and the container trust most: no symlink on the way. */
static int open_strict_dir(int rootfd, const char *dest, const char *type, int *ret_fd,
			   struct ct_err *err)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, rootfd, dest, &how, sizeof(how));

	if (fd < 0 && errno == ENOENT) {
		int made;

		if (ct_path_mkdir_in_root(rootfd, dest, 0755, &made, err) < 0)
			return -1;
		close(made);
		fd = (int)syscall(SYS_openat2, rootfd, dest, &how, sizeof(how));
	}
	if (fd < 0 && errno == ELOOP)
		return ct_err_set(err, ELOOP, "%s destination '%s' passes through a symlink", type,
				  dest);
	if (fd < 0)
		return ct_err_set(err, errno, "open '%s' in the rootfs", dest);
	*ret_fd = fd;

	return 0;
}

/* Trees made on the host side by ct_rootfs_idmap_open, by mount index; owned here once handed in.
 */
static int *premade_trees;
static size_t n_premade_trees;

/* Where relative bind sources are found: the bundle, once ct_rootfs_set_bundle said so. */
static char bundle_dir[PATH_MAX];

void ct_rootfs_set_bundle(const char *bundle)
{
	snprintf(bundle_dir, sizeof(bundle_dir), "%s", bundle ? bundle : "");
}

static int open_source(const char *source)
{
	char path[PATH_MAX];

	if (source[0] == '/' || !bundle_dir[0])
		return open(source, O_PATH | O_CLOEXEC);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", bundle_dir, source) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}

	return open(path, O_PATH | O_CLOEXEC);
}

static bool wants_idmap(const struct ct_mount *m, const struct ct_mount_opts *o)
{
	return o->want_idmap || o->want_ridmap || m->n_uid_mappings || m->n_gid_mappings;
}

static bool idmap_is_rec(const struct ct_mount_opts *o)
{
	return o->want_ridmap || (o->is_rbind && !o->want_idmap);
}

static int take_premade(size_t index)
{
	int fd;

	if (index >= n_premade_trees || !premade_trees)
		return -1;
	fd = premade_trees[index];
	premade_trees[index] = -1;

	return fd;
}

/* What a container may mount inside its /proc: lxcfs's files (runc's list). */
static const char *const proc_mount_ok[] = {
	"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",  "/proc/stat",    "/proc/swaps",
	"/proc/uptime",	 "/proc/loadavg",   "/proc/slabinfo", "/proc/net/dev", NULL,
};

/*
 * A mount landing on procfs (a /proc path, or a symlink in the image leading there) could
 * cover what the runtime later writes, such as /proc/self/oom_score_adj or a sysctl, and send
 * the write to the mount's source on the host: refused unless it is a proc of its own or a
 * file of the list above.
 */
static int refuse_inside_proc(int rootfd, int target, const struct ct_mount *m, struct ct_err *err)
{
	char root[PATH_MAX], path[PATH_MAX], link[64];
	struct statfs sfs;
	ssize_t n, r;

	if (fstatfs(target, &sfs) < 0)
		return ct_err_set(err, errno, "statfs '%s'", m->destination);
	if (sfs.f_type != PROC_SUPER_MAGIC || is_type(m, "proc"))
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", rootfd);
	r = readlink(link, root, sizeof(root) - 1);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", target);
	n = readlink(link, path, sizeof(path) - 1);
	/* The path below the rootfs, as the kernel resolved it. */
	if (r > 1 && n > r && strncmp(path, root, (size_t)r) == 0) {
		path[n] = '\0';
		for (size_t i = 0; proc_mount_ok[i]; i++)
			if (strcmp(path + r, proc_mount_ok[i]) == 0)
				return 0;
	}
	return ct_err_set(err, 0, "destination resolves inside /proc: refused");
}

static int bind_target(int rootfd, const struct ct_mount *m, int src, int *ret_fd,
		       struct ct_err *err)
{
	cleanup_close int fd = -1;
	struct stat st;

	if (fstat(src, &st) < 0)
		return ct_err_set(err, errno, "stat bind source '%s'", m->source);
	if (S_ISDIR(st.st_mode) ? ct_path_mkdir_in_root(rootfd, m->destination, 0755, &fd, err)
				: ct_path_mkfile_in_root(rootfd, m->destination, &fd, err))
		return -1;
	if (refuse_inside_proc(rootfd, fd, m, err) < 0)
		return -1;
	*ret_fd = steal_fd(&fd);

	return 0;
}

static int mount_bind(int rootfd, const struct ct_mount *m, size_t index,
		      const struct ct_mount_opts *o, struct ct_err *err)
{
	cleanup_close int tree = take_premade(index);
	cleanup_close int src = -1;
	cleanup_close int target = -1;
	cleanup_close int userns = -1;

	if (tree >= 0) {
		if (bind_target(rootfd, m, tree, &target, err) < 0)
			return -1;
		return ct_mount_attach_tree(tree, target, o, err);
	}
	if (!m->source)
		return ct_err_set(err, EINVAL, "bind mount needs a source");
	src = open_source(m->source);
	if (src < 0)
		return ct_err_set(err, errno, "open bind source '%s'", m->source);
	if (bind_target(rootfd, m, src, &target, err) < 0)
		return -1;
	/*
	 * LIMITATION: in a user namespace the init may not ID-map the host's
	 * filesystems; unless the runtime made the tree on the host side
	 * (ct_rootfs_idmap_open), "set ID mapping: Operation not permitted".
	 */
	if (wants_idmap(m, o) && ct_mount_idmap_userns(m, &userns, err) < 0)
		return -1;

	return ct_mount_bind_fd_onto(src, o->is_rbind, target, o, userns, idmap_is_rec(o), NULL,
				     err);
}

static int idmap_tree(const struct ct_mount *m, const struct ct_mount_opts *o, int *ret_tree,
		      struct ct_err *err)
{
	cleanup_close int src = -1;
	cleanup_close int userns = -1;

	if (!m->source)
		return ct_err_set(err, EINVAL, "bind mount needs a source");
	src = open_source(m->source);
	if (src < 0)
		return ct_err_set(err, errno, "open bind source '%s'", m->source);
	if (ct_mount_idmap_userns(m, &userns, err) < 0)
		return -1;

	return ct_mount_clone_tree(src, o->is_rbind, userns, idmap_is_rec(o), ret_tree, err);
}

static void close_trees(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

int ct_rootfs_idmap_open(const struct ct_spec *spec, int *ret_fds, struct ct_err *err)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		ret_fds[i] = -1;

	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct ct_mount *m = &spec->mounts[i];
		struct ct_mount_opts o;
		int rc = 0;

		if (ct_mount_opts_parse(m->options.v, m->options.n, &o, NULL) < 0)
			continue; /* ct_rootfs_prepare reports it */
		if ((o.is_bind || is_type(m, "bind")) && wants_idmap(m, &o))
			rc = idmap_tree(m, &o, &ret_fds[i], err);
		ct_mount_opts_free(&o);
		if (rc < 0) {
			close_trees(ret_fds, spec->n_mounts);
			return ct_err_wrap(err, "idmapped mount '%s'", m->destination);
		}
	}

	return 0;
}

void ct_rootfs_use_idmapped(int *fds, size_t n)
{
	if (premade_trees)
		close_trees(premade_trees, n_premade_trees);
	premade_trees = fds;
	n_premade_trees = n;
}

/* devpts without ptmxmode makes pts/ptmx mode 000 and /dev/ptmx unusable. */
static int devpts_opts(const struct ct_mount_opts *o, struct ct_mount_opts *ret, char **ret_data,
		       struct ct_err *err)
{
	*ret = *o;
	*ret_data = NULL;
	if (o->data && (strncmp(o->data, "ptmxmode=", 9) == 0 || strstr(o->data, ",ptmxmode=")))
		return 0;
	if (asprintf(ret_data, "%s%sptmxmode=0666", o->data ? o->data : "", o->data ? "," : "") < 0)
		return ct_err_set(err, ENOMEM, "build devpts options");
	ret->data = *ret_data;

	return 0;
}

/*
 * Where the kernel refuses a fresh sysfs or mqueue (a user namespace not
 * owning the network or IPC namespace), the host's is bound instead, as runc.
 */
static const char *fallback_source(const char *type)
{
	if (strcmp(type, "sysfs") == 0)
		return "/sys";
	if (strcmp(type, "mqueue") == 0)
		return "/dev/mqueue";

	return NULL;
}

static int mount_fs(int rootfd, const struct ct_mount *m, const struct ct_mount_opts *o,
		    struct ct_err *err)
{
	cleanup_close int target = -1;
	cleanup_close int src = -1;
	cleanup_free char *data = NULL;
	struct ct_mount_opts eff = *o;
	const char *fallback = fallback_source(m->type);
	bool strict = is_type(m, "proc") || is_type(m, "sysfs");

	if (strict ? open_strict_dir(rootfd, m->destination, m->type, &target, err)
		   : ct_path_mkdir_in_root(rootfd, m->destination, 0755, &target, err))
		return -1;
	if (refuse_inside_proc(rootfd, target, m, err) < 0)
		return -1;
	if (is_type(m, "devpts") && devpts_opts(o, &eff, &data, err) < 0)
		return -1;
	if (o->want_copyup && !is_type(m, "tmpfs"))
		return ct_err_set(err, EINVAL, "option 'tmpcopyup' needs a tmpfs");
	if (ct_mount_fs_onto(target, m->type, m->source, &eff, NULL, err) == 0)
		return 0;
	if (!fallback || err->errnum != EPERM)
		return -1;

	src = open(fallback, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (src < 0)
		return ct_err_set(err, errno, "open '%s'", fallback);
	eff.data = NULL;

	return ct_mount_bind_fd_onto(src, true, target, &eff, -1, false, NULL, err);
}

static int mount_remount(int rootfd, const struct ct_mount *m, const struct ct_mount_opts *o,
			 struct ct_err *err)
{
	cleanup_close int target = -1;

	if (ct_path_open_in_root(rootfd, m->destination, O_PATH, &target, err) < 0)
		return -1;

	return ct_mount_remount(target, o, err);
}

static int mount_entry(int rootfd, const struct ct_spec *spec, size_t index, struct ct_err *err)
{
	const struct ct_mount *m = &spec->mounts[index];
	struct ct_mount_opts o;
	int rc;

	if (!m->destination || !m->destination[0])
		return ct_err_set(err, EINVAL, "mount without a destination");
	if (ct_mount_opts_parse(m->options.v, m->options.n, &o, err) < 0)
		return ct_err_wrap(err, "mount '%s'", m->destination);

	/* "remount" changes what an earlier entry mounted there, whatever the type says. */
	if (o.is_remount)
		rc = mount_remount(rootfd, m, &o, err);
	else if (o.is_bind || is_type(m, "bind"))
		rc = mount_bind(rootfd, m, index, &o, err);
	else if (!m->type)
		rc = ct_err_set(err, EINVAL, "mount has no type");
	else if (is_type(m, "cgroup") || is_type(m, "cgroup2"))
		rc = ct_mount_cgroup(rootfd, m, &o, has_ns(spec, CT_NS_CGROUP), err);
	else
		rc = mount_fs(rootfd, m, &o, err);
	ct_mount_opts_free(&o);
	if (rc < 0)
		return ct_err_wrap(err, "mount '%s' on '%s'", m->type ? m->type : "bind",
				   m->destination);

	return 0;
}

/* The runtime fills /dev unless the config binds a /dev of its own (runc's rule). */
static bool wants_default_dev(const struct ct_spec *spec)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct ct_mount *m = &spec->mounts[i];
		struct ct_mount_opts o;
		bool bind;

		if (!m->destination || !same_dest(m->destination, "/dev"))
			continue;
		if (ct_mount_opts_parse(m->options.v, m->options.n, &o, NULL) < 0)
			continue;
		bind = o.is_bind || is_type(m, "bind");
		ct_mount_opts_free(&o);
		if (bind)
			return false;
	}

	return true;
}

int ct_rootfs_prepare(const struct ct_spec *spec, const char *rootfs, struct ct_err *err)
{
	cleanup_close int rootfd = -1;
	unsigned long propagation;

	prepared_without_mount_ns = !has_ns(spec, CT_NS_MOUNT);
	if (root_propagation(spec, &propagation, err) < 0)
		return -1;
	if (!prepared_without_mount_ns) {
		/* Nothing the container mounts may reach the host: slave unless asked otherwise. */
		if (!propagation)
			propagation = MS_SLAVE | MS_REC;
		if (mount(NULL, "/", NULL, propagation, NULL) < 0)
			return ct_err_set(err, errno, "set propagation of '/'");
		prepared_unshared =
			(propagation & MS_REC) && (propagation & (MS_SLAVE | MS_PRIVATE));
		/* After a recursive slave, private or unbindable no mount is shared: no need to
		 * read mountinfo for the one holding the rootfs. */
		if (((propagation & MS_SHARED) || !(propagation & MS_REC)) &&
		    make_parent_private(rootfs, err) < 0)
			return -1;
	}
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return ct_err_set(err, errno, "bind rootfs '%s'", rootfs);

	rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ct_err_set(err, errno, "open rootfs '%s'", rootfs);
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (mount_entry(rootfd, spec, i, err) < 0)
			return -1;
	if (ct_devices_setup(rootfd, spec, wants_default_dev(spec), has_ns(spec, CT_NS_USER), err) <
	    0)
		return ct_err_wrap(err, "set up devices");

	return 0;
}

int ct_rootfs_pivot(const char *rootfs, bool no_pivot, struct ct_err *err)
{
	cleanup_close int oldroot = -1;
	cleanup_close int newroot = -1;

	if (prepared_without_mount_ns || no_pivot) {
		if (chdir(rootfs) < 0)
			return ct_err_set(err, errno, "chdir '%s'", rootfs);
		if (!prepared_without_mount_ns && mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
			return ct_err_set(err, errno, "move '%s' to '/'", rootfs);
		if (chroot(".") < 0)
			return ct_err_set(err, errno, "chroot '%s'", rootfs);
		if (chdir("/") < 0)
			return ct_err_set(err, errno, "chdir '/'");
		return 0;
	}

	oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0)
		return ct_err_set(err, errno, "open '/'");
	newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (newroot < 0)
		return ct_err_set(err, errno, "open '%s'", rootfs);
	if (fchdir(newroot) < 0)
		return ct_err_set(err, errno, "chdir '%s'", rootfs);
	/* Old and new root stacked on "."; no directory in the image is needed for the old one. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return ct_err_set(err, errno, "pivot_root '%s'", rootfs);
	if (fchdir(oldroot) < 0)
		return ct_err_set(err, errno, "chdir to the old root");
	/*
	 * Slave first, so detaching the old root's mounts never propagates an unmount to the host;
	 * after a recursive slave or private propagation at prepare they are so already.
	 */
	if (!prepared_unshared && mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return ct_err_set(err, errno, "make the old root slave");
	if (umount2(".", MNT_DETACH) < 0)
		return ct_err_set(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return ct_err_set(err, errno, "chdir '/'");

	return 0;
}

static bool spec_mounts_proc(const struct ct_spec *spec)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (is_type(&spec->mounts[i], "proc") && spec->mounts[i].destination &&
		    same_dest(spec->mounts[i].destination, "/proc"))
			return true;

	return false;
}

static bool list_has_proc_path(const struct ct_strv *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (same_dest(l->v[i], "/proc") || strncmp(l->v[i], "/proc/", 6) == 0)
			return true;

	return false;
}

/* Masking /proc files on something else than the proc we mounted would leave the real ones open. */
static int check_proc(int rootfd, const struct ct_spec *spec, struct ct_err *err)
{
	cleanup_close int fd = -1;

	if (!spec_mounts_proc(spec) || !spec->linux_ ||
	    (!list_has_proc_path(&spec->linux_->masked_paths) &&
	     !list_has_proc_path(&spec->linux_->readonly_paths)))
		return 0;
	if (open_strict_dir(rootfd, "/proc", "proc", &fd, err) < 0)
		return -1;

	return ct_fd_check_fs(fd, PROC_SUPER_MAGIC, "'/proc'", err);
}

/* What masks a path: /dev/null for a file, an empty read-only tmpfs for a directory. */
struct masks {
	int devnull;
	int empty_dir; /* the first directory's tmpfs: the others get binds of it */
};

static void masks_close(struct masks *k)
{
	if (k->devnull >= 0)
		close(k->devnull);
	if (k->empty_dir >= 0)
		close(k->empty_dir);
}

static int mask_path(int rootfd, const char *path, struct masks *k, struct ct_err *err)
{
	cleanup_close int target = -1;
	struct stat st;

	if (ct_path_open_in_root(rootfd, path, O_PATH, &target, err) < 0)
		return err->errnum == ENOENT ? 0 : -1;
	if (fstat(target, &st) < 0)
		return ct_err_set(err, errno, "stat '%s'", path);

	if (S_ISDIR(st.st_mode)) {
		struct ct_mount_opts o = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
						      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
					  .sb_flags = MS_RDONLY};

		/* One empty filesystem serves every directory: a superblock less to make
		 * and to tear down for each. The superblock itself is read-only, so that
		 * remounting one mask writable opens none of them. */
		if (k->empty_dir >= 0)
			return ct_mount_bind_fd_onto(k->empty_dir, false, target, &o, -1, false,
						     NULL, err);
		return ct_mount_fs_onto(target, "tmpfs", "tmpfs", &o, &k->empty_dir, err);
	}
	/* Opened and checked once, on first need; the mount is cloned from that very fd. */
	if (k->devnull < 0 &&
	    ct_devices_open_checked(rootfd, "/dev/null", 1, 3, &k->devnull, err) < 0)
		return -1;

	return ct_mount_bind_fd_onto(k->devnull, false, target, &(struct ct_mount_opts){0}, -1,
				     false, NULL, err);
}

static int readonly_path(int rootfd, const char *path, struct ct_err *err)
{
	struct ct_mount_opts o = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
				  .rec_set = MOUNT_ATTR_RDONLY};
	cleanup_close int target = -1;

	if (ct_path_open_in_root(rootfd, path, O_PATH, &target, err) < 0)
		return err->errnum == ENOENT ? 0 : -1;

	/*
	 * Read-only reaches what is mounted below (binfmt_misc) too; nodev and
	 * the rest stay on the top, so a device bound below keeps working.
	 */
	return ct_mount_bind_fd_onto(target, true, target, &o, -1, false, NULL, err);
}

static int readonly_root(int rootfd, struct ct_err *err)
{
	/* Only the read-only bit is added: locked nosuid/nodev/noexec stay as they are. */
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

	if (mount_setattr(rootfd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return ct_err_set(err, errno, "remount '/' read-only");

	return 0;
}

int ct_rootfs_finish(const struct ct_spec *spec, struct ct_err *err)
{
	cleanup_close int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	__attribute__((cleanup(masks_close))) struct masks masks = {-1, -1};
	const struct ct_linux *lx = spec->linux_;
	unsigned long propagation;

	if (rootfd < 0)
		return ct_err_set(err, errno, "open '/'");
	if (root_propagation(spec, &propagation, err) < 0)
		return -1;
	if (propagation && !prepared_without_mount_ns) {
		struct mount_attr attr = {.propagation = propagation & ~(unsigned long)MS_REC};
		unsigned int flags = AT_EMPTY_PATH | ((propagation & MS_REC) ? AT_RECURSIVE : 0);

		if (mount_setattr(rootfd, "", flags, &attr, sizeof(attr)) < 0)
			return ct_err_set(err, errno, "set propagation of '/'");
	}
	if (check_proc(rootfd, spec, err) < 0)
		return -1;

	/* Read-only first, masks last: a mask under a read-only path stays a usable /dev/null. */
	for (size_t i = 0; lx && i < lx->readonly_paths.n; i++)
		if (readonly_path(rootfd, lx->readonly_paths.v[i], err) < 0)
			return ct_err_wrap(err, "make '%s' read-only", lx->readonly_paths.v[i]);
	for (size_t i = 0; lx && i < lx->masked_paths.n; i++)
		if (mask_path(rootfd, lx->masked_paths.v[i], &masks, err) < 0)
			return ct_err_wrap(err, "mask '%s'", lx->masked_paths.v[i]);
	if (spec->root_readonly && readonly_root(rootfd, err) < 0)
		return -1;

	return 0;
}

/*
 * The topmost of the mounts stacked at top (the one no other mount at top sits on), by
 * mountinfo's ids; 0 when top is no mount point.
 */
static int topmost_at(const char *top, int *ret_id, struct ct_err *err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	int ids[64], parents[64];
	size_t cap = 0, n = 0;

	*ret_id = 0;
	if (!f)
		return ct_err_set(err, errno, "open '/proc/self/mountinfo'");
	while (getline(&line, &cap, f) > 0 && n < 64) {
		char *end = NULL, *point;
		long id = strtol(line, &end, 10);
		long parent = strtol(end, &end, 10);
		bool shared;

		if (id <= 0 || parent < 0 || *end != ' ')
			continue;
		point = mountinfo_point(line, &shared);
		if (point && strcmp(point, top) == 0) {
			ids[n] = (int)id;
			parents[n++] = (int)parent;
		}
	}
	for (size_t i = n; i-- > 0;) {
		bool covered = false;

		for (size_t j = 0; j < n; j++)
			covered = covered || parents[j] == ids[i];
		if (!covered) {
			*ret_id = ids[i];
			break;
		}
	}

	return 0;
}

int ct_rootfs_base_mount(const char *rootfs, int *ret_id, struct ct_err *err)
{
	char top[PATH_MAX];

	if (!realpath(rootfs, top))
		return ct_err_set(err, errno, "resolve '%s'", rootfs);

	return topmost_at(top, ret_id, err);
}

int ct_rootfs_cleanup(const char *rootfs, int base_id, struct ct_err *err)
{
	char top[PATH_MAX];

	if (!realpath(rootfs, top))
		return errno == ENOENT ? 0 : ct_err_set(err, errno, "resolve '%s'", rootfs);
	if (strcmp(top, "/") == 0)
		return ct_err_set(err, EINVAL, "refuse to unmount everything below '/'");

	/*
	 * Only what is stacked above the host's own mount: detaching the runtime's bind of the
	 * rootfs takes every mount below it along, while the host's mounts under the rootfs are
	 * children of the mount beneath and stay (an engine's overlay rootfs, say).
	 */
	for (int pass = 0; pass < 16; pass++) {
		int id;

		if (topmost_at(top, &id, err) < 0)
			return -1;
		if (id == 0 || id == base_id)
			return 0;
		if (umount2(top, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
			return ct_err_set(err, errno, "unmount '%s'", top);
	}

	return ct_err_set(err, EBUSY, "mounts remain at '%s'", top);
}
