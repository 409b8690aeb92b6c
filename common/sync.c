/* SPDX-License-Identifier: Apache-2.0 */
/* Messages between nsinit and the container's init over a SOCK_SEQPACKET socketpair. */
#include "common/sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int send_with_fd(int sock, const void *buf, size_t len, int fd)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	memset(&ctl, 0, sizeof(ctl));
	if (fd >= 0) {
		struct cmsghdr *c;

		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);

	return n < 0 ? -1 : 0;
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

int ct_sync_recv(int sock, struct ct_sync_msg *msg, int *ret_fd, struct ct_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = msg, .iov_len = sizeof(*msg)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	ssize_t n;

	if (ret_fd)
		*ret_fd = -1;
	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_err_set(err, errno, "receive sync message");
	if (n == 0)
		return ct_err_set(err, EPIPE, "peer closed");
	if ((size_t)n != sizeof(*msg))
		return ct_err_set(err, EPROTO, "short sync message");

	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		int fd;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
		if (ret_fd)
			*ret_fd = fd;
		else
			close(fd);
	}
	msg->err.msg[sizeof(msg->err.msg) - 1] = '\0';

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
