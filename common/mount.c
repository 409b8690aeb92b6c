/* SPDX-License-Identifier: Apache-2.0 */
/* The mount option table: each config.json option word and what the kernel must be told. */
#include "common/mount.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/err.h"

enum opt_kind {
	OPT_NOOP,
	OPT_ATTR_SET,
	OPT_ATTR_CLR,
	OPT_ATIME,
	OPT_REC_SET,
	OPT_REC_CLR,
	OPT_REC_ATIME,
	OPT_SB_SET,
	OPT_SB_CLR,
	OPT_BIND,
	OPT_RBIND,
	OPT_REMOUNT,
	OPT_PROPAGATION,
	OPT_IDMAP,
	OPT_RIDMAP,
	OPT_TMPCOPYUP,
};

struct opt_def {
	const char *name;
	enum opt_kind kind;
	unsigned long value;
};

/*
 * The kernel's default atime mode is relatime, so the words that only take a
 * mode away ("atime", "norelatime", "nostrictatime") all land there: that is
 * what mount(2) does with the same words.
 */
static const struct opt_def opt_table[] = {
	{"defaults", OPT_NOOP, 0},
	{"ro", OPT_ATTR_SET, MOUNT_ATTR_RDONLY},
	{"rw", OPT_ATTR_CLR, MOUNT_ATTR_RDONLY},
	{"nosuid", OPT_ATTR_SET, MOUNT_ATTR_NOSUID},
	{"suid", OPT_ATTR_CLR, MOUNT_ATTR_NOSUID},
	{"nodev", OPT_ATTR_SET, MOUNT_ATTR_NODEV},
	{"dev", OPT_ATTR_CLR, MOUNT_ATTR_NODEV},
	{"noexec", OPT_ATTR_SET, MOUNT_ATTR_NOEXEC},
	{"exec", OPT_ATTR_CLR, MOUNT_ATTR_NOEXEC},
	{"nodiratime", OPT_ATTR_SET, MOUNT_ATTR_NODIRATIME},
	{"diratime", OPT_ATTR_CLR, MOUNT_ATTR_NODIRATIME},
	{"nosymfollow", OPT_ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW},
	{"symfollow", OPT_ATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW},
	{"atime", OPT_ATIME, MOUNT_ATTR_RELATIME},
	{"noatime", OPT_ATIME, MOUNT_ATTR_NOATIME},
	{"relatime", OPT_ATIME, MOUNT_ATTR_RELATIME},
	{"norelatime", OPT_ATIME, MOUNT_ATTR_RELATIME},
	{"strictatime", OPT_ATIME, MOUNT_ATTR_STRICTATIME},
	{"nostrictatime", OPT_ATIME, MOUNT_ATTR_RELATIME},
	{"sync", OPT_SB_SET, MS_SYNCHRONOUS},
	{"async", OPT_SB_CLR, MS_SYNCHRONOUS},
	{"dirsync", OPT_SB_SET, MS_DIRSYNC},
	{"mand", OPT_SB_SET, MS_MANDLOCK},
	{"nomand", OPT_SB_CLR, MS_MANDLOCK},
	{"lazytime", OPT_SB_SET, MS_LAZYTIME},
	{"nolazytime", OPT_SB_CLR, MS_LAZYTIME},
	{"silent", OPT_SB_SET, MS_SILENT},
	{"loud", OPT_SB_CLR, MS_SILENT},
	{"remount", OPT_REMOUNT, 0},
	{"bind", OPT_BIND, 0},
	{"rbind", OPT_RBIND, 0},
	{"private", OPT_PROPAGATION, MS_PRIVATE},
	{"rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC},
	{"shared", OPT_PROPAGATION, MS_SHARED},
	{"rshared", OPT_PROPAGATION, MS_SHARED | MS_REC},
	{"slave", OPT_PROPAGATION, MS_SLAVE},
	{"rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC},
	{"unbindable", OPT_PROPAGATION, MS_UNBINDABLE},
	{"runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC},
	{"rro", OPT_REC_SET, MOUNT_ATTR_RDONLY},
	{"rrw", OPT_REC_CLR, MOUNT_ATTR_RDONLY},
	{"rnosuid", OPT_REC_SET, MOUNT_ATTR_NOSUID},
	{"rsuid", OPT_REC_CLR, MOUNT_ATTR_NOSUID},
	{"rnodev", OPT_REC_SET, MOUNT_ATTR_NODEV},
	{"rdev", OPT_REC_CLR, MOUNT_ATTR_NODEV},
	{"rnoexec", OPT_REC_SET, MOUNT_ATTR_NOEXEC},
	{"rexec", OPT_REC_CLR, MOUNT_ATTR_NOEXEC},
	{"rnodiratime", OPT_REC_SET, MOUNT_ATTR_NODIRATIME},
	{"rdiratime", OPT_REC_CLR, MOUNT_ATTR_NODIRATIME},
	{"rnosymfollow", OPT_REC_SET, MOUNT_ATTR_NOSYMFOLLOW},
	{"rsymfollow", OPT_REC_CLR, MOUNT_ATTR_NOSYMFOLLOW},
	{"ratime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
	{"rnoatime", OPT_REC_ATIME, MOUNT_ATTR_NOATIME},
	{"rrelatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
	{"rnorelatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
	{"rstrictatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME},
	{"rnostrictatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
	{"idmap", OPT_IDMAP, 0},
	{"ridmap", OPT_RIDMAP, 0},
	{"tmpcopyup", OPT_TMPCOPYUP, 0},
};

#define N_OPTS (sizeof(opt_table) / sizeof(opt_table[0]))

static const struct opt_def *find_opt(const char *name)
{
	for (size_t i = 0; i < N_OPTS; i++)
		if (strcmp(opt_table[i].name, name) == 0)
			return &opt_table[i];

	return NULL;
}

bool ct_mount_option_known(const char *opt)
{
	return opt && find_opt(opt) != NULL;
}

const char *ct_mount_option_name(size_t index)
{
	return index < N_OPTS ? opt_table[index].name : NULL;
}

long ct_mount_propagation_from_name(const char *name)
{
	const struct opt_def *def = name ? find_opt(name) : NULL;

	if (!def || def->kind != OPT_PROPAGATION)
		return -1;

	return (long)def->value;
}

static int append_data(char **data, const char *word)
{
	size_t old = *data ? strlen(*data) : 0;
	char *grown = realloc(*data, old + strlen(word) + 2);

	if (!grown)
		return -1;
	if (old)
		grown[old++] = ',';
	memcpy(grown + old, word, strlen(word) + 1);
	*data = grown;

	return 0;
}

/* A later word wins over an earlier one, as with mount(8): "ro,rw" is rw. */
static void apply_attr(uint64_t *set, uint64_t *clr, uint64_t bits, bool on)
{
	if (on) {
		*set |= bits;
		*clr &= ~bits;
	} else {
		*clr |= bits;
		*set &= ~bits;
	}
}

static void apply_atime(uint64_t *set, uint64_t *clr, bool *has, uint64_t mode)
{
	*set = (*set & ~(uint64_t)MOUNT_ATTR__ATIME) | mode;
	*clr |= MOUNT_ATTR__ATIME;
	*has = true;
}

static void apply_opt(const struct opt_def *def, struct ct_mount_opts *o)
{
	switch (def->kind) {
	case OPT_NOOP:
		break;
	case OPT_ATTR_SET:
	case OPT_ATTR_CLR:
		apply_attr(&o->attr_set, &o->attr_clr, def->value, def->kind == OPT_ATTR_SET);
		break;
	case OPT_ATIME:
		apply_atime(&o->attr_set, &o->attr_clr, &o->has_atime, def->value);
		break;
	case OPT_REC_SET:
	case OPT_REC_CLR:
		apply_attr(&o->rec_set, &o->rec_clr, def->value, def->kind == OPT_REC_SET);
		break;
	case OPT_REC_ATIME:
		apply_atime(&o->rec_set, &o->rec_clr, &o->has_rec_atime, def->value);
		break;
	case OPT_SB_SET:
		o->sb_flags |= def->value;
		o->sb_clear &= ~def->value;
		break;
	case OPT_SB_CLR:
		o->sb_clear |= def->value;
		o->sb_flags &= ~def->value;
		break;
	case OPT_BIND:
		o->is_bind = true;
		break;
	case OPT_RBIND:
		o->is_bind = true;
		o->is_rbind = true;
		break;
	case OPT_REMOUNT:
		o->is_remount = true;
		break;
	case OPT_PROPAGATION:
		o->propagation = def->value & ~(unsigned long)MS_REC;
		o->propagation_rec = (def->value & MS_REC) != 0;
		break;
	case OPT_IDMAP:
		o->want_idmap = true;
		break;
	case OPT_RIDMAP:
		o->want_ridmap = true;
		break;
	case OPT_TMPCOPYUP:
		o->want_copyup = true;
		break;
	}
}

int ct_mount_opts_parse(char *const *options, size_t n, struct ct_mount_opts *ret_opts,
			struct ct_err *err)
{
	struct ct_mount_opts o = {0};

	for (size_t i = 0; i < n; i++) {
		const struct opt_def *def = find_opt(options[i]);

		if (def) {
			apply_opt(def, &o);
			continue;
		}
		if (options[i][0] == '\0')
			continue;
		if (append_data(&o.data, options[i]) < 0) {
			free(o.data);
			return ct_err_set(err, ENOMEM, "collect mount data '%s'", options[i]);
		}
	}

	if ((o.want_idmap || o.want_ridmap) && !o.is_bind) {
		free(o.data);
		return ct_err_set(err, EINVAL, "option 'idmap' needs a bind mount");
	}
	*ret_opts = o;

	return 0;
}

void ct_mount_opts_free(struct ct_mount_opts *opts)
{
	if (!opts)
		return;
	free(opts->data);
	opts->data = NULL;
}
