/* SPDX-License-Identifier: Apache-2.0 */
/* The MUSTs of config.md a config alone can show: version, root, process, hooks, mounts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/caps.h"
#include "common/cleanup.h"
#include "common/diag.h"
#include "common/procattr.h"
#include "common/spec.h"
#include "common/validate_impl.h"

static const char *const hook_kinds[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
	NULL};
static const char *const cap_sets[] = {"bounding",  "effective", "inheritable",
				       "permitted", "ambient",	 NULL};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++) {
		if (strcmp(*list, s) == 0)
			return true;
	}

	return false;
}

static bool has_key(const json_t *obj, const char *key)
{
	return json_object_get(obj, key) != NULL;
}

/* Windows and the other non-POSIX forms spell paths and commands their own way. */
static bool is_windows(const json_t *doc)
{
	return has_key(doc, "windows");
}

static void check_version(const json_t *doc, struct ct_diags *d)
{
	const json_t *value = json_object_get(doc, "ociVersion");
	const char *s = json_string_value(value);
	struct vd_semver v;
	struct vd_semver min;
	struct vd_semver max;
	char expected[64];

	if (!s)
		return;
	if (!vd_semver_parse(s, &v)) {
		vd_add(d, CT_DIAG_ERROR, "", "ociVersion",
		       "a semantic version like " CT_OCI_VERSION, value,
		       "write \"" CT_OCI_VERSION "\"", "invalid ociVersion");
		return;
	}
	vd_semver_parse(CT_OCI_VERSION_MIN, &min);
	vd_semver_parse(CT_OCI_VERSION, &max);
	snprintf(expected, sizeof(expected), "a version from %s to %llu.%llu.x", CT_OCI_VERSION_MIN,
		 (unsigned long long)max.major, (unsigned long long)max.minor);
	/* Any patch release of the newest minor version we implement is the same schema. */
	max.patch = UINT64_MAX;
	if (vd_semver_cmp(&v, &max) > 0) {
		vd_add(d, CT_DIAG_ERROR, "", "ociVersion", expected, value,
		       "write \"" CT_OCI_VERSION "\" if the config uses nothing newer",
		       "unsupported ociVersion '%s'", s);
	} else if (vd_semver_cmp(&v, &min) < 0 && v.is_prerelease) {
		/* The spec's own examples carry development versions such as 0.5.0-dev. */
		vd_add(d, CT_DIAG_WARN, "", "ociVersion", expected, value,
		       "write \"" CT_OCI_VERSION "\"",
		       "development ociVersion '%s' predates %s; checked as %s", s,
		       CT_OCI_VERSION_MIN, CT_OCI_VERSION);
	} else if (vd_semver_cmp(&v, &min) < 0) {
		vd_add(d, CT_DIAG_ERROR, "", "ociVersion", expected, value,
		       "write \"" CT_OCI_VERSION "\" and check the config against the current spec",
		       "unsupported ociVersion '%s'", s);
	}
}

static void check_root(const json_t *doc, struct ct_diags *d)
{
	const json_t *root = json_object_get(doc, "root");
	const char *path = vd_str(root, "path");

	/* config.md: root is optional only on Windows. */
	if (!root && !is_windows(doc)) {
		vd_add(d, CT_DIAG_ERROR, "", NULL, NULL, NULL,
		       "add \"root\": {\"path\": \"rootfs\"}", "missing required key 'root'");
		return;
	}
	if (path && !*path)
		vd_add(d, CT_DIAG_ERROR, "/root", "path", "a directory path", NULL,
		       "name the root filesystem directory, e.g. \"rootfs\"", "empty root path");
}

static void check_hooks(const json_t *doc, struct ct_diags *d)
{
	const json_t *hooks = vd_obj(doc, "hooks");

	for (size_t k = 0; hooks && hook_kinds[k]; k++) {
		const json_t *list = vd_arr(hooks, hook_kinds[k]);
		cleanup_free char *base = ct_pointer_join("/hooks", hook_kinds[k]);
		size_t i;
		json_t *hook;

		json_array_foreach(list, i, hook)
		{
			cleanup_free char *ptr = ct_pointer_index(base ? base : "", i);
			const json_t *path = json_object_get(hook, "path");

			if (json_is_string(path) && !vd_is_abs(json_string_value(path)))
				vd_add(d, CT_DIAG_ERROR, ptr ? ptr : "", "path", "an absolute path",
				       path,
				       "hooks run on the host: give the full path, e.g. /usr/bin/hook",
				       "hook path is not absolute");
		}
	}
}

static void check_rlimits(const json_t *process, bool is_linux, struct ct_diags *d)
{
	const json_t *list = vd_arr(process, "rlimits");
	cleanup_json json_t *seen = json_object();
	size_t i;
	json_t *rl;

	json_array_foreach(list, i, rl)
	{
		cleanup_free char *ptr = ct_pointer_index("/process/rlimits", i);
		const char *type = vd_str(rl, "type");
		long long j;
		int64_t soft;
		int64_t hard;

		if (!ptr)
			continue;
		/* A name of the wrong form was already reported by the schema's pattern. */
		if (type && is_linux && strncmp(type, "RLIMIT_", 7) == 0 &&
		    !in_list(ct_rlimit_names, type)) {
			const char *near = vd_nearest(type, ct_rlimit_names);
			char hint[64];

			snprintf(hint, sizeof(hint), "did you mean '%s'?", near ? near : "");
			vd_add(d, CT_DIAG_ERROR, ptr, "type",
			       "a Linux resource, e.g. RLIMIT_NOFILE", json_object_get(rl, "type"),
			       near ? hint : NULL, "unknown rlimit '%s'", type);
		}
		j = type ? vd_seen_before(seen, type, i) : -1;
		if (j >= 0) {
			cleanup_free char *first = ct_pointer_index("/process/rlimits", (size_t)j);

			vd_add(d, CT_DIAG_ERROR, ptr, NULL, NULL, NULL, "keep one entry per type",
			       "duplicate rlimit '%s' (first at %s)", type, first ? first : "?");
		}
		if (vd_int(rl, "soft", &soft) && vd_int(rl, "hard", &hard) &&
		    (uint64_t)soft > (uint64_t)hard)
			vd_add(d, CT_DIAG_ERROR, ptr, "soft", "soft <= hard",
			       json_object_get(rl, "soft"), "raise hard or lower soft",
			       "rlimit soft limit above the hard limit");
	}
}

static void check_cap_name(const json_t *value, const char *ptr, struct ct_diags *d)
{
	const char *name = json_string_value(value);
	const char *near;
	cleanup_free char *hint = NULL;

	if (!name || ct_caps_is_known(name))
		return;
	near = vd_nearest(name, ct_caps_names());
	if (near && asprintf(&hint, "did you mean '%s'?", near) < 0)
		hint = NULL;
	if (strncmp(name, "CAP_", 4) != 0 ||
	    strspn(name + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(name + 4))
		vd_add(d, CT_DIAG_ERROR, ptr, NULL, "a name like CAP_SYS_ADMIN", value,
		       hint ? hint : "write CAP_ and the upper-case name",
		       "malformed capability name '%s'", name);
	else
		/* config.md: a capability the runtime cannot map is logged and skipped, not fatal.
		 */
		vd_add(d, CT_DIAG_WARN, ptr, NULL, "a capability this system knows", value, hint,
		       "unknown capability '%s' will be skipped", name);
}

static void check_caps(const json_t *process, struct ct_diags *d)
{
	const json_t *caps = vd_obj(process, "capabilities");

	for (size_t k = 0; caps && cap_sets[k]; k++) {
		const json_t *list = vd_arr(caps, cap_sets[k]);
		cleanup_free char *base = ct_pointer_join("/process/capabilities", cap_sets[k]);
		size_t i;
		json_t *name;

		json_array_foreach(list, i, name)
		{
			cleanup_free char *ptr = ct_pointer_index(base ? base : "", i);

			check_cap_name(name, ptr ? ptr : "", d);
		}
	}
}

static void check_env(const json_t *process, struct ct_diags *d)
{
	const json_t *env = vd_arr(process, "env");
	size_t i;
	json_t *entry;

	json_array_foreach(env, i, entry)
	{
		const char *s = json_string_value(entry);

		if (s && (!strchr(s, '=') || s[0] == '='))
			vd_add_index(d, CT_DIAG_WARN, "/process/env", i, "NAME=value", entry,
				     "write the variable as NAME=value",
				     "malformed environment entry");
	}
}

static void check_int_range(const json_t *obj, const char *ptr, const char *key, int64_t lo,
			    int64_t hi, const char *hint, struct ct_diags *d)
{
	int64_t v;
	char expected[64];

	if (!vd_int(obj, key, &v) || (v >= lo && v <= hi))
		return;
	snprintf(expected, sizeof(expected), "%lld to %lld", (long long)lo, (long long)hi);
	vd_add(d, CT_DIAG_ERROR, ptr, key, expected, json_object_get(obj, key), hint,
	       "%s out of range", key);
}

/*
 * 4294967295 is (uid_t)-1, which setresuid(2) and setresgid(2) read as "leave
 * unchanged": the process would keep the runtime's root instead of the id asked for.
 */
static void check_user(const json_t *process, struct ct_diags *d)
{
	static const char hint[] = "(uid_t)-1 means 'unchanged' to the kernel: pick another id";
	const json_t *user = vd_obj(process, "user");
	const json_t *gids = vd_arr(user, "additionalGids");
	const json_t *v;
	size_t i;

	check_int_range(user, "/process/user", "uid", 0, 4294967294LL, hint, d);
	check_int_range(user, "/process/user", "gid", 0, 4294967294LL, hint, d);
	json_array_foreach(gids, i, v)
	{
		if (json_is_integer(v) && json_integer_value(v) == 4294967295LL)
			vd_add_index(d, CT_DIAG_ERROR, "/process/user/additionalGids", i,
				     "0 to 4294967294", v, hint,
				     "additionalGids entry out of range");
	}
}

static void check_scheduler(const json_t *process, struct ct_diags *d)
{
	const json_t *s = vd_obj(process, "scheduler");
	const char *policy = vd_str(s, "policy");
	int64_t runtime = 0;
	int64_t deadline = 0;
	int64_t period = 0;

	if (!s)
		return;
	check_int_range(s, "/process/scheduler", "nice", -20, 19, NULL, d);
	if (policy && (strcmp(policy, "SCHED_FIFO") == 0 || strcmp(policy, "SCHED_RR") == 0))
		check_int_range(s, "/process/scheduler", "priority", 1, 99,
				"real-time policies take a priority from 1 to 99", d);
	if (!policy || strcmp(policy, "SCHED_DEADLINE") != 0)
		return;
	/* sched_setattr(2) refuses a deadline task unless runtime <= deadline <= period. */
	vd_int(s, "runtime", &runtime);
	vd_int(s, "deadline", &deadline);
	vd_int(s, "period", &period);
	if (runtime > deadline || (period && deadline > period))
		vd_add(d, CT_DIAG_ERROR, "/process/scheduler", NULL,
		       "runtime <= deadline <= period", NULL, "order the three times",
		       "inconsistent SCHED_DEADLINE parameters");
}

static void check_affinity(const json_t *process, struct ct_diags *d)
{
	const json_t *aff = vd_obj(process, "execCPUAffinity");
	static const char *const keys[] = {"initial", "final"};

	for (size_t k = 0; aff && k < 2; k++) {
		const json_t *v = json_object_get(aff, keys[k]);
		const char *s = json_string_value(v);

		if (s && *s && strspn(s, "0123456789, -") == strlen(s) && !vd_is_cpu_list(s))
			vd_add(d, CT_DIAG_ERROR, "/process/execCPUAffinity", keys[k],
			       "a cpu list like 0-3,7", v,
			       "ranges go low-high, separated by commas", "invalid cpu list");
	}
}

static void check_process(const json_t *doc, bool is_linux, struct ct_diags *d)
{
	const json_t *process = vd_obj(doc, "process");
	const json_t *cwd = json_object_get(process, "cwd");
	const json_t *args = json_object_get(process, "args");

	if (!process)
		return;
	if (json_is_string(cwd) && !is_windows(doc) && !vd_is_abs(json_string_value(cwd)))
		vd_add(d, CT_DIAG_ERROR, "/process", "cwd", "an absolute path", cwd,
		       "give the full path inside the container, e.g. /", "cwd is not absolute");
	if (!is_windows(doc) && (!args || (json_is_array(args) && json_array_size(args) == 0)))
		vd_add(d, CT_DIAG_ERROR, "/process", args ? "args" : NULL, "at least one argument",
		       NULL, "add \"args\": [\"sh\"] or the program to run", "process has no args");
	/* args[0] is execvp's file: an empty one can only fail with ENOENT. */
	if (json_is_array(args) && json_is_string(json_array_get(args, 0)) &&
	    !*json_string_value(json_array_get(args, 0)))
		vd_add_index(d, CT_DIAG_ERROR, "/process/args", 0, "a program name or path",
			     json_array_get(args, 0), "name the program to run, e.g. \"sh\"",
			     "empty program name");
	check_rlimits(process, is_linux, d);
	check_caps(process, d);
	check_env(process, d);
	check_user(process, d);
	check_int_range(process, "/process", "oomScoreAdj", -1000, 1000, NULL, d);
	check_int_range(vd_obj(process, "ioPriority"), "/process/ioPriority", "priority", 0, 7,
			"ioprio_set(2) takes 0 (highest) to 7 (lowest)", d);
	check_scheduler(process, d);
	check_affinity(process, d);
}

/* A config with no other platform's section is read as a Linux one: this toolkit's platform. */
static bool is_linux_config(const json_t *doc)
{
	static const char *const others[] = {"solaris", "windows", "vm", "zos", "freebsd", NULL};

	if (has_key(doc, "linux"))
		return true;
	for (size_t i = 0; others[i]; i++) {
		if (has_key(doc, others[i]))
			return false;
	}

	return true;
}

static void check_mounts(const json_t *doc, struct ct_diags *d)
{
	const json_t *mounts = vd_arr(doc, "mounts");
	size_t i;
	json_t *m;

	json_array_foreach(mounts, i, m)
	{
		cleanup_free char *ptr = ct_pointer_index("/mounts", i);
		const json_t *dest = json_object_get(m, "destination");

		if (!ptr || !json_is_object(m))
			continue;
		if (json_is_string(dest) && !vd_is_abs(json_string_value(dest)))
			vd_add(d, CT_DIAG_ERROR, ptr, "destination", "an absolute path", dest,
			       "give the full path inside the container, e.g. /data",
			       "mount destination is not absolute");
		vd_check_mount_options(m, ptr, d);
	}
}

/* sethostname(2) and setdomainname(2) refuse more than the kernel's 64 bytes. */
static void check_uts_names(const json_t *doc, struct ct_diags *d)
{
	static const char *const keys[] = {"hostname", "domainname"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const json_t *v = json_object_get(doc, keys[i]);

		if (json_is_string(v) && json_string_length(v) > 64)
			vd_add(d, CT_DIAG_ERROR, "", keys[i], "at most 64 bytes", v,
			       "shorten it: the kernel keeps 64 bytes", "%s too long", keys[i]);
	}
}

void vd_check_config(const json_t *doc, struct ct_diags *d)
{
	bool is_linux = is_linux_config(doc);

	check_version(doc, d);
	check_root(doc, d);
	check_process(doc, is_linux, d);
	check_hooks(doc, d);
	if (!is_linux)
		return;
	check_uts_names(doc, d);
	check_mounts(doc, d);
	vd_check_linux(doc, d);
}
