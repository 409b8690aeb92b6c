/* SPDX-License-Identifier: Apache-2.0 */
/* Messages between nsinit and the container's init over a SOCK_SEQPACKET socketpair. */
#pragma once

#include <stdint.h>

#include "common/err.h"

enum ct_sync_type {
	CT_SYNC_GO = 1,	    /* parent: maps written, carry on (cgroup entries may ride along) */
	CT_SYNC_PID,	    /* intermediate: the init's pid (in pid) */
	CT_SYNC_HOOKS,	    /* child: namespaces and mounts exist, run createRuntime */
	CT_SYNC_HOOKS_DONE, /* parent: hooks ran */
	CT_SYNC_PTY,	    /* child: the pty master rides along */
	CT_SYNC_SECCOMP,    /* child: the seccomp notify fd rides along */
	CT_SYNC_READY,	    /* child: set up; waits on exec.fifo (run: goes on to execve) */
	CT_SYNC_ERROR,	    /* either side: err holds why */
	CT_SYNC_CGROUPS, /* parent, before GO: the cgroups' entries to move in by, riding along */
};

/* Sent whole: the error is fixed-size so a failing child never allocates. */
struct ct_sync_msg {
	uint32_t type;
	int32_t pid;
	struct ct_err err;
};

/* Sends one message, with fd passed over SCM_RIGHTS when fd >= 0. */
int ct_sync_send(int sock, enum ct_sync_type type, int32_t pid, const struct ct_err *payload,
		 int fd, struct ct_err *err);

/* Sends one message with n descriptors (at most 32) over SCM_RIGHTS. */
int ct_sync_send_fds(int sock, enum ct_sync_type type, int32_t pid, const int *fds, size_t n,
		     struct ct_err *err);

/* Receives one message and up to max descriptors into fds (*ret_n of them; the rest closed). */
int ct_sync_recv_fds(int sock, struct ct_sync_msg *msg, int *fds, size_t max, size_t *ret_n,
		     struct ct_err *err);

/*
 * Receives one message; a received descriptor lands in *ret_fd (else -1) when
 * ret_fd is set. errnum EPIPE with "peer closed" on end of stream.
 */
int ct_sync_recv(int sock, struct ct_sync_msg *msg, int *ret_fd, struct ct_err *err);

/* Receives and checks the type: CT_SYNC_ERROR copies the peer's error into err. */
int ct_sync_expect(int sock, enum ct_sync_type type, struct ct_sync_msg *msg, int *ret_fd,
		   struct ct_err *err);

/* Sends fd over a connected unix socket with SCM_RIGHTS and payload bytes (console sockets). */
int ct_send_fd(int sock, int fd, const char *payload, struct ct_err *err);
