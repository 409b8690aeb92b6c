/* SPDX-License-Identifier: Apache-2.0 */
/* The MUSTs of config-linux.md a config alone can show: namespaces, ids, sysctl, devices, seccomp.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/seccomp.h"
#include "common/validate_impl.h"

/* Kernel names for interfaces are at most IFNAMSIZ - 1 bytes. */
#define IFNAME_MAX 15

enum ns_kind {
	NS_MOUNT,
	NS_PID,
	NS_NET,
	NS_UTS,
	NS_IPC,
	NS_USER,
	NS_CGROUP,
	NS_TIME,
	NS_COUNT
};

static const char *const ns_names[NS_COUNT] = {"mount", "pid",	"network", "uts",
					       "ipc",	"user", "cgroup",  "time"};

/* Which namespaces the container gets (new or joined), by kind. */
struct ns_set {
	bool has[NS_COUNT];
	bool made[NS_COUNT]; /* new, not joined by path */
	size_t index[NS_COUNT];
};

static int ns_kind_of(const char *name)
{
	for (int i = 0; name && i < NS_COUNT; i++) {
		if (strcmp(ns_names[i], name) == 0)
			return i;
	}

	return -1;
}

static void check_namespaces(const json_t *lx, struct ns_set *set, struct ct_diags *d)
{
	const json_t *list = vd_arr(lx, "namespaces");
	size_t first[NS_COUNT];
	size_t i;
	json_t *ns;

	json_array_foreach(list, i, ns)
	{
		cleanup_free char *ptr = ct_pointer_index("/linux/namespaces", i);
		const json_t *path = json_object_get(ns, "path");
		int kind = ns_kind_of(vd_str(ns, "type"));

		if (!ptr)
			continue;
		if (json_is_string(path) && !vd_is_abs(json_string_value(path)))
			vd_add(d, CT_DIAG_ERROR, ptr, "path", "an absolute path", path,
			       "e.g. /proc/1234/ns/net or /var/run/netns/name",
			       "namespace path is not absolute");
		if (kind < 0)
			continue;
		if (set->has[kind]) {
			cleanup_free char *other =
				ct_pointer_index("/linux/namespaces", first[kind]);

			vd_add(d, CT_DIAG_ERROR, ptr, NULL, NULL, NULL, "keep one entry per type",
			       "duplicate namespace '%s' (first at %s)", ns_names[kind],
			       other ? other : "?");
			continue;
		}
		set->has[kind] = true;
		set->made[kind] = !path;
		set->index[kind] = i;
		first[kind] = i;
	}
}

static void need_ns(const struct ns_set *set, int kind, const char *ptr, const char *key,
		    const char *what, struct ct_diags *d)
{
	char hint[96];

	if (set->has[kind])
		return;
	snprintf(hint, sizeof(hint), "add {\"type\": \"%s\"} to linux.namespaces", ns_names[kind]);
	vd_add(d, CT_DIAG_ERROR, ptr, key, NULL, NULL, hint, "%s needs its own %s namespace", what,
	       ns_names[kind]);
}

static void check_ns_users(const json_t *doc, const json_t *lx, const struct ns_set *set,
			   struct ct_diags *d)
{
	const char *hostname = vd_str(doc, "hostname");
	const char *domainname = vd_str(doc, "domainname");

	if (hostname && *hostname)
		need_ns(set, NS_UTS, "", "hostname", "hostname", d);
	if (domainname && *domainname)
		need_ns(set, NS_UTS, "", "domainname", "domainname", d);
	if (json_array_size(json_object_get(lx, "uidMappings")) > 0)
		need_ns(set, NS_USER, "/linux", "uidMappings", "uidMappings", d);
	if (json_array_size(json_object_get(lx, "gidMappings")) > 0)
		need_ns(set, NS_USER, "/linux", "gidMappings", "gidMappings", d);
	if (json_object_size(json_object_get(lx, "timeOffsets")) > 0)
		need_ns(set, NS_TIME, "/linux", "timeOffsets", "timeOffsets", d);
	/*
	 * A new user namespace without mappings maps nobody: every file then belongs to the
	 * overflow id and the runtime's first mkdir fails with EOVERFLOW, far from the cause.
	 */
	for (int m = 0; set->made[NS_USER] && m < 2; m++) {
		const char *key = m ? "gidMappings" : "uidMappings";
		cleanup_free char *ptr = NULL;

		if (json_array_size(json_object_get(lx, key)) > 0)
			continue;
		ptr = ct_pointer_index("/linux/namespaces", set->index[NS_USER]);
		vd_add(d, CT_DIAG_ERROR, ptr ? ptr : "/linux/namespaces", NULL, NULL, NULL,
		       m ? "add linux.gidMappings, e.g. [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]"
			 : "add linux.uidMappings, e.g. [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]",
		       "a new user namespace without %s maps no %s", key, m ? "group" : "user");
	}
	if (json_object_size(json_object_get(lx, "netDevices")) > 0 && !set->has[NS_NET])
		vd_add(d, CT_DIAG_WARN, "/linux", "netDevices", NULL, NULL,
		       "add {\"type\": \"network\"} to linux.namespaces",
		       "netDevices without a network namespace stay on the host");
}

/* The sysctl groups the kernel keeps per namespace (the same split runc and crun make). */
static int sysctl_ns(const char *key)
{
	static const char *const ipc_keys[] = {
		"kernel.msgmax", "kernel.msgmnb",	   "kernel.msgmni",
		"kernel.sem",	 "kernel.shmall",	   "kernel.shmmax",
		"kernel.shmmni", "kernel.shm_rmid_forced", NULL};

	if (strncmp(key, "net.", 4) == 0)
		return NS_NET;
	if (strncmp(key, "fs.mqueue.", 10) == 0)
		return NS_IPC;
	for (size_t i = 0; ipc_keys[i]; i++) {
		if (strcmp(ipc_keys[i], key) == 0)
			return NS_IPC;
	}
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return NS_UTS;

	return -1;
}

/*
 * The dotted form of key in dotted (size bytes), as the runtime writes it:
 * a key holding '/' is split at '/' only ("net/ipv4/conf/eth0.1/forwarding"),
 * else at '.'. False for a component that is empty, "." or "..": the runtime
 * refuses those, since they would leave /proc/sys.
 */
static bool sysctl_dotted(const char *key, char *dotted, size_t size)
{
	char sep = strchr(key, '/') ? '/' : '.';
	size_t len = strlen(key);
	size_t start = 0;

	if (len == 0 || len >= size)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (key[i] != sep && key[i] != '\0') {
			dotted[i] = key[i];
			continue;
		}
		if (i == start || (i - start == 1 && key[start] == '.') ||
		    (i - start == 2 && key[start] == '.' && key[start + 1] == '.'))
			return false;
		dotted[i] = key[i] ? '.' : '\0';
		start = i + 1;
	}

	return true;
}

static void check_sysctl(const json_t *lx, const struct ns_set *set, struct ct_diags *d)
{
	const json_t *sysctl = vd_obj(lx, "sysctl");
	const char *key;
	json_t *value;

	json_object_foreach((json_t *)sysctl, key, value)
	{
		cleanup_free char *ptr = ct_pointer_join("/linux/sysctl", key);
		char dotted[PATH_MAX];
		char what[128];
		int kind;

		if (!ptr)
			continue;
		if (!sysctl_dotted(key, dotted, sizeof(dotted))) {
			vd_add(d, CT_DIAG_ERROR, ptr, NULL,
			       "components separated by '.' (or '/'), none empty, '.' or '..'",
			       NULL, "name the key as under /proc/sys, e.g. net.ipv4.ip_forward",
			       "sysctl key '%.100s' has an invalid component", key);
			continue;
		}
		kind = sysctl_ns(dotted);
		if (kind < 0) {
			vd_add(d, CT_DIAG_WARN, ptr, NULL,
			       "a namespaced sysctl (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)",
			       NULL, "set it on the host instead",
			       "sysctl '%s' is not namespaced: setting it changes the host", key);
			continue;
		}
		snprintf(what, sizeof(what), "sysctl '%.100s'", key);
		need_ns(set, kind, ptr, NULL, what, d);
	}
}

static void check_paths(const json_t *lx, const char *key, struct ct_diags *d)
{
	const json_t *list = vd_arr(lx, key);
	cleanup_free char *base = ct_pointer_join("/linux", key);
	size_t i;
	json_t *p;

	json_array_foreach(list, i, p)
	{
		if (json_is_string(p) && !vd_is_abs(json_string_value(p)))
			vd_add_index(d, CT_DIAG_ERROR, base ? base : "", i, "an absolute path", p,
				     "give the full path inside the container, e.g. /proc/kcore",
				     "%s entry is not absolute", key);
	}
}

static void check_device(const json_t *list, size_t i, json_t *seen, struct ct_diags *d)
{
	const json_t *dev = json_array_get(list, i);
	cleanup_free char *ptr = ct_pointer_index("/linux/devices", i);
	const json_t *path = json_object_get(dev, "path");
	const char *type = vd_str(dev, "type");
	const char *p = json_string_value(path);
	long long j;

	if (!ptr)
		return;
	if (p && !vd_is_abs(p))
		vd_add(d, CT_DIAG_ERROR, ptr, "path", "an absolute path", path,
		       "give the full path inside the container, e.g. /dev/fuse",
		       "device path is not absolute");
	if (type && strcmp(type, "p") != 0 &&
	    (!json_object_get(dev, "major") || !json_object_get(dev, "minor")))
		vd_add(d, CT_DIAG_ERROR, ptr, NULL, "major and minor", NULL,
		       "add \"major\" and \"minor\" (ls -l on the host device shows them)",
		       "device of type '%s' needs major and minor numbers", type);
	j = p ? vd_seen_before(seen, p, i) : -1;
	if (j >= 0) {
		cleanup_free char *first = ct_pointer_index("/linux/devices", (size_t)j);

		vd_add(d, CT_DIAG_ERROR, ptr, "path", NULL, NULL, "keep one entry per path",
		       "duplicate device '%s' (first at %s)", p, first ? first : "?");
	}
}

static void check_devices(const json_t *lx, struct ct_diags *d)
{
	const json_t *list = vd_arr(lx, "devices");
	cleanup_json json_t *seen = json_object();

	for (size_t i = 0; i < json_array_size(list); i++)
		check_device(list, i, seen, d);
}

/* dev_valid_name() in the kernel: no '/', ':' or white space, not "." or "..". */
static bool is_ifname(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > IFNAME_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;

	return strcspn(s, "/: \t\n\r\v\f") == len;
}

static void check_net_devices(const json_t *lx, struct ct_diags *d)
{
	const json_t *devs = vd_obj(lx, "netDevices");
	const char *key;
	json_t *dev;

	json_object_foreach((json_t *)devs, key, dev)
	{
		cleanup_free char *ptr = ct_pointer_join("/linux/netDevices", key);
		const json_t *name = json_object_get(dev, "name");
		const char *n = json_string_value(name);

		if (!ptr)
			continue;
		if (!is_ifname(key))
			vd_add(d, CT_DIAG_ERROR, ptr, NULL,
			       "an interface name of 1 to 15 characters without '/', ':' or spaces",
			       NULL, NULL, "invalid host interface name '%s'", key);
		if (n && !is_ifname(n))
			vd_add(d, CT_DIAG_ERROR, ptr, "name",
			       "an interface name of 1 to 15 characters without '/', ':' or spaces",
			       name, NULL, "invalid interface name");
	}
}

/* cgroupsPath: a path, or systemd's "slice:prefix:name" (three fields, two colons). */
static void check_cgroups_path(const json_t *lx, struct ct_diags *d)
{
	const json_t *v = json_object_get(lx, "cgroupsPath");
	const char *s = json_string_value(v);
	const char *c1;
	const char *c2;

	if (!s)
		return;
	if (!*s) {
		vd_add(d, CT_DIAG_ERROR, "/linux", "cgroupsPath", "a path or slice:prefix:name", v,
		       "remove the key to use the default", "empty cgroupsPath");
		return;
	}
	c1 = strchr(s, ':');
	if (c1) {
		c2 = strchr(c1 + 1, ':');
		if (*s == '/' || !c2 || strchr(c2 + 1, ':') || !c2[1] ||
		    (c1 != s && (c1 - s < 6 || strncmp(c1 - 6, ".slice", 6) != 0)))
			vd_add(d, CT_DIAG_ERROR, "/linux", "cgroupsPath",
			       "a path or slice:prefix:name", v,
			       "systemd form is e.g. \"system.slice:nsinit:web\" (slice may be empty)",
			       "malformed systemd cgroupsPath");
		return;
	}
	for (const char *p = s; (p = strstr(p, "..")) != NULL; p += 2) {
		if ((p == s || p[-1] == '/') && (p[2] == '/' || p[2] == '\0')) {
			vd_add(d, CT_DIAG_ERROR, "/linux", "cgroupsPath", "a path without '..'", v,
			       "name the cgroup without '..' components",
			       "cgroupsPath leaves its parent");
			return;
		}
	}
}

static void check_errno_action(const json_t *obj, const char *ptr, const char *action_key,
			       const char *errno_key, struct ct_diags *d)
{
	const char *action = vd_str(obj, action_key);

	/* config-linux.md: an errno with an action that takes none MUST fail. */
	if (!action || !json_object_get(obj, errno_key) || strcmp(action, "SCMP_ACT_ERRNO") == 0 ||
	    strcmp(action, "SCMP_ACT_TRACE") == 0)
		return;
	vd_add(d, CT_DIAG_ERROR, ptr, errno_key, "SCMP_ACT_ERRNO or SCMP_ACT_TRACE",
	       json_object_get(obj, action_key), "remove the errno or change the action",
	       "%s is only for actions that return an errno", errno_key);
}

static void check_syscalls(const json_t *sc, bool *uses_notify, struct ct_diags *d)
{
	const json_t *list = vd_arr(sc, "syscalls");
	size_t i;
	json_t *call;

	json_array_foreach(list, i, call)
	{
		cleanup_free char *ptr = ct_pointer_index("/linux/seccomp/syscalls", i);
		const char *action = vd_str(call, "action");
		const json_t *args = vd_arr(call, "args");
		size_t j;
		json_t *arg;

		if (!ptr)
			continue;
		if (action && strcmp(action, "SCMP_ACT_NOTIFY") == 0)
			*uses_notify = true;
		check_errno_action(call, ptr, "action", "errnoRet", d);
		json_array_foreach(args, j, arg)
		{
			cleanup_free char *arg_ptr = NULL;
			int64_t index;

			/* A syscall has six argument registers. */
			if (!vd_int(arg, "index", &index) || index <= 5 ||
			    asprintf(&arg_ptr, "%s/args/%zu", ptr, j) < 0)
				continue;
			if (arg_ptr)
				vd_add(d, CT_DIAG_ERROR, arg_ptr, "index", "0 to 5",
				       json_object_get(arg, "index"), NULL,
				       "syscall argument index out of range");
		}
	}
}

static void check_seccomp(const json_t *lx, struct ct_diags *d)
{
	const json_t *sc = vd_obj(lx, "seccomp");
	const char *def = vd_str(sc, "defaultAction");
	bool uses_notify = false;

	if (!sc)
		return;
	check_errno_action(sc, "/linux/seccomp", "defaultAction", "defaultErrnoRet", d);
	if (def && strcmp(def, "SCMP_ACT_NOTIFY") == 0)
		vd_add(d, CT_DIAG_ERROR, "/linux/seccomp", "defaultAction",
		       "any action but SCMP_ACT_NOTIFY", json_object_get(sc, "defaultAction"),
		       "notify only the syscalls the agent handles, in syscalls[]",
		       "SCMP_ACT_NOTIFY cannot be the default action");
	check_syscalls(sc, &uses_notify, d);
	if (json_object_get(sc, "listenerMetadata") && !json_object_get(sc, "listenerPath"))
		vd_add(d, CT_DIAG_ERROR, "/linux/seccomp", "listenerMetadata", NULL, NULL,
		       "set listenerPath too, or remove listenerMetadata",
		       "listenerMetadata without listenerPath");
	if (uses_notify && !json_object_get(sc, "listenerPath"))
		vd_add(d, CT_DIAG_WARN, "/linux/seccomp", NULL, NULL, NULL,
		       "set listenerPath to the agent's socket",
		       "SCMP_ACT_NOTIFY without listenerPath: no agent will answer");
}

static bool has_flag(const json_t *flags, const char *name)
{
	size_t i;
	json_t *f;

	json_array_foreach(flags, i, f)
	{
		if (json_is_string(f) && strcmp(json_string_value(f), name) == 0)
			return true;
	}

	return false;
}

/* set_mempolicy(2): which modes take a node mask, and which flags exclude each other. */
static void check_memory_policy(const json_t *lx, struct ct_diags *d)
{
	const json_t *mp = vd_obj(lx, "memoryPolicy");
	const char *mode = vd_str(mp, "mode");
	const json_t *nodes = json_object_get(mp, "nodes");
	const char *n = json_string_value(nodes);
	bool is_local;

	if (!mp)
		return;
	if (!json_object_get(mp, "mode")) {
		vd_add(d, CT_DIAG_ERROR, "/linux/memoryPolicy", NULL, NULL, NULL,
		       "add \"mode\", e.g. \"MPOL_BIND\"", "missing required key 'mode'");
		return;
	}
	if (n && *n && !vd_is_cpu_list(n))
		vd_add(d, CT_DIAG_ERROR, "/linux/memoryPolicy", "nodes", "a node list like 0-3,7",
		       nodes, NULL, "invalid node list");
	is_local = mode && (strcmp(mode, "MPOL_DEFAULT") == 0 || strcmp(mode, "MPOL_LOCAL") == 0);
	if (is_local && n && *n)
		vd_add(d, CT_DIAG_ERROR, "/linux/memoryPolicy", "nodes", "no nodes", nodes,
		       "remove \"nodes\"", "%s takes no nodes", mode);
	if (mode && !is_local && strcmp(mode, "MPOL_PREFERRED") != 0 && (!n || !*n))
		vd_add(d, CT_DIAG_ERROR, "/linux/memoryPolicy", NULL, "nodes", NULL,
		       "add \"nodes\", e.g. \"0-1\"", "%s needs nodes", mode);
	if (has_flag(json_object_get(mp, "flags"), "MPOL_F_STATIC_NODES") &&
	    has_flag(json_object_get(mp, "flags"), "MPOL_F_RELATIVE_NODES"))
		vd_add(d, CT_DIAG_ERROR, "/linux/memoryPolicy", "flags", NULL, NULL,
		       "keep one of them",
		       "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
}

static void check_personality(const json_t *lx, struct ct_diags *d)
{
	const json_t *pers = vd_obj(lx, "personality");
	const json_t *flags = vd_arr(pers, "flags");

	if (!pers)
		return;
	/* config-linux.md: domain is REQUIRED even though the schema leaves it out. */
	if (!json_object_get(pers, "domain"))
		vd_add(d, CT_DIAG_ERROR, "/linux/personality", NULL, NULL, NULL,
		       "add \"domain\": \"LINUX\" or \"LINUX32\"", "missing required key 'domain'");
	for (size_t i = 0; i < json_array_size(flags); i++)
		vd_add_index(d, CT_DIAG_WARN, "/linux/personality/flags", i, "no flags",
			     json_array_get(flags, i), "remove it",
			     "personality flags are not supported, ignoring");
}

static void check_time_offsets(const json_t *lx, struct ct_diags *d)
{
	const json_t *offsets = vd_obj(lx, "timeOffsets");
	const char *clock;
	json_t *off;

	json_object_foreach((json_t *)offsets, clock, off)
	{
		int64_t ns;

		if (vd_int(off, "nanosecs", &ns) && ns > 999999999) {
			cleanup_free char *ptr = ct_pointer_join("/linux/timeOffsets", clock);

			vd_add(d, CT_DIAG_ERROR, ptr ? ptr : "", "nanosecs", "0 to 999999999",
			       json_object_get(off, "nanosecs"), "carry whole seconds into secs",
			       "nanosecs out of range");
		}
	}
}

void vd_check_linux(const json_t *doc, struct ct_diags *d)
{
	const json_t *lx = vd_obj(doc, "linux");
	struct ns_set set = {0};

	check_namespaces(lx, &set, d);
	check_ns_users(doc, lx, &set, d);
	if (!lx)
		return;
	check_sysctl(lx, &set, d);
	check_paths(lx, "maskedPaths", d);
	check_paths(lx, "readonlyPaths", d);
	check_devices(lx, d);
	check_net_devices(lx, d);
	check_cgroups_path(lx, d);
	check_seccomp(lx, d);
	check_memory_policy(lx, d);
	check_personality(lx, d);
	check_time_offsets(lx, d);
	if (vd_obj(lx, "resources"))
		vd_check_resources(vd_obj(lx, "resources"), "/linux/resources", d);
}
