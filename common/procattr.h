/* SPDX-License-Identifier: Apache-2.0 */
/* The container process's attributes: ids, groups, rlimits, scheduling, and the like. */
#pragma once

#include <stdbool.h>

struct ct_err;
struct ct_process;
struct ct_spec;

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 when unknown. */
int ct_rlimit_from_name(const char *name);

/*
 * Steps that need privilege and run before the switch of user: rlimits,
 * oomScoreAdj, scheduler, ioPriority, personality, memoryPolicy,
 * execCPUAffinity.initial, sysctl (linux.sysctl, written under /proc/sys).
 */
int ct_procattr_apply_privileged(const struct ct_spec *spec, struct ct_err *err);

/*
 * Switches to process.user: additionalGids (setgroups), gid, uid, with
 * capabilities kept across the change so ct_caps_apply can set them after;
 * then umask.
 */
int ct_procattr_set_user(const struct ct_process *proc, struct ct_err *err);

/* Just before execve: execCPUAffinity.final, cwd. */
int ct_procattr_apply_final(const struct ct_process *proc, struct ct_err *err);
