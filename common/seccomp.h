/* SPDX-License-Identifier: Apache-2.0 */
/* Building and loading a process's seccomp filter from the spec, through libseccomp. */
#pragma once

#include <stdbool.h>

struct ct_err;
struct ct_seccomp;

/*
 * Loads the filter as the last step before execve. Syscall names this
 * libseccomp does not know are skipped, each reported through warn when not
 * NULL. With listenerPath set, the notify fd is returned in *ret_listener_fd
 * (else -1) for the caller to send to the listener.
 */
int ct_seccomp_load(const struct ct_seccomp *sc, void (*warn)(const char *name),
		    int *ret_listener_fd, struct ct_err *err);

/* For validation and features: known action, operator, architecture and flag names. */
bool ct_seccomp_action_known(const char *name);
bool ct_seccomp_op_known(const char *name);
bool ct_seccomp_arch_known(const char *name);
bool ct_seccomp_flag_known(const char *name);

enum ct_seccomp_name_kind {
	CT_SECCOMP_ACTIONS,
	CT_SECCOMP_OPERATORS,
	CT_SECCOMP_ARCHS,
	CT_SECCOMP_FLAGS,
};

/* The NULL-terminated list of known names of one kind (static, never freed). */
const char *const *ct_seccomp_names(enum ct_seccomp_name_kind kind);
