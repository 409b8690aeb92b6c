/* SPDX-License-Identifier: Apache-2.0 */
/* The pure parts of joining: option letters, setns order, cgroup mounts, user and env parsing. */
#include "common/join.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/ns.h"
#include "common/spec.h"

/* util-linux nsenter's letters, so scripts written for it read the same here. */
static const struct {
	int letter;
	enum ct_ns_type type;
} ns_letters[] = {
	{'m', CT_NS_MOUNT}, {'u', CT_NS_UTS},  {'i', CT_NS_IPC},    {'n', CT_NS_NETWORK},
	{'p', CT_NS_PID},   {'U', CT_NS_USER}, {'C', CT_NS_CGROUP}, {'T', CT_NS_TIME},
};

int ct_join_ns_from_letter(int letter)
{
	for (size_t i = 0; i < sizeof(ns_letters) / sizeof(ns_letters[0]); i++)
		if (ns_letters[i].letter == letter)
			return (int)ns_letters[i].type;
	return -1;
}

size_t ct_join_plan(unsigned want, unsigned with_file, bool has_pidfd, struct ct_join_step *steps)
{
	size_t n = 0;
	int pidfd_flags = 0;

	/*
	 * One setns on the pidfd moves us into all of them at once; the kernel
	 * installs the user namespace first, so its capabilities count for the
	 * others whichever way privilege goes.
	 */
	for (int i = 0; has_pidfd && i < CT_NS_COUNT; i++) {
		unsigned bit = 1u << ct_ns_table[i].type;

		if ((want & bit) && !(with_file & bit))
			pidfd_flags |= ct_ns_table[i].clone_flag;
	}
	if (pidfd_flags)
		steps[n++] = (struct ct_join_step){.type = -1, .flags = pidfd_flags};

	for (int i = 0; i < CT_NS_COUNT; i++) {
		unsigned bit = 1u << ct_ns_table[i].type;

		if (!(want & bit) || (has_pidfd && !(with_file & bit)))
			continue;
		steps[n++] = (struct ct_join_step){.type = (int)ct_ns_table[i].type,
						   .flags = ct_ns_table[i].clone_flag};
	}

	return n;
}

/* True when every comma-separated item of list is among the mount's super options. */
static bool options_hold(const char *super_opts, const char *list)
{
	char item[128];
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		const char *o = super_opts;
		bool found = false;

		if (len == 0 || len >= sizeof(item))
			return false;
		memcpy(item, p, len);
		item[len] = '\0';
		while (*o && !found) {
			size_t olen = strcspn(o, ",");

			found = olen == len && strncmp(o, item, len) == 0;
			o += olen + (o[olen] == ',');
		}
		if (!found)
			return false;
		p += len + (p[len] == ',');
	}

	return true;
}

/*
 * One mountinfo line: "36 25 0:31 /ROOT /MOUNTPOINT opts - FSTYPE SOURCE SUPER".
 * Returns true when it is the hierarchy's mount and fills root and mountpoint.
 */
static bool match_mount(const char *line, const char *controllers, char root[1024], char mnt[1024])
{
	char fstype[32], super[512];
	const char *sep = strstr(line, " - ");
	const char *eol = strchr(line, '\n');

	/* Each line is looked at alone: " - " of the next line is not this one's. */
	if (sep && eol && sep > eol)
		return false;
	if (!sep || sscanf(line, "%*s %*s %*s %1023s %1023s", root, mnt) != 2)
		return false;
	if (sscanf(sep, " - %31s %*s %511s", fstype, super) != 2)
		return false;
	if (!*controllers)
		return strcmp(fstype, "cgroup2") == 0;

	return strcmp(fstype, "cgroup") == 0 && options_hold(super, controllers);
}

int ct_join_cgroup_dir(const char *line, const char *mountinfo, char *buf, size_t size,
		       struct ct_err *err)
{
	char controllers[256], root[1024], mnt[1024];
	const char *c1 = strchr(line, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	const char *path;
	size_t len;

	if (!c2 || (size_t)(c2 - c1 - 1) >= sizeof(controllers) || c2[1] != '/')
		return ct_err_set(err, 0, "malformed cgroup line '%s'", line);
	memcpy(controllers, c1 + 1, (size_t)(c2 - c1 - 1));
	controllers[c2 - c1 - 1] = '\0';
	path = c2 + 1;

	for (const char *l = mountinfo; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (!match_mount(l, controllers, root, mnt))
			continue;
		/* A mount of a sub-tree (as inside a cgroup namespace) shows paths below its root.
		 */
		len = strlen(root);
		if (strcmp(root, "/") == 0)
			len = 0;
		else if (strncmp(path, root, len) != 0 || (path[len] != '/' && path[len] != '\0'))
			continue;
		if ((size_t)snprintf(buf, size, "%s%s", mnt, path + len) >= size)
			return ct_err_set(err, ENAMETOOLONG, "cgroup path '%s%s'", mnt, path + len);
		return 0;
	}

	return ct_err_set(err, ENOENT, "find the mount of cgroup hierarchy '%s'",
			  *controllers ? controllers : "cgroup2");
}

static int parse_id(const char *text, size_t len, unsigned *ret)
{
	unsigned long v = 0;

	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(text[i] - '0');
	}
	/* (uid_t)-1 means "unchanged" to setuid, so it is no id. */
	if (v >= 0xffffffffUL)
		return -1;
	*ret = (unsigned)v;

	return 0;
}

/*
 * LIMITATION: numeric ids only, no names from the container's /etc/passwd;
 * a name fails with "user 'NAME' is not UID[:GID]".
 */
int ct_join_parse_user(const char *text, uid_t *ret_uid, bool *ret_has_gid, gid_t *ret_gid,
		       struct ct_err *err)
{
	const char *colon = strchr(text, ':');
	unsigned uid, gid = 0;

	if (parse_id(text, colon ? (size_t)(colon - text) : strlen(text), &uid) < 0 ||
	    (colon && parse_id(colon + 1, strlen(colon + 1), &gid) < 0))
		return ct_err_set(err, 0, "user '%s' is not UID[:GID]", text);
	*ret_uid = uid;
	*ret_has_gid = colon != NULL;
	*ret_gid = gid;

	return 0;
}

int ct_join_env_set(struct ct_strv *env, const char *kv, struct ct_err *err)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : 0;
	char *copy;

	if (klen == 0)
		return ct_err_set(err, 0, "environment entry '%s' is not KEY=VALUE", kv);
	for (size_t i = 0; i < env->n; i++) {
		if (strncmp(env->v[i], kv, klen + 1) != 0)
			continue;
		copy = strdup(kv);
		if (!copy)
			return ct_err_set(err, ENOMEM, "set environment '%s'", kv);
		free(env->v[i]);
		env->v[i] = copy;
		return 0;
	}
	if (ct_strv_push(env, kv) < 0)
		return ct_err_set(err, ENOMEM, "set environment '%s'", kv);

	return 0;
}

struct ct_spec *ct_join_load_process(const char *path, struct ct_err *err)
{
	struct ct_diags diags = {0};
	cleanup_json json_t *proc = ct_json_load_file(path, &diags, err);
	cleanup_json json_t *doc = NULL;
	struct ct_spec *spec = NULL;

	if (!proc && diags.errors == 0)
		return NULL;
	if (proc && !json_is_object(proc))
		ct_diags_add(&diags, CT_DIAG_ERROR, "", "a JSON object", NULL, NULL,
			     "process is not an object");
	/* Wrapped in a config so the one model reads it; pointers say /process/... then. */
	if (diags.errors == 0) {
		doc = json_pack("{s:s, s:O}", "ociVersion", CT_OCI_VERSION, "process", proc);
		if (!doc) {
			ct_diags_free(&diags);
			return ct_err_set(err, ENOMEM, "read process '%s'", path), NULL;
		}
		spec = ct_spec_from_json(doc, &diags);
	}
	if (spec && (!spec->process || spec->process->args.n == 0))
		ct_diags_add(&diags, CT_DIAG_ERROR, "/process/args", "a program", NULL, NULL,
			     "process has no args");
	if (diags.errors) {
		cleanup_free char *line = NULL;

		for (size_t i = 0; i < diags.count && !line; i++)
			if (diags.items[i].level == CT_DIAG_ERROR)
				line = ct_diag_format(&diags.items[i], path);
		ct_err_set(err, 0, "process %s", line ? line : path);
		ct_diags_free(&diags);
		ct_spec_free(spec);
		return NULL;
	}
	ct_diags_free(&diags);

	return spec;
}
