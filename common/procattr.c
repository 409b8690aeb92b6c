/* SPDX-License-Identifier: Apache-2.0 */
/* Process attributes set from the spec: rlimits, oom score, LSM label, sysctl, cwd, user. */
#include "common/procattr.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/spec.h"

/* Linux's resources (getrlimit(2)), once: the names and the values stay in step. */
/* clang-format off */
#define CT_RLIMITS(X) \
	X(AS) \
	X(CORE) \
	X(CPU) \
	X(DATA) \
	X(FSIZE) \
	X(LOCKS) \
	X(MEMLOCK) \
	X(MSGQUEUE) \
	X(NICE) \
	X(NOFILE) \
	X(NPROC) \
	X(RSS) \
	X(RTPRIO) \
	X(RTTIME) \
	X(SIGPENDING) \
	X(STACK)
/* clang-format on */
#define RLIMIT_NAME(r) "RLIMIT_" #r,
#define RLIMIT_VALUE(r) RLIMIT_##r,

const char *const ct_rlimit_names[] = {CT_RLIMITS(RLIMIT_NAME) NULL};
static const int rlimit_values[] = {CT_RLIMITS(RLIMIT_VALUE)};

int ct_rlimit_from_name(const char *name)
{
	for (size_t i = 0; ct_rlimit_names[i]; i++)
		if (strcmp(ct_rlimit_names[i], name) == 0)
			return rlimit_values[i];

	return -1;
}

/* Checks the whole list before setting any, so a bad entry changes nothing. */
static int check_rlimits(const struct ct_process *proc, struct ct_err *err)
{
	for (size_t i = 0; i < proc->n_rlimits; i++) {
		const struct ct_rlimit *rl = &proc->rlimits[i];
		int res = rl->type ? ct_rlimit_from_name(rl->type) : -1;

		if (res < 0)
			return ct_err_set(err, 0, "unknown rlimit '%s'", rl->type ? rl->type : "");
		for (size_t j = 0; j < i; j++)
			if (strcmp(proc->rlimits[j].type, rl->type) == 0)
				return ct_err_set(err, 0, "rlimit '%s' given twice", rl->type);
		if (rl->soft > rl->hard)
			return ct_err_set(err, 0, "rlimit '%s' soft %llu above hard %llu", rl->type,
					  (unsigned long long)rl->soft,
					  (unsigned long long)rl->hard);
	}

	return 0;
}

int ct_procattr_set_rlimits(const struct ct_process *proc, struct ct_err *err)
{
	if (check_rlimits(proc, err) < 0)
		return -1;

	for (size_t i = 0; i < proc->n_rlimits; i++) {
		const struct ct_rlimit *rl = &proc->rlimits[i];
		/* The spec's uint64 and the kernel's RLIM_INFINITY (all ones) line up. */
		struct rlimit lim = {.rlim_cur = rl->soft, .rlim_max = rl->hard};

		if (prlimit(0, ct_rlimit_from_name(rl->type), &lim, NULL) < 0)
			return ct_err_set(err, errno, "set rlimit '%s'", rl->type);
	}

	return 0;
}

static int write_file(const char *path, const char *text, struct ct_err *err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = strlen(text);

	if (fd < 0)
		return ct_err_set(err, errno, "open '%s'", path);
	if (write(fd, text, len) != (ssize_t)len)
		return ct_err_set(err, errno ? errno : EIO, "write '%s'", path);

	return 0;
}

int ct_procattr_set_oom_score_adj(pid_t pid, int adj, struct ct_err *err)
{
	char path[64], buf[16], now[16] = "";

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/oom_score_adj");
	snprintf(buf, sizeof(buf), "%d", adj);
	/*
	 * For ourselves, skip what the runtime set from outside: once a user namespace's
	 * process has changed its ids it is not dumpable, its /proc/self is the host root's,
	 * and it could not write it.
	 */
	if (pid <= 0) {
		cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, now, sizeof(now) - 1) : -1;

		if (n > 0) {
			now[n] = '\0';
			if (strtol(now, NULL, 10) == adj)
				return 0;
		}
	}
	if (write_file(path, buf, err) < 0)
		return ct_err_wrap(err, "set oom_score_adj %d", adj);

	return 0;
}

static bool apparmor_enabled(void)
{
	char c = 0;
	cleanup_close int fd =
		open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);

	return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

static int set_apparmor(const char *profile, struct ct_err *err)
{
	char buf[PATH_MAX];

	if (!apparmor_enabled())
		return ct_err_set(
			err, 0,
			"AppArmor profile '%s' requested but AppArmor is not enabled on this host",
			profile);
	snprintf(buf, sizeof(buf), "exec %s", profile);
	/* The profile takes effect at the next execve; newer kernels keep it in the apparmor
	 * subdir. */
	if (write_file("/proc/thread-self/attr/apparmor/exec", buf, err) == 0)
		return 0;
	if (err->errnum != ENOENT)
		return ct_err_wrap(err, "set AppArmor profile '%s'", profile);
	if (write_file("/proc/thread-self/attr/exec", buf, err) < 0)
		return ct_err_wrap(err, "set AppArmor profile '%s'", profile);

	return 0;
}

static int set_selinux(const char *label, struct ct_err *err)
{
	if (access("/sys/fs/selinux/enforce", F_OK) < 0)
		return ct_err_set(
			err, 0,
			"SELinux label '%s' requested but SELinux is not enabled on this host",
			label);
	if (write_file("/proc/thread-self/attr/exec", label, err) < 0)
		return ct_err_wrap(err, "set SELinux label '%s'", label);

	return 0;
}

int ct_procattr_set_lsm(const struct ct_process *proc, struct ct_err *err)
{
	if (proc->apparmor_profile && set_apparmor(proc->apparmor_profile, err) < 0)
		return -1;
	if (proc->selinux_label && set_selinux(proc->selinux_label, err) < 0)
		return -1;

	return 0;
}

int ct_procattr_apply_privileged(const struct ct_spec *spec, struct ct_err *err)
{
	const struct ct_process *proc = spec->process;
	const struct ct_linux *lx = spec->linux_;

	if (proc) {
		if (ct_procattr_set_rlimits(proc, err) < 0)
			return -1;
		if (proc->has_oom_score_adj &&
		    ct_procattr_set_oom_score_adj(0, proc->oom_score_adj, err) < 0)
			return -1;
		if (ct_procattr_set_scheduler(proc->scheduler, err) < 0 ||
		    ct_procattr_set_io_priority(proc->io_priority, err) < 0)
			return -1;
		if (proc->exec_cpu_affinity &&
		    ct_procattr_set_cpu_affinity(proc->exec_cpu_affinity->initial, err) < 0)
			return ct_err_wrap(err, "execCPUAffinity.initial");
	}
	if (lx) {
		if (ct_procattr_set_personality(lx->personality, err) < 0 ||
		    ct_procattr_set_memory_policy(lx->memory_policy, err) < 0)
			return -1;
	}
	/* Last: a label for execve that a later failure here would leave half-applied. */
	if (proc && ct_procattr_set_lsm(proc, err) < 0)
		return -1;

	return 0;
}

int ct_procattr_make_cwd(const struct ct_process *proc, struct ct_err *err)
{
	char path[PATH_MAX];

	if (!proc->cwd)
		return 0;
	if (proc->cwd[0] != '/')
		return ct_err_set(err, 0, "cwd '%s' is not an absolute path", proc->cwd);
	if (strlen(proc->cwd) >= sizeof(path))
		return ct_err_set(err, ENAMETOOLONG, "cwd '%s'", proc->cwd);
	snprintf(path, sizeof(path), "%s", proc->cwd);

	/* After pivot_root "/" is the container's root, so symlinks on the way resolve inside it.
	 */
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return ct_err_set(err, errno, "create cwd '%s'", path);
		*p = saved;
		if (saved == '\0')
			break;
	}

	/*
	 * Entered as root too, as runc does: a cwd the final user may not search
	 * (a 0700 home) still works; ct_procattr_apply_final enters it again as
	 * that user, for the directories only they can reach (root-squashed NFS).
	 */
	if (chdir(proc->cwd) < 0 && errno != EACCES && errno != EPERM)
		return ct_err_set(err, errno, "change to cwd '%s'", proc->cwd);

	return 0;
}

/* "deny" in /proc/self/setgroups: an unprivileged user namespace where setgroups() fails. */
static bool setgroups_denied(void)
{
	char buf[8] = "";
	cleanup_close int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);

	return fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && strncmp(buf, "deny", 4) == 0;
}

static int set_groups(const struct ct_user *user, struct ct_err *err)
{
	/* The file is read only when the kernel refuses: a denied setgroups with nothing to set
	 * is no failure. */
	if (setgroups(user->n_additional_gids, (const gid_t *)user->additional_gids) == 0)
		return 0;
	if (errno != EPERM || !setgroups_denied())
		return ct_err_set(err, errno, "set additional gids");
	if (user->n_additional_gids > 0)
		return ct_err_set(
			err, 0, "set additional gids: setgroups is denied in this user namespace");

	return 0;
}

int ct_procattr_set_user(const struct ct_process *proc, struct ct_err *err)
{
	const struct ct_user *user = &proc->user;

	/* setres[ug]id read (uid_t)-1 as "unchanged": the process would stay root. */
	if (user->uid == (uid_t)-1 || user->gid == (gid_t)-1)
		return ct_err_set(err, EINVAL,
				  "set user: uid and gid 4294967295 are not valid ids");
	/* Without it, leaving uid 0 empties the permitted set and ct_caps_apply could grant
	 * nothing. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return ct_err_set(err, errno, "keep capabilities across the user switch");
	if (set_groups(user, err) < 0)
		return -1;
	/* gid before uid: after the uid change we may no longer have CAP_SETGID. */
	if (setresgid(user->gid, user->gid, user->gid) < 0)
		return ct_err_set(err, errno, "set gid %u", user->gid);
	if (setresuid(user->uid, user->uid, user->uid) < 0)
		return ct_err_set(err, errno, "set uid %u", user->uid);
	if (user->has_umask)
		umask(user->umask & 0777);

	return 0;
}

/* True when the process already sits in dir (entered as root by ct_procattr_make_cwd). */
static bool is_cwd(const char *dir)
{
	char buf[PATH_MAX];
	size_t len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		len--;
	/* getcwd needs no search permission: the kernel knows where we are. */
	return getcwd(buf, sizeof(buf)) && strlen(buf) == len && strncmp(buf, dir, len) == 0;
}

int ct_procattr_apply_final(const struct ct_process *proc, struct ct_err *err)
{
	if (proc->exec_cpu_affinity &&
	    ct_procattr_set_cpu_affinity(proc->exec_cpu_affinity->final, err) < 0)
		return ct_err_wrap(err, "execCPUAffinity.final");
	if (proc->cwd && chdir(proc->cwd) < 0 &&
	    !((errno == EACCES || errno == EPERM) && is_cwd(proc->cwd)))
		return ct_err_set(err, errno, "change to cwd '%s'", proc->cwd);

	return 0;
}
