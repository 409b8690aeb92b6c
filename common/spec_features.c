/* SPDX-License-Identifier: Apache-2.0 */
/* The models of features.json and state.json, on the same table engine as config.json. */
#include "common/spec.h"

#include <stdlib.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/spec_desc.h"

static const struct ct_field toggle_fields[] = {
	CT_OPT("enabled", CT_K_BOOL, struct ct_feature_toggle, enabled, bool),
};
static const struct ct_desc toggle_desc = CT_DESC(struct ct_feature_toggle, toggle_fields);

static const struct ct_field cgroup_fields[] = {
	CT_OPT("v1", CT_K_BOOL, struct ct_features_cgroup, v1, bool),
	CT_OPT("v2", CT_K_BOOL, struct ct_features_cgroup, v2, bool),
	CT_OPT("systemd", CT_K_BOOL, struct ct_features_cgroup, systemd, bool),
	CT_OPT("systemdUser", CT_K_BOOL, struct ct_features_cgroup, systemd_user, bool),
	CT_OPT("rdma", CT_K_BOOL, struct ct_features_cgroup, rdma, bool),
};
static const struct ct_desc cgroup_desc = CT_DESC(struct ct_features_cgroup, cgroup_fields);

static const struct ct_field seccomp_fields[] = {
	CT_OPT("enabled", CT_K_BOOL, struct ct_features_seccomp, enabled, bool),
	CT_STRV("actions", struct ct_features_seccomp, actions),
	CT_STRV("operators", struct ct_features_seccomp, operators),
	CT_STRV("archs", struct ct_features_seccomp, archs),
	CT_STRV("knownFlags", struct ct_features_seccomp, known_flags),
	CT_STRV("supportedFlags", struct ct_features_seccomp, supported_flags),
};
static const struct ct_desc seccomp_desc = CT_DESC(struct ct_features_seccomp, seccomp_fields);

static const struct ct_field intel_rdt_fields[] = {
	CT_OPT("enabled", CT_K_BOOL, struct ct_features_intel_rdt, enabled, bool),
	CT_OPT("schemata", CT_K_BOOL, struct ct_features_intel_rdt, schemata, bool),
};
static const struct ct_desc intel_rdt_desc =
	CT_DESC(struct ct_features_intel_rdt, intel_rdt_fields);

static const struct ct_field mount_ext_fields[] = {
	CT_OBJ("idmap", struct ct_features_mount_extensions, idmap, struct ct_feature_toggle,
	       toggle_desc),
};
static const struct ct_desc mount_ext_desc =
	CT_DESC(struct ct_features_mount_extensions, mount_ext_fields);

static const struct ct_field memory_policy_fields[] = {
	CT_STRV("modes", struct ct_features_memory_policy, modes),
	CT_STRV("flags", struct ct_features_memory_policy, flags),
};
static const struct ct_desc memory_policy_desc =
	CT_DESC(struct ct_features_memory_policy, memory_policy_fields);

static const struct ct_field linux_fields[] = {
	CT_STRV("namespaces", struct ct_features_linux, namespaces),
	CT_STRV("capabilities", struct ct_features_linux, capabilities),
	CT_OBJ("cgroup", struct ct_features_linux, cgroup, struct ct_features_cgroup, cgroup_desc),
	CT_OBJ("seccomp", struct ct_features_linux, seccomp, struct ct_features_seccomp,
	       seccomp_desc),
	CT_OBJ("apparmor", struct ct_features_linux, apparmor, struct ct_feature_toggle,
	       toggle_desc),
	CT_OBJ("selinux", struct ct_features_linux, selinux, struct ct_feature_toggle, toggle_desc),
	CT_OBJ("intelRdt", struct ct_features_linux, intel_rdt, struct ct_features_intel_rdt,
	       intel_rdt_desc),
	CT_OBJ("mountExtensions", struct ct_features_linux, mount_extensions,
	       struct ct_features_mount_extensions, mount_ext_desc),
	CT_OBJ("netDevices", struct ct_features_linux, net_devices, struct ct_feature_toggle,
	       toggle_desc),
	CT_OBJ("memoryPolicy", struct ct_features_linux, memory_policy,
	       struct ct_features_memory_policy, memory_policy_desc),
};
static const struct ct_desc linux_desc = CT_DESC(struct ct_features_linux, linux_fields);

static const struct ct_field features_fields[] = {
	CT_STR("ociVersionMin", struct ct_features, oci_version_min),
	CT_STR("ociVersionMax", struct ct_features, oci_version_max),
	CT_STRV("hooks", struct ct_features, hooks),
	CT_STRV("mountOptions", struct ct_features, mount_options),
	CT_KVS("annotations", struct ct_features, annotations),
	CT_STRV("potentiallyUnsafeConfigAnnotations", struct ct_features,
		potentially_unsafe_config_annotations),
	CT_OBJ("linux", struct ct_features, linux_, struct ct_features_linux, linux_desc),
};
const struct ct_desc ct_desc_features = CT_DESC(struct ct_features, features_fields);

static const struct ct_field state_fields[] = {
	CT_STR("ociVersion", struct ct_state, oci_version),
	CT_STR("id", struct ct_state, id),
	CT_STR("status", struct ct_state, status),
	CT_OPT("pid", CT_K_PID, struct ct_state, pid, pid_t),
	CT_STR("bundle", struct ct_state, bundle),
	CT_KVS("annotations", struct ct_state, annotations),
};
const struct ct_desc ct_desc_state = CT_DESC(struct ct_state, state_fields);

/*
 * Shared by the state and features loaders: checks the document is an
 * object, reads it by the table into a new struct whose json_t *doc sits at
 * doc_off, and frees it again when reading added an error.
 */
static void *model_from_json(const struct ct_desc *d, size_t doc_off, json_t *doc, const char *what,
			     struct ct_diags *diags)
{
	size_t errors = diags->errors;
	char *model;

	if (!json_is_object(doc)) {
		cleanup_free char *found = doc ? ct_json_describe(doc) : NULL;

		ct_diags_add(diags, CT_DIAG_ERROR, "", "a JSON object", found, NULL,
			     "%s is not an object", what);
		return NULL;
	}
	model = calloc(1, d->size);
	if (!model) {
		ct_diags_add(diags, CT_DIAG_ERROR, "", NULL, NULL, NULL,
			     "out of memory reading the document");
		return NULL;
	}
	*(json_t **)(model + doc_off) = json_incref(doc);
	ct_desc_read(d, model, doc, NULL, diags);
	if (diags->errors > errors) {
		ct_desc_free(d, model);
		json_decref(doc);
		free(model);
		return NULL;
	}

	return model;
}

struct ct_state *ct_state_from_json(json_t *doc, struct ct_diags *diags)
{
	return model_from_json(&ct_desc_state, CT_OFF(struct ct_state, doc, json_t *), doc, "state",
			       diags);
}

json_t *ct_state_to_json(const struct ct_state *state)
{
	return ct_desc_to_json(&ct_desc_state, state, state->doc);
}

void ct_state_free(struct ct_state *state)
{
	if (!state)
		return;
	ct_desc_free(&ct_desc_state, state);
	json_decref(state->doc);
	free(state);
}

struct ct_features *ct_features_from_json(json_t *doc, struct ct_diags *diags)
{
	return model_from_json(&ct_desc_features, CT_OFF(struct ct_features, doc, json_t *), doc,
			       "features", diags);
}

json_t *ct_features_to_json(const struct ct_features *features)
{
	return ct_desc_to_json(&ct_desc_features, features, features->doc);
}

void ct_features_free(struct ct_features *features)
{
	if (!features)
		return;
	ct_desc_free(&ct_desc_features, features);
	json_decref(features->doc);
	free(features);
}
