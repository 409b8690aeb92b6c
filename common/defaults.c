/* SPDX-License-Identifier: Apache-2.0 */
/* The default config.json that specgen generate and nsinit spec start from. */
#include "common/defaults.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/seccomp_default.h"
#include "common/spec.h"

/* runc's default: enough for a shell and a network server, nothing that reaches the host. */
static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};

/*
 * runc's list, plus what it masked later: /proc/interrupts (a side channel on
 * other tenants' devices) and powercap (energy counters leak secrets: PLATYPUS).
 */
static const char *const masked_paths[] = {
	"/proc/acpi",	    "/proc/asound",	 "/proc/interrupts",
	"/proc/kcore",	    "/proc/keys",	 "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi",	    "/sys/firmware",	 "/sys/devices/virtual/powercap",
};

static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static const char *const default_namespaces[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

const char *const *ct_default_caps(size_t *ret_n)
{
	*ret_n = N_ELEMS(default_caps);
	return default_caps;
}

static json_t *strings(const char *const *v, size_t n)
{
	cleanup_json json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (json_array_append_new(arr, json_string(v[i])) < 0)
			return NULL;
	}

	return steal_ptr(&arr);
}

static json_t *default_process(void)
{
	json_t *caps = json_pack("{s:o, s:o, s:o}", "bounding",
				 strings(default_caps, N_ELEMS(default_caps)), "effective",
				 strings(default_caps, N_ELEMS(default_caps)), "permitted",
				 strings(default_caps, N_ELEMS(default_caps)));

	return json_pack("{s:b, s:{s:i, s:i}, s:[s], s:[s, s], s:s, s:o, s:[{s:s, s:i, s:i}], s:b}",
			 "terminal", 0, "user", "uid", 0, "gid", 0, "args", "sh", "env",
			 "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			 "TERM=xterm", "cwd", "/", "capabilities", caps, "rlimits", "type",
			 "RLIMIT_NOFILE", "hard", 1024, "soft", 1024, "noNewPrivileges", 1);
}

/* options NULL means out of memory (json_pack failed), so the mount fails too. */
static json_t *mount_entry(const char *dest, const char *type, const char *source, json_t *options)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", dest, "type", type, "source",
			 source, "options", options);
}

static json_t *default_mounts(void)
{
	return json_pack(
		"[{s:s, s:s, s:s}, o, o, o, o, o, o]", "destination", "/proc", "type", "proc",
		"source", "proc",
		mount_entry("/dev", "tmpfs", "tmpfs",
			    json_pack("[s, s, s, s]", "nosuid", "strictatime", "mode=755",
				      "size=65536k")),
		mount_entry("/dev/pts", "devpts", "devpts",
			    json_pack("[s, s, s, s, s, s]", "nosuid", "noexec", "newinstance",
				      "ptmxmode=0666", "mode=0620", "gid=5")),
		mount_entry("/dev/shm", "tmpfs", "shm",
			    json_pack("[s, s, s, s, s]", "nosuid", "noexec", "nodev", "mode=1777",
				      "size=65536k")),
		mount_entry("/dev/mqueue", "mqueue", "mqueue",
			    json_pack("[s, s, s]", "nosuid", "noexec", "nodev")),
		mount_entry("/sys", "sysfs", "sysfs",
			    json_pack("[s, s, s, s]", "nosuid", "noexec", "nodev", "ro")),
		mount_entry("/sys/fs/cgroup", "cgroup", "cgroup",
			    json_pack("[s, s, s, s, s]", "nosuid", "noexec", "nodev", "relatime",
				      "ro")));
}

static json_t *default_linux(struct ct_err *err)
{
	cleanup_json json_t *namespaces = json_array();
	json_t *seccomp;

	if (!namespaces)
		return NULL;
	for (size_t i = 0; i < N_ELEMS(default_namespaces); i++) {
		if (json_array_append_new(namespaces,
					  json_pack("{s:s}", "type", default_namespaces[i])) < 0)
			return NULL;
	}

	seccomp = ct_default_seccomp(err);
	if (!seccomp)
		return NULL;

	/* Devices: deny all in the cgroup; the runtime allows the standard nodes it creates. */
	return json_pack("{s:{s:[{s:b, s:s}]}, s:O, s:o, s:o, s:o}", "resources", "devices",
			 "allow", 0, "access", "rwm", "namespaces", namespaces, "maskedPaths",
			 strings(masked_paths, N_ELEMS(masked_paths)), "readonlyPaths",
			 strings(readonly_paths, N_ELEMS(readonly_paths)), "seccomp", seccomp);
}

json_t *ct_default_config(bool rootless, struct ct_err *err)
{
	cleanup_json json_t *doc = NULL;
	json_t *linux_obj;

	ct_err_clear(err);
	linux_obj = default_linux(err);
	if (!linux_obj) {
		if (!err->msg[0])
			ct_err_set(err, ENOMEM, "build the default config");
		return NULL;
	}

	doc = json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion", CT_OCI_VERSION,
			"process", default_process(), "root", "path", "rootfs", "readonly", 1,
			"hostname", "container", "mounts", default_mounts(), "linux", linux_obj);
	if (!doc)
		return ct_err_set(err, ENOMEM, "build the default config"), NULL;

	if (rootless && ct_default_make_rootless(doc, getuid(), getgid(), err) < 0)
		return NULL;

	return steal_ptr(&doc);
}

/* Drops gid=N: in a user namespace only the mapped gid exists, and mounting with another fails. */
static int drop_gid_options(json_t *mnt)
{
	json_t *options = json_object_get(mnt, "options");
	size_t i = 0;

	if (!options)
		return 0;
	if (!json_is_array(options))
		return -1;
	while (i < json_array_size(options)) {
		const char *opt = json_string_value(json_array_get(options, i));

		if (opt && strncmp(opt, "gid=", 4) == 0)
			json_array_remove(options, i);
		else
			i++;
	}

	return 0;
}

/* A user namespace cannot mount sysfs unless it also owns a network namespace: bind the host's. */
static int bind_sys(json_t *mnt)
{
	json_t *options = json_pack("[s, s, s, s, s]", "rbind", "nosuid", "noexec", "nodev", "ro");

	if (!options || json_object_set_new(mnt, "type", json_string("none")) < 0 ||
	    json_object_set_new(mnt, "source", json_string("/sys")) < 0 ||
	    json_object_set_new(mnt, "options", options) < 0)
		return -1;

	return 0;
}

static int rootless_mounts(json_t *doc, struct ct_err *err)
{
	json_t *mounts = json_object_get(doc, "mounts");
	size_t i = 0;

	if (!mounts)
		return 0;
	if (!json_is_array(mounts))
		return ct_err_set(err, 0, "'/mounts' is not an array");

	while (i < json_array_size(mounts)) {
		json_t *mnt = json_array_get(mounts, i);
		const char *dest = json_string_value(json_object_get(mnt, "destination"));
		const char *type = json_string_value(json_object_get(mnt, "type"));

		if (!json_is_object(mnt) || !dest)
			return ct_err_set(err, 0, "'/mounts/%zu' has no destination", i);
		/* cgroupfs cannot be mounted from a user namespace; /sys's rbind brings it along.
		 */
		if (strcmp(dest, "/sys/fs/cgroup") == 0) {
			json_array_remove(mounts, i);
			continue;
		}
		if (strcmp(dest, "/sys") == 0 && type && strcmp(type, "sysfs") == 0 &&
		    bind_sys(mnt) < 0)
			return ct_err_set(err, ENOMEM, "edit mount '/sys'");
		if (drop_gid_options(mnt) < 0)
			return ct_err_set(err, 0, "'/mounts/%zu/options' is not an array", i);
		i++;
	}

	return 0;
}

static int rootless_namespaces(json_t *linux_obj, struct ct_err *err)
{
	json_t *namespaces = json_object_get(linux_obj, "namespaces");
	size_t i = 0;

	if (!namespaces) {
		namespaces = json_array();
		if (json_object_set_new(linux_obj, "namespaces", namespaces) < 0)
			return ct_err_set(err, ENOMEM, "add the user namespace");
	}
	if (!json_is_array(namespaces))
		return ct_err_set(err, 0, "'/linux/namespaces' is not an array");

	/*
	 * No network namespace: an unprivileged user could not give it an
	 * interface. No cgroup namespace: the host's cgroup mount is not ours.
	 */
	while (i < json_array_size(namespaces)) {
		const char *type =
			json_string_value(json_object_get(json_array_get(namespaces, i), "type"));

		if (type && (strcmp(type, "network") == 0 || strcmp(type, "cgroup") == 0 ||
			     strcmp(type, "user") == 0))
			json_array_remove(namespaces, i);
		else
			i++;
	}
	if (json_array_append_new(namespaces, json_pack("{s:s}", "type", "user")) < 0)
		return ct_err_set(err, ENOMEM, "add the user namespace");

	return 0;
}

int ct_default_make_rootless(json_t *doc, uid_t uid, gid_t gid, struct ct_err *err)
{
	json_t *linux_obj = json_object_get(doc, "linux");

	if (!linux_obj) {
		linux_obj = json_object();
		if (json_object_set_new(doc, "linux", linux_obj) < 0)
			return ct_err_set(err, ENOMEM, "make the config rootless");
	}
	if (!json_is_object(linux_obj))
		return ct_err_set(err, 0, "make the config rootless: '/linux' is not an object");

	if (rootless_namespaces(linux_obj, err) < 0 || rootless_mounts(doc, err) < 0)
		return ct_err_wrap(err, "make the config rootless");

	if (json_object_set_new(linux_obj, "uidMappings",
				json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
					  (json_int_t)uid, "size", 1)) < 0 ||
	    json_object_set_new(linux_obj, "gidMappings",
				json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
					  (json_int_t)gid, "size", 1)) < 0)
		return ct_err_set(err, ENOMEM, "make the config rootless");
	json_object_del(linux_obj, "resources");

	return 0;
}
