/* SPDX-License-Identifier: Apache-2.0 */
/* The seccomp names runtime-spec v1.3.0 defines, for validation and features. */
#include "common/seccomp.h"

#include <stddef.h>
#include <string.h>

/* The spec's enums (defs-linux.json); names match libseccomp's seccomp.h. */
static const char *const actions[] = {
	"SCMP_ACT_KILL",	"SCMP_ACT_KILL_PROCESS",
	"SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
	"SCMP_ACT_ERRNO",	"SCMP_ACT_TRACE",
	"SCMP_ACT_ALLOW",	"SCMP_ACT_LOG",
	"SCMP_ACT_NOTIFY",	NULL,
};

static const char *const operators[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",	    "SCMP_CMP_EQ",
	"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

static const char *const archs[] = {
	"SCMP_ARCH_X86",	 "SCMP_ARCH_X86_64",	  "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64",	 "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",    "SCMP_ARCH_MIPS",
	"SCMP_ARCH_MIPS64",	 "SCMP_ARCH_MIPS64N32",	  "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
	"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",	  "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",
	"SCMP_ARCH_S390",	 "SCMP_ARCH_S390X",	  "SCMP_ARCH_SH",      "SCMP_ARCH_SHEB",
	"SCMP_ARCH_PARISC",	 "SCMP_ARCH_PARISC64",	  "SCMP_ARCH_RISCV64", NULL,
};

static const char *const flags[] = {
	"SECCOMP_FILTER_FLAG_TSYNC",
	"SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
	NULL,
};

static bool in_list(const char *const *list, const char *name)
{
	if (!name)
		return false;
	for (; *list; list++) {
		if (strcmp(*list, name) == 0)
			return true;
	}

	return false;
}

bool ct_seccomp_action_known(const char *name)
{
	return in_list(actions, name);
}

bool ct_seccomp_op_known(const char *name)
{
	return in_list(operators, name);
}

bool ct_seccomp_arch_known(const char *name)
{
	return in_list(archs, name);
}

bool ct_seccomp_flag_known(const char *name)
{
	return in_list(flags, name);
}

const char *const *ct_seccomp_names(enum ct_seccomp_name_kind kind)
{
	switch (kind) {
	case CT_SECCOMP_ACTIONS:
		return actions;
	case CT_SECCOMP_OPERATORS:
		return operators;
	case CT_SECCOMP_ARCHS:
		return archs;
	case CT_SECCOMP_FLAGS:
		return flags;
	}

	return actions;
}
