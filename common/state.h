/* SPDX-License-Identifier: Apache-2.0 */
/* A container's record under the runtime root: ids, state.json, locking, computed status. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "common/spec.h"

struct ct_err;

#define CT_STATE_ROOT_DEFAULT "/run/nsinit"
/*
 * An id names a directory below the state root and a cgroup directory, so it is
 * bounded by NAME_MAX: a longer one is refused before any path is built.
 */
#define CT_STATE_ID_MAX 255

enum ct_status {
	CT_STATUS_CREATING,
	CT_STATUS_CREATED,
	CT_STATUS_RUNNING,
	CT_STATUS_STOPPED,
	CT_STATUS_PAUSED,
};

/*
 * What state.json holds: the OCI state plus the runtime's private fields.
 * Strings are malloc'd (ct_record_free releases them); ns_paths is indexed
 * by enum ct_ns_type (see common/spec.h) and holds "/proc/PID/ns/NAME" for
 * every namespace the container has, own or joined.
 */
struct ct_record {
	char *id;
	enum ct_status status; /* as recorded; ct_state_status() computes the live one */
	pid_t pid;	       /* 0 before the init exists */
	uint64_t start_time;   /* /proc/PID/stat field 22 of the init */
	char *bundle;
	char *rootfs;  /* absolute host path of root.path */
	char *created; /* RFC 3339, UTC */
	bool rootless;
	bool own_mount_ns;     /* false: ct_rootfs_cleanup must undo mounts on the host */
	int rootfs_base_mount; /* without own_mount_ns: the host's mount at rootfs before, or 0 */
	bool own_pid_ns;
	uid_t owner;
	json_t *annotations; /* object or NULL; owned */
	char *ns_paths[CT_NS_COUNT];
	json_t *cgroup; /* ct_cgroup_to_json's object, or NULL without cgroups; owned */
};

/*
 * Checks a container id before any path is built from it: 1 to
 * CT_STATE_ID_MAX characters from [A-Za-z0-9_+.-], and neither "." nor "..".
 * errnum is 0 on refusal (no syscall failed).
 */
int ct_state_check_id(const char *id, struct ct_err *err);

/* "created" ... ; and back (-1 when unknown). */
const char *ct_status_name(enum ct_status status);
int ct_status_from_name(const char *name);

/*
 * Makes ROOT (0700, parents too) and ROOT/ID (0700); mkdir is the test for
 * "exists": errnum EEXIST with "container with id exists". Returns an
 * O_DIRECTORY fd of ROOT/ID in *ret_dirfd.
 */
int ct_state_create_dir(const char *root, const char *id, int *ret_dirfd, struct ct_err *err);

/* Opens ROOT/ID; errnum ENOENT with "container does not exist". */
int ct_state_open_dir(const char *root, const char *id, int *ret_dirfd, struct ct_err *err);

/* Takes the container's lock (flock on ROOT/ID/lock, exclusive, blocking); returns its fd. */
int ct_state_lock(int dirfd, int *ret_lockfd, struct ct_err *err);

/* Writes state.json atomically: temporary file, fsync, rename. The caller holds the lock. */
int ct_state_save(int dirfd, const struct ct_record *rec, struct ct_err *err);

/*
 * Opens a file of a container's directory (state.json, config.json) to read: a regular
 * file only, never through a symlink, never blocking on a FIFO planted there.
 */
int ct_state_open_file(int dirfd, const char *name, int *ret_fd, struct ct_err *err);

/* Reads state.json into rec (zeroed first; release with ct_record_free). */
int ct_state_load(int dirfd, struct ct_record *rec, struct ct_err *err);

/* Serialises and parses the record (exposed for the unit tests). */
json_t *ct_record_to_json(const struct ct_record *rec);
int ct_record_from_json(json_t *doc, struct ct_record *rec, struct ct_err *err);

void ct_record_free(struct ct_record *rec);

/*
 * The status computed from the live process: stopped when the recorded pid
 * is gone, a zombie, or a different process (its start time differs);
 * otherwise the recorded creating, or created while exec.fifo exists, else
 * running.
 */
enum ct_status ct_state_status(int dirfd, const struct ct_record *rec);

/* True when PID runs and started at start_time (so it is the process we recorded). */
bool ct_state_pid_is(pid_t pid, uint64_t start_time);

/* Reads field 22 (starttime) of /proc/PID/stat, and the state letter when ret_state is set. */
int ct_proc_start_time(pid_t pid, uint64_t *ret_start, char *ret_state, struct ct_err *err);

/* The OCI state document (ociVersion, id, status, pid, bundle, annotations), for hooks. */
json_t *ct_state_oci_json(const struct ct_record *rec, enum ct_status status);

/* Removes ROOT/ID and what lives in it (state.json, exec.fifo, lock, config.json). */
int ct_state_remove(const char *root, const char *id, struct ct_err *err);

/* Writes the pid as decimal without a newline, atomically (temp + rename). */
int ct_state_write_pid_file(const char *path, pid_t pid, struct ct_err *err);

/* The current time as RFC 3339 with nanoseconds, UTC, into buf. */
void ct_state_now(char *buf, size_t size);
