/* SPDX-License-Identifier: Apache-2.0 */
/* The spec model: each field group read, round trips of the schema's examples, and hostile input.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/spec.h"
#include "tests/unit/tap.h"

/* The runtime-spec v1.3.0 schema/test documents, copied in; CT_SCHEMA_TESTS points elsewhere. */
#define SCHEMA_TESTS_DEFAULT "tests/specgen/cases/spec-corpus"

/* Parses text (JSON rules only) and fills the model; NULL with findings in d on failure. */
static struct ct_spec *spec_of(const char *text, struct ct_diags *d)
{
	cleanup_json json_t *doc = ct_json_parse(text, strlen(text), d);

	return doc ? ct_spec_from_json(doc, d) : NULL;
}

/* Whether d holds an error finding at exactly that JSON pointer. */
static bool has_finding(const struct ct_diags *d, const char *pointer)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->items[i].level == CT_DIAG_ERROR && strcmp(d->items[i].pointer, pointer) == 0)
			return true;

	return false;
}

static const char full_config[] =
	"{\"ociVersion\": \"1.3.0\","
	" \"root\": {\"path\": \"rootfs\", \"readonly\": true},"
	" \"hostname\": \"web\", \"domainname\": \"example.org\","
	" \"annotations\": {\"a\": \"1\", \"b\": \"2\"},"
	" \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\","
	"   \"options\": [\"nosuid\", \"noexec\"],"
	"   \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 65536}],"
	"   \"gidMappings\": [{\"containerID\": 1, \"hostID\": 2000, \"size\": 10}]}],"
	" \"process\": {\"terminal\": true, \"consoleSize\": {\"height\": 24, \"width\": 80},"
	"   \"user\": {\"uid\": 4294967295, \"gid\": 7, \"umask\": 18, \"additionalGids\": [5, 6]},"
	"   \"args\": [\"sh\", \"-c\", \"true\"], \"env\": [\"PATH=/bin\"], \"cwd\": \"/srv\","
	"   \"capabilities\": {\"bounding\": [\"CAP_KILL\"], \"effective\": [],"
	"     \"ambient\": [\"CAP_CHOWN\", \"CAP_KILL\"]},"
	"   \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 9223372036854775807, \"soft\": 1024}],"
	"   \"noNewPrivileges\": true, \"apparmorProfile\": \"prof\", \"oomScoreAdj\": -1000,"
	"   \"selinuxLabel\": \"lbl\","
	"   \"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"nice\": -5, \"runtime\": 10,"
	"     \"deadline\": 20, \"period\": 30, \"flags\": [\"SCHED_FLAG_RECLAIM\"]},"
	"   \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 4},"
	"   \"execCPUAffinity\": {\"initial\": \"0\", \"final\": \"1-3\"}},"
	" \"hooks\": {\"prestart\": [{\"path\": \"/bin/a\"}],"
	"   \"createRuntime\": [{\"path\": \"/bin/b\", \"args\": [\"b\", \"x\"], \"env\": [\"E=1\"],"
	"     \"timeout\": 5}, {\"path\": \"/bin/c\"}],"
	"   \"poststop\": [{\"path\": \"/bin/d\"}]},"
	" \"linux\": {"
	"   \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
	"   \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
	"   \"sysctl\": {\"net.ipv4.ip_forward\": \"1\"},"
	"   \"cgroupsPath\": \"/ct/web\","
	"   \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\", \"path\": \"/run/netns/x\"},"
	"     {\"type\": \"time\"}],"
	"   \"devices\": [{\"type\": \"c\", \"path\": \"/dev/fuse\", \"major\": 10, \"minor\": 229,"
	"     \"fileMode\": 438, \"uid\": 0, \"gid\": 0}, {\"type\": \"p\", \"path\": \"/dev/fifo\"}],"
	"   \"netDevices\": {\"eth0\": {\"name\": \"ceth0\"}, \"ens4\": {}},"
	"   \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	"     \"architectures\": [\"SCMP_ARCH_X86_64\"], \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],"
	"     \"listenerPath\": \"/run/l.sock\", \"listenerMetadata\": \"m\","
	"     \"syscalls\": [{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	"       {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1,"
	"        \"args\": [{\"index\": 0, \"value\": 8, \"valueTwo\": 9, \"op\": \"SCMP_CMP_EQ\"}]}]},"
	"   \"rootfsPropagation\": \"slave\","
	"   \"maskedPaths\": [\"/proc/kcore\"], \"readonlyPaths\": [\"/proc/sys\", \"/proc/bus\"],"
	"   \"mountLabel\": \"ml\","
	"   \"intelRdt\": {\"closID\": \"g1\", \"schemata\": [\"L3:0=ff\"], \"l3CacheSchema\": \"L3:0=f\","
	"     \"memBwSchema\": \"MB:0=50\", \"enableMonitoring\": true},"
	"   \"personality\": {\"domain\": \"LINUX32\", \"flags\": []},"
	"   \"timeOffsets\": {\"monotonic\": {\"secs\": -86400, \"nanosecs\": 5}},"
	"   \"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"0-1\","
	"     \"flags\": [\"MPOL_F_STATIC_NODES\"]},"
	"   \"resources\": {"
	"     \"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
	"       {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rw\"}],"
	"     \"memory\": {\"limit\": 536870912, \"reservation\": 1, \"swap\": -1, \"kernel\": 2,"
	"       \"kernelTCP\": 3, \"swappiness\": 60, \"disableOOMKiller\": false,"
	"       \"useHierarchy\": true, \"checkBeforeUpdate\": true},"
	"     \"cpu\": {\"shares\": 1024, \"quota\": -1, \"burst\": 5, \"period\": 100000,"
	"       \"realtimeRuntime\": 950000, \"realtimePeriod\": 1000000, \"cpus\": \"0-3\","
	"       \"mems\": \"0\", \"idle\": 1},"
	"     \"pids\": {\"limit\": 32},"
	"     \"blockIO\": {\"weight\": 10, \"leafWeight\": 1000,"
	"       \"weightDevice\": [{\"major\": 8, \"minor\": 0, \"weight\": 500}],"
	"       \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 600}],"
	"       \"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 16, \"rate\": 300}]},"
	"     \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 209715200}],"
	"     \"network\": {\"classID\": 1048577, \"priorities\": [{\"name\": \"eth0\", \"priority\": 500}]},"
	"     \"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3, \"hcaObjects\": 10000}},"
	"     \"unified\": {\"memory.high\": \"1G\"}}},"
	" \"windows\": {\"layerFolders\": [\"C:\\\\x\"]}}";

static void test_ns_names(void)
{
	static const char *const names[] = {"pid", "network", "mount",	"ipc",
					    "uts", "user",    "cgroup", "time"};
	bool ok = true;

	for (int i = 0; i < CT_NS_COUNT; i++) {
		ok = ok && ct_ns_type_from_name(names[i]) == i;
		ok = ok && strcmp(ct_ns_type_name((enum ct_ns_type)i), names[i]) == 0;
	}
	TAP_OK(ok, "namespace names map to their types and back");
	TAP_OK(ct_ns_type_from_name("net") == -1 && ct_ns_type_from_name(NULL) == -1,
	       "unknown namespace names map to -1");
	TAP_OK(ct_ns_type_name(CT_NS_COUNT) == NULL, "an out-of-range type has no name");
}

static void check_process(const struct ct_process *p)
{
	TAP_OK(p->terminal && p->has_console_size && p->console_height == 24 &&
		       p->console_width == 80,
	       "process: terminal and consoleSize are read");
	TAP_OK(p->user.uid == UINT32_MAX && p->user.gid == 7 && p->user.has_umask &&
		       p->user.umask == 18 && p->user.n_additional_gids == 2 &&
		       p->user.additional_gids[1] == 6,
	       "process.user: uid up to UINT32_MAX, gid, umask, additionalGids are read");
	TAP_OK(p->args.n == 3 && strcmp(p->args.v[2], "true") == 0 && p->args.v[3] == NULL &&
		       p->env.n == 1 && strcmp(p->cwd, "/srv") == 0,
	       "process: args (NULL-terminated), env and cwd are read");
	TAP_OK(p->capabilities && p->capabilities->bounding.n == 1 &&
		       p->capabilities->effective.v && p->capabilities->effective.n == 0 &&
		       !p->capabilities->permitted.v && p->capabilities->ambient.n == 2,
	       "process.capabilities: present-but-empty and absent sets are told apart");
	TAP_OK(p->n_rlimits == 1 && p->rlimits[0].hard == INT64_MAX && p->rlimits[0].soft == 1024 &&
		       strcmp(p->rlimits[0].type, "RLIMIT_NOFILE") == 0,
	       "process.rlimits are read");
	TAP_OK(p->no_new_privileges && strcmp(p->apparmor_profile, "prof") == 0 &&
		       p->has_oom_score_adj && p->oom_score_adj == -1000 &&
		       strcmp(p->selinux_label, "lbl") == 0,
	       "process: noNewPrivileges, apparmorProfile, oomScoreAdj, selinuxLabel are read");
	TAP_OK(p->scheduler && strcmp(p->scheduler->policy, "SCHED_DEADLINE") == 0 &&
		       p->scheduler->has_nice && p->scheduler->nice == -5 &&
		       !p->scheduler->has_priority && p->scheduler->runtime == 10 &&
		       p->scheduler->deadline == 20 && p->scheduler->has_period &&
		       p->scheduler->period == 30 && p->scheduler->flags.n == 1,
	       "process.scheduler is read");
	TAP_OK(p->io_priority && strcmp(p->io_priority->class, "IOPRIO_CLASS_BE") == 0 &&
		       p->io_priority->priority == 4 && p->exec_cpu_affinity &&
		       strcmp(p->exec_cpu_affinity->final, "1-3") == 0,
	       "process: ioPriority and execCPUAffinity are read");
}

static void check_top(const struct ct_spec *s)
{
	TAP_STR_EQ(s->oci_version, "1.3.0", "ociVersion is read");
	TAP_OK(s->root_path && strcmp(s->root_path, "rootfs") == 0 && s->root_readonly,
	       "root.path and root.readonly are read");
	TAP_OK(strcmp(s->hostname, "web") == 0 && strcmp(s->domainname, "example.org") == 0,
	       "hostname and domainname are read");
	TAP_OK(s->annotations.n == 2 && strcmp(ct_kvs_get(&s->annotations, "b"), "2") == 0,
	       "annotations are read in order");
	TAP_OK(s->n_mounts == 1 && strcmp(s->mounts[0].destination, "/proc") == 0 &&
		       s->mounts[0].options.n == 2 && s->mounts[0].n_uid_mappings == 1 &&
		       s->mounts[0].uid_mappings[0].host_id == 1000 &&
		       s->mounts[0].gid_mappings[0].size == 10,
	       "mounts with options and idmaps are read");
	TAP_OK(s->hooks && s->hooks->prestart.n == 1 && s->hooks->create_runtime.n == 2 &&
		       s->hooks->create_runtime.v[0].has_timeout &&
		       s->hooks->create_runtime.v[0].timeout == 5 &&
		       s->hooks->create_runtime.v[0].args.n == 2 &&
		       !s->hooks->create_runtime.v[1].has_timeout &&
		       s->hooks->start_container.v == NULL && s->hooks->poststop.n == 1,
	       "hooks of each kind are read, with args, env and timeout");
}

static void check_linux(const struct ct_linux *l)
{
	TAP_OK(l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 100000 &&
		       l->n_gid_mappings == 1 && l->sysctl.n == 1 &&
		       strcmp(l->cgroups_path, "/ct/web") == 0,
	       "linux: id mappings, sysctl and cgroupsPath are read");
	TAP_OK(l->n_namespaces == 3 && l->namespaces[1].type == CT_NS_NETWORK &&
		       strcmp(l->namespaces[1].path, "/run/netns/x") == 0 &&
		       l->namespaces[2].type == CT_NS_TIME && !l->namespaces[0].path,
	       "linux.namespaces are read with their types and paths");
	TAP_OK(l->n_devices == 2 && l->devices[0].major == 10 && l->devices[0].minor == 229 &&
		       l->devices[0].has_file_mode && l->devices[0].file_mode == 438 &&
		       l->devices[0].has_uid && !l->devices[1].has_gid,
	       "linux.devices are read");
	TAP_OK(l->n_net_devices == 2 && strcmp(l->net_devices[0].host_name, "eth0") == 0 &&
		       strcmp(l->net_devices[0].name, "ceth0") == 0 && !l->net_devices[1].name,
	       "linux.netDevices are read, keyed by host name");
	TAP_OK(l->seccomp && strcmp(l->seccomp->default_action, "SCMP_ACT_ERRNO") == 0 &&
		       l->seccomp->default_errno_ret == 38 && l->seccomp->n_syscalls == 2 &&
		       l->seccomp->syscalls[1].errno_ret == 1 &&
		       l->seccomp->syscalls[1].args[0].value_two == 9 &&
		       !l->seccomp->syscalls[0].has_errno_ret &&
		       strcmp(l->seccomp->listener_path, "/run/l.sock") == 0,
	       "linux.seccomp is read with syscalls and args");
	TAP_OK(strcmp(l->rootfs_propagation, "slave") == 0 && l->masked_paths.n == 1 &&
		       l->readonly_paths.n == 2 && strcmp(l->mount_label, "ml") == 0,
	       "linux: rootfsPropagation, masked and read-only paths, mountLabel are read");
	TAP_OK(l->intel_rdt && l->intel_rdt->schemata.n == 1 && l->intel_rdt->enable_monitoring &&
		       l->personality && strcmp(l->personality->domain, "LINUX32") == 0 &&
		       l->memory_policy && strcmp(l->memory_policy->nodes, "0-1") == 0,
	       "linux: intelRdt, personality and memoryPolicy are read");
	TAP_OK(l->time_monotonic.is_set && l->time_monotonic.secs == -86400 &&
		       l->time_monotonic.nanosecs == 5 && !l->time_boottime.is_set,
	       "linux.timeOffsets are read per clock");
}

static void check_resources(const struct ct_resources *r)
{
	TAP_OK(r->n_devices == 2 && !r->devices[0].allow && !r->devices[0].type &&
		       r->devices[1].has_major && r->devices[1].minor == 3,
	       "resources.devices are read");
	TAP_OK(r->memory && r->memory->limit == 536870912 && r->memory->swap == -1 &&
		       r->memory->has_disable_oom_killer && !r->memory->disable_oom_killer &&
		       r->memory->check_before_update && r->memory->swappiness == 60,
	       "resources.memory is read");
	TAP_OK(r->cpu && r->cpu->quota == -1 && r->cpu->has_burst && r->cpu->idle == 1 &&
		       strcmp(r->cpu->cpus, "0-3") == 0,
	       "resources.cpu is read");
	TAP_OK(r->has_pids_limit && r->pids_limit == 32, "resources.pids is read");
	TAP_OK(r->block_io && r->block_io->weight == 10 && r->block_io->n_weight_devices == 1 &&
		       r->block_io->throttle_read_bps.n == 1 &&
		       r->block_io->throttle_write_iops.v[0].minor == 16 &&
		       r->block_io->throttle_write_bps.v == NULL,
	       "resources.blockIO is read");
	TAP_OK(r->n_hugepage_limits == 1 && r->network && r->network->class_id == 1048577 &&
		       r->network->priorities[0].priority == 500 && r->n_rdma == 1 &&
		       r->rdma[0].hca_objects == 10000 && r->unified.n == 1,
	       "resources: hugepageLimits, network, rdma and unified are read");
}

static void test_fields(void)
{
	struct ct_diags d = {0};
	struct ct_spec *s = spec_of(full_config, &d);

	TAP_OK(s && d.count == 0, "a config using every Linux field loads without findings");
	if (!s) {
		ct_diags_print(stdout, &d, "full");
		ct_diags_free(&d);
		return;
	}
	check_top(s);
	check_process(s->process);
	check_linux(s->linux_);
	check_resources(s->linux_->resources);
	TAP_OK(ct_spec_find_ns(s, CT_NS_NETWORK) == &s->linux_->namespaces[1] &&
		       ct_spec_find_ns(s, CT_NS_USER) == NULL,
	       "ct_spec_find_ns finds an entry and reports a missing one");
	ct_spec_free(s);
	ct_diags_free(&d);
}

static bool round_trips(const char *path, int kind)
{
	struct ct_diags d = {0};
	struct ct_err err;
	cleanup_json json_t *doc = ct_json_load_file(path, &d, &err);
	cleanup_json json_t *out = NULL;
	bool ok;

	if (!doc) {
		ct_diags_free(&d);
		return false;
	}
	if (kind == 0) {
		struct ct_spec *s = ct_spec_from_json(doc, &d);

		out = s ? ct_spec_to_json(s) : NULL;
		ct_spec_free(s);
	} else if (kind == 1) {
		struct ct_state *s = ct_state_from_json(doc, &d);

		out = s ? ct_state_to_json(s) : NULL;
		ct_state_free(s);
	} else {
		struct ct_features *f = ct_features_from_json(doc, &d);

		out = f ? ct_features_to_json(f) : NULL;
		ct_features_free(f);
	}
	ok = out && json_equal(out, doc);
	ct_diags_free(&d);

	return ok;
}

/* The full path (text, JSON rules, validator, model) for one schema example. */
static bool parses(const char *path, int kind, bool want_ok)
{
	struct ct_diags d = {0};
	struct ct_err err;
	cleanup_free char *buf = NULL;
	size_t len = 0;
	bool ok = false;

	if (ct_read_file(path, &buf, &len, &err) < 0)
		return false;
	if (kind == 0) {
		struct ct_spec *s = ct_spec_parse(buf, len, &d);
		cleanup_json json_t *out = s ? ct_spec_to_json(s) : NULL;

		ok = s && json_equal(out, s->doc);
		ct_spec_free(s);
	} else if (kind == 1) {
		struct ct_state *s = ct_state_parse(buf, len, &d);

		ok = s != NULL;
		ct_state_free(s);
	} else {
		struct ct_features *f = ct_features_parse(buf, len, &d);

		ok = f != NULL;
		ct_features_free(f);
	}
	/* A refused document must say why; an accepted one must carry no error. */
	ok = want_ok ? ok && d.errors == 0 : !ok && d.errors > 0;
	ct_diags_free(&d);

	return ok;
}

static void test_parse_dir(const char *dir, int kind, bool want_ok)
{
	cleanup_closedir DIR *dp = opendir(dir);
	struct dirent *de;
	int seen = 0;

	while (dp && (de = readdir(dp))) {
		char path[512];

		if (!strstr(de->d_name, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		TAP_OK(parses(path, kind, want_ok), "the parser %s '%s'",
		       want_ok ? "accepts" : "refuses with a finding", path);
		seen++;
	}
	TAP_OK(seen > 0, "'%s' held documents to parse", dir);
}

static void test_load(void)
{
	struct ct_diags d = {0};
	struct ct_err err;
	char dir[] = "/tmp/ct-test-spec.XXXXXX";
	char path[64];
	struct ct_spec *s;
	FILE *f;

	s = ct_spec_load("/nonexistent/config.json", &d, &err);
	TAP_OK(!s && err.errnum == ENOENT && d.count == 0 && strstr(err.msg, "/nonexistent"),
	       "loading a missing file fills err with ENOENT and the path, and adds no finding");
	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "we");
	if (f) {
		fputs("{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"rootfs\"}}\n", f);
		fclose(f);
	}
	s = ct_spec_load(path, &d, &err);
	TAP_OK(s && err.errnum == 0 && strcmp(s->root_path, "rootfs") == 0,
	       "ct_spec_load reads a config from a file");
	ct_spec_free(s);
	f = fopen(path, "we");
	if (f) {
		fputs("{\"ociVersion\": 1}", f);
		fclose(f);
	}
	s = ct_spec_load(path, &d, &err);
	TAP_OK(!s && err.errnum == 0 && d.errors > 0 && has_finding(&d, "/ociVersion"),
	       "ct_spec_load reports an invalid config as a finding, not an I/O error");
	unlink(path);
	rmdir(dir);
	ct_diags_free(&d);
}

static void test_round_trip_dir(const char *dir, int kind)
{
	cleanup_closedir DIR *dp = opendir(dir);
	struct dirent *de;
	int seen = 0;

	TAP_OK(dp != NULL, "the schema test directory '%s' is readable", dir);
	while (dp && (de = readdir(dp))) {
		char path[512];

		if (!strstr(de->d_name, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		TAP_OK(round_trips(path, kind), "round trip keeps '%s' equal", path);
		seen++;
	}
	TAP_OK(seen > 0, "'%s' held documents to round-trip", dir);
}

static void test_round_trip_full(void)
{
	struct ct_diags d = {0};
	cleanup_json json_t *doc = ct_json_parse(full_config, strlen(full_config), &d);
	struct ct_spec *s = ct_spec_from_json(doc, &d);
	cleanup_json json_t *out = s ? ct_spec_to_json(s) : NULL;
	cleanup_free char *a = s ? ct_spec_dump(s) : NULL;
	cleanup_free char *b = s ? ct_spec_dump(s) : NULL;

	TAP_OK(out && json_equal(out, doc), "round trip keeps the every-field config equal");
	TAP_OK(a && b && strcmp(a, b) == 0 && a[strlen(a) - 1] == '\n',
	       "ct_spec_dump is stable and ends with a newline");
	ct_spec_free(s);
	ct_diags_free(&d);
}

static const char unknown_config[] =
	"{\"ociVersion\": \"1.0.0\", \"x-top\": {\"deep\": [1, {\"k\": null}]},"
	" \"root\": {\"path\": \"r\", \"x-root\": 1},"
	" \"mounts\": [{\"destination\": \"/a\", \"x-mount\": true}],"
	" \"process\": {\"cwd\": \"/\", \"x-proc\": \"p\", \"user\": {\"uid\": 1, \"gid\": 1,"
	"   \"x-user\": [1]}},"
	" \"hooks\": {\"poststart\": [{\"path\": \"/h\", \"x-hook\": 2}], \"x-hooks\": 3},"
	" \"linux\": {\"x-linux\": 4, \"netDevices\": {\"eth0\": {\"x-nd\": 5}},"
	"   \"resources\": {\"memory\": {\"limit\": 100, \"x-mem\": 6}, \"x-res\": 7}}}";

static void test_unknown_keys(void)
{
	struct ct_diags d = {0};
	cleanup_json json_t *doc = ct_json_parse(unknown_config, strlen(unknown_config), &d);
	struct ct_spec *s = ct_spec_from_json(doc, &d);
	cleanup_json json_t *out = NULL;

	TAP_OK(s != NULL, "a config with unknown keys at every depth loads");
	if (!s)
		return;
	out = ct_spec_to_json(s);
	TAP_OK(out && json_equal(out, doc), "unknown keys at every depth survive the round trip");
	json_decref(out);

	/* Changing a known field must keep its unknown siblings. */
	s->linux_->resources->memory->limit = 200;
	s->process->user.uid = 42;
	out = ct_spec_to_json(s);
	TAP_OK(json_integer_value(json_object_get(
		       json_object_get(json_object_get(json_object_get(out, "linux"), "resources"),
				       "memory"),
		       "limit")) == 200 &&
		       json_integer_value(json_object_get(
			       json_object_get(
				       json_object_get(json_object_get(out, "linux"), "resources"),
				       "memory"),
			       "x-mem")) == 6,
	       "a changed memory limit is written beside its unknown sibling");
	TAP_OK(json_integer_value(json_object_get(
		       json_object_get(json_object_get(out, "process"), "user"), "uid")) == 42 &&
		       json_object_get(json_object_get(json_object_get(out, "process"), "user"),
				       "x-user"),
	       "a changed uid is written beside its unknown sibling");
	ct_spec_free(s);
	ct_diags_free(&d);
}

static void test_absent_stays_absent(void)
{
	static const char text[] = "{\"ociVersion\": \"1.0.0\", \"process\": {\"cwd\": \"/\"},"
				   " \"linux\": {\"resources\": {}, \"timeOffsets\": {}}}";
	struct ct_diags d = {0};
	struct ct_spec *s = spec_of(text, &d);
	cleanup_json json_t *out = s ? ct_spec_to_json(s) : NULL;
	json_t *proc = json_object_get(out, "process");

	TAP_OK(out && json_object_size(proc) == 1 && !json_object_get(out, "root") &&
		       !json_object_get(out, "mounts") && !json_object_get(out, "annotations"),
	       "absent fields stay absent: no terminal, user, root, mounts or annotations appear");
	TAP_OK(out && json_object_size(
			      json_object_get(json_object_get(out, "linux"), "resources")) == 0,
	       "an empty resources object stays empty");
	ct_spec_free(s);
	ct_diags_free(&d);
}

/* Found by the fuzzer: writing must not add a required key the document left out. */
static void test_required_not_added(void)
{
	static const char text[] = "{\"process\": {\"user\": {\"uid\": 0, \"gic\": 0}},"
				   " \"mounts\": [{\"destination\": \"/\","
				   " \"uidMappings\": [{\"size\": 1}]}]}";
	struct ct_diags d = {0};
	cleanup_json json_t *doc = ct_json_parse(text, strlen(text), &d);
	struct ct_spec *s = ct_spec_from_json(doc, &d);
	cleanup_json json_t *out = s ? ct_spec_to_json(s) : NULL;

	TAP_OK(out && json_equal(out, doc),
	       "a user without gid and an id mapping without ids are written back as they were");
	ct_spec_free(s);
	ct_diags_free(&d);
}

static void test_from_scratch(void)
{
	struct ct_spec *s = ct_spec_new();
	struct ct_diags d = {0};
	cleanup_free char *text = NULL;
	struct ct_spec *back = NULL;
	bool ok = s != NULL;

	if (s) {
		s->root_path = strdup("rootfs");
		s->process = calloc(1, sizeof(*s->process));
		s->linux_ = calloc(1, sizeof(*s->linux_));
		ok = s->root_path && s->process && s->linux_;
	}
	if (ok) {
		s->process->cwd = strdup("/");
		ok = ct_strv_push(&s->process->args, "sh") == 0 &&
		     ct_strv_push(&s->process->args, "-l") == 0 &&
		     ct_kvs_set(&s->annotations, "k", "v") == 0 &&
		     ct_kvs_set(&s->annotations, "k", "w") == 0;
		s->linux_->namespaces = calloc(1, sizeof(*s->linux_->namespaces));
		if (s->linux_->namespaces) {
			s->linux_->namespaces[0].type = CT_NS_PID;
			s->linux_->n_namespaces = 1;
		}
		s->linux_->time_boottime.is_set = true;
	}
	text = ok ? ct_spec_dump(s) : NULL;
	TAP_OK(text != NULL, "a spec built from scratch serialises");
	if (text)
		back = spec_of(text, &d);
	TAP_OK(back && strcmp(back->oci_version, CT_OCI_VERSION) == 0 &&
		       strcmp(back->root_path, "rootfs") == 0 && back->process->args.n == 2 &&
		       back->annotations.n == 1 &&
		       strcmp(ct_kvs_get(&back->annotations, "k"), "w") == 0 &&
		       ct_spec_find_ns(back, CT_NS_PID) && back->linux_->time_boottime.is_set,
	       "a spec built from scratch reads back with the same values");
	TAP_OK(text && strstr(text, "\"uid\": 0") && strstr(text, "\"secs\": 0"),
	       "a new process gets the uid and gid the spec requires; a new clock its offsets");
	ct_spec_free(back);
	ct_spec_free(s);
	ct_diags_free(&d);
}

/* One bad document: it must not load, and must report a finding at pointer. */
static void expect_finding(const char *text, const char *pointer, const char *what)
{
	struct ct_diags d = {0};
	struct ct_spec *s = spec_of(text, &d);

	TAP_OK(!s && d.errors > 0 && has_finding(&d, pointer), "%s is a finding at '%s'", what,
	       pointer);
	if (s || !has_finding(&d, pointer))
		ct_diags_print(stdout, &d, "#");
	ct_spec_free(s);
	ct_diags_free(&d);
}

static void test_bad_values(void)
{
	expect_finding("{\"process\": {\"terminal\": \"yes\"}}", "/process/terminal",
		       "a string where a boolean belongs");
	expect_finding("{\"process\": {\"user\": {\"uid\": -1}}}", "/process/user/uid",
		       "a negative uid");
	expect_finding("{\"process\": {\"user\": {\"uid\": 4294967296}}}", "/process/user/uid",
		       "a uid above UINT32_MAX");
	expect_finding("{\"process\": {\"user\": {\"additionalGids\": [1, -2]}}}",
		       "/process/user/additionalGids/1", "a negative gid in a list");
	expect_finding("{\"linux\": {\"resources\": {\"blockIO\": {\"weight\": 70000}}}}",
		       "/linux/resources/blockIO/weight", "a weight above UINT16_MAX");
	expect_finding("{\"process\": {\"oomScoreAdj\": 2147483648}}", "/process/oomScoreAdj",
		       "an int32 out of range");
	expect_finding("{\"process\": {\"rlimits\": [{\"hard\": 1.5}]}}", "/process/rlimits/0/hard",
		       "a real where an integer belongs");
	expect_finding("{\"mounts\": {\"destination\": \"/\"}}", "/mounts",
		       "an object where an array belongs");
	expect_finding("{\"mounts\": [\"/proc\"]}", "/mounts/0", "a string where a mount belongs");
	expect_finding("{\"mounts\": [{\"destination\": \"/a\", \"type\": \"x\"}, \"/b\","
		       " {\"destination\": \"/c\", \"source\": \"y\"}]}",
		       "/mounts/1", "a string between two mounts (found by the fuzzer as a leak)");
	expect_finding("{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"path\": \"/x\"}]}}",
		       "/linux/namespaces/1", "a namespace without a type (not read as pid)");
	expect_finding("{\"linux\": {\"namespaces\": [{\"type\": \"net\"}]}}",
		       "/linux/namespaces/0/type", "an unknown namespace type");
	expect_finding("{\"annotations\": {\"a/b\": 1}}", "/annotations/a~1b",
		       "a number in a string map (pointer escaped)");
	expect_finding("{\"linux\": {\"sysctl\": null}}", "/linux/sysctl", "null for a map");
	expect_finding("[1, 2]", "", "a document that is not an object");
}

static void test_many_findings(void)
{
	struct ct_diags d = {0};
	struct ct_spec *s = spec_of("{\"hostname\": 1, \"process\": {\"cwd\": 2, \"env\": [3]},"
				    " \"linux\": {\"devices\": [{\"major\": \"x\"}]}}",
				    &d);

	TAP_OK(!s && d.errors == 4 && has_finding(&d, "/process/env/0") &&
		       has_finding(&d, "/linux/devices/0/major"),
	       "reading goes on past the first problem and reports all four");
	TAP_OK(d.count > 0 && d.items[0].expected && d.items[0].found && d.items[0].hint,
	       "a finding says what was expected, what was found and a hint");
	ct_spec_free(s);
	ct_diags_free(&d);
}

/* Through ct_spec_parse a wrong type is reported once, by the validator, not again by the model. */
static void test_parse_once(void)
{
	static const char text[] =
		"{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"r\"}, \"hostname\": 7}";
	struct ct_diags d = {0};
	struct ct_spec *s = ct_spec_parse(text, sizeof(text) - 1, &d);
	struct ct_spec *e = ct_spec_parse("", 0, &d);

	TAP_OK(!s && d.errors == 2 && has_finding(&d, "/hostname") && has_finding(&d, "") && !e,
	       "ct_spec_parse reports a wrong type once and an empty document once");
	ct_diags_free(&d);
}

/* Text that ct_json_parse must refuse with a finding rather than crash on. */
static void expect_refused(const char *buf, size_t len, const char *what)
{
	struct ct_diags d = {0};
	json_t *doc = ct_json_parse(buf, len, &d);

	TAP_OK(!doc && d.errors > 0, "%s is refused with a finding", what);
	json_decref(doc);
	ct_diags_free(&d);
}

/* Nesting jansson accepts (under its 2048 bound) inside an unknown key: copied, compared and
 * dumped. */
static void test_deep_unknown(void)
{
	const size_t depth = 2000;
	const char head[] = "{\"ociVersion\": \"1.0.0\", \"x\": ";
	char *buf = malloc(sizeof(head) + 2 * depth + 2);
	struct ct_diags d = {0};
	cleanup_json json_t *doc = NULL;
	cleanup_json json_t *out = NULL;
	cleanup_free char *text = NULL;
	struct ct_spec *s = NULL;
	size_t len = sizeof(head) - 1;

	if (!buf)
		return;
	memcpy(buf, head, len);
	memset(buf + len, '[', depth);
	memset(buf + len + depth, ']', depth);
	len += 2 * depth;
	buf[len++] = '}';
	doc = ct_json_parse(buf, len, &d);
	free(buf);
	s = doc ? ct_spec_from_json(doc, &d) : NULL;
	out = s ? ct_spec_to_json(s) : NULL;
	text = s ? ct_spec_dump(s) : NULL;
	TAP_OK(out && json_equal(out, doc) && text,
	       "an unknown key nested %zu deep loads, round-trips and dumps", depth);
	ct_spec_free(s);
	ct_diags_free(&d);
}

static void test_hostile_text(void)
{
	static const char bad_utf8[] = "{\"hostname\": \"\xff\xfe\"}";
	static const char dup[] = "{\"hostname\": \"a\", \"hostname\": \"b\"}";
	static const char big[] =
		"{\"process\": {\"rlimits\": [{\"hard\": 18446744073709551615}]}}";
	size_t depth = 10000;
	cleanup_free char *deep = malloc(2 * depth + 1);

	expect_refused("", 0, "an empty document");
	test_parse_once();
	expect_refused(bad_utf8, sizeof(bad_utf8) - 1, "invalid UTF-8");
	expect_refused(dup, sizeof(dup) - 1, "a duplicate key");
	expect_refused(big, sizeof(big) - 1, "an integer above INT64_MAX");
	expect_refused("{\"a\": 1} trailing", 17, "trailing garbage");
	if (!deep)
		return;
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	expect_refused(deep, 2 * depth, "arrays nested 10000 deep");
	for (size_t i = 0; i < depth; i++) {
		deep[i] = i % 2 ? '{' : '[';
	}
	expect_refused(deep, 2 * depth, "mixed nesting 10000 deep (unbalanced)");
	test_deep_unknown();
}

static void test_huge_env(void)
{
	/* About 100 MB: 1.6 M entries of 64 bytes each. */
	const size_t n = 1600000;
	const size_t entry = 64;
	size_t cap = n * (entry + 4) + 128;
	cleanup_free char *buf = malloc(cap);
	struct ct_diags d = {0};
	size_t len;
	char *p;
	cleanup_json json_t *doc = NULL;
	struct ct_spec *s = NULL;

	if (!buf) {
		TAP_OK(false, "allocate the 100 MB document");
		return;
	}
	p = buf +
	    sprintf(buf, "{\"ociVersion\": \"1.0.0\", \"process\": {\"cwd\": \"/\", \"env\": [");
	for (size_t i = 0; i < n; i++) {
		p += sprintf(p, "%s\"V%09zu=%0*d\"", i ? "," : "", i, (int)entry - 13, 0);
	}
	p += sprintf(p, "]}}");
	len = (size_t)(p - buf);
	/* Finishing at all is the proof that nothing is quadratic enough to hang; how fast it
	 * loads is measured by tests/bench/bench_specgen.sh, not asserted here. */
	doc = ct_json_parse(buf, len, &d);
	s = doc ? ct_spec_from_json(doc, &d) : NULL;
	TAP_OK(len > 100000000 && s && s->process->env.n == n &&
		       strncmp(s->process->env.v[n - 1], "V001599999=", 11) == 0,
	       "a %zu-byte document with %zu env entries loads", len, n);
	ct_spec_free(s);
	ct_diags_free(&d);
}

static void test_state(void)
{
	static const char text[] =
		"{\"ociVersion\": \"1.3.0\", \"id\": \"web\", \"status\": \"created\","
		" \"pid\": 42, \"bundle\": \"/b\", \"annotations\": {\"k\": \"v\"},"
		" \"x-private\": {\"starttime\": 123}}";
	struct ct_diags d = {0};
	cleanup_json json_t *doc = ct_json_parse(text, strlen(text), &d);
	struct ct_state *st = ct_state_from_json(doc, &d);
	cleanup_json json_t *out = st ? ct_state_to_json(st) : NULL;
	struct ct_state scratch = {.id = (char *)"x", .status = (char *)"stopped"};
	cleanup_json json_t *built = ct_state_to_json(&scratch);
	cleanup_json json_t *neg = ct_json_parse("{\"pid\": -1}", 11, &d);
	struct ct_state *bad = ct_state_from_json(neg, &d);

	TAP_OK(st && strcmp(st->id, "web") == 0 && strcmp(st->status, "created") == 0 &&
		       st->has_pid && st->pid == 42 && strcmp(st->bundle, "/b") == 0 &&
		       st->annotations.n == 1,
	       "state.json fields are read");
	TAP_OK(out && json_equal(out, doc), "state round trip keeps private unknown keys");
	TAP_OK(built && json_object_size(built) == 2 && !json_object_get(built, "pid"),
	       "a state built by hand serialises only what it holds");
	TAP_OK(!bad && has_finding(&d, "/pid"), "a negative pid in state.json is a finding");
	ct_state_free(st);
	ct_diags_free(&d);
}

static void test_features(void)
{
	static const char text[] =
		"{\"ociVersionMin\": \"1.0.0\", \"ociVersionMax\": \"1.3.0\","
		" \"potentiallyUnsafeConfigAnnotations\": [\"com.example.\"],"
		" \"linux\": {\"intelRdt\": {\"enabled\": true, \"schemata\": false},"
		"   \"memoryPolicy\": {\"modes\": [\"MPOL_BIND\"], \"flags\": []},"
		"   \"mountExtensions\": {\"idmap\": {\"enabled\": true, \"x-i\": 1}},"
		"   \"cgroup\": {\"v2\": true, \"rdma\": false}, \"x-l\": 2}}";
	struct ct_diags d = {0};
	cleanup_json json_t *doc = ct_json_parse(text, strlen(text), &d);
	struct ct_features *f = ct_features_from_json(doc, &d);
	cleanup_json json_t *out = f ? ct_features_to_json(f) : NULL;

	TAP_OK(f && f->potentially_unsafe_config_annotations.n == 1 && f->linux_ &&
		       f->linux_->intel_rdt->has_schemata && !f->linux_->intel_rdt->schemata &&
		       f->linux_->memory_policy->modes.n == 1 &&
		       f->linux_->memory_policy->flags.v &&
		       f->linux_->mount_extensions->idmap->enabled && f->linux_->cgroup->has_rdma &&
		       !f->linux_->cgroup->has_v1,
	       "features.json fields are read");
	TAP_OK(out && json_equal(out, doc), "features round trip keeps unknown keys");
	ct_features_free(f);
	ct_diags_free(&d);
}

static const char *schema_dir(char *buf, size_t size, const char *sub)
{
	const char *base = getenv("CT_SCHEMA_TESTS");

	snprintf(buf, size, "%s/%s", base ? base : SCHEMA_TESTS_DEFAULT, sub);
	return buf;
}

int main(void)
{
	char dir[512];

	test_ns_names();
	test_fields();
	test_round_trip_full();
	test_round_trip_dir(schema_dir(dir, sizeof(dir), "config/good"), 0);
	test_round_trip_dir(schema_dir(dir, sizeof(dir), "state/good"), 1);
	test_round_trip_dir(schema_dir(dir, sizeof(dir), "features/good"), 2);
	test_parse_dir(schema_dir(dir, sizeof(dir), "config/good"), 0, true);
	test_parse_dir(schema_dir(dir, sizeof(dir), "config/bad"), 0, false);
	test_parse_dir(schema_dir(dir, sizeof(dir), "state/good"), 1, true);
	test_parse_dir(schema_dir(dir, sizeof(dir), "state/bad"), 1, false);
	test_parse_dir(schema_dir(dir, sizeof(dir), "features/good"), 2, true);
	test_parse_dir(schema_dir(dir, sizeof(dir), "features/bad"), 2, false);
	test_load();
	test_unknown_keys();
	test_absent_stays_absent();
	test_required_not_added();
	test_from_scratch();
	test_bad_values();
	test_many_findings();
	test_hostile_text();
	test_huge_env();
	test_state();
	test_features();

	return tap_done();
}
