/* SPDX-License-Identifier: Apache-2.0 */
/* Paths resolved inside a root directory fd, never through a symlink that leaves it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ct_err;

/*
 * Every function here resolves path as if rootfd were "/" (openat2
 * RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): an absolute symlink or ".."
 * inside the tree stays inside it, and /proc magic links are refused
 * (ELOOP). This is what keeps a hostile image from steering a mount, a
 * mkdir or a device node onto the host (the runc CVE-2021-30465 class).
 * Returned fds are O_CLOEXEC and owned by the caller.
 */

/* Opens path inside rootfd with open(2) flags (O_PATH for a handle). errnum ENOENT when missing. */
int ct_path_open_in_root(int rootfd, const char *path, int flags, int *ret_fd, struct ct_err *err);

/* Opens directory path inside rootfd, creating each missing component with mode. O_PATH fd. */
int ct_path_mkdir_in_root(int rootfd, const char *path, mode_t mode, int *ret_fd,
			  struct ct_err *err);

/*
 * Opens path inside rootfd; when missing, creates its parents and an empty
 * regular file (mode 0644) there. The existing object may be of any type;
 * callers check. O_PATH fd.
 */
int ct_path_mkfile_in_root(int rootfd, const char *path, int *ret_fd, struct ct_err *err);

/*
 * Opens (creating when asked) the parent directory of path inside rootfd and
 * copies the last component to ret_base (NAME_MAX + 1 bytes). Refuses a path
 * whose last component is empty, "." or ".." (EINVAL), so a *at() call on
 * (dirfd, base) names exactly one entry of that directory.
 */
int ct_path_parent_in_root(int rootfd, const char *path, bool create, int *ret_dirfd,
			   char *ret_base, struct ct_err *err);

/*
 * Fails (EXDEV) unless fd lives on a filesystem of that magic (fstatfs);
 * what names the object for the message ("'/proc' is not procfs").
 */
int ct_fd_check_fs(int fd, long magic, const char *what, struct ct_err *err);

/*
 * Opens a file of procfs ("self/attr/exec", "sys/kernel/hostname") for the
 * runtime's own reads and writes, on a procfs no container process can have
 * shaped: a fresh detached proc instance (or a detached clone of /proc, or
 * /proc itself after checking it), walked with RESOLVE_BENEATH |
 * RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS, and the result checked to be
 * procfs. This is the guard against the 2025 runc advisories where a hostile
 * image redirected the runtime's /proc writes (CVE-2025-52881).
 */
int ct_proc_open(const char *subpath, int flags, int *ret_fd, struct ct_err *err);
