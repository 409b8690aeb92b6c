/* SPDX-License-Identifier: Apache-2.0 */
/* Capability names: the spec's spelling (CAP_SYS_ADMIN) mapped through libcap. */
#include "common/caps.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include <sys/capability.h>

/*
 * The names of Linux 6.x, in number order; libcap is asked as well so a newer
 * libcap knows newer names, and this list gives validation its suggestions.
 */
static const char *const cap_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
	NULL,
};

/* The spec spells names upper case with the CAP_ prefix; libcap would also take "12" or "chown". */
static bool is_spec_spelling(const char *name)
{
	if (strncmp(name, "CAP_", 4) != 0 || name[4] == '\0')
		return false;
	for (const char *p = name + 4; *p; p++) {
		if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_')
			return false;
	}

	return true;
}

int ct_caps_from_name(const char *name)
{
	cap_value_t value;

	if (!name || !is_spec_spelling(name))
		return -1;
	for (size_t i = 0; cap_names[i]; i++) {
		if (strcmp(cap_names[i], name) == 0)
			return (int)i;
	}
	if (cap_from_name(name, &value) < 0)
		return -1;

	return (int)value;
}

bool ct_caps_is_known(const char *name)
{
	return ct_caps_from_name(name) >= 0;
}

const char *const *ct_caps_names(void)
{
	return cap_names;
}
