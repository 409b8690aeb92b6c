/* SPDX-License-Identifier: Apache-2.0 */
/* The schema engine: walks a JSON document along a table of nodes and reports every mismatch. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/validate_impl.h"

/* An enum longer than this is named ("a known seccomp action") rather than listed. */
#define ENUM_LIST_MAX 8

static const char *type_word(enum vs_type type)
{
	switch (type) {
	case VS_OBJECT:
		return "object";
	case VS_ARRAY:
		return "array";
	case VS_STRING:
		return "string";
	case VS_INTEGER:
		return "integer";
	case VS_BOOLEAN:
		return "boolean";
	case VS_ANY:
		break;
	}

	return "value";
}

static bool type_matches(const json_t *value, enum vs_type type)
{
	switch (type) {
	case VS_OBJECT:
		return json_is_object(value);
	case VS_ARRAY:
		return json_is_array(value);
	case VS_STRING:
		return json_is_string(value);
	case VS_INTEGER:
		return json_is_integer(value);
	case VS_BOOLEAN:
		return json_is_boolean(value);
	case VS_ANY:
		break;
	}

	return true;
}

static bool is_integer_text(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}

	return true;
}

/* The usual slips: numbers and booleans in quotes, a lone string where a list belongs. */
static const char *type_hint(const json_t *value, enum vs_type want)
{
	const char *s = json_is_string(value) ? json_string_value(value) : NULL;

	if (want == VS_INTEGER && s && is_integer_text(s))
		return "write the number without quotes";
	if (want == VS_INTEGER && json_is_real(value))
		return "write a whole number, without a fraction or exponent";
	if (want == VS_BOOLEAN && s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0))
		return "write true or false without quotes";
	if (want == VS_STRING && (json_is_number(value) || json_is_boolean(value)))
		return "put the value in double quotes";
	if (want == VS_ARRAY && (s || json_is_object(value)))
		return "wrap the value in a list: [ ... ]";

	return NULL;
}

static size_t count_names(const char *const *names)
{
	size_t n = 0;

	while (names[n])
		n++;

	return n;
}

/* "one of a, b, c" for a short list, "a known <what>" for a long one. */
static void describe_enum(const struct vs_enum *e, const char *const *names, size_t n, char *buf,
			  size_t size)
{
	size_t off;

	if (n > ENUM_LIST_MAX) {
		snprintf(buf, size, "a known %s", e->what);
		return;
	}
	off = (size_t)snprintf(buf, size, "one of ");
	for (size_t i = 0; i < n && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", names[i],
					i + 1 < n ? ", " : "");
}

static void check_enum(const json_t *value, const struct vs_enum *e, const char *ptr,
		       struct ct_diags *d)
{
	const char *const *names = e->names ? e->names : e->get_names();
	const char *s = json_string_value(value);
	const char *near;
	char expected[512];
	char hint[128];
	size_t n = count_names(names);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], s) == 0)
			return;
	}

	describe_enum(e, names, n, expected, sizeof(expected));
	near = vd_nearest(s, names);
	snprintf(hint, sizeof(hint), "did you mean '%s'?", near ? near : "");
	vd_add(d, CT_DIAG_ERROR, ptr, NULL, expected, value, near ? hint : NULL, "unknown %s '%s'",
	       e->what, s);
}

static void check_integer(const json_t *value, const struct vs_node *node, const char *ptr,
			  struct ct_diags *d)
{
	json_int_t v = json_integer_value(value);
	char expected[96];

	if ((!node->has_min || v >= node->min) && (!node->has_max || v <= node->max))
		return;

	if (node->has_min && node->has_max)
		snprintf(expected, sizeof(expected), "an integer from %" PRId64 " to %" PRId64,
			 node->min, node->max);
	else if (node->has_min)
		snprintf(expected, sizeof(expected), "an integer of at least %" PRId64, node->min);
	else
		snprintf(expected, sizeof(expected), "an integer of at most %" PRId64, node->max);
	vd_add(d, CT_DIAG_ERROR, ptr, NULL, expected, value, NULL, "value out of range");
}

static void check_string(const json_t *value, const struct vs_node *node, const char *ptr,
			 struct ct_diags *d)
{
	const struct vs_pattern *pat = node->pattern;

	if (node->values)
		check_enum(value, node->values, ptr, d);
	if (pat && !pat->match(json_string_value(value)))
		vd_add(d, CT_DIAG_ERROR, ptr, NULL, pat->expected, value, pat->hint, "invalid %s",
		       pat->what);
}

static void check_array(const json_t *value, const struct vs_node *node, const char *ptr,
			struct ct_diags *d)
{
	size_t n = json_array_size(value);

	if (n < node->min_items) {
		char expected[64];

		snprintf(expected, sizeof(expected), "at least %zu %s", node->min_items,
			 node->min_items == 1 ? "entry" : "entries");
		vd_add(d, CT_DIAG_ERROR, ptr, NULL, expected, NULL, NULL, "list is empty");
	}
	if (!node->items)
		return;
	if (node->is_tuple && n > 1)
		n = 1;
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *item_ptr = ct_pointer_index(ptr, i);

		if (item_ptr)
			vs_check(json_array_get(value, i), node->items, item_ptr, d);
	}
}

static const struct vs_prop *find_prop(const struct vs_prop *props, const char *key)
{
	for (; props->name; props++) {
		if (strcmp(props->name, key) == 0)
			return props;
	}

	return NULL;
}

static void check_required(const json_t *value, const struct vs_prop *props, const char *ptr,
			   struct ct_diags *d)
{
	for (; props->name; props++) {
		char hint[128];

		if (!props->required || json_object_get(value, props->name))
			continue;
		snprintf(hint, sizeof(hint), "add \"%s\" (%s %s)", props->name,
			 props->node->type == VS_INTEGER || props->node->type == VS_OBJECT ||
					 props->node->type == VS_ARRAY
				 ? "an"
				 : "a",
			 type_word(props->node->type));
		vd_add(d, CT_DIAG_ERROR, ptr, NULL, NULL, NULL, hint, "missing required key '%s'",
		       props->name);
	}
}

static void check_member(const char *key, const json_t *member, const struct vs_node *node,
			 const char *ptr, struct ct_diags *d)
{
	cleanup_free char *member_ptr = ct_pointer_join(ptr, key);
	const struct vs_prop *prop = NULL;

	if (!member_ptr)
		return;
	if (node->props)
		prop = find_prop(node->props, key);
	if (prop) {
		vs_check(member, prop->node, member_ptr, d);
	} else if (node->map_values) {
		if (node->nonempty_keys && !*key)
			vd_add(d, CT_DIAG_ERROR, ptr, NULL, "a non-empty key", NULL,
			       "name the entry, e.g. com.example.key", "empty key");
		vs_check(member, node->map_values, member_ptr, d);
	} else if (node->props) {
		/* The spec allows extensions, so an unknown key is only worth a warning. */
		const char *near = vd_nearest_prop(key, node->props);
		cleanup_free char *hint = NULL;

		if (near && asprintf(&hint, "did you mean '%s'?", near) < 0)
			hint = NULL;
		vd_add(d, CT_DIAG_WARN, member_ptr, NULL, NULL, NULL, hint, "unknown key '%s'",
		       key);
	}
}

static void check_object(const json_t *value, const struct vs_node *node, const char *ptr,
			 struct ct_diags *d)
{
	const char *key;
	json_t *member;

	if (node->props)
		check_required(value, node->props, ptr, d);
	json_object_foreach((json_t *)value, key, member)
	{
		check_member(key, member, node, ptr, d);
	}
}

void vs_check(const json_t *value, const struct vs_node *node, const char *ptr, struct ct_diags *d)
{
	if (!type_matches(value, node->type)) {
		vd_add(d, CT_DIAG_ERROR, ptr, NULL, type_word(node->type), value,
		       type_hint(value, node->type), "wrong type");
		return;
	}

	switch (node->type) {
	case VS_OBJECT:
		check_object(value, node, ptr, d);
		break;
	case VS_ARRAY:
		check_array(value, node, ptr, d);
		break;
	case VS_STRING:
		check_string(value, node, ptr, d);
		break;
	case VS_INTEGER:
		check_integer(value, node, ptr, d);
		break;
	case VS_BOOLEAN:
	case VS_ANY:
		break;
	}
}

/* defs.json */
const struct vs_node vs_any = {.type = VS_ANY};
const struct vs_node vs_object = {.type = VS_OBJECT};
const struct vs_node vs_string = {.type = VS_STRING};
const struct vs_node vs_bool = {.type = VS_BOOLEAN};
const struct vs_node vs_int = {.type = VS_INTEGER};
const struct vs_node vs_int32 = VS_RANGE(INT32_MIN, INT32_MAX);
/*
 * jansson refuses integers outside int64, so int64 and uint64 need only their lower bound.
 * LIMITATION: uint64 fields cannot hold values above 9223372036854775807; such a document
 * fails to parse with "too big integer" at its line and column.
 */
const struct vs_node vs_int64 = {.type = VS_INTEGER};
const struct vs_node vs_uint8 = VS_RANGE(0, UINT8_MAX);
const struct vs_node vs_uint16 = VS_RANGE(0, UINT16_MAX);
const struct vs_node vs_uint32 = VS_RANGE(0, UINT32_MAX);
const struct vs_node vs_uint64 = {.type = VS_INTEGER, .has_min = true, .min = 0};
const struct vs_node vs_filemode = VS_RANGE(0, 0777);
const struct vs_node vs_strings = VS_ARR(vs_string);
const struct vs_node vs_uint32s = VS_ARR(vs_uint32);
const struct vs_node vs_map_string = VS_MAP(vs_string);
const struct vs_node vs_annotations = {
	.type = VS_OBJECT, .map_values = &vs_string, .nonempty_keys = true};

static const struct vs_prop idmapping_props[] = {
	{"containerID", &vs_uint32, true},
	{"hostID", &vs_uint32, true},
	{"size", &vs_uint32, true},
	{NULL, NULL, false},
};
static const struct vs_node idmapping = VS_OBJ(idmapping_props);
const struct vs_node vs_idmappings = VS_ARR(idmapping);
