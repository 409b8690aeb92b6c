/* SPDX-License-Identifier: Apache-2.0 */
/* nsinit's options and commands, shared by its files. */
#pragma once

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/log.h"
#include "common/state.h"

struct ct_cgroup;
struct ct_err;
struct ct_spec;

struct opts {
	/* global */
	const char *root;
	const char *log_path;
	enum ct_log_format log_format;
	bool debug;
	bool systemd_cgroup;
	/* command */
	const char *command;
	const char *id;
	const char *bundle;
	const char *config;
	const char *pid_file;
	const char *console_socket;
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	bool detach;
	bool keep;
	bool all;
	bool force;
	bool quiet;
	bool rootless;
	bool format_json;
	const char *signal;
	char **ps_args; /* ps: the ps(1) arguments after the id */
	int n_ps_args;
};

/* A created container as the parent holds it (create, run). */
struct launch {
	struct ct_spec *spec;
	char *config_text; /* the config as read, for the state directory's copy */
	size_t config_len;
	struct ct_record rec;
	int dirfd;
	int lockfd;
	int pty_master; /* run without --console-socket relays this */
	int sock;	/* run: the sync socket, which the init's execve closes */
	bool reaped;
};

/* The log callback for hook output and ignored problems. */
void nsinit_hook_output(const char *path, const char *line);

/* main.c: a usage mistake prints "nsinit: MSG" and returns 2; the message is kept for the log. */
int nsinit_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* getopt_long's '?' or ':' (opterr is 0) as a usage mistake naming the option. */
int nsinit_bad_option(int c, char **argv);
/* Writes the kept usage mistake to the --log file, if one was given. */
void nsinit_log_usage_error(const char *log_path, enum ct_log_format format);

/* create.c */
int nsinit_create(const struct opts *o, bool for_run, struct launch *ret, struct ct_err *err);
/* The same in two steps: the config read into l (released by nsinit_launch_release), then the
 * rest. */
int nsinit_load(const struct opts *o, struct launch *ret, struct ct_err *err);
int nsinit_create_loaded(const struct opts *o, bool for_run, struct launch *l, struct ct_err *err);
void nsinit_launch_release(struct launch *l);

/* commands.c */
int cmd_create(const struct opts *o, struct ct_err *err);
int cmd_start(const struct opts *o, struct ct_err *err);
int cmd_state(const struct opts *o, struct ct_err *err);
int cmd_kill(const struct opts *o, struct ct_err *err);
int cmd_delete(const struct opts *o, struct ct_err *err);
int cmd_list(const struct opts *o, struct ct_err *err);
int cmd_ps(const struct opts *o, struct ct_err *err);

/*
 * ps.c: runs ps(1) with args and prints its header and the rows whose PID column is one of
 * pids, as runc's ps does.
 */
int nsinit_ps_table(char *const *args, int n_args, const pid_t *pids, size_t n, struct ct_err *err);

/* Opens the exec.fifo of a created container and lets it run; poststart hooks follow. */
int nsinit_start_locked(const struct opts *o, int dirfd, struct ct_record *rec, struct ct_err *err);

/*
 * run's start: the init of a run goes on to execve without waiting on exec.fifo,
 * so this waits for its sync socket to close (the execve) or for its error;
 * poststart hooks follow.
 */
int nsinit_start_launched(const struct opts *o, struct launch *l, struct ct_err *err);

/*
 * Removes a stopped container: poststop hooks, host mounts of a container
 * without its own mount namespace, the state directory. spec is its config,
 * or NULL to read the copy in the state directory.
 */
int nsinit_destroy(const struct opts *o, int dirfd, struct ct_record *rec,
		   const struct ct_spec *spec, struct ct_err *err);

/* run.c: returns the container's exit status (128+N for signal N) in *ret_status. */
int cmd_run(const struct opts *o, int *ret_status, struct ct_err *err);

/* info.c */
int cmd_features(const struct opts *o, struct ct_err *err);
int cmd_spec(const struct opts *o, struct ct_err *err);

/* cgroup_cmds.c */
/* Parses pause, resume, update and events (argv[0] names it): 0 go on, 1 help shown, 2 usage. */
int nsinit_cgroup_parse(int argc, char **argv, struct opts *o);
int cmd_pause(const struct opts *o, struct ct_err *err);
int cmd_resume(const struct opts *o, struct ct_err *err);
int cmd_update(const struct opts *o, struct ct_err *err);
int cmd_events(const struct opts *o, struct ct_err *err);

/*
 * Makes the container's cgroup from linux.resources, cgroupsPath and
 * linux.devices, and records it in rec->cgroup (left NULL for a rootless
 * container, which gets none). on_made and on_undo, when set, are called with arg as
 * struct ct_cgroup_config says. On a later failure the caller calls
 * nsinit_cgroup_destroy.
 */
int nsinit_cgroup_create(const struct opts *o, const struct ct_spec *spec, struct ct_record *rec,
			 int (*on_made)(const struct ct_cgroup *cg, void *arg, struct ct_err *err),
			 void (*on_undo)(void *arg), void *arg, struct ct_err *err);

/*
 * An O_CLOEXEC descriptor of the recorded cgroup2 directory for clone3's
 * CLONE_INTO_CGROUP, or -1 (no cgroup, or not a pure v2 host: then the
 * init moves itself in through nsinit_cgroup_open_entries).
 */
int nsinit_cgroup_dirfd(const struct ct_record *rec);

/* Descriptors through which the init moves itself into the container's cgroups (none
 * without one); see ct_cgroup_open_entries. */
int nsinit_cgroup_open_entries(const struct ct_record *rec, int *fds, size_t max, size_t *ret_n,
			       struct ct_err *err);

/* Thaws the recorded cgroup (delete --force of a paused container); 0 when there is none. */
int nsinit_cgroup_thaw(const struct ct_record *rec, struct ct_err *err);

/* Kills what is left in the recorded cgroup and removes it; 0 when there is none. */
int nsinit_cgroup_destroy(const struct ct_record *rec, struct ct_err *err);

/* The OOM kills so far in the recorded cgroup; errnum ENOENT when it cannot be told. */
int nsinit_cgroup_oom_kills(const struct ct_record *rec, uint64_t *ret_count, struct ct_err *err);

/* Every pid in the recorded cgroup; errnum ENOENT when the container has none. */
int nsinit_cgroup_pids(const struct ct_record *rec, pid_t **ret, size_t *ret_n, struct ct_err *err);

/* What the container's init needs from its parent; shared memory after clone. */
/* The namespaces a new init makes itself rather than being cloned into them (create.c). */
#define CT_EARLY_NS_FLAGS (CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS)

struct init_args {
	const struct opts *o;
	const struct ct_spec *spec;
	const char *rootfs;
	const char *bundle;
	char *const *env; /* process.env plus LISTEN_FDS/LISTEN_PID when passed */
	int sock;	  /* the child's end of the sync socketpair */
	int fifo_fd;	  /* O_PATH descriptor of exec.fifo, or -1 for run */
	int lock_fd;	  /* the parent's flock: the init must not hold it */
	int keep_fds;	  /* fds 0 .. keep_fds-1 reach the process */
	bool new_user;
	bool own_mount_ns;
	uint64_t early_ns; /* CT_EARLY_NS_FLAGS the init unshares at once, before GO */
	bool spread;	   /* the init makes its namespaces on other CPUs than the parent's */
	cpu_set_t others;  /* those CPUs: what it was cloned with, but the parent's */
	cpu_set_t cpus;	   /* what it takes back after the parent's first message */
	bool has_uts;
	bool new_time;
	bool new_cgroup; /* unshared by the init once it is in its cgroup */
	bool start_now;	 /* run: execve right after READY, errors go back over sock */
	int cgroup_fd;	 /* cgroup2 directory for CLONE_INTO_CGROUP, or -1 */
};

/* init.c: the container's init from clone to execve; never returns. */
__attribute__((noreturn)) void nsinit_init_main(struct init_args *a);
