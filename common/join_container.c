/* SPDX-License-Identifier: Apache-2.0 */
/* Joining a container nsinit runs: its record, its config, and a process set up as its own. */
#include "common/join.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/cleanup.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/state.h"

/* state.json in one read (ct_state_load reads it a byte at a time), then the state module's parser.
 */
static int load_record(int dirfd, struct ct_record *rec, struct ct_err *err)
{
	cleanup_free char *buf = NULL;
	cleanup_json json_t *doc = NULL;
	cleanup_close int fd = -1;
	json_error_t jerr;
	size_t len;

	if (ct_state_open_file(dirfd, "state.json", &fd, err) < 0 ||
	    ct_read_fd(fd, "state.json", &buf, &len, err) < 0)
		return -1;
	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return ct_err_set(err, 0, "parse state.json: %s", jerr.text);

	return ct_record_from_json(doc, rec, err);
}

static int check_status(int dirfd, const struct ct_record *rec, bool ignore_paused,
			struct ct_err *err)
{
	struct ct_err ignored;
	uint64_t start;

	switch (ct_state_status(dirfd, rec)) {
	case CT_STATUS_STOPPED:
		/* Said apart, since joining that process would have been joining a stranger. */
		if (rec->pid > 0 && ct_proc_start_time(rec->pid, &start, NULL, &ignored) == 0 &&
		    start != rec->start_time)
			return ct_err_set(
				err, 0,
				"cannot exec in a stopped container (its pid %d now belongs to another process)",
				(int)rec->pid);
		return ct_err_set(err, 0, "cannot exec in a stopped container");
	case CT_STATUS_PAUSED:
		if (ignore_paused)
			return 0;
		return ct_err_set(
			err, 0,
			"cannot exec in a paused container (resume it, or --ignore-paused)");
	case CT_STATUS_CREATING:
		return ct_err_set(err, 0, "cannot exec in a container still being created");
	default:
		return 0;
	}
}

/* The copy of config.json saved at create time; the bundle's own may have changed since. */
static struct ct_spec *load_config(int dirfd, const struct ct_record *rec, struct ct_err *err)
{
	cleanup_free char *buf = NULL;
	cleanup_json json_t *doc = NULL;
	cleanup_close int fd = -1;
	struct ct_diags diags = {0};
	struct ct_spec *spec;
	const char *path = "config.json";
	char from[PATH_MAX];
	size_t len;
	int rc;

	/* The copy, reached as ct_state_open_file allows; else the bundle's (an older create). */
	if (ct_state_open_file(dirfd, "config.json", &fd, err) == 0) {
		rc = ct_read_fd(fd, path, &buf, &len, err);
	} else if (err->errnum == ENOENT && rec->bundle) {
		if (snprintf(from, sizeof(from), "%s/config.json", rec->bundle) >=
		    (int)sizeof(from))
			return ct_err_set(err, ENAMETOOLONG, "bundle '%s'", rec->bundle), NULL;
		path = from;
		rc = ct_read_file(path, &buf, &len, err);
	} else {
		return NULL;
	}
	if (rc < 0)
		return NULL;
	/*
	 * create validated this copy before saving it; the model alone is
	 * enough here (the schema pass is most of a parse's time).
	 */
	doc = ct_json_parse(buf, len, &diags);
	spec = doc ? ct_spec_from_json(doc, &diags) : NULL;
	if (!spec || !spec->process) {
		ct_err_set(err, 0, "read config '%s': %s", path,
			   diags.count ? diags.items[0].msg : "no process");
		ct_diags_free(&diags);
		ct_spec_free(spec);
		return NULL;
	}
	ct_diags_free(&diags);

	return spec;
}

static int strv_add_once(struct ct_strv *sv, const char *name)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], name) == 0)
			return 0;
	return ct_strv_push(sv, name);
}

/* As runc exec --cap: the capability goes into all five sets. */
static int add_cap(struct ct_process *proc, const char *cap, void (*warn_unknown)(const char *name),
		   struct ct_err *err)
{
	char name[64];
	struct ct_capabilities *c;

	snprintf(name, sizeof(name), "%s%s", strncasecmp(cap, "CAP_", 4) == 0 ? "" : "CAP_", cap);
	for (char *p = name; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	/* As runc exec, which warns and goes on: the name may be one of a newer kernel. */
	if (ct_caps_from_name(name) < 0 && warn_unknown) {
		warn_unknown(cap);
		return 0;
	}
	if (ct_caps_from_name(name) < 0)
		return ct_err_set(err, 0, "unknown capability '%s'", cap);
	if (!proc->capabilities)
		proc->capabilities = calloc(1, sizeof(*proc->capabilities));
	c = proc->capabilities;
	if (!c || strv_add_once(&c->bounding, name) < 0 || strv_add_once(&c->effective, name) < 0 ||
	    strv_add_once(&c->permitted, name) < 0 || strv_add_once(&c->inheritable, name) < 0 ||
	    strv_add_once(&c->ambient, name) < 0)
		return ct_err_set(err, ENOMEM, "add capability '%s'", cap);

	return 0;
}

static int apply_overrides(const struct ct_join_container_opts *o, struct ct_process *proc,
			   struct ct_err *err)
{
	if (o->has_user) {
		proc->user.uid = o->uid;
		if (o->has_gid)
			proc->user.gid = o->gid;
	}
	if (o->has_additional_gids) {
		uint32_t *gids = calloc(o->n_additional_gids + 1, sizeof(*gids));

		if (!gids)
			return ct_err_set(err, ENOMEM, "copy additional gids");
		memcpy(gids, o->additional_gids, o->n_additional_gids * sizeof(*gids));
		free(proc->user.additional_gids);
		proc->user.additional_gids = gids;
		proc->user.n_additional_gids = o->n_additional_gids;
	}
	for (size_t i = 0; i < o->n_caps; i++)
		if (add_cap(proc, o->caps[i], o->warn_unknown_cap, err) < 0)
			return -1;
	for (size_t i = 0; i < o->n_env; i++)
		if (ct_join_env_set(&proc->env, o->env[i], err) < 0)
			return -1;
	if (o->cwd) {
		if (o->cwd[0] != '/')
			return ct_err_set(err, 0, "cwd '%s' is not an absolute path", o->cwd);
		free(proc->cwd);
		proc->cwd = strdup(o->cwd);
		if (!proc->cwd)
			return ct_err_set(err, ENOMEM, "copy cwd");
	}
	/* The config's terminal is the init's; an exec'd process has one only when asked. */
	if (!o->process_file)
		proc->terminal = o->tty;
	else if (o->tty)
		proc->terminal = true;
	if (o->no_new_privs)
		proc->no_new_privileges = true;

	return 0;
}

/* Connected on the host side: the joining child cannot reach host paths any more. */
static int connect_console(const char *path, int *ret_fd, struct ct_err *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	cleanup_close int fd = -1;

	size_t len = strlen(path);

	if (len >= sizeof(addr.sun_path))
		return ct_err_set(err, ENAMETOOLONG, "console socket '%s'", path);
	memcpy(addr.sun_path, path, len + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ct_err_set(err, errno, "socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return ct_err_set(err, errno, "connect console socket '%s'", path);
	*ret_fd = steal_fd(&fd);

	return 0;
}

static int run_joined(const struct ct_join_container_opts *o, const struct ct_join_req *req,
		      int *ret_code, int *ret_signal, enum ct_join_fail *ret_fail,
		      struct ct_err *err)
{
	pid_t pid;
	int master = -1;
	int wstatus;

	if (ct_join_start(req, &pid, &master, ret_fail, err) < 0)
		return -1;
	*ret_fail = CT_JOIN_FAIL_SETUP;
	if (o->pid_file && ct_state_write_pid_file(o->pid_file, pid, err) < 0) {
		/* Nobody could find or manage a process whose pid file is missing: end it. */
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		ct_closep(&master);
		return -1;
	}
	*ret_code = 0;
	*ret_signal = 0;
	if (o->detach)
		return 0;
	if (ct_join_wait(pid, true, master, &wstatus, err) < 0) {
		ct_closep(&master);
		return -1;
	}
	ct_closep(&master);
	ct_join_exit_status(wstatus, ret_code, ret_signal);
	*ret_fail = CT_JOIN_FAIL_NONE;

	return 0;
}

static int join_loaded(const struct ct_join_container_opts *o, const struct ct_record *rec,
		       struct ct_spec *spec, struct ct_process *proc, int *ret_code,
		       int *ret_signal, enum ct_join_fail *ret_fail, struct ct_err *err)
{
	struct ct_join_req req = {
		.pid = rec->pid,
		.start_time = rec->start_time,
		.all = true,
		.join_cgroups = true,
		.proc = proc,
		.linux_ = spec->linux_,
		.preserve_fds = o->preserve_fds,
		.warn_unknown_cap = o->warn_unknown_cap,
		.console_fd = -1,
		.argv = o->argv,
		/* Without its own mount namespace the container lives in a chroot of ours. */
		.root_target = !rec->own_mount_ns,
	};
	cleanup_free char *cache = NULL;
	int rc;

	if (apply_overrides(o, proc, err) < 0)
		return -1;
	/* Beside the containers' directories under a name no container id can take ('@'). */
	if (asprintf(&cache, "%s/.@seccomp-cache", o->root ? o->root : CT_STATE_ROOT_DEFAULT) < 0)
		return ct_err_set(err, ENOMEM, "build cache path");
	req.seccomp_cache = cache;
	if (!o->argv && !o->process_file)
		return ct_err_set(err, 0, "no program given");
	req.tty = proc->terminal;
	if (req.tty && o->detach && !o->console_socket)
		return ct_err_set(err, 0,
				  "a terminal for a detached process needs --console-socket");
	if (o->console_socket && !req.tty)
		return ct_err_set(err, 0, "--console-socket needs --tty");
	if (o->console_socket && connect_console(o->console_socket, &req.console_fd, err) < 0)
		return -1;
	rc = run_joined(o, &req, ret_code, ret_signal, ret_fail, err);
	ct_closep(&req.console_fd);

	return rc;
}

int ct_join_container(const struct ct_join_container_opts *o, int *ret_code, int *ret_signal,
		      enum ct_join_fail *ret_fail, struct ct_err *err)
{
	const char *root = o->root ? o->root : CT_STATE_ROOT_DEFAULT;
	struct ct_record rec = {0};
	struct ct_spec *spec = NULL;
	struct ct_spec *proc_spec = NULL;
	cleanup_close int dirfd = -1;
	int rc = -1;

	*ret_fail = CT_JOIN_FAIL_SETUP;
	if (ct_state_check_id(o->id, err) < 0)
		return -1;
	if (ct_state_open_dir(root, o->id, &dirfd, err) < 0 || load_record(dirfd, &rec, err) < 0)
		goto out;
	if (check_status(dirfd, &rec, o->ignore_paused, err) < 0)
		goto out;
	spec = load_config(dirfd, &rec, err);
	if (!spec)
		goto out;
	if (o->process_file) {
		proc_spec = ct_join_load_process(o->process_file, err);
		if (!proc_spec)
			goto out;
	}
	rc = join_loaded(o, &rec, spec, proc_spec ? proc_spec->process : spec->process, ret_code,
			 ret_signal, ret_fail, err);
out:
	if (rc < 0)
		ct_err_wrap(err, "container '%s'", o->id);
	ct_spec_free(proc_spec);
	ct_spec_free(spec);
	ct_record_free(&rec);

	return rc;
}
