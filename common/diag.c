/* SPDX-License-Identifier: Apache-2.0 */
/* The findings list used by validation and by every loader of outside documents. */
#include "common/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/err.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void ct_diags_add(struct ct_diags *d, enum ct_diag_level level, const char *pointer,
		  const char *expected, const char *found, const char *hint, const char *fmt, ...)
{
	struct ct_diag *item;
	va_list ap;

	if (level == CT_DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;

	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct ct_diag *items = realloc(d->items, cap * sizeof(*items));

		if (!items)
			return;
		d->items = items;
		d->cap = cap;
	}

	item = &d->items[d->count++];
	memset(item, 0, sizeof(*item));
	item->level = level;
	item->pointer = strdup(pointer ? pointer : "");
	item->expected = dup_or_null(expected);
	item->found = dup_or_null(found);
	item->hint = dup_or_null(hint);
	va_start(ap, fmt);
	if (vasprintf(&item->msg, fmt, ap) < 0)
		item->msg = NULL;
	va_end(ap);
}

void ct_diags_free(struct ct_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->count; i++) {
		free(d->items[i].pointer);
		free(d->items[i].msg);
		free(d->items[i].expected);
		free(d->items[i].found);
		free(d->items[i].hint);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}

char *ct_diag_format(const struct ct_diag *diag, const char *source)
{
	cleanup_free char *detail = NULL;
	cleanup_free char *raw = NULL;
	char *line = NULL;
	const char *level = diag->level == CT_DIAG_ERROR ? "error" : "warning";
	int rc;

	if (diag->expected && diag->found)
		rc = asprintf(&detail, " (expected %s, found %s)", diag->expected, diag->found);
	else if (diag->expected)
		rc = asprintf(&detail, " (expected %s)", diag->expected);
	else if (diag->found)
		rc = asprintf(&detail, " (found %s)", diag->found);
	else
		rc = asprintf(&detail, "%s", "");
	if (rc < 0)
		return NULL;

	rc = asprintf(&raw, "%s%s%s: %s: %s%s%s%s", source ? source : "", source ? ": " : "", level,
		      diag->pointer && *diag->pointer ? diag->pointer : "/",
		      diag->msg ? diag->msg : "(message lost)", detail,
		      diag->hint ? "; hint: " : "", diag->hint ? diag->hint : "");
	if (rc < 0)
		return NULL;
	/* A value quoted from the config may hold a newline or a terminal escape. */
	line = malloc((size_t)rc * 4 + 1);
	if (line)
		ct_escape_controls(raw, line, (size_t)rc * 4 + 1);

	return line;
}

void ct_diags_print(FILE *out, const struct ct_diags *d, const char *source)
{
	for (size_t i = 0; i < d->count; i++) {
		cleanup_free char *line = ct_diag_format(&d->items[i], source);

		if (line)
			fprintf(out, "%s\n", line);
	}
}

static int set_opt_string(json_t *obj, const char *key, const char *value)
{
	return json_object_set_new(obj, key, value ? json_string(value) : json_null());
}

json_t *ct_diags_to_json(const struct ct_diags *d)
{
	json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (size_t i = 0; i < d->count; i++) {
		const struct ct_diag *item = &d->items[i];
		json_t *obj = json_object();

		if (!obj)
			break;
		json_object_set_new(
			obj, "level",
			json_string(item->level == CT_DIAG_ERROR ? "error" : "warning"));
		set_opt_string(obj, "pointer", item->pointer ? item->pointer : "");
		set_opt_string(obj, "message", item->msg);
		set_opt_string(obj, "expected", item->expected);
		set_opt_string(obj, "found", item->found);
		set_opt_string(obj, "hint", item->hint);
		json_array_append_new(arr, obj);
	}

	return arr;
}

char *ct_pointer_join(const char *base, const char *token)
{
	size_t blen = strlen(base);
	size_t extra = 0;
	char *out;
	char *p;

	for (const char *s = token; *s; s++)
		extra += (*s == '~' || *s == '/') ? 2 : 1;
	out = malloc(blen + 1 + extra + 1);
	if (!out)
		return NULL;
	memcpy(out, base, blen);
	p = out + blen;
	*p++ = '/';
	for (const char *s = token; *s; s++) {
		if (*s == '~') {
			*p++ = '~';
			*p++ = '0';
		} else if (*s == '/') {
			*p++ = '~';
			*p++ = '1';
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';

	return out;
}

/* Without printf: the validator builds one for every array element it visits, used or not. */
char *ct_pointer_index(const char *base, size_t index)
{
	char digits[24];
	size_t n = 0, blen = strlen(base);
	char *out;

	do {
		digits[n++] = (char)('0' + index % 10);
		index /= 10;
	} while (index);
	out = malloc(blen + 1 + n + 1);
	if (!out)
		return NULL;
	memcpy(out, base, blen);
	out[blen] = '/';
	for (size_t i = 0; i < n; i++)
		out[blen + 1 + i] = digits[n - 1 - i];
	out[blen + 1 + n] = '\0';

	return out;
}

static const char *type_name(const json_t *value)
{
	switch (json_typeof(value)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	case JSON_NULL:
		return "null";
	}

	return "value";
}

char *ct_json_describe(const json_t *value)
{
	char *out = NULL;

	if (!value)
		return strdup("nothing");
	if (json_is_string(value) && json_string_length(value) <= 40) {
		if (asprintf(&out, "\"%s\"", json_string_value(value)) < 0)
			return NULL;
		return out;
	}
	if (json_is_integer(value)) {
		if (asprintf(&out, "%" JSON_INTEGER_FORMAT, json_integer_value(value)) < 0)
			return NULL;
		return out;
	}
	if (json_is_boolean(value) || json_is_null(value)) {
		out = json_dumps(value, JSON_ENCODE_ANY);
		return out;
	}
	if (asprintf(&out, "%s", type_name(value)) < 0)
		return NULL;

	return out;
}
