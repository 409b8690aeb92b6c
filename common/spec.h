/* SPDX-License-Identifier: Apache-2.0 */
/* The typed model of runtime-spec v1.3.0 config.json, state.json and features.json. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

struct ct_err;
struct ct_diags;

/* The newest runtime-spec version this toolkit implements, and the oldest it accepts. */
#define CT_OCI_VERSION "1.3.0"
#define CT_OCI_VERSION_MIN "1.0.0"

/*
 * Conventions of the model:
 * - Strings are malloc'd and NULL when the field is absent.
 * - String lists are NULL-terminated arrays with their count; NULL when absent
 *   (an empty list present in the document is a non-NULL array with count 0).
 * - An optional number or boolean has a has_<field> flag beside it.
 * - An optional object is a pointer, NULL when absent.
 * - Maps of string to string (annotations, sysctl, unified) are struct ct_kv lists.
 */
struct ct_strv {
	char **v;
	size_t n;
};

struct ct_kv {
	char *key;
	char *value;
};

struct ct_kvs {
	struct ct_kv *v;
	size_t n;
};

struct ct_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct ct_mount {
	char *destination;
	char *source;
	char *type;
	struct ct_strv options;
	struct ct_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct ct_id_mapping *gid_mappings;
	size_t n_gid_mappings;
};

struct ct_rlimit {
	char *type; /* "RLIMIT_NOFILE" */
	uint64_t hard;
	uint64_t soft;
};

struct ct_capabilities {
	struct ct_strv bounding;
	struct ct_strv effective;
	struct ct_strv inheritable;
	struct ct_strv permitted;
	struct ct_strv ambient;
};

struct ct_user {
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* Windows only; kept */
};

struct ct_scheduler {
	char *policy; /* "SCHED_OTHER" ... */
	bool has_nice;
	int32_t nice;
	bool has_priority;
	int32_t priority;
	struct ct_strv flags;
	bool has_runtime;
	uint64_t runtime;
	bool has_deadline;
	uint64_t deadline;
	bool has_period;
	uint64_t period;
};

struct ct_io_priority {
	char *class; /* "IOPRIO_CLASS_RT" ... */
	int32_t priority;
};

struct ct_exec_cpu_affinity {
	char *initial; /* cpu list, "0-3,7" */
	char *final;
};

struct ct_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height;
	uint32_t console_width;
	struct ct_user user;
	struct ct_strv args;
	char *command_line; /* Windows only; kept */
	struct ct_strv env;
	char *cwd;
	struct ct_capabilities *capabilities;
	struct ct_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	bool has_oom_score_adj;
	int32_t oom_score_adj;
	char *selinux_label;
	struct ct_scheduler *scheduler;
	struct ct_io_priority *io_priority;
	struct ct_exec_cpu_affinity *exec_cpu_affinity;
};

struct ct_hook {
	char *path;
	struct ct_strv args;
	struct ct_strv env;
	bool has_timeout;
	int32_t timeout; /* seconds, > 0 */
};

struct ct_hook_list {
	struct ct_hook *v;
	size_t n;
};

struct ct_hooks {
	struct ct_hook_list prestart; /* deprecated by the spec, still run */
	struct ct_hook_list create_runtime;
	struct ct_hook_list create_container;
	struct ct_hook_list start_container;
	struct ct_hook_list poststart;
	struct ct_hook_list poststop;
};

enum ct_ns_type {
	CT_NS_PID,
	CT_NS_NETWORK,
	CT_NS_MOUNT,
	CT_NS_IPC,
	CT_NS_UTS,
	CT_NS_USER,
	CT_NS_CGROUP,
	CT_NS_TIME,
	CT_NS_COUNT,
};

struct ct_namespace {
	enum ct_ns_type type;
	char *path; /* join this namespace when set */
};

struct ct_device {
	char *type; /* "c", "b", "u", "p" */
	char *path;
	int64_t major;
	int64_t minor;
	bool has_file_mode;
	uint32_t file_mode;
	bool has_uid;
	uint32_t uid;
	bool has_gid;
	uint32_t gid;
};

struct ct_device_cgroup {
	bool allow;
	char *type; /* "a", "c", "b"; NULL means all */
	bool has_major;
	int64_t major;
	bool has_minor;
	int64_t minor;
	char *access; /* "rwm" subset; NULL means all */
};

struct ct_memory {
	bool has_limit;
	int64_t limit;
	bool has_reservation;
	int64_t reservation;
	bool has_swap;
	int64_t swap;
	bool has_kernel;
	int64_t kernel; /* removed from kernels; warned about */
	bool has_kernel_tcp;
	int64_t kernel_tcp;
	bool has_swappiness;
	uint64_t swappiness;
	bool has_disable_oom_killer;
	bool disable_oom_killer;
	bool has_use_hierarchy;
	bool use_hierarchy;
	bool has_check_before_update;
	bool check_before_update;
};

struct ct_cpu {
	bool has_shares;
	uint64_t shares;
	bool has_quota;
	int64_t quota;
	bool has_burst;
	uint64_t burst;
	bool has_period;
	uint64_t period;
	bool has_realtime_runtime;
	int64_t realtime_runtime;
	bool has_realtime_period;
	uint64_t realtime_period;
	char *cpus;
	char *mems;
	bool has_idle;
	int64_t idle;
};

struct ct_blkio_weight_device {
	int64_t major;
	int64_t minor;
	bool has_weight;
	uint16_t weight;
	bool has_leaf_weight;
	uint16_t leaf_weight;
};

struct ct_blkio_throttle {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};

struct ct_blkio_throttle_list {
	struct ct_blkio_throttle *v;
	size_t n;
};

struct ct_blkio {
	bool has_weight;
	uint16_t weight;
	bool has_leaf_weight;
	uint16_t leaf_weight;
	struct ct_blkio_weight_device *weight_devices;
	size_t n_weight_devices;
	struct ct_blkio_throttle_list throttle_read_bps;
	struct ct_blkio_throttle_list throttle_write_bps;
	struct ct_blkio_throttle_list throttle_read_iops;
	struct ct_blkio_throttle_list throttle_write_iops;
};

struct ct_hugepage_limit {
	char *page_size; /* "2MB" */
	uint64_t limit;
};

struct ct_net_priority {
	char *name;
	uint32_t priority;
};

struct ct_network {
	bool has_class_id;
	uint32_t class_id;
	struct ct_net_priority *priorities;
	size_t n_priorities;
};

struct ct_rdma {
	char *device;
	bool has_hca_handles;
	uint32_t hca_handles;
	bool has_hca_objects;
	uint32_t hca_objects;
};

struct ct_resources {
	struct ct_device_cgroup *devices;
	size_t n_devices;
	struct ct_memory *memory;
	struct ct_cpu *cpu;
	bool has_pids_limit;
	int64_t pids_limit;
	struct ct_blkio *block_io;
	struct ct_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	struct ct_network *network;
	struct ct_rdma *rdma;
	size_t n_rdma;
	struct ct_kvs unified;
};

struct ct_seccomp_arg {
	uint32_t index;
	uint64_t value;
	bool has_value_two;
	uint64_t value_two;
	char *op; /* "SCMP_CMP_EQ" ... */
};

struct ct_seccomp_syscall {
	struct ct_strv names;
	char *action; /* "SCMP_ACT_ERRNO" ... */
	bool has_errno_ret;
	uint32_t errno_ret;
	struct ct_seccomp_arg *args;
	size_t n_args;
};

struct ct_seccomp {
	char *default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	struct ct_strv architectures; /* "SCMP_ARCH_X86_64" ... */
	struct ct_strv flags;	      /* "SECCOMP_FILTER_FLAG_LOG" ... */
	char *listener_path;
	char *listener_metadata;
	struct ct_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct ct_time_offset {
	bool is_set;
	int64_t secs;
	uint32_t nanosecs;
};

struct ct_net_device {
	char *host_name; /* the key in linux.netDevices */
	char *name;	 /* the name inside the container; NULL keeps the host name */
};

struct ct_personality {
	char *domain; /* "LINUX" or "LINUX32" */
	struct ct_strv flags;
};

struct ct_intel_rdt {
	char *clos_id;
	struct ct_strv schemata;
	char *l3_cache_schema;
	char *mem_bw_schema;
	bool has_enable_monitoring;
	bool enable_monitoring;
};

struct ct_memory_policy {
	char *mode; /* "MPOL_BIND" ... */
	char *nodes;
	struct ct_strv flags;
};

struct ct_linux {
	struct ct_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct ct_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	struct ct_kvs sysctl;
	struct ct_resources *resources;
	char *cgroups_path;
	struct ct_namespace *namespaces;
	size_t n_namespaces;
	struct ct_device *devices;
	size_t n_devices;
	struct ct_net_device *net_devices;
	size_t n_net_devices;
	struct ct_seccomp *seccomp;
	char *rootfs_propagation;
	struct ct_strv masked_paths;
	struct ct_strv readonly_paths;
	char *mount_label;
	struct ct_intel_rdt *intel_rdt;
	struct ct_personality *personality;
	struct ct_time_offset time_monotonic;
	struct ct_time_offset time_boottime;
	struct ct_memory_policy *memory_policy;
};

struct ct_spec {
	char *oci_version;
	char *root_path;
	bool root_readonly;
	struct ct_mount *mounts;
	size_t n_mounts;
	struct ct_process *process;
	char *hostname;
	char *domainname;
	struct ct_hooks *hooks;
	struct ct_kvs annotations;
	struct ct_linux *linux_; /* NULL when the document has no "linux" */

	/*
	 * The document as read: unknown keys and other platforms' sections
	 * (windows, solaris, vm, zos, freebsd) live here and survive
	 * ct_spec_to_json. Owned by the spec.
	 */
	json_t *doc;
};

/*
 * Parses config.json text. Every problem the schema and the document's own
 * rules reveal is added to diags (see common/validate.h); the spec is filled
 * only when there is no error. Returns NULL when diags holds an error.
 * Never aborts on bad input: empty, invalid UTF-8, duplicate keys, deep
 * nesting and out-of-range numbers are findings.
 */
struct ct_spec *ct_spec_parse(const char *buf, size_t len, struct ct_diags *diags);

/* Reads and parses a file ("-" is stdin). I/O failure fills err and returns NULL with no diags. */
struct ct_spec *ct_spec_load(const char *path, struct ct_diags *diags, struct ct_err *err);

/*
 * Fills the model from a parsed document (validated or not); takes its own
 * reference on doc. Safe on any JSON: a wrong type, a number that does not
 * fit its C field (uid above UINT32_MAX, a negative weight) or an unknown
 * namespace type is an error finding with its pointer, expected, found and
 * hint; reading goes on to report every one. Returns NULL when it added an
 * error. diags must not be NULL.
 */
struct ct_spec *ct_spec_from_json(json_t *doc, struct ct_diags *diags);

/*
 * The model as a JSON document: the original document with every known field
 * replaced by the model's value, so unknown keys (at any depth) and other
 * platforms' sections survive; fields absent from the model are absent from
 * the output; with doc NULL a new document is built. New reference; NULL on
 * ENOMEM or a value JSON cannot hold (a uint64 above INT64_MAX, a string that
 * is not UTF-8, a namespace type out of range).
 */
json_t *ct_spec_to_json(const struct ct_spec *spec);

/* ct_spec_to_json pretty-printed: same model, same bytes. malloc'd; NULL as above. */
char *ct_spec_dump(const struct ct_spec *spec);

void ct_spec_free(struct ct_spec *spec);

/* "pid" -> CT_NS_PID; -1 when unknown. And back. */
int ct_ns_type_from_name(const char *name);
const char *ct_ns_type_name(enum ct_ns_type type);

/* The namespace entry of that type, or NULL. */
const struct ct_namespace *ct_spec_find_ns(const struct ct_spec *spec, enum ct_ns_type type);

/* Builds an empty spec (ociVersion CT_OCI_VERSION, no doc) for filling by hand. NULL on ENOMEM. */
struct ct_spec *ct_spec_new(void);

/*
 * Appends a copy of s to a string list, keeping it NULL-terminated. Returns
 * -1 (ENOMEM) on allocation failure, leaving the list unchanged.
 */
int ct_strv_push(struct ct_strv *sv, const char *s);

/* Frees every string and the array, leaving an absent list ({NULL, 0}). */
void ct_strv_free(struct ct_strv *sv);

/* The value of key in a map, or NULL. */
const char *ct_kvs_get(const struct ct_kvs *kvs, const char *key);

/* Sets key to a copy of value (replacing an existing one). -1 on ENOMEM. */
int ct_kvs_set(struct ct_kvs *kvs, const char *key, const char *value);

/* The OCI state (state.json), as `nsinit state` prints it and hooks read it. */
struct ct_state {
	char *oci_version;
	char *id;
	char *status; /* "creating", "created", "running", "stopped" (and "paused") */
	bool has_pid;
	pid_t pid;
	char *bundle;
	struct ct_kvs annotations;
	json_t *doc; /* unknown keys, kept */
};

/*
 * Parses state.json text: ct_json_parse + ct_validate_doc(CT_DOC_STATE) + the
 * model. Returns NULL when diags holds an error. Unknown keys stay in doc.
 */
struct ct_state *ct_state_parse(const char *buf, size_t len, struct ct_diags *diags);

/* Fills a state from a parsed document as ct_spec_from_json does. NULL when it added an error. */
struct ct_state *ct_state_from_json(json_t *doc, struct ct_diags *diags);

/* The original document (or a new one when doc is NULL) with the model's fields. NULL on ENOMEM. */
json_t *ct_state_to_json(const struct ct_state *state);

void ct_state_free(struct ct_state *state);

/*
 * The runtime's features (features.json, `nsinit features`). Booleans that
 * may be absent carry a has_<field> flag; absent objects are NULL.
 */
struct ct_feature_toggle {
	bool has_enabled;
	bool enabled;
};

struct ct_features_cgroup {
	bool has_v1;
	bool v1;
	bool has_v2;
	bool v2;
	bool has_systemd;
	bool systemd;
	bool has_systemd_user;
	bool systemd_user;
	bool has_rdma;
	bool rdma;
};

struct ct_features_seccomp {
	bool has_enabled;
	bool enabled;
	struct ct_strv actions;
	struct ct_strv operators;
	struct ct_strv archs;
	struct ct_strv known_flags;
	struct ct_strv supported_flags;
};

struct ct_features_intel_rdt {
	bool has_enabled;
	bool enabled;
	bool has_schemata;
	bool schemata;
};

struct ct_features_mount_extensions {
	struct ct_feature_toggle *idmap;
};

struct ct_features_memory_policy {
	struct ct_strv modes;
	struct ct_strv flags;
};

struct ct_features_linux {
	struct ct_strv namespaces;
	struct ct_strv capabilities;
	struct ct_features_cgroup *cgroup;
	struct ct_features_seccomp *seccomp;
	struct ct_feature_toggle *apparmor;
	struct ct_feature_toggle *selinux;
	struct ct_features_intel_rdt *intel_rdt;
	struct ct_features_mount_extensions *mount_extensions;
	struct ct_feature_toggle *net_devices;
	struct ct_features_memory_policy *memory_policy;
};

struct ct_features {
	char *oci_version_min;
	char *oci_version_max;
	struct ct_strv hooks;
	struct ct_strv mount_options;
	struct ct_kvs annotations;
	struct ct_strv potentially_unsafe_config_annotations;
	struct ct_features_linux *linux_;
	json_t *doc; /* unknown keys, kept; NULL for a features object built by hand */
};

/*
 * Parses features.json text: ct_json_parse + ct_validate_doc(CT_DOC_FEATURES)
 * + the model. Returns NULL when diags holds an error.
 */
struct ct_features *ct_features_parse(const char *buf, size_t len, struct ct_diags *diags);

/* Fills features from a parsed document as ct_spec_from_json does. NULL when it added an error. */
struct ct_features *ct_features_from_json(json_t *doc, struct ct_diags *diags);

/*
 * The original document (or a new one when doc is NULL) with every known
 * field replaced by the model's value. New reference; NULL on ENOMEM.
 */
json_t *ct_features_to_json(const struct ct_features *features);

void ct_features_free(struct ct_features *features);
