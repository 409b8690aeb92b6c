/* SPDX-License-Identifier: Apache-2.0 */
/* Finding the host's cgroup layout, and creating, entering and removing a container's cgroups. */
#include "common/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "common/cgroup_priv.h"
#include "common/cleanup.h"
#include "common/err.h"
#include "common/json.h"
#include "common/log.h"
#include "common/spec.h"

#define CG_ROOT "/sys/fs/cgroup"

const char *ct_cgroup_mode_name(enum ct_cgroup_mode mode)
{
	switch (mode) {
	case CT_CGROUP_V1:
		return "v1";
	case CT_CGROUP_V2:
		return "v2";
	case CT_CGROUP_HYBRID:
		return "hybrid";
	}
	return "unknown";
}

int ct_cgroup_detect(enum ct_cgroup_mode *ret_mode, struct ct_err *err)
{
	struct statfs fs;

	if (statfs(CG_ROOT, &fs) < 0)
		return ct_err_set(err, errno, "statfs '%s'", CG_ROOT);
	if (fs.f_type == CGROUP2_SUPER_MAGIC) {
		*ret_mode = CT_CGROUP_V2;
		return 0;
	}
	if (fs.f_type != TMPFS_MAGIC)
		return ct_err_set(err, ENOTSUP,
				  "'%s' is neither cgroup2 nor a tmpfs of v1 hierarchies", CG_ROOT);

	/* systemd's hybrid layout mounts the unified hierarchy here; older ones used "systemd". */
	if (statfs(CG_ROOT "/unified", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
		*ret_mode = CT_CGROUP_HYBRID;
	else
		*ret_mode = CT_CGROUP_V1;

	return 0;
}

static bool list_has(const char *list, const char *word, char sep)
{
	size_t wlen = strlen(word);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, sep);
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == wlen && strncmp(p, word, wlen) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}

	return false;
}

/* cgroup.controllers is space separated and ends in a newline. */
static bool v2_has_controller(const char *dir, const char *controller)
{
	cleanup_free char *buf = NULL;
	struct ct_err ignored;
	char *nl;

	if (cg_read(dir, "cgroup.controllers", &buf, &ignored) < 0)
		return false;
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';

	return list_has(buf, controller, ' ');
}

const struct cg_dir *cg_v2_dir(const struct ct_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->dirs[i].is_v2)
			return &cg->dirs[i];
	return NULL;
}

const struct cg_dir *cg_dir_of(const struct ct_cgroup *cg, const char *controller)
{
	const struct cg_dir *v2 = NULL;

	for (size_t i = 0; i < cg->n; i++) {
		if (cg->dirs[i].is_v2)
			v2 = &cg->dirs[i];
		else if (list_has(cg->dirs[i].ctrls, controller, ','))
			return &cg->dirs[i];
	}
	if (v2 && v2_has_controller(v2->path, controller))
		return v2;

	return NULL;
}

const char *ct_cgroup_path(const struct ct_cgroup *cg, const char *controller)
{
	const struct cg_dir *d;

	if (!controller || !*controller) {
		d = cg_v2_dir(cg);
		return d ? d->path : NULL;
	}
	d = cg_dir_of(cg, controller);

	return d ? d->path : NULL;
}

enum ct_cgroup_mode ct_cgroup_get_mode(const struct ct_cgroup *cg)
{
	return cg->mode;
}

void ct_cgroup_free(struct ct_cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++) {
		free(cg->dirs[i].ctrls);
		free(cg->dirs[i].path);
	}
	free(cg->dirs);
	free(cg);
}

/* Appends a directory; returns it, or NULL (ENOMEM in err). */
static struct cg_dir *add_dir(struct ct_cgroup *cg, const char *ctrls, const char *path, bool is_v2,
			      struct ct_err *err)
{
	struct cg_dir *grown = realloc(cg->dirs, (cg->n + 1) * sizeof(*grown));
	struct cg_dir *d;

	if (!grown) {
		ct_err_set(err, ENOMEM, "add cgroup '%s'", path);
		return NULL;
	}
	cg->dirs = grown;
	d = &grown[cg->n];
	*d = (struct cg_dir){.ctrls = strdup(ctrls), .path = strdup(path), .is_v2 = is_v2};
	if (!d->ctrls || !d->path) {
		free(d->ctrls);
		free(d->path);
		ct_err_set(err, ENOMEM, "add cgroup '%s'", path);
		return NULL;
	}
	cg->n++;

	return d;
}

/* ---- where the hierarchies are and where we are in them ---- */

/* A cgroup mount below /sys/fs/cgroup, its fields pointing into the mountinfo text. */
struct mi_entry {
	const char *root, *mnt, *fstype, *opts;
};

struct mi_table {
	struct mi_entry *v;
	size_t n;
};

/*
 * Splits /proc/self/mountinfo's text in place into its cgroup mounts below
 * /sys/fs/cgroup. Read and parsed once for all hierarchies: the kernel formats
 * every mount on each read. A line: "36 25 0:31 /ROOT /POINT opts [tags] - TYPE SOURCE SUPER".
 */
static int parse_mountinfo(char *text, struct mi_table *t, struct ct_err *err)
{
	char *save_line = NULL;

	for (char *line = strtok_r(text, "\n", &save_line); line;
	     line = strtok_r(NULL, "\n", &save_line)) {
		char *f[64];
		char *save = NULL;
		size_t n = 0, dash = 0;
		struct mi_entry *grown;

		for (char *w = strtok_r(line, " ", &save); w && n < 64;
		     w = strtok_r(NULL, " ", &save))
			f[n++] = w;
		for (size_t i = 6; i < n && !dash; i++)
			if (strcmp(f[i], "-") == 0)
				dash = i;
		if (!dash || dash + 3 >= n)
			continue;
		if ((strcmp(f[dash + 1], "cgroup") != 0 && strcmp(f[dash + 1], "cgroup2") != 0) ||
		    strncmp(f[4], CG_ROOT, strlen(CG_ROOT)) != 0)
			continue;
		grown = realloc(t->v, (t->n + 1) * sizeof(*grown));
		if (!grown)
			return ct_err_set(err, ENOMEM, "read '/proc/self/mountinfo'");
		t->v = grown;
		t->v[t->n++] = (struct mi_entry){f[3], f[4], f[dash + 1], f[dash + 3]};
	}

	return 0;
}

/* The mount of a v1 controller list ("cpu,cpuacct") or, with ctrls "", of cgroup2, in t; NULL
 * when there is none. */
static const struct mi_entry *find_mount(const struct mi_table *t, const char *ctrls)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct mi_entry *e = &t->v[i];
		bool match = true;

		if (!*ctrls) {
			if (strcmp(e->fstype, "cgroup2") != 0)
				continue;
		} else {
			char want[512];
			char *save = NULL;

			if (strcmp(e->fstype, "cgroup") != 0)
				continue;
			snprintf(want, sizeof(want), "%s", ctrls);
			for (char *c = strtok_r(want, ",", &save); c;
			     c = strtok_r(NULL, ",", &save))
				if (!list_has(e->opts, c, ','))
					match = false;
			if (!match)
				continue;
		}
		return e;
	}

	return NULL;
}

/* Refuses "..", ".", empty components and control characters in a cgroupsPath. */
static int check_rel_path(const char *path, struct ct_err *err)
{
	const char *p = path;

	if (!*path)
		return ct_err_set(err, EINVAL, "cgroupsPath is empty");
	while (*p == '/')
		p++;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return ct_err_set(err, EINVAL,
					  "cgroupsPath '%s' has a '.' or '..' component", path);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				return ct_err_set(err, EINVAL,
						  "cgroupsPath '%s' has a control character", path);
		p += len;
		while (*p == '/')
			p++;
	}

	return 0;
}

/*
 * The directory for one hierarchy: the mountpoint plus our own cgroup (as
 * /proc/self/cgroup names it, less the mount's root when we are in a cgroup
 * namespace) plus the relative path; or mountpoint plus an absolute path.
 */
static int build_path(const struct mi_entry *m, const char *own, const char *cg_path, char *out,
		      size_t size, struct ct_err *err)
{
	int n;

	if (cg_path[0] == '/') {
		n = snprintf(out, size, "%s%s", m->mnt, cg_path);
	} else {
		size_t rlen = strlen(m->root);

		if (strcmp(m->root, "/") != 0 && strncmp(own, m->root, rlen) == 0)
			own += rlen;
		n = snprintf(out, size, "%s%s%s%s", m->mnt, own,
			     own[strlen(own) - 1] == '/' ? "" : "/", cg_path);
	}
	if (n < 0 || (size_t)n >= size)
		return ct_err_set(err, ENAMETOOLONG, "cgroup path of '%s'", cg_path);
	/* Trailing slashes would make rmdir and the state's paths disagree. */
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';

	return 0;
}

/* Reads /proc/self/cgroup: every hierarchy we are in, with our path there. */
static void mi_table_free(struct mi_table *t)
{
	free(t->v);
	t->v = NULL;
}

static int locate(struct ct_cgroup *cg, const char *cg_path, struct ct_err *err)
{
	__attribute__((cleanup(mi_table_free))) struct mi_table mounts = {NULL, 0};
	cleanup_free char *mountinfo = NULL;
	cleanup_fclose FILE *f = NULL;
	cleanup_free char *line = NULL;
	size_t cap = 0;

	if (ct_cgroup_mountinfo(&mountinfo, err) < 0 ||
	    parse_mountinfo(mountinfo, &mounts, err) < 0)
		return -1;
	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return ct_err_set(err, errno, "open '/proc/self/cgroup'");
	while (getline(&line, &cap, f) > 0) {
		char *ctrls, *own, *nl = strchr(line, '\n');
		const struct mi_entry *m = NULL;
		char path[PATH_MAX];

		if (nl)
			*nl = '\0';
		ctrls = strchr(line, ':');
		own = ctrls ? strchr(ctrls + 1, ':') : NULL;
		if (!own)
			continue;
		*own++ = '\0';
		ctrls++;
		if (cg->mode == CT_CGROUP_V1 && !*ctrls)
			continue;
		if (cg->mode == CT_CGROUP_V2 && *ctrls)
			continue;
		/* A hierarchy mounted nowhere we look (e.g. a named one elsewhere) is not ours to
		 * use. */
		m = find_mount(&mounts, ctrls);
		if (!m)
			continue;
		if (build_path(m, own, cg_path, path, sizeof(path), err) < 0)
			return -1;
		if (!add_dir(cg, ctrls, path, !*ctrls, err))
			return -1;
	}
	if (cg->n == 0)
		return ct_err_set(err, ENOENT, "find any cgroup hierarchy in '/proc/self/cgroup'");

	return 0;
}

/* ---- create and remove ---- */

static int count_levels(const char *path)
{
	int n = 0;

	for (const char *p = path; *p; p++)
		if (*p != '/' && (p == path || p[-1] == '/'))
			n++;
	return n;
}

/* The path with its last k components cut off, into out. */
static void ancestor(const char *path, int k, char *out, size_t size)
{
	snprintf(out, size, "%s", path);
	while (k-- > 0) {
		char *slash = strrchr(out, '/');

		if (!slash || slash == out)
			break;
		*slash = '\0';
	}
}

/* A new v1 cpuset starts with no cpus and no mems, and takes no task until it has them. */
static int inherit_cpuset(const char *dir, struct ct_err *err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	char parent[PATH_MAX];

	ancestor(dir, 1, parent, sizeof(parent));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		cleanup_free char *val = NULL;

		if (cg_read(parent, files[i], &val, err) < 0)
			return -1;
		if (val[0] == '\n' || !val[0])
			continue;
		if (cg_write(dir, files[i], val, err) < 0)
			return -1;
	}

	return 0;
}

/*
 * Makes the last `levels` components of d->path that do not exist yet,
 * counting them in d->created so that removal takes exactly those.
 */
static int make_dirs(struct cg_dir *d, int levels, struct ct_err *err)
{
	bool is_cpuset = !d->is_v2 && list_has(d->ctrls, "cpuset", ',');

	for (int k = levels - 1; k >= 0; k--) {
		char dir[PATH_MAX];

		ancestor(d->path, k, dir, sizeof(dir));
		if (mkdir(dir, 0755) < 0) {
			if (errno == EEXIST)
				continue;
			return ct_err_set(err, errno, "mkdir '%s'", dir);
		}
		/* The first level made is the topmost: removal goes up to there. */
		if (d->created == 0)
			d->created = k + 1;
		if (is_cpuset && inherit_cpuset(dir, err) < 0)
			return -1;
	}

	return 0;
}

/*
 * cgroup2 hands a controller to a child only when every ancestor lists it in
 * cgroup.subtree_control. We enable from our own cgroup down (for an absolute
 * path, from the root), each controller on its own so that one refusal (EBUSY
 * in a cgroup that holds processes) does not cost the others; a resource that
 * then needs a missing controller fails with a clear error.
 * LIMITATION: on cgroup v2 a caller whose own cgroup holds processes (and is
 * not the root) cannot delegate controllers below it (the no-internal-process
 * rule), so resources fail with "cgroup controller 'memory' is not available";
 * run nsinit from a cgroup of its own (or the root), as systemd-run --scope does.
 */
static void enable_controllers(const struct cg_dir *d, int levels)
{
	for (int k = levels; k >= 1; k--) {
		char dir[PATH_MAX];
		cleanup_free char *avail = NULL;
		struct ct_err ignored;
		char *save = NULL;

		ancestor(d->path, k, dir, sizeof(dir));
		if (cg_read(dir, "cgroup.controllers", &avail, &ignored) < 0)
			continue;
		for (char *c = strtok_r(avail, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
			if (cg_writef(dir, "cgroup.subtree_control", &ignored, "+%s", c) < 0)
				ct_log(CT_LOG_DEBUG, "cgroup: %s, ignoring", ignored.msg);
	}
}

static int rmdir_retry(const char *dir, struct ct_err *err)
{
	struct timespec ts = {0, 5L * 1000 * 1000};

	/* The kernel frees a cgroup only after its last task is reaped: EBUSY for a moment. */
	for (int i = 0; i < 60; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		nanosleep(&ts, NULL);
		if (ts.tv_nsec < 100L * 1000 * 1000)
			ts.tv_nsec *= 2;
	}

	return ct_err_set(err, errno, "rmdir '%s'", dir);
}

/* Removes dir and every cgroup below it, deepest first. */
static int rmdir_tree(const char *dir, struct ct_err *err)
{
	cleanup_closedir DIR *dp = NULL;
	struct dirent *de;

	/* Usually nothing is below and no task is left: one rmdir, no listing of its files. */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY && errno != ENOTEMPTY)
		return ct_err_set(err, errno, "rmdir '%s'", dir);
	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : ct_err_set(err, errno, "open '%s'", dir);
	while ((de = readdir(dp))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= (int)sizeof(sub))
			return ct_err_set(err, ENAMETOOLONG, "remove '%s'", dir);
		if (rmdir_tree(sub, err) < 0)
			return -1;
	}

	return rmdir_retry(dir, err);
}

/* Removes what create made in one hierarchy; a parent still in use by others stays. */
static int remove_created(struct cg_dir *d, struct ct_err *err)
{
	if (d->created == 0)
		return 0;
	if (rmdir_tree(d->path, err) < 0)
		return -1;
	for (int k = 1; k < d->created; k++) {
		char dir[PATH_MAX];

		ancestor(d->path, k, dir, sizeof(dir));
		if (rmdir(dir) < 0 && errno != ENOENT) {
			if (errno == ENOTEMPTY || errno == EBUSY)
				break;
			return ct_err_set(err, errno, "rmdir '%s'", dir);
		}
	}
	d->created = 0;

	return 0;
}

static void undo_create(struct ct_cgroup *cg)
{
	for (size_t i = cg->n; i-- > 0;) {
		struct ct_err ignored;

		if (remove_created(&cg->dirs[i], &ignored) < 0)
			ct_log(CT_LOG_DEBUG, "cgroup: undo: %s, ignoring", ignored.msg);
	}
}

/* An existing cgroup may be reused, but not one where something already runs. */
static int check_empty(const struct cg_dir *d, struct ct_err *err)
{
	cleanup_free char *procs = NULL;

	if (cg_read(d->path, "cgroup.procs", &procs, err) < 0)
		return -1;
	if (procs && procs[0])
		return ct_err_set(err, EEXIST, "cgroup '%s' already has processes", d->path);

	return 0;
}

static int create_dirs(struct ct_cgroup *cg, const char *cg_path, struct ct_err *err)
{
	int levels = count_levels(cg_path);

	for (size_t i = 0; i < cg->n; i++) {
		struct cg_dir *d = &cg->dirs[i];

		if (make_dirs(d, levels, err) < 0)
			return -1;
		if (d->is_v2)
			enable_controllers(d, levels);
		if (d->created == 0 && check_empty(d, err) < 0)
			return -1;
	}

	return 0;
}

struct ct_cgroup *ct_cgroup_create(const struct ct_cgroup_config *cfg, struct ct_err *err)
{
	const char *cg_path = cfg->cgroups_path ? cfg->cgroups_path : cfg->id;
	struct ct_cgroup *cg;

	if (!cg_path) {
		ct_err_set(err, EINVAL, "no container id for the cgroup");
		return NULL;
	}
	if (check_rel_path(cg_path, err) < 0)
		return NULL;
	cg = calloc(1, sizeof(*cg));
	if (!cg) {
		ct_err_set(err, ENOMEM, "allocate cgroup");
		return NULL;
	}
	if (ct_cgroup_detect(&cg->mode, err) < 0 || locate(cg, cg_path, err) < 0)
		goto fail_free;
	if (create_dirs(cg, cg_path, err) < 0)
		goto fail_undo;
	if (cfg->on_made && cfg->on_made(cg, cfg->on_made_arg, err) < 0)
		goto fail_undo;
	if (cfg->resources && cg_apply_resources(cg, cfg->resources, false, err) < 0)
		goto fail_empty;
	if (!cfg->skip_devices &&
	    cg_apply_devices(cg, cfg->resources, cfg->devices, cfg->n_devices, err) < 0)
		goto fail_empty;

	return cg;

fail_empty:
	/* What on_made let in would keep each rmdir busy. */
	if (cfg->on_made && cfg->on_undo)
		cfg->on_undo(cfg->on_made_arg);
fail_undo:
	undo_create(cg);
fail_free:
	ct_cgroup_free(cg);
	return NULL;
}

int ct_cgroup_open_entries(const struct ct_cgroup *cg, int *fds, size_t max, size_t *ret_n,
			   struct ct_err *err)
{
	size_t n = 0;

	if (cg->n > max)
		return ct_err_set(err, E2BIG, "%zu cgroup hierarchies, at most %zu", cg->n, max);
	for (size_t i = 0; i < cg->n; i++) {
		const struct cg_dir *d = &cg->dirs[i];
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", d->path, d->is_v2 ? "cgroup.procs" : "tasks");
		fds[n] = open(path, O_WRONLY | O_CLOEXEC);
		if (fds[n] < 0) {
			ct_err_set(err, errno, "open '%s'", path);
			while (n > 0)
				close(fds[--n]);
			return -1;
		}
		n++;
	}
	*ret_n = n;

	return 0;
}

int ct_cgroup_enter_self(const int *fds, size_t n, struct ct_err *err)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		if (rc == 0 && write(fds[i], "0", 1) != 1) {
			char link[64], path[PATH_MAX];
			ssize_t len;

			rc = -errno;
			snprintf(link, sizeof(link), "/proc/self/fd/%d", fds[i]);
			len = readlink(link, path, sizeof(path) - 1);
			path[len > 0 ? len : 0] = '\0';
			ct_err_set(err, -rc, "move into cgroup: write '%s'", len > 0 ? path : "?");
		}
		close(fds[i]);
	}

	return rc < 0 ? -1 : 0;
}

int ct_cgroup_open_v2_dirfd(const struct ct_cgroup *cg, struct ct_err *err)
{
	const struct cg_dir *d = cg_v2_dir(cg);
	int fd;

	if (cg->mode != CT_CGROUP_V2 || !d)
		return ct_err_set(err, EOPNOTSUPP,
				  "open the cgroup2 directory: host cgroups are %s",
				  ct_cgroup_mode_name(cg->mode));
	fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ct_err_set(err, errno, "open '%s'", d->path);

	return fd;
}

/*
 * Usually the init has been reaped and took the rest of the container with it: the cgroup where
 * ct_cgroup_kill would list processes is empty and goes with one rmdir, and there is nothing to
 * read or kill. Tasks left, a cgroup below, or one that create did not make take the long way.
 */
static bool remove_if_empty(const struct ct_cgroup *cg)
{
	const struct cg_dir *d = cg_procs_dir(cg);

	return d && d->created > 0 && (rmdir(d->path) == 0 || errno == ENOENT);
}

int ct_cgroup_destroy(struct ct_cgroup *cg, struct ct_err *err)
{
	int rc = 0;

	if (!remove_if_empty(cg) && ct_cgroup_kill(cg, err) < 0)
		return ct_err_wrap(err, "remove cgroup");
	/* Every hierarchy is tried even when one fails: the rest must not leak. */
	for (size_t i = cg->n; i-- > 0;) {
		struct ct_err one;

		if (remove_created(&cg->dirs[i], &one) < 0 && rc == 0) {
			*err = one;
			rc = ct_err_wrap(err, "remove cgroup");
		}
	}

	return rc;
}

/* ---- persistence in the state file ---- */

json_t *ct_cgroup_to_json(const struct ct_cgroup *cg)
{
	cleanup_json json_t *dirs = json_array();
	json_t *obj;

	if (!dirs)
		return NULL;
	for (size_t i = 0; i < cg->n; i++) {
		json_t *d = json_pack("{s:s, s:s, s:i, s:b}", "controllers", cg->dirs[i].ctrls,
				      "path", cg->dirs[i].path, "created", cg->dirs[i].created,
				      "v2", cg->dirs[i].is_v2);

		if (!d || json_array_append_new(dirs, d) < 0)
			return NULL;
	}
	obj = json_pack("{s:s, s:O}", "mode", ct_cgroup_mode_name(cg->mode), "dirs", dirs);

	return obj;
}

static int mode_from_name(const char *name, enum ct_cgroup_mode *ret)
{
	static const enum ct_cgroup_mode modes[] = {CT_CGROUP_V1, CT_CGROUP_V2, CT_CGROUP_HYBRID};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(name, ct_cgroup_mode_name(modes[i])) == 0) {
			*ret = modes[i];
			return 0;
		}
	}

	return -1;
}

/* A state file is outside input: a path it names must stay below /sys/fs/cgroup. */
static bool is_cgroup_path(const char *path)
{
	return strncmp(path, CG_ROOT "/", strlen(CG_ROOT) + 1) == 0 && !strstr(path, "/../") &&
	       !strstr(path, "/./") && strcmp(path + strlen(path) - 3, "/..") != 0;
}

struct ct_cgroup *ct_cgroup_from_json(const json_t *obj, struct ct_err *err)
{
	struct ct_cgroup *cg = calloc(1, sizeof(*cg));
	const char *mode = NULL;
	json_t *dirs = NULL, *d;
	size_t i;

	if (!cg) {
		ct_err_set(err, ENOMEM, "read cgroup state");
		return NULL;
	}
	if (json_unpack((json_t *)obj, "{s:s, s:o}", "mode", &mode, "dirs", &dirs) < 0 ||
	    !json_is_array(dirs) || mode_from_name(mode, &cg->mode) < 0) {
		ct_err_set(err, EINVAL, "read cgroup state: not a cgroup object");
		goto fail;
	}
	json_array_foreach(dirs, i, d)
	{
		const char *ctrls, *path;
		int created = 0, is_v2 = 0;
		struct cg_dir *dir;

		if (json_unpack(d, "{s:s, s:s, s:i, s:b}", "controllers", &ctrls, "path", &path,
				"created", &created, "v2", &is_v2) < 0 ||
		    !is_cgroup_path(path) || created < 0 || created > 64) {
			ct_err_set(err, EINVAL, "read cgroup state: bad entry %zu", i);
			goto fail;
		}
		dir = add_dir(cg, ctrls, path, is_v2, err);
		if (!dir)
			goto fail;
		dir->created = created;
	}

	return cg;

fail:
	ct_cgroup_free(cg);
	return NULL;
}
