/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and writing cgroup control files, and passing warnings to the tool. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cgroup_priv.h"
#include "common/cleanup.h"
#include "common/err.h"
#include "common/json.h"
#include "common/log.h"

static void (*warn_fn)(const char *msg);

void ct_cgroup_set_warn(void (*fn)(const char *msg))
{
	warn_fn = fn;
}

void cg_warn(const char *fmt, ...)
{
	char msg[CT_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (warn_fn)
		warn_fn(msg);
	else
		ct_log(CT_LOG_DEBUG, "%s", msg);
}

static char *mountinfo_snapshot;

int ct_cgroup_snapshot_mounts(struct ct_err *err)
{
	size_t len = 0;

	ct_cgroup_forget_mounts();

	return ct_read_file("/proc/self/mountinfo", &mountinfo_snapshot, &len, err);
}

void ct_cgroup_forget_mounts(void)
{
	free(mountinfo_snapshot);
	mountinfo_snapshot = NULL;
}

int ct_cgroup_mountinfo(char **ret_text, struct ct_err *err)
{
	size_t len = 0;

	if (!mountinfo_snapshot)
		return ct_read_file("/proc/self/mountinfo", ret_text, &len, err);
	*ret_text = strdup(mountinfo_snapshot);
	if (!*ret_text)
		return ct_err_set(err, ENOMEM, "read '/proc/self/mountinfo'");

	return 0;
}

int cg_write(const char *dir, const char *file, const char *value, struct ct_err *err)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	size_t len = strlen(value);

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_err_set(err, errno, "open '%s'", path);
	if (write(fd, value, len) != (ssize_t)len)
		return ct_err_set(err, errno ? errno : EIO, "write '%s' to '%s'", value, path);

	return 0;
}

int cg_writef(const char *dir, const char *file, struct ct_err *err, const char *fmt, ...)
{
	char value[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);

	return cg_write(dir, file, value, err);
}

int cg_read(const char *dir, const char *file, char **ret, struct ct_err *err)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	cleanup_free char *buf = NULL;
	size_t len = 0, cap = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_err_set(err, errno, "open '%s'", path);
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *grown = realloc(buf, cap + 8192);

			if (!grown)
				return ct_err_set(err, ENOMEM, "read '%s'", path);
			buf = grown;
			cap += 8192;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0)
			return ct_err_set(err, errno, "read '%s'", path);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = steal_ptr(&buf);

	return 0;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *ret, struct ct_err *err)
{
	cleanup_free char *buf = NULL;
	char *end;

	if (cg_read(dir, file, &buf, err) < 0)
		return -1;
	if (strncmp(buf, "max", 3) == 0) {
		*ret = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*ret = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return ct_err_set(err, EINVAL, "parse '%s/%s': not a number", dir, file);

	return 0;
}

int cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *ret,
		  struct ct_err *err)
{
	cleanup_free char *buf = NULL;
	size_t klen = strlen(key);

	if (cg_read(dir, file, &buf, err) < 0)
		return -1;
	*ret = 0;
	for (char *line = buf; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			*ret = strtoull(line + klen + 1, NULL, 10);
			break;
		}
	}

	return 0;
}

bool cg_has_file(const char *dir, const char *file)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}
