/* SPDX-License-Identifier: Apache-2.0 */
/* Tables for config.json's "linux" object, except linux.resources (spec_resources.c). */
#include <stddef.h>

#include "common/spec.h"
#include "common/spec_desc.h"

static const struct ct_field namespace_fields[] = {
	CT_VAL("type", CT_K_NSTYPE, struct ct_namespace, type, enum ct_ns_type,
	       CT_F_REQ | CT_F_MUST),
	CT_STR("path", struct ct_namespace, path),
};
static const struct ct_desc namespace_desc = CT_DESC(struct ct_namespace, namespace_fields);

/* major and minor are REQUIRED for c, b and u devices and absent for p, so they are kept as read.
 */
static const struct ct_field device_fields[] = {
	CT_STR("type", struct ct_device, type),
	CT_STR("path", struct ct_device, path),
	CT_VAL("major", CT_K_I64, struct ct_device, major, int64_t, 0),
	CT_VAL("minor", CT_K_I64, struct ct_device, minor, int64_t, 0),
	CT_OPT("fileMode", CT_K_U32, struct ct_device, file_mode, uint32_t),
	CT_OPT("uid", CT_K_U32, struct ct_device, uid, uint32_t),
	CT_OPT("gid", CT_K_U32, struct ct_device, gid, uint32_t),
};
static const struct ct_desc device_desc = CT_DESC(struct ct_device, device_fields);

/* linux.netDevices is an object keyed by the host's interface name. */
static const struct ct_field net_device_fields[] = {
	CT_STR("name", struct ct_net_device, name),
};
static const struct ct_desc net_device_desc = {
	.size = sizeof(struct ct_net_device),
	.key_off = CT_OFF(struct ct_net_device, host_name, char *),
	.fields = net_device_fields,
	.n_fields = sizeof(net_device_fields) / sizeof(net_device_fields[0]),
};

static const struct ct_field seccomp_arg_fields[] = {
	CT_VAL("index", CT_K_U32, struct ct_seccomp_arg, index, uint32_t, CT_F_REQ),
	CT_VAL("value", CT_K_U64, struct ct_seccomp_arg, value, uint64_t, CT_F_REQ),
	CT_OPT("valueTwo", CT_K_U64, struct ct_seccomp_arg, value_two, uint64_t),
	CT_STR("op", struct ct_seccomp_arg, op),
};
static const struct ct_desc seccomp_arg_desc = CT_DESC(struct ct_seccomp_arg, seccomp_arg_fields);

static const struct ct_field syscall_fields[] = {
	CT_STRV("names", struct ct_seccomp_syscall, names),
	CT_STR("action", struct ct_seccomp_syscall, action),
	CT_OPT("errnoRet", CT_K_U32, struct ct_seccomp_syscall, errno_ret, uint32_t),
	CT_ARRAY("args", struct ct_seccomp_syscall, args, struct ct_seccomp_arg, seccomp_arg_desc),
};
static const struct ct_desc syscall_desc = CT_DESC(struct ct_seccomp_syscall, syscall_fields);

static const struct ct_field seccomp_fields[] = {
	CT_STR("defaultAction", struct ct_seccomp, default_action),
	CT_OPT("defaultErrnoRet", CT_K_U32, struct ct_seccomp, default_errno_ret, uint32_t),
	CT_STRV("architectures", struct ct_seccomp, architectures),
	CT_STRV("flags", struct ct_seccomp, flags),
	CT_STR("listenerPath", struct ct_seccomp, listener_path),
	CT_STR("listenerMetadata", struct ct_seccomp, listener_metadata),
	CT_ARRAY("syscalls", struct ct_seccomp, syscalls, struct ct_seccomp_syscall, syscall_desc),
};
static const struct ct_desc seccomp_desc = CT_DESC(struct ct_seccomp, seccomp_fields);

static const struct ct_field intel_rdt_fields[] = {
	CT_STR("closID", struct ct_intel_rdt, clos_id),
	CT_STRV("schemata", struct ct_intel_rdt, schemata),
	CT_STR("l3CacheSchema", struct ct_intel_rdt, l3_cache_schema),
	CT_STR("memBwSchema", struct ct_intel_rdt, mem_bw_schema),
	CT_OPT("enableMonitoring", CT_K_BOOL, struct ct_intel_rdt, enable_monitoring, bool),
};
static const struct ct_desc intel_rdt_desc = CT_DESC(struct ct_intel_rdt, intel_rdt_fields);

static const struct ct_field personality_fields[] = {
	CT_STR("domain", struct ct_personality, domain),
	CT_STRV("flags", struct ct_personality, flags),
};
static const struct ct_desc personality_desc = CT_DESC(struct ct_personality, personality_fields);

static const struct ct_field memory_policy_fields[] = {
	CT_STR("mode", struct ct_memory_policy, mode),
	CT_STR("nodes", struct ct_memory_policy, nodes),
	CT_STRV("flags", struct ct_memory_policy, flags),
};
static const struct ct_desc memory_policy_desc =
	CT_DESC(struct ct_memory_policy, memory_policy_fields);

static const struct ct_field time_offset_fields[] = {
	CT_VAL("secs", CT_K_I64, struct ct_time_offset, secs, int64_t, CT_F_NEW),
	CT_VAL("nanosecs", CT_K_U32, struct ct_time_offset, nanosecs, uint32_t, CT_F_NEW),
};
static const struct ct_desc time_offset_desc = CT_DESC(struct ct_time_offset, time_offset_fields);

/* linux.timeOffsets holds two clocks, each kept inline in struct ct_linux with an is_set flag. */
static const struct ct_field time_offsets_fields[] = {
	{.key = "monotonic",
	 .kind = CT_K_INLINE,
	 .off = CT_OFF(struct ct_linux, time_monotonic, struct ct_time_offset),
	 .has_off = CT_OFF(struct ct_linux, time_monotonic.is_set, bool),
	 .n_off = CT_NO_OFF,
	 .sub = &time_offset_desc},
	{.key = "boottime",
	 .kind = CT_K_INLINE,
	 .off = CT_OFF(struct ct_linux, time_boottime, struct ct_time_offset),
	 .has_off = CT_OFF(struct ct_linux, time_boottime.is_set, bool),
	 .n_off = CT_NO_OFF,
	 .sub = &time_offset_desc},
};
static const struct ct_desc time_offsets_desc = CT_DESC(struct ct_linux, time_offsets_fields);

static const struct ct_field linux_fields[] = {
	CT_ARRAY("uidMappings", struct ct_linux, uid_mappings, struct ct_id_mapping,
		 ct_desc_id_mapping),
	CT_ARRAY("gidMappings", struct ct_linux, gid_mappings, struct ct_id_mapping,
		 ct_desc_id_mapping),
	CT_KVS("sysctl", struct ct_linux, sysctl),
	CT_OBJ("resources", struct ct_linux, resources, struct ct_resources, ct_desc_resources),
	CT_STR("cgroupsPath", struct ct_linux, cgroups_path),
	CT_ARRAY("namespaces", struct ct_linux, namespaces, struct ct_namespace, namespace_desc),
	CT_ARRAY("devices", struct ct_linux, devices, struct ct_device, device_desc),
	CT_MAP("netDevices", struct ct_linux, net_devices, struct ct_net_device, net_device_desc),
	CT_OBJ("seccomp", struct ct_linux, seccomp, struct ct_seccomp, seccomp_desc),
	CT_STR("rootfsPropagation", struct ct_linux, rootfs_propagation),
	CT_STRV("maskedPaths", struct ct_linux, masked_paths),
	CT_STRV("readonlyPaths", struct ct_linux, readonly_paths),
	CT_STR("mountLabel", struct ct_linux, mount_label),
	CT_OBJ("intelRdt", struct ct_linux, intel_rdt, struct ct_intel_rdt, intel_rdt_desc),
	CT_OBJ("personality", struct ct_linux, personality, struct ct_personality,
	       personality_desc),
	CT_GROUP("timeOffsets", time_offsets_desc, 0),
	CT_OBJ("memoryPolicy", struct ct_linux, memory_policy, struct ct_memory_policy,
	       memory_policy_desc),
};
const struct ct_desc ct_desc_linux = CT_DESC(struct ct_linux, linux_fields);
