/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers the validator's checks share: findings, suggestions, versions, cpu lists. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/validate.h"
#include "common/validate_impl.h"

/* Longer words are not compared: no name in the spec is near that long. */
#define NEAR_MAX 64

static void add_v(struct ct_diags *d, enum ct_diag_level level, const char *ptr,
		  const char *expected, const json_t *found, const char *hint, const char *fmt,
		  va_list ap)
{
	cleanup_free char *found_text = found ? ct_json_describe(found) : NULL;
	cleanup_free char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	ct_diags_add(d, level, ptr, expected, found_text, hint, "%s", msg ? msg : "(no memory)");
}

void vd_add(struct ct_diags *d, enum ct_diag_level level, const char *base, const char *key,
	    const char *expected, const json_t *found, const char *hint, const char *fmt, ...)
{
	cleanup_free char *ptr = key ? ct_pointer_join(base, key) : NULL;
	va_list ap;

	va_start(ap, fmt);
	add_v(d, level, ptr ? ptr : base, expected, found, hint, fmt, ap);
	va_end(ap);
}

void vd_add_index(struct ct_diags *d, enum ct_diag_level level, const char *base, size_t index,
		  const char *expected, const json_t *found, const char *hint, const char *fmt, ...)
{
	cleanup_free char *ptr = ct_pointer_index(base, index);
	va_list ap;

	va_start(ap, fmt);
	add_v(d, level, ptr ? ptr : base, expected, found, hint, fmt, ap);
	va_end(ap);
}

/* Optimal string alignment distance, case-insensitive: a swap of two letters costs one. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a);
	size_t lb = strlen(b);
	size_t row[3][NEAR_MAX + 1];

	if (la > NEAR_MAX || lb > NEAR_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *cur = row[i % 3];
		size_t *prev = row[(i - 1) % 3];
		size_t *prev2 = row[(i + 1) % 3];

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca == cb ? 0 : 1;
			size_t best = prev[j] + 1;

			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (prev[j - 1] + cost < best)
				best = prev[j - 1] + cost;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
	}

	return row[la % 3][lb];
}

/*
 * Close enough to suggest: one or two edits (one for short words), or one
 * name extending the other ("SCMP_CMP_EQUAL" for "SCMP_CMP_EQ"). A larger
 * budget suggests unrelated names sharing a long prefix (AMD64 -> PPC64).
 */
static bool is_near(const char *word, const char *name, size_t dist)
{
	size_t lw = strlen(word);
	size_t ln = strlen(name);
	size_t shorter = lw < ln ? lw : ln;

	if (dist <= (lw <= 3 ? 1u : 2u))
		return true;

	return shorter >= 4 && strncasecmp(word, name, shorter) == 0;
}

static void consider(const char *word, const char *name, const char **best, size_t *best_dist)
{
	size_t dist = edit_distance(word, name);

	if (!is_near(word, name, dist))
		return;
	if (dist < *best_dist) {
		*best = name;
		*best_dist = dist;
	}
}

const char *vd_nearest(const char *word, const char *const *names)
{
	const char *best = NULL;
	size_t best_dist = SIZE_MAX;

	for (; *names; names++)
		consider(word, *names, &best, &best_dist);

	return best;
}

const char *vd_nearest_prop(const char *word, const struct vs_prop *props)
{
	const char *best = NULL;
	size_t best_dist = SIZE_MAX;

	for (; props->name; props++)
		consider(word, props->name, &best, &best_dist);

	return best;
}

/* A numeric identifier: digits, no leading zero unless it is "0". */
static bool parse_number(const char **s, uint64_t *ret)
{
	const char *p = *s;
	uint64_t v = 0;

	if (!isdigit((unsigned char)*p))
		return false;
	if (*p == '0' && isdigit((unsigned char)p[1]))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	*ret = v;

	return true;
}

/* Dot-separated identifiers of [0-9A-Za-z-], none empty. */
static bool parse_idents(const char **s)
{
	const char *p = *s;
	size_t len = 0;

	for (;; p++) {
		if (isalnum((unsigned char)*p) || *p == '-') {
			len++;
			continue;
		}
		if (len == 0)
			return false;
		if (*p != '.')
			break;
		len = 0;
	}
	*s = p;

	return true;
}

bool vd_semver_parse(const char *s, struct vd_semver *ret)
{
	struct vd_semver v = {0};

	if (!parse_number(&s, &v.major) || *s++ != '.' || !parse_number(&s, &v.minor) ||
	    *s++ != '.' || !parse_number(&s, &v.patch))
		return false;
	if (*s == '-') {
		s++;
		v.is_prerelease = true;
		if (!parse_idents(&s))
			return false;
	}
	if (*s == '+') {
		s++;
		if (!parse_idents(&s))
			return false;
	}
	if (*s)
		return false;
	*ret = v;

	return true;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

int vd_semver_cmp(const struct vd_semver *a, const struct vd_semver *b)
{
	int c = cmp_u64(a->major, b->major);

	if (c == 0)
		c = cmp_u64(a->minor, b->minor);
	if (c == 0)
		c = cmp_u64(a->patch, b->patch);

	return c;
}

static bool parse_cpu(const char **s, unsigned long *ret)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return false;
	errno = 0;
	*ret = strtoul(*s, &end, 10);
	if (errno)
		return false;
	*s = end;

	return true;
}

bool vd_is_cpu_list(const char *s)
{
	for (;;) {
		unsigned long lo;
		unsigned long hi;

		while (*s == ' ')
			s++;
		if (!parse_cpu(&s, &lo))
			return false;
		hi = lo;
		if (*s == '-') {
			s++;
			if (!parse_cpu(&s, &hi) || hi < lo)
				return false;
		}
		while (*s == ' ')
			s++;
		if (*s == '\0')
			return true;
		if (*s++ != ',')
			return false;
	}
}

long long vd_seen_before(json_t *seen, const char *name, size_t index)
{
	const json_t *first = json_object_get(seen, name);

	if (first)
		return (long long)json_integer_value(first);
	json_object_set_new(seen, name, json_integer((json_int_t)index));

	return -1;
}

bool ct_validate_is_cpu_list(const char *s)
{
	return vd_is_cpu_list(s);
}

bool vd_is_abs(const char *s)
{
	return s && s[0] == '/';
}

const char *vd_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

const json_t *vd_obj(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_object(v) ? v : NULL;
}

const json_t *vd_arr(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_array(v) ? v : NULL;
}

bool vd_int(const json_t *obj, const char *key, int64_t *ret)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return false;
	*ret = json_integer_value(v);

	return true;
}
