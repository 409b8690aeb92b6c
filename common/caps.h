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

/*
 * Applies bounding, then permitted/effective/inheritable, then ambient, as the
 * container's process needs them after the switch to its uid. Unknown names
 * are skipped; for each one warn(name) is called when warn is not NULL.
 * caps NULL drops every capability.
 */
int ct_caps_apply(const struct ct_capabilities *caps, void (*warn)(const char *name),
		  struct ct_err *err);
