/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: config, state and features text through validation and the model, and alone. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "common/diag.h"
#include "common/json.h"
#include "common/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The model read without validation must survive any well-formed JSON, and
 * writing it must be idempotent: a second read and write gives the same
 * document (a first write may add fields the spec requires, e.g. user.uid).
 */
static void check_model_alone(json_t *doc)
{
	struct ct_diags d = {0};
	struct ct_spec *s = ct_spec_from_json(doc, &d);
	struct ct_state *st = ct_state_from_json(doc, &d);
	struct ct_features *f = ct_features_from_json(doc, &d);

	if (s) {
		json_t *once = ct_spec_to_json(s);
		struct ct_spec *again = once ? ct_spec_from_json(once, &d) : NULL;
		json_t *twice = again ? ct_spec_to_json(again) : NULL;

		if (once && !json_equal(once, twice))
			__builtin_trap();
		free(ct_spec_dump(s));
		json_decref(twice);
		ct_spec_free(again);
		json_decref(once);
	}
	/* state and features have no fields a write adds: one write must give the document back. */
	if (st) {
		json_t *out = ct_state_to_json(st);

		if (out && !json_equal(out, doc))
			__builtin_trap();
		json_decref(out);
	}
	if (f) {
		json_t *out = ct_features_to_json(f);

		if (out && !json_equal(out, doc))
			__builtin_trap();
		json_decref(out);
	}
	ct_spec_free(s);
	ct_state_free(st);
	ct_features_free(f);
	ct_diags_free(&d);
}

/* A document the validator accepted must come back from the model unchanged. */
static void check_validated(const char *buf, size_t len)
{
	struct ct_diags d = {0};
	struct ct_spec *s = ct_spec_parse(buf, len, &d);

	if (s) {
		json_t *out = ct_spec_to_json(s);

		if (!out || !json_equal(out, s->doc))
			__builtin_trap();
		json_decref(out);
	}
	ct_spec_free(s);
	ct_state_free(ct_state_parse(buf, len, &d));
	ct_features_free(ct_features_parse(buf, len, &d));
	ct_diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_diags d = {0};
	json_t *doc = ct_json_parse((const char *)data, size, &d);

	if (doc)
		check_model_alone(doc);
	json_decref(doc);
	ct_diags_free(&d);
	check_validated((const char *)data, size);

	return 0;
}
