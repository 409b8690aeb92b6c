/* SPDX-License-Identifier: Apache-2.0 */
/* Where and how the process runs: scheduler, I/O priority, personality, NUMA policy, CPU list. */
#include "common/procattr.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/spec.h"

/* glibc 2.36 has no sched_setattr(); this is the kernel's struct sched_attr (VER1, 56 bytes). */
struct sched_attr_v1 {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
	uint32_t sched_util_min;
	uint32_t sched_util_max;
};

struct name_value {
	const char *name;
	long value;
};

static const struct name_value sched_policies[] = {
	{"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},	      {"SCHED_BATCH", 3},
	{"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6}, {NULL, 0},
};

static const struct name_value sched_flags[] = {
	{"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
	{"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
	{"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
	{"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40}, {NULL, 0},
};

static const struct name_value io_classes[] = {
	{"IOPRIO_CLASS_RT", 1},
	{"IOPRIO_CLASS_BE", 2},
	{"IOPRIO_CLASS_IDLE", 3},
	{NULL, 0},
};

static const struct name_value mpol_modes[] = {
	{"MPOL_DEFAULT", 0},
	{"MPOL_PREFERRED", 1},
	{"MPOL_BIND", 2},
	{"MPOL_INTERLEAVE", 3},
	{"MPOL_LOCAL", 4},
	{"MPOL_PREFERRED_MANY", 5},
	{"MPOL_WEIGHTED_INTERLEAVE", 6},
	{NULL, 0},
};

static const struct name_value mpol_flags[] = {
	{"MPOL_F_NUMA_BALANCING", 1 << 13},
	{"MPOL_F_RELATIVE_NODES", 1 << 14},
	{"MPOL_F_STATIC_NODES", 1 << 15},
	{NULL, 0},
};

static int lookup(const struct name_value *table, const char *name, long *ret)
{
	for (; table->name; table++) {
		if (strcmp(table->name, name) == 0) {
			*ret = table->value;
			return 0;
		}
	}

	return -1;
}

static int sched_flags_mask(const struct ct_strv *flags, uint64_t *ret, struct ct_err *err)
{
	uint64_t mask = 0;

	for (size_t i = 0; i < flags->n; i++) {
		long v;

		if (lookup(sched_flags, flags->v[i], &v) < 0)
			return ct_err_set(err, 0, "unknown scheduler flag '%s'", flags->v[i]);
		mask |= (uint64_t)v;
	}
	*ret = mask;

	return 0;
}

int ct_procattr_set_scheduler(const struct ct_scheduler *sched, struct ct_err *err)
{
	struct sched_attr_v1 attr = {.size = sizeof(attr)};
	long policy = 0;

	if (!sched)
		return 0;
	if (!sched->policy || lookup(sched_policies, sched->policy, &policy) < 0)
		return ct_err_set(err, 0, "unknown scheduler policy '%s'",
				  sched->policy ? sched->policy : "");
	/*
	 * LIMITATION: SCHED_ISO was never merged into Linux; such configs fail
	 * with "scheduler policy 'SCHED_ISO' is not in mainline Linux".
	 */
	if (policy == 4)
		return ct_err_set(err, 0, "scheduler policy 'SCHED_ISO' is not in mainline Linux");
	attr.sched_policy = (uint32_t)policy;
	if (sched_flags_mask(&sched->flags, &attr.sched_flags, err) < 0)
		return -1;
	attr.sched_nice = sched->has_nice ? sched->nice : 0;
	attr.sched_priority = sched->has_priority ? (uint32_t)sched->priority : 0;
	attr.sched_runtime = sched->has_runtime ? sched->runtime : 0;
	attr.sched_deadline = sched->has_deadline ? sched->deadline : 0;
	attr.sched_period = sched->has_period ? sched->period : 0;

	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return ct_err_set(err, errno, "set scheduler policy '%s'", sched->policy);

	return 0;
}

int ct_procattr_set_io_priority(const struct ct_io_priority *prio, struct ct_err *err)
{
	long class = 0;

	if (!prio)
		return 0;
	if (!prio->class || lookup(io_classes, prio->class, &class) < 0)
		return ct_err_set(err, 0, "unknown I/O priority class '%s'",
				  prio->class ? prio->class : "");
	if (prio->priority < 0 || prio->priority > 7)
		return ct_err_set(err, 0, "I/O priority %d out of range 0-7", prio->priority);

	/* IOPRIO_WHO_PROCESS is 1; the class sits above the 13 data bits (IOPRIO_PRIO_VALUE). */
	if (syscall(SYS_ioprio_set, 1, 0, (int)(class << 13 | prio->priority)) < 0)
		return ct_err_set(err, errno, "set I/O priority %s %d", prio->class,
				  prio->priority);

	return 0;
}

int ct_procattr_set_personality(const struct ct_personality *pers, struct ct_err *err)
{
	unsigned long domain;

	if (!pers)
		return 0;
	if (pers->domain && strcmp(pers->domain, "LINUX") == 0)
		domain = PER_LINUX;
	else if (pers->domain && strcmp(pers->domain, "LINUX32") == 0)
		domain = PER_LINUX32;
	else
		return ct_err_set(err, 0, "unknown personality domain '%s'",
				  pers->domain ? pers->domain : "");
	/* The spec defines no flag values yet, so any flag is one we cannot honour. */
	if (pers->flags.n > 0)
		return ct_err_set(err, 0, "unsupported personality flag '%s'", pers->flags.v[0]);

	if (personality(domain) < 0)
		return ct_err_set(err, errno, "set personality '%s'", pers->domain);

	return 0;
}

int ct_procattr_set_cpu_affinity(const char *cpus, struct ct_err *err)
{
	cleanup_free unsigned long *mask = NULL;
	size_t nbits;

	if (!cpus)
		return 0;
	if (ct_parse_cpu_list(cpus, &mask, &nbits, err) < 0)
		return ct_err_wrap(err, "set CPU affinity");

	/* The mask is laid out as the kernel's cpumask: longs, bit n of the list is CPU n. */
	if (sched_setaffinity(0, nbits / CHAR_BIT, (cpu_set_t *)mask) < 0)
		return ct_err_set(err, errno, "set CPU affinity '%s'", cpus);

	return 0;
}

static int mpol_flags_mask(const struct ct_strv *flags, long *ret, struct ct_err *err)
{
	long mask = 0;

	for (size_t i = 0; i < flags->n; i++) {
		long v;

		if (lookup(mpol_flags, flags->v[i], &v) < 0)
			return ct_err_set(err, 0, "unknown memory policy flag '%s'", flags->v[i]);
		mask |= v;
	}
	*ret = mask;

	return 0;
}

int ct_procattr_set_memory_policy(const struct ct_memory_policy *pol, struct ct_err *err)
{
	cleanup_free unsigned long *nodes = NULL;
	size_t nbits = 0;
	long mode, flags = 0;

	if (!pol)
		return 0;
	if (!pol->mode || lookup(mpol_modes, pol->mode, &mode) < 0)
		return ct_err_set(err, 0, "unknown memory policy mode '%s'",
				  pol->mode ? pol->mode : "");
	if (mpol_flags_mask(&pol->flags, &flags, err) < 0)
		return -1;
	if (pol->nodes && ct_parse_cpu_list(pol->nodes, &nodes, &nbits, err) < 0)
		return ct_err_wrap(err, "memory policy nodes");

	/* maxnode counts one past the last bit the kernel reads; nbits covers whole longs. */
	if (syscall(SYS_set_mempolicy, (int)(mode | flags), nodes, nodes ? nbits + 1 : 0) < 0)
		return ct_err_set(err, errno, "set memory policy '%s' nodes '%s'", pol->mode,
				  pol->nodes ? pol->nodes : "");

	return 0;
}
