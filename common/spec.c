/* SPDX-License-Identifier: Apache-2.0 */
/* The config.json model: tables for the platform-neutral fields and the public entry points. */
#include "common/spec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/json.h"
#include "common/spec_desc.h"

static const struct ct_field id_mapping_fields[] = {
	CT_VAL("containerID", CT_K_U32, struct ct_id_mapping, container_id, uint32_t, CT_F_REQ),
	CT_VAL("hostID", CT_K_U32, struct ct_id_mapping, host_id, uint32_t, CT_F_REQ),
	CT_VAL("size", CT_K_U32, struct ct_id_mapping, size, uint32_t, CT_F_REQ),
};
const struct ct_desc ct_desc_id_mapping = CT_DESC(struct ct_id_mapping, id_mapping_fields);

static const struct ct_field mount_fields[] = {
	CT_STR("destination", struct ct_mount, destination),
	CT_STR("source", struct ct_mount, source),
	CT_STR("type", struct ct_mount, type),
	CT_STRV("options", struct ct_mount, options),
	CT_ARRAY("uidMappings", struct ct_mount, uid_mappings, struct ct_id_mapping,
		 ct_desc_id_mapping),
	CT_ARRAY("gidMappings", struct ct_mount, gid_mappings, struct ct_id_mapping,
		 ct_desc_id_mapping),
};
static const struct ct_desc mount_desc = CT_DESC(struct ct_mount, mount_fields);

static const struct ct_field rlimit_fields[] = {
	CT_STR("type", struct ct_rlimit, type),
	CT_VAL("hard", CT_K_U64, struct ct_rlimit, hard, uint64_t, CT_F_REQ),
	CT_VAL("soft", CT_K_U64, struct ct_rlimit, soft, uint64_t, CT_F_REQ),
};
static const struct ct_desc rlimit_desc = CT_DESC(struct ct_rlimit, rlimit_fields);

static const struct ct_field caps_fields[] = {
	CT_STRV("bounding", struct ct_capabilities, bounding),
	CT_STRV("effective", struct ct_capabilities, effective),
	CT_STRV("inheritable", struct ct_capabilities, inheritable),
	CT_STRV("permitted", struct ct_capabilities, permitted),
	CT_STRV("ambient", struct ct_capabilities, ambient),
};
static const struct ct_desc caps_desc = CT_DESC(struct ct_capabilities, caps_fields);

/* uid and gid are REQUIRED on Linux, so a user object always carries them. */
static const struct ct_field user_fields[] = {
	CT_VAL("uid", CT_K_U32, struct ct_user, uid, uint32_t, CT_F_REQ),
	CT_VAL("gid", CT_K_U32, struct ct_user, gid, uint32_t, CT_F_REQ),
	CT_OPT("umask", CT_K_U32, struct ct_user, umask, uint32_t),
	CT_FIELD("additionalGids", CT_K_U32V, struct ct_user, additional_gids, uint32_t *, 0,
		 CT_NO_OFF, CT_OFF(struct ct_user, n_additional_gids, size_t), NULL),
	CT_STR("username", struct ct_user, username),
};
static const struct ct_desc user_desc = CT_DESC(struct ct_user, user_fields);

static const struct ct_field scheduler_fields[] = {
	CT_STR("policy", struct ct_scheduler, policy),
	CT_OPT("nice", CT_K_I32, struct ct_scheduler, nice, int32_t),
	CT_OPT("priority", CT_K_I32, struct ct_scheduler, priority, int32_t),
	CT_STRV("flags", struct ct_scheduler, flags),
	CT_OPT("runtime", CT_K_U64, struct ct_scheduler, runtime, uint64_t),
	CT_OPT("deadline", CT_K_U64, struct ct_scheduler, deadline, uint64_t),
	CT_OPT("period", CT_K_U64, struct ct_scheduler, period, uint64_t),
};
static const struct ct_desc scheduler_desc = CT_DESC(struct ct_scheduler, scheduler_fields);

static const struct ct_field io_priority_fields[] = {
	CT_STR("class", struct ct_io_priority, class),
	CT_VAL("priority", CT_K_I32, struct ct_io_priority, priority, int32_t, CT_F_REQ),
};
static const struct ct_desc io_priority_desc = CT_DESC(struct ct_io_priority, io_priority_fields);

static const struct ct_field affinity_fields[] = {
	CT_STR("initial", struct ct_exec_cpu_affinity, initial),
	CT_STR("final", struct ct_exec_cpu_affinity, final),
};
static const struct ct_desc affinity_desc = CT_DESC(struct ct_exec_cpu_affinity, affinity_fields);

/* consoleSize is one JSON object over two fields of struct ct_process. */
static const struct ct_field console_fields[] = {
	CT_VAL("height", CT_K_U32, struct ct_process, console_height, uint32_t, CT_F_REQ),
	CT_VAL("width", CT_K_U32, struct ct_process, console_width, uint32_t, CT_F_REQ),
};
static const struct ct_desc console_desc = CT_DESC(struct ct_process, console_fields);

static const struct ct_field process_fields[] = {
	CT_VAL("terminal", CT_K_BOOL, struct ct_process, terminal, bool, 0),
	{.key = "consoleSize",
	 .kind = CT_K_INLINE,
	 .off = 0,
	 .has_off = CT_OFF(struct ct_process, has_console_size, bool),
	 .n_off = CT_NO_OFF,
	 .sub = &console_desc},
	{.key = "user",
	 .kind = CT_K_INLINE,
	 .flags = CT_F_NEW,
	 .off = CT_OFF(struct ct_process, user, struct ct_user),
	 .has_off = CT_NO_OFF,
	 .n_off = CT_NO_OFF,
	 .sub = &user_desc},
	CT_STRV("args", struct ct_process, args),
	CT_STR("commandLine", struct ct_process, command_line),
	CT_STRV("env", struct ct_process, env),
	CT_STR("cwd", struct ct_process, cwd),
	CT_OBJ("capabilities", struct ct_process, capabilities, struct ct_capabilities, caps_desc),
	CT_ARRAY("rlimits", struct ct_process, rlimits, struct ct_rlimit, rlimit_desc),
	CT_VAL("noNewPrivileges", CT_K_BOOL, struct ct_process, no_new_privileges, bool, 0),
	CT_STR("apparmorProfile", struct ct_process, apparmor_profile),
	CT_OPT("oomScoreAdj", CT_K_I32, struct ct_process, oom_score_adj, int32_t),
	CT_STR("selinuxLabel", struct ct_process, selinux_label),
	CT_OBJ("scheduler", struct ct_process, scheduler, struct ct_scheduler, scheduler_desc),
	CT_OBJ("ioPriority", struct ct_process, io_priority, struct ct_io_priority,
	       io_priority_desc),
	CT_OBJ("execCPUAffinity", struct ct_process, exec_cpu_affinity, struct ct_exec_cpu_affinity,
	       affinity_desc),
};
static const struct ct_desc process_desc = CT_DESC(struct ct_process, process_fields);

static const struct ct_field hook_fields[] = {
	CT_STR("path", struct ct_hook, path),
	CT_STRV("args", struct ct_hook, args),
	CT_STRV("env", struct ct_hook, env),
	CT_OPT("timeout", CT_K_I32, struct ct_hook, timeout, int32_t),
};
static const struct ct_desc hook_desc = CT_DESC(struct ct_hook, hook_fields);

static const struct ct_field hooks_fields[] = {
	CT_LIST("prestart", struct ct_hooks, prestart, struct ct_hook, hook_desc),
	CT_LIST("createRuntime", struct ct_hooks, create_runtime, struct ct_hook, hook_desc),
	CT_LIST("createContainer", struct ct_hooks, create_container, struct ct_hook, hook_desc),
	CT_LIST("startContainer", struct ct_hooks, start_container, struct ct_hook, hook_desc),
	CT_LIST("poststart", struct ct_hooks, poststart, struct ct_hook, hook_desc),
	CT_LIST("poststop", struct ct_hooks, poststop, struct ct_hook, hook_desc),
};
static const struct ct_desc hooks_desc = CT_DESC(struct ct_hooks, hooks_fields);

static const struct ct_field root_fields[] = {
	CT_STR("path", struct ct_spec, root_path),
	CT_VAL("readonly", CT_K_BOOL, struct ct_spec, root_readonly, bool, 0),
};
static const struct ct_desc root_desc = CT_DESC(struct ct_spec, root_fields);

/* Other platforms' sections (windows, solaris, vm, zos, freebsd) are not modelled: they stay in
 * doc. */
static const struct ct_field spec_fields[] = {
	CT_STR("ociVersion", struct ct_spec, oci_version),
	CT_GROUP("root", root_desc, 0),
	CT_ARRAY("mounts", struct ct_spec, mounts, struct ct_mount, mount_desc),
	CT_OBJ("process", struct ct_spec, process, struct ct_process, process_desc),
	CT_STR("hostname", struct ct_spec, hostname),
	CT_STR("domainname", struct ct_spec, domainname),
	CT_OBJ("hooks", struct ct_spec, hooks, struct ct_hooks, hooks_desc),
	CT_KVS("annotations", struct ct_spec, annotations),
	CT_OBJ("linux", struct ct_spec, linux_, struct ct_linux, ct_desc_linux),
};
static const struct ct_desc spec_desc = CT_DESC(struct ct_spec, spec_fields);

/* Index is the enum value; the names are the spec's linux.namespaces[].type. */
static const char *const ns_names[CT_NS_COUNT] = {
	[CT_NS_PID] = "pid",	   [CT_NS_NETWORK] = "network", [CT_NS_MOUNT] = "mount",
	[CT_NS_IPC] = "ipc",	   [CT_NS_UTS] = "uts",		[CT_NS_USER] = "user",
	[CT_NS_CGROUP] = "cgroup", [CT_NS_TIME] = "time",
};

int ct_ns_type_from_name(const char *name)
{
	for (int i = 0; name && i < CT_NS_COUNT; i++)
		if (strcmp(ns_names[i], name) == 0)
			return i;

	return -1;
}

const char *ct_ns_type_name(enum ct_ns_type type)
{
	if ((unsigned)type >= CT_NS_COUNT)
		return NULL;

	return ns_names[type];
}

const struct ct_namespace *ct_spec_find_ns(const struct ct_spec *spec, enum ct_ns_type type)
{
	if (!spec || !spec->linux_)
		return NULL;
	for (size_t i = 0; i < spec->linux_->n_namespaces; i++)
		if (spec->linux_->namespaces[i].type == type)
			return &spec->linux_->namespaces[i];

	return NULL;
}

struct ct_spec *ct_spec_new(void)
{
	struct ct_spec *spec = calloc(1, sizeof(*spec));

	if (!spec)
		return NULL;
	spec->oci_version = strdup(CT_OCI_VERSION);
	if (!spec->oci_version) {
		free(spec);
		return NULL;
	}

	return spec;
}

void ct_spec_free(struct ct_spec *spec)
{
	if (!spec)
		return;
	ct_desc_free(&spec_desc, spec);
	json_decref(spec->doc);
	free(spec);
}

struct ct_spec *ct_spec_from_json(json_t *doc, struct ct_diags *diags)
{
	struct ct_spec *spec;
	size_t errors = diags->errors;

	if (!json_is_object(doc)) {
		cleanup_free char *found = doc ? ct_json_describe(doc) : NULL;

		ct_diags_add(diags, CT_DIAG_ERROR, "", "a JSON object", found,
			     "a config.json is one object: {\"ociVersion\": ...}",
			     "document is not an object");
		return NULL;
	}
	spec = calloc(1, sizeof(*spec));
	if (!spec) {
		ct_diags_add(diags, CT_DIAG_ERROR, "", NULL, NULL, NULL,
			     "out of memory reading the document");
		return NULL;
	}
	spec->doc = json_incref(doc);
	ct_desc_read(&spec_desc, spec, doc, NULL, diags);
	if (diags->errors > errors) {
		ct_spec_free(spec);
		return NULL;
	}

	return spec;
}

json_t *ct_spec_to_json(const struct ct_spec *spec)
{
	return ct_desc_to_json(&spec_desc, spec, spec->doc);
}

char *ct_spec_dump(const struct ct_spec *spec)
{
	cleanup_json json_t *doc = ct_spec_to_json(spec);

	if (!doc)
		return NULL;

	return ct_json_dump_pretty(doc);
}

int ct_strv_push(struct ct_strv *sv, const char *s)
{
	char **v = realloc(sv->v, (sv->n + 2) * sizeof(*v));

	if (!v)
		return -1;
	sv->v = v;
	/* Until the copy succeeds, v[n] stays the NULL terminator: a failure leaves the list as it
	 * was. */
	v[sv->n] = strdup(s);
	if (!v[sv->n])
		return -1;
	v[++sv->n] = NULL;

	return 0;
}

const char *ct_kvs_get(const struct ct_kvs *kvs, const char *key)
{
	for (size_t i = 0; i < kvs->n; i++)
		if (strcmp(kvs->v[i].key, key) == 0)
			return kvs->v[i].value;

	return NULL;
}

int ct_kvs_set(struct ct_kvs *kvs, const char *key, const char *value)
{
	char *val = strdup(value);
	struct ct_kv *v;

	if (!val)
		return -1;
	for (size_t i = 0; i < kvs->n; i++) {
		if (strcmp(kvs->v[i].key, key) == 0) {
			free(kvs->v[i].value);
			kvs->v[i].value = val;
			return 0;
		}
	}
	v = realloc(kvs->v, (kvs->n + 1) * sizeof(*v));
	if (!v) {
		free(val);
		return -1;
	}
	kvs->v = v;
	v[kvs->n].key = strdup(key);
	if (!v[kvs->n].key) {
		free(val);
		return -1;
	}
	v[kvs->n].value = val;
	kvs->n++;

	return 0;
}
