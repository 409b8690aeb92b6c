/* SPDX-License-Identifier: Apache-2.0 */
/* The usage figures of `events --stats`, in runc's JSON shape, from v1 or v2 files. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "common/cgroup_priv.h"
#include "common/cleanup.h"
#include "common/err.h"

/* A missing file reads as 0: stats show what the host has, not an error per counter. */
static uint64_t u64_or_zero(const char *dir, const char *file)
{
	struct ct_err ignored;
	uint64_t v = 0;

	if (cg_read_u64(dir, file, &v, &ignored) < 0)
		return 0;
	return v;
}

static uint64_t keyed_or_zero(const char *dir, const char *file, const char *key)
{
	struct ct_err ignored;
	uint64_t v = 0;

	if (cg_read_keyed(dir, file, key, &v, &ignored) < 0)
		return 0;
	return v;
}

static int set_u64(json_t *obj, const char *key, uint64_t v)
{
	/* jansson integers are signed: "max" (UINT64_MAX) is clamped rather than wrapped. */
	return json_object_set_new(obj, key,
				   json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v));
}

/* memory.stat and friends: "key value" lines into a JSON object. */
static json_t *keyed_object(const char *dir, const char *file)
{
	cleanup_free char *buf = NULL;
	struct ct_err ignored;
	json_t *obj = json_object();
	char *save = NULL;

	if (!obj || cg_read(dir, file, &buf, &ignored) < 0)
		return obj;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (!sp)
			continue;
		*sp = '\0';
		set_u64(obj, line, strtoull(sp + 1, NULL, 10));
	}

	return obj;
}

static json_t *cpu_stats(const struct ct_cgroup *cg)
{
	const struct cg_dir *cpu = cg_dir_of(cg, "cpu");
	const struct cg_dir *acct = cg_dir_of(cg, "cpuacct");
	json_t *usage = json_object(), *thr = json_object();

	if (cpu && cpu->is_v2) {
		set_u64(usage, "total", keyed_or_zero(cpu->path, "cpu.stat", "usage_usec") * 1000);
		set_u64(usage, "kernel",
			keyed_or_zero(cpu->path, "cpu.stat", "system_usec") * 1000);
		set_u64(usage, "user", keyed_or_zero(cpu->path, "cpu.stat", "user_usec") * 1000);
	} else if (acct) {
		cleanup_free char *percpu = NULL;
		struct ct_err ignored;
		json_t *arr = json_array();
		long hz = sysconf(_SC_CLK_TCK);
		uint64_t ns_per_tick = hz > 0 ? 1000000000ULL / (uint64_t)hz : 10000000ULL;

		set_u64(usage, "total", u64_or_zero(acct->path, "cpuacct.usage"));
		if (cg_read(acct->path, "cpuacct.usage_percpu", &percpu, &ignored) == 0) {
			char *save = NULL;

			for (char *t = strtok_r(percpu, " \n", &save); t;
			     t = strtok_r(NULL, " \n", &save))
				json_array_append_new(arr, json_integer(strtoll(t, NULL, 10)));
		}
		json_object_set_new(usage, "percpu", arr);
		set_u64(usage, "kernel",
			keyed_or_zero(acct->path, "cpuacct.stat", "system") * ns_per_tick);
		set_u64(usage, "user",
			keyed_or_zero(acct->path, "cpuacct.stat", "user") * ns_per_tick);
	}
	if (cpu) {
		set_u64(thr, "periods", keyed_or_zero(cpu->path, "cpu.stat", "nr_periods"));
		set_u64(thr, "throttledPeriods",
			keyed_or_zero(cpu->path, "cpu.stat", "nr_throttled"));
		set_u64(thr, "throttledTime",
			cpu->is_v2 ? keyed_or_zero(cpu->path, "cpu.stat", "throttled_usec") * 1000
				   : keyed_or_zero(cpu->path, "cpu.stat", "throttled_time"));
	}

	return json_pack("{s:o, s:o}", "usage", usage, "throttling", thr);
}

static json_t *mem_entry(const char *dir, const char *usage, const char *max, const char *limit,
			 const char *failcnt)
{
	json_t *e = json_object();

	set_u64(e, "limit", u64_or_zero(dir, limit));
	set_u64(e, "usage", u64_or_zero(dir, usage));
	set_u64(e, "max", max ? u64_or_zero(dir, max) : 0);
	set_u64(e, "failcnt", failcnt ? u64_or_zero(dir, failcnt) : 0);

	return e;
}

static json_t *memory_stats(const struct ct_cgroup *cg)
{
	const struct cg_dir *d = cg_dir_of(cg, "memory");
	json_t *mem = json_object();

	if (!d)
		return mem;
	if (d->is_v2) {
		json_t *usage =
			mem_entry(d->path, "memory.current", "memory.peak", "memory.max", NULL);
		json_t *swap = mem_entry(d->path, "memory.swap.current", "memory.swap.peak",
					 "memory.swap.max", NULL);

		set_u64(usage, "failcnt", keyed_or_zero(d->path, "memory.events", "max"));
		json_object_set_new(mem, "usage", usage);
		json_object_set_new(mem, "swap", swap);
		set_u64(mem, "cache", keyed_or_zero(d->path, "memory.stat", "file"));
	} else {
		json_object_set_new(mem, "usage",
				    mem_entry(d->path, "memory.usage_in_bytes",
					      "memory.max_usage_in_bytes", "memory.limit_in_bytes",
					      "memory.failcnt"));
		json_object_set_new(mem, "swap",
				    mem_entry(d->path, "memory.memsw.usage_in_bytes",
					      "memory.memsw.max_usage_in_bytes",
					      "memory.memsw.limit_in_bytes",
					      "memory.memsw.failcnt"));
		json_object_set_new(mem, "kernel",
				    mem_entry(d->path, "memory.kmem.usage_in_bytes",
					      "memory.kmem.max_usage_in_bytes",
					      "memory.kmem.limit_in_bytes", "memory.kmem.failcnt"));
		set_u64(mem, "cache", keyed_or_zero(d->path, "memory.stat", "total_cache"));
	}
	json_object_set_new(mem, "raw", keyed_object(d->path, "memory.stat"));

	return mem;
}

static json_t *pids_stats(const struct ct_cgroup *cg)
{
	const struct cg_dir *d = cg_dir_of(cg, "pids");
	json_t *pids = json_object();
	uint64_t limit;

	if (!d)
		return pids;
	limit = u64_or_zero(d->path, "pids.max");
	set_u64(pids, "current", u64_or_zero(d->path, "pids.current"));
	/* runc reports no limit as 0. */
	set_u64(pids, "limit", limit == UINT64_MAX ? 0 : limit);

	return pids;
}

static void blkio_entry(json_t *arr, const char *majmin, const char *op, uint64_t value)
{
	char *end;
	unsigned long major = strtoul(majmin, &end, 10);
	unsigned long minor;

	if (*end != ':')
		return;
	minor = strtoul(end + 1, &end, 10);
	if (*end)
		return;
	json_array_append_new(arr, json_pack("{s:i, s:i, s:s, s:I}", "major", (int)major, "minor",
					     (int)minor, "op", op, "value",
					     (json_int_t)(value > INT64_MAX ? INT64_MAX : value)));
}

/* v1: "8:0 Read 4096" lines (the "Total" lines have no device). */
static json_t *blkio_v1_list(const char *dir, const char *file)
{
	cleanup_free char *buf = NULL;
	struct ct_err ignored;
	json_t *arr = json_array();
	char *save = NULL;

	if (cg_read(dir, file, &buf, &ignored) < 0)
		return arr;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *fsave = NULL;
		char *majmin = strtok_r(line, " ", &fsave);
		char *op = majmin ? strtok_r(NULL, " ", &fsave) : NULL;
		char *num = op ? strtok_r(NULL, " ", &fsave) : NULL;

		if (num)
			blkio_entry(arr, majmin, op, strtoull(num, NULL, 10));
	}

	return arr;
}

/* v2: io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." per device. */
static void blkio_v2_lists(const char *dir, json_t *bytes, json_t *ios)
{
	cleanup_free char *buf = NULL;
	struct ct_err ignored;
	char *save = NULL;

	if (cg_read(dir, "io.stat", &buf, &ignored) < 0)
		return;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char majmin[32];
		unsigned long long rb = 0, wb = 0, rio = 0, wio = 0;
		const char *p;

		if (snprintf(majmin, sizeof(majmin), "%.*s", (int)strcspn(line, " "), line) <= 0)
			continue;
		if ((p = strstr(line, "rbytes=")))
			rb = strtoull(p + 7, NULL, 10);
		if ((p = strstr(line, "wbytes=")))
			wb = strtoull(p + 7, NULL, 10);
		if ((p = strstr(line, "rios=")))
			rio = strtoull(p + 5, NULL, 10);
		if ((p = strstr(line, "wios=")))
			wio = strtoull(p + 5, NULL, 10);
		blkio_entry(bytes, majmin, "Read", rb);
		blkio_entry(bytes, majmin, "Write", wb);
		blkio_entry(ios, majmin, "Read", rio);
		blkio_entry(ios, majmin, "Write", wio);
	}
}

static json_t *blkio_stats(const struct ct_cgroup *cg)
{
	const struct cg_dir *d = cg_dir_of(cg, "blkio");
	json_t *bytes, *ios;

	if (!d)
		d = cg_dir_of(cg, "io");
	if (!d)
		return json_object();
	if (d->is_v2) {
		bytes = json_array();
		ios = json_array();
		blkio_v2_lists(d->path, bytes, ios);
	} else {
		bytes = blkio_v1_list(d->path, "blkio.throttle.io_service_bytes_recursive");
		ios = blkio_v1_list(d->path, "blkio.throttle.io_serviced_recursive");
	}

	return json_pack("{s:o, s:o}", "ioServiceBytesRecursive", bytes, "ioServicedRecursive",
			 ios);
}

/* /sys/kernel/mm/hugepages/hugepages-2048kB is the controller's "2MB". */
static void page_size_name(const char *dirent_name, char *out, size_t size)
{
	unsigned long kb = strtoul(dirent_name + strlen("hugepages-"), NULL, 10);

	if (kb >= 1024UL * 1024 && kb % (1024UL * 1024) == 0)
		snprintf(out, size, "%luGB", kb / (1024UL * 1024));
	else if (kb >= 1024 && kb % 1024 == 0)
		snprintf(out, size, "%luMB", kb / 1024);
	else
		snprintf(out, size, "%luKB", kb);
}

static json_t *hugetlb_stats(const struct ct_cgroup *cg)
{
	const struct cg_dir *d = cg_dir_of(cg, "hugetlb");
	cleanup_closedir DIR *dp = NULL;
	json_t *all = json_object();
	struct dirent *de;

	if (!d || !(dp = opendir("/sys/kernel/mm/hugepages")))
		return all;
	while ((de = readdir(dp))) {
		char name[32], f_use[64], f_max[64], f_fail[64];
		json_t *e;

		if (strncmp(de->d_name, "hugepages-", 10) != 0)
			continue;
		page_size_name(de->d_name, name, sizeof(name));
		snprintf(f_use, sizeof(f_use), "hugetlb.%s.%s", name,
			 d->is_v2 ? "current" : "usage_in_bytes");
		snprintf(f_max, sizeof(f_max), "hugetlb.%s.max_usage_in_bytes", name);
		snprintf(f_fail, sizeof(f_fail), "hugetlb.%s.%s", name,
			 d->is_v2 ? "events" : "failcnt");
		e = json_object();
		set_u64(e, "usage", u64_or_zero(d->path, f_use));
		set_u64(e, "max", d->is_v2 ? 0 : u64_or_zero(d->path, f_max));
		set_u64(e, "failcnt",
			d->is_v2 ? keyed_or_zero(d->path, f_fail, "max")
				 : u64_or_zero(d->path, f_fail));
		json_object_set_new(all, name, e);
	}

	return all;
}

json_t *ct_cgroup_stats(const struct ct_cgroup *cg, struct ct_err *err)
{
	json_t *data;

	if (cg->n == 0 || access(cg->dirs[0].path, F_OK) < 0) {
		ct_err_set(err, cg->n ? errno : ENOENT, "read stats of '%s'",
			   cg->n ? cg->dirs[0].path : "");
		return NULL;
	}
	data = json_pack("{s:o, s:o, s:o, s:o, s:o}", "cpu", cpu_stats(cg), "memory",
			 memory_stats(cg), "pids", pids_stats(cg), "blkio", blkio_stats(cg),
			 "hugetlb", hugetlb_stats(cg));
	if (!data)
		ct_err_set(err, ENOMEM, "read stats");

	return data;
}
