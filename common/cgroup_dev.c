/* SPDX-License-Identifier: Apache-2.0 */
/* The device policy: v1 devices.allow/deny lists, or a cgroup2 BPF_CGROUP_DEVICE program. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cgroup_priv.h"
#include "common/cleanup.h"
#include "common/err.h"
#include "common/spec.h"

struct dev_rule {
	int64_t major;	 /* -1: any */
	int64_t minor;	 /* -1: any */
	unsigned access; /* BPF_DEVCG_ACC_* bits */
	char type;	 /* 'a', 'c', 'b' */
	bool allow;
};

#define RULE_INIT(is_allow, t, maj, min, acc)                                                      \
	{                                                                                          \
		.allow = (is_allow), .type = (t), .major = (maj), .minor = (min), .access = (acc)  \
	}
#define RULE(...) ((struct dev_rule)RULE_INIT(__VA_ARGS__))

#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)

/*
 * What every container may use whatever its config says, as runc grants:
 * mknod of any node (creating one is harmless, opening it is what counts)
 * and the usual character devices, terminals included.
 */
static const struct dev_rule default_rules[] = {
	RULE_INIT(true, 'c', -1, -1, BPF_DEVCG_ACC_MKNOD),
	RULE_INIT(true, 'b', -1, -1, BPF_DEVCG_ACC_MKNOD),
	RULE_INIT(true, 'c', 1, 3, ACC_ALL),	/* /dev/null */
	RULE_INIT(true, 'c', 1, 5, ACC_ALL),	/* /dev/zero */
	RULE_INIT(true, 'c', 1, 7, ACC_ALL),	/* /dev/full */
	RULE_INIT(true, 'c', 1, 8, ACC_ALL),	/* /dev/random */
	RULE_INIT(true, 'c', 1, 9, ACC_ALL),	/* /dev/urandom */
	RULE_INIT(true, 'c', 5, 0, ACC_ALL),	/* /dev/tty */
	RULE_INIT(true, 'c', 5, 2, ACC_ALL),	/* /dev/ptmx */
	RULE_INIT(true, 'c', 136, -1, ACC_ALL), /* /dev/pts/N */
};

struct rule_list {
	struct dev_rule *v;
	size_t n;
};

static int push_rule(struct rule_list *l, struct dev_rule r, struct ct_err *err)
{
	struct dev_rule *grown = realloc(l->v, (l->n + 1) * sizeof(*grown));

	if (!grown)
		return ct_err_set(err, ENOMEM, "build the device policy");
	l->v = grown;
	l->v[l->n++] = r;

	return 0;
}

static int parse_access(const char *s, unsigned *ret, struct ct_err *err)
{
	unsigned acc = 0;

	if (!s) {
		*ret = ACC_ALL;
		return 0;
	}
	for (const char *p = s; *p; p++) {
		if (*p == 'r')
			acc |= BPF_DEVCG_ACC_READ;
		else if (*p == 'w')
			acc |= BPF_DEVCG_ACC_WRITE;
		else if (*p == 'm')
			acc |= BPF_DEVCG_ACC_MKNOD;
		else
			return ct_err_set(err, EINVAL,
					  "device rule access '%s' is not a subset of 'rwm'", s);
	}
	*ret = acc;

	return 0;
}

static int user_rule(const struct ct_device_cgroup *d, struct dev_rule *ret, struct ct_err *err)
{
	const char *type = d->type ? d->type : "a";

	if (strcmp(type, "a") != 0 && strcmp(type, "c") != 0 && strcmp(type, "b") != 0)
		return ct_err_set(err, EINVAL, "device rule type '%s' is not one of a, c, b", type);
	*ret = (struct dev_rule){
		.allow = d->allow,
		.type = type[0],
		.major = d->has_major ? d->major : -1,
		.minor = d->has_minor ? d->minor : -1,
	};
	if ((d->has_major && (d->major < 0 || d->major > UINT32_MAX)) ||
	    (d->has_minor && (d->minor < 0 || d->minor > UINT32_MAX)))
		return ct_err_set(err, EINVAL, "device rule number out of range");

	return parse_access(d->access, &ret->access, err);
}

/*
 * Deny everything, then the config's own rules, then the defaults and the
 * nodes of linux.devices last, as runc orders them: a container always keeps
 * /dev/null and friends and the devices its config creates, whatever its
 * rules say.
 */
static int build_rules(const struct ct_resources *res, const struct ct_device *devs, size_t n_devs,
		       struct rule_list *l, struct ct_err *err)
{
	if (push_rule(l, RULE(false, 'a', -1, -1, ACC_ALL), err) < 0)
		return -1;
	for (size_t i = 0; res && i < res->n_devices; i++) {
		struct dev_rule r;

		if (user_rule(&res->devices[i], &r, err) < 0 || push_rule(l, r, err) < 0)
			return ct_err_wrap(err, "device rule %zu", i);
	}
	for (size_t i = 0; i < sizeof(default_rules) / sizeof(default_rules[0]); i++)
		if (push_rule(l, default_rules[i], err) < 0)
			return -1;
	for (size_t i = 0; i < n_devs; i++) {
		const char *type = devs[i].type ? devs[i].type : "c";
		char kind = strcmp(type, "b") == 0 ? 'b' : 'c';

		if (strcmp(type, "p") == 0)
			continue; /* a fifo is not a device to the cgroup */
		if (push_rule(l, RULE(true, kind, devs[i].major, devs[i].minor, ACC_ALL), err) < 0)
			return -1;
	}

	return 0;
}

static void rule_v1_text(const struct dev_rule *r, char *buf, size_t size)
{
	char major[24] = "*", minor[24] = "*", access[4] = "";
	size_t n = 0;

	if (r->major >= 0)
		snprintf(major, sizeof(major), "%" PRId64, r->major);
	if (r->minor >= 0)
		snprintf(minor, sizeof(minor), "%" PRId64, r->minor);
	if (r->access & BPF_DEVCG_ACC_READ)
		access[n++] = 'r';
	if (r->access & BPF_DEVCG_ACC_WRITE)
		access[n++] = 'w';
	if (r->access & BPF_DEVCG_ACC_MKNOD)
		access[n++] = 'm';
	access[n] = '\0';
	if (r->type == 'a')
		snprintf(buf, size, "a");
	else
		snprintf(buf, size, "%c %s:%s %s", r->type, major, minor, access);
}

/* Each write is one rule; the two files stay open for the whole list. */
static int apply_v1(const struct cg_dir *d, const struct rule_list *l, struct ct_err *err)
{
	cleanup_close int allow = -1;
	cleanup_close int deny = -1;

	for (size_t i = 0; i < l->n; i++) {
		const char *file = l->v[i].allow ? "devices.allow" : "devices.deny";
		int *fd = l->v[i].allow ? &allow : &deny;
		char text[80], path[PATH_MAX];
		size_t len;

		rule_v1_text(&l->v[i], text, sizeof(text));
		len = strlen(text);
		snprintf(path, sizeof(path), "%s/%s", d->path, file);
		if (*fd < 0)
			*fd = open(path, O_WRONLY | O_CLOEXEC);
		if (*fd < 0)
			return ct_err_set(err, errno, "open '%s'", path);
		if (write(*fd, text, len) != (ssize_t)len)
			return ct_err_set(err, errno ? errno : EIO, "write '%s' to '%s'", text,
					  path);
	}

	return 0;
}

/* ---- the cgroup2 program, instruction by instruction ---- */

struct prog {
	struct bpf_insn v[1024];
	size_t n;
};

static void emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (p->n < sizeof(p->v) / sizeof(p->v[0]))
		p->v[p->n] = (struct bpf_insn){
			.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
	p->n++;
}

/* Jumps to the end of the rule's block are emitted with off 0 and patched here. */
static void patch_jumps(struct prog *p, size_t start, size_t end)
{
	for (size_t i = start; i < end && i < sizeof(p->v) / sizeof(p->v[0]); i++)
		if (BPF_CLASS(p->v[i].code) == BPF_JMP32 && p->v[i].off == 0)
			p->v[i].off = (int16_t)(end - i - 1);
}

/*
 * Registers: r2 type, r3 access, r4 major, r5 minor, r1 scratch. 32-bit
 * jumps (JMP32) because major and minor are u32 and a 64-bit compare would
 * sign-extend the immediate.
 */
static bool emit_rule(struct prog *p, const struct dev_rule *r)
{
	size_t start = p->n;
	bool is_catch_all = r->type == 'a' && r->major < 0 && r->minor < 0 && r->access == ACC_ALL;

	if (r->type != 'a')
		emit(p, BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
		     r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	if (r->major >= 0)
		emit(p, BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)(uint32_t)r->major);
	if (r->minor >= 0)
		emit(p, BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)(uint32_t)r->minor);
	if (r->access != ACC_ALL) {
		emit(p, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		emit(p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t)r->access);
		/* An allow rule must cover all that is asked; a deny rule any part of it. */
		if (r->allow)
			emit(p, BPF_JMP32 | BPF_JNE | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		else
			emit(p, BPF_JMP32 | BPF_JEQ | BPF_K, BPF_REG_1, 0, 0, 0);
	}
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow ? 1 : 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	patch_jumps(p, start, p->n);

	return is_catch_all;
}

static int build_prog(const struct rule_list *l, struct prog *p, struct ct_err *err)
{
	p->n = 0;
	/* struct bpf_cgroup_dev_ctx: access_type (access << 16 | type), major, minor. */
	emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
	emit(p, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0, 0);
	emit(p, BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	emit(p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
	emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
	emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
	/* The last matching rule decides, as in the v1 lists: walk them backwards. */
	/*
	 * A catch-all rule ends the program: the verifier refuses code after
	 * it as unreachable. Without one, what no rule matched is denied.
	 */
	for (size_t i = l->n; i-- > 0;)
		if (emit_rule(p, &l->v[i]))
			goto done;
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
done:
	if (p->n > sizeof(p->v) / sizeof(p->v[0]))
		return ct_err_set(err, E2BIG, "device policy of %zu rules is too long", l->n);

	return 0;
}

/* The verifier's complaint is the line before its closing "processed N insns" summary. */
static const char *verifier_reason(char *log, size_t size)
{
	char *last = log;

	log[size - 1] = '\0';
	for (char *nl;
	     (nl = strchr(last, '\n')) && nl[1] && strncmp(nl + 1, "processed ", 10) != 0;)
		last = nl + 1;
	last[strcspn(last, "\n")] = '\0';

	return last;
}

static int load_prog(const struct prog *p, struct ct_err *err)
{
	static char log_buf[65536];
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)p->v;
	attr.insn_cnt = (uint32_t)p->n;
	attr.license = (uint64_t)(uintptr_t) "Apache-2.0";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd >= 0)
		return fd;

	/* Load again with the verifier's log only to explain the refusal. */
	log_buf[0] = '\0';
	attr.log_buf = (uint64_t)(uintptr_t)log_buf;
	attr.log_size = sizeof(log_buf);
	attr.log_level = 1;
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd >= 0)
		return fd;

	return ct_err_set(err, errno, "load the device BPF program (%zu instructions): %s", p->n,
			  verifier_reason(log_buf, sizeof(log_buf)));
}

static int attach_v2(const struct cg_dir *d, const struct rule_list *l, struct ct_err *err)
{
	static struct prog p;
	union bpf_attr attr;
	cleanup_close int prog_fd = -1;
	cleanup_close int dir_fd = -1;

	if (build_prog(l, &p, err) < 0)
		return -1;
	prog_fd = load_prog(&p, err);
	if (prog_fd < 0)
		return -1;

	dir_fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return ct_err_set(err, errno, "open '%s'", d->path);
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)dir_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	/* ALLOW_MULTI: a program on an ancestor (systemd's) keeps applying as well. */
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof(attr)) < 0)
		return ct_err_set(err, errno, "attach the device BPF program to '%s'", d->path);

	return 0;
}

int cg_apply_devices(const struct ct_cgroup *cg, const struct ct_resources *res,
		     const struct ct_device *devices, size_t n_devices, struct ct_err *err)
{
	struct rule_list l = {NULL, 0};
	const struct cg_dir *d;
	int rc;

	if (build_rules(res, devices, n_devices, &l, err) < 0) {
		free(l.v);
		return ct_err_wrap(err, "set devices");
	}
	if (cg->mode == CT_CGROUP_V2) {
		rc = attach_v2(cg_v2_dir(cg), &l, err);
	} else if ((d = cg_dir_of(cg, "devices"))) {
		rc = apply_v1(d, &l, err);
	} else {
		cg_warn("no devices cgroup controller: device access is not restricted, continuing");
		rc = 0;
	}
	free(l.v);
	if (rc < 0)
		return ct_err_wrap(err, "set devices");

	return 0;
}
