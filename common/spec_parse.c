/* SPDX-License-Identifier: Apache-2.0 */
/* Text to model: the JSON rules, then validation, then the typed model, for each document kind. */
#include "common/spec.h"

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/validate.h"

/*
 * The model is filled only from a document the validator accepted, so a
 * schema error is reported once (by the validator, with its hint) rather
 * than again as a type error of the model.
 */
static json_t *parse_valid(const char *buf, size_t len, enum ct_doc_kind kind,
			   struct ct_diags *diags)
{
	size_t errors = diags->errors;
	json_t *doc = ct_json_parse(buf, len, diags);

	if (!doc)
		return NULL;
	ct_validate_doc(doc, kind, diags);
	if (diags->errors > errors) {
		json_decref(doc);
		return NULL;
	}

	return doc;
}

struct ct_spec *ct_spec_parse(const char *buf, size_t len, struct ct_diags *diags)
{
	cleanup_json json_t *doc = parse_valid(buf, len, CT_DOC_CONFIG, diags);

	if (!doc)
		return NULL;

	return ct_spec_from_json(doc, diags);
}

struct ct_spec *ct_spec_load(const char *path, struct ct_diags *diags, struct ct_err *err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;

	ct_err_clear(err);
	if (ct_read_file(path, &buf, &len, err) < 0)
		return NULL;

	return ct_spec_parse(buf, len, diags);
}

struct ct_state *ct_state_parse(const char *buf, size_t len, struct ct_diags *diags)
{
	cleanup_json json_t *doc = parse_valid(buf, len, CT_DOC_STATE, diags);

	if (!doc)
		return NULL;

	return ct_state_from_json(doc, diags);
}

struct ct_features *ct_features_parse(const char *buf, size_t len, struct ct_diags *diags)
{
	cleanup_json json_t *doc = parse_valid(buf, len, CT_DOC_FEATURES, diags);

	if (!doc)
		return NULL;

	return ct_features_from_json(doc, diags);
}
