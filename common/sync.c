/* SPDX-License-Identifier: Apache-2.0 */
/* Messages between nsinit and the container's init over a SOCK_SEQPACKET socketpair. */
#include "common/sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/interrupt.h"

/* At most this many descriptors ride on one message. */
#define SYNC_MAX_FDS 32

static int send_with_fds(int sock, const void *buf, size_t len, const int *fds, size_t n)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	union {
		char buf[CMSG_SPACE(sizeof(int) * SYNC_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t r;

	if (n > SYNC_MAX_FDS) {
		errno = E2BIG;
		return -1;
	}
	memset(&ctl, 0, sizeof(ctl));
	if (n > 0) {
		struct cmsghdr *c;

		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	do {
		r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (r < 0 && errno == EINTR);

	return r < 0 ? -1 : 0;
}

static int send_with_fd(int sock, const void *buf, size_t len, int fd)
{
	return send_with_fds(sock, buf, len, &fd, fd >= 0 ? 1 : 0);
}

int ct_sync_send(int sock, enum ct_sync_type type, int32_t pid, const struct ct_err *payload,
		 int fd, struct ct_err *err)
{
	struct ct_sync_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.type = type;
	msg.pid = pid;
	if (payload)
		msg.err = *payload;
	if (send_with_fd(sock, &msg, sizeof(msg), fd) < 0)
		return ct_err_set(err, errno, "send sync message");

	return 0;
}

int ct_sync_send_fds(int sock, enum ct_sync_type type, int32_t pid, const int *fds, size_t n,
		     struct ct_err *err)
{
	struct ct_sync_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.type = type;
	msg.pid = pid;
	if (send_with_fds(sock, &msg, sizeof(msg), fds, n) < 0)
		return ct_err_set(err, errno, "send sync message");

	return 0;
}

int ct_sync_recv_fds(int sock, struct ct_sync_msg *msg, int *fds, size_t max, size_t *ret_n,
		     struct ct_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * SYNC_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = msg, .iov_len = sizeof(*msg)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	size_t got = 0;
	ssize_t n;

	*ret_n = 0;
	if (ct_interrupt_wait_readable(sock, err) < 0)
		return -1;
	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_err_set(err, errno, "receive sync message");
	if (n == 0)
		return ct_err_set(err, EPIPE, "peer closed");

	/* Every descriptor that came is either handed on or closed, even on a bad message. */
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (got < max)
				fds[got++] = fd;
			else
				close(fd);
		}
	}
	if ((size_t)n != sizeof(*msg) || (mh.msg_flags & MSG_CTRUNC)) {
		while (got > 0)
			close(fds[--got]);
		return ct_err_set(err, EPROTO, "short sync message");
	}
	*ret_n = got;
	msg->err.msg[sizeof(msg->err.msg) - 1] = '\0';

	return 0;
}

int ct_sync_recv(int sock, struct ct_sync_msg *msg, int *ret_fd, struct ct_err *err)
{
	int fds[SYNC_MAX_FDS];
	size_t n = 0;

	if (ret_fd)
		*ret_fd = -1;
	if (ct_sync_recv_fds(sock, msg, fds, SYNC_MAX_FDS, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 && ret_fd)
			*ret_fd = fds[i];
		else
			close(fds[i]);
	}

	return 0;
}

int ct_sync_expect(int sock, enum ct_sync_type type, struct ct_sync_msg *msg, int *ret_fd,
		   struct ct_err *err)
{
	if (ct_sync_recv(sock, msg, ret_fd, err) < 0)
		return -1;
	if (msg->type == CT_SYNC_ERROR) {
		*err = msg->err;
		return -1;
	}
	if (msg->type != (uint32_t)type)
		return ct_err_set(err, EPROTO, "unexpected sync message %u (wanted %d)", msg->type,
				  (int)type);

	return 0;
}

int ct_send_fd(int sock, int fd, const char *payload, struct ct_err *err)
{
	if (send_with_fd(sock, payload, strlen(payload), fd) < 0)
		return ct_err_set(err, errno, "send descriptor");
	return 0;
}
