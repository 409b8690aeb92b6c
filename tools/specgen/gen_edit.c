/* SPDX-License-Identifier: Apache-2.0 */
/* specgen generate: applying parsed flags to the JSON document, leaving unknown keys alone. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/caps.h"
#include "common/cleanup.h"
#include "common/err.h"

#include "tools/specgen/gen.h"

/*
 * The object or array at pointer path (no escapes: our table's paths have no
 * '~' or '/' in a token), created with its parents when missing. A part that
 * exists with another type is the template's choice, so we refuse rather than
 * overwrite it.
 */
static json_t *node_at(json_t *doc, const char *path, bool want_array, struct ct_err *err)
{
	char buf[256];
	char *save = NULL;
	json_t *cur = doc;
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return ct_err_set(err, ENAMETOOLONG, "'%s'", path), NULL;
	memcpy(buf, path, len + 1);
	for (char *tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		bool is_last = tok + strlen(tok) == buf + len;
		json_t *next = json_object_get(cur, tok);

		if (!next) {
			next = is_last && want_array ? json_array() : json_object();
			if (json_object_set_new(cur, tok, next) < 0)
				return ct_err_set(err, ENOMEM, "add '%s'", path), NULL;
		}
		if (is_last ? (want_array ? !json_is_array(next) : !json_is_object(next))
			    : !json_is_object(next)) {
			size_t plen = (size_t)(tok - buf) + strlen(tok);

			return ct_err_set(err, 0, "'%.*s' in the document is not an %s", (int)plen,
					  path, is_last && want_array ? "array" : "object"),
			       NULL;
		}
		cur = next;
	}

	return cur;
}

/* The object holding path's last member; *ret_key points into path. */
static json_t *parent_at(json_t *doc, const char *path, const char **ret_key, struct ct_err *err)
{
	const char *slash = strrchr(path, '/');
	char parent[256];

	if (!slash || (size_t)(slash - path) >= sizeof(parent))
		return ct_err_set(err, 0, "bad path '%s'", path), NULL;
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	*ret_key = slash + 1;

	return parent[0] ? node_at(doc, parent, false, err) : doc;
}

static bool string_is(const json_t *v, const char *s)
{
	return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}

static int add_string(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		if (string_is(v, s))
			return 0;
	}

	return json_array_append_new(arr, json_string(s));
}

static void del_string(json_t *arr, const char *s)
{
	for (size_t i = 0; i < json_array_size(arr);) {
		if (string_is(json_array_get(arr, i), s))
			json_array_remove(arr, i);
		else
			i++;
	}
}

/* True when elem matches value on every field named in keys ("major,minor"). */
static bool same_key(const json_t *elem, const json_t *value, const char *keys)
{
	char buf[64];
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", keys);
	for (char *k = strtok_r(buf, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		const json_t *want = json_is_object(value) ? json_object_get(value, k) : value;

		if (!json_equal(json_object_get(elem, k), want))
			return false;
	}

	return true;
}

static int put_by_key(json_t *arr, json_t *value, const char *keys, json_t **ret_elem)
{
	size_t i;
	json_t *elem;

	json_array_foreach(arr, i, elem)
	{
		if (json_is_object(elem) && same_key(elem, value, keys)) {
			if (ret_elem)
				*ret_elem = value;
			return json_array_set(arr, i, value);
		}
	}
	if (ret_elem)
		*ret_elem = value;

	return json_array_append(arr, value);
}

static void del_by_key(json_t *arr, const json_t *value, const char *keys)
{
	for (size_t i = 0; i < json_array_size(arr);) {
		json_t *elem = json_array_get(arr, i);

		if (json_is_object(elem) && same_key(elem, value, keys))
			json_array_remove(arr, i);
		else
			i++;
	}
}

/* Index of the first "KEY=..." (or bare "KEY") entry, or -1. */
static ssize_t env_find(const json_t *env, const char *entry, size_t from)
{
	size_t klen = strcspn(entry, "=");

	for (size_t i = from; i < json_array_size(env); i++) {
		const char *s = json_string_value(json_array_get(env, i));

		if (s && strncmp(s, entry, klen) == 0 && (s[klen] == '=' || s[klen] == '\0'))
			return (ssize_t)i;
	}

	return -1;
}

/* Replaces the first KEY= entry and drops later duplicates, so the last --env wins exactly once. */
static int env_set(json_t *env, const char *entry)
{
	ssize_t at = env_find(env, entry, 0);
	ssize_t dup;

	if (at < 0)
		return json_array_append_new(env, json_string(entry));
	while ((dup = env_find(env, entry, (size_t)at + 1)) >= 0)
		json_array_remove(env, (size_t)dup);

	return json_array_set_new(env, (size_t)at, json_string(entry));
}

static void env_unset(json_t *env, const char *key)
{
	ssize_t at;

	while ((at = env_find(env, key, 0)) >= 0)
		json_array_remove(env, (size_t)at);
}

static int caps_edit(json_t *doc, const json_t *value, bool is_add, struct ct_err *err)
{
	const char *cap = json_string_value(json_object_get(value, "cap"));
	bool is_all = strcmp(cap, "ALL") == 0;
	const char *const *all = ct_caps_names();
	size_t i;
	json_t *set;

	json_array_foreach(json_object_get(value, "sets"), i, set)
	{
		char path[64];
		json_t *arr;

		snprintf(path, sizeof(path), "/process/capabilities/%s", json_string_value(set));
		/* Dropping from a set the config does not have leaves it absent, not empty. */
		if (!is_add && !json_object_get(json_object_get(json_object_get(doc, "process"),
								"capabilities"),
						json_string_value(set)))
			continue;
		arr = node_at(doc, path, true, err);
		if (!arr)
			return -1;
		if (!is_add && is_all)
			json_array_clear(arr);
		else if (!is_add)
			del_string(arr, cap);
		for (size_t c = 0; is_add && (is_all ? all[c] != NULL : c == 0); c++) {
			if (add_string(arr, is_all ? all[c] : cap) < 0)
				return ct_err_set(err, ENOMEM, "add '%s'", cap);
		}
	}

	return 0;
}

/* A device node is useless while the device cgroup denies it: allow it where the config has rules.
 */
static int device_allow(json_t *doc, const json_t *dev, struct ct_err *err)
{
	json_t *rules = json_object_get(json_object_get(json_object_get(doc, "linux"), "resources"),
					"devices");
	const char *type = json_string_value(json_object_get(dev, "type"));

	if (!json_is_array(rules) || strcmp(type, "p") == 0)
		return 0;
	if (json_array_append_new(rules,
				  json_pack("{s:b, s:s, s:O, s:O, s:s}", "allow", 1, "type",
					    strcmp(type, "b") == 0 ? "b" : "c", "major",
					    json_object_get(dev, "major"), "minor",
					    json_object_get(dev, "minor"), "access", "rwm")) < 0)
		return ct_err_set(err, ENOMEM, "allow device");

	return 0;
}

/* Adds a new namespace of type unless the config already has one (new or joined). */
static int ensure_ns(json_t *doc, const char *type, struct ct_err *err)
{
	json_t *namespaces = node_at(doc, "/linux/namespaces", true, err);
	size_t i;
	json_t *ns;

	if (!namespaces)
		return -1;
	json_array_foreach(namespaces, i, ns)
	{
		if (string_is(json_object_get(ns, "type"), type))
			return 0;
	}
	if (json_array_append_new(namespaces, json_pack("{s:s}", "type", type)) < 0)
		return ct_err_set(err, ENOMEM, "add a %s namespace", type);

	return 0;
}

/*
 * Time offsets only mean something in a new time namespace, and id mappings
 * in a user namespace (config-linux.md): add the namespace the field needs.
 */
static int merge_with_ns(json_t *doc, const struct gen_edit *e, struct ct_err *err)
{
	bool is_time = e->flag->op == OP_TIME_OFFSET;
	json_t *node = node_at(doc, e->flag->path, !is_time, err);

	if (!node)
		return -1;
	if (is_time ? json_object_update(node, e->value) < 0
		    : json_array_append(node, e->value) < 0)
		return ct_err_set(err, ENOMEM, "edit '%s'", e->flag->path);

	return ensure_ns(doc, is_time ? "time" : "user", err);
}

static int hook_add(json_t *doc, const struct gen_edit *e, json_t **current_hook,
		    struct ct_err *err)
{
	char path[64];
	json_t *arr;
	json_t *hook = json_deep_copy(json_object_get(e->value, "hook"));

	snprintf(path, sizeof(path), "/hooks/%s",
		 json_string_value(json_object_get(e->value, "stage")));
	arr = node_at(doc, path, true, err);
	if (!arr || json_array_append_new(arr, hook) < 0) {
		json_decref(hook);
		return arr ? ct_err_set(err, ENOMEM, "add hook") : -1;
	}
	*current_hook = hook;

	return 0;
}

static int hook_edit(const struct gen_edit *e, json_t *hook, struct ct_err *err)
{
	const char *field = e->flag->op == OP_HOOK_ARG ? "args" : "env";
	json_t *list;
	int r;

	if (e->flag->op == OP_HOOK_TIMEOUT)
		return json_object_set(hook, "timeout", e->value) < 0
			       ? ct_err_set(err, ENOMEM, "set hook timeout")
			       : 0;
	list = json_object_get(hook, field);
	if (!list) {
		list = json_array();
		json_object_set_new(hook, field, list);
	}
	r = e->flag->op == OP_HOOK_ARG ? json_array_append(list, e->value)
				       : env_set(list, json_string_value(e->value));
	if (r < 0)
		return ct_err_set(err, ENOMEM, "set hook %s", field);

	return 0;
}

/* The node at path without creating anything; NULL when some part is missing. */
static json_t *lookup(json_t *doc, const char *path)
{
	char buf[256];
	char *save = NULL;
	json_t *cur = doc;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *tok = strtok_r(buf, "/", &save); tok && cur; tok = strtok_r(NULL, "/", &save))
		cur = json_object_get(cur, tok);

	return cur;
}

static bool is_removal(enum gen_op op)
{
	return op == OP_DEL_STRING || op == OP_DEL_BY_KEY || op == OP_ENV_UNSET ||
	       op == OP_NS_REMOVE;
}

static int apply_to_array(json_t *doc, const struct gen_edit *e, struct ct_err *err)
{
	json_t *arr;
	int r = 0;

	/* Removing from a list the config lacks leaves it lacking, not empty. */
	if (is_removal(e->flag->op) && !lookup(doc, e->flag->path))
		return 0;
	arr = node_at(doc, e->flag->path, true, err);
	if (!arr)
		return -1;
	switch (e->flag->op) {
	case OP_APPEND:
		r = json_array_append(arr, e->value);
		break;
	case OP_ADD_STRING:
		r = add_string(arr, json_string_value(e->value));
		break;
	case OP_DEL_STRING:
		del_string(arr, json_string_value(e->value));
		break;
	case OP_PUT_BY_KEY:
		r = put_by_key(arr, e->value, e->flag->key, NULL);
		break;
	case OP_DEL_BY_KEY:
	case OP_NS_REMOVE:
		del_by_key(arr, e->value, e->flag->key);
		break;
	case OP_ENV_SET:
		r = env_set(arr, json_string_value(e->value));
		break;
	case OP_ENV_UNSET:
		env_unset(arr, json_string_value(e->value));
		break;
	case OP_DEVICE:
		r = put_by_key(arr, e->value, "path", NULL);
		if (r == 0)
			return device_allow(doc, e->value, err);
		break;
	default:
		return ct_err_set(err, 0, "no array edit for this flag");
	}
	if (r < 0)
		return ct_err_set(err, ENOMEM, "edit '%s'", e->flag->path);

	return 0;
}

/*
 * Without a namespace of its own the runtime must refuse these fields (config.md
 * hostname, config-linux.md id mappings and timeOffsets), so sharing the
 * namespace takes them away: the result stays a config that runs.
 */
static int ns_remove(json_t *doc, const struct gen_edit *e, struct ct_err *err)
{
	static const struct {
		const char *type;
		const char *paths[3];
	} needs[] = {
		{"uts", {"/hostname", "/domainname", NULL}},
		{"user", {"/linux/uidMappings", "/linux/gidMappings", NULL}},
		{"time", {"/linux/timeOffsets", NULL, NULL}},
	};
	const char *type = json_string_value(json_object_get(e->value, "type"));

	if (apply_to_array(doc, e, err) < 0)
		return -1;

	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		if (!type || strcmp(type, needs[i].type) != 0)
			continue;
		for (size_t j = 0; needs[i].paths[j]; j++) {
			const char *path = needs[i].paths[j];
			const char *key = strrchr(path, '/') + 1;
			json_t *parent = key - 1 == path ? doc : NULL;

			if (!parent) {
				char dir[64];

				snprintf(dir, sizeof(dir), "%.*s", (int)(key - 1 - path), path);
				parent = lookup(doc, dir);
			}
			if (json_is_object(parent))
				json_object_del(parent, key);
		}
	}

	return 0;
}

int gen_apply(json_t *doc, const struct gen_edit *e, json_t **current_hook, struct ct_err *err)
{
	const char *key;
	json_t *obj;

	switch (e->flag->op) {
	case OP_MODE:
		return 0;
	case OP_SET:
		obj = parent_at(doc, e->flag->path, &key, err);
		if (!obj)
			return -1;
		if (json_object_set(obj, key, e->value) < 0)
			return ct_err_set(err, ENOMEM, "set '%s'", e->flag->path);
		return 0;
	case OP_MERGE:
		obj = node_at(doc, e->flag->path, false, err);
		if (!obj)
			return -1;
		if (json_object_update(obj, e->value) < 0)
			return ct_err_set(err, ENOMEM, "set '%s'", e->flag->path);
		return 0;
	case OP_CAP_ADD:
	case OP_CAP_DROP:
		return caps_edit(doc, e->value, e->flag->op == OP_CAP_ADD, err);
	case OP_HOOK:
		return hook_add(doc, e, current_hook, err);
	case OP_HOOK_ENV:
	case OP_HOOK_TIMEOUT:
	case OP_HOOK_ARG:
		/* parse_args refuses these before the first --hook. */
		return hook_edit(e, *current_hook, err);
	case OP_TIME_OFFSET:
	case OP_IDMAP:
		return merge_with_ns(doc, e, err);
	case OP_NS_REMOVE:
		return ns_remove(doc, e, err);
	default:
		return apply_to_array(doc, e, err);
	}
}

const char **gen_bounding_caps(const json_t *doc, size_t *ret_n)
{
	const json_t *arr = json_object_get(
		json_object_get(json_object_get(doc, "process"), "capabilities"), "bounding");
	const char **names = calloc(json_array_size(arr) + 1, sizeof(*names));
	size_t n = 0;
	size_t i;
	json_t *v;

	if (!names)
		return NULL;
	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v))
			names[n++] = json_string_value(v);
	}
	*ret_n = n;

	return names;
}
