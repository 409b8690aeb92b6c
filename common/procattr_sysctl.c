/* SPDX-License-Identifier: Apache-2.0 */
/* linux.sysctl: namespaced kernel parameters written under /proc/sys without following links. */
#include "common/procattr.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/spec.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

/*
 * Which namespace makes a key the container's own. A prefix ending in '.'
 * covers a subtree; anything else must match whole. Keys outside this table
 * are global (vm.*, kernel.panic, ...): writing them from a container would
 * reconfigure the host, so they are refused.
 */
static const struct {
	const char *key;
	enum ct_ns_type ns;
} ns_keys[] = {
	{"kernel.hostname", CT_NS_UTS}, {"kernel.domainname", CT_NS_UTS},
	{"kernel.msgmax", CT_NS_IPC},	{"kernel.msgmnb", CT_NS_IPC},
	{"kernel.msgmni", CT_NS_IPC},	{"kernel.sem", CT_NS_IPC},
	{"kernel.shmall", CT_NS_IPC},	{"kernel.shmmax", CT_NS_IPC},
	{"kernel.shmmni", CT_NS_IPC},	{"kernel.shm_rmid_forced", CT_NS_IPC},
	{"fs.mqueue.", CT_NS_IPC},	{"net.", CT_NS_NETWORK},
};

static bool key_matches(const char *pattern, const char *dotted)
{
	size_t len = strlen(pattern);

	if (pattern[len - 1] == '.')
		return strncmp(dotted, pattern, len) == 0;
	return strcmp(dotted, pattern) == 0;
}

/*
 * A namespace the container gets its own of: a new one, or one joined by
 * path. Whether a joined one is the host's can only be told from outside
 * the container: ct_procattr_check_sysctl does that in the runtime.
 */
static int check_namespaced(const struct ct_spec *spec, const char *key, const char *dotted,
			    struct ct_err *err)
{
	for (size_t i = 0; i < sizeof(ns_keys) / sizeof(ns_keys[0]); i++) {
		if (!key_matches(ns_keys[i].key, dotted))
			continue;
		if (ct_spec_find_ns(spec, ns_keys[i].ns))
			return 0;
		return ct_err_set(
			err, 0,
			"sysctl '%s' needs its own %s namespace, or it would change the host", key,
			ct_ns_type_name(ns_keys[i].ns));
	}

	return ct_err_set(err, 0, "sysctl '%s' is not namespaced: it would change the host", key);
}

/*
 * Splits key into NUL-separated components in buf (sep '.' or '/') and fills
 * dotted with the dotted form for the namespace check. Refuses what could
 * step outside /proc/sys: empty, "." and ".." components, a leading '/'.
 */
static int split_key(const char *key, char *buf, size_t size, char *dotted, size_t *ret_n,
		     struct ct_err *err)
{
	char sep = strchr(key, '/') ? '/' : '.';
	size_t len = strlen(key), n = 1;
	char *comp = buf;

	if (len == 0 || len >= size)
		return ct_err_set(err, 0, "sysctl key '%s' is empty or too long", key);
	memcpy(buf, key, len + 1);
	memcpy(dotted, key, len + 1);
	for (size_t i = 0; i <= len; i++) {
		if (buf[i] != sep && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (*comp == '\0' || strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0)
			return ct_err_set(err, 0, "sysctl key '%s' has an invalid component", key);
		if (i < len) {
			dotted[i] = '.';
			n++;
		}
		comp = buf + i + 1;
	}
	*ret_n = n;

	return 0;
}

/* Walks the components from /proc/sys with O_NOFOLLOW, so no symlink leads elsewhere. */
static int write_key(int sysfd, const char *key, const char *comps, size_t n, const char *value,
		     struct ct_err *err)
{
	cleanup_close int dirfd = dup(sysfd);
	cleanup_close int fd = -1;
	size_t len = strlen(value);

	if (dirfd < 0)
		return ct_err_set(err, errno, "sysctl '%s': dup", key);
	for (size_t i = 0; i + 1 < n; i++) {
		int next = openat(dirfd, comps, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (next < 0)
			return ct_err_set(err, errno, "sysctl '%s': open '%s'", key, comps);
		close(dirfd);
		dirfd = next;
		comps += strlen(comps) + 1;
	}
	fd = openat(dirfd, comps, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_err_set(err, errno, "sysctl '%s': open '%s'", key, comps);
	if (write(fd, value, len) != (ssize_t)len)
		return ct_err_set(err, errno ? errno : EIO, "sysctl '%s': write '%s'", key, value);

	return 0;
}

/* The namespace entry a key needs, or NULL for a key no namespace covers. */
static const struct ct_namespace *key_ns(const struct ct_spec *spec, const char *dotted)
{
	for (size_t i = 0; i < sizeof(ns_keys) / sizeof(ns_keys[0]); i++)
		if (key_matches(ns_keys[i].key, dotted))
			return ct_spec_find_ns(spec, ns_keys[i].ns);

	return NULL;
}

/* True when path is the namespace /proc/self/ns/<name> of the calling process. */
static bool is_own_ns(const char *path, enum ct_ns_type type)
{
	const char *name = type == CT_NS_NETWORK ? "net" : type == CT_NS_UTS ? "uts" : "ipc";
	char own[64];
	struct stat a, b;

	snprintf(own, sizeof(own), "/proc/self/ns/%s", name);
	return stat(path, &a) == 0 && stat(own, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int ct_procattr_check_sysctl(const struct ct_spec *spec, struct ct_err *err)
{
	const struct ct_kvs *kvs = spec->linux_ ? &spec->linux_->sysctl : NULL;

	for (size_t i = 0; kvs && i < kvs->n; i++) {
		char comps[PATH_MAX], dotted[PATH_MAX];
		const struct ct_namespace *ns;
		size_t n = 0;

		if (split_key(kvs->v[i].key, comps, sizeof(comps), dotted, &n, err) < 0 ||
		    check_namespaced(spec, kvs->v[i].key, dotted, err) < 0)
			return -1;
		ns = key_ns(spec, dotted);
		if (ns && ns->path && is_own_ns(ns->path, ns->type))
			return ct_err_set(
				err, 0,
				"sysctl '%s' would change the runtime's own %s namespace '%s'",
				kvs->v[i].key, ct_ns_type_name(ns->type), ns->path);
	}

	return 0;
}

int ct_procattr_apply_sysctl(const struct ct_spec *spec, struct ct_err *err)
{
	const struct ct_kvs *kvs = spec->linux_ ? &spec->linux_->sysctl : NULL;
	cleanup_close int sysfd = -1;
	struct statfs sfs;

	if (!kvs || kvs->n == 0)
		return 0;

	/* Check every key first: a refused key means nothing was written. */
	for (size_t i = 0; i < kvs->n; i++) {
		char comps[PATH_MAX], dotted[PATH_MAX];
		size_t n = 0;

		if (split_key(kvs->v[i].key, comps, sizeof(comps), dotted, &n, err) < 0 ||
		    check_namespaced(spec, kvs->v[i].key, dotted, err) < 0)
			return -1;
	}

	sysfd = open("/proc/sys", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sysfd < 0)
		return ct_err_set(err, errno, "open '/proc/sys'");
	if (fstatfs(sysfd, &sfs) < 0)
		return ct_err_set(err, errno, "statfs '/proc/sys'");
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return ct_err_set(err, 0, "'/proc/sys' is not on procfs");

	for (size_t i = 0; i < kvs->n; i++) {
		char comps[PATH_MAX], dotted[PATH_MAX];
		size_t n = 0;

		if (split_key(kvs->v[i].key, comps, sizeof(comps), dotted, &n, err) < 0 ||
		    write_key(sysfd, kvs->v[i].key, comps, n, kvs->v[i].value, err) < 0)
			return -1;
	}

	return 0;
}
