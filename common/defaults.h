/* SPDX-License-Identifier: Apache-2.0 */
/* The default Linux config.json, comparable to what `runc spec` writes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

struct ct_err;

/*
 * A new default config: sh as root in new pid, network, ipc, uts, mount and
 * cgroup namespaces, read-only rootfs "rootfs", runc's capabilities, masked
 * and read-only /proc and /sys paths, the default seccomp profile. With
 * rootless, the result of ct_default_make_rootless() for the caller's uid and
 * gid. Returns NULL with err filled (errnum ENOMEM) when out of memory.
 */
json_t *ct_default_config(bool rootless, struct ct_err *err);

/*
 * Edits doc in place for a container started by an unprivileged user, as
 * `runc spec --rootless` does: adds a user namespace mapping uid and gid to
 * root (replacing any uid/gid mappings), drops the network and cgroup
 * namespaces, binds the host's /sys read-only instead of mounting sysfs, drops
 * the /sys/fs/cgroup mount and the gid= options of devpts and mqueue mounts,
 * and removes linux.resources (an unprivileged user cannot set cgroup limits).
 * Fails (errnum 0) when a part it edits has the wrong JSON type.
 */
int ct_default_make_rootless(json_t *doc, uid_t uid, gid_t gid, struct ct_err *err);

/* The default capability names (bounding, effective and permitted); *ret_n is set to the count. */
const char *const *ct_default_caps(size_t *ret_n);
