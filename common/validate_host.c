/* SPDX-License-Identifier: Apache-2.0 */
/* Checks of a config against this machine: rootfs, hooks, namespace files, devices, bind sources.
 */
#include "common/validate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/ns.h"
#include "common/validate_impl.h"

static const char *const hook_kinds[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
	NULL};

static const struct {
	const char *name;
	int flag;
} ns_flags[] = {
	{"mount", CLONE_NEWNS},	     {"pid", CLONE_NEWPID},   {"network", CLONE_NEWNET},
	{"uts", CLONE_NEWUTS},	     {"ipc", CLONE_NEWIPC},   {"user", CLONE_NEWUSER},
	{"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

static void check_rootfs(const json_t *doc, const char *bundle_dir, struct ct_diags *d)
{
	const json_t *path = json_object_get(vd_obj(doc, "root"), "path");
	const char *p = json_string_value(path);
	char full[PATH_MAX];
	struct stat st;

	if (!p || !*p)
		return;
	if (p[0] == '/' || !bundle_dir)
		snprintf(full, sizeof(full), "%s", p);
	else
		snprintf(full, sizeof(full), "%s/%s", bundle_dir, p);
	if (stat(full, &st) < 0)
		vd_add(d, CT_DIAG_ERROR, "/root", "path", "an existing directory", path,
		       "create the root filesystem there, or fix root.path", "rootfs '%s': %s",
		       full, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		vd_add(d, CT_DIAG_ERROR, "/root", "path", "a directory", path, NULL,
		       "rootfs '%s' is not a directory", full);
}

static void check_hook(const json_t *hook, const char *ptr, struct ct_diags *d)
{
	const json_t *path = json_object_get(hook, "path");
	const char *p = json_string_value(path);
	struct stat st;

	if (!p || !vd_is_abs(p))
		return;
	if (stat(p, &st) < 0)
		vd_add(d, CT_DIAG_ERROR, ptr, "path", "an executable file", path, NULL,
		       "hook '%s': %s", p, strerror(errno));
	else if (!S_ISREG(st.st_mode) || access(p, X_OK) < 0)
		vd_add(d, CT_DIAG_ERROR, ptr, "path", "an executable file", path,
		       "chmod +x the hook", "hook '%s' is not executable", p);
}

static void check_hooks(const json_t *doc, struct ct_diags *d)
{
	const json_t *hooks = vd_obj(doc, "hooks");

	for (size_t k = 0; hooks && hook_kinds[k]; k++) {
		const json_t *list = vd_arr(hooks, hook_kinds[k]);
		cleanup_free char *base = ct_pointer_join("/hooks", hook_kinds[k]);

		for (size_t i = 0; base && i < json_array_size(list); i++) {
			cleanup_free char *ptr = ct_pointer_index(base, i);

			if (ptr)
				check_hook(json_array_get(list, i), ptr, d);
		}
	}
}

static int ns_flag(const char *type)
{
	for (size_t i = 0; type && i < sizeof(ns_flags) / sizeof(ns_flags[0]); i++) {
		if (strcmp(ns_flags[i].name, type) == 0)
			return ns_flags[i].flag;
	}

	return 0;
}

static void check_ns_path(const json_t *ns, const char *ptr, struct ct_diags *d)
{
	const json_t *path = json_object_get(ns, "path");
	const char *p = json_string_value(path);
	const char *type = vd_str(ns, "type");
	int want = ns_flag(type);
	cleanup_close int fd = -1;
	struct ct_err err = {0};
	char text[CT_ERR_MSG_MAX + 128];
	int got;

	if (!p || !vd_is_abs(p) || !want)
		return;
	/* As the runtime will: a FIFO or a device is not opened to find out. */
	if (ct_ns_open_file(p, &fd, &err) < 0) {
		vd_add(d, CT_DIAG_ERROR, ptr, "path", "a namespace file", path,
		       err.errnum ? NULL : "use a /proc/PID/ns/* file or a bind mount of one", "%s",
		       ct_err_str(&err, text, sizeof(text)));
		return;
	}
	got = ioctl(fd, NS_GET_NSTYPE);
	if (got < 0 && errno == ENOTTY)
		vd_add(d, CT_DIAG_ERROR, ptr, "path", "a namespace file", path,
		       "use a /proc/PID/ns/* file or a bind mount of one",
		       "'%s' is not a namespace", p);
	else if (got < 0)
		vd_add(d, CT_DIAG_WARN, ptr, "path", NULL, path, NULL,
		       "namespace type of '%s' unknown: %s, continuing", p, strerror(errno));
	else if (got != want)
		vd_add(d, CT_DIAG_ERROR, ptr, "path", NULL, path,
		       "point path at a namespace of the entry's type",
		       "'%s' is not a %s namespace", p, type);
}

static bool has_user_ns(const json_t *lx)
{
	const json_t *list = vd_arr(lx, "namespaces");
	size_t i;
	json_t *ns;

	json_array_foreach(list, i, ns)
	{
		const char *type = vd_str(ns, "type");

		if (type && strcmp(type, "user") == 0)
			return true;
	}

	return false;
}

/*
 * In a user namespace mknod is not allowed, so the device is bind mounted
 * from the host path: then it must exist. Otherwise it is created and the
 * host node is only a hint that the numbers are right.
 */
static void check_device(const json_t *dev, const char *ptr, bool must_exist, struct ct_diags *d)
{
	const json_t *path = json_object_get(dev, "path");
	const char *p = json_string_value(path);
	const char *type = vd_str(dev, "type");
	int64_t major;
	int64_t minor;
	struct stat st;

	/* A fifo is made with mkfifo even in a user namespace: no host node is used. */
	if (!p || !vd_is_abs(p) || !type || type[0] == 'p')
		return;
	if (stat(p, &st) < 0) {
		vd_add(d, must_exist ? CT_DIAG_ERROR : CT_DIAG_WARN, ptr, "path", "a device node",
		       path,
		       must_exist
			       ? "in a user namespace the host device is bind mounted: it must exist"
			       : NULL,
		       "host device '%s': %s", p, strerror(errno));
		return;
	}
	if ((type[0] == 'c' || type[0] == 'u') && !S_ISCHR(st.st_mode))
		vd_add(d, CT_DIAG_WARN, ptr, "type", NULL, NULL, NULL,
		       "host '%s' is not a character device", p);
	else if (type[0] == 'b' && !S_ISBLK(st.st_mode))
		vd_add(d, CT_DIAG_WARN, ptr, "type", NULL, NULL, NULL,
		       "host '%s' is not a block device", p);
	else if (vd_int(dev, "major", &major) && vd_int(dev, "minor", &minor) &&
		 (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) &&
		 (major != (int64_t)major(st.st_rdev) || minor != (int64_t)minor(st.st_rdev)))
		vd_add(d, CT_DIAG_WARN, ptr, NULL, NULL, NULL, NULL,
		       "host '%s' is %u:%u, the config says %lld:%lld", p, major(st.st_rdev),
		       minor(st.st_rdev), (long long)major, (long long)minor);
}

static void check_linux(const json_t *doc, struct ct_diags *d)
{
	const json_t *lx = vd_obj(doc, "linux");
	const json_t *nss = vd_arr(lx, "namespaces");
	const json_t *devs = vd_arr(lx, "devices");
	bool in_userns = has_user_ns(lx);

	for (size_t i = 0; i < json_array_size(nss); i++) {
		cleanup_free char *ptr = ct_pointer_index("/linux/namespaces", i);

		if (ptr)
			check_ns_path(json_array_get(nss, i), ptr, d);
	}
	for (size_t i = 0; i < json_array_size(devs); i++) {
		cleanup_free char *ptr = ct_pointer_index("/linux/devices", i);

		if (ptr)
			check_device(json_array_get(devs, i), ptr, in_userns, d);
	}
}

static bool is_bind(const json_t *m)
{
	const json_t *options = vd_arr(m, "options");
	const char *type = vd_str(m, "type");
	size_t i;
	json_t *o;

	if (type && strcmp(type, "bind") == 0)
		return true;
	json_array_foreach(options, i, o)
	{
		const char *s = json_string_value(o);

		if (s && (strcmp(s, "bind") == 0 || strcmp(s, "rbind") == 0))
			return true;
	}

	return false;
}

static void check_bind_sources(const json_t *doc, const char *bundle_dir, struct ct_diags *d)
{
	const json_t *mounts = vd_arr(doc, "mounts");
	size_t i;
	json_t *m;

	json_array_foreach(mounts, i, m)
	{
		const json_t *src = json_object_get(m, "source");
		const char *s = json_string_value(src);
		cleanup_free char *ptr = NULL;
		char full[PATH_MAX];

		if (!s || !*s || !is_bind(m))
			continue;
		/* A relative bind source is taken from the bundle, as runc does. */
		if (s[0] == '/' || !bundle_dir)
			snprintf(full, sizeof(full), "%s", s);
		else
			snprintf(full, sizeof(full), "%s/%s", bundle_dir, s);
		if (access(full, F_OK) == 0)
			continue;
		ptr = ct_pointer_index("/mounts", i);
		vd_add(d, CT_DIAG_ERROR, ptr ? ptr : "", "source", "an existing path", src, NULL,
		       "bind source '%s': %s", full, strerror(errno));
	}
}

void ct_validate_host(const json_t *doc, const char *bundle_dir, struct ct_diags *diags)
{
	if (!json_is_object(doc))
		return;
	check_rootfs(doc, bundle_dir, diags);
	check_hooks(doc, diags);
	check_linux(doc, diags);
	check_bind_sources(doc, bundle_dir, diags);
}
