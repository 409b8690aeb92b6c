/* SPDX-License-Identifier: Apache-2.0 */
/* A container's record under the runtime root: ids, state.json, locking, computed status. */
#include "common/state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/log.h"

static const char *const status_names[] = {
	[CT_STATUS_CREATING] = "creating", [CT_STATUS_CREATED] = "created",
	[CT_STATUS_RUNNING] = "running",   [CT_STATUS_STOPPED] = "stopped",
	[CT_STATUS_PAUSED] = "paused",
};

/* The files a container's directory may hold; removal walks this list. */
static const char *const state_files[] = {
	"state.json", "exec.fifo", "config.json", "lock", NULL,
};

int ct_state_check_id(const char *id, struct ct_err *err)
{
	size_t len = id ? strlen(id) : 0;

	if (len == 0)
		return ct_err_set(err, 0, "container id cannot be empty");
	if (len > CT_STATE_ID_MAX)
		return ct_err_set(err, 0, "invalid container id: longer than %d characters",
				  CT_STATE_ID_MAX);
	/* The same alphabet as runc, so no id can name a path outside the root. */
	for (const char *p = id; *p; p++) {
		char c = *p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '+' || c == '-' || c == '.')
			continue;
		/* The id is not echoed: it may hold control characters. */
		return ct_err_set(err, 0, "invalid container id format: want [A-Za-z0-9_+.-]");
	}
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return ct_err_set(err, 0, "invalid container id '%s'", id);

	return 0;
}

const char *ct_status_name(enum ct_status status)
{
	if ((unsigned)status >= sizeof(status_names) / sizeof(status_names[0]))
		return "unknown";
	return status_names[status];
}

int ct_status_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (name && strcmp(name, status_names[i]) == 0)
			return (int)i;
	return -1;
}

/* Creates each directory along path, cutting the writable copy at each '/' in turn. */
static int mkdir_each(char *path, struct ct_err *err)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return ct_err_set(err, errno, "mkdir '%s'", path);
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return ct_err_set(err, errno, "mkdir '%s'", path);

	return 0;
}

static int mkdir_parents(const char *path, struct ct_err *err)
{
	char *copy = strdup(path);
	int rc;

	if (!copy)
		return ct_err_set(err, ENOMEM, "copy '%s'", path);
	rc = mkdir_each(copy, err);
	/* Freed by hand: the analyzers cannot follow a cleanup attribute here. */
	free(copy);

	return rc;
}

/*
 * A container's directory is entered without following a symlink: one planted in the root
 * (by whoever may write there) would otherwise have delete --force unlink the state files,
 * a bundle's config.json among them, wherever it points.
 */
static int open_state_dir(const char *dir)
{
	return open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

static int state_dir_error(const char *dir, struct ct_err *err)
{
	if (errno == ENOTDIR || errno == ELOOP)
		return ct_err_set(err, 0, "'%s' is not a state directory", dir);
	return ct_err_set(err, errno, "open '%s'", dir);
}

int ct_state_create_dir(const char *root, const char *id, int *ret_dirfd, struct ct_err *err)
{
	cleanup_free char *dir = NULL;
	int fd;

	if (mkdir_parents(root, err) < 0)
		return -1;
	if (asprintf(&dir, "%s/%s", root, id) < 0)
		return ct_err_set(err, ENOMEM, "build state path");
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			return ct_err_set(err, EEXIST, "container with id exists");
		return ct_err_set(err, errno, "mkdir '%s'", dir);
	}

	fd = open_state_dir(dir);
	if (fd < 0) {
		int saved = errno;

		rmdir(dir);
		return ct_err_set(err, saved, "open '%s'", dir);
	}
	*ret_dirfd = fd;

	return 0;
}

int ct_state_open_dir(const char *root, const char *id, int *ret_dirfd, struct ct_err *err)
{
	cleanup_free char *dir = NULL;
	int fd;

	if (asprintf(&dir, "%s/%s", root, id) < 0)
		return ct_err_set(err, ENOMEM, "build state path");
	fd = open_state_dir(dir);
	if (fd < 0) {
		if (errno == ENOENT)
			return ct_err_set(err, ENOENT, "container does not exist");
		return state_dir_error(dir, err);
	}
	*ret_dirfd = fd;

	return 0;
}

int ct_state_lock(int dirfd, int *ret_lockfd, struct ct_err *err)
{
	cleanup_close int fd =
		openat(dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return ct_err_set(err, errno, "open lock file");
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return ct_err_set(err, errno, "lock state");
	}
	*ret_lockfd = steal_fd(&fd);

	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Temporary file in the same directory, fsync, rename: readers see the old or the new file. */
static int write_atomic(int dirfd, const char *name, const char *buf, size_t len,
			struct ct_err *err)
{
	char tmp[64];
	cleanup_close int fd = -1;

	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return ct_err_set(err, errno, "open '%s'", tmp);
	if (write_all(fd, buf, len) < 0 || fsync(fd) < 0) {
		int saved = errno;

		unlinkat(dirfd, tmp, 0);
		return ct_err_set(err, saved, "write '%s'", tmp);
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int saved = errno;

		unlinkat(dirfd, tmp, 0);
		return ct_err_set(err, saved, "rename '%s' to '%s'", tmp, name);
	}

	return 0;
}

json_t *ct_record_to_json(const struct ct_record *rec)
{
	cleanup_json json_t *doc = json_object();
	json_t *paths = json_object();

	if (!doc || !paths) {
		json_decref(paths);
		return NULL;
	}
	json_object_set_new(doc, "ociVersion", json_string(CT_OCI_VERSION));
	json_object_set_new(doc, "id", json_string(rec->id ? rec->id : ""));
	json_object_set_new(doc, "status", json_string(ct_status_name(rec->status)));
	json_object_set_new(doc, "pid", json_integer(rec->pid));
	json_object_set_new(doc, "bundle", json_string(rec->bundle ? rec->bundle : ""));
	if (rec->annotations)
		json_object_set(doc, "annotations", rec->annotations);
	json_object_set_new(doc, "init_process_start", json_integer((json_int_t)rec->start_time));
	json_object_set_new(doc, "rootfs", json_string(rec->rootfs ? rec->rootfs : ""));
	json_object_set_new(doc, "created", json_string(rec->created ? rec->created : ""));
	json_object_set_new(doc, "rootless", json_boolean(rec->rootless));
	json_object_set_new(doc, "own_mount_ns", json_boolean(rec->own_mount_ns));
	json_object_set_new(doc, "rootfs_base_mount", json_integer(rec->rootfs_base_mount));
	json_object_set_new(doc, "own_pid_ns", json_boolean(rec->own_pid_ns));
	json_object_set_new(doc, "owner", json_integer(rec->owner));
	for (int t = 0; t < CT_NS_COUNT; t++) {
		const char *name = ct_ns_type_name((enum ct_ns_type)t);

		if (rec->ns_paths[t] && name)
			json_object_set_new(paths, name, json_string(rec->ns_paths[t]));
	}
	json_object_set_new(doc, "namespace_paths", paths);
	if (rec->cgroup)
		json_object_set(doc, "cgroup", rec->cgroup);

	return steal_ptr(&doc);
}

static char *dup_field(json_t *doc, const char *key)
{
	const char *s = json_string_value(json_object_get(doc, key));

	return s ? strdup(s) : NULL;
}

int ct_record_from_json(json_t *doc, struct ct_record *rec, struct ct_err *err)
{
	json_t *paths = json_object_get(doc, "namespace_paths");
	int status;

	memset(rec, 0, sizeof(*rec));
	if (!json_is_object(doc))
		return ct_err_set(err, EINVAL, "state is not a JSON object");
	status = ct_status_from_name(json_string_value(json_object_get(doc, "status")));
	if (!json_is_string(json_object_get(doc, "id")) || status < 0 ||
	    !json_is_integer(json_object_get(doc, "pid")))
		return ct_err_set(err, EINVAL, "state lacks id, status or pid");

	rec->id = dup_field(doc, "id");
	rec->status = (enum ct_status)status;
	rec->pid = (pid_t)json_integer_value(json_object_get(doc, "pid"));
	rec->start_time = (uint64_t)json_integer_value(json_object_get(doc, "init_process_start"));
	rec->bundle = dup_field(doc, "bundle");
	rec->rootfs = dup_field(doc, "rootfs");
	rec->created = dup_field(doc, "created");
	rec->rootless = json_is_true(json_object_get(doc, "rootless"));
	rec->own_mount_ns = json_is_true(json_object_get(doc, "own_mount_ns"));
	rec->rootfs_base_mount = (int)json_integer_value(json_object_get(doc, "rootfs_base_mount"));
	rec->own_pid_ns = json_is_true(json_object_get(doc, "own_pid_ns"));
	rec->owner = (uid_t)json_integer_value(json_object_get(doc, "owner"));
	if (json_is_object(json_object_get(doc, "annotations")))
		rec->annotations = json_incref(json_object_get(doc, "annotations"));
	if (json_is_object(json_object_get(doc, "cgroup")))
		rec->cgroup = json_incref(json_object_get(doc, "cgroup"));
	for (int t = 0; t < CT_NS_COUNT && json_is_object(paths); t++) {
		const char *name = ct_ns_type_name((enum ct_ns_type)t);
		const char *p = name ? json_string_value(json_object_get(paths, name)) : NULL;

		rec->ns_paths[t] = p ? strdup(p) : NULL;
	}

	return 0;
}

void ct_record_free(struct ct_record *rec)
{
	if (!rec)
		return;
	free(rec->id);
	free(rec->bundle);
	free(rec->rootfs);
	free(rec->created);
	json_decref(rec->annotations);
	json_decref(rec->cgroup);
	for (int t = 0; t < CT_NS_COUNT; t++)
		free(rec->ns_paths[t]);
	memset(rec, 0, sizeof(*rec));
}

int ct_state_save(int dirfd, const struct ct_record *rec, struct ct_err *err)
{
	cleanup_json json_t *doc = ct_record_to_json(rec);
	cleanup_free char *text = NULL;

	if (!doc)
		return ct_err_set(err, ENOMEM, "build state");
	text = json_dumps(doc, JSON_COMPACT);
	if (!text)
		return ct_err_set(err, ENOMEM, "serialise state");

	return write_atomic(dirfd, "state.json", text, strlen(text), err);
}

int ct_state_open_file(int dirfd, const char *name, int *ret_fd, struct ct_err *err)
{
	/* Not blocking, not through a link: a FIFO planted there must not hang any command. */
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;

	if (fd < 0) {
		if (errno == ELOOP)
			return ct_err_set(err, 0, "%s is not a regular file", name);
		return ct_err_set(err, errno, "open %s", name);
	}
	if (fstat(fd, &st) < 0)
		return ct_err_set(err, errno, "stat %s", name);
	if (!S_ISREG(st.st_mode))
		return ct_err_set(err, 0, "%s is not a regular file", name);
	*ret_fd = steal_fd(&fd);

	return 0;
}

int ct_state_load(int dirfd, struct ct_record *rec, struct ct_err *err)
{
	cleanup_close int fd = -1;
	cleanup_json json_t *doc = NULL;
	json_error_t jerr;

	memset(rec, 0, sizeof(*rec));
	if (ct_state_open_file(dirfd, "state.json", &fd, err) < 0) {
		if (err->errnum == ENOENT)
			return ct_err_set(err, ENOENT, "container does not exist");
		return -1;
	}
	doc = json_loadfd(fd, 0, &jerr);
	if (!doc)
		return ct_err_set(err, EINVAL, "read state.json: %s", jerr.text);
	if (ct_record_from_json(doc, rec, err) < 0)
		return ct_err_wrap(err, "read state.json");

	return 0;
}

/* The state (field 3) and start time (field 22) from the fields after comm's closing ')'. */
static bool parse_stat_fields(const char *p, char *ret_state, unsigned long long *ret_start)
{
	char *end;
	char state;
	unsigned long long start;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return false;
	state = *p++;
	/* Fields 4 to 21 are numbers we only step over. */
	for (int field = 4; field < 22; field++) {
		(void)strtoll(p, &end, 10);
		if (end == p)
			return false;
		p = end;
	}
	errno = 0;
	start = strtoull(p, &end, 10);
	if (errno || end == p)
		return false;
	*ret_state = state;
	*ret_start = start;

	return true;
}

int ct_proc_start_time(pid_t pid, uint64_t *ret_start, char *ret_state, struct ct_err *err)
{
	char path[64];
	char buf[1024];
	cleanup_close int fd = -1;
	ssize_t n;
	char *p;
	unsigned long long start;
	char state;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_err_set(err, errno, "open '%s'", path);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return ct_err_set(err, n < 0 ? errno : EIO, "read '%s'", path);
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: the fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || !parse_stat_fields(p + 1, &state, &start))
		return ct_err_set(err, EINVAL, "parse '%s'", path);
	*ret_start = start;
	if (ret_state)
		*ret_state = state;

	return 0;
}

bool ct_state_pid_is(pid_t pid, uint64_t start_time)
{
	struct ct_err err;
	/* Set although unread on failure: the analyzer cannot see ct_err_set always returns -1. */
	uint64_t start = 0;
	char state = '\0';

	if (pid <= 0 || ct_proc_start_time(pid, &start, &state, &err) < 0)
		return false;
	/* A zombie has finished: for the lifecycle it is stopped. */
	return start == start_time && state != 'Z' && state != 'X';
}

enum ct_status ct_state_status(int dirfd, const struct ct_record *rec)
{
	if (rec->status == CT_STATUS_STOPPED || !ct_state_pid_is(rec->pid, rec->start_time))
		return CT_STATUS_STOPPED;
	if (rec->status == CT_STATUS_CREATING || rec->status == CT_STATUS_PAUSED)
		return rec->status;
	if (faccessat(dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return CT_STATUS_CREATED;

	return CT_STATUS_RUNNING;
}

json_t *ct_state_oci_json(const struct ct_record *rec, enum ct_status status)
{
	json_t *doc = json_object();

	if (!doc)
		return NULL;
	json_object_set_new(doc, "ociVersion", json_string(CT_OCI_VERSION));
	json_object_set_new(doc, "id", json_string(rec->id ? rec->id : ""));
	json_object_set_new(doc, "status", json_string(ct_status_name(status)));
	/* The spec wants pid while the process exists; stopped containers report 0 as runc does. */
	json_object_set_new(doc, "pid", json_integer(status == CT_STATUS_STOPPED ? 0 : rec->pid));
	json_object_set_new(doc, "bundle", json_string(rec->bundle ? rec->bundle : ""));
	if (rec->annotations)
		json_object_set(doc, "annotations", rec->annotations);

	return doc;
}

/* The temporary files of atomic writes: ".<state file>.<pid>". Anything else stays. */
static bool is_temporary(const char *name)
{
	for (int i = 0; state_files[i]; i++) {
		size_t n = strlen(state_files[i]);

		if (name[0] == '.' && strncmp(name + 1, state_files[i], n) == 0 &&
		    name[n + 1] == '.' && name[n + 2] &&
		    strspn(name + n + 2, "0123456789") == strlen(name + n + 2))
			return true;
	}

	return false;
}

static void remove_temporaries(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_closedir DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!dp) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(dp)))
		if (is_temporary(de->d_name))
			unlinkat(dirfd, de->d_name, 0);
}

int ct_state_remove(const char *root, const char *id, struct ct_err *err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int dirfd = -1;

	if (asprintf(&dir, "%s/%s", root, id) < 0)
		return ct_err_set(err, ENOMEM, "build state path");
	dirfd = open_state_dir(dir);
	if (dirfd < 0) {
		if (errno == ENOENT)
			return 0;
		return state_dir_error(dir, err);
	}
	for (int i = 0; state_files[i]; i++) {
		int rc = unlinkat(dirfd, state_files[i], 0);

		/* An empty directory put in a file's place goes too; anything more is said. */
		if (rc < 0 && errno == EISDIR)
			rc = unlinkat(dirfd, state_files[i], AT_REMOVEDIR);
		if (rc < 0 && errno != ENOENT)
			return ct_err_set(err, errno, "remove '%s/%s'", dir, state_files[i]);
	}
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != ENOTEMPTY && errno != EEXIST)
		return ct_err_set(err, errno, "remove '%s'", dir);
	/* A writer that died between write and rename left its temporary file. */
	remove_temporaries(dirfd);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return ct_err_set(err, errno, "remove '%s'", dir);

	return 0;
}

int ct_state_write_pid_file(const char *path, pid_t pid, struct ct_err *err)
{
	/* Freed by hand: the analyzers cannot follow a cleanup attribute here. */
	char *copy = strdup(path);
	cleanup_close int dirfd = -1;
	char buf[32];
	const char *dir, *base;
	char *slash;
	int len = snprintf(buf, sizeof(buf), "%d", (int)pid);
	int rc = 0;

	if (!copy)
		return ct_err_set(err, ENOMEM, "copy '%s'", path);
	slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		dir = slash == copy ? "/" : copy;
		base = slash + 1;
	} else {
		dir = ".";
		base = copy;
	}
	dirfd = *base ? open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC) : -1;
	if (!*base)
		rc = ct_err_set(err, EISDIR, "write pid file '%s'", path);
	else if (dirfd < 0)
		rc = ct_err_set(err, errno, "write pid file '%s': open '%s'", path, dir);
	else if (write_atomic(dirfd, base, buf, (size_t)len, err) < 0)
		rc = ct_err_wrap(err, "write pid file '%s'", path);
	free(copy);

	return rc;
}

void ct_state_now(char *buf, size_t size)
{
	ct_log_time_utc(buf, size, NULL, 9);
}
