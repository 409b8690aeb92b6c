/* SPDX-License-Identifier: Apache-2.0 */
/* The one engine behind the spec model: walks a field table to read, write and free a struct. */
#include "common/spec_desc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/spec.h"

#define AT(base, off) ((char *)(base) + (off))
#define CAT(base, off) ((const char *)(base) + (off))

char *ct_path_render(const struct ct_path *path)
{
	char *up;
	char *out;

	if (!path)
		return strdup("");
	up = ct_path_render(path->up);
	if (!up)
		return NULL;
	out = path->key ? ct_pointer_join(up, path->key) : ct_pointer_index(up, path->index);
	free(up);

	return out;
}

static void add_finding(struct ct_diags *diags, const struct ct_path *path, const char *expected,
			const json_t *found, const char *what)
{
	char *ptr = ct_path_render(path);
	char *desc = found ? ct_json_describe(found) : NULL;
	char *hint = NULL;
	const char *name = path && path->key ? path->key : "item";

	if (expected && asprintf(&hint, "write %s there", expected) < 0)
		hint = NULL;
	ct_diags_add(diags, CT_DIAG_ERROR, ptr ? ptr : "", expected, desc, hint, "%s '%s'", what,
		     name);
	free(hint);
	free(desc);
	free(ptr);
}

static void type_error(struct ct_diags *diags, const struct ct_path *path, const char *expected,
		       const json_t *found)
{
	add_finding(diags, path, expected, found, "wrong type for");
}

static void nomem(struct ct_diags *diags, const struct ct_path *path)
{
	char *ptr = ct_path_render(path);

	ct_diags_add(diags, CT_DIAG_ERROR, ptr ? ptr : "", NULL, NULL, NULL,
		     "out of memory reading the document");
	free(ptr);
}

static void missing(struct ct_diags *diags, const struct ct_path *path, const char *key)
{
	char *ptr = ct_path_render(path);

	ct_diags_add(diags, CT_DIAG_ERROR, ptr ? ptr : "", NULL, NULL, NULL,
		     "missing required key '%s'", key);
	free(ptr);
}

struct range {
	const char *expected;
	json_int_t min;
	json_int_t max;
};

static const struct range *kind_range(enum ct_fkind kind)
{
	static const struct range u16 = {"an integer from 0 to 65535", 0, UINT16_MAX};
	static const struct range u32 = {"an integer from 0 to 4294967295", 0, UINT32_MAX};
	/*
	 * LIMITATION: jansson holds integers as int64, so uint64 fields stop at
	 * INT64_MAX; a larger value (RLIM_INFINITY spelled 18446744073709551615)
	 * is refused by the parser with "too big integer".
	 */
	static const struct range u64 = {"an integer from 0 to 9223372036854775807", 0, INT64_MAX};
	static const struct range i32 = {"an integer from -2147483648 to 2147483647", INT32_MIN,
					 INT32_MAX};
	static const struct range i64 = {"an integer", INT64_MIN, INT64_MAX};
	static const struct range pid = {"a process id from 0 to 2147483647", 0, INT32_MAX};

	switch (kind) {
	case CT_K_U16:
		return &u16;
	case CT_K_U32:
		return &u32;
	case CT_K_U64:
		return &u64;
	case CT_K_I32:
		return &i32;
	case CT_K_PID:
		return &pid;
	default:
		return &i64;
	}
}

static void store_int(enum ct_fkind kind, void *p, json_int_t v)
{
	switch (kind) {
	case CT_K_U16:
		*(uint16_t *)p = (uint16_t)v;
		break;
	case CT_K_U32:
		*(uint32_t *)p = (uint32_t)v;
		break;
	case CT_K_U64:
		*(uint64_t *)p = (uint64_t)v;
		break;
	case CT_K_I32:
		*(int32_t *)p = (int32_t)v;
		break;
	case CT_K_PID:
		*(pid_t *)p = (pid_t)v;
		break;
	default:
		*(int64_t *)p = (int64_t)v;
		break;
	}
}

/* Reads an integer of the given kind; false (with a finding) when it is not one or does not fit. */
static bool read_int(enum ct_fkind kind, void *p, const json_t *v, const struct ct_path *path,
		     struct ct_diags *diags)
{
	const struct range *r = kind_range(kind);
	json_int_t i;

	if (!json_is_integer(v)) {
		type_error(diags, path, r->expected, v);
		return false;
	}
	i = json_integer_value(v);
	if (i < r->min || i > r->max) {
		add_finding(diags, path, r->expected, v, "value out of range for");
		return false;
	}
	store_int(kind, p, i);

	return true;
}

static int read_strv(struct ct_strv *sv, const json_t *v, const struct ct_path *path,
		     struct ct_diags *diags)
{
	size_t n = json_array_size(v);

	if (!json_is_array(v)) {
		type_error(diags, path, "an array of strings", v);
		return -1;
	}
	sv->v = calloc(n + 1, sizeof(*sv->v));
	if (!sv->v) {
		nomem(diags, path);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *item = json_array_get(v, i);
		struct ct_path ip = {.up = path, .index = i};

		if (!json_is_string(item)) {
			type_error(diags, &ip, "a string", item);
			continue;
		}
		sv->v[sv->n] = strdup(json_string_value(item));
		if (!sv->v[sv->n]) {
			nomem(diags, &ip);
			return -1;
		}
		sv->n++;
	}

	return 0;
}

static int read_kvs(struct ct_kvs *kvs, const json_t *v, const struct ct_path *path,
		    struct ct_diags *diags)
{
	const char *key;
	const json_t *val;

	if (!json_is_object(v)) {
		type_error(diags, path, "an object of strings", v);
		return -1;
	}
	kvs->v = calloc(json_object_size(v) + 1, sizeof(*kvs->v));
	if (!kvs->v) {
		nomem(diags, path);
		return -1;
	}
	json_object_foreach((json_t *)v, key, val)
	{
		struct ct_path kp = {.up = path, .key = key};
		struct ct_kv *kv = &kvs->v[kvs->n];

		if (!json_is_string(val)) {
			type_error(diags, &kp, "a string", val);
			continue;
		}
		kv->key = strdup(key);
		kv->value = strdup(json_string_value(val));
		kvs->n++;
		if (!kv->key || !kv->value) {
			nomem(diags, &kp);
			return -1;
		}
	}

	return 0;
}

static int read_u32v(uint32_t **ret, size_t *ret_n, const json_t *v, const struct ct_path *path,
		     struct ct_diags *diags)
{
	size_t n = json_array_size(v);
	uint32_t *out;

	if (!json_is_array(v)) {
		type_error(diags, path, "an array of integers", v);
		return -1;
	}
	out = calloc(n ? n : 1, sizeof(*out));
	if (!out) {
		nomem(diags, path);
		return -1;
	}
	*ret = out;
	for (size_t i = 0; i < n; i++) {
		struct ct_path ip = {.up = path, .index = i};

		if (read_int(CT_K_U32, &out[*ret_n], json_array_get(v, i), &ip, diags))
			(*ret_n)++;
	}

	return 0;
}

static void read_nstype(enum ct_ns_type *p, const json_t *v, const struct ct_path *path,
			struct ct_diags *diags)
{
	int type = json_is_string(v) ? ct_ns_type_from_name(json_string_value(v)) : -1;

	if (!json_is_string(v)) {
		type_error(diags, path, "a namespace type", v);
		return;
	}
	if (type < 0) {
		add_finding(diags, path, "one of pid, network, mount, ipc, uts, user, cgroup, time",
			    v, "unknown namespace type in");
		return;
	}
	*p = (enum ct_ns_type)type;
}

static void read_array(const struct ct_field *f, void *base, const json_t *v,
		       const struct ct_path *path, struct ct_diags *diags)
{
	size_t n = json_array_size(v);
	char *items;

	if (!json_is_array(v)) {
		type_error(diags, path, "an array of objects", v);
		return;
	}
	items = calloc(n ? n : 1, f->sub->size);
	if (!items) {
		nomem(diags, path);
		return;
	}
	*(char **)AT(base, f->off) = items;
	/*
	 * Elements are packed at the count, which grows with each one, so that
	 * after a skipped bad element a free still sees exactly what was filled.
	 */
	for (size_t i = 0; i < n; i++) {
		const json_t *item = json_array_get(v, i);
		struct ct_path ip = {.up = path, .index = i};
		size_t *count = (size_t *)AT(base, f->n_off);

		if (!json_is_object(item)) {
			type_error(diags, &ip, "an object", item);
			continue;
		}
		ct_desc_read(f->sub, items + (*count)++ * f->sub->size, item, &ip, diags);
	}
}

static void read_map(const struct ct_field *f, void *base, const json_t *v,
		     const struct ct_path *path, struct ct_diags *diags)
{
	size_t *n = (size_t *)AT(base, f->n_off);
	const char *key;
	const json_t *val;
	char *items;

	if (!json_is_object(v)) {
		type_error(diags, path, "an object of objects", v);
		return;
	}
	items = calloc(json_object_size(v) + 1, f->sub->size);
	if (!items) {
		nomem(diags, path);
		return;
	}
	*(char **)AT(base, f->off) = items;
	json_object_foreach((json_t *)v, key, val)
	{
		struct ct_path kp = {.up = path, .key = key};
		char *item = items + *n * f->sub->size;

		if (!json_is_object(val)) {
			type_error(diags, &kp, "an object", val);
			continue;
		}
		(*n)++;
		*(char **)AT(item, f->sub->key_off) = strdup(key);
		if (!*(char **)AT(item, f->sub->key_off)) {
			nomem(diags, &kp);
			return;
		}
		ct_desc_read(f->sub, item, val, &kp, diags);
	}
}

static void read_object(const struct ct_field *f, void *base, const json_t *v,
			const struct ct_path *path, struct ct_diags *diags)
{
	void *sub;

	if (!json_is_object(v)) {
		type_error(diags, path, "an object", v);
		return;
	}
	if (f->kind == CT_K_INLINE) {
		if (f->has_off != CT_NO_OFF)
			*(bool *)AT(base, f->has_off) = true;
		ct_desc_read(f->sub, AT(base, f->off), v, path, diags);
		return;
	}
	sub = calloc(1, f->sub->size);
	if (!sub) {
		nomem(diags, path);
		return;
	}
	*(void **)AT(base, f->off) = sub;
	ct_desc_read(f->sub, sub, v, path, diags);
}

static void read_field(const struct ct_field *f, void *base, const json_t *v,
		       const struct ct_path *path, struct ct_diags *diags)
{
	void *p = AT(base, f->off);

	switch (f->kind) {
	case CT_K_STR:
		if (!json_is_string(v)) {
			type_error(diags, path, "a string", v);
			return;
		}
		*(char **)p = strdup(json_string_value(v));
		if (!*(char **)p)
			nomem(diags, path);
		return;
	case CT_K_BOOL:
		if (!json_is_boolean(v)) {
			type_error(diags, path, "true or false", v);
			return;
		}
		*(bool *)p = json_is_true(v);
		break;
	case CT_K_U16:
	case CT_K_U32:
	case CT_K_U64:
	case CT_K_I32:
	case CT_K_I64:
	case CT_K_PID:
		if (!read_int(f->kind, p, v, path, diags))
			return;
		break;
	case CT_K_STRV:
		read_strv(p, v, path, diags);
		return;
	case CT_K_KVS:
		read_kvs(p, v, path, diags);
		return;
	case CT_K_U32V:
		read_u32v(p, (size_t *)AT(base, f->n_off), v, path, diags);
		return;
	case CT_K_NSTYPE:
		read_nstype(p, v, path, diags);
		return;
	case CT_K_OBJ:
	case CT_K_INLINE:
		read_object(f, base, v, path, diags);
		return;
	case CT_K_ARRAY:
		read_array(f, base, v, path, diags);
		return;
	case CT_K_MAP:
		read_map(f, base, v, path, diags);
		return;
	}
	if (f->has_off != CT_NO_OFF)
		*(bool *)AT(base, f->has_off) = true;
}

void ct_desc_read(const struct ct_desc *d, void *base, const json_t *obj,
		  const struct ct_path *path, struct ct_diags *diags)
{
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct ct_field *f = &d->fields[i];
		const json_t *v = json_object_get(obj, f->key);
		struct ct_path fp = {.up = path, .key = f->key};

		if (v)
			read_field(f, base, v, &fp, diags);
		else if (f->flags & CT_F_MUST)
			missing(diags, path, f->key);
	}
}

/* Writing. */

static bool scalar_is_zero(enum ct_fkind kind, const void *p)
{
	switch (kind) {
	case CT_K_BOOL:
		return !*(const bool *)p;
	case CT_K_U16:
		return *(const uint16_t *)p == 0;
	case CT_K_U32:
		return *(const uint32_t *)p == 0;
	case CT_K_I32:
		return *(const int32_t *)p == 0;
	case CT_K_PID:
		return *(const pid_t *)p == 0;
	case CT_K_U64:
	case CT_K_I64:
		return *(const int64_t *)p == 0;
	default:
		return false;
	}
}

static bool any_present(const struct ct_desc *d, const void *base);

/* Whether the field goes into the output object obj (which holds the original keys unless is_new).
 */
static bool field_present(const struct ct_field *f, const void *base, const json_t *obj,
			  bool is_new)
{
	const void *p = CAT(base, f->off);

	if (f->has_off != CT_NO_OFF)
		return *(const bool *)CAT(base, f->has_off);

	switch (f->kind) {
	case CT_K_STRV:
		return ((const struct ct_strv *)p)->v != NULL;
	case CT_K_KVS:
		return ((const struct ct_kvs *)p)->v != NULL;
	case CT_K_STR:
	case CT_K_U32V:
	case CT_K_OBJ:
	case CT_K_ARRAY:
	case CT_K_MAP:
		return *(void *const *)p != NULL;
	default:
		break;
	}
	/*
	 * A required field is written into a new object even when 0; in an
	 * object from the document it is kept absent when it was absent and is
	 * still 0, since absent reads as 0 and the round trip must not add it.
	 */
	if (is_new && (f->flags & (CT_F_REQ | CT_F_NEW)))
		return true;
	if (json_object_get(obj, f->key))
		return true;
	if (f->kind == CT_K_INLINE)
		return any_present(f->sub, p);

	return !scalar_is_zero(f->kind, p);
}

static bool any_present(const struct ct_desc *d, const void *base)
{
	for (size_t i = 0; i < d->n_fields; i++)
		if (field_present(&d->fields[i], base, NULL, false))
			return true;

	return false;
}

static json_t *int_to_json(enum ct_fkind kind, const void *p)
{
	switch (kind) {
	case CT_K_U16:
		return json_integer(*(const uint16_t *)p);
	case CT_K_U32:
		return json_integer(*(const uint32_t *)p);
	case CT_K_U64:
		if (*(const uint64_t *)p > INT64_MAX)
			return NULL;
		return json_integer((json_int_t) * (const uint64_t *)p);
	case CT_K_I32:
		return json_integer(*(const int32_t *)p);
	case CT_K_PID:
		return json_integer(*(const pid_t *)p);
	default:
		return json_integer(*(const int64_t *)p);
	}
}

static json_t *strv_to_json(const struct ct_strv *sv)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < sv->n; i++) {
		if (json_array_append_new(arr, json_string(sv->v[i])) < 0) {
			json_decref(arr);
			return NULL;
		}
	}

	return arr;
}

static json_t *kvs_to_json(const struct ct_kvs *kvs)
{
	json_t *obj = json_object();

	for (size_t i = 0; obj && i < kvs->n; i++) {
		if (json_object_set_new(obj, kvs->v[i].key, json_string(kvs->v[i].value)) < 0) {
			json_decref(obj);
			return NULL;
		}
	}

	return obj;
}

static json_t *u32v_to_json(const uint32_t *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++) {
		if (json_array_append_new(arr, json_integer(v[i])) < 0) {
			json_decref(arr);
			return NULL;
		}
	}

	return arr;
}

/* An element of a rewritten array or map: the original object when there is one, so its unknown
 * keys stay. */
static json_t *element_to_json(const struct ct_desc *d, const void *item, json_t *old)
{
	json_t *obj = json_is_object(old) ? json_incref(old) : json_object();

	if (!obj)
		return NULL;
	if (ct_desc_write(d, item, obj, obj != old) < 0) {
		json_decref(obj);
		return NULL;
	}

	return obj;
}

static json_t *array_to_json(const struct ct_field *f, const void *base, const json_t *old)
{
	const char *items = *(char *const *)CAT(base, f->off);
	size_t n = *(const size_t *)CAT(base, f->n_off);
	json_t *arr = json_array();

	if (!json_is_array(old))
		old = NULL;
	for (size_t i = 0; arr && i < n; i++) {
		json_t *el =
			element_to_json(f->sub, items + i * f->sub->size, json_array_get(old, i));

		if (json_array_append_new(arr, el) < 0) {
			json_decref(arr);
			return NULL;
		}
	}

	return arr;
}

static json_t *map_to_json(const struct ct_field *f, const void *base, const json_t *old)
{
	const char *items = *(char *const *)CAT(base, f->off);
	size_t n = *(const size_t *)CAT(base, f->n_off);
	json_t *obj = json_object();

	if (!json_is_object(old))
		old = NULL;
	for (size_t i = 0; obj && i < n; i++) {
		const char *item = items + i * f->sub->size;
		const char *key = *(char *const *)CAT(item, f->sub->key_off);
		json_t *el;

		if (!key)
			continue;
		el = element_to_json(f->sub, item, json_object_get(old, key));
		if (json_object_set_new(obj, key, el) < 0) {
			json_decref(obj);
			return NULL;
		}
	}

	return obj;
}

/* Writes an object field into obj's existing object under that key, or a new one. */
static int write_object(const struct ct_field *f, const void *base, json_t *obj)
{
	const void *sub =
		f->kind == CT_K_INLINE ? CAT(base, f->off) : *(void *const *)CAT(base, f->off);
	json_t *child = json_object_get(obj, f->key);

	if (json_is_object(child))
		return ct_desc_write(f->sub, sub, child, false);

	child = json_object();
	if (!child || ct_desc_write(f->sub, sub, child, true) < 0) {
		json_decref(child);
		return -1;
	}

	return json_object_set_new(obj, f->key, child);
}

static json_t *field_to_json(const struct ct_field *f, const void *base, const json_t *old)
{
	const void *p = CAT(base, f->off);

	switch (f->kind) {
	case CT_K_STR:
		return json_string(*(char *const *)p);
	case CT_K_BOOL:
		return json_boolean(*(const bool *)p);
	case CT_K_STRV:
		return strv_to_json(p);
	case CT_K_KVS:
		return kvs_to_json(p);
	case CT_K_U32V:
		return u32v_to_json(*(uint32_t *const *)p, *(const size_t *)CAT(base, f->n_off));
	case CT_K_NSTYPE:
		return json_string(ct_ns_type_name(*(const enum ct_ns_type *)p));
	case CT_K_ARRAY:
		return array_to_json(f, base, old);
	case CT_K_MAP:
		return map_to_json(f, base, old);
	case CT_K_OBJ:
	case CT_K_INLINE:
		return NULL; /* written in place by write_object */
	default:
		return int_to_json(f->kind, p);
	}
}

int ct_desc_write(const struct ct_desc *d, const void *base, json_t *obj, bool is_new)
{
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct ct_field *f = &d->fields[i];
		json_t *v;

		if (!field_present(f, base, obj, is_new)) {
			json_object_del(obj, f->key);
			continue;
		}
		if (f->kind == CT_K_OBJ || f->kind == CT_K_INLINE) {
			if (write_object(f, base, obj) < 0)
				return -1;
			continue;
		}
		v = field_to_json(f, base, json_object_get(obj, f->key));
		if (!v || json_object_set_new(obj, f->key, v) < 0)
			return -1;
	}

	return 0;
}

json_t *ct_desc_to_json(const struct ct_desc *d, const void *base, const json_t *doc)
{
	json_t *out = json_is_object(doc) ? json_deep_copy(doc) : json_object();

	if (!out)
		return NULL;
	if (ct_desc_write(d, base, out, !json_is_object(doc)) < 0) {
		json_decref(out);
		return NULL;
	}

	return out;
}

/* Freeing. */

void ct_strv_free(struct ct_strv *sv)
{
	if (!sv)
		return;
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

static void kvs_free(struct ct_kvs *kvs)
{
	for (size_t i = 0; i < kvs->n; i++) {
		free(kvs->v[i].key);
		free(kvs->v[i].value);
	}
	free(kvs->v);
	kvs->v = NULL;
	kvs->n = 0;
}

static void items_free(const struct ct_field *f, void *base)
{
	char *items = *(char **)AT(base, f->off);
	size_t n = *(size_t *)AT(base, f->n_off);

	for (size_t i = 0; items && i < n; i++) {
		char *item = items + i * f->sub->size;

		ct_desc_free(f->sub, item);
		if (f->kind == CT_K_MAP)
			free(*(char **)AT(item, f->sub->key_off));
	}
	free(items);
	*(char **)AT(base, f->off) = NULL;
	*(size_t *)AT(base, f->n_off) = 0;
}

void ct_desc_free(const struct ct_desc *d, void *base)
{
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct ct_field *f = &d->fields[i];
		void *p = AT(base, f->off);

		switch (f->kind) {
		case CT_K_STR:
			free(*(void **)p);
			*(void **)p = NULL;
			break;
		case CT_K_U32V:
			free(*(void **)p);
			*(void **)p = NULL;
			*(size_t *)AT(base, f->n_off) = 0;
			break;
		case CT_K_STRV:
			ct_strv_free(p);
			break;
		case CT_K_KVS:
			kvs_free(p);
			break;
		case CT_K_OBJ:
			if (*(void **)p)
				ct_desc_free(f->sub, *(void **)p);
			free(*(void **)p);
			*(void **)p = NULL;
			break;
		case CT_K_INLINE:
			ct_desc_free(f->sub, p);
			break;
		case CT_K_ARRAY:
		case CT_K_MAP:
			items_free(f, base);
			break;
		default:
			break;
		}
	}
}
