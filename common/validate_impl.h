/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the validator: the table-driven schema engine and the checks of the spec's prose. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "common/diag.h"

enum vs_type {
	VS_ANY,
	VS_OBJECT,
	VS_ARRAY,
	VS_STRING,
	VS_INTEGER,
	VS_BOOLEAN,
};

struct vs_node;

/* One row per field of an object. */
struct vs_prop {
	const char *name;
	const struct vs_node *node;
	bool required;
};

/* A JSON-schema "pattern", written as a C predicate with words for the user. */
struct vs_pattern {
	bool (*match)(const char *s);
	const char *what;     /* "page size": the message says "invalid page size" */
	const char *expected; /* "a size like 2MB, 64KB or 1GB" */
	const char *hint;
};

/* A JSON-schema "enum" of strings. */
struct vs_enum {
	const char *what;	  /* "namespace type": the message says "unknown namespace type" */
	const char *const *names; /* NULL-terminated */
	const char *const *(*get_names)(void); /* instead of names: a list kept elsewhere */
};

struct vs_node {
	enum vs_type type;
	bool has_min;
	bool has_max;
	int64_t min;
	int64_t max;
	const struct vs_enum *values;
	const struct vs_pattern *pattern;
	const struct vs_node *items;
	size_t min_items;
	bool is_tuple; /* JSON-schema tuple form: items describes the first element only */
	const struct vs_prop *props;	  /* NULL-name terminated; NULL: members not described */
	const struct vs_node *map_values; /* schema of every member (additionalProperties) */
	bool nonempty_keys;
};

#define VS_OBJ(p)                                                                                  \
	{                                                                                          \
		.type = VS_OBJECT, .props = (p)                                                    \
	}
#define VS_MAP(v)                                                                                  \
	{                                                                                          \
		.type = VS_OBJECT, .map_values = &(v)                                              \
	}
#define VS_ARR(i)                                                                                  \
	{                                                                                          \
		.type = VS_ARRAY, .items = &(i)                                                    \
	}
#define VS_ENUM(e)                                                                                 \
	{                                                                                          \
		.type = VS_STRING, .values = &(e)                                                  \
	}
#define VS_PAT(p)                                                                                  \
	{                                                                                          \
		.type = VS_STRING, .pattern = &(p)                                                 \
	}
#define VS_RANGE(lo, hi)                                                                           \
	{                                                                                          \
		.type = VS_INTEGER, .has_min = true, .has_max = true, .min = (lo), .max = (hi)     \
	}

/* Shared leaves (defs.json). */
extern const struct vs_node vs_any, vs_object, vs_string, vs_bool, vs_int, vs_int32, vs_int64;
extern const struct vs_node vs_uint8, vs_uint16, vs_uint32, vs_uint64, vs_filemode;
extern const struct vs_node vs_strings, vs_uint32s, vs_map_string, vs_annotations, vs_idmappings;

/* Whole documents and the platform sections (schema_config.c, schema_platforms.c). */
extern const struct vs_node vs_config, vs_state, vs_features;
extern const struct vs_node vs_linux, vs_solaris, vs_windows, vs_vm, vs_zos, vs_freebsd;
extern const struct vs_node vs_features_linux;
extern const struct vs_node vs_seccomp_action, vs_seccomp_op, vs_seccomp_arch, vs_seccomp_flag;
extern const struct vs_node vs_namespace_type, vs_mpol_mode, vs_mpol_flag;

/* Checks value against node; every problem becomes one finding under pointer ptr. */
void vs_check(const json_t *value, const struct vs_node *node, const char *ptr, struct ct_diags *d);

/* Findings with a pointer made of base plus one key (key NULL: base itself). */
void vd_add(struct ct_diags *d, enum ct_diag_level level, const char *base, const char *key,
	    const char *expected, const json_t *found, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
void vd_add_index(struct ct_diags *d, enum ct_diag_level level, const char *base, size_t index,
		  const char *expected, const json_t *found, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* The closest name in a NULL-terminated list, or NULL when none is close enough. */
const char *vd_nearest(const char *word, const char *const *names);
/* The same over the names of an object's rows. */
const char *vd_nearest_prop(const char *word, const struct vs_prop *props);

/* Semantic versions (SemVer 2.0.0). */
struct vd_semver {
	uint64_t major, minor, patch;
	bool is_prerelease;
};
bool vd_semver_parse(const char *s, struct vd_semver *ret);
int vd_semver_cmp(const struct vd_semver *a, const struct vd_semver *b);

/* "0-3,7": comma-separated numbers and ascending ranges. */
bool vd_is_cpu_list(const char *s);

/*
 * Duplicate detection in linear time: seen (a JSON object, used as a hash
 * table) maps each name to the index it was first met at. Returns that
 * earlier index, or -1 when name is new (and is now remembered at index).
 * Comparing each entry with all earlier ones would hang on a list of 100000.
 */
long long vd_seen_before(json_t *seen, const char *name, size_t index);
bool vd_is_abs(const char *s);

/* Readers that return NULL (or false) when the member is absent or of another type. */
const char *vd_str(const json_t *obj, const char *key);
const json_t *vd_obj(const json_t *obj, const char *key);
const json_t *vd_arr(const json_t *obj, const char *key);
bool vd_int(const json_t *obj, const char *key, int64_t *ret);

/* The meaning checks: config (validate_config.c), its Linux part (validate_linux.c, _res.c). */
void vd_check_config(const json_t *doc, struct ct_diags *d);
void vd_check_linux(const json_t *doc, struct ct_diags *d);
void vd_check_resources(const json_t *res, const char *ptr, struct ct_diags *d);
void vd_check_mount_options(const json_t *mount, const char *ptr, struct ct_diags *d);
