/* SPDX-License-Identifier: Apache-2.0 */
/* specgen generate: the structured flag values (mounts, hooks, devices, 1.2+ process fields). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/validate.h"

#include "tools/specgen/gen.h"

#define EXPECT(...) ct_err_set(err, 0, "expected " __VA_ARGS__)
#define MAX_FIELDS 32

struct field {
	char *key;
	char *value; /* NULL when the item has no '=' */
};

/*
 * Splits "a=1,b=2" in place; returns the count or -1 when there are more than MAX_FIELDS.
 * LIMITATION: a value cannot hold ','; a mount option such as context="a,b" is cut
 * there and refused with "expected KEY=VALUE items, found 'b"'": use --template.
 */
static int fields(char *s, struct field *f)
{
	int n = 0;

	while (s) {
		char *next = strchr(s, ',');
		char *eq;

		if (n == MAX_FIELDS)
			return -1;
		if (next)
			*next++ = '\0';
		eq = strchr(s, '=');
		if (eq)
			*eq++ = '\0';
		f[n].key = s;
		f[n].value = eq;
		n++;
		s = next;
	}

	return n;
}

static json_t *colon_list(const char *s)
{
	char copy[GEN_ARG_MAX];
	cleanup_json json_t *arr = json_array();
	char *save = NULL;

	snprintf(copy, sizeof(copy), "%s", s);
	if (!arr)
		return NULL;
	for (char *tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (json_array_append_new(arr, json_string(tok)) < 0)
			return NULL;
	}

	return steal_ptr(&arr);
}

static bool has_string(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	}

	return false;
}

static int mount_field(json_t *m, const struct field *f, struct ct_err *err)
{
	static const char *const keys[][2] = {
		{"type", "type"},	{"source", "source"},
		{"src", "source"},	{"destination", "destination"},
		{"dst", "destination"}, {"target", "destination"},
	};

	if (!f->value)
		return EXPECT("KEY=VALUE items, found '%s'", f->key);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(f->key, keys[i][0]) == 0)
			return json_object_set_new(m, keys[i][1], json_string(f->value));
	}
	if (strcmp(f->key, "options") == 0 || strcmp(f->key, "option") == 0) {
		json_t *options = json_object_get(m, "options");
		json_t *more = f->key[6] ? colon_list(f->value) : json_pack("[s]", f->value);

		if (!options)
			return json_object_set_new(m, "options", more);
		return json_array_extend(options, more) < 0 ? -1 : (json_decref(more), 0);
	}
	if (strcmp(f->key, "uidmap") == 0 || strcmp(f->key, "gidmap") == 0) {
		const char *name = f->key[0] == 'u' ? "uidMappings" : "gidMappings";
		json_t *maps = json_object_get(m, name);
		json_t *map = gen_idmap(f->value);

		if (!map)
			return EXPECT("%s=CONTAINER_ID:HOST_ID:SIZE with a SIZE above 0", f->key);
		if (!maps) {
			maps = json_array();
			json_object_set_new(m, name, maps);
		}
		return json_array_append_new(maps, map);
	}

	return EXPECT(
		"mount keys type, source, destination, options, option, uidmap, gidmap; found '%s'",
		f->key);
}

/* The members in runc's order, whatever order the flag gave them in, so output is canonical. */
static json_t *in_order(const json_t *m)
{
	static const char *const keys[] = {"destination", "type",	 "source",
					   "options",	  "uidMappings", "gidMappings"};
	json_t *out = json_object();

	for (size_t i = 0; out && i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(m, keys[i]);

		if (v && json_object_set(out, keys[i], v) < 0) {
			json_decref(out);
			return NULL;
		}
	}

	return out;
}

static int parse_mount(const char *arg, json_t **ret, struct ct_err *err)
{
	char copy[GEN_ARG_MAX];
	cleanup_json json_t *m = json_pack("{s:n}", "destination");
	struct field f[MAX_FIELDS];
	const char *dest;
	json_t *options;
	int n;

	snprintf(copy, sizeof(copy), "%s", arg);
	if (!m)
		return ct_err_set(err, ENOMEM, "parse");
	ct_err_clear(err);
	n = fields(copy, f);
	if (n < 0)
		return EXPECT("at most %d mount items", MAX_FIELDS);
	for (int i = 0; i < n; i++) {
		if (mount_field(m, &f[i], err) < 0)
			return err->msg[0] ? -1 : ct_err_set(err, ENOMEM, "parse");
	}

	dest = json_string_value(json_object_get(m, "destination"));
	if (!dest || dest[0] != '/')
		return EXPECT("destination=PATH with an absolute PATH");
	options = json_object_get(m, "options");
	if (!json_object_get(m, "type")) {
		/* A bind mount's type is ignored by the kernel; spell it the way runc does. */
		if (!options || !(has_string(options, "bind") || has_string(options, "rbind")))
			return EXPECT("type=TYPE (or options=bind/rbind for a bind mount)");
		json_object_set_new(m, "type", json_string("bind"));
	}
	if (!json_object_get(m, "source")) {
		const char *type = json_string_value(json_object_get(m, "type"));

		if (strcmp(type, "bind") == 0 || strcmp(type, "none") == 0)
			return EXPECT("source=PATH for a bind mount");
		/* Filesystems without a device (tmpfs, proc) take their type as the source, as
		 * runc's do. */
		json_object_set_new(m, "source", json_string(type));
	}
	/* An idmapped mount needs the idmap option for runtimes to apply the mappings. */
	if ((json_object_get(m, "uidMappings") || json_object_get(m, "gidMappings"))) {
		if (!json_object_get(m, "uidMappings") || !json_object_get(m, "gidMappings"))
			return EXPECT("both uidmap= and gidmap= for an idmapped mount");
		if (!options) {
			options = json_array();
			json_object_set_new(m, "options", options);
		}
		if (!has_string(options, "idmap") && !has_string(options, "ridmap"))
			json_array_append_new(options, json_string("idmap"));
	}
	*ret = in_order(m);
	if (!*ret)
		return ct_err_set(err, ENOMEM, "parse");

	return 0;
}

static const char *const hook_stages[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
	NULL};

static int parse_hook(const char *arg, json_t **ret, struct ct_err *err)
{
	char copy[GEN_ARG_MAX];
	char *colon;
	const char *stage;
	json_t *args;

	snprintf(copy, sizeof(copy), "%s", arg);
	colon = strchr(copy, ':');
	if (colon)
		*colon = '\0';
	stage = gen_pick_name(copy, "", hook_stages);
	if (!stage)
		return EXPECT(
			"STAGE:PATH[:ARG...] with STAGE one of prestart, createRuntime, createContainer, startContainer, poststart, poststop");
	if (!colon || colon[1] != '/')
		return EXPECT("STAGE:PATH[:ARG...] with an absolute PATH");
	/* The spec's args include argv[0]: the path comes first. */
	args = colon_list(colon + 1);
	if (!args)
		return ct_err_set(err, ENOMEM, "parse");
	*ret = json_pack("{s:s, s:{s:O, s:o}}", "stage", stage, "hook", "path",
			 json_array_get(args, 0), "args", args);

	return 0;
}

static int device_field(json_t *d, const char *key, const char *value, struct ct_err *err)
{
	int64_t v;

	if (strcmp(key, "type") == 0) {
		if (strlen(value) != 1 || !strchr("cbup", value[0]))
			return EXPECT("type=c, b, u or p");
		return json_object_set_new(d, "type", json_string(value));
	}
	if (strcmp(key, "path") == 0) {
		if (value[0] != '/')
			return EXPECT("path=PATH with an absolute PATH");
		return json_object_set_new(d, "path", json_string(value));
	}
	if (strcmp(key, "major") == 0 || strcmp(key, "minor") == 0) {
		if (!gen_parse_i64(value, 0, INT64_MAX, &v))
			return EXPECT("%s=N with a number", key);
		return json_object_set_new(d, key, json_integer(v));
	}
	if (strcmp(key, "mode") == 0 || strcmp(key, "fileMode") == 0) {
		char *end;
		unsigned long mode = strtoul(value, &end, 8);

		if (!*value || *end || mode > 07777)
			return EXPECT("mode=MODE in octal, like 0666");
		return json_object_set_new(d, "fileMode", json_integer((json_int_t)mode));
	}
	if (strcmp(key, "uid") == 0 || strcmp(key, "gid") == 0) {
		uint32_t id;

		if (!gen_parse_u32(value, &id))
			return EXPECT("%s=N with a number from 0 to 4294967295", key);
		return json_object_set_new(d, key, json_integer(id));
	}

	return EXPECT("device keys type, path, major, minor, mode, uid, gid; found '%s'", key);
}

/* "c:1:3:/dev/null[:0666]" or "type=c,path=/dev/null,major=1,minor=3,mode=0666". */
static int parse_device(const char *arg, json_t **ret, struct ct_err *err)
{
	static const char *const short_keys[] = {"type", "major", "minor", "path", "mode"};
	char copy[GEN_ARG_MAX];
	cleanup_json json_t *d = json_pack("{s:n, s:n}", "path", "type");
	struct field f[MAX_FIELDS];
	int n;

	snprintf(copy, sizeof(copy), "%s", arg);
	if (!d)
		return ct_err_set(err, ENOMEM, "parse");
	if (!strchr(copy, '=')) {
		char *save = NULL;

		n = 0;
		for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
			if (n == 5)
				return EXPECT("TYPE:MAJOR:MINOR:PATH[:MODE]");
			f[n].key = (char *)short_keys[n];
			f[n++].value = t;
		}
	} else {
		n = fields(copy, f);
	}
	for (int i = 0; i < n; i++) {
		if (!f[i].value)
			return EXPECT("KEY=VALUE items, found '%s'", f[i].key);
		if (device_field(d, f[i].key, f[i].value, err) < 0)
			return -1;
	}

	if (!json_is_string(json_object_get(d, "path")) ||
	    !json_is_string(json_object_get(d, "type")))
		return EXPECT("TYPE:MAJOR:MINOR:PATH[:MODE] or type=..,path=..,major=..,minor=..");
	if (strcmp(json_string_value(json_object_get(d, "type")), "p") != 0 &&
	    (!json_object_get(d, "major") || !json_object_get(d, "minor")))
		return EXPECT("a major and a minor number for a c, b or u device");
	*ret = steal_ptr(&d);

	return 0;
}

/* "monotonic=-5.25" -> {monotonic: {secs: -5, nanosecs: 250000000}}. */
static int parse_time_offset(const char *arg, json_t **ret, struct ct_err *err)
{
	char copy[GEN_ARG_MAX];
	char *eq;
	char *dot;
	int64_t secs;
	uint32_t nanos = 0;

	snprintf(copy, sizeof(copy), "%s", arg);
	eq = strchr(copy, '=');
	if (!eq)
		return EXPECT("CLOCK=SECS[.FRACTION] with CLOCK monotonic or boottime");
	*eq++ = '\0';
	if (strcmp(copy, "monotonic") != 0 && strcmp(copy, "boottime") != 0)
		return EXPECT("CLOCK=SECS[.FRACTION] with CLOCK monotonic or boottime");
	dot = strchr(eq, '.');
	if (dot) {
		size_t len = strlen(dot + 1);

		*dot++ = '\0';
		if (len == 0 || len > 9 || strspn(dot, "0123456789") != len)
			return EXPECT("up to 9 digits after the '.'");
		nanos = (uint32_t)strtoul(dot, NULL, 10);
		for (; len < 9; len++)
			nanos *= 10;
	}
	if (!gen_parse_i64(eq, INT64_MIN, INT64_MAX, &secs))
		return EXPECT("CLOCK=SECS[.FRACTION] with SECS a whole number");
	*ret = json_pack("{s:{s:I, s:I}}", copy, "secs", (json_int_t)secs, "nanosecs",
			 (json_int_t)nanos);

	return 0;
}

static int parse_net_device(const char *arg, json_t **ret, struct ct_err *err)
{
	char copy[GEN_ARG_MAX];
	char *colon;

	snprintf(copy, sizeof(copy), "%s", arg);
	colon = strchr(copy, ':');
	if (colon)
		*colon++ = '\0';
	/* Interface names: at most 15 bytes, no '/' (they become sysfs paths). */
	if (!*copy || strlen(copy) > 15 || strchr(copy, '/') ||
	    (colon && (!*colon || strlen(colon) > 15 || strchr(colon, '/'))))
		return EXPECT("HOST_NAME[:CONTAINER_NAME], interface names of 1 to 15 characters");
	*ret = colon ? json_pack("{s:{s:s}}", copy, "name", colon) : json_pack("{s:{}}", copy);

	return 0;
}

static int sched_field(json_t *s, const struct field *f, struct ct_err *err)
{
	static const char *const flags[] = {
		"SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
		"SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
		"SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
		"SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
	};
	int64_t v;

	if (!f->value)
		return EXPECT("KEY=VALUE after the policy, found '%s'", f->key);
	if (strcmp(f->key, "nice") == 0 || strcmp(f->key, "priority") == 0) {
		if (!gen_parse_i64(f->value, INT32_MIN, INT32_MAX, &v))
			return EXPECT("%s=N with a 32-bit number", f->key);
		return json_object_set_new(s, f->key, json_integer(v));
	}
	if (strcmp(f->key, "runtime") == 0 || strcmp(f->key, "deadline") == 0 ||
	    strcmp(f->key, "period") == 0) {
		if (!gen_parse_i64(f->value, 0, INT64_MAX, &v))
			return EXPECT("%s=NANOSECONDS", f->key);
		return json_object_set_new(s, f->key, json_integer(v));
	}
	if (strcmp(f->key, "flags") == 0) {
		json_t *arr = colon_list(f->value);
		size_t i;
		json_t *flag;

		json_array_foreach(arr, i, flag)
		{
			const char *name =
				gen_pick_name(json_string_value(flag), "SCHED_FLAG_", flags);

			if (!name) {
				json_decref(arr);
				return EXPECT("flags=A:B with scheduler flags like RESET_ON_FORK");
			}
			json_array_set_new(arr, i, json_string(name));
		}
		return json_object_set_new(s, "flags", arr);
	}

	return EXPECT("scheduler keys nice, priority, runtime, deadline, period, flags; found '%s'",
		      f->key);
}

static int parse_scheduler(const char *arg, json_t **ret, struct ct_err *err)
{
	static const char *const policies[] = {"SCHED_OTHER",	 "SCHED_FIFO", "SCHED_RR",
					       "SCHED_BATCH",	 "SCHED_ISO",  "SCHED_IDLE",
					       "SCHED_DEADLINE", NULL};
	char copy[GEN_ARG_MAX];
	cleanup_json json_t *s = NULL;
	struct field f[MAX_FIELDS];
	const char *policy;
	int n;

	snprintf(copy, sizeof(copy), "%s", arg);
	n = fields(copy, f);
	policy = n > 0 && !f[0].value ? gen_pick_name(f[0].key, "SCHED_", policies) : NULL;
	if (!policy)
		return EXPECT(
			"POLICY[,KEY=VALUE...] with POLICY like SCHED_OTHER, SCHED_FIFO or rr");
	s = json_pack("{s:s}", "policy", policy);
	for (int i = 1; i < n; i++) {
		if (sched_field(s, &f[i], err) < 0)
			return -1;
	}
	*ret = steal_ptr(&s);

	return 0;
}

static int parse_io_priority(const char *arg, json_t **ret, struct ct_err *err)
{
	static const char *const classes[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
					      "IOPRIO_CLASS_IDLE", NULL};
	char copy[GEN_ARG_MAX];
	char *colon;
	const char *cls;
	int64_t prio;

	snprintf(copy, sizeof(copy), "%s", arg);
	colon = strchr(copy, ':');
	if (colon)
		*colon++ = '\0';
	cls = gen_pick_name(copy, "IOPRIO_CLASS_", classes);
	if (!cls || !colon || !gen_parse_i64(colon, 0, 7, &prio))
		return EXPECT("CLASS:PRIORITY with CLASS rt, be or idle and PRIORITY from 0 to 7");
	*ret = json_pack("{s:s, s:I}", "class", cls, "priority", (json_int_t)prio);

	return 0;
}

/*
 * The lists hold commas of their own ("0-3,7"), so a comma ends a field only
 * where the next key follows it.
 */
static char *next_affinity_field(char *s)
{
	for (char *c = strchr(s, ','); c; c = strchr(c + 1, ',')) {
		if (strncmp(c + 1, "initial=", 8) == 0 || strncmp(c + 1, "final=", 6) == 0) {
			*c = '\0';
			return c + 1;
		}
	}

	return NULL;
}

static int parse_affinity(const char *arg, json_t **ret, struct ct_err *err)
{
	char copy[GEN_ARG_MAX];
	cleanup_json json_t *a = json_object();
	bool is_ok = true;

	snprintf(copy, sizeof(copy), "%s", arg);
	if (!a)
		return ct_err_set(err, ENOMEM, "parse");
	for (char *s = copy, *next; s && is_ok; s = next) {
		char *value = strchr(s, '=');

		next = next_affinity_field(s);
		if (value)
			*value++ = '\0';
		is_ok = value && (strcmp(s, "initial") == 0 || strcmp(s, "final") == 0) &&
			ct_validate_is_cpu_list(value);
		if (is_ok)
			json_object_set_new(a, s, json_string(value));
	}
	if (!is_ok)
		return EXPECT(
			"initial=LIST[,final=LIST] (or final=LIST) with CPU lists like 0-3,7");
	*ret = steal_ptr(&a);

	return 0;
}

static int parse_memory_policy(const char *arg, json_t **ret, struct ct_err *err)
{
	static const char *const modes[] = {"MPOL_DEFAULT",    "MPOL_BIND",
					    "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
					    "MPOL_PREFERRED",  "MPOL_PREFERRED_MANY",
					    "MPOL_LOCAL",      NULL};
	static const char *const flags[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
					    "MPOL_F_STATIC_NODES", NULL};
	char copy[GEN_ARG_MAX];
	cleanup_json json_t *p = NULL;
	char *part[3] = {NULL, NULL, NULL};
	char *save = NULL;
	const char *mode;
	int n = 0;

	snprintf(copy, sizeof(copy), "%s", arg);
	for (char *t = strtok_r(copy, ":", &save); t && n < 3; t = strtok_r(NULL, ":", &save))
		part[n++] = t;
	mode = part[0] ? gen_pick_name(part[0], "MPOL_", modes) : NULL;
	if (!mode || (part[1] && !ct_validate_is_cpu_list(part[1])))
		return EXPECT(
			"MODE[:NODES[:FLAG,...]] with MODE like bind or MPOL_INTERLEAVE and NODES like 0-1");
	p = json_pack("{s:s}", "mode", mode);
	if (part[1])
		json_object_set_new(p, "nodes", json_string(part[1]));
	if (part[2]) {
		json_t *arr = json_array();
		char *fsave = NULL;

		json_object_set_new(p, "flags", arr);
		for (char *t = strtok_r(part[2], ",", &fsave); t; t = strtok_r(NULL, ",", &fsave)) {
			const char *flag = gen_pick_name(t, "MPOL_F_", flags);

			if (!flag)
				return EXPECT("flags like static_nodes or MPOL_F_RELATIVE_NODES");
			json_array_append_new(arr, json_string(flag));
		}
	}
	*ret = steal_ptr(&p);

	return 0;
}

int gen_parse_struct(const struct gen_flag *flag, const char *arg, json_t **ret_value,
		     struct ct_err *err)
{
	static const char *const domains[] = {"LINUX", "LINUX32", NULL};

	switch (flag->parse) {
	case P_MOUNT:
		return parse_mount(arg, ret_value, err);
	case P_HOOK:
		return parse_hook(arg, ret_value, err);
	case P_DEVICE:
		return parse_device(arg, ret_value, err);
	case P_TIMEOFF:
		return parse_time_offset(arg, ret_value, err);
	case P_NETDEV:
		return parse_net_device(arg, ret_value, err);
	case P_SCHED:
		return parse_scheduler(arg, ret_value, err);
	case P_IOPRIO:
		return parse_io_priority(arg, ret_value, err);
	case P_AFFINITY:
		return parse_affinity(arg, ret_value, err);
	case P_MEMPOL:
		return parse_memory_policy(arg, ret_value, err);
	case P_PERSONA:
		if (!gen_pick_name(arg, "", domains))
			return EXPECT("LINUX or LINUX32");
		*ret_value = json_pack("{s:s}", "domain", gen_pick_name(arg, "", domains));
		return 0;
	case P_SECCOMP:
		if (!*arg)
			return EXPECT("default, none or a profile file");
		*ret_value = json_string(arg);
		return 0;
	default:
		return ct_err_set(err, EINVAL, "no parser for this flag");
	}
}
