/* SPDX-License-Identifier: Apache-2.0 */
/* The container process's attributes: ids, groups, rlimits, scheduling, and the like. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ct_err;
struct ct_io_priority;
struct ct_memory_policy;
struct ct_personality;
struct ct_process;
struct ct_scheduler;
struct ct_spec;

/*
 * Order in the container's init (and, minus sysctl, in a process joining a
 * running container), after pivot_root with the container's /proc mounted:
 *
 *   ct_procattr_apply_sysctl      before masked and read-only paths (the
 *                                 default config makes /proc/sys read-only)
 *   ct_procattr_apply_privileged  rlimits, oom, scheduling, LSM label, ...
 *   ct_procattr_make_cwd          as root, so any cwd can be created
 *   ct_procattr_set_user          groups, gid, uid; capabilities kept
 *   ct_caps_apply, no_new_privs, ct_seccomp_load
 *   (wait for start)
 *   ct_procattr_apply_final       execCPUAffinity.final, chdir(cwd)
 *   execve
 */

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 when unknown. */
int ct_rlimit_from_name(const char *name);

/* The resource names the spec allows for process.rlimits, in getrlimit(2)'s spelling; NULL ends it.
 */
extern const char *const ct_rlimit_names[];

/*
 * Writes linux.sysctl under /proc/sys, key dots becoming directories
 * ("net.ipv4.ip_forward"), or the key taken as a path when it holds a '/'
 * ("net/ipv4/conf/eth0.100/forwarding", sysctl(8)'s form for names with
 * dots). Refused (errnum 0, nothing written): empty, "." or ".."
 * components, a leading '/', and keys outside the namespaces the spec gives
 * the container (uts: kernel.hostname, kernel.domainname; ipc: kernel.msg*,
 * kernel.sem, kernel.shm*, fs.mqueue.*; network: net.*), because writing
 * them would change the host. Every component is opened below /proc/sys
 * without following symlinks.
 */
int ct_procattr_apply_sysctl(const struct ct_spec *spec, struct ct_err *err);

/*
 * The runtime's check of linux.sysctl before it creates anything, in its
 * own namespaces: the key checks above, and a namespace joined by path that
 * is the runtime's own (the host's network, say), which the container would
 * otherwise reconfigure. Refused with errnum 0.
 */
int ct_procattr_check_sysctl(const struct ct_spec *spec, struct ct_err *err);

/*
 * Steps that need privilege and run before the switch of user: rlimits,
 * oomScoreAdj, scheduler, ioPriority, personality, memoryPolicy,
 * execCPUAffinity.initial, and the AppArmor profile or SELinux label for the
 * next execve (a clear error, errnum 0, when the host lacks that LSM).
 * Not sysctl: see ct_procattr_apply_sysctl.
 */
int ct_procattr_apply_privileged(const struct ct_spec *spec, struct ct_err *err);

/* The parts of ct_procattr_apply_privileged, for callers that need one. */
int ct_procattr_set_rlimits(const struct ct_process *proc, struct ct_err *err);
/* pid 0: ourselves, leaving a value already in place (set by the runtime from outside). */
int ct_procattr_set_oom_score_adj(pid_t pid, int adj, struct ct_err *err);
int ct_procattr_set_lsm(const struct ct_process *proc, struct ct_err *err);
int ct_procattr_set_scheduler(const struct ct_scheduler *sched, struct ct_err *err);
int ct_procattr_set_io_priority(const struct ct_io_priority *prio, struct ct_err *err);
int ct_procattr_set_personality(const struct ct_personality *pers, struct ct_err *err);
int ct_procattr_set_memory_policy(const struct ct_memory_policy *pol, struct ct_err *err);
/* Pins the calling thread to the CPUs of a list like "0-3,7". */
int ct_procattr_set_cpu_affinity(const char *cpus, struct ct_err *err);

/*
 * Parses a CPU or NUMA node list ("0-3,7", "", whitespace around items
 * allowed) into a bit mask of *ret_nbits bits (a multiple of the bits of a
 * long, enough for the highest one listed) in malloc'd longs. Malformed
 * lists, reversed ranges and numbers past 65535 fail with errnum 0.
 */
int ct_parse_cpu_list(const char *list, unsigned long **ret_mask, size_t *ret_nbits,
		      struct ct_err *err);

/*
 * Creates process.cwd (and its parents, mode 0755) when missing, and enters
 * it. Runs after pivot_root, as root, before ct_procattr_set_user, so a cwd
 * the image lacks exists however restricted the user, and a cwd only root
 * may search is still where the process starts. A relative cwd is refused
 * (errnum 0).
 */
int ct_procattr_make_cwd(const struct ct_process *proc, struct ct_err *err);

/*
 * Switches to process.user: additionalGids (setgroups; an empty list when
 * none, skipped when the user namespace denies setgroups and none are
 * asked), gid, uid, with the permitted capabilities kept across the change
 * (PR_SET_KEEPCAPS) so ct_caps_apply can set the final sets after; then the
 * umask when given.
 */
int ct_procattr_set_user(const struct ct_process *proc, struct ct_err *err);

/*
 * Just before execve: execCPUAffinity.final, then chdir to cwd as the final
 * user; refused (EACCES, EPERM) but already there since
 * ct_procattr_make_cwd is fine.
 */
int ct_procattr_apply_final(const struct ct_process *proc, struct ct_err *err);
