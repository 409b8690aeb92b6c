/* SPDX-License-Identifier: Apache-2.0 */
/* "tmpcopyup": a new tmpfs starts with a copy of the directory it covers. */
#pragma once

struct ct_err;

/*
 * Copies the tree under covered_dir (a directory fd, readable) into new_root
 * (the root of a fresh, still detached tmpfs): directories, files, symlinks
 * (as links, never followed), fifos and device nodes, with owners and modes;
 * sockets are skipped. The tmpfs root takes covered_dir's owner and mode.
 * ELOOP past 64 levels.
 */
int ct_mount_copyup(int covered_dir, int new_root, struct ct_err *err);
