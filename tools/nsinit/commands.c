/* SPDX-License-Identifier: Apache-2.0 */
/* The lifecycle commands over state: create, start, state, kill, delete, list, ps. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/hooks.h"
#include "common/interrupt.h"
#include "common/json.h"
#include "common/log.h"
#include "common/ns.h"
#include "common/rootfs.h"
#include "common/signals.h"
#include "common/spec.h"
#include "common/state.h"
#include "common/sync.h"

#include "tools/nsinit/nsinit.h"

/* A container opened for a command: directory, lock, record. */
struct opened {
	int dirfd;
	int lockfd;
	struct ct_record rec;
};

static void opened_release(struct opened *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	if (c->lockfd >= 0)
		close(c->lockfd);
	ct_record_free(&c->rec);
}

#define cleanup_opened __attribute__((cleanup(opened_release)))

static int open_container(const struct opts *o, struct opened *c, struct ct_err *err)
{
	c->dirfd = c->lockfd = -1;
	memset(&c->rec, 0, sizeof(c->rec));
	if (ct_state_open_dir(o->root, o->id, &c->dirfd, err) < 0 ||
	    ct_state_lock(c->dirfd, &c->lockfd, err) < 0 ||
	    ct_state_load(c->dirfd, &c->rec, err) < 0)
		return -1;
	return 0;
}

/*
 * For state, list and ps, which only read: create holds the lock until the container is
 * created (hooks included), and they must answer "creating" meanwhile, not wait. state.json
 * is only ever replaced by rename, so an unlocked read sees one whole version.
 */
static int peek_container(const struct opts *o, struct opened *c, struct ct_err *err)
{
	c->dirfd = c->lockfd = -1;
	memset(&c->rec, 0, sizeof(c->rec));
	if (ct_state_open_dir(o->root, o->id, &c->dirfd, err) < 0 ||
	    ct_state_load(c->dirfd, &c->rec, err) < 0)
		return -1;
	return 0;
}

static struct ct_spec *load_config_copy(int dirfd, struct ct_err *err)
{
	struct ct_diags diags = {0};
	cleanup_close int fd = -1;
	cleanup_free char *text = NULL;
	struct ct_spec *spec;
	size_t len;

	if (ct_state_open_file(dirfd, "config.json", &fd, err) < 0 ||
	    ct_read_fd(fd, "config.json", &text, &len, err) < 0) {
		ct_err_wrap(err, "config copy");
		return NULL;
	}
	spec = ct_spec_parse(text, len, &diags);
	if (!spec)
		ct_err_set(err, EINVAL, "config copy is invalid");
	ct_diags_free(&diags);

	return spec;
}

static char *oci_state_text(const struct ct_record *rec, enum ct_status status)
{
	cleanup_json json_t *doc = ct_state_oci_json(rec, status);

	return doc ? json_dumps(doc, JSON_COMPACT) : NULL;
}

/* A poststart or poststop hook that fails is reported and the lifecycle goes on (runtime-spec). */
static void run_hooks_logged(const struct opts *o, const struct ct_spec *spec,
			     enum ct_hook_stage stage, const struct ct_record *rec,
			     enum ct_status status)
{
	const struct ct_hook_list *list = ct_hooks_stage(spec ? spec->hooks : NULL, stage);
	cleanup_free char *state = NULL;
	struct ct_err err = {0};
	char text[CT_ERR_MSG_MAX + 64];

	if (list->n == 0)
		return;
	state = oci_state_text(rec, status);
	if (!state) {
		ct_log(CT_LOG_WARN, "%s: %s hooks: out of memory, continuing", o->id,
		       ct_hook_stage_name(stage));
		return;
	}
	if (ct_hooks_run(list, ct_hook_stage_name(stage), state, nsinit_hook_output, &err) < 0)
		ct_log(CT_LOG_WARN, "%s: %s, continuing", o->id,
		       ct_err_str(&err, text, sizeof(text)));
}

int cmd_create(const struct opts *o, struct ct_err *err)
{
	struct launch l;

	if (nsinit_create(o, false, &l, err) < 0) {
		nsinit_launch_release(&l);
		return ct_err_wrap(err, "create");
	}
	nsinit_launch_release(&l);
	return 0;
}

static bool pid_alive_as(pid_t pid, uint64_t start)
{
	return ct_state_pid_is(pid, start);
}

/* Waits for the init to write to exec.fifo; polls so a dead init cannot hang us. */
static int open_fifo_and_wait(int dirfd, const struct ct_record *rec, struct ct_err *err)
{
	cleanup_close int fd = openat(dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char byte;

	if (fd < 0)
		return ct_err_set(err, errno, "open exec.fifo");
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
				      {.fd = ct_interrupt_fd(), .events = POLLIN}};
		int n = poll(p, 2, 100);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_err_set(err, errno, "poll exec.fifo");
		if (n > 0 && p[1].revents && ct_interrupt_check(err) < 0)
			return -1;
		if (n == 0 || !p[0].revents) {
			if (!pid_alive_as(rec->pid, rec->start_time))
				return ct_err_set(err, ESRCH, "container init exited before start");
			continue;
		}
		if (read(fd, &byte, 1) == 1)
			return 0;
		if (p[0].revents & POLLHUP)
			return ct_err_set(err, EPIPE, "container init exited before start");
	}
}

/* The process runs: the state says so, then poststart hooks (start and run alike). */
static int mark_started(const struct opts *o, int dirfd, struct ct_record *rec,
			const struct ct_spec *spec, struct ct_err *err)
{
	ct_log(CT_LOG_DEBUG, "%s: started", o->id);
	/* run recorded running already, once its init was ready (nsinit_create). */
	if (rec->status != CT_STATUS_RUNNING) {
		rec->status = CT_STATUS_RUNNING;
		if (ct_state_save(dirfd, rec, err) < 0)
			return -1;
	}
	run_hooks_logged(o, spec, CT_HOOK_POSTSTART, rec, CT_STATUS_RUNNING);

	return 0;
}

int nsinit_start_locked(const struct opts *o, int dirfd, struct ct_record *rec, struct ct_err *err)
{
	int rc;

	enum ct_status status = ct_state_status(dirfd, rec);
	struct ct_spec *spec;

	if (status == CT_STATUS_RUNNING)
		return ct_err_set(err, 0, "cannot start an already running container");
	if (status == CT_STATUS_STOPPED)
		return ct_err_set(err, 0, "cannot start a container that has stopped");
	if (status != CT_STATUS_CREATED)
		return ct_err_set(err, 0, "cannot start a container in the %s state",
				  ct_status_name(status));
	spec = load_config_copy(dirfd, err);
	if (!spec)
		return -1;
	if (!spec->process) {
		ct_spec_free(spec);
		return ct_err_set(err, 0, "cannot start a container without process");
	}
	if (open_fifo_and_wait(dirfd, rec, err) < 0) {
		ct_spec_free(spec);
		return -1;
	}
	if (unlinkat(dirfd, "exec.fifo", 0) < 0)
		ct_log(CT_LOG_WARN, "%s: remove exec.fifo: %s, ignoring", o->id, strerror(errno));
	rc = mark_started(o, dirfd, rec, spec, err);
	ct_spec_free(spec);

	return rc;
}

int nsinit_start_launched(const struct opts *o, struct launch *l, struct ct_err *err)
{
	struct ct_sync_msg msg;

	/* The socket closes on execve (close-on-exec); a message is the init's error. An init
	 * that died instead shows as its exit status, as any container process's death does. */
	if (ct_sync_recv(l->sock, &msg, NULL, err) == 0) {
		if (msg.type != CT_SYNC_ERROR)
			return ct_err_set(err, EPROTO, "unexpected message %u from init", msg.type);
		*err = msg.err;
		return -1;
	}
	if (err->errnum != EPIPE && err->errnum != ECONNRESET)
		return ct_err_wrap(err, "wait for container init");
	ct_err_clear(err);
	close(l->sock);
	l->sock = -1;

	return mark_started(o, l->dirfd, &l->rec, l->spec, err);
}

int cmd_start(const struct opts *o, struct ct_err *err)
{
	cleanup_opened struct opened c = {.dirfd = -1, .lockfd = -1};
	sigset_t held;
	int rc;

	if (open_container(o, &c, err) < 0)
		return ct_err_wrap(err, "start");
	/* A TERM or Ctrl-C ends the wait on the init, or a poststart hook, with one line. */
	if (ct_interrupt_hold(&held, err) < 0)
		return ct_err_wrap(err, "start");
	rc = nsinit_start_locked(o, c.dirfd, &c.rec, err);
	if (rc < 0) {
		struct ct_err ignored;

		ct_interrupt_release(&held, &ignored);
		return ct_err_wrap(err, "start");
	}
	/*
	 * A signal that cut a poststart hook short (the hook was killed and said so: poststart
	 * failures are warnings), or came since: the start stands, and we say so.
	 */
	if (ct_interrupt_release(&held, err) < 0 || ct_interrupt_signal())
		return ct_err_set(err, 0, "start: interrupted by SIG%s; the container runs",
				  sigabbrev_np(ct_interrupt_signal()));
	return 0;
}

/*
 * The name from /etc/passwd, as runc looks it up. Read with fgetpwent rather
 * than getpwuid: NSS would load shared modules into our static binary.
 */
static const char *owner_name(uid_t uid, char *buf, size_t size)
{
	cleanup_fclose FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;

	snprintf(buf, size, "#%u", (unsigned)uid);
	while (f && (pw = fgetpwent(f)))
		if (pw->pw_uid == uid) {
			snprintf(buf, size, "%s", pw->pw_name);
			break;
		}

	return buf;
}

/* runc's state output: the OCI state plus rootfs, created and owner. */
static json_t *state_output(const struct ct_record *rec, enum ct_status status)
{
	json_t *doc = ct_state_oci_json(rec, status);
	char owner[32];

	if (!doc)
		return NULL;
	json_object_set_new(doc, "rootfs", json_string(rec->rootfs ? rec->rootfs : ""));
	json_object_set_new(doc, "created", json_string(rec->created ? rec->created : ""));
	json_object_set_new(doc, "owner",
			    json_string(owner_name(rec->owner, owner, sizeof(owner))));
	return doc;
}

int cmd_state(const struct opts *o, struct ct_err *err)
{
	cleanup_opened struct opened c = {.dirfd = -1, .lockfd = -1};
	cleanup_json json_t *doc = NULL;

	if (peek_container(o, &c, err) < 0)
		return ct_err_wrap(err, "state");
	doc = state_output(&c.rec, ct_state_status(c.dirfd, &c.rec));
	if (!doc || json_dumpf(doc, stdout, JSON_INDENT(2)) < 0)
		return ct_err_set(err, ENOMEM, "state: print");
	putchar('\n');

	return 0;
}

/* A pidfd taken before the start time check, so a reused pid is never hit. */
static int open_init_pidfd(const struct ct_record *rec, int *ret_fd, struct ct_err *err)
{
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, rec->pid, 0);

	if (pidfd < 0 || !pid_alive_as(rec->pid, rec->start_time))
		return ct_err_set(err, 0, "container not running");
	*ret_fd = steal_fd(&pidfd);
	return 0;
}

/* The pid a /proc entry names, or 0 for the entries that are not processes ("self", "sys"). */
static pid_t proc_entry_pid(const char *name)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(name, &end, 10);
	if (errno || end == name || *end || v <= 0 || v > INT_MAX)
		return 0;

	return (pid_t)v;
}

/* Every host pid in the init's pid namespace (the init alone when it shares ours). */
static int container_pids(const struct ct_record *rec, pid_t **ret, size_t *ret_n,
			  struct ct_err *err)
{
	cleanup_closedir DIR *d = NULL;
	cleanup_free pid_t *pids = NULL;
	size_t n = 0, cap = 0;
	uint64_t ino, want;
	struct dirent *e;

	*ret_n = 0;
	/* The cgroup knows every process, whatever pid namespace it runs in. */
	if (rec->cgroup)
		return nsinit_cgroup_pids(rec, ret, ret_n, err);
	/* LIMITATION: rootless (no cgroup) in the host's pid namespace, ps lists only the init. */
	if (!rec->own_pid_ns || ct_ns_inode(rec->pid, CT_NS_PID, &want, err) < 0) {
		pid_t *init_only = malloc(sizeof(pid_t));

		if (!init_only)
			return ct_err_set(err, ENOMEM, "list pids");
		init_only[0] = rec->pid;
		*ret = init_only;
		*ret_n = 1;
		return 0;
	}
	d = opendir("/proc");
	if (!d)
		return ct_err_set(err, errno, "open '/proc'");
	while ((e = readdir(d))) {
		pid_t pid = proc_entry_pid(e->d_name);
		struct ct_err ignored;

		if (pid <= 0 || ct_ns_inode(pid, CT_NS_PID, &ino, &ignored) < 0 || ino != want)
			continue;
		if (n == cap) {
			pid_t *grown = realloc(pids, (cap = cap ? cap * 2 : 16) * sizeof(pid_t));

			if (!grown)
				return ct_err_set(err, ENOMEM, "list pids");
			pids = grown;
		}
		pids[n++] = pid;
	}
	*ret = steal_ptr(&pids);
	*ret_n = n;

	return 0;
}

/*
 * Every other process of the container, as pidfds opened before any signal goes out: once
 * the first one dies the rest may exit and be reaped, and a bare pid could then be reused.
 */
static void signal_others(const struct ct_record *rec, int sig)
{
	cleanup_free pid_t *pids = NULL;
	struct ct_err ignored;
	size_t n = 0;

	if (container_pids(rec, &pids, &n, &ignored) < 0)
		return;
	/* Each pid becomes its pidfd in place (-1 for the init and for the gone). */
	for (size_t i = 0; i < n; i++)
		pids[i] = pids[i] == rec->pid ? -1 : (int)syscall(SYS_pidfd_open, pids[i], 0);
	for (size_t i = 0; i < n; i++) {
		if (pids[i] < 0)
			continue;
		/* A process that exited since the listing is no failure. */
		syscall(SYS_pidfd_send_signal, pids[i], sig, NULL, 0);
		close(pids[i]);
	}
}

int cmd_kill(const struct opts *o, struct ct_err *err)
{
	cleanup_opened struct opened c = {.dirfd = -1, .lockfd = -1};
	cleanup_close int pidfd = -1;
	int sig = SIGTERM;

	/* Signal 0 (ct_signal_parse takes it) only asks whether the init is alive, as runc's. */
	if (o->signal && ct_signal_parse(o->signal, &sig, err) < 0)
		return ct_err_wrap(err, "kill");
	if (open_container(o, &c, err) < 0)
		return ct_err_wrap(err, "kill");
	if (ct_state_status(c.dirfd, &c.rec) == CT_STATUS_STOPPED ||
	    open_init_pidfd(&c.rec, &pidfd, err) < 0)
		return ct_err_set(err, 0, "kill: container not running");
	if (o->all)
		signal_others(&c.rec, sig);
	/* With --all the init may have exited already, as the others died: it was running. */
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 && !(o->all && errno == ESRCH))
		return ct_err_set(err, errno, "kill: signal %d to pid %d", sig, (int)c.rec.pid);

	return 0;
}

/* SIGKILL, then wait until the init is gone (its parent reaps it). */
static int kill_and_wait(const struct ct_record *rec, struct ct_err *err)
{
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, rec->pid, 0);
	struct pollfd p;

	if (pidfd < 0 || !pid_alive_as(rec->pid, rec->start_time))
		return 0;
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return ct_err_set(err, errno, "kill pid %d", (int)rec->pid);
	p.fd = pidfd;
	p.events = POLLIN;
	for (int i = 0; i < 100; i++) {
		if (poll(&p, 1, 100) > 0 || !pid_alive_as(rec->pid, rec->start_time))
			return 0;
	}
	return ct_err_set(err, ETIMEDOUT, "wait for pid %d to exit", (int)rec->pid);
}

int nsinit_destroy(const struct opts *o, int dirfd, struct ct_record *rec,
		   const struct ct_spec *spec, struct ct_err *err)
{
	struct ct_err e2 = {0};
	struct ct_spec *copy = spec ? NULL : load_config_copy(dirfd, &e2);

	/* As runc: what is left in the cgroup dies, then the cgroup goes, before poststop hooks. */
	if (nsinit_cgroup_destroy(rec, err) < 0) {
		ct_spec_free(copy);
		return -1;
	}
	run_hooks_logged(o, spec ? spec : copy, CT_HOOK_POSTSTOP, rec, CT_STATUS_STOPPED);
	ct_spec_free(copy);
	if (!rec->own_mount_ns && rec->rootfs && rec->rootfs[0] &&
	    ct_rootfs_cleanup(rec->rootfs, rec->rootfs_base_mount, err) < 0)
		return ct_err_wrap(err, "unmount '%s'", rec->rootfs);

	return ct_state_remove(o->root, o->id, err);
}

int cmd_delete(const struct opts *o, struct ct_err *err)
{
	cleanup_opened struct opened c = {.dirfd = -1, .lockfd = -1};
	enum ct_status status;

	if (open_container(o, &c, err) < 0) {
		/* Engines delete --force what may be gone already: that is success. */
		if (o->force && err->errnum == ENOENT) {
			/* What is left of it (a create that died early) goes, or we say why not. */
			if (ct_state_remove(o->root, o->id, err) < 0)
				return ct_err_wrap(err, "delete");
			return 0;
		}
		return ct_err_wrap(err, "delete");
	}
	status = ct_state_status(c.dirfd, &c.rec);
	if (status != CT_STATUS_STOPPED) {
		if (!o->force)
			return ct_err_set(err, 0,
					  "delete: cannot delete container that is not stopped: %s",
					  ct_status_name(status));
		/* A task frozen by the v1 freezer does not die of SIGKILL until thawed. */
		if (status == CT_STATUS_PAUSED && nsinit_cgroup_thaw(&c.rec, err) < 0)
			return ct_err_wrap(err, "delete");
		if (kill_and_wait(&c.rec, err) < 0)
			return ct_err_wrap(err, "delete");
	}
	if (nsinit_destroy(o, c.dirfd, &c.rec, NULL, err) < 0)
		return ct_err_wrap(err, "delete");

	return 0;
}

static int list_one(const struct opts *o, const char *id, json_t *arr)
{
	struct opts one = *o;
	cleanup_opened struct opened c = {.dirfd = -1, .lockfd = -1};
	struct ct_err err = {0};
	enum ct_status status;
	char owner[32];
	json_t *doc;

	/* cmd_list passes only names that are valid ids. */
	one.id = id;
	/* Mid-create there is no state.json yet; anything else unreadable is said, as by runc. */
	if (peek_container(&one, &c, &err) < 0) {
		char text[CT_ERR_MSG_MAX + 128];

		if (err.errnum != ENOENT)
			ct_log(CT_LOG_WARN, "list: %s: %s, skipping", id,
			       ct_err_str(&err, text, sizeof(text)));
		return 0;
	}
	status = ct_state_status(c.dirfd, &c.rec);
	if (o->quiet) {
		printf("%s\n", id);
		return 0;
	}
	if (!o->format_json) {
		printf("%-12s %-8d %-10s %-40s %-32s %s\n", id,
		       status == CT_STATUS_STOPPED ? 0 : (int)c.rec.pid, ct_status_name(status),
		       c.rec.bundle ? c.rec.bundle : "", c.rec.created ? c.rec.created : "",
		       owner_name(c.rec.owner, owner, sizeof(owner)));
		return 0;
	}
	doc = state_output(&c.rec, status);
	if (!doc)
		return -1;
	json_array_append_new(arr, doc);

	return 0;
}

int cmd_list(const struct opts *o, struct ct_err *err)
{
	cleanup_json json_t *arr = json_array();
	struct dirent **names = NULL;
	int n = scandir(o->root, &names, NULL, alphasort);

	if (n < 0 && errno != ENOENT)
		return ct_err_set(err, errno, "list: open '%s'", o->root);
	if (!o->quiet && !o->format_json)
		printf("%-12s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	for (int i = 0; i < n; i++) {
		struct ct_err ignored;

		/* An id may start with a dot (".web"); the root's own entries are no valid id. */
		if (ct_state_check_id(names[i]->d_name, &ignored) == 0 &&
		    list_one(o, names[i]->d_name, arr) < 0)
			ct_err_set(err, ENOMEM, "list");
		free(names[i]);
	}
	free(names);
	if (o->format_json && !o->quiet) {
		json_dumpf(arr, stdout, JSON_COMPACT);
		putchar('\n');
	}
	return 0;
}

static void print_pids(const pid_t *pids, size_t n, bool format_json)
{
	if (format_json) {
		/* runc prints null, not [], for a container without processes. */
		if (n == 0) {
			printf("null\n");
			return;
		}
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
		return;
	}
	printf("%-8s %s\n", "PID", "CMD");
	for (size_t i = 0; i < n; i++) {
		char path[64], comm[64] = "";
		cleanup_fclose FILE *f = NULL;

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
		f = fopen(path, "re");
		if (f && fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		printf("%-8d %s\n", (int)pids[i], comm);
	}
}

int cmd_ps(const struct opts *o, struct ct_err *err)
{
	cleanup_opened struct opened c = {.dirfd = -1, .lockfd = -1};
	pid_t *pids = NULL;
	size_t n = 0;
	int rc = 0;

	if (peek_container(o, &c, err) < 0)
		return ct_err_wrap(err, "ps");
	/* A stopped container has no processes: the table is its header alone, as in runc. */
	if (ct_state_status(c.dirfd, &c.rec) != CT_STATUS_STOPPED &&
	    container_pids(&c.rec, &pids, &n, err) < 0)
		return ct_err_wrap(err, "ps");
	/* Like runc, --format json lists pids whatever ps(1) arguments follow. */
	if (o->n_ps_args > 0 && !o->format_json)
		rc = nsinit_ps_table(o->ps_args, o->n_ps_args, pids, n, err);
	else
		print_pids(pids, n, o->format_json);
	/* Freed by hand: the analyzers cannot follow a cleanup attribute here. */
	free(pids);

	return rc < 0 ? ct_err_wrap(err, "ps") : 0;
}
