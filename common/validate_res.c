/* SPDX-License-Identifier: Apache-2.0 */
/* Meaning checks of linux.resources and of each mount's options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/mount.h"
#include "common/validate_impl.h"

/*
 * Words runc or crun take besides the runtime's own table (common/mount.c):
 * crun's extensions and the flag-style data of the filesystems containers mount.
 */
static const char *const extra_options[] = {
	"tmpcopyup",	"copy-symlink", "src-nofollow", "dest-nofollow", "newinstance",
	"acl",		"noacl",	"iversion",	"noiversion",	 "user_xattr",
	"nouser_xattr", "inode32",	"inode64",	"userxattr",	 NULL,
};

/* The suggestions' list: the runtime's table followed by the extras. */
static const char *const *known_options(void)
{
	static const char *names[128];

	if (!names[0]) {
		size_t n = 0;
		const char *name;

		for (size_t i = 0; (name = ct_mount_option_name(i)) && n < 100; i++)
			names[n++] = name;
		for (size_t i = 0; extra_options[i]; i++)
			names[n++] = extra_options[i];
		names[n] = NULL;
	}

	return names;
}

static bool is_known_option(const char *opt)
{
	if (ct_mount_option_known(opt))
		return true;
	for (size_t i = 0; extra_options[i]; i++) {
		if (strcmp(extra_options[i], opt) == 0)
			return true;
	}

	return false;
}

static bool has_option(const json_t *options, const char *name)
{
	size_t i;
	json_t *o;

	json_array_foreach(options, i, o)
	{
		if (json_is_string(o) && strcmp(json_string_value(o), name) == 0)
			return true;
	}

	return false;
}

static void check_option(const json_t *opt, const char *base, size_t i, bool is_bind,
			 struct ct_diags *d)
{
	const char *s = json_string_value(opt);
	const char *near;
	cleanup_free char *hint = NULL;

	if (!s || !*s || strchr(s, '=') || is_known_option(s))
		return;
	near = vd_nearest(s, known_options());
	if (near && asprintf(&hint, "did you mean '%s'?", near) < 0)
		hint = NULL;
	/* A bind mount takes no filesystem data, so an unknown word there is always a slip. */
	if (is_bind)
		vd_add_index(d, CT_DIAG_ERROR, base, i, "a mount option like ro, nosuid, rbind",
			     opt, hint ? hint : "remove it", "unknown mount option '%s'", s);
	else
		vd_add_index(d, CT_DIAG_WARN, base, i, NULL, opt, hint,
			     "unknown mount option '%s' goes to the filesystem as data", s);
}

void vd_check_mount_options(const json_t *m, const char *ptr, struct ct_diags *d)
{
	const json_t *options = vd_arr(m, "options");
	const char *type = vd_str(m, "type");
	cleanup_free char *base = ct_pointer_join(ptr, "options");
	bool is_bind = has_option(options, "bind") || has_option(options, "rbind") ||
		       (type && strcmp(type, "bind") == 0);
	bool wants_idmap = has_option(options, "idmap") || has_option(options, "ridmap");
	bool has_uid = json_object_get(m, "uidMappings") != NULL;
	bool has_gid = json_object_get(m, "gidMappings") != NULL;

	for (size_t i = 0; base && i < json_array_size(options); i++)
		check_option(json_array_get(options, i), base, i, is_bind, d);
	if (is_bind && !json_object_get(m, "source"))
		vd_add(d, CT_DIAG_ERROR, ptr, NULL, NULL, NULL,
		       "add \"source\": the host path to bind", "bind mount has no source");
	if (wants_idmap && !is_bind)
		vd_add(d, CT_DIAG_ERROR, ptr, "options", "a bind mount", NULL,
		       "add \"rbind\" or \"bind\" to the options",
		       "idmapped mount is not a bind mount");
	if (wants_idmap && (!has_uid || !has_gid))
		vd_add(d, CT_DIAG_ERROR, ptr, NULL, "uidMappings and gidMappings", NULL,
		       "add both mappings to this mount",
		       "idmapped mount needs uid and gid mappings");
	else if (has_uid != has_gid)
		vd_add(d, CT_DIAG_ERROR, ptr, has_uid ? "uidMappings" : "gidMappings",
		       "uidMappings and gidMappings", NULL, "give both mappings or neither",
		       "mount id mappings come in pairs");
}

/* Memory values are bytes or -1 for unlimited; anything below -1 means nothing. */
static bool get_limit(const json_t *mem, const char *key, const char *ptr, int64_t *ret,
		      struct ct_diags *d)
{
	if (!vd_int(mem, key, ret))
		return false;
	if (*ret < -1) {
		vd_add(d, CT_DIAG_ERROR, ptr, key, "bytes, or -1 for unlimited",
		       json_object_get(mem, key), NULL, "negative memory %s", key);
		return false;
	}

	return *ret != -1;
}

static void check_memory(const json_t *res, const char *rptr, struct ct_diags *d)
{
	const json_t *mem = vd_obj(res, "memory");
	cleanup_free char *ptr = ct_pointer_join(rptr, "memory");
	int64_t limit = -1;
	int64_t swap = -1;
	int64_t resv = -1;
	int64_t swappiness;
	bool has_limit;
	bool has_swap;
	bool has_resv;

	if (!mem || !ptr)
		return;
	has_limit = get_limit(mem, "limit", ptr, &limit, d);
	has_swap = get_limit(mem, "swap", ptr, &swap, d);
	has_resv = get_limit(mem, "reservation", ptr, &resv, d);
	/* swap is memory plus swap, so it cannot be below the memory limit. */
	if (has_limit && has_swap && swap < limit)
		vd_add(d, CT_DIAG_ERROR, ptr, "swap", "swap >= limit (swap counts memory too)",
		       json_object_get(mem, "swap"), "set swap to at least the limit, or -1",
		       "memory swap below the memory limit");
	if (has_limit && has_resv && resv > limit)
		vd_add(d, CT_DIAG_WARN, ptr, "reservation", "reservation <= limit",
		       json_object_get(mem, "reservation"), "lower the reservation",
		       "memory reservation above the limit has no effect");
	if (vd_int(mem, "swappiness", &swappiness) && swappiness > 100)
		vd_add(d, CT_DIAG_ERROR, ptr, "swappiness", "0 to 100",
		       json_object_get(mem, "swappiness"), NULL, "swappiness out of range");
}

static void check_cpu(const json_t *res, const char *rptr, struct ct_diags *d)
{
	static const char *const lists[] = {"cpus", "mems", NULL};
	const json_t *cpu = vd_obj(res, "cpu");
	cleanup_free char *ptr = ct_pointer_join(rptr, "cpu");
	int64_t quota;
	int64_t burst;
	int64_t idle;

	if (!cpu || !ptr)
		return;
	for (size_t i = 0; lists[i]; i++) {
		const json_t *v = json_object_get(cpu, lists[i]);
		const char *s = json_string_value(v);

		if (s && *s && !vd_is_cpu_list(s))
			vd_add(d, CT_DIAG_ERROR, ptr, lists[i], "a list like 0-3,7", v,
			       "ranges go low-high, separated by commas", "invalid %s list",
			       lists[i]);
	}
	/* config-linux.md: a positive quota MUST be no smaller than burst. */
	if (vd_int(cpu, "quota", &quota) && vd_int(cpu, "burst", &burst) && quota > 0 &&
	    burst > quota)
		vd_add(d, CT_DIAG_ERROR, ptr, "burst", "burst <= quota",
		       json_object_get(cpu, "burst"), "lower burst or raise quota",
		       "cpu burst above the quota");
	if (vd_int(cpu, "idle", &idle) && idle != 0 && idle != 1)
		vd_add(d, CT_DIAG_ERROR, ptr, "idle", "0 or 1", json_object_get(cpu, "idle"), NULL,
		       "cpu idle out of range");
}

static void check_device_rules(const json_t *res, const char *rptr, struct ct_diags *d)
{
	const json_t *list = vd_arr(res, "devices");
	cleanup_free char *base = ct_pointer_join(rptr, "devices");
	size_t i;
	json_t *rule;

	json_array_foreach(list, i, rule)
	{
		cleanup_free char *ptr = base ? ct_pointer_index(base, i) : NULL;
		const json_t *type = json_object_get(rule, "type");
		const json_t *access = json_object_get(rule, "access");
		const char *t = json_string_value(type);
		const char *a = json_string_value(access);

		if (!ptr)
			continue;
		if (t && (strlen(t) != 1 || !strchr("acb", t[0])))
			vd_add(d, CT_DIAG_ERROR, ptr, "type", "one of a, c, b", type,
			       "a: all, c: character, b: block", "unknown device rule type");
		if (a && strspn(a, "rwm") != strlen(a))
			vd_add(d, CT_DIAG_ERROR, ptr, "access", "letters from r, w, m", access,
			       "r: read, w: write, m: mknod, e.g. \"rwm\"",
			       "invalid device access");
	}
}

static void check_weight_devices(const json_t *res, const char *rptr, struct ct_diags *d)
{
	const json_t *blkio = vd_obj(res, "blockIO");
	const json_t *list = vd_arr(blkio, "weightDevice");
	cleanup_free char *base = NULL;
	size_t i;
	json_t *dev;

	/* Two tokens at once: ct_pointer_join would escape the '/'. */
	if (!list || asprintf(&base, "%s/blockIO/weightDevice", rptr) < 0)
		return;
	json_array_foreach(list, i, dev)
	{
		if (!json_object_get(dev, "weight") && !json_object_get(dev, "leafWeight"))
			vd_add_index(d, CT_DIAG_ERROR, base, i, "weight or leafWeight", NULL,
				     "add \"weight\"", "device weight entry sets no weight");
	}
}

static void check_rdma(const json_t *res, const char *rptr, struct ct_diags *d)
{
	const json_t *rdma = vd_obj(res, "rdma");
	cleanup_free char *base = ct_pointer_join(rptr, "rdma");
	const char *name;
	json_t *entry;

	json_object_foreach((json_t *)rdma, name, entry)
	{
		if (base && json_is_object(entry) && !json_object_get(entry, "hcaHandles") &&
		    !json_object_get(entry, "hcaObjects"))
			vd_add(d, CT_DIAG_ERROR, base, name, "hcaHandles or hcaObjects", NULL,
			       "add \"hcaHandles\" or \"hcaObjects\"", "rdma entry sets no limit");
	}
}

static void check_unified(const json_t *res, const char *rptr, struct ct_diags *d)
{
	const json_t *unified = vd_obj(res, "unified");
	cleanup_free char *base = ct_pointer_join(rptr, "unified");
	const char *key;
	json_t *value;

	/* Each key is a file in the container's cgroup directory, never a path elsewhere. */
	json_object_foreach((json_t *)unified, key, value)
	{
		if (base && (!*key || strchr(key, '/') || key[0] == '.'))
			vd_add(d, CT_DIAG_ERROR, base, key, "a cgroup file name like memory.max",
			       NULL, "name one file of the cgroup directory",
			       "invalid unified key '%s'", key);
	}
}

static void check_pids(const json_t *res, const char *rptr, struct ct_diags *d)
{
	const json_t *pids = vd_obj(res, "pids");
	int64_t limit;

	if (vd_int(pids, "limit", &limit) && limit < -1) {
		cleanup_free char *ptr = ct_pointer_join(rptr, "pids");

		vd_add(d, CT_DIAG_ERROR, ptr ? ptr : rptr, "limit", "a count, or -1 for unlimited",
		       json_object_get(pids, "limit"), NULL, "negative pids limit");
	}
}

void vd_check_resources(const json_t *res, const char *ptr, struct ct_diags *d)
{
	check_memory(res, ptr, d);
	check_cpu(res, ptr, d);
	check_device_rules(res, ptr, d);
	check_weight_devices(res, ptr, d);
	check_rdma(res, ptr, d);
	check_unified(res, ptr, d);
	check_pids(res, ptr, d);
}
