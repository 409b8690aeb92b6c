/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources written to v1 controller files or their cgroup2 equivalents. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cgroup_priv.h"
#include "common/cleanup.h"
#include "common/err.h"
#include "common/spec.h"

uint64_t ct_cgroup_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	/* Maps the v1 range 2..262144 linearly onto 1..10000, as runc and crun do. */
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t ct_cgroup_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + ((weight - 10) * 9999) / 990;
}

int ct_cgroup_swap_to_v2(int64_t swap, int64_t limit, bool has_limit, int64_t *ret_swap,
			 struct ct_err *err)
{
	/* v1 limits memory+swap together; cgroup2's memory.swap.max counts swap alone. */
	if (swap == -1 || swap == 0) {
		*ret_swap = swap;
		return 0;
	}
	if (swap < 0)
		return ct_err_set(err, EINVAL, "memory swap %" PRId64 " is negative", swap);
	if (!has_limit || limit <= 0)
		return ct_err_set(err, EINVAL, "memory swap %" PRId64 " needs a memory limit",
				  swap);
	if (swap < limit)
		return ct_err_set(err, EINVAL,
				  "memory swap %" PRId64 " is below the memory limit %" PRId64
				  " (swap counts memory+swap)",
				  swap, limit);
	*ret_swap = swap - limit;

	return 0;
}

static const struct cg_dir *need(const struct ct_cgroup *cg, const char *controller,
				 const char *what, struct ct_err *err)
{
	const struct cg_dir *d = cg_dir_of(cg, controller);

	if (!d)
		ct_err_set(err, ENOENT,
			   "set %s: cgroup controller '%s' is not available (not mounted, or not "
			   "enabled in the parent's cgroup.subtree_control)",
			   what, controller);
	return d;
}

/* "max" for a negative value (OCI's -1 means unlimited), else the number. */
static void num_or_max(int64_t v, char *buf, size_t size)
{
	if (v < 0)
		snprintf(buf, size, "max");
	else
		snprintf(buf, size, "%" PRId64, v);
}

static int check_usage(const struct cg_dir *d, int64_t limit, struct ct_err *err)
{
	uint64_t usage;

	if (limit < 0)
		return 0;
	if (cg_read_u64(d->path, d->is_v2 ? "memory.current" : "memory.usage_in_bytes", &usage,
			err) < 0)
		return -1;
	if ((uint64_t)limit < usage)
		return ct_err_set(err, EBUSY,
				  "set memory limit: %" PRId64
				  " is below the current usage %" PRIu64 " (checkBeforeUpdate)",
				  limit, usage);

	return 0;
}

static void warn_memory_common(const struct ct_memory *m)
{
	if (m->has_kernel)
		cg_warn("memory.kernel is not supported by current kernels, ignoring");
	if (m->has_kernel_tcp)
		cg_warn("memory.kernelTCP is not supported by current kernels, ignoring");
	if (m->has_use_hierarchy && !m->use_hierarchy)
		cg_warn("memory.useHierarchy false is not supported by current kernels, ignoring");
}

/*
 * memory.memsw.limit_in_bytes must never drop below memory.limit_in_bytes,
 * so the order of the two writes depends on whether swap grows or shrinks.
 */
static int memory_v1_limits(const struct cg_dir *d, const struct ct_memory *m, struct ct_err *err)
{
	bool has_memsw = cg_has_file(d->path, "memory.memsw.limit_in_bytes");
	bool swap_first = false;

	if (m->has_swap && !has_memsw) {
		cg_warn("memory.swap: no swap accounting in '%s', ignoring", d->path);
	} else if (m->has_swap) {
		uint64_t cur;

		if (cg_read_u64(d->path, "memory.memsw.limit_in_bytes", &cur, err) < 0)
			return -1;
		swap_first = m->swap == -1 || (uint64_t)m->swap > cur;
	}
	if (swap_first && has_memsw &&
	    cg_writef(d->path, "memory.memsw.limit_in_bytes", err, "%" PRId64, m->swap) < 0)
		return -1;
	if (m->has_limit &&
	    cg_writef(d->path, "memory.limit_in_bytes", err, "%" PRId64, m->limit) < 0)
		return -1;
	if (m->has_swap && !swap_first && has_memsw &&
	    cg_writef(d->path, "memory.memsw.limit_in_bytes", err, "%" PRId64, m->swap) < 0)
		return -1;

	return 0;
}

static int memory_v1(const struct cg_dir *d, const struct ct_memory *m, struct ct_err *err)
{
	if (memory_v1_limits(d, m, err) < 0)
		return -1;
	if (m->has_reservation &&
	    cg_writef(d->path, "memory.soft_limit_in_bytes", err, "%" PRId64, m->reservation) < 0)
		return -1;
	if (m->has_swappiness) {
		if (m->swappiness > 100)
			return ct_err_set(err, EINVAL, "memory swappiness %" PRIu64 " is above 100",
					  m->swappiness);
		if (cg_writef(d->path, "memory.swappiness", err, "%" PRIu64, m->swappiness) < 0)
			return -1;
	}
	if (m->has_disable_oom_killer &&
	    cg_write(d->path, "memory.oom_control", m->disable_oom_killer ? "1" : "0", err) < 0)
		return -1;

	return 0;
}

static int memory_v2(const struct cg_dir *d, const struct ct_memory *m, struct ct_err *err)
{
	char buf[32];

	if (m->has_limit) {
		num_or_max(m->limit, buf, sizeof(buf));
		if (cg_write(d->path, "memory.max", buf, err) < 0)
			return -1;
	}
	if (m->has_reservation) {
		num_or_max(m->reservation, buf, sizeof(buf));
		if (cg_write(d->path, "memory.low", buf, err) < 0)
			return -1;
	}
	if (m->has_swap) {
		int64_t swap = 0;

		if (ct_cgroup_swap_to_v2(m->swap, m->limit, m->has_limit, &swap, err) < 0)
			return -1;
		num_or_max(swap, buf, sizeof(buf));
		if (swap != 0 || m->swap == 0) {
			if (!cg_has_file(d->path, "memory.swap.max"))
				cg_warn("memory.swap: no swap accounting in '%s', ignoring",
					d->path);
			else if (cg_write(d->path, "memory.swap.max", buf, err) < 0)
				return -1;
		}
	}
	if (m->has_swappiness)
		cg_warn("memory.swappiness has no cgroup v2 equivalent, ignoring");
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		cg_warn("memory.disableOOMKiller has no cgroup v2 equivalent, ignoring");

	return 0;
}

static int apply_memory(const struct ct_cgroup *cg, const struct ct_memory *m, bool is_update,
			struct ct_err *err)
{
	const struct cg_dir *d = need(cg, "memory", "memory", err);

	if (!d)
		return -1;
	warn_memory_common(m);
	if (is_update && m->has_limit && m->has_check_before_update && m->check_before_update &&
	    check_usage(d, m->limit, err) < 0)
		return -1;
	if ((d->is_v2 ? memory_v2(d, m, err) : memory_v1(d, m, err)) < 0)
		return ct_err_wrap(err, "set memory");

	return 0;
}

static int cpu_v1(const struct cg_dir *d, const struct ct_cpu *c, struct ct_err *err)
{
	if (c->has_shares && cg_writef(d->path, "cpu.shares", err, "%" PRIu64, c->shares) < 0)
		return -1;
	/* The period first: the kernel checks the quota against the period in force. */
	if (c->has_period &&
	    cg_writef(d->path, "cpu.cfs_period_us", err, "%" PRIu64, c->period) < 0)
		return -1;
	if (c->has_quota && cg_writef(d->path, "cpu.cfs_quota_us", err, "%" PRId64,
				      c->quota > 0 ? c->quota : -1) < 0)
		return -1;
	if (c->has_burst && cg_writef(d->path, "cpu.cfs_burst_us", err, "%" PRIu64, c->burst) < 0)
		return -1;
	if (c->has_realtime_period &&
	    cg_writef(d->path, "cpu.rt_period_us", err, "%" PRIu64, c->realtime_period) < 0)
		return -1;
	if (c->has_realtime_runtime &&
	    cg_writef(d->path, "cpu.rt_runtime_us", err, "%" PRId64, c->realtime_runtime) < 0)
		return -1;
	if (c->has_idle && cg_writef(d->path, "cpu.idle", err, "%" PRId64, c->idle) < 0)
		return -1;

	return 0;
}

static int cpu_v2(const struct cg_dir *d, const struct ct_cpu *c, struct ct_err *err)
{
	if (c->has_realtime_period || c->has_realtime_runtime)
		return ct_err_set(err, EOPNOTSUPP,
				  "realtime runtime and period are not supported on cgroup v2");
	if (c->has_shares && c->shares != 0 &&
	    cg_writef(d->path, "cpu.weight", err, "%" PRIu64,
		      ct_cgroup_shares_to_weight(c->shares)) < 0)
		return -1;
	if (c->has_quota || c->has_period) {
		char quota[32] = "max";

		if (c->has_quota && c->quota > 0)
			snprintf(quota, sizeof(quota), "%" PRId64, c->quota);
		/* cpu.max is "QUOTA [PERIOD]": without a period the one in force stays. */
		if (c->has_period) {
			if (cg_writef(d->path, "cpu.max", err, "%s %" PRIu64, quota, c->period) < 0)
				return -1;
		} else if (cg_write(d->path, "cpu.max", quota, err) < 0) {
			return -1;
		}
	}
	if (c->has_burst && cg_writef(d->path, "cpu.max.burst", err, "%" PRIu64, c->burst) < 0)
		return -1;
	if (c->has_idle && cg_writef(d->path, "cpu.idle", err, "%" PRId64, c->idle) < 0)
		return -1;

	return 0;
}

static int apply_cpuset(const struct ct_cgroup *cg, const struct ct_cpu *c, struct ct_err *err)
{
	const struct cg_dir *d;

	if (!c->cpus && !c->mems)
		return 0;
	d = need(cg, "cpuset", "cpuset", err);
	if (!d)
		return -1;
	if (c->cpus && cg_write(d->path, "cpuset.cpus", c->cpus, err) < 0)
		return ct_err_wrap(err, "set cpuset cpus");
	if (c->mems && cg_write(d->path, "cpuset.mems", c->mems, err) < 0)
		return ct_err_wrap(err, "set cpuset mems");

	return 0;
}

static int apply_cpu(const struct ct_cgroup *cg, const struct ct_cpu *c, struct ct_err *err)
{
	bool wants_cpu = c->has_shares || c->has_quota || c->has_period || c->has_burst ||
			 c->has_realtime_period || c->has_realtime_runtime || c->has_idle;

	if (wants_cpu) {
		const struct cg_dir *d = need(cg, "cpu", "cpu", err);

		if (!d)
			return -1;
		if ((d->is_v2 ? cpu_v2(d, c, err) : cpu_v1(d, c, err)) < 0)
			return ct_err_wrap(err, "set cpu");
	}

	return apply_cpuset(cg, c, err);
}

static int apply_pids(const struct ct_cgroup *cg, int64_t limit, struct ct_err *err)
{
	const struct cg_dir *d = need(cg, "pids", "pids limit", err);
	char buf[32];

	if (!d)
		return -1;
	/* runtime-spec: zero or a negative number means no limit. */
	num_or_max(limit > 0 ? limit : -1, buf, sizeof(buf));
	if (cg_write(d->path, "pids.max", buf, err) < 0)
		return ct_err_wrap(err, "set pids limit");

	return 0;
}

static int throttle_v1(const struct cg_dir *d, const char *file,
		       const struct ct_blkio_throttle_list *l, struct ct_err *err)
{
	for (size_t i = 0; i < l->n; i++)
		if (cg_writef(d->path, file, err, "%" PRId64 ":%" PRId64 " %" PRIu64, l->v[i].major,
			      l->v[i].minor, l->v[i].rate) < 0)
			return -1;
	return 0;
}

/* BFQ exposes the weight as blkio.bfq.weight; CFQ (gone since 5.0) as blkio.weight. */
static const char *blkio_v1_file(const struct cg_dir *d, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "blkio.%s", name);
	if (cg_has_file(d->path, buf))
		return buf;
	snprintf(buf, size, "blkio.bfq.%s", name);
	return buf;
}

static int blkio_v1(const struct cg_dir *d, const struct ct_blkio *b, struct ct_err *err)
{
	char file[64];

	if (b->has_weight && cg_writef(d->path, blkio_v1_file(d, "weight", file, sizeof(file)), err,
				       "%u", b->weight) < 0)
		return -1;
	if (b->has_leaf_weight &&
	    cg_writef(d->path, "blkio.leaf_weight", err, "%u", b->leaf_weight) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct ct_blkio_weight_device *w = &b->weight_devices[i];

		if (w->has_weight &&
		    cg_writef(d->path, blkio_v1_file(d, "weight_device", file, sizeof(file)), err,
			      "%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->weight) < 0)
			return -1;
		if (w->has_leaf_weight &&
		    cg_writef(d->path, "blkio.leaf_weight_device", err,
			      "%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->leaf_weight) < 0)
			return -1;
	}
	if (throttle_v1(d, "blkio.throttle.read_bps_device", &b->throttle_read_bps, err) < 0 ||
	    throttle_v1(d, "blkio.throttle.write_bps_device", &b->throttle_write_bps, err) < 0 ||
	    throttle_v1(d, "blkio.throttle.read_iops_device", &b->throttle_read_iops, err) < 0 ||
	    throttle_v1(d, "blkio.throttle.write_iops_device", &b->throttle_write_iops, err) < 0)
		return -1;

	return 0;
}

static int throttle_v2(const struct cg_dir *d, const char *key,
		       const struct ct_blkio_throttle_list *l, struct ct_err *err)
{
	for (size_t i = 0; i < l->n; i++)
		if (cg_writef(d->path, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
			      l->v[i].major, l->v[i].minor, key, l->v[i].rate) < 0)
			return -1;
	return 0;
}

static int blkio_v2(const struct cg_dir *d, const struct ct_blkio *b, struct ct_err *err)
{
	if (b->has_weight && cg_writef(d->path, "io.weight", err, "default %" PRIu64,
				       ct_cgroup_blkio_to_io_weight(b->weight)) < 0)
		return -1;
	if (b->has_leaf_weight)
		cg_warn("blockIO.leafWeight has no cgroup v2 equivalent, ignoring");
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct ct_blkio_weight_device *w = &b->weight_devices[i];

		if (w->has_weight &&
		    cg_writef(d->path, "io.weight", err, "%" PRId64 ":%" PRId64 " %" PRIu64,
			      w->major, w->minor, ct_cgroup_blkio_to_io_weight(w->weight)) < 0)
			return -1;
		if (w->has_leaf_weight)
			cg_warn("blockIO.weightDevice leafWeight has no cgroup v2 equivalent, ignoring");
	}
	if (throttle_v2(d, "rbps", &b->throttle_read_bps, err) < 0 ||
	    throttle_v2(d, "wbps", &b->throttle_write_bps, err) < 0 ||
	    throttle_v2(d, "riops", &b->throttle_read_iops, err) < 0 ||
	    throttle_v2(d, "wiops", &b->throttle_write_iops, err) < 0)
		return -1;

	return 0;
}

static int apply_blkio(const struct ct_cgroup *cg, const struct ct_blkio *b, struct ct_err *err)
{
	const struct cg_dir *d = cg_dir_of(cg, "blkio");

	if (!d)
		d = cg_dir_of(cg, "io");
	if (!d)
		return ct_err_set(err, ENOENT,
				  "set block IO: cgroup controller 'blkio'/'io' is not available");
	if ((d->is_v2 ? blkio_v2(d, b, err) : blkio_v1(d, b, err)) < 0)
		return ct_err_wrap(err, "set block IO");

	return 0;
}

/* "2MB", "1GB": the page size names the controller's files, so nothing else may pass. */
static int check_page_size(const char *size, struct ct_err *err)
{
	size_t i = 0;

	while (size[i] >= '0' && size[i] <= '9')
		i++;
	if (i == 0 || i > 8 ||
	    (strcmp(size + i, "KB") != 0 && strcmp(size + i, "MB") != 0 &&
	     strcmp(size + i, "GB") != 0))
		return ct_err_set(err, EINVAL, "set hugepage limit: bad page size '%s'", size);

	return 0;
}

static int apply_hugetlb(const struct ct_cgroup *cg, const struct ct_hugepage_limit *h, size_t n,
			 struct ct_err *err)
{
	const struct cg_dir *d = need(cg, "hugetlb", "hugepage limit", err);

	if (!d)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char file[64];

		if (check_page_size(h[i].page_size, err) < 0)
			return -1;
		snprintf(file, sizeof(file), "hugetlb.%s.%s", h[i].page_size,
			 d->is_v2 ? "max" : "limit_in_bytes");
		if (!cg_has_file(d->path, file))
			return ct_err_set(
				err, EINVAL,
				"set hugepage limit: page size '%s' not supported by the host",
				h[i].page_size);
		if (cg_writef(d->path, file, err, "%" PRIu64, h[i].limit) < 0)
			return ct_err_wrap(err, "set hugepage limit");
		/* Reservations count too on v2 (5.7+), else a reserved mapping escapes the limit.
		 */
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", h[i].page_size);
		if (d->is_v2 && cg_has_file(d->path, file) &&
		    cg_writef(d->path, file, err, "%" PRIu64, h[i].limit) < 0)
			return ct_err_wrap(err, "set hugepage reservation limit");
	}

	return 0;
}

static int apply_network(const struct ct_cgroup *cg, const struct ct_network *net,
			 struct ct_err *err)
{
	const struct cg_dir *d;

	if (cg->mode == CT_CGROUP_V2) {
		cg_warn("network classID and priorities have no cgroup v2 equivalent, ignoring");
		return 0;
	}
	if (net->has_class_id) {
		d = need(cg, "net_cls", "network classID", err);
		if (!d)
			return -1;
		if (cg_writef(d->path, "net_cls.classid", err, "%u", net->class_id) < 0)
			return ct_err_wrap(err, "set network classID");
	}
	if (net->n_priorities == 0)
		return 0;
	d = need(cg, "net_prio", "network priorities", err);
	if (!d)
		return -1;
	for (size_t i = 0; i < net->n_priorities; i++)
		if (cg_writef(d->path, "net_prio.ifpriomap", err, "%s %u", net->priorities[i].name,
			      net->priorities[i].priority) < 0)
			return ct_err_wrap(err, "set network priority of '%s'",
					   net->priorities[i].name);

	return 0;
}

static int apply_rdma(const struct ct_cgroup *cg, const struct ct_rdma *r, size_t n,
		      struct ct_err *err)
{
	const struct cg_dir *d;

	/* The name goes into rdma.max's own syntax: nothing that could add a field. */
	for (size_t i = 0; i < n; i++)
		if (!r[i].device || !r[i].device[0] || strpbrk(r[i].device, " \t\n="))
			return ct_err_set(err, EINVAL, "set rdma limit: bad device name '%s'",
					  r[i].device ? r[i].device : "");
	d = need(cg, "rdma", "rdma limit", err);
	if (!d)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char line[256];
		int len;

		len = snprintf(line, sizeof(line), "%s", r[i].device);
		if (r[i].has_hca_handles)
			len += snprintf(line + len, sizeof(line) - (size_t)len, " hca_handle=%u",
					r[i].hca_handles);
		if (r[i].has_hca_objects)
			snprintf(line + len, sizeof(line) - (size_t)len, " hca_object=%u",
				 r[i].hca_objects);
		if (cg_write(d->path, "rdma.max", line, err) < 0)
			return ct_err_wrap(err, "set rdma limit of '%s'", r[i].device);
	}

	return 0;
}

/* Keys name files in the cgroup directory: nothing that walks elsewhere or moves tasks. */
static int check_unified_key(const char *key, struct ct_err *err)
{
	static const char *const refused[] = {"cgroup.procs", "cgroup.threads", "cgroup.kill",
					      "cgroup.subtree_control", "cgroup.type"};

	if (!*key || key[0] == '.' || strchr(key, '/') || !strchr(key, '.'))
		return ct_err_set(err, EINVAL, "set unified '%s': not a cgroup file name", key);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (strcmp(key, refused[i]) == 0)
			return ct_err_set(err, EPERM, "set unified '%s': not a resource file", key);

	return 0;
}

static int apply_unified(const struct ct_cgroup *cg, const struct ct_kvs *kvs, struct ct_err *err)
{
	const struct cg_dir *d = cg_v2_dir(cg);

	if (!d)
		return ct_err_set(
			err, EOPNOTSUPP,
			"set unified: linux.resources.unified needs cgroup v2 and this host "
			"has only cgroup v1");
	for (size_t i = 0; i < kvs->n; i++) {
		if (check_unified_key(kvs->v[i].key, err) < 0)
			return -1;
		if (cg_write(d->path, kvs->v[i].key, kvs->v[i].value, err) < 0)
			return ct_err_wrap(err, "set unified '%s'", kvs->v[i].key);
	}

	return 0;
}

int cg_apply_resources(const struct ct_cgroup *cg, const struct ct_resources *res, bool is_update,
		       struct ct_err *err)
{
	if (res->memory && apply_memory(cg, res->memory, is_update, err) < 0)
		return -1;
	if (res->cpu && apply_cpu(cg, res->cpu, err) < 0)
		return -1;
	if (res->has_pids_limit && apply_pids(cg, res->pids_limit, err) < 0)
		return -1;
	if (res->block_io && apply_blkio(cg, res->block_io, err) < 0)
		return -1;
	if (res->n_hugepage_limits &&
	    apply_hugetlb(cg, res->hugepage_limits, res->n_hugepage_limits, err) < 0)
		return -1;
	if (res->network && apply_network(cg, res->network, err) < 0)
		return -1;
	if (res->n_rdma && apply_rdma(cg, res->rdma, res->n_rdma, err) < 0)
		return -1;
	if (res->unified.n && apply_unified(cg, &res->unified, err) < 0)
		return -1;

	return 0;
}

int ct_cgroup_update(const struct ct_cgroup *cg, const struct ct_resources *res, struct ct_err *err)
{
	if (cg_apply_resources(cg, res, true, err) < 0)
		return ct_err_wrap(err, "update cgroup");
	return 0;
}
