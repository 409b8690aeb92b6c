/* SPDX-License-Identifier: Apache-2.0 */
/* Tables for config.json's "linux.resources" object (cgroup limits). */
#include <stddef.h>

#include "common/spec.h"
#include "common/spec_desc.h"

static const struct ct_field device_cgroup_fields[] = {
	CT_VAL("allow", CT_K_BOOL, struct ct_device_cgroup, allow, bool, CT_F_REQ),
	CT_STR("type", struct ct_device_cgroup, type),
	CT_OPT("major", CT_K_I64, struct ct_device_cgroup, major, int64_t),
	CT_OPT("minor", CT_K_I64, struct ct_device_cgroup, minor, int64_t),
	CT_STR("access", struct ct_device_cgroup, access),
};
static const struct ct_desc device_cgroup_desc =
	CT_DESC(struct ct_device_cgroup, device_cgroup_fields);

static const struct ct_field memory_fields[] = {
	CT_OPT("limit", CT_K_I64, struct ct_memory, limit, int64_t),
	CT_OPT("reservation", CT_K_I64, struct ct_memory, reservation, int64_t),
	CT_OPT("swap", CT_K_I64, struct ct_memory, swap, int64_t),
	CT_OPT("kernel", CT_K_I64, struct ct_memory, kernel, int64_t),
	CT_OPT("kernelTCP", CT_K_I64, struct ct_memory, kernel_tcp, int64_t),
	CT_OPT("swappiness", CT_K_U64, struct ct_memory, swappiness, uint64_t),
	CT_OPT("disableOOMKiller", CT_K_BOOL, struct ct_memory, disable_oom_killer, bool),
	CT_OPT("useHierarchy", CT_K_BOOL, struct ct_memory, use_hierarchy, bool),
	CT_OPT("checkBeforeUpdate", CT_K_BOOL, struct ct_memory, check_before_update, bool),
};
static const struct ct_desc memory_desc = CT_DESC(struct ct_memory, memory_fields);

static const struct ct_field cpu_fields[] = {
	CT_OPT("shares", CT_K_U64, struct ct_cpu, shares, uint64_t),
	CT_OPT("quota", CT_K_I64, struct ct_cpu, quota, int64_t),
	CT_OPT("burst", CT_K_U64, struct ct_cpu, burst, uint64_t),
	CT_OPT("period", CT_K_U64, struct ct_cpu, period, uint64_t),
	CT_OPT("realtimeRuntime", CT_K_I64, struct ct_cpu, realtime_runtime, int64_t),
	CT_OPT("realtimePeriod", CT_K_U64, struct ct_cpu, realtime_period, uint64_t),
	CT_STR("cpus", struct ct_cpu, cpus),
	CT_STR("mems", struct ct_cpu, mems),
	CT_OPT("idle", CT_K_I64, struct ct_cpu, idle, int64_t),
};
static const struct ct_desc cpu_desc = CT_DESC(struct ct_cpu, cpu_fields);

static const struct ct_field weight_device_fields[] = {
	CT_VAL("major", CT_K_I64, struct ct_blkio_weight_device, major, int64_t, CT_F_REQ),
	CT_VAL("minor", CT_K_I64, struct ct_blkio_weight_device, minor, int64_t, CT_F_REQ),
	CT_OPT("weight", CT_K_U16, struct ct_blkio_weight_device, weight, uint16_t),
	CT_OPT("leafWeight", CT_K_U16, struct ct_blkio_weight_device, leaf_weight, uint16_t),
};
static const struct ct_desc weight_device_desc =
	CT_DESC(struct ct_blkio_weight_device, weight_device_fields);

static const struct ct_field throttle_fields[] = {
	CT_VAL("major", CT_K_I64, struct ct_blkio_throttle, major, int64_t, CT_F_REQ),
	CT_VAL("minor", CT_K_I64, struct ct_blkio_throttle, minor, int64_t, CT_F_REQ),
	CT_VAL("rate", CT_K_U64, struct ct_blkio_throttle, rate, uint64_t, CT_F_NEW),
};
static const struct ct_desc throttle_desc = CT_DESC(struct ct_blkio_throttle, throttle_fields);

static const struct ct_field blkio_fields[] = {
	CT_OPT("weight", CT_K_U16, struct ct_blkio, weight, uint16_t),
	CT_OPT("leafWeight", CT_K_U16, struct ct_blkio, leaf_weight, uint16_t),
	CT_ARRAY("weightDevice", struct ct_blkio, weight_devices, struct ct_blkio_weight_device,
		 weight_device_desc),
	CT_LIST("throttleReadBpsDevice", struct ct_blkio, throttle_read_bps,
		struct ct_blkio_throttle, throttle_desc),
	CT_LIST("throttleWriteBpsDevice", struct ct_blkio, throttle_write_bps,
		struct ct_blkio_throttle, throttle_desc),
	CT_LIST("throttleReadIOPSDevice", struct ct_blkio, throttle_read_iops,
		struct ct_blkio_throttle, throttle_desc),
	CT_LIST("throttleWriteIOPSDevice", struct ct_blkio, throttle_write_iops,
		struct ct_blkio_throttle, throttle_desc),
};
static const struct ct_desc blkio_desc = CT_DESC(struct ct_blkio, blkio_fields);

static const struct ct_field hugepage_fields[] = {
	CT_STR("pageSize", struct ct_hugepage_limit, page_size),
	CT_VAL("limit", CT_K_U64, struct ct_hugepage_limit, limit, uint64_t, CT_F_REQ),
};
static const struct ct_desc hugepage_desc = CT_DESC(struct ct_hugepage_limit, hugepage_fields);

static const struct ct_field net_priority_fields[] = {
	CT_STR("name", struct ct_net_priority, name),
	CT_VAL("priority", CT_K_U32, struct ct_net_priority, priority, uint32_t, CT_F_REQ),
};
static const struct ct_desc net_priority_desc =
	CT_DESC(struct ct_net_priority, net_priority_fields);

static const struct ct_field network_fields[] = {
	CT_OPT("classID", CT_K_U32, struct ct_network, class_id, uint32_t),
	CT_ARRAY("priorities", struct ct_network, priorities, struct ct_net_priority,
		 net_priority_desc),
};
static const struct ct_desc network_desc = CT_DESC(struct ct_network, network_fields);

/* linux.resources.rdma is an object keyed by the device name. */
static const struct ct_field rdma_fields[] = {
	CT_OPT("hcaHandles", CT_K_U32, struct ct_rdma, hca_handles, uint32_t),
	CT_OPT("hcaObjects", CT_K_U32, struct ct_rdma, hca_objects, uint32_t),
};
static const struct ct_desc rdma_desc = {
	.size = sizeof(struct ct_rdma),
	.key_off = CT_OFF(struct ct_rdma, device, char *),
	.fields = rdma_fields,
	.n_fields = sizeof(rdma_fields) / sizeof(rdma_fields[0]),
};

/* resources.pids is one JSON object over the has_pids_limit/pids_limit pair. */
static const struct ct_field pids_fields[] = {
	CT_OPT("limit", CT_K_I64, struct ct_resources, pids_limit, int64_t),
};
static const struct ct_desc pids_desc = CT_DESC(struct ct_resources, pids_fields);

static const struct ct_field resources_fields[] = {
	CT_ARRAY("devices", struct ct_resources, devices, struct ct_device_cgroup,
		 device_cgroup_desc),
	CT_OBJ("memory", struct ct_resources, memory, struct ct_memory, memory_desc),
	CT_OBJ("cpu", struct ct_resources, cpu, struct ct_cpu, cpu_desc),
	CT_GROUP("pids", pids_desc, 0),
	CT_OBJ("blockIO", struct ct_resources, block_io, struct ct_blkio, blkio_desc),
	CT_ARRAY("hugepageLimits", struct ct_resources, hugepage_limits, struct ct_hugepage_limit,
		 hugepage_desc),
	CT_OBJ("network", struct ct_resources, network, struct ct_network, network_desc),
	CT_MAP("rdma", struct ct_resources, rdma, struct ct_rdma, rdma_desc),
	CT_KVS("unified", struct ct_resources, unified),
};
const struct ct_desc ct_desc_resources = CT_DESC(struct ct_resources, resources_fields);
