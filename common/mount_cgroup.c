/* SPDX-License-Identifier: Apache-2.0 */
/* The container's /sys/fs/cgroup on v1, hybrid and cgroup2 hosts. */
#include "common/mount_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cgroup.h"
#include "common/cleanup.h"
#include "common/err.h"
#include "common/json.h"
#include "common/mount.h"
#include "common/mount_apply.h"
#include "common/pathres.h"
#include "common/spec.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

struct cg_mnt {
	char *mountpoint;
	char *root;
	char *fstype;
	char *super_opts;
};

struct cg_list {
	struct cg_mnt *v;
	size_t n;
	char *self_cgroup; /* the text of /proc/self/cgroup, each line ending in NUL */
	size_t self_len;
};

static void cg_list_free(struct cg_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].mountpoint);
		free(l->v[i].root);
		free(l->v[i].fstype);
		free(l->v[i].super_opts);
	}
	free(l->v);
	free(l->self_cgroup);
	l->v = NULL;
	l->self_cgroup = NULL;
	l->n = 0;
}

#define cleanup_cg_list __attribute__((cleanup(cg_list_free)))

/* Our own hierarchies: the cgroup mounts directly under /sys/fs/cgroup, or on it. */
static bool is_hierarchy(const char *mountpoint)
{
	const char *rest;

	if (strcmp(mountpoint, CGROUP_ROOT) == 0)
		return true;
	if (strncmp(mountpoint, CGROUP_ROOT "/", sizeof(CGROUP_ROOT)) != 0)
		return false;
	rest = mountpoint + sizeof(CGROUP_ROOT);

	return rest[0] && !strchr(rest, '/');
}

static int add_mount(struct cg_list *l, const char *mp, const char *root, const char *fstype,
		     const char *super_opts)
{
	struct cg_mnt *grown;

	/* A mountpoint mounted over again: the top one is what a path reaches. */
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].mountpoint, mp) == 0) {
			free(l->v[i].mountpoint);
			free(l->v[i].root);
			free(l->v[i].fstype);
			free(l->v[i].super_opts);
			l->v[i] = l->v[--l->n];
			break;
		}
	}
	grown = realloc(l->v, (l->n + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	l->v = grown;
	grown[l->n] = (struct cg_mnt){strdup(mp), strdup(root), strdup(fstype), strdup(super_opts)};
	if (!grown[l->n].mountpoint || !grown[l->n].root || !grown[l->n].fstype ||
	    !grown[l->n].super_opts) {
		l->n++;
		return -1;
	}
	l->n++;

	return 0;
}

static int parse_line(struct cg_list *l, char *line)
{
	char *f[6] = {0};
	char *save = NULL;
	char *dash = strstr(line, " - ");
	char *tok;
	int i = 0;

	if (!dash)
		return 0;
	*dash = '\0';
	for (tok = strtok_r(line, " ", &save); tok && i < 5; tok = strtok_r(NULL, " ", &save))
		f[i++] = tok;
	if (i < 5)
		return 0;
	save = NULL;
	char *fstype = strtok_r(dash + 3, " ", &save);
	char *source = strtok_r(NULL, " ", &save);
	char *super_opts = strtok_r(NULL, " \n", &save);

	if (!fstype || !source || !super_opts)
		return 0;
	if (strcmp(fstype, "cgroup") != 0 && strcmp(fstype, "cgroup2") != 0)
		return 0;
	if (!is_hierarchy(f[4]))
		return 0;

	return add_mount(l, f[4], f[3], fstype, super_opts);
}

static int read_cgroup_mounts(struct cg_list *l, struct ct_err *err)
{
	cleanup_free char *text = NULL;
	char *save = NULL;

	if (ct_cgroup_mountinfo(&text, err) < 0)
		return -1;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (parse_line(l, line) < 0)
			return ct_err_set(err, ENOMEM, "read '/proc/self/mountinfo'");
	/* Read once here, not once per hierarchy. */
	if (ct_read_file("/proc/self/cgroup", &l->self_cgroup, &l->self_len, err) < 0)
		return -1;
	for (size_t i = 0; i < l->self_len; i++)
		if (l->self_cgroup[i] == '\n')
			l->self_cgroup[i] = '\0';

	return 0;
}

static bool has_word(const char *list, const char *word, size_t wlen)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");

		if (n == wlen && strncmp(p, word, n) == 0)
			return true;
		p += n + (p[n] == ',');
	}

	return false;
}

/* A /proc/self/cgroup controller list belongs to a mount when the mount names all its words. */
static bool controllers_match(const char *ctrls, const char *super_opts)
{
	if (!ctrls[0])
		return false;
	for (const char *p = ctrls; *p;) {
		size_t n = strcspn(p, ",");

		if (!has_word(super_opts, p, n))
			return false;
		p += n + (p[n] == ',');
	}

	return true;
}

/* This process's cgroup in the hierarchy of mount c, as /proc/self/cgroup (in l) says. */
static int own_cgroup(const struct cg_list *l, const struct cg_mnt *c, char **ret_path,
		      struct ct_err *err)
{
	bool v2 = strcmp(c->fstype, "cgroup2") == 0;

	for (const char *next = l->self_cgroup; next < l->self_cgroup + l->self_len;
	     next += strlen(next) + 1) {
		char line[PATH_MAX + 512];
		size_t n = strlen(next);
		char *ctrls, *path;

		if (n >= sizeof(line))
			continue;
		memcpy(line, next, n + 1);
		ctrls = strchr(line, ':');
		path = ctrls ? strchr(ctrls + 1, ':') : NULL;
		if (!path)
			continue;
		*ctrls++ = '\0';
		*path++ = '\0';
		if (v2 ? strcmp(line, "0") == 0 : controllers_match(ctrls, c->super_opts)) {
			*ret_path = strdup(path);
			return *ret_path ? 0 : ct_err_set(err, ENOMEM, "read '/proc/self/cgroup'");
		}
	}

	return ct_err_set(err, ENOENT, "no cgroup of this process in '%s'", c->mountpoint);
}

/* The host directory of our cgroup: the mountpoint plus our path below the mount's root. */
static int host_dir(const struct cg_list *l, const struct cg_mnt *c, char **ret_dir,
		    struct ct_err *err)
{
	char *own = NULL;
	size_t rlen = strcmp(c->root, "/") == 0 ? 0 : strlen(c->root);
	int rc = 0;

	if (own_cgroup(l, c, &own, err) < 0 || !own)
		return -1;
	if (rlen && (strncmp(own, c->root, rlen) != 0 || (own[rlen] && own[rlen] != '/')))
		rc = ct_err_set(err, ENOENT, "cgroup '%s' is outside the mount '%s'", own,
				c->mountpoint);
	else if (asprintf(ret_dir, "%s%s", c->mountpoint, own + rlen) < 0)
		rc = ct_err_set(err, ENOMEM, "build cgroup path");
	/* Freed by hand: the analyzers cannot follow a cleanup attribute here. */
	free(own);

	return rc;
}

static int bind_host_cgroup(const struct cg_list *l, const struct cg_mnt *c, int target,
			    const struct ct_mount_opts *o, struct ct_err *err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int tree = -1;

	if (host_dir(l, c, &dir, err) < 0 || !dir)
		return -1;
	/* Cloned straight from the path: no descriptor of the directory is needed. */
	tree = open_tree(AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return ct_err_set(err, errno, "open '%s'", dir);
	if (ct_mount_attach_tree(tree, target, o, err) < 0)
		return ct_err_wrap(err, "bind '%s'", dir);

	return 0;
}

/* Fresh in a cgroup namespace, with the host mount's own controller words. */
static int mount_fresh_cgroup(const struct cg_mnt *c, int target, const struct ct_mount_opts *o,
			      struct ct_err *err)
{
	struct ct_mount_opts fresh = *o;
	char words[1024];
	char data[1024];
	char *save = NULL;
	size_t len = 0;

	if (strlen(c->super_opts) >= sizeof(words))
		return ct_err_set(err, E2BIG, "cgroup options of '%s'", c->mountpoint);
	memcpy(words, c->super_opts, strlen(c->super_opts) + 1);
	/* "rw"/"ro" are the mount's business, the rest names the hierarchy. */
	for (char *w = strtok_r(words, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (strcmp(w, "rw") == 0 || strcmp(w, "ro") == 0)
			continue;
		len += (size_t)sprintf(data + len, "%s%s", len ? "," : "", w);
	}
	data[len] = '\0';
	fresh.data = len ? data : NULL;
	fresh.propagation = 0;
	if (ct_mount_fs_onto(target, c->fstype, c->fstype, &fresh, NULL, err) < 0)
		return ct_err_wrap(err, "mount %s '%s'", c->fstype, c->mountpoint);

	return 0;
}

static int mount_hierarchy(const struct cg_list *l, const struct cg_mnt *c, int target,
			   const struct ct_mount_opts *o, bool has_ns, struct ct_err *err)
{
	struct ct_mount_opts sub = *o;

	sub.data = NULL;
	sub.propagation = 0;
	sub.sb_flags = sub.sb_clear = 0;
	if (has_ns)
		return mount_fresh_cgroup(c, target, &sub, err);
	/* The tree's one recursive call gives a bind its words (mount_v1_tree). */
	sub.attr_set = sub.attr_clr = sub.rec_set = sub.rec_clr = 0;

	return bind_host_cgroup(l, c, target, &sub, err);
}

static const struct cg_mnt *find_unified(const struct cg_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].fstype, "cgroup2") == 0)
			return &l->v[i];

	return NULL;
}

/* Merged hierarchies ("cpu,cpuacct") get a link per controller, as on the host. */
static void link_merged(int dirfd, const char *name)
{
	if (!strchr(name, ','))
		return;
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, ",");
		char part[64];

		if (n < sizeof(part)) {
			memcpy(part, p, n);
			part[n] = '\0';
			if (symlinkat(name, dirfd, part) < 0 && errno != EEXIST)
				break;
		}
		p += n + (p[n] == ',');
	}
}

static int mount_v1_tree(int rootfd, const struct ct_mount *m, const struct ct_mount_opts *o,
			 const struct cg_list *l, bool has_ns, struct ct_err *err)
{
	struct ct_mount_opts tmpfs = {.attr_set = o->attr_set & ~(uint64_t)MOUNT_ATTR_RDONLY,
				      .data = (char *)"mode=755"};
	cleanup_close int target = -1;
	cleanup_close int mnt = -1;

	if (ct_path_mkdir_in_root(rootfd, m->destination, 0755, &target, err) < 0)
		return -1;
	if (ct_mount_fs_onto(target, "tmpfs", "cgroup", &tmpfs, &mnt, err) < 0)
		return ct_err_wrap(err, "mount tmpfs for cgroups");

	for (size_t i = 0; i < l->n; i++) {
		const char *name = strrchr(l->v[i].mountpoint, '/') + 1;
		cleanup_close int sub = -1;

		if (strcmp(l->v[i].mountpoint, CGROUP_ROOT) == 0)
			continue;
		/* The tmpfs is ours and fresh, and name one component: no resolving needed. */
		if (mkdirat(mnt, name, 0755) < 0)
			return ct_err_set(err, errno, "mkdir '%s/%s'", m->destination, name);
		sub = openat(mnt, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			return ct_err_set(err, errno, "open '%s/%s'", m->destination, name);
		if (mount_hierarchy(l, &l->v[i], sub, o, has_ns, err) < 0)
			return -1;
		link_merged(mnt, name);
	}

	/*
	 * The mount's words (ro, nosuid, ...) on the tmpfs and every hierarchy below it at
	 * once, recursive ones first as on any mount: a dozen binds need no call each.
	 */
	for (int pass = 0; pass < 2; pass++) {
		struct mount_attr attr = {.attr_set = pass ? o->attr_set : o->rec_set,
					  .attr_clr = pass ? o->attr_clr : o->rec_clr};

		if ((attr.attr_set | attr.attr_clr) != 0 &&
		    mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
			return ct_err_set(err, errno, "set the attributes of '%s'", m->destination);
	}

	return ct_mount_set_propagation(mnt, o, err);
}

int ct_mount_cgroup(int rootfd, const struct ct_mount *m, const struct ct_mount_opts *opts,
		    bool has_cgroup_ns, struct ct_err *err)
{
	cleanup_cg_list struct cg_list l = {0};
	const struct cg_mnt *unified;
	cleanup_close int target = -1;
	bool want_v2 = strcmp(m->type, "cgroup2") == 0;

	if (read_cgroup_mounts(&l, err) < 0)
		return -1;
	unified = find_unified(&l);
	if (unified && strcmp(unified->mountpoint, CGROUP_ROOT) == 0)
		want_v2 = true;
	if (!want_v2)
		return mount_v1_tree(rootfd, m, opts, &l, has_cgroup_ns, err);

	if (!unified)
		return ct_err_set(err, ENOENT, "no cgroup2 hierarchy on the host");
	if (ct_path_mkdir_in_root(rootfd, m->destination, 0755, &target, err) < 0)
		return -1;
	if (has_cgroup_ns) {
		if (ct_mount_fs_onto(target, "cgroup2", "cgroup2", opts, NULL, err) < 0)
			return ct_err_wrap(err, "mount cgroup2");
		return 0;
	}

	return bind_host_cgroup(&l, unified, target, opts, err);
}
