/* SPDX-License-Identifier: Apache-2.0 */
/* Mounting onto checked targets with the new mount API (fsopen, open_tree, move_mount). */
#pragma once

#include <stdbool.h>

struct ct_err;
struct ct_mount;
struct ct_mount_opts;

/*
 * Every function attaches onto target_fd (an O_PATH fd the caller resolved
 * and checked), never onto a path, so what gets mounted over is exactly
 * that object. *ret_mnt_fd (when not NULL) receives an fd of the new mount,
 * for later attribute or propagation changes.
 */

/*
 * A new filesystem of type with source (may be NULL) and the options' data,
 * superblock flags and attributes. The kernel's own message (from the
 * fsconfig log) ends the error when it gave one.
 */
int ct_mount_fs_onto(int target_fd, const char *type, const char *source,
		     const struct ct_mount_opts *opts, int *ret_mnt_fd, struct ct_err *err);

/*
 * A detached copy of source_fd's tree (recursive when rec) with the
 * options' attributes and, when userns_fd >= 0, an ID mapping (recursive
 * when idmap_rec), attached onto target_fd.
 */
int ct_mount_bind_fd_onto(int source_fd, bool rec, int target_fd, const struct ct_mount_opts *opts,
			  int userns_fd, bool idmap_rec, int *ret_mnt_fd, struct ct_err *err);

/*
 * The two halves of ct_mount_bind_fd_onto: a detached (and maybe ID-mapped)
 * copy of source_fd's tree, which may be made in one process and attached
 * in another; and the attach with the options' attributes and propagation.
 */
int ct_mount_clone_tree(int source_fd, bool rec, int userns_fd, bool idmap_rec, int *ret_tree,
			struct ct_err *err);
int ct_mount_attach_tree(int tree, int target_fd, const struct ct_mount_opts *opts,
			 struct ct_err *err);

/* The options' per-mount and recursive attributes on the mount of mnt_fd (mount_setattr). */
int ct_mount_set_attrs(int mnt_fd, const struct ct_mount_opts *opts, struct ct_err *err);

/* The options' propagation (if any) on the mount of mnt_fd. */
int ct_mount_set_propagation(int mnt_fd, const struct ct_mount_opts *opts, struct ct_err *err);

/*
 * A user namespace whose maps are the mount's uidMappings/gidMappings, for
 * MOUNT_ATTR_IDMAP: a helper child unshares it, we write its maps, keep an
 * fd of it and let the child go. O_CLOEXEC fd in *ret_fd.
 */
int ct_mount_idmap_userns(const struct ct_mount *m, int *ret_fd, struct ct_err *err);

/*
 * "remount": the filesystem under target_fd (a mount root) gets the options'
 * data and superblock flags (fspick + reconfigure), its mount the options'
 * attributes and propagation.
 */
int ct_mount_remount(int target_fd, const struct ct_mount_opts *opts, struct ct_err *err);
