/* SPDX-License-Identifier: Apache-2.0 */
/* What the cgroup files share among themselves; not for users of common/cgroup.h. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cgroup.h"

struct ct_device;

/* One hierarchy's directory of the container. */
struct cg_dir {
	char *ctrls; /* v1: "cpu,cpuacct", "name=systemd"; cgroup2: "" */
	char *path;  /* absolute, below /sys/fs/cgroup */
	int created; /* how many trailing path levels create made (0: it existed) */
	bool is_v2;
};

struct ct_cgroup {
	enum ct_cgroup_mode mode;
	struct cg_dir *dirs;
	size_t n;
};

/* The v1 directory of controller, or the cgroup2 one when the controller lives there. */
const struct cg_dir *cg_dir_of(const struct ct_cgroup *cg, const char *controller);

/* Where the container's processes are listed (and so killed from): pids, else the first. */
const struct cg_dir *cg_procs_dir(const struct ct_cgroup *cg);

/* The cgroup2 directory, or NULL on pure v1. */
const struct cg_dir *cg_v2_dir(const struct ct_cgroup *cg);

/* Writes value to dir/file (no O_CREAT, no O_TRUNC: cgroup files take one write). */
int cg_write(const char *dir, const char *file, const char *value, struct ct_err *err);
int cg_writef(const char *dir, const char *file, struct ct_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Reads dir/file whole, NUL-terminated, malloc'd. */
int cg_read(const char *dir, const char *file, char **ret, struct ct_err *err);

/* The first number in dir/file; "max" reads as UINT64_MAX. */
int cg_read_u64(const char *dir, const char *file, uint64_t *ret, struct ct_err *err);

/* The value of "key N" in a flat keyed file (memory.stat, memory.events); 0 when absent. */
int cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *ret,
		  struct ct_err *err);

bool cg_has_file(const char *dir, const char *file);

void cg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Resources: cgroup_res.c. is_update enables memory.checkBeforeUpdate. */
int cg_apply_resources(const struct ct_cgroup *cg, const struct ct_resources *res, bool is_update,
		       struct ct_err *err);

/* The device policy: cgroup_dev.c. */
int cg_apply_devices(const struct ct_cgroup *cg, const struct ct_resources *res,
		     const struct ct_device *devices, size_t n_devices, struct ct_err *err);
