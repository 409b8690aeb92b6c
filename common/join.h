/* SPDX-License-Identifier: Apache-2.0 */
/* Entering a running process's namespaces and cgroups and starting a program there. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/spec.h"

struct ct_err;

/* Which step failed, so a front end can pick its exit status (runc: 255, nsenter: 126/127). */
enum ct_join_fail {
	CT_JOIN_FAIL_NONE,
	CT_JOIN_FAIL_SETUP, /* opening the target, joining, or preparing the process */
	CT_JOIN_FAIL_EXEC,  /* finding or executing the program; errnum says why */
};

/*
 * What to join and what to start. Zero-initialise, then fill. Paths are the
 * caller's, borrowed for the duration of the call.
 */
struct ct_join_req {
	pid_t pid;	     /* the target; 0 when every namespace comes from a file */
	uint64_t start_time; /* not 0: refuse unless /proc/PID/stat shows this start time */

	/* Namespaces, indexed by enum ct_ns_type: want it, optionally from this file. */
	bool ns_want[CT_NS_COUNT];
	const char *ns_file[CT_NS_COUNT];
	bool all;	  /* every namespace of the target (its user one only when not ours) */
	bool user_parent; /* the parent of the target's user namespace instead of it */

	bool join_cgroups; /* every hierarchy the target is in, from /proc/PID/cgroup */
	bool no_fork;	   /* exec in this process: a pid namespace then only applies to children */

	/* nsenter's plain-process options. */
	bool root_target;     /* chroot to the target's root (/proc/PID/root) */
	const char *root_dir; /* or to this directory */
	bool wd_target;	      /* chdir to the target's cwd (/proc/PID/cwd) */
	const char *wd_dir;   /* or to this directory */
	bool env_target;      /* the program's environment is the target's (/proc/PID/environ) */
	bool has_uid;
	uid_t uid;
	bool has_gid;
	gid_t gid;
	bool preserve_cred; /* keep ids and groups even when joining a user namespace */

	/*
	 * Container mode: when proc is set the program runs as that process
	 * (user, groups, rlimits, capabilities, noNewPrivileges, AppArmor, cwd,
	 * env) under the container's linux section (personality, memory policy,
	 * and its seccomp filter, loaded last); proc->args is the program
	 * unless argv is set. The mount namespace must be joined: cwd resolves
	 * in it. The process's fds beyond stdio and preserve_fds are closed.
	 */
	const struct ct_process *proc;
	const struct ct_linux *linux_;
	const char *seccomp_cache; /* directory of compiled filters; NULL: compile each time */
	int preserve_fds;	   /* fds 3 .. 3+N-1 stay open for the program */
	/* Not NULL: told each capability of proc the kernel or libcap does not know. */
	void (*warn_unknown_cap)(const char *name);
	bool tty;	/* give the program a new pty as its stdio and controlling terminal */
	int console_fd; /* with tty: connected socket the master is sent to; -1: to us */

	char *const *argv; /* program and args; NULL: $SHELL or /bin/sh as a login shell */
};

/*
 * Joins and starts the program. Without no_fork, returns in the parent once
 * the program has been executed (or failed to): *ret_pid is its pid, and
 * with tty and console_fd -1, *ret_master the pty master (else -1). With
 * no_fork, returns only on failure. The parent itself joins no namespace
 * but the pid one (which only applies to its children), so host paths keep
 * working in it. *ret_fail says which step failed. After a fork that
 * succeeded, SIGCHLD and the signals ct_join_wait passes on stay blocked in
 * the caller, so none is lost (or kills us) before the wait.
 */
int ct_join_start(const struct ct_join_req *req, pid_t *ret_pid, int *ret_master,
		  enum ct_join_fail *ret_fail, struct ct_err *err);

/*
 * Waits for pid to end, stopping ourselves when it stops (as a shell job).
 * With forward_signals, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2
 * and SIGWINCH reaching us are sent on to it. With master >= 0, relays our
 * stdin and stdout to that pty (stdin in raw mode while a terminal) and
 * keeps its window size ours. *ret_wstatus is waitpid's status.
 */
int ct_join_wait(pid_t pid, bool forward_signals, int master, int *ret_wstatus, struct ct_err *err);

/*
 * Fills the holes among descriptors 3 .. 3+n-1 with /dev/null, so nothing
 * opened later (a log file, a pidfd, a socket) can land in the range
 * passed on with preserve_fds. Call it before opening anything.
 */
int ct_join_reserve_fds(int n, struct ct_err *err);

/* The program's fate from a wait status: exit code, or the killing signal (code 128+N). */
void ct_join_exit_status(int wstatus, int *ret_code, int *ret_signal);

/*
 * Dies of sig the way the program did (default action restored, no core
 * file); returns 128+sig when the signal does not end us.
 */
int ct_join_raise(int sig);

/* nsenter's short option letter of a namespace ('m' is mount); -1 when none. */
int ct_join_ns_from_letter(int letter);

/*
 * One setns call of a plan: either the target's pidfd with several
 * CLONE_NEW* flags at once (type -1), or one namespace file (type set).
 */
struct ct_join_step {
	int type; /* enum ct_ns_type, or -1 for the pidfd step */
	int flags;
};

/*
 * Orders the setns calls for the namespaces in `want` (a bit per enum
 * ct_ns_type): those without a file in one pidfd step when has_pidfd, then
 * each file in ct_ns_table order (user first). Returns the number of steps
 * written to steps (room for CT_NS_COUNT + 1).
 */
size_t ct_join_plan(unsigned want, unsigned with_file, bool has_pidfd, struct ct_join_step *steps);

/*
 * The hierarchy's mount for one line of /proc/PID/cgroup ("4:memory:/a/b"):
 * searches mountinfo text for the cgroup (v1, matching controller list) or
 * cgroup2 (hierarchy 0) mount and writes mountpoint + path into buf. Errnum
 * ENOENT when that hierarchy is not mounted here.
 */
int ct_join_cgroup_dir(const char *line, const char *mountinfo, char *buf, size_t size,
		       struct ct_err *err);

/* Splits "UID[:GID]" (numbers only); -1 (errnum 0: a refusal) on anything else. */
int ct_join_parse_user(const char *text, uid_t *ret_uid, bool *ret_has_gid, gid_t *ret_gid,
		       struct ct_err *err);

/* Sets or replaces "K=V" in env (K from the text before '='); -1 (errnum 0) without '='. */
int ct_join_env_set(struct ct_strv *env, const char *kv, struct ct_err *err);

/*
 * Reads an OCI process object (runc exec --process FILE) through the spec
 * model: returns a spec holding only that process (free with
 * ct_spec_free). The first finding is reported in err (errnum 0) as
 * "process 'FILE': POINTER: message".
 */
struct ct_spec *ct_join_load_process(const char *path, struct ct_err *err);

/*
 * Joining a container nsinit runs (nsinit exec, nsenter-lite --container).
 * Zero-initialise; every field but id is optional.
 */
struct ct_join_container_opts {
	const char *root; /* nsinit's state root; NULL: CT_STATE_ROOT_DEFAULT */
	const char *id;
	const char *process_file; /* a whole OCI process object replaces the config's */
	char *const *argv;	  /* the program; NULL: the process file's args */
	bool has_user;		  /* --user UID[:GID] */
	uid_t uid;
	bool has_gid;
	gid_t gid;
	const uint32_t *additional_gids; /* with has_additional_gids: replaces the config's */
	size_t n_additional_gids;
	bool has_additional_gids;
	char *const *caps; /* each added to every capability set, as runc exec --cap */
	size_t n_caps;
	/* Not NULL: a name in caps libcap does not know is passed here and skipped, else refused.
	 */
	void (*warn_unknown_cap)(const char *name);
	char *const *env; /* K=V, each set over the process's environment */
	size_t n_env;
	const char *cwd;
	bool tty; /* a new pty in the container */
	bool no_new_privs;
	int preserve_fds;
	bool ignore_paused;
	bool detach;		    /* return once the program runs, without waiting */
	const char *console_socket; /* with tty: the pty master goes there */
	const char *pid_file;	    /* the program's pid, decimal, no newline */
};

/*
 * Finds the container's init in ROOT/ID/state.json (refusing stopped and,
 * unless ignore_paused, paused containers, and a pid whose start time is
 * not the recorded one), reads the config it was created with, and runs the
 * program in all its namespaces and cgroups, set up as its own processes
 * are. Without detach, waits and puts the program's exit code (128+N when
 * killed by signal N, N in *ret_signal, else 0) in *ret_code; with detach,
 * *ret_code is 0. Messages start with "container 'ID'".
 */
int ct_join_container(const struct ct_join_container_opts *o, int *ret_code, int *ret_signal,
		      enum ct_join_fail *ret_fail, struct ct_err *err);
