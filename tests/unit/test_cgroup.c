/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroup library on the host's real hierarchies (v1, v2 or hybrid): every
 * cgroup here is made below the test's own cgroup (tests/run.sh gives the run
 * a private one; in the cgroup2 guest it is the root) and removed again.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sched.h>

#include "common/cgroup.h"
#include "common/cleanup.h"
#include "common/err.h"
#include "common/spec.h"
#include "tests/unit/tap.h"

static enum ct_cgroup_mode mode;
static char warnings[2048];

static void record_warning(const char *msg)
{
	size_t len = strlen(warnings);

	snprintf(warnings + len, sizeof(warnings) - len, "%s\n", msg);
}

static void name_of(char *buf, size_t size, const char *what)
{
	snprintf(buf, size, "ct-unit-%d-%s", (int)getpid(), what);
}

static struct ct_cgroup *make(const char *what, const struct ct_resources *res, bool devices,
			      struct ct_err *err)
{
	char name[64];
	struct ct_cgroup_config cfg = {.resources = res, .skip_devices = !devices};

	name_of(name, sizeof(name), what);
	cfg.id = name;
	return ct_cgroup_create(&cfg, err);
}

/* Reads a controller file of the cgroup, first line, no newline. */
static bool read_file(const struct ct_cgroup *cg, const char *ctrl, const char *file, char *buf,
		      size_t size)
{
	const char *dir = ct_cgroup_path(cg, ctrl);
	char path[PATH_MAX];
	FILE *f;
	bool ok;

	if (!dir)
		return false;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static bool file_is(const struct ct_cgroup *cg, const char *ctrl, const char *file,
		    const char *want)
{
	char buf[512];

	if (!read_file(cg, ctrl, file, buf, sizeof(buf))) {
		printf("#   cannot read %s\n", file);
		return false;
	}
	if (strcmp(buf, want) != 0)
		printf("#   %s: '%s', want '%s'\n", file, buf, want);
	return strcmp(buf, want) == 0;
}

static bool gone(const char *path)
{
	struct stat st;

	return path && stat(path, &st) < 0 && errno == ENOENT;
}

static bool destroy(struct ct_cgroup *cg)
{
	struct ct_err err = {0};
	bool ok;

	if (!cg)
		return false;
	ok = ct_cgroup_destroy(cg, &err) == 0;
	if (!ok)
		printf("#   destroy: %s (%s)\n", err.msg, strerror(err.errnum));
	ct_cgroup_free(cg);
	return ok;
}

/* TAP_OK evaluates its condition twice: destroy once, then report. */
static void destroy_ok(struct ct_cgroup *cg, const char *name)
{
	bool ok = destroy(cg);

	TAP_OK(ok, "%s", name);
}

/*
 * Forks a child that moves itself into the cgroup (as the container's init
 * does), then runs fn and exits with its result. Returns the pid, or -1.
 */
static pid_t child_in(const struct ct_cgroup *cg, int (*fn)(void *), void *arg)
{
	int fds[CT_CGROUP_MAX_ENTRIES];
	struct ct_err err;
	int in[2];
	size_t n = 0;
	pid_t pid;
	char c = 0;

	if (ct_cgroup_open_entries(cg, fds, CT_CGROUP_MAX_ENTRIES, &n, &err) < 0) {
		printf("#   open entries: %s (%s)\n", err.msg, strerror(err.errnum));
		return -1;
	}
	if (pipe2(in, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(in[0]);
		if (ct_cgroup_enter_self(fds, n, &err) < 0) {
			printf("#   enter: %s (%s)\n", err.msg, strerror(err.errnum));
			_exit(121);
		}
		/* In: the caller may look at the cgroup now. */
		if (write(in[1], &c, 1) != 1)
			_exit(120);
		close(in[1]);
		_exit(fn(arg));
	}
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	close(in[1]);
	if (pid > 0 && read(in[0], &c, 1) != 1) {
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(in[0]);
	return pid;
}

static int wait_status(pid_t pid)
{
	int status = -1;

	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return status;
}

static void test_conversions(void)
{
	struct ct_err err;
	int64_t swap = 0;
	bool ok;

	TAP_OK(ct_cgroup_shares_to_weight(2) == 1, "cpu shares 2 become weight 1");
	TAP_OK(ct_cgroup_shares_to_weight(262144) == 10000,
	       "cpu shares 262144 become weight 10000");
	TAP_OK(ct_cgroup_shares_to_weight(1024) == 39, "cpu shares 1024 become weight 39 (runc's)");
	TAP_OK(ct_cgroup_blkio_to_io_weight(10) == 1, "blkio weight 10 becomes io weight 1");
	TAP_OK(ct_cgroup_blkio_to_io_weight(1000) == 10000, "blkio weight 1000 becomes 10000");
	TAP_OK(ct_cgroup_blkio_to_io_weight(500) == 4950, "blkio weight 500 becomes 4950");
	ok = ct_cgroup_swap_to_v2(192, 64, true, &swap, &err) == 0 && swap == 128;
	TAP_OK(ok, "memory+swap 192 with limit 64 is swap.max 128 on v2");
	ok = ct_cgroup_swap_to_v2(-1, 64, true, &swap, &err) == 0 && swap == -1;
	TAP_OK(ok, "memory+swap -1 stays unlimited");
	ok = ct_cgroup_swap_to_v2(32, 64, true, &swap, &err) < 0 && err.errnum == EINVAL;
	TAP_OK(ok, "memory+swap below the limit is refused");
	ok = ct_cgroup_swap_to_v2(32, 0, false, &swap, &err) < 0 && err.errnum == EINVAL;
	TAP_OK(ok, "memory+swap without a limit is refused");
}

static void test_detect(void)
{
	struct ct_err err;
	enum ct_cgroup_mode m;
	const char *want = getenv("CT_EXPECT_CGROUP");
	bool ok = ct_cgroup_detect(&m, &err) == 0;

	TAP_OK(ok, "detects the host's cgroup layout (%s)", ok ? ct_cgroup_mode_name(m) : err.msg);
	if (want)
		TAP_STR_EQ(ct_cgroup_mode_name(m), want, "the layout is the expected %s", want);
	mode = m;
}

static void test_create_nests_below_own(void)
{
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("nest", NULL, false, &err);
	char name[64];
	json_t *j;
	size_t i;
	bool ok = cg != NULL;

	TAP_OK(ok, "creates a cgroup with no resources (%s)", err.msg);
	if (!cg)
		return;
	name_of(name, sizeof(name), "nest");
	j = ct_cgroup_to_json(cg);
	ok = j != NULL;
	for (i = 0; j && i < json_array_size(json_object_get(j, "dirs")); i++) {
		const char *p = json_string_value(
			json_object_get(json_array_get(json_object_get(j, "dirs"), i), "path"));
		const char *own = getenv("CT_TEST_CGROUP");
		const char *base = strrchr(p, '/');

		if (!base || strcmp(base + 1, name) != 0 || access(p, F_OK) < 0)
			ok = false;
		/* The parent must be the run's own cgroup, never a cgroup we did not make. */
		if (own && !strstr(p, own))
			ok = false;
	}
	TAP_OK(ok, "every hierarchy has the cgroup below the test's own cgroup");
	TAP_OK(json_array_size(json_object_get(j, "dirs")) >= 1, "the state lists its directories");
	json_decref(j);
	destroy_ok(cg, "destroys the empty cgroup");
}

static void test_memory(void)
{
	struct ct_memory mem = {.has_limit = true,
				.limit = 64 << 20,
				.has_reservation = true,
				.reservation = 32 << 20,
				.has_swappiness = true,
				.swappiness = 10,
				.has_kernel = true,
				.kernel = 1 << 20};
	struct ct_resources res = {.memory = &mem};
	struct ct_err err = {0};
	struct ct_cgroup *cg;

	warnings[0] = '\0';
	cg = make("mem", &res, false, &err);
	TAP_OK(cg != NULL, "creates a cgroup with memory limits (%s)", err.msg);
	if (!cg)
		return;
	if (mode == CT_CGROUP_V2) {
		TAP_OK(file_is(cg, "memory", "memory.max", "67108864"), "memory.max is the limit");
		TAP_OK(file_is(cg, "memory", "memory.low", "33554432"),
		       "memory.low is the reservation");
		TAP_OK(strstr(warnings, "swappiness") != NULL, "swappiness is warned about on v2");
	} else {
		TAP_OK(file_is(cg, "memory", "memory.limit_in_bytes", "67108864"),
		       "memory.limit_in_bytes is the limit");
		TAP_OK(file_is(cg, "memory", "memory.soft_limit_in_bytes", "33554432"),
		       "memory.soft_limit_in_bytes is the reservation");
		TAP_OK(file_is(cg, "memory", "memory.swappiness", "10"),
		       "memory.swappiness is set");
	}
	TAP_OK(strstr(warnings, "memory.kernel ") != NULL,
	       "a kernel memory limit is a warning only");
	destroy_ok(cg, "destroys the memory cgroup");
}

static void test_cpu(void)
{
	struct ct_cpu cpu = {.has_shares = true,
			     .shares = 512,
			     .has_quota = true,
			     .quota = 50000,
			     .has_period = true,
			     .period = 100000,
			     .cpus = "0",
			     .mems = "0"};
	struct ct_resources res = {.cpu = &cpu};
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("cpu", &res, false, &err);
	char want[32];

	TAP_OK(cg != NULL, "creates a cgroup with cpu limits (%s)", err.msg);
	if (!cg)
		return;
	if (mode == CT_CGROUP_V2) {
		snprintf(want, sizeof(want), "%" PRIu64, ct_cgroup_shares_to_weight(512));
		TAP_OK(file_is(cg, "cpu", "cpu.weight", want),
		       "cpu.weight is the converted shares");
		TAP_OK(file_is(cg, "cpu", "cpu.max", "50000 100000"),
		       "cpu.max is quota and period");
	} else {
		TAP_OK(file_is(cg, "cpu", "cpu.shares", "512"), "cpu.shares is set");
		TAP_OK(file_is(cg, "cpu", "cpu.cfs_quota_us", "50000"), "cpu.cfs_quota_us is set");
		TAP_OK(file_is(cg, "cpu", "cpu.cfs_period_us", "100000"),
		       "cpu.cfs_period_us is set");
	}
	TAP_OK(file_is(cg, "cpuset", "cpuset.cpus", "0"), "cpuset.cpus is set");
	TAP_OK(file_is(cg, "cpuset", "cpuset.mems", "0"), "cpuset.mems is set");
	destroy_ok(cg, "destroys the cpu cgroup");
}

static void test_realtime(void)
{
	struct ct_cpu cpu = {.has_realtime_runtime = true,
			     .realtime_runtime = 0,
			     .has_realtime_period = true,
			     .realtime_period = 1000000};
	struct ct_resources res = {.cpu = &cpu};
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("rt", &res, false, &err);

	if (mode == CT_CGROUP_V2) {
		bool ok = !cg && err.errnum == EOPNOTSUPP && strstr(err.msg, "realtime");

		TAP_OK(ok, "realtime cpu settings fail clearly on v2 (%s)", err.msg);
		destroy(cg);
		return;
	}
	TAP_OK(cg != NULL, "sets the realtime period and runtime (%s)", err.msg);
	if (!cg)
		return;
	TAP_OK(file_is(cg, "cpu", "cpu.rt_period_us", "1000000"), "cpu.rt_period_us is set");
	destroy_ok(cg, "destroys the realtime cgroup");
}

static void test_pids_and_update(void)
{
	struct ct_resources res = {.has_pids_limit = true, .pids_limit = 10};
	struct ct_memory mem = {.has_limit = true, .limit = 100 << 20};
	struct ct_resources upd = {.has_pids_limit = true, .pids_limit = -1, .memory = &mem};
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("pids", &res, false, &err);
	bool ok;

	TAP_OK(cg != NULL, "creates a cgroup with a pids limit (%s)", err.msg);
	if (!cg)
		return;
	TAP_OK(file_is(cg, "pids", "pids.max", "10"), "pids.max is the limit");
	ok = ct_cgroup_update(cg, &upd, &err) == 0;
	TAP_OK(ok, "updates a live cgroup (%s)", err.msg);
	TAP_OK(file_is(cg, "pids", "pids.max", "max"), "pids limit -1 becomes max");
	TAP_OK(file_is(cg, "memory", mode == CT_CGROUP_V2 ? "memory.max" : "memory.limit_in_bytes",
		       "104857600"),
	       "update changes the memory limit");
	destroy_ok(cg, "destroys the pids cgroup");
}

/* major:minor of the first disk in /sys/block that is not a loop or ram device. */
static bool find_disk(char *buf, size_t size)
{
	const char *names[] = {"vda", "sda", "nvme0n1", "xvda", "zram0"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[128];
		FILE *f;
		bool ok;

		snprintf(path, sizeof(path), "/sys/block/%s/dev", names[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		ok = fgets(buf, (int)size, f) != NULL;
		fclose(f);
		if (ok) {
			buf[strcspn(buf, "\n")] = '\0';
			return true;
		}
	}

	return false;
}

static bool parse_majmin(const char *text, unsigned *ret_major, unsigned *ret_minor)
{
	char *end;
	unsigned long major = strtoul(text, &end, 10);

	if (end == text || *end != ':')
		return false;
	*ret_major = (unsigned)major;
	*ret_minor = (unsigned)strtoul(end + 1, &end, 10);
	return *end == '\0';
}

static void test_blkio_throttle(void)
{
	char disk[32], want[128];
	unsigned major, minor;
	struct ct_blkio_throttle t;
	struct ct_blkio b = {0};
	struct ct_resources res = {.block_io = &b};
	struct ct_err err = {0};
	struct ct_cgroup *cg;

	if (!find_disk(disk, sizeof(disk)) || !parse_majmin(disk, &major, &minor)) {
		printf("ok %d - # SKIP no disk for block IO throttling\n", ++tap_count);
		return;
	}
	t = (struct ct_blkio_throttle){.major = major, .minor = minor, .rate = 1048576};
	b.throttle_read_bps = (struct ct_blkio_throttle_list){&t, 1};
	cg = make("blkio", &res, false, &err);
	TAP_OK(cg != NULL, "creates a cgroup with a read throttle on %s (%s)", disk, err.msg);
	if (!cg)
		return;
	if (mode == CT_CGROUP_V2) {
		snprintf(want, sizeof(want), "%s rbps=1048576 wbps=max riops=max wiops=max", disk);
		TAP_OK(file_is(cg, "io", "io.max", want), "io.max has the read throttle");
	} else {
		snprintf(want, sizeof(want), "%s 1048576", disk);
		TAP_OK(file_is(cg, "blkio", "blkio.throttle.read_bps_device", want),
		       "blkio.throttle.read_bps_device has the throttle");
	}
	destroy_ok(cg, "destroys the blkio cgroup");
}

/* The weight goes to io.weight (converted) on v2, blkio.weight or BFQ's on v1, when the host has
 * one. */
static void test_blkio_weight(void)
{
	struct ct_blkio b = {.has_weight = true, .weight = 500};
	struct ct_resources res = {.block_io = &b};
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("bweight", &res, false, &err);
	const char *dir = NULL;
	char buf[64] = "";
	bool ok;

	if (!cg) {
		ok = err.errnum == ENOENT && strstr(err.msg, "weight");
		TAP_OK(ok, "a blkio weight the host cannot take fails clearly (%s)", err.msg);
		return;
	}
	dir = ct_cgroup_path(cg, mode == CT_CGROUP_V2 ? "io" : "blkio");
	if (mode == CT_CGROUP_V2)
		ok = read_file(cg, "io", "io.weight", buf, sizeof(buf)) &&
		     strcmp(buf, "default 4950") == 0;
	else
		ok = (read_file(cg, "blkio", "blkio.weight", buf, sizeof(buf)) ||
		      read_file(cg, "blkio", "blkio.bfq.weight", buf, sizeof(buf))) &&
		     strstr(buf, "500");
	TAP_OK(ok, "the blkio weight reads back in '%s' ('%s')", dir ? dir : "?", buf);
	destroy(cg);
}

/* hugetlb lives on the unified hierarchy of hybrid hosts, usable only when delegated to us. */
static void test_hugetlb(void)
{
	struct ct_hugepage_limit h = {.page_size = "2MB", .limit = 4 << 21};
	struct ct_resources res = {.hugepage_limits = &h, .n_hugepage_limits = 1};
	struct ct_err err = {0};
	struct ct_cgroup *probe = make("hprobe", NULL, false, &err);
	const char *where = probe ? ct_cgroup_path(probe, "hugetlb") : NULL;
	bool available = where != NULL;
	struct ct_cgroup *cg;
	bool ok;

	destroy(probe);
	cg = make("huge", &res, false, &err);
	if (!available) {
		ok = !cg && err.errnum == ENOENT && strstr(err.msg, "'hugetlb' is not available");
		TAP_OK(ok, "a hugepage limit without the hugetlb controller fails clearly (%s)",
		       err.msg);
		destroy(cg);
		return;
	}
	TAP_OK(cg != NULL, "creates a cgroup with a 2MB hugepage limit (%s)", err.msg);
	if (!cg)
		return;
	TAP_OK(file_is(cg, "hugetlb",
		       ct_cgroup_path(cg, "hugetlb") == ct_cgroup_path(cg, "")
			       ? "hugetlb.2MB.max"
			       : "hugetlb.2MB.limit_in_bytes",
		       "8388608"),
	       "the hugetlb limit reads back");
	if (ct_cgroup_path(cg, "hugetlb") == ct_cgroup_path(cg, ""))
		TAP_OK(file_is(cg, "hugetlb", "hugetlb.2MB.rsvd.max", "8388608"),
		       "the hugetlb reservation limit is set on v2");
	destroy_ok(cg, "destroys the hugetlb cgroup");
}

/* net_cls/net_prio exist only on v1, and only where mounted; v2 has no equivalent. */
static void test_network(void)
{
	struct ct_net_priority prio = {.name = "lo", .priority = 5};
	struct ct_network net = {
		.has_class_id = true, .class_id = 0x100001, .priorities = &prio, .n_priorities = 1};
	struct ct_resources res = {.network = &net};
	struct ct_err err = {0};
	struct ct_cgroup *cg;
	bool ok;

	warnings[0] = '\0';
	cg = make("net", &res, false, &err);
	if (mode == CT_CGROUP_V2) {
		ok = cg && strstr(warnings, "no cgroup v2 equivalent");
		TAP_OK(ok, "network classID is a warning on cgroup v2 (%s)", err.msg);
	} else if (access("/sys/fs/cgroup/net_cls", F_OK) < 0 &&
		   access("/sys/fs/cgroup/net_cls,net_prio", F_OK) < 0) {
		ok = !cg && err.errnum == ENOENT && strstr(err.msg, "'net_cls' is not available");
		TAP_OK(ok, "network classID without net_cls mounted fails clearly (%s)", err.msg);
	} else {
		TAP_OK(cg && file_is(cg, "net_cls", "net_cls.classid", "1048577"),
		       "net_cls.classid is set (%s)", err.msg);
	}
	destroy(cg);
}

/* rdma.max takes "DEVICE hca_handle=N hca_object=M"; a device the host lacks is refused. */
static void test_rdma(void)
{
	struct ct_rdma r = {.device = "ct-no-such-hca", .has_hca_handles = true, .hca_handles = 2};
	struct ct_rdma bad = {.device = "a b"};
	struct ct_resources res = {.rdma = &r, .n_rdma = 1};
	struct ct_resources res_bad = {.rdma = &bad, .n_rdma = 1};
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("rdma", &res, false, &err);
	bool ok = !cg && err.msg[0] &&
		  (strstr(err.msg, "'rdma' is not available") ||
		   strstr(err.msg, "set rdma limit of 'ct-no-such-hca'"));

	TAP_OK(ok, "an rdma limit fails clearly without the controller or the device (%s)",
	       err.msg);
	destroy(cg);
	cg = make("rdma-bad", &res_bad, false, &err);
	ok = !cg && err.errnum == EINVAL && strstr(err.msg, "bad device name 'a b'");
	TAP_OK(ok, "an rdma device name with a space is refused (%s)", err.msg);
	destroy(cg);
}

static void test_unified(void)
{
	struct ct_kv kv = {.key = "cgroup.max.descendants", .value = "5"};
	struct ct_kv bad = {.key = "cgroup.procs", .value = "1"};
	struct ct_resources res = {.unified = {&kv, 1}};
	struct ct_resources res_bad = {.unified = {&bad, 1}};
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("unified", &res, false, &err);
	bool ok;

	if (mode == CT_CGROUP_V1) {
		ok = !cg && err.errnum == EOPNOTSUPP && strstr(err.msg, "needs cgroup v2");
		TAP_OK(ok, "unified keys are refused on cgroup v1 (%s)", err.msg);
		destroy(cg);
		return;
	}
	TAP_OK(cg != NULL, "writes unified keys verbatim (%s)", err.msg);
	if (cg)
		TAP_OK(file_is(cg, "", "cgroup.max.descendants", "5"),
		       "the unified key reads back");
	destroy(cg);
	cg = make("unified-bad", &res_bad, false, &err);
	ok = !cg && err.errnum == EPERM;
	TAP_OK(ok, "a unified key that moves tasks is refused (%s)", err.msg);
	destroy(cg);
}

static void test_bad_paths(void)
{
	struct ct_cgroup_config cfg = {
		.id = "x", .cgroups_path = "a/../../escape", .skip_devices = true};
	struct ct_err err = {0};
	struct ct_cgroup *cg = ct_cgroup_create(&cfg, &err);
	json_t *j = json_pack("{s:s, s:[{s:s, s:s, s:i, s:b}]}", "mode", "v1", "dirs",
			      "controllers", "memory", "path", "/etc", "created", 1, "v2", 0);
	bool ok = !cg && err.errnum == EINVAL;

	TAP_OK(ok, "a cgroupsPath with '..' is refused (%s)", err.msg);
	destroy(cg);
	cg = ct_cgroup_from_json(j, &err);
	ok = !cg && err.errnum == EINVAL;
	TAP_OK(ok, "a state naming a path outside /sys/fs/cgroup is refused");
	ct_cgroup_free(cg);
	json_decref(j);
}

/* Creation that fails half way leaves nothing: the nested path is gone in every hierarchy. */
static void test_create_undo(void)
{
	struct ct_cpu cpu = {.cpus = "4095"};
	struct ct_resources res = {.cpu = &cpu};
	struct ct_err err = {0};
	struct ct_cgroup *probe = make("undo", NULL, false, &err);
	char name[64], path[128];
	struct ct_cgroup_config cfg = {.resources = &res, .skip_devices = true};
	struct ct_cgroup *cg;
	json_t *j;
	size_t i;
	bool ok = probe != NULL;

	if (!probe) {
		TAP_OK(false, "creates a probe cgroup (%s)", err.msg);
		return;
	}
	j = ct_cgroup_to_json(probe);
	destroy(probe);
	name_of(name, sizeof(name), "undo");
	snprintf(path, sizeof(path), "%s/a/b", name);
	cfg.id = name;
	cfg.cgroups_path = path;
	cg = ct_cgroup_create(&cfg, &err);
	TAP_OK(!cg && err.msg[0], "a cpuset the host lacks fails create (%s)", err.msg);
	destroy(cg);
	for (i = 0; i < json_array_size(json_object_get(j, "dirs")); i++) {
		const char *p = json_string_value(
			json_object_get(json_array_get(json_object_get(j, "dirs"), i), "path"));

		if (!gone(p)) {
			printf("#   left behind: %s\n", p);
			ok = false;
		}
	}
	TAP_OK(ok, "the failed create removed every directory it made");
	json_decref(j);
}

static int hold(void *arg)
{
	(void)arg;
	pause();
	return 0;
}

/* Memory touched after the move is charged to the cgroup (what came along with fork is not). */
static int hold_mem(void *arg)
{
	char *p = malloc(4 << 20);

	(void)arg;
	if (!p)
		return 2;
	memset(p, 1, 4 << 20);
	pause();
	free(p);
	return 0;
}

static void test_destroy_kills(void)
{
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("kill", NULL, false, &err);
	cleanup_free pid_t *pids = NULL;
	struct ct_cgroup *again;
	size_t n = 0;
	pid_t a, b;
	int sa, sb;
	bool ok;

	if (!cg) {
		TAP_OK(false, "creates a cgroup to kill (%s)", err.msg);
		return;
	}
	a = child_in(cg, hold, NULL);
	b = child_in(cg, hold, NULL);
	ok = ct_cgroup_pids(cg, &pids, &n, &err) == 0 && n == 2;
	TAP_OK(ok, "lists the cgroup's two processes (%zu)", n);
	again = make("kill", NULL, false, &err);
	ok = !again && err.errnum == EEXIST;
	TAP_OK(ok, "creating over a cgroup that holds processes is refused (%s)", err.msg);
	destroy(again);
	destroy_ok(cg, "destroy succeeds with processes inside");
	sa = wait_status(a);
	sb = wait_status(b);
	ok = WIFSIGNALED(sa) && WTERMSIG(sa) == SIGKILL && WIFSIGNALED(sb) &&
	     WTERMSIG(sb) == SIGKILL;
	TAP_OK(ok, "destroy killed the processes inside");
}

static int hog(void *arg)
{
	(void)arg;
	for (size_t i = 0; i < 64; i++) {
		char *p = malloc(8 << 20);

		if (!p)
			return 2;
		memset(p, 1, 8 << 20);
	}
	return 0;
}

static void test_oom(void)
{
	struct ct_memory mem = {
		.has_limit = true, .limit = 32 << 20, .has_swap = true, .swap = 32 << 20};
	struct ct_resources res = {.memory = &mem};
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("oom", &res, false, &err);
	struct ct_cgroup_oom *oom;
	struct pollfd pfd;
	uint64_t count = 0;
	pid_t pid;
	int st;
	bool ok;

	if (!cg) {
		TAP_OK(false, "creates a cgroup with a 32M memory limit (%s)", err.msg);
		return;
	}
	oom = ct_cgroup_oom_open(cg, &err);
	TAP_OK(oom != NULL, "watches the cgroup for OOM kills (%s)", err.msg);
	pid = child_in(cg, hog, NULL);
	st = wait_status(pid);
	ok = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	TAP_OK(ok, "a memory hog is OOM-killed at the limit (status %#x)", st);
	if (oom) {
		pfd = (struct pollfd){.fd = ct_cgroup_oom_fd(oom), .events = POLLIN};
		ok = poll(&pfd, 1, 2000) == 1 && ct_cgroup_oom_check(oom, &count, &err) == 0 &&
		     count >= 1;
		TAP_OK(ok, "the OOM kill is reported (%" PRIu64 ")", count);
	}
	ct_cgroup_oom_free(oom);
	destroy_ok(cg, "destroys the OOM cgroup");
}

static int fork_loop(void *arg)
{
	int made = 0;

	(void)arg;
	for (int i = 0; i < 50; i++) {
		pid_t p = fork();

		if (p < 0)
			return errno == EAGAIN && made < 5 ? 0 : 3;
		if (p == 0) {
			pause();
			_exit(0);
		}
		made++;
	}
	return 4;
}

static void test_pids_enforced(void)
{
	struct ct_resources res = {.has_pids_limit = true, .pids_limit = 5};
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("forks", &res, false, &err);
	pid_t pid;
	int st;

	if (!cg) {
		TAP_OK(false, "creates a cgroup with pids.max 5 (%s)", err.msg);
		return;
	}
	pid = child_in(cg, fork_loop, NULL);
	st = wait_status(pid);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a fork loop stops at pids.max (status %#x)",
	       st);
	destroy_ok(cg, "destroys the fork loop's cgroup with its children");
}

static int spin(void *arg)
{
	volatile uint64_t *counter = arg;

	for (;;)
		(*counter)++;
	return 0;
}

static void test_freezer(void)
{
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("freeze", NULL, false, &err);
	volatile uint64_t *counter =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct timespec tick = {0, 100L * 1000 * 1000};
	uint64_t before, after;
	bool frozen = false, ok;
	pid_t pid;

	if (!cg || counter == MAP_FAILED) {
		TAP_OK(false, "creates a cgroup to freeze (%s)", err.msg);
		destroy(cg);
		return;
	}
	pid = child_in(cg, spin, (void *)counter);
	nanosleep(&tick, NULL);
	ok = ct_cgroup_freeze(cg, true, &err) == 0;
	TAP_OK(ok, "freezes the cgroup (%s)", err.msg);
	ok = ct_cgroup_is_frozen(cg, &frozen, &err) == 0 && frozen;
	TAP_OK(ok, "the cgroup reads as frozen");
	before = *counter;
	nanosleep(&tick, NULL);
	after = *counter;
	TAP_OK(before == after, "a frozen child makes no progress");
	ok = ct_cgroup_freeze(cg, false, &err) == 0;
	TAP_OK(ok, "thaws the cgroup (%s)", err.msg);
	nanosleep(&tick, NULL);
	TAP_OK(*counter > after, "the thawed child runs again");
	ok = ct_cgroup_freeze(cg, true, &err) == 0;
	TAP_OK(ok, "freezes the cgroup again (%s)", err.msg);
	destroy_ok(cg, "destroys the cgroup while frozen, killing the frozen child");
	wait_status(pid);
	munmap((void *)counter, 4096);
}

static int open_dev(void *arg)
{
	int fd = open(arg, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == EPERM ? 1 : 2;
}

static int status_of_open(const struct ct_cgroup *cg, const char *dev)
{
	int st = wait_status(child_in(cg, open_dev, (void *)dev));

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* /dev/kmsg (c 1:11) is in no default rule; opening it reads nothing. */
static void test_devices(void)
{
	struct ct_device_cgroup rules[] = {
		{.allow = false,
		 .type = "c",
		 .has_major = true,
		 .major = 1,
		 .has_minor = true,
		 .minor = 3,
		 .access = "rwm"},
	};
	struct ct_device kmsg = {.type = "c", .path = "/dev/kmsg", .major = 1, .minor = 11};
	struct ct_resources res = {.devices = rules, .n_devices = 1};
	struct ct_cgroup_config cfg = {.resources = &res, .devices = &kmsg, .n_devices = 1};
	struct ct_resources none = {0};
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("dev-ok", &none, true, &err);
	char name[64];

	TAP_OK(cg != NULL, "creates a cgroup with the default device policy (%s)", err.msg);
	if (cg) {
		TAP_OK(status_of_open(cg, "/dev/null") == 0, "the default policy allows /dev/null");
		TAP_OK(status_of_open(cg, "/dev/kmsg") == 1,
		       "the default policy denies a device nobody allowed (/dev/kmsg)");
		destroy(cg);
	}
	name_of(name, sizeof(name), "dev-list");
	cfg.id = name;
	cg = ct_cgroup_create(&cfg, &err);
	TAP_OK(cg != NULL, "creates a cgroup with linux.devices and a rule against /dev/null (%s)",
	       err.msg);
	if (!cg)
		return;
	TAP_OK(status_of_open(cg, "/dev/kmsg") == 0, "a device of linux.devices may be opened");
	TAP_OK(status_of_open(cg, "/dev/null") == 0, "a config cannot take a default device back");
	destroy_ok(cg, "destroys the device cgroup");
}

static void test_stats(void)
{
	struct ct_resources res = {.has_pids_limit = true, .pids_limit = 20};
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("stats", &res, false, &err);
	struct timespec settle = {0, 100L * 1000 * 1000};
	json_t *st;
	pid_t pid;
	bool ok;

	if (!cg) {
		TAP_OK(false, "creates a cgroup for stats (%s)", err.msg);
		return;
	}
	pid = child_in(cg, hold_mem, NULL);
	nanosleep(&settle, NULL);
	st = ct_cgroup_stats(cg, &err);
	ok = st && json_object_get(st, "cpu") && json_object_get(st, "memory") &&
	     json_object_get(st, "blkio") && json_object_get(st, "hugetlb");
	TAP_OK(ok, "stats have cpu, memory, pids, blkio and hugetlb");
	ok = st &&
	     json_integer_value(json_object_get(json_object_get(st, "pids"), "current")) == 1 &&
	     json_integer_value(json_object_get(json_object_get(st, "pids"), "limit")) == 20;
	TAP_OK(ok, "pids stats show one process and the limit");
	ok = st && json_integer_value(json_object_get(
			   json_object_get(json_object_get(st, "memory"), "usage"), "usage")) > 0;
	TAP_OK(ok, "memory stats show usage");
	json_decref(st);
	destroy_ok(cg, "destroys the stats cgroup");
	wait_status(pid);
}

static void test_check_before_update(void)
{
	struct ct_memory mem = {.has_limit = true,
				.limit = 4096,
				.has_check_before_update = true,
				.check_before_update = true};
	struct ct_resources upd = {.memory = &mem};
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("cbu", NULL, false, &err);
	struct timespec settle = {0, 100L * 1000 * 1000};
	pid_t pid;
	bool ok;

	if (!cg) {
		TAP_OK(false, "creates a cgroup for checkBeforeUpdate (%s)", err.msg);
		return;
	}
	pid = child_in(cg, hold_mem, NULL);
	nanosleep(&settle, NULL);
	ok = ct_cgroup_update(cg, &upd, &err) < 0 && err.errnum == EBUSY;
	TAP_OK(ok, "a limit below the current usage is refused with checkBeforeUpdate (%s)",
	       err.msg);
	destroy_ok(cg, "destroys the checkBeforeUpdate cgroup");
	wait_status(pid);
}

static int child_fn(void)
{
	pause();
	return 0;
}

/* clone3 straight into the cgroup, as the runtime does on v2. */
static void test_clone_into_cgroup(void)
{
	struct ct_err err = {0};
	struct ct_cgroup *cg = make("clone3", NULL, false, &err);
	cleanup_free pid_t *pids = NULL;
	struct clone_args args = {0};
	size_t n = 0;
	int fd;
	pid_t pid;
	bool ok;

	if (!cg) {
		TAP_OK(false, "creates a cgroup for clone3 (%s)", err.msg);
		return;
	}
	fd = ct_cgroup_open_v2_dirfd(cg, &err);
	if (mode != CT_CGROUP_V2) {
		TAP_OK(fd < 0 && err.errnum == EOPNOTSUPP,
		       "the cgroup2 directory fd is refused on %s hosts",
		       ct_cgroup_mode_name(mode));
		destroy(cg);
		return;
	}
	args.flags = CLONE_INTO_CGROUP;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)fd;
	fflush(stdout);
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(child_fn());
	close(fd);
	ok = pid > 0 && ct_cgroup_pids(cg, &pids, &n, &err) == 0 && n == 1 && pids[0] == pid;
	TAP_OK(ok, "clone3 with CLONE_INTO_CGROUP starts the child inside");
	destroy_ok(cg, "destroys the clone3 cgroup");
	if (pid > 0)
		wait_status(pid);
}

/* True when every hierarchy has us in the run's private cgroup (named by CT_TEST_CGROUP). */
static bool in_test_cgroup(void)
{
	const char *name = getenv("CT_TEST_CGROUP");
	char line[4096];
	bool ok = name != NULL;
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (!f)
		return false;
	while (ok && fgets(line, sizeof(line), f)) {
		const char *base = strrchr(line, '/');

		line[strcspn(line, "\n")] = '\0';
		ok = base && strcmp(base + 1, name) == 0;
	}
	fclose(f);
	return ok;
}

int main(void)
{
	if (geteuid() != 0 || (!getenv("CT_CGROUP_GUEST") && !in_test_cgroup())) {
		/* Outside tests/run.sh's private cgroup, ours is not ours to nest test cgroups in.
		 */
		printf("1..0 # SKIP needs root and the private test cgroup of tests/run.sh\n");
		return 0;
	}
	ct_cgroup_set_warn(record_warning);
	test_conversions();
	test_detect();
	test_create_nests_below_own();
	test_memory();
	test_cpu();
	test_realtime();
	test_pids_and_update();
	test_blkio_throttle();
	test_blkio_weight();
	test_hugetlb();
	test_unified();
	test_network();
	test_rdma();
	test_bad_paths();
	test_create_undo();
	test_destroy_kills();
	test_oom();
	test_pids_enforced();
	test_freezer();
	test_devices();
	test_stats();
	test_check_before_update();
	test_clone_into_cgroup();

	return tap_done();
}
