/* SPDX-License-Identifier: Apache-2.0 */
/* specgen generate: turning each flag's text into the JSON value it stands for. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/caps.h"
#include "common/cleanup.h"
#include "common/err.h"
#include "common/procattr.h"
#include "common/validate.h"

#include "tools/specgen/gen.h"

/* Every parser fails the same way: the caller puts "--flag 'value': " in front. */
#define EXPECT(...) ct_err_set(err, 0, "expected " __VA_ARGS__)

/* Digits only: strtoull alone would take "-1", " 5" and "0x10". */
static bool parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*ret = v;

	return true;
}

static bool parse_i64(const char *s, int64_t min, int64_t max, int64_t *ret)
{
	char *end;
	long long v;

	if (!isdigit((unsigned char)s[s[0] == '-']))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*ret = v;

	return true;
}

static bool parse_u32(const char *s, uint32_t *ret)
{
	uint64_t v;

	if (!parse_u64(s, UINT32_MAX, &v))
		return false;
	*ret = (uint32_t)v;

	return true;
}

/* Splits "a<sep>b<sep>c" into at most max pieces in a copy; returns the count, or -1 if more. */
static int split(char *s, char sep, char **parts, int max)
{
	int n = 0;

	for (;;) {
		char *next = strchr(s, sep);

		if (n == max)
			return -1;
		parts[n++] = s;
		if (!next)
			return n;
		*next = '\0';
		s = next + 1;
	}
}

/* Case-insensitive lookup in names, also accepting them without prefix ("rt" for IOPRIO_CLASS_RT).
 */
static const char *pick_name(const char *arg, const char *prefix, const char *const *names)
{
	size_t plen = strlen(prefix);

	for (size_t i = 0; names[i]; i++) {
		if (strcasecmp(arg, names[i]) == 0 || strcasecmp(arg, names[i] + plen) == 0)
			return names[i];
	}

	return NULL;
}

static int parse_size(const char *arg, json_t **ret, struct ct_err *err)
{
	static const char suffixes[] = "KMGT";
	char num[GEN_ARG_MAX];
	uint64_t v;
	uint64_t mult = 1;
	size_t len = strlen(arg);
	const char *s;

	snprintf(num, sizeof(num), "%s", arg);
	if (strcmp(arg, "-1") == 0) {
		*ret = json_integer(-1);
		return 0;
	}
	if (len > 1 && (s = strchr(suffixes, toupper((unsigned char)arg[len - 1]))) && *s) {
		for (const char *p = suffixes; p <= s; p++)
			mult *= 1024;
		num[len - 1] = '\0';
	}
	if (!parse_u64(num, INT64_MAX / mult, &v))
		return EXPECT("a size in bytes (suffix K, M, G or T allowed) or -1 for unlimited");
	*ret = json_integer((json_int_t)v * (json_int_t)mult);

	return 0;
}

static int parse_gids(const char *arg, json_t **ret, struct ct_err *err)
{
	char copy[GEN_ARG_MAX];
	cleanup_json json_t *arr = json_array();
	char *parts[256];
	int n;

	snprintf(copy, sizeof(copy), "%s", arg);
	if (!arr)
		return ct_err_set(err, ENOMEM, "parse");
	n = split(copy, ',', parts, 256);
	for (int i = 0; i < n; i++) {
		uint64_t gid;

		/* 4294967295 is (gid_t)-1, which the validator refuses as it does for gid. */
		if (!parse_u64(parts[i], UINT32_MAX - 1, &gid))
			n = -1;
		else
			json_array_append_new(arr, json_integer((json_int_t)gid));
	}
	if (n < 0)
		return EXPECT("comma-separated group ids from 0 to 4294967294 (at most 256)");
	*ret = steal_ptr(&arr);

	return 0;
}

static int parse_kv(const char *arg, bool as_object, json_t **ret, struct ct_err *err)
{
	const char *eq = strchr(arg, '=');
	char key[GEN_ARG_MAX];

	if (!eq || eq == arg)
		return EXPECT("KEY=VALUE with a non-empty KEY");
	if (!as_object) {
		*ret = json_string(arg);
		return 0;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq - arg), arg);
	*ret = json_pack("{s:s}", key, eq + 1);

	return 0;
}

static const char *const cap_sets[] = {"bounding",    "effective", "permitted",
				       "inheritable", "ambient",   NULL};

/* "net_admin", "NET_ADMIN" and "CAP_NET_ADMIN" all become CAP_NET_ADMIN; "ALL" stays ALL. */
static bool cap_name(const char *name, char *buf, size_t size)
{
	bool has_prefix = strncasecmp(name, "CAP_", 4) == 0 || strcasecmp(name, "ALL") == 0;
	int n = snprintf(buf, size, "%s%s", has_prefix ? "" : "CAP_", name);

	if (n < 0 || (size_t)n >= size)
		return false;
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);

	return strcmp(buf, "ALL") == 0 || ct_caps_is_known(buf);
}

static int parse_cap(const struct gen_flag *flag, const char *arg, json_t **ret, struct ct_err *err)
{
	const char *colon = flag->key ? NULL : strchr(arg, ':');
	const char *set = NULL;
	char cap[64];
	json_t *sets;

	if (colon) {
		char prefix[GEN_ARG_MAX];

		snprintf(prefix, sizeof(prefix), "%.*s", (int)(colon - arg), arg);
		set = pick_name(prefix, "", cap_sets);
		if (!set)
			return EXPECT(
				"SET:CAP with SET one of bounding, effective, permitted, inheritable, ambient");
	}
	if (!cap_name(colon ? colon + 1 : arg, cap, sizeof(cap)))
		return EXPECT("a capability name like CAP_NET_ADMIN or ALL");

	sets = json_array();
	if (flag->key || set) {
		json_array_append_new(sets, json_string(flag->key ? flag->key : set));
	} else {
		/* Adding goes to the sets a plain process uses; dropping clears it from all five.
		 */
		for (size_t i = 0; cap_sets[i] && (flag->op == OP_CAP_DROP || i < 3); i++)
			json_array_append_new(sets, json_string(cap_sets[i]));
	}
	*ret = json_pack("{s:o, s:s}", "sets", sets, "cap", cap);

	return 0;
}

static const char *const ns_types[] = {"pid",  "network", "mount", "ipc", "uts",
				       "user", "cgroup",  "time",  NULL};

static const char *ns_type(const char *arg)
{
	/* The short names of /proc/PID/ns and unshare(1) are what people type. */
	if (strcmp(arg, "net") == 0)
		return "network";
	if (strcmp(arg, "mnt") == 0)
		return "mount";
	for (size_t i = 0; ns_types[i]; i++) {
		if (strcmp(arg, ns_types[i]) == 0)
			return ns_types[i];
	}

	return NULL;
}

static int parse_ns(const char *arg, bool has_path, json_t **ret, struct ct_err *err)
{
	char copy[GEN_ARG_MAX];
	char *eq;
	const char *type;

	snprintf(copy, sizeof(copy), "%s", arg);
	eq = strchr(copy, '=');
	if (has_path) {
		if (!eq || eq[1] != '/')
			return EXPECT("TYPE=PATH with an absolute PATH, like net=/run/netns/x");
		*eq = '\0';
	}
	type = ns_type(copy);
	if (!type)
		return EXPECT(
			"a namespace type: pid, network, mount, ipc, uts, user, cgroup or time");
	*ret = has_path ? json_pack("{s:s, s:s}", "type", type, "path", eq + 1)
			: json_pack("{s:s}", "type", type);

	return 0;
}

static json_t *idmap(const char *arg)
{
	char copy[GEN_ARG_MAX];
	char *p[3];
	uint32_t c, h, s;

	snprintf(copy, sizeof(copy), "%s", arg);
	if (split(copy, ':', p, 3) != 3 || !parse_u32(p[0], &c) || !parse_u32(p[1], &h) ||
	    !parse_u32(p[2], &s) || s == 0)
		return NULL;

	return json_pack("{s:I, s:I, s:I}", "containerID", (json_int_t)c, "hostID", (json_int_t)h,
			 "size", (json_int_t)s);
}

/*
 * LIMITATION: no "unlimited" rlimit; RLIM_INFINITY is 2^64-1 and our JSON
 * integers are signed 64-bit, so such values are refused with "expected
 * SOFT[:HARD] as numbers from 0 to 9223372036854775807".
 */
static bool rlimit_value(const char *s, uint64_t *ret)
{
	return parse_u64(s, INT64_MAX, ret);
}

static int parse_rlimit(const char *arg, json_t **ret, struct ct_err *err)
{
	char copy[GEN_ARG_MAX];
	char *eq;
	char *p[2];
	const char *type;
	uint64_t soft, hard;
	int n;

	snprintf(copy, sizeof(copy), "%s", arg);
	eq = strchr(copy, '=');
	if (!eq)
		return EXPECT("TYPE=SOFT[:HARD], like NOFILE=1024:4096");
	*eq = '\0';
	type = pick_name(copy, "RLIMIT_", ct_rlimit_names);
	if (!type)
		return EXPECT("a limit type like NOFILE or RLIMIT_NOFILE before '='");
	n = split(eq + 1, ':', p, 2);
	if (n < 1 || !rlimit_value(p[0], &soft) || !rlimit_value(p[n - 1], &hard))
		return EXPECT("SOFT[:HARD] as numbers from 0 to 9223372036854775807 after '='");
	if (soft > hard)
		return EXPECT("a soft limit no higher than the hard limit");
	*ret = json_pack("{s:s, s:I, s:I}", "type", type, "hard", (json_int_t)hard, "soft",
			 (json_int_t)soft);

	return 0;
}

static int parse_majmin(const char *arg, const char *what, uint64_t max, json_t **ret,
			struct ct_err *err)
{
	char copy[GEN_ARG_MAX];
	char *p[3];
	int64_t maj, min;
	uint64_t v;

	snprintf(copy, sizeof(copy), "%s", arg);
	if (split(copy, ':', p, 3) != 3 || !parse_i64(p[0], 0, INT64_MAX, &maj) ||
	    !parse_i64(p[1], 0, INT64_MAX, &min) || !parse_u64(p[2], max, &v) ||
	    (max == 1000 && v < 10))
		return max == 1000 ? EXPECT("MAJOR:MINOR:WEIGHT with WEIGHT from 10 to 1000")
				   : EXPECT("MAJOR:MINOR:RATE with numbers");
	*ret = json_pack("{s:I, s:I, s:I}", "major", (json_int_t)maj, "minor", (json_int_t)min,
			 what, (json_int_t)v);

	return 0;
}

static int parse_number(const struct gen_flag *flag, const char *arg, json_t **ret,
			struct ct_err *err)
{
	uint64_t u;
	int64_t i;

	switch (flag->parse) {
	case P_ID:
		/* The validator refuses 4294967295 too: setresuid(2) would keep the runtime's root.
		 */
		if (!parse_u64(arg, UINT32_MAX - 1, &u))
			return EXPECT("a number from 0 to 4294967294");
		*ret = json_integer((json_int_t)u);
		return 0;
	case P_U64:
		/* jansson integers are int64: larger values would not survive a round trip. */
		if (!parse_u64(arg, INT64_MAX, &u))
			return EXPECT("a number from 0 to %" PRId64, INT64_MAX);
		*ret = json_integer((json_int_t)u);
		return 0;
	case P_I64:
		if (!parse_i64(arg, INT64_MIN, INT64_MAX, &i))
			return EXPECT("a number from %" PRId64 " to %" PRId64, INT64_MIN,
				      INT64_MAX);
		*ret = json_integer(i);
		return 0;
	case P_OOM:
		if (!parse_i64(arg, -1000, 1000, &i))
			return EXPECT("a number from -1000 to 1000");
		*ret = json_integer(i);
		return 0;
	case P_WEIGHT:
		if (!parse_u64(arg, 1000, &u) || u < 10)
			return EXPECT("a number from 10 to 1000");
		*ret = json_integer((json_int_t)u);
		return 0;
	case P_PIDS:
		if (!parse_i64(arg, -1, INT64_MAX, &i) || i == 0)
			return EXPECT("a positive number, or -1 for unlimited");
		*ret = json_integer(i);
		return 0;
	case P_TIMEOUT:
		if (!parse_i64(arg, 1, INT32_MAX, &i))
			return EXPECT("a number of seconds from 1 to 2147483647");
		*ret = json_integer(i);
		return 0;
	case P_UMASK: {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(arg, &end, 8);
		if (!isdigit((unsigned char)arg[0]) || errno || *end || v > 0777)
			return EXPECT("an octal mode from 0 to 0777, like 022");
		*ret = json_integer((json_int_t)v);
		return 0;
	}
	default:
		return gen_parse_struct(flag, arg, ret, err);
	}
}

static int parse_text(const struct gen_flag *flag, const char *arg, json_t **ret,
		      struct ct_err *err)
{
	/* The spec allows only these four (config-linux.md, rootfsPropagation). */
	static const char *const propagations[] = {"private", "shared", "slave", "unbindable",
						   NULL};

	switch (flag->parse) {
	case P_TEXT:
		break;
	case P_STRING:
		if (!*arg)
			return EXPECT("a non-empty value");
		break;
	case P_ABSPATH:
		if (arg[0] != '/')
			return EXPECT("an absolute path");
		break;
	case P_CPULIST:
		if (!ct_validate_is_cpu_list(arg))
			return EXPECT("a list like 0-3,7");
		break;
	case P_ENVKEY:
		if (!*arg || strchr(arg, '='))
			return EXPECT("a variable name without '='");
		break;
	case P_PROPAG:
		if (!pick_name(arg, "", propagations))
			return EXPECT("one of private, shared, slave, unbindable");
		arg = pick_name(arg, "", propagations);
		break;
	default:
		return parse_number(flag, arg, ret, err);
	}
	*ret = json_string(arg);

	return 0;
}

int gen_parse_value(const struct gen_flag *flag, const char *arg, json_t **ret_value,
		    struct ct_err *err)
{
	json_t *value = NULL;
	int r = 0;

	switch (flag->parse) {
	case P_NONE:
		*ret_value = NULL;
		return 0;
	case P_TRUE:
		*ret_value = json_true();
		return 0;
	case P_FALSE:
		*ret_value = json_false();
		return 0;
	default:
		break;
	}
	if (!arg)
		return ct_err_set(err, EINVAL, "no value");
	/* The parsers work on a copy in a buffer of this size. */
	if (strlen(arg) >= GEN_ARG_MAX)
		return EXPECT("at most %d characters", GEN_ARG_MAX - 1);

	switch (flag->parse) {
	case P_SIZE:
		r = parse_size(arg, &value, err);
		break;
	case P_GIDS:
		r = parse_gids(arg, &value, err);
		break;
	case P_ENV:
	case P_KV:
		r = parse_kv(arg, flag->parse == P_KV, &value, err);
		break;
	case P_CAP:
		r = parse_cap(flag, arg, &value, err);
		break;
	case P_NSTYPE:
	case P_NSJOIN:
		r = parse_ns(arg, flag->parse == P_NSJOIN, &value, err);
		break;
	case P_IDMAP:
		value = idmap(arg);
		if (!value)
			return EXPECT("CONTAINER_ID:HOST_ID:SIZE with a SIZE above 0");
		break;
	case P_RLIMIT:
		r = parse_rlimit(arg, &value, err);
		break;
	case P_WDEV:
		r = parse_majmin(arg, "weight", 1000, &value, err);
		break;
	case P_THROTTLE:
		r = parse_majmin(arg, "rate", INT64_MAX, &value, err);
		break;
	default:
		r = parse_text(flag, arg, &value, err);
		break;
	}
	if (r < 0)
		return -1;
	if (!value)
		return ct_err_set(err, ENOMEM, "parse");
	*ret_value = value;

	return 0;
}

bool gen_parse_u32(const char *s, uint32_t *ret)
{
	return parse_u32(s, ret);
}

bool gen_parse_i64(const char *s, int64_t min, int64_t max, int64_t *ret)
{
	return parse_i64(s, min, max, ret);
}

json_t *gen_idmap(const char *arg)
{
	return idmap(arg);
}

const char *gen_pick_name(const char *arg, const char *prefix, const char *const *names)
{
	return pick_name(arg, prefix, names);
}
