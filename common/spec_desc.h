/* SPDX-License-Identifier: Apache-2.0 */
/* Tables describing each JSON object of the spec model, and the one engine that reads, writes and
 * frees them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct ct_diags;

enum ct_fkind {
	CT_K_STR,    /* char * */
	CT_K_BOOL,   /* bool */
	CT_K_U16,    /* uint16_t */
	CT_K_U32,    /* uint32_t */
	CT_K_U64,    /* uint64_t (JSON integers stop at INT64_MAX) */
	CT_K_I32,    /* int32_t */
	CT_K_I64,    /* int64_t */
	CT_K_PID,    /* pid_t, 0..INT32_MAX */
	CT_K_STRV,   /* struct ct_strv */
	CT_K_KVS,    /* struct ct_kvs: object of string to string */
	CT_K_U32V,   /* uint32_t * with a count at n_off */
	CT_K_NSTYPE, /* enum ct_ns_type from its name */
	CT_K_OBJ,    /* pointer to a calloc'd struct described by sub, NULL when absent */
	CT_K_INLINE, /* a JSON object whose fields live in a struct at off (off 0: in the same
			struct) */
	CT_K_ARRAY,  /* array of sub structs: pointer at off, count at n_off */
	CT_K_MAP,    /* object of key -> sub struct: like ARRAY, the key kept at sub->key_off */
};

/*
 * Flags of a number or boolean without a has_ flag. Such a field is written
 * when the document had it or it is not 0; these add "or its object is new"
 * (built by hand, not read): REQ for what the spec requires (user.uid, an
 * id mapping's sizes), NEW for what we choose to spell out (a clock's offsets).
 */
#define CT_F_REQ 0x1u
#define CT_F_NEW 0x2u
/* The model has no way to say "absent" (a namespace's type): absence is an error finding. */
#define CT_F_MUST 0x4u

#define CT_NO_OFF SIZE_MAX

struct ct_desc;

struct ct_field {
	const char *key;
	enum ct_fkind kind;
	unsigned flags;
	size_t off;
	size_t has_off; /* bool has_<field>, or CT_NO_OFF */
	size_t n_off;	/* size_t count for U32V, ARRAY, MAP */
	const struct ct_desc *sub;
};

struct ct_desc {
	size_t size;	/* of one struct, for OBJ, ARRAY and MAP */
	size_t key_off; /* char * holding the map key, for MAP elements */
	const struct ct_field *fields;
	size_t n_fields;
};

/*
 * offsetof(T, m), refusing to compile unless m has exactly the type the
 * table claims: a table that disagrees with the header is a build error.
 */
#define CT_OFF(T, m, type)                                                                         \
	(offsetof(T, m) +                                                                          \
	 0 * sizeof(char[__builtin_types_compatible_p(__typeof__(((T *)0)->m), type) ? 1 : -1]))

/* Every field of a table entry, spelled out; the macros below fill the usual cases. */
#define CT_FIELD(k, kind_, T, m, type, fl, has, n, d)                                              \
	{                                                                                          \
		.key = (k), .kind = (kind_), .flags = (fl), .off = CT_OFF(T, m, type),             \
		.has_off = (has), .n_off = (n), .sub = (d)                                         \
	}

#define CT_STR(k, T, m) CT_FIELD(k, CT_K_STR, T, m, char *, 0, CT_NO_OFF, CT_NO_OFF, NULL)
#define CT_STRV(k, T, m) CT_FIELD(k, CT_K_STRV, T, m, struct ct_strv, 0, CT_NO_OFF, CT_NO_OFF, NULL)
#define CT_KVS(k, T, m) CT_FIELD(k, CT_K_KVS, T, m, struct ct_kvs, 0, CT_NO_OFF, CT_NO_OFF, NULL)
/* A number or boolean with a has_<m> flag beside it. */
#define CT_OPT(k, kind_, T, m, type)                                                               \
	CT_FIELD(k, kind_, T, m, type, 0, CT_OFF(T, has_##m, bool), CT_NO_OFF, NULL)
/*
 * A number or boolean without a flag: absent reads as 0, and it is written
 * back when the document had it, when it is not 0, or when fl asks.
 */
#define CT_VAL(k, kind_, T, m, type, fl)                                                           \
	CT_FIELD(k, kind_, T, m, type, fl, CT_NO_OFF, CT_NO_OFF, NULL)
#define CT_OBJ(k, T, m, type, d) CT_FIELD(k, CT_K_OBJ, T, m, type *, 0, CT_NO_OFF, CT_NO_OFF, &(d))
#define CT_ARRAY(k, T, m, type, d)                                                                 \
	CT_FIELD(k, CT_K_ARRAY, T, m, type *, 0, CT_NO_OFF, CT_OFF(T, n_##m, size_t), &(d))
/* An array inside a {v, n} list struct. */
#define CT_LIST(k, T, m, type, d)                                                                  \
	CT_FIELD(k, CT_K_ARRAY, T, m.v, type *, 0, CT_NO_OFF, CT_OFF(T, m.n, size_t), &(d))
#define CT_MAP(k, T, m, type, d)                                                                   \
	CT_FIELD(k, CT_K_MAP, T, m, type *, 0, CT_NO_OFF, CT_OFF(T, n_##m, size_t), &(d))
/* A JSON object of fields held directly in T (the table d describes T itself). */
#define CT_GROUP(k, d, fl)                                                                         \
	{                                                                                          \
		.key = (k), .kind = CT_K_INLINE, .flags = (fl), .off = 0, .has_off = CT_NO_OFF,    \
		.n_off = CT_NO_OFF, .sub = &(d)                                                    \
	}

#define CT_DESC(T, tbl)                                                                            \
	{                                                                                          \
		.size = sizeof(T), .key_off = CT_NO_OFF, .fields = (tbl),                          \
		.n_fields = sizeof(tbl) / sizeof((tbl)[0])                                         \
	}

/* Where a value sits in the document, built on the stack and rendered only for a finding. */
struct ct_path {
	const struct ct_path *up;
	const char *key; /* NULL: index is used */
	size_t index;
};

/* Renders path as an RFC 6901 pointer; malloc'd, NULL on ENOMEM. */
char *ct_path_render(const struct ct_path *path);

/*
 * Fills base from the JSON object obj by the table d. Every wrong type and
 * every number that does not fit its C field becomes an error finding with
 * its pointer; reading goes on past it. Never follows the document deeper
 * than the table, so nesting cannot exhaust the stack.
 */
void ct_desc_read(const struct ct_desc *d, void *base, const json_t *obj,
		  const struct ct_path *path, struct ct_diags *diags);

/*
 * Writes the fields of base into obj (which holds the original document's
 * object, or is new when is_new), replacing known keys, deleting absent
 * ones and leaving unknown keys alone. -1 on ENOMEM or a value JSON cannot
 * hold (a uint64 above INT64_MAX, a string that is not UTF-8).
 */
int ct_desc_write(const struct ct_desc *d, const void *base, json_t *obj, bool is_new);

/* Frees everything the table's fields own in base (not base itself). */
void ct_desc_free(const struct ct_desc *d, void *base);

/* The whole document: copy of doc (or a new object) written from base. New reference or NULL. */
json_t *ct_desc_to_json(const struct ct_desc *d, const void *base, const json_t *doc);

/* Tables defined in spec_linux.c, spec_resources.c and spec_features.c. */
extern const struct ct_desc ct_desc_linux;
extern const struct ct_desc ct_desc_resources;
extern const struct ct_desc ct_desc_features;
extern const struct ct_desc ct_desc_state;
extern const struct ct_desc ct_desc_id_mapping;
