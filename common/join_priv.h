/* SPDX-License-Identifier: Apache-2.0 */
/* What join.c prepares on the host side and join_setup.c uses in the joining child. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/join.h"
#include "common/spec.h"

struct ct_err;
struct ct_seccomp;
struct sock_filter;

/* A compiled seccomp filter: its instructions and the seccomp() flags it loads with. */
struct join_bpf {
	struct sock_filter *prog; /* malloc'd; NULL: compile with ct_seccomp_load instead */
	size_t len;
	unsigned flags;
};

#define JOIN_MAX_CGROUPS 32
#define JOIN_BIT(type) (1u << (unsigned)(type))

struct join_ctx {
	const struct ct_join_req *req;
	pid_t pid;
	int pidfd;		/* -1: namespaces come from files */
	int ns_fd[CT_NS_COUNT]; /* an explicit file, a /proc fallback, or the parent user ns */
	char ns_path[CT_NS_COUNT][80];
	unsigned want;			 /* JOIN_BIT per namespace still to enter */
	unsigned with_file;		 /* of those, the ones entered through ns_fd */
	int cgroup_fd[JOIN_MAX_CGROUPS]; /* cgroup.procs, written "0" by the child */
	char *cgroup_path[JOIN_MAX_CGROUPS];
	size_t n_cgroups;
	int root_fd; /* nsenter -r: a directory opened on the host side, by design */
	int wd_fd;
	char *env_buf; /* the target's environ, NUL-separated */
	size_t env_len;
	int sync_fd;	     /* the child's end of the socket to the parent; -1 without fork */
	struct join_bpf bpf; /* the container's filter, from the cache */
	enum ct_join_fail fail;
	bool joins_user; /* the user namespace is among those entered */
};

/* Opens cgroup.procs of every hierarchy the target is in (host side, before any setns). */
int join_open_cgroups(struct join_ctx *ctx, struct ct_err *err);

/* Enters what ctx->want still holds, user namespace last unless it is needed first. */
int join_enter(struct join_ctx *ctx, unsigned want, struct ct_err *err);

/*
 * The joining process from cgroups to execve. Returns only on failure,
 * with ctx->fail saying which step.
 */
int join_child(struct join_ctx *ctx, struct ct_err *err);

/*
 * Finds the compiled filter of sc in cache_dir, or compiles it once and
 * stores it there. Leaves ret empty (the caller then compiles in place)
 * for filters the cache does not serve and whenever caching fails.
 */
void join_seccomp_prepare(const char *cache_dir, const struct ct_seccomp *sc, struct join_bpf *ret);

/* Loads a compiled filter into the calling thread. */
int join_seccomp_load_bpf(const struct join_bpf *bpf, struct ct_err *err);

/*
 * Blocks SIGCHLD and the signals ct_join_wait passes on, putting the
 * previous mask in *ret_old: done before the fork, a signal that reaches us
 * while the program starts waits for ct_join_wait instead of killing us.
 */
int join_block_forwarded(sigset_t *ret_old, struct ct_err *err);
