/* SPDX-License-Identifier: Apache-2.0 */
/* The default seccomp profile: an allow-list in the shape of the Docker/moby default. */
#pragma once

#include <stddef.h>

#include <jansson.h>

struct ct_err;

/*
 * The default profile (linux.seccomp) for the default capability set: a new
 * object, or NULL with err filled (errnum ENOMEM).
 */
json_t *ct_default_seccomp(struct ct_err *err);

/*
 * The default profile for a process whose bounding set is caps (n_caps names
 * like "CAP_SYS_ADMIN"): the groups a capability unlocks (mount with
 * CAP_SYS_ADMIN, ptrace with CAP_SYS_PTRACE, ...) are allowed only when it is
 * in caps. A new object, or NULL with err filled.
 */
json_t *ct_default_seccomp_caps(const char *const *caps, size_t n_caps, struct ct_err *err);
