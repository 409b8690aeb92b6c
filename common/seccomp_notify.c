/* SPDX-License-Identifier: Apache-2.0 */
/* Handing a seccomp notify fd to the agent at linux.seccomp.listenerPath. */
#include "common/seccomp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/interrupt.h"
#include "common/spec.h"

char *ct_seccomp_process_state(pid_t pid, const char *metadata, struct json_t *state,
			       struct ct_err *err)
{
	cleanup_json json_t *doc = json_object();
	cleanup_json json_t *fds = json_array();
	char *text;

	if (!doc || !fds || json_array_append_new(fds, json_string("seccompFd")) < 0 ||
	    json_object_set_new(doc, "ociVersion", json_string(CT_OCI_VERSION)) < 0 ||
	    json_object_set(doc, "fds", fds) < 0 ||
	    json_object_set_new(doc, "pid", json_integer(pid)) < 0 ||
	    (metadata && json_object_set_new(doc, "metadata", json_string(metadata)) < 0) ||
	    json_object_set(doc, "state", state ? state : json_null()) < 0) {
		ct_err_set(err, ENOMEM, "build container process state");
		return NULL;
	}

	text = json_dumps(doc, JSON_COMPACT);
	if (!text)
		ct_err_set(err, ENOMEM, "encode container process state");
	return text;
}

/* The whole buffer; the fd rides on the first sendmsg only, as the spec requires. */
static int send_all(int sock, const char *buf, size_t len, int fd, struct ct_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cmsg;
	ssize_t n;

	memset(&control, 0, sizeof(control));
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));

	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_err_set(err, errno, "send state and fd");
	for (size_t off = (size_t)n; off < len; off += (size_t)n) {
		n = send(sock, buf + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0)
			return ct_err_set(err, n < 0 ? errno : EPIPE, "send state");
	}

	return 0;
}

int ct_seccomp_send_listener(const char *listener_path, int notify_fd, const char *state_json,
			     struct ct_err *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	cleanup_close int sock = -1;

	if (strlen(listener_path) >= sizeof(addr.sun_path))
		return ct_err_set(err, ENAMETOOLONG, "seccomp listener '%s'", listener_path);
	memcpy(addr.sun_path, listener_path, strlen(listener_path) + 1);

	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return ct_err_set(err, errno, "seccomp listener: socket");
	if (ct_interrupt_connect(sock, (struct sockaddr *)&addr, sizeof(addr), err) < 0)
		return ct_err_wrap(err, "connect to seccomp listener '%s'", listener_path);
	if (send_all(sock, state_json, strlen(state_json), notify_fd, err) < 0)
		return ct_err_wrap(err, "seccomp listener '%s'", listener_path);

	/* One state per connection, then closed: the agent reads until EOF. */
	return 0;
}
