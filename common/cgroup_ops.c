/* SPDX-License-Identifier: Apache-2.0 */
/* Operations on a live cgroup: freeze and thaw, list and kill its processes, OOM events. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "common/cgroup_priv.h"
#include "common/cleanup.h"
#include "common/err.h"

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000 * 1000};

	nanosleep(&ts, NULL);
}

/* The v1 freezer, or NULL: then cgroup2's cgroup.freeze does the work. */
static const struct cg_dir *v1_freezer(const struct ct_cgroup *cg)
{
	const struct cg_dir *d = cg_dir_of(cg, "freezer");

	return d && !d->is_v2 ? d : NULL;
}

static int freeze_v1(const struct cg_dir *d, bool frozen, struct ct_err *err)
{
	const char *want = frozen ? "FROZEN" : "THAWED";

	/*
	 * FREEZING is the state while tasks are still running toward the
	 * fridge; a task forked meanwhile can leave it stuck there, and
	 * writing FROZEN again retries. Bounded: about 5 s.
	 */
	for (int i = 0; i < 500; i++) {
		cleanup_free char *state = NULL;

		if (i % 10 == 0 && cg_write(d->path, "freezer.state", want, err) < 0)
			return -1;
		if (cg_read(d->path, "freezer.state", &state, err) < 0)
			return -1;
		if (strncmp(state, want, strlen(want)) == 0)
			return 0;
		sleep_ms(10);
	}

	return ct_err_set(err, ETIMEDOUT, "wait for '%s/freezer.state' to become %s", d->path,
			  want);
}

static int freeze_v2(const struct cg_dir *d, bool frozen, struct ct_err *err)
{
	if (!cg_has_file(d->path, "cgroup.freeze"))
		return ct_err_set(err, EOPNOTSUPP, "freeze '%s': the kernel has no cgroup.freeze",
				  d->path);
	if (cg_write(d->path, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return -1;
	/* cgroup.events says "frozen 1" only once every task has stopped. */
	for (int i = 0; i < 500; i++) {
		uint64_t is_frozen;

		if (cg_read_keyed(d->path, "cgroup.events", "frozen", &is_frozen, err) < 0)
			return -1;
		if ((is_frozen != 0) == frozen)
			return 0;
		sleep_ms(10);
	}

	return ct_err_set(err, ETIMEDOUT, "wait for '%s' to become %s", d->path,
			  frozen ? "frozen" : "thawed");
}

int ct_cgroup_freeze(const struct ct_cgroup *cg, bool frozen, struct ct_err *err)
{
	const struct cg_dir *d = v1_freezer(cg);
	int rc;

	if (d)
		rc = freeze_v1(d, frozen, err);
	else if ((d = cg_v2_dir(cg)))
		rc = freeze_v2(d, frozen, err);
	else
		rc = ct_err_set(err, EOPNOTSUPP, "no freezer cgroup controller");
	if (rc < 0)
		return ct_err_wrap(err, frozen ? "freeze cgroup" : "thaw cgroup");

	return 0;
}

int ct_cgroup_is_frozen(const struct ct_cgroup *cg, bool *ret_frozen, struct ct_err *err)
{
	const struct cg_dir *d = v1_freezer(cg);
	cleanup_free char *state = NULL;
	uint64_t val = 0;

	if (d) {
		if (cg_read(d->path, "freezer.state", &state, err) < 0)
			return -1;
		*ret_frozen = strncmp(state, "FROZEN", 6) == 0;
		return 0;
	}
	d = cg_v2_dir(cg);
	if (d && cg_has_file(d->path, "cgroup.freeze") &&
	    cg_read_u64(d->path, "cgroup.freeze", &val, err) < 0)
		return -1;
	*ret_frozen = val != 0;

	return 0;
}

/* One hierarchy holds every process of the container; prefer pids, then any. */
const struct cg_dir *cg_procs_dir(const struct ct_cgroup *cg)
{
	const struct cg_dir *d = cg_dir_of(cg, "pids");

	if (d)
		return d;
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->dirs[i].is_v2 || cg->mode == CT_CGROUP_V2)
			return &cg->dirs[i];
	return cg->n ? &cg->dirs[0] : NULL;
}

struct pid_list {
	pid_t *v;
	size_t n;
};

static int collect(const char *dir, struct pid_list *l, struct ct_err *err)
{
	cleanup_free char *procs = NULL;
	cleanup_closedir DIR *dp = NULL;
	struct dirent *de;
	char *save = NULL;

	if (cg_read(dir, "cgroup.procs", &procs, err) < 0)
		return err->errnum == ENOENT ? 0 : -1;
	for (char *tok = strtok_r(procs, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		pid_t *grown = realloc(l->v, (l->n + 1) * sizeof(*grown));

		if (!grown)
			return ct_err_set(err, ENOMEM, "list '%s/cgroup.procs'", dir);
		l->v = grown;
		l->v[l->n++] = (pid_t)strtol(tok, NULL, 10);
	}
	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : ct_err_set(err, errno, "open '%s'", dir);
	while ((de = readdir(dp))) {
		char sub[PATH_MAX];

		/* A child cgroup may be named ".x": its processes are the container's too. */
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (collect(sub, l, err) < 0)
			return -1;
	}

	return 0;
}

int ct_cgroup_pids(const struct ct_cgroup *cg, pid_t **ret_pids, size_t *ret_n, struct ct_err *err)
{
	const struct cg_dir *d = cg_procs_dir(cg);
	struct pid_list l = {NULL, 0};

	if (!d)
		return ct_err_set(err, ENOENT, "list cgroup processes: no cgroup directory");
	if (collect(d->path, &l, err) < 0) {
		free(l.v);
		return ct_err_wrap(err, "list cgroup processes");
	}
	*ret_pids = l.v;
	*ret_n = l.n;

	return 0;
}

/* Waits (bounded, about 2 s) until no process is left; killing again on the way. */
static int wait_empty(const struct ct_cgroup *cg, bool signal_each, struct ct_err *err)
{
	for (int i = 0; i < 200; i++) {
		pid_t *pids = NULL;
		size_t n = 0;

		if (ct_cgroup_pids(cg, &pids, &n, err) < 0)
			return -1;
		for (size_t k = 0; signal_each && k < n; k++)
			kill(pids[k], SIGKILL);
		free(pids);
		if (n == 0)
			return 0;
		sleep_ms(10);
	}

	return ct_err_set(err, EBUSY, "kill cgroup: processes left after SIGKILL");
}

int ct_cgroup_kill(const struct ct_cgroup *cg, struct ct_err *err)
{
	const struct cg_dir *v2 = cg_v2_dir(cg);
	const struct cg_dir *fz = v1_freezer(cg);
	pid_t *pids = NULL;
	size_t n = 0;
	int rc;

	/*
	 * Usually the init has been reaped and took the rest with it. Then there is
	 * nothing to freeze: a v1 freeze flips a kernel static key, which rewrites
	 * kernel text on every CPU, and costs a run of /bin/true a tenth of its time.
	 */
	if (ct_cgroup_pids(cg, &pids, &n, err) < 0)
		return ct_err_wrap(err, "kill cgroup");
	free(pids);
	if (n == 0)
		return 0;
	/* A cgroup someone already removed has nothing left to kill. */
	if (fz && !cg_has_file(fz->path, "freezer.state"))
		fz = NULL;
	/* cgroup.kill (5.14+) kills the whole tree at once, with no fork race. */
	if (v2 && cg_has_file(v2->path, "cgroup.kill")) {
		if (cg_write(v2->path, "cgroup.kill", "1", err) < 0)
			return ct_err_wrap(err, "kill cgroup");
		/* On a hybrid host the v1 freezer still holds them: the kill lands once thawed. */
		if (fz && freeze_v1(fz, false, err) < 0)
			return ct_err_wrap(err, "kill cgroup");
		return wait_empty(cg, true, err);
	}
	/* A frozen task cannot die and a fork bomb outruns us: freeze, signal, thaw. */
	if (fz && freeze_v1(fz, true, err) < 0)
		return ct_err_wrap(err, "kill cgroup");
	rc = wait_empty(cg, true, err);
	if (fz) {
		struct ct_err thaw_err;

		if (freeze_v1(fz, false, &thaw_err) < 0 && rc == 0) {
			*err = thaw_err;
			return ct_err_wrap(err, "kill cgroup");
		}
		if (rc < 0)
			rc = wait_empty(cg, true, err);
	}

	return rc;
}

/* ---- OOM notifications ---- */

struct ct_cgroup_oom {
	int fd;
	int control_fd; /* v1: memory.oom_control, kept open while registered */
	bool is_v2;
	uint64_t last; /* v2: oom_kill count already reported */
	char *dir;
};

void ct_cgroup_oom_free(struct ct_cgroup_oom *oom)
{
	if (!oom)
		return;
	if (oom->fd >= 0)
		close(oom->fd);
	if (oom->control_fd >= 0)
		close(oom->control_fd);
	free(oom->dir);
	free(oom);
}

int ct_cgroup_oom_fd(const struct ct_cgroup_oom *oom)
{
	return oom->fd;
}

static int oom_open_v1(struct ct_cgroup_oom *oom, struct ct_err *err)
{
	oom->fd = eventfd(0, EFD_CLOEXEC);
	if (oom->fd < 0)
		return ct_err_set(err, errno, "eventfd");
	oom->control_fd = open(oom->dir, O_RDONLY | O_CLOEXEC | O_DIRECTORY);
	if (oom->control_fd >= 0) {
		int fd = openat(oom->control_fd, "memory.oom_control", O_RDONLY | O_CLOEXEC);

		close(oom->control_fd);
		oom->control_fd = fd;
	}
	if (oom->control_fd < 0)
		return ct_err_set(err, errno, "open '%s/memory.oom_control'", oom->dir);
	/* The v1 notification API: "<eventfd> <fd of the watched file>" to cgroup.event_control. */
	return cg_writef(oom->dir, "cgroup.event_control", err, "%d %d", oom->fd, oom->control_fd);
}

static int oom_open_v2(struct ct_cgroup_oom *oom, struct ct_err *err)
{
	char path[PATH_MAX];

	oom->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (oom->fd < 0)
		return ct_err_set(err, errno, "inotify_init1");
	snprintf(path, sizeof(path), "%s/memory.events", oom->dir);
	if (inotify_add_watch(oom->fd, path, IN_MODIFY) < 0)
		return ct_err_set(err, errno, "watch '%s'", path);

	return cg_read_keyed(oom->dir, "memory.events", "oom_kill", &oom->last, err);
}

struct ct_cgroup_oom *ct_cgroup_oom_open(const struct ct_cgroup *cg, struct ct_err *err)
{
	const struct cg_dir *d = cg_dir_of(cg, "memory");
	struct ct_cgroup_oom *oom;

	if (!d) {
		ct_err_set(err, ENOENT, "watch OOM events: no memory cgroup controller");
		return NULL;
	}
	oom = calloc(1, sizeof(*oom));
	if (!oom || !(oom->dir = strdup(d->path))) {
		free(oom);
		ct_err_set(err, ENOMEM, "watch OOM events");
		return NULL;
	}
	oom->fd = oom->control_fd = -1;
	oom->is_v2 = d->is_v2;
	if ((oom->is_v2 ? oom_open_v2(oom, err) : oom_open_v1(oom, err)) < 0) {
		ct_cgroup_oom_free(oom);
		ct_err_wrap(err, "watch OOM events");
		return NULL;
	}

	return oom;
}

int ct_cgroup_oom_check(struct ct_cgroup_oom *oom, uint64_t *ret_count, struct ct_err *err)
{
	uint64_t val = 0;

	if (!oom->is_v2) {
		if (read(oom->fd, &val, sizeof(val)) != sizeof(val) && errno != EAGAIN)
			return ct_err_set(err, errno, "read the OOM eventfd");
		/* The eventfd fires once more when the cgroup goes away: that is not an OOM. */
		if (!cg_has_file(oom->dir, "memory.oom_control"))
			return ct_err_set(err, ENOENT, "cgroup '%s' was removed", oom->dir);
		*ret_count = val;
		return 0;
	}
	for (;;) {
		char buf[4096];

		if (read(oom->fd, buf, sizeof(buf)) <= 0)
			break;
	}
	if (cg_read_keyed(oom->dir, "memory.events", "oom_kill", &val, err) < 0)
		return err->errnum == ENOENT
			       ? ct_err_set(err, ENOENT, "cgroup '%s' was removed", oom->dir)
			       : -1;
	*ret_count = val > oom->last ? val - oom->last : 0;
	oom->last = val;

	return 0;
}

int ct_cgroup_oom_kills(const struct ct_cgroup *cg, uint64_t *ret_count, struct ct_err *err)
{
	const struct cg_dir *d = cg_dir_of(cg, "memory");

	if (!d)
		return ct_err_set(err, ENOENT, "count OOM kills: no memory cgroup controller");

	return cg_read_keyed(d->path, d->is_v2 ? "memory.events" : "memory.oom_control", "oom_kill",
			     ret_count, err);
}
