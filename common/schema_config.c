/* SPDX-License-Identifier: Apache-2.0 */
/* runtime-spec v1.3.0 config-schema.json, config-linux.json and their defs, as C tables. */
#include <string.h>

#include "common/seccomp.h"
#include "common/validate_impl.h"

#define END                                                                                        \
	{                                                                                          \
		NULL, NULL, false                                                                  \
	}
#define REQ true

/* Patterns of the schema, as predicates. */
static bool match_rlimit(const char *s)
{
	if (strncmp(s, "RLIMIT_", 7) != 0 || !s[7])
		return false;
	for (s += 7; *s; s++) {
		if (*s < 'A' || *s > 'Z')
			return false;
	}

	return true;
}

static bool match_cpu_chars(const char *s)
{
	return strspn(s, "0123456789, -") == strlen(s);
}

static bool match_page_size(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	return digits > 0 && s[0] != '0' && strchr("KMG", s[digits]) && s[digits] &&
	       s[digits + 1] == 'B' && s[digits + 2] == '\0';
}

static bool match_mb_schema(const char *s)
{
	return strncmp(s, "MB:", 3) == 0 && !strchr(s, '\n');
}

static bool match_dev_type(const char *s)
{
	return s[0] && strchr("cbup", s[0]) && s[1] == '\0';
}

static const struct vs_pattern pat_rlimit = {
	match_rlimit, "rlimit type", "RLIMIT_ and upper-case letters, e.g. RLIMIT_NOFILE",
	"write the name as getrlimit(2) does, e.g. RLIMIT_NOFILE"};
static const struct vs_pattern pat_cpus = {match_cpu_chars, "cpu list",
					   "digits, commas, dashes and spaces, e.g. 0-3,7", NULL};
static const struct vs_pattern pat_page = {match_page_size, "page size",
					   "a size like 2MB, 64KB or 1GB",
					   "the unit is KB, MB or GB, in upper case"};
static const struct vs_pattern pat_mb = {match_mb_schema, "memory bandwidth schema",
					 "one line starting with MB:", "e.g. MB:0=20;1=70"};
static const struct vs_pattern pat_dev = {match_dev_type, "device type", "one of c, b, u, p",
					  "c: character, b: block, u: unbuffered, p: fifo"};

/* Enums, shared with the feature tables (the seccomp names live in seccomp_names.c). */
static const char *const ioprio_names[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
					   "IOPRIO_CLASS_IDLE", NULL};
static const char *const sched_policy_names[] = {"SCHED_OTHER",	   "SCHED_FIFO", "SCHED_RR",
						 "SCHED_BATCH",	   "SCHED_ISO",	 "SCHED_IDLE",
						 "SCHED_DEADLINE", NULL};
static const char *const sched_flag_names[] = {
	"SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
	"SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
	"SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
	"SCHED_FLAG_UTIL_CLAMP_MAX", NULL};
static const char *const personality_names[] = {"LINUX", "LINUX32", NULL};
static const char *const propagation_names[] = {"private", "shared", "slave", "unbindable", NULL};
static const char *const ns_names[] = {"mount", "pid",	  "network", "uts", "ipc",
				       "user",	"cgroup", "time",    NULL};
static const char *const mpol_mode_names[] = {
	"MPOL_DEFAULT",	  "MPOL_BIND",		 "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
	"MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",	    NULL};
static const char *const mpol_flag_names[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
					      "MPOL_F_STATIC_NODES", NULL};

static const char *const *sc_action_names(void)
{
	return ct_seccomp_names(CT_SECCOMP_ACTIONS);
}

static const char *const *sc_operators(void)
{
	return ct_seccomp_names(CT_SECCOMP_OPERATORS);
}

static const char *const *sc_arch_names(void)
{
	return ct_seccomp_names(CT_SECCOMP_ARCHS);
}

static const char *const *sc_flag_names(void)
{
	return ct_seccomp_names(CT_SECCOMP_FLAGS);
}

static const struct vs_enum e_ioprio = {"io priority class", ioprio_names, NULL};
static const struct vs_enum e_sched_policy = {"scheduler policy", sched_policy_names, NULL};
static const struct vs_enum e_sched_flag = {"scheduler flag", sched_flag_names, NULL};
static const struct vs_enum e_personality = {"personality domain", personality_names, NULL};
static const struct vs_enum e_propagation = {"rootfs propagation", propagation_names, NULL};
static const struct vs_enum e_namespace = {"namespace type", ns_names, NULL};
static const struct vs_enum e_mpol_mode = {"memory policy mode", mpol_mode_names, NULL};
static const struct vs_enum e_mpol_flag = {"memory policy flag", mpol_flag_names, NULL};
/* The seccomp names live in seccomp_names.c: one list for validation, features and loading. */
static const struct vs_enum e_sc_action = {"seccomp action", NULL, sc_action_names};
static const struct vs_enum e_sc_op = {"seccomp operator", NULL, sc_operators};
static const struct vs_enum e_sc_arch = {"seccomp architecture", NULL, sc_arch_names};
static const struct vs_enum e_sc_flag = {"seccomp flag", NULL, sc_flag_names};

const struct vs_node vs_seccomp_action = VS_ENUM(e_sc_action);
const struct vs_node vs_seccomp_op = VS_ENUM(e_sc_op);
const struct vs_node vs_seccomp_arch = VS_ENUM(e_sc_arch);
const struct vs_node vs_seccomp_flag = VS_ENUM(e_sc_flag);
const struct vs_node vs_namespace_type = VS_ENUM(e_namespace);
const struct vs_node vs_mpol_mode = VS_ENUM(e_mpol_mode);
const struct vs_node vs_mpol_flag = VS_ENUM(e_mpol_flag);

/* Hooks (defs.json Hook). */
static const struct vs_node timeout = {.type = VS_INTEGER, .has_min = true, .min = 1};
static const struct vs_prop hook_props[] = {
	{"path", &vs_string, REQ},
	{"args", &vs_strings, false},
	{"env", &vs_strings, false},
	{"timeout", &timeout, false},
	END,
};
static const struct vs_node hook = VS_OBJ(hook_props);
static const struct vs_node hooks_list = VS_ARR(hook);
static const struct vs_prop hooks_props[] = {
	{"prestart", &hooks_list, false},
	{"createRuntime", &hooks_list, false},
	{"createContainer", &hooks_list, false},
	{"startContainer", &hooks_list, false},
	{"poststart", &hooks_list, false},
	{"poststop", &hooks_list, false},
	END,
};
static const struct vs_node hooks = VS_OBJ(hooks_props);

/* Mounts (defs.json Mount). */
static const struct vs_prop mount_props[] = {
	{"source", &vs_string, false},
	{"destination", &vs_string, REQ},
	{"options", &vs_strings, false},
	{"type", &vs_string, false},
	{"uidMappings", &vs_idmappings, false},
	{"gidMappings", &vs_idmappings, false},
	END,
};
static const struct vs_node mount = VS_OBJ(mount_props);
static const struct vs_node mounts = VS_ARR(mount);

static const struct vs_prop root_props[] = {
	{"path", &vs_string, REQ},
	{"readonly", &vs_bool, false},
	END,
};
static const struct vs_node root = VS_OBJ(root_props);

/* process */
static const struct vs_prop console_props[] = {
	{"height", &vs_uint64, REQ},
	{"width", &vs_uint64, REQ},
	END,
};
static const struct vs_node console = VS_OBJ(console_props);
static const struct vs_prop user_props[] = {
	{"uid", &vs_uint32, false},	 {"gid", &vs_uint32, false},
	{"umask", &vs_uint32, false},	 {"additionalGids", &vs_uint32s, false},
	{"username", &vs_string, false}, END,
};
static const struct vs_node user = VS_OBJ(user_props);
static const struct vs_prop caps_props[] = {
	{"bounding", &vs_strings, false},  {"permitted", &vs_strings, false},
	{"effective", &vs_strings, false}, {"inheritable", &vs_strings, false},
	{"ambient", &vs_strings, false},   END,
};
static const struct vs_node caps = VS_OBJ(caps_props);
static const struct vs_node ioprio_class = VS_ENUM(e_ioprio);
static const struct vs_prop ioprio_props[] = {
	{"class", &ioprio_class, REQ},
	{"priority", &vs_int32, false},
	END,
};
static const struct vs_node ioprio = VS_OBJ(ioprio_props);
static const struct vs_node sched_policy = VS_ENUM(e_sched_policy);
static const struct vs_node sched_flag = VS_ENUM(e_sched_flag);
static const struct vs_node sched_flags = VS_ARR(sched_flag);
static const struct vs_prop sched_props[] = {
	{"policy", &sched_policy, REQ}, {"nice", &vs_int32, false},
	{"priority", &vs_int32, false}, {"flags", &sched_flags, false},
	{"runtime", &vs_uint64, false}, {"deadline", &vs_uint64, false},
	{"period", &vs_uint64, false},	END,
};
static const struct vs_node sched = VS_OBJ(sched_props);
static const struct vs_node rlimit_type = VS_PAT(pat_rlimit);
static const struct vs_prop rlimit_props[] = {
	{"hard", &vs_uint64, REQ},
	{"soft", &vs_uint64, REQ},
	{"type", &rlimit_type, REQ},
	END,
};
static const struct vs_node rlimit = VS_OBJ(rlimit_props);
static const struct vs_node rlimits = VS_ARR(rlimit);
static const struct vs_node cpu_chars = VS_PAT(pat_cpus);
static const struct vs_prop affinity_props[] = {
	{"initial", &cpu_chars, false},
	{"final", &cpu_chars, false},
	END,
};
static const struct vs_node affinity = VS_OBJ(affinity_props);
static const struct vs_prop process_props[] = {
	{"args", &vs_strings, false},
	{"commandLine", &vs_string, false},
	{"consoleSize", &console, false},
	{"cwd", &vs_string, REQ},
	{"env", &vs_strings, false},
	{"terminal", &vs_bool, false},
	{"user", &user, false},
	{"capabilities", &caps, false},
	{"apparmorProfile", &vs_string, false},
	{"oomScoreAdj", &vs_int, false},
	{"selinuxLabel", &vs_string, false},
	{"ioPriority", &ioprio, false},
	{"noNewPrivileges", &vs_bool, false},
	{"scheduler", &sched, false},
	{"rlimits", &rlimits, false},
	{"execCPUAffinity", &affinity, false},
	END,
};
static const struct vs_node process = VS_OBJ(process_props);

static const struct vs_node oci_version = {.type = VS_STRING};
static const struct vs_prop config_props[] = {
	{"ociVersion", &oci_version, REQ},
	{"hooks", &hooks, false},
	{"annotations", &vs_annotations, false},
	{"hostname", &vs_string, false},
	{"domainname", &vs_string, false},
	{"mounts", &mounts, false},
	{"root", &root, false},
	{"process", &process, false},
	{"linux", &vs_linux, false},
	{"solaris", &vs_solaris, false},
	{"windows", &vs_windows, false},
	{"vm", &vs_vm, false},
	{"zos", &vs_zos, false},
	{"freebsd", &vs_freebsd, false},
	END,
};
const struct vs_node vs_config = VS_OBJ(config_props);

/* config-linux.json and defs-linux.json */
static const struct vs_node dev_type = VS_PAT(pat_dev);
static const struct vs_prop device_props[] = {
	{"type", &dev_type, REQ},	   {"path", &vs_string, REQ},
	{"fileMode", &vs_filemode, false}, {"major", &vs_int64, false},
	{"minor", &vs_int64, false},	   {"uid", &vs_uint32, false},
	{"gid", &vs_uint32, false},	   END,
};
static const struct vs_node device = VS_OBJ(device_props);
static const struct vs_node devices = VS_ARR(device);
static const struct vs_prop netdev_props[] = {
	{"name", &vs_string, false},
	END,
};
static const struct vs_node netdev = VS_OBJ(netdev_props);
static const struct vs_node netdevs = VS_MAP(netdev);
static const struct vs_prop ns_props[] = {
	{"type", &vs_namespace_type, REQ},
	{"path", &vs_string, false},
	END,
};
static const struct vs_node ns = VS_OBJ(ns_props);
static const struct vs_node namespaces = VS_ARR(ns);

static const struct vs_prop devcg_props[] = {
	{"allow", &vs_bool, REQ},    {"type", &vs_string, false},   {"major", &vs_int64, false},
	{"minor", &vs_int64, false}, {"access", &vs_string, false}, END,
};
static const struct vs_node devcg = VS_OBJ(devcg_props);
static const struct vs_node devcgs = VS_ARR(devcg);
static const struct vs_prop pids_props[] = {
	{"limit", &vs_int64, REQ},
	END,
};
static const struct vs_node pids = VS_OBJ(pids_props);
static const struct vs_prop weight_dev_props[] = {
	{"major", &vs_int64, REQ},
	{"minor", &vs_int64, REQ},
	{"weight", &vs_uint16, false},
	{"leafWeight", &vs_uint16, false},
	END,
};
static const struct vs_node weight_dev = VS_OBJ(weight_dev_props);
static const struct vs_node weight_devs = VS_ARR(weight_dev);
static const struct vs_prop throttle_props[] = {
	{"major", &vs_int64, REQ},
	{"minor", &vs_int64, REQ},
	{"rate", &vs_uint64, false},
	END,
};
static const struct vs_node throttle = VS_OBJ(throttle_props);
static const struct vs_node throttles = VS_ARR(throttle);
static const struct vs_prop blkio_props[] = {
	{"weight", &vs_uint16, false},
	{"leafWeight", &vs_uint16, false},
	{"throttleReadBpsDevice", &throttles, false},
	{"throttleWriteBpsDevice", &throttles, false},
	{"throttleReadIOPSDevice", &throttles, false},
	{"throttleWriteIOPSDevice", &throttles, false},
	{"weightDevice", &weight_devs, false},
	END,
};
static const struct vs_node blkio = VS_OBJ(blkio_props);
static const struct vs_prop cpu_props[] = {
	{"cpus", &vs_string, false},
	{"mems", &vs_string, false},
	{"period", &vs_uint64, false},
	{"quota", &vs_int64, false},
	{"burst", &vs_uint64, false},
	{"realtimePeriod", &vs_uint64, false},
	{"realtimeRuntime", &vs_int64, false},
	{"shares", &vs_uint64, false},
	{"idle", &vs_int64, false},
	END,
};
static const struct vs_node cpu = VS_OBJ(cpu_props);
static const struct vs_node page_size = VS_PAT(pat_page);
static const struct vs_prop hugepage_props[] = {
	{"pageSize", &page_size, REQ},
	{"limit", &vs_uint64, REQ},
	END,
};
static const struct vs_node hugepage = VS_OBJ(hugepage_props);
static const struct vs_node hugepages = VS_ARR(hugepage);
static const struct vs_prop memory_props[] = {
	{"kernel", &vs_int64, false},
	{"kernelTCP", &vs_int64, false},
	{"limit", &vs_int64, false},
	{"reservation", &vs_int64, false},
	{"swap", &vs_int64, false},
	{"swappiness", &vs_uint64, false},
	{"disableOOMKiller", &vs_bool, false},
	{"useHierarchy", &vs_bool, false},
	{"checkBeforeUpdate", &vs_bool, false},
	END,
};
static const struct vs_node memory = VS_OBJ(memory_props);
static const struct vs_prop prio_props[] = {
	{"name", &vs_string, REQ},
	{"priority", &vs_uint32, REQ},
	END,
};
static const struct vs_node prio = VS_OBJ(prio_props);
static const struct vs_node prios = VS_ARR(prio);
static const struct vs_prop network_props[] = {
	{"classID", &vs_uint32, false},
	{"priorities", &prios, false},
	END,
};
static const struct vs_node network = VS_OBJ(network_props);
static const struct vs_prop rdma_props[] = {
	{"hcaHandles", &vs_uint32, false},
	{"hcaObjects", &vs_uint32, false},
	END,
};
static const struct vs_node rdma_entry = VS_OBJ(rdma_props);
static const struct vs_node rdma = VS_MAP(rdma_entry);
static const struct vs_prop resources_props[] = {
	{"unified", &vs_map_string, false},
	{"devices", &devcgs, false},
	{"pids", &pids, false},
	{"blockIO", &blkio, false},
	{"cpu", &cpu, false},
	{"hugepageLimits", &hugepages, false},
	{"memory", &memory, false},
	{"network", &network, false},
	{"rdma", &rdma, false},
	END,
};
static const struct vs_node resources = VS_OBJ(resources_props);

static const struct vs_node sc_flags = VS_ARR(vs_seccomp_flag);
static const struct vs_node sc_archs = VS_ARR(vs_seccomp_arch);
static const struct vs_prop sc_arg_props[] = {
	{"index", &vs_uint32, REQ},
	{"value", &vs_uint64, REQ},
	{"valueTwo", &vs_uint64, false},
	{"op", &vs_seccomp_op, REQ},
	END,
};
static const struct vs_node sc_arg = VS_OBJ(sc_arg_props);
static const struct vs_node sc_args = VS_ARR(sc_arg);
static const struct vs_node sc_names = {.type = VS_ARRAY, .items = &vs_string, .min_items = 1};
static const struct vs_prop syscall_props[] = {
	{"names", &sc_names, REQ},
	{"action", &vs_seccomp_action, REQ},
	{"errnoRet", &vs_uint32, false},
	{"args", &sc_args, false},
	END,
};
static const struct vs_node syscall = VS_OBJ(syscall_props);
static const struct vs_node syscalls = VS_ARR(syscall);
static const struct vs_prop seccomp_props[] = {
	{"defaultAction", &vs_seccomp_action, REQ},
	{"defaultErrnoRet", &vs_uint32, false},
	{"flags", &sc_flags, false},
	{"listenerPath", &vs_string, false},
	{"listenerMetadata", &vs_string, false},
	{"architectures", &sc_archs, false},
	{"syscalls", &syscalls, false},
	END,
};
static const struct vs_node seccomp = VS_OBJ(seccomp_props);

static const struct vs_node mb_schema = VS_PAT(pat_mb);
static const struct vs_prop rdt_props[] = {
	{"closID", &vs_string, false},	       {"schemata", &vs_strings, false},
	{"l3CacheSchema", &vs_string, false},  {"memBwSchema", &mb_schema, false},
	{"enableMonitoring", &vs_bool, false}, END,
};
static const struct vs_node rdt = VS_OBJ(rdt_props);
static const struct vs_node mpol_flags = VS_ARR(vs_mpol_flag);
static const struct vs_prop mpol_props[] = {
	{"mode", &vs_mpol_mode, false},
	{"nodes", &vs_string, false},
	{"flags", &mpol_flags, false},
	END,
};
static const struct vs_node mpol = VS_OBJ(mpol_props);
static const struct vs_node pers_domain = VS_ENUM(e_personality);
static const struct vs_prop pers_props[] = {
	{"domain", &pers_domain, false},
	{"flags", &vs_strings, false},
	END,
};
static const struct vs_node pers = VS_OBJ(pers_props);
static const struct vs_prop offset_props[] = {
	{"secs", &vs_int64, false},
	{"nanosecs", &vs_uint32, false},
	END,
};
static const struct vs_node offset = VS_OBJ(offset_props);
static const struct vs_prop offsets_props[] = {
	{"boottime", &offset, false},
	{"monotonic", &offset, false},
	END,
};
static const struct vs_node offsets = VS_OBJ(offsets_props);
static const struct vs_node propagation = VS_ENUM(e_propagation);

static const struct vs_prop linux_props[] = {
	{"devices", &devices, false},		{"netDevices", &netdevs, false},
	{"uidMappings", &vs_idmappings, false}, {"gidMappings", &vs_idmappings, false},
	{"namespaces", &namespaces, false},	{"resources", &resources, false},
	{"cgroupsPath", &vs_string, false},	{"rootfsPropagation", &propagation, false},
	{"seccomp", &seccomp, false},		{"sysctl", &vs_map_string, false},
	{"maskedPaths", &vs_strings, false},	{"readonlyPaths", &vs_strings, false},
	{"mountLabel", &vs_string, false},	{"intelRdt", &rdt, false},
	{"memoryPolicy", &mpol, false},		{"personality", &pers, false},
	{"timeOffsets", &offsets, false},	END,
};
const struct vs_node vs_linux = VS_OBJ(linux_props);
