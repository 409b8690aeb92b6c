/* SPDX-License-Identifier: Apache-2.0 */
/* Validation entry point: schema tables first, then the spec's prose rules per document kind. */
#include "common/validate.h"

#include <string.h>

#include <jansson.h>

#include "common/diag.h"
#include "common/validate_impl.h"

static void check_semver(const json_t *doc, const char *key, struct vd_semver *ret, bool *ret_ok,
			 struct ct_diags *d)
{
	const json_t *value = json_object_get(doc, key);

	*ret_ok = false;
	if (!json_is_string(value))
		return;
	if (!vd_semver_parse(json_string_value(value), ret)) {
		vd_add(d, CT_DIAG_ERROR, "", key, "a semantic version like 1.3.0", value,
		       "write MAJOR.MINOR.PATCH, e.g. \"1.3.0\"", "invalid %s", key);
		return;
	}
	*ret_ok = true;
}

/* runtime.md "State": the bundle is an absolute path; pid is there once the process exists. */
static void check_state(const json_t *doc, struct ct_diags *d)
{
	const json_t *bundle = json_object_get(doc, "bundle");
	const json_t *id = json_object_get(doc, "id");
	const char *status = json_string_value(json_object_get(doc, "status"));
	struct vd_semver v;
	bool ok;

	check_semver(doc, "ociVersion", &v, &ok, d);
	if (json_is_string(id) && json_string_length(id) == 0)
		vd_add(d, CT_DIAG_ERROR, "", "id", "a container id", id, NULL, "empty id");
	if (json_is_string(bundle) && !vd_is_abs(json_string_value(bundle)))
		vd_add(d, CT_DIAG_ERROR, "", "bundle", "an absolute path", bundle, NULL,
		       "bundle is not absolute");
	if (status && (strcmp(status, "created") == 0 || strcmp(status, "running") == 0) &&
	    !json_object_get(doc, "pid"))
		vd_add(d, CT_DIAG_ERROR, "", NULL, NULL, NULL, "add \"pid\"",
		       "missing pid for status '%s'", status);
}

static void check_features(const json_t *doc, struct ct_diags *d)
{
	struct vd_semver min;
	struct vd_semver max;
	bool has_min;
	bool has_max;

	check_semver(doc, "ociVersionMin", &min, &has_min, d);
	check_semver(doc, "ociVersionMax", &max, &has_max, d);
	if (has_min && has_max && vd_semver_cmp(&min, &max) > 0)
		vd_add(d, CT_DIAG_ERROR, "", "ociVersionMin", "ociVersionMin <= ociVersionMax",
		       json_object_get(doc, "ociVersionMin"), NULL,
		       "ociVersionMin is newer than ociVersionMax");
}

void ct_validate_doc(const json_t *doc, enum ct_doc_kind kind, struct ct_diags *diags)
{
	switch (kind) {
	case CT_DOC_CONFIG:
		vs_check(doc, &vs_config, "", diags);
		if (json_is_object(doc))
			vd_check_config(doc, diags);
		break;
	case CT_DOC_STATE:
		vs_check(doc, &vs_state, "", diags);
		if (json_is_object(doc))
			check_state(doc, diags);
		break;
	case CT_DOC_FEATURES:
		vs_check(doc, &vs_features, "", diags);
		if (json_is_object(doc))
			check_features(doc, diags);
		break;
	}
}
