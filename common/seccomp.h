/* SPDX-License-Identifier: Apache-2.0 */
/* Building and loading a process's seccomp filter from the spec, through libseccomp. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct ct_err;
struct ct_seccomp;
struct json_t;

/*
 * Builds linux.seccomp into a filter and loads it into the calling thread
 * (all threads with SECCOMP_FILTER_FLAG_TSYNC), as the last step before
 * execve; sc NULL loads nothing. Every spec action, errnoRet (EPERM when
 * absent), argument conditions (different arguments ANDed in one rule,
 * several on the same argument one rule each, ORed), architectures (the
 * native one always stays), and flags. A rule whose action equals the
 * default action is dropped (it changes nothing). Syscall names this
 * libseccomp does not know are skipped, each reported through warn when not
 * NULL. Errors (errnum 0, nothing loaded): unknown action, operator,
 * architecture or flag, errnoRet on an action without one, argument index
 * above 5, SCMP_ACT_NOTIFY as default action or without listenerPath.
 * no_new_privs is not set here (process.noNewPrivileges is the caller's):
 * without it the caller needs CAP_SYS_ADMIN, else the kernel's EACCES.
 * With SCMP_ACT_NOTIFY rules, *ret_listener_fd is the notify fd (the
 * caller's, close-on-exec), else -1: pass it to ct_seccomp_send_listener.
 * A process that makes a notified syscall blocks until an agent answers, so
 * keep the runtime's own syscalls after this call off the NOTIFY list.
 */
int ct_seccomp_load(const struct ct_seccomp *sc, void (*warn)(const char *name),
		    int *ret_listener_fd, struct ct_err *err);

/*
 * The runtime-spec "container process state" for the agent, as compact
 * JSON: ociVersion, fds ["seccompFd"], pid, metadata (listenerMetadata,
 * omitted when NULL) and state (the OCI state object; not consumed).
 * malloc'd, or NULL with err filled.
 */
char *ct_seccomp_process_state(pid_t pid, const char *metadata, struct json_t *state,
			       struct ct_err *err);

/*
 * Connects to the AF_UNIX stream socket at listener_path and sends
 * state_json with notify_fd in SCM_RIGHTS (one state per connection, then
 * closed). The caller still owns notify_fd.
 */
int ct_seccomp_send_listener(const char *listener_path, int notify_fd, const char *state_json,
			     struct ct_err *err);

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
