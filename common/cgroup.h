/* SPDX-License-Identifier: Apache-2.0 */
/* A container's cgroups on v1, v2 (unified) and hybrid hosts, behind one interface. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

struct ct_err;
struct ct_resources;
struct ct_device;

enum ct_cgroup_mode {
	CT_CGROUP_V1,	  /* only v1 controller hierarchies */
	CT_CGROUP_V2,	  /* /sys/fs/cgroup is cgroup2 */
	CT_CGROUP_HYBRID, /* v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified */
};

/* A container's cgroups: one directory per hierarchy. Opaque. */
struct ct_cgroup;

/* "v1", "v2", "hybrid". */
const char *ct_cgroup_mode_name(enum ct_cgroup_mode mode);

/* Looks at /sys/fs/cgroup (statfs magic, then /proc/self/mountinfo). */
int ct_cgroup_detect(enum ct_cgroup_mode *ret_mode, struct ct_err *err);

/*
 * The kernel formats every mount on each read of /proc/self/mountinfo, and a create needs the
 * cgroup mounts twice: to make the cgroups, and in its init to mount them in the container. A
 * snapshot taken before the init is cloned serves both: a child cloned into a new mount
 * namespace starts with a copy of the same mounts. A process that joins another mount
 * namespace must forget it.
 */
int ct_cgroup_snapshot_mounts(struct ct_err *err);
void ct_cgroup_forget_mounts(void);

/* The snapshot's text when one was taken, else /proc/self/mountinfo read now; caller frees. */
int ct_cgroup_mountinfo(char **ret_text, struct ct_err *err);

/*
 * Warnings (a setting the host cannot apply and we carry on past, such as
 * kernel memory limits) go to this function; common/ does not log them
 * itself. NULL restores the default (debug log). Not thread-safe.
 */
void ct_cgroup_set_warn(void (*fn)(const char *msg));

struct ct_cgroup_config {
	const char *id;		  /* container id: the leaf name when cgroups_path is NULL */
	const char *cgroups_path; /* linux.cgroupsPath; NULL: "<id>" */
	const struct ct_resources *resources; /* may be NULL */
	/* linux.devices: each gets an rwm allow rule in the device policy */
	const struct ct_device *devices;
	size_t n_devices;
	/* no device policy at all (tests of other controllers; rootless callers) */
	bool skip_devices;
	/*
	 * When set, called once the directories exist, before the resources and the device
	 * policy are written: a process may move in meanwhile. A failure undoes the create.
	 */
	int (*on_made)(const struct ct_cgroup *cg, void *arg, struct ct_err *err);
	/* When on_made ran and a later step fails: empty the cgroups before they are removed. */
	void (*on_undo)(void *arg);
	void *on_made_arg;
};

/*
 * Creates the container's cgroup in every hierarchy and applies the
 * resources and the device policy. A relative cgroups_path (or none) nests
 * below the caller's own cgroup of each hierarchy (/proc/self/cgroup); an
 * absolute one is used as given. On failure everything this call created
 * is removed again and NULL is returned. Errnum EEXIST: a cgroup of that
 * path already holds processes.
 */
struct ct_cgroup *ct_cgroup_create(const struct ct_cgroup_config *cfg, struct ct_err *err);

/* At most this many hierarchies take part in a self move (v1 has about a dozen). */
#define CT_CGROUP_MAX_ENTRIES 32

/*
 * For a process that moves itself in: per hierarchy, an open descriptor of
 * v1's "tasks" (cgroup2's "cgroup.procs"), *ret_n of them. Writing "0" there
 * moves the writer. On v1 the kernel then takes no global lock, where moving
 * another process takes one that waits for an RCU grace period now and then
 * (milliseconds). Permission goes with the opener's credentials, so the
 * descriptors may be handed to a process in a user namespace.
 */
int ct_cgroup_open_entries(const struct ct_cgroup *cg, int *fds, size_t max, size_t *ret_n,
			   struct ct_err *err);

/* Moves the caller in through descriptors of ct_cgroup_open_entries, closing them. */
int ct_cgroup_enter_self(const int *fds, size_t n, struct ct_err *err);

/*
 * A new O_DIRECTORY descriptor of the cgroup2 directory for clone3's
 * CLONE_INTO_CGROUP. Only on pure v2 (on hybrid hosts the v1 hierarchies
 * need ct_cgroup_enter_self anyway): returns -1 with errnum EOPNOTSUPP otherwise.
 */
int ct_cgroup_open_v2_dirfd(const struct ct_cgroup *cg, struct ct_err *err);

/* Changes the resources of a live cgroup (nsinit update). */
int ct_cgroup_update(const struct ct_cgroup *cg, const struct ct_resources *res,
		     struct ct_err *err);

/* Freezes (pause) or thaws (resume), waiting until the kernel reports the new state. */
int ct_cgroup_freeze(const struct ct_cgroup *cg, bool frozen, struct ct_err *err);

/* True when the cgroup is frozen; false also when there is no freezer. */
int ct_cgroup_is_frozen(const struct ct_cgroup *cg, bool *ret_frozen, struct ct_err *err);

/* Every pid in the cgroup and below (cgroup.procs), malloc'd. */
int ct_cgroup_pids(const struct ct_cgroup *cg, pid_t **ret_pids, size_t *ret_n, struct ct_err *err);

/* SIGKILLs everything inside (cgroup.kill on v2, else each pid with the freezer thawed). */
int ct_cgroup_kill(const struct ct_cgroup *cg, struct ct_err *err);

/*
 * Kills what is left, then removes exactly the directories create made
 * (leaf first; a parent another cgroup still uses stays), retrying EBUSY a
 * bounded number of times. Does not free cg.
 */
int ct_cgroup_destroy(struct ct_cgroup *cg, struct ct_err *err);

void ct_cgroup_free(struct ct_cgroup *cg);

/*
 * The cgroup as a JSON object for the state file:
 * {"mode": "hybrid", "dirs": [{"controllers": "memory", "path": "/sys/...",
 * "created": 1}, ...]}. New reference; NULL on ENOMEM.
 */
json_t *ct_cgroup_to_json(const struct ct_cgroup *cg);

/* Reads ct_cgroup_to_json's object back; paths outside /sys/fs/cgroup are refused. */
struct ct_cgroup *ct_cgroup_from_json(const json_t *obj, struct ct_err *err);

/* The directory of one hierarchy: a v1 controller ("memory") or "" for cgroup2. NULL if none. */
const char *ct_cgroup_path(const struct ct_cgroup *cg, const char *controller);

enum ct_cgroup_mode ct_cgroup_get_mode(const struct ct_cgroup *cg);

/*
 * runc's `events --stats` data object: {cpu, memory, pids, blkio, hugetlb}.
 * New reference.
 */
json_t *ct_cgroup_stats(const struct ct_cgroup *cg, struct ct_err *err);

/*
 * OOM notifications: a descriptor that turns readable when the kernel
 * OOM-kills in the cgroup (v1: memory.oom_control via cgroup.event_control;
 * v2: inotify on memory.events). After poll() says readable, call
 * ct_cgroup_oom_check: *ret_count is the number of new OOM events (0 on a
 * spurious wake-up).
 */
struct ct_cgroup_oom;
struct ct_cgroup_oom *ct_cgroup_oom_open(const struct ct_cgroup *cg, struct ct_err *err);
int ct_cgroup_oom_fd(const struct ct_cgroup_oom *oom);
int ct_cgroup_oom_check(struct ct_cgroup_oom *oom, uint64_t *ret_count, struct ct_err *err);
void ct_cgroup_oom_free(struct ct_cgroup_oom *oom);

/*
 * How many processes the kernel has OOM-killed in the cgroup so far (the
 * oom_kill key of memory.oom_control on v1, memory.events on v2). errnum
 * ENOENT: no memory controller, or a kernel without the counter.
 */
int ct_cgroup_oom_kills(const struct ct_cgroup *cg, uint64_t *ret_count, struct ct_err *err);

/* cpu.shares (2..262144) to cpu.weight (1..10000), as runc and crun convert; 0 stays 0. */
uint64_t ct_cgroup_shares_to_weight(uint64_t shares);

/* blkio.weight (10..1000) to io.weight (1..10000), as crun converts; 0 stays 0. */
uint64_t ct_cgroup_blkio_to_io_weight(uint64_t weight);

/*
 * memory.swap.max from the OCI memory+swap value and the memory limit:
 * -1 means "max", 0 means "leave unset". Fails (EINVAL) when swap is below
 * the limit or set without a limit.
 */
int ct_cgroup_swap_to_v2(int64_t swap, int64_t limit, bool has_limit, int64_t *ret_swap,
			 struct ct_err *err);
