/* SPDX-License-Identifier: Apache-2.0 */
/* The validator: one test per class of check, each on a small document with a known finding. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/caps.h"
#include "common/diag.h"
#include "common/json.h"
#include "common/seccomp.h"
#include "common/validate.h"
#include "common/validate_impl.h"
#include "tests/unit/tap.h"

/* A Linux config with mount and pid namespaces; tests merge their fields into it. */
static const char *base_config =
	"{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"rootfs\"},"
	" \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"]},"
	" \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"}]}}";

/* Deep-merges patch into base: objects merge, anything else replaces. */
static void merge(json_t *base, json_t *patch)
{
	const char *key;
	json_t *value;

	json_object_foreach(patch, key, value)
	{
		json_t *old = json_object_get(base, key);

		if (json_is_object(old) && json_is_object(value))
			merge(old, value);
		else
			json_object_set(base, key, value);
	}
}

/* Validates base_config patched with the JSON text patch (NULL: as is). */
static void run_config(const char *patch, struct ct_diags *d)
{
	json_t *doc = ct_json_parse(base_config, strlen(base_config), d);

	if (patch) {
		json_t *p = ct_json_parse(patch, strlen(patch), d);

		merge(doc, p);
		json_decref(p);
	}
	ct_validate_doc(doc, CT_DOC_CONFIG, d);
	json_decref(doc);
}

static const struct ct_diag *find(const struct ct_diags *d, enum ct_diag_level level,
				  const char *pointer, const char *msg_part)
{
	for (size_t i = 0; i < d->count; i++) {
		const struct ct_diag *item = &d->items[i];

		if (item->level == level && strcmp(item->pointer, pointer) == 0 && item->msg &&
		    strstr(item->msg, msg_part))
			return item;
	}

	return NULL;
}

/* NULL-safe string equality, so a missing finding fails the check instead of crashing. */
static bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool has_error(const char *patch, const char *pointer, const char *msg_part)
{
	struct ct_diags d = {0};
	bool found;

	run_config(patch, &d);
	found = find(&d, CT_DIAG_ERROR, pointer, msg_part) != NULL;
	if (!found)
		for (size_t i = 0; i < d.count; i++)
			printf("#   got: %s: %s\n", d.items[i].pointer, d.items[i].msg);
	ct_diags_free(&d);

	return found;
}

static size_t count_errors(const char *patch)
{
	struct ct_diags d = {0};
	size_t n;

	run_config(patch, &d);
	n = d.errors;
	ct_diags_free(&d);

	return n;
}

static void test_base_is_valid(void)
{
	TAP_OK(count_errors(NULL) == 0, "the base config is valid");
	TAP_OK(count_errors("{\"process\": null}") == 1, "process null is a type error");
}

static void test_schema_types(void)
{
	struct ct_diags d = {0};
	const struct ct_diag *item;

	run_config("{\"process\": {\"user\": {\"uid\": \"0\"}}}", &d);
	item = find(&d, CT_DIAG_ERROR, "/process/user/uid", "wrong type");
	TAP_OK(item != NULL, "a string uid is a type error at its pointer");
	TAP_OK(item && str_eq(item->expected, "integer"), "expected names the type");
	TAP_OK(item && str_eq(item->found, "\"0\""), "found shows the value");
	TAP_OK(item && str_eq(item->hint, "write the number without quotes"), "hint says the fix");
	ct_diags_free(&d);
}

static void test_schema_required_enum_range(void)
{
	TAP_OK(has_error("{\"linux\": {\"resources\": {\"pids\": {}}}}", "/linux/resources/pids",
			 "missing required key 'limit'"),
	       "required key is reported on its object");
	TAP_OK(has_error("{\"linux\": {\"rootfsPropagation\": \"rshared\"}}",
			 "/linux/rootfsPropagation", "unknown rootfs propagation 'rshared'"),
	       "enum value outside the list is an error");
	TAP_OK(has_error("{\"linux\": {\"resources\": {\"blockIO\": {\"weight\": 70000}}}}",
			 "/linux/resources/blockIO/weight", "out of range"),
	       "uint16 above 65535 is out of range");
	TAP_OK(has_error(
		       "{\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"2mb\", "
		       "\"limit\": 1}]}}}",
		       "/linux/resources/hugepageLimits/0/pageSize", "invalid page size"),
	       "pattern mismatch is an error");
	TAP_OK(has_error("{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
			 "\"syscalls\": [{\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}]}}}",
			 "/linux/seccomp/syscalls/0/names", "list is empty"),
	       "minItems is checked");
}

static void test_unknown_key_suggestion(void)
{
	struct ct_diags d = {0};
	const struct ct_diag *item;

	run_config("{\"hostnme\": \"x\"}", &d);
	item = find(&d, CT_DIAG_WARN, "/hostnme", "unknown key 'hostnme'");
	TAP_OK(item != NULL && d.errors == 0, "an unknown key is a warning, not an error");
	TAP_OK(item && str_eq(item->hint, "did you mean 'hostname'?"), "it suggests the near key");
	ct_diags_free(&d);
}

static void test_absolute_paths(void)
{
	TAP_OK(has_error("{\"process\": {\"cwd\": \"tmp\"}}", "/process/cwd", "not absolute"),
	       "relative cwd");
	TAP_OK(has_error("{\"mounts\": [{\"destination\": \"x\"}]}", "/mounts/0/destination",
			 "not absolute"),
	       "relative mount destination");
	TAP_OK(has_error("{\"hooks\": {\"poststop\": [{\"path\": \"h\"}]}}",
			 "/hooks/poststop/0/path", "not absolute"),
	       "relative hook path");
	TAP_OK(has_error("{\"linux\": {\"devices\": [{\"type\": \"c\", \"path\": \"null\", "
			 "\"major\": 1, \"minor\": 3}]}}",
			 "/linux/devices/0/path", "not absolute"),
	       "relative device path");
	TAP_OK(has_error(
		       "{\"linux\": {\"namespaces\": [{\"type\": \"network\", \"path\": \"n\"}]}}",
		       "/linux/namespaces/0/path", "not absolute"),
	       "relative namespace path");
	TAP_OK(has_error("{\"linux\": {\"maskedPaths\": [\"a\"]}}", "/linux/maskedPaths/0",
			 "not absolute"),
	       "relative masked path");
	TAP_OK(has_error("{\"linux\": {\"readonlyPaths\": [\"a\"]}}", "/linux/readonlyPaths/0",
			 "not absolute"),
	       "relative read-only path");
}

static void test_duplicates(void)
{
	TAP_OK(has_error(
		       "{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"pid\"}]}}",
		       "/linux/namespaces/1",
		       "duplicate namespace 'pid' (first at /linux/namespaces/0)"),
	       "duplicate namespace names both positions");
	TAP_OK(has_error("{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": 1, "
			 "\"hard\": 1}, {\"type\": \"RLIMIT_CORE\", \"soft\": 1, \"hard\": 1}]}}",
			 "/process/rlimits/1", "duplicate rlimit"),
	       "duplicate rlimit");
	TAP_OK(has_error("{\"linux\": {\"devices\": [{\"type\": \"p\", \"path\": \"/f\"}, "
			 "{\"type\": \"p\", \"path\": \"/f\"}]}}",
			 "/linux/devices/1/path", "duplicate device '/f'"),
	       "duplicate device path");
}

/* Finishing is the proof: comparing each entry with all earlier ones took minutes here. */
static void test_duplicates_long_lists(void)
{
	const size_t n = 100000;
	json_t *devs = json_array();
	json_t *rls = json_array();
	json_t *doc = json_pack("{s:{s:o}, s:{s:o}}", "linux", "devices", devs, "process",
				"rlimits", rls);
	struct ct_diags d = {0};
	size_t dups = 0;

	for (size_t i = 0; i < n; i++) {
		char path[32];
		char type[32];

		/* The last entry of each list repeats entry 7. */
		snprintf(path, sizeof(path), "/dev/x%zu", i == n - 1 ? (size_t)7 : i);
		snprintf(type, sizeof(type), "RLIMIT_%c%zu", 'A', i == n - 1 ? (size_t)7 : i);
		json_array_append_new(devs, json_pack("{s:s, s:s}", "type", "p", "path", path));
		json_array_append_new(
			rls, json_pack("{s:s, s:i, s:i}", "type", type, "soft", 1, "hard", 1));
	}
	ct_validate_doc(doc, CT_DOC_CONFIG, &d);
	for (size_t i = 0; i < d.count; i++) {
		if (strstr(d.items[i].msg, "duplicate") && strstr(d.items[i].msg, "/7)"))
			dups++;
	}
	TAP_OK(dups == 2, "duplicates in lists of %zu devices and rlimits are found (%zu)", n,
	       dups);
	ct_diags_free(&d);
	json_decref(doc);
}

static void test_rlimits(void)
{
	TAP_OK(has_error("{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 9, "
			 "\"hard\": 1}]}}",
			 "/process/rlimits/0/soft", "above the hard limit"),
	       "soft above hard");
	TAP_OK(has_error("{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_FOO\", \"soft\": 1, "
			 "\"hard\": 1}]}}",
			 "/process/rlimits/0/type", "unknown rlimit 'RLIMIT_FOO'"),
	       "unknown rlimit name");
}

static void test_namespace_needs(void)
{
	TAP_OK(has_error("{\"hostname\": \"h\"}", "/hostname", "needs its own uts namespace"),
	       "hostname needs uts");
	TAP_OK(has_error("{\"domainname\": \"d\"}", "/domainname", "needs its own uts namespace"),
	       "domainname needs uts");
	TAP_OK(has_error("{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1, "
			 "\"size\": 1}]}}",
			 "/linux/uidMappings", "needs its own user namespace"),
	       "uid mappings need a user namespace");
	TAP_OK(has_error("{\"linux\": {\"timeOffsets\": {\"boottime\": {\"secs\": 1}}}}",
			 "/linux/timeOffsets", "needs its own time namespace"),
	       "time offsets need a time namespace");
	TAP_OK(has_error("{\"linux\": {\"sysctl\": {\"net.core.somaxconn\": \"1\"}}}",
			 "/linux/sysctl/net.core.somaxconn", "needs its own network namespace"),
	       "net.* sysctl needs a network namespace");
	TAP_OK(has_error("{\"linux\": {\"sysctl\": {\"fs.mqueue.msg_max\": \"1\"}}}",
			 "/linux/sysctl/fs.mqueue.msg_max", "needs its own ipc namespace"),
	       "fs.mqueue.* sysctl needs an ipc namespace");
	TAP_OK(count_errors(
		       "{\"hostname\": \"h\", \"linux\": {\"namespaces\": [{\"type\": \"uts\"}, "
		       "{\"type\": \"ipc\"}], \"sysctl\": {\"kernel.sem\": \"1 2 3 4\"}}}") == 0,
	       "with the namespaces present the same fields are fine");
}

static void test_names(void)
{
	TAP_OK(has_error("{\"process\": {\"capabilities\": {\"bounding\": [\"sys_admin\"]}}}",
			 "/process/capabilities/bounding/0", "malformed capability name"),
	       "capability name of the wrong form");
	TAP_OK(ct_caps_is_known("CAP_SYS_ADMIN") && !ct_caps_is_known("CAP_SYS_ADMINX") &&
		       !ct_caps_is_known("12") && !ct_caps_is_known("cap_chown"),
	       "ct_caps_is_known takes only the spec's spelling");
	TAP_OK(ct_caps_from_name("CAP_CHOWN") == 0 && ct_caps_from_name("CAP_SYS_ADMIN") == 21,
	       "ct_caps_from_name gives the kernel's numbers");
	TAP_OK(ct_seccomp_action_known("SCMP_ACT_KILL_PROCESS") && !ct_seccomp_action_known("KILL"),
	       "seccomp actions");
	TAP_OK(ct_seccomp_op_known("SCMP_CMP_MASKED_EQ") && !ct_seccomp_op_known("SCMP_CMP_EQUAL"),
	       "seccomp operators");
	TAP_OK(ct_seccomp_arch_known("SCMP_ARCH_RISCV64") &&
		       !ct_seccomp_arch_known("SCMP_ARCH_AMD64"),
	       "seccomp architectures");
	TAP_OK(ct_seccomp_flag_known("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") &&
		       !ct_seccomp_flag_known(NULL),
	       "seccomp flags");
}

static void test_seccomp_rules(void)
{
	TAP_OK(has_error("{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
			 "\"defaultErrnoRet\": 1}}}",
			 "/linux/seccomp/defaultErrnoRet", "only for actions that return an errno"),
	       "errno with an action that takes none");
	TAP_OK(has_error("{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
			 "\"flags\": [\"SECCOMP_FILTER_FLAG_X\"]}}}",
			 "/linux/seccomp/flags/0", "unknown seccomp flag"),
	       "unknown seccomp flag");
	TAP_OK(has_error("{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
			 "\"listenerMetadata\": \"m\"}}}",
			 "/linux/seccomp/listenerMetadata", "without listenerPath"),
	       "listenerMetadata needs listenerPath");
}

static void test_mount_options(void)
{
	struct ct_diags d = {0};

	TAP_OK(has_error("{\"mounts\": [{\"destination\": \"/d\", \"source\": \"/s\", "
			 "\"options\": [\"rbind\", \"nosiud\"]}]}",
			 "/mounts/0/options/1", "unknown mount option 'nosiud'"),
	       "unknown option on a bind mount is an error");
	run_config(
		"{\"mounts\": [{\"destination\": \"/d\", \"type\": \"xfs\", \"source\": \"/dev/sda\","
		" \"options\": [\"nouuid\", \"size=1m\", \"rro\", \"tmpcopyup\"]}]}",
		&d);
	TAP_OK(d.errors == 0 && find(&d, CT_DIAG_WARN, "/mounts/0/options/0", "as data"),
	       "unknown word on a filesystem mount is a warning, key=value is data");
	ct_diags_free(&d);
	TAP_OK(has_error("{\"mounts\": [{\"destination\": \"/d\", \"source\": \"/s\", "
			 "\"options\": [\"bind\", \"idmap\"]}]}",
			 "/mounts/0", "needs uid and gid mappings"),
	       "idmap needs mappings in the mount");
	TAP_OK(has_error("{\"mounts\": [{\"destination\": \"/d\", \"options\": [\"bind\"]}]}",
			 "/mounts/0", "bind mount has no source"),
	       "bind mount needs a source");
}

static void test_devices_and_cgroups(void)
{
	TAP_OK(has_error("{\"linux\": {\"devices\": [{\"type\": \"q\", \"path\": \"/q\"}]}}",
			 "/linux/devices/0/type", "invalid device type"),
	       "device type outside c, b, u, p");
	TAP_OK(has_error("{\"linux\": {\"devices\": [{\"type\": \"b\", \"path\": \"/b\"}]}}",
			 "/linux/devices/0", "needs major and minor"),
	       "block device without numbers");
	TAP_OK(has_error("{\"linux\": {\"resources\": {\"devices\": [{\"allow\": true, "
			 "\"access\": \"rwz\"}]}}}",
			 "/linux/resources/devices/0/access", "invalid device access"),
	       "cgroup access letters outside rwm");
	TAP_OK(has_error(
		       "{\"linux\": {\"resources\": {\"memory\": {\"limit\": 100, \"swap\": 50}}}}",
		       "/linux/resources/memory/swap", "below the memory limit"),
	       "swap below limit");
	TAP_OK(count_errors("{\"linux\": {\"resources\": {\"memory\": {\"limit\": 100, "
			    "\"swap\": -1}}}}") == 0,
	       "-1 means unlimited swap");
	TAP_OK(has_error("{\"linux\": {\"cgroupsPath\": \"a:b\"}}", "/linux/cgroupsPath",
			 "malformed systemd cgroupsPath"),
	       "systemd cgroupsPath needs three fields");
	TAP_OK(count_errors("{\"linux\": {\"cgroupsPath\": \"machine.slice:nsinit:c1\"}}") == 0 &&
		       count_errors("{\"linux\": {\"cgroupsPath\": \"a/b\"}}") == 0,
	       "systemd and relative cgroupsPath forms are accepted");
}

static void test_version(void)
{
	struct ct_diags d = {0};

	TAP_OK(has_error("{\"ociVersion\": \"2.0.0\"}", "/ociVersion", "unsupported"),
	       "2.x refused");
	TAP_OK(has_error("{\"ociVersion\": \"0.9.9\"}", "/ociVersion", "unsupported"),
	       "0.x refused");
	TAP_OK(has_error("{\"ociVersion\": \"v1.0.0\"}", "/ociVersion", "invalid ociVersion"),
	       "not semver");
	TAP_OK(count_errors("{\"ociVersion\": \"1.0.2-dev\"}") == 0 &&
		       count_errors("{\"ociVersion\": \"1.3.5+build.1\"}") == 0,
	       "pre-release and build suffixes accepted");
	run_config("{\"ociVersion\": \"0.5.0-dev\"}", &d);
	TAP_OK(d.errors == 0 && find(&d, CT_DIAG_WARN, "/ociVersion", "development ociVersion"),
	       "the spec examples' 0.5.0-dev is a warning");
	ct_diags_free(&d);
}

static void test_process_rules(void)
{
	TAP_OK(count_errors("{\"process\": null}") == 1 && count_errors("{\"linux\": {}}") == 0,
	       "a config without process is not refused for it");
	TAP_OK(has_error("{\"process\": {\"args\": []}}", "/process/args", "no args"),
	       "empty args");
	TAP_OK(has_error("{\"process\": {\"ioPriority\": {\"class\": \"IOPRIO_CLASS_RT\", "
			 "\"priority\": 9}}}",
			 "/process/ioPriority/priority", "out of range"),
	       "io priority 0-7");
	TAP_OK(has_error(
		       "{\"process\": {\"scheduler\": {\"policy\": \"SCHED_BATCH\", \"nice\": -21}}}",
		       "/process/scheduler/nice", "out of range"),
	       "nice -20..19");
	TAP_OK(has_error("{\"process\": {\"execCPUAffinity\": {\"initial\": \"1,,2\"}}}",
			 "/process/execCPUAffinity/initial", "invalid cpu list"),
	       "cpu list syntax");
	TAP_OK(has_error("{\"linux\": {\"personality\": {\"domain\": \"LINUX16\"}}}",
			 "/linux/personality/domain", "unknown personality domain"),
	       "personality domain");
	TAP_OK(has_error("{\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_DEFAULT\", "
			 "\"nodes\": \"1\"}}}",
			 "/linux/memoryPolicy/nodes", "takes no nodes"),
	       "memory policy mode and nodes");
	TAP_OK(has_error("{\"linux\": {\"namespaces\": [{\"type\": \"network\"}], \"netDevices\": "
			 "{\"eth0\": {\"name\": \"x y\"}}}}",
			 "/linux/netDevices/eth0/name", "invalid interface name"),
	       "netDevices names");
}

static void test_state_and_features(void)
{
	const char *state = "{\"ociVersion\": \"1.3.0\", \"id\": \"c\", \"status\": \"stopped\", "
			    "\"bundle\": \"/b\"}";
	const char *features = "{\"ociVersionMin\": \"1.0.0\", \"ociVersionMax\": \"1.3.0\"}";
	struct ct_diags d = {0};
	json_t *doc = ct_json_parse(state, strlen(state), &d);

	ct_validate_doc(doc, CT_DOC_STATE, &d);
	TAP_OK(d.count == 0, "a stopped state without pid is valid");
	json_decref(doc);
	doc = ct_json_parse(features, strlen(features), &d);
	ct_validate_doc(doc, CT_DOC_FEATURES, &d);
	TAP_OK(d.count == 0, "minimal features are valid");
	json_decref(doc);
	ct_diags_free(&d);
}

static void test_helpers(void)
{
	static const char *const names[] = {"hostname", "domainname", "hooks", NULL};
	struct vd_semver v;

	TAP_OK(str_eq(vd_nearest("hostnme", names), "hostname"), "nearest by one edit");
	TAP_OK(str_eq(vd_nearest("Hooks", names), "hooks"), "case does not count");
	TAP_OK(vd_nearest("zzzzzz", names) == NULL, "nothing near: no suggestion");
	TAP_OK(vd_semver_parse("1.2.3-rc.1+b5", &v) && v.major == 1 && v.minor == 2 &&
		       v.patch == 3 && v.is_prerelease,
	       "semver with pre-release and build");
	TAP_OK(!vd_semver_parse("01.0.0", &v) && !vd_semver_parse("1.0", &v) &&
		       !vd_semver_parse("1.0.0-", &v),
	       "malformed semver refused");
	TAP_OK(vd_is_cpu_list("0-3,7") && vd_is_cpu_list("1, 2") && !vd_is_cpu_list("") &&
		       !vd_is_cpu_list("3-1") && !vd_is_cpu_list("1,"),
	       "cpu lists");
}

static void test_pointers(void)
{
	char *zero = ct_pointer_index("/mounts", 0);
	char *big = ct_pointer_index("", 18446744073709551615UL);
	char *ten = ct_pointer_index("/linux/devices", 10);
	char *esc = ct_pointer_join("/linux/sysctl", "net/ipv4~x");

	TAP_STR_EQ(zero, "/mounts/0", "pointer to element 0");
	TAP_STR_EQ(ten, "/linux/devices/10", "pointer to element 10");
	TAP_STR_EQ(big, "/18446744073709551615", "pointer to the largest index, from the root");
	TAP_STR_EQ(esc, "/linux/sysctl/net~1ipv4~0x", "a key with / and ~ is escaped (RFC 6901)");
	free(zero);
	free(big);
	free(ten);
	free(esc);
}

int main(void)
{
	test_base_is_valid();
	test_schema_types();
	test_schema_required_enum_range();
	test_unknown_key_suggestion();
	test_absolute_paths();
	test_duplicates();
	test_duplicates_long_lists();
	test_rlimits();
	test_namespace_needs();
	test_names();
	test_seccomp_rules();
	test_mount_options();
	test_devices_and_cgroups();
	test_version();
	test_process_rules();
	test_state_and_features();
	test_helpers();
	test_pointers();

	return tap_done();
}
