/* SPDX-License-Identifier: Apache-2.0 */
/* nsinit create, the parent's side: state, clone of the init, id maps, hooks, cleanup. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cgroup.h"
#include "common/cleanup.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/hooks.h"
#include "common/interrupt.h"
#include "common/json.h"
#include "common/log.h"
#include "common/ns.h"
#include "common/procattr.h"
#include "common/rootfs.h"
#include "common/seccomp.h"
#include "common/spec.h"
#include "common/state.h"
#include "common/sync.h"
#include "common/terminal.h"

#include "tools/nsinit/nsinit.h"

extern char **environ;

/*
 * Reads and parses the config; its text stays in l for the state directory's copy, which is
 * then the bytes the user gave rather than a re-serialisation of the model (that took a
 * quarter of the parent's instructions in a run).
 */
static int load_spec_at(const char *path, struct launch *l, struct ct_err *err)
{
	struct ct_diags diags = {0};

	if (ct_read_file(path, &l->config_text, &l->config_len, err) < 0)
		return ct_err_wrap(err, "load config");
	l->spec = ct_spec_parse(l->config_text, l->config_len, &diags);
	if (!l->spec) {
		for (size_t i = 0; i < diags.count; i++) {
			cleanup_free char *line = NULL;

			if (diags.items[i].level != CT_DIAG_ERROR)
				continue;
			line = ct_diag_format(&diags.items[i], path);
			ct_err_set(err, 0, "%s", line ? line : "invalid config");
			break;
		}
		if (diags.errors == 0)
			ct_err_set(err, EINVAL, "load config '%s'", path);
		ct_diags_free(&diags);
		return -1;
	}
	ct_diags_free(&diags);

	return 0;
}

static int load_spec(const struct opts *o, const char *bundle, struct launch *l, struct ct_err *err)
{
	char *path = NULL;
	int rc;

	if (o->config)
		path = strdup(o->config);
	else if (asprintf(&path, "%s/config.json", bundle) < 0)
		path = NULL;
	if (!path)
		return ct_err_set(err, ENOMEM, "build config path");
	rc = load_spec_at(path, l, err);
	/* Freed by hand: the analyzers cannot follow a cleanup attribute here. */
	free(path);

	return rc;
}

/*
 * The process's env plus LISTEN_FDS and LISTEN_PID=1 when the caller passed sockets; the
 * LISTEN_FDS entry is written into listen_env, which must outlive the array.
 */
static char **build_env(const struct ct_spec *spec, int listen_fds, char *listen_env,
			size_t listen_size)
{
	size_t n = spec->process ? spec->process->env.n : 0;
	char **env = calloc(n + 3, sizeof(char *));
	size_t k = 0;

	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *e = spec->process->env.v[i];

		if (listen_fds > 0 &&
		    (strncmp(e, "LISTEN_FDS=", 11) == 0 || strncmp(e, "LISTEN_PID=", 11) == 0))
			continue;
		env[k++] = (char *)e;
	}
	if (listen_fds > 0) {
		snprintf(listen_env, listen_size, "LISTEN_FDS=%d", listen_fds);
		env[k] = listen_env;
		env[k + 1] = (char *)"LISTEN_PID=1";
	}
	return env;
}

/* sd_listen_fds(3): a count of 1..1023; anything else (unset, junk, out of range) passes none. */
static int listen_fds_passed(void)
{
	const char *v = getenv("LISTEN_FDS");
	char *end;
	long n;

	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end)
		return 0;

	return n > 0 && n < 1024 ? (int)n : 0;
}

/* *ret_in_cgroup tells whether the child was born in cgroup_fd's cgroup. */
static pid_t clone3_flags(uint64_t flags, int cgroup_fd, bool *ret_in_cgroup)
{
	struct clone_args args = {.flags = flags, .exit_signal = SIGCHLD};

	/* On cgroup v2 the init is born in its cgroup: not a moment outside it. */
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}

	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));

	*ret_in_cgroup = cgroup_fd >= 0;
	/*
	 * Some seccomp profiles (Docker's, valgrind) answer clone3 with ENOSYS so
	 * that callers fall back. The legacy clone takes the same namespace flags;
	 * the init then moves itself into its cgroup on GO, as on v1.
	 */
	if (pid < 0 && errno == ENOSYS) {
		*ret_in_cgroup = false;
		pid = (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL,
				     NULL);
	}

	return pid;
}

/*
 * The namespaces the configuration asks to be made new (not joined by path), as clone flags.
 * The time namespace is left out: the init must set its offsets before entering it. So is the
 * cgroup namespace: the init unshares it once it is in its cgroup, which becomes its root.
 * *ret_has_path: some namespace is joined by path.
 */
static uint64_t made_ns_flags(const struct ct_spec *spec, bool *ret_has_path)
{
	uint64_t flags = 0;

	*ret_has_path = false;
	for (size_t i = 0; spec->linux_ && i < spec->linux_->n_namespaces; i++) {
		const struct ct_namespace *ns = &spec->linux_->namespaces[i];
		const struct ct_ns_info *info = ct_ns_info(ns->type);

		if (ns->path)
			*ret_has_path = true;
		else if (info && ns->type != CT_NS_TIME && ns->type != CT_NS_CGROUP)
			flags |= (uint64_t)info->clone_flag;
	}
	return flags;
}

/*
 * Of those, the new network, mount, IPC and UTS namespaces (CT_EARLY_NS_FLAGS) the init makes
 * itself, on another CPU, while we make its cgroups. Made by clone they were ours to wait for:
 * the network namespace is the costliest thing a create makes, and a mount namespace copies
 * every host mount. The user and pid namespaces stay with clone: the init must be born in them.
 */
static uint64_t clone_ns_flags(const struct ct_spec *spec, bool *ret_has_path)
{
	return made_ns_flags(spec, ret_has_path) & ~(uint64_t)CT_EARLY_NS_FLAGS;
}

static uint64_t early_ns_flags(const struct ct_spec *spec)
{
	bool has_path;

	return made_ns_flags(spec, &has_path) & (uint64_t)CT_EARLY_NS_FLAGS;
}

/*
 * The kernel most often starts a new child on its parent's CPU, where it either waits for us to
 * yield or takes the CPU from us: either way the init's namespaces (about half a millisecond)
 * and our cgroups (as long again) would take turns there while another CPU idled. So the init
 * makes its namespaces on the CPUs it may use but ours: it goes there itself as it starts, and
 * we send it there as soon as clone returns, whichever comes first. It takes back its own set
 * once our first message reaches it. With a single CPU allowed, nothing changes.
 */
static bool plan_spread(struct init_args *a)
{
	int cpu = sched_getcpu();

	if (!a->early_ns || cpu < 0 || cpu >= CPU_SETSIZE ||
	    sched_getaffinity(0, sizeof(a->cpus), &a->cpus) < 0)
		return false;
	a->others = a->cpus;
	CPU_CLR(cpu, &a->others);

	return CPU_COUNT(&a->others) > 0;
}

/*
 * An intermediate process joins the namespaces given by path (user first),
 * then clones the init with CLONE_PARENT so the init is still our child;
 * joining here keeps the runtime itself in its own namespaces.
 */
__attribute__((noreturn)) static void join_then_clone(struct init_args *a, uint64_t flags)
{
	const struct ct_linux *lx = a->spec->linux_;
	int fds[CT_NS_COUNT];
	struct ct_err err = {0};
	pid_t pid;

	for (int t = 0; t < CT_NS_COUNT; t++)
		fds[t] = -1;
	/* The intermediate must not outlive a create that died before it cloned the init. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
		ct_err_set(&err, errno, "prctl PR_SET_PDEATHSIG");
		goto fail;
	}
	/* A flock belongs to the open file, which a child shares until it closes its copy. */
	close(a->lock_fd);
	/* The init's mounts are those of the namespace joined here, not ours. */
	ct_cgroup_forget_mounts();
	/* Open everything first: after joining the mount namespace the paths may not resolve. */
	for (size_t i = 0; i < lx->n_namespaces; i++) {
		const struct ct_namespace *ns = &lx->namespaces[i];

		if (ns->path && ct_ns_open(ns->path, ns->type, &fds[ns->type], &err) < 0)
			goto fail;
	}
	for (int i = 0; i < CT_NS_COUNT; i++) {
		const struct ct_ns_info *info = &ct_ns_table[i];
		const struct ct_namespace *ns = ct_spec_find_ns(a->spec, info->type);

		if (fds[info->type] >= 0 &&
		    ct_ns_join(fds[info->type], info->type, ns->path, &err) < 0)
			goto fail;
	}
	/*
	 * clone3 refuses an exit signal with CLONE_PARENT; the legacy clone gives
	 * the child our own exit signal (SIGCHLD, as we were forked), so the
	 * runtime can wait for its init as for any child.
	 */
	pid = (pid_t)syscall(SYS_clone, (unsigned long)flags | CLONE_PARENT, NULL, NULL, NULL,
			     NULL);
	if (pid < 0) {
		ct_err_set(&err, errno, "clone");
		goto fail;
	}
	if (pid == 0)
		nsinit_init_main(a);
	ct_sync_send(a->sock, CT_SYNC_PID, pid, NULL, -1, &err);
	_exit(0);
fail:
	ct_err_wrap(&err, "join namespaces");
	ct_sync_send(a->sock, CT_SYNC_ERROR, 0, &err, -1, &err);
	_exit(1);
}

/* *ret_in_cgroup: the init was cloned into a->cgroup_fd's cgroup and need not move there. */
static int spawn_init(struct init_args *a, int psock, pid_t *ret_pid, bool *ret_in_cgroup,
		      struct ct_err *err)
{
	bool has_path;
	uint64_t flags = clone_ns_flags(a->spec, &has_path);
	struct ct_sync_msg msg;
	pid_t pid, helper;
	int status;

	*ret_in_cgroup = false;
	if (!has_path) {
		pid = clone3_flags(flags, a->cgroup_fd, ret_in_cgroup);
		if (pid < 0)
			return ct_err_set(err, errno, "clone");
		if (pid == 0)
			nsinit_init_main(a);
		*ret_pid = pid;
		return 0;
	}
	/* The intermediate's legacy clone cannot take CLONE_INTO_CGROUP. */
	helper = fork();
	if (helper < 0)
		return ct_err_set(err, errno, "fork");
	if (helper == 0)
		join_then_clone(a, flags);
	/* On failure (an interruption among them) the helper may still be joining: stop it. */
	if (ct_sync_expect(psock, CT_SYNC_PID, &msg, NULL, err) < 0) {
		pid = -1;
		kill(helper, SIGKILL);
	} else {
		pid = msg.pid;
	}
	while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
		;
	if (pid < 0)
		return -1;
	*ret_pid = pid;

	return 0;
}

static int write_map(pid_t pid, const char *file, const struct ct_id_mapping *m, size_t n,
		     struct ct_err *err)
{
	char path[64];
	char buf[4096];
	size_t len = 0;
	cleanup_close int fd = -1;

	for (size_t i = 0; i < n && len < sizeof(buf) - 40; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n",
					m[i].container_id, m[i].host_id, m[i].size);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_err_set(err, errno, "open '%s'", path);
	if (write(fd, buf, len) != (ssize_t)len)
		return ct_err_set(err, errno, "write '%s'", path);

	return 0;
}

static int write_id_maps(pid_t pid, const struct ct_linux *lx, struct ct_err *err)
{
	char path[64];

	if (!lx || (lx->n_uid_mappings == 0 && lx->n_gid_mappings == 0))
		return 0;
	/* Without CAP_SETGID over the parent namespace, a gid map is taken only after "deny". */
	if (geteuid() != 0) {
		cleanup_close int fd = -1;

		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "deny", 4) != 4)
			return ct_err_set(err, errno, "write '%s'", path);
	}
	if (write_map(pid, "uid_map", lx->uid_mappings, lx->n_uid_mappings, err) < 0 ||
	    write_map(pid, "gid_map", lx->gid_mappings, lx->n_gid_mappings, err) < 0)
		return ct_err_wrap(err, "write id maps");

	return 0;
}

static char *state_json_text(const struct ct_record *rec, enum ct_status status)
{
	cleanup_json json_t *doc = ct_state_oci_json(rec, status);

	return doc ? json_dumps(doc, JSON_COMPACT) : NULL;
}

static int run_runtime_hooks(struct launch *l, struct ct_err *err)
{
	cleanup_free char *state = state_json_text(&l->rec, CT_STATUS_CREATING);
	const struct ct_hooks *hooks = l->spec->hooks;

	if (!state)
		return ct_err_set(err, ENOMEM, "build hook state");
	/* prestart is deprecated; it runs where runc runs it, just before createRuntime. */
	if (ct_hooks_run(ct_hooks_stage(hooks, CT_HOOK_PRESTART), "prestart", state,
			 nsinit_hook_output, err) < 0 ||
	    ct_hooks_run(ct_hooks_stage(hooks, CT_HOOK_CREATE_RUNTIME), "createRuntime", state,
			 nsinit_hook_output, err) < 0)
		return -1;

	return 0;
}

/* The seccomp agent gets the notify fd with the container process state (runtime-spec). */
static int send_listener(struct launch *l, int notify_fd, struct ct_err *err)
{
	const struct ct_seccomp *sc = l->spec->linux_->seccomp;
	cleanup_json json_t *state = ct_state_oci_json(&l->rec, CT_STATUS_CREATING);
	cleanup_free char *text = NULL;

	if (!state)
		return ct_err_set(err, ENOMEM, "build state");
	text = ct_seccomp_process_state(l->rec.pid, sc->listener_metadata, state, err);
	if (!text)
		return -1;
	if (ct_seccomp_send_listener(sc->listener_path, notify_fd, text, err) < 0)
		return ct_err_wrap(err, "seccomp listener");

	return 0;
}

/*
 * The init hung up without a word: it died. Its fate says more than the closed
 * socket does, above all a kill by the kernel for memory, which a low
 * linux.resources.memory.limit brings about during setup.
 */
static int explain_init_death(struct launch *l, struct ct_err *err)
{
	uint64_t ooms = 0;
	struct ct_err ignored;
	int status = 0;
	pid_t r = 0;

	/* It has closed its end, so it is exiting: give it a moment to become a zombie. */
	for (int i = 0; i < 100 && r == 0; i++) {
		r = waitpid(l->rec.pid, &status, WNOHANG);
		if (r == 0)
			usleep(1000);
	}
	if (r != l->rec.pid)
		return -1;
	l->reaped = true;
	if (WIFSIGNALED(status) && nsinit_cgroup_oom_kills(&l->rec, &ooms, &ignored) == 0 &&
	    ooms > 0)
		return ct_err_set(
			err, 0,
			"container init was OOM-killed during setup (OOM kills in its cgroup: %" PRIu64
			"); raise linux.resources.memory.limit",
			ooms);
	/*
	 * The filter is loaded before setup ends: the init still checks the program and
	 * reports ready, and without noNewPrivileges also sets its ids and capabilities.
	 * A profile that kills one of those calls kills the runtime, not the container.
	 * The names are those of init.c after load_seccomp; keep them in step with it.
	 */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS && l->spec->linux_ &&
	    l->spec->linux_->seccomp) {
		const char *needs =
			"setgroups, setresgid, setresuid, capset, prctl, newfstatat, access, sendmsg";

		if (l->spec->process && l->spec->process->no_new_privileges)
			needs = "newfstatat, access, prctl, sendmsg";
		return ct_err_set(
			err, 0,
			"container init was killed by signal %d (%s) during setup: linux.seccomp kills a system call the runtime makes after loading it, before the process starts (such as %s); allow those",
			SIGSYS, strsignal(SIGSYS), needs);
	}
	if (WIFSIGNALED(status))
		return ct_err_set(err, 0,
				  "container init was killed by signal %d (%s) during setup",
				  WTERMSIG(status), strsignal(WTERMSIG(status)));

	return ct_err_set(err, 0, "container init exited with status %d during setup",
			  WEXITSTATUS(status));
}

/* Serves the init's requests until it reports READY or fails. */
static int talk_to_init(const struct opts *o, struct launch *l, int sock, struct ct_err *err)
{
	struct ct_sync_msg msg;

	for (;;) {
		int fd = -1;

		if (ct_sync_recv(sock, &msg, &fd, err) < 0) {
			if (err->errnum == EPIPE || err->errnum == ECONNRESET)
				explain_init_death(l, err);
			return ct_err_wrap(err, "wait for container init");
		}
		switch (msg.type) {
		case CT_SYNC_HOOKS:
			if (run_runtime_hooks(l, err) < 0)
				return -1;
			if (ct_sync_send(sock, CT_SYNC_HOOKS_DONE, 0, NULL, -1, err) < 0)
				return -1;
			break;
		case CT_SYNC_PTY:
			if (o->console_socket) {
				int rc = ct_terminal_send_to_socket(o->console_socket, fd, err);

				close(fd);
				if (rc < 0)
					return -1;
			} else {
				/* run relays it: the process may ask for its size at once. */
				if (isatty(STDIN_FILENO))
					ct_terminal_copy_size(STDIN_FILENO, fd);
				l->pty_master = fd;
			}
			break;
		case CT_SYNC_SECCOMP: {
			int rc = send_listener(l, fd, err);

			close(fd);
			if (rc < 0)
				return -1;
			break;
		}
		case CT_SYNC_READY:
			return 0;
		case CT_SYNC_ERROR:
			*err = msg.err;
			return -1;
		default:
			if (fd >= 0)
				close(fd);
			return ct_err_set(err, EPROTO, "unexpected message %u from init", msg.type);
		}
	}
}

static int fill_record(const struct opts *o, struct launch *l, const char *bundle,
		       const char *rootfs, struct ct_err *err)
{
	char now[64];
	struct ct_record *rec = &l->rec;

	ct_state_now(now, sizeof(now));
	rec->id = strdup(o->id);
	rec->bundle = strdup(bundle);
	rec->rootfs = strdup(rootfs);
	rec->created = strdup(now);
	if (!rec->id || !rec->bundle || !rec->rootfs || !rec->created)
		return ct_err_set(err, ENOMEM, "build state");
	rec->status = CT_STATUS_CREATING;
	rec->rootless = geteuid() != 0;
	rec->owner = geteuid();
	rec->own_mount_ns = ct_spec_find_ns(l->spec, CT_NS_MOUNT) != NULL;
	/* Mounts on the host: what is there now stays at delete. */
	if (!rec->own_mount_ns && ct_rootfs_base_mount(rootfs, &rec->rootfs_base_mount, err) < 0)
		return -1;
	rec->own_pid_ns = ct_spec_find_ns(l->spec, CT_NS_PID) != NULL &&
			  !ct_spec_find_ns(l->spec, CT_NS_PID)->path;
	if (l->spec->annotations.n) {
		rec->annotations = json_object();
		for (size_t i = 0; rec->annotations && i < l->spec->annotations.n; i++)
			json_object_set_new(rec->annotations, l->spec->annotations.v[i].key,
					    json_string(l->spec->annotations.v[i].value));
	}
	return 0;
}

static void fill_ns_paths(struct launch *l)
{
	for (size_t i = 0; l->spec->linux_ && i < l->spec->linux_->n_namespaces; i++) {
		const struct ct_namespace *ns = &l->spec->linux_->namespaces[i];
		const struct ct_ns_info *info = ct_ns_info(ns->type);
		char *p = NULL;

		if (!info || asprintf(&p, "/proc/%d/ns/%s", (int)l->rec.pid, info->proc_name) < 0)
			continue;
		free(l->rec.ns_paths[ns->type]);
		l->rec.ns_paths[ns->type] = p;
	}
}

static int check_terminal_flags(const struct opts *o, const struct ct_spec *spec, bool for_run,
				struct ct_err *err)
{
	bool terminal = spec->process && spec->process->terminal;
	bool detached = !for_run || o->detach;

	if (terminal && detached && !o->console_socket)
		return ct_err_set(
			err, 0,
			"cannot allocate tty if nsinit will detach without setting console socket");
	if (!terminal && o->console_socket)
		return ct_err_set(
			err, 0,
			"cannot use console socket if nsinit will not detach or allocate tty");

	return 0;
}

static bool same_ns_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/*
 * The init sets up the rootfs in the mount namespace it joins: in ours, or the host's, that
 * would make '/' a slave and pivot_root the root of every process in it.
 * LIMITATION: joining the runtime's own (or pid 1's) mount namespace by path is refused with
 * "is the runtime's own"; leaving the mount namespace out shares it, with the host mounts
 * removed at delete.
 */
static int check_mount_ns(const struct ct_spec *spec, struct ct_err *err)
{
	const struct ct_namespace *ns = ct_spec_find_ns(spec, CT_NS_MOUNT);

	if (!ns || !ns->path)
		return 0;
	if (same_ns_file(ns->path, "/proc/self/ns/mnt") || same_ns_file(ns->path, "/proc/1/ns/mnt"))
		return ct_err_set(
			err, 0,
			"mount namespace '%s' is the runtime's own: leave it out to share it",
			ns->path);
	return 0;
}

/* As runc: an entry without '=' or without a name is no variable execve could pass on. */
static int check_env(const struct ct_spec *spec, struct ct_err *err)
{
	for (size_t i = 0; spec->process && i < spec->process->env.n; i++) {
		const char *e = spec->process->env.v[i];

		if (e[0] != '=' && strchr(e, '='))
			continue;
		return ct_err_set(err, 0,
				  "invalid environment variable /process/env/%zu: want NAME=VALUE",
				  i);
	}
	return 0;
}

/* exec, kill and delete read the config from here: the bundle may change or go. */
static int save_config_copy(int dirfd, const char *text, size_t len, struct ct_err *err)
{
	cleanup_close int fd = -1;

	fd = openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return ct_err_set(err, errno, "open config copy");
	if (write(fd, text, len) != (ssize_t)len)
		return ct_err_set(err, errno, "write config copy");

	return 0;
}

static int resolve_paths(const struct opts *o, const struct ct_spec *spec, char **ret_bundle,
			 char **ret_rootfs, struct ct_err *err)
{
	cleanup_free char *bundle = realpath(o->bundle ? o->bundle : ".", NULL);
	/* Freed by hand: the analyzers cannot follow a cleanup attribute here. */
	char *joined = NULL;
	char *rootfs;

	if (!bundle)
		return ct_err_set(err, errno, "bundle '%s'", o->bundle ? o->bundle : ".");
	if (!spec->root_path)
		return ct_err_set(err, 0, "config has no root.path");
	if (spec->root_path[0] == '/')
		joined = strdup(spec->root_path);
	else if (asprintf(&joined, "%s/%s", bundle, spec->root_path) < 0)
		joined = NULL;
	if (!joined)
		return ct_err_set(err, ENOMEM, "build rootfs path");
	rootfs = realpath(joined, NULL);
	if (!rootfs) {
		ct_err_set(err, errno, "rootfs '%s'", joined);
		free(joined);
		return -1;
	}
	free(joined);
	/* The state file and the hooks' state are JSON: a path it cannot hold is refused now,
	 * not recorded empty. */
	if (!ct_utf8_valid(bundle) || !ct_utf8_valid(rootfs)) {
		ct_err_set(err, 0, "bundle '%s' or its rootfs is no valid UTF-8 path", bundle);
		free(rootfs);
		return -1;
	}
	*ret_bundle = steal_ptr(&bundle);
	*ret_rootfs = rootfs;

	return 0;
}

/* Undoes a failed create: the init (and so its namespaces), host mounts, the state directory. */
static void abandon(const struct opts *o, struct launch *l)
{
	struct ct_err err = {0};

	if (l->rec.pid > 0 && !l->reaped) {
		kill(l->rec.pid, SIGKILL);
		while (waitpid(l->rec.pid, NULL, 0) < 0 && errno == EINTR)
			;
		l->reaped = true;
	}
	if (nsinit_cgroup_destroy(&l->rec, &err) < 0)
		ct_log(CT_LOG_WARN, "%s: remove cgroup: %s, ignoring", o->id, err.msg);
	if (l->rec.rootfs && !l->rec.own_mount_ns &&
	    ct_rootfs_cleanup(l->rec.rootfs, l->rec.rootfs_base_mount, &err) < 0)
		ct_log(CT_LOG_WARN, "%s: clean up '%s': %s, ignoring", o->id, l->rec.rootfs,
		       err.msg);
	if (ct_state_remove(o->root, o->id, &err) < 0)
		ct_log(CT_LOG_WARN, "%s: remove state: %s, ignoring", o->id, err.msg);
}

void nsinit_launch_release(struct launch *l)
{
	ct_spec_free(l->spec);
	free(l->config_text);
	ct_record_free(&l->rec);
	if (l->dirfd >= 0)
		close(l->dirfd);
	if (l->lockfd >= 0)
		close(l->lockfd);
	if (l->pty_master >= 0)
		close(l->pty_master);
	if (l->sock >= 0)
		close(l->sock);
	l->spec = NULL;
	l->config_text = NULL;
	l->dirfd = l->lockfd = l->pty_master = l->sock = -1;
}

/* The init's ways into its cgroups, until they are handed over. */
struct entries {
	int fds[CT_CGROUP_MAX_ENTRIES];
	size_t n;
};

static void entries_close(struct entries *e)
{
	while (e->n > 0)
		close(e->fds[--e->n]);
}

#define cleanup_entries __attribute__((cleanup(entries_close)))

struct handover {
	int psock;
	struct launch *l;
};

/*
 * On v1 the init moves itself into its cgroups by writing 0 to each hierarchy's tasks file,
 * through descriptors we open: moving another process takes a global lock. They go to it as
 * soon as the directories exist, so that it moves in while we write the resources, the device
 * policy and its state. An init that is gone already has its reason waiting for GO.
 */
static int hand_over_cgroups(const struct ct_cgroup *cg, void *arg, struct ct_err *err)
{
	const struct handover *h = arg;
	cleanup_entries struct entries ent = {.n = 0};

	if (ct_cgroup_open_entries(cg, ent.fds, CT_CGROUP_MAX_ENTRIES, &ent.n, err) < 0)
		return -1;
	if (ct_sync_send_fds(h->psock, CT_SYNC_CGROUPS, h->l->rec.pid, ent.fds, ent.n, err) < 0 &&
	    err->errnum != EPIPE && err->errnum != ECONNRESET)
		return -1;

	return 0;
}

/* Releases the init, handing it the descriptors of its cgroups (closed here either way). */
static int send_go(const struct opts *o, struct launch *l, int psock, struct entries *ent,
		   struct ct_err *err)
{
	int rc = ct_sync_send_fds(psock, CT_SYNC_GO, l->rec.pid, ent->fds, ent->n, err);

	entries_close(ent);
	/* An init that failed before GO (making its network namespace, say) has closed its end:
	 * its own report of why is waiting in the socket. */
	if (rc < 0 && (err->errnum == EPIPE || err->errnum == ECONNRESET) &&
	    talk_to_init(o, l, psock, err) == 0)
		return ct_err_set(err, EPROTO, "container init reported ready before GO");

	return rc;
}

/* Which namespaces the init makes itself, and when. */
static void set_ns_args(const struct ct_spec *spec, struct init_args *a)
{
	const struct ct_namespace *ns = ct_spec_find_ns(spec, CT_NS_USER);

	a->new_user = ns && !ns->path;
	a->early_ns = early_ns_flags(spec);
	a->has_uts = ct_spec_find_ns(spec, CT_NS_UTS) != NULL;
	ns = ct_spec_find_ns(spec, CT_NS_TIME);
	a->new_time = ns && !ns->path;
	ns = ct_spec_find_ns(spec, CT_NS_CGROUP);
	a->new_cgroup = ns && !ns->path;
}

/* Resources or devices failed after the hand-over: the init may be in; it goes first. */
static void kill_handed_over(void *arg)
{
	struct launch *l = ((const struct handover *)arg)->l;

	kill(l->rec.pid, SIGKILL);
	while (waitpid(l->rec.pid, NULL, 0) < 0 && errno == EINTR)
		;
	l->reaped = true;
}

static int birth_with_env(const struct opts *o, struct launch *l, bool for_run, const char *bundle,
			  const char *rootfs, char *const *env, int listen_fds, struct ct_err *err)
{
	cleanup_close int fifo_fd = -1;
	cleanup_close int psock = -1;
	int sv[2];
	struct init_args a = {
		.o = o,
		.spec = l->spec,
		.rootfs = rootfs,
		.bundle = bundle,
		.env = env,
		.keep_fds = 3 + o->preserve_fds + listen_fds,
		.own_mount_ns = l->rec.own_mount_ns,
		.start_now = for_run,
		.cgroup_fd = -1,
	};
	enum ct_cgroup_mode mode;
	struct ct_err ignored;
	cleanup_entries struct entries ent = {.n = 0};
	bool into_cgroup, born_in_cgroup;
	int rc;

	/* 0622: the init may have switched to an unprivileged user by the time it opens it. */
	if (!a.start_now && (mkfifoat(l->dirfd, "exec.fifo", 0600) < 0 ||
			     fchmodat(l->dirfd, "exec.fifo", 0622, 0) < 0))
		return ct_err_set(err, errno, "make exec.fifo");
	fifo_fd = a.start_now ? -1 : openat(l->dirfd, "exec.fifo", O_PATH | O_CLOEXEC);
	if (!a.start_now && fifo_fd < 0)
		return ct_err_set(err, errno, "open exec.fifo");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return ct_err_set(err, errno, "socketpair");
	psock = sv[0];
	a.sock = sv[1];
	a.fifo_fd = fifo_fd;
	a.lock_fd = l->lockfd;
	set_ns_args(l->spec, &a);

	/*
	 * On cgroup2 the init is cloned into its cgroup, which must exist first. On
	 * v1 it is moved there, so the cgroups are made while it makes its network
	 * and other namespaces, before it runs anything of the container's.
	 */
	into_cgroup = ct_cgroup_detect(&mode, &ignored) == 0 && mode == CT_CGROUP_V2;
	/* One read of the mounts for our cgroups and the init's cgroup mount (common/cgroup.h). */
	if (ct_cgroup_snapshot_mounts(err) < 0)
		return -1;
	if (into_cgroup) {
		if (nsinit_cgroup_create(o, l->spec, &l->rec, NULL, NULL, NULL, err) < 0)
			return -1;
		ct_log(CT_LOG_DEBUG, "%s: cgroup made", o->id);
		a.cgroup_fd = nsinit_cgroup_dirfd(&l->rec);
	}
	/* Cloned into its cgroup2 cgroup, the init has that cpuset's CPUs: none to spread to. */
	a.spread = !into_cgroup && plan_spread(&a);
	rc = spawn_init(&a, psock, &l->rec.pid, &born_in_cgroup, err);
	if (rc == 0 && a.spread)
		(void)sched_setaffinity(l->rec.pid, sizeof(a.others), &a.others);
	close(sv[1]);
	if (a.cgroup_fd >= 0)
		close(a.cgroup_fd);
	if (rc < 0)
		return ct_err_wrap(err, "start container init");
	ct_log(CT_LOG_DEBUG, "%s: init %d cloned", o->id, (int)l->rec.pid);
	if (!into_cgroup) {
		struct handover h = {psock, l};

		if (nsinit_cgroup_create(o, l->spec, &l->rec, hand_over_cgroups, kill_handed_over,
					 &h, err) < 0)
			return -1;
		ct_log(CT_LOG_DEBUG, "%s: cgroup made", o->id);
	}
	ct_cgroup_forget_mounts();
	/*
	 * On cgroup2, an init that could not be cloned into its cgroup moves itself in on GO,
	 * before it runs anything of the container's (on v1 it has its entries already).
	 */
	if (into_cgroup && !born_in_cgroup &&
	    nsinit_cgroup_open_entries(&l->rec, ent.fds, CT_CGROUP_MAX_ENTRIES, &ent.n, err) < 0)
		return -1;
	if (ct_proc_start_time(l->rec.pid, &l->rec.start_time, NULL, err) < 0)
		return -1;
	fill_ns_paths(l);
	if (ct_state_save(l->dirfd, &l->rec, err) < 0)
		return -1;
	if (a.new_user && write_id_maps(l->rec.pid, l->spec->linux_, err) < 0)
		return -1;
	/* From outside, before GO: in a new user namespace the init could not once it changes ids.
	 */
	if (l->spec->process && l->spec->process->has_oom_score_adj &&
	    ct_procattr_set_oom_score_adj(l->rec.pid, l->spec->process->oom_score_adj, err) < 0)
		return -1;
	if (send_go(o, l, psock, &ent, err) < 0 || talk_to_init(o, l, psock, err) < 0)
		return -1;
	if (for_run)
		l->sock = steal_fd(&psock);

	return 0;
}

static int birth(const struct opts *o, struct launch *l, bool for_run, const char *bundle,
		 const char *rootfs, struct ct_err *err)
{
	int listen_fds = listen_fds_passed();
	char listen_env[32];
	char **env = build_env(l->spec, listen_fds, listen_env, sizeof(listen_env));
	int rc;

	if (!env)
		return ct_err_set(err, ENOMEM, "build environment");
	rc = birth_with_env(o, l, for_run, bundle, rootfs, env, listen_fds, err);
	/* Freed by hand: the analyzers cannot follow a cleanup attribute here. */
	free(env);

	return rc;
}

int nsinit_load(const struct opts *o, struct launch *l, struct ct_err *err)
{
	memset(l, 0, sizeof(*l));
	l->dirfd = l->lockfd = l->pty_master = l->sock = -1;
	/* A shim leaks its sockets into us: only the preserved fds may reach the container. */
	syscall(SYS_close_range, 3U + (unsigned)o->preserve_fds + (unsigned)listen_fds_passed(),
		~0U, CLOSE_RANGE_CLOEXEC);

	return load_spec(o, o->bundle ? o->bundle : ".", l, err);
}

int nsinit_create(const struct opts *o, bool for_run, struct launch *l, struct ct_err *err)
{
	sigset_t held;
	int rc;

	if (nsinit_load(o, l, err) < 0)
		return -1;
	/* From here a TERM or Ctrl-C undoes what was made (abandon) instead of leaving it. */
	if (ct_interrupt_hold(&held, err) < 0)
		return -1;
	rc = nsinit_create_loaded(o, for_run, l, err);
	if (rc < 0) {
		struct ct_err ignored;

		ct_interrupt_release(&held, &ignored);
		return -1;
	}
	/* A signal that came after the last wait still undoes the container. */
	if (ct_interrupt_release(&held, err) < 0) {
		abandon(o, l);
		return -1;
	}

	return 0;
}

int nsinit_create_loaded(const struct opts *o, bool for_run, struct launch *l, struct ct_err *err)
{
	cleanup_free char *bundle = NULL;
	cleanup_free char *rootfs = NULL;

	/* What start would refuse, run refuses before anything is made. */
	if (for_run && !l->spec->process)
		return ct_err_set(err, 0, "cannot start a container without process");
	if (check_terminal_flags(o, l->spec, for_run, err) < 0 || check_env(l->spec, err) < 0 ||
	    check_mount_ns(l->spec, err) < 0)
		return -1;
	/* Here, in our own namespaces: a sysctl must not reconfigure a namespace that is ours. */
	if (ct_procattr_check_sysctl(l->spec, err) < 0)
		return -1;
	if (resolve_paths(o, l->spec, &bundle, &rootfs, err) < 0 || !bundle || !rootfs)
		return -1;
	/* Without a mount namespace, the container's /dev, /proc and /sys land on the host. */
	if (!ct_spec_find_ns(l->spec, CT_NS_MOUNT) && strcmp(rootfs, "/") == 0)
		return ct_err_set(
			err, 0,
			"rootfs '/' without a mount namespace would mount over the host's own");
	if (ct_state_create_dir(o->root, o->id, &l->dirfd, err) < 0)
		return -1;
	if (ct_state_lock(l->dirfd, &l->lockfd, err) < 0 ||
	    fill_record(o, l, bundle, rootfs, err) < 0 ||
	    save_config_copy(l->dirfd, l->config_text, l->config_len, err) < 0)
		goto fail;

	ct_log(CT_LOG_DEBUG, "%s: config of '%s' loaded", o->id, bundle);
	if (birth(o, l, for_run, bundle, rootfs, err) < 0)
		goto fail;
	ct_log(CT_LOG_DEBUG, for_run ? "%s: init ready" : "%s: init ready, waiting on exec.fifo",
	       o->id);
	/*
	 * run's init goes on to execve by itself now, so its state says running from here
	 * on. (A run killed between READY and this save leaves a running container whose
	 * state reads creating; kill and delete --force still take it. A failure before the
	 * execve is still run's to report, and it deletes.)
	 */
	l->rec.status = for_run ? CT_STATUS_RUNNING : CT_STATUS_CREATED;
	if (ct_state_save(l->dirfd, &l->rec, err) < 0)
		goto fail;
	if (o->pid_file && ct_state_write_pid_file(o->pid_file, l->rec.pid, err) < 0)
		goto fail;

	return 0;
fail:
	abandon(o, l);
	return -1;
}
