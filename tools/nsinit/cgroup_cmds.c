/* SPDX-License-Identifier: Apache-2.0 */
/* nsinit's cgroup side: the container's cgroup at create and delete, pause, resume, update, events.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "common/cgroup.h"
#include "common/cleanup.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/log.h"
#include "common/spec.h"
#include "common/state.h"

#include "tools/nsinit/nsinit.h"

enum {
	OPT_MEMORY = 2000,
	OPT_MEMORY_RESERVATION,
	OPT_MEMORY_SWAP,
	OPT_CPU_SHARES,
	OPT_CPU_QUOTA,
	OPT_CPU_PERIOD,
	OPT_CPU_RT_RUNTIME,
	OPT_CPU_RT_PERIOD,
	OPT_CPUSET_CPUS,
	OPT_CPUSET_MEMS,
	OPT_PIDS_LIMIT,
	OPT_BLKIO_WEIGHT,
	OPT_RESOURCES,
	OPT_STATS,
	OPT_INTERVAL,
};

static const struct option update_options[] = {
	{"memory", required_argument, NULL, OPT_MEMORY},
	{"memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION},
	{"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
	{"cpu-shares", required_argument, NULL, OPT_CPU_SHARES},
	{"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
	{"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
	{"cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME},
	{"cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD},
	{"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
	{"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
	{"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
	{"blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT},
	{"resources", required_argument, NULL, 'r'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const struct option events_options[] = {
	{"stats", no_argument, NULL, OPT_STATS},
	{"interval", required_argument, NULL, OPT_INTERVAL},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const struct option help_options[] = {
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* One run of the tool handles one command: its parsed options live here. */
static struct {
	struct ct_memory mem;
	struct ct_cpu cpu;
	struct ct_blkio blkio;
	bool has_pids;
	int64_t pids;
	const char *resources_path;
	const char *first_flag; /* the first value flag given, to name it when ignored */
	bool stats_once;
	long interval_ms;
} args = {.interval_ms = 5000};

/*
 * runc's byte sizes (docker's RAMInBytes): "4096", "100M", "1.5g", "64MiB",
 * "64 mb", binary multiples up to P; "-1" for unlimited.
 */
static int parse_bytes(const char *text, int64_t *ret)
{
	static const char units[] = "kmgtp";
	const char *p = text;
	long double v;
	char *end;
	const char *u;

	if (strcmp(text, "-1") == 0) {
		*ret = -1;
		return 0;
	}
	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p) || *p == '.')
		p++;
	errno = 0;
	v = strtold(text, &end);
	if (errno || end != p)
		return -1;
	if (*p == ' ')
		p++;
	u = *p ? strchr(units, tolower((unsigned char)*p)) : NULL;
	if (u) {
		for (long i = 0; i <= u - units; i++)
			v *= 1024;
		p++;
		if (*p == 'i' || *p == 'I')
			p++;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p || v >= 0x1p63L)
		return -1;
	*ret = (int64_t)v;

	return 0;
}

static int parse_i64(const char *text, int64_t *ret)
{
	char *end;

	errno = 0;
	*ret = strtoll(text, &end, 10);
	return *text && !*end && !errno ? 0 : -1;
}

/* "5s", "500ms", "2m", or plain seconds, as runc's --interval takes a duration. */
static int parse_interval(const char *text, long *ret_ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (end == text || errno || v <= 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		*ret_ms = (long)v;
	else if (!*end || strcmp(end, "s") == 0)
		*ret_ms = (long)(v * 1000);
	else if (strcmp(end, "m") == 0)
		*ret_ms = (long)(v * 60000);
	else
		return -1;
	return *ret_ms > 0 && *ret_ms < 86400000L ? 0 : -1;
}

static int update_option(int c, const char *val)
{
	int64_t n;

	if (c == 'r') {
		args.resources_path = val;
		return 0;
	}
	if (c >= OPT_MEMORY && c <= OPT_BLKIO_WEIGHT && !args.first_flag)
		args.first_flag = update_options[c - OPT_MEMORY].name;
	if (c == OPT_CPUSET_CPUS || c == OPT_CPUSET_MEMS) {
		if (c == OPT_CPUSET_CPUS)
			args.cpu.cpus = (char *)val;
		else
			args.cpu.mems = (char *)val;
		return 0;
	}
	if ((c == OPT_MEMORY || c == OPT_MEMORY_RESERVATION || c == OPT_MEMORY_SWAP)
		    ? parse_bytes(val, &n) < 0
		    : parse_i64(val, &n) < 0)
		return nsinit_usage_error("invalid value '%s' for --%s", val,
					  update_options[c - OPT_MEMORY].name);
	/* As with runc, whose cgroup drivers skip zero values: 0 leaves the setting as it is. */
	if (n == 0)
		return 0;
	/* And any negative pids limit means no limit, as runc takes it. */
	if (c == OPT_PIDS_LIMIT && n < 0)
		n = -1;
	switch (c) {
	case OPT_MEMORY:
		args.mem.has_limit = true;
		args.mem.limit = n;
		break;
	case OPT_MEMORY_RESERVATION:
		args.mem.has_reservation = true;
		args.mem.reservation = n;
		break;
	case OPT_MEMORY_SWAP:
		args.mem.has_swap = true;
		args.mem.swap = n;
		break;
	case OPT_CPU_SHARES:
		args.cpu.has_shares = true;
		args.cpu.shares = (uint64_t)n;
		break;
	case OPT_CPU_QUOTA:
		args.cpu.has_quota = true;
		args.cpu.quota = n;
		break;
	case OPT_CPU_PERIOD:
		args.cpu.has_period = true;
		args.cpu.period = (uint64_t)n;
		break;
	case OPT_CPU_RT_RUNTIME:
		args.cpu.has_realtime_runtime = true;
		args.cpu.realtime_runtime = n;
		break;
	case OPT_CPU_RT_PERIOD:
		args.cpu.has_realtime_period = true;
		args.cpu.realtime_period = (uint64_t)n;
		break;
	case OPT_PIDS_LIMIT:
		args.has_pids = true;
		args.pids = n;
		break;
	case OPT_BLKIO_WEIGHT:
		args.blkio.has_weight = true;
		args.blkio.weight = (uint16_t)n;
		break;
	default:
		return 2;
	}
	if (n < -1 ||
	    ((c == OPT_CPU_SHARES || c == OPT_CPU_PERIOD || c == OPT_BLKIO_WEIGHT ||
	      c == OPT_CPU_RT_PERIOD) &&
	     n < 0) ||
	    (c == OPT_BLKIO_WEIGHT && n > 1000))
		return nsinit_usage_error("invalid value '%s' for --%s", val,
					  update_options[c - OPT_MEMORY].name);

	return 0;
}

int nsinit_cgroup_parse(int argc, char **argv, struct opts *o)
{
	bool is_update = strcmp(argv[0], "update") == 0;
	bool is_events = strcmp(argv[0], "events") == 0;
	const struct option *opts = is_update	? update_options
				    : is_events ? events_options
						: help_options;
	const char *usage = is_update
				    ? "update [--memory N] [--memory-reservation N] "
				      "[--memory-swap N] [--cpu-shares N] [--cpu-quota N] "
				      "[--cpu-period N] [--cpu-rt-runtime N] [--cpu-rt-period N] "
				      "[--cpuset-cpus LIST] [--cpuset-mems LIST] [--pids-limit N] "
				      "[--blkio-weight N] [--resources FILE|-] ID"
			    : is_events ? "events [--stats] [--interval DURATION] ID"
			    : strcmp(argv[0], "pause") == 0 ? "pause ID"
							    : "resume ID";
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hr:", opts, NULL)) != -1) {
		int rc;

		if (c == 'h') {
			printf("usage: nsinit %s\n", usage);
			return 1;
		}
		if (c == OPT_STATS) {
			args.stats_once = true;
			continue;
		}
		if (c == OPT_INTERVAL) {
			if (parse_interval(optarg, &args.interval_ms) < 0)
				return nsinit_usage_error("invalid --interval '%s'", optarg);
			continue;
		}
		if (c == 'r' && !is_update)
			return nsinit_usage_error("--resources is an option of update only");
		if (c == '?' || c == ':')
			return nsinit_bad_option(c, argv);
		rc = update_option(c, optarg);
		if (rc)
			return rc;
	}
	if (argc - optind != 1)
		return nsinit_usage_error("usage: nsinit %s", usage);
	o->id = argv[optind];

	return 0;
}

/* ---- the container's cgroup over its life ---- */

static void warn_to_log(const char *msg)
{
	ct_log(CT_LOG_WARN, "cgroup: %s", msg);
}

int nsinit_cgroup_create(const struct opts *o, const struct ct_spec *spec, struct ct_record *rec,
			 int (*on_made)(const struct ct_cgroup *cg, void *arg, struct ct_err *err),
			 void (*on_undo)(void *arg), void *arg, struct ct_err *err)
{
	const struct ct_linux *lx = spec->linux_;
	const struct ct_resources *res = lx ? lx->resources : NULL;
	struct ct_cgroup_config cfg = {
		.id = o->id,
		.cgroups_path = lx ? lx->cgroups_path : NULL,
		.resources = res,
		.devices = lx ? lx->devices : NULL,
		.n_devices = lx ? lx->n_devices : 0,
		.on_made = on_made,
		.on_undo = on_undo,
		.on_made_arg = arg,
	};
	struct ct_cgroup *cg;

	ct_cgroup_set_warn(warn_to_log);
	/*
	 * LIMITATION: rootless containers get no cgroup (no delegation
	 * support); one that asks for resources fails with "cgroup resources
	 * need root".
	 */
	if (geteuid() != 0) {
		if (res &&
		    (res->memory || res->cpu || res->has_pids_limit || res->block_io ||
		     res->n_hugepage_limits || res->network || res->n_rdma || res->unified.n))
			return ct_err_set(err, EPERM, "cgroup resources need root");
		return 0;
	}
	cg = ct_cgroup_create(&cfg, err);
	if (!cg)
		return ct_err_wrap(err, "make cgroup");
	rec->cgroup = ct_cgroup_to_json(cg);
	if (!rec->cgroup) {
		struct ct_err ignored;

		ct_cgroup_destroy(cg, &ignored);
		ct_cgroup_free(cg);
		return ct_err_set(err, ENOMEM, "record cgroup");
	}
	ct_cgroup_free(cg);

	return 0;
}

static struct ct_cgroup *record_cgroup(const struct ct_record *rec, struct ct_err *err)
{
	struct ct_cgroup *cg;

	if (!rec->cgroup) {
		ct_err_set(err, ENOENT, "container has no cgroup");
		return NULL;
	}
	cg = ct_cgroup_from_json(rec->cgroup, err);
	if (!cg)
		ct_err_wrap(err, "read the recorded cgroup");
	return cg;
}

int nsinit_cgroup_open_entries(const struct ct_record *rec, int *fds, size_t max, size_t *ret_n,
			       struct ct_err *err)
{
	struct ct_cgroup *cg;
	int rc;

	*ret_n = 0;
	if (!rec->cgroup)
		return 0;
	cg = record_cgroup(rec, err);
	if (!cg)
		return -1;
	rc = ct_cgroup_open_entries(cg, fds, max, ret_n, err);
	ct_cgroup_free(cg);

	return rc;
}

int nsinit_cgroup_dirfd(const struct ct_record *rec)
{
	struct ct_cgroup *cg;
	struct ct_err err;
	int fd = -1;

	if (!rec->cgroup)
		return -1;
	cg = ct_cgroup_from_json(rec->cgroup, &err);
	if (cg && ct_cgroup_get_mode(cg) == CT_CGROUP_V2)
		fd = ct_cgroup_open_v2_dirfd(cg, &err);
	ct_cgroup_free(cg);

	return fd;
}

int nsinit_cgroup_thaw(const struct ct_record *rec, struct ct_err *err)
{
	struct ct_cgroup *cg;
	int rc;

	if (!rec->cgroup)
		return 0;
	cg = record_cgroup(rec, err);
	if (!cg)
		return -1;
	rc = ct_cgroup_freeze(cg, false, err);
	ct_cgroup_free(cg);

	return rc;
}

int nsinit_cgroup_destroy(const struct ct_record *rec, struct ct_err *err)
{
	struct ct_cgroup *cg;
	int rc;

	if (!rec->cgroup)
		return 0;
	cg = record_cgroup(rec, err);
	if (!cg)
		return -1;
	rc = ct_cgroup_destroy(cg, err);
	ct_cgroup_free(cg);

	return rc;
}

int nsinit_cgroup_oom_kills(const struct ct_record *rec, uint64_t *ret_count, struct ct_err *err)
{
	struct ct_cgroup *cg;
	int rc;

	if (!rec->cgroup)
		return ct_err_set(err, ENOENT, "no cgroup");
	cg = record_cgroup(rec, err);
	if (!cg)
		return -1;
	rc = ct_cgroup_oom_kills(cg, ret_count, err);
	ct_cgroup_free(cg);

	return rc;
}

int nsinit_cgroup_pids(const struct ct_record *rec, pid_t **ret, size_t *ret_n, struct ct_err *err)
{
	struct ct_cgroup *cg = record_cgroup(rec, err);
	int rc;

	if (!cg)
		return -1;
	rc = ct_cgroup_pids(cg, ret, ret_n, err);
	ct_cgroup_free(cg);

	return rc;
}

/* ---- commands ---- */

struct held {
	int dirfd;
	int lockfd;
	struct ct_record rec;
	struct ct_cgroup *cg;
};

static void held_release(struct held *h)
{
	if (h->dirfd >= 0)
		close(h->dirfd);
	if (h->lockfd >= 0)
		close(h->lockfd);
	ct_record_free(&h->rec);
	ct_cgroup_free(h->cg);
}

#define cleanup_held __attribute__((cleanup(held_release)))

/* Opens and locks the container, refuses a stopped one, and reads its cgroup. */
static int hold(const struct opts *o, struct held *h, enum ct_status *ret_status,
		struct ct_err *err)
{
	h->dirfd = h->lockfd = -1;
	h->cg = NULL;
	memset(&h->rec, 0, sizeof(h->rec));
	if (ct_state_open_dir(o->root, o->id, &h->dirfd, err) < 0 ||
	    ct_state_lock(h->dirfd, &h->lockfd, err) < 0 ||
	    ct_state_load(h->dirfd, &h->rec, err) < 0)
		return -1;
	*ret_status = ct_state_status(h->dirfd, &h->rec);
	if (*ret_status == CT_STATUS_STOPPED)
		return ct_err_set(err, 0, "container not running");
	h->cg = record_cgroup(&h->rec, err);

	return h->cg ? 0 : -1;
}

int cmd_pause(const struct opts *o, struct ct_err *err)
{
	cleanup_held struct held h = {.dirfd = -1, .lockfd = -1};
	enum ct_status status;

	if (hold(o, &h, &status, err) < 0)
		return ct_err_wrap(err, "pause");
	if (status == CT_STATUS_PAUSED)
		return ct_err_set(err, 0, "pause: container already paused");
	if (ct_cgroup_freeze(h.cg, true, err) < 0)
		return ct_err_wrap(err, "pause");
	h.rec.status = CT_STATUS_PAUSED;
	if (ct_state_save(h.dirfd, &h.rec, err) < 0)
		return ct_err_wrap(err, "pause");

	return 0;
}

int cmd_resume(const struct opts *o, struct ct_err *err)
{
	cleanup_held struct held h = {.dirfd = -1, .lockfd = -1};
	enum ct_status status;

	if (hold(o, &h, &status, err) < 0)
		return ct_err_wrap(err, "resume");
	if (status != CT_STATUS_PAUSED)
		return ct_err_set(err, 0, "resume: container not paused");
	if (ct_cgroup_freeze(h.cg, false, err) < 0)
		return ct_err_wrap(err, "resume");
	/* Running, or created again while exec.fifo waits: ct_state_status tells them apart. */
	h.rec.status = CT_STATUS_RUNNING;
	if (ct_state_save(h.dirfd, &h.rec, err) < 0)
		return ct_err_wrap(err, "resume");

	return 0;
}

/*
 * --resources takes what linux.resources holds; we parse it inside a minimal
 * config so it gets the very checks (and the JSON pointers in errors) that
 * create gives it.
 */
static struct ct_spec *load_resources(const char *path, struct ct_err *err)
{
	struct ct_diags diags = {0};
	cleanup_json json_t *res = ct_json_load_file(path, &diags, err);
	cleanup_json json_t *doc = NULL;
	cleanup_free char *text = NULL;
	struct ct_spec *spec = NULL;

	if (res) {
		/* root only satisfies the schema; nothing reads it. */
		doc = json_pack("{s:s, s:{s:s}, s:{s:O}}", "ociVersion", CT_OCI_VERSION, "root",
				"path", "rootfs", "linux", "resources", res);
		text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
		if (text)
			spec = ct_spec_parse(text, strlen(text), &diags);
	}
	if (!spec) {
		for (size_t i = 0; i < diags.count; i++) {
			cleanup_free char *line = NULL;

			if (diags.items[i].level != CT_DIAG_ERROR)
				continue;
			line = ct_diag_format(&diags.items[i], path);
			ct_err_set(err, 0, "%s", line ? line : "invalid resources");
			break;
		}
		if (diags.errors == 0 && !err->msg[0])
			ct_err_set(err, ENOMEM, "read resources '%s'", path);
	}
	ct_diags_free(&diags);

	return spec;
}

/* The command line's values, for an update without --resources. */
static void overlay_flags(struct ct_resources *res)
{
	static struct ct_memory mem;
	static struct ct_cpu cpu;
	static struct ct_blkio blkio;
	const struct ct_memory *m = &args.mem;
	const struct ct_cpu *c = &args.cpu;

	if (m->has_limit || m->has_reservation || m->has_swap) {
		mem = res->memory ? *res->memory : (struct ct_memory){0};
		if (m->has_limit)
			mem.has_limit = true, mem.limit = m->limit;
		if (m->has_reservation)
			mem.has_reservation = true, mem.reservation = m->reservation;
		if (m->has_swap)
			mem.has_swap = true, mem.swap = m->swap;
		res->memory = &mem;
	}
	if (c->has_shares || c->has_quota || c->has_period || c->has_realtime_runtime ||
	    c->has_realtime_period || c->cpus || c->mems) {
		cpu = res->cpu ? *res->cpu : (struct ct_cpu){0};
		if (c->has_shares)
			cpu.has_shares = true, cpu.shares = c->shares;
		if (c->has_quota)
			cpu.has_quota = true, cpu.quota = c->quota;
		if (c->has_period)
			cpu.has_period = true, cpu.period = c->period;
		if (c->has_realtime_runtime)
			cpu.has_realtime_runtime = true, cpu.realtime_runtime = c->realtime_runtime;
		if (c->has_realtime_period)
			cpu.has_realtime_period = true, cpu.realtime_period = c->realtime_period;
		if (c->cpus)
			cpu.cpus = c->cpus;
		if (c->mems)
			cpu.mems = c->mems;
		res->cpu = &cpu;
	}
	if (args.has_pids)
		res->has_pids_limit = true, res->pids_limit = args.pids;
	if (args.blkio.has_weight) {
		blkio = res->block_io ? *res->block_io : (struct ct_blkio){0};
		blkio.has_weight = true;
		blkio.weight = args.blkio.weight;
		res->block_io = &blkio;
	}
}

int cmd_update(const struct opts *o, struct ct_err *err)
{
	cleanup_held struct held h = {.dirfd = -1, .lockfd = -1};
	struct ct_spec *file = NULL;
	struct ct_resources res = {0};
	enum ct_status status;
	int rc;

	ct_cgroup_set_warn(warn_to_log);
	if (args.resources_path) {
		file = load_resources(args.resources_path, err);
		if (!file)
			return ct_err_wrap(err, "update");
		if (file->linux_ && file->linux_->resources)
			res = *file->linux_->resources;
		/* As runc: the file gives every value, and the flags are not used then. */
		if (args.first_flag)
			ct_log(CT_LOG_WARN, "update: --%s is not used with --resources, ignoring",
			       args.first_flag);
	} else {
		overlay_flags(&res);
	}
	rc = hold(o, &h, &status, err);
	if (rc == 0)
		rc = ct_cgroup_update(h.cg, &res, err);
	ct_spec_free(file);
	if (rc < 0)
		return ct_err_wrap(err, "update");

	return 0;
}

static int print_event(const char *type, const char *id, json_t *data)
{
	cleanup_json json_t *ev = json_pack("{s:s, s:s}", "type", type, "id", id);

	if (!ev)
		return -1;
	if (data)
		json_object_set(ev, "data", data);
	if (json_dumpf(ev, stdout, JSON_COMPACT) < 0 || putchar('\n') == EOF || fflush(stdout))
		return -1;

	return 0;
}

static int print_stats(const struct ct_cgroup *cg, const char *id, struct ct_err *err)
{
	cleanup_json json_t *data = ct_cgroup_stats(cg, err);

	if (!data)
		return -1;
	if (print_event("stats", id, data) < 0)
		return ct_err_set(err, errno ? errno : EIO, "write event");

	return 0;
}

/*
 * Stats every interval and an "oom" event as the kernel reports one, until
 * the container stops. The lock is not held while we wait.
 */
static int events_loop(const struct opts *o, const struct ct_record *rec,
		       const struct ct_cgroup *cg, struct ct_err *err)
{
	struct ct_cgroup_oom *oom = ct_cgroup_oom_open(cg, err);
	int rc = 0;

	if (!oom)
		return -1;
	while (rc == 0 && ct_state_pid_is(rec->pid, rec->start_time)) {
		struct pollfd p = {.fd = ct_cgroup_oom_fd(oom), .events = POLLIN};
		uint64_t count = 0;
		int n = poll(&p, 1, (int)args.interval_ms);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ct_err_set(err, errno, "poll");
		} else if (n == 0) {
			rc = print_stats(cg, o->id, err);
		} else if (ct_cgroup_oom_check(oom, &count, err) < 0) {
			/* The cgroup went away with the container: the stream just ends. */
			rc = err->errnum == ENOENT ? 1 : -1;
		} else if (count > 0 && print_event("oom", o->id, NULL) < 0) {
			rc = ct_err_set(err, EIO, "write event");
		}
	}
	ct_cgroup_oom_free(oom);

	return rc < 0 ? -1 : 0;
}

int cmd_events(const struct opts *o, struct ct_err *err)
{
	cleanup_held struct held h = {.dirfd = -1, .lockfd = -1};
	enum ct_status status;

	if (hold(o, &h, &status, err) < 0)
		return ct_err_wrap(err, "events");
	/* Other commands must not wait for us while we stream. */
	close(h.lockfd);
	h.lockfd = -1;
	if (args.stats_once) {
		if (print_stats(h.cg, o->id, err) < 0)
			return ct_err_wrap(err, "events");
		return 0;
	}
	if (events_loop(o, &h.rec, h.cg, err) < 0)
		return ct_err_wrap(err, "events");

	return 0;
}
