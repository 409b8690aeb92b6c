/* SPDX-License-Identifier: Apache-2.0 */
/* The container's filesystem: mounts, /dev, pivot_root, masked and read-only paths. */
#pragma once

#include <stdbool.h>

struct ct_err;
struct ct_spec;

/*
 * Runs in the container's init, already in its own mount namespace (or on
 * the host's when the config has none), before pivot_root: sets rootfs
 * propagation, bind-mounts the rootfs onto itself, performs linux.mounts in
 * order, creates /dev nodes, links and linux.devices. Every destination is
 * resolved inside rootfs (never through a symlink that leaves it).
 * rootfs is the absolute host path of root.path.
 */
int ct_rootfs_prepare(const struct ct_spec *spec, const char *rootfs, struct ct_err *err);

/* Makes rootfs the root: pivot_root, or MS_MOVE + chroot when no_pivot. cwd is "/" after. */
int ct_rootfs_pivot(const char *rootfs, bool no_pivot, struct ct_err *err);

/*
 * After the pivot: maskedPaths, readonlyPaths, root.readonly, in that order.
 * Missing masked or read-only paths are skipped.
 */
int ct_rootfs_finish(const struct ct_spec *spec, struct ct_err *err);
