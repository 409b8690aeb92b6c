/* SPDX-License-Identifier: Apache-2.0 */
/* The container's filesystem: mounts, /dev, pivot_root, masked and read-only paths. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct ct_err;
struct ct_spec;

/*
 * Runs in the container's init, already in its own mount namespace (or on
 * the host's when the config has none), before pivot_root: sets rootfs
 * propagation, bind-mounts the rootfs onto itself, performs linux.mounts in
 * order, creates /dev nodes, links and linux.devices. Every destination is
 * resolved inside rootfs (never through a symlink that leaves it).
 * rootfs is the absolute host path of root.path. A relative bind source is
 * taken from the bundle given to ct_rootfs_set_bundle (as runc does), else
 * from the current directory.
 * Without a mount namespace in the config, "/" propagation is left alone and
 * the mounts stay visible on the host until ct_rootfs_cleanup; the process
 * remembers it, so ct_rootfs_pivot then only chroots.
 */
int ct_rootfs_prepare(const struct ct_spec *spec, const char *rootfs, struct ct_err *err);

/* Records the bundle directory for relative bind sources (ct_rootfs_prepare, ct_rootfs_idmap_open).
 */
void ct_rootfs_set_bundle(const char *bundle);

/*
 * Host side, before the init is released, for a container with a user
 * namespace: only the host's privileges may ID-map the host's filesystems,
 * so each bind mount asking for a mapping (idmap, ridmap, uidMappings) is
 * made here as a detached, ID-mapped tree. ret_fds gets spec->n_mounts
 * entries, -1 where nothing was made; all are closed again on failure.
 * The fds go to the init (SCM_RIGHTS), which hands them in with
 * ct_rootfs_use_idmapped before ct_rootfs_prepare: that one then attaches
 * them in place of making those mounts itself.
 */
int ct_rootfs_idmap_open(const struct ct_spec *spec, int *ret_fds, struct ct_err *err);

/* Takes ownership of fds (n entries, by mount index, -1 for none); prepare closes what it uses. */
void ct_rootfs_use_idmapped(int *fds, size_t n);

/*
 * Makes rootfs the root: pivot_root, or MS_MOVE + chroot when no_pivot
 * (or chroot alone when ct_rootfs_prepare ran without a mount namespace:
 * moving or pivoting the host's own mounts is never done). cwd is "/" after.
 */
int ct_rootfs_pivot(const char *rootfs, bool no_pivot, struct ct_err *err);

/*
 * After the pivot: rootfsPropagation on the new "/", then readonlyPaths,
 * maskedPaths, root.readonly, in that order (runc's: a mask below a
 * read-only path is made after it, so it is not made nodev). Missing masked or read-only
 * paths are skipped. Masking a file binds the container's /dev/null, which
 * must be the real character device 1:3 reached without a symlink (errnum
 * ELOOP or ENODEV otherwise): a hostile image cannot turn masking into a
 * bind of some other file. When the config mounts proc at /proc and paths
 * under it are to be masked, /proc must be procfs (EXDEV otherwise).
 */
int ct_rootfs_finish(const struct ct_spec *spec, struct ct_err *err);

/*
 * With process.terminal: binds the pty slave onto /dev/console, creating an
 * empty file there when missing. An existing /dev/console that is a symlink
 * (ELOOP) or not a file or char device (EEXIST) is refused, never followed
 * (CVE-2025-52565); the slave must be a pty (ENOTTY otherwise).
 * ct_rootfs_bind_console works on the current root, after the pivot, with the
 * slave's path there ("/dev/pts/0", reached without a symlink);
 * ct_rootfs_bind_console_fd on the rootfs at a host path, before the pivot,
 * with an open slave.
 */
int ct_rootfs_bind_console(const char *slave_path, struct ct_err *err);
int ct_rootfs_bind_console_fd(const char *rootfs, int slave_fd, struct ct_err *err);

/*
 * Before a container without a mount namespace is set up: the id of the
 * host's topmost mount at rootfs in *ret_id (0 when rootfs is no mount
 * point), which ct_rootfs_cleanup must leave in place.
 */
int ct_rootfs_base_mount(const char *rootfs, int *ret_id, struct ct_err *err);

/*
 * At delete of a container that had no mount namespace: detaches what is
 * stacked at rootfs above base_id (ct_rootfs_base_mount's answer), the
 * runtime's bind of rootfs onto itself and, with it, everything mounted
 * below; the host's own mounts at and below rootfs stay. 0 when done (or
 * nothing was mounted); -1 when a mount could not be removed.
 */
int ct_rootfs_cleanup(const char *rootfs, int base_id, struct ct_err *err);
