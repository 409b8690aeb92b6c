/* SPDX-License-Identifier: Apache-2.0 */
/* Hostile images against the rootfs code: symlinks aimed at the host, fake /dev/null, /proc,
 * console. */
#include "tests/unit/rootfs_harness.h"

#include <seccomp.h>

static int test_symlink_escape(void)
{
	char p[600], q[600], src[600];
	cleanup_spec struct ct_spec *spec = NULL;
	struct ct_err err = {0};
	char ty[64];

	snprintf(p, sizeof(p), "%s/evil", rootfs);
	CHECK(symlink(host, p) == 0, "setup");
	/* The host path exists inside the rootfs too: that is where everything must land. */
	snprintf(q, sizeof(q), "%s%s", rootfs, host);
	CHECK(mkdir_p(q) == 0, "setup");
	snprintf(p, sizeof(p), "%s/evil2", rootfs);
	snprintf(q, sizeof(q), "../../../../../../..%s", host);
	CHECK(symlink(q, p) == 0, "setup");
	snprintf(src, sizeof(src), "%s/src.txt", scratch);
	CHECK(write_file(src, "src") == 0, "setup");
	spec = spec_from(HEAD
			 "\"mounts\": ["
			 " {\"destination\": \"/evil/mnt\", \"type\": \"tmpfs\"},"
			 " {\"destination\": \"/evil2/newdir/deeper\", \"type\": \"tmpfs\"},"
			 " {\"destination\": \"/evil/sub/file\", \"type\": \"bind\","
			 "  \"source\": \"%s\", \"options\": [\"bind\"]}],"
			 " \"linux\": {" MNT_NS ", \"devices\": ["
			 " {\"type\": \"c\", \"path\": \"/evil/dev0\", \"major\": 1, \"minor\": 3},"
			 " {\"type\": \"p\", \"path\": \"/evil2/fifo\"}]}}",
			 rootfs, src);
	CHECK_SPEC(spec);
	CHECK_OK(ct_rootfs_prepare(spec, rootfs, &err), &err);

	CHECK(dir_is_empty(host), "something landed in the host directory %s", host);
	CHECK(!mount_at(host, NULL, NULL, NULL), "a mount landed on the host directory");
	/* Resolved as a chroot would: the host path, inside the rootfs. */
	snprintf(p, sizeof(p), "%s%s/mnt", rootfs, host);
	CHECK(mount_at(p, ty, NULL, NULL) && strcmp(ty, "tmpfs") == 0, "tmpfs not at %s", p);
	snprintf(p, sizeof(p), "%s%s/newdir/deeper", rootfs, host);
	CHECK(mount_at(p, NULL, NULL, NULL), "nested mkdir not inside the rootfs");
	snprintf(p, sizeof(p), "%s%s/dev0", rootfs, host);
	CHECK(access(p, F_OK) == 0, "device not inside the rootfs");
	snprintf(p, sizeof(p), "%s%s/fifo", rootfs, host);
	CHECK(access(p, F_OK) == 0, "fifo not inside the rootfs");

	return 0;
}

static int test_dangling_symlink(void)
{
	char p[600], absent[600];
	cleanup_spec struct ct_spec *spec = spec_from(
		HEAD "\"mounts\": [{\"destination\": \"/dangling/mnt\", \"type\": \"tmpfs\"}],"
		     " \"linux\": {" MNT_NS "}}",
		rootfs);
	struct ct_err err = {0};

	CHECK_SPEC(spec);
	snprintf(absent, sizeof(absent), "%s/absent", host);
	snprintf(p, sizeof(p), "%s/dangling", rootfs);
	CHECK(symlink(absent, p) == 0, "setup");
	CHECK(ct_rootfs_prepare(spec, rootfs, &err) < 0 && err.errnum == ENOENT &&
		      strstr(err.msg, "/dangling"),
	      "error '%s'", err.msg);
	CHECK(dir_is_empty(host) && !mount_at(host, NULL, NULL, NULL), "host directory touched");

	return 0;
}

static int test_proc_destination_symlink(void)
{
	cleanup_spec struct ct_spec *spec =
		spec_from(HEAD "\"mounts\": [" PROC "], \"linux\": {" MNT_NS "}}", rootfs);
	struct ct_err err = {0};
	char p[600];

	snprintf(p, sizeof(p), "%s/proc", rootfs);
	CHECK(spec && rmdir(p) == 0 && symlink(host, p) == 0, "setup");
	CHECK(ct_rootfs_prepare(spec, rootfs, &err) < 0 && err.errnum == ELOOP &&
		      strstr(err.msg, "symlink"),
	      "proc through a symlink accepted: '%s'", err.msg);
	CHECK(dir_is_empty(host) && !mount_at(host, NULL, NULL, NULL), "host directory touched");

	return 0;
}

/* CVE-2025-31133: masking must never bind whatever a hostile /dev/null points at. */
static int hostile_devnull(bool as_symlink, int want_errno)
{
	char fakedev[256], p[600], victim[600], buf[64];
	cleanup_spec struct ct_spec *spec = NULL;
	struct ct_err err = {0};

	snprintf(fakedev, sizeof(fakedev), "%s/fakedev", scratch);
	snprintf(victim, sizeof(victim), "%s/victim", host);
	snprintf(p, sizeof(p), "%s/null", fakedev);
	CHECK(mkdir(fakedev, 0755) == 0 && write_file(victim, "precious") == 0, "setup");
	CHECK(as_symlink ? symlink(victim, p) == 0 : write_file(p, "") == 0, "setup");
	snprintf(p, sizeof(p), "%s/etc/secret", rootfs);
	CHECK(write_file(p, "s3cret") == 0, "setup");
	spec = spec_from(HEAD "\"mounts\": [{\"destination\": \"/dev\", \"type\": \"bind\","
			      " \"source\": \"%s\", \"options\": [\"rbind\"]}],"
			      " \"linux\": {" MNT_NS ", \"maskedPaths\": [\"/etc/secret\"]}}",
			 rootfs, fakedev);
	CHECK_SPEC(spec);
	CHECK_OK(ct_rootfs_prepare(spec, rootfs, &err), &err);
	CHECK_OK(ct_rootfs_pivot(rootfs, false, &err), &err);
	CHECK(ct_rootfs_finish(spec, &err) < 0 && err.errnum == want_errno &&
		      strstr(err.msg, "/dev/null") && strstr(err.msg, "/etc/secret"),
	      "finish: errno %d '%s'", err.errnum, err.msg);
	CHECK(read_file("/etc/secret", buf, sizeof(buf)) > 0 && strcmp(buf, "s3cret") == 0,
	      "/etc/secret was replaced by '%s'", buf);

	return 0;
}

static int test_devnull_symlink(void)
{
	return hostile_devnull(true, ELOOP);
}

static int test_devnull_regular_file(void)
{
	return hostile_devnull(false, ENODEV);
}

static int test_fake_procfs(void)
{
	cleanup_spec struct ct_spec *spec =
		spec_from(HEAD "\"mounts\": [" DEV_TMPFS ", " PROC ","
			       " {\"destination\": \"/proc\", \"type\": \"tmpfs\"}],"
			       " \"linux\": {" MNT_NS ", \"maskedPaths\": [\"/proc/kcore\"]}}",
			  rootfs);
	cleanup_spec struct ct_spec *plain =
		spec_from(HEAD "\"mounts\": [" DEV_TMPFS ", " PROC "],"
			       " \"linux\": {" MNT_NS ", \"maskedPaths\": [\"/proc/kcore\"]}}",
			  rootfs);
	struct ct_err err = {0};
	cleanup_close int fd = -1;
	struct statfs sf;

	CHECK_SPEC(spec);
	CHECK_OK(ct_proc_open("self/status", O_RDONLY, &fd, &err), &err);
	CHECK(fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC, "not procfs");
	CHECK(ct_proc_open("self/fd/0", O_RDONLY, &fd, &err) < 0 && err.errnum == ELOOP,
	      "a magic link was followed");
	CHECK(ct_proc_open("../etc/passwd", O_RDONLY, &fd, &err) < 0 && err.errnum == EXDEV,
	      "escaped procfs: %d", err.errnum);

	/* A configured mount that lands on procfs is refused before it is made. */
	CHECK_SPEC(plain);
	CHECK(ct_rootfs_prepare(spec, rootfs, &err) < 0 && strstr(err.msg, "inside /proc"),
	      "a tmpfs over /proc was mounted: '%s'", err.msg);
	/* One slipped in later (a createContainer hook) is caught when masking opens /proc. */
	CHECK_OK(ct_rootfs_prepare(plain, rootfs, &err), &err);
	CHECK_OK(ct_rootfs_pivot(rootfs, false, &err), &err);
	CHECK(mount("tmpfs", "/proc", "tmpfs", 0, NULL) == 0, "setup: %s", strerror(errno));
	CHECK(ct_rootfs_finish(plain, &err) < 0 && err.errnum == EXDEV && strstr(err.msg, "/proc"),
	      "tmpfs over /proc accepted: '%s'", err.msg);

	return 0;
}

/* CVE-2025-52565: the console bind must not follow a /dev/console symlink. */
static int test_console(void)
{
	cleanup_close int master = -1, slave = -1, notty = -1;
	struct ct_err err = {0};
	char p[600], ty[64];

	CHECK(openpty(&master, &slave, NULL, NULL, NULL) == 0, "openpty: %s", strerror(errno));
	snprintf(p, sizeof(p), "%s/dev/console", rootfs);
	CHECK(symlink(host, p) == 0, "setup");
	CHECK(ct_rootfs_bind_console_fd(rootfs, slave, &err) < 0 && err.errnum == ELOOP,
	      "console symlink followed: '%s'", err.msg);
	CHECK(!mount_at(host, NULL, NULL, NULL), "mounted onto the host");
	CHECK(unlink(p) == 0, "setup");
	notty = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(ct_rootfs_bind_console_fd(rootfs, notty, &err) < 0 && err.errnum == ENOTTY,
	      "a non-pty accepted");
	CHECK_OK(ct_rootfs_bind_console_fd(rootfs, slave, &err), &err);
	CHECK(mount_at(p, ty, NULL, NULL) && strcmp(ty, "devpts") == 0, "console not bound");

	return 0;
}

/* LIMITATION pin: without openat2 nothing in the rootfs is opened, and the error says why. */
static int test_no_openat2(void)
{
	cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	struct ct_err err = {0};
	int fd = -1;

	CHECK(rootfd >= 0 && ctx, "setup");
	CHECK(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0) == 0 &&
		      seccomp_load(ctx) == 0,
	      "load a filter refusing openat2");
	seccomp_release(ctx);
	CHECK(ct_path_open_in_root(rootfd, "dev", O_PATH, &fd, &err) < 0 && err.errnum == ENOSYS,
	      "opened without openat2: fd %d, '%s'", fd, err.msg);

	return 0;
}

int main(void)
{
	if (geteuid() != 0) {
		printf("ok 1 # skip rootfs tests need root\n1..1\n");
		return 0;
	}
	run("symlinks in the image never let a mount, mkdir or node reach the host",
	    test_symlink_escape);
	run("a dangling symlink to the host fails the mount and creates nothing there",
	    test_dangling_symlink);
	run("a proc destination through a symlink is refused", test_proc_destination_symlink);
	run("masking refuses a /dev/null that is a symlink to a host file", test_devnull_symlink);
	run("masking refuses a /dev/null that is a regular file", test_devnull_regular_file);
	run("procfs opens stay in a real procfs; a tmpfs over /proc is refused", test_fake_procfs);
	run("the console bind refuses a /dev/console symlink and a non-pty", test_console);
	run("without openat2 a path in the rootfs fails with ENOSYS, no user-space walk",
	    test_no_openat2);

	return tap_done();
}
