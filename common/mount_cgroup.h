/* SPDX-License-Identifier: Apache-2.0 */
/* The "cgroup" and "cgroup2" mount types: what the container sees at /sys/fs/cgroup. */
#pragma once

#include <stdbool.h>

struct ct_err;
struct ct_mount;
struct ct_mount_opts;

/*
 * Mounts m (type "cgroup" or "cgroup2") onto its destination inside rootfd.
 * With a cgroup namespace the hierarchies are mounted fresh (the namespace
 * makes them show the container's own cgroup as "/"); without one, the
 * host's directory of this process's cgroup is bind-mounted, as runc does.
 * "cgroup" on a v1 or hybrid host is a tmpfs holding one directory per v1
 * hierarchy (and "unified" for the hybrid cgroup2), made read-only last when
 * asked; on a cgroup2-only host it is cgroup2.
 */
int ct_mount_cgroup(int rootfd, const struct ct_mount *m, const struct ct_mount_opts *opts,
		    bool has_cgroup_ns, struct ct_err *err);
