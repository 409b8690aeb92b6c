/* SPDX-License-Identifier: Apache-2.0 */
/* The namespace table (spec name, /proc name, clone flag) and joining by path. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "common/spec.h"

struct ct_err;

struct ct_ns_info {
	enum ct_ns_type type;
	const char *proc_name; /* the file under /proc/PID/ns */
	int clone_flag;
};

/* One row per enum ct_ns_type, in the order namespaces are joined (user first). */
extern const struct ct_ns_info ct_ns_table[CT_NS_COUNT];

const struct ct_ns_info *ct_ns_info(enum ct_ns_type type);

/*
 * Opens a file of the namespace filesystem (a /proc/PID/ns/ link's target or a
 * bind mount of one). The path is reached with O_PATH first, which opens
 * nothing: a FIFO or a device is refused ("not a namespace file") unopened, so
 * it can neither block us nor be acted on. The real open goes through that
 * descriptor (/proc/self/fd), so a path swapped meanwhile is not looked up again;
 * without /proc, through the path, without blocking, checked to be the same file.
 */
int ct_ns_open_file(const char *path, int *ret_fd, struct ct_err *err);

/*
 * ct_ns_open_file, then a check with NS_GET_NSTYPE that it is a namespace of
 * that type: errnum 0 with "not a NAME namespace" else.
 */
int ct_ns_open(const char *path, enum ct_ns_type type, int *ret_fd, struct ct_err *err);

/* setns on an fd from ct_ns_open. */
int ct_ns_join(int fd, enum ct_ns_type type, const char *path, struct ct_err *err);

/* The inode of /proc/PID/ns/NAME (identifies the namespace). */
int ct_ns_inode(pid_t pid, enum ct_ns_type type, uint64_t *ret_ino, struct ct_err *err);
