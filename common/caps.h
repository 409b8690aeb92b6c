/* SPDX-License-Identifier: Apache-2.0 */
/* Capability names and the five capability sets, through libcap. */
#pragma once

#include <stdbool.h>

struct ct_capabilities;
struct ct_err;

/* "CAP_SYS_ADMIN" -> its number; -1 when this libcap does not know the name. */
int ct_caps_from_name(const char *name);

/* True when name is a capability the kernel or libcap knows (for validation). */
bool ct_caps_is_known(const char *name);

/* The NULL-terminated list of the names this file knows, in number order (static). */
const char *const *ct_caps_names(void);

/*
 * Sets the calling process's capabilities: bounding set dropped to the listed
 * one, then permitted/effective/inheritable, then ambient, as the container's
 * process needs them after the switch to its uid (ct_procattr_set_user keeps
 * the permitted set across setuid; this raises effective to permitted first,
 * because dropping from the bounding set needs CAP_SETPCAP effective).
 * Skipped, with warn(name) called once for each when warn is not NULL:
 * names libcap does not know, capabilities the running kernel lacks, and
 * capabilities the caller cannot grant (outside its own bounding or
 * permitted set, as for a runtime inside a container): the spec asks for a
 * warning, not a failure. caps NULL drops every capability. An effective
 * capability that is not permitted, or an ambient one not both permitted
 * and inheritable, is refused (errnum 0) before anything changes. EPERM:
 * the caller lacks CAP_SETPCAP.
 */
int ct_caps_apply(const struct ct_capabilities *caps, void (*warn)(const char *name),
		  struct ct_err *err);
