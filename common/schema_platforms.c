/* SPDX-License-Identifier: Apache-2.0 */
/* runtime-spec v1.3.0: the other platforms' config sections, state-schema and features, as tables.
 */
#include <string.h>

#include "common/validate_impl.h"

#define END                                                                                        \
	{                                                                                          \
		NULL, NULL, false                                                                  \
	}
#define REQ true

/* config-solaris.json */
static const struct vs_prop capped_cpu_props[] = {
	{"ncpus", &vs_string, false},
	END,
};
static const struct vs_node capped_cpu = VS_OBJ(capped_cpu_props);
static const struct vs_prop capped_mem_props[] = {
	{"physical", &vs_string, false},
	{"swap", &vs_string, false},
	END,
};
static const struct vs_node capped_mem = VS_OBJ(capped_mem_props);
static const struct vs_prop anet_props[] = {
	{"linkname", &vs_string, false},       {"lowerLink", &vs_string, false},
	{"allowedAddress", &vs_string, false}, {"configureAllowedAddress", &vs_string, false},
	{"defrouter", &vs_string, false},      {"macAddress", &vs_string, false},
	{"linkProtection", &vs_string, false}, END,
};
static const struct vs_node anet_entry = VS_OBJ(anet_props);
static const struct vs_node anet = VS_ARR(anet_entry);
static const struct vs_prop solaris_props[] = {
	{"milestone", &vs_string, false},
	{"limitpriv", &vs_string, false},
	{"maxShmMemory", &vs_string, false},
	{"cappedCPU", &capped_cpu, false},
	{"cappedMemory", &capped_mem, false},
	{"anet", &anet, false},
	END,
};
const struct vs_node vs_solaris = VS_OBJ(solaris_props);

/* config-windows.json, defs-windows.json */
static const struct vs_node layer_folders = {.type = VS_ARRAY, .items = &vs_string, .min_items = 1};
static const char *const win_id_types[] = {"class", NULL};
static const struct vs_enum e_win_id_type = {"device id type", win_id_types, NULL};
static const struct vs_node win_id_type = VS_ENUM(e_win_id_type);
static const struct vs_prop win_dev_props[] = {
	{"id", &vs_string, REQ},
	{"idType", &win_id_type, REQ},
	END,
};
static const struct vs_node win_dev = VS_OBJ(win_dev_props);
static const struct vs_node win_devs = VS_ARR(win_dev);
static const struct vs_prop win_mem_props[] = {
	{"limit", &vs_uint64, false},
	END,
};
static const struct vs_node win_mem = VS_OBJ(win_mem_props);
static const struct vs_prop win_affinity_props[] = {
	{"mask", &vs_uint64, false},
	{"group", &vs_uint32, false},
	END,
};
static const struct vs_node win_affinity = VS_OBJ(win_affinity_props);
static const struct vs_prop win_cpu_props[] = {
	{"count", &vs_uint64, false},
	{"shares", &vs_uint16, false},
	{"maximum", &vs_uint16, false},
	{"affinity", &win_affinity, false},
	END,
};
static const struct vs_node win_cpu = VS_OBJ(win_cpu_props);
static const struct vs_prop win_storage_props[] = {
	{"iops", &vs_uint64, false},
	{"bps", &vs_uint64, false},
	{"sandboxSize", &vs_uint64, false},
	END,
};
static const struct vs_node win_storage = VS_OBJ(win_storage_props);
static const struct vs_prop win_res_props[] = {
	{"memory", &win_mem, false},
	{"cpu", &win_cpu, false},
	{"storage", &win_storage, false},
	END,
};
static const struct vs_node win_res = VS_OBJ(win_res_props);
static const struct vs_prop win_net_props[] = {
	{"endpointList", &vs_strings, false},	 {"allowUnqualifiedDNSQuery", &vs_bool, false},
	{"DNSSearchList", &vs_strings, false},	 {"networkSharedContainerName", &vs_string, false},
	{"networkNamespace", &vs_string, false}, END,
};
static const struct vs_node win_net = VS_OBJ(win_net_props);
static const struct vs_prop hyperv_props[] = {
	{"utilityVMPath", &vs_string, false},
	END,
};
static const struct vs_node hyperv = VS_OBJ(hyperv_props);
static const struct vs_prop windows_props[] = {
	{"layerFolders", &layer_folders, REQ},
	{"devices", &win_devs, false},
	{"resources", &win_res, false},
	{"network", &win_net, false},
	{"credentialSpec", &vs_object, false},
	{"servicing", &vs_bool, false},
	{"ignoreFlushesDuringBoot", &vs_bool, false},
	{"hyperv", &hyperv, false},
	END,
};
const struct vs_node vs_windows = VS_OBJ(windows_props);

/* config-vm.json, defs-vm.json */
static const struct vs_prop hypervisor_props[] = {
	{"path", &vs_string, REQ},
	{"parameters", &vs_strings, false},
	END,
};
static const struct vs_node hypervisor = VS_OBJ(hypervisor_props);
static const struct vs_prop kernel_props[] = {
	{"path", &vs_string, REQ},
	{"parameters", &vs_strings, false},
	{"initrd", &vs_string, false},
	END,
};
static const struct vs_node kernel = VS_OBJ(kernel_props);
static const char *const image_formats[] = {"raw", "qcow2", "vdi", "vmdk", "vhd", NULL};
static const struct vs_enum e_image_format = {"image format", image_formats, NULL};
static const struct vs_node image_format = VS_ENUM(e_image_format);
static const struct vs_prop image_props[] = {
	{"path", &vs_string, REQ},
	{"format", &image_format, REQ},
	END,
};
static const struct vs_node image = VS_OBJ(image_props);
static const struct vs_prop iomem_props[] = {
	{"firstGFN", &vs_uint64, false},
	{"firstMFN", &vs_uint64, REQ},
	{"nrMFNs", &vs_uint64, REQ},
	END,
};
static const struct vs_node iomem = VS_OBJ(iomem_props);
/* config-vm.json writes "items" as a one-element tuple: only the first entry is described. */
static const struct vs_node iomems = {.type = VS_ARRAY, .items = &iomem, .is_tuple = true};
static const struct vs_prop hw_props[] = {
	{"deviceTree", &vs_string, false},
	{"vcpus", &vs_uint32, false},
	{"memory", &vs_uint64, false},
	{"dtdevs", &vs_strings, false},
	{"iomems", &iomems, false},
	{"irqs", &vs_uint32s, false},
	END,
};
static const struct vs_node hw = VS_OBJ(hw_props);
static const struct vs_prop vm_props[] = {
	{"hypervisor", &hypervisor, false},
	{"kernel", &kernel, REQ},
	{"image", &image, false},
	{"hwConfig", &hw, false},
	END,
};
const struct vs_node vs_vm = VS_OBJ(vm_props);

/* config-zos.json, defs-zos.json */
static const char *const zos_ns_names[] = {"mount", "pid", "uts", "ipc", NULL};
static const struct vs_enum e_zos_ns = {"namespace type", zos_ns_names, NULL};
static const struct vs_node zos_ns_type = VS_ENUM(e_zos_ns);
static const struct vs_prop zos_ns_props[] = {
	{"type", &zos_ns_type, REQ},
	{"path", &vs_string, false},
	END,
};
static const struct vs_node zos_ns = VS_OBJ(zos_ns_props);
static const struct vs_node zos_nss = VS_ARR(zos_ns);
static const struct vs_prop zos_props[] = {
	{"namespaces", &zos_nss, false},
	END,
};
const struct vs_node vs_zos = VS_OBJ(zos_props);

/* config-freebsd.json, defs-freebsd.json */
static const char *const sharing_names[] = {"disable", "new", "inherit", NULL};
static const char *const sharing_nd_names[] = {"new", "inherit", NULL};
static const struct vs_enum e_sharing = {"sharing mode", sharing_names, NULL};
static const struct vs_enum e_sharing_nd = {"sharing mode", sharing_nd_names, NULL};
static const struct vs_node sharing = VS_ENUM(e_sharing);
static const struct vs_node sharing_nd = VS_ENUM(e_sharing_nd);
static const struct vs_prop bsd_dev_props[] = {
	{"path", &vs_string, false},
	{"mode", &vs_filemode, false},
	END,
};
static const struct vs_node bsd_dev = VS_OBJ(bsd_dev_props);
static const struct vs_node bsd_devs = VS_ARR(bsd_dev);
static const struct vs_prop allow_props[] = {
	{"setHostname", &vs_bool, false}, {"rawSockets", &vs_bool, false},
	{"chflags", &vs_bool, false},	  {"mount", &vs_strings, false},
	{"quotas", &vs_bool, false},	  {"socketAf", &vs_bool, false},
	{"mlock", &vs_bool, false},	  {"reservedPorts", &vs_bool, false},
	{"suser", &vs_bool, false},	  END,
};
static const struct vs_node allow = VS_OBJ(allow_props);
static const struct vs_prop jail_props[] = {
	{"parent", &vs_string, false},
	{"host", &sharing_nd, false},
	{"ip4", &sharing, false},
	{"ip4Addr", &vs_strings, false},
	{"ip6", &sharing, false},
	{"ip6Addr", &vs_strings, false},
	{"vnet", &sharing_nd, false},
	{"interface", &vs_string, false},
	{"vnetInterfaces", &vs_strings, false},
	{"sysvmsg", &sharing, false},
	{"sysvsem", &sharing, false},
	{"sysvshm", &sharing, false},
	{"enforceStatfs", &vs_uint8, false},
	{"allow", &allow, false},
	END,
};
static const struct vs_node jail = VS_OBJ(jail_props);
static const struct vs_prop freebsd_props[] = {
	{"devices", &bsd_devs, false},
	{"jail", &jail, false},
	END,
};
const struct vs_node vs_freebsd = VS_OBJ(freebsd_props);

/* state-schema.json */
static const char *const status_names[] = {"creating", "created", "running", "stopped", NULL};
static const struct vs_enum e_status = {"status", status_names, NULL};
static const struct vs_node status = VS_ENUM(e_status);
static const struct vs_node pid = {.type = VS_INTEGER, .has_min = true, .min = 0};
static const struct vs_prop state_props[] = {
	{"ociVersion", &vs_string, REQ},
	{"id", &vs_string, REQ},
	{"status", &status, REQ},
	{"pid", &pid, false},
	{"bundle", &vs_string, REQ},
	{"annotations", &vs_annotations, false},
	/*
	 * Not in the spec, so a state document of our own validates without a
	 * warning per field: what `nsinit state` prints beside the OCI fields, as
	 * runc does (rootfs, created, owner: a user name there, the uid in the
	 * file), and the private fields of the file under /run (spec/SPEC.md).
	 */
	{"rootfs", &vs_string, false},
	{"created", &vs_string, false},
	{"owner", &vs_any, false},
	{"init_process_start", &vs_uint64, false},
	{"rootless", &vs_bool, false},
	{"own_mount_ns", &vs_bool, false},
	{"own_pid_ns", &vs_bool, false},
	{"rootfs_base_mount", &vs_int, false},
	{"namespace_paths", &vs_map_string, false},
	{"cgroup", &vs_object, false},
	END,
};
const struct vs_node vs_state = VS_OBJ(state_props);

/* features-schema.json, features-linux.json */
static bool match_cap(const char *s)
{
	return strncmp(s, "CAP_", 4) == 0 && s[4] &&
	       strspn(s + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == strlen(s + 4);
}

static const struct vs_pattern pat_cap = {match_cap, "capability name",
					  "CAP_ and upper-case letters, e.g. CAP_SYS_ADMIN", NULL};
static const struct vs_node cap_name = VS_PAT(pat_cap);
static const struct vs_node cap_names = VS_ARR(cap_name);
static const struct vs_node ns_types = VS_ARR(vs_namespace_type);
static const struct vs_prop f_cgroup_props[] = {
	{"v1", &vs_bool, false},	  {"v2", &vs_bool, false},   {"systemd", &vs_bool, false},
	{"systemdUser", &vs_bool, false}, {"rdma", &vs_bool, false}, END,
};
static const struct vs_node f_cgroup = VS_OBJ(f_cgroup_props);
static const struct vs_node sc_actions = VS_ARR(vs_seccomp_action);
static const struct vs_node sc_ops = VS_ARR(vs_seccomp_op);
static const struct vs_node sc_archs = VS_ARR(vs_seccomp_arch);
static const struct vs_node sc_flags = VS_ARR(vs_seccomp_flag);
static const struct vs_prop f_seccomp_props[] = {
	{"enabled", &vs_bool, false},
	{"actions", &sc_actions, false},
	{"operators", &sc_ops, false},
	{"archs", &sc_archs, false},
	{"knownFlags", &sc_flags, false},
	{"supportedFlags", &sc_flags, false},
	END,
};
static const struct vs_node f_seccomp = VS_OBJ(f_seccomp_props);
static const struct vs_prop enabled_props[] = {
	{"enabled", &vs_bool, false},
	END,
};
static const struct vs_node enabled = VS_OBJ(enabled_props);
static const struct vs_prop mount_ext_props[] = {
	{"idmap", &enabled, false},
	END,
};
static const struct vs_node mount_ext = VS_OBJ(mount_ext_props);
/* Not in the v1.3.0 schema files but in features-linux.md: listed so it is not "unknown". */
static const struct vs_node mpol_modes = VS_ARR(vs_mpol_mode);
static const struct vs_node mpol_flags = VS_ARR(vs_mpol_flag);
static const struct vs_prop f_mpol_props[] = {
	{"modes", &mpol_modes, false},
	{"flags", &mpol_flags, false},
	END,
};
static const struct vs_node f_mpol = VS_OBJ(f_mpol_props);
static const struct vs_prop f_linux_props[] = {
	{"namespaces", &ns_types, false},
	{"capabilities", &cap_names, false},
	{"cgroup", &f_cgroup, false},
	{"seccomp", &f_seccomp, false},
	{"apparmor", &enabled, false},
	{"selinux", &enabled, false},
	{"intelRdt", &enabled, false},
	{"mountExtensions", &mount_ext, false},
	{"netDevices", &enabled, false},
	{"memoryPolicy", &f_mpol, false},
	END,
};
const struct vs_node vs_features_linux = VS_OBJ(f_linux_props);
static const struct vs_prop features_props[] = {
	{"ociVersionMin", &vs_string, REQ},
	{"ociVersionMax", &vs_string, REQ},
	{"hooks", &vs_strings, false},
	{"mountOptions", &vs_strings, false},
	{"annotations", &vs_annotations, false},
	{"potentiallyUnsafeConfigAnnotations", &vs_strings, false},
	{"linux", &vs_features_linux, false},
	END,
};
const struct vs_node vs_features = VS_OBJ(features_props);
