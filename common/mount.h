/* SPDX-License-Identifier: Apache-2.0 */
/* Mount options of config.json "mounts": the name table and its parsed form. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ct_err;

/*
 * One mount's options, sorted by how the kernel takes them:
 * - attr_set/attr_clr: per-mount attributes (MOUNT_ATTR_*) of the mount itself;
 * - rec_set/rec_clr: the same, asked for the whole tree ("rro", "rnosuid"...);
 * - sb_flags: superblock flags passed as fsconfig flags ("sync", "dirsync"...);
 * - propagation: MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE, 0 when not asked;
 * - data: the filesystem's own options ("size=64k,mode=755"), malloc'd, NULL when none.
 */
struct ct_mount_opts {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t rec_set;
	uint64_t rec_clr;
	bool has_atime;	    /* an atime option was given: attr_set holds the mode */
	bool has_rec_atime; /* the same for the r* variants */
	bool is_bind;
	bool is_rbind;
	bool is_remount;
	bool want_idmap;
	bool want_ridmap;
	bool want_copyup; /* "tmpcopyup": a tmpfs starts as a copy of what it covers */
	bool propagation_rec;
	unsigned long propagation;
	unsigned long sb_flags; /* MS_SYNCHRONOUS, MS_DIRSYNC, MS_MANDLOCK, MS_LAZYTIME */
	unsigned long sb_clear; /* the same flags asked off ("async", "nomand"...) */
	char *data;
};

/*
 * Parses a mount's option list. Words of the table become flags; "key=value"
 * and unknown words go to data, in order, for the filesystem to judge.
 * Returns 0, or -1 with err (EINVAL) when an option contradicts the kind of
 * mount (idmap without bind). Free with ct_mount_opts_free.
 */
int ct_mount_opts_parse(char *const *options, size_t n, struct ct_mount_opts *ret_opts,
			struct ct_err *err);

void ct_mount_opts_free(struct ct_mount_opts *opts);

/* True when opt is a word of the option table (not filesystem data). */
bool ct_mount_option_known(const char *opt);

/*
 * The option table's names, in table order, for `nsinit features`
 * ("mountOptions"): index 0.. until NULL is returned.
 */
const char *ct_mount_option_name(size_t index);

/* "private", "rshared"... -> MS_* flags (MS_REC included for r*); -1 when unknown. */
long ct_mount_propagation_from_name(const char *name);
