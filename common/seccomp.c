/* SPDX-License-Identifier: Apache-2.0 */
/* Building linux.seccomp into a libseccomp filter and loading it into the calling process. */
#include "common/seccomp.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <seccomp.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/spec.h"

struct action_name {
	const char *name;
	uint32_t action;
	bool takes_errno; /* the low 16 bits carry errnoRet */
};

static const struct action_name actions[] = {
	{"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false},
	{"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
	{"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
	{"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
	{"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
	{"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true},
	{"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
	{"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
	{"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false},
};

static const struct {
	const char *name;
	enum scmp_compare op;
} ops[] = {
	{"SCMP_CMP_NE", SCMP_CMP_NE},
	{"SCMP_CMP_LT", SCMP_CMP_LT},
	{"SCMP_CMP_LE", SCMP_CMP_LE},
	{"SCMP_CMP_EQ", SCMP_CMP_EQ},
	{"SCMP_CMP_GE", SCMP_CMP_GE},
	{"SCMP_CMP_GT", SCMP_CMP_GT},
	{"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* Syscalls take at most six arguments. */
#define SC_MAX_ARGS 6

/*
 * The action for a name and errnoRet. ERRNO and TRACE without errnoRet use
 * EPERM (the spec's default, and runc's for TRACE too); any other action
 * with errnoRet is an error, as the spec requires.
 */
static int resolve_action(const char *name, bool has_errno, uint32_t errno_ret, uint32_t *ret,
			  struct ct_err *err)
{
	for (size_t i = 0; name && i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(actions[i].name, name) != 0)
			continue;
		if (!actions[i].takes_errno) {
			if (has_errno)
				return ct_err_set(err, 0, "action '%s' takes no errnoRet", name);
			*ret = actions[i].action;
			return 0;
		}
		if (has_errno && errno_ret > 0xffff)
			return ct_err_set(err, 0, "errnoRet %u out of range", errno_ret);
		*ret = actions[i].action | (has_errno ? errno_ret : EPERM);
		return 0;
	}

	return ct_err_set(err, 0, "unknown seccomp action '%s'", name ? name : "");
}

static int resolve_op(const char *name, enum scmp_compare *ret, struct ct_err *err)
{
	for (size_t i = 0; name && i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(ops[i].name, name) == 0) {
			*ret = ops[i].op;
			return 0;
		}
	}

	return ct_err_set(err, 0, "unknown seccomp operator '%s'", name ? name : "");
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token, through its own name table ("x86_64"). */
static int add_arch(scmp_filter_ctx ctx, const char *name, struct ct_err *err)
{
	static const char prefix[] = "SCMP_ARCH_";
	char lower[32];
	uint32_t token;
	int rc;

	if (strncmp(name, prefix, sizeof(prefix) - 1) != 0 ||
	    strlen(name + sizeof(prefix) - 1) >= sizeof(lower))
		return ct_err_set(err, 0, "unknown seccomp architecture '%s'", name);
	snprintf(lower, sizeof(lower), "%s", name + sizeof(prefix) - 1);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	token = seccomp_arch_resolve_name(lower);
	if (token == 0)
		return ct_err_set(err, 0, "unknown seccomp architecture '%s'", name);

	/* The native architecture is already there; seccomp_init added it. */
	rc = seccomp_arch_add(ctx, token);
	if (rc < 0 && rc != -EEXIST)
		return ct_err_set(err, -rc, "add seccomp architecture '%s'", name);

	return 0;
}

/* What the load step needs to know beyond the libseccomp context. */
struct load_opts {
	bool want_notify;
	bool want_wait_killable;
	unsigned int kernel_flags; /* SECCOMP_FILTER_FLAG_* for a load without libseccomp */
};

static int set_flag(scmp_filter_ctx ctx, const char *flag, struct load_opts *opts,
		    struct ct_err *err)
{
	static const struct {
		const char *name;
		enum scmp_filter_attr attr;
		unsigned int kernel_flag;
	} flags[] = {
		{"SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC,
		 SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH},
		{"SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG, SECCOMP_FILTER_FLAG_LOG},
		{"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB,
		 SECCOMP_FILTER_FLAG_SPEC_ALLOW},
	};
	int rc;

	/* libseccomp 2.5 has no attribute for it: load_filter() hands it to the kernel itself. */
	if (strcmp(flag, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0) {
		opts->want_wait_killable = true;
		return 0;
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (strcmp(flag, flags[i].name) != 0)
			continue;
		rc = seccomp_attr_set(ctx, flags[i].attr, 1);
		if (rc < 0)
			return ct_err_set(err, -rc, "set seccomp flag '%s'", flag);
		opts->kernel_flags |= flags[i].kernel_flag;
		return 0;
	}

	return ct_err_set(err, 0, "unknown seccomp flag '%s'", flag);
}

/* Conditions of one rule, in libseccomp's form; checks index and operator. */
static int build_conds(const struct ct_seccomp_syscall *sys, struct scmp_arg_cmp *conds,
		       bool *ret_same_index, struct ct_err *err)
{
	unsigned int seen = 0;

	*ret_same_index = false;
	for (size_t i = 0; i < sys->n_args; i++) {
		const struct ct_seccomp_arg *a = &sys->args[i];
		enum scmp_compare op = SCMP_CMP_EQ;

		if (a->index >= SC_MAX_ARGS)
			return ct_err_set(err, 0, "argument index %u out of range 0-5", a->index);
		if (resolve_op(a->op, &op, err) < 0)
			return -1;
		if (seen & (1u << a->index))
			*ret_same_index = true;
		seen |= 1u << a->index;
		conds[i] = (struct scmp_arg_cmp){
			.arg = a->index,
			.op = op,
			.datum_a = a->value,
			.datum_b = a->has_value_two ? a->value_two : 0,
		};
	}

	return 0;
}

/*
 * One syscall entry. Conditions on different arguments are ANDed in one
 * rule. libseccomp refuses two conditions on the same argument in one rule,
 * so then, as runc does, each condition becomes a rule of its own (ORed).
 */
static int add_syscall_rules(scmp_filter_ctx ctx, const struct ct_seccomp_syscall *sys,
			     uint32_t action, void (*warn)(const char *name), struct ct_err *err)
{
	struct scmp_arg_cmp conds[64];
	bool same_index;

	if (sys->n_args > sizeof(conds) / sizeof(conds[0]))
		return ct_err_set(err, 0, "too many argument conditions (%zu)", sys->n_args);
	if (build_conds(sys, conds, &same_index, err) < 0)
		return -1;

	for (size_t n = 0; n < sys->names.n; n++) {
		const char *name = sys->names.v[n];
		int nr = seccomp_syscall_resolve_name(name);
		int rc = 0;

		if (nr == __NR_SCMP_ERROR) {
			if (warn)
				warn(name);
			continue;
		}
		if (!same_index)
			rc = seccomp_rule_add_array(ctx, action, nr, (unsigned int)sys->n_args,
						    conds);
		for (size_t i = 0; same_index && rc == 0 && i < sys->n_args; i++)
			rc = seccomp_rule_add_array(ctx, action, nr, 1, &conds[i]);
		if (rc < 0)
			return ct_err_set(err, -rc, "add rule for syscall '%s'", name);
	}

	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct ct_seccomp *sc, uint32_t def_action,
		     void (*warn)(const char *name), bool *ret_notify, struct ct_err *err)
{
	*ret_notify = false;
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct ct_seccomp_syscall *sys = &sc->syscalls[i];
		const char *first = sys->names.n ? sys->names.v[0] : "";
		uint32_t action = 0;

		if (resolve_action(sys->action, sys->has_errno_ret, sys->errno_ret, &action, err) <
		    0)
			return ct_err_wrap(err, "syscalls[%zu] ('%s')", i, first);
		/* libseccomp refuses a rule that repeats the default action; it changes nothing. */
		if (action == def_action)
			continue;
		if (action == SCMP_ACT_NOTIFY)
			*ret_notify = true;
		if (add_syscall_rules(ctx, sys, action, warn, err) < 0)
			return ct_err_wrap(err, "syscalls[%zu]", i);
	}

	return 0;
}

/* The whole filter, unloaded. */
static int build_filter(const struct ct_seccomp *sc, void (*warn)(const char *name),
			scmp_filter_ctx *ret_ctx, struct load_opts *opts, struct ct_err *err)
{
	cleanup_seccomp scmp_filter_ctx ctx = NULL;
	uint32_t def_action = 0;
	int rc;

	if (resolve_action(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret,
			   &def_action, err) < 0)
		return ct_err_wrap(err, "defaultAction");
	/* The runtime's own syscalls up to execve would wait on an agent that has no fd yet. */
	if (def_action == SCMP_ACT_NOTIFY)
		return ct_err_set(err, 0, "SCMP_ACT_NOTIFY cannot be the default action");
	ctx = seccomp_init(def_action);
	if (!ctx)
		return ct_err_set(err, ENOMEM, "create seccomp filter");
	/*
	 * libseccomp sets no_new_privs on load by default; the spec leaves that to
	 * process.noNewPrivileges, which the caller applies.
	 */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc < 0)
		return ct_err_set(err, -rc, "clear the seccomp no_new_privs attribute");

	for (size_t i = 0; i < sc->architectures.n; i++)
		if (add_arch(ctx, sc->architectures.v[i], err) < 0)
			return -1;
	for (size_t i = 0; i < sc->flags.n; i++)
		if (set_flag(ctx, sc->flags.v[i], opts, err) < 0)
			return -1;
	if (add_rules(ctx, sc, def_action, warn, &opts->want_notify, err) < 0)
		return -1;
	if (opts->want_notify && !sc->listener_path)
		return ct_err_set(err, 0, "SCMP_ACT_NOTIFY needs listenerPath");

	*ret_ctx = steal_ptr(&ctx);
	return 0;
}

/*
 * The filter as classic BPF, for a load that passes flags libseccomp 2.5
 * cannot (WAIT_KILLABLE_RECV). malloc'd; *ret_len in instructions.
 */
static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **ret_prog, size_t *ret_len,
		      struct ct_err *err)
{
	cleanup_close int fd = memfd_create("ct-seccomp-bpf", MFD_CLOEXEC);
	cleanup_free struct sock_filter *prog = NULL;
	struct stat st;
	int rc;

	if (fd < 0)
		return ct_err_set(err, errno, "create memfd for the filter");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return ct_err_set(err, -rc, "export filter");
	if (fstat(fd, &st) < 0)
		return ct_err_set(err, errno, "stat exported filter");
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0 ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return ct_err_set(err, 0, "exported filter has a bad size %lld",
				  (long long)st.st_size);
	prog = malloc((size_t)st.st_size);
	if (!prog)
		return ct_err_set(err, ENOMEM, "read exported filter");
	if (pread(fd, prog, (size_t)st.st_size, 0) != st.st_size)
		return ct_err_set(err, errno ? errno : EIO, "read exported filter");

	*ret_len = (size_t)st.st_size / sizeof(struct sock_filter);
	*ret_prog = steal_ptr(&prog);
	return 0;
}

static int load_raw(scmp_filter_ctx ctx, const struct load_opts *opts, int *ret_fd,
		    struct ct_err *err)
{
	cleanup_free struct sock_filter *insns = NULL;
	struct sock_fprog prog;
	size_t len = 0;
	long fd;

	if (export_bpf(ctx, &insns, &len, err) < 0)
		return -1;
	prog = (struct sock_fprog){.len = (unsigned short)len, .filter = insns};
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     opts->kernel_flags | SECCOMP_FILTER_FLAG_NEW_LISTENER |
			     SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
		     &prog);
	if (fd < 0)
		return ct_err_set(err, errno, "load filter");

	*ret_fd = (int)fd;
	return 0;
}

/*
 * Loads the filter; *ret_fd is the notify fd (close-on-exec, the caller's)
 * when the filter notifies, else -1. WAIT_KILLABLE_RECV only changes how a
 * notifying filter waits, and the kernel takes it only with a listener, so
 * without SCMP_ACT_NOTIFY rules it is dropped.
 */
static int load_filter(scmp_filter_ctx ctx, const struct load_opts *opts, int *ret_fd,
		       struct ct_err *err)
{
	int rc, fd = -1;

	if (opts->want_notify && opts->want_wait_killable)
		return load_raw(ctx, opts, ret_fd, err);

	rc = seccomp_load(ctx);
	if (rc < 0)
		return ct_err_set(err, -rc, "load filter");
	if (opts->want_notify) {
		fd = seccomp_notify_fd(ctx);
		if (fd < 0)
			return ct_err_set(err, -fd, "get the notify fd");
	}

	*ret_fd = fd;
	return 0;
}

int ct_seccomp_load(const struct ct_seccomp *sc, void (*warn)(const char *name),
		    int *ret_listener_fd, struct ct_err *err)
{
	cleanup_seccomp scmp_filter_ctx ctx = NULL;
	struct load_opts opts = {0};
	int fd = -1;

	if (!sc) {
		if (ret_listener_fd)
			*ret_listener_fd = -1;
		return 0;
	}
	if (build_filter(sc, warn, &ctx, &opts, err) < 0)
		return ct_err_wrap(err, "seccomp");
	if (load_filter(ctx, &opts, &fd, err) < 0)
		return ct_err_wrap(err, "seccomp");

	if (ret_listener_fd)
		*ret_listener_fd = fd;
	else if (fd >= 0)
		close(fd);
	return 0;
}
