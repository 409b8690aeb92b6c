/* SPDX-License-Identifier: Apache-2.0 */
/* The container's /dev: default nodes and links, linux.devices, and checked opens of nodes. */
#pragma once

#include <stdbool.h>

struct ct_err;
struct ct_spec;

/*
 * Inside rootfd (the rootfs, before the pivot): when default_nodes, creates
 * null, zero, full, random, urandom, tty and the links fd, stdin, stdout,
 * stderr, ptmx (-> pts/ptmx) and core (-> /proc/kcore, when the host has
 * one); then every linux.devices entry (c, u, b, p) with its fileMode, uid
 * and gid. Nodes are made with mknod, or, when use_bind (a user namespace)
 * or mknod is refused (EPERM), bind-mounted from the host's node of the same
 * path onto an empty file after checking the host node is the asked device.
 * A default node the config lists itself is left to the config's entry.
 */
int ct_devices_setup(int rootfd, const struct ct_spec *spec, bool default_nodes, bool use_bind,
		     struct ct_err *err);

/*
 * Opens path ("/dev/null") inside rootfd without following any symlink and
 * checks it is the character device major:minor. O_PATH fd in *ret_fd.
 * errnum ELOOP for a symlink, ENODEV when it is something else.
 */
int ct_devices_open_checked(int rootfd, const char *path, unsigned int major, unsigned int minor,
			    int *ret_fd, struct ct_err *err);
