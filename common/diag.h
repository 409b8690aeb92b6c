/* SPDX-License-Identifier: Apache-2.0 */
/* Findings about a document: each with its JSON pointer, what was expected and found, a hint. */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum ct_diag_level {
	CT_DIAG_ERROR,
	CT_DIAG_WARN,
};

struct ct_diag {
	enum ct_diag_level level;
	char *pointer;	/* RFC 6901 pointer into the document, "" for the whole document */
	char *msg;	/* what is wrong, lower case, no trailing period */
	char *expected; /* may be NULL */
	char *found;	/* may be NULL */
	char *hint;	/* a plain fix, may be NULL */
};

/* A growing list; zero-initialise it (struct ct_diags d = {0}). */
struct ct_diags {
	struct ct_diag *items;
	size_t count;
	size_t cap;
	size_t errors;
	size_t warnings;
};

/*
 * Appends a finding. expected, found and hint may be NULL. On allocation
 * failure the finding is counted but its text dropped, so an error is never lost.
 */
void ct_diags_add(struct ct_diags *d, enum ct_diag_level level, const char *pointer,
		  const char *expected, const char *found, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Frees every finding; the list can be reused afterwards. Accepts NULL. */
void ct_diags_free(struct ct_diags *d);

/*
 * Formats one finding as a single line:
 *   <source>: error: /linux/namespaces/3: duplicate namespace 'pid' (expected X, found Y)
 * with "; hint: ..." appended when there is one. Returns a malloc'd string or NULL.
 */
char *ct_diag_format(const struct ct_diag *diag, const char *source);

/* Prints every finding, one line each, in the order added. */
void ct_diags_print(FILE *out, const struct ct_diags *d, const char *source);

/* The findings as a JSON array of {level, pointer, message, expected, found, hint}. */
json_t *ct_diags_to_json(const struct ct_diags *d);

/* Appends a pointer token, escaping '~' and '/' as RFC 6901 says; returns malloc'd string. */
char *ct_pointer_join(const char *base, const char *token);

/* The same for an array index. */
char *ct_pointer_index(const char *base, size_t index);

/* A short rendering of a JSON value for "found": type name, or the value when short. */
char *ct_json_describe(const json_t *value);
