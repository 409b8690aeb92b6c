/* SPDX-License-Identifier: Apache-2.0 */
/* Running the spec's hooks: state on stdin, args, env, timeout, output captured. */
#pragma once

struct ct_err;
struct ct_hook_list;
struct ct_hooks;

/* The stages by spec name, for features and for logs. */
enum ct_hook_stage {
	CT_HOOK_PRESTART,
	CT_HOOK_CREATE_RUNTIME,
	CT_HOOK_CREATE_CONTAINER,
	CT_HOOK_START_CONTAINER,
	CT_HOOK_POSTSTART,
	CT_HOOK_POSTSTOP,
	CT_HOOK_STAGE_COUNT,
};

/* "createRuntime" ... */
const char *ct_hook_stage_name(enum ct_hook_stage stage);

/* The list of that stage in hooks (hooks may be NULL: an empty list). */
const struct ct_hook_list *ct_hooks_stage(const struct ct_hooks *hooks, enum ct_hook_stage stage);

/*
 * Runs every hook of the list in order, each with state_json on stdin, its
 * args (argv[0] is path when args is absent) and exactly its env. A hook
 * still running after its timeout is killed with SIGKILL. Each line a hook
 * writes to stdout or stderr goes to output(path, line) when output is not
 * NULL, up to 1000 lines per hook and then one line saying the rest was
 * left out (the rest is still read). Stops at the first hook that fails
 * (errnum 0, "killed after N s timeout", for one killed at its timeout).
 */
int ct_hooks_run(const struct ct_hook_list *list, const char *stage, const char *state_json,
		 void (*output)(const char *path, const char *line), struct ct_err *err);
