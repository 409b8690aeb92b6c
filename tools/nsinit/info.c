/* SPDX-License-Identifier: Apache-2.0 */
/* nsinit features and nsinit spec: what this build supports, and a default config. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/cleanup.h"
#include "common/defaults.h"
#include "common/err.h"
#include "common/hooks.h"
#include "common/json.h"
#include "common/mount.h"
#include "common/ns.h"
#include "common/seccomp.h"
#include "common/spec.h"

#include "tools/nsinit/nsinit.h"

static json_t *string_array(const char *const *names)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && names && names[i]; i++)
		json_array_append_new(arr, json_string(names[i]));
	return arr;
}

static json_t *namespaces_json(void)
{
	json_t *arr = json_array();

	for (int t = 0; arr && t < CT_NS_COUNT; t++)
		json_array_append_new(arr, json_string(ct_ns_type_name((enum ct_ns_type)t)));
	return arr;
}

static json_t *seccomp_json(void)
{
	json_t *doc = json_object();
	json_t *flags = string_array(ct_seccomp_names(CT_SECCOMP_FLAGS));

	json_object_set_new(doc, "enabled", json_true());
	json_object_set_new(doc, "actions", string_array(ct_seccomp_names(CT_SECCOMP_ACTIONS)));
	json_object_set_new(doc, "operators", string_array(ct_seccomp_names(CT_SECCOMP_OPERATORS)));
	json_object_set_new(doc, "archs", string_array(ct_seccomp_names(CT_SECCOMP_ARCHS)));
	json_object_set_new(doc, "knownFlags", json_deep_copy(flags));
	json_object_set_new(doc, "supportedFlags", flags);
	return doc;
}

static json_t *features_json(void)
{
	json_t *doc = json_object();
	json_t *lx = json_object();
	json_t *hooks = json_array();
	json_t *mopts = json_array();
	const char *name;

	for (int s = 0; s < CT_HOOK_STAGE_COUNT; s++)
		json_array_append_new(hooks,
				      json_string(ct_hook_stage_name((enum ct_hook_stage)s)));
	for (size_t i = 0; (name = ct_mount_option_name(i)); i++)
		json_array_append_new(mopts, json_string(name));

	json_object_set_new(doc, "ociVersionMin", json_string(CT_OCI_VERSION_MIN));
	json_object_set_new(doc, "ociVersionMax", json_string(CT_OCI_VERSION));
	json_object_set_new(doc, "hooks", hooks);
	json_object_set_new(doc, "mountOptions", mopts);
	json_object_set_new(lx, "namespaces", namespaces_json());
	json_object_set_new(lx, "capabilities", string_array(ct_caps_names()));
	/* The cgroupfs driver (common/cgroup.h) does v1, v2 and hybrid hosts; no systemd driver. */
	json_object_set_new(lx, "cgroup",
			    json_pack("{s:b, s:b, s:b, s:b, s:b}", "v1", 1, "v2", 1, "systemd", 0,
				      "systemdUser", 0, "rdma", 1));
	json_object_set_new(lx, "seccomp", seccomp_json());
	json_object_set_new(
		lx, "apparmor",
		json_pack("{s:b}", "enabled", access("/sys/kernel/security/apparmor", F_OK) == 0));
	json_object_set_new(lx, "selinux",
			    json_pack("{s:b}", "enabled", access("/sys/fs/selinux", F_OK) == 0));
	json_object_set_new(doc, "linux", lx);

	return doc;
}

int cmd_features(const struct opts *o, struct ct_err *err)
{
	cleanup_json json_t *doc = features_json();
	cleanup_free char *text = NULL;

	(void)o;
	text = doc ? ct_json_dump_pretty(doc) : NULL;
	if (!text)
		return ct_err_set(err, ENOMEM, "features");
	fputs(text, stdout);

	return 0;
}

int cmd_spec(const struct opts *o, struct ct_err *err)
{
	cleanup_json json_t *doc = NULL;
	cleanup_free char *path = NULL;

	if (asprintf(&path, "%s/config.json", o->bundle ? o->bundle : ".") < 0)
		return ct_err_set(err, ENOMEM, "spec");
	if (access(path, F_OK) == 0)
		return ct_err_set(err, EEXIST, "spec: '%s' exists; remove it first", path);
	doc = ct_default_config(o->rootless, err);
	if (!doc)
		return ct_err_wrap(err, "spec");
	if (ct_json_write_file(doc, path, err) < 0)
		return ct_err_wrap(err, "spec");

	return 0;
}
